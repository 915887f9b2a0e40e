/* SPDX-License-Identifier: Apache-2.0 */
#include <errno.h>
#include <stddef.h>
#include <stdlib.h>

#include "base.h"
#include "fields.h"
#include "json.h"
#include "state.h"

static const struct spec_name_value status_names[] = {
	{ "creating", LIBCT_STATUS_CREATING }, { "created", LIBCT_STATUS_CREATED },
	{ "running", LIBCT_STATUS_RUNNING },   { "stopped", LIBCT_STATUS_STOPPED },
	{ "paused", LIBCT_STATUS_PAUSED },
};
static const struct spec_name_table status_table = {
	.what = "container status",
	.entries = status_names,
	.n_entries = sizeof(status_names) / sizeof(status_names[0]),
};

const char *spec_state_status_name(enum libct_status status)
{
	const char *name = spec_table_name(&status_table, status);
	return name == NULL ? "unknown" : name;
}

/* clang-format off */
#define STRING(k, m, req) \
	{ .key = (k), .kind = SPEC_FIELD_STRING, .required = (req), .offset = offsetof(struct spec_state, m) }
#define MAP(k, m) { .key = (k), .kind = SPEC_FIELD_MAP, .offset = offsetof(struct spec_state, m) }
/* clang-format on */

/* The tables and name tables, by their index in struct spec_schema. */
enum { STATE_NO_TABLE, T_PRIVATE, T_STATE };
enum { STATE_NO_NAMES, N_STATUS };

/* The "ctrun" object is stored flat in struct spec_state. */
static const struct spec_field private_fields[] = {
	{ .key = "pidStartTime",
	  .kind = SPEC_FIELD_U64,
	  .offset = offsetof(struct spec_state, pid_start_time) },
	MAP("cgroupPaths", cgroup_paths),
	STRING("configPath", config_path, false),
	{ .key = "poststartHooks",
	  .kind = SPEC_FIELD_OPT_BOOL,
	  .offset = offsetof(struct spec_state, poststart_hooks) },
	{ .key = "initExeDev", .kind = SPEC_FIELD_U64, .offset = offsetof(struct spec_state, init_exe_dev) },
	{ .key = "initExeIno", .kind = SPEC_FIELD_U64, .offset = offsetof(struct spec_state, init_exe_ino) },
	{ .key = "initPid",
	  .kind = SPEC_FIELD_I32,
	  .offset = offsetof(struct spec_state, init_pid),
	  .min = 0,
	  .max = INT32_MAX },
	{ .key = "initStartTime",
	  .kind = SPEC_FIELD_U64,
	  .offset = offsetof(struct spec_state, init_pid_start_time) },
	{ .key = "" },
};

static const struct spec_field state_fields[] = {
	STRING("ociVersion", oci_version, true),
	STRING("id", id, true),
	{ .key = "status",
	  .kind = SPEC_FIELD_ENUM,
	  .required = true,
	  .offset = offsetof(struct spec_state, status),
	  .names = N_STATUS },
	{ .key = "pid",
	  .kind = SPEC_FIELD_I32,
	  .offset = offsetof(struct spec_state, pid),
	  .min = 0,
	  .max = INT32_MAX },
	STRING("bundle", bundle, true),
	STRING("rootfs", rootfs, false),
	STRING("created", created, false),
	STRING("owner", owner, false),
	MAP("annotations", annotations),
	{ .key = "ctrun", .kind = SPEC_FIELD_OBJECT, .offset = 0, .fields = T_PRIVATE },
	{ .key = "" },
};

static const struct spec_field *const state_tables[] = {
	[T_PRIVATE] = private_fields,
	[T_STATE] = state_fields,
};

static const struct spec_name_table *const state_names[] = {
	[N_STATUS] = &status_table,
};

static const struct spec_schema state_schema = { .tables = state_tables, .names = state_names };

int spec_state_parse(const char *json, size_t len, struct spec_state **ret_state, struct libct_error *err)
{
	yajl_val tree = NULL;
	int r = spec_json_tree_parse(json, len, &tree, err);
	if (r < 0)
		return r;

	struct spec_state *state = ct_calloc(1, sizeof(*state));
	struct spec_parser parser = { .schema = &state_schema, .err = err };
	r = spec_fields_parse(&parser, tree, state_fields, state);
	yajl_tree_free(tree);
	if (r < 0) {
		spec_state_free(state);
		return r;
	}
	*ret_state = state;
	return 0;
}

static void write_private_fields(struct spec_json_writer *writer, const struct spec_state *state)
{
	spec_json_writer_key(writer, "ctrun");
	spec_json_writer_begin_object(writer);
	spec_json_writer_key_uint(writer, "pidStartTime", state->pid_start_time);
	spec_json_writer_key(writer, "cgroupPaths");
	spec_json_writer_map(writer, &state->cgroup_paths);
	if (state->config_path != NULL)
		spec_json_writer_key_string(writer, "configPath", state->config_path);
	if (state->poststart_hooks.set)
		spec_json_writer_key_bool(writer, "poststartHooks", state->poststart_hooks.value);
	if (state->init_exe_ino != 0) {
		spec_json_writer_key_uint(writer, "initExeDev", state->init_exe_dev);
		spec_json_writer_key_uint(writer, "initExeIno", state->init_exe_ino);
	}
	if (state->init_pid > 0) {
		spec_json_writer_key_int(writer, "initPid", state->init_pid);
		spec_json_writer_key_uint(writer, "initStartTime", state->init_pid_start_time);
	}
	spec_json_writer_end_object(writer);
}

int spec_state_serialize(const struct spec_state *state, bool with_private, char **ret_json, size_t *ret_len,
			 struct libct_error *err)
{
	struct spec_json_writer *writer = spec_json_writer_new(!with_private);

	spec_json_writer_begin_object(writer);
	spec_json_writer_key_string(writer, "ociVersion",
				    state->oci_version != NULL ? state->oci_version : SPEC_OCI_VERSION);
	spec_json_writer_key_string(writer, "id", state->id);
	spec_json_writer_key_int(writer, "pid", state->pid);
	spec_json_writer_key_string(writer, "status", spec_state_status_name(state->status));
	spec_json_writer_key_string(writer, "bundle", state->bundle);
	spec_json_writer_key_string(writer, "rootfs", state->rootfs != NULL ? state->rootfs : "");
	spec_json_writer_key_string(writer, "created", state->created != NULL ? state->created : "");
	spec_json_writer_key_string(writer, "owner", state->owner != NULL ? state->owner : "");
	if (state->annotations.n_entries > 0) {
		spec_json_writer_key(writer, "annotations");
		spec_json_writer_map(writer, &state->annotations);
	}
	if (with_private)
		write_private_fields(writer, state);
	spec_json_writer_end_object(writer);

	int r = spec_json_writer_finish(writer, ret_json, ret_len, err);
	if (r < 0)
		return ct_error_prefix(err, "serialize state of container \"%s\"",
				       state->id ? state->id : "");
	return 0;
}

void spec_state_free(struct spec_state *state)
{
	if (state == NULL)
		return;
	spec_fields_free(&state_schema, state_fields, state);
	free(state);
}
