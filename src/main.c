/* SPDX-License-Identifier: Apache-2.0 */
/*
 * ctrun: the command line of the runtime. This file parses the global
 * flags, which come before the command, and dispatches to one handler per
 * command through the table below, which also lists the commands in
 * `ctrun --help`.
 */
#include <errno.h>
#include <seccomp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "ctrun-config.h"
#include "ctrun.h"

#define DEFAULT_STATE_ROOT   "/run/ctrun"
#define RUNTIME_SPEC_VERSION "1.3.0"

struct command {
	const char *name;
	int (*run)(const struct cli_globals *globals, int argc, char **argv);
	const char *summary;
};

static int cmd_help(const struct cli_globals *globals, int argc, char **argv);

static const struct command commands[] = {
	{"create", cmd_create, "create a container and leave it waiting for start"},
	{"start", cmd_start, "execute the user process of a created container"},
	{"run", cmd_run, "create and start a container, and wait for it unless detached"},
	{"exec", cmd_exec, "execute a new process in a running container"},
	{"state", cmd_state, "print the state of a container as JSON"},
	{"kill", cmd_kill, "send a signal to the init process of a container"},
	{"delete", cmd_delete, "delete a container and the resources it holds"},
	{"list", cmd_list, "list the containers under the state root"},
	{"spec", cmd_spec, "write a default config.json into a bundle"},
	{"pause", cmd_pause, "freeze every process of a running container"},
	{"resume", cmd_resume, "thaw the processes of a paused container"},
	{"update", cmd_update, "change the resource limits of a container"},
	{"ps", cmd_ps, "list the processes of a container"},
	{"events", cmd_events, "print usage statistics and OOM notifications of a container"},
	{"features", cmd_features, "print the features of ctrun as JSON"},
	{"help", cmd_help, "print the help of ctrun or of one command"},
};

/* Global flags that callers pass and ctrun accepts; of these, only the
 * systemd cgroup driver changes anything (see check_global_flags()). */
struct ignored_flags {
	const char *rootless;
	const char *cgroup_manager;
	const char *log_level;
	bool systemd_cgroup;
};

struct global_flags {
	struct cli_globals globals;
	struct ignored_flags ignored;
	const char *log_format;
	const char *trace_path;
	bool version;
};

/* The command line is parsed once per process, so the flags are static and
 * the option table can point at them. */
static struct global_flags flags;

/* The view's mounts that libct_protect_runtime_binary() left open, until the
 * first context takes them. */
static int view_mounts[LIBCT_VIEW_MOUNTS] = {-1, -1};

static const struct cli_option global_options[] = {
	{"root", 0, CLI_OPTION_STRING, &flags.globals.root, "DIR",
	 "directory of the container state, best on a tmpfs (default: " DEFAULT_STATE_ROOT
	 ", or $XDG_RUNTIME_DIR/ctrun for a user other than root)"},
	{"log", 0, CLI_OPTION_STRING, &flags.globals.log_path, "FILE",
	 "append log lines and errors to FILE (default: stderr only)"},
	{"log-format", 0, CLI_OPTION_STRING, &flags.log_format, "FORMAT",
	 "format of the log file lines: text or json (default: text)"},
	{"debug", 0, CLI_OPTION_FLAG, &flags.globals.debug, NULL, "log debug lines too"},
	{"trace", 0, CLI_OPTION_STRING, &flags.trace_path, "FILE",
	 "append one JSON line per timed phase of the command, in microseconds, to FILE "
	 "(default: $CTRUN_TRACE, else no trace)"},
	{"rootless", 0, CLI_OPTION_TRISTATE, &flags.ignored.rootless, "VALUE",
	 "true, false or auto, also as a separate word (bare: true): accepted and ignored"},
	{"cgroup-manager", 0, CLI_OPTION_STRING, &flags.ignored.cgroup_manager, "NAME",
	 "cgroupfs, disabled (both ignored) or systemd (as --systemd-cgroup)"},
	{"systemd-cgroup", 0, CLI_OPTION_FLAG, &flags.ignored.systemd_cgroup, NULL,
	 "read linux.cgroupsPath as \"slice:prefix:name\" and make that unit's cgroup directly in "
	 "cgroupfs, below the cgroup of PID 1, without asking systemd over D-Bus"},
	{"log-level", 0, CLI_OPTION_STRING, &flags.ignored.log_level, "LEVEL", "accepted and ignored"},
	{"version", 'v', CLI_OPTION_FLAG, &flags.version, NULL, "print the versions and exit"},
	{NULL, 0, 0, NULL, NULL, NULL},
};

