/* SPDX-License-Identifier: Apache-2.0 */
/*
 * One entry of config.mounts at a time. Bind mounts go through the new mount
 * API (open_tree, mount_setattr, move_mount). Other filesystems are mounted
 * with mount(2) on the /proc/self/fd path of a target resolved inside the
 * root, and the cgroup filesystem is laid out like the host's.
 */
#include <dirent.h>
#include <fcntl.h>
#include <linux/magic.h>
#include <sched.h>
#include <signal.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <sys/statvfs.h>
#include <sys/syscall.h>
#include <sys/wait.h>

#include "mounts.h"

#define HOST_CGROUP_ROOT "/sys/fs/cgroup"
/* Set on each hierarchy's mount in the container, whatever the options. */
#define CGROUP_MOUNT_ATTR (MOUNT_ATTR_NOSUID | MOUNT_ATTR_NODEV | MOUNT_ATTR_NOEXEC)
/* Upper bound for /proc/self/cgroup, which lists one line per hierarchy. */
#define SELF_CGROUP_MAX (64u << 10)
/* Upper bound for /proc/self/mountinfo, about 100,000 mounts. */
#define MOUNTINFO_MAX (16u << 20)

const char *ct_fd_path(int fd, char buf[CT_FD_PATH_MAX])
{
	snprintf(buf, CT_FD_PATH_MAX, "/proc/self/fd/%d", fd);
	return buf;
}

static bool streq(const char *a, const char *b)
{
	return a != NULL && b != NULL && strcmp(a, b) == 0;
}

int ct_mount_error(struct libct_error *err, int errnum, unsigned long flags, const char *data)
{
	char names[256];
	const char *hint = "";

	if (errnum == EINVAL)
		hint = " (check that the kernel supports the filesystem type and accepts the options and source)";
	else if (errnum == EPERM || errnum == EACCES)
		hint = " (mounting needs CAP_SYS_ADMIN over the mount namespace, and in a user namespace sysfs "
		       "and mqueue also need their own network or IPC namespace)";

	spec_mount_flags_to_string(flags, names, sizeof(names));
	if (data != NULL && flags != 0)
		return ct_error_set(err, errnum, "flags %s, data \"%s\": %s%s", names, data, strerror(errnum), hint);
	if (data != NULL)
		return ct_error_set(err, errnum, "data \"%s\": %s%s", data, strerror(errnum), hint);
	if (flags != 0)
		return ct_error_set(err, errnum, "flags %s: %s%s", names, strerror(errnum), hint);
	return ct_error_set(err, errnum, "%s%s", strerror(errnum), hint);
}

int ct_mount_setattr(int fd, bool recursive, uint64_t attr_set, uint64_t attr_clr, const char *what,
		     struct libct_error *err)
{
	if (attr_set == 0 && attr_clr == 0)
		return 0;

	struct mount_attr attr = {
		.attr_set = attr_set,
		.attr_clr = attr_clr,
	};
	unsigned int flags = AT_EMPTY_PATH | (recursive ? AT_RECURSIVE : 0);
	if (mount_setattr(fd, "", flags, &attr, sizeof(attr)) < 0)
		return ct_error_sys(err, errno, "set%s mount attributes of \"%s\" (set 0x%llx, clear 0x%llx)",
				    recursive ? " recursive" : "", what, (unsigned long long)attr_set,
				    (unsigned long long)attr_clr);
	return 0;
}

static const char *propagation_name(unsigned long propagation)
{
	bool recursive = propagation & MS_REC;
	if (propagation & MS_SHARED)
		return recursive ? "rshared" : "shared";
	if (propagation & MS_SLAVE)
		return recursive ? "rslave" : "slave";
	if (propagation & MS_PRIVATE)
		return recursive ? "rprivate" : "private";
	return recursive ? "runbindable" : "unbindable";
}

int ct_mount_propagation(int fd, unsigned long propagation, const char *what, struct libct_error *err)
{
	char path[CT_FD_PATH_MAX];
	if (mount(NULL, ct_fd_path(fd, path), NULL, propagation, NULL) < 0)
		return ct_error_sys(err, errno, "make \"%s\" %s", what, propagation_name(propagation));
	return 0;
}

/* ------------------------------------------------------------ targets */

static char *parent_path(const char *path)
{
	const char *slash = strrchr(path, '/');
	return slash == NULL ? ct_strdup("/") : ct_strndup(path, (size_t)(slash - path));
}

/* Creates target inside root_fd as a directory, or as an empty file when
 * directory is false, unless it exists, and returns an O_PATH fd of it. */
static int create_mount_target(int root_fd, const char *target, bool directory, struct libct_error *err)
{
	if (directory)
		return ct_mkdir_p_in_root(root_fd, target, 0755, err);

	struct libct_error lookup_err = {0};
	int fd = ct_open_in_root(root_fd, target, O_PATH, 0, &lookup_err);
	if (fd >= 0)
		return fd;
	if (fd != -ENOENT) {
		if (err != NULL)
			*err = lookup_err;
		return fd;
	}

	_cleanup_free_ char *parent = parent_path(target);
	_cleanup_close_ int parent_fd = ct_mkdir_p_in_root(root_fd, parent, 0755, err);
	if (parent_fd < 0)
		return parent_fd;

	/* O_CREAT follows a dangling symlink, but openat2 keeps the new file
	 * inside the root. */
	_cleanup_close_ int created = ct_open_in_root(root_fd, target, O_CREAT | O_WRONLY | O_NOCTTY, 0644, err);
	if (created < 0)
		return created;
	return ct_open_in_root(root_fd, target, O_PATH, 0, err);
}

/* ------------------------------------------------------- bind mounts */

static void flags_to_attrs(unsigned long set, unsigned long clear, uint64_t *ret_set, uint64_t *ret_clr)
{
	static const struct {
		unsigned long flag;
		uint64_t attr;
	} map[] = {
		{MS_RDONLY, MOUNT_ATTR_RDONLY},         {MS_NOSUID, MOUNT_ATTR_NOSUID},
		{MS_NODEV, MOUNT_ATTR_NODEV},           {MS_NOEXEC, MOUNT_ATTR_NOEXEC},
		{MS_NODIRATIME, MOUNT_ATTR_NODIRATIME}, {MS_NOSYMFOLLOW, MOUNT_ATTR_NOSYMFOLLOW},
	};
	uint64_t attr_set = 0;
	uint64_t attr_clr = 0;

	for (size_t i = 0; i < sizeof(map) / sizeof(map[0]); i++) {
		if (set & map[i].flag)
			attr_set |= map[i].attr;
		else if (clear & map[i].flag)
			attr_clr |= map[i].attr;
	}

	/* The atime mode is one value, and noatime wins over strictatime,
	 * which wins over relatime, as in mount(2). Clearing any of them
	 * returns to the kernel's default, relatime. */
	unsigned long atime = MS_NOATIME | MS_STRICTATIME | MS_RELATIME;
	if ((set | clear) & atime)
		attr_clr |= MOUNT_ATTR__ATIME;
	if (set & MS_NOATIME)
		attr_set |= MOUNT_ATTR_NOATIME;
	else if (set & MS_STRICTATIME)
		attr_set |= MOUNT_ATTR_STRICTATIME;

	*ret_set = attr_set;
	*ret_clr = attr_clr;
}

