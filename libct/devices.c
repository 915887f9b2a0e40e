/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The container's /dev: the default devices of the runtime-spec, the
 * entries of linux.devices and the standard symlinks.
 *
 * Outside a user namespace, devices are created with mknod, so they are
 * real nodes with the requested owner and mode, just as on a normal system.
 * In a new user namespace mknod of a device is not allowed, and a device
 * node on a filesystem mounted there would not open anyway, so the host's
 * node at the same path is bind-mounted onto an empty file instead.
 */
#include <fcntl.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>

#include "mounts.h"

struct device_node {
	const char *path; /* absolute, inside the container */
	mode_t type;      /* S_IFCHR, S_IFBLK or S_IFIFO */
	unsigned int major;
	unsigned int minor;
	mode_t mode;
	uid_t uid;
	gid_t gid;
};

/* /dev/console comes from the terminal setup and /dev/ptmx is a symlink. */
static const struct device_node default_devices[] = {
	{"/dev/null", S_IFCHR, 1, 3, 0666, 0, 0},    {"/dev/zero", S_IFCHR, 1, 5, 0666, 0, 0},
	{"/dev/full", S_IFCHR, 1, 7, 0666, 0, 0},    {"/dev/random", S_IFCHR, 1, 8, 0666, 0, 0},
	{"/dev/urandom", S_IFCHR, 1, 9, 0666, 0, 0}, {"/dev/tty", S_IFCHR, 5, 0, 0666, 0, 0},
};

static const struct {
	const char *name;
	const char *target;
} dev_symlinks[] = {
	{"fd", "/proc/self/fd"},
	{"stdin", "/proc/self/fd/0"},
	{"stdout", "/proc/self/fd/1"},
	{"stderr", "/proc/self/fd/2"},
};

static const char *base_name(const char *path)
{
	const char *slash = strrchr(path, '/');
	return slash != NULL ? slash + 1 : path;
}

static int open_parent(int root_fd, const char *path, struct libct_error *err)
{
	const char *slash = strrchr(path, '/');
	_cleanup_free_ char *parent = slash == NULL || slash == path ? ct_strdup("/")
								     : ct_strndup(path, (size_t)(slash - path));
	return ct_mkdir_p_in_root(root_fd, parent, 0755, err);
}

static bool is_same_node(const struct stat *st, const struct device_node *node)
{
	return (st->st_mode & S_IFMT) == node->type &&
	       (node->type == S_IFIFO || st->st_rdev == makedev(node->major, node->minor));
}

/* Creates the node with mknod in parent_fd, the directory of node->path,
 * replacing whatever the image had at that path unless it is already the
 * same node. */
static int make_node_at(int parent_fd, const struct device_node *node, struct libct_error *err)
{
	const char *name = base_name(node->path);
	dev_t rdev = makedev(node->major, node->minor);
	mode_t mode = node->type | (node->mode & 07777);

	struct stat st;
	if (mknodat(parent_fd, name, mode, rdev) < 0) {
		if (errno != EEXIST)
			return ct_error_sys(err, errno, "create device \"%s\"", node->path);
		if (fstatat(parent_fd, name, &st, AT_SYMLINK_NOFOLLOW) < 0)
			return ct_error_sys(err, errno, "create device \"%s\"", node->path);
		/* A hard link would carry the owner and mode set below to its
		 * other names, which may lie outside the rootfs. */
		bool same = is_same_node(&st, node) && st.st_nlink == 1;
		if (!same && unlinkat(parent_fd, name, S_ISDIR(st.st_mode) ? AT_REMOVEDIR : 0) < 0)
			return ct_error_sys(err, errno, "remove \"%s\" to create a device there", node->path);
		if (!same && mknodat(parent_fd, name, mode, rdev) < 0)
			return ct_error_sys(err, errno, "create device \"%s\"", node->path);
	}

	/* ct_devices_create() cleared the umask, so a new node usually has its
	 * final mode, and the init's owner, which is the usual 0:0. A look by
	 * name changes nothing, so a swap of the name cannot redirect it. */
	if (fstatat(parent_fd, name, &st, AT_SYMLINK_NOFOLLOW) == 0 && is_same_node(&st, node) &&
	    (st.st_mode & 07777) == (node->mode & 07777) && st.st_uid == node->uid && st.st_gid == node->gid)
		return 0;

	/* Another process that can write the image may have put a symlink in
	 * place of the node by now, and before pivot_root an absolute one
	 * reaches the host. So the owner and mode are set through an fd of
	 * the name itself, after checking that it is still the node. */
	_cleanup_close_ int fd = openat(parent_fd, name, O_PATH | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0)
		return ct_error_sys(err, errno, "open device \"%s\"", node->path);
	struct stat created;
	if (fstat(fd, &created) < 0)
		return ct_error_sys(err, errno, "stat device \"%s\"", node->path);
	if (!is_same_node(&created, node) || created.st_nlink != 1)
		return ct_error_set(err, EBUSY, "device \"%s\" was replaced while it was created", node->path);
	if (fchownat(fd, "", node->uid, node->gid, AT_EMPTY_PATH) < 0)
		return ct_error_sys(err, errno, "change owner of \"%s\" to %u:%u", node->path, (unsigned)node->uid,
				    (unsigned)node->gid);
	/* After the chown, which clears setuid and setgid bits. */
	char path[CT_FD_PATH_MAX];
	if (chmod(ct_fd_path(fd, path), node->mode & 07777) < 0)
		return ct_error_sys(err, errno, "change mode of \"%s\"", node->path);
	return 0;
}

