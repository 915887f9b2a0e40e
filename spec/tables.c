/* SPDX-License-Identifier: Apache-2.0 */
#include <linux/capability.h>
#include <linux/ioprio.h>
#include <linux/mempolicy.h>
#include <linux/sched.h>
#include <linux/seccomp.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/personality.h>
#include <sys/resource.h>

#include "tables.h"

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))
/* clang-format off */
#define NAME_TABLE(noun, array) { .what = (noun), .entries = (array), .n_entries = ARRAY_SIZE(array) }

/* Values that Debian 12's kernel headers (Linux 6.1) do not define yet. */
#define SPEC_SCHED_ISO 4 /* reserved by the kernel, never implemented */
#define SPEC_MPOL_WEIGHTED_INTERLEAVE 6 /* Linux 6.9 */
/* clang-format on */

const struct spec_name_value *spec_table_lookup(const struct spec_name_table *table, const char *name)
{
	if (name == NULL)
		return NULL;
	for (size_t i = 0; i < table->n_entries; i++)
		if (strcmp(table->entries[i].name, name) == 0)
			return &table->entries[i];
	return NULL;
}

const char *spec_table_name(const struct spec_name_table *table, int64_t value)
{
	for (size_t i = 0; i < table->n_entries; i++)
		if (table->entries[i].value == value)
			return table->entries[i].name;
	return NULL;
}

static const struct spec_name_value hook_names[] = {
	{ "prestart", 0 },	 { "createRuntime", 1 }, { "createContainer", 2 },
	{ "startContainer", 3 }, { "poststart", 4 },	 { "poststop", 5 },
};
const struct spec_name_table spec_hook_names = NAME_TABLE("hook", hook_names);

static const struct spec_name_value namespace_types[] = {
	{ "pid", SPEC_NS_PID },       { "network", SPEC_NS_NETWORK }, { "mount", SPEC_NS_MOUNT },
	{ "ipc", SPEC_NS_IPC },       { "uts", SPEC_NS_UTS },         { "user", SPEC_NS_USER },
	{ "cgroup", SPEC_NS_CGROUP }, { "time", SPEC_NS_TIME },
};
const struct spec_name_table spec_namespace_types = NAME_TABLE("namespace type", namespace_types);

static const struct spec_name_value rlimit_types[] = {
	{ "RLIMIT_AS", RLIMIT_AS },
	{ "RLIMIT_CORE", RLIMIT_CORE },
	{ "RLIMIT_CPU", RLIMIT_CPU },
	{ "RLIMIT_DATA", RLIMIT_DATA },
	{ "RLIMIT_FSIZE", RLIMIT_FSIZE },
	{ "RLIMIT_LOCKS", RLIMIT_LOCKS },
	{ "RLIMIT_MEMLOCK", RLIMIT_MEMLOCK },
	{ "RLIMIT_MSGQUEUE", RLIMIT_MSGQUEUE },
	{ "RLIMIT_NICE", RLIMIT_NICE },
	{ "RLIMIT_NOFILE", RLIMIT_NOFILE },
	{ "RLIMIT_NPROC", RLIMIT_NPROC },
	{ "RLIMIT_RSS", RLIMIT_RSS },
	{ "RLIMIT_RTPRIO", RLIMIT_RTPRIO },
	{ "RLIMIT_RTTIME", RLIMIT_RTTIME },
	{ "RLIMIT_SIGPENDING", RLIMIT_SIGPENDING },
	{ "RLIMIT_STACK", RLIMIT_STACK },
};
const struct spec_name_table spec_rlimit_types = NAME_TABLE("rlimit", rlimit_types);

