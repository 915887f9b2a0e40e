/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Operations that exist only in cgroup v1 hierarchies: controllers named by
 * mount options, the cpuset inheritance quirk, the freezer and the files of
 * the memory, pids, cpu and cpuset limits.
 */
#include <inttypes.h>
#include <string.h>

#include "cgroup-internal.h"

/* Returns whether the comma-separated list options contains item (of len
 * bytes) as a whole element. */
static bool has_option(const char *options, const char *item, size_t len)
{
	const char *cursor = options;
	while (*cursor != '\0') {
		const char *end = strchrnul(cursor, ',');
		if ((size_t)(end - cursor) == len && strncmp(cursor, item, len) == 0)
			return true;
		cursor = *end == ',' ? end + 1 : end;
	}
	return false;
}

static bool name_matches(const char *name, const char *super_options)
{
	const char *cursor = name;
	while (*cursor != '\0') {
		const char *end = strchrnul(cursor, ',');
		if (!has_option(super_options, cursor, (size_t)(end - cursor)))
			return false;
		cursor = *end == ',' ? end + 1 : end;
	}
	return true;
}

int ct_cgroup_v1_match(char *const *names, const char *super_options)
{
	/* Super options mix controllers with other options ("rw", "xattr",
	 * "release_agent=..."), so the names in /proc/self/cgroup, which list
	 * only controllers and "name=", decide. */
	for (size_t i = 0; names[i] != NULL; i++) {
		if (names[i][0] != '\0' && name_matches(names[i], super_options))
			return (int)i;
	}
	return -1;
}

static void trim_newline(char *s)
{
	size_t len = strlen(s);
	while (len > 0 && (s[len - 1] == '\n' || s[len - 1] == ' '))
		s[--len] = '\0';
}

/* Copies file of the cgroup dir[0..parent_len) to each directory below it
 * on the way to dir. */
static int inherit_cpuset_file(const char *dir, size_t parent_len, const char *file, struct libct_error *err)
{
	_cleanup_free_ char *parent = ct_strndup(dir, parent_len);
	_cleanup_free_ char *value = NULL;
	struct libct_error local = {0};
	int r = ct_cgroup_read(parent, file, &value, &local);
	/* Without the file (a hierarchy mounted with "noprefix", or a test
	 * fixture) there is nothing to inherit. */
	if (r == -ENOENT)
		return 0;
	if (r < 0) {
		if (err != NULL)
			*err = local;
		return r;
	}
	trim_newline(value);

	size_t full_len = strlen(dir);
	for (size_t len = parent_len; len < full_len;) {
		len += strcspn(dir + len + 1, "/") + 1;
		_cleanup_free_ char *level = ct_strndup(dir, len);
		r = ct_cgroup_write(level, file, value, err);
		if (r < 0)
			return r;
	}
	return 0;
}

int ct_cgroup_v1_init_cpusets(const char *dir, size_t first_len, struct libct_error *err)
{
	const char *slash = memrchr(dir, '/', first_len);
	size_t parent_len = slash != NULL ? (size_t)(slash - dir) : 0;
	int r = inherit_cpuset_file(dir, parent_len, "cpuset.cpus", err);
	if (r < 0)
		return r;
	return inherit_cpuset_file(dir, parent_len, "cpuset.mems", err);
}

int ct_cgroup_v1_freeze(const char *dir, struct libct_error *err)
{
	long long deadline = ct_cgroup_now_ms() + CT_CGROUP_FREEZE_TIMEOUT_MS;
	long delay_ms = 1;

	_cleanup_free_ char *before = NULL;
	struct libct_error local = {0};
	int r = ct_cgroup_read(dir, "freezer.state", &before, &local);
	if (r == -ENOENT)
		return -ENOENT;
	if (r < 0) {
		if (err != NULL)
			*err = local;
		return r;
	}
	trim_newline(before);
	if (strcmp(before, "FROZEN") == 0)
		return 1;

	r = ct_cgroup_write(dir, "freezer.state", "FROZEN", err);
	if (r < 0)
		return r;

	for (;;) {
		_cleanup_free_ char *state = NULL;
		r = ct_cgroup_read(dir, "freezer.state", &state, err);
		if (r < 0)
			return r;
		trim_newline(state);
		if (strcmp(state, "FROZEN") == 0)
			return 0;
		if (ct_cgroup_now_ms() >= deadline)
			return ct_error_set(err, ETIMEDOUT, "freeze cgroup \"%s\": still %s after %d ms", dir,
			                    state, CT_CGROUP_FREEZE_TIMEOUT_MS);
		ct_cgroup_backoff(&delay_ms);

		/* Writing FROZEN again makes the kernel retry the tasks that
		 * were busy the previous time. */
		r = ct_cgroup_write(dir, "freezer.state", "FROZEN", err);
		if (r < 0)
			return r;
	}
}

