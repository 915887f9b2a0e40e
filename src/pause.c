/* SPDX-License-Identifier: Apache-2.0 */
#include "ctrun.h"

static int pause_container(struct libct_context *context, const char *id, void *userdata, struct libct_error *err)
{
	(void)userdata;
	return libct_container_pause(context, id, err);
}

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

	return cli_run_on_container(globals, &syntax, argc, argv, pause_container, NULL);
}
