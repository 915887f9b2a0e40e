/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Managing a running container: pause and resume, update of its resources,
 * its pids, its usage counters and its OOM notifications. Each call takes
 * the container's lock, restores its cgroups from state.json and hands the
 * work to the cgroup code.
 */
#include <dirent.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/inotify.h>
#include <unistd.h>

#include "cgroup-internal.h"
#include "config.h"
#include "internal.h"

/* The container's state and cgroups, while its lock is held. */
struct managed {
	int dir_fd;
	struct ct_state *state;
	struct ct_cgroup *cgroup;
};

static void release_managed(struct managed *managed)
{
	ct_closep(&managed->dir_fd);
	ct_state_free(managed->state);
	ct_cgroup_free(managed->cgroup);
	*managed = (struct managed){ .dir_fd = -1 };
}

static int open_managed(struct libct_context *context, const char *id, struct managed *ret_managed,
			struct libct_error *err)
{
	*ret_managed = (struct managed){ .dir_fd = -1 };
	/* ct_state_dir_open() checks the id, as create does, so that events
	 * may print it into JSON without escaping. */
	int r = ct_state_dir_open(context, id, &ret_managed->dir_fd, err);
	if (r < 0)
		return r;
	r = ct_state_load(ret_managed->dir_fd, id, &ret_managed->state, err);
	if (r == -ENOENT)
		r = ct_error_set(err, ENOENT, "container \"%s\" does not exist", id);
	if (r == 0)
		r = ct_cgroup_from_map(&ret_managed->state->cgroup_paths, &ret_managed->cgroup, err);
	if (r < 0)
		release_managed(ret_managed);
	else
		ret_managed->cgroup->context = context;
	return r;
}

/* "container ... does not exist" stays the whole message, because Podman
 * and CRI-O look for it. Other failures get the operation in front. */
static int open_failed(int r, struct libct_error *err, const char *operation, const char *id)
{
	if (r == -ENOENT && err != NULL && strstr(err->message, "does not exist") != NULL)
		return r;
	return ct_error_prefix(err, "%s container \"%s\"", operation, id);
}

/* ------------------------------------------------------ pause, resume */

/* The hierarchy whose freezer ct_cgroup_freeze() uses: the v1 freezer
 * where it exists, else cgroup2. */
static const struct ct_cgroup_hierarchy *freezer_hierarchy(const struct ct_cgroup *cgroup)
{
	const struct ct_cgroup_hierarchy *hierarchy = ct_cgroup_find(cgroup, "freezer");
	if (hierarchy != NULL && !hierarchy->unified)
		return hierarchy;
	return ct_cgroup_find(cgroup, CT_CGROUP_UNIFIED);
}

static bool cgroup_frozen(const struct ct_cgroup *cgroup)
{
	const struct ct_cgroup_hierarchy *hierarchy = freezer_hierarchy(cgroup);
	if (hierarchy == NULL)
		return false;
	_cleanup_free_ char *value = NULL;
	if (hierarchy->unified) {
		if (ct_cgroup_read(hierarchy->dir, "cgroup.freeze", &value, NULL) < 0)
			return false;
		return value[0] == '1';
	}
	if (ct_cgroup_read(hierarchy->dir, "freezer.state", &value, NULL) < 0)
		return false;
	/* FREEZING is a freeze in progress, or one stuck on a task in D state:
	 * either way the container does not run. */
	return strncmp(value, "FROZEN", 6) == 0 || strncmp(value, "FREEZING", 8) == 0;
}

bool ct_state_frozen(const struct ct_state *state)
{
	struct ct_cgroup *cgroup = NULL;
	if (state->cgroup_paths.n_entries == 0 || ct_cgroup_from_map(&state->cgroup_paths, &cgroup, NULL) < 0)
		return false;
	bool frozen = cgroup_frozen(cgroup);
	ct_cgroup_free(cgroup);
	return frozen;
}

static int set_paused(struct libct_context *context, const char *id, bool paused, struct libct_error *err)
{
	const char *verb = paused ? "pause" : "resume";
	struct managed managed;
	int r = open_managed(context, id, &managed, err);
	if (r < 0)
		return open_failed(r, err, verb, id);

	enum libct_status status = ct_state_status(managed.state);
	enum libct_status expected = paused ? LIBCT_STATUS_RUNNING : LIBCT_STATUS_PAUSED;
	if (status != expected)
		r = ct_error_set(err, EINVAL, "%s container \"%s\": container is %s, not %s", verb, id,
				 libct_status_name(status), libct_status_name(expected));
	else if ((r = ct_cgroup_freeze(managed.cgroup, paused, err)) < 0)
		ct_error_prefix(err, "%s container \"%s\"", verb, id);
	release_managed(&managed);
	return r;
}

