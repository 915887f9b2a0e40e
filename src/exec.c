/* SPDX-License-Identifier: Apache-2.0 */
/*
 * `exec` runs a new process in a container, described by a process.json
 * (--process) or by a command line with the rest of the container's own
 * process. In the foreground it forwards signals, proxies a terminal that
 * has no console socket, and exits with the process's status.
 */
#include <errno.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/signalfd.h>
#include <sys/wait.h>
#include <unistd.h>

#include "ctrun.h"

struct exec_flags {
	const char *process;
	const char *console_socket;
	const char *pid_file;
	const char *cwd;
	const char *user;
	const char *apparmor;
	const char *process_label;
	struct cli_strings env;
	struct cli_strings additional_gids;
	struct cli_strings caps;
	struct cli_strings cgroups;
	int preserve_fds;
	bool detach;
	bool tty;
	bool no_new_privs;
	bool ignore_paused;
};

static bool parse_id(const char *text, uint32_t *ret_id)
{
	int value;

	if (!cli_parse_uint(text, &value))
		return false;
	*ret_id = (uint32_t)value;
	return true;
}

/* Parses --user UID[:GID]. */
static bool parse_user(const char *text, struct libct_exec_options *options)
{
	char uid[32];
	const char *colon = strchr(text, ':');
	size_t length = colon != NULL ? (size_t)(colon - text) : strlen(text);

	if (length == 0 || length >= sizeof(uid))
		return false;
	memcpy(uid, text, length);
	uid[length] = '\0';
	if (!parse_id(uid, &options->uid))
		return false;
	options->set_uid = true;
	if (colon == NULL)
		return true;
	options->set_gid = parse_id(colon + 1, &options->gid);
	return options->set_gid;
}

/* Fills options from the flags; returns an exit status on a usage error,
 * or -1. gids must have room for every --additional-gids value. */
static int make_options(const struct cli_syntax *syntax, const struct exec_flags *flags, char **command,
			uint32_t *gids, struct libct_exec_options *options)
{
	if (flags->process == NULL && command[0] == NULL)
		return cli_usage_error(syntax, "exec: missing command, or a process.json with --process");

	*options = (struct libct_exec_options){
		.process_path = flags->process,
		.args = flags->process == NULL ? command : NULL,
		.env = flags->env.items,
		.cwd = flags->cwd,
		.capabilities = flags->caps.items,
		.terminal = flags->tty,
		.no_new_privileges = flags->no_new_privs,
		.apparmor_profile = flags->apparmor,
		.selinux_label = flags->process_label,
		.console_socket = flags->console_socket,
		.pid_file = flags->pid_file,
		.preserve_fds = flags->preserve_fds,
		.cgroups = flags->cgroups.items,
		.ignore_paused = flags->ignore_paused,
	};
	if (flags->user != NULL && !parse_user(flags->user, options))
		return cli_usage_error(syntax, "invalid value \"%s\" for flag \"--user\": expected UID[:GID]",
				       flags->user);
	for (size_t i = 0; i < flags->additional_gids.count; i++) {
		if (!parse_id(flags->additional_gids.items[i], &gids[i]))
			return cli_usage_error(syntax,
					       "invalid value \"%s\" for flag \"--additional-gids\": expected a GID",
					       flags->additional_gids.items[i]);
	}
	options->additional_gids = gids;
	options->n_additional_gids = flags->additional_gids.count;
	return -1;
}

static int exec_detached(struct libct_context *context, const char *id, struct libct_exec_options *options)
{
	struct libct_error err = {0};

	int r = libct_container_exec(context, id, options, NULL, &err);
	if (r < 0) {
		cli_fail(r, &err);
		return CLI_EXIT_NOT_STARTED;
	}
	return CLI_EXIT_OK;
}

static int exec_foreground(struct libct_context *context, const char *id, struct libct_exec_options *options)
{
	struct libct_error err = {0};
	sigset_t forwarded, saved;
	struct winsize size;
	int terminal_fd = -1;
	int wait_status = 0;
	pid_t pid = 0;

	/* Blocked before the process exists, so that no signal is lost before
	 * the signalfd reads it; the process starts with an empty mask. */
	cli_fill_forwarded_signals(&forwarded);
	sigprocmask(SIG_BLOCK, &forwarded, &saved);
	/* An ignored SIGCHLD would make the kernel reap the process and lose
	 * its exit status. */
	(void)sigaction(SIGCHLD, &(struct sigaction){.sa_handler = SIG_DFL}, NULL);

	options->ret_terminal_fd = &terminal_fd;
	/* The process starts before the proxy runs, so it gets the caller's
	 * size through consoleSize, from its first instruction. */
	if (options->console_socket == NULL && (ioctl(STDIN_FILENO, TIOCGWINSZ, &size) == 0 ||
						ioctl(STDOUT_FILENO, TIOCGWINSZ, &size) == 0)) {
		options->console_height = size.ws_row;
		options->console_width = size.ws_col;
	}
	int r = libct_container_exec(context, id, options, &pid, &err);
	if (r < 0) {
		cli_fail(r, &err);
		sigprocmask(SIG_SETMASK, &saved, NULL);
		return CLI_EXIT_NOT_STARTED;
	}

	int signal_fd = signalfd(-1, &forwarded, SFD_CLOEXEC);
	if (signal_fd < 0)
		r = -errno;
	else
		r = cli_foreground_wait(pid, signal_fd, terminal_fd);
	if (r < 0) {
		cli_error("wait for process %d in container \"%s\": %s", (int)pid, id, strerror(-r));
		(void)kill(pid, SIGKILL); /* our unreaped child; it is reaped below */
	}
	while (waitpid(pid, &wait_status, 0) < 0 && errno == EINTR)
		;

	if (signal_fd >= 0)
		close(signal_fd);
	if (terminal_fd >= 0)
		close(terminal_fd);
	sigprocmask(SIG_SETMASK, &saved, NULL);
	return r < 0 ? CLI_EXIT_FAILURE : cli_exit_status_of(wait_status);
}

