/* SPDX-License-Identifier: Apache-2.0 */
#include "ctrun.h"

static int resume_container(struct libct_context *context, const char *id, void *userdata, struct libct_error *err)
{
	(void)userdata;
	return libct_container_resume(context, id, err);
}

int cmd_resume(const struct cli_globals *globals, int argc, char **argv)
{
	const struct cli_option options[] = {
		{NULL, 0, 0, NULL, NULL, NULL},
	};
	const struct cli_syntax syntax = {
		.command = "resume",
		.operands = "ID",
		.summary = "Thaw the processes of paused container ID.",
		.details = "The container returns to the status \"running\".\n",
		.options = options,
		.min_operands = 1,
		.max_operands = 1,
	};

	return cli_run_on_container(globals, &syntax, argc, argv, resume_container, NULL);
}
