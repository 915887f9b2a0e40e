/* SPDX-License-Identifier: Apache-2.0 */
#include <stdio.h>
#include <stdlib.h>

#include "base.h"
#include "ctrun.h"
#include "state.h"

/* Prints the public part of state as pretty JSON. */
static int print_state(const struct libct_state *state, struct libct_error *err)
{
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

	int r = spec_state_serialize(&view, false, &json, NULL, err);
	free(view.annotations.entries);
	if (r < 0)
		return r;

	fputs(json, stdout);
	free(json);
	return 0;
}

static int show_state(struct libct_context *context, const char *id, void *userdata, struct libct_error *err)
{
	struct libct_state *state = NULL;
	(void)userdata;

	int r = libct_container_state(context, id, &state, err);
	if (r < 0)
		return r;
	r = print_state(state, err);
	libct_state_free(state);
	return r;
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

	return cli_run_on_container(globals, &syntax, argc, argv, show_state, NULL);
}
