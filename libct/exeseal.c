/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Runs the runtime from a view of its binary that cannot be written.
 *
 * Every process that the runtime makes in a container starts as a clone of
 * the runtime, so its /proc/PID/exe is the runtime's binary until execve.
 * A container whose program is /proc/self/exe, or a script whose
 * interpreter is, makes that execve run the binary inside the container,
 * where the container's other processes may open it through /proc/PID/exe
 * and write it once no process executes it any more (CVE-2019-5736). So
 * create, run and exec first re-execute the runtime from one of two views:
 *
 * 1. A detached overlayfs whose only layers are lower layers: the binary's
 *    directory and an empty tmpfs. It is made with fsopen() and fsmount()
 *    and never attached, so no mount event reaches the host and nothing
 *    is left behind. Without an upper layer the overlay's superblock is
 *    read-only for good: Linux refuses to reconfigure it read-write
 *    (EROFS), even for its owner. The fd of the mount is closed before
 *    execve, which dissolves the mount; the file keeps it alive but no
 *    namespace holds it. A container process that reaches the file
 *    through /proc/PID/exe, or through an O_PATH fd of it reopened with
 *    /proc/self/fd/N after the runtime is gone, gets the overlay's file:
 *    - opening it for writing fails with EROFS from the superblock;
 *    - mount_setattr() and fspick() need the root of the mount, and the
 *      file is not one, so they fail with EINVAL; no path leads from a
 *      file to its directory;
 *    - open_tree(OPEN_TREE_CLONE) accepts only a mount of the caller's
 *      namespace or of a detached tree made from it, so it fails with
 *      EINVAL, and a clone would still share the read-only superblock;
 *    - the lower file itself is reachable only through
 *      /proc/PID/map_files, which needs CAP_SYS_ADMIN (or
 *      CAP_CHECKPOINT_RESTORE) in the initial user namespace, and leads
 *      to overlayfs's private read-only clone of the lower mount, which is
 *      in no namespace either.
 *    This holds with or without CAP_SYS_ADMIN and with or without a user
 *    namespace. tests/security/binary.bats tries each way from a container
 *    that has CAP_SYS_ADMIN and CAP_SYS_PTRACE.
 * 2. A memfd copy sealed with F_SEAL_WRITE, F_SEAL_GROW, F_SEAL_SHRINK and
 *    F_SEAL_SEAL: the fallback where the overlay cannot be made (Linux
 *    older than 6.8, which lacks statmount(); no CAP_SYS_ADMIN over the
 *    caller's mount namespace, as for a rootless runtime; overlayfs
 *    missing; a binary on a filesystem overlayfs refuses as a layer).
 *
 * A read-only bind mount of the binary (open_tree of the file plus
 * mount_setattr) costs less still, but the file is the root of that mount,
 * so fspick() on /proc/PID/exe hands the host filesystem's superblock to a
 * container process that has CAP_SYS_ADMIN, which may then reconfigure
 * it. It is not used.
 *
 * docs/security.md gives the measured cost of each view.
 */
#include <fcntl.h>
#include <limits.h>
#include <linux/magic.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/mount.h>
#include <sys/sendfile.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <sys/statvfs.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "exeseal.h"
#include "internal.h"

#define SEALS (F_SEAL_SEAL | F_SEAL_SHRINK | F_SEAL_GROW | F_SEAL_WRITE)

/* Linux 6.8 ABI, missing from the headers of older distributions. */
#ifndef STATX_MNT_ID_UNIQUE
#define STATX_MNT_ID_UNIQUE 0x00004000U
#endif
#ifndef __NR_statmount
#define __NR_statmount 457
#endif
#define STATMOUNT_SB_BASIC_MASK 0x00000001U

struct statmount_request {
	uint32_t size;
	uint32_t spare;
	uint64_t mnt_id;
	uint64_t param;
};

extern char **environ;

/* Returns whether the mount with the unique id mnt_id is missing from the
 * caller's mount namespace; false when statmount() cannot tell. */
static bool is_detached(uint64_t mnt_id)
{
	struct statmount_request request = {
		.size = sizeof(request),
		.mnt_id = mnt_id,
		.param = STATMOUNT_SB_BASIC_MASK,
	};
	char buffer[2048];

	return syscall(__NR_statmount, &request, buffer, sizeof(buffer), 0) < 0 && errno == ENOENT;
}

/*
 * Returns whether fd is a file, not a mount root, on a read-only overlayfs
 * mount that is in no mount namespace of the caller: the view that
 * ct_exeseal_overlay() makes. Another program could prepare such a view
 * with an upper layer. The container still cannot write through it, because
 * it reaches neither the mount's root nor the superblock.
 */
