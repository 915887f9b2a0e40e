/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The container lifecycle on the runtime side after create: start, wait,
 * kill and delete, and the run API, which creates with create.c and then
 * starts over the socket pair it already holds.
 */
#include <poll.h>
#include <signal.h>
#include <string.h>
#include <sys/pidfd.h>
#include <sys/wait.h>

#include "hooks.h"
#include "notify.h"
#include "sync.h"
#include "create.h"

/* How long delete waits for killed processes to disappear. */
#define DELETE_WAIT_MS 10000

/* ---------------------------------------------- start, wait, kill, delete */

/* Opens and locks the state of an existing container. */
static int open_container(struct libct_context *context, const char *id, int *ret_dir_fd,
			  struct ct_state **ret_state, struct libct_error *err)
{
	int r = ct_state_dir_open(context, id, ret_dir_fd, err);
	if (r < 0)
		return r;
	r = ct_state_load(*ret_dir_fd, id, ret_state, err);
	if (r == -ENOENT)
		return ct_error_set(err, ENOENT, "container \"%s\" does not exist", id);
	return r;
}

static int open_init_pidfd(const struct ct_state *state);
static int kill_all(const struct ct_state *state, int sig, struct libct_error *err);

/* After a failed exec the init exits; waiting for that briefly makes the
 * next state call report "stopped" rather than a dying "created" init. */
static void wait_init_exit(const struct ct_state *state)
{
	_cleanup_close_ int pidfd = open_init_pidfd(state);
	if (pidfd < 0)
		return;
	struct pollfd pfd = { .fd = pidfd, .events = POLLIN };
	(void)poll(&pfd, 1, 1000); /* a timeout only leaves the status stale for a moment */
}

/* Reads the stored config for the hooks of start and delete; a container
 * whose create stopped before storing it has none. */
static int load_stored_config(int dir_fd, struct spec_config **ret_config, struct libct_error *err)
{
	struct libct_error load_err = { 0 };
	int r = ct_hooks_load_config(dir_fd, ret_config, &load_err);
	if (r == -ENOENT)
		return 0;
	if (r < 0 && err != NULL)
		*err = load_err;
	return r;
}

/* A failing poststart hook stops the container, as the runtime spec requires;
 * delete then runs the poststop hooks. config is NULL when the caller has
 * no parsed config: the stored one is then read, unless state.json records
 * that it has no poststart hooks. */
static int run_poststart_hooks(struct libct_context *context, int dir_fd, const struct ct_state *state,
			       const struct spec_config *config, struct libct_error *err)
{
	if (config == NULL && state->poststart_hooks.set && !state->poststart_hooks.value)
		return 0;
	struct spec_config *loaded = NULL;
	if (config == NULL) {
		int r = load_stored_config(dir_fd, &loaded, err);
		if (r < 0 || loaded == NULL)
			return r;
		config = loaded;
	}

	struct spec_state hook_state;
	ct_hooks_state_from(state, LIBCT_STATUS_RUNNING, &hook_state);
	int r = ct_hooks_run(context, &config->hooks, CT_HOOK_POSTSTART, &hook_state, err);
	spec_config_free(loaded);
	if (r < 0) {
		struct libct_error cleanup = { 0 };
		if (kill_all(state, SIGKILL, &cleanup) < 0)
			ct_error_append_cleanup(err, &cleanup);
		wait_init_exit(state);
	}
	return r;
}

static int forward_ready(struct libct_context *context, const struct ct_state *state, int notify_fd,
			 struct libct_error *err)
{
	/* Without a pidfd the init has exited, and only queued messages count. */
	_cleanup_close_ int pidfd = open_init_pidfd(state);
	return ct_notify_forward_ready(context, notify_fd, pidfd, state->pid, err);
}

