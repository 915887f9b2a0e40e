/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Typed model of an OCI runtime-spec v1.3.0 config.json (Linux fields).
 *
 * Conventions:
 * - Strings are NUL-terminated and owned by the structure; NULL means absent.
 * - An array is a pointer plus an `n_` count, which is 0 when the array is
 *   absent or empty (the pointer is NULL when absent). A parsed array of
 *   strings also ends with a NULL entry, so that args and env can go to
 *   execve() as they are.
 * - An optional scalar uses one of the spec_opt_* wrappers; `set` is false
 *   when the key was absent (or, for nullable fields, null).
 * - A JSON object of string values (annotations, sysctl, unified) is a
 *   struct spec_map, kept in document order.
 *
 * spec_config_parse() fills the whole tree; spec_config_free() releases it.
 * Nothing here performs I/O or system calls.
 */
#ifndef CTRUN_SPEC_CONFIG_H
#define CTRUN_SPEC_CONFIG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "libct.h"

struct spec_opt_i64 {
	bool set;
	int64_t value;
};

struct spec_opt_u64 {
	bool set;
	uint64_t value;
};

struct spec_opt_bool {
	bool set;
	bool value;
};

struct spec_map_entry {
	char *key;
	char *value;
};

struct spec_map {
	struct spec_map_entry *entries;
	size_t n_entries;
};

/* Returns the value stored under key, or NULL. */
const char *spec_map_get(const struct spec_map *map, const char *key);

/* ---------------------------------------------------------------- root */

struct spec_root {
	char *path; /* required; relative paths are relative to the bundle */
	bool readonly;
};

/* -------------------------------------------------------------- mounts */

struct spec_id_mapping {
	uint32_t container_id;
	uint32_t host_id;
	uint32_t size;
};

struct spec_mount {
	char *destination; /* required; a relative value is taken relative to "/" */
	char *type;        /* optional */
	char *source;      /* optional */
	char **options;
	size_t n_options;
	struct spec_id_mapping *uid_mappings;
	size_t n_uid_mappings;
	struct spec_id_mapping *gid_mappings;
	size_t n_gid_mappings;
};

/* ------------------------------------------------------------- process */

struct spec_console_size {
	bool set;
	uint32_t height;
	uint32_t width;
};

struct spec_user {
	uint32_t uid;
	uint32_t gid;
	struct spec_opt_u64 umask; /* a mode, at most 07777 */
	uint32_t *additional_gids;
	size_t n_additional_gids;
	char *username; /* Windows only; parsed and otherwise ignored */
};

struct spec_rlimit {
	char *type; /* "RLIMIT_NOFILE" and so on, as written */
	int resource; /* the RLIMIT_* number that type names */
	uint64_t soft;
	uint64_t hard;
};

/* Capability names exactly as written, for example "CAP_CHOWN". */
struct spec_capabilities {
	bool set;
	char **bounding;
	size_t n_bounding;
	char **effective;
	size_t n_effective;
	char **inheritable;
	size_t n_inheritable;
	char **permitted;
	size_t n_permitted;
	char **ambient;
	size_t n_ambient;
};

struct spec_scheduler {
	bool set;
	char *policy; /* "SCHED_OTHER", ... */
	int32_t nice;
	int32_t priority;
	char **flags;
	size_t n_flags;
	uint64_t runtime;
	uint64_t deadline;
	uint64_t period;
};

struct spec_io_priority {
	bool set;
	char *class_name; /* "IOPRIO_CLASS_RT", "IOPRIO_CLASS_BE" or "IOPRIO_CLASS_IDLE" */
	int64_t priority;
};

struct spec_exec_cpu_affinity {
	bool set;
	char *initial; /* a cpu list such as "0-3,7", or NULL */
	char *final;
};

struct spec_process {
	bool terminal;
	struct spec_console_size console_size;
	struct spec_user user;
	char **args;
	size_t n_args;
	char *command_line; /* Windows only */
	char **env;
	size_t n_env;
	char *cwd; /* required, absolute */
	struct spec_capabilities capabilities;
	struct spec_rlimit *rlimits;
	size_t n_rlimits;
	bool no_new_privileges;
	char *apparmor_profile;
	struct spec_opt_i64 oom_score_adj;
	struct spec_scheduler scheduler;
	char *selinux_label;
	struct spec_io_priority io_priority;
	struct spec_exec_cpu_affinity exec_cpu_affinity;
};

/* --------------------------------------------------------------- hooks */

struct spec_hook {
	char *path; /* required, absolute */
	char **args;
	size_t n_args;
	char **env;
	size_t n_env;
	struct spec_opt_i64 timeout; /* seconds, greater than zero */
};

