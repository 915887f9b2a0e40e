/* SPDX-License-Identifier: Apache-2.0 */
/*
 * linux.resources: validates the config, finds the hierarchy that contains
 * each controller (a v1 mount, else the cgroup2 hierarchy) and calls the
 * writer of that kind. docs/cgroups.md describes the behaviour.
 */
#include <inttypes.h>
#include <string.h>

#include "cgroup-internal.h"

/* ------------------------------------------------------------ helpers */

bool ct_cgroup_has_file(const char *dir, const char *file)
{
	_cleanup_free_ char *path = ct_asprintf("%s/%s", dir, file);
	return access(path, F_OK) == 0;
}

int ct_cgroup_write_field(const char *dir, const char *file, const char *value, const char *field,
                          struct libct_error *err)
{
	struct libct_error local = {0};
	int r = ct_cgroup_write(dir, file, value, &local);
	if (r == -ENOENT && !ct_cgroup_has_file(dir, file))
		return ct_error_set(
		    err, ENOTSUP, "%s: not supported, because cgroup \"%s\" has no \"%s\" file on this host",
		    field, dir, file);
	if (r < 0) {
		if (err != NULL)
			*err = local;
		return ct_error_prefix(err, "%s", field);
	}
	return 0;
}

int ct_cgroup_hugepage_name(const char *page_size, char *buffer, size_t size, size_t index,
                            struct libct_error *err)
{
	static const char *const units[] = {"B", "KB", "MB", "GB", "TB"};
	char *end = NULL;
	errno = 0;
	unsigned long long value = page_size != NULL ? strtoull(page_size, &end, 10) : 0;
	size_t unit = 0;
	while (end != NULL && unit < 5 && strcmp(end, units[unit]) != 0)
		unit++;
	if (page_size == NULL || errno != 0 || end == page_size || value == 0 || unit == 5 || unit == 0)
		return ct_error_set(
		    err, EINVAL,
		    "linux.resources.hugepageLimits[%zu].pageSize: invalid value \"%s\", expected a "
		    "size such as \"2MB\" or \"1GB\"",
		    index, page_size != NULL ? page_size : "");
	/* The kernel names each size with the largest unit that divides it,
	 * so "2048KB" is the file "hugetlb.2MB...". */
	while (unit < 4 && value % 1024 == 0) {
		value /= 1024;
		unit++;
	}
	(void)snprintf(buffer, size, "%llu%s", value, units[unit]);
	return 0;
}

static bool has_controller(char *const *controllers, const char *name)
{
	for (size_t i = 0; controllers != NULL && controllers[i] != NULL; i++)
		if (strcmp(controllers[i], name) == 0)
			return true;
	return false;
}

/* ---------------------------------------------------------- validation */

static int check_memory_values(const struct spec_memory *memory, struct libct_error *err)
{
	if (memory->swappiness.set && memory->swappiness.value > 100)
		return ct_error_set(err, EINVAL,
		                    "linux.resources.memory.swappiness: invalid value %" PRIu64
		                    ", expected 0 to 100",
		                    memory->swappiness.value);
	return 0;
}

static int check_cpu_values(const struct spec_resources *resources, struct libct_error *err)
{
	const struct spec_cpu *cpu = &resources->cpu;
	if (resources->pids_limit.set && resources->pids_limit.value < -1)
		return ct_error_set(err, EINVAL,
		                    "linux.resources.pids.limit: invalid value %" PRId64
		                    ", expected -1 (no limit) or a count",
		                    resources->pids_limit.value);
	if (cpu->idle.set && cpu->idle.value != 0 && cpu->idle.value != 1)
		return ct_error_set(err, EINVAL,
		                    "linux.resources.cpu.idle: invalid value %" PRId64 ", expected 0 or 1",
		                    cpu->idle.value);
	if (cpu->burst.set && cpu->quota.set && cpu->quota.value > 0 &&
	    cpu->burst.value > (uint64_t)cpu->quota.value)
		return ct_error_set(
		    err, EINVAL, "linux.resources.cpu.burst: %" PRIu64 " is larger than the quota %" PRId64,
		    cpu->burst.value, cpu->quota.value);
	return 0;
}

