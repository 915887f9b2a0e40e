/* SPDX-License-Identifier: Apache-2.0 */
#include "ctrun.h"

static int start_container(struct libct_context *context, const char *id, void *userdata, struct libct_error *err)
{
	(void)userdata;
	return libct_container_start(context, id, err);
}

int cmd_start(const struct cli_globals *globals, int argc, char **argv)
{
	const struct cli_option options[] = {{NULL, 0, 0, NULL, NULL, NULL}};
	const struct cli_syntax syntax = {
		.command = "start",
		.operands = "ID",
		.summary = "Make the init of created container ID execute the process of config.json.",
		.details = "Only a container in the \"created\" state can be started, and only once.\n",
		.options = options,
		.min_operands = 1,
		.max_operands = 1,
	};

	return cli_run_on_container(globals, &syntax, argc, argv, start_container, NULL);
}
