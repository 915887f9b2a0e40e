/* SPDX-License-Identifier: Apache-2.0 */
#include <stddef.h>

#include "base.h"
#include "defaults.h"
#include "json.h"
#include "tables.h"

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

static char *const default_capabilities[] = { "CAP_AUDIT_WRITE", "CAP_KILL", "CAP_NET_BIND_SERVICE" };

static char *const default_env[] = {
	"PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin",
	"TERM=xterm",
};

/* Kernel files that leak host information or allow host-wide changes. */
static char *const masked_paths[] = {
	"/proc/acpi",
	"/proc/asound",
	"/proc/kcore",
	"/proc/keys",
	"/proc/latency_stats",
	"/proc/timer_list",
	"/proc/timer_stats",
	"/proc/sched_debug",
	"/proc/scsi",
	"/sys/firmware",
	"/sys/devices/virtual/powercap",
};

static char *const readonly_paths[] = {
	"/proc/bus", "/proc/fs", "/proc/irq", "/proc/sys", "/proc/sysrq-trigger",
};

struct default_mount {
	const char *destination;
	const char *type;
	const char *source;
	const char *options[8]; /* ended by NULL */
};

static const struct default_mount common_mounts[] = {
	{ "/proc", "proc", "proc", { NULL } },
	{ "/dev", "tmpfs", "tmpfs", { "nosuid", "strictatime", "mode=755", "size=65536k", NULL } },
	{ "/dev/shm", "tmpfs", "shm", { "nosuid", "noexec", "nodev", "mode=1777", "size=65536k", NULL } },
	{ "/dev/mqueue", "mqueue", "mqueue", { "nosuid", "noexec", "nodev", NULL } },
};

static const struct default_mount privileged_mounts[] = {
	{ "/dev/pts",
	  "devpts",
	  "devpts",
	  { "nosuid", "noexec", "newinstance", "ptmxmode=0666", "mode=0620", "gid=5", NULL } },
	{ "/sys", "sysfs", "sysfs", { "nosuid", "noexec", "nodev", "ro", NULL } },
	{ "/sys/fs/cgroup", "cgroup", "cgroup", { "nosuid", "noexec", "nodev", "relatime", "ro", NULL } },
};

/* An unprivileged user may not mount sysfs or a cgroup hierarchy, and group
 * 5 (tty) is usually not mapped into its user namespace. */
static const struct default_mount rootless_mounts[] = {
	{ "/dev/pts",
	  "devpts",
	  "devpts",
	  { "nosuid", "noexec", "newinstance", "ptmxmode=0666", "mode=0620", NULL } },
	{ "/sys", "none", "/sys", { "rbind", "nosuid", "noexec", "nodev", "ro", NULL } },
};

static void write_mounts(struct spec_json_writer *writer, const struct default_mount *mounts, size_t count)
{
	for (size_t i = 0; i < count; i++) {
		spec_json_writer_begin_object(writer);
		spec_json_writer_key_string(writer, "destination", mounts[i].destination);
		spec_json_writer_key_string(writer, "type", mounts[i].type);
		spec_json_writer_key_string(writer, "source", mounts[i].source);
		if (mounts[i].options[0] != NULL) {
			spec_json_writer_key(writer, "options");
			spec_json_writer_begin_array(writer);
			for (size_t j = 0; mounts[i].options[j] != NULL; j++)
				spec_json_writer_string(writer, mounts[i].options[j]);
			spec_json_writer_end_array(writer);
		}
		spec_json_writer_end_object(writer);
	}
}