static int check_weight(const struct spec_opt_u64 *weight, const char *field, struct libct_error *err)
{
	/* 0 is what Go callers write for an absent weight. */
	if (weight->set && weight->value != 0 && (weight->value < 10 || weight->value > 1000))
		return ct_error_set(err, EINVAL, "%s: invalid value %" PRIu64 ", expected 10 to 1000", field,
		                    weight->value);
	return 0;
}

static int check_block_io_values(const struct spec_block_io *io, struct libct_error *err)
{
	int r = check_weight(&io->weight, "linux.resources.blockIO.weight", err);
	if (r == 0)
		r = check_weight(&io->leaf_weight, "linux.resources.blockIO.leafWeight", err);
	for (size_t i = 0; r == 0 && i < io->n_weight_device; i++) {
		r = check_weight(&io->weight_device[i].weight,
		                 "linux.resources.blockIO.weightDevice[].weight", err);
		if (r == 0)
			r = check_weight(&io->weight_device[i].leaf_weight,
			                 "linux.resources.blockIO.weightDevice[].leafWeight", err);
	}
	return r;
}

/* A name that goes into a control file line must not split it. */
static bool is_plain_word(const char *text, size_t max)
{
	size_t len = text != NULL ? strlen(text) : 0;
	return len > 0 && len < max && strpbrk(text, " \t\n=") == NULL;
}

static int check_other_values(const struct spec_resources *resources, struct libct_error *err)
{
	for (size_t i = 0; i < resources->n_hugepage_limits; i++) {
		char name[32];
		int r = ct_cgroup_hugepage_name(resources->hugepage_limits[i].page_size, name, sizeof(name),
		                                i, err);
		if (r < 0)
			return r;
	}
	for (size_t i = 0; i < resources->n_rdma; i++) {
		const struct spec_rdma_entry *entry = &resources->rdma[i];
		if (!is_plain_word(entry->device, 64))
			return ct_error_set(err, EINVAL, "linux.resources.rdma: invalid device name \"%s\"",
			                    entry->device != NULL ? entry->device : "");
		if (!entry->hca_handles.set && !entry->hca_objects.set)
			return ct_error_set(err, EINVAL,
			                    "linux.resources.rdma.%s: needs hcaHandles or hcaObjects",
			                    entry->device);
	}
	for (size_t i = 0; i < resources->network.n_priorities; i++)
		if (!is_plain_word(resources->network.priorities[i].name, 64))
			return ct_error_set(err, EINVAL,
			                    "linux.resources.network.priorities[%zu].name: invalid interface "
			                    "name \"%s\"",
			                    i,
			                    resources->network.priorities[i].name != NULL
			                        ? resources->network.priorities[i].name
			                        : "");
	return 0;
}

/* ------------------------------------------------------------- unified */

/* cgroup.* files that only change limits; the others (cgroup.procs,
 * cgroup.subtree_control, cgroup.kill, ...) belong to the runtime. */
static const char *const safe_core_files[] = {"cgroup.max.depth", "cgroup.max.descendants", NULL};

/* Returns the controller of a unified key ("memory" for "memory.high"),
 * or NULL for a core cgroup.* file. */