int libct_container_pause(struct libct_context *context, const char *id, struct libct_error *err)
{
	return set_paused(context, id, true, err);
}

int libct_container_resume(struct libct_context *context, const char *id, struct libct_error *err)
{
	return set_paused(context, id, false, err);
}

/* -------------------------------------------------------------- update */

int libct_container_update(struct libct_context *context, const char *id,
			   const struct spec_resources *resources, struct libct_error *err)
{
	struct managed managed;
	int r = open_managed(context, id, &managed, err);
	if (r < 0)
		return open_failed(r, err, "update", id);

	enum libct_status status = ct_state_status(managed.state);
	if (status == LIBCT_STATUS_STOPPED)
		r = ct_error_set(err, EINVAL, "update container \"%s\": container is stopped", id);
	else if ((r = ct_cgroup_update_resources(managed.cgroup, resources, err)) < 0)
		ct_error_prefix(err, "update container \"%s\"", id);
	release_managed(&managed);
	return r;
}

int libct_container_update_json(struct libct_context *context, const char *id, const char *json, size_t len,
				struct libct_error *err)
{
	struct spec_resources *resources = NULL;
	int r = spec_resources_parse(json, len, &resources, err);
	if (r < 0)
		return ct_error_prefix(err, "update container \"%s\": resources", id);
	r = libct_container_update(context, id, resources, err);
	spec_resources_free(resources);
	return r;
}

/* ---------------------------------------------------------- pids, stats */

int libct_container_pids(struct libct_context *context, const char *id, pid_t **ret_pids, size_t *ret_count,
			 struct libct_error *err)
{
	struct managed managed;
	int r = open_managed(context, id, &managed, err);
	if (r < 0)
		return open_failed(r, err, "list processes of", id);
	r = ct_cgroup_pids(managed.cgroup, ret_pids, ret_count, err);
	if (r < 0)
		ct_error_prefix(err, "list processes of container \"%s\"", id);
	release_managed(&managed);
	return r;
}

static const char *controller_dir(const struct ct_cgroup *cgroup, const char *controller, bool *ret_unified)
{
	const struct ct_cgroup_hierarchy *hierarchy = ct_cgroup_find(cgroup, controller);
	*ret_unified = hierarchy != NULL && hierarchy->unified;
	return hierarchy != NULL ? hierarchy->dir : NULL;
}

static void read_memory_stats(const struct ct_cgroup *cgroup, struct libct_stats *stats)
{
	bool v2 = false;
	const char *dir = controller_dir(cgroup, "memory", &v2);
	if (dir == NULL)
		return;
	if (v2) {
		(void)ct_cgroup_read_counter(dir, "memory.peak", NULL, &stats->memory_max_usage);
		(void)ct_cgroup_read_counter(dir, "memory.max", NULL, &stats->memory_limit);
		(void)ct_cgroup_read_counter(dir, "memory.events", "max", &stats->memory_failcnt);
		(void)ct_cgroup_read_counter(dir, "memory.swap.current", NULL, &stats->swap_usage);
		(void)ct_cgroup_read_counter(dir, "memory.events", "oom_kill", &stats->oom_kills);
	} else {
		(void)ct_cgroup_read_counter(dir, "memory.max_usage_in_bytes", NULL, &stats->memory_max_usage);
		(void)ct_cgroup_read_counter(dir, "memory.limit_in_bytes", NULL, &stats->memory_limit);
		(void)ct_cgroup_read_counter(dir, "memory.failcnt", NULL, &stats->memory_failcnt);
		(void)ct_cgroup_read_counter(dir, "memory.memsw.usage_in_bytes", NULL, &stats->swap_usage);
		(void)ct_cgroup_read_counter(dir, "memory.oom_control", "oom_kill", &stats->oom_kills);
	}
}

