/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The process attributes that the kernel keeps per task and that children
 * inherit: linux.personality, linux.memoryPolicy, process.ioPriority,
 * process.scheduler and process.execCPUAffinity. The checks run in the
 * runtime before clone, so that a bad value fails `create` or `exec` with a
 * message instead of a half-made container; the calls run in the child.
 */
#include <inttypes.h>
#include <sched.h>
#include <string.h>
#include <sys/personality.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "internal.h"
#include "tables.h"

#define IOPRIO_WHO_PROCESS 1
#define IOPRIO_CLASS_SHIFT 13
#define MAX_LIST_ID 65535

/* struct sched_attr of sched_setattr(2), SCHED_ATTR_SIZE_VER1; glibc has no
 * wrapper and the uapi header clashes with <sched.h> on older systems. */
struct ct_sched_attr {
	uint32_t size;
	uint32_t sched_policy;
	uint64_t sched_flags;
	int32_t sched_nice;
	uint32_t sched_priority;
	uint64_t sched_runtime;
	uint64_t sched_deadline;
	uint64_t sched_period;
	uint32_t sched_util_min;
	uint32_t sched_util_max;
};

/* ------------------------------------------------------------ id lists */

static bool parse_id(const char **p, unsigned long *ret_id)
{
	if (**p < '0' || **p > '9')
		return false;
	unsigned long id = 0;
	for (; **p >= '0' && **p <= '9'; (*p)++) {
		id = id * 10 + (unsigned long)(**p - '0');
		if (id > MAX_LIST_ID)
			return false;
	}
	*ret_id = id;
	return true;
}

int ct_parse_id_list(const char *list, unsigned long **ret_mask, size_t *ret_bits, struct libct_error *err)
{
	size_t bits_per_word = 8 * sizeof(unsigned long);
	size_t n_words = MAX_LIST_ID / bits_per_word + 1;
	_cleanup_free_ unsigned long *mask = ct_calloc(n_words, sizeof(unsigned long));
	size_t n_bits = 0;

	for (const char *p = list; *p != '\0';) {
		unsigned long first, last;
		if (!parse_id(&p, &first))
			return ct_error_set(err, EINVAL, "invalid list \"%s\"", list);
		last = first;
		if (*p == '-') {
			p++;
			if (!parse_id(&p, &last) || last < first)
				return ct_error_set(err, EINVAL, "invalid range in list \"%s\"", list);
		}
		if (*p == ',' && p[1] != '\0')
			p++;
		else if (*p != '\0')
			return ct_error_set(err, EINVAL, "invalid list \"%s\"", list);
		for (unsigned long id = first; id <= last; id++)
			mask[id / bits_per_word] |= 1UL << (id % bits_per_word);
		if (last + 1 > n_bits)
			n_bits = last + 1;
	}
	*ret_mask = ct_steal_pointer(&mask);
	*ret_bits = n_bits;
	return 0;
}

/* ------------------------------------------------------------- checks */

static bool is_realtime(const char *policy)
{
	return strcmp(policy, "SCHED_FIFO") == 0 || strcmp(policy, "SCHED_RR") == 0;
}

static int check_scheduler(const struct spec_scheduler *scheduler, struct libct_error *err)
{
	if (!scheduler->set)
		return 0;
	if (strcmp(scheduler->policy, "SCHED_ISO") == 0)
		return ct_error_set(err, ENOTSUP, "process.scheduler.policy: Linux has no \"SCHED_ISO\" policy");
	if (scheduler->nice < -20 || scheduler->nice > 19)
		return ct_error_set(err, EINVAL, "process.scheduler.nice: value %d is out of range (-20 to 19)",
				    scheduler->nice);
	if (is_realtime(scheduler->policy) && (scheduler->priority < 1 || scheduler->priority > 99))
		return ct_error_set(err, EINVAL, "process.scheduler.priority: policy \"%s\" needs 1 to 99, got %d",
				    scheduler->policy, scheduler->priority);
	if (!is_realtime(scheduler->policy) && scheduler->priority != 0)
		return ct_error_set(err, EINVAL, "process.scheduler.priority: policy \"%s\" needs 0, got %d",
				    scheduler->policy, scheduler->priority);

	bool deadline = strcmp(scheduler->policy, "SCHED_DEADLINE") == 0;
	bool has_times = scheduler->runtime != 0 || scheduler->deadline != 0 || scheduler->period != 0;
	if (!deadline && has_times)
		return ct_error_set(err, EINVAL,
				    "process.scheduler: runtime, deadline and period are only used with "
				    "\"SCHED_DEADLINE\", not \"%s\"",
				    scheduler->policy);
	uint64_t period = scheduler->period != 0 ? scheduler->period : scheduler->deadline;
	if (deadline && (scheduler->runtime == 0 || scheduler->runtime > scheduler->deadline ||
			 scheduler->deadline > period))
		return ct_error_set(err, EINVAL,
				    "process.scheduler: \"SCHED_DEADLINE\" needs 0 < runtime <= deadline <= period, "
				    "got %" PRIu64 ", %" PRIu64 " and %" PRIu64,
				    scheduler->runtime, scheduler->deadline, scheduler->period);
	return 0;
}