#define GLOBAL_DETAILS \
	"Create and run OCI containers from runtime-spec bundles. Each command has its\n" \
	"own options: run 'ctrun COMMAND --help'. Exit status: 0 on success, 1 when the\n" \
	"operation failed, 2 for a usage error; 'run' exits with the status of the\n" \
	"container process.\n"

/* Returns the syntax of the global flags; its help lists the commands. */
static const struct cli_syntax *global_syntax(void)
{
	static char details[4096];
	static struct cli_syntax syntax;
	size_t pos;

	if (syntax.options != NULL)
		return &syntax;

	pos = (size_t)snprintf(details, sizeof(details), "%s\nCommands:\n", GLOBAL_DETAILS);
	for (size_t i = 0; i < sizeof(commands) / sizeof(commands[0]) && pos < sizeof(details); i++)
		pos += (size_t)snprintf(details + pos, sizeof(details) - pos, "  %-10s%s\n", commands[i].name,
					commands[i].summary);

	syntax = (struct cli_syntax){
		.command = NULL,
		.operands = "COMMAND [ARG]...",
		.summary = "Run OCI containers.",
		.details = details,
		.options = global_options,
		.min_operands = 0,
		.max_operands = -1,
	};
	return &syntax;
}

static void print_version(void)
{
	const struct scmp_version *seccomp = seccomp_version();

	printf("ctrun version %s\n", CTRUN_VERSION);
	printf("spec: %s\n", RUNTIME_SPEC_VERSION);
	printf("libct: %s\n", libct_version());
	if (seccomp != NULL)
		printf("libseccomp: %u.%u.%u\n", seccomp->major, seccomp->minor, seccomp->micro);
}

static const struct command *find_command(const char *name)
{
	for (size_t i = 0; i < sizeof(commands) / sizeof(commands[0]); i++)
		if (strcmp(commands[i].name, name) == 0)
			return &commands[i];
	return NULL;
}

/*
 * ctrun has no D-Bus client: with the systemd driver it makes the unit's
 * directory itself, so a running systemd does not know the unit and may
 * move or remove it. The debug log states this, and docs/cgroups.md
 * explains it.
 */
static void log_systemd_driver(void)
{
	cli_debug("systemd cgroup driver: linux.cgroupsPath is \"slice:prefix:name\"; create and run "
		  "make the unit's cgroup in cgroupfs, other commands use the cgroup saved in the state");
	if (access("/run/systemd/system", F_OK) == 0)
		cli_debug("systemd is running, but ctrun makes the scope directly in cgroupfs without "
			  "asking systemd over D-Bus: systemd does not know the unit");
}

/* Checks the values of the global flags once the log sink is open, and logs
 * the flags that are ignored. Returns an exit status, or -1 to go on. */
static int check_global_flags(const struct cli_syntax *syntax)
{
	const struct ignored_flags *ignored = &flags.ignored;

	if (ignored->cgroup_manager != NULL && strcmp(ignored->cgroup_manager, "systemd") == 0) {
		flags.globals.systemd_cgroup = true;
	} else if (ignored->cgroup_manager != NULL) {
		if (strcmp(ignored->cgroup_manager, "cgroupfs") != 0 &&
		    strcmp(ignored->cgroup_manager, "disabled") != 0)
			return cli_usage_error(syntax, "invalid value \"%s\" for flag \"--cgroup-manager\": "
						       "expected cgroupfs, disabled or systemd",
					       ignored->cgroup_manager);
		cli_debug("ignoring --cgroup-manager \"%s\": ctrun always manages cgroups through cgroupfs",
			  ignored->cgroup_manager);
	}
	if (ignored->systemd_cgroup)
		flags.globals.systemd_cgroup = true;
	if (flags.globals.systemd_cgroup)
		log_systemd_driver();
	/* The parser has checked the value. */
	if (ignored->rootless != NULL)
		cli_debug("ignoring --rootless \"%s\": the flag changes nothing in ctrun", ignored->rootless);
	if (ignored->log_level != NULL)
		cli_debug("ignoring --log-level \"%s\": use --debug for debug lines", ignored->log_level);
	return -1;
}

