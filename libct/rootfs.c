/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The container's root filesystem, set up by its init in three steps:
 * prepare (propagation, the rootfs bind, config.mounts, /dev), pivot, and
 * finalize (sysctl, maskedPaths, readonlyPaths, root.readonly and then
 * linux.rootfsPropagation on the new "/").
 */
#include <fcntl.h>
#include <linux/magic.h>
#include <linux/openat2.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <sys/syscall.h>
#include <sys/sysmacros.h>

#include "mounts.h"
#include "notify.h"

/* ---------------------------------------------------------- propagation */

/* Parses linux.rootfsPropagation into MS_* flags with MS_REC, and stores 0
 * when it is not set. "rshared" and the other "r" spellings are accepted
 * and mean the same, because the change always covers the whole tree. */
static int parse_rootfs_propagation(const char *value, unsigned long *ret_flags, struct libct_error *err)
{
	*ret_flags = 0;
	if (value == NULL)
		return 0;

	const char *name = value[0] == 'r' ? value + 1 : value;
	if (strcmp(name, "shared") == 0)
		*ret_flags = MS_SHARED | MS_REC;
	else if (strcmp(name, "slave") == 0)
		*ret_flags = MS_SLAVE | MS_REC;
	else if (strcmp(name, "private") == 0)
		*ret_flags = MS_PRIVATE | MS_REC;
	else if (strcmp(name, "unbindable") == 0)
		*ret_flags = MS_UNBINDABLE | MS_REC;
	else
		return ct_error_set(err, EINVAL, "linux.rootfsPropagation: unknown propagation \"%s\"", value);
	return 0;
}

/*
 * Makes "/" a slave of the host (or what rootfsPropagation requests) so that
 * no mount made for the container propagates back to the host. A private or
 * unbindable rootfsPropagation uses rprivate during the setup, because an
 * unbindable "/" would prevent the rootfs bind below.
 */
static int set_setup_propagation(struct ct_init *init, unsigned long *ret_final, struct libct_error *err)
{
	int r = parse_rootfs_propagation(init->config->linux_config.rootfs_propagation, ret_final, err);
	if (r < 0)
		return r;

	unsigned long flags = MS_SLAVE | MS_REC;
	if (*ret_final & (MS_PRIVATE | MS_UNBINDABLE))
		flags = MS_PRIVATE | MS_REC;
	else if (*ret_final != 0)
		flags = *ret_final;
	if (mount(NULL, "/", NULL, flags, NULL) < 0)
		return ct_error_sys(err, errno, "make \"/\" %s",
				    (flags & MS_PRIVATE) ? "rprivate" : (flags & MS_SHARED) ? "rshared" : "rslave");
	return 0;
}

/* Finds the mount point of mount id in /proc/self/mountinfo. */
static char *find_mount_point(uint64_t mount_id)
{
	_cleanup_fclose_ FILE *f = fopen("/proc/self/mountinfo", "re");
	if (f == NULL)
		return NULL;
	_cleanup_free_ char *line = NULL;
	size_t size = 0;
	while (getline(&line, &size, f) > 0) {
		unsigned long long id = 0;
		char point[4096];
		if (sscanf(line, "%llu %*u %*s %*s %4095s", &id, point) == 2 && id == mount_id) {
			/* Octal escapes would appear only for spaces and such,
			 * which a rootfs path does not contain in practice. */
			if (strchr(point, '\\') != NULL)
				return NULL;
			return ct_strdup(point);
		}
	}
	return NULL;
}

/*
 * With a shared "/", the mount that contains the rootfs is shared too, and
 * pivot_root() rejects a new root whose parent mount is shared, and the
 * rootfs bind would propagate to the host. That parent is made private in
 * this namespace, which the host never sees.
 */