static int unified_controller(const char *key, char **ret_controller, struct libct_error *err)
{
	const char *dot = key != NULL ? strchr(key, '.') : NULL;
	if (dot == NULL || dot == key || dot[1] == '\0' || strchr(key, '/') != NULL ||
	    strstr(key, "..") != NULL)
		return ct_error_set(
		    err, EINVAL,
		    "linux.resources.unified: invalid key \"%s\", expected a file name such as "
		    "\"memory.high\"",
		    key != NULL ? key : "");
	if (strncmp(key, "cgroup.", 7) == 0) {
		for (size_t i = 0; safe_core_files[i] != NULL; i++)
			if (strcmp(key, safe_core_files[i]) == 0) {
				*ret_controller = NULL;
				return 0;
			}
		return ct_error_set(err, EPERM,
		                    "linux.resources.unified.\"%s\": the runtime manages this file, only "
		                    "cgroup.max.depth and cgroup.max.descendants may be set",
		                    key);
	}
	*ret_controller = ct_strndup(key, (size_t)(dot - key));
	return 0;
}

static int check_unified(const struct ct_cgroup *cgroup, const struct spec_map *unified,
                         struct libct_error *err)
{
	if (unified->n_entries == 0)
		return 0;
	const struct ct_cgroup_hierarchy *hierarchy = ct_cgroup_find(cgroup, CT_CGROUP_UNIFIED);
	if (hierarchy == NULL)
		return ct_error_set(
		    err, ENOTSUP,
		    "linux.resources.unified: not supported, because the host mounts no cgroup2 "
		    "hierarchy");
	for (size_t i = 0; i < unified->n_entries; i++) {
		_cleanup_free_ char *controller = NULL;
		int r = unified_controller(unified->entries[i].key, &controller, err);
		if (r < 0)
			return r;
		if (controller != NULL && !has_controller(hierarchy->controllers, controller))
			return ct_error_set(
			    err, ENOTSUP,
			    "linux.resources.unified.\"%s\": the \"%s\" controller is not available "
			    "in the cgroup2 hierarchy \"%s\"",
			    unified->entries[i].key, controller,
			    hierarchy->mount_point != NULL ? hierarchy->mount_point : hierarchy->dir);
		if (unified->entries[i].value == NULL)
			return ct_error_set(err, EINVAL,
			                    "linux.resources.unified.\"%s\": the value is missing",
			                    unified->entries[i].key);
	}
	return 0;
}

static int set_unified(const char *dir, const struct spec_map *unified, struct libct_error *err)
{
	for (size_t i = 0; i < unified->n_entries; i++) {
		const struct spec_map_entry *entry = &unified->entries[i];
		_cleanup_free_ char *field = ct_asprintf("linux.resources.unified.\"%s\"", entry->key);
		int r = ct_cgroup_write_field(dir, entry->key, entry->value, field, err);
		if (r < 0)
			return r;
	}
	return 0;
}

/* ---------------------------------------------------------- controllers */

/* A part of linux.resources and the controller that applies it. */
struct controller_use {
	const char *field;
	const char *v1; /* the v1 controller, NULL when v1 has none */
	const char *v2; /* the cgroup2 controller, NULL when cgroup2 has none */
	bool (*is_set)(const struct spec_resources *resources);
	int (*check_v2)(const struct spec_resources *resources, struct libct_error *err);
	int (*set)(const char *dir, bool unified, const struct spec_resources *resources,
	           struct libct_error *err);
};

static bool memory_is_set(const struct spec_resources *resources)
{
	const struct spec_memory *m = &resources->memory;
	return m->limit.set || m->reservation.set || m->swap.set || m->kernel_tcp.set || m->swappiness.set ||
	       m->disable_oom_killer.set || m->use_hierarchy.set;
}

static int check_memory_v2(const struct spec_resources *resources, struct libct_error *err)
{
	return ct_cgroup_v2_check_memory(&resources->memory, err);
}

static int set_memory(const char *dir, bool unified, const struct spec_resources *resources,
                      struct libct_error *err)
{
	if (unified)
		return ct_cgroup_v2_set_memory(dir, &resources->memory, err);
	int r = ct_cgroup_v1_set_memory(dir, &resources->memory, err);
	if (r == 0 && resources->memory.kernel_tcp.set)
		r = ct_cgroup_v1_set_kernel_tcp(dir, &resources->memory.kernel_tcp, err);
	return r;
}