static void read_cpu_stats(const struct ct_cgroup *cgroup, struct libct_stats *stats)
{
	bool v2 = false;
	const char *dir = controller_dir(cgroup, "cpuacct", &v2);
	uint64_t ticks;
	long hz = sysconf(_SC_CLK_TCK);
	if (dir != NULL && !v2 && hz > 0) {
		/* cpuacct.stat counts in USER_HZ ticks. */
		if (ct_cgroup_read_counter(dir, "cpuacct.stat", "user", &ticks))
			stats->cpu_user_ns = ticks * (1000000000ULL / (uint64_t)hz);
		if (ct_cgroup_read_counter(dir, "cpuacct.stat", "system", &ticks))
			stats->cpu_system_ns = ticks * (1000000000ULL / (uint64_t)hz);
	}
	const struct ct_cgroup_hierarchy *unified = ct_cgroup_find(cgroup, CT_CGROUP_UNIFIED);
	uint64_t usec;
	if (dir == NULL && unified != NULL) {
		if (ct_cgroup_read_counter(unified->dir, "cpu.stat", "user_usec", &usec))
			stats->cpu_user_ns = usec * 1000;
		if (ct_cgroup_read_counter(unified->dir, "cpu.stat", "system_usec", &usec))
			stats->cpu_system_ns = usec * 1000;
	}
	dir = controller_dir(cgroup, "cpu", &v2);
	if (dir != NULL) {
		(void)ct_cgroup_read_counter(dir, "cpu.stat", "nr_periods", &stats->cpu_periods);
		(void)ct_cgroup_read_counter(dir, "cpu.stat", "nr_throttled", &stats->cpu_throttled_periods);
		if (v2 && ct_cgroup_read_counter(dir, "cpu.stat", "throttled_usec", &usec))
			stats->cpu_throttled_ns = usec * 1000;
		else if (!v2)
			(void)ct_cgroup_read_counter(dir, "cpu.stat", "throttled_time", &stats->cpu_throttled_ns);
	}
}

/* Names a huge page size as the hugetlb files do: 2048 kB is "2MB". */
static void name_page_size(unsigned long kib, char *buf, size_t size)
{
	if (kib >= 1024 * 1024 && kib % (1024 * 1024) == 0)
		(void)snprintf(buf, size, "%luGB", kib / (1024 * 1024));
	else if (kib >= 1024 && kib % 1024 == 0)
		(void)snprintf(buf, size, "%luMB", kib / 1024);
	else
		(void)snprintf(buf, size, "%luKB", kib);
}

static void read_hugetlb_stats(const struct ct_cgroup *cgroup, struct libct_stats *stats)
{
	bool v2 = false;
	const char *dir = controller_dir(cgroup, "hugetlb", &v2);
	DIR *sizes = dir != NULL ? opendir("/sys/kernel/mm/hugepages") : NULL;
	if (sizes == NULL)
		return;
	struct dirent *entry;
	while ((entry = readdir(sizes)) != NULL && stats->n_hugetlb < LIBCT_HUGETLB_SIZES_MAX) {
		unsigned long kib;
		if (sscanf(entry->d_name, "hugepages-%lukB", &kib) != 1)
			continue;
		struct libct_hugetlb_stats *page = &stats->hugetlb[stats->n_hugetlb];
		*page = (struct libct_hugetlb_stats){ 0 };
		name_page_size(kib, page->page_size, sizeof(page->page_size));
		_cleanup_free_ char *usage = ct_asprintf("hugetlb.%s.%s", page->page_size,
							 v2 ? "current" : "usage_in_bytes");
		/* A page size without files in this cgroup has no counters. */
		if (!ct_cgroup_read_counter(dir, usage, NULL, &page->usage))
			continue;
		_cleanup_free_ char *peak = ct_asprintf("hugetlb.%s.max_usage_in_bytes", page->page_size);
		_cleanup_free_ char *failed = ct_asprintf("hugetlb.%s.%s", page->page_size,
							  v2 ? "events" : "failcnt");
		if (!v2)
			(void)ct_cgroup_read_counter(dir, peak, NULL, &page->max_usage);
		(void)ct_cgroup_read_counter(dir, failed, v2 ? "max" : NULL, &page->failcnt);
		stats->n_hugetlb++;
	}
	closedir(sizes);
}

int libct_container_stats(struct libct_context *context, const char *id, struct libct_stats *ret_stats,
			  struct libct_error *err)
{
	struct managed managed;
	int r = open_managed(context, id, &managed, err);
	if (r < 0)
		return open_failed(r, err, "read usage of", id);

	struct ct_cgroup_stats base;
	if (ct_state_status(managed.state) == LIBCT_STATUS_STOPPED)
		r = ct_error_set(err, EINVAL, "container is stopped");
	else
		r = ct_cgroup_stats(managed.cgroup, &base, err);
	if (r < 0) {
		ct_error_prefix(err, "read usage of container \"%s\"", id);
		release_managed(&managed);
		return r;
	}
	struct libct_stats stats = {
		.has_memory = base.has_memory,
		.memory_usage = base.memory_usage,
		.memory_limit = UINT64_MAX,
		.has_pids = base.has_pids,
		.pids_current = base.pids_current,
		.pids_limit = UINT64_MAX,
		.has_cpu = base.has_cpu,
		.cpu_usage_ns = base.cpu_usage_ns,
	};
	if (stats.has_memory)
		read_memory_stats(managed.cgroup, &stats);
	if (stats.has_cpu)
		read_cpu_stats(managed.cgroup, &stats);
	bool v2 = false;
	const char *dir = controller_dir(managed.cgroup, "pids", &v2);
	if (stats.has_pids)
		(void)ct_cgroup_read_counter(dir, "pids.max", NULL, &stats.pids_limit);
	read_hugetlb_stats(managed.cgroup, &stats);
	release_managed(&managed);
	*ret_stats = stats;
	return 0;
}

