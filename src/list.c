/* SPDX-License-Identifier: Apache-2.0 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base.h"
#include "ctrun.h"
#include "json.h"

/* Columns narrower than this are padded to it; wider ones get 3 spaces. */
#define TABLE_MIN_WIDTH 12
#define TABLE_PADDING   3
#define TABLE_COLUMNS   6

struct container_list {
	struct libct_state **states;
	size_t count;
};

static void container_list_free(struct container_list *list)
{
	for (size_t i = 0; i < list->count; i++)
		libct_state_free(list->states[i]);
	free(list->states);
}

/*
 * Reads the state of every container under the state root. A container
 * deleted meanwhile is skipped; one whose state cannot be read is skipped
 * with a warning, so that one broken container does not hide the others.
 */
static int load_containers(struct libct_context *context, struct container_list *ret_list,
			   struct libct_error *err)
{
	char **ids = NULL;
	size_t n_ids = 0;

	int r = libct_container_list(context, &ids, &n_ids, err);
	/* A state root that was never created contains no containers. */
	if (r == -ENOENT)
		return 0;
	if (r < 0)
		return r;

	ret_list->states = ct_calloc(n_ids > 0 ? n_ids : 1, sizeof(*ret_list->states));
	ret_list->count = 0;
	for (size_t i = 0; i < n_ids; i++) {
		struct libct_error state_err = {0};
		struct libct_state *state = NULL;

		r = libct_container_state(context, ids[i], &state, &state_err);
		if (r == -ENOENT)
			continue;
		if (r < 0) {
			cli_log(LIBCT_LOG_WARNING, "list: skipping container \"%s\": %s", ids[i],
				state_err.message);
			continue;
		}
		ret_list->states[ret_list->count++] = state;
	}
	libct_id_list_free(ids, n_ids);
	return 0;
}

/* The owner as the table and JSON show it: libct stores "" for root. */
static const char *owner_name(const struct libct_state *state)
{
	return state->owner == NULL || state->owner[0] == '\0' ? "root" : state->owner;
}

static void format_row(const struct libct_state *state, char pid[static 24], const char *row[TABLE_COLUMNS])
{
	snprintf(pid, 24, "%d", (int)state->pid);
	row[0] = state->id;
	row[1] = pid;
	row[2] = libct_status_name(state->status);
	row[3] = state->bundle;
	row[4] = state->created;
	row[5] = owner_name(state);
}

static void print_row(const char *row[TABLE_COLUMNS], const size_t widths[TABLE_COLUMNS])
{
	for (size_t c = 0; c + 1 < TABLE_COLUMNS; c++)
		printf("%-*s", (int)widths[c], row[c]);
	printf("%s\n", row[TABLE_COLUMNS - 1]);
}

static void print_table(const struct container_list *list)
{
	static const char *header[TABLE_COLUMNS] = {"ID", "PID", "STATUS", "BUNDLE", "CREATED", "OWNER"};
	size_t widths[TABLE_COLUMNS];
	const char *row[TABLE_COLUMNS];
	char pid[24];

	for (size_t c = 0; c < TABLE_COLUMNS; c++)
		widths[c] = strlen(header[c]);
	for (size_t i = 0; i < list->count; i++) {
		format_row(list->states[i], pid, row);
		for (size_t c = 0; c < TABLE_COLUMNS; c++)
			if (strlen(row[c]) > widths[c])
				widths[c] = strlen(row[c]);
	}
	for (size_t c = 0; c < TABLE_COLUMNS; c++) {
		widths[c] += TABLE_PADDING;
		if (widths[c] < TABLE_MIN_WIDTH)
			widths[c] = TABLE_MIN_WIDTH;
	}

	print_row(header, widths);
	for (size_t i = 0; i < list->count; i++) {
		format_row(list->states[i], pid, row);
		print_row(row, widths);
	}
}

static void write_container(struct spec_json_writer *writer, const struct libct_state *state)
{
	spec_json_writer_begin_object(writer);
	spec_json_writer_key_string(writer, "ociVersion", state->oci_version);
	spec_json_writer_key_string(writer, "id", state->id);
	spec_json_writer_key_int(writer, "pid", state->pid);
	spec_json_writer_key_string(writer, "status", libct_status_name(state->status));
	spec_json_writer_key_string(writer, "bundle", state->bundle);
	spec_json_writer_key_string(writer, "rootfs", state->rootfs);
	spec_json_writer_key_string(writer, "created", state->created);
	spec_json_writer_key_string(writer, "owner", owner_name(state));
	spec_json_writer_key(writer, "annotations");
	spec_json_writer_begin_object(writer);
	for (size_t i = 0; i < state->n_annotations; i++)
		spec_json_writer_key_string(writer, state->annotations[i].key, state->annotations[i].value);
	spec_json_writer_end_object(writer);
	spec_json_writer_end_object(writer);
}

/* Prints the containers as a JSON array, "[]" when there is none. */
static int print_json(const struct container_list *list)
{
	struct spec_json_writer *writer = spec_json_writer_new(false);
	struct libct_error err = {0};
	char *json = NULL;

	spec_json_writer_begin_array(writer);
	for (size_t i = 0; i < list->count; i++)
		write_container(writer, list->states[i]);
	spec_json_writer_end_array(writer);

	int r = spec_json_writer_finish(writer, &json, NULL, &err);
	if (r < 0)
		return cli_fail(r, &err);
	printf("%s\n", json);
	free(json);
	return CLI_EXIT_OK;
}

static int print_list(const struct container_list *list, const char *format, bool quiet)
{
	if (quiet) {
		for (size_t i = 0; i < list->count; i++)
			printf("%s\n", list->states[i]->id);
		return CLI_EXIT_OK;
	}
	if (strcmp(format, "json") == 0)
		return print_json(list);
	print_table(list);
	return CLI_EXIT_OK;
}

int cmd_list(const struct cli_globals *globals, int argc, char **argv)
{
	const char *format = "table";
	bool quiet = false;
	const struct cli_option options[] = {
		{"format", 'f', CLI_OPTION_STRING, &format, "FORMAT",
		 "output format: table or json (default: table)"},
		{"quiet", 'q', CLI_OPTION_FLAG, &quiet, NULL, "print only the container ids, one a line"},
		{NULL, 0, 0, NULL, NULL, NULL},
	};
	const struct cli_syntax syntax = {
		.command = "list",
		.operands = "",
		.summary = "List the containers under the state root (see --root).",
		.details = "The table has the columns ID, PID, STATUS, BUNDLE, CREATED and OWNER. JSON\n"
			   "output is an array of objects with the keys ociVersion, id, pid, status,\n"
			   "bundle, rootfs, created, owner and annotations; it is [] without containers.\n",
		.options = options,
		.min_operands = 0,
		.max_operands = 0,
	};
	struct container_list list = {0};
	struct libct_error err = {0};
	int first;

	enum cli_parse_result parsed = cli_parse(&syntax, argc, argv, &first);
	if (parsed != CLI_PARSE_OK)
		return cli_parse_exit_status(parsed);
	if (strcmp(format, "table") != 0 && strcmp(format, "json") != 0)
		return cli_usage_error(&syntax, "invalid value \"%s\" for flag \"--format\": "
					       "expected table or json",
				       format);

	struct libct_context *context = cli_context_new(globals);
	if (context == NULL)
		return CLI_EXIT_FAILURE;

	int r = load_containers(context, &list, &err);
	libct_context_free(context);
	if (r < 0)
		return cli_fail(r, &err);

	int status = print_list(&list, format, quiet);
	container_list_free(&list);
	return status;
}