int libct_container_start(struct libct_context *context, const char *id, struct libct_error *err)
{
	_cleanup_close_ int dir_fd = -1;
	struct ct_state *state = NULL;
	ct_trace_set_id(context, id);
	uint64_t trace_start = ct_trace_begin(context);
	int r = open_container(context, id, &dir_fd, &state, err);
	ct_trace_end(context, "state_dir", "open", trace_start);
	if (r < 0)
		goto out;

	enum libct_status status = ct_state_status(state);
	if (status != LIBCT_STATUS_CREATED) {
		r = ct_error_set(err, EINVAL, "cannot start container \"%s\": status is \"%s\"", id,
				 libct_status_name(status));
		goto out;
	}

	/* Bound before the program runs, so that no READY=1 is lost. */
	_cleanup_close_ int notify_fd = -1;
	r = ct_notify_open(dir_fd, &notify_fd, err);
	if (r < 0) {
		ct_error_prefix(err, "start container \"%s\": NOTIFY_SOCKET", id);
		goto out;
	}

	trace_start = ct_trace_begin(context);
	r = ct_sync_request_start(dir_fd, context, err);
	ct_trace_end(context, "exec", NULL, trace_start);
	if (r < 0) {
		wait_init_exit(state);
		ct_error_prefix(err, "start container \"%s\"", id);
		goto out;
	}
	/* The init closed its listening socket when it executed the program. */
	(void)unlinkat(dir_fd, CT_START_SOCKET, 0);
	ct_debug(context, "start container \"%s\": the init executed the program", id);

	/* The program runs from here on, whatever happens to state.json. Since
	 * ct_state_status() reports a created init that has executed the program
	 * as running, a failed write is only a warning. */
	state->status = LIBCT_STATUS_RUNNING;
	trace_start = ct_trace_begin(context);
	struct libct_error save_err = { 0 };
	if (ct_state_save(dir_fd, state, &save_err) < 0)
		ct_warn(context, "start container \"%s\": record the running state: %s", id, save_err.message);
	ct_trace_end(context, "state", "save", trace_start);
	r = run_poststart_hooks(context, dir_fd, state, NULL, err);
	if (r >= 0 && notify_fd >= 0)
		r = forward_ready(context, state, notify_fd, err);
	if (r < 0)
		ct_error_prefix(err, "start container \"%s\"", id);
out:
	ct_state_free(state);
	return r;
}

int libct_container_wait(struct libct_context *context, const char *id, int *ret_status, struct libct_error *err)
{
	pid_t pid;
	{
		/* The lock must not be held while waiting, or kill and delete of
		 * this container would block until it exits. */
		_cleanup_close_ int dir_fd = -1;
		struct ct_state *state = NULL;
		int r = open_container(context, id, &dir_fd, &state, err);
		pid = state != NULL ? state->pid : 0;
		ct_state_free(state);
		if (r < 0)
			return r;
	}

	int status;
	pid_t r;
	do
		r = waitpid(pid, &status, 0);
	while (r < 0 && errno == EINTR);
	if (r < 0 && errno == ECHILD)
		return ct_error_set(err, ECHILD, "wait for container \"%s\": init %d is not a child of this process",
				    id, pid);
	if (r < 0)
		return ct_error_sys(err, errno, "wait for container \"%s\"", id);
	if (ret_status != NULL)
		*ret_status = status;
	return 0;
}

/* Opens a pidfd of the container's init, or returns -ESRCH when that
 * process is gone, also when its pid now names another process. */
static int open_init_pidfd(const struct ct_state *state)
{
	if (state->pid <= 0)
		return -ESRCH; /* create was killed before it cloned the init */
	_cleanup_close_ int pidfd = pidfd_open(state->pid, 0);
	if (pidfd < 0)
		return -errno;

	/* The pidfd pins the process, so this check closes the pid reuse race. */
	unsigned long long start_time;
	if (ct_pid_start_time(state->pid, &start_time) < 0 || start_time != state->pid_start_time)
		return -ESRCH;
	return ct_steal_fd(&pidfd);
}