static int parse_log_format(const struct cli_syntax *syntax)
{
	if (flags.log_format == NULL || strcmp(flags.log_format, "text") == 0)
		flags.globals.log_format = CLI_LOG_FORMAT_TEXT;
	else if (strcmp(flags.log_format, "json") == 0)
		flags.globals.log_format = CLI_LOG_FORMAT_JSON;
	else
		return cli_usage_error(syntax, "invalid value \"%s\" for flag \"--log-format\": "
					       "expected text or json",
				       flags.log_format);
	return -1;
}

static int run_command(const struct cli_syntax *syntax, const struct cli_globals *globals, int argc,
		       char **argv)
{
	if (argc == 0)
		return cli_usage_error(syntax, "missing command");

	const struct command *command = find_command(argv[0]);
	if (command == NULL)
		return cli_usage_error(syntax, "unknown command \"%s\"", argv[0]);
	return command->run(globals, argc, argv);
}

/*
 * Returns the state root used without --root. A user other than root cannot
 * write to /run, so like runc, ctrun keeps that user's state in the user's
 * own runtime directory, which Podman passes in XDG_RUNTIME_DIR.
 */
static const char *default_state_root(void)
{
	static char root[4096];
	const char *runtime_dir = getenv("XDG_RUNTIME_DIR");

	if (geteuid() == 0 || runtime_dir == NULL || runtime_dir[0] == '\0')
		return DEFAULT_STATE_ROOT;
	if ((size_t)snprintf(root, sizeof(root), "%s/ctrun", runtime_dir) >= sizeof(root))
		return DEFAULT_STATE_ROOT;
	return root;
}

/* Writes a usage error in the global flags to the --log file, when that
 * flag came before the error, because containerd shows only that file. */
static void log_early_error(void)
{
	bool json = flags.log_format != NULL && strcmp(flags.log_format, "json") == 0;

	if (flags.globals.log_path == NULL)
		return;
	if (cli_log_open(flags.globals.log_path, json ? CLI_LOG_FORMAT_JSON : CLI_LOG_FORMAT_TEXT, false))
		cli_log_close();
}

/* The commands that make processes in a container re-execute ctrun from a
 * view of its binary that cannot be written, as
 * libct_protect_runtime_binary() explains. Returns -1 to go on, or the
 * exit status. */
static int protect_binary(int argc, char **argv, int first)
{
	static const char *const spawners[] = {"create", "run", "exec"};
	struct libct_error err = {0};
	for (size_t i = 0; first < argc && i < sizeof(spawners) / sizeof(spawners[0]); i++) {
		if (strcmp(argv[first], spawners[i]) != 0)
			continue;
		cli_trace_before_reexec();
		uint64_t start = cli_trace_now();
		if (libct_protect_runtime_binary(argv, view_mounts, &err) >= 0) {
			cli_trace_after_protect(start); /* running from a protected view */
			return -1;
		}
		cli_error("%s", err.message);
		return CLI_EXIT_FAILURE;
	}
	return -1;
}