static int make_node(int root_fd, const struct device_node *node, struct libct_error *err)
{
	_cleanup_close_ int parent_fd = open_parent(root_fd, node->path, err);
	if (parent_fd < 0)
		return parent_fd;
	return make_node_at(parent_fd, node, err);
}

static int bind_node(int root_fd, const struct device_node *node, struct libct_error *err)
{
	/* The host path is bound as it is, so a path that reaches a host file
	 * instead of the device must not expose that file. */
	struct stat st;
	if (stat(node->path, &st) < 0)
		return ct_error_sys(err, errno, "host device \"%s\"", node->path);
	if (!is_same_node(&st, node))
		return ct_error_set(err, EINVAL, "host device \"%s\": not the requested device", node->path);

	struct ct_bind bind = {
		.source = node->path,
		.source_fd = -1,
		.target = node->path,
		.attr_set = MOUNT_ATTR_NOSUID | MOUNT_ATTR_NOEXEC,
	};
	int r = ct_bind_mount(root_fd, &bind, err);
	if (r < 0)
		return ct_error_prefix(err, "bind mount host device \"%s\"", node->path);
	return 0;
}

static int create_node(struct ct_init *init, int root_fd, const struct device_node *node,
		       struct libct_error *err)
{
	if (ct_init_in_user_ns(init) && node->type != S_IFIFO)
		return bind_node(root_fd, node, err);
	return make_node(root_fd, node, err);
}

static int device_from_config(const struct spec_device *device, struct device_node *ret_node,
			      struct libct_error *err)
{
	struct device_node node = {
		.path = device->path,
		.major = (unsigned int)device->major,
		.minor = (unsigned int)device->minor,
		.mode = device->file_mode.set ? (mode_t)(device->file_mode.value & 07777) : 0666,
		.uid = device->uid.set ? (uid_t)device->uid.value : 0,
		.gid = device->gid.set ? (gid_t)device->gid.value : 0,
	};

	if (strcmp(device->type, "c") == 0 || strcmp(device->type, "u") == 0)
		node.type = S_IFCHR;
	else if (strcmp(device->type, "b") == 0)
		node.type = S_IFBLK;
	else if (strcmp(device->type, "p") == 0)
		node.type = S_IFIFO;
	else
		return ct_error_set(err, EINVAL, "device \"%s\": unknown type \"%s\"", device->path, device->type);
	*ret_node = node;
	return 0;
}

static const char *file_type_name(mode_t mode)
{
	switch (mode & S_IFMT) {
	case S_IFREG:
		return "a regular file";
	case S_IFDIR:
		return "a directory";
	case S_IFLNK:
		return "a symlink";
	case S_IFSOCK:
		return "a socket";
	default:
		return "another device";
	}
}

/* Fails unless the path is free or already has the requested node. The
 * path may lead out of /dev, or through a symlinked directory of the image,
 * so whatever it reaches is an image file that must not be replaced. */
static int check_existing(int root_fd, const struct device_node *node, size_t index, struct libct_error *err)
{
	_cleanup_close_ int parent_fd = open_parent(root_fd, node->path, err);
	if (parent_fd < 0)
		return ct_error_prefix(err, "linux.devices[%zu].path \"%s\"", index, node->path);

	struct stat st;
	if (fstatat(parent_fd, base_name(node->path), &st, AT_SYMLINK_NOFOLLOW) < 0) {
		if (errno == ENOENT)
			return 0;
		return ct_error_sys(err, errno, "linux.devices[%zu].path \"%s\"", index, node->path);
	}
	if (!is_same_node(&st, node))
		return ct_error_set(err, EEXIST,
				    "linux.devices[%zu].path \"%s\": %s exists there, not the requested device", index,
				    node->path, file_type_name(st.st_mode));
	return 0;
}

