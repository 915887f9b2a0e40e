/* SPDX-License-Identifier: Apache-2.0 */
#include "ctrun.h"

int cmd_create(const struct cli_globals *globals, int argc, char **argv)
{
	struct cli_create_flags flags = {0};
	const struct cli_option options[] = {
		CLI_CREATE_OPTIONS(&flags),
		{NULL, 0, 0, NULL, NULL, NULL},
	};
	const struct cli_syntax syntax = {
		.command = "create",
		.operands = "ID",
		.summary = "Create container ID from a bundle and leave its init waiting for 'ctrun start'.",
		.details = "The container's stdio is the caller's, unless process.terminal is true in\n"
			   "config.json: then --console-socket receives the terminal.\n",
		.options = options,
		.min_operands = 1,
		.max_operands = 1,
	};
	struct libct_create_options create_options;
	struct libct_error err = {0};
	int first;

	enum cli_parse_result parsed = cli_parse(&syntax, argc, argv, &first);
	if (parsed != CLI_PARSE_OK)
		return cli_parse_exit_status(parsed);

	struct libct_context *context = cli_context_new(globals);
	if (context == NULL)
		return CLI_EXIT_FAILURE;

	cli_create_flags_to_options(&flags, &create_options);
	int r = libct_container_create(context, argv[first], &create_options, NULL, &err);
	libct_context_free(context);
	return r < 0 ? cli_fail(r, &err) : CLI_EXIT_OK;
}
