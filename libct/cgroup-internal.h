/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Private interfaces of the cgroup code: cgroup.c finds the hierarchies and
 * places the container in them, cgroup-v1.c and cgroup-v2.c hold what only
 * one kind of hierarchy has (freezer.state, cpuset, cgroup.subtree_control,
 * cgroup.kill, cgroup.freeze).
 */
#ifndef LIBCT_CGROUP_INTERNAL_H
#define LIBCT_CGROUP_INTERNAL_H

#include <stdbool.h>
#include <stddef.h>

#include "internal.h"

#define CT_CGROUP_MOUNT_ROOT "/sys/fs/cgroup"
/* The key of the cgroup2 hierarchy in maps, on pure v2 and hybrid hosts. */
#define CT_CGROUP_UNIFIED "unified"
/* Prefix of the map keys that record what ct_cgroup_create() made. */
#define CT_CGROUP_CREATED_PREFIX "created:"

/* How long ct_cgroup_destroy() retries a busy directory, in milliseconds. */
#define CT_CGROUP_DESTROY_TIMEOUT_MS 5000
/* How long a freeze may take before the processes are signalled anyway. */
#define CT_CGROUP_FREEZE_TIMEOUT_MS 2000

/* One hierarchy, and the container's directory in it. */
struct ct_cgroup_hierarchy {
	/* The name /proc/self/cgroup uses ("memory", "cpu,cpuacct",
	 * "name=systemd"), or CT_CGROUP_UNIFIED for cgroup2. */
	char *name;
	bool unified;
	/* Mount point of the hierarchy. NULL after ct_cgroup_from_map(). */
	char *mount_point;
	/* The container's cgroup, an absolute path below mount_point. */
	char *dir;
	/* The top-most directory that ct_cgroup_create() made: dir or one of
	 * its ancestors. NULL when dir existed before. */
	char *created;
	/* Controllers of the hierarchy (NULL-terminated): for v1 those bound
	 * to it, for cgroup2 those in its root's cgroup.controllers. */
	char **controllers;
};

struct ct_cgroup {
	enum ct_cgroup_layout layout;
	struct ct_cgroup_hierarchy *hierarchies;
	size_t n_hierarchies;
	int clone_fd;
	struct libct_context *context;
};

/* ------------------------------------------------------------ cgroup.c */

/* Reads or writes one control file of a cgroup directory. The messages
 * name the full path, and the value for writes. */
int ct_cgroup_read(const char *dir, const char *file, char **ret_data, struct libct_error *err);
int ct_cgroup_write(const char *dir, const char *file, const char *value, struct libct_error *err);

/* Returns the hierarchy that contains controller (or "name=..." or
 * CT_CGROUP_UNIFIED), or NULL. */
struct ct_cgroup_hierarchy *ct_cgroup_find(const struct ct_cgroup *cgroup, const char *controller);

/* Milliseconds of CLOCK_MONOTONIC, and a sleep that doubles the previous
 * delay up to a cap, for polling loops. */
long long ct_cgroup_now_ms(void);
void ct_cgroup_backoff(long *delay_ms);

/* --------------------------------------------------------- cgroup-v1.c */

/*
 * Matches a v1 mount against the hierarchies of /proc/self/cgroup: names
 * is the NULL-terminated list of their names, super_options the mount's
 * super options ("rw,cpu,cpuacct"). Returns the index of the name whose
 * every comma-separated item is a super option, or -1.
 */
int ct_cgroup_v1_match(char *const *names, const char *super_options);

/* Gives a new cpuset cgroup the cpus and mems of its parent, because a v1
 * cpuset with empty ones rejects every process. */
int ct_cgroup_v1_init_cpuset(const char *parent, const char *dir, struct libct_error *err);

/* Freezes dir with freezer.state and waits until it reads FROZEN. Returns
 * 1 when it was frozen already, and -ENOENT without an error message when
 * dir has no freezer.state. */
int ct_cgroup_v1_freeze(const char *dir, struct libct_error *err);
/* Thaws dir; a missing freezer.state is not an error. */
int ct_cgroup_v1_thaw(const char *dir, struct libct_error *err);

/* Write linux.resources.memory, .pids.limit, the CFS and realtime parts of
 * .cpu, and .cpu.cpus and .mems to the v1 cgroup dir of the matching
 * controller. Errors name the config field. */
int ct_cgroup_v1_set_memory(const char *dir, const struct spec_memory *memory, struct libct_error *err);
int ct_cgroup_v1_set_pids(const char *dir, const struct spec_opt_i64 *limit, struct libct_error *err);
int ct_cgroup_v1_set_cpu(const char *dir, const struct spec_cpu *cpu, struct libct_error *err);
int ct_cgroup_v1_set_cpuset(const char *dir, const struct spec_cpu *cpu, struct libct_error *err);

/* --------------------------------------------------------- cgroup-v2.c */

/* Reads the controllers listed in dir/cgroup.controllers (an empty list
 * when the file does not exist, as in a hierarchy without any). */
int ct_cgroup_v2_read_controllers(const char *dir, char ***ret_controllers, struct libct_error *err);

/*
 * Enables controllers for the container's cgroup: writes "+name" to
 * cgroup.subtree_control of each directory from the hierarchy's mount point
 * down to the parent of dir, where it is not enabled yet.
 */
int ct_cgroup_v2_enable_controllers(const struct ct_cgroup_hierarchy *hierarchy, char *const *controllers,
                                    struct libct_error *err);

/* Kills every process in dir and its descendants with cgroup.kill. Returns
 * -ENOENT without an error message when the kernel has no cgroup.kill. */
int ct_cgroup_v2_kill(const char *dir, struct libct_error *err);

/* Freezes dir with cgroup.freeze and waits until cgroup.events reports it
 * frozen. Returns 1 when it was frozen already, and -ENOENT without an
 * error message when there is no cgroup.freeze. */
int ct_cgroup_v2_freeze(const char *dir, struct libct_error *err);
/* Thaws dir; a missing cgroup.freeze is not an error. */
int ct_cgroup_v2_thaw(const char *dir, struct libct_error *err);

#endif