static int make_rootfs_parent_private(const char *rootfs, struct libct_error *err)
{
	struct statx stx;
	if (statx(AT_FDCWD, rootfs, 0, STATX_MNT_ID, &stx) < 0)
		return ct_error_sys(err, errno, "statx \"%s\"", rootfs);
	_cleanup_free_ char *point = find_mount_point(stx.stx_mnt_id);
	if (point == NULL)
		return ct_error_set(err, ENOENT, "find the mount that contains \"%s\"", rootfs);
	if (mount(NULL, point, NULL, MS_PRIVATE, NULL) < 0)
		return ct_error_sys(err, errno, "make \"%s\" private", point);
	return 0;
}

/* --------------------------------------------------------------- prepare */

static int bind_rootfs(struct ct_init *init, struct libct_error *err)
{
	/* pivot_root() needs the new root to be a mount point, and the
	 * container's mounts must land on this copy, not on the host's. */
	if (mount(init->rootfs, init->rootfs, NULL, MS_BIND | MS_REC, NULL) < 0)
		return ct_error_sys(err, errno, "bind mount the rootfs \"%s\" onto itself", init->rootfs);

	int fd = open(init->rootfs, O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0)
		return ct_error_sys(err, errno, "open the rootfs \"%s\"", init->rootfs);

	/* The runtime opened the rootfs before clone; a different directory
	 * here means the path was replaced in between. */
	struct stat opened, now;
	if (init->rootfs_fd >= 0 && fstat(init->rootfs_fd, &opened) == 0 && fstat(fd, &now) == 0 &&
	    (opened.st_dev != now.st_dev || opened.st_ino != now.st_ino)) {
		close(fd);
		return ct_error_set(err, EXDEV, "the rootfs \"%s\" changed while the container was created",
				    init->rootfs);
	}
	/* No fd of a host directory may stay in the init: a container process
	 * with CAP_SYS_PTRACE could open it through /proc/1/fd and walk ".."
	 * out of the rootfs until start. */
	ct_closep(&init->rootfs_fd);
	return fd;
}

static bool is_dev_bind(const struct spec_mount *m)
{
	const char *destination = m->destination;
	while (destination[0] == '/' && destination[1] == '/')
		destination++;
	if (strcmp(destination, "/dev") != 0 && strcmp(destination, "/dev/") != 0 && strcmp(destination, "dev") != 0)
		return false;
	if (m->type != NULL && strcmp(m->type, "bind") == 0)
		return true;
	for (size_t i = 0; i < m->n_options; i++)
		if (strcmp(m->options[i], "bind") == 0 || strcmp(m->options[i], "rbind") == 0)
			return true;
	return false;
}

/* A joined mount namespace is used as it is: it already has its root. */
static bool has_mount_namespace(const struct ct_init *init)
{
	return init->new_mount_ns;
}

int ct_rootfs_prepare(struct ct_init *init, int *ret_root_fd, struct libct_error *err)
{
	*ret_root_fd = -1;
	if (!has_mount_namespace(init)) {
		ct_debug(init->context, "no new mount namespace: the rootfs is used as it is");
		return 0;
	}
	ct_debug(init->context, "prepare rootfs \"%s\"", init->rootfs);

	uint64_t trace_start = ct_trace_begin(init->context);
	unsigned long final_propagation = 0;
	int r = set_setup_propagation(init, &final_propagation, err);
	if (r < 0)
		return r;
	if (final_propagation & MS_SHARED) {
		r = make_rootfs_parent_private(init->rootfs, err);
		if (r < 0)
			return r;
	}

	_cleanup_close_ int root_fd = bind_rootfs(init, err);
	ct_trace_end(init->context, "mount", "rootfs", trace_start);
	if (root_fd < 0)
		return root_fd;

	bool dev_bind_mounted = false;
	for (size_t i = 0; i < init->config->n_mounts; i++) {
		trace_start = ct_trace_begin(init->context);
		r = ct_mount_entry(init, root_fd, i, err);
		ct_trace_end(init->context, "mount", init->config->mounts[i].destination, trace_start);
		if (r < 0)
			return r;
		dev_bind_mounted = dev_bind_mounted || is_dev_bind(&init->config->mounts[i]);
	}
	/* After the config mounts, so that a tmpfs on /run cannot hide it. */
	r = ct_notify_attach(init, root_fd, err);
	if (r < 0)
		return r;

	trace_start = ct_trace_begin(init->context);
	r = ct_devices_create(init, root_fd, dev_bind_mounted, err);
	ct_trace_end(init->context, "devices", NULL, trace_start);
	if (r == 0)
		*ret_root_fd = ct_steal_fd(&root_fd);
	return r;
}