static bool is_detached_overlay(int fd)
{
	struct statfs fs;
	struct statx stx;

	if (fstatfs(fd, &fs) < 0 || fs.f_type != OVERLAYFS_SUPER_MAGIC || !(fs.f_flags & ST_RDONLY))
		return false;
	if (statx(fd, "", AT_EMPTY_PATH, STATX_MNT_ID_UNIQUE, &stx) < 0)
		return false;
	if (!(stx.stx_mask & STATX_MNT_ID_UNIQUE) || !(stx.stx_attributes_mask & STATX_ATTR_MOUNT_ROOT) ||
	    (stx.stx_attributes & STATX_ATTR_MOUNT_ROOT))
		return false;
	return is_detached(stx.stx_mnt_id);
}

enum ct_exeseal ct_exeseal_kind(int fd)
{
	int seals = fcntl(fd, F_GET_SEALS);

	if (seals >= 0 && (seals & SEALS) == SEALS)
		return CT_EXESEAL_MEMFD;
	return is_detached_overlay(fd) ? CT_EXESEAL_OVERLAY : CT_EXESEAL_NONE;
}

int ct_exeseal_memfd(int exe, int *ret_fd, struct libct_error *err)
{
	struct stat st;
	if (fstat(exe, &st) < 0)
		return ct_error_sys(err, errno, "protect runtime binary: stat /proc/self/exe");
	_cleanup_close_ int copy = memfd_create("ctrun", MFD_CLOEXEC | MFD_ALLOW_SEALING);
	if (copy < 0)
		return ct_error_sys(err, errno, "protect runtime binary: create memfd");
	for (off_t done = 0; done < st.st_size;) {
		ssize_t n = sendfile(copy, exe, &done, (size_t)(st.st_size - done));
		if (n <= 0)
			return ct_error_sys(err, n < 0 ? errno : EIO, "protect runtime binary: copy");
	}
	if (fchmod(copy, 0555) < 0 || fcntl(copy, F_ADD_SEALS, SEALS) < 0)
		return ct_error_sys(err, errno, "protect runtime binary: seal memfd");
	*ret_fd = ct_steal_fd(&copy);
	return 0;
}

/* Mounts an empty read-only tmpfs, detached: overlayfs needs two lower
 * layers when it has no upper one, and the binary's directory is the other. */
static int mount_empty_layer(int *ret_fd, struct libct_error *err)
{
	_cleanup_close_ int fs = fsopen("tmpfs", FSOPEN_CLOEXEC);
	if (fs < 0)
		return ct_error_sys(err, errno, "protect runtime binary: open tmpfs");
	if (fsconfig(fs, FSCONFIG_SET_STRING, "size", "4k", 0) < 0 ||
	    fsconfig(fs, FSCONFIG_CMD_CREATE, NULL, NULL, 0) < 0)
		return ct_error_sys(err, errno, "protect runtime binary: create tmpfs");
	int mnt = fsmount(fs, FSMOUNT_CLOEXEC, MOUNT_ATTR_RDONLY | MOUNT_ATTR_NODEV | MOUNT_ATTR_NOSUID);
	if (mnt < 0)
		return ct_error_sys(err, errno, "protect runtime binary: mount tmpfs");
	*ret_fd = mnt;
	return 0;
}

/* Mounts a detached overlay of the directory dir over an empty layer. */
static int mount_overlay(int dir, int *ret_fd, struct libct_error *err)
{
	_cleanup_close_ int empty = -1;
	int r = mount_empty_layer(&empty, err);
	if (r < 0)
		return r;

	/* Naming the layers by fd leaves no path to resolve again. */
	char layers[64];
	snprintf(layers, sizeof(layers), "/proc/self/fd/%d:/proc/self/fd/%d", dir, empty);
	_cleanup_close_ int fs = fsopen("overlay", FSOPEN_CLOEXEC);
	if (fs < 0)
		return ct_error_sys(err, errno, "protect runtime binary: open overlayfs");
	/* With xino off, a lower file keeps its inode number, which
	 * ct_exeseal_overlay() compares. */
	if (fsconfig(fs, FSCONFIG_SET_STRING, "lowerdir", layers, 0) < 0 ||
	    fsconfig(fs, FSCONFIG_SET_STRING, "xino", "off", 0) < 0 ||
	    fsconfig(fs, FSCONFIG_CMD_CREATE, NULL, NULL, 0) < 0)
		return ct_error_sys(err, errno, "protect runtime binary: create overlayfs");
	int mnt = fsmount(fs, FSMOUNT_CLOEXEC, MOUNT_ATTR_RDONLY | MOUNT_ATTR_NODEV | MOUNT_ATTR_NOSUID);
	if (mnt < 0)
		return ct_error_sys(err, errno, "protect runtime binary: mount overlayfs");
	*ret_fd = mnt;
	return 0;
}