int cmd_exec(const struct cli_globals *globals, int argc, char **argv)
{
	struct exec_flags flags = {0};
	const struct cli_option options[] = {
		{"process", 'p', CLI_OPTION_STRING, &flags.process, "FILE",
		 "read the process from FILE, a process.json, instead of the command line"},
		{"detach", 'd', CLI_OPTION_FLAG, &flags.detach, NULL,
		 "exit once the process has started, instead of waiting for it"},
		{"tty", 't', CLI_OPTION_FLAG, &flags.tty, NULL, "give the process a terminal"},
		{"console-socket", 0, CLI_OPTION_STRING, &flags.console_socket, "PATH",
		 "send the master fd of the process's terminal to the unix socket at PATH"},
		{"pid-file", 0, CLI_OPTION_STRING, &flags.pid_file, "FILE",
		 "write the pid of the process to FILE, relative to the current directory"},
		{"preserve-fds", 0, CLI_OPTION_UINT, &flags.preserve_fds, "N",
		 "pass N more open fds, from 3 up, to the process (default: 0)"},
		{"cwd", 0, CLI_OPTION_STRING, &flags.cwd, "DIR", "working directory of the process in the container"},
		{"env", 'e', CLI_OPTION_STRINGS, &flags.env, "NAME=VALUE",
		 "set an environment variable; repeat the flag for more"},
		{"user", 'u', CLI_OPTION_STRING, &flags.user, "UID[:GID]", "numeric user and group of the process"},
		{"additional-gids", 'g', CLI_OPTION_STRINGS, &flags.additional_gids, "GID",
		 "an additional group of the process; repeat the flag for more"},
		{"cap", 'c', CLI_OPTION_STRINGS, &flags.caps, "CAP",
		 "add a capability, such as CAP_NET_ADMIN, to the process; repeat the flag for more"},
		{"apparmor", 0, CLI_OPTION_STRING, &flags.apparmor, "PROFILE",
		 "run the process under the AppArmor profile PROFILE instead of the process's own"},
		{"process-label", 0, CLI_OPTION_STRING, &flags.process_label, "LABEL",
		 "run the process with the SELinux label LABEL instead of the process's own"},
		{"no-new-privs", 0, CLI_OPTION_FLAG, &flags.no_new_privs, NULL, "set no_new_privs on the process"},
		{"cgroup", 0, CLI_OPTION_STRINGS, &flags.cgroups, "[CONTROLLER[,...]:]PATH",
		 "put the process in PATH below the container's cgroup, for every hierarchy or for the "
		 "named v1 controllers; repeat the flag for more"},
		{"ignore-paused", 0, CLI_OPTION_FLAG, &flags.ignore_paused, NULL,
		 "start the process even when the container is paused; it stays frozen until resume"},
		{NULL, 0, 0, NULL, NULL, NULL},
	};
	const struct cli_syntax syntax = {
		.command = "exec",
		.operands = "ID [COMMAND [ARG]...]",
		.summary = "Execute a new process in running container ID.",
		.details = "Without --process, the process is COMMAND with the environment, user and other\n"
			   "attributes of the container's own process. The process joins the container's\n"
			   "namespaces and cgroup. In the foreground, exec forwards the signals it receives,\n"
			   "proxies a terminal that has no console socket, and exits with the process's\n"
			   "exit status, or 128+N when a signal N killed it. It exits with 255 when the\n"
			   "process could not be started.\n",
		.options = options,
		.min_operands = 1,
		.max_operands = -1,
		.flags_before_operands = true,
	};
	struct libct_exec_options exec_options;
	int first;
	int status;

	enum cli_parse_result parsed = cli_parse(&syntax, argc, argv, &first);
	if (parsed != CLI_PARSE_OK) {
		status = cli_parse_exit_status(parsed);
		goto out;
	}

	uint32_t *gids = calloc(flags.additional_gids.count + 1, sizeof(uint32_t));
	if (gids == NULL)
		abort();
	status = make_options(&syntax, &flags, argv + first + 1, gids, &exec_options);
	if (status < 0) {
		struct libct_context *context = cli_context_new(globals);

		if (context == NULL)
			status = CLI_EXIT_NOT_STARTED;
		else if (flags.detach)
			status = exec_detached(context, argv[first], &exec_options);
		else
			status = exec_foreground(context, argv[first], &exec_options);
		libct_context_free(context);
	}
	free(gids);
out:
	free(flags.env.items);
	free(flags.additional_gids.items);
	free(flags.caps.items);
	free(flags.cgroups.items);
	return status;
}