static int kill_all(const struct ct_state *state, int sig, struct libct_error *err)
{
	struct ct_cgroup *cgroup = NULL;
	int r = ct_cgroup_from_map(&state->cgroup_paths, &cgroup, err);
	if (r < 0)
		return r;
	r = ct_cgroup_kill(cgroup, sig, err);
	ct_cgroup_free(cgroup);
	return r;
}

/*
 * Thaws a paused container after SIGKILL, as runc does. A task frozen by the
 * v1 freezer acts on SIGKILL only once thawed, so without this the init
 * would stay alive and paused. cgroup2 lets SIGKILL through, but the cgroup
 * would stay frozen with the processes that the signal did not reach.
 */
static int thaw_after_kill(const struct ct_state *state, struct libct_error *err)
{
	if (!ct_state_frozen(state))
		return 0;
	struct ct_cgroup *cgroup = NULL;
	int r = ct_cgroup_from_map(&state->cgroup_paths, &cgroup, err);
	if (r < 0)
		return r;
	r = ct_cgroup_freeze(cgroup, false, err);
	ct_cgroup_free(cgroup);
	if (r < 0)
		ct_error_prefix(err, "thaw after SIGKILL");
	return r < 0 ? r : 0;
}

int libct_container_kill(struct libct_context *context, const char *id, int sig, bool all, struct libct_error *err)
{
	_cleanup_close_ int dir_fd = -1;
	struct ct_state *state = NULL;
	int r = open_container(context, id, &dir_fd, &state, err);
	if (r < 0)
		goto out;

	if (sig < 0 || sig > SIGRTMAX) {
		r = ct_error_set(err, EINVAL, "kill container \"%s\": invalid signal %d", id, sig);
		goto out;
	}
	if (all) {
		/* Without a pid namespace, processes may outlive the init. */
		r = kill_all(state, sig, err);
		if (r >= 0 && sig == SIGKILL)
			r = thaw_after_kill(state, err);
		if (r < 0)
			ct_error_prefix(err, "kill container \"%s\"", id);
		goto out;
	}

	_cleanup_close_ int pidfd = open_init_pidfd(state);
	if (pidfd == -ESRCH) {
		r = ct_error_set(err, ESRCH, "kill container \"%s\": container is not running", id);
		goto out;
	}
	if (pidfd < 0) {
		r = ct_error_sys(err, -pidfd, "kill container \"%s\": open init %d", id, state->pid);
		goto out;
	}
	if (pidfd_send_signal(pidfd, sig, NULL, 0) < 0)
		r = ct_error_sys(err, errno, "kill container \"%s\": send signal %d", id, sig);
	else if (sig == SIGKILL && (r = thaw_after_kill(state, err)) < 0)
		ct_error_prefix(err, "kill container \"%s\"", id);
out:
	ct_state_free(state);
	return r;
}

/* Sends SIGKILL to the init; returns its pidfd to wait on, or -ESRCH when
 * it is already gone. */
static int kill_init(const struct ct_state *state, struct libct_error *err)
{
	_cleanup_close_ int pidfd = open_init_pidfd(state);
	if (pidfd == -ESRCH)
		return -ESRCH;
	if (pidfd < 0)
		return ct_error_sys(err, -pidfd, "open init %d", state->pid);

	if (pidfd_send_signal(pidfd, SIGKILL, NULL, 0) < 0 && errno != ESRCH)
		return ct_error_sys(err, errno, "kill init %d", state->pid);
	return ct_steal_fd(&pidfd);
}

