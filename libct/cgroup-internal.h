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
#include <stdint.h>

#include "internal.h"

#define CT_CGROUP_MOUNT_ROOT "/sys/fs/cgroup"
/* The key of the cgroup2 hierarchy in maps, on pure v2 and hybrid hosts. */
#define CT_CGROUP_UNIFIED "unified"
/* Prefix of the map keys that record what ct_cgroup_create() made. */
#define CT_CGROUP_CREATED_PREFIX "created:"
/* The map key that records the cgroup driver ("systemd"); absent for
 * cgroupfs. It has a ":" so that code reading hierarchies skips it. */
#define CT_CGROUP_DRIVER_KEY "meta:driver"

/* How long ct_cgroup_destroy() retries a busy directory, in milliseconds. */
#define CT_CGROUP_DESTROY_TIMEOUT_MS 5000
/* How long a freeze may take before the processes are signalled anyway. */
#define CT_CGROUP_FREEZE_TIMEOUT_MS 2000
/* Upper bound for control files such as cgroup.procs of a large cgroup. */
#define CT_CGROUP_CONTROL_FILE_MAX (16u << 20)

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
	/* ct_cgroup_create() made a directory above the one that
	 * ct_cgroup_plan_created() recorded. */
	bool beyond_plan;
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
	/* Placed by the systemd driver's rules (docs/cgroups.md). */
	bool systemd;
};

/* ------------------------------------------------------------ cgroup.c */

/* Reads or writes one control file of a cgroup directory. The messages
 * name the full path, and the value for writes. */
int ct_cgroup_read(const char *dir, const char *file, char **ret_data, struct libct_error *err);
int ct_cgroup_write(const char *dir, const char *file, const char *value, struct libct_error *err);

/* Reads the number in file, or the number after "key " in a flat keyed
 * file such as memory.stat. "max" reads as UINT64_MAX. Returns false when
 * dir is NULL or the file, the key or a number is missing. */
bool ct_cgroup_read_counter(const char *dir, const char *file, const char *key, uint64_t *ret_value);

/* Joins dir and name with one slash; an empty name gives dir. */
char *ct_cgroup_join_path(const char *dir, const char *name);
/* Returns whether path is ancestor itself or lies below it. */
bool ct_cgroup_path_is_below(const char *path, const char *ancestor);

/* --------------------------------------------------- cgroup-hierarchy.c */

/* Returns the hierarchy that contains controller (or "name=..." or
 * CT_CGROUP_UNIFIED), or NULL. */
struct ct_cgroup_hierarchy *ct_cgroup_find(const struct ct_cgroup *cgroup, const char *controller);
/* Returns the hierarchy of that name ("memory", "cpu,cpuacct",
 * CT_CGROUP_UNIFIED), or NULL. */
struct ct_cgroup_hierarchy *ct_cgroup_find_by_name(const struct ct_cgroup *cgroup, const char *name);
/* Adds hierarchy, whose strings cgroup then owns. */
void ct_cgroup_append_hierarchy(struct ct_cgroup *cgroup, const struct ct_cgroup_hierarchy *hierarchy);
/* Lists the controllers of a v1 hierarchy from its name ("cpu,cpuacct").
 * "name=..." is not a controller. */
char **ct_cgroup_split_v1_controllers(const char *name);
void ct_cgroup_freep(struct ct_cgroup **cgroup);
#define _cleanup_cgroup_ __attribute__((cleanup(ct_cgroup_freep)))

/* Milliseconds of CLOCK_MONOTONIC, and a sleep that doubles the previous
 * delay up to a cap, for polling loops. */
long long ct_cgroup_now_ms(void);
void ct_cgroup_backoff(long *delay_ms);

/* ---------------------------------------------------- cgroup-systemd.c */

/*
 * Translates linux.cgroupsPath in the systemd driver's form
 * "slice:prefix:name" (or, when it is NULL or "", ":ctrun:ID") to the
 * directory systemd gives that unit, relative to the top of its tree:
 * ":ctrun:web" is "system.slice/ctrun-web.scope". Errors name the field
 * and the expected form.
 */
int ct_cgroup_systemd_path(const char *cgroups_path, const char *id, char **ret_path, struct libct_error *err);

/* ------------------------------------------------------------ stuck.c */

/* Fails with EBUSY and a message naming the processes still in dir or
 * below it, with their state (D for uninterruptible sleep), after a
 * removal gave up waiting for them. */
int ct_cgroup_busy_error(const char *dir, int timeout_ms, struct libct_error *err);

/* --------------------------------------------------------- cgroup-v1.c */

/*
 * Matches a v1 mount against the hierarchies of /proc/self/cgroup: names
 * is the NULL-terminated list of their names, super_options the mount's
 * super options ("rw,cpu,cpuacct"). Returns the index of the name whose
 * every comma-separated item is a super option, or -1.
 */
int ct_cgroup_v1_match(char *const *names, const char *super_options);

/* Gives the cpuset cgroups that mkdir just made, dir[0..first_len) and
 * those below it down to dir, the cpus and mems of the parent of the first,
 * because a v1 cpuset with empty ones rejects every process. A cgroup whose
 * parent has cgroup.clone_children set starts with the same values. */
int ct_cgroup_v1_init_cpusets(const char *dir, size_t first_len, struct libct_error *err);

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

