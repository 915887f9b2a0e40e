/* SPDX-License-Identifier: Apache-2.0 */
/*
 * `run` creates and starts a container. In the foreground it forwards the
 * signals it receives to the container's init, waits for the init to exit,
 * deletes the container and exits with the init's status.
 */
#include <errno.h>
#include <signal.h>
#include <string.h>
#include <sys/signalfd.h>
#include <sys/wait.h>
#include <unistd.h>

#include "ctrun.h"

/*
 * Builds the set of signals that run blocks and reads from a signalfd:
 * every signal but those that cannot be caught and those the kernel raises
 * for a fault of this process, which must not stay pending while blocked.
 * SIGPIPE is left out because ctrun would raise it by writing to a closed
 * pipe, and the container should not receive it for that.
 */
static void fill_forwarded_signals(sigset_t *set)
{
	static const int excluded[] = {
		SIGKILL, SIGSTOP, SIGSEGV, SIGBUS, SIGILL, SIGFPE, SIGTRAP, SIGSYS, SIGPIPE,
	};

	sigemptyset(set);
	for (int sig = 1; sig <= SIGRTMAX; sig++) {
		bool skip = false;

		for (size_t i = 0; i < sizeof(excluded) / sizeof(excluded[0]); i++)
			skip = skip || excluded[i] == sig;
		/* sigaddset() rejects the two signals glibc keeps for itself; that is fine. */
		if (!skip)
			(void)sigaddset(set, sig);
	}
}

/* Returns true when pid has exited, leaving it waitable (WNOWAIT), so that
 * libct_run_wait() collects the status. */
static bool init_has_exited(pid_t pid)
{
	siginfo_t info = {0};

	if (waitid(P_PID, (id_t)pid, &info, WEXITED | WNOHANG | WNOWAIT) < 0)
		return errno == ECHILD;
	return info.si_pid == pid;
}

/*
 * Returns true when the kernel sent sig to our whole process group, as a
 * terminal does for Ctrl-C (SIGINT), Ctrl-\ (SIGQUIT), Ctrl-Z (SIGTSTP) and
 * a resize (SIGWINCH), and the init is in that group: it already got the
 * signal, and forwarding it would deliver it twice.
 */
static bool was_sent_to_init_too(const struct signalfd_siginfo *info, pid_t pid)
{
	return info->ssi_code == SI_KERNEL && getpgid(pid) == getpgrp();
}

/* Forwards every signal but SIGCHLD from signal_fd to pid until pid exits.
 * Returns 0 or a negative errno. */
static int forward_signals(int signal_fd, pid_t pid)
{
	while (!init_has_exited(pid)) {
		struct signalfd_siginfo info;

		ssize_t n = read(signal_fd, &info, sizeof(info));
		if (n < 0 && errno == EINTR)
			continue;
		if (n != (ssize_t)sizeof(info))
			return n < 0 ? -errno : -EIO;

		int sig = (int)info.ssi_signo;
		if (sig == SIGCHLD || was_sent_to_init_too(&info, pid))
			continue;
		const char *name = cli_signal_name(sig);
		cli_debug("forwarding signal %d (SIG%s) to the container's init (pid %d)", sig,
			  name != NULL ? name : "RT", (int)pid);
		/* The init is our unreaped child, so its pid cannot be reused yet;
		 * ESRCH only means that it is exiting. */
		if (kill(pid, sig) < 0 && errno != ESRCH)
			return -errno;
	}
	return 0;
}

/* Maps a wait status to the exit status of run: 128+N for signal N. */
static int exit_status_of(int wait_status)
{
	if (WIFEXITED(wait_status))
		return WEXITSTATUS(wait_status);
	if (WIFSIGNALED(wait_status))
		return 128 + WTERMSIG(wait_status);
	return CLI_EXIT_FAILURE;
}

/* Deletes a container that run created; failures are reported and do not
 * change the exit status. */
static void delete_container(struct libct_run *run)
{
	struct libct_error err = {0};

	int r = libct_run_delete(run, true, &err);
	if (r < 0)
		cli_fail(r, &err);
}

/* Forwards signals to the running init of container id until it exits,
 * and returns run's exit status. */
static int wait_for_init(struct libct_run *run, const char *id, int signal_fd, int terminal_fd)
{
	struct libct_error err = {0};
	int wait_status = 0;
	pid_t pid = libct_run_pid(run);

	/* A terminal without a console socket is proxied to run's own stdio. */
	int r = terminal_fd >= 0 ? cli_foreground_wait(pid, signal_fd, terminal_fd) : forward_signals(signal_fd, pid);
	if (r < 0) {
		cli_error("forward signals to container \"%s\": %s", id, strerror(-r));
		return CLI_EXIT_FAILURE;
	}

	r = libct_run_wait(run, &wait_status, &err);
	if (r < 0)
		return cli_fail(r, &err);
	return exit_status_of(wait_status);
}