/* Waits at most DELETE_WAIT_MS for the killed init to exit. */
static int wait_init_gone(int pidfd, const struct ct_state *state, struct libct_error *err)
{
	struct pollfd pfd = { .fd = pidfd, .events = POLLIN };
	int r;
	do
		r = poll(&pfd, 1, DELETE_WAIT_MS);
	while (r < 0 && errno == EINTR);
	if (r == 0)
		return ct_error_set(err, ETIMEDOUT, "init %d did not exit within %d ms of SIGKILL", state->pid,
				    DELETE_WAIT_MS);

	/* When the caller created the container, the init is its child: reap it. */
	(void)waitpid(state->pid, NULL, WNOHANG);
	return 0;
}

/*
 * Kills what is left in a cgroup that was not empty or not all made by
 * create. An empty one is left alone: once cgroup.kill was written, Linux
 * 6.18.44 (seen on the development VM) kills each process that a later
 * clone3(CLONE_INTO_CGROUP) places there, so a cgroupsPath that existed
 * before could serve one container only. Returns 1 when there was nothing
 * to kill.
 */
static int kill_remaining(struct ct_cgroup *cgroup, struct libct_error *err)
{
	_cleanup_free_ pid_t *pids = NULL;
	size_t n_pids = 0;
	int r = ct_cgroup_pids(cgroup, &pids, &n_pids, err);
	if (r >= 0 && n_pids == 0)
		return 1;
	return ct_cgroup_kill(cgroup, SIGKILL, err);
}

static int destroy_cgroup(const struct ct_state *state, struct libct_error *err)
{
	struct ct_cgroup *cgroup = NULL;
	int r = ct_cgroup_from_map(&state->cgroup_paths, &cgroup, err);
	if (r < 0)
		return r;
	/* Processes of a container without a pid namespace may outlive the
	 * init; the cgroup cannot be removed while they exist. Usually the
	 * init was the last one, and the empty cgroup goes without a kill. */
	r = ct_cgroup_destroy_if_empty(cgroup, err);
	if (r == 0) {
		r = kill_remaining(cgroup, err);
		if (r >= 0 || r == -ENOENT)
			r = ct_cgroup_destroy(cgroup, err);
	}
	ct_cgroup_free(cgroup);
	return r;
}

/* config is the container's parsed config for the poststop hooks, or NULL
 * to read the stored one. */
static int delete_container(struct libct_context *context, const char *id, int dir_fd, const struct ct_state *state,
			    const struct spec_config *config, bool force, struct libct_error *err)
{
	enum libct_status status = ct_state_status(state);
	if ((status == LIBCT_STATUS_RUNNING || status == LIBCT_STATUS_PAUSED) && !force)
		return ct_error_set(err, EBUSY, "status is \"%s\": stop the container first or use force",
				    libct_status_name(status));

	/* The cgroup goes before the wait for the init: removing it thaws a
	 * frozen container, whose init could not die of SIGKILL before. */
	uint64_t trace_start = ct_trace_begin(context);
	_cleanup_close_ int pidfd = kill_init(state, err);
	ct_trace_end(context, "kill", NULL, trace_start);
	if (pidfd < 0 && pidfd != -ESRCH)
		return pidfd;
	trace_start = ct_trace_begin(context);
	int r = destroy_cgroup(state, err);
	ct_trace_end(context, "cgroup", "destroy", trace_start);
	if (r < 0)
		return r;
	if (pidfd >= 0) {
		trace_start = ct_trace_begin(context);
		r = wait_init_gone(pidfd, state, err);
		ct_trace_end(context, "wait", NULL, trace_start);
		if (r < 0)
			return r;
	}

	/* Read before the state directory goes: the bundle may be gone already. */
	struct spec_config *loaded = NULL;
	struct libct_error load_err = { 0 };
	if (config == NULL && load_stored_config(dir_fd, &loaded, &load_err) < 0)
		ct_warn(context, "delete container \"%s\": %s; skipping the poststop hooks", id, load_err.message);
	if (config == NULL)
		config = loaded;
	ct_notify_remove(dir_fd);
	trace_start = ct_trace_begin(context);
	r = ct_state_dir_remove(context, id, dir_fd, err);
	ct_trace_end(context, "state_dir", "remove", trace_start);
	if (r >= 0 && config != NULL) {
		struct spec_state hook_state;
		ct_hooks_state_from(state, LIBCT_STATUS_STOPPED, &hook_state);
		ct_hooks_run_warn(context, &config->hooks, CT_HOOK_POSTSTOP, &hook_state);
	}
	spec_config_free(loaded);
	return r;
}