static bool pids_is_set(const struct spec_resources *resources)
{
	return resources->pids_limit.set;
}

static int set_pids(const char *dir, bool unified, const struct spec_resources *resources,
                    struct libct_error *err)
{
	return unified ? ct_cgroup_v2_set_pids(dir, &resources->pids_limit, err)
	               : ct_cgroup_v1_set_pids(dir, &resources->pids_limit, err);
}

static bool cpu_is_set(const struct spec_resources *resources)
{
	const struct spec_cpu *cpu = &resources->cpu;
	return cpu->shares.set || cpu->quota.set || cpu->burst.set || cpu->period.set ||
	       cpu->realtime_runtime.set || cpu->realtime_period.set || cpu->idle.set;
}

static int check_cpu_v2(const struct spec_resources *resources, struct libct_error *err)
{
	return ct_cgroup_v2_check_cpu(&resources->cpu, err);
}

static int set_cpu(const char *dir, bool unified, const struct spec_resources *resources,
                   struct libct_error *err)
{
	return unified ? ct_cgroup_v2_set_cpu(dir, &resources->cpu, err)
	               : ct_cgroup_v1_set_cpu(dir, &resources->cpu, err);
}

static bool cpuset_is_set(const struct spec_resources *resources)
{
	return resources->cpu.cpus != NULL || resources->cpu.mems != NULL;
}

static int set_cpuset(const char *dir, bool unified, const struct spec_resources *resources,
                      struct libct_error *err)
{
	return unified ? ct_cgroup_v2_set_cpuset(dir, &resources->cpu, err)
	               : ct_cgroup_v1_set_cpuset(dir, &resources->cpu, err);
}

static bool block_io_is_set(const struct spec_resources *resources)
{
	const struct spec_block_io *io = &resources->block_io;
	return (io->weight.set && io->weight.value != 0) ||
	       (io->leaf_weight.set && io->leaf_weight.value != 0) || io->n_weight_device > 0 ||
	       io->n_throttle_read_bps_device > 0 || io->n_throttle_write_bps_device > 0 ||
	       io->n_throttle_read_iops_device > 0 || io->n_throttle_write_iops_device > 0;
}

static int check_io_v2(const struct spec_resources *resources, struct libct_error *err)
{
	return ct_cgroup_v2_check_io(&resources->block_io, err);
}

static int set_block_io(const char *dir, bool unified, const struct spec_resources *resources,
                        struct libct_error *err)
{
	struct spec_block_io io = resources->block_io;
	/* A weight of 0 is how Go callers write an absent one. */
	io.weight.set = io.weight.set && io.weight.value != 0;
	io.leaf_weight.set = io.leaf_weight.set && io.leaf_weight.value != 0;
	return unified ? ct_cgroup_v2_set_io(dir, &io, err) : ct_cgroup_v1_set_blkio(dir, &io, err);
}

static bool hugetlb_is_set(const struct spec_resources *resources)
{
	return resources->n_hugepage_limits > 0;
}

static int set_hugetlb(const char *dir, bool unified, const struct spec_resources *resources,
                       struct libct_error *err)
{
	return ct_cgroup_set_hugetlb(dir, unified, resources->hugepage_limits, resources->n_hugepage_limits,
	                             err);
}

static bool class_id_is_set(const struct spec_resources *resources)
{
	return resources->network.class_id.set;
}

static int set_class_id(const char *dir, bool unified, const struct spec_resources *resources,
                        struct libct_error *err)
{
	(void)unified; /* cgroup2 has no net_cls */
	return ct_cgroup_v1_set_net_cls(dir, &resources->network, err);
}

static bool priorities_is_set(const struct spec_resources *resources)
{
	return resources->network.n_priorities > 0;
}

