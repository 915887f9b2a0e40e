/* SPDX-License-Identifier: Apache-2.0 */
/*
 * ps: the processes of a container, as a JSON array of host pids or as
 * the lines of ps(1) whose PID column names one of them.
 */
#include <errno.h>
#include <fcntl.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "ctrun.h"

extern char **environ;

#define PS_OUTPUT_MAX (64 * 1024 * 1024)

/* Runs ps with args and returns its whole stdout. */
static int run_ps(char **args, int n_args, char **ret_output)
{
	char *default_args[] = {"-ef"};
	if (n_args == 0) {
		args = default_args;
		n_args = 1;
	}
	char **argv = calloc((size_t)n_args + 2, sizeof(char *));
	if (argv == NULL)
		return -ENOMEM;
	argv[0] = "ps";
	memcpy(argv + 1, args, (size_t)n_args * sizeof(char *));

	int pipe_fds[2];
	if (pipe2(pipe_fds, O_CLOEXEC) < 0) {
		free(argv);
		return -errno;
	}
	posix_spawn_file_actions_t actions;
	posix_spawn_file_actions_init(&actions);
	posix_spawn_file_actions_adddup2(&actions, pipe_fds[1], STDOUT_FILENO);
	pid_t pid;
	int r = posix_spawnp(&pid, "ps", &actions, NULL, argv, environ);
	posix_spawn_file_actions_destroy(&actions);
	free(argv);
	close(pipe_fds[1]);
	if (r != 0) {
		close(pipe_fds[0]);
		return -r;
	}

	FILE *out = open_memstream(ret_output, &(size_t){0});
	char buf[8192];
	ssize_t n;
	size_t total = 0;
	while ((n = read(pipe_fds[0], buf, sizeof(buf))) != 0) {
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0 || (total += (size_t)n) > PS_OUTPUT_MAX)
			break;
		fwrite(buf, 1, (size_t)n, out);
	}
	close(pipe_fds[0]);
	fclose(out);

	int status;
	while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
		;
	if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
		free(*ret_output);
		*ret_output = NULL;
		return -ECHILD;
	}
	return 0;
}

/* Returns the index of the PID column in the header, or -1. */
static int find_pid_column(const char *header)
{
	char *copy = strdup(header);
	int column = 0;
	char *save = NULL;
	char *word = copy != NULL ? strtok_r(copy, " \t", &save) : NULL;
	for (; word != NULL && strcmp(word, "PID") != 0; word = strtok_r(NULL, " \t", &save))
		column++;
	free(copy);
	return word != NULL ? column : -1;
}

static bool line_has_pid(const char *line, int column, const pid_t *pids, size_t count)
{
	char *copy = strdup(line);
	char *save = NULL;
	char *word = copy != NULL ? strtok_r(copy, " \t", &save) : NULL;
	for (int i = 0; i < column && word != NULL; i++)
		word = strtok_r(NULL, " \t", &save);
	char *end = NULL;
	long value = word != NULL ? strtol(word, &end, 10) : -1;
	bool found = false;
	for (size_t i = 0; end != NULL && *end == '\0' && end != word && i < count && !found; i++)
		found = pids[i] == value;
	free(copy);
	return found;
}

static int print_table(char **args, int n_args, const pid_t *pids, size_t count)
{
	char *output = NULL;
	int r = run_ps(args, n_args, &output);
	if (r == -ECHILD) {
		cli_error("ps failed: see its message above");
		return CLI_EXIT_FAILURE;
	}
	if (r < 0) {
		cli_error("run ps: %s", strerror(-r));
		return CLI_EXIT_FAILURE;
	}
	char *save = NULL;
	char *header = strtok_r(output, "\n", &save);
	int column = header != NULL ? find_pid_column(header) : -1;
	if (column < 0) {
		cli_error("ps output has no PID column: add pid to the -o format");
		free(output);
		return CLI_EXIT_FAILURE;
	}
	printf("%s\n", header);
	for (char *line = strtok_r(NULL, "\n", &save); line != NULL; line = strtok_r(NULL, "\n", &save))
		if (line_has_pid(line, column, pids, count))
			printf("%s\n", line);
	free(output);
	return CLI_EXIT_OK;
}

static void print_json(const pid_t *pids, size_t count)
{
	putchar('[');
	for (size_t i = 0; i < count; i++)
		printf("%s%d", i > 0 ? "," : "", (int)pids[i]);
	printf("]\n");
}

int cmd_ps(const struct cli_globals *globals, int argc, char **argv)
{
	const char *format = "table";
	const struct cli_option options[] = {
		{"format", 'f', CLI_OPTION_STRING, &format, "FORMAT", "table or json (default: table)"},
		{NULL, 0, 0, NULL, NULL, NULL},
	};
	const struct cli_syntax syntax = {
		.command = "ps",
		.operands = "ID [PS ARGUMENT]...",
		.summary = "List the processes of container ID.",
		.details = "With --format json, print a JSON array of their host pids. With the table\n"
			   "format, run ps(1) with the PS ARGUMENTs (default: -ef) and print its header\n"
			   "and the lines whose PID column names a process of the container. Flags of\n"
			   "ps go after ID.\n",
		.options = options,
		.min_operands = 1,
		.max_operands = -1,
		.flags_before_operands = true,
	};
	int first;

	enum cli_parse_result parsed = cli_parse(&syntax, argc, argv, &first);
	if (parsed != CLI_PARSE_OK)
		return cli_parse_exit_status(parsed);
	bool json = strcmp(format, "json") == 0;
	if (!json && strcmp(format, "table") != 0)
		return cli_usage_error(&syntax, "invalid format \"%s\": expected table or json", format);
	int n_args = argc - first - 1;
	char **args = argv + first + 1;
	if (n_args > 0 && strcmp(args[0], "--") == 0) {
		args++;
		n_args--;
	}
	if (json && n_args > 0)
		return cli_usage_error(&syntax, "ps arguments are only valid with --format table");

	struct libct_context *context = cli_context_new(globals);
	if (context == NULL)
		return CLI_EXIT_FAILURE;
	struct libct_error err = {0};
	pid_t *pids = NULL;
	size_t count = 0;
	int r = libct_container_pids(context, argv[first], &pids, &count, &err);
	libct_context_free(context);
	if (r < 0)
		return cli_fail(r, &err);

	int status = CLI_EXIT_OK;
	if (json)
		print_json(pids, count);
	else
		status = print_table(args, n_args, pids, count);
	free(pids);
	return status;
}
