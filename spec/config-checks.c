/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Validation of a parsed config.json, run before any side effect. The field
 * tables in config.c already checked types, integer ranges, required keys
 * and enumeration names. The checks here cover rules that involve values or
 * several fields, and each one reports the JSON path and the value.
 */
#include <ctype.h>
#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base.h"
#include "config.h"
#include "fields.h"

/* The JSON path of one array element, for example "linux.devices[3]". */
struct where {
	char text[128];
};

static struct where element(const char *array, size_t index)
{
	struct where where;
	snprintf(where.text, sizeof(where.text), "%s[%zu]", array, index);
	return where;
}

static int invalid(struct libct_error *err, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static int invalid(struct libct_error *err, const char *fmt, ...)
{
	char message[LIBCT_ERROR_MESSAGE_MAX];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(message, sizeof(message), fmt, ap);
	va_end(ap);
	return ct_error_set(err, EINVAL, "%s", message);
}

static int require_absolute(struct libct_error *err, const char *path, const char *value)
{
	if (value != NULL && value[0] != '/')
		return invalid(err, "%s: \"%s\" is not an absolute path", path, value);
	return 0;
}

static bool has_namespace(const struct spec_linux *linux_config, enum spec_namespace_type type)
{
	for (size_t i = 0; i < linux_config->n_namespaces; i++)
		if (linux_config->namespaces[i].type == type)
			return true;
	return false;
}

static const struct spec_namespace *find_namespace(const struct spec_linux *linux_config,
						   enum spec_namespace_type type)
{
	for (size_t i = 0; i < linux_config->n_namespaces; i++)
		if (linux_config->namespaces[i].type == type)
			return &linux_config->namespaces[i];
	return NULL;
}

/* ------------------------------------------------------- ociVersion */

static bool parse_version_number(const char **cursor, unsigned long *ret)
{
	const char *p = *cursor;
	if (!isdigit((unsigned char)*p) || (p[0] == '0' && isdigit((unsigned char)p[1])))
		return false;
	char *end;
	errno = 0;
	*ret = strtoul(p, &end, 10);
	*cursor = end;
	return errno == 0;
}

/*
 * Accepts SemVer 1.0.0 to 1.3.x with any pre-release or build suffix. Major
 * version 0 is accepted too, because documents written against the drafts
 * that preceded 1.0.0 use the same fields. The runtime-spec v1.3.0 example
 * examples/config/good/spec-example.json still carries "0.5.0-dev".
 */
static int check_oci_version(const struct spec_config *config, struct libct_error *err)
{
	const char *version = config->oci_version;
	const char *p = version;
	unsigned long major, minor, patch;
	bool valid = parse_version_number(&p, &major) && *p++ == '.' && parse_version_number(&p, &minor) &&
		     *p++ == '.' && parse_version_number(&p, &patch);
	if (valid && *p != '\0' && *p != '-' && *p != '+')
		valid = false;
	if (valid && (*p == '-' || *p == '+') && p[1] == '\0')
		valid = false;
	if (!valid)
		return invalid(err, "ociVersion: invalid version \"%s\", expected MAJOR.MINOR.PATCH",
			       version);
	if (major > 1 || (major == 1 && minor > 3))
		return invalid(err, "ociVersion: unsupported version \"%s\", expected 1.0.0 to 1.3.x",
			       version);
	return 0;
}

/* ------------------------------------------------------ root, mounts */

static int check_root(const struct spec_config *config, struct libct_error *err)
{
	if (config->root.path[0] == '\0')
		return invalid(err, "root.path: must not be empty");
	return 0;
}

/*
 * The kernel reads uid and gid 4294967295, (uid_t)-1, as "leave unchanged" in
 * setresuid(2), setgroups(2) and chown(2), so a process configured with it
 * would keep the runtime's ids, usually root. Every other uint32 value is a
 * valid kernel id and stays allowed, although runc 1.x rejects ids above
 * 2147483647: the spec types them as uint32 and user namespaces map them.
 */
#define INVALID_ID UINT32_MAX

static int check_id(struct libct_error *err, const char *path, uint32_t id)
{
	if (id == INVALID_ID)
		return invalid(err, "%s: invalid id %" PRIu32 ", the value that the kernel reads as \"unchanged\"",
			       path, id);
	return 0;
}

static int check_id_mappings(struct libct_error *err, const char *array,
			     const struct spec_id_mapping *mappings, size_t count)
{
	for (size_t i = 0; i < count; i++) {
		if (mappings[i].size == 0)
			return invalid(err, "%s.size: must be greater than 0", element(array, i).text);
		/* The kernel rejects a uid_map or gid_map range that includes INVALID_ID. */
		if ((uint64_t)mappings[i].container_id + mappings[i].size - 1 >= INVALID_ID ||
		    (uint64_t)mappings[i].host_id + mappings[i].size - 1 >= INVALID_ID)
			return invalid(err, "%s: range of %" PRIu32 " ids goes past 4294967294",
				       element(array, i).text, mappings[i].size);
	}
	return 0;
}

static int check_mounts(const struct spec_config *config, struct libct_error *err)
{
	for (size_t i = 0; i < config->n_mounts; i++) {
		const struct spec_mount *mount = &config->mounts[i];
		struct where where = element("mounts", i);
		char array[160];
		int r;

		if (mount->destination[0] == '\0')
			return invalid(err, "%s.destination: must not be empty", where.text);
		if ((mount->n_uid_mappings == 0) != (mount->n_gid_mappings == 0))
			return invalid(err, "%s: uidMappings and gidMappings must be given together",
				       where.text);
		snprintf(array, sizeof(array), "%s.uidMappings", where.text);
		r = check_id_mappings(err, array, mount->uid_mappings, mount->n_uid_mappings);
		if (r < 0)
			return r;
		snprintf(array, sizeof(array), "%s.gidMappings", where.text);
		r = check_id_mappings(err, array, mount->gid_mappings, mount->n_gid_mappings);
		if (r < 0)
			return r;
	}
	return 0;
}

/* ---------------------------------------------------------- process */

static bool is_cpu_list(const char *list)
{
	return strspn(list, "0123456789, -") == strlen(list);
}

static int check_user_ids(const struct spec_user *user, struct libct_error *err)
{
	int r = check_id(err, "process.user.uid", user->uid);
	if (r == 0)
		r = check_id(err, "process.user.gid", user->gid);
	for (size_t i = 0; r == 0 && i < user->n_additional_gids; i++)
		r = check_id(err, element("process.user.additionalGids", i).text, user->additional_gids[i]);
	return r;
}

static int check_process(const struct spec_config *config, struct libct_error *err)
{
	const struct spec_process *process = config->process;
	if (process == NULL)
		return 0;

	if (process->n_args == 0)
		return invalid(err, "process.args: must contain at least one element");
	if (process->cwd[0] != '/')
		return invalid(err, "process.cwd: \"%s\" is not an absolute path", process->cwd);
	int r = check_user_ids(&process->user, err);
	if (r < 0)
		return r;
	if (process->user.umask.set && process->user.umask.value > 07777)
		return invalid(err, "process.user.umask: value %" PRIu64 " is greater than 07777 (4095)",
			       process->user.umask.value);

	const struct spec_exec_cpu_affinity *affinity = &process->exec_cpu_affinity;
	if (affinity->initial != NULL && !is_cpu_list(affinity->initial))
		return invalid(err, "process.execCPUAffinity.initial: invalid CPU list \"%s\"",
			       affinity->initial);
	if (affinity->final != NULL && !is_cpu_list(affinity->final))
		return invalid(err, "process.execCPUAffinity.final: invalid CPU list \"%s\"",
			       affinity->final);
	return 0;
}

static int check_rlimits(const struct spec_config *config, struct libct_error *err)
{
	const struct spec_process *process = config->process;
	for (size_t i = 0; process != NULL && i < process->n_rlimits; i++) {
		for (size_t j = 0; j < i; j++)
			if (process->rlimits[j].resource == process->rlimits[i].resource)
				return invalid(err, "%s.type: duplicate rlimit \"%s\"",
					       element("process.rlimits", i).text, process->rlimits[i].type);
		if (process->rlimits[i].soft > process->rlimits[i].hard)
			return invalid(err, "%s: soft limit %" PRIu64 " is greater than hard limit %" PRIu64,
				       element("process.rlimits", i).text, process->rlimits[i].soft,
				       process->rlimits[i].hard);
	}
	return 0;
}

static int check_io_priority(const struct spec_config *config, struct libct_error *err)
{
	const struct spec_process *process = config->process;
	/* ioprio_set(2) takes levels 0 (highest) to 7 for the RT and BE classes. */
	if (process != NULL && process->io_priority.set &&
	    (process->io_priority.priority < 0 || process->io_priority.priority > 7))
		return invalid(err, "process.ioPriority.priority: value %" PRId64 " is out of range (0 to 7)",
			       process->io_priority.priority);
	return 0;
}

/* ------------------------------------------------------------ hooks */

static int check_hook_list(struct libct_error *err, const char *name, const struct spec_hook_list *list)
{
	char array[64];
	snprintf(array, sizeof(array), "hooks.%s", name);
	for (size_t i = 0; i < list->n_hooks; i++) {
		const struct spec_hook *hook = &list->hooks[i];
		struct where where = element(array, i);
		char path[160];
		snprintf(path, sizeof(path), "%s.path", where.text);
		int r = require_absolute(err, path, hook->path);
		if (r < 0)
			return r;
		if (hook->timeout.set && hook->timeout.value <= 0)
			return invalid(err, "%s.timeout: value %" PRId64 " must be greater than 0",
				       where.text, hook->timeout.value);
	}
	return 0;
}

static int check_hooks(const struct spec_config *config, struct libct_error *err)
{
	const struct spec_hooks *hooks = &config->hooks;
	int r = check_hook_list(err, "prestart", &hooks->prestart);
	if (r == 0)
		r = check_hook_list(err, "createRuntime", &hooks->create_runtime);
	if (r == 0)
		r = check_hook_list(err, "createContainer", &hooks->create_container);
	if (r == 0)
		r = check_hook_list(err, "startContainer", &hooks->start_container);
	if (r == 0)
		r = check_hook_list(err, "poststart", &hooks->poststart);
	if (r == 0)
		r = check_hook_list(err, "poststop", &hooks->poststop);
	return r;
}

/* ------------------------------------------------- linux namespaces */

static int check_namespaces(const struct spec_config *config, struct libct_error *err)
{
	const struct spec_linux *linux_config = &config->linux_config;
	for (size_t i = 0; i < linux_config->n_namespaces; i++) {
		const struct spec_namespace *ns = &linux_config->namespaces[i];
		struct where where = element("linux.namespaces", i);
		for (size_t j = 0; j < i; j++)
			if (linux_config->namespaces[j].type == ns->type)
				return invalid(err, "%s.type: duplicate namespace type \"%s\"", where.text,
					       spec_namespace_type_name(ns->type));
		char path[160];
		snprintf(path, sizeof(path), "%s.path", where.text);
		int r = require_absolute(err, path, ns->path);
		if (r < 0)
			return r;
	}
	return 0;
}

static int check_user_namespace(const struct spec_config *config, struct libct_error *err)
{
	const struct spec_linux *linux_config = &config->linux_config;
	bool has_mappings = linux_config->n_uid_mappings > 0 || linux_config->n_gid_mappings > 0;
	const struct spec_namespace *user_ns = find_namespace(linux_config, SPEC_NS_USER);

	int r = check_id_mappings(err, "linux.uidMappings", linux_config->uid_mappings,
				  linux_config->n_uid_mappings);
	if (r == 0)
		r = check_id_mappings(err, "linux.gidMappings", linux_config->gid_mappings,
				      linux_config->n_gid_mappings);
	if (r < 0)
		return r;

	if (has_mappings && user_ns == NULL)
		return invalid(
			err, "linux.uidMappings: user id mappings need a \"user\" entry in linux.namespaces");
	/* Joining an existing user namespace uses its mappings, so only a
	 * new one needs them. */
	if (user_ns != NULL && user_ns->path == NULL) {
		if (linux_config->n_uid_mappings == 0)
			return invalid(
				err,
				"linux.uidMappings: a new user namespace needs at least one uid mapping");
		if (linux_config->n_gid_mappings == 0)
			return invalid(
				err,
				"linux.gidMappings: a new user namespace needs at least one gid mapping");
	}
	return 0;
}

static int check_time_offsets(const struct spec_config *config, struct libct_error *err)
{
	const struct spec_linux *linux_config = &config->linux_config;
	const struct spec_time_offsets *offsets = &linux_config->time_offsets;
	if (!offsets->monotonic.set && !offsets->boottime.set)
		return 0;
	if (!has_namespace(linux_config, SPEC_NS_TIME))
		return invalid(err,
			       "linux.timeOffsets: time offsets need a \"time\" entry in linux.namespaces");
	const struct spec_time_offset *clocks[] = { &offsets->monotonic, &offsets->boottime };
	const char *names[] = { "monotonic", "boottime" };
	for (size_t i = 0; i < 2; i++)
		if (clocks[i]->set && clocks[i]->nanosecs >= 1000000000)
			return invalid(err,
				       "linux.timeOffsets.%s.nanosecs: value %" PRIu32
				       " is not below 1000000000",
				       names[i], clocks[i]->nanosecs);
	return 0;
}

/* ------------------------------------------------- devices, network */

static int check_devices(const struct spec_config *config, struct libct_error *err)
{
	const struct spec_linux *linux_config = &config->linux_config;
	for (size_t i = 0; i < linux_config->n_devices; i++) {
		const struct spec_device *device = &linux_config->devices[i];
		struct where where = element("linux.devices", i);
		char path[160];

		if (strlen(device->type) != 1 || strchr("cbup", device->type[0]) == NULL)
			return invalid(
				err,
				"%s.type: unknown device type \"%s\", expected \"c\", \"b\", \"u\" or \"p\"",
				where.text, device->type);
		snprintf(path, sizeof(path), "%s.path", where.text);
		int r = require_absolute(err, path, device->path);
		if (r < 0)
			return r;
		if (device->type[0] != 'p' && (!device->major_set || !device->minor_set))
			return invalid(err, "%s: missing required field \"%s\" for device type \"%s\"",
				       where.text, device->major_set ? "minor" : "major", device->type);
		/* -1 means "any" only in linux.resources.devices; a node needs real numbers. */
		if (device->type[0] != 'p' && (device->major < 0 || device->minor < 0))
			return invalid(err, "%s.%s: must not be negative, got %" PRId64, where.text,
				       device->major < 0 ? "major" : "minor",
				       device->major < 0 ? device->major : device->minor);
		/* Linux device numbers have a 12-bit major and a 20-bit minor;
		 * a larger value would be cut to another device's number. */
		if (device->type[0] != 'p' && (device->major > 0xfff || device->minor > 0xfffff))
			return invalid(err, "%s.%s: %" PRId64 " is larger than Linux device numbers allow (%s)",
				       where.text, device->major > 0xfff ? "major" : "minor",
				       device->major > 0xfff ? device->major : device->minor,
				       device->major > 0xfff ? "4095" : "1048575");
		snprintf(path, sizeof(path), "%s.uid", where.text);
		r = device->uid.set ? check_id(err, path, (uint32_t)device->uid.value) : 0;
		snprintf(path, sizeof(path), "%s.gid", where.text);
		if (r == 0 && device->gid.set)
			r = check_id(err, path, (uint32_t)device->gid.value);
		if (r < 0)
			return r;
	}
	return 0;
}

/* Returns why name cannot be a network interface name, or NULL. The kernel
 * (dev_valid_name()) limits names to IFNAMSIZ - 1 bytes without "/",
 * ":" or whitespace, and rejects "." and "..". */
static const char *net_device_name_problem(const char *name)
{
	if (name[0] == '\0')
		return "is empty";
	if (strlen(name) > 15)
		return "is longer than 15 characters";
	if (strcmp(name, ".") == 0 || strcmp(name, "..") == 0)
		return "is \".\" or \"..\"";
	for (const char *p = name; *p != '\0'; p++)
		if (*p == '/' || *p == ':' || isspace((unsigned char)*p))
			return "contains \"/\", \":\" or whitespace";
	return NULL;
}

static int check_net_devices(const struct spec_config *config, struct libct_error *err)
{
	const struct spec_linux *linux_config = &config->linux_config;
	for (size_t i = 0; i < linux_config->n_net_devices; i++) {
		const struct spec_net_device *device = &linux_config->net_devices[i];
		const char *problem = net_device_name_problem(device->host_name);
		if (problem != NULL)
			return invalid(err, "linux.netDevices: invalid network device name \"%s\": name %s",
				       device->host_name, problem);
		problem = device->name == NULL ? NULL : net_device_name_problem(device->name);
		if (problem != NULL)
			return invalid(
				err, "linux.netDevices.%s.name: invalid network device name \"%s\": name %s",
				device->host_name, device->name, problem);
	}
	return 0;
}

/* -------------------------------------------------------- resources */

static int check_device_rules(const struct spec_config *config, struct libct_error *err)
{
	const struct spec_resources *resources = &config->linux_config.resources;
	for (size_t i = 0; i < resources->n_devices; i++) {
		const struct spec_device_rule *rule = &resources->devices[i];
		struct where where = element("linux.resources.devices", i);
		if (rule->type != NULL && (strlen(rule->type) != 1 || strchr("acb", rule->type[0]) == NULL))
			return invalid(err,
				       "%s.type: unknown device type \"%s\", expected \"a\", \"c\" or \"b\"",
				       where.text, rule->type);
		if (rule->access != NULL && strspn(rule->access, "rwm") != strlen(rule->access))
			return invalid(err,
				       "%s.access: invalid access \"%s\", expected a combination of \"r\", "
				       "\"w\" and \"m\"",
				       where.text, rule->access);
	}
	return 0;
}

/* A hugepage size is written as digits followed by KB, MB or GB ("2MB"). */
static bool is_page_size(const char *size)
{
	size_t digits = strspn(size, "0123456789");
	return digits > 0 && size[0] != '0' && strchr("KMG", size[digits]) != NULL && size[digits] != '\0' &&
	       size[digits + 1] == 'B' && size[digits + 2] == '\0';
}

static int check_resource_entries(const struct spec_config *config, struct libct_error *err)
{
	const struct spec_resources *resources = &config->linux_config.resources;
	for (size_t i = 0; i < resources->n_hugepage_limits; i++)
		if (!is_page_size(resources->hugepage_limits[i].page_size))
			return invalid(
				err, "%s.pageSize: invalid page size \"%s\", expected a size such as \"2MB\"",
				element("linux.resources.hugepageLimits", i).text,
				resources->hugepage_limits[i].page_size);
	for (size_t i = 0; i < resources->block_io.n_weight_device; i++) {
		const struct spec_weight_device *device = &resources->block_io.weight_device[i];
		if (!device->weight.set && !device->leaf_weight.set)
			return invalid(err, "%s: needs at least one of \"weight\" and \"leafWeight\"",
				       element("linux.resources.blockIO.weightDevice", i).text);
	}
	for (size_t i = 0; i < resources->n_rdma; i++)
		if (!resources->rdma[i].hca_handles.set && !resources->rdma[i].hca_objects.set)
			return invalid(err,
				       "linux.resources.rdma.%s: needs at least one of \"hcaHandles\" and "
				       "\"hcaObjects\"",
				       resources->rdma[i].device);
	return 0;
}

/* ------------------------------------------------- other linux parts */

static int check_intel_rdt(const struct spec_config *config, struct libct_error *err)
{
	const struct spec_intel_rdt *rdt = &config->linux_config.intel_rdt;
	if (rdt->mem_bw_schema != NULL &&
	    (strncmp(rdt->mem_bw_schema, "MB:", 3) != 0 || strchr(rdt->mem_bw_schema, '\n') != NULL))
		return invalid(err,
			       "linux.intelRdt.memBwSchema: \"%s\" must start with \"MB:\" and be one line",
			       rdt->mem_bw_schema);
	if (rdt->l3_cache_schema != NULL && strchr(rdt->l3_cache_schema, '\n') != NULL)
		return invalid(err, "linux.intelRdt.l3CacheSchema: must be one line");
	for (size_t i = 0; i < rdt->n_schemata; i++)
		if (strchr(rdt->schemata[i], '\n') != NULL)
			return invalid(err, "%s: must be one line",
				       element("linux.intelRdt.schemata", i).text);
	return 0;
}

static int check_seccomp(const struct spec_config *config, struct libct_error *err)
{
	const struct spec_seccomp *seccomp = &config->linux_config.seccomp;
	if (!seccomp->set)
		return 0;
	if (seccomp->listener_metadata != NULL && seccomp->listener_path == NULL)
		return invalid(err, "linux.seccomp.listenerMetadata: needs linux.seccomp.listenerPath");
	int r = require_absolute(err, "linux.seccomp.listenerPath", seccomp->listener_path);
	if (r < 0)
		return r;
	for (size_t i = 0; i < seccomp->n_syscalls; i++) {
		const struct spec_seccomp_syscall *syscall = &seccomp->syscalls[i];
		struct where where = element("linux.seccomp.syscalls", i);
		if (syscall->n_names == 0)
			return invalid(err, "%s.names: must contain at least one element", where.text);
		bool takes_errno = strcmp(syscall->action, "SCMP_ACT_ERRNO") == 0 ||
				   strcmp(syscall->action, "SCMP_ACT_TRACE") == 0;
		if (syscall->errno_ret.set && !takes_errno)
			return invalid(err, "%s.errnoRet: not allowed with action \"%s\"", where.text,
				       syscall->action);
	}
	return 0;
}

static int check_memory_policy(const struct spec_config *config, struct libct_error *err)
{
	const struct spec_memory_policy *policy = &config->linux_config.memory_policy;
	if (!policy->set)
		return 0;
	bool no_nodes = strcmp(policy->mode, "MPOL_DEFAULT") == 0 || strcmp(policy->mode, "MPOL_LOCAL") == 0;
	bool has_nodes = policy->nodes != NULL && policy->nodes[0] != '\0';
	if (no_nodes && has_nodes)
		return invalid(err, "linux.memoryPolicy.nodes: mode \"%s\" takes no nodes, got \"%s\"",
			       policy->mode, policy->nodes);
	if (!no_nodes && strcmp(policy->mode, "MPOL_PREFERRED") != 0 && !has_nodes)
		return invalid(err, "linux.memoryPolicy.nodes: mode \"%s\" needs at least one node",
			       policy->mode);
	if (has_nodes && !is_cpu_list(policy->nodes))
		return invalid(err, "linux.memoryPolicy.nodes: invalid node list \"%s\"", policy->nodes);
	return 0;
}

static int check_personality(const struct spec_config *config, struct libct_error *err)
{
	const struct spec_personality *personality = &config->linux_config.personality;
	/* runtime-spec v1.3.0 defines no personality flags yet. */
	if (personality->set && personality->n_flags > 0)
		return invalid(err, "linux.personality.flags[0]: unsupported personality flag \"%s\"",
			       personality->flags[0]);
	return 0;
}

static int check_path_lists(const struct spec_config *config, struct libct_error *err)
{
	const struct spec_linux *linux_config = &config->linux_config;
	for (size_t i = 0; i < linux_config->n_masked_paths; i++) {
		int r = require_absolute(err, element("linux.maskedPaths", i).text,
					 linux_config->masked_paths[i]);
		if (r < 0)
			return r;
	}
	for (size_t i = 0; i < linux_config->n_readonly_paths; i++) {
		int r = require_absolute(err, element("linux.readonlyPaths", i).text,
					 linux_config->readonly_paths[i]);
		if (r < 0)
			return r;
	}
	return 0;
}

static int check_map_keys(const struct spec_config *config, struct libct_error *err)
{
	const struct spec_map *maps[] = { &config->annotations, &config->linux_config.sysctl,
					  &config->linux_config.resources.unified };
	const char *names[] = { "annotations", "linux.sysctl", "linux.resources.unified" };
	for (size_t i = 0; i < sizeof(maps) / sizeof(maps[0]); i++)
		for (size_t j = 0; j < maps[i]->n_entries; j++)
			if (maps[i]->entries[j].key[0] == '\0')
				return invalid(err, "%s: keys must not be empty", names[i]);
	return 0;
}

/* Returns whether key names a file below /proc/sys: its components, split
 * at "/" when it has one and at "." otherwise, are neither empty nor "." or
 * "..". */
static bool is_sysctl_key(const char *key)
{
	char separator = strchr(key, '/') != NULL ? '/' : '.';
	const char *start = key;
	for (;;) {
		const char *end = strchr(start, separator);
		size_t len = end != NULL ? (size_t)(end - start) : strlen(start);
		if (len == 0 || (len == 1 && start[0] == '.') || (len == 2 && start[0] == '.' && start[1] == '.'))
			return false;
		if (end == NULL)
			return true;
		start = end + 1;
	}
}

/* A key such as "net/../kernel/core_pattern" would pass the check of its
 * namespace and then write a file of the whole host. */
static int check_sysctl_keys(const struct spec_config *config, struct libct_error *err)
{
	const struct spec_map *sysctl = &config->linux_config.sysctl;
	for (size_t i = 0; i < sysctl->n_entries; i++)
		if (!is_sysctl_key(sysctl->entries[i].key))
			return invalid(err,
				       "linux.sysctl: invalid key \"%s\": use a name such as \"net.ipv4.ip_forward\", "
				       "without empty, \".\" or \"..\" components",
				       sysctl->entries[i].key);
	return 0;
}

/* Without its own UTS namespace, the container would rename the host. An
 * empty name changes nothing, and some callers write one. */
static int check_hostname(const struct spec_config *config, struct libct_error *err)
{
	bool has_uts = has_namespace(&config->linux_config, SPEC_NS_UTS);
	if (config->hostname != NULL && config->hostname[0] != '\0' && !has_uts)
		return invalid(err, "hostname: setting \"%s\" needs a \"uts\" entry in linux.namespaces",
			       config->hostname);
	if (config->domainname != NULL && config->domainname[0] != '\0' && !has_uts)
		return invalid(err, "domainname: setting \"%s\" needs a \"uts\" entry in linux.namespaces",
			       config->domainname);
	return 0;
}

/* ------------------------------------------------------------- list */

struct config_check {
	const char *name;
	int (*run)(const struct spec_config *config, struct libct_error *err);
};

static const struct config_check config_checks[] = {
	{ "ociVersion", check_oci_version },
	{ "root", check_root },
	{ "mounts", check_mounts },
	{ "process", check_process },
	{ "rlimits", check_rlimits },
	{ "I/O priority", check_io_priority },
	{ "hooks", check_hooks },
	{ "namespaces", check_namespaces },
	{ "user namespace", check_user_namespace },
	{ "time offsets", check_time_offsets },
	{ "devices", check_devices },
	{ "network devices", check_net_devices },
	{ "device cgroup rules", check_device_rules },
	{ "resource entries", check_resource_entries },
	{ "Intel RDT", check_intel_rdt },
	{ "seccomp", check_seccomp },
	{ "memory policy", check_memory_policy },
	{ "personality", check_personality },
	{ "masked and read-only paths", check_path_lists },
	{ "map keys", check_map_keys },
	{ "sysctl keys", check_sysctl_keys },
	{ "hostname", check_hostname },
};

int spec_config_check(const struct spec_config *config, struct libct_error *err)
{
	for (size_t i = 0; i < sizeof(config_checks) / sizeof(config_checks[0]); i++) {
		int r = config_checks[i].run(config, err);
		if (r < 0)
			return r;
	}
	return 0;
}

int spec_process_check(const struct spec_process *process, struct libct_error *err)
{
	const struct spec_config config = { .process = (struct spec_process *)process };
	int r = check_process(&config, err);
	if (r == 0)
		r = check_rlimits(&config, err);
	if (r == 0)
		r = check_io_priority(&config, err);
	return r;
}