/* ----------------------------------------------------------------- pivot */

/*
 * pivot_root(".", ".") stacks the old root on top of the new one, at the
 * same place. Unmounting "." then removes the old root and leaves no
 * directory behind inside the container. The old root is made a slave
 * first, so that the unmount does not propagate to the host.
 */
static int pivot_into(int new_root, const char *rootfs, struct libct_error *err)
{
	_cleanup_close_ int old_root = open("/", O_DIRECTORY | O_PATH | O_CLOEXEC);
	if (old_root < 0)
		return ct_error_sys(err, errno, "open the old root");

	if (fchdir(new_root) < 0)
		return ct_error_sys(err, errno, "change directory to the rootfs \"%s\"", rootfs);
	if (syscall(SYS_pivot_root, ".", ".") < 0)
		return ct_error_sys(err, errno, "pivot_root into \"%s\" (with a shared rootfs propagation the mount "
					   "that contains the rootfs must not be shared; --no-pivot avoids pivot_root)",
				    rootfs);

	if (fchdir(old_root) < 0)
		return ct_error_sys(err, errno, "change directory to the old root");
	if (mount(NULL, ".", NULL, MS_SLAVE | MS_REC, NULL) < 0)
		return ct_error_sys(err, errno, "make the old root rslave");
	if (umount2(".", MNT_DETACH) < 0)
		return ct_error_sys(err, errno, "unmount the old root");
	if (chdir("/") < 0)
		return ct_error_sys(err, errno, "change directory to the new root");
	return 0;
}

/* Without pivot_root (for a rootfs on a ramfs, where pivot_root fails), the
 * rootfs is moved over "/" and the process chroots into it. The host's
 * mounts stay reachable below it in this namespace, which is why pivot_root
 * is the default. */
static int move_into(int new_root, const char *rootfs, struct libct_error *err)
{
	if (fchdir(new_root) < 0)
		return ct_error_sys(err, errno, "change directory to the rootfs \"%s\"", rootfs);
	if (mount(".", "/", NULL, MS_MOVE, NULL) < 0)
		return ct_error_sys(err, errno, "move the rootfs \"%s\" onto \"/\"", rootfs);
	if (chroot(".") < 0)
		return ct_error_sys(err, errno, "chroot into the rootfs \"%s\"", rootfs);
	if (chdir("/") < 0)
		return ct_error_sys(err, errno, "change directory to the new root");
	return 0;
}

int ct_rootfs_pivot(struct ct_init *init, int root_fd, struct libct_error *err)
{
	if (!has_mount_namespace(init))
		return 0;
	/* By fd: the path may name another directory by now, and the one that
	 * bind_rootfs() checked and mounted on is the container's. */
	return init->no_pivot ? move_into(root_fd, init->rootfs, err) : pivot_into(root_fd, init->rootfs, err);
}

/* Applies linux.rootfsPropagation to the new "/". This comes last, because
 * an unbindable tree could no longer be cloned to mask or protect a path. */
static int apply_rootfs_propagation(struct ct_init *init, struct libct_error *err)
{
	unsigned long propagation = 0;
	int r = parse_rootfs_propagation(init->config->linux_config.rootfs_propagation, &propagation, err);
	if (r < 0 || propagation == 0)
		return r;
	if (mount(NULL, "/", NULL, propagation, NULL) < 0)
		return ct_error_sys(err, errno, "apply linux.rootfsPropagation \"%s\" to \"/\"",
				    init->config->linux_config.rootfs_propagation);
	return 0;
}

/* -------------------------------------------------------------- sysctl */

static bool has_namespace(const struct spec_config *config, enum spec_namespace_type type)
{
	for (size_t i = 0; i < config->linux_config.n_namespaces; i++)
		if (config->linux_config.namespaces[i].type == type)
			return true;
	return false;
}