static int create_config_devices(struct ct_init *init, int root_fd, struct libct_error *err)
{
	const struct spec_linux *linux_config = &init->config->linux_config;

	for (size_t i = 0; i < linux_config->n_devices; i++) {
		struct device_node node = {0};
		int r = device_from_config(&linux_config->devices[i], &node, err);
		if (r < 0)
			return ct_error_prefix(err, "linux.devices[%zu]", i);
		r = check_existing(root_fd, &node, i, err);
		if (r < 0)
			return r;
		r = create_node(init, root_fd, &node, err);
		if (r < 0)
			return ct_error_prefix(err, "linux.devices[%zu]", i);
	}
	return 0;
}

static bool in_config_devices(const struct spec_linux *linux_config, const char *path)
{
	for (size_t i = 0; i < linux_config->n_devices; i++)
		if (strcmp(linux_config->devices[i].path, path) == 0)
			return true;
	return false;
}

static int create_symlink(int dev_fd, const char *name, const char *target, struct libct_error *err)
{
	/* An image may ship these links itself; what it has is kept. */
	if (symlinkat(target, dev_fd, name) < 0 && errno != EEXIST)
		return ct_error_sys(err, errno, "create symlink \"/dev/%s\" to \"%s\"", name, target);
	return 0;
}

static int create_symlinks(int dev_fd, struct libct_error *err)
{
	for (size_t i = 0; i < sizeof(dev_symlinks) / sizeof(dev_symlinks[0]); i++) {
		int r = create_symlink(dev_fd, dev_symlinks[i].name, dev_symlinks[i].target, err);
		if (r < 0)
			return r;
	}

	/* The host's /proc is still mounted at this point, and the container's
	 * procfs has the same files. */
	if (access("/proc/kcore", F_OK) == 0)
		return create_symlink(dev_fd, "core", "/proc/kcore", err);
	return 0;
}

/* A devpts instance mounted with newinstance has its own ptmx, and
 * /dev/ptmx must open that one, not the host's. */
static int link_ptmx(int dev_fd, struct libct_error *err)
{
	if (unlinkat(dev_fd, "ptmx", 0) < 0 && errno != ENOENT)
		return ct_error_sys(err, errno, "remove \"/dev/ptmx\"");
	return create_symlink(dev_fd, "ptmx", "pts/ptmx", err);
}

static int create_devices(struct ct_init *init, int root_fd, bool dev_bind_mounted, struct libct_error *err)
{
	const struct spec_linux *linux_config = &init->config->linux_config;
	int r;

	/* A bind mount of a /dev from outside brings its own devices. */
	if (dev_bind_mounted)
		return create_config_devices(init, root_fd, err);

	/* One lookup of /dev for the default devices and the symlinks. The
	 * devices of the config may lie anywhere, so each gets its own. */
	_cleanup_close_ int dev_fd = ct_mkdir_p_in_root(root_fd, "/dev", 0755, err);
	if (dev_fd < 0)
		return dev_fd;
	for (size_t i = 0; i < sizeof(default_devices) / sizeof(default_devices[0]); i++) {
		const struct device_node *node = &default_devices[i];
		if (in_config_devices(linux_config, node->path))
			continue;
		if (ct_init_in_user_ns(init))
			r = bind_node(root_fd, node, err);
		else
			r = make_node_at(dev_fd, node, err);
		if (r < 0)
			return r;
	}

	r = create_config_devices(init, root_fd, err);
	if (r < 0)
		return r;
	r = create_symlinks(dev_fd, err);
	if (r < 0)
		return r;
	if (in_config_devices(linux_config, "/dev/ptmx"))
		return 0;
	return link_ptmx(dev_fd, err);
}

int ct_devices_create(struct ct_init *init, int root_fd, bool dev_bind_mounted, struct libct_error *err)
{
	/* Without a umask, mknod gives each node its requested mode at once,
	 * which saves a chmod per node. The init has no other thread. */
	mode_t umask_before = umask(0);
	int r = create_devices(init, root_fd, dev_bind_mounted, err);
	umask(umask_before);
	return r;
}
