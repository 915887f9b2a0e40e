/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The container state of runtime-spec v1.3.0 (runtime.md, "State"), as
 * `ctrun state` prints it and as ctrun stores it in state.json. The stored
 * form adds ctrun's private fields under a "ctrun" object, which other
 * readers of the document ignore.
 */
#ifndef CTRUN_SPEC_STATE_H
#define CTRUN_SPEC_STATE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "config.h"
#include "libct.h"

struct spec_state {
	char *oci_version; /* required */
	char *id;          /* required */
	enum libct_status status;
	int pid;      /* 0 when there is no process */
	char *bundle; /* required, absolute */
	char *rootfs;
	char *created; /* RFC 3339 time in UTC */
	char *owner;   /* user name of the creator, "" for root */
	struct spec_map annotations;

	/* Private to ctrun, written only when with_private is true. */
	uint64_t pid_start_time;      /* /proc/<pid>/stat field 22, to detect pid reuse */
	struct spec_map cgroup_paths; /* hierarchy name -> absolute directory */
	char *config_path;
	/* Whether the stored config.json has poststart hooks. Not set in the
	 * state of older ctrun versions, whose readers must parse the config. */
	struct spec_opt_bool poststart_hooks;
	/* Device and inode of the init's executable before it executes the
	 * program (the runtime's own), or 0 in the state of older versions. */
	uint64_t init_exe_dev;
	uint64_t init_exe_ino;
	/* In the "creating" state of run: the init and its start time, once
	 * it exists, or 0. */
	int init_pid;
	uint64_t init_pid_start_time;
};

/* Returns "creating", "created", "running", "stopped" or "paused". */
const char *spec_state_status_name(enum libct_status status);

/*
 * Parses a state document (public or stored form) of len bytes into a new
 * *ret_state. Returns -EINVAL with the JSON path in err for an invalid one.
 */
int spec_state_parse(const char *json, size_t len, struct spec_state **ret_state, struct libct_error *err);

/*
 * Writes state as JSON into a new NUL-terminated *ret_json of *ret_len bytes
 * (ret_len may be NULL). Without with_private, the document holds only the
 * public fields (ociVersion, id, status, pid, bundle, rootfs, created, owner
 * and annotations), indented for people, as `ctrun state` prints it. With
 * with_private, it is one compact line that also contains the "ctrun" object.
 */
int spec_state_serialize(const struct spec_state *state, bool with_private, char **ret_json, size_t *ret_len,
			 struct libct_error *err);

void spec_state_free(struct spec_state *state);

#endif