/*
 * Writing a sysctl that the container's namespaces do not isolate would
 * change the whole host, so only three groups are accepted. The IPC ones
 * need an IPC namespace, net.* needs a network namespace, and the host and
 * domain names need a UTS namespace.
 */
static int check_sysctl_namespaced(const struct ct_init *init, const char *key, struct libct_error *err)
{
	const struct spec_config *config = init->config;
	static const char *const ipc_keys[] = {
		"kernel.msgmax", "kernel.msgmnb", "kernel.msgmni", "kernel.sem",
		"kernel.shmall", "kernel.shmmax", "kernel.shmmni", "kernel.shm_rmid_forced",
	};
	_cleanup_free_ char *dotted = ct_strdup(key);
	for (char *p = dotted; *p != '\0'; p++)
		if (*p == '/')
			*p = '.';

	enum spec_namespace_type needed = SPEC_NS_COUNT;
	for (size_t i = 0; i < sizeof(ipc_keys) / sizeof(ipc_keys[0]); i++)
		if (strcmp(dotted, ipc_keys[i]) == 0)
			needed = SPEC_NS_IPC;
	if (strncmp(dotted, "fs.mqueue.", 10) == 0)
		needed = SPEC_NS_IPC;
	else if (strncmp(dotted, "net.", 4) == 0)
		needed = SPEC_NS_NETWORK;
	else if (strcmp(dotted, "kernel.hostname") == 0 || strcmp(dotted, "kernel.domainname") == 0)
		needed = SPEC_NS_UTS;

	if (needed == SPEC_NS_COUNT)
		return ct_error_set(err, EINVAL, "sysctl \"%s\" is not namespaced, so setting it would change the host",
				    key);
	if (!has_namespace(config, needed))
		return ct_error_set(err, EINVAL, "sysctl \"%s\" needs a %s namespace in linux.namespaces", key,
				    spec_namespace_type_name(needed));
	if (init->joins_own_ns & (1u << needed))
		return ct_error_set(err, EINVAL,
				    "sysctl \"%s\": the %s namespace that linux.namespaces joins is the runtime's own, "
				    "so setting it would change the host",
				    key, spec_namespace_type_name(needed));
	return 0;
}

/* Returns the path of key below /proc/sys: dots become slashes unless the
 * key already uses slashes, which lets a key name an interface such as
 * "eth0.100". */
static char *sysctl_path(const char *key)
{
	char *path = ct_strdup(key);
	if (strchr(path, '/') == NULL)
		for (char *p = path; *p != '\0'; p++)
			if (*p == '.')
				*p = '/';
	return path;
}

/*
 * A container image can put a fake directory or symlink at /proc, and a
 * write meant for the kernel would then land in an ordinary file or another
 * mount (CVE-2019-16884 used a fake /proc to defeat AppArmor). So /proc
 * must be a real procfs, and the lookup below it stays on that mount,
 * follows no symlink and cannot climb out with "..".
 */
static int open_proc(struct libct_error *err)
{
	_cleanup_close_ int fd = open("/proc", O_PATH | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0)
		return ct_error_sys(err, errno, "open \"/proc\"");
	struct statfs st;
	if (fstatfs(fd, &st) < 0)
		return ct_error_sys(err, errno, "statfs \"/proc\"");
	if (st.f_type != PROC_SUPER_MAGIC)
		return ct_error_set(err, EINVAL, "\"/proc\" is not a procfs (add a proc mount on /proc to config.mounts)");
	return ct_steal_fd(&fd);
}

