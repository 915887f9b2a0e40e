/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Linux security module labels: process.apparmorProfile,
 * process.selinuxLabel and linux.mountLabel.
 *
 * Both process labels take effect at the next execve, the program's. The
 * mount label is a context= option of the new filesystems that take one.
 * Where the security module is not enabled on the host, a label means
 * nothing and is ignored, as runc does, with a debug log line when the
 * config is checked.
 */
#include <fcntl.h>
#include <linux/magic.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/vfs.h>
#include <sys/xattr.h>
#include <unistd.h>

#include "ctrun-config.h"
#include "internal.h"
#include "mounts.h"

#define APPARMOR_ENABLED_FILE "/sys/module/apparmor/parameters/enabled"
#define APPARMOR_EXEC_FILE "/proc/thread-self/attr/apparmor/exec"
#define APPARMOR_CURRENT_FILE "/proc/thread-self/attr/apparmor/current"
/* The file that sets the SELinux label of this thread's next execve, the
 * one that libselinux's setexeccon() writes. */
#define SELINUX_EXEC_FILE "/proc/thread-self/attr/exec"
#define SELINUX_XATTR "security.selinux"

char *ct_lsm_apparmor_command(const char *profile)
{
	return ct_asprintf("exec %s", profile);
}

static bool apparmor_enabled_on_host(void)
{
	char value = 'N';
	_cleanup_close_ int fd = open(APPARMOR_ENABLED_FILE, O_RDONLY | O_CLOEXEC);
	return fd >= 0 && read(fd, &value, 1) == 1 && value == 'Y';
}

/* Asks the kernel through selinuxfs. libselinux's is_selinux_enabled() also
 * requires /etc/selinux/config, so on a host that loads its policy without
 * that file, it would let the process run with the runtime's own label. */
static bool selinux_enabled_on_host(void)
{
	return access("/sys/fs/selinux/enforce", F_OK) == 0;
}

/* Frees *label and sets it to NULL. */
static void drop_label(char **label)
{
	free(*label);
	*label = NULL;
}

int ct_lsm_check(struct libct_context *context, struct spec_config *config, struct spec_process *process,
		 struct libct_error *err)
{
	if (process->apparmor_profile != NULL) {
		if (process->apparmor_profile[0] == '\0' || strchr(process->apparmor_profile, '\n') != NULL)
			return ct_error_set(err, EINVAL, "process.apparmorProfile: invalid profile name \"%s\"",
					    process->apparmor_profile);
		if (!apparmor_enabled_on_host())
			ct_debug(context, "process.apparmorProfile: AppArmor is not enabled, profile \"%s\" ignored",
				 process->apparmor_profile);
	}
	/* The child cannot see selinuxfs after pivot_root, so the labels
	 * that the host ignores are dropped here, and the child applies the
	 * ones that remain. */
	bool selinux = selinux_enabled_on_host();
	if (process->selinux_label != NULL && !selinux) {
		ct_debug(context, "process.selinuxLabel: SELinux is not enabled, label \"%s\" ignored",
			 process->selinux_label);
		drop_label(&process->selinux_label);
	}
	if (process->selinux_label != NULL && !HAVE_SELINUX)
		return ct_error_set(err, ENOTSUP,
				    "process.selinuxLabel: SELinux is enabled but ctrun was built with "
				    "-Dselinux=disabled: rebuild it with -Dselinux=enabled");
	char **mount_label = config != NULL ? &config->linux_config.mount_label : NULL;
	if (mount_label != NULL && *mount_label != NULL) {
		/* The label is written in double quotes into the mount data,
		 * because an MCS level such as "s0:c1,c2" contains commas. */
		if ((*mount_label)[0] == '\0' || strpbrk(*mount_label, "\"\n") != NULL)
			return ct_error_set(err, EINVAL, "linux.mountLabel: invalid label \"%s\"",
					    *mount_label);
		if (!selinux) {
			ct_debug(context, "linux.mountLabel: SELinux is not enabled, label \"%s\" ignored",
				 *mount_label);
			drop_label(mount_label);
		}
	}
	return 0;
}

/* Every filesystem but these gets linux.mountLabel as a context= option.
 * proc, sysfs, the cgroup filesystems and the single-instance kernel
 * filesystems share their superblock with the host's, and SELinux fails a
 * mount of an existing superblock with other SELinux options. mqueue shares
 * the superblock of its IPC namespace, so its mount point gets the label
 * as an xattr after the mount instead. */
static const char *const unlabelled_types[] = {
	"binfmt_misc", "bpf",  "cgroup", "cgroup2",    "configfs",  "debugfs", "efivarfs", "fusectl",
	"mqueue",      "proc", "pstore", "securityfs", "selinuxfs", "sysfs",   "tracefs",
};

/* SELinux rejects a second context= option and context= with defcontext=.
 * A config that sets any SELinux context option chose the labels itself,
 * so its options win over the mount label. */
static bool has_context_option(const char *data)
{
	static const char *const names[] = { "context=", "fscontext=", "defcontext=", "rootcontext=" };
	for (const char *option = data; option != NULL; option = strchr(option, ',')) {
		if (option != data)
			option++;
		for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++)
			if (strncmp(option, names[i], strlen(names[i])) == 0)
				return true;
	}
	return false;
}

