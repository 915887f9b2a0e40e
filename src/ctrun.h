/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Declarations shared by the files of the ctrun command: the global flags,
 * flag parsing, the log sink and signal names. Each command lives in its
 * own file and exports one cmd_<name>() handler for the table in main.c.
 */
#ifndef CTRUN_CLI_H
#define CTRUN_CLI_H

#include <signal.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "libct.h"

/* Exit statuses; docs/errors.md defines them for every command. */
#define CLI_EXIT_OK      0
#define CLI_EXIT_FAILURE 1
#define CLI_EXIT_USAGE   2
/* run: the container could not be created or started. */
#define CLI_EXIT_NOT_STARTED 255

/* ---------------------------------------------------------- global flags */

enum cli_log_format {
	CLI_LOG_FORMAT_TEXT,
	CLI_LOG_FORMAT_JSON,
};

struct cli_globals {
	const char *root; /* state directory, "/run/ctrun" unless --root */
	const char *log_path;
	enum cli_log_format log_format;
	bool debug;
	/* --systemd-cgroup or --cgroup-manager systemd */
	bool systemd_cgroup;
};

/* Creates a libct context for the global flags, with the log sink as its
 * log handler. Prints the error and returns NULL on failure. */
struct libct_context *cli_context_new(const struct cli_globals *globals);

/* Prints err (or strerror(-r) when err has no message) and returns
 * CLI_EXIT_FAILURE. */
int cli_fail(int r, const struct libct_error *err);

/* ---------------------------------------------------------- flag parsing */

enum cli_option_type {
	CLI_OPTION_FLAG,            /* no value; target is a bool set to true */
	CLI_OPTION_STRING,          /* required value; target is a const char * */
	CLI_OPTION_OPTIONAL_STRING, /* "--name" or "--name=VALUE"; target is a const char *, "" when bare */
	CLI_OPTION_UINT,            /* required non-negative decimal value; target is an int */
	CLI_OPTION_STRINGS,         /* required value, repeatable; target is a struct cli_strings */
	/* "true", "false" or "auto", as "--name=VALUE" or, among the global
	 * flags, "--name VALUE" (runc's string flag); a bare "--name" means
	 * "true" (crun's form). target is a const char *. */
	CLI_OPTION_TRISTATE,
};

/* The values of a repeated flag in command line order, NULL-terminated;
 * items is NULL when the flag was not given. Owned by the caller. */
struct cli_strings {
	char **items;
	size_t count;
};

struct cli_option {
	const char *name; /* long name without the dashes */
	char short_name;  /* 0 when there is no short alias */
	enum cli_option_type type;
	void *target;
	const char *value_name; /* shown in help, such as "DIR" */
	const char *help;       /* one line: what the flag sets, and its unit */
};

/* The syntax of a command, used both to parse it and to print its help. */
struct cli_syntax {
	const char *command;  /* "kill"; NULL for the global flags */
	const char *operands; /* "ID [SIGNAL]", or "" */
	const char *summary;  /* one line */
	const char *details;  /* NULL or further paragraphs of help text */
	const struct cli_option *options; /* terminated by an entry whose name is NULL */
	int min_operands;
	int max_operands; /* -1 for no limit */
	/* Flags end at the first operand, so that the operands after it may
	 * look like flags (the ps(1) arguments of `ps ID -ef`). */
	bool flags_before_operands;
};

enum cli_parse_result {
	CLI_PARSE_OK,
	CLI_PARSE_HELP,  /* --help was given and the help text was printed */
	CLI_PARSE_USAGE, /* a usage error was printed */
};

/*
 * Parses the flags of argv[1..argc-1] (argv[0] is the command name) and
 * stores their values through the option targets. Flags and operands may
 * be mixed, except when syntax->command is NULL: global flags end at the
 * first operand, the command name. On CLI_PARSE_OK *ret_first is the index
 * of the first operand and the operands have been moved to the end of argv.
 * Every syntax also accepts --help and -h.
 */
enum cli_parse_result cli_parse(const struct cli_syntax *syntax, int argc, char **argv, int *ret_first);

/* Converts a cli_parse_result that is not CLI_PARSE_OK into an exit status. */
int cli_parse_exit_status(enum cli_parse_result result);

/* An operation on one container, with the data its command parsed. */
typedef int (*cli_container_action)(struct libct_context *context, const char *id, void *userdata,
				    struct libct_error *err);