static void write_process(struct spec_json_writer *writer)
{
	spec_json_writer_key(writer, "process");
	spec_json_writer_begin_object(writer);
	/* NOTE: false because ctrun does not support a console socket yet. */
	spec_json_writer_key_bool(writer, "terminal", false);
	spec_json_writer_key(writer, "user");
	spec_json_writer_begin_object(writer);
	spec_json_writer_key_uint(writer, "uid", 0);
	spec_json_writer_key_uint(writer, "gid", 0);
	spec_json_writer_end_object(writer);
	spec_json_writer_key(writer, "args");
	spec_json_writer_strings(writer, (char *const[]){ "sh" }, 1);
	spec_json_writer_key(writer, "env");
	spec_json_writer_strings(writer, default_env, ARRAY_SIZE(default_env));
	spec_json_writer_key_string(writer, "cwd", "/");

	spec_json_writer_key(writer, "capabilities");
	spec_json_writer_begin_object(writer);
	const char *sets[] = { "bounding", "effective", "permitted" };
	for (size_t i = 0; i < ARRAY_SIZE(sets); i++) {
		spec_json_writer_key(writer, sets[i]);
		spec_json_writer_strings(writer, default_capabilities, ARRAY_SIZE(default_capabilities));
	}
	spec_json_writer_end_object(writer);

	spec_json_writer_key(writer, "rlimits");
	spec_json_writer_begin_array(writer);
	spec_json_writer_begin_object(writer);
	spec_json_writer_key_string(writer, "type", "RLIMIT_NOFILE");
	spec_json_writer_key_uint(writer, "hard", 1024);
	spec_json_writer_key_uint(writer, "soft", 1024);
	spec_json_writer_end_object(writer);
	spec_json_writer_end_array(writer);
	spec_json_writer_key_bool(writer, "noNewPrivileges", true);
	spec_json_writer_end_object(writer);
}

static void write_id_mapping(struct spec_json_writer *writer, const char *key, uint32_t host_id)
{
	spec_json_writer_key(writer, key);
	spec_json_writer_begin_array(writer);
	spec_json_writer_begin_object(writer);
	spec_json_writer_key_uint(writer, "containerID", 0);
	spec_json_writer_key_uint(writer, "hostID", host_id);
	spec_json_writer_key_uint(writer, "size", 1);
	spec_json_writer_end_object(writer);
	spec_json_writer_end_array(writer);
}

static void write_linux(struct spec_json_writer *writer, bool rootless, uint32_t host_uid, uint32_t host_gid)
{
	spec_json_writer_key(writer, "linux");
	spec_json_writer_begin_object(writer);
	if (rootless) {
		write_id_mapping(writer, "uidMappings", host_uid);
		write_id_mapping(writer, "gidMappings", host_gid);
	}
	spec_json_writer_key(writer, "namespaces");
	spec_json_writer_begin_array(writer);
	/* A rootless container keeps the host network: an unprivileged user
	 * could not connect a new network namespace to anything. */
	const char *types[] = { "pid", rootless ? "user" : "network", "ipc", "uts", "mount", "cgroup" };
	for (size_t i = 0; i < ARRAY_SIZE(types); i++) {
		spec_json_writer_begin_object(writer);
		spec_json_writer_key_string(writer, "type", types[i]);
		spec_json_writer_end_object(writer);
	}
	spec_json_writer_end_array(writer);
	spec_json_writer_key(writer, "maskedPaths");
	spec_json_writer_strings(writer, masked_paths, ARRAY_SIZE(masked_paths));
	spec_json_writer_key(writer, "readonlyPaths");
	spec_json_writer_strings(writer, readonly_paths, ARRAY_SIZE(readonly_paths));
	spec_json_writer_end_object(writer);
}

int spec_config_default_json(bool rootless, uint32_t host_uid, uint32_t host_gid, char **ret_json,
			     size_t *ret_len, struct libct_error *err)
{
	struct spec_json_writer *writer = spec_json_writer_new(true);

	spec_json_writer_begin_object(writer);
	spec_json_writer_key_string(writer, "ociVersion", SPEC_OCI_VERSION);
	write_process(writer);
	spec_json_writer_key(writer, "root");
	spec_json_writer_begin_object(writer);
	spec_json_writer_key_string(writer, "path", "rootfs");
	spec_json_writer_key_bool(writer, "readonly", true);
	spec_json_writer_end_object(writer);
	spec_json_writer_key_string(writer, "hostname", "ctrun");

	spec_json_writer_key(writer, "mounts");
	spec_json_writer_begin_array(writer);
	write_mounts(writer, common_mounts, ARRAY_SIZE(common_mounts));
	if (rootless)
		write_mounts(writer, rootless_mounts, ARRAY_SIZE(rootless_mounts));
	else
		write_mounts(writer, privileged_mounts, ARRAY_SIZE(privileged_mounts));
	spec_json_writer_end_array(writer);

	write_linux(writer, rootless, host_uid, host_gid);
	spec_json_writer_end_object(writer);
	return spec_json_writer_finish(writer, ret_json, ret_len, err);
}