char *ct_lsm_mount_data(const char *type, const char *data, const char *label)
{
	if (label == NULL || type == NULL)
		return NULL;
	for (size_t i = 0; i < sizeof(unlabelled_types) / sizeof(unlabelled_types[0]); i++)
		if (strcmp(type, unlabelled_types[i]) == 0)
			return NULL;
	if (data == NULL || data[0] == '\0')
		return ct_asprintf("context=\"%s\"", label);
	if (has_context_option(data))
		return NULL;
	return ct_asprintf("%s,context=\"%s\"", data, label);
}

void ct_lsm_label_mount_options(const struct spec_config *config, const struct spec_mount *m,
				struct spec_mount_options *opts)
{
	const char *label = config->linux_config.mount_label;
	/* A bind mount takes no data, and a remount keeps the context that
	 * the mount got. */
	if (label == NULL || opts->bind || (opts->flags & MS_REMOUNT))
		return;
	char *data = ct_lsm_mount_data(m->type, opts->data, label);
	if (data != NULL) {
		free(opts->data);
		opts->data = data;
	}
}

int ct_lsm_label_mount_point(const struct ct_init *init, int root_fd, const struct spec_mount *m,
			     const struct spec_mount_options *opts, struct libct_error *err)
{
	const char *label = init->config->linux_config.mount_label;
	if (label == NULL || m->type == NULL || strcmp(m->type, "mqueue") != 0 || opts->bind)
		return 0;
	/* In a user namespace, mounts.c binds the host's mqueue where a new
	 * one is not allowed, and the host's label must stay.
	 * NOTE: so a new mqueue in a user namespace keeps its default label. */
	if (ct_init_in_user_ns(init))
		return 0;
	_cleanup_close_ int fd = ct_open_in_root(root_fd, m->destination, O_PATH, 0, err);
	if (fd < 0)
		return fd;
	char path[CT_FD_PATH_MAX];
	if (setxattr(ct_fd_path(fd, path), SELINUX_XATTR, label, strlen(label), 0) < 0)
		return ct_error_sys(err, errno, "linux.mountLabel: set label \"%s\" on \"%s\"", label,
				    m->destination);
	return 0;
}

/* Opens a file under the container's /proc, which must be a real procfs: a
 * bind mount or tmpfs placed there by the image would swallow the write and
 * leave the process unconfined. */
static int open_procfs_file(const char *path, int flags, struct libct_error *err)
{
	int fd = open(path, flags | O_CLOEXEC | O_NOFOLLOW);
	if (fd < 0)
		return -errno;
	struct statfs fs;
	if (fstatfs(fd, &fs) < 0 || fs.f_type != PROC_SUPER_MAGIC) {
		close(fd);
		return ct_error_set(err, EPERM, "\"%s\" is not on procfs", path);
	}
	return fd;
}

static int set_apparmor_profile(const char *profile, struct libct_error *err)
{
	/* Reading the current label fails when AppArmor is not active.
	 * NOTE: a host that enables AppArmor but hides this file from the
	 * container would run the program unconfined; not seen on Debian. */
	_cleanup_close_ int current = open_procfs_file(APPARMOR_CURRENT_FILE, O_RDONLY, err);
	if (current == -EPERM)
		return current;
	char label[256];
	if (current < 0 || read(current, label, sizeof(label)) < 0)
		return 0;

	_cleanup_close_ int fd = open_procfs_file(APPARMOR_EXEC_FILE, O_WRONLY, err);
	if (fd == -EPERM)
		return fd;
	if (fd < 0)
		return ct_error_sys(err, -fd, "process.apparmorProfile: open \"%s\"", APPARMOR_EXEC_FILE);
	_cleanup_free_ char *command = ct_lsm_apparmor_command(profile);
	size_t len = strlen(command);
	if (write(fd, command, len) == (ssize_t)len)
		return 0;
	if (errno == ENOENT)
		return ct_error_set(err, ENOENT, "process.apparmorProfile: profile \"%s\" is not loaded: "
						 "load it with apparmor_parser", profile);
	return ct_error_sys(err, errno, "process.apparmorProfile: set profile \"%s\"", profile);
}

static int set_selinux_label(const char *label, struct libct_error *err)
{
	_cleanup_close_ int fd = open_procfs_file(SELINUX_EXEC_FILE, O_WRONLY, err);
	if (fd == -EPERM)
		return fd;
	if (fd < 0)
		return ct_error_sys(err, -fd, "process.selinuxLabel: open \"%s\"", SELINUX_EXEC_FILE);
	/* The kernel needs no trailing NUL or newline, and a write either
	 * sets the whole label or fails. */
	size_t len = strlen(label);
	if (write(fd, label, len) == (ssize_t)len)
		return 0;
	if (errno == EINVAL)
		return ct_error_set(err, EINVAL, "process.selinuxLabel: set label \"%s\": invalid label, "
						 "or one that the loaded policy does not define", label);
	return ct_error_sys(err, errno, "process.selinuxLabel: set label \"%s\"", label);
}

int ct_lsm_set_exec_labels(const struct spec_process *process, struct libct_error *err)
{
	if (process->apparmor_profile != NULL) {
		int r = set_apparmor_profile(process->apparmor_profile, err);
		if (r < 0)
			return r;
	}
	if (process->selinux_label != NULL)
		return set_selinux_label(process->selinux_label, err);
	return 0;
}
