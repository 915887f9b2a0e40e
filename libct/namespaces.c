/* SPDX-License-Identifier: Apache-2.0 */
#include <fcntl.h>
#include <inttypes.h>
#include <linux/nsfs.h>
#include <sched.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <unistd.h>

#include "internal.h"

static int clone_flag(enum spec_namespace_type type)
{
	switch (type) {
	case SPEC_NS_PID:
		return CLONE_NEWPID;
	case SPEC_NS_NETWORK:
		return CLONE_NEWNET;
	case SPEC_NS_MOUNT:
		return CLONE_NEWNS;
	case SPEC_NS_IPC:
		return CLONE_NEWIPC;
	case SPEC_NS_UTS:
		return CLONE_NEWUTS;
	case SPEC_NS_USER:
		return CLONE_NEWUSER;
	case SPEC_NS_CGROUP:
		return CLONE_NEWCGROUP;
	case SPEC_NS_TIME:
		return CLONE_NEWTIME;
	case SPEC_NS_COUNT:
	default:
		return 0;
	}
}

/* Opens a namespace to join and checks that it is one of the expected type,
 * so a wrong path fails create before any process exists. */
static int open_namespace(size_t index, const struct spec_namespace *ns, struct libct_error *err)
{
	const char *name = spec_namespace_type_name(ns->type);
	_cleanup_close_ int fd = open(ns->path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return ct_error_sys(err, errno, "linux.namespaces[%zu]: open %s namespace \"%s\"", index, name,
				    ns->path);

	int type = ioctl(fd, NS_GET_NSTYPE);
	if (type < 0)
		return ct_error_sys(err, errno, "linux.namespaces[%zu]: \"%s\" is not a namespace", index, ns->path);
	if (type != clone_flag(ns->type))
		return ct_error_set(err, EINVAL, "linux.namespaces[%zu]: \"%s\" is not a %s namespace", index,
				    ns->path, name);
	return ct_steal_fd(&fd);
}

/* Returns whether fd is the runtime's own namespace of type, for the types
 * whose sysctls linux.sysctl may set. */
static bool is_own_namespace(enum spec_namespace_type type, int fd)
{
	const char *name = NULL;
	if (type == SPEC_NS_IPC)
		name = "ipc";
	else if (type == SPEC_NS_NETWORK)
		name = "net";
	else if (type == SPEC_NS_UTS)
		name = "uts";
	else
		return false;
	char path[32];
	snprintf(path, sizeof(path), "/proc/self/ns/%s", name);
	struct stat own, joined;
	return stat(path, &own) == 0 && fstat(fd, &joined) == 0 && own.st_dev == joined.st_dev &&
	       own.st_ino == joined.st_ino;
}

int ct_ns_plan(const struct spec_config *config, struct ct_init *init, uint64_t *ret_clone_flags,
	       int *ret_pid_fd, struct libct_error *err)
{
	const struct spec_linux *linux_config = &config->linux_config;
	uint64_t new_flags = 0;
	_cleanup_close_ int pid_fd = -1;

	for (size_t i = 0; i < SPEC_NS_COUNT; i++)
		init->join_fds[i] = -1;

	for (size_t i = 0; i < linux_config->n_namespaces; i++) {
		const struct spec_namespace *ns = &linux_config->namespaces[i];
		if (ns->path == NULL) {
			new_flags |= (uint64_t)clone_flag(ns->type);
			continue;
		}
		int fd = open_namespace(i, ns, err);
		if (fd < 0)
			return fd;
		if (is_own_namespace(ns->type, fd))
			init->joins_own_ns |= 1u << ns->type;
		if (ns->type == SPEC_NS_PID)
			pid_fd = fd;
		else
			init->join_fds[ns->type] = fd;
	}

	init->new_mount_ns = new_flags & CLONE_NEWNS;
	init->new_user_ns = new_flags & CLONE_NEWUSER;
	init->new_pid_ns = new_flags & CLONE_NEWPID;
	init->new_cgroup_ns = new_flags & CLONE_NEWCGROUP;
	init->new_time_ns = new_flags & CLONE_NEWTIME;

	/* The child unshares the cgroup namespace after the runtime has placed
	 * it in its cgroup, so that the namespace root is the container's
	 * cgroup. The child also unshares the time namespace, because its
	 * offsets must be written before any process lives in it. */
	uint64_t unshare_flags = new_flags & (CLONE_NEWCGROUP | CLONE_NEWTIME);
	uint64_t clone_flags = new_flags & ~unshare_flags;

	/* New namespaces must be owned by a joined user namespace, so the child
	 * creates them after setns(). A new pid namespace cannot be made that
	 * way without an intermediate process, and create rejects it. */
	if (init->join_fds[SPEC_NS_USER] >= 0) {
		unshare_flags |= clone_flags;
		clone_flags = 0;
	}

	/* A new network namespace costs more than the rest of clone3 (0.35 ms
	 * against 0.1 ms on the development VM), so the init makes it first
	 * thing while the runtime makes the cgroups. With linux.netDevices the
	 * runtime moves devices in right after clone3, so clone3 makes it. */
	if ((clone_flags & CLONE_NEWNET) && linux_config->n_net_devices == 0) {
		clone_flags &= ~(uint64_t)CLONE_NEWNET;
		init->early_unshare_flags = CLONE_NEWNET;
	}

	init->unshare_flags = (int)(unshare_flags & ~(uint64_t)CLONE_NEWTIME);
	*ret_clone_flags = clone_flags;
	*ret_pid_fd = ct_steal_fd(&pid_fd);
	return 0;
}

/* Takes the root ids of the user namespace, which the runtime has mapped by
 * now; without a mapping for 0 the process keeps its ids. */
static void become_namespace_root(struct ct_init *init)
{
	if (setresgid(0, 0, 0) < 0 || setresuid(0, 0, 0) < 0) {
		ct_debug(init->context, "become root in the user namespace: %s", strerror(errno));
		return;
	}
	/* Changing ids made the process non-dumpable, which gives its /proc/self
	 * files to the host's root; the time namespace setup still writes one. */
	(void)prctl(PR_SET_DUMPABLE, 1, 0, 0, 0); /* init.c clears it again before the rootfs setup */
}

static int join_namespace(struct ct_init *init, enum spec_namespace_type type, struct libct_error *err)
{
	int fd = init->join_fds[type];
	if (fd < 0)
		return 0;
	if (setns(fd, clone_flag(type)) < 0)
		return ct_error_sys(err, errno, "join %s namespace", spec_namespace_type_name(type));
	return 0;
}

static int write_time_offsets(struct ct_init *init, struct libct_error *err)
{
	const struct spec_time_offsets *offsets = &init->config->linux_config.time_offsets;
	char data[128];
	int len = 0;

	if (offsets->monotonic.set)
		len += snprintf(data + len, sizeof(data) - (size_t)len, "monotonic %" PRId64 " %" PRIu32 "\n",
				offsets->monotonic.secs, offsets->monotonic.nanosecs);
	if (offsets->boottime.set)
		len += snprintf(data + len, sizeof(data) - (size_t)len, "boottime %" PRId64 " %" PRIu32 "\n",
				offsets->boottime.secs, offsets->boottime.nanosecs);
	if (len == 0)
		return 0;
	return ct_write_file_at(AT_FDCWD, "/proc/self/timens_offsets", data, (size_t)len, err);
}

/* The offsets of a time namespace can only be written while no process is
 * in it, so the init unshares (which only affects its future children),
 * writes the offsets and then moves itself in. */
static int enter_new_time_namespace(struct ct_init *init, struct libct_error *err)
{
	if (unshare(CLONE_NEWTIME) < 0)
		return ct_error_sys(err, errno, "create time namespace");
	int r = write_time_offsets(init, err);
	if (r < 0)
		return ct_error_prefix(err, "linux.timeOffsets");

	_cleanup_close_ int fd = open("/proc/self/ns/time_for_children", O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return ct_error_sys(err, errno, "open \"/proc/self/ns/time_for_children\"");
	if (setns(fd, CLONE_NEWTIME) < 0)
		return ct_error_sys(err, errno, "enter time namespace");
	return 0;
}

int ct_ns_enter(struct ct_init *init, struct libct_error *err)
{
	/* The user namespace comes first: it grants the capabilities needed to
	 * join the namespaces it owns. */
	int r = join_namespace(init, SPEC_NS_USER, err);
	if (r < 0)
		return r;
	if (init->new_user_ns || init->join_fds[SPEC_NS_USER] >= 0)
		become_namespace_root(init);

	for (int type = 0; type < SPEC_NS_COUNT; type++) {
		if (type == SPEC_NS_USER)
			continue;
		r = join_namespace(init, (enum spec_namespace_type)type, err);
		if (r < 0)
			return r;
	}

	if (init->unshare_flags != 0 && unshare(init->unshare_flags) < 0)
		return ct_error_sys(err, errno, "unshare namespaces 0x%x", (unsigned)init->unshare_flags);

	if (init->new_time_ns)
		return enter_new_time_namespace(init, err);
	if (init->join_fds[SPEC_NS_TIME] < 0 &&
	    (init->config->linux_config.time_offsets.monotonic.set ||
	     init->config->linux_config.time_offsets.boottime.set))
		ct_warn(init->context, "linux.timeOffsets ignored: the container has no new time namespace");
	return 0;
}
