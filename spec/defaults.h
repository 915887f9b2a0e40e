/* SPDX-License-Identifier: Apache-2.0 */
#ifndef CTRUN_SPEC_DEFAULTS_H
#define CTRUN_SPEC_DEFAULTS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "libct.h"

/*
 * Writes the config.json that `ctrun spec` creates: a shell in a read-only
 * "rootfs" with the usual /proc, /dev and /sys mounts, a small capability
 * set and new pid, network, ipc, uts, mount and cgroup namespaces. It has no
 * linux.resources and no seccomp section.
 *
 * With rootless, the document is usable by an unprivileged user: it adds a
 * user namespace that maps container root to host_uid and host_gid (the
 * caller's ids), keeps the host network namespace, bind-mounts /sys instead
 * of mounting sysfs, leaves out the cgroup mount and the devpts gid=5 option.
 *
 * Stores a new indented NUL-terminated document in *ret_json and its length
 * in *ret_len (which may be NULL).
 */
int spec_config_default_json(bool rootless, uint32_t host_uid, uint32_t host_gid, char **ret_json,
			     size_t *ret_len, struct libct_error *err);

#endif