/*
 * In a user namespace, the flags that the mount had when the namespace was
 * created are locked, and mount_setattr() fails with EPERM on an attempt to
 * clear one. A config that requests "suid" or "rw" on such a source gets
 * the locked flag kept instead of an error, because the clears of flags
 * that the source has are dropped.
 */
static uint64_t drop_locked_clears(int tree_fd, uint64_t attr_clr)
{
	struct statvfs st;
	if (fstatvfs(tree_fd, &st) < 0)
		return attr_clr;
	if (st.f_flag & ST_RDONLY)
		attr_clr &= ~(uint64_t)MOUNT_ATTR_RDONLY;
	if (st.f_flag & ST_NOSUID)
		attr_clr &= ~(uint64_t)MOUNT_ATTR_NOSUID;
	if (st.f_flag & ST_NODEV)
		attr_clr &= ~(uint64_t)MOUNT_ATTR_NODEV;
	if (st.f_flag & ST_NOEXEC)
		attr_clr &= ~(uint64_t)MOUNT_ATTR_NOEXEC;
	if (st.f_flag & (ST_NOATIME | ST_RELATIME))
		attr_clr &= ~(uint64_t)MOUNT_ATTR__ATIME;
	return attr_clr;
}

static int set_tree_attrs(int tree_fd, const struct ct_bind *bind, struct libct_error *err)
{
	struct libct_error first = {0};
	int r = ct_mount_setattr(tree_fd, false, bind->attr_set, bind->attr_clr, bind->target, &first);
	if (r != -EPERM || bind->attr_clr == 0) {
		if (r < 0 && err != NULL)
			*err = first;
		return r;
	}

	uint64_t attr_clr = drop_locked_clears(tree_fd, bind->attr_clr);
	uint64_t attr_set = bind->attr_set;
	if ((bind->attr_clr & MOUNT_ATTR__ATIME) && !(attr_clr & MOUNT_ATTR__ATIME))
		attr_set &= ~(uint64_t)MOUNT_ATTR__ATIME;
	return ct_mount_setattr(tree_fd, false, attr_set, attr_clr, bind->target, err);
}

static int open_bind_source(const struct ct_bind *bind, struct libct_error *err)
{
	unsigned int flags = OPEN_TREE_CLONE | OPEN_TREE_CLOEXEC | (bind->recursive ? AT_RECURSIVE : 0);
	int fd = open_tree(AT_FDCWD, bind->source, flags);
	if (fd < 0 && errno == EINVAL && !bind->recursive)
		return ct_error_sys(err, errno,
				    "open source \"%s\" (a non-recursive bind fails when the source has "
				    "mounts below it that a user namespace locked, use \"rbind\")",
				    bind->source);
	if (fd < 0)
		return ct_error_sys(err, errno, "open source \"%s\"", bind->source);
	return fd;
}

/* Clones the source into a detached tree and attaches that tree at the
 * target in one move_mount(), so the target never shows a mount with the
 * source's flags but without the requested ones. */
int ct_bind_mount(int root_fd, const struct ct_bind *bind, struct libct_error *err)
{
	_cleanup_close_ int owned_fd = -1;
	int tree_fd = bind->source_fd;
	if (bind->source != NULL) {
		owned_fd = open_bind_source(bind, err);
		if (owned_fd < 0)
			return owned_fd;
		tree_fd = owned_fd;
	}

	struct stat st;
	if (fstat(tree_fd, &st) < 0)
		return ct_error_sys(err, errno, "stat source");

	_cleanup_close_ int target_fd = create_mount_target(root_fd, bind->target, S_ISDIR(st.st_mode), err);
	if (target_fd < 0)
		return target_fd;

	int r = set_tree_attrs(tree_fd, bind, err);
	if (r < 0)
		return r;

	if (move_mount(tree_fd, "", target_fd, "", MOVE_MOUNT_F_EMPTY_PATH | MOVE_MOUNT_T_EMPTY_PATH) < 0)
		return ct_error_sys(err, errno, "attach the bind mount");
	return 0;
}

/* ------------------------------------------------------------- idmap */

/* The mappings of an idmapped mount. */
struct idmap {
	const struct spec_id_mapping *uid;
	size_t n_uid;
	const struct spec_id_mapping *gid;
	size_t n_gid;
};

static int write_id_map(int proc_fd, const char *file, const struct spec_id_mapping *maps, size_t n_maps,
			struct libct_error *err)
{
	_cleanup_free_ char *data = ct_strdup("");
	for (size_t i = 0; i < n_maps; i++) {
		char *line = ct_asprintf("%s%u %u %u\n", data, maps[i].container_id, maps[i].host_id, maps[i].size);
		free(data);
		data = line;
	}
	return ct_write_file_at(proc_fd, file, data, strlen(data), err);
}

static void close_pair(int fds[2])
{
	close(fds[0]);
	close(fds[1]);
}

/* Runs in the helper: it shares the fd table with its parent, so the fd of
 * its /proc/self directory is usable there, whatever pid namespace /proc
 * belongs to. It waits until the parent closes the release pipe. */
