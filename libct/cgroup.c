/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Places a container in the cgroup hierarchies of the host: creates,
 * enters, lists, signals and removes the container's cgroups, and saves
 * them in state.json. cgroup-hierarchy.c finds the hierarchies and the
 * container's directory in each. docs/cgroups.md describes the behaviour.
 */
#include <dirent.h>
#include <fcntl.h>
#include <linux/sched.h>
#include <signal.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#include "cgroup-internal.h"

#define MKDIR_ATTEMPTS 4

/* ------------------------------------------------------------ helpers */

char *ct_cgroup_join_path(const char *dir, const char *name)
{
	size_t len = strlen(dir);
	while (len > 1 && dir[len - 1] == '/')
		len--;
	if (name[0] == '\0')
		return ct_strndup(dir, len);
	if (len == 1 && dir[0] == '/')
		return ct_asprintf("/%s", name);
	return ct_asprintf("%.*s/%s", (int)len, dir, name);
}

bool ct_cgroup_path_is_below(const char *path, const char *ancestor)
{
	size_t len = strlen(ancestor);
	return strncmp(path, ancestor, len) == 0 && (path[len] == '\0' || path[len] == '/');
}

static void copy_error(struct libct_error *err, const struct libct_error *local)
{
	if (err != NULL)
		*err = *local;
}

int ct_cgroup_read(const char *dir, const char *file, char **ret_data, struct libct_error *err)
{
	_cleanup_free_ char *path = ct_cgroup_join_path(dir, file);
	int r = ct_read_file_at(AT_FDCWD, path, CT_CGROUP_CONTROL_FILE_MAX, ret_data, NULL, NULL);
	if (r < 0)
		return ct_error_sys(err, -r, "read \"%s\"", path);
	return 0;
}

bool ct_cgroup_read_counter(const char *dir, const char *file, const char *key, uint64_t *ret_value)
{
	_cleanup_free_ char *text = NULL;
	if (dir == NULL || ct_cgroup_read(dir, file, &text, NULL) < 0)
		return false;
	const char *cursor = text;
	if (key != NULL) {
		size_t len = strlen(key);
		while (cursor != NULL && (strncmp(cursor, key, len) != 0 || cursor[len] != ' ')) {
			cursor = strchr(cursor, '\n');
			cursor = cursor != NULL ? cursor + 1 : NULL;
		}
		if (cursor == NULL)
			return false;
		cursor += len + 1;
	}
	if (strncmp(cursor, "max", 3) == 0) {
		*ret_value = UINT64_MAX;
		return true;
	}
	char *end = NULL;
	errno = 0;
	unsigned long long value = strtoull(cursor, &end, 10);
	if (errno != 0 || end == cursor)
		return false;
	*ret_value = value;
	return true;
}

int ct_cgroup_write(const char *dir, const char *file, const char *value, struct libct_error *err)
{
	_cleanup_free_ char *path = ct_cgroup_join_path(dir, file);
	int r = ct_write_file_at(AT_FDCWD, path, value, strlen(value), NULL);
	if (r < 0)
		return ct_error_sys(err, -r, "write \"%s\" to \"%s\"", value, path);
	return 0;
}