static int write_sysctl(int proc_fd, const char *key, const char *value, struct libct_error *err)
{
	_cleanup_free_ char *relative = sysctl_path(key);
	_cleanup_free_ char *path = ct_asprintf("sys/%s", relative);
	struct open_how how = {
		.flags = O_WRONLY | O_CLOEXEC | O_NOCTTY,
		.resolve = RESOLVE_BENEATH | RESOLVE_NO_SYMLINKS | RESOLVE_NO_MAGICLINKS | RESOLVE_NO_XDEV,
	};
	_cleanup_close_ int fd = (int)syscall(SYS_openat2, proc_fd, path, &how, sizeof(how));
	if (fd < 0)
		return ct_error_sys(err, errno, "open \"/proc/%s\"", path);

	size_t len = strlen(value);
	ssize_t n = write(fd, value, len);
	if (n < 0)
		return ct_error_sys(err, errno, "write \"%s\" to \"/proc/%s\"", value, path);
	if ((size_t)n != len)
		return ct_error_set(err, EIO, "write \"%s\" to \"/proc/%s\": short write", value, path);
	return 0;
}

static int write_sysctls(struct ct_init *init, struct libct_error *err)
{
	const struct spec_map *sysctl = &init->config->linux_config.sysctl;
	if (sysctl->n_entries == 0)
		return 0;

	_cleanup_close_ int proc_fd = open_proc(err);
	if (proc_fd < 0)
		return ct_error_prefix(err, "linux.sysctl");
	for (size_t i = 0; i < sysctl->n_entries; i++) {
		const struct spec_map_entry *entry = &sysctl->entries[i];
		int r = check_sysctl_namespaced(init, entry->key, err);
		if (r == 0)
			r = write_sysctl(proc_fd, entry->key, entry->value, err);
		if (r < 0)
			return ct_error_prefix(err, "linux.sysctl");
	}
	return 0;
}

/* ---------------------------------------------------- masks and read-only */

/*
 * After the pivot, /proc/self/fd paths would go through the container's
 * /proc, so these steps use only fds: a detached mount is attached to the
 * target fd with move_mount().
 */
static int attach(int tree_fd, int target_fd, const char *what, struct libct_error *err)
{
	if (move_mount(tree_fd, "", target_fd, "", MOVE_MOUNT_F_EMPTY_PATH | MOVE_MOUNT_T_EMPTY_PATH) < 0)
		return ct_error_sys(err, errno, "mount over \"%s\"", what);
	return 0;
}

/* The proc and sysfs mounts of the config, as check_kernel_mounts() found
 * them: each destination with an fd of the mount's root. */
#define KERNEL_MOUNTS_MAX 8
struct kernel_mounts {
	const char *destinations[KERNEL_MOUNTS_MAX];
	int fds[KERNEL_MOUNTS_MAX];
	size_t count;
};

static void kernel_mounts_clear(struct kernel_mounts *mounts)
{
	for (size_t i = 0; i < mounts->count; i++)
		ct_closep(&mounts->fds[i]);
	mounts->count = 0;
}

/* Returns the part of path below destination, without leading slashes, or
 * NULL when path is not destination or below it. */
static const char *path_below(const char *path, const char *destination)
{
	while (*path == '/')
		path++;
	while (*destination == '/')
		destination++;
	size_t len = strlen(destination);
	while (len > 0 && destination[len - 1] == '/')
		len--;
	if (len == 0 || strncmp(path, destination, len) != 0 || (path[len] != '\0' && path[len] != '/'))
		return NULL;
	path += len;
	while (*path == '/')
		path++;
	return path;
}

/* Opens path inside the root, or returns -ENOENT without touching err,
 * because a missing masked or read-only path is skipped. A path below a
 * proc or sysfs mount is looked up from that mount's fd: a name on the way
 * there could have been renamed since the check. */
static int open_existing(int root_fd, const struct kernel_mounts *mounts, const char *path,
			 struct libct_error *err)
{
	int base_fd = root_fd;
	const char *rest = path;
	size_t best = 0;
	for (size_t i = 0; i < mounts->count; i++) {
		const char *below = path_below(path, mounts->destinations[i]);
		size_t len = strlen(mounts->destinations[i]);
		if (below != NULL && len > best) {
			best = len;
			base_fd = mounts->fds[i];
			rest = *below == '\0' ? "." : below;
		}
	}
	struct libct_error lookup_err = {0};
	int fd = ct_open_in_root(base_fd, rest, O_PATH, 0, &lookup_err);
	if (fd < 0 && fd != -ENOENT && err != NULL)
		*err = lookup_err;
	return fd;
}