static int run_detached(struct libct_context *context, const char *id,
			const struct libct_create_options *options)
{
	struct libct_error err = {0};
	struct libct_run *run = NULL;
	int status = CLI_EXIT_OK;

	int r = libct_run_create(context, id, options, &run, &err);
	if (r < 0) {
		cli_fail(r, &err);
		return CLI_EXIT_NOT_STARTED;
	}

	r = libct_run_start(run, &err);
	if (r < 0) {
		cli_fail(r, &err);
		delete_container(run);
		status = CLI_EXIT_NOT_STARTED;
	}
	libct_run_free(run);
	return status;
}

static int run_foreground(struct libct_context *context, const char *id,
			  const struct libct_create_options *options, bool keep)
{
	struct libct_error err = {0};
	struct libct_create_options with_terminal = *options;
	struct libct_run *run = NULL;
	sigset_t forwarded, saved;
	int terminal_fd = -1;
	int status;

	/* Block before the init exists, so that no signal (SIGCHLD included) is
	 * delivered before the signalfd reads it. NOTE: the init inherits this
	 * mask, so libct must empty it before exec, or the container's process
	 * starts with these signals blocked. */
	fill_forwarded_signals(&forwarded);
	sigprocmask(SIG_BLOCK, &forwarded, &saved);
	/* A caller may leave SIGCHLD ignored, which makes the kernel reap the
	 * init by itself and lose its exit status. */
	(void)sigaction(SIGCHLD, &(struct sigaction){.sa_handler = SIG_DFL}, NULL);

	with_terminal.ret_terminal_fd = &terminal_fd;
	int r = libct_run_create(context, id, &with_terminal, &run, &err);
	if (r < 0) {
		cli_fail(r, &err);
		sigprocmask(SIG_SETMASK, &saved, NULL);
		return CLI_EXIT_NOT_STARTED;
	}

	/* Before start, so that the program sees the size from its first instruction. */
	if (terminal_fd >= 0)
		cli_terminal_copy_size(terminal_fd);
	int signal_fd = signalfd(-1, &forwarded, SFD_CLOEXEC);
	if (signal_fd < 0) {
		cli_error("create signalfd: %s", strerror(errno));
		status = CLI_EXIT_NOT_STARTED;
		keep = false;
	} else if ((r = libct_run_start(run, &err)) < 0) {
		cli_fail(r, &err);
		status = CLI_EXIT_NOT_STARTED;
		keep = false;
	} else {
		cli_trace_flush(); /* the container may run for long */
		status = wait_for_init(run, id, signal_fd, terminal_fd);
	}

	if (signal_fd >= 0)
		close(signal_fd);
	if (terminal_fd >= 0)
		close(terminal_fd);
	if (!keep)
		delete_container(run);
	libct_run_free(run);
	sigprocmask(SIG_SETMASK, &saved, NULL);
	return status;
}

int cmd_run(const struct cli_globals *globals, int argc, char **argv)
{
	struct cli_create_flags flags = {0};
	bool detach = false;
	bool keep = false;
	const struct cli_option options[] = {
		CLI_CREATE_OPTIONS(&flags),
		{"detach", 'd', CLI_OPTION_FLAG, &detach, NULL,
		 "exit once the container has started, instead of waiting for it"},
		{"keep", 0, CLI_OPTION_FLAG, &keep, NULL,
		 "keep the stopped container after it exits, instead of deleting it"},
		{NULL, 0, 0, NULL, NULL, NULL},
	};
	const struct cli_syntax syntax = {
		.command = "run",
		.operands = "ID",
		.summary = "Create container ID from a bundle, start it, and wait for it to exit.",
		.details = "In the foreground, run forwards the signals it receives to the container's\n"
			   "init, deletes the container when the init exits (unless --keep), and exits\n"
			   "with the init's exit status, or 128+N when a signal N killed it. It exits\n"
			   "with 255 when the container could not be created or started.\n",
		.options = options,
		.min_operands = 1,
		.max_operands = 1,
	};
	struct libct_create_options create_options;
	int first;
	int status;

	enum cli_parse_result parsed = cli_parse(&syntax, argc, argv, &first);
	if (parsed != CLI_PARSE_OK)
		return cli_parse_exit_status(parsed);

	struct libct_context *context = cli_context_new(globals);
	if (context == NULL)
		return CLI_EXIT_NOT_STARTED;

	cli_create_flags_to_options(&flags, &create_options);
	if (detach)
		status = run_detached(context, argv[first], &create_options);
	else
		status = run_foreground(context, argv[first], &create_options, keep);
	libct_context_free(context);
	return status;
}