struct spec_hook_list {
	struct spec_hook *hooks;
	size_t n_hooks;
};

struct spec_hooks {
	struct spec_hook_list prestart; /* deprecated, still run */
	struct spec_hook_list create_runtime;
	struct spec_hook_list create_container;
	struct spec_hook_list start_container;
	struct spec_hook_list poststart;
	struct spec_hook_list poststop;
};

/* --------------------------------------------------------------- linux */

enum spec_namespace_type {
	SPEC_NS_PID,
	SPEC_NS_NETWORK,
	SPEC_NS_MOUNT,
	SPEC_NS_IPC,
	SPEC_NS_UTS,
	SPEC_NS_USER,
	SPEC_NS_CGROUP,
	SPEC_NS_TIME,
	SPEC_NS_COUNT
};

/* Returns the config.json spelling of type ("pid", "network", ...). */
const char *spec_namespace_type_name(enum spec_namespace_type type);

struct spec_namespace {
	enum spec_namespace_type type;
	char *path; /* NULL: create a new namespace; otherwise join this one */
};

struct spec_time_offset {
	bool set;
	int64_t secs;
	uint32_t nanosecs;
};

struct spec_time_offsets {
	struct spec_time_offset monotonic;
	struct spec_time_offset boottime;
};

struct spec_device {
	char *type; /* "c", "b", "u" or "p" */
	char *path; /* required, absolute */
	int64_t major; /* required for c, b and u */
	int64_t minor;
	bool major_set; /* major was present */
	bool minor_set;
	/* Use only the permission bits (value & 07777): some callers write a Go
	 * os.FileMode, whose device type bits lie above them, and runc accepts
	 * that. */
	struct spec_opt_u64 file_mode;
	struct spec_opt_u64 uid;
	struct spec_opt_u64 gid;
};

/* One entry of linux.resources.devices. */
struct spec_device_rule {
	bool allow;
	char *type; /* "a", "c" or "b"; NULL means "a" */
	struct spec_opt_i64 major; /* unset means any (-1) */
	struct spec_opt_i64 minor;
	char *access; /* any combination of "r", "w", "m"; NULL means "rwm" */
};

struct spec_memory {
	bool set;
	struct spec_opt_i64 limit;
	struct spec_opt_i64 reservation;
	struct spec_opt_i64 swap;
	struct spec_opt_i64 kernel;
	struct spec_opt_i64 kernel_tcp;
	struct spec_opt_u64 swappiness;
	struct spec_opt_bool disable_oom_killer;
	struct spec_opt_bool use_hierarchy;
	struct spec_opt_bool check_before_update;
};

struct spec_cpu {
	bool set;
	struct spec_opt_u64 shares;
	struct spec_opt_i64 quota;
	struct spec_opt_u64 burst;
	struct spec_opt_u64 period;
	struct spec_opt_i64 realtime_runtime;
	struct spec_opt_u64 realtime_period;
	char *cpus;
	char *mems;
	struct spec_opt_i64 idle;
};

struct spec_weight_device {
	int64_t major;
	int64_t minor;
	struct spec_opt_u64 weight;
	struct spec_opt_u64 leaf_weight;
};

struct spec_throttle_device {
	int64_t major;
	int64_t minor;
	uint64_t rate;
};

struct spec_block_io {
	bool set;
	struct spec_opt_u64 weight;
	struct spec_opt_u64 leaf_weight;
	struct spec_weight_device *weight_device;
	size_t n_weight_device;
	struct spec_throttle_device *throttle_read_bps_device;
	size_t n_throttle_read_bps_device;
	struct spec_throttle_device *throttle_write_bps_device;
	size_t n_throttle_write_bps_device;
	struct spec_throttle_device *throttle_read_iops_device;
	size_t n_throttle_read_iops_device;
	struct spec_throttle_device *throttle_write_iops_device;
	size_t n_throttle_write_iops_device;
};

struct spec_hugepage_limit {
	char *page_size; /* "2MB", "1GB", ... */
	uint64_t limit;
};

struct spec_net_priority {
	char *name;
	uint32_t priority;
};

struct spec_network {
	bool set;
	struct spec_opt_u64 class_id;
	struct spec_net_priority *priorities;
	size_t n_priorities;
};

struct spec_rdma_entry {
	char *device; /* the key of linux.resources.rdma */
	struct spec_opt_u64 hca_handles;
	struct spec_opt_u64 hca_objects;
};