static int new_readonly_tmpfs(struct libct_error *err)
{
	_cleanup_close_ int fs_fd = fsopen("tmpfs", FSOPEN_CLOEXEC);
	if (fs_fd < 0)
		return ct_error_sys(err, errno, "open a tmpfs context");
	if (fsconfig(fs_fd, FSCONFIG_SET_FLAG, "ro", NULL, 0) < 0 ||
	    fsconfig(fs_fd, FSCONFIG_CMD_CREATE, NULL, NULL, 0) < 0)
		return ct_error_sys(err, errno, "create a read-only tmpfs");
	int fd = fsmount(fs_fd, FSMOUNT_CLOEXEC, MOUNT_ATTR_RDONLY | MOUNT_ATTR_NOSUID | MOUNT_ATTR_NODEV |
					       MOUNT_ATTR_NOEXEC);
	if (fd < 0)
		return ct_error_sys(err, errno, "mount a read-only tmpfs");
	return fd;
}

/*
 * State shared by the masked and read-only paths: the root's identity and
 * the checked /dev/null. Looking up /dev/null once saves three system calls
 * per masked file. Each masked directory still gets a tmpfs of its own: a
 * container with CAP_SYS_ADMIN can remount a mask read-write, and with one
 * shared superblock a file written under one masked directory would then
 * appear under all of them.
 */
struct mask_cache {
	struct statx root;
	int null_fd; /* -1 until the first file is masked */
};

static void mask_cache_clear(struct mask_cache *cache)
{
	ct_closep(&cache->null_fd);
}

static int mask_cache_init(int root_fd, struct mask_cache *cache, struct libct_error *err)
{
	*cache = (struct mask_cache){.null_fd = -1};
	if (statx(root_fd, "", AT_EMPTY_PATH, STATX_INO | STATX_MNT_ID, &cache->root) < 0)
		return ct_error_sys(err, errno, "statx \"/\"");
	return 0;
}

/* Opens /dev/null for masking and checks that it is the null device, since
 * the image could have put any file there. */
static int open_null(int root_fd, struct libct_error *err)
{
	_cleanup_close_ int fd = ct_open_in_root(root_fd, "/dev/null", O_PATH, 0, err);
	if (fd < 0)
		return fd;
	struct stat st;
	if (fstat(fd, &st) < 0)
		return ct_error_sys(err, errno, "stat \"/dev/null\"");
	if (!S_ISCHR(st.st_mode) || st.st_rdev != makedev(1, 3))
		return ct_error_set(err, EINVAL, "\"/dev/null\" in the container is not the null device");
	return ct_steal_fd(&fd);
}

static int open_null_tree(int root_fd, struct mask_cache *cache, struct libct_error *err)
{
	if (cache->null_fd < 0) {
		int fd = open_null(root_fd, err);
		if (fd < 0)
			return fd;
		cache->null_fd = fd;
	}
	int tree = open_tree(cache->null_fd, "", OPEN_TREE_CLONE | OPEN_TREE_CLOEXEC | AT_EMPTY_PATH);
	if (tree < 0)
		return ct_error_sys(err, errno, "clone the mount of \"/dev/null\"");
	return tree;
}

/* Tells whether fd is the root of the container: the same inode on the same
 * mount, so that a bind mount of the rootfs elsewhere does not count. Also
 * returns the file type of fd in *ret_mode. */
static int is_container_root(const struct mask_cache *cache, int fd, const char *path, bool *ret_is_root,
			     mode_t *ret_mode, struct libct_error *err)
{
	const struct statx *root = &cache->root;
	struct statx stx;
	if (statx(fd, "", AT_EMPTY_PATH, STATX_TYPE | STATX_INO | STATX_MNT_ID, &stx) < 0)
		return ct_error_sys(err, errno, "statx \"%s\"", path);
	*ret_is_root = stx.stx_mnt_id == root->stx_mnt_id && stx.stx_ino == root->stx_ino &&
		       stx.stx_dev_major == root->stx_dev_major && stx.stx_dev_minor == root->stx_dev_minor;
	*ret_mode = stx.stx_mode;
	return 0;
}