static int set_priorities(const char *dir, bool unified, const struct spec_resources *resources,
                          struct libct_error *err)
{
	(void)unified; /* cgroup2 has no net_prio */
	return ct_cgroup_v1_set_net_prio(dir, &resources->network, err);
}

static bool rdma_is_set(const struct spec_resources *resources)
{
	return resources->n_rdma > 0;
}

static int set_rdma(const char *dir, bool unified, const struct spec_resources *resources,
                    struct libct_error *err)
{
	(void)unified; /* rdma.max has the same form in v1 and cgroup2 */
	return ct_cgroup_set_rdma(dir, resources->rdma, resources->n_rdma, err);
}

static const struct controller_use controller_uses[] = {
    {"linux.resources.memory", "memory", "memory", memory_is_set, check_memory_v2, set_memory},
    {"linux.resources.pids", "pids", "pids", pids_is_set, NULL, set_pids},
    {"linux.resources.cpu", "cpu", "cpu", cpu_is_set, check_cpu_v2, set_cpu},
    {"linux.resources.cpu.cpus", "cpuset", "cpuset", cpuset_is_set, NULL, set_cpuset},
    {"linux.resources.blockIO", "blkio", "io", block_io_is_set, check_io_v2, set_block_io},
    {"linux.resources.hugepageLimits", "hugetlb", "hugetlb", hugetlb_is_set, NULL, set_hugetlb},
    {"linux.resources.network.classID", "net_cls", NULL, class_id_is_set, NULL, set_class_id},
    {"linux.resources.network.priorities", "net_prio", NULL, priorities_is_set, NULL, set_priorities},
    {"linux.resources.rdma", "rdma", "rdma", rdma_is_set, NULL, set_rdma},
};
#define N_CONTROLLER_USES (sizeof(controller_uses) / sizeof(controller_uses[0]))

/* Returns the hierarchy that holds the controller of use: its v1 mount,
 * else the cgroup2 hierarchy when that lists it. */
static const struct ct_cgroup_hierarchy *find_hierarchy(const struct ct_cgroup *cgroup,
                                                        const struct controller_use *use)
{
	for (size_t i = 0; use->v1 != NULL && i < cgroup->n_hierarchies; i++)
		if (!cgroup->hierarchies[i].unified &&
		    has_controller(cgroup->hierarchies[i].controllers, use->v1))
			return &cgroup->hierarchies[i];
	for (size_t i = 0; use->v2 != NULL && i < cgroup->n_hierarchies; i++)
		if (cgroup->hierarchies[i].unified &&
		    has_controller(cgroup->hierarchies[i].controllers, use->v2))
			return &cgroup->hierarchies[i];
	return NULL;
}

static int missing_controller(const struct ct_cgroup *cgroup, const struct controller_use *use,
                              struct libct_error *err)
{
	if (cgroup->layout == CT_CGROUP_LAYOUT_V2 && use->v2 == NULL)
		return ct_error_set(err, ENOTSUP, "%s: not supported on cgroup2, which has no %s controller",
		                    use->field, use->v1);
	const char *name = cgroup->layout == CT_CGROUP_LAYOUT_V2 ? use->v2 : use->v1;
	return ct_error_set(err, ENOTSUP, "%s: not supported, because no \"%s\" cgroup controller is mounted",
	                    use->field, name);
}

/* ------------------------------------------------------------- devices */

/* The v1 devices controller where it is mounted, else a device program
 * on the cgroup2 hierarchy, which does not need any controller. */
static const struct ct_cgroup_hierarchy *find_devices_hierarchy(const struct ct_cgroup *cgroup)
{
	const struct ct_cgroup_hierarchy *hierarchy = ct_cgroup_find(cgroup, "devices");
	if (hierarchy != NULL && !hierarchy->unified)
		return hierarchy;
	return ct_cgroup_find(cgroup, CT_CGROUP_UNIFIED);
}

