/* SPDX-License-Identifier: Apache-2.0 */
#include <stdio.h>
#include <stdlib.h>

#include "base.h"
#include "ctrun.h"
#include "state.h"

/* Prints the public part of state as pretty JSON. */
static int print_state(const struct libct_state *state)
{
	struct libct_error err = {0};
	char *json = NULL;

	/* The serializer takes spec/'s model; borrow the strings of state. */
	struct spec_state view = {
		.oci_version = state->oci_version,
		.id = state->id,
		.status = state->status,
		.pid = (int)state->pid,
		.bundle = state->bundle,
		.rootfs = state->rootfs,
		.created = state->created,
		.owner = state->owner,
		.annotations = {
			.entries = ct_calloc(state->n_annotations + 1, sizeof(struct spec_map_entry)),
			.n_entries = state->n_annotations,
		},
	};
	for (size_t i = 0; i < state->n_annotations; i++)
		view.annotations.entries[i] = (struct spec_map_entry){state->annotations[i].key,
								      state->annotations[i].value};

	int r = spec_state_serialize(&view, false, &json, NULL, &err);
	free(view.annotations.entries);
	if (r < 0)
		return cli_fail(r, &err);

	fputs(json, stdout);
	free(json);
	return CLI_EXIT_OK;
}

int cmd_state(const struct cli_globals *globals, int argc, char **argv)
{
	const struct cli_option options[] = {{NULL, 0, 0, NULL, NULL, NULL}};
	const struct cli_syntax syntax = {
		.command = "state",
		.operands = "ID",
		.summary = "Print the state of container ID as JSON.",
		.details = "The object has the keys ociVersion, id, status, pid, bundle, rootfs,\n"
			   "created, owner and, when the config has any, annotations.\n",
		.options = options,
		.min_operands = 1,
		.max_operands = 1,
	};
	struct libct_state *state = NULL;
	struct libct_error err = {0};
	int first;

	enum cli_parse_result parsed = cli_parse(&syntax, argc, argv, &first);
	if (parsed != CLI_PARSE_OK)
		return cli_parse_exit_status(parsed);

	struct libct_context *context = cli_context_new(globals);
	if (context == NULL)
		return CLI_EXIT_FAILURE;

	int r = libct_container_state(context, argv[first], &state, &err);
	libct_context_free(context);
	if (r < 0)
		return cli_fail(r, &err);

	int status = print_state(state);
	libct_state_free(state);
	return status;
}
