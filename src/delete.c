/* SPDX-License-Identifier: Apache-2.0 */
#include <errno.h>

#include "ctrun.h"

/* Returns true when container id is not in the state root any more. */
static bool container_is_gone(struct libct_context *context, const char *id)
{
	struct libct_state *state = NULL;

	int r = libct_container_state(context, id, &state, NULL);
	if (state != NULL)
		libct_state_free(state);
	return r == -ENOENT;
}

static int delete_container(struct libct_context *context, const char *id, void *userdata, struct libct_error *err)
{
	bool force = *(const bool *)userdata;

	int r = libct_container_delete(context, id, force, err);
	/* ENOENT may also come from a file inside the state, so check that the
	 * container itself is what is missing before --force calls it done. */
	if (r == -ENOENT && force && container_is_gone(context, id))
		r = 0;
	return r;
}

int cmd_delete(const struct cli_globals *globals, int argc, char **argv)
{
	bool force = false;
	const struct cli_option options[] = {
		{"force", 'f', CLI_OPTION_FLAG, &force, NULL,
		 "kill the container with SIGKILL first if it is running, also killing a create or run of it "
		 "that has not finished, and succeed if it does not exist"},
		{NULL, 0, 0, NULL, NULL, NULL},
	};
	const struct cli_syntax syntax = {
		.command = "delete",
		.operands = "ID",
		.summary = "Delete container ID: its processes, cgroups and state.",
		.details = "Without --force only a created or stopped container can be deleted.\n",
		.options = options,
		.min_operands = 1,
		.max_operands = 1,
	};

	return cli_run_on_container(globals, &syntax, argc, argv, delete_container, &force);
}