/* Returns the cgroup that config names for container id, with only the
 * container's own directory in each hierarchy marked for removal: without
 * state.json it is unknown which parents the create made. */
static int cgroup_from_config(struct libct_context *context, const struct spec_config *config, const char *id,
			      struct ct_cgroup **ret_cgroup, struct libct_error *err)
{
	/* The driver is recorded only in state.json, so the caller's flag
	 * decides how to read the path. */
	struct ct_cgroup_params params = { .cgroups_path = config->linux_config.cgroups_path,
					   .id = id,
					   .systemd = context->systemd_cgroup };
	struct ct_cgroup *resolved = NULL;
	int r = ct_cgroup_new(&params, &resolved, err);
	if (r < 0)
		return r;
	struct spec_map map = { 0 };
	r = ct_cgroup_to_map(resolved, &map);
	ct_cgroup_free(resolved);
	if (r < 0)
		return ct_error_sys(err, -r, "resolve cgroup paths");

	size_t n_dirs = map.n_entries;
	size_t n = n_dirs;
	map.entries = ct_realloc(map.entries, (2 * n_dirs + 1) * sizeof(*map.entries));
	for (size_t i = 0; i < n_dirs; i++) {
		/* A key with a ":" (the systemd driver's "meta:driver") is no directory. */
		if (strchr(map.entries[i].key, ':') != NULL)
			continue;
		map.entries[n].key = ct_asprintf("created:%s", map.entries[i].key);
		map.entries[n++].value = ct_strdup(map.entries[i].value);
	}
	map.n_entries = n;
	r = ct_cgroup_from_map(&map, ret_cgroup, err);
	for (size_t i = 0; i < map.n_entries; i++) {
		free(map.entries[i].key);
		free(map.entries[i].value);
	}
	free(map.entries);
	return r;
}

/* Deletes a container whose state.json is missing or unreadable: a create
 * killed while it wrote the file, or a file damaged by hand. The config
 * stored next to it, when there is one, names the cgroup: its processes,
 * the init among them, are killed (only with force when any are left) and
 * its directories removed before the state directory. */
static int delete_without_state(struct libct_context *context, const char *id, int dir_fd, bool force,
				struct libct_error *err)
{
	struct spec_config *config = NULL;
	struct libct_error load_err = { 0 };
	if (load_stored_config(dir_fd, &config, &load_err) < 0)
		ct_warn(context, "delete container \"%s\": %s; its cgroup cannot be found", id,
			load_err.message);

	struct ct_cgroup *cgroup = NULL;
	int r = config != NULL ? cgroup_from_config(context, config, id, &cgroup, err) : 0;
	spec_config_free(config);
	if (r < 0)
		return r;
	if (cgroup != NULL) {
		_cleanup_free_ pid_t *pids = NULL;
		size_t n_pids = 0;
		r = ct_cgroup_pids(cgroup, &pids, &n_pids, err);
		if (r >= 0 && n_pids > 0 && !force)
			r = ct_error_set(err, EBUSY,
					 "its state is unreadable but its cgroup still contains processes "
					 "(%zu): use force", n_pids);
		else if (r >= 0 && n_pids > 0)
			r = ct_cgroup_kill(cgroup, SIGKILL, err);
		if (r >= 0 || r == -ENOENT)
			r = ct_cgroup_destroy(cgroup, err);
		ct_cgroup_free(cgroup);
		if (r < 0)
			return r;
	}
	ct_notify_remove(dir_fd);
	return ct_state_dir_remove(context, id, dir_fd, err);
}

