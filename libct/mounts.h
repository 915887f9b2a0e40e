/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Declarations shared by the root filesystem code: mounts.c (one mount at a
 * time), devices.c (/dev) and rootfs.c (the order of it all).
 *
 * Every path inside the container is resolved relative to root_fd, an
 * O_PATH fd of the container's root, with ct_open_in_root(). Every mount
 * goes to the fd that it returned, so a symlink in the image cannot move a
 * mount onto the host.
 */
#ifndef LIBCT_MOUNTS_H
#define LIBCT_MOUNTS_H

#include <stdint.h>
#include <sys/stat.h>

#include "internal.h"
#include "mountopts.h"

/* Returns true when the container has a user namespace, new or joined,
 * where mknod of devices and some mounts are not allowed. */
static inline bool ct_init_in_user_ns(const struct ct_init *init)
{
	const struct spec_linux *linux_config = &init->config->linux_config;
	if (init->new_user_ns)
		return true;
	for (size_t i = 0; i < linux_config->n_namespaces; i++)
		if (linux_config->namespaces[i].type == SPEC_NS_USER)
			return true;
	return false;
}

/* Enough for "/proc/self/fd/" and any int. */
#define CT_FD_PATH_MAX 32

/* Writes "/proc/self/fd/<fd>" to buf and returns buf. */
const char *ct_fd_path(int fd, char buf[CT_FD_PATH_MAX]);

/* Performs config.mounts[index] inside root_fd. */
int ct_mount_entry(struct ct_init *init, int root_fd, size_t index, struct libct_error *err);

/* linux.mountLabel where SELinux is enabled (lsm.c). Before the mount:
 * adds the context= option to opts->data for the filesystems that take one.
 * After it: labels the root of an mqueue mount outside a user namespace,
 * because its superblock belongs to the IPC namespace and so takes no
 * context= option. */
void ct_lsm_label_mount_options(const struct spec_config *config, const struct spec_mount *m,
				struct spec_mount_options *opts);
int ct_lsm_label_mount_point(const struct ct_init *init, int root_fd, const struct spec_mount *m,
			     const struct spec_mount_options *opts, struct libct_error *err);

/*
 * Bind-mounts source (a host path) onto target inside root_fd, or, when
 * source is NULL, attaches source_fd, a detached tree from
 * open_tree(OPEN_TREE_CLONE) that stays owned by the caller. The target is
 * created as a directory or an empty file to match the source, and the
 * bind is recursive when recursive is true. attr_set and attr_clr are
 * MOUNT_ATTR_* flags applied to the new top mount before it is attached.
 * Every flag of the source that they do not name is kept, so a flag that a
 * user namespace locked stays set.
 */
struct ct_bind {
	const char *source;
	int source_fd;
	const char *target;
	bool recursive;
	uint64_t attr_set;
	uint64_t attr_clr;
};
int ct_bind_mount(int root_fd, const struct ct_bind *bind, struct libct_error *err);

/* Sets MOUNT_ATTR_* flags on the mount at fd (an fd of its root directory),
 * recursively when recursive is true. what names the mount in errors. */
int ct_mount_setattr(int fd, bool recursive, uint64_t attr_set, uint64_t attr_clr, const char *what,
		     struct libct_error *err);

/* Applies MS_SHARED, MS_SLAVE, MS_PRIVATE or MS_UNBINDABLE (with MS_REC
 * for the whole tree) to the mount at fd. */
int ct_mount_propagation(int fd, unsigned long propagation, const char *what, struct libct_error *err);

/* Fills an error for a failed mount(2) call, naming the flags and the data
 * and adding a hint for EINVAL and EPERM. The caller prefixes the mount's
 * source and target. */
int ct_mount_error(struct libct_error *err, int errnum, unsigned long flags, const char *data);

/* Creates /dev: the default devices, linux.devices and the standard
 * symlinks. dev_bind_mounted is true when config.mounts bind-mounted /dev
 * from outside, which brings its own devices and symlinks, so then only
 * linux.devices are created. */
int ct_devices_create(struct ct_init *init, int root_fd, bool dev_bind_mounted, struct libct_error *err);

#endif