/* ----------------------------------------------------------------- oom */

struct libct_oom_watch {
	int fd;             /* becomes readable when the OOM counter may have moved */
	bool unified;
	char *dir;          /* the memory cgroup */
	uint64_t oom_kills; /* the counter when last read */
};

static uint64_t read_oom_kills(const struct libct_oom_watch *watch)
{
	uint64_t value = 0;
	if (watch->unified)
		(void)ct_cgroup_read_counter(watch->dir, "memory.events", "oom_kill", &value);
	else
		(void)ct_cgroup_read_counter(watch->dir, "memory.oom_control", "oom_kill", &value);
	return value;
}

/* v1 signals an eventfd registered through cgroup.event_control for
 * memory.oom_control. The eventfd also fires when the cgroup goes away, so
 * only a change of the oom_kill counter counts as an OOM kill. */
static int watch_v1(struct libct_oom_watch *watch, struct libct_error *err)
{
	watch->fd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
	if (watch->fd < 0)
		return ct_error_sys(err, errno, "create eventfd");
	_cleanup_free_ char *path = ct_asprintf("%s/memory.oom_control", watch->dir);
	_cleanup_close_ int control_fd = open(path, O_RDONLY | O_CLOEXEC);
	if (control_fd < 0)
		return ct_error_sys(err, errno, "open \"%s\"", path);
	_cleanup_free_ char *line = ct_asprintf("%d %d", watch->fd, control_fd);
	return ct_cgroup_write(watch->dir, "cgroup.event_control", line, err);
}

static int watch_v2(struct libct_oom_watch *watch, struct libct_error *err)
{
	watch->fd = inotify_init1(IN_CLOEXEC | IN_NONBLOCK);
	if (watch->fd < 0)
		return ct_error_sys(err, errno, "create inotify instance");
	_cleanup_free_ char *path = ct_asprintf("%s/memory.events", watch->dir);
	if (inotify_add_watch(watch->fd, path, IN_MODIFY) < 0)
		return ct_error_sys(err, errno, "watch \"%s\"", path);
	return 0;
}

int libct_oom_watch_new(struct libct_context *context, const char *id, struct libct_oom_watch **ret_watch,
			struct libct_error *err)
{
	struct managed managed;
	int r = open_managed(context, id, &managed, err);
	if (r < 0)
		return open_failed(r, err, "watch for OOM kills of", id);

	bool unified = false;
	const char *dir = controller_dir(managed.cgroup, "memory", &unified);
	struct libct_oom_watch *watch = ct_calloc(1, sizeof(*watch));
	watch->fd = -1;
	watch->unified = unified;
	watch->dir = dir != NULL ? ct_strdup(dir) : NULL;
	release_managed(&managed);
	if (watch->dir == NULL)
		r = ct_error_set(err, ENOTSUP, "no memory cgroup");
	else
		r = unified ? watch_v2(watch, err) : watch_v1(watch, err);
	if (r < 0) {
		libct_oom_watch_free(watch);
		return ct_error_prefix(err, "watch container \"%s\" for OOM kills", id);
	}
	watch->oom_kills = read_oom_kills(watch);
	*ret_watch = watch;
	return 0;
}

int libct_oom_watch_fd(const struct libct_oom_watch *watch)
{
	return watch->fd;
}

int libct_oom_watch_read(struct libct_oom_watch *watch)
{
	char buf[4096];
	/* Drains the eventfd counter or the inotify events, which are nonblocking. */
	while (read(watch->fd, buf, sizeof(buf)) > 0)
		;
	uint64_t now = read_oom_kills(watch);
	uint64_t events = now > watch->oom_kills ? now - watch->oom_kills : 0;
	watch->oom_kills = now;
	return events > INT32_MAX ? INT32_MAX : (int)events;
}

void libct_oom_watch_free(struct libct_oom_watch *watch)
{
	if (watch == NULL)
		return;
	ct_closep(&watch->fd);
	free(watch->dir);
	free(watch);
}