/* A create that is still running holds the lock and recorded its own pid
 * in the creating state: delete --force stops it, and the lock goes with
 * it. Returns 0 when it stopped a create. */
static int stop_creator(struct libct_context *context, const char *id)
{
	struct libct_error ignored = { 0 };
	_cleanup_close_ int dir_fd = -1;
	int r = ct_state_dir_open_unlocked(context, id, &dir_fd, &ignored);
	if (r < 0)
		return r;
	struct ct_state *state = NULL;
	r = ct_state_load(dir_fd, id, &state, &ignored);
	if (r < 0)
		return r;
	if (state->status == LIBCT_STATUS_CREATING) {
		ct_warn(context, "delete container \"%s\": killing the create or run of it that has not finished, pid %d",
			id, state->pid);
		_cleanup_close_ int pidfd = kill_init(state, &ignored);
		r = pidfd >= 0 ? wait_init_gone(pidfd, state, &ignored) : pidfd;
	} else {
		r = -EBUSY;
	}
	ct_state_free(state);
	return r;
}

int libct_container_delete(struct libct_context *context, const char *id, bool force, struct libct_error *err)
{
	_cleanup_close_ int dir_fd = -1;
	ct_trace_set_id(context, id);
	uint64_t trace_start = ct_trace_begin(context);
	int r = ct_state_dir_open(context, id, &dir_fd, err);
	if (r == -EBUSY && force && stop_creator(context, id) == 0)
		r = ct_state_dir_open(context, id, &dir_fd, err);
	ct_trace_end(context, "state_dir", "open", trace_start);
	if (r < 0)
		return r;

	struct ct_state *state = NULL;
	struct libct_error load_err = { 0 };
	r = ct_state_load(dir_fd, id, &state, &load_err);
	if (r < 0) {
		/* A create that crashed before writing state.json, or a damaged
		 * file: the stored config may still name the cgroup. */
		if (r != -ENOENT)
			ct_warn(context, "delete container \"%s\": %s; deleting it without its state", id,
				load_err.message);
		r = delete_without_state(context, id, dir_fd, force, err);
	} else {
		r = delete_container(context, id, dir_fd, state, NULL, force, err);
	}
	if (r < 0)
		ct_error_prefix(err, "delete container \"%s\"", id);
	ct_state_free(state);
	return r;
}

/* ------------------------------------------------------------------ run */

struct libct_run {
	struct create_job job; /* trimmed to what start and delete need */
	char *id;
	/* The state as recorded by create; its strings point into job. */
	struct ct_state state;
	bool start_requested;
	bool locked; /* job.dir_fd holds the lock of the state directory */
};


int libct_run_create(struct libct_context *context, const char *id, const struct libct_create_options *options,
		     struct libct_run **ret_run, struct libct_error *err)
{
	struct libct_run *run = ct_calloc(1, sizeof(*run));
	run->id = ct_strdup(id != NULL ? id : "");
	ct_create_job_init(&run->job, context, run->id, options);
	run->job.for_run = true;

	int r = id == NULL ? ct_error_set(err, EINVAL, "create container: no id") : ct_create_container(&run->job, err);
	if (r >= 0) {
		r = ct_create_snapshot_state(&run->job, LIBCT_STATUS_CREATED, &run->state, err);
		if (r < 0) {
			ct_error_prefix(err, "create container \"%s\"", id);
			ct_create_abort(&run->job, err);
		}
	}
	if (r < 0) {
		ct_create_release_job(&run->job);
		free(run->id);
		free(run);
		return r;
	}
	ct_create_trim_for_run(&run->job);
	run->locked = true;
	*ret_run = run;
	return 0;
}

pid_t libct_run_pid(const struct libct_run *run)
{
	return run->job.pid;
}

