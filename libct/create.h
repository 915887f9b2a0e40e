/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The interface between create.c and container.c: the job of a create,
 * and the steps that the run API in container.c takes around it.
 */
#ifndef CTRUN_LIBCT_CREATE_H
#define CTRUN_LIBCT_CREATE_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

#include "internal.h"

/* Everything create acquires, released in one place on failure. */
struct create_job {
	struct libct_context *context;
	const char *id;
	const struct libct_create_options *options;
	char *config_data;
	size_t config_len;
	struct spec_config *config;
	int dir_fd;
	bool dir_created;
	char *bundle;
	char *rootfs;
	struct ct_cgroup *cgroup;
	bool cgroup_created;
	struct ct_init init;
	uint64_t clone_flags;
	int pid_ns_fd;
	int console_fd;  /* the connected console socket, or -1 */
	int terminal_fd; /* the runtime's end of the terminal socket pair, or -1 */
	int sync_fd;
	pid_t pid;
	bool init_reaped; /* describe_init_end() collected the init */
	unsigned long long pid_start_time;
	char *created; /* RFC 3339, taken once so that the hooks and state.json agree */
	/* For run: no start socket, and the init stays waiting for a
	 * CT_SYNC_START over sync_fd instead of a last release. */
	bool for_run;
};

void ct_create_job_init(struct create_job *job, struct libct_context *context, const char *id,
			const struct libct_create_options *options);
/* Creates the container described by job; on failure nothing of it is
 * left. The caller releases the job. */
int ct_create_container(struct create_job *job, struct libct_error *err);
/* Fills *ret_state from job. Only the owner and the cgroup map are new
 * allocations, which ct_create_clear_snapshot() frees; the rest points
 * into job. */
int ct_create_snapshot_state(struct create_job *job, enum libct_status status, struct ct_state *ret_state,
			     struct libct_error *err);
void ct_create_clear_snapshot(struct ct_state *state);
/* Undoes a failed create: nothing of the container may survive it. The
 * first error stays in err; a cleanup failure is appended to it. */
void ct_create_abort(struct create_job *job, struct libct_error *err);
/* Closes what only the create steps needed. The runtime keeps the locked
 * state directory, the sync socket, the config and the cgroup. */
void ct_create_trim_for_run(struct create_job *job);
void ct_create_release_job(struct create_job *job);

#endif