static const struct spec_name_value capabilities[] = {
	{ "CAP_CHOWN", CAP_CHOWN },
	{ "CAP_DAC_OVERRIDE", CAP_DAC_OVERRIDE },
	{ "CAP_DAC_READ_SEARCH", CAP_DAC_READ_SEARCH },
	{ "CAP_FOWNER", CAP_FOWNER },
	{ "CAP_FSETID", CAP_FSETID },
	{ "CAP_KILL", CAP_KILL },
	{ "CAP_SETGID", CAP_SETGID },
	{ "CAP_SETUID", CAP_SETUID },
	{ "CAP_SETPCAP", CAP_SETPCAP },
	{ "CAP_LINUX_IMMUTABLE", CAP_LINUX_IMMUTABLE },
	{ "CAP_NET_BIND_SERVICE", CAP_NET_BIND_SERVICE },
	{ "CAP_NET_BROADCAST", CAP_NET_BROADCAST },
	{ "CAP_NET_ADMIN", CAP_NET_ADMIN },
	{ "CAP_NET_RAW", CAP_NET_RAW },
	{ "CAP_IPC_LOCK", CAP_IPC_LOCK },
	{ "CAP_IPC_OWNER", CAP_IPC_OWNER },
	{ "CAP_SYS_MODULE", CAP_SYS_MODULE },
	{ "CAP_SYS_RAWIO", CAP_SYS_RAWIO },
	{ "CAP_SYS_CHROOT", CAP_SYS_CHROOT },
	{ "CAP_SYS_PTRACE", CAP_SYS_PTRACE },
	{ "CAP_SYS_PACCT", CAP_SYS_PACCT },
	{ "CAP_SYS_ADMIN", CAP_SYS_ADMIN },
	{ "CAP_SYS_BOOT", CAP_SYS_BOOT },
	{ "CAP_SYS_NICE", CAP_SYS_NICE },
	{ "CAP_SYS_RESOURCE", CAP_SYS_RESOURCE },
	{ "CAP_SYS_TIME", CAP_SYS_TIME },
	{ "CAP_SYS_TTY_CONFIG", CAP_SYS_TTY_CONFIG },
	{ "CAP_MKNOD", CAP_MKNOD },
	{ "CAP_LEASE", CAP_LEASE },
	{ "CAP_AUDIT_WRITE", CAP_AUDIT_WRITE },
	{ "CAP_AUDIT_CONTROL", CAP_AUDIT_CONTROL },
	{ "CAP_SETFCAP", CAP_SETFCAP },
	{ "CAP_MAC_OVERRIDE", CAP_MAC_OVERRIDE },
	{ "CAP_MAC_ADMIN", CAP_MAC_ADMIN },
	{ "CAP_SYSLOG", CAP_SYSLOG },
	{ "CAP_WAKE_ALARM", CAP_WAKE_ALARM },
	{ "CAP_BLOCK_SUSPEND", CAP_BLOCK_SUSPEND },
	{ "CAP_AUDIT_READ", CAP_AUDIT_READ },
	{ "CAP_PERFMON", CAP_PERFMON },
	{ "CAP_BPF", CAP_BPF },
	{ "CAP_CHECKPOINT_RESTORE", CAP_CHECKPOINT_RESTORE },
};
const struct spec_name_table spec_capabilities_table = NAME_TABLE("capability", capabilities);

static const struct spec_name_value seccomp_actions[] = {
	{ "SCMP_ACT_KILL", SECCOMP_RET_KILL_THREAD },
	{ "SCMP_ACT_KILL_PROCESS", SECCOMP_RET_KILL_PROCESS },
	{ "SCMP_ACT_KILL_THREAD", SECCOMP_RET_KILL_THREAD },
	{ "SCMP_ACT_TRAP", SECCOMP_RET_TRAP },
	{ "SCMP_ACT_ERRNO", SECCOMP_RET_ERRNO },
	{ "SCMP_ACT_TRACE", SECCOMP_RET_TRACE },
	{ "SCMP_ACT_ALLOW", SECCOMP_RET_ALLOW },
	{ "SCMP_ACT_LOG", SECCOMP_RET_LOG },
	{ "SCMP_ACT_NOTIFY", SECCOMP_RET_USER_NOTIF },
};
const struct spec_name_table spec_seccomp_actions = NAME_TABLE("seccomp action", seccomp_actions);

/* libseccomp numbers enum scmp_compare from 1 (SCMP_CMP_NE) to 7. */
static const struct spec_name_value seccomp_operators[] = {
	{ "SCMP_CMP_NE", 1 }, { "SCMP_CMP_LT", 2 }, { "SCMP_CMP_LE", 3 },        { "SCMP_CMP_EQ", 4 },
	{ "SCMP_CMP_GE", 5 }, { "SCMP_CMP_GT", 6 }, { "SCMP_CMP_MASKED_EQ", 7 },
};
const struct spec_name_table spec_seccomp_operators = NAME_TABLE("seccomp operator", seccomp_operators);

static const struct spec_name_value seccomp_architectures[] = {
	{ "SCMP_ARCH_X86", 0 },          { "SCMP_ARCH_X86_64", 1 },   { "SCMP_ARCH_X32", 2 },
	{ "SCMP_ARCH_ARM", 3 },          { "SCMP_ARCH_AARCH64", 4 },  { "SCMP_ARCH_LOONGARCH64", 5 },
	{ "SCMP_ARCH_M68K", 6 },         { "SCMP_ARCH_MIPS", 7 },     { "SCMP_ARCH_MIPS64", 8 },
	{ "SCMP_ARCH_MIPS64N32", 9 },    { "SCMP_ARCH_MIPSEL", 10 },  { "SCMP_ARCH_MIPSEL64", 11 },
	{ "SCMP_ARCH_MIPSEL64N32", 12 }, { "SCMP_ARCH_PPC", 13 },     { "SCMP_ARCH_PPC64", 14 },
	{ "SCMP_ARCH_PPC64LE", 15 },     { "SCMP_ARCH_S390", 16 },    { "SCMP_ARCH_S390X", 17 },
	{ "SCMP_ARCH_SH", 18 },          { "SCMP_ARCH_SHEB", 19 },    { "SCMP_ARCH_PARISC", 20 },
	{ "SCMP_ARCH_PARISC64", 21 },    { "SCMP_ARCH_RISCV64", 22 },
};
const struct spec_name_table spec_seccomp_architectures =
	NAME_TABLE("seccomp architecture", seccomp_architectures);