/*
 * Starts the init over the sync socket and writes the created state, the
 * only state.json of run after the "creating" ones. ct_state_status()
 * reports a live init that has executed the program as running, so a
 * "running" write would change nothing that another command can observe.
 * The poststart hooks get "running" from memory.
 */
int libct_run_start(struct libct_run *run, struct libct_error *err)
{
	struct libct_context *context = run->job.context;
	const char *id = run->id;
	int dir_fd = run->job.dir_fd;

	ct_trace_set_id(context, id);
	if (run->start_requested)
		return ct_error_set(err, EINVAL, "cannot start container \"%s\": already started", id);
	run->start_requested = true;

	/* Bound before the program runs, so that no READY=1 is lost. */
	_cleanup_close_ int notify_fd = -1;
	int r = ct_notify_open(dir_fd, &notify_fd, err);
	if (r < 0)
		return ct_error_prefix(err, "start container \"%s\": NOTIFY_SOCKET", id);

	uint64_t trace_start = ct_trace_begin(context);
	r = ct_sync_send_start(run->job.sync_fd, err);
	/* The created state goes to disk while the init executes the program.
	 * Until then state.json names this process as "creating", and the lock
	 * keeps every command but state and list away. */
	if (r >= 0) {
		uint64_t save_start = ct_trace_begin(context);
		r = ct_state_save(dir_fd, &run->state, err);
		ct_trace_end(context, "state", "save", save_start);
		if (r < 0)
			(void)kill(run->job.pid, SIGKILL); /* our unreaped child */
	}
	if (r >= 0)
		r = ct_sync_wait_exec(run->job.sync_fd, context, err);
	ct_trace_end(context, "exec", NULL, trace_start);
	ct_closep(&run->job.sync_fd);
	if (r < 0) {
		wait_init_exit(&run->state);
		return ct_error_prefix(err, "start container \"%s\"", id);
	}
	ct_debug(context, "start container \"%s\": the init executed the program", id);

	r = run_poststart_hooks(context, dir_fd, &run->state, run->job.config, err);
	if (r >= 0 && notify_fd >= 0)
		r = forward_ready(context, &run->state, notify_fd, err);
	if (r < 0)
		return ct_error_prefix(err, "start container \"%s\"", id);

	/* From here on kill, delete --force, pause and exec of other callers
	 * must not wait for this one. */
	r = ct_state_dir_unlock(dir_fd);
	if (r < 0)
		return ct_error_sys(err, -r, "start container \"%s\": unlock state directory", id);
	run->locked = false;
	return 0;
}

int libct_run_wait(struct libct_run *run, int *ret_status, struct libct_error *err)
{
	pid_t pid = run->job.pid;
	int status;
	pid_t r;
	do
		r = waitpid(pid, &status, 0);
	while (r < 0 && errno == EINTR);
	if (r < 0)
		return ct_error_sys(err, errno, "wait for container \"%s\": init %d", run->id, pid);
	if (ret_status != NULL)
		*ret_status = status;
	return 0;
}

int libct_run_delete(struct libct_run *run, bool force, struct libct_error *err)
{
	struct libct_context *context = run->job.context;
	const char *id = run->id;

	ct_trace_set_id(context, id);
	int r = 0;
	if (!run->locked) {
		uint64_t trace_start = ct_trace_begin(context);
		r = ct_state_dir_relock(id, run->job.dir_fd, err);
		ct_trace_end(context, "state_dir", "lock", trace_start);
		run->locked = r >= 0;
	}
	if (r >= 0)
		r = delete_container(context, id, run->job.dir_fd, &run->state, run->job.config, force, err);
	if (r < 0)
		ct_error_prefix(err, "delete container \"%s\"", id);
	return r;
}

void libct_run_free(struct libct_run *run)
{
	if (run == NULL)
		return;
	ct_create_clear_snapshot(&run->state);
	ct_create_release_job(&run->job);
	free(run->id);
	free(run);
}