/* A mount attached over the root is stacked above the process's root, so
 * the process would never see it. A path that resolves to the root, such
 * as "/", a symlink to "/" or "/bin/..", therefore needs its own handling. */
static int mask_path(int root_fd, const struct kernel_mounts *mounts, const char *path, struct mask_cache *cache,
		     struct libct_error *err)
{
	_cleanup_close_ int target = open_existing(root_fd, mounts, path, err);
	if (target < 0)
		return target == -ENOENT ? 0 : target;
	bool is_root = false;
	mode_t mode = 0;
	int r = is_container_root(cache, target, path, &is_root, &mode, err);
	if (r < 0)
		return r;
	if (is_root)
		return ct_error_set(err, EINVAL, "\"%s\" is the container's root, which cannot be masked", path);

	bool directory = S_ISDIR(mode);
	_cleanup_close_ int tree = directory ? new_readonly_tmpfs(err) : open_null_tree(root_fd, cache, err);
	if (tree < 0)
		return tree;
	return attach(tree, target, path, err);
}

/* Binds the path onto itself read-only, with every mount below it, so that
 * a mount such as binfmt_misc under /proc/sys cannot stay writable.
 * mount_setattr() only adds MOUNT_ATTR_RDONLY, so nosuid, nodev and noexec
 * stay as they were, which a user namespace requires when they are locked. */
static int make_readonly(int root_fd, const struct kernel_mounts *mounts, const char *path,
			 const struct mask_cache *cache, struct libct_error *err)
{
	_cleanup_close_ int target = open_existing(root_fd, mounts, path, err);
	if (target < 0)
		return target == -ENOENT ? 0 : target;
	bool is_root = false;
	mode_t mode = 0;
	int r = is_container_root(cache, target, path, &is_root, &mode, err);
	if (r < 0)
		return r;
	/* runc 1.x also makes the root read-only here. As with root.readonly,
	 * the mounts below the root, such as /proc and /dev, keep their flags. */
	if (is_root)
		return ct_mount_setattr(root_fd, false, MOUNT_ATTR_RDONLY, 0, path, err);

	unsigned int flags = OPEN_TREE_CLONE | OPEN_TREE_CLOEXEC | AT_EMPTY_PATH | AT_RECURSIVE;
	_cleanup_close_ int tree = open_tree(target, "", flags);
	if (tree < 0)
		return ct_error_sys(err, errno, "clone the mount of \"%s\"", path);
	r = ct_mount_setattr(tree, true, MOUNT_ATTR_RDONLY, 0, path, err);
	if (r < 0)
		return r;
	return attach(tree, target, path, err);
}

static int remount_root_readonly(int root_fd, struct libct_error *err)
{
	return ct_mount_setattr(root_fd, false, MOUNT_ATTR_RDONLY, 0, "/", err);
}

/* Creates a missing process.cwd (mode 0755, as root), as runc 1.1 does,
 * because an image's WORKDIR need not exist in the rootfs. It is made
 * before the root and readonlyPaths become read-only, and only for the
 * init, because an exec process must name an existing directory. A
 * permission error is left to ct_process_prepare(), which enters the cwd
 * again as the process's user. runc 1.1 fails here instead when a parent
 * directory is closed to root. */
static int make_cwd(int root_fd, const struct spec_process *process, struct libct_error *err)
{
	int fd = ct_mkdir_p_in_root(root_fd, process->cwd, 0755, err);
	if (fd == -EACCES || fd == -EPERM)
		return 0;
	if (fd < 0)
		return ct_error_prefix(err, "process.cwd");
	close(fd);
	return 0;
}

/*
 * A process that can rename entries of the image from another mount
 * namespace can move the name of a proc or sysfs mount point away while
 * the container is set up, and put a plain directory in its place. Masks
 * looked up by name would then miss that mount, because a missing path is
 * skipped. So each proc and sysfs destination must still be the root of
 * such a mount, and *ret_mounts gets its fd, from which open_existing()
 * looks up the masks below it.
 */