long long ct_cgroup_now_ms(void)
{
	struct timespec ts;
	(void)clock_gettime(CLOCK_MONOTONIC, &ts); /* cannot fail for CLOCK_MONOTONIC */
	return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

void ct_cgroup_backoff(long *delay_ms)
{
	struct timespec ts = {.tv_sec = *delay_ms / 1000, .tv_nsec = (*delay_ms % 1000) * 1000000};
	(void)nanosleep(&ts, NULL); /* an early wakeup only shortens one poll interval */
	*delay_ms = *delay_ms * 2 > 100 ? 100 : *delay_ms * 2;
}

static bool is_directory(int dir_fd, const struct dirent *entry)
{
	if (entry->d_type != DT_UNKNOWN)
		return entry->d_type == DT_DIR;
	struct stat st;
	return fstatat(dir_fd, entry->d_name, &st, AT_SYMLINK_NOFOLLOW) == 0 && S_ISDIR(st.st_mode);
}

/* Lists the names of the subdirectories of dir. A missing dir has none. */
static int list_subdirs(const char *dir, char ***ret_names, struct libct_error *err)
{
	*ret_names = NULL;
	DIR *stream = opendir(dir);
	if (stream == NULL && errno == ENOENT)
		return 0;
	if (stream == NULL)
		return ct_error_sys(err, errno, "open cgroup \"%s\"", dir);

	_cleanup_strv_ char **names = NULL;
	struct dirent *entry;
	errno = 0;
	while ((entry = readdir(stream)) != NULL) {
		if (strcmp(entry->d_name, ".") == 0 || strcmp(entry->d_name, "..") == 0)
			continue;
		if (is_directory(dirfd(stream), entry))
			ct_strv_push(&names, ct_strdup(entry->d_name));
		errno = 0;
	}
	int saved_errno = errno;
	closedir(stream);
	/* A cgroup removed while it was listed reads as ENOENT. */
	if (saved_errno != 0 && saved_errno != ENOENT)
		return ct_error_sys(err, saved_errno, "list cgroup \"%s\"", dir);
	*ret_names = ct_steal_pointer(&names);
	return 0;
}

/* --------------------------------------------------------------- create */

static void note_created(struct ct_cgroup_hierarchy *hierarchy, const char *path)
{
	/* All candidates are prefixes of dir, so the shortest is the top-most. */
	if (hierarchy->created == NULL || strlen(path) < strlen(hierarchy->created)) {
		free(hierarchy->created);
		hierarchy->created = ct_strdup(path);
	}
}

static bool path_exists(char *path, size_t len)
{
	char saved = path[len];
	path[len] = '\0';
	bool exists = access(path, F_OK) == 0 || errno != ENOENT;
	path[len] = saved;
	return exists;
}

/* Walks up from path[0..len) while the prefixes are missing, down to
 * stop_len. Returns the length of the top-most missing one, or missing when
 * path[0..len) exists. */
static size_t walk_up_missing(char *path, size_t len, size_t stop_len, size_t missing)
{
	while (len > stop_len && !path_exists(path, len)) {
		missing = len;
		const char *slash = memrchr(path, '/', len);
		len = slash != NULL ? (size_t)(slash - path) : 0;
	}
	return missing;
}

/*
 * Returns the length of the top-most missing prefix of dir (a component
 * boundary below root_len), or 0 when dir exists. Without a hint it walks
 * up from dir, because usually dir or its parent is the first that exists.
 * hint is the relative length of that prefix in another hierarchy, where
 * the same parents are often missing too: when the prefix of that length
 * is missing and its parent exists, two lookups suffice.
 */
static size_t find_top_missing(const char *dir, size_t root_len, size_t hint)
{
	_cleanup_free_ char *path = ct_strdup(dir);
	size_t full_len = strlen(path);
	size_t candidate = root_len + hint;
	if (hint == 0 || candidate > full_len || (path[candidate] != '/' && path[candidate] != '\0'))
		return walk_up_missing(path, full_len, root_len, 0);

	if (path_exists(path, candidate))
		return walk_up_missing(path, full_len, candidate, 0);
	const char *slash = memrchr(path, '/', candidate);
	size_t parent = slash != NULL ? (size_t)(slash - path) : 0;
	return walk_up_missing(path, parent, root_len, candidate);
}

bool ct_cgroup_created_beyond_plan(const struct ct_cgroup *cgroup)
{
	for (size_t i = 0; i < cgroup->n_hierarchies; i++) {
		if (cgroup->hierarchies[i].beyond_plan)
			return true;
	}
	return false;
}

void ct_cgroup_plan_created(struct ct_cgroup *cgroup)
{
	/* The relative length of the shallowest missing prefix so far. */
	size_t hint = 0;
	for (size_t i = 0; i < cgroup->n_hierarchies; i++) {
		struct ct_cgroup_hierarchy *hierarchy = &cgroup->hierarchies[i];
		size_t root_len = strlen(hierarchy->mount_point);
		size_t missing = find_top_missing(hierarchy->dir, root_len, hint);
		if (missing == 0)
			continue;
		_cleanup_free_ char *path = ct_strndup(hierarchy->dir, missing);
		note_created(hierarchy, path);
		if (hint == 0 || missing - root_len < hint)
			hint = missing - root_len;
	}
}

/* Makes path[0..len) with mkdir; 1 when it existed already. A file of
 * that name, such as a control file named by the cgroupsPath, gives
 * -ENOTDIR rather than passing for an existing cgroup. */
static int make_dir(char *path, size_t len)
{
	char saved = path[len];
	path[len] = '\0';
	int r = 0;
	struct stat st;
	if (mkdir(path, 0755) < 0)
		r = errno != EEXIST ? -errno : stat(path, &st) == 0 && !S_ISDIR(st.st_mode) ? -ENOTDIR : 1;
	path[len] = saved;
	return r;
}

/*
 * Creates the missing directories of hierarchy->dir and records the top-most
 * one it made. It starts at the top-most missing directory that
 * ct_cgroup_plan_created() recorded, or else at dir, and walks up only while
 * mkdir fails with ENOENT, because usually dir or its parent is the first
 * that is missing. That saves the lookups of every existing prefix. Returns
 * -ENOENT when a parent disappeared under it, which happens when another
 * container removes a shared parent at the same moment; the caller retries.
 */
static int make_dirs(struct ct_cgroup_hierarchy *hierarchy, struct libct_error *err)
{
	size_t root_len = strlen(hierarchy->mount_point);
	_cleanup_free_ char *path = ct_strdup(hierarchy->dir);
	size_t full_len = strlen(path);

	/* Up: find the deepest directory that mkdir makes or finds. */
	size_t len = full_len;
	if (hierarchy->created != NULL && ct_cgroup_path_is_below(path, hierarchy->created) &&
	    strlen(hierarchy->created) > root_len)
		len = strlen(hierarchy->created);
	int r;
	while ((r = make_dir(path, len)) == -ENOENT) {
		char saved = path[len];
		path[len] = '\0';
		char *slash = strrchr(path, '/');
		path[len] = saved;
		if (slash == NULL || (size_t)(slash - path) <= root_len)
			break;
		len = (size_t)(slash - path);
	}
	if (r < 0)
		return ct_error_sys(err, -r, "create cgroup \"%.*s\"", (int)len, path);

	/* Down: the components below it. */
	size_t first_made = r == 0 ? len : 0;
	while (len < full_len) {
		len += strcspn(path + len + 1, "/") + 1;
		r = make_dir(path, len);
		if (r < 0)
			return ct_error_sys(err, -r, "create cgroup \"%.*s\"", (int)len, path);
		if (r == 0 && first_made == 0)
			first_made = len;
	}
	if (first_made == 0)
		return 0;

	_cleanup_free_ char *top = ct_strndup(path, first_made);
	if (hierarchy->created == NULL || first_made < strlen(hierarchy->created))
		hierarchy->beyond_plan = true;
	note_created(hierarchy, top);
	if (hierarchy->unified || !ct_strv_contains(hierarchy->controllers, "cpuset"))
		return 0;
	return ct_cgroup_v1_init_cpusets(path, first_made, err);
}

static int create_hierarchy_dir(struct ct_cgroup_hierarchy *hierarchy, struct libct_error *err)
{
	int r = 0;
	for (int attempt = 0; attempt < MKDIR_ATTEMPTS; attempt++) {
		r = make_dirs(hierarchy, err);
		if (r != -ENOENT)
			break;
	}
	return r;
}

static bool in_part(const struct ct_cgroup_hierarchy *hierarchy, enum ct_cgroup_part part)
{
	return part == CT_CGROUP_PART_ALL || hierarchy->unified == (part == CT_CGROUP_PART_V2);
}

bool ct_cgroup_hierarchy_at(const struct ct_cgroup *cgroup, size_t index, const char **ret_mount_point,
			    const char **ret_dir, bool *ret_unified)
{
	if (index >= cgroup->n_hierarchies || cgroup->hierarchies[index].mount_point == NULL)
		return false;
	*ret_mount_point = cgroup->hierarchies[index].mount_point;
	*ret_dir = cgroup->hierarchies[index].dir;
	*ret_unified = cgroup->hierarchies[index].unified;
	return true;
}

bool ct_cgroup_has_v1(const struct ct_cgroup *cgroup)
{
	for (size_t i = 0; i < cgroup->n_hierarchies; i++)
		if (!cgroup->hierarchies[i].unified)
			return true;
	return false;
}

int ct_cgroup_create(struct ct_cgroup *cgroup, enum ct_cgroup_part part, struct libct_error *err)
{
	for (size_t i = 0; i < cgroup->n_hierarchies; i++) {
		if (!in_part(&cgroup->hierarchies[i], part))
			continue;
		int r = create_hierarchy_dir(&cgroup->hierarchies[i], err);
		if (r == 0)
			continue;

		/* A failed create leaves nothing behind. Creating one part, the
		 * caller undoes the whole cgroup: after clone3 the init is in the
		 * cgroup2 directory, and only the caller can kill it first. */
		if (part != CT_CGROUP_PART_ALL)
			return r;
		struct libct_error cleanup = {0};
		if (ct_cgroup_destroy(cgroup, &cleanup) < 0)
			ct_error_append_cleanup(err, &cleanup);
		return r;
	}
	return 0;
}

/* ---------------------------------------------------------------- enter */

int ct_cgroup_enter(struct ct_cgroup *cgroup, pid_t pid, struct libct_error *err)
{
	char value[32];
	(void)snprintf(value, sizeof(value), "%d", (int)pid); /* a pid always fits */

	for (size_t i = 0; i < cgroup->n_hierarchies; i++) {
		const struct ct_cgroup_hierarchy *hierarchy = &cgroup->hierarchies[i];
		int r = ct_cgroup_write(hierarchy->dir, "cgroup.procs", value, err);
		if (r == -EBUSY && hierarchy->unified)
			return ct_error_set(
			    err, EBUSY,
			    "add process %d to cgroup \"%s\": the cgroup has controllers "
			    "enabled in cgroup.subtree_control, and cgroup2 puts processes only in "
			    "cgroups without them",
			    (int)pid, hierarchy->dir);
		if (r == -ENOSPC && ct_strv_contains(hierarchy->controllers, "cpuset"))
			return ct_error_set(
			    err, ENOSPC,
			    "add process %d to cgroup \"%s\": its cpuset.cpus or cpuset.mems is empty",
			    (int)pid, hierarchy->dir);
		if (r < 0)
			return ct_error_prefix(err, "add process %d to cgroup", (int)pid);
	}
	return 0;
}

int ct_cgroup_clone_fd(struct ct_cgroup *cgroup)
{
	if (cgroup->layout != CT_CGROUP_LAYOUT_V2 || cgroup->n_hierarchies != 1)
		return -1;
	/* On failure the caller falls back to ct_cgroup_enter(), which
	 * reports the error. */
	if (cgroup->clone_fd < 0)
		cgroup->clone_fd = open(cgroup->hierarchies[0].dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	return cgroup->clone_fd;
}

static int open_join_fds(struct ct_cgroup *cgroup, enum ct_cgroup_part part, struct ct_cgroup_join *join,
			 struct libct_error *err)
{
	for (size_t i = 0; i < cgroup->n_hierarchies; i++) {
		const struct ct_cgroup_hierarchy *hierarchy = &cgroup->hierarchies[i];
		if (!in_part(hierarchy, part))
			continue;
		if (hierarchy->unified) {
			join->clone_fd = open(hierarchy->dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
			if (join->clone_fd < 0)
				return ct_error_sys(err, errno, "open cgroup \"%s\"", hierarchy->dir);
			continue;
		}
		_cleanup_free_ char *path = ct_cgroup_join_path(hierarchy->dir, "tasks");
		int fd = open(path, O_WRONLY | O_CLOEXEC);
		if (fd < 0)
			return ct_error_sys(err, errno, "open \"%s\"", path);
		join->task_fds = ct_realloc(join->task_fds, (join->n_tasks + 1) * sizeof(int));
		join->task_dirs = ct_realloc(join->task_dirs, (join->n_tasks + 1) * sizeof(char *));
		join->task_fds[join->n_tasks] = fd;
		join->task_dirs[join->n_tasks] = ct_strdup(hierarchy->dir);
		join->n_tasks++;
	}
	return 0;
}

int ct_cgroup_join_prepare(struct ct_cgroup *cgroup, enum ct_cgroup_part part, struct ct_cgroup_join *ret_join,
			   struct libct_error *err)
{
	*ret_join = (struct ct_cgroup_join){.clone_fd = -1};
	int r = open_join_fds(cgroup, part, ret_join, err);
	if (r < 0)
		ct_cgroup_join_close(ret_join);
	return r;
}

int ct_cgroup_join_self(struct ct_cgroup_join *join, struct libct_error *err)
{
	int r = 0;
	for (size_t i = 0; r == 0 && i < join->n_tasks; i++) {
		if (write(join->task_fds[i], "0", 1) == 1)
			continue;
		r = -errno;
		if (r == -ENOSPC)
			ct_error_set(err, ENOSPC, "join cgroup \"%s\": its cpuset.cpus or cpuset.mems is empty",
			             join->task_dirs[i]);
		else
			ct_error_sys(err, -r, "join cgroup \"%s\"", join->task_dirs[i]);
	}
	ct_cgroup_join_close(join);
	return r;
}

pid_t ct_cgroup_clone3(uint64_t flags, const struct ct_cgroup_join *join)
{
	struct clone_args args = { .flags = flags, .exit_signal = SIGCHLD };
	if (join->clone_fd >= 0) {
		args.flags |= CLONE_INTO_CGROUP;
		args.cgroup = (uint64_t)join->clone_fd;
	}
	return (pid_t)syscall(SYS_clone3, &args, sizeof(args));
}

void ct_cgroup_join_close(struct ct_cgroup_join *join)
{
	ct_closep(&join->clone_fd);
	for (size_t i = 0; i < join->n_tasks; i++) {
		ct_closep(&join->task_fds[i]);
		free(join->task_dirs[i]);
	}
	free(join->task_fds);
	free(join->task_dirs);
	*join = (struct ct_cgroup_join){.clone_fd = -1};
}

/* ----------------------------------------------------------------- pids */

static const struct ct_cgroup_hierarchy *find_v1_freezer(const struct ct_cgroup *cgroup)
{
	const struct ct_cgroup_hierarchy *hierarchy = ct_cgroup_find(cgroup, "freezer");
	return hierarchy != NULL && !hierarchy->unified ? hierarchy : NULL;
}

/* The hierarchy whose directory lists the container's processes: the
 * freezer one where it exists, because ct_cgroup_kill() freezes it. */
static const struct ct_cgroup_hierarchy *primary_hierarchy(const struct ct_cgroup *cgroup)
{
	const struct ct_cgroup_hierarchy *hierarchy = find_v1_freezer(cgroup);
	if (hierarchy == NULL)
		hierarchy = ct_cgroup_find_by_name(cgroup, CT_CGROUP_UNIFIED);
	if (hierarchy == NULL && cgroup->n_hierarchies > 0)
		hierarchy = &cgroup->hierarchies[0];
	return hierarchy;
}

static int parse_pids(const char *dir, char *data, pid_t **pids, size_t *count, struct libct_error *err)
{
	char *save = NULL;
	for (char *line = strtok_r(data, "\n", &save); line != NULL; line = strtok_r(NULL, "\n", &save)) {
		char *end = NULL;
		errno = 0;
		long value = strtol(line, &end, 10);
		if (errno != 0 || end == line || *end != '\0' || value < 0 || value > INT32_MAX)
			return ct_error_set(err, EINVAL, "read \"%s/cgroup.procs\": invalid pid \"%s\"", dir,
			                    line);
		/* 0 stands for a process outside the reader's pid namespace. */
		if (value == 0)
			continue;
		*pids = ct_realloc(*pids, (*count + 1) * sizeof(pid_t));
		(*pids)[(*count)++] = (pid_t)value;
	}
	return 0;
}

static int collect_pids(const char *dir, pid_t **pids, size_t *count, struct libct_error *err)
{
	_cleanup_free_ char *data = NULL;
	struct libct_error local = {0};
	int r = ct_cgroup_read(dir, "cgroup.procs", &data, &local);
	/* A cgroup that does not exist, removed meanwhile or named below a
	 * file, contains no process; create then reports the path. */
	if (r == -ENOENT || r == -ENOTDIR)
		return 0;
	if (r < 0) {
		copy_error(err, &local);
		return r;
	}
	r = parse_pids(dir, data, pids, count, err);
	if (r < 0)
		return r;

	_cleanup_strv_ char **children = NULL;
	r = list_subdirs(dir, &children, err);
	for (size_t i = 0; r == 0 && children != NULL && children[i] != NULL; i++) {
		_cleanup_free_ char *child = ct_cgroup_join_path(dir, children[i]);
		r = collect_pids(child, pids, count, err);
	}
	return r;
}

int ct_cgroup_pids(struct ct_cgroup *cgroup, pid_t **ret_pids, size_t *ret_count, struct libct_error *err)
{
	_cleanup_free_ pid_t *pids = NULL;
	size_t count = 0;
	const struct ct_cgroup_hierarchy *hierarchy = primary_hierarchy(cgroup);
	if (hierarchy != NULL) {
		int r = collect_pids(hierarchy->dir, &pids, &count, err);
		if (r < 0)
			return r;
	}
	*ret_pids = ct_steal_pointer(&pids);
	*ret_count = count;
	return 0;
}

/* ----------------------------------------------------------------- kill */

/* A frozen cgroup, to thaw after the signals. */
struct frozen {
	const char *dir;
	bool unified;
	bool was_frozen; /* the container was paused before */
};

/*
 * Freezes the container so that no process can fork between the listing
 * and the signal: with the v1 freezer where it exists, else with
 * cgroup.freeze. Returns false when neither exists.
 */
static bool freeze_container(struct ct_cgroup *cgroup, struct frozen *ret_frozen)
{
	const struct ct_cgroup_hierarchy *candidates[] = {
	    find_v1_freezer(cgroup),
	    ct_cgroup_find_by_name(cgroup, CT_CGROUP_UNIFIED),
	};

	for (size_t i = 0; i < sizeof(candidates) / sizeof(candidates[0]); i++) {
		const struct ct_cgroup_hierarchy *hierarchy = candidates[i];
		if (hierarchy == NULL)
			continue;
		struct libct_error local = {0};
		int r = hierarchy->unified ? ct_cgroup_v2_freeze(hierarchy->dir, &local)
		                           : ct_cgroup_v1_freeze(hierarchy->dir, &local);
		if (r == -ENOENT)
			continue;
		/* The signals go out even when the freeze did not complete, and
		 * the thaw follows in any case, because a partial freeze leaves
		 * some processes stopped. */
		if (r < 0)
			ct_debug(cgroup->context, "signal the container without a complete freeze: %s",
			         local.message);
		*ret_frozen = (struct frozen){
		    .dir = hierarchy->dir,
		    .unified = hierarchy->unified,
		    .was_frozen = r == 1,
		};
		return true;
	}
	return false;
}

static int thaw_container(const struct frozen *frozen, struct libct_error *err)
{
	return frozen->unified ? ct_cgroup_v2_thaw(frozen->dir, err) : ct_cgroup_v1_thaw(frozen->dir, err);
}

static int signal_pids(struct ct_cgroup *cgroup, int sig, struct libct_error *err)
{
	_cleanup_free_ pid_t *pids = NULL;
	size_t count = 0;
	int r = ct_cgroup_pids(cgroup, &pids, &count, err);
	if (r < 0)
		return r;

	for (size_t i = 0; i < count; i++) {
		/* A process that exited after the listing is not an error. */
		if (kill(pids[i], sig) < 0 && errno != ESRCH)
			return ct_error_sys(err, errno, "send signal %d to process %d", sig, (int)pids[i]);
	}
	return 0;
}

int ct_cgroup_kill(struct ct_cgroup *cgroup, int sig, struct libct_error *err)
{
	/* cgroup.kill (Linux 5.14) kills the whole subtree at once, so no fork
	 * can escape. It exists in the cgroup2 hierarchy of hybrid hosts too,
	 * which contains the same processes. */
	const struct ct_cgroup_hierarchy *unified = ct_cgroup_find_by_name(cgroup, CT_CGROUP_UNIFIED);
	if (sig == SIGKILL && unified != NULL) {
		int r = ct_cgroup_v2_kill(unified->dir, err);
		/* On a hybrid host a task frozen by the v1 freezer acts on the
		 * SIGKILL only once thawed, so a paused container would stay. */
		const struct ct_cgroup_hierarchy *freezer = find_v1_freezer(cgroup);
		if (r == 0 && freezer != NULL)
			r = ct_cgroup_v1_thaw(freezer->dir, err);
		if (r != -ENOENT)
			return r;
	}

	struct frozen frozen;
	bool is_frozen = freeze_container(cgroup, &frozen);
	int r = signal_pids(cgroup, sig, err);
	/* A paused container stays paused, unless SIGKILL waits for the thaw:
	 * a task frozen by the v1 freezer does not act on it before. */
	if (!is_frozen || (frozen.was_frozen && sig != SIGKILL))
		return r;

	struct libct_error thaw_err = {0};
	int thawed = thaw_container(&frozen, &thaw_err);
	if (thawed < 0 && r < 0)
		ct_error_append_cleanup(err, &thaw_err);
	else if (thawed < 0)
		copy_error(err, &thaw_err);
	return r < 0 ? r : thawed;
}

/* --------------------------------------------------------------- freeze */

int ct_cgroup_freeze(struct ct_cgroup *cgroup, bool frozen, struct libct_error *err)
{
	/* The same freezer as ct_cgroup_kill() uses, so that a kill of a
	 * paused container sees it paused. */
	const struct ct_cgroup_hierarchy *candidates[] = {
	    find_v1_freezer(cgroup),
	    ct_cgroup_find_by_name(cgroup, CT_CGROUP_UNIFIED),
	};
	for (size_t i = 0; i < sizeof(candidates) / sizeof(candidates[0]); i++) {
		const struct ct_cgroup_hierarchy *hierarchy = candidates[i];
		if (hierarchy == NULL)
			continue;
		if (!frozen) {
			int r = hierarchy->unified ? ct_cgroup_v2_thaw(hierarchy->dir, err)
			                           : ct_cgroup_v1_thaw(hierarchy->dir, err);
			return r < 0 ? r : 0;
		}
		int r = hierarchy->unified ? ct_cgroup_v2_freeze(hierarchy->dir, err)
		                           : ct_cgroup_v1_freeze(hierarchy->dir, err);
		if (r == -ENOENT)
			continue;
		return r < 0 ? r : 0;
	}
	return ct_error_set(err, ENOTSUP, "%s container: no cgroup freezer is available",
	                    frozen ? "pause" : "resume");
}

/* -------------------------------------------------------------- destroy */

/* Thaws dir and then its descendants, because a frozen process never exits
 * and its cgroup stays busy. A v1 cgroup frozen by itself stays frozen when
 * only its parent is thawed. */
static int thaw_tree(const struct ct_cgroup_hierarchy *hierarchy, const char *dir, struct libct_error *err)
{
	if (!hierarchy->unified && !ct_strv_contains(hierarchy->controllers, "freezer"))
		return 0;
	int r = hierarchy->unified ? ct_cgroup_v2_thaw(dir, err) : ct_cgroup_v1_thaw(dir, err);
	if (r < 0)
		return r;

	_cleanup_strv_ char **children = NULL;
	r = list_subdirs(dir, &children, err);
	for (size_t i = 0; r == 0 && children != NULL && children[i] != NULL; i++) {
		_cleanup_free_ char *child = ct_cgroup_join_path(dir, children[i]);
		r = thaw_tree(hierarchy, child, err);
	}
	return r;
}

static int busy_error(const char *dir, struct libct_error *err)
{
	return ct_cgroup_busy_error(dir, CT_CGROUP_DESTROY_TIMEOUT_MS, err);
}

/* Removes dir after its descendants, retrying while processes exit. The
 * rmdir comes first: a container's cgroup rarely has children, and listing
 * them costs four system calls in each hierarchy. */
static int remove_tree(const char *dir, long long deadline, struct libct_error *err)
{
	long delay_ms = 1;
	for (;;) {
		/* ENOTDIR: the path names a file, such as a control file, so no
		 * cgroup is there; a create that stopped at it leaves that path. */
		if (rmdir(dir) == 0 || errno == ENOENT || errno == ENOTDIR)
			return 0;
		int saved_errno = errno;
		if (saved_errno != EBUSY && saved_errno != ENOTEMPTY)
			return ct_error_sys(err, saved_errno, "remove cgroup \"%s\"", dir);

		_cleanup_strv_ char **children = NULL;
		int r = list_subdirs(dir, &children, err);
		for (size_t i = 0; r == 0 && children != NULL && children[i] != NULL; i++) {
			_cleanup_free_ char *child = ct_cgroup_join_path(dir, children[i]);
			r = remove_tree(child, deadline, err);
		}
		if (r < 0)
			return r;
		if (children != NULL && children[0] != NULL)
			continue;
		if (saved_errno != EBUSY)
			return ct_error_sys(err, saved_errno, "remove cgroup \"%s\"", dir);
		if (ct_cgroup_now_ms() >= deadline)
			return busy_error(dir, err);
		ct_cgroup_backoff(&delay_ms);
	}
}

static bool has_subdirs(const char *dir)
{
	_cleanup_strv_ char **children = NULL;
	return list_subdirs(dir, &children, NULL) == 0 && children != NULL && children[0] != NULL;
}

/*
 * Removes an ancestor of the container's cgroup that create made. Returns
 * 1 when it stays because other cgroups were created below it since, as
 * with the shared default parent of several containers.
 */
static int remove_ancestor(struct ct_cgroup *cgroup, const char *dir, long long deadline,
                           struct libct_error *err)
{
	long delay_ms = 1;
	for (;;) {
		if (rmdir(dir) == 0 || errno == ENOENT || errno == ENOTDIR)
			return 0;
		int saved_errno = errno;
		if ((saved_errno == EBUSY || saved_errno == ENOTEMPTY) && has_subdirs(dir)) {
			ct_debug(cgroup->context, "keep cgroup \"%s\": other cgroups are below it", dir);
			return 1;
		}
		if (saved_errno == EBUSY && ct_cgroup_now_ms() >= deadline)
			return busy_error(dir, err);
		if (saved_errno != EBUSY)
			return ct_error_sys(err, saved_errno, "remove cgroup \"%s\"", dir);
		ct_cgroup_backoff(&delay_ms);
	}
}

/* Removes the ancestors of dir that create made, after dir itself. */
static int remove_created_ancestors(struct ct_cgroup *cgroup, struct ct_cgroup_hierarchy *hierarchy,
                                    long long deadline, struct libct_error *err)
{
	_cleanup_free_ char *path = ct_strdup(hierarchy->dir);
	while (strcmp(path, hierarchy->created) != 0) {
		char *slash = strrchr(path, '/');
		if (slash == NULL || slash == path)
			break;
		*slash = '\0';
		int r = remove_ancestor(cgroup, path, deadline, err);
		if (r < 0)
			return r;
		if (r > 0)
			break;
	}

	free(hierarchy->created);
	hierarchy->created = NULL;
	return 0;
}

static int destroy_hierarchy_dir(struct ct_cgroup *cgroup, struct ct_cgroup_hierarchy *hierarchy,
                                 long long deadline, struct libct_error *err)
{
	int r = remove_tree(hierarchy->dir, deadline, err);
	if (r < 0)
		return r;
	return remove_created_ancestors(cgroup, hierarchy, deadline, err);
}

/*
 * Tries one rmdir of the container's directory in every hierarchy, which
 * succeeds in the usual case: the processes have exited and no sub-cgroups
 * exist. Stops at the first failure and returns false, and the caller then
 * takes the slow path of thaw and retries. A directory that this removed
 * reads as ENOENT there.
 */
static bool remove_empty_leaves(struct ct_cgroup *cgroup)
{
	for (size_t i = 0; i < cgroup->n_hierarchies; i++) {
		const struct ct_cgroup_hierarchy *hierarchy = &cgroup->hierarchies[i];
		if (hierarchy->created != NULL && rmdir(hierarchy->dir) < 0 && errno != ENOENT && errno != ENOTDIR)
			return false;
	}
	return true;
}

/* No thaw is needed when every leaf is empty (leaves_removed), because an
 * empty cgroup can be removed even when it is frozen. */
static int destroy(struct ct_cgroup *cgroup, bool leaves_removed, struct libct_error *err)
{
	long long deadline = ct_cgroup_now_ms() + CT_CGROUP_DESTROY_TIMEOUT_MS;
	int result = 0;
	size_t similar = 0;

	/* Each step is tried even when an earlier one failed, so that as
	 * little as possible stays behind. Otherwise every hierarchy is thawed
	 * before the next removal, because a process frozen in the freezer
	 * hierarchy keeps its cgroups in all the others busy. */
	for (size_t i = leaves_removed ? cgroup->n_hierarchies : 0; i < 2 * cgroup->n_hierarchies; i++) {
		struct ct_cgroup_hierarchy *hierarchy = &cgroup->hierarchies[i % cgroup->n_hierarchies];
		if (hierarchy->created == NULL)
			continue;

		struct libct_error local = {0};
		int r;
		if (i < cgroup->n_hierarchies)
			r = thaw_tree(hierarchy, hierarchy->dir, &local);
		else if (leaves_removed)
			r = remove_created_ancestors(cgroup, hierarchy, deadline, &local);
		else
			r = destroy_hierarchy_dir(cgroup, hierarchy, deadline, &local);
		if (r < 0 && result == 0) {
			copy_error(err, &local);
			result = r;
		} else if (r < 0 && r == result) {
			/* The same failure in every hierarchy would otherwise
			 * repeat one message once per hierarchy. */
			similar++;
		} else if (r < 0 && err != NULL) {
			ct_error_append_cleanup(err, &local);
		}
	}

	if (similar > 0 && err != NULL) {
		size_t len = strlen(err->message);
		(void)snprintf(err->message + len, sizeof(err->message) - len, " (and in %zu more cgroup%s)",
		               similar, similar == 1 ? "" : "s"); /* a truncated count still reads right */
	}
	return result;
}

int ct_cgroup_destroy(struct ct_cgroup *cgroup, struct libct_error *err)
{
	ct_closep(&cgroup->clone_fd);
	return destroy(cgroup, remove_empty_leaves(cgroup), err);
}

int ct_cgroup_destroy_if_empty(struct ct_cgroup *cgroup, struct libct_error *err)
{
	/* A directory that create did not make may hold other processes. */
	for (size_t i = 0; i < cgroup->n_hierarchies; i++)
		if (cgroup->hierarchies[i].created == NULL)
			return 0;
	ct_closep(&cgroup->clone_fd);
	if (!remove_empty_leaves(cgroup))
		return 0;
	int r = destroy(cgroup, true, err);
	return r < 0 ? r : 1;
}

/* ---------------------------------------------------------------- state */

int ct_cgroup_to_map(const struct ct_cgroup *cgroup, struct spec_map *ret_map)
{
	size_t count = cgroup->n_hierarchies + (cgroup->systemd ? 1 : 0);
	for (size_t i = 0; i < cgroup->n_hierarchies; i++)
		if (cgroup->hierarchies[i].created != NULL)
			count++;

	struct spec_map_entry *entries = ct_calloc(count > 0 ? count : 1, sizeof(*entries));
	size_t n = 0;
	for (size_t i = 0; i < cgroup->n_hierarchies; i++) {
		entries[n].key = ct_strdup(cgroup->hierarchies[i].name);
		entries[n++].value = ct_strdup(cgroup->hierarchies[i].dir);
	}
	for (size_t i = 0; i < cgroup->n_hierarchies; i++) {
		if (cgroup->hierarchies[i].created == NULL)
			continue;
		entries[n].key = ct_asprintf(CT_CGROUP_CREATED_PREFIX "%s", cgroup->hierarchies[i].name);
		entries[n++].value = ct_strdup(cgroup->hierarchies[i].created);
	}
	if (cgroup->systemd) {
		entries[n].key = ct_strdup(CT_CGROUP_DRIVER_KEY);
		entries[n++].value = ct_strdup("systemd");
	}
	ret_map->entries = entries;
	ret_map->n_entries = n;
	return 0;
}

/* A directory from state.json must be absolute and free of "..", because
 * ct_cgroup_destroy() removes it. */
static bool is_clean_absolute(const char *path)
{
	if (path[0] != '/' || strcmp(path, "/") == 0)
		return false;
	for (const char *p = path; (p = strstr(p, "..")) != NULL; p += 2)
		if (p[-1] == '/' && (p[2] == '/' || p[2] == '\0'))
			return false;
	return true;
}

static int restore_entry(struct ct_cgroup *cgroup, const struct spec_map_entry *entry,
                         struct libct_error *err)
{
	if (entry->key == NULL || entry->value == NULL || entry->key[0] == '\0' ||
	    !is_clean_absolute(entry->value))
		return ct_error_set(err, EINVAL, "restore cgroups: invalid entry \"%s\": \"%s\"",
		                    entry->key != NULL ? entry->key : "",
		                    entry->value != NULL ? entry->value : "");

	size_t prefix = strlen(CT_CGROUP_CREATED_PREFIX);
	if (strncmp(entry->key, CT_CGROUP_CREATED_PREFIX, prefix) != 0) {
		if (ct_cgroup_find_by_name(cgroup, entry->key) != NULL)
			return ct_error_set(err, EINVAL, "restore cgroups: hierarchy \"%s\" appears twice",
			                    entry->key);
		struct ct_cgroup_hierarchy hierarchy = {
		    .name = ct_strdup(entry->key),
		    .unified = strcmp(entry->key, CT_CGROUP_UNIFIED) == 0,
		    .dir = ct_strdup(entry->value),
		    .controllers = entry->key[0] != '\0' && strcmp(entry->key, CT_CGROUP_UNIFIED) != 0
		                       ? ct_cgroup_split_v1_controllers(entry->key)
		                       : NULL,
		};
		/* The cgroup2 controllers that update may use are those enabled
		 * for the container's cgroup; a cgroup already gone has none. */
		if (hierarchy.controllers == NULL &&
		    ct_cgroup_v2_read_controllers(hierarchy.dir, &hierarchy.controllers, NULL) < 0)
			hierarchy.controllers = ct_calloc(1, sizeof(char *));
		ct_cgroup_append_hierarchy(cgroup, &hierarchy);
		return 0;
	}

	struct ct_cgroup_hierarchy *hierarchy = ct_cgroup_find_by_name(cgroup, entry->key + prefix);
	if (hierarchy == NULL || !ct_cgroup_path_is_below(hierarchy->dir, entry->value))
		return ct_error_set(err, EINVAL,
		                    "restore cgroups: \"%s\": \"%s\" is not the cgroup of hierarchy "
		                    "\"%s\" or one of its parents",
		                    entry->key, entry->value, entry->key + prefix);
	free(hierarchy->created);
	hierarchy->created = ct_strdup(entry->value);
	return 0;
}

int ct_cgroup_from_map(const struct spec_map *map, struct ct_cgroup **ret_cgroup, struct libct_error *err)
{
	_cleanup_cgroup_ struct ct_cgroup *cgroup = ct_calloc(1, sizeof(*cgroup));
	cgroup->clone_fd = -1;

	/* Two passes, so that "created:" entries may come in any order. */
	for (int pass = 0; pass < 2; pass++) {
		for (size_t i = 0; i < map->n_entries; i++) {
			const struct spec_map_entry *entry = &map->entries[i];
			if (entry->key != NULL && strcmp(entry->key, CT_CGROUP_DRIVER_KEY) == 0) {
				cgroup->systemd = entry->value != NULL && strcmp(entry->value, "systemd") == 0;
				continue;
			}
			bool marker = entry->key != NULL && strncmp(entry->key, CT_CGROUP_CREATED_PREFIX,
			                                            strlen(CT_CGROUP_CREATED_PREFIX)) == 0;
			if (marker != (pass == 1))
				continue;
			int r = restore_entry(cgroup, entry, err);
			if (r < 0)
				return r;
		}
	}
	if (cgroup->n_hierarchies == 0)
		return ct_error_set(err, EINVAL, "restore cgroups: the saved state names no hierarchy");

	bool unified = ct_cgroup_find_by_name(cgroup, CT_CGROUP_UNIFIED) != NULL;
	if (unified && cgroup->n_hierarchies == 1)
		cgroup->layout = CT_CGROUP_LAYOUT_V2;
	else
		cgroup->layout = unified ? CT_CGROUP_LAYOUT_HYBRID : CT_CGROUP_LAYOUT_V1;
	*ret_cgroup = ct_steal_pointer(&cgroup);
	return 0;
}

