/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The state directory <state root>/<id>: its lock, state.json, liveness of
 * the init, and the state and list calls of the public API.
 *
 * Locking: every command on a container holds flock(LOCK_EX) on the state
 * directory itself for its whole run. create makes the directory while
 * holding LOCK_EX on the state root, and locks the new directory before it
 * unlocks the root. The other commands open a directory under LOCK_SH on
 * the root. So no command can see a directory that create made but has not
 * locked yet, and a command that was waiting for the lock of a directory
 * that delete has removed in the meantime sees a link count of zero.
 */
#include <dirent.h>
#include <limits.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "exeseal.h"
#include "internal.h"
#include "state.h"

#define STATE_FILE "state.json"
#define STATE_MAX_SIZE (4 * 1024 * 1024)
#define STATE_LOCK_WAIT_MS 3000

static void map_clear(struct spec_map *map)
{
	for (size_t i = 0; i < map->n_entries; i++) {
		free(map->entries[i].key);
		free(map->entries[i].value);
	}
	free(map->entries);
	map->entries = NULL;
	map->n_entries = 0;
}

static void map_copy(const struct spec_map *from, struct spec_map *to)
{
	to->n_entries = from->n_entries;
	to->entries = ct_calloc(from->n_entries + 1, sizeof(*to->entries));
	for (size_t i = 0; i < from->n_entries; i++) {
		to->entries[i].key = ct_strdup(from->entries[i].key);
		to->entries[i].value = ct_strdup(from->entries[i].value);
	}
}

static char *strdup_or_null(const char *s)
{
	return s != NULL ? ct_strdup(s) : NULL;
}

void ct_state_free(struct ct_state *state)
{
	if (state == NULL)
		return;
	free(state->id);
	free(state->bundle);
	free(state->rootfs);
	free(state->created);
	free(state->owner);
	map_clear(&state->annotations);
	map_clear(&state->cgroup_paths);
	free(state);
}

/* ------------------------------------------------------------- the id */

/* A directory name is at most NAME_MAX bytes long. The start socket needs no
 * room in sun_path: it is bound through /proc/self/fd (sync.c). */
#define ID_MAX_LENGTH NAME_MAX
#define ID_SHOWN_MAX 64

/* Copies at most ID_SHOWN_MAX bytes of id into buf, with each byte outside
 * printable ASCII, and the quote and backslash, written as \xNN, so that
 * an id cannot forge or garble a message. */
static const char *escape_id(const char *id, char *buf, size_t size)
{
	size_t len = 0;
	for (size_t i = 0; id[i] != '\0' && i < ID_SHOWN_MAX && len + 5 < size; i++) {
		unsigned char c = (unsigned char)id[i];
		if (c < 0x20 || c >= 0x7f || c == '"' || c == '\\')
			len += (size_t)snprintf(buf + len, size - len, "\\x%02x", c);
		else
			buf[len++] = (char)c;
	}
	if (strlen(id) > ID_SHOWN_MAX && len + 4 < size) {
		memcpy(buf + len, "...", 3);
		len += 3;
	}
	buf[len] = '\0';
	return buf;
}

