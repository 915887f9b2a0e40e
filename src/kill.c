/* SPDX-License-Identifier: Apache-2.0 */
#include <signal.h>

#include "ctrun.h"

int cmd_kill(const struct cli_globals *globals, int argc, char **argv)
{
	bool all = false;
	const struct cli_option options[] = {
		{"all", 'a', CLI_OPTION_FLAG, &all, NULL,
		 "send the signal to every process of the container"},
		{NULL, 0, 0, NULL, NULL, NULL},
	};
	const struct cli_syntax syntax = {
		.command = "kill",
		.operands = "ID [SIGNAL]",
		.summary = "Send SIGNAL (default: SIGTERM) to the init process of container ID.",
		.details = "SIGNAL is a number (9) or a name with or without SIG, in any case (KILL,\n"
			   "SIGKILL, kill), or RTMIN+N or RTMAX-N.\n",
		.options = options,
		.min_operands = 1,
		.max_operands = 2,
	};
	struct libct_error err = {0};
	int sig = SIGTERM;
	int first;

	enum cli_parse_result parsed = cli_parse(&syntax, argc, argv, &first);
	if (parsed != CLI_PARSE_OK)
		return cli_parse_exit_status(parsed);

	if (first + 1 < argc) {
		sig = cli_signal_parse(argv[first + 1]);
		if (sig < 0)
			return cli_usage_error(&syntax, "invalid signal \"%s\"", argv[first + 1]);
	}

	struct libct_context *context = cli_context_new(globals);
	if (context == NULL)
		return CLI_EXIT_FAILURE;

	int r = libct_container_kill(context, argv[first], sig, all, &err);
	libct_context_free(context);
	return r < 0 ? cli_fail(r, &err) : CLI_EXIT_OK;
}
