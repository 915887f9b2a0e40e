/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Name tables of the runtime-spec v1.3.0 enumerations that ctrun accepts.
 *
 * The parser validates config.json against these tables, and the `features`
 * command prints them, so the two cannot disagree. Each table is an array of
 * name/value pairs in a fixed order, and the meaning of `value` is given per
 * table below. The lookup functions compare names exactly (case matters, as
 * in config.json).
 */
#ifndef CTRUN_SPEC_TABLES_H
#define CTRUN_SPEC_TABLES_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "config.h"

/* config.json may declare any ociVersion from SPEC_OCI_VERSION_MIN to 1.3.x
 * (pre-releases included, and 0.x drafts too). ctrun writes SPEC_OCI_VERSION
 * in the documents it creates. */
#define SPEC_OCI_VERSION_MIN "1.0.0"
#define SPEC_OCI_VERSION     "1.3.0"

struct spec_name_value {
	const char *name;
	int64_t value;
};

struct spec_name_table {
	const char *what; /* singular noun used in error messages: "rlimit", "capability" */
	const struct spec_name_value *entries;
	size_t n_entries;
};

/* Returns the entry named name in table, or NULL. */
const struct spec_name_value *spec_table_lookup(const struct spec_name_table *table, const char *name);

/* Returns the name of the first entry whose value is value, or NULL. */
const char *spec_table_name(const struct spec_name_table *table, int64_t value);

/* The keys of config.json's hooks object, in the order they run; value:
 * position in the table. */
extern const struct spec_name_table spec_hook_names;

/* linux.namespaces[].type; value: enum spec_namespace_type. */
extern const struct spec_name_table spec_namespace_types;

/* process.rlimits[].type; value: the RLIMIT_* resource number of <sys/resource.h>. */
extern const struct spec_name_table spec_rlimit_types;

/* process.capabilities.*; value: the CAP_* number of <linux/capability.h>,
 * CAP_CHOWN (0) to CAP_CHECKPOINT_RESTORE (40). */
extern const struct spec_name_table spec_capabilities_table;

/* linux.seccomp.defaultAction and syscalls[].action; value: the kernel's
 * SECCOMP_RET_* action (SCMP_ACT_KILL is SECCOMP_RET_KILL_THREAD, and
 * SCMP_ACT_ERRNO and SCMP_ACT_TRACE carry no data in the low 16 bits). */
extern const struct spec_name_table spec_seccomp_actions;

/* linux.seccomp.syscalls[].args[].op; value: libseccomp's enum scmp_compare. */
extern const struct spec_name_table spec_seccomp_operators;

/* linux.seccomp.architectures; value: position in the table (resolve the
 * name with seccomp_arch_resolve_name()). */
extern const struct spec_name_table spec_seccomp_architectures;

/* linux.seccomp.flags; value: the SECCOMP_FILTER_FLAG_* bit. */
extern const struct spec_name_table spec_seccomp_flags;

/* process.scheduler.policy; value: the SCHED_* policy of sched_setattr(2). */
extern const struct spec_name_table spec_scheduler_policies;

/* process.scheduler.flags; value: the SCHED_FLAG_* bit of sched_setattr(2). */
extern const struct spec_name_table spec_scheduler_flags;

/* process.ioPriority.class; value: the IOPRIO_CLASS_* number of ioprio_set(2). */
extern const struct spec_name_table spec_ioprio_classes;

/* linux.memoryPolicy.mode; value: the MPOL_* mode of set_mempolicy(2). */
extern const struct spec_name_table spec_memory_policy_modes;

/* linux.memoryPolicy.flags; value: the MPOL_F_* bit of set_mempolicy(2). */
extern const struct spec_name_table spec_memory_policy_flags;

/* linux.personality.domain; value: the PER_* persona of personality(2). */
extern const struct spec_name_table spec_personality_domains;

/* linux.rootfsPropagation; value: the MS_* propagation flag of mount(2). */
extern const struct spec_name_table spec_rootfs_propagations;

/* Shorthands for the most common lookups; each returns -1 for an unknown name. */
int spec_rlimit_from_name(const char *name);
int spec_capability_from_name(const char *name);
int spec_namespace_type_from_name(const char *name);

#endif