int ct_cgroup_v1_thaw(const char *dir, struct libct_error *err)
{
	struct libct_error local = {0};
	int r = ct_cgroup_write(dir, "freezer.state", "THAWED", &local);
	if (r == -ENOENT)
		return 0;
	if (r < 0 && err != NULL)
		*err = local;
	return r;
}

/* ------------------------------------------------------------ resources */

/* One value of linux.resources and the control file it goes to. */
struct setting {
	const char *field; /* the config field, for error messages */
	const char *file;
	bool set;
	char buffer[32];   /* a number as text */
	const char *value; /* a fixed text, or NULL to use buffer */
};

static const char *setting_text(const struct setting *setting)
{
	return setting->value != NULL ? setting->value : setting->buffer;
}

static struct setting setting_i64(const char *field, const char *file, const struct spec_opt_i64 *option)
{
	struct setting setting = {.field = field, .file = file, .set = option->set};
	(void)snprintf(setting.buffer, sizeof(setting.buffer), "%" PRId64, option->value); /* always fits */
	return setting;
}

static struct setting setting_u64(const char *field, const char *file, const struct spec_opt_u64 *option)
{
	struct setting setting = {.field = field, .file = file, .set = option->set};
	(void)snprintf(setting.buffer, sizeof(setting.buffer), "%" PRIu64, option->value); /* always fits */
	return setting;
}

static struct setting setting_bool(const char *field, const char *file, const struct spec_opt_bool *option)
{
	return (struct setting){
	    .field = field, .file = file, .set = option->set, .value = option->value ? "1" : "0"};
}

static struct setting setting_string(const char *field, const char *file, const char *value)
{
	return (struct setting){.field = field, .file = file, .set = value != NULL, .value = value};
}

static int write_setting(const char *dir, const struct setting *setting, struct libct_error *err)
{
	if (!setting->set)
		return 0;
	int r = ct_cgroup_write(dir, setting->file, setting_text(setting), err);
	if (r < 0)
		return ct_error_prefix(err, "%s", setting->field);
	return 0;
}

/*
 * Writes two settings that the kernel checks against each other's current
 * value, such as a limit and the bound it must stay below. first goes
 * first, unless the kernel rejects it with EINVAL against the old value of
 * second, which then goes first.
 */
static int write_pair(const char *dir, const struct setting *first, const struct setting *second,
                      struct libct_error *err)
{
	if (!first->set || !second->set) {
		int r = write_setting(dir, first, err);
		return r < 0 ? r : write_setting(dir, second, err);
	}

	struct libct_error local = {0};
	int r = ct_cgroup_write(dir, first->file, setting_text(first), &local);
	if (r == -EINVAL) {
		r = write_setting(dir, second, err);
		return r < 0 ? r : write_setting(dir, first, err);
	}
	if (r < 0) {
		if (err != NULL)
			*err = local;
		return ct_error_prefix(err, "%s", first->field);
	}
	return write_setting(dir, second, err);
}

/* checkBeforeUpdate: a limit below the current usage is rejected here
 * instead of making the kernel reclaim or fail. */
static int check_usage(const char *dir, const struct spec_memory *memory, struct libct_error *err)
{
	if (!memory->check_before_update.value || !memory->limit.set || memory->limit.value < 0)
		return 0;

	_cleanup_free_ char *text = NULL;
	int r = ct_cgroup_read(dir, "memory.usage_in_bytes", &text, err);
	if (r < 0)
		return ct_error_prefix(err, "linux.resources.memory.checkBeforeUpdate");
	long long usage = strtoll(text, NULL, 10);
	if (usage > memory->limit.value)
		return ct_error_set(err, EBUSY,
		                    "linux.resources.memory.limit: %" PRId64
		                    " is below the current usage of %lld "
		                    "bytes, and checkBeforeUpdate is set",
		                    memory->limit.value, usage);
	return 0;
}