static const struct spec_name_value seccomp_flags[] = {
	{ "SECCOMP_FILTER_FLAG_TSYNC", SECCOMP_FILTER_FLAG_TSYNC },
	{ "SECCOMP_FILTER_FLAG_LOG", SECCOMP_FILTER_FLAG_LOG },
	{ "SECCOMP_FILTER_FLAG_SPEC_ALLOW", SECCOMP_FILTER_FLAG_SPEC_ALLOW },
	{ "SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV", SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV },
};
const struct spec_name_table spec_seccomp_flags = NAME_TABLE("seccomp flag", seccomp_flags);

static const struct spec_name_value scheduler_policies[] = {
	{ "SCHED_OTHER", SCHED_NORMAL },      { "SCHED_FIFO", SCHED_FIFO },    { "SCHED_RR", SCHED_RR },
	{ "SCHED_BATCH", SCHED_BATCH },       { "SCHED_ISO", SPEC_SCHED_ISO }, { "SCHED_IDLE", SCHED_IDLE },
	{ "SCHED_DEADLINE", SCHED_DEADLINE },
};
const struct spec_name_table spec_scheduler_policies = NAME_TABLE("scheduler policy", scheduler_policies);

static const struct spec_name_value scheduler_flags[] = {
	{ "SCHED_FLAG_RESET_ON_FORK", SCHED_FLAG_RESET_ON_FORK },
	{ "SCHED_FLAG_RECLAIM", SCHED_FLAG_RECLAIM },
	{ "SCHED_FLAG_DL_OVERRUN", SCHED_FLAG_DL_OVERRUN },
	{ "SCHED_FLAG_KEEP_POLICY", SCHED_FLAG_KEEP_POLICY },
	{ "SCHED_FLAG_KEEP_PARAMS", SCHED_FLAG_KEEP_PARAMS },
	{ "SCHED_FLAG_UTIL_CLAMP_MIN", SCHED_FLAG_UTIL_CLAMP_MIN },
	{ "SCHED_FLAG_UTIL_CLAMP_MAX", SCHED_FLAG_UTIL_CLAMP_MAX },
};
const struct spec_name_table spec_scheduler_flags = NAME_TABLE("scheduler flag", scheduler_flags);

static const struct spec_name_value ioprio_classes[] = {
	{ "IOPRIO_CLASS_RT", IOPRIO_CLASS_RT },
	{ "IOPRIO_CLASS_BE", IOPRIO_CLASS_BE },
	{ "IOPRIO_CLASS_IDLE", IOPRIO_CLASS_IDLE },
};
const struct spec_name_table spec_ioprio_classes = NAME_TABLE("I/O priority class", ioprio_classes);

static const struct spec_name_value memory_policy_modes[] = {
	{ "MPOL_DEFAULT", MPOL_DEFAULT },       { "MPOL_BIND", MPOL_BIND },
	{ "MPOL_INTERLEAVE", MPOL_INTERLEAVE }, { "MPOL_WEIGHTED_INTERLEAVE", SPEC_MPOL_WEIGHTED_INTERLEAVE },
	{ "MPOL_PREFERRED", MPOL_PREFERRED },   { "MPOL_PREFERRED_MANY", MPOL_PREFERRED_MANY },
	{ "MPOL_LOCAL", MPOL_LOCAL },
};
const struct spec_name_table spec_memory_policy_modes = NAME_TABLE("memory policy mode", memory_policy_modes);

static const struct spec_name_value memory_policy_flags[] = {
	{ "MPOL_F_NUMA_BALANCING", MPOL_F_NUMA_BALANCING },
	{ "MPOL_F_RELATIVE_NODES", MPOL_F_RELATIVE_NODES },
	{ "MPOL_F_STATIC_NODES", MPOL_F_STATIC_NODES },
};
const struct spec_name_table spec_memory_policy_flags = NAME_TABLE("memory policy flag", memory_policy_flags);

static const struct spec_name_value personality_domains[] = {
	{ "LINUX", PER_LINUX },
	{ "LINUX32", PER_LINUX32 },
};
const struct spec_name_table spec_personality_domains = NAME_TABLE("personality domain", personality_domains);

static const struct spec_name_value rootfs_propagations[] = {
	{ "private", MS_PRIVATE },
	{ "shared", MS_SHARED },
	{ "slave", MS_SLAVE },
	{ "unbindable", MS_UNBINDABLE },
};
const struct spec_name_table spec_rootfs_propagations = NAME_TABLE("rootfs propagation", rootfs_propagations);

static int lookup_value(const struct spec_name_table *table, const char *name)
{
	const struct spec_name_value *entry = spec_table_lookup(table, name);
	return entry == NULL ? -1 : (int)entry->value;
}

int spec_rlimit_from_name(const char *name)
{
	return lookup_value(&spec_rlimit_types, name);
}

int spec_capability_from_name(const char *name)
{
	return lookup_value(&spec_capabilities_table, name);
}

int spec_namespace_type_from_name(const char *name)
{
	return lookup_value(&spec_namespace_types, name);
}

const char *spec_namespace_type_name(enum spec_namespace_type type)
{
	const char *name = spec_table_name(&spec_namespace_types, type);
	return name == NULL ? "unknown" : name;
}