static bool has_flag(char **flags, size_t n_flags, const char *name)
{
	for (size_t i = 0; i < n_flags; i++)
		if (strcmp(flags[i], name) == 0)
			return true;
	return false;
}

static int check_memory_policy(const struct spec_memory_policy *policy, struct libct_error *err)
{
	if (!policy->set)
		return 0;
	bool takes_flags = strcmp(policy->mode, "MPOL_DEFAULT") != 0 && strcmp(policy->mode, "MPOL_LOCAL") != 0;
	if (!takes_flags && policy->n_flags > 0)
		return ct_error_set(err, EINVAL, "linux.memoryPolicy.flags: mode \"%s\" takes no flags, got \"%s\"",
				    policy->mode, policy->flags[0]);
	if (has_flag(policy->flags, policy->n_flags, "MPOL_F_STATIC_NODES") &&
	    has_flag(policy->flags, policy->n_flags, "MPOL_F_RELATIVE_NODES"))
		return ct_error_set(err, EINVAL,
				    "linux.memoryPolicy.flags: \"MPOL_F_STATIC_NODES\" and \"MPOL_F_RELATIVE_NODES\" "
				    "exclude each other");
	if (has_flag(policy->flags, policy->n_flags, "MPOL_F_NUMA_BALANCING") &&
	    strcmp(policy->mode, "MPOL_BIND") != 0 && strcmp(policy->mode, "MPOL_PREFERRED_MANY") != 0)
		return ct_error_set(err, EINVAL,
				    "linux.memoryPolicy.flags: \"MPOL_F_NUMA_BALANCING\" needs mode \"MPOL_BIND\" or "
				    "\"MPOL_PREFERRED_MANY\", not \"%s\"",
				    policy->mode);
	return 0;
}

int ct_attrs_check(const struct spec_config *config, const struct spec_process *process, struct libct_error *err)
{
	int r = check_scheduler(&process->scheduler, err);
	if (r >= 0)
		r = check_memory_policy(&config->linux_config.memory_policy, err);
	return r;
}

/* ------------------------------------------------------------ setting */

static int set_personality(const struct spec_personality *config, struct libct_error *err)
{
	if (!config->set)
		return 0;
	const struct spec_name_value *domain = spec_table_lookup(&spec_personality_domains, config->domain);
	if (domain == NULL)
		return ct_error_set(err, EINVAL, "linux.personality.domain: unknown domain \"%s\"", config->domain);
	if (personality((unsigned long)domain->value) < 0)
		return ct_error_sys(err, errno, "linux.personality: set domain \"%s\"", config->domain);
	return 0;
}

static int set_memory_policy(const struct spec_memory_policy *policy, struct libct_error *err)
{
	if (!policy->set)
		return 0;
	const struct spec_name_value *mode = spec_table_lookup(&spec_memory_policy_modes, policy->mode);
	if (mode == NULL)
		return ct_error_set(err, EINVAL, "linux.memoryPolicy.mode: unknown mode \"%s\"", policy->mode);
	int64_t value = mode->value;
	for (size_t i = 0; i < policy->n_flags; i++) {
		const struct spec_name_value *flag = spec_table_lookup(&spec_memory_policy_flags, policy->flags[i]);
		if (flag == NULL)
			return ct_error_set(err, EINVAL, "linux.memoryPolicy.flags: unknown flag \"%s\"",
					    policy->flags[i]);
		value |= flag->value;
	}

	_cleanup_free_ unsigned long *nodes = NULL;
	size_t n_bits = 0;
	const char *list = policy->nodes != NULL ? policy->nodes : "";
	int r = ct_parse_id_list(list, &nodes, &n_bits, err);
	if (r < 0)
		return ct_error_prefix(err, "linux.memoryPolicy.nodes");
	/* The kernel reads one bit less than maxnode, so pass one more. */
	if (syscall(SYS_set_mempolicy, (int)value, n_bits > 0 ? nodes : NULL, n_bits > 0 ? n_bits + 1 : 0) < 0)
		return ct_error_sys(err, errno, "linux.memoryPolicy: set mode \"%s\" with nodes \"%s\"", policy->mode,
				    list);
	return 0;
}