static int apply_devices(const struct ct_cgroup *cgroup, const struct spec_resources *resources, bool write,
                         struct libct_error *err)
{
	_cleanup_free_ struct ct_device_rule *rules = NULL;
	size_t count = 0;
	int r = ct_cgroup_device_rules(resources, &rules, &count, err);
	if (r < 0)
		return r;
	const struct ct_cgroup_hierarchy *hierarchy = find_devices_hierarchy(cgroup);
	/* Without rules in the config, only the default devices would be
	 * allowed; a host without any way to restrict them keeps all. */
	if (hierarchy == NULL && resources->n_devices == 0)
		return 0;
	if (hierarchy == NULL)
		return ct_error_set(
		    err, ENOTSUP,
		    "linux.resources.devices: not supported, because the host mounts neither the v1 "
		    "devices controller nor a cgroup2 hierarchy");
	size_t n_config = count - ct_cgroup_default_device_count();
	if (hierarchy->unified)
		return write ? ct_cgroup_v2_set_devices(hierarchy->dir, rules, count, err) : 0;
	if (write)
		return ct_cgroup_v1_set_devices(hierarchy->dir, rules, count, n_config, err);

	_cleanup_free_ struct ct_device_line *lines = NULL;
	size_t n_lines = 0;
	return ct_cgroup_v1_device_lines(rules, count, n_config, &lines, &n_lines, err);
}

/* --------------------------------------------------------------- entry */

static int check_values(const struct spec_resources *resources, struct libct_error *err)
{
	int r = check_memory_values(&resources->memory, err);
	if (r == 0)
		r = check_cpu_values(resources, err);
	if (r == 0)
		r = check_block_io_values(&resources->block_io, err);
	if (r == 0)
		r = check_other_values(resources, err);
	return r;
}

static int check_all(const struct ct_cgroup *cgroup, const struct spec_resources *resources, bool devices,
                     struct libct_error *err)
{
	int r = check_values(resources, err);
	for (size_t i = 0; r == 0 && i < N_CONTROLLER_USES; i++) {
		const struct controller_use *use = &controller_uses[i];
		if (!use->is_set(resources))
			continue;
		const struct ct_cgroup_hierarchy *hierarchy = find_hierarchy(cgroup, use);
		if (hierarchy == NULL)
			r = missing_controller(cgroup, use, err);
		else if (hierarchy->unified && use->check_v2 != NULL)
			r = use->check_v2(resources, err);
	}
	if (r == 0)
		r = check_unified(cgroup, &resources->unified, err);
	if (r == 0 && devices)
		r = apply_devices(cgroup, resources, false, err);
	return r;
}

int ct_cgroup_check_resources(const struct ct_cgroup *cgroup, const struct spec_resources *resources,
                              struct libct_error *err)
{
	return check_all(cgroup, resources, true, err);
}

/* Enables in the cgroup2 hierarchy the controllers that the config uses
 * there, because their files appear only then. */
static int enable_v2_controllers(const struct ct_cgroup *cgroup, const struct spec_resources *resources,
                                 struct libct_error *err)
{
	const struct ct_cgroup_hierarchy *unified = ct_cgroup_find(cgroup, CT_CGROUP_UNIFIED);
	/* NOTE: a cgroup restored from state.json has no mount point, so an
	 * update cannot enable a controller that create did not enable. */
	if (unified == NULL || unified->mount_point == NULL)
		return 0;
	_cleanup_strv_ char **needed =
	    ct_calloc(N_CONTROLLER_USES + resources->unified.n_entries + 1, sizeof(char *));
	size_t n = 0;
	for (size_t i = 0; i < N_CONTROLLER_USES; i++)
		if (controller_uses[i].is_set(resources) &&
		    find_hierarchy(cgroup, &controller_uses[i]) == unified &&
		    !has_controller(needed, controller_uses[i].v2))
			needed[n++] = ct_strdup(controller_uses[i].v2);
	for (size_t i = 0; i < resources->unified.n_entries; i++) {
		char *controller = NULL;
		if (unified_controller(resources->unified.entries[i].key, &controller, NULL) == 0 &&
		    controller != NULL && !has_controller(needed, controller))
			needed[n++] = controller;
		else
			free(controller);
	}
	return n > 0 ? ct_cgroup_v2_enable_controllers(unified, needed, err) : 0;
}

