/* SPDX-License-Identifier: Apache-2.0 */
/*
 * config.json: one field table per JSON object of runtime-spec v1.3.0, and
 * the list of named checks run on the parsed tree (see config-checks.c).
 */
#include <errno.h>
#include <stddef.h>
#include <stdlib.h>

#include "base.h"
#include "config.h"
#include "fields.h"

/* clang-format off */
/* Shorthands for table entries, where T is the structure being filled. */
#define FIELD(k, kind_, T, m) { .key = (k), .kind = (kind_), .offset = offsetof(T, m) }
#define REQUIRED(k, kind_, T, m) { .key = (k), .kind = (kind_), .required = true, .offset = offsetof(T, m) }
#define STRING(k, T, m) FIELD(k, SPEC_FIELD_STRING, T, m)
#define STRING_REQ(k, T, m) REQUIRED(k, SPEC_FIELD_STRING, T, m)
#define BOOL(k, T, m) FIELD(k, SPEC_FIELD_BOOL, T, m)
#define BOOL_REQ(k, T, m) REQUIRED(k, SPEC_FIELD_BOOL, T, m)
#define OPT_BOOL(k, T, m) FIELD(k, SPEC_FIELD_OPT_BOOL, T, m)
#define I32(k, T, m) FIELD(k, SPEC_FIELD_I32, T, m)
#define U32(k, T, m) FIELD(k, SPEC_FIELD_U32, T, m)
#define U32_REQ(k, T, m) REQUIRED(k, SPEC_FIELD_U32, T, m)
#define I64(k, T, m) FIELD(k, SPEC_FIELD_I64, T, m)
#define I64_REQ(k, T, m) REQUIRED(k, SPEC_FIELD_I64, T, m)
#define U64(k, T, m) FIELD(k, SPEC_FIELD_U64, T, m)
#define U64_REQ(k, T, m) REQUIRED(k, SPEC_FIELD_U64, T, m)
#define OPT_I64(k, T, m) FIELD(k, SPEC_FIELD_OPT_I64, T, m)
#define OPT_U64(k, T, m) FIELD(k, SPEC_FIELD_OPT_U64, T, m)
#define MAP(k, T, m) FIELD(k, SPEC_FIELD_MAP, T, m)
#define OPT_U32(k, T, m) \
	{ .key = (k), .kind = SPEC_FIELD_OPT_U64, .offset = offsetof(T, m), .umax = UINT32_MAX }
#define OPT_U16(k, T, m) \
	{ .key = (k), .kind = SPEC_FIELD_OPT_U64, .offset = offsetof(T, m), .umax = UINT16_MAX }
/* A string that must be a name of table. */
#define NAME(k, T, m, table) \
	{ .key = (k), .kind = SPEC_FIELD_STRING, .offset = offsetof(T, m), .names = (table) }
#define NAME_REQ(k, T, m, table) \
	{ .key = (k), .kind = SPEC_FIELD_STRING, .required = true, .offset = offsetof(T, m), \
	  .names = (table) }