/* The rest of linux.resources on v1: memory.kernelTCP, blockIO (the CFQ
 * or BFQ weight files and the throttle files), network.classID and
 * network.priorities. */
int ct_cgroup_v1_set_kernel_tcp(const char *dir, const struct spec_opt_i64 *limit, struct libct_error *err);
int ct_cgroup_v1_set_blkio(const char *dir, const struct spec_block_io *io, struct libct_error *err);
int ct_cgroup_v1_set_net_cls(const char *dir, const struct spec_network *network, struct libct_error *err);
int ct_cgroup_v1_set_net_prio(const char *dir, const struct spec_network *network, struct libct_error *err);

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

/* ------------------------------------------------- cgroup-resources.c */

bool ct_cgroup_has_file(const char *dir, const char *file);
/* Writes one control file for the config field named in the messages. A
 * missing file fails with ENOTSUP, naming the field and the file. */
int ct_cgroup_write_field(const char *dir, const char *file, const char *value, const char *field,
                          struct libct_error *err);
/* Writes the kernel's name of a hugepageLimits[index].pageSize ("2048KB"
 * is "2MB") to buffer. */
int ct_cgroup_hugepage_name(const char *page_size, char *buffer, size_t size, size_t index,
                            struct libct_error *err);

/* ---------------------------------------------- cgroup-resources-v2.c */

/* cpu.shares (2 to 262144) to cpu.weight (1 to 10000), and blkio weights
 * (10 to 1000) to io.weight (1 to 10000), linearly. */
uint64_t ct_cgroup_shares_to_weight(uint64_t shares);
uint64_t ct_cgroup_blkio_to_io_weight(uint64_t weight);

/* The checks fail for fields that cgroup2 has no file for. */
int ct_cgroup_v2_check_memory(const struct spec_memory *memory, struct libct_error *err);
int ct_cgroup_v2_check_cpu(const struct spec_cpu *cpu, struct libct_error *err);
int ct_cgroup_v2_check_io(const struct spec_block_io *io, struct libct_error *err);
int ct_cgroup_v2_set_memory(const char *dir, const struct spec_memory *memory, struct libct_error *err);
int ct_cgroup_v2_set_pids(const char *dir, const struct spec_opt_i64 *limit, struct libct_error *err);
int ct_cgroup_v2_set_cpu(const char *dir, const struct spec_cpu *cpu, struct libct_error *err);
int ct_cgroup_v2_set_cpuset(const char *dir, const struct spec_cpu *cpu, struct libct_error *err);
int ct_cgroup_v2_set_io(const char *dir, const struct spec_block_io *io, struct libct_error *err);
/* hugetlb and rdma, in a v1 hierarchy or (unified) the cgroup2 one. */
int ct_cgroup_set_hugetlb(const char *dir, bool unified, const struct spec_hugepage_limit *limits,
                          size_t count, struct libct_error *err);
int ct_cgroup_set_rdma(const char *dir, const struct spec_rdma_entry *entries, size_t count,
                       struct libct_error *err);

/* ---------------------------------------------------- cgroup-devices.c */

#define CT_DEVICE_READ  1u
#define CT_DEVICE_WRITE 2u
#define CT_DEVICE_MKNOD 4u

/* One device rule: type 'a' (only for "all devices, all access"), 'c' or
 * 'b'; -1 for any major or minor; access of CT_DEVICE_* bits. */
struct ct_device_rule {
	bool allow;
	char type;
	int64_t major;
	int64_t minor;
	unsigned access;
};

/* A line to write to the v1 devices controller. */
struct ct_device_line {
	const char *file; /* "devices.allow" or "devices.deny" */
	char rule[64];    /* "c 1:3 rwm" or "a" */
};

struct bpf_insn;

/*
 * Validates linux.resources.devices and returns the rules to apply in
 * order: the config's (a partial rule of type "a" split into "c" and "b")
 * followed by the default devices. The rules start from "deny all"; the
 * last rule that matches a request decides.
 */
int ct_cgroup_device_rules(const struct spec_resources *resources, struct ct_device_rule **ret_rules,
                           size_t *ret_count, struct libct_error *err);
/* Translates rules to the lines for the v1 devices controller. The first
 * n_config rules come from the config: one that v1 cannot express is an
 * error, a default one is left out. */
int ct_cgroup_v1_device_lines(const struct ct_device_rule *rules, size_t count, size_t n_config,
                              struct ct_device_line **ret_lines, size_t *ret_count, struct libct_error *err);
int ct_cgroup_v1_set_devices(const char *dir, const struct ct_device_rule *rules, size_t count,
                             size_t n_config, struct libct_error *err);
/* The number of default rules at the end of ct_cgroup_device_rules(). */
size_t ct_cgroup_default_device_count(void);
/* Builds the BPF_PROG_TYPE_CGROUP_DEVICE program for rules. */
int ct_cgroup_bpf_device_program(const struct ct_device_rule *rules, size_t count,
                                 struct bpf_insn **ret_insns, size_t *ret_count);
/* Loads the program and attaches it to the cgroup2 directory dir in place
 * of the device programs attached there before. */
int ct_cgroup_v2_set_devices(const char *dir, const struct ct_device_rule *rules, size_t count,
                             struct libct_error *err);

#endif