/* Parses argv by syntax, whose one operand is a container id, runs action on
 * that id with a new context and returns the command's exit status. */
int cli_run_on_container(const struct cli_globals *globals, const struct cli_syntax *syntax, int argc, char **argv,
			 cli_container_action action, void *userdata);

/* Prints "--help" text of syntax to stdout. */
void cli_print_help(const struct cli_syntax *syntax);

/* Prints a usage error for syntax and returns CLI_EXIT_USAGE. */
int cli_usage_error(const struct cli_syntax *syntax, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/* Parses a decimal integer in [0, INT_MAX]; returns false for anything else. */
bool cli_parse_uint(const char *text, int *ret_value);

/* The flags that create and run share. */
struct cli_create_flags {
	const char *bundle; /* NULL means the current directory */
	const char *pid_file;
	const char *console_socket;
	int preserve_fds;
	bool no_pivot;
	bool no_new_keyring;
};

/* The option entries of struct cli_create_flags, for an option table. */
#define CLI_CREATE_OPTIONS(flags)                                                                          \
	{"bundle", 'b', CLI_OPTION_STRING, &(flags)->bundle, "DIR",                                        \
	 "bundle directory, which contains config.json (default: the current directory)"},                 \
	{"pid-file", 0, CLI_OPTION_STRING, &(flags)->pid_file, "FILE",                                     \
	 "write the pid of the container's init to FILE, relative to the current directory"},              \
	{"console-socket", 0, CLI_OPTION_STRING, &(flags)->console_socket, "PATH",                         \
	 "send the master fd of the container's terminal to the unix socket at PATH"},                     \
	{"preserve-fds", 0, CLI_OPTION_UINT, &(flags)->preserve_fds, "N",                                  \
	 "pass N more open fds, from 3 up, to the container's process (default: 0)"},                     \
	{"no-pivot", 0, CLI_OPTION_FLAG, &(flags)->no_pivot, NULL,                                        \
	 "enter the rootfs with MS_MOVE and chroot(2) instead of pivot_root(2)"},                          \
	{"no-new-keyring", 0, CLI_OPTION_FLAG, &(flags)->no_new_keyring, NULL,                            \
	 "keep the caller's session keyring instead of creating a new one"}

/* Fills options from flags; the bundle defaults to ".", which libct
 * resolves to an absolute path like any relative bundle. */
void cli_create_flags_to_options(const struct cli_create_flags *flags, struct libct_create_options *options);

/* ------------------------------------------------------------- log sink */

/* Opens the log file (O_APPEND|O_CREAT, mode 0600) when path is not NULL,
 * and sets the format and level of every later line. The last error
 * reported before is written to the file too. Prints the error and returns
 * false on failure. */
bool cli_log_open(const char *path, enum cli_log_format format, bool debug);
void cli_log_close(void);

/* Reports an error: "ctrun: <message>" on stderr, and a line in the log
 * file when there is one. */
void cli_error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* Writes a warning, info or debug line to the log file, or to stderr when
 * there is no log file. Debug lines are dropped without --debug. */
void cli_log(enum libct_log_level level, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
#define cli_debug(...) cli_log(LIBCT_LOG_DEBUG, __VA_ARGS__)

/* The libct_log_fn that sends libct's lines to the sink; it may run in the
 * container's init before exec, so it writes each line with one write(2). */
void cli_log_libct(void *userdata, enum libct_log_level level, const char *message);

/* The level libct should log at: debug with --debug, warnings otherwise. */
enum libct_log_level cli_log_level(void);

/*
 * Returns a new log line ending in a newline:
 * `{"level":"error","msg":"...","time":"..."}` for JSON, or
 * `time="..." level=error msg="..."` for text. time is an RFC 3339 string.
 */
char *cli_log_format_line(enum cli_log_format format, enum libct_log_level level, const char *message,
			  const char *time);

/* Formats the current time as RFC 3339 in UTC with microseconds. */
void cli_log_format_time(char *buf, size_t size);

/* ---------------------------------------------------------- trace sink */

/* Takes the start time of the command; call it first in main(). */
void cli_trace_mark_start(void);
/* Turns tracing on for --trace path, or else for $CTRUN_TRACE, and checks
 * that the file can be opened (O_APPEND|O_CREAT, mode 0600). Fails with
 * the error printed only for the flag: a bad CTRUN_TRACE is a warning. */
bool cli_trace_open(const char *path, const char *command);
bool cli_trace_enabled(void);
/* The libct_trace_fn that keeps libct's records as JSON lines. */
void cli_trace_libct(void *userdata, const struct libct_trace_record *record);
/* Passes the start time to the process that a sealed re-exec starts. */
void cli_trace_before_reexec(void);
/* CLOCK_MONOTONIC in microseconds, the clock of the records. */
uint64_t cli_trace_now(void);
/* Drops what cli_trace_before_reexec() set, once the protection of the
 * binary returned: the process switched to the view in place, or already
 * ran from it. Records the `protect` phase from start_us, unless this
 * image came from a re-execution. */
void cli_trace_after_protect(uint64_t start_us);
/* Appends the lines kept so far to the trace file with one write. */
void cli_trace_flush(void);
/* Adds the "command" record, which spans the whole command, and flushes. */
void cli_trace_close(void);
/* Returns one JSON line ending in a newline; start_us becomes relative to
 * origin_us. */
char *cli_trace_format_record(const struct libct_trace_record *record, uint64_t origin_us, const char *command);

/* --------------------------------------------------------------- signals */

/*
 * Parses a signal given as a number ("9"), a name with or without "SIG" in
 * any case ("KILL", "sigkill", "SIGKILL"), or "RTMIN+N" / "RTMAX-N".
 * Returns the signal number, or -EINVAL.
 */
int cli_signal_parse(const char *text);

/* Returns the name without "SIG" ("TERM"), or NULL for an unnamed number. */
const char *cli_signal_name(int sig);

/* ---------------------------------------------------------------- units */

/* Parses a Go duration ("5s", "1m30s", "250ms", "1.5h", "0") into
 * nanoseconds. Returns 0, -EINVAL for bad syntax or -ERANGE. */
int cli_parse_duration(const char *text, int64_t *ret_ns);

/* Parses a size in bytes as runc does: a number with an optional binary
 * unit ("512", "512k", "4m", "1g", "1.5G", "64MiB", "2kb"). Returns 0,
 * -EINVAL or -ERANGE. */
int cli_parse_size(const char *text, int64_t *ret_bytes);

/* ------------------------------------------------------------ foreground */

/* Fills set with the signals that a foreground command forwards to the
 * container process: all but SIGKILL, SIGSTOP, SIGPIPE and the fault signals. */
void cli_fill_forwarded_signals(sigset_t *set);

/*
 * Waits until pid, a child of ctrun, exits, and leaves it waitable. Reads
 * the forwarded signals from signal_fd (which must include SIGCHLD) and
 * sends them to pid. With terminal_fd >= 0, the master of the process's
 * terminal, it also copies stdin to the terminal and the terminal to
 * stdout, in raw mode when stdin is a terminal, and resizes it on SIGWINCH.
 * Returns 0 or a negative errno.
 */
int cli_foreground_wait(pid_t pid, int signal_fd, int terminal_fd);

/* Maps a wait status to an exit status: the exit code, or 128+N for signal N. */
int cli_exit_status_of(int wait_status);

/* Copies the window size of ctrun's stdin (or stdout) terminal to the
 * terminal whose master is terminal_fd; does nothing without one. */
void cli_terminal_copy_size(int terminal_fd);

/* ------------------------------------------------------------- commands */

int cmd_create(const struct cli_globals *globals, int argc, char **argv);
int cmd_start(const struct cli_globals *globals, int argc, char **argv);
int cmd_run(const struct cli_globals *globals, int argc, char **argv);
int cmd_state(const struct cli_globals *globals, int argc, char **argv);
int cmd_kill(const struct cli_globals *globals, int argc, char **argv);
int cmd_delete(const struct cli_globals *globals, int argc, char **argv);
int cmd_list(const struct cli_globals *globals, int argc, char **argv);
int cmd_spec(const struct cli_globals *globals, int argc, char **argv);
int cmd_features(const struct cli_globals *globals, int argc, char **argv);
int cmd_exec(const struct cli_globals *globals, int argc, char **argv);
int cmd_pause(const struct cli_globals *globals, int argc, char **argv);
int cmd_resume(const struct cli_globals *globals, int argc, char **argv);
int cmd_update(const struct cli_globals *globals, int argc, char **argv);
int cmd_ps(const struct cli_globals *globals, int argc, char **argv);
int cmd_events(const struct cli_globals *globals, int argc, char **argv);

#endif
