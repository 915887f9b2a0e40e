/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The Features structure of runtime-spec v1.3.0 (features.md), which
 * `ctrun features` prints. The recognized names come from the tables that
 * the config.json parser validates against, so the two cannot disagree. What
 * the runtime actually implements is passed in by the caller.
 *
 * The file is not called features.h because spec/ is on the include path,
 * where that name would hide glibc's <features.h>.
 */
#ifndef CTRUN_SPEC_OCI_FEATURES_H
#define CTRUN_SPEC_OCI_FEATURES_H

#include <stdbool.h>
#include <stddef.h>

#include "config.h"
#include "libct.h"

/* Implemented features, decided at build time as features.md recommends. */
struct spec_features_support {
	bool cgroup_v1;
	bool cgroup_v2;
	bool cgroup_systemd;
	bool cgroup_systemd_user;
	bool cgroup_rdma;
	bool seccomp;
	/* Seccomp flag names that ctrun can apply; NULL with seccomp means all. */
	char *const *seccomp_supported_flags;
	size_t n_seccomp_supported_flags;
	/* Seccomp architecture names that ctrun can apply; NULL with seccomp
	 * means all. */
	char *const *seccomp_archs;
	size_t n_seccomp_archs;
	bool apparmor;
	bool selinux;
	bool intel_rdt;
	bool intel_rdt_schemata;
	bool intel_rdt_monitoring;
	bool idmap_mounts;
	bool net_devices;
	/* Annotations (or prefixes ending in ".") of config.json that change
	 * what the runtime does; none means an empty list. */
	char *const *unsafe_annotations;
	size_t n_unsafe_annotations;
	struct spec_map annotations; /* runtime details such as the version */
};

/*
 * Writes the Features structure as indented JSON into a new NUL-terminated
 * *ret_json and its length into *ret_len (which may be NULL). Tables whose
 * feature is not supported (seccomp without support, for example) are left
 * out, because callers read a present list as supported names.
 */
int spec_features_json(const struct spec_features_support *support, char **ret_json, size_t *ret_len,
		       struct libct_error *err);

#endif