int main(int argc, char **argv)
{
	cli_trace_mark_start();
	const struct cli_syntax *syntax = global_syntax();
	int first = 0;
	int status;

	flags.globals.root = default_state_root();
	enum cli_parse_result parsed = cli_parse(syntax, argc, argv, &first);
	if (parsed != CLI_PARSE_OK) {
		log_early_error();
		return cli_parse_exit_status(parsed);
	}

	status = parse_log_format(syntax);
	if (status >= 0) {
		log_early_error();
		return status;
	}
	if (flags.version) {
		print_version();
		return CLI_EXIT_OK;
	}

	/* The trace is opened first, so that the re-executed image gets the
	 * start of this one. The re-execution comes before the log is open:
	 * a line written before it would be written again by the new image.
	 * A failure is kept by cli_error() until the log file is open. */
	status = cli_trace_open(flags.trace_path, first < argc ? argv[first] : NULL) ? -1 : CLI_EXIT_FAILURE;
	if (status < 0)
		status = protect_binary(argc, argv, first);
	if (!cli_log_open(flags.globals.log_path, flags.globals.log_format, flags.globals.debug))
		return CLI_EXIT_FAILURE;
	if (status < 0)
		status = check_global_flags(syntax);
	if (status < 0)
		status = run_command(syntax, &flags.globals, argc - first, argv + first);

	cli_trace_close();
	cli_log_close();
	return status;
}

/* ------------------------------------------------------------- helpers */

struct libct_context *cli_context_new(const struct cli_globals *globals)
{
	struct libct_context_config config = {
		.state_root = globals->root,
		.log = cli_log_libct,
		.log_userdata = NULL,
		.log_level = cli_log_level(),
		.trace = cli_trace_enabled() ? cli_trace_libct : NULL,
		.systemd_cgroup = globals->systemd_cgroup,
	};
	int mounts[LIBCT_VIEW_MOUNTS];
	memcpy(mounts, view_mounts, sizeof(mounts));
	if (mounts[0] >= 0 || mounts[1] >= 0) {
		config.view_mounts = mounts; /* the context owns them now */
		view_mounts[0] = view_mounts[1] = -1;
	}
	struct libct_context *context = NULL;
	struct libct_error err = {0};

	int r = libct_context_new(&config, &context, &err);
	if (r < 0) {
		cli_fail(r, &err);
		return NULL;
	}
	return context;
}

int cli_fail(int r, const struct libct_error *err)
{
	if (err != NULL && err->message[0] != '\0')
		cli_error("%s", err->message);
	else
		cli_error("%s", strerror(-r));
	return CLI_EXIT_FAILURE;
}

int cli_run_on_container(const struct cli_globals *globals, const struct cli_syntax *syntax, int argc, char **argv,
			 cli_container_action action, void *userdata)
{
	struct libct_error err = {0};
	int first;

	enum cli_parse_result parsed = cli_parse(syntax, argc, argv, &first);
	if (parsed != CLI_PARSE_OK)
		return cli_parse_exit_status(parsed);

	struct libct_context *context = cli_context_new(globals);
	if (context == NULL)
		return CLI_EXIT_FAILURE;

	int r = action(context, argv[first], userdata, &err);
	libct_context_free(context);
	return r < 0 ? cli_fail(r, &err) : CLI_EXIT_OK;
}

/* ------------------------------------------------------------ help */

static int cmd_help(const struct cli_globals *globals, int argc, char **argv)
{
	static const struct cli_option options[] = {{NULL, 0, 0, NULL, NULL, NULL}};
	static const struct cli_syntax syntax = {
		.command = "help",
		.operands = "[COMMAND]",
		.summary = "Print the help of ctrun, or of COMMAND.",
		.options = options,
		.min_operands = 0,
		.max_operands = 1,
	};
	int first;

	enum cli_parse_result parsed = cli_parse(&syntax, argc, argv, &first);
	if (parsed != CLI_PARSE_OK)
		return cli_parse_exit_status(parsed);

	if (first == argc) {
		cli_print_help(global_syntax());
		return CLI_EXIT_OK;
	}

	const struct command *command = find_command(argv[first]);
	if (command == NULL)
		return cli_usage_error(&syntax, "unknown command \"%s\"", argv[first]);

	char *help_argv[] = {argv[first], (char *)"--help", NULL};
	return command->run(globals, 2, help_argv);
}