static int check_kernel_mounts(const struct spec_config *config, int root_fd, struct kernel_mounts *ret_mounts,
			       struct libct_error *err)
{
	for (size_t i = 0; i < config->n_mounts; i++) {
		const struct spec_mount *m = &config->mounts[i];
		long magic;
		if (m->type != NULL && strcmp(m->type, "proc") == 0)
			magic = PROC_SUPER_MAGIC;
		else if (m->type != NULL && strcmp(m->type, "sysfs") == 0)
			magic = SYSFS_MAGIC;
		else
			continue;

		struct open_how how = {
			.flags = O_PATH | O_DIRECTORY | O_CLOEXEC,
			.resolve = RESOLVE_IN_ROOT | RESOLVE_NO_SYMLINKS | RESOLVE_NO_MAGICLINKS,
		};
		_cleanup_close_ int fd = (int)syscall(SYS_openat2, root_fd, m->destination, &how, sizeof(how));
		struct statfs st;
		struct statx stx;
		bool intact = fd >= 0 && fstatfs(fd, &st) == 0 && (long)st.f_type == magic &&
			    statx(fd, "", AT_EMPTY_PATH, 0, &stx) == 0 && (stx.stx_attributes & STATX_ATTR_MOUNT_ROOT);
		if (!intact)
			return ct_error_set(err, EBUSY,
					    "mounts[%zu]: \"%s\" is no longer the %s mount made there; something "
					    "renamed it while the container was set up",
					    i, m->destination, m->type);
		if (ret_mounts->count < KERNEL_MOUNTS_MAX) {
			ret_mounts->destinations[ret_mounts->count] = m->destination;
			ret_mounts->fds[ret_mounts->count++] = ct_steal_fd(&fd);
		}
	}
	return 0;
}

int ct_rootfs_finalize(struct ct_init *init, struct libct_error *err)
{
	const struct spec_linux *linux_config = &init->config->linux_config;

	uint64_t trace_start = ct_trace_begin(init->context);
	int r = write_sysctls(init, err);
	ct_trace_end(init->context, "sysctl", NULL, trace_start);
	if (r < 0 || !has_mount_namespace(init))
		return r;

	_cleanup_close_ int root_fd = open("/", O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (root_fd < 0)
		return ct_error_sys(err, errno, "open \"/\"");
	__attribute__((cleanup(kernel_mounts_clear))) struct kernel_mounts mounts = {0};
	r = check_kernel_mounts(init->config, root_fd, &mounts, err);
	if (r < 0)
		return r;
	r = make_cwd(root_fd, init->config->process, err);
	if (r < 0)
		return r;

	trace_start = ct_trace_begin(init->context);
	__attribute__((cleanup(mask_cache_clear))) struct mask_cache cache = {.null_fd = -1};
	r = mask_cache_init(root_fd, &cache, err);
	for (size_t i = 0; r == 0 && i < linux_config->n_masked_paths; i++) {
		r = mask_path(root_fd, &mounts, linux_config->masked_paths[i], &cache, err);
		if (r < 0)
			return ct_error_prefix(err, "linux.maskedPaths[%zu]", i);
	}
	ct_trace_end(init->context, "mount", "maskedPaths", trace_start);
	if (r < 0)
		return r;
	trace_start = ct_trace_begin(init->context);
	for (size_t i = 0; i < linux_config->n_readonly_paths; i++) {
		r = make_readonly(root_fd, &mounts, linux_config->readonly_paths[i], &cache, err);
		if (r < 0)
			return ct_error_prefix(err, "linux.readonlyPaths[%zu]", i);
	}
	ct_trace_end(init->context, "mount", "readonlyPaths", trace_start);
	if (init->config->root.readonly) {
		r = remount_root_readonly(root_fd, err);
		if (r < 0)
			return ct_error_prefix(err, "root.readonly");
	}
	return apply_rootfs_propagation(init, err);
}
