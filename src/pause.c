/* SPDX-License-Identifier: Apache-2.0 */
#include "ctrun.h"

int cmd_pause(const struct cli_globals *globals, int argc, char **argv)
{
	const struct cli_option options[] = {
		{NULL, 0, 0, NULL, NULL, NULL},
	};
	const struct cli_syntax syntax = {
		.command = "pause",
		.operands = "ID",
		.summary = "Freeze every process of running container ID.",
		.details = "The processes stay frozen until resume; state reports the status \"paused\".\n",
		.options = options,
		.min_operands = 1,
		.max_operands = 1,
	};
	struct libct_error err = {0};
	int first;

	enum cli_parse_result parsed = cli_parse(&syntax, argc, argv, &first);
	if (parsed != CLI_PARSE_OK)
		return cli_parse_exit_status(parsed);

	struct libct_context *context = cli_context_new(globals);
	if (context == NULL)
		return CLI_EXIT_FAILURE;

	int r = libct_container_pause(context, argv[first], &err);
	libct_context_free(context);
	return r < 0 ? cli_fail(r, &err) : CLI_EXIT_OK;
}