int ct_cgroup_v1_set_memory(const char *dir, const struct spec_memory *memory, struct libct_error *err)
{
	struct setting limit =
	    setting_i64("linux.resources.memory.limit", "memory.limit_in_bytes", &memory->limit);
	struct setting swap =
	    setting_i64("linux.resources.memory.swap", "memory.memsw.limit_in_bytes", &memory->swap);
	bool has_swap_accounting = ct_cgroup_has_file(dir, swap.file);
	if (swap.set && !has_swap_accounting)
		return ct_error_set(err, ENOTSUP,
		                    "linux.resources.memory.swap: not supported, because the kernel does not "
		                    "account swap (\"%s\" is missing; boot with swapaccount=1)",
		                    swap.file);
	/* Lifting the memory limit lifts the memory+swap limit too, because
	 * the kernel keeps memory+swap at or above memory. */
	if (limit.set && memory->limit.value == -1 && !swap.set && has_swap_accounting)
		swap = setting_string("linux.resources.memory.limit", swap.file, "-1");

	struct setting settings[] = {
	    setting_i64("linux.resources.memory.reservation", "memory.soft_limit_in_bytes",
	                &memory->reservation),
	    setting_u64("linux.resources.memory.swappiness", "memory.swappiness", &memory->swappiness),
	    setting_bool("linux.resources.memory.disableOOMKiller", "memory.oom_control",
	                 &memory->disable_oom_killer),
	    setting_bool("linux.resources.memory.useHierarchy", "memory.use_hierarchy",
	                 &memory->use_hierarchy),
	};

	int r = check_usage(dir, memory, err);
	if (r == 0)
		r = write_pair(dir, &limit, &swap, err);
	for (size_t i = 0; r == 0 && i < sizeof(settings) / sizeof(settings[0]); i++)
		r = write_setting(dir, &settings[i], err);
	return r;
}

int ct_cgroup_v1_set_pids(const char *dir, const struct spec_opt_i64 *limit, struct libct_error *err)
{
	struct setting setting = setting_i64("linux.resources.pids.limit", "pids.max", limit);
	/* -1 means no limit, which pids.max spells "max". */
	if (limit->value < 0)
		setting.value = "max";
	return write_setting(dir, &setting, err);
}

int ct_cgroup_v1_set_cpu(const char *dir, const struct spec_cpu *cpu, struct libct_error *err)
{
	struct setting shares = setting_u64("linux.resources.cpu.shares", "cpu.shares", &cpu->shares);
	struct setting period = setting_u64("linux.resources.cpu.period", "cpu.cfs_period_us", &cpu->period);
	struct setting quota = setting_i64("linux.resources.cpu.quota", "cpu.cfs_quota_us", &cpu->quota);
	struct setting burst = setting_u64("linux.resources.cpu.burst", "cpu.cfs_burst_us", &cpu->burst);
	struct setting rt_period =
	    setting_u64("linux.resources.cpu.realtimePeriod", "cpu.rt_period_us", &cpu->realtime_period);
	struct setting rt_runtime =
	    setting_i64("linux.resources.cpu.realtimeRuntime", "cpu.rt_runtime_us", &cpu->realtime_runtime);
	struct setting idle = setting_i64("linux.resources.cpu.idle", "cpu.idle", &cpu->idle);

	/* The kernel keeps burst at or below quota, and the realtime runtime
	 * at or below its period. */
	int r = write_setting(dir, &shares, err);
	if (r == 0)
		r = write_setting(dir, &period, err);
	if (r == 0)
		r = write_pair(dir, &quota, &burst, err);
	if (r == 0)
		r = write_pair(dir, &rt_period, &rt_runtime, err);
	if (r == 0)
		r = write_setting(dir, &idle, err);
	return r;
}

int ct_cgroup_v1_set_cpuset(const char *dir, const struct spec_cpu *cpu, struct libct_error *err)
{
	struct setting cpus = setting_string("linux.resources.cpu.cpus", "cpuset.cpus", cpu->cpus);
	struct setting mems = setting_string("linux.resources.cpu.mems", "cpuset.mems", cpu->mems);
	int r = write_setting(dir, &cpus, err);
	return r < 0 ? r : write_setting(dir, &mems, err);
}

int ct_cgroup_v1_set_kernel_tcp(const char *dir, const struct spec_opt_i64 *limit, struct libct_error *err)
{
	struct setting setting =
	    setting_i64("linux.resources.memory.kernelTCP", "memory.kmem.tcp.limit_in_bytes", limit);
	return ct_cgroup_write_field(dir, setting.file, setting_text(&setting), setting.field, err);
}

/* ----------------------------------------------------------------- blkio */

/*
 * The weight files exist only with a proportional scheduler: CFQ's
 * blkio.weight before Linux 5.0, BFQ's blkio.bfq.weight after. Returns the
 * one this kernel has, or NULL.
 */
static const char *blkio_weight_file(const char *dir, bool leaf, bool device)
{
	static const char *const names[2][2][2] = {
	    {{"blkio.weight", "blkio.bfq.weight"}, {"blkio.weight_device", "blkio.bfq.weight_device"}},
	    {{"blkio.leaf_weight", NULL}, {"blkio.leaf_weight_device", NULL}},
	};
	for (size_t i = 0; i < 2; i++) {
		const char *name = names[leaf][device][i];
		if (name != NULL && ct_cgroup_has_file(dir, name))
			return name;
	}
	return NULL;
}