/* An array of strings T.m with its count in T.n_m. */
#define STRINGS(k, T, m) \
	{ .key = (k), .kind = SPEC_FIELD_STRINGS, .offset = offsetof(T, m), \
	  .count_offset = offsetof(T, n_##m) }
#define NAMES(k, T, m, table) \
	{ .key = (k), .kind = SPEC_FIELD_STRINGS, .offset = offsetof(T, m), \
	  .count_offset = offsetof(T, n_##m), .names = (table) }
/* A nested structure T.m with a `set` member, described by table f. */
#define OBJECT(k, T, m, f) \
	{ .key = (k), .kind = SPEC_FIELD_OBJECT, .offset = offsetof(T, m), .fields = (f), \
	  .has_set = true, .set_offset = offsetof(T, m.set) }
#define OBJECT_NO_SET(k, T, m, f) \
	{ .key = (k), .kind = SPEC_FIELD_OBJECT, .offset = offsetof(T, m), .fields = (f) }
/* An array T.m of elements of type E described by f, with its count in T.n. */
#define OBJECTS(k, T, m, n, E, f) \
	{ .key = (k), .kind = SPEC_FIELD_OBJECT_ARRAY, .offset = offsetof(T, m), \
	  .count_offset = offsetof(T, n), .elem_size = sizeof(E), .fields = (f) }
/* Like OBJECTS for a JSON object of objects, whose keys go to E.key_member. */
#define KEYED(k, T, m, n, E, key_member, f) \
	{ .key = (k), .kind = SPEC_FIELD_KEYED_ARRAY, .offset = offsetof(T, m), \
	  .count_offset = offsetof(T, n), .elem_size = sizeof(E), \
	  .key_offset = offsetof(E, key_member), .fields = (f) }
#define END { .key = "" }
/* clang-format on */

/* The tables and name tables, by their index in struct spec_schema. */
enum {
	CONFIG_NO_TABLE,
	T_ID_MAPPING,
	T_ROOT,
	T_MOUNT,
	T_CONSOLE_SIZE,
	T_USER,
	T_CAPABILITIES,
	T_RLIMIT,
	T_SCHEDULER,
	T_IO_PRIORITY,
	T_EXEC_CPU_AFFINITY,
	T_PROCESS,
	T_HOOK,
	T_HOOKS,
	T_NAMESPACE,
	T_TIME_OFFSET,
	T_TIME_OFFSETS,
	T_DEVICE,
	T_NET_DEVICE,
	T_DEVICE_RULE,
	T_MEMORY,
	T_CPU,
	T_WEIGHT_DEVICE,
	T_THROTTLE_DEVICE,
	T_BLOCK_IO,
	T_HUGEPAGE_LIMIT,
	T_NET_PRIORITY,
	T_NETWORK,
	T_RDMA,
	T_PIDS,
	T_RESOURCES,
	T_INTEL_RDT,
	T_MEMORY_POLICY,
	T_SECCOMP_ARG,
	T_SECCOMP_SYSCALL,
	T_SECCOMP,
	T_PERSONALITY,
	T_LINUX,
	T_CONFIG,
};

enum {
	CONFIG_NO_NAMES,
	N_RLIMIT_TYPES,
	N_NAMESPACE_TYPES,
	N_SCHEDULER_POLICIES,
	N_SCHEDULER_FLAGS,
	N_IOPRIO_CLASSES,
	N_MEMORY_POLICY_MODES,
	N_MEMORY_POLICY_FLAGS,
	N_SECCOMP_OPERATORS,
	N_SECCOMP_ACTIONS,
	N_SECCOMP_ARCHITECTURES,
	N_SECCOMP_FLAGS,
	N_PERSONALITY_DOMAINS,
	N_ROOTFS_PROPAGATIONS,
};

/* ----------------------------------------------------------- common */

static const struct spec_field id_mapping_fields[] = {
	U32_REQ("containerID", struct spec_id_mapping, container_id),
	U32_REQ("hostID", struct spec_id_mapping, host_id),
	U32_REQ("size", struct spec_id_mapping, size),
	END,
};

static const struct spec_field root_fields[] = {
	STRING_REQ("path", struct spec_root, path),
	BOOL("readonly", struct spec_root, readonly),
	END,
};

static const struct spec_field mount_fields[] = {
	STRING_REQ("destination", struct spec_mount, destination),
	STRING("type", struct spec_mount, type),
	STRING("source", struct spec_mount, source),
	STRINGS("options", struct spec_mount, options),
	OBJECTS("uidMappings", struct spec_mount, uid_mappings, n_uid_mappings, struct spec_id_mapping,
		T_ID_MAPPING),
	OBJECTS("gidMappings", struct spec_mount, gid_mappings, n_gid_mappings, struct spec_id_mapping,
		T_ID_MAPPING),
	END,
};

/* ---------------------------------------------------------- process */

static const struct spec_field console_size_fields[] = {
	U32_REQ("height", struct spec_console_size, height),
	U32_REQ("width", struct spec_console_size, width),
	END,
};

static const struct spec_field user_fields[] = {
	U32("uid", struct spec_user, uid),
	U32("gid", struct spec_user, gid),
	OPT_U32("umask", struct spec_user, umask),
	{ .key = "additionalGids",
	  .kind = SPEC_FIELD_U32_ARRAY,
	  .offset = offsetof(struct spec_user, additional_gids),
	  .count_offset = offsetof(struct spec_user, n_additional_gids) },
	STRING("username", struct spec_user, username),
	END,
};

/* Capability names are not checked against a table: the runtime spec wants
 * a value that maps to no capability of the running kernel logged as a
 * warning, which libct does when it applies the sets. */
static const struct spec_field capabilities_fields[] = {
	STRINGS("bounding", struct spec_capabilities, bounding),
	STRINGS("effective", struct spec_capabilities, effective),
	STRINGS("inheritable", struct spec_capabilities, inheritable),
	STRINGS("permitted", struct spec_capabilities, permitted),
	STRINGS("ambient", struct spec_capabilities, ambient),
	END,
};

static const struct spec_field rlimit_fields[] = {
	{ .key = "type",
	  .kind = SPEC_FIELD_STRING,
	  .required = true,
	  .offset = offsetof(struct spec_rlimit, type),
	  .names = N_RLIMIT_TYPES,
	  .has_value = true,
	  .value_offset = offsetof(struct spec_rlimit, resource) },
	U64_REQ("soft", struct spec_rlimit, soft),
	U64_REQ("hard", struct spec_rlimit, hard),
	END,
};

static const struct spec_field scheduler_fields[] = {
	NAME_REQ("policy", struct spec_scheduler, policy, N_SCHEDULER_POLICIES),
	I32("nice", struct spec_scheduler, nice),
	I32("priority", struct spec_scheduler, priority),
	NAMES("flags", struct spec_scheduler, flags, N_SCHEDULER_FLAGS),
	U64("runtime", struct spec_scheduler, runtime),
	U64("deadline", struct spec_scheduler, deadline),
	U64("period", struct spec_scheduler, period),
	END,
};

static const struct spec_field io_priority_fields[] = {
	NAME_REQ("class", struct spec_io_priority, class_name, N_IOPRIO_CLASSES),
	{ .key = "priority",
	  .kind = SPEC_FIELD_I64,
	  .offset = offsetof(struct spec_io_priority, priority),
	  .min = INT32_MIN,
	  .max = INT32_MAX },
	END,
};

static const struct spec_field exec_cpu_affinity_fields[] = {
	STRING("initial", struct spec_exec_cpu_affinity, initial),
	STRING("final", struct spec_exec_cpu_affinity, final),
	END,
};

static const struct spec_field process_fields[] = {
	BOOL("terminal", struct spec_process, terminal),
	OBJECT("consoleSize", struct spec_process, console_size, T_CONSOLE_SIZE),
	OBJECT_NO_SET("user", struct spec_process, user, T_USER),
	STRINGS("args", struct spec_process, args),
	STRING("commandLine", struct spec_process, command_line),
	STRINGS("env", struct spec_process, env),
	STRING_REQ("cwd", struct spec_process, cwd),
	OBJECT("capabilities", struct spec_process, capabilities, T_CAPABILITIES),
	OBJECTS("rlimits", struct spec_process, rlimits, n_rlimits, struct spec_rlimit, T_RLIMIT),
	BOOL("noNewPrivileges", struct spec_process, no_new_privileges),
	STRING("apparmorProfile", struct spec_process, apparmor_profile),
	/* The kernel accepts OOM_SCORE_ADJ_MIN (-1000) to OOM_SCORE_ADJ_MAX (1000). */
	{ .key = "oomScoreAdj",
	  .kind = SPEC_FIELD_OPT_I64,
	  .offset = offsetof(struct spec_process, oom_score_adj),
	  .min = -1000,
	  .max = 1000 },
	OBJECT("scheduler", struct spec_process, scheduler, T_SCHEDULER),
	STRING("selinuxLabel", struct spec_process, selinux_label),
	OBJECT("ioPriority", struct spec_process, io_priority, T_IO_PRIORITY),
	OBJECT("execCPUAffinity", struct spec_process, exec_cpu_affinity, T_EXEC_CPU_AFFINITY),
	END,
};

/* ------------------------------------------------------------ hooks */

static const struct spec_field hook_fields[] = {
	STRING_REQ("path", struct spec_hook, path),
	STRINGS("args", struct spec_hook, args),
	STRINGS("env", struct spec_hook, env),
	OPT_I64("timeout", struct spec_hook, timeout),
	END,
};

#define HOOK_LIST(k, m) OBJECTS(k, struct spec_hooks, m.hooks, m.n_hooks, struct spec_hook, T_HOOK)

static const struct spec_field hooks_fields[] = {
	HOOK_LIST("prestart", prestart),
	HOOK_LIST("createRuntime", create_runtime),
	HOOK_LIST("createContainer", create_container),
	HOOK_LIST("startContainer", start_container),
	HOOK_LIST("poststart", poststart),
	HOOK_LIST("poststop", poststop),
	END,
};

/* ------------------------------------------------------------ linux */

static const struct spec_field namespace_fields[] = {
	{ .key = "type",
	  .kind = SPEC_FIELD_ENUM,
	  .required = true,
	  .offset = offsetof(struct spec_namespace, type),
	  .names = N_NAMESPACE_TYPES },
	STRING("path", struct spec_namespace, path),
	END,
};

static const struct spec_field time_offset_fields[] = {
	I64("secs", struct spec_time_offset, secs),
	U32("nanosecs", struct spec_time_offset, nanosecs),
	END,
};

static const struct spec_field time_offsets_fields[] = {
	OBJECT("monotonic", struct spec_time_offsets, monotonic, T_TIME_OFFSET),
	OBJECT("boottime", struct spec_time_offsets, boottime, T_TIME_OFFSET),
	END,
};

static const struct spec_field device_fields[] = {
	STRING_REQ("type", struct spec_device, type),
	STRING_REQ("path", struct spec_device, path),
	{ .key = "major",
	  .kind = SPEC_FIELD_I64,
	  .offset = offsetof(struct spec_device, major),
	  .has_set = true,
	  .set_offset = offsetof(struct spec_device, major_set) },
	{ .key = "minor",
	  .kind = SPEC_FIELD_I64,
	  .offset = offsetof(struct spec_device, minor),
	  .has_set = true,
	  .set_offset = offsetof(struct spec_device, minor_set) },
	OPT_U32("fileMode", struct spec_device, file_mode),
	OPT_U32("uid", struct spec_device, uid),
	OPT_U32("gid", struct spec_device, gid),
	END,
};

static const struct spec_field net_device_fields[] = {
	STRING("name", struct spec_net_device, name),
	END,
};

/* clang-format off */
static const struct spec_field device_rule_fields[] = {
	BOOL_REQ("allow", struct spec_device_rule, allow),
	STRING("type", struct spec_device_rule, type),
	OPT_I64("major", struct spec_device_rule, major),
	OPT_I64("minor", struct spec_device_rule, minor),
	STRING("access", struct spec_device_rule, access),
	END,
};
/* clang-format on */

static const struct spec_field memory_fields[] = {
	OPT_I64("limit", struct spec_memory, limit),
	OPT_I64("reservation", struct spec_memory, reservation),
	OPT_I64("swap", struct spec_memory, swap),
	OPT_I64("kernel", struct spec_memory, kernel),
	OPT_I64("kernelTCP", struct spec_memory, kernel_tcp),
	OPT_U64("swappiness", struct spec_memory, swappiness),
	OPT_BOOL("disableOOMKiller", struct spec_memory, disable_oom_killer),
	OPT_BOOL("useHierarchy", struct spec_memory, use_hierarchy),
	OPT_BOOL("checkBeforeUpdate", struct spec_memory, check_before_update),
	END,
};

static const struct spec_field cpu_fields[] = {
	OPT_U64("shares", struct spec_cpu, shares),
	OPT_I64("quota", struct spec_cpu, quota),
	OPT_U64("burst", struct spec_cpu, burst),
	OPT_U64("period", struct spec_cpu, period),
	OPT_I64("realtimeRuntime", struct spec_cpu, realtime_runtime),
	OPT_U64("realtimePeriod", struct spec_cpu, realtime_period),
	STRING("cpus", struct spec_cpu, cpus),
	STRING("mems", struct spec_cpu, mems),
	OPT_I64("idle", struct spec_cpu, idle),
	END,
};

static const struct spec_field weight_device_fields[] = {
	I64_REQ("major", struct spec_weight_device, major),
	I64_REQ("minor", struct spec_weight_device, minor),
	OPT_U16("weight", struct spec_weight_device, weight),
	OPT_U16("leafWeight", struct spec_weight_device, leaf_weight),
	END,
};

static const struct spec_field throttle_device_fields[] = {
	I64_REQ("major", struct spec_throttle_device, major),
	I64_REQ("minor", struct spec_throttle_device, minor),
	U64_REQ("rate", struct spec_throttle_device, rate),
	END,
};

#define THROTTLE(k, m)                                                                                       \
	OBJECTS(k, struct spec_block_io, m, n_##m, struct spec_throttle_device, T_THROTTLE_DEVICE)

static const struct spec_field block_io_fields[] = {
	OPT_U16("weight", struct spec_block_io, weight),
	OPT_U16("leafWeight", struct spec_block_io, leaf_weight),
	OBJECTS("weightDevice", struct spec_block_io, weight_device, n_weight_device,
		struct spec_weight_device, T_WEIGHT_DEVICE),
	THROTTLE("throttleReadBpsDevice", throttle_read_bps_device),
	THROTTLE("throttleWriteBpsDevice", throttle_write_bps_device),
	THROTTLE("throttleReadIOPSDevice", throttle_read_iops_device),
	THROTTLE("throttleWriteIOPSDevice", throttle_write_iops_device),
	END,
};

static const struct spec_field hugepage_limit_fields[] = {
	STRING_REQ("pageSize", struct spec_hugepage_limit, page_size),
	U64_REQ("limit", struct spec_hugepage_limit, limit),
	END,
};

static const struct spec_field net_priority_fields[] = {
	STRING_REQ("name", struct spec_net_priority, name),
	U32_REQ("priority", struct spec_net_priority, priority),
	END,
};

static const struct spec_field network_fields[] = {
	OPT_U32("classID", struct spec_network, class_id),
	OBJECTS("priorities", struct spec_network, priorities, n_priorities, struct spec_net_priority,
		T_NET_PRIORITY),
	END,
};

static const struct spec_field rdma_fields[] = {
	OPT_U32("hcaHandles", struct spec_rdma_entry, hca_handles),
	OPT_U32("hcaObjects", struct spec_rdma_entry, hca_objects),
	END,
};

/* linux.resources.pids is stored flat in struct spec_resources. */
static const struct spec_field pids_fields[] = {
	{ .key = "limit",
	  .kind = SPEC_FIELD_OPT_I64,
	  .required = true,
	  .offset = offsetof(struct spec_resources, pids_limit) },
	END,
};

static const struct spec_field resources_fields[] = {
	OBJECTS("devices", struct spec_resources, devices, n_devices, struct spec_device_rule,
		T_DEVICE_RULE),
	OBJECT("memory", struct spec_resources, memory, T_MEMORY),
	OBJECT("cpu", struct spec_resources, cpu, T_CPU),
	{ .key = "pids",
	  .kind = SPEC_FIELD_OBJECT,
	  .offset = 0,
	  .fields = T_PIDS,
	  .has_set = true,
	  .set_offset = offsetof(struct spec_resources, pids_set) },
	OBJECT("blockIO", struct spec_resources, block_io, T_BLOCK_IO),
	OBJECTS("hugepageLimits", struct spec_resources, hugepage_limits, n_hugepage_limits,
		struct spec_hugepage_limit, T_HUGEPAGE_LIMIT),
	OBJECT("network", struct spec_resources, network, T_NETWORK),
	KEYED("rdma", struct spec_resources, rdma, n_rdma, struct spec_rdma_entry, device, T_RDMA),
	MAP("unified", struct spec_resources, unified),
	END,
};

static const struct spec_field intel_rdt_fields[] = {
	STRING("closID", struct spec_intel_rdt, clos_id),
	STRING("l3CacheSchema", struct spec_intel_rdt, l3_cache_schema),
	STRING("memBwSchema", struct spec_intel_rdt, mem_bw_schema),
	STRINGS("schemata", struct spec_intel_rdt, schemata),
	BOOL("enableMonitoring", struct spec_intel_rdt, enable_monitoring),
	END,
};

static const struct spec_field memory_policy_fields[] = {
	NAME_REQ("mode", struct spec_memory_policy, mode, N_MEMORY_POLICY_MODES),
	STRING("nodes", struct spec_memory_policy, nodes),
	NAMES("flags", struct spec_memory_policy, flags, N_MEMORY_POLICY_FLAGS),
	END,
};

static const struct spec_field seccomp_arg_fields[] = {
	U32_REQ("index", struct spec_seccomp_arg, index),
	U64_REQ("value", struct spec_seccomp_arg, value),
	OPT_U64("valueTwo", struct spec_seccomp_arg, value_two),
	NAME_REQ("op", struct spec_seccomp_arg, op, N_SECCOMP_OPERATORS),
	END,
};

static const struct spec_field seccomp_syscall_fields[] = {
	{ .key = "names",
	  .kind = SPEC_FIELD_STRINGS,
	  .required = true,
	  .offset = offsetof(struct spec_seccomp_syscall, names),
	  .count_offset = offsetof(struct spec_seccomp_syscall, n_names) },
	NAME_REQ("action", struct spec_seccomp_syscall, action, N_SECCOMP_ACTIONS),
	OPT_U32("errnoRet", struct spec_seccomp_syscall, errno_ret),
	OBJECTS("args", struct spec_seccomp_syscall, args, n_args, struct spec_seccomp_arg,
		T_SECCOMP_ARG),
	END,
};

static const struct spec_field seccomp_fields[] = {
	NAME_REQ("defaultAction", struct spec_seccomp, default_action, N_SECCOMP_ACTIONS),
	OPT_U32("defaultErrnoRet", struct spec_seccomp, default_errno_ret),
	NAMES("architectures", struct spec_seccomp, architectures, N_SECCOMP_ARCHITECTURES),
	NAMES("flags", struct spec_seccomp, flags, N_SECCOMP_FLAGS),
	STRING("listenerPath", struct spec_seccomp, listener_path),
	STRING("listenerMetadata", struct spec_seccomp, listener_metadata),
	OBJECTS("syscalls", struct spec_seccomp, syscalls, n_syscalls, struct spec_seccomp_syscall,
		T_SECCOMP_SYSCALL),
	END,
};

static const struct spec_field personality_fields[] = {
	NAME_REQ("domain", struct spec_personality, domain, N_PERSONALITY_DOMAINS),
	STRINGS("flags", struct spec_personality, flags),
	END,
};

static const struct spec_field linux_fields[] = {
	OBJECTS("namespaces", struct spec_linux, namespaces, n_namespaces, struct spec_namespace,
		T_NAMESPACE),
	OBJECTS("uidMappings", struct spec_linux, uid_mappings, n_uid_mappings, struct spec_id_mapping,
		T_ID_MAPPING),
	OBJECTS("gidMappings", struct spec_linux, gid_mappings, n_gid_mappings, struct spec_id_mapping,
		T_ID_MAPPING),
	OBJECT_NO_SET("timeOffsets", struct spec_linux, time_offsets, T_TIME_OFFSETS),
	OBJECTS("devices", struct spec_linux, devices, n_devices, struct spec_device, T_DEVICE),
	KEYED("netDevices", struct spec_linux, net_devices, n_net_devices, struct spec_net_device, host_name,
	      T_NET_DEVICE),
	STRING("cgroupsPath", struct spec_linux, cgroups_path),
	OBJECT("resources", struct spec_linux, resources, T_RESOURCES),
	OBJECT("intelRdt", struct spec_linux, intel_rdt, T_INTEL_RDT),
	OBJECT("memoryPolicy", struct spec_linux, memory_policy, T_MEMORY_POLICY),
	MAP("sysctl", struct spec_linux, sysctl),
	OBJECT("seccomp", struct spec_linux, seccomp, T_SECCOMP),
	NAME("rootfsPropagation", struct spec_linux, rootfs_propagation, N_ROOTFS_PROPAGATIONS),
	STRINGS("maskedPaths", struct spec_linux, masked_paths),
	STRINGS("readonlyPaths", struct spec_linux, readonly_paths),
	STRING("mountLabel", struct spec_linux, mount_label),
	OBJECT("personality", struct spec_linux, personality, T_PERSONALITY),
	END,
};

/* ----------------------------------------------------------- config */

static const struct spec_field config_fields[] = {
	STRING_REQ("ociVersion", struct spec_config, oci_version),
	{ .key = "root",
	  .kind = SPEC_FIELD_OBJECT,
	  .required = true,
	  .offset = offsetof(struct spec_config, root),
	  .fields = T_ROOT },
	OBJECTS("mounts", struct spec_config, mounts, n_mounts, struct spec_mount, T_MOUNT),
	{ .key = "process",
	  .kind = SPEC_FIELD_OBJECT_PTR,
	  .offset = offsetof(struct spec_config, process),
	  .elem_size = sizeof(struct spec_process),
	  .fields = T_PROCESS },
	STRING("hostname", struct spec_config, hostname),
	STRING("domainname", struct spec_config, domainname),
	OBJECT_NO_SET("hooks", struct spec_config, hooks, T_HOOKS),
	MAP("annotations", struct spec_config, annotations),
	OBJECT("linux", struct spec_config, linux_config, T_LINUX),
	END,
};

static const struct spec_field *const config_tables[] = {
	[T_ID_MAPPING] = id_mapping_fields,
	[T_ROOT] = root_fields,
	[T_MOUNT] = mount_fields,
	[T_CONSOLE_SIZE] = console_size_fields,
	[T_USER] = user_fields,
	[T_CAPABILITIES] = capabilities_fields,
	[T_RLIMIT] = rlimit_fields,
	[T_SCHEDULER] = scheduler_fields,
	[T_IO_PRIORITY] = io_priority_fields,
	[T_EXEC_CPU_AFFINITY] = exec_cpu_affinity_fields,
	[T_PROCESS] = process_fields,
	[T_HOOK] = hook_fields,
	[T_HOOKS] = hooks_fields,
	[T_NAMESPACE] = namespace_fields,
	[T_TIME_OFFSET] = time_offset_fields,
	[T_TIME_OFFSETS] = time_offsets_fields,
	[T_DEVICE] = device_fields,
	[T_NET_DEVICE] = net_device_fields,
	[T_DEVICE_RULE] = device_rule_fields,
	[T_MEMORY] = memory_fields,
	[T_CPU] = cpu_fields,
	[T_WEIGHT_DEVICE] = weight_device_fields,
	[T_THROTTLE_DEVICE] = throttle_device_fields,
	[T_BLOCK_IO] = block_io_fields,
	[T_HUGEPAGE_LIMIT] = hugepage_limit_fields,
	[T_NET_PRIORITY] = net_priority_fields,
	[T_NETWORK] = network_fields,
	[T_RDMA] = rdma_fields,
	[T_PIDS] = pids_fields,
	[T_RESOURCES] = resources_fields,
	[T_INTEL_RDT] = intel_rdt_fields,
	[T_MEMORY_POLICY] = memory_policy_fields,
	[T_SECCOMP_ARG] = seccomp_arg_fields,
	[T_SECCOMP_SYSCALL] = seccomp_syscall_fields,
	[T_SECCOMP] = seccomp_fields,
	[T_PERSONALITY] = personality_fields,
	[T_LINUX] = linux_fields,
	[T_CONFIG] = config_fields,
};

static const struct spec_name_table *const config_names[] = {
	[N_RLIMIT_TYPES] = &spec_rlimit_types,
	[N_NAMESPACE_TYPES] = &spec_namespace_types,
	[N_SCHEDULER_POLICIES] = &spec_scheduler_policies,
	[N_SCHEDULER_FLAGS] = &spec_scheduler_flags,
	[N_IOPRIO_CLASSES] = &spec_ioprio_classes,
	[N_MEMORY_POLICY_MODES] = &spec_memory_policy_modes,
	[N_MEMORY_POLICY_FLAGS] = &spec_memory_policy_flags,
	[N_SECCOMP_OPERATORS] = &spec_seccomp_operators,
	[N_SECCOMP_ACTIONS] = &spec_seccomp_actions,
	[N_SECCOMP_ARCHITECTURES] = &spec_seccomp_architectures,
	[N_SECCOMP_FLAGS] = &spec_seccomp_flags,
	[N_PERSONALITY_DOMAINS] = &spec_personality_domains,
	[N_ROOTFS_PROPAGATIONS] = &spec_rootfs_propagations,
};

static const struct spec_schema config_schema = { .tables = config_tables, .names = config_names };

/* runc reads an empty process.apparmorProfile as "no profile", so callers may write one. */
static void unset_empty_profile(struct spec_process *process)
{
	if (process != NULL && process->apparmor_profile != NULL && process->apparmor_profile[0] == '\0') {
		free(process->apparmor_profile);
		process->apparmor_profile = NULL;
	}
}

int spec_config_parse(const char *json, size_t len, struct spec_config **ret_config, struct libct_error *err)
{
	yajl_val tree = NULL;
	int r = spec_json_tree_parse(json, len, &tree, err);
	if (r < 0)
		return r;

	struct spec_config *config = ct_calloc(1, sizeof(*config));
	struct spec_parser parser = { .schema = &config_schema, .err = err };
	if (!YAJL_IS_OBJECT(tree))
		r = ct_error_set(err, EINVAL, "expected a JSON object at the top level");
	if (r == 0)
		r = spec_fields_parse(&parser, tree, config_fields, config);
	yajl_tree_free(tree);
	if (r == 0) {
		unset_empty_profile(config->process);
		r = spec_config_check(config, err);
	}
	if (r < 0) {
		spec_config_free(config);
		return r;
	}
	*ret_config = config;
	return 0;
}

void spec_config_free(struct spec_config *config)
{
	if (config == NULL)
		return;
	spec_fields_free(&config_schema, config_fields, config);
	free(config);
}

int spec_resources_parse(const char *json, size_t len, struct spec_resources **ret_resources,
			 struct libct_error *err)
{
	yajl_val tree = NULL;
	int r = spec_json_tree_parse(json, len, &tree, err);
	if (r < 0)
		return r;

	struct spec_resources *resources = ct_calloc(1, sizeof(*resources));
	struct spec_parser parser = { .schema = &config_schema, .err = err };
	if (!YAJL_IS_OBJECT(tree))
		r = ct_error_set(err, EINVAL, "expected a JSON object at the top level");
	if (r == 0)
		r = spec_fields_parse(&parser, tree, resources_fields, resources);
	yajl_tree_free(tree);
	if (r < 0) {
		spec_resources_free(resources);
		return r;
	}
	resources->set = true;
	*ret_resources = resources;
	return 0;
}

void spec_resources_free(struct spec_resources *resources)
{
	if (resources == NULL)
		return;
	spec_fields_free(&config_schema, resources_fields, resources);
	free(resources);
}

int spec_process_parse(const char *json, size_t len, struct spec_process **ret_process, struct libct_error *err)
{
	yajl_val tree = NULL;
	int r = spec_json_tree_parse(json, len, &tree, err);
	if (r < 0)
		return r;

	struct spec_process *process = ct_calloc(1, sizeof(*process));
	/* Messages name the fields as config.json does ("process.cwd: ..."). */
	struct spec_parser parser = { .schema = &config_schema, .err = err };
	spec_parser_push_key(&parser, "process");
	if (!YAJL_IS_OBJECT(tree))
		r = ct_error_set(err, EINVAL, "expected a JSON object at the top level");
	if (r == 0)
		r = spec_fields_parse(&parser, tree, process_fields, process);
	yajl_tree_free(tree);
	if (r == 0) {
		unset_empty_profile(process);
		r = spec_process_check(process, err);
	}
	if (r < 0) {
		spec_process_free(process);
		return r;
	}
	*ret_process = process;
	return 0;
}

void spec_process_free(struct spec_process *process)
{
	if (process == NULL)
		return;
	spec_fields_free(&config_schema, process_fields, process);
	free(process);
}