static bool same_file(const struct stat *a, const struct stat *b)
{
	return a->st_ino == b->st_ino && a->st_size == b->st_size && a->st_mode == b->st_mode &&
	       a->st_mtim.tv_sec == b->st_mtim.tv_sec && a->st_mtim.tv_nsec == b->st_mtim.tv_nsec &&
	       a->st_ctim.tv_sec == b->st_ctim.tv_sec && a->st_ctim.tv_nsec == b->st_ctim.tv_nsec;
}

int ct_exeseal_overlay(int exe, int *ret_fd, struct libct_error *err)
{
	char link[64], path[PATH_MAX];
	struct stat want, got;

	snprintf(link, sizeof(link), "/proc/self/fd/%d", exe);
	ssize_t length = readlink(link, path, sizeof(path) - 1);
	if (length <= 0 || fstat(exe, &want) < 0)
		return ct_error_sys(err, length == 0 ? EIO : errno, "protect runtime binary: find /proc/self/exe");
	path[length] = '\0';
	char *slash = strrchr(path, '/');
	if (slash == NULL || slash[1] == '\0')
		return ct_error_set(err, EINVAL, "protect runtime binary: \"%s\" is not an absolute file path", path);
	const char *name = slash + 1;
	*slash = '\0';

	_cleanup_close_ int dir = open(path[0] != '\0' ? path : "/", O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (dir < 0)
		return ct_error_sys(err, errno, "protect runtime binary: open \"%s\"", path);
	_cleanup_close_ int mnt = -1;
	int r = mount_overlay(dir, &mnt, err);
	if (r < 0)
		return r;
	/* Closing mnt on return dissolves the mount; the file keeps it. */
	_cleanup_close_ int file = openat(mnt, name, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
	if (file < 0)
		return ct_error_sys(err, errno, "protect runtime binary: open \"%s\" on overlayfs", name);
	/* The name may have been replaced since /proc/self/exe was read. */
	if (fstat(file, &got) < 0 || !same_file(&want, &got))
		return ct_error_set(err, ESTALE, "protect runtime binary: \"%s/%s\" changed", path, name);
	*ret_fd = ct_steal_fd(&file);
	return 0;
}

int ct_exeseal_open(int exe, enum ct_exeseal first, int *ret_fd, struct libct_error *err)
{
	int r = -EINVAL;

	for (int method = first; method <= CT_EXESEAL_MEMFD; method++) {
		_cleanup_close_ int fd = -1;

		if (method == CT_EXESEAL_OVERLAY)
			r = ct_exeseal_overlay(exe, &fd, err);
		else if (method == CT_EXESEAL_MEMFD)
			r = ct_exeseal_memfd(exe, &fd, err);
		else
			continue;
		if (r < 0)
			continue;
		/* The re-executed runtime must recognise the view, or it would
		 * re-execute forever: on Linux before 6.8 it cannot prove an
		 * overlay detached, so the memfd is used there. */
		if ((int)ct_exeseal_kind(fd) != method) {
			r = ct_error_set(err, ENOTSUP, "protect runtime binary: view %d is not recognised", method);
			continue;
		}
		*ret_fd = ct_steal_fd(&fd);
		return method;
	}
	if (r == -EINVAL && first > CT_EXESEAL_MEMFD)
		return ct_error_set(err, EINVAL, "protect runtime binary: no method from %d", (int)first);
	return r;
}

static int execute_view(int exe, enum ct_exeseal first, char **argv, struct libct_error *err)
{
	_cleanup_close_ int view = -1;

	int method = ct_exeseal_open(exe, first, &view, err);
	if (method < 0)
		return method;
	/* The view is close-on-exec, which execveat allows for a binary
	 * (not for a script), so it does not leak into the new image. */
	syscall(SYS_execveat, view, "", argv, environ, AT_EMPTY_PATH);
	int r = ct_error_sys(err, errno, "protect runtime binary: execute the protected view");
	if (method == CT_EXESEAL_OVERLAY)
		return execute_view(exe, CT_EXESEAL_MEMFD, argv, err);
	return r;
}

int libct_protect_runtime_binary(char **argv, struct libct_error *err)
{
	_cleanup_close_ int self = open("/proc/self/exe", O_RDONLY | O_CLOEXEC);
	if (self < 0)
		return ct_error_sys(err, errno, "protect runtime binary: open /proc/self/exe");
	if (ct_exeseal_kind(self) != CT_EXESEAL_NONE)
		return 0;
	return execute_view(self, CT_EXESEAL_OVERLAY, argv, err);
}