static int write_blkio_weight(const char *dir, bool leaf, bool device, const char *value, const char *field,
                              struct libct_error *err)
{
	const char *file = blkio_weight_file(dir, leaf, device);
	if (file == NULL)
		return ct_error_set(
		    err, ENOTSUP,
		    "%s: the blkio controller has no %s file on this host (no proportional I/O "
		    "scheduler such as BFQ is in use)",
		    field,
		    leaf ? (device ? "blkio.leaf_weight_device" : "blkio.leaf_weight")
		         : (device ? "blkio.weight_device" : "blkio.weight"));
	return ct_cgroup_write_field(dir, file, value, field, err);
}

static int write_throttle(const char *dir, const char *file, const char *field,
                          const struct spec_throttle_device *devices, size_t count, struct libct_error *err)
{
	for (size_t i = 0; i < count; i++) {
		char text[96];
		(void)snprintf(text, sizeof(text), "%" PRId64 ":%" PRId64 " %" PRIu64, devices[i].major,
		               devices[i].minor, devices[i].rate);
		int r = ct_cgroup_write_field(dir, file, text, field, err);
		if (r < 0)
			return r;
	}
	return 0;
}

static int write_weight_devices(const char *dir, const struct spec_block_io *io, struct libct_error *err)
{
	for (size_t i = 0; i < io->n_weight_device; i++) {
		const struct spec_weight_device *device = &io->weight_device[i];
		char text[96];
		int r = 0;
		if (device->weight.set) {
			(void)snprintf(text, sizeof(text), "%" PRId64 ":%" PRId64 " %" PRIu64, device->major,
			               device->minor, device->weight.value);
			r = write_blkio_weight(dir, false, true, text, "linux.resources.blockIO.weightDevice",
			                       err);
		}
		if (r == 0 && device->leaf_weight.set) {
			(void)snprintf(text, sizeof(text), "%" PRId64 ":%" PRId64 " %" PRIu64, device->major,
			               device->minor, device->leaf_weight.value);
			r = write_blkio_weight(dir, true, true, text, "linux.resources.blockIO.weightDevice",
			                       err);
		}
		if (r < 0)
			return r;
	}
	return 0;
}

int ct_cgroup_v1_set_blkio(const char *dir, const struct spec_block_io *io, struct libct_error *err)
{
	char text[32];
	int r = 0;
	if (io->weight.set) {
		(void)snprintf(text, sizeof(text), "%" PRIu64, io->weight.value);
		r = write_blkio_weight(dir, false, false, text, "linux.resources.blockIO.weight", err);
	}
	if (r == 0 && io->leaf_weight.set) {
		(void)snprintf(text, sizeof(text), "%" PRIu64, io->leaf_weight.value);
		r = write_blkio_weight(dir, true, false, text, "linux.resources.blockIO.leafWeight", err);
	}
	if (r == 0)
		r = write_weight_devices(dir, io, err);
	if (r == 0)
		r = write_throttle(dir, "blkio.throttle.read_bps_device",
		                   "linux.resources.blockIO.throttleReadBpsDevice",
		                   io->throttle_read_bps_device, io->n_throttle_read_bps_device, err);
	if (r == 0)
		r = write_throttle(dir, "blkio.throttle.write_bps_device",
		                   "linux.resources.blockIO.throttleWriteBpsDevice",
		                   io->throttle_write_bps_device, io->n_throttle_write_bps_device, err);
	if (r == 0)
		r = write_throttle(dir, "blkio.throttle.read_iops_device",
		                   "linux.resources.blockIO.throttleReadIOPSDevice",
		                   io->throttle_read_iops_device, io->n_throttle_read_iops_device, err);
	if (r == 0)
		r = write_throttle(dir, "blkio.throttle.write_iops_device",
		                   "linux.resources.blockIO.throttleWriteIOPSDevice",
		                   io->throttle_write_iops_device, io->n_throttle_write_iops_device, err);
	return r;
}

/* ------------------------------------------------------------- network */

int ct_cgroup_v1_set_net_cls(const char *dir, const struct spec_network *network, struct libct_error *err)
{
	struct setting setting =
	    setting_u64("linux.resources.network.classID", "net_cls.classid", &network->class_id);
	return ct_cgroup_write_field(dir, setting.file, setting_text(&setting), setting.field, err);
}

int ct_cgroup_v1_set_net_prio(const char *dir, const struct spec_network *network, struct libct_error *err)
{
	for (size_t i = 0; i < network->n_priorities; i++) {
		_cleanup_free_ char *text =
		    ct_asprintf("%s %" PRIu32, network->priorities[i].name, network->priorities[i].priority);
		_cleanup_free_ char *field = ct_asprintf("linux.resources.network.priorities[%zu]", i);
		int r = ct_cgroup_write_field(dir, "net_prio.ifpriomap", text, field, err);
		if (r < 0)
			return r;
	}
	return 0;
}