static void run_idmap_helper(int ready_fd, int release_fd)
{
	char byte;
	int fd = open("/proc/self", O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (write(ready_fd, &fd, sizeof(fd)) != (ssize_t)sizeof(fd))
		_exit(1);
	while (read(release_fd, &byte, 1) < 0 && errno == EINTR)
		;
	_exit(0);
}

static int map_and_open_userns(int proc_fd, const struct idmap *map, struct libct_error *err)
{
	int r = write_id_map(proc_fd, "uid_map", map->uid, map->n_uid, err);
	if (r == 0)
		r = write_id_map(proc_fd, "gid_map", map->gid, map->n_gid, err);
	if (r < 0)
		return ct_error_prefix(err, "write the idmapping");

	int fd = openat(proc_fd, "ns/user", O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return ct_error_sys(err, errno, "open the idmap user namespace");
	return fd;
}

/*
 * Returns an fd of a new user namespace with the mount's mappings, for
 * MOUNT_ATTR_IDMAP. A user namespace takes its maps from a process in it, so
 * a short-lived helper creates it. The maps are written through the
 * helper's /proc directory fd, not through its pid, because /proc may
 * still be the host's while this process is in a new pid namespace.
 */
static int create_idmap_userns(const struct idmap *map, struct libct_error *err)
{
	int ready[2];
	int release[2];
	if (pipe2(ready, O_CLOEXEC) < 0)
		return ct_error_sys(err, errno, "create pipe for the idmap user namespace");
	if (pipe2(release, O_CLOEXEC) < 0) {
		int saved = errno;
		close_pair(ready);
		return ct_error_sys(err, saved, "create pipe for the idmap user namespace");
	}

	pid_t pid = (pid_t)syscall(SYS_clone, CLONE_NEWUSER | CLONE_FILES | SIGCHLD, NULL, NULL, NULL, NULL);
	if (pid == 0)
		run_idmap_helper(ready[1], release[0]);

	int r = 0;
	int proc_fd = -1;
	if (pid < 0)
		r = ct_error_sys(err, errno, "create the idmap user namespace");
	else if (read(ready[0], &proc_fd, sizeof(proc_fd)) != (ssize_t)sizeof(proc_fd) || proc_fd < 0)
		r = ct_error_set(err, EIO, "create the idmap user namespace: the helper process failed");
	if (r == 0)
		r = map_and_open_userns(proc_fd, map, err);
	if (proc_fd >= 0)
		close(proc_fd);

	/* Closing the write end wakes the helper, which then exits. */
	close(release[1]);
	if (pid > 0)
		while (waitpid(pid, NULL, 0) < 0 && errno == EINTR)
			;
	close(release[0]);
	close_pair(ready);
	return r;
}

/* Picks the mount's own mappings or else the container's, which the
 * runtime-spec allows a runtime to use. */
static int resolve_idmap(const struct ct_init *init, const struct spec_mount *m, struct idmap *ret_map,
			 struct libct_error *err)
{
	const struct spec_linux *linux_config = &init->config->linux_config;

	if (m->n_uid_mappings > 0 || m->n_gid_mappings > 0) {
		if (m->n_uid_mappings == 0 || m->n_gid_mappings == 0)
			return ct_error_set(err, EINVAL, "an idmapped mount needs both uidMappings and gidMappings");
		*ret_map = (struct idmap){m->uid_mappings, m->n_uid_mappings, m->gid_mappings, m->n_gid_mappings};
		return 0;
	}
	if (linux_config->n_uid_mappings == 0 || linux_config->n_gid_mappings == 0)
		return ct_error_set(err, EINVAL,
				    "an idmapped mount needs uidMappings and gidMappings, in the mount or in linux");
	*ret_map = (struct idmap){linux_config->uid_mappings, linux_config->n_uid_mappings,
				  linux_config->gid_mappings, linux_config->n_gid_mappings};
	return 0;
}

static int set_idmap(int tree_fd, const struct idmap *map, bool recursive, struct libct_error *err)
{
	_cleanup_close_ int userns_fd = create_idmap_userns(map, err);
	if (userns_fd < 0)
		return userns_fd;

	struct mount_attr attr = {
		.attr_set = MOUNT_ATTR_IDMAP,
		.userns_fd = (uint64_t)userns_fd,
	};
	unsigned int flags = AT_EMPTY_PATH | (recursive ? AT_RECURSIVE : 0);
	if (mount_setattr(tree_fd, "", flags, &attr, sizeof(attr)) < 0)
		return ct_error_sys(err, errno, "set the idmapping");
	return 0;
}

/* Resolves a bind source: absolute, or relative to the bundle. */
static char *resolve_source(const struct ct_init *init, const char *source)
{
	if (source[0] == '/')
		return ct_strdup(source);
	return ct_asprintf("%s/%s", init->bundle, source);
}

/* Returns a detached, idmapped clone of the mount's source. */
static int open_idmapped_tree(const struct ct_init *init, const struct spec_mount *m,
			      const struct spec_mount_options *opts, struct libct_error *err)
{
	struct idmap map = {0};
	int r = resolve_idmap(init, m, &map, err);
	if (r < 0)
		return r;
	if (m->source == NULL)
		return ct_error_set(err, EINVAL, "a bind mount needs a source");

	_cleanup_free_ char *source = resolve_source(init, m->source);
	unsigned int flags = OPEN_TREE_CLONE | OPEN_TREE_CLOEXEC | (opts->recursive ? AT_RECURSIVE : 0);
	_cleanup_close_ int tree_fd = open_tree(AT_FDCWD, source, flags);
	if (tree_fd < 0)
		return ct_error_sys(err, errno, "open source \"%s\"", source);
	r = set_idmap(tree_fd, &map, opts->recursive_idmap, err);
	if (r < 0)
		return r;
	return ct_steal_fd(&tree_fd);
}

/*
 * The kernel allows an idmapped mount only to a process with CAP_SYS_ADMIN
 * in the user namespace that owns the filesystem, which is the host's for a
 * host directory. The init of a container with a user namespace no longer
 * has that, so the runtime makes these mounts before clone, detached, and
 * the init only attaches them.
 */
int ct_mounts_prepare_idmap(struct ct_init *init, struct libct_error *err)
{
	init->idmap_fds = NULL;
	if (!ct_init_in_user_ns(init))
		return 0;

	for (size_t i = 0; i < init->config->n_mounts; i++) {
		const struct spec_mount *m = &init->config->mounts[i];
		struct spec_mount_options opts;
		int r = spec_mount_options_parse(m->options, m->n_options, &opts, err);
		if (r < 0)
			return ct_error_prefix(err, "mounts[%zu]", i);
		if (opts.idmap && init->idmap_fds == NULL) {
			init->idmap_fds = ct_malloc(init->config->n_mounts * sizeof(int));
			for (size_t j = 0; j < init->config->n_mounts; j++)
				init->idmap_fds[j] = -1;
		}
		int fd = opts.idmap ? open_idmapped_tree(init, m, &opts, err) : -1;
		spec_mount_options_free(&opts);
		if (fd >= 0)
			init->idmap_fds[i] = fd;
		if (opts.idmap && fd < 0) {
			ct_mounts_close_idmap(init);
			return ct_error_prefix(err, "mount \"%s\" on \"%s\"", m->source ? m->source : "none",
					       m->destination);
		}
	}
	return 0;
}

void ct_mounts_close_idmap(struct ct_init *init)
{
	if (init->idmap_fds == NULL)
		return;
	for (size_t i = 0; i < init->config->n_mounts; i++)
		ct_closep(&init->idmap_fds[i]);
	free(init->idmap_fds);
	init->idmap_fds = NULL;
}

/* ------------------------------------------------------- config mounts */

static int apply_propagations(int root_fd, const char *destination, const struct spec_mount_options *opts,
			      struct libct_error *err)
{
	if (opts->n_propagations == 0)
		return 0;

	_cleanup_close_ int fd = ct_open_in_root(root_fd, destination, O_PATH, 0, err);
	if (fd < 0)
		return fd;
	for (size_t i = 0; i < opts->n_propagations; i++) {
		int r = ct_mount_propagation(fd, opts->propagations[i], destination, err);
		if (r < 0)
			return r;
	}
	return 0;
}

static int apply_recursive_attrs(int root_fd, const char *destination, const struct spec_mount_options *opts,
				 struct libct_error *err)
{
	if (opts->attr_set == 0 && opts->attr_clr == 0)
		return 0;

	_cleanup_close_ int fd = ct_open_in_root(root_fd, destination, O_PATH, 0, err);
	if (fd < 0)
		return fd;
	return ct_mount_setattr(fd, true, opts->attr_set, opts->attr_clr, destination, err);
}

static int mount_bind_entry(struct ct_init *init, int root_fd, const struct spec_mount *m,
			    const struct spec_mount_options *opts, int idmap_fd, struct libct_error *err)
{
	if (m->source == NULL)
		return ct_error_set(err, EINVAL, "a bind mount needs a source");

	_cleanup_free_ char *source = resolve_source(init, m->source);
	struct ct_bind bind = {
		.source = source,
		.source_fd = -1,
		.target = m->destination,
		.recursive = opts->recursive,
	};
	flags_to_attrs(opts->flags, opts->clear_flags, &bind.attr_set, &bind.attr_clr);
	if (!opts->idmap)
		return ct_bind_mount(root_fd, &bind, err);

	_cleanup_close_ int tree_fd = -1;
	if (idmap_fd < 0 && ct_init_in_user_ns(init))
		return ct_error_set(err, EOPNOTSUPP, "an idmapped mount in a user namespace must be prepared by the "
						     "runtime before clone, and it was not");
	if (idmap_fd < 0) {
		tree_fd = open_idmapped_tree(init, m, opts, err);
		if (tree_fd < 0)
			return tree_fd;
		idmap_fd = tree_fd;
	}
	bind.source = NULL;
	bind.source_fd = idmap_fd;
	return ct_bind_mount(root_fd, &bind, err);
}

/* ---------------------------------------------------------- tmpcopyup */

static int copy_tree(int src_dir_fd, int dst_dir_fd, struct libct_error *err);

static int copy_regular_file(int src_dir_fd, int dst_dir_fd, const char *name, const struct stat *st,
			     struct libct_error *err)
{
	_cleanup_close_ int in = openat(src_dir_fd, name, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
	if (in < 0)
		return ct_error_sys(err, errno, "tmpcopyup: open \"%s\"", name);
	_cleanup_close_ int out =
		openat(dst_dir_fd, name, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, st->st_mode & 07777);
	if (out < 0)
		return ct_error_sys(err, errno, "tmpcopyup: create \"%s\"", name);

	char buf[65536];
	for (;;) {
		ssize_t n = read(in, buf, sizeof(buf));
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return ct_error_sys(err, errno, "tmpcopyup: read \"%s\"", name);
		if (n == 0)
			return 0;
		for (ssize_t done = 0; done < n;) {
			ssize_t w = write(out, buf + done, (size_t)(n - done));
			if (w < 0 && errno == EINTR)
				continue;
			if (w <= 0)
				return ct_error_sys(err, w < 0 ? errno : EIO, "tmpcopyup: write \"%s\"", name);
			done += w;
		}
	}
}

static int copy_entry(int src_dir_fd, int dst_dir_fd, const char *name, const struct stat *st,
		      struct libct_error *err)
{
	if (S_ISDIR(st->st_mode)) {
		if (mkdirat(dst_dir_fd, name, st->st_mode & 07777) < 0)
			return ct_error_sys(err, errno, "tmpcopyup: create directory \"%s\"", name);
		_cleanup_close_ int src = openat(src_dir_fd, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
		_cleanup_close_ int dst = openat(dst_dir_fd, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
		if (src < 0 || dst < 0)
			return ct_error_sys(err, errno, "tmpcopyup: open directory \"%s\"", name);
		return copy_tree(src, dst, err);
	}
	if (S_ISREG(st->st_mode))
		return copy_regular_file(src_dir_fd, dst_dir_fd, name, st, err);
	if (S_ISLNK(st->st_mode)) {
		char target[4096];
		ssize_t n = readlinkat(src_dir_fd, name, target, sizeof(target) - 1);
		if (n < 0)
			return ct_error_sys(err, errno, "tmpcopyup: read symlink \"%s\"", name);
		target[n] = '\0';
		if (symlinkat(target, dst_dir_fd, name) < 0)
			return ct_error_sys(err, errno, "tmpcopyup: create symlink \"%s\"", name);
		return 0;
	}
	if (mknodat(dst_dir_fd, name, st->st_mode, st->st_rdev) < 0)
		return ct_error_sys(err, errno, "tmpcopyup: create node \"%s\"", name);
	return 0;
}

static int copy_metadata(int dst_dir_fd, const char *name, const struct stat *st, struct libct_error *err)
{
	if (fchownat(dst_dir_fd, name, st->st_uid, st->st_gid, AT_SYMLINK_NOFOLLOW) < 0)
		return ct_error_sys(err, errno, "tmpcopyup: change owner of \"%s\"", name);
	/* chown clears the set-user-ID and set-group-ID bits of a file, so the
	 * mode is set again. A process that can write the image may have put
	 * a symlink at name by now, which before pivot_root can reach the
	 * host, so the mode goes through an fd of the entry itself. */
	if (!S_ISLNK(st->st_mode)) {
		_cleanup_close_ int fd = openat(dst_dir_fd, name, O_PATH | O_NOFOLLOW | O_CLOEXEC);
		struct stat copied;
		if (fd < 0 || fstat(fd, &copied) < 0)
			return ct_error_sys(err, errno, "tmpcopyup: open \"%s\"", name);
		if ((copied.st_mode & S_IFMT) != (st->st_mode & S_IFMT))
			return ct_error_set(err, EBUSY, "tmpcopyup: \"%s\" was replaced while it was copied", name);
		char path[CT_FD_PATH_MAX];
		if (chmod(ct_fd_path(fd, path), st->st_mode & 07777) < 0)
			return ct_error_sys(err, errno, "tmpcopyup: change mode of \"%s\"", name);
	}
	struct timespec times[2] = {st->st_atim, st->st_mtim};
	if (utimensat(dst_dir_fd, name, times, AT_SYMLINK_NOFOLLOW) < 0)
		return ct_error_sys(err, errno, "tmpcopyup: set times of \"%s\"", name);
	return 0;
}

static void closedirp(DIR **dir)
{
	if (*dir != NULL)
		closedir(*dir);
}

/* Copies the contents of src_dir_fd into dst_dir_fd, keeping owners, modes
 * and times. Extended attributes are not copied. */
static int copy_tree(int src_dir_fd, int dst_dir_fd, struct libct_error *err)
{
	int dup_fd = fcntl(src_dir_fd, F_DUPFD_CLOEXEC, 3);
	if (dup_fd < 0)
		return ct_error_sys(err, errno, "tmpcopyup: duplicate directory fd");
	__attribute__((cleanup(closedirp))) DIR *dir = fdopendir(dup_fd);
	if (dir == NULL) {
		close(dup_fd);
		return ct_error_sys(err, errno, "tmpcopyup: read directory");
	}

	struct dirent *entry;
	while ((errno = 0, entry = readdir(dir)) != NULL) {
		if (streq(entry->d_name, ".") || streq(entry->d_name, ".."))
			continue;
		struct stat st;
		if (fstatat(src_dir_fd, entry->d_name, &st, AT_SYMLINK_NOFOLLOW) < 0)
			return ct_error_sys(err, errno, "tmpcopyup: stat \"%s\"", entry->d_name);
		int r = copy_entry(src_dir_fd, dst_dir_fd, entry->d_name, &st, err);
		if (r == 0)
			r = copy_metadata(dst_dir_fd, entry->d_name, &st, err);
		if (r < 0)
			return r;
	}
	if (errno != 0)
		return ct_error_sys(err, errno, "tmpcopyup: read directory");
	return 0;
}

/* -------------------------------------------------------- filesystems */

/* proc and sysfs expose host state, so they go only on a real directory:
 * a symlink there could point the container's view somewhere unexpected. */
static int check_real_directory(int root_fd, const char *destination, struct libct_error *err)
{
	_cleanup_close_ int fd = ct_open_in_root(root_fd, destination, O_PATH | O_NOFOLLOW, 0, NULL);
	if (fd == -ENOENT)
		return 0;
	struct stat st;
	if (fd < 0 || fstat(fd, &st) < 0)
		return ct_error_sys(err, fd < 0 ? -fd : errno, "check the mount point");
	if (!S_ISDIR(st.st_mode))
		return ct_error_set(err, EINVAL, "the mount point must be a directory, not a %s",
				    S_ISLNK(st.st_mode) ? "symlink" : "file");
	return 0;
}

/* In a user namespace without its own network (or IPC) namespace, the
 * kernel refuses a new sysfs (or mqueue), so the host's is bound instead,
 * with the flags that the config requested. mount_err is the refusal,
 * reported along with the bind's failure if that fails too. */
static int bind_host_instead(int root_fd, const struct spec_mount *m, const struct spec_mount_options *opts,
			     const struct libct_error *mount_err, struct libct_error *err)
{
	const char *host_path = streq(m->type, "sysfs") ? "/sys" : "/dev/mqueue";
	struct ct_bind bind = {
		.source = host_path,
		.source_fd = -1,
		.target = m->destination,
		.recursive = true,
	};
	flags_to_attrs(opts->flags, opts->clear_flags, &bind.attr_set, &bind.attr_clr);

	struct libct_error bind_err = {0};
	int r = ct_bind_mount(root_fd, &bind, &bind_err);
	if (r < 0)
		return ct_error_set(err, mount_err->code, "%s, and a bind of the host's \"%s\" instead failed too: %s",
				    mount_err->message, host_path, bind_err.message);

	/* The host's tree has mounts below it, such as its cgroups under
	 * /sys, and "ro" must cover those too. */
	if (!(opts->flags & MS_RDONLY))
		return 0;
	_cleanup_close_ int fd = ct_open_in_root(root_fd, m->destination, O_PATH, 0, err);
	if (fd < 0)
		return fd;
	return ct_mount_setattr(fd, true, MOUNT_ATTR_RDONLY, 0, m->destination, err);
}

/* Removes "gid=N" from a devpts data string: in a user namespace where that
 * group is not mapped, the kernel rejects the whole mount. */
static char *drop_gid_option(const char *data)
{
	char *copy = ct_strdup(data);
	char *out = copy;
	char *save = NULL;
	_cleanup_free_ char *scan = ct_strdup(data);
	bool first = true;
	for (char *opt = strtok_r(scan, ",", &save); opt != NULL; opt = strtok_r(NULL, ",", &save)) {
		if (strncmp(opt, "gid=", 4) == 0)
			continue;
		out += sprintf(out, "%s%s", first ? "" : ",", opt);
		first = false;
	}
	*out = '\0';
	return copy;
}

static int mount_at_fd(const char *source, int target_fd, const char *type, unsigned long flags, const char *data,
		       struct libct_error *err)
{
	char path[CT_FD_PATH_MAX];
	if (mount(source, ct_fd_path(target_fd, path), type, flags, data) < 0)
		return ct_mount_error(err, errno, flags, data);
	return 0;
}

static int mount_new_filesystem(struct ct_init *init, int target_fd, const struct spec_mount *m,
				const struct spec_mount_options *opts, struct libct_error *err)
{
	const char *source = m->source != NULL ? m->source : m->type;
	int r = mount_at_fd(source, target_fd, m->type, opts->flags, opts->data, err);
	if (r == -EINVAL && ct_init_in_user_ns(init) && streq(m->type, "devpts") && opts->data != NULL &&
	    strstr(opts->data, "gid=") != NULL) {
		_cleanup_free_ char *data = drop_gid_option(opts->data);
		ct_debug(init->context, "mount devpts on \"%s\" again without its gid option", m->destination);
		r = mount_at_fd(source, target_fd, m->type, opts->flags, data, err);
	}
	return r;
}

static int mount_filesystem_entry(struct ct_init *init, int root_fd, const struct spec_mount *m,
				  const struct spec_mount_options *opts, struct libct_error *err)
{
	if (streq(m->type, "proc") || streq(m->type, "sysfs")) {
		int r = check_real_directory(root_fd, m->destination, err);
		if (r < 0)
			return r;
	}

	_cleanup_close_ int target_fd = ct_mkdir_p_in_root(root_fd, m->destination, 0755, err);
	if (target_fd < 0)
		return target_fd;

	_cleanup_close_ int lower_fd = -1;
	if (opts->tmpcopyup) {
		if (!streq(m->type, "tmpfs"))
			return ct_error_set(err, EINVAL, "tmpcopyup needs a tmpfs, not \"%s\"", m->type);
		lower_fd = openat(target_fd, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
		if (lower_fd < 0)
			return ct_error_sys(err, errno, "tmpcopyup: open the directory below the tmpfs");
	}

	struct libct_error mount_err = {0};
	int r = mount_new_filesystem(init, target_fd, m, opts, &mount_err);
	if (r == -EPERM && ct_init_in_user_ns(init) && (streq(m->type, "sysfs") || streq(m->type, "mqueue")))
		r = bind_host_instead(root_fd, m, opts, &mount_err, err);
	else if (r < 0 && err != NULL)
		*err = mount_err;
	if (r < 0 || lower_fd < 0)
		return r;

	_cleanup_close_ int upper_fd = ct_open_in_root(root_fd, m->destination, O_RDONLY | O_DIRECTORY, 0, err);
	if (upper_fd < 0)
		return upper_fd;
	return copy_tree(lower_fd, upper_fd, err);
}

/* ------------------------------------------------------------ cgroups */

struct cgroup_hierarchy {
	char *mount_point; /* on the host, such as "/sys/fs/cgroup/memory" */
	char *root;        /* the mount's root inside the hierarchy, usually "/" */
	char *super_options;
	bool v2;
	char *dir; /* the init's cgroup below mount_point, or NULL to look it up */
};

static void free_hierarchies(struct cgroup_hierarchy *list, size_t count)
{
	for (size_t i = 0; i < count; i++) {
		free(list[i].mount_point);
		free(list[i].root);
		free(list[i].super_options);
		free(list[i].dir);
	}
	free(list);
}

/* Decodes the octal escapes (\040 for a space) of a mountinfo field. */
static char *unescape_mountinfo(const char *field)
{
	char *out = ct_malloc(strlen(field) + 1);
	char *p = out;
	while (*field != '\0') {
		if (field[0] == '\\' && field[1] >= '0' && field[1] <= '3' && field[2] >= '0' && field[2] <= '7' &&
		    field[3] >= '0' && field[3] <= '7') {
			*p++ = (char)((field[1] - '0') * 64 + (field[2] - '0') * 8 + (field[3] - '0'));
			field += 4;
		} else {
			*p++ = *field++;
		}
	}
	*p = '\0';
	return out;
}

/* Parses one mountinfo line; returns false unless it is a cgroup or cgroup2
 * mount directly below HOST_CGROUP_ROOT. */
static bool parse_cgroup_mount(char *line, struct cgroup_hierarchy *ret)
{
	char *fields[6] = {0};
	char *save = NULL;
	char *token = strtok_r(line, " ", &save);
	for (int i = 0; i < 6 && token != NULL; i++, token = strtok_r(NULL, " ", &save))
		fields[i] = token;
	/* After the optional fields, "-" separates fstype, source and super options. */
	while (token != NULL && strcmp(token, "-") != 0)
		token = strtok_r(NULL, " ", &save);
	char *fstype = strtok_r(NULL, " ", &save);
	char *source = strtok_r(NULL, " ", &save);
	char *super = strtok_r(NULL, " \n", &save);
	if (fields[4] == NULL || fstype == NULL || source == NULL || super == NULL)
		return false;
	if (!streq(fstype, "cgroup") && !streq(fstype, "cgroup2"))
		return false;

	_cleanup_free_ char *mount_point = unescape_mountinfo(fields[4]);
	const char *prefix = HOST_CGROUP_ROOT "/";
	if (strncmp(mount_point, prefix, strlen(prefix)) != 0 || strchr(mount_point + strlen(prefix), '/') != NULL)
		return false;

	ret->mount_point = ct_steal_pointer(&mount_point);
	ret->root = unescape_mountinfo(fields[3]);
	ret->super_options = ct_strdup(super);
	ret->v2 = streq(fstype, "cgroup2");
	return true;
}

static int read_cgroup_hierarchies(struct cgroup_hierarchy **ret_list, size_t *ret_count, struct libct_error *err)
{
	/* One read of the whole file: each read(2) of mountinfo makes the
	 * kernel find its place in the mount list again. */
	_cleanup_free_ char *data = NULL;
	int r = ct_read_file_at(AT_FDCWD, "/proc/self/mountinfo", MOUNTINFO_MAX, &data, NULL, err);
	if (r < 0)
		return r;

	struct cgroup_hierarchy *list = NULL;
	size_t count = 0;
	char *save = NULL;
	for (char *line = strtok_r(data, "\n", &save); line != NULL; line = strtok_r(NULL, "\n", &save)) {
		struct cgroup_hierarchy h = {0};
		if (!parse_cgroup_mount(line, &h))
			continue;
		list = ct_realloc(list, (count + 1) * sizeof(*list));
		list[count++] = h;
	}
	*ret_list = list;
	*ret_count = count;
	return 0;
}

static bool has_option(const char *options, const char *name)
{
	size_t len = strlen(name);
	for (const char *p = options; p != NULL; p = strchr(p, ',') ? strchr(p, ',') + 1 : NULL)
		if (strncmp(p, name, len) == 0 && (p[len] == ',' || p[len] == '\0'))
			return true;
	return false;
}

/* Finds this process's cgroup in hierarchy h in self_cgroup, the text of
 * /proc/self/cgroup. */
static char *own_cgroup_path(const struct cgroup_hierarchy *h, const char *self_cgroup)
{
	_cleanup_free_ char *text = ct_strdup(self_cgroup);
	char *next = NULL;
	for (char *line = strtok_r(text, "\n", &next); line != NULL; line = strtok_r(NULL, "\n", &next)) {
		char *controllers = strchr(line, ':');
		char *path = controllers != NULL ? strchr(controllers + 1, ':') : NULL;
		if (path == NULL)
			continue;
		*controllers++ = '\0';
		*path++ = '\0';
		if (h->v2 ? strcmp(line, "0") == 0 && controllers[0] == '\0' : controllers[0] != '\0') {
			bool all = true;
			_cleanup_free_ char *copy = ct_strdup(controllers);
			char *save = NULL;
			for (char *c = strtok_r(copy, ",", &save); c != NULL && !h->v2; c = strtok_r(NULL, ",", &save))
				all = all && has_option(h->super_options, c);
			if (all)
				return ct_strdup(path);
		}
	}
	return NULL;
}

/* The host directory of this process's cgroup in h: the mount point plus
 * the cgroup path below the mount's root. */
static char *own_cgroup_dir(const struct cgroup_hierarchy *h, const char *self_cgroup)
{
	_cleanup_free_ char *path = own_cgroup_path(h, self_cgroup);
	if (path == NULL)
		return NULL;
	const char *rest = path;
	size_t root_len = strlen(h->root);
	if (!streq(h->root, "/") && strncmp(path, h->root, root_len) == 0)
		rest = path + root_len;
	return ct_asprintf("%s%s", h->mount_point, rest);
}

/* The superblock options of a new cgroup mount, minus rw: the controllers,
 * "name=" and flags such as xattr, so the new mount matches the hierarchy. */
static const char *cgroup_mount_data(const struct cgroup_hierarchy *h)
{
	const char *data = h->v2 ? NULL : h->super_options;
	if (data != NULL && strncmp(data, "rw,", 3) == 0)
		data += 3;
	return data;
}

static unsigned long cgroup_mount_flags(uint64_t attr_set)
{
	return MS_NOSUID | MS_NODEV | MS_NOEXEC | ((attr_set & MOUNT_ATTR_RDONLY) ? MS_RDONLY : 0);
}

/* Mounts a new instance of the hierarchy on fd, which a new cgroup
 * namespace roots at the container's own cgroup. */
static int mount_hierarchy_instance(int fd, const char *target, const struct cgroup_hierarchy *h,
				    uint64_t attr_set, struct libct_error *err)
{
	int r = mount_at_fd(h->v2 ? "cgroup2" : "cgroup", fd, h->v2 ? "cgroup2" : "cgroup",
			    cgroup_mount_flags(attr_set), cgroup_mount_data(h), err);
	if (r < 0)
		return ct_error_prefix(err, "mount cgroup hierarchy on \"%s\"", target);
	return 0;
}

/* Mounts one hierarchy: a new cgroup filesystem in a cgroup namespace,
 * whose root is the namespace's root, or else a bind of the host directory
 * of the container's cgroup. */
static int mount_hierarchy(struct ct_init *init, int root_fd, const char *target,
			   const struct cgroup_hierarchy *h, const char *self_cgroup, uint64_t attr_set,
			   struct libct_error *err)
{
	if (init->new_cgroup_ns) {
		_cleanup_close_ int fd = ct_mkdir_p_in_root(root_fd, target, 0755, err);
		if (fd < 0)
			return fd;
		return mount_hierarchy_instance(fd, target, h, attr_set, err);
	}

	_cleanup_free_ char *source = own_cgroup_dir(h, self_cgroup);
	if (source == NULL)
		return ct_error_set(err, ENOENT, "find the container's cgroup for \"%s\" in /proc/self/cgroup",
				    h->mount_point);
	struct ct_bind bind = {
		.source = source,
		.source_fd = -1,
		.target = target,
		.recursive = true,
		.attr_set = attr_set | MOUNT_ATTR_NOSUID | MOUNT_ATTR_NODEV | MOUNT_ATTR_NOEXEC,
	};
	int r = ct_bind_mount(root_fd, &bind, err);
	if (r < 0)
		return ct_error_prefix(err, "bind mount \"%s\" on \"%s\"", source, target);
	return 0;
}

/*
 * Mounts one hierarchy on the directory name of the new tmpfs at tmpfs_fd,
 * as mount_hierarchy() does. Only this process has written to that tmpfs,
 * so name is looked up relative to tmpfs_fd, without the checks for image
 * symlinks that ct_open_in_root() makes. That saves five system calls per
 * hierarchy. target is the path inside the container, for messages.
 */
static int mount_hierarchy_below(struct ct_init *init, int tmpfs_fd, const char *name, const char *target,
				 const struct cgroup_hierarchy *h, const char *self_cgroup, uint64_t attr_set,
				 struct libct_error *err)
{
	if (mkdirat(tmpfs_fd, name, 0755) < 0 && errno != EEXIST)
		return ct_error_sys(err, errno, "create the mount point \"%s\"", target);

	if (init->new_cgroup_ns) {
		_cleanup_close_ int fd = openat(tmpfs_fd, name, O_PATH | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
		if (fd < 0)
			return ct_error_sys(err, errno, "open the mount point \"%s\"", target);
		return mount_hierarchy_instance(fd, target, h, attr_set, err);
	}

	_cleanup_free_ char *source = h->dir != NULL ? ct_strdup(h->dir) : own_cgroup_dir(h, self_cgroup);
	if (source == NULL)
		return ct_error_set(err, ENOENT, "find the container's cgroup for \"%s\" in /proc/self/cgroup",
				    h->mount_point);
	_cleanup_close_ int tree_fd = open_tree(AT_FDCWD, source, OPEN_TREE_CLONE | OPEN_TREE_CLOEXEC | AT_RECURSIVE);
	if (tree_fd < 0)
		return ct_error_sys(err, errno, "bind mount \"%s\" on \"%s\": open source", source, target);
	/* In a mount namespace that other processes may share, the flags go
	 * on the detached tree, so the mount never shows up without them. In
	 * the init's own new one, mount_cgroup_v1_layout() sets them on all
	 * hierarchies at once. */
	if (!init->new_mount_ns) {
		int r = ct_mount_setattr(tree_fd, false, attr_set | CGROUP_MOUNT_ATTR, 0, target, err);
		if (r < 0)
			return ct_error_prefix(err, "bind mount \"%s\" on \"%s\"", source, target);
	}
	/* Without MOVE_MOUNT_T_SYMLINKS, a symlink at name is not followed. */
	if (move_mount(tree_fd, "", tmpfs_fd, name, MOVE_MOUNT_F_EMPTY_PATH) < 0)
		return ct_error_sys(err, errno, "bind mount \"%s\" on \"%s\": attach the bind mount", source,
				    target);
	return 0;
}

/* Copies the host's symlinks in /sys/fs/cgroup, such as cpu -> cpu,cpuacct. */
static int copy_cgroup_symlinks(int dir_fd, struct libct_error *err)
{
	/* The entries are read into a small stack buffer. opendir() would take
	 * 32 KiB from the heap, whose pages the init shares with the runtime
	 * until one of them writes there. */
	_cleanup_close_ int dir = open(HOST_CGROUP_ROOT, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (dir < 0)
		return ct_error_sys(err, errno, "open \"%s\"", HOST_CGROUP_ROOT);

	char buf[1024] __attribute__((aligned(8)));
	ssize_t size;
	while ((size = getdents64(dir, buf, sizeof(buf))) > 0) {
		for (ssize_t pos = 0; pos < size;) {
			const struct dirent64 *entry = (const struct dirent64 *)(buf + pos);
			pos += entry->d_reclen;
			if (entry->d_type != DT_LNK)
				continue;
			char target[256];
			ssize_t n = readlinkat(dir, entry->d_name, target, sizeof(target) - 1);
			if (n < 0)
				continue;
			target[n] = '\0';
			/* Only links to a sibling: anything else would name a host path. */
			if (strchr(target, '/') != NULL)
				continue;
			if (symlinkat(target, dir_fd, entry->d_name) < 0 && errno != EEXIST)
				return ct_error_sys(err, errno, "create symlink \"%s\"", entry->d_name);
		}
	}
	return 0;
}

/* Reads /proc/self/cgroup once for all hierarchies. *ret_text stays NULL
 * in a new cgroup namespace, which mounts each hierarchy afresh. */
static int read_self_cgroup(const struct ct_init *init, char **ret_text, struct libct_error *err)
{
	size_t len = 0;
	*ret_text = NULL;
	if (init->new_cgroup_ns)
		return 0;
	return ct_read_file_at(AT_FDCWD, "/proc/self/cgroup", SELF_CGROUP_MAX, ret_text, &len, err);
}

/*
 * Lists the hierarchies that the runtime found and in which the init now
 * is, with the container's directory in each, which saves reading
 * mountinfo and /proc/self/cgroup again (about 60 us). Only for bind
 * mounts in a copy of the runtime's mount namespace: a new cgroup
 * namespace mounts each hierarchy afresh with its superblock options, and
 * a joined mount namespace may have other mounts. Returns false otherwise.
 * NOTE: the runtime uses a hierarchy mounted at two places once, so the
 * container gets one bind of it, where mountinfo would give it two.
 */
static bool runtime_hierarchies(const struct ct_init *init, struct cgroup_hierarchy **ret_list, size_t *ret_count)
{
	if (init->cgroup_v1 == NULL || init->new_cgroup_ns || !init->new_mount_ns)
		return false;
	struct cgroup_hierarchy *list = NULL;
	size_t count = 0;
	const char *mount_point, *dir;
	bool unified;
	const char *prefix = HOST_CGROUP_ROOT "/";
	for (size_t i = 0; ct_cgroup_hierarchy_at(init->cgroup_v1, i, &mount_point, &dir, &unified); i++) {
		/* Anywhere else, the mounts are read as usual. */
		if (strncmp(mount_point, prefix, strlen(prefix)) != 0 ||
		    strchr(mount_point + strlen(prefix), '/') != NULL) {
			free_hierarchies(list, count);
			return false;
		}
		list = ct_realloc(list, (count + 1) * sizeof(*list));
		list[count++] = (struct cgroup_hierarchy){ .mount_point = ct_strdup(mount_point),
							   .root = ct_strdup("/"),
							   .super_options = ct_strdup(""),
							   .v2 = unified,
							   .dir = ct_strdup(dir) };
	}
	if (count == 0)
		return false;
	*ret_list = list;
	*ret_count = count;
	return true;
}

static int mount_cgroup_v1_layout(struct ct_init *init, int root_fd, const struct spec_mount *m,
				  const struct spec_mount_options *opts, struct libct_error *err)
{
	_cleanup_free_ char *self_cgroup = NULL;
	struct cgroup_hierarchy *list = NULL;
	size_t count = 0;
	int r = 0;
	if (!runtime_hierarchies(init, &list, &count)) {
		r = read_self_cgroup(init, &self_cgroup, err);
		if (r < 0)
			return r;
		r = read_cgroup_hierarchies(&list, &count, err);
		if (r < 0)
			return r;
	}

	_cleanup_close_ int dir_fd = ct_mkdir_p_in_root(root_fd, m->destination, 0755, err);
	if (dir_fd < 0) {
		free_hierarchies(list, count);
		return dir_fd;
	}
	/* Writable until the hierarchy directories and symlinks exist. */
	unsigned long flags = (opts->flags & ~MS_RDONLY) | MS_NOSUID | MS_NODEV | MS_NOEXEC;
	r = mount_at_fd("tmpfs", dir_fd, "tmpfs", flags, "mode=755", err);
	_cleanup_close_ int tmpfs_fd = -1;
	if (r == 0) {
		tmpfs_fd = ct_open_in_root(root_fd, m->destination, O_RDONLY | O_DIRECTORY, 0, err);
		r = tmpfs_fd < 0 ? tmpfs_fd : 0;
	}

	uint64_t attr_set = (opts->flags & MS_RDONLY) ? MOUNT_ATTR_RDONLY : 0;
	for (size_t i = 0; r == 0 && i < count; i++) {
		const char *name = strrchr(list[i].mount_point, '/') + 1;
		/* mountinfo shows canonical paths, so this only guards the
		 * lookup relative to tmpfs_fd. */
		if (name[0] == '\0' || streq(name, ".") || streq(name, ".."))
			continue;
		_cleanup_free_ char *target = ct_asprintf("%s/%s", m->destination, name);
		r = mount_hierarchy_below(init, tmpfs_fd, name, target, &list[i], self_cgroup, attr_set, err);
	}
	free_hierarchies(list, count);
	if (r < 0)
		return r;

	r = copy_cgroup_symlinks(tmpfs_fd, err);
	if (r < 0)
		return r;
	/* The tmpfs and every hierarchy below it, in one call. */
	return ct_mount_setattr(tmpfs_fd, true, attr_set | CGROUP_MOUNT_ATTR, 0, m->destination, err);
}

static int mount_cgroup_entry(struct ct_init *init, int root_fd, const struct spec_mount *m,
			      const struct spec_mount_options *opts, struct libct_error *err)
{
	struct statfs host;
	if (statfs(HOST_CGROUP_ROOT, &host) < 0)
		return ct_error_sys(err, errno, "statfs \"%s\"", HOST_CGROUP_ROOT);
	if (host.f_type != CGROUP2_SUPER_MAGIC)
		return mount_cgroup_v1_layout(init, root_fd, m, opts, err);

	/* A pure cgroup2 host: the hierarchy is HOST_CGROUP_ROOT itself. */
	struct cgroup_hierarchy h = {
		.mount_point = HOST_CGROUP_ROOT,
		.root = "/",
		.super_options = "",
		.v2 = true,
	};
	uint64_t attr_set = (opts->flags & MS_RDONLY) ? MOUNT_ATTR_RDONLY : 0;
	_cleanup_free_ char *self_cgroup = NULL;
	int r = read_self_cgroup(init, &self_cgroup, err);
	if (r < 0)
		return r;
	return mount_hierarchy(init, root_fd, m->destination, &h, self_cgroup, attr_set, err);
}

/* --------------------------------------------------------------- entry */

static const char *mount_source_name(const struct spec_mount *m)
{
	if (m->source != NULL)
		return m->source;
	return m->type != NULL ? m->type : "none";
}

static int mount_entry(struct ct_init *init, int root_fd, const struct spec_mount *m,
		       const struct spec_mount_options *opts, int idmap_fd, struct libct_error *err)
{
	bool bind = opts->bind || streq(m->type, "bind");
	if (opts->idmap && !bind)
		return ct_error_set(err, EOPNOTSUPP, "idmap is supported only on bind mounts");
	if (bind)
		return mount_bind_entry(init, root_fd, m, opts, idmap_fd, err);
	if (m->type == NULL)
		return ct_error_set(err, EINVAL, "a mount without \"bind\" or \"rbind\" needs a type");
	if (opts->flags & MS_REMOUNT) {
		_cleanup_close_ int fd = ct_open_in_root(root_fd, m->destination, O_PATH, 0, err);
		if (fd < 0)
			return fd;
		return mount_at_fd(m->source, fd, m->type, opts->flags, opts->data, err);
	}
	if (streq(m->type, "cgroup") || streq(m->type, "cgroup2"))
		return mount_cgroup_entry(init, root_fd, m, opts, err);
	return mount_filesystem_entry(init, root_fd, m, opts, err);
}

int ct_mount_entry(struct ct_init *init, int root_fd, size_t index, struct libct_error *err)
{
	const struct spec_mount *m = &init->config->mounts[index];
	struct spec_mount_options opts;

	int r = spec_mount_options_parse(m->options, m->n_options, &opts, err);
	if (r < 0)
		return ct_error_prefix(err, "mounts[%zu]", index);

	ct_lsm_label_mount_options(init->config, m, &opts);
	int idmap_fd = init->idmap_fds != NULL ? init->idmap_fds[index] : -1;
	r = mount_entry(init, root_fd, m, &opts, idmap_fd, err);
	if (r == 0)
		r = ct_lsm_label_mount_point(init, root_fd, m, &opts, err);
	if (r == 0)
		r = apply_recursive_attrs(root_fd, m->destination, &opts, err);
	if (r == 0)
		r = apply_propagations(root_fd, m->destination, &opts, err);
	spec_mount_options_free(&opts);
	if (r < 0)
		return ct_error_prefix(err, "mount \"%s\" on \"%s\"", mount_source_name(m), m->destination);
	return 0;
}