static int set_all(struct ct_cgroup *cgroup, const struct spec_resources *resources, bool devices,
                   struct libct_error *err)
{
	int r = check_all(cgroup, resources, devices, err);
	if (r == 0)
		r = enable_v2_controllers(cgroup, resources, err);
	for (size_t i = 0; r == 0 && i < N_CONTROLLER_USES; i++) {
		const struct controller_use *use = &controller_uses[i];
		if (!use->is_set(resources))
			continue;
		const struct ct_cgroup_hierarchy *hierarchy = find_hierarchy(cgroup, use);
		r = use->set(hierarchy->dir, hierarchy->unified, resources, err);
	}
	if (r == 0 && resources->unified.n_entries > 0)
		r = set_unified(ct_cgroup_find(cgroup, CT_CGROUP_UNIFIED)->dir, &resources->unified, err);
	if (r == 0 && devices)
		r = apply_devices(cgroup, resources, true, err);
	if (r == 0 && resources->memory.kernel.set)
		ct_debug(cgroup->context,
		         "ignore linux.resources.memory.kernel: kernel memory limits are deprecated "
		         "and no longer enforced");
	return r;
}

int ct_cgroup_set_resources(struct ct_cgroup *cgroup, const struct spec_resources *resources,
                            struct libct_error *err)
{
	return set_all(cgroup, resources, true, err);
}

int ct_cgroup_update_resources(struct ct_cgroup *cgroup, const struct spec_resources *resources,
                               struct libct_error *err)
{
	return set_all(cgroup, resources, resources->n_devices > 0, err);
}

/* --------------------------------------------------------------- stats */

static const char *controller_dir(const struct ct_cgroup *cgroup, const char *controller, bool *ret_unified)
{
	const struct controller_use use = {.v1 = controller, .v2 = controller};
	const struct ct_cgroup_hierarchy *hierarchy = find_hierarchy(cgroup, &use);
	*ret_unified = hierarchy != NULL && hierarchy->unified;
	return hierarchy != NULL ? hierarchy->dir : NULL;
}

int ct_cgroup_stats(const struct ct_cgroup *cgroup, struct ct_cgroup_stats *ret_stats,
                    struct libct_error *err)
{
	struct ct_cgroup_stats stats = {0};
	bool unified = false;
	const char *dir = controller_dir(cgroup, "memory", &unified);
	stats.has_memory = ct_cgroup_read_counter(dir, unified ? "memory.current" : "memory.usage_in_bytes", NULL,
	                                &stats.memory_usage);
	dir = controller_dir(cgroup, "pids", &unified);
	stats.has_pids = ct_cgroup_read_counter(dir, "pids.current", NULL, &stats.pids_current);

	/* v1 counts CPU time in cpuacct.usage (ns), cgroup2 in cpu.stat (µs),
	 * which exists even without the cpu controller. */
	dir = controller_dir(cgroup, "cpuacct", &unified);
	stats.has_cpu = ct_cgroup_read_counter(dir, "cpuacct.usage", NULL, &stats.cpu_usage_ns);
	const struct ct_cgroup_hierarchy *v2 = ct_cgroup_find(cgroup, CT_CGROUP_UNIFIED);
	uint64_t usec = 0;
	if (!stats.has_cpu && v2 != NULL && ct_cgroup_read_counter(v2->dir, "cpu.stat", "usage_usec", &usec)) {
		stats.has_cpu = true;
		stats.cpu_usage_ns = usec * 1000;
	}
	(void)err; /* a missing counter is reported by its has_ flag */
	*ret_stats = stats;
	return 0;
}