/*
 * The runtime spec requests the priority of the container's process group,
 * but the init shares its process group with the caller on the host until
 * it calls setsid, so IOPRIO_WHO_PGRP could change host processes. The
 * process's own priority reaches the same processes: every process of the
 * container descends from it and inherits it.
 */
static int set_io_priority(const struct spec_io_priority *priority, struct libct_error *err)
{
	if (!priority->set)
		return 0;
	const struct spec_name_value *class = spec_table_lookup(&spec_ioprio_classes, priority->class_name);
	if (class == NULL)
		return ct_error_set(err, EINVAL, "process.ioPriority.class: unknown class \"%s\"",
				    priority->class_name);
	int value = (int)(class->value << IOPRIO_CLASS_SHIFT) | (int)priority->priority;
	if (syscall(SYS_ioprio_set, IOPRIO_WHO_PROCESS, 0, value) < 0)
		return ct_error_sys(err, errno, "process.ioPriority: set class \"%s\" priority %" PRId64,
				    priority->class_name, priority->priority);
	return 0;
}

static int set_scheduler(const struct spec_scheduler *scheduler, struct libct_error *err)
{
	if (!scheduler->set)
		return 0;
	const struct spec_name_value *policy = spec_table_lookup(&spec_scheduler_policies, scheduler->policy);
	if (policy == NULL)
		return ct_error_set(err, EINVAL, "process.scheduler.policy: unknown policy \"%s\"", scheduler->policy);
	struct ct_sched_attr attr = {
		.size = sizeof(attr),
		.sched_policy = (uint32_t)policy->value,
		.sched_nice = scheduler->nice,
		.sched_priority = (uint32_t)scheduler->priority,
		.sched_runtime = scheduler->runtime,
		.sched_deadline = scheduler->deadline,
		.sched_period = scheduler->period,
		/* With the clamp flags, the widest range changes nothing until
		 * the container lowers it. */
		.sched_util_max = 1024,
	};
	for (size_t i = 0; i < scheduler->n_flags; i++) {
		const struct spec_name_value *flag = spec_table_lookup(&spec_scheduler_flags, scheduler->flags[i]);
		if (flag == NULL)
			return ct_error_set(err, EINVAL, "process.scheduler.flags: unknown flag \"%s\"",
					    scheduler->flags[i]);
		attr.sched_flags |= (uint64_t)flag->value;
	}
	if (syscall(SYS_sched_setattr, 0, &attr, 0) < 0) {
		/* With real-time group scheduling, a v1 cpu cgroup starts with
		 * no real-time budget, and the kernel returns only EPERM. */
		if (errno == EPERM && is_realtime(scheduler->policy))
			return ct_error_sys(err, errno,
					    "process.scheduler: set policy \"%s\" (a real-time policy also needs "
					    "linux.resources.cpu.realtimeRuntime on a cgroup v1 host)",
					    scheduler->policy);
		return ct_error_sys(err, errno, "process.scheduler: set policy \"%s\"", scheduler->policy);
	}
	return 0;
}

static int set_affinity(const char *list, const char *field, struct libct_error *err)
{
	_cleanup_free_ unsigned long *mask = NULL;
	size_t n_bits = 0;
	int r = ct_parse_id_list(list, &mask, &n_bits, err);
	if (r < 0)
		return ct_error_prefix(err, "%s", field);
	if (n_bits == 0)
		return 0; /* an empty list leaves the affinity to the kernel */
	size_t size = (n_bits + 8 * sizeof(unsigned long) - 1) / (8 * sizeof(unsigned long)) * sizeof(unsigned long);
	if (sched_setaffinity(0, size, (cpu_set_t *)mask) < 0)
		return ct_error_sys(err, errno, "%s: set CPU affinity \"%s\"", field, list);
	return 0;
}

int ct_attrs_set_initial_affinity(const struct spec_process *process, struct libct_error *err)
{
	if (!process->exec_cpu_affinity.set || process->exec_cpu_affinity.initial == NULL)
		return 0;
	return set_affinity(process->exec_cpu_affinity.initial, "process.execCPUAffinity.initial", err);
}

int ct_attrs_apply(struct ct_init *init, struct libct_error *err)
{
	const struct spec_config *config = init->config;
	const struct spec_process *process = config->process;

	int r = set_personality(&config->linux_config.personality, err);
	if (r >= 0)
		r = set_memory_policy(&config->linux_config.memory_policy, err);
	if (r >= 0)
		r = set_io_priority(&process->io_priority, err);
	if (r >= 0)
		r = set_scheduler(&process->scheduler, err);
	/* The runtime spec leaves the init's affinity alone. */
	if (r >= 0 && init->exec_process && process->exec_cpu_affinity.set &&
	    process->exec_cpu_affinity.final != NULL)
		r = set_affinity(process->exec_cpu_affinity.final, "process.execCPUAffinity.final", err);
	return r;
}