struct spec_resources {
	bool set; /* linux.resources was present */
	struct spec_device_rule *devices;
	size_t n_devices;
	struct spec_memory memory;
	struct spec_cpu cpu;
	struct spec_opt_i64 pids_limit; /* linux.resources.pids.limit */
	bool pids_set;
	struct spec_block_io block_io;
	struct spec_hugepage_limit *hugepage_limits;
	size_t n_hugepage_limits;
	struct spec_network network;
	struct spec_rdma_entry *rdma;
	size_t n_rdma;
	struct spec_map unified;
};

struct spec_intel_rdt {
	bool set;
	char *clos_id;
	char *l3_cache_schema;
	char *mem_bw_schema;
	char **schemata;
	size_t n_schemata;
	bool enable_monitoring;
};

struct spec_memory_policy {
	bool set;
	char *mode; /* "MPOL_DEFAULT", ... */
	char *nodes;
	char **flags;
	size_t n_flags;
};

struct spec_seccomp_arg {
	uint32_t index;
	uint64_t value;
	struct spec_opt_u64 value_two;
	char *op; /* "SCMP_CMP_EQ", ... */
};

struct spec_seccomp_syscall {
	char **names;
	size_t n_names;
	char *action; /* "SCMP_ACT_ALLOW", ... */
	struct spec_opt_u64 errno_ret;
	struct spec_seccomp_arg *args;
	size_t n_args;
};

struct spec_seccomp {
	bool set;
	char *default_action;
	struct spec_opt_u64 default_errno_ret;
	char **architectures;
	size_t n_architectures;
	char **flags;
	size_t n_flags;
	char *listener_path;
	char *listener_metadata;
	struct spec_seccomp_syscall *syscalls;
	size_t n_syscalls;
};

struct spec_personality {
	bool set;
	char *domain; /* "LINUX" or "LINUX32" */
	char **flags;
	size_t n_flags;
};

struct spec_net_device {
	char *host_name; /* the key of linux.netDevices */
	char *name;      /* name inside the container; NULL keeps host_name */
};

struct spec_linux {
	bool set; /* the "linux" object was present */
	struct spec_namespace *namespaces;
	size_t n_namespaces;
	struct spec_id_mapping *uid_mappings;
	size_t n_uid_mappings;
	struct spec_id_mapping *gid_mappings;
	size_t n_gid_mappings;
	struct spec_time_offsets time_offsets;
	struct spec_device *devices;
	size_t n_devices;
	struct spec_net_device *net_devices;
	size_t n_net_devices;
	char *cgroups_path;
	struct spec_resources resources;
	struct spec_intel_rdt intel_rdt;
	struct spec_memory_policy memory_policy;
	struct spec_map sysctl;
	struct spec_seccomp seccomp;
	char *rootfs_propagation; /* "shared", "slave", "private" or "unbindable" */
	char **masked_paths;
	size_t n_masked_paths;
	char **readonly_paths;
	size_t n_readonly_paths;
	char *mount_label;
	struct spec_personality personality;
};

/* ------------------------------------------------------------- config */

struct spec_config {
	char *oci_version; /* required */
	struct spec_root root; /* required on Linux */
	struct spec_mount *mounts;
	size_t n_mounts;
	struct spec_process *process; /* NULL when absent */
	char *hostname;
	char *domainname;
	struct spec_hooks hooks;
	struct spec_map annotations;
	struct spec_linux linux_config;
};

/*
 * Parses and validates a config.json document of len bytes.
 *
 * On success returns 0 and stores a new tree in *ret_config. On failure
 * returns a negative errno (-EINVAL for any invalid document, -ENOMEM) and,
 * when err is not NULL, fills it with a message that names the JSON path and
 * the value, for example
 *   linux.namespaces[2].type: unknown namespace type "foo"
 * or, for malformed JSON, the line and column. Unknown keys are ignored, a
 * null value counts as an absent key, and a key repeated in one object is an
 * error.
 */
int spec_config_parse(const char *json, size_t len, struct spec_config **ret_config,
		      struct libct_error *err);

void spec_config_free(struct spec_config *config);

/*
 * Parses and validates a process.json document, the "process" object of
 * config.json on its own, as `exec --process` reads it. Errors are as for
 * spec_config_parse(), with paths that start with "process.".
 */
int spec_process_parse(const char *json, size_t len, struct spec_process **ret_process,
		       struct libct_error *err);
void spec_process_free(struct spec_process *process);

/* Parses a LinuxResources JSON document (linux.resources of a config, the
 * input of `update`) with the tables of config.json; error messages start
 * with the JSON path, as "memory.limit: expected an integer, got a string". */
int spec_resources_parse(const char *json, size_t len, struct spec_resources **ret_resources,
			 struct libct_error *err);
void spec_resources_free(struct spec_resources *resources);

#endif