int ct_check_id(const char *id, struct libct_error *err)
{
	if (id == NULL || id[0] == '\0')
		return ct_error_set(err, EINVAL, "invalid container id: empty");
	char shown[ID_SHOWN_MAX * 4 + 8];
	escape_id(id, shown, sizeof(shown));
	if (strcmp(id, ".") == 0 || strcmp(id, "..") == 0)
		return ct_error_set(err, EINVAL, "invalid container id \"%s\": \".\" and \"..\" are not allowed", shown);
	if (id[0] == '-')
		return ct_error_set(err, EINVAL, "invalid container id \"%s\": must not start with \"-\"", shown);
	if (strlen(id) > ID_MAX_LENGTH)
		return ct_error_set(err, EINVAL, "invalid container id \"%s\": longer than %d bytes", shown,
				    ID_MAX_LENGTH);
	if (strspn(id, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_.+-") != strlen(id))
		return ct_error_set(err, EINVAL,
				    "invalid container id \"%s\": only letters, digits and \"_.+-\" are allowed", shown);
	return 0;
}

/* ------------------------------------------------------ the directory */

static int mkdir_parents(const char *path, struct libct_error *err)
{
	_cleanup_free_ char *copy = ct_strdup(path);
	for (char *slash = strchr(copy + 1, '/');; slash = strchr(slash + 1, '/')) {
		if (slash != NULL)
			*slash = '\0';
		if (mkdir(copy, 0700) < 0 && errno != EEXIST)
			return ct_error_sys(err, errno, "create state root \"%s\"", copy);
		if (slash == NULL)
			return 0;
		*slash = '/';
	}
}

static int open_root(struct libct_context *context, bool create, struct libct_error *err)
{
	int fd = open(context->state_root, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0 && errno == ENOENT && create) {
		int r = mkdir_parents(context->state_root, err);
		if (r < 0)
			return r;
		fd = open(context->state_root, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	}
	if (fd < 0)
		return ct_error_sys(err, errno, "open state root \"%s\"", context->state_root);
	return fd;
}

static int lock_fd(int fd, int operation, const char *what, struct libct_error *err)
{
	int r;
	do
		r = flock(fd, operation);
	while (r < 0 && errno == EINTR);
	if (r < 0)
		return ct_error_sys(err, errno, "lock %s", what);
	return 0;
}

int ct_state_dir_create(struct libct_context *context, const char *id, int *ret_dir_fd, struct libct_error *err)
{
	int r = ct_check_id(id, err);
	if (r < 0)
		return r;
	_cleanup_close_ int root_fd = open_root(context, true, err);
	if (root_fd < 0)
		return root_fd;
	r = lock_fd(root_fd, LOCK_EX, "state root", err);
	if (r < 0)
		return r;

	if (mkdirat(root_fd, id, 0700) < 0) {
		if (errno == EEXIST)
			return ct_error_set(err, EEXIST, "container \"%s\" already exists", id);
		return ct_error_sys(err, errno, "create state directory \"%s/%s\"", context->state_root, id);
	}
	_cleanup_close_ int dir_fd = openat(root_fd, id, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (dir_fd < 0)
		return ct_error_sys(err, errno, "open state directory \"%s/%s\"", context->state_root, id);
	r = lock_fd(dir_fd, LOCK_EX, "state directory", err);
	if (r < 0)
		return r;
	*ret_dir_fd = ct_steal_fd(&dir_fd);
	return 0;
}

/* Takes the lock without blocking, retrying with a growing pause for up
 * to STATE_LOCK_WAIT_MS: a create stuck in a hook, or a FIFO, must not
 * wedge every later command on the container. */
static int lock_bounded(int fd, int operation)
{
	struct timespec start, now;
	clock_gettime(CLOCK_MONOTONIC, &start);
	long delay_ms = 1;
	for (;;) {
		if (flock(fd, operation | LOCK_NB) == 0)
			return 0;
		if (errno == EINTR)
			continue;
		if (errno != EWOULDBLOCK)
			return -errno;
		clock_gettime(CLOCK_MONOTONIC, &now);
		long elapsed_ms = (now.tv_sec - start.tv_sec) * 1000 + (now.tv_nsec - start.tv_nsec) / 1000000;
		if (elapsed_ms >= STATE_LOCK_WAIT_MS)
			return -EWOULDBLOCK;
		struct timespec pause = { .tv_nsec = delay_ms * 1000000 };
		nanosleep(&pause, NULL);
		delay_ms = delay_ms * 2 < 100 ? delay_ms * 2 : 100;
	}
}

/* Names the holder when it is a create, which records its own pid. */
static int locked_error(int dir_fd, const char *id, struct libct_error *err)
{
	struct ct_state *state = NULL;
	pid_t pid = 0;
	struct libct_error ignored = { 0 };
	if (ct_state_load(dir_fd, id, &state, &ignored) == 0 && state->status == LIBCT_STATUS_CREATING &&
	    ct_state_status(state) == LIBCT_STATUS_CREATING)
		pid = state->pid;
	ct_state_free(state);
	if (pid > 0)
		return ct_error_set(err, EBUSY, "container \"%s\" is locked by another ctrun command (pid %d?)", id,
				    pid);
	return ct_error_set(err, EBUSY, "container \"%s\" is locked by another ctrun command", id);
}

/* Fails with ENOENT when another command removed the state directory
 * after it was opened, for example while the lock was free. */
static int check_not_removed(const char *id, int dir_fd, struct libct_error *err)
{
	struct stat st;
	if (fstat(dir_fd, &st) < 0)
		return ct_error_sys(err, errno, "stat state directory of container \"%s\"", id);
	if (st.st_nlink == 0)
		return ct_error_set(err, ENOENT, "container \"%s\" does not exist", id);
	return 0;
}

static int open_dir(struct libct_context *context, const char *id, bool lock, int *ret_dir_fd,
		    struct libct_error *err)
{
	int r = ct_check_id(id, err);
	if (r < 0)
		return r;
	_cleanup_close_ int root_fd = open_root(context, false, err);
	if (root_fd == -ENOENT)
		return ct_error_set(err, ENOENT, "container \"%s\" does not exist", id);
	if (root_fd < 0)
		return root_fd;
	r = lock_fd(root_fd, LOCK_SH, "state root", err);
	if (r < 0)
		return r;

	_cleanup_close_ int dir_fd = openat(root_fd, id, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (dir_fd < 0 && errno == ENOENT)
		return ct_error_set(err, ENOENT, "container \"%s\" does not exist", id);
	if (dir_fd < 0)
		return ct_error_sys(err, errno, "open state directory of container \"%s\"", id);
	ct_closep(&root_fd);

	r = lock ? ct_state_dir_relock(id, dir_fd, err) : check_not_removed(id, dir_fd, err);
	if (r < 0)
		return r;
	*ret_dir_fd = ct_steal_fd(&dir_fd);
	return 0;
}

int ct_state_dir_relock(const char *id, int dir_fd, struct libct_error *err)
{
	int r = lock_bounded(dir_fd, LOCK_EX);
	if (r == -EWOULDBLOCK)
		return locked_error(dir_fd, id, err);
	if (r < 0)
		return ct_error_sys(err, -r, "lock state directory of container \"%s\"", id);
	return check_not_removed(id, dir_fd, err);
}

int ct_state_dir_unlock(int dir_fd)
{
	return flock(dir_fd, LOCK_UN) < 0 ? -errno : 0;
}

int ct_state_dir_open(struct libct_context *context, const char *id, int *ret_dir_fd, struct libct_error *err)
{
	return open_dir(context, id, true, ret_dir_fd, err);
}

int ct_state_dir_open_unlocked(struct libct_context *context, const char *id, int *ret_dir_fd,
			       struct libct_error *err)
{
	return open_dir(context, id, false, ret_dir_fd, err);
}

int ct_state_dir_remove(struct libct_context *context, const char *id, int dir_fd, struct libct_error *err)
{
	int fd = openat(dir_fd, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0)
		return ct_error_sys(err, errno, "open state directory of container \"%s\"", id);
	DIR *dir = fdopendir(fd);
	if (dir == NULL) {
		close(fd);
		return ct_error_sys(err, errno, "read state directory of container \"%s\"", id);
	}
	struct dirent *entry;
	while ((entry = readdir(dir)) != NULL) {
		if (strcmp(entry->d_name, ".") == 0 || strcmp(entry->d_name, "..") == 0)
			continue;
		if (unlinkat(dir_fd, entry->d_name, 0) < 0 && errno != ENOENT) {
			int saved_errno = errno;
			closedir(dir);
			return ct_error_sys(err, saved_errno, "remove \"%s\" of container \"%s\"", entry->d_name, id);
		}
	}
	closedir(dir);

	_cleanup_close_ int root_fd = open_root(context, false, err);
	if (root_fd < 0)
		return root_fd;
	if (unlinkat(root_fd, id, AT_REMOVEDIR) < 0 && errno != ENOENT)
		return ct_error_sys(err, errno, "remove state directory of container \"%s\"", id);
	return 0;
}

/* ---------------------------------------------------------- state.json */

int ct_state_write_file(int dir_fd, const char *name, const char *data, size_t len, struct libct_error *err)
{
	/* Through a temporary file and a rename (or an exchange), so that a
	 * ctrun killed or out of space midway leaves the previous file whole:
	 * an empty state.json would hide the container's cgroups and init from
	 * delete. A killed writer leaves a hidden ".NAME.tmp*" file, which
	 * ct_state_dir_remove() removes with the rest. */
	return ct_replace_owned_file(dir_fd, name, data, len, 0600, err);
}

/* run writes its created state only after it has sent START, so a run
 * killed in between leaves a "creating" state while the program runs. That
 * state also names the init, and once the run that wrote it is gone, it
 * reads as the created state of the init. */
static void adopt_recorded_init(struct ct_state *state)
{
	unsigned long long start_time;
	if (state->status != LIBCT_STATUS_CREATING || state->init_pid <= 0)
		return;
	if (ct_pid_start_time(state->pid, &start_time) == 0 && start_time == state->pid_start_time)
		return; /* run is still at work */
	state->status = LIBCT_STATUS_CREATED;
	state->pid = state->init_pid;
	state->pid_start_time = state->init_pid_start_time;
}

int ct_state_load(int dir_fd, const char *id, struct ct_state **ret_state, struct libct_error *err)
{
	_cleanup_free_ char *data = NULL;
	size_t len = 0;
	struct libct_error read_err = { 0 };
	int r = ct_read_file_at(dir_fd, STATE_FILE, STATE_MAX_SIZE, &data, &len, &read_err);
	if (r == -ENOENT)
		return -ENOENT;
	if (r < 0)
		return ct_error_set(err, read_err.code, "%s", read_err.message);

	struct spec_state *file = NULL;
	r = spec_state_parse(data, len, &file, err);
	if (r < 0)
		return ct_error_prefix(err, "read state of container \"%s\"", id);

	struct ct_state *state = ct_calloc(1, sizeof(*state));
	state->id = ct_strdup(id);
	state->status = file->status;
	state->pid = (pid_t)file->pid;
	state->pid_start_time = file->pid_start_time;
	state->bundle = strdup_or_null(file->bundle);
	state->rootfs = strdup_or_null(file->rootfs);
	state->created = strdup_or_null(file->created);
	state->owner = strdup_or_null(file->owner);
	map_copy(&file->annotations, &state->annotations);
	map_copy(&file->cgroup_paths, &state->cgroup_paths);
	state->poststart_hooks = file->poststart_hooks;
	state->init_exe_dev = file->init_exe_dev;
	state->init_exe_ino = file->init_exe_ino;
	state->init_pid = (pid_t)file->init_pid;
	state->init_pid_start_time = file->init_pid_start_time;
	spec_state_free(file);
	adopt_recorded_init(state);
	*ret_state = state;
	return 0;
}

int ct_state_save(int dir_fd, const struct ct_state *state, struct libct_error *err)
{
	struct spec_state file = {
		.oci_version = (char *)"1.3.0",
		.id = state->id,
		.status = state->status,
		.pid = state->pid,
		.pid_start_time = state->pid_start_time,
		.bundle = state->bundle,
		.rootfs = state->rootfs,
		.created = state->created,
		.owner = state->owner,
		.annotations = state->annotations,
		.cgroup_paths = state->cgroup_paths,
		.poststart_hooks = state->poststart_hooks,
		.init_exe_dev = state->init_exe_dev,
		.init_exe_ino = state->init_exe_ino,
		.init_pid = state->init_pid,
		.init_pid_start_time = state->init_pid_start_time,
	};
	_cleanup_free_ char *json = NULL;
	size_t len = 0;
	int r = spec_state_serialize(&file, true, &json, &len, err);
	if (r < 0)
		return r;
	return ct_state_write_file(dir_fd, STATE_FILE, json, len, err);
}

/* ------------------------------------------------------------ liveness */

int ct_pid_start_time(pid_t pid, unsigned long long *ret_start_time)
{
	char path[64];
	char buf[1024];
	snprintf(path, sizeof(path), "/proc/%d/stat", pid);
	_cleanup_close_ int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return errno == ENOENT ? -ESRCH : -errno;
	ssize_t n = read(fd, buf, sizeof(buf) - 1);
	if (n < 0)
		return errno == ESRCH ? -ESRCH : -errno;
	buf[n] = '\0';

	/* The command name may contain spaces and parentheses; the fields
	 * after the last ')' start with field 3, the process state. */
	const char *p = strrchr(buf, ')');
	char state;
	unsigned long long start_time;
	if (p == NULL ||
	    sscanf(p + 1, " %c %*s %*s %*s %*s %*s %*s %*s %*s %*s %*s %*s %*s %*s %*s %*s %*s %*s %*s %llu", &state,
		   &start_time) != 2)
		return -EBADMSG;
	if (state == 'Z' || state == 'X')
		return -ESRCH;
	*ret_start_time = start_time;
	return 0;
}

/* Tells whether a live init has executed the user program. Until then it is
 * a clone of the runtime: its /proc/PID/exe is the executable whose device
 * and inode create recorded, usually the protected view of the runtime's
 * binary that libct_protect_runtime_binary() made. So a container whose
 * program is the runtime's binary itself counts as executed. This holds
 * even when the start that released the init died before it could record
 * "running", and for run, which never records it. When /proc/PID/exe
 * cannot be read, the recorded status is kept. */
static bool init_executed(const struct ct_state *state)
{
	char path[64];
	char init_exe[PATH_MAX];
	char own_exe[PATH_MAX];
	snprintf(path, sizeof(path), "/proc/%d/exe", state->pid);
	_cleanup_close_ int init_fd = open(path, O_RDONLY | O_CLOEXEC);
	struct stat init_st, own_st;
	if (state->init_exe_ino != 0)
		return init_fd >= 0 && fstat(init_fd, &init_st) == 0 &&
		       (init_st.st_dev != state->init_exe_dev || init_st.st_ino != state->init_exe_ino);

	/* A state.json of an older ctrun: compare with the known views and
	 * with our own binary. */
	if (init_fd >= 0 && ct_exeseal_kind(init_fd) != CT_EXESEAL_NONE)
		return false;
	if (init_fd >= 0 && fstat(init_fd, &init_st) == 0 && stat("/proc/self/exe", &own_st) == 0)
		return init_st.st_dev != own_st.st_dev || init_st.st_ino != own_st.st_ino;
	ssize_t init_len = readlink(path, init_exe, sizeof(init_exe) - 1);
	if (init_len <= 0)
		return false;
	init_exe[init_len] = '\0';
	ssize_t own_len = readlink("/proc/self/exe", own_exe, sizeof(own_exe) - 1);
	if (own_len <= 0)
		return false;
	own_exe[own_len] = '\0';
	return strcmp(init_exe, own_exe) != 0;
}

enum libct_status ct_state_status(const struct ct_state *state)
{
	unsigned long long start_time;
	if (state->pid <= 0 || ct_pid_start_time(state->pid, &start_time) < 0 ||
	    start_time != state->pid_start_time)
		return LIBCT_STATUS_STOPPED;
	if (state->status == LIBCT_STATUS_CREATED && init_executed(state))
		return ct_state_frozen(state) ? LIBCT_STATUS_PAUSED : LIBCT_STATUS_RUNNING;
	if (state->status == LIBCT_STATUS_RUNNING && ct_state_frozen(state))
		return LIBCT_STATUS_PAUSED;
	return state->status;
}

/* ---------------------------------------------------------- public API */

int libct_container_state(struct libct_context *context, const char *id, struct libct_state **ret_state,
			  struct libct_error *err)
{
	/* Without the lock, so that a stuck command cannot block state. Every
	 * write replaces state.json whole, but a damaged file is still read
	 * again a few times before the error is returned. */
	_cleanup_close_ int dir_fd = -1;
	int r = ct_state_dir_open_unlocked(context, id, &dir_fd, err);
	if (r < 0)
		return r;
	struct ct_state *state = NULL;
	for (int attempt = 0;; attempt++) {
		struct libct_error load_err = { 0 };
		r = ct_state_load(dir_fd, id, &state, &load_err);
		if (r >= 0 || r == -ENOENT)
			break;
		if (attempt == 10) {
			*err = load_err;
			return r;
		}
		struct timespec pause = { .tv_nsec = 10 * 1000000 };
		nanosleep(&pause, NULL);
	}
	if (r == -ENOENT)
		return ct_error_set(err, ENOENT, "container \"%s\" does not exist", id);
	if (r < 0)
		return r;

	struct libct_state *result = ct_calloc(1, sizeof(*result));
	result->oci_version = ct_strdup("1.3.0");
	result->id = ct_steal_pointer(&state->id);
	result->status = ct_state_status(state);
	result->pid = result->status == LIBCT_STATUS_STOPPED ? 0 : state->pid;
	result->bundle = ct_steal_pointer(&state->bundle);
	result->rootfs = ct_steal_pointer(&state->rootfs);
	result->created = ct_steal_pointer(&state->created);
	result->owner = ct_steal_pointer(&state->owner);
	result->n_annotations = state->annotations.n_entries;
	result->annotations = ct_calloc(result->n_annotations + 1, sizeof(*result->annotations));
	for (size_t i = 0; i < result->n_annotations; i++) {
		result->annotations[i].key = ct_steal_pointer(&state->annotations.entries[i].key);
		result->annotations[i].value = ct_steal_pointer(&state->annotations.entries[i].value);
	}
	ct_state_free(state);
	*ret_state = result;
	return 0;
}

void libct_state_free(struct libct_state *state)
{
	if (state == NULL)
		return;
	free(state->oci_version);
	free(state->id);
	free(state->bundle);
	free(state->rootfs);
	free(state->created);
	free(state->owner);
	for (size_t i = 0; i < state->n_annotations; i++) {
		free(state->annotations[i].key);
		free(state->annotations[i].value);
	}
	free(state->annotations);
	free(state);
}

static int compare_ids(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

int libct_container_list(struct libct_context *context, char ***ret_ids, size_t *ret_count,
			 struct libct_error *err)
{
	*ret_ids = NULL;
	*ret_count = 0;
	int root_fd = open_root(context, false, err);
	if (root_fd == -ENOENT)
		return 0;
	if (root_fd < 0)
		return root_fd;
	DIR *dir = fdopendir(root_fd);
	if (dir == NULL) {
		close(root_fd);
		return ct_error_sys(err, errno, "read state root \"%s\"", context->state_root);
	}

	char **ids = NULL;
	size_t count = 0;
	struct dirent *entry;
	while ((entry = readdir(dir)) != NULL) {
		if (entry->d_name[0] == '.')
			continue;
		_cleanup_free_ char *path = ct_asprintf("%s/" STATE_FILE, entry->d_name);
		if (faccessat(root_fd, path, F_OK, AT_SYMLINK_NOFOLLOW) < 0)
			continue; /* not a container, or one still being created */
		ids = ct_realloc(ids, (count + 1) * sizeof(*ids));
		ids[count++] = ct_strdup(entry->d_name);
	}
	closedir(dir);

	if (count > 0)
		qsort(ids, count, sizeof(*ids), compare_ids);
	*ret_ids = ids;
	*ret_count = count;
	return (int)count;
}

void libct_id_list_free(char **ids, size_t count)
{
	for (size_t i = 0; i < count; i++)
		free(ids[i]);
	free(ids);
}
