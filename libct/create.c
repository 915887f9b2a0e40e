/* SPDX-License-Identifier: Apache-2.0 */
/*
 * create on the runtime side: read and check the config, make the state
 * directory and the cgroup, start the container's init with a single
 * clone3 and take it to READY. docs/design.md describes the phases, and
 * container.c contains the later steps and the run API.
 */
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/pidfd.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "hooks.h"
#include "notify.h"
#include "sync.h"
#include "terminal.h"
#include "create.h"

#define CONFIG_MAX_SIZE (16 * 1024 * 1024)

/* ------------------------------------------------------------ checks */

/* Returns the first field that this runtime cannot honour yet, or NULL. */
static const char *find_unsupported(const struct spec_config *config, const struct libct_create_options *options)
{
	const struct spec_linux *linux_config = &config->linux_config;

	if (linux_config->intel_rdt.set)
		return "linux.intelRdt";
	return NULL;
}

static bool has_namespace(const struct spec_config *config, enum spec_namespace_type type, bool new_only)
{
	for (size_t i = 0; i < config->linux_config.n_namespaces; i++) {
		const struct spec_namespace *ns = &config->linux_config.namespaces[i];
		if (ns->type == type && (!new_only || ns->path == NULL))
			return true;
	}
	return false;
}

static int check_config(const struct spec_config *config, const struct libct_create_options *options,
			struct libct_error *err)
{
	if (config->process == NULL || config->process->n_args == 0)
		return ct_error_set(err, EINVAL, "process.args: required to create a container");

	const char *field = find_unsupported(config, options);
	if (field != NULL)
		return ct_error_set(err, ENOTSUP, "%s: not supported", field);
	int r = ct_netdev_check(config, err);
	if (r < 0)
		return r;

	if (!has_namespace(config, SPEC_NS_MOUNT, true))
		return ct_error_set(err, ENOTSUP, "linux.namespaces: a container without a new mount namespace is not supported");
	/* The init would need an intermediate process to enter a pid namespace
	 * owned by a joined user namespace, and without that proc cannot be
	 * mounted. */
	if (has_namespace(config, SPEC_NS_USER, false) && !has_namespace(config, SPEC_NS_USER, true) &&
	    has_namespace(config, SPEC_NS_PID, true))
		return ct_error_set(err, ENOTSUP,
				    "linux.namespaces: a new pid namespace in a joined user namespace is not supported");
	if ((config->hostname != NULL || config->domainname != NULL) && !has_namespace(config, SPEC_NS_UTS, false))
		return ct_error_set(err, EINVAL, "hostname: setting it requires a uts namespace");
	if (config->process->terminal && options->console_socket == NULL && options->ret_terminal_fd == NULL)
		return ct_error_set(err, EINVAL, "process.terminal: a detached container needs a console socket");
	if (!config->process->terminal && options->console_socket != NULL)
		return ct_error_set(err, EINVAL, "console socket: only used with process.terminal");
	if (options->preserve_fds < 0)
		return ct_error_set(err, EINVAL, "preserve fds: invalid count %d", options->preserve_fds);
	return ct_attrs_check(config, config->process, err);
}

/* ------------------------------------------------------ create: steps */

/* O_NONBLOCK keeps a FIFO from blocking the open; anything but a regular
 * file is refused, since reading a FIFO or a device could block forever. */
static int read_config_file(const char *path, char **ret_data, size_t *ret_len, struct libct_error *err)
{
	_cleanup_close_ int fd = open(path, O_RDONLY | O_NONBLOCK | O_NOCTTY | O_CLOEXEC);
	if (fd < 0)
		return ct_error_sys(err, errno, "open config.json \"%s\"", path);
	struct stat st;
	if (fstat(fd, &st) < 0)
		return ct_error_sys(err, errno, "stat config.json \"%s\"", path);
	if (!S_ISREG(st.st_mode))
		return ct_error_set(err, EINVAL, "config.json \"%s\": not a regular file", path);
	if (st.st_size > CONFIG_MAX_SIZE)
		return ct_error_set(err, EFBIG, "config.json \"%s\": larger than %d bytes", path, CONFIG_MAX_SIZE);

	size_t size = (size_t)st.st_size;
	_cleanup_free_ char *data = ct_malloc(size + 1);
	size_t len = 0;
	while (len < size) {
		ssize_t n = read(fd, data + len, size - len);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return ct_error_sys(err, errno, "read config.json \"%s\"", path);
		if (n == 0)
			break; /* truncated meanwhile */
		len += (size_t)n;
	}
	data[len] = '\0';
	*ret_data = ct_steal_pointer(&data);
	*ret_len = len;
	return 0;
}

static int load_config(struct create_job *job, struct libct_error *err)
{
	const struct libct_create_options *options = job->options;
	_cleanup_free_ char *path = options->config_path != NULL ? ct_strdup(options->config_path)
								  : ct_asprintf("%s/config.json", options->bundle);

	int r = read_config_file(path, &job->config_data, &job->config_len, err);
	if (r < 0)
		return r;
	r = spec_config_parse(job->config_data, job->config_len, &job->config, err);
	if (r < 0)
		return ct_error_prefix(err, "parse \"%s\"", path);
	r = check_config(job->config, options, err);
	if (r < 0)
		return r;
	return ct_lsm_check(job->context, job->config, job->config->process, err);
}

static int resolve_paths(struct create_job *job, struct libct_error *err)
{
	char resolved[PATH_MAX];
	if (realpath(job->options->bundle, resolved) == NULL)
		return ct_error_sys(err, errno, "bundle \"%s\"", job->options->bundle);
	job->bundle = ct_strdup(resolved);

	const char *root = job->config->root.path;
	_cleanup_free_ char *joined = root[0] == '/' ? ct_strdup(root) : ct_asprintf("%s/%s", job->bundle, root);
	if (realpath(joined, resolved) == NULL)
		return ct_error_sys(err, errno, "root.path \"%s\"", joined);
	/* Mounting the container's /proc, /sys and cgroups over the host's own
	 * would fail late with EBUSY, or succeed and hide the host's. */
	if (strcmp(resolved, "/") == 0)
		return ct_error_set(err, EINVAL, "root.path \"%s\": resolves to the host root directory \"/\"",
				    root);
	job->rootfs = ct_strdup(resolved);

	job->init.rootfs_fd = open(job->rootfs, O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (job->init.rootfs_fd < 0)
		return ct_error_sys(err, errno, "open rootfs \"%s\"", job->rootfs);
	return 0;
}

static int save_state(struct create_job *job, enum libct_status status, struct libct_error *err);

/* Resolves the container's cgroup and saves the plan of the directories that
 * make_cgroup() will create. */
static int plan_cgroup(struct create_job *job, struct libct_error *err)
{
	struct ct_cgroup_params params = {
		.cgroups_path = job->config->linux_config.cgroups_path,
		.id = job->id,
		.context = job->context,
		.systemd = job->context->systemd_cgroup,
	};
	const struct spec_resources *resources = &job->config->linux_config.resources;
	uint64_t trace_start = ct_trace_begin(job->context);
	int r = ct_cgroup_new(&params, &job->cgroup, err);
	if (r < 0)
		return ct_error_prefix(err, "cgroup");
	/* A limit that cannot be applied must fail before anything is created. */
	r = ct_cgroup_check_resources(job->cgroup, resources, err);
	ct_trace_end(job->context, "cgroup", "resolve", trace_start);
	if (r < 0)
		return ct_error_prefix(err, "cgroup");
	/* A cgroup that contains processes belongs to someone else, and delete
	 * kills everything in the cgroup. */
	_cleanup_free_ pid_t *pids = NULL;
	size_t n_pids = 0;
	r = ct_cgroup_pids(job->cgroup, &pids, &n_pids, err);
	if (r < 0)
		return ct_error_prefix(err, "cgroup");
	if (n_pids > 0 && params.cgroups_path != NULL)
		return ct_error_set(err, EBUSY,
				    "cgroup: linux.cgroupsPath \"%s\": the cgroup already contains processes "
				    "(another container?)", params.cgroups_path);
	if (n_pids > 0)
		return ct_error_set(err, EBUSY,
				    "cgroup: the default cgroup, named after the id, already contains processes "
				    "(another container?); set linux.cgroupsPath");
	/* Recorded before the first mkdir: delete --force of a create killed
	 * from here on then removes exactly the directories it made. */
	ct_cgroup_plan_created(job->cgroup);
	r = save_state(job, LIBCT_STATUS_CREATING, err);
	if (r < 0)
		return r;
	/* Set first, so that a create that fails halfway still removes the
	 * directories it made (ct_cgroup_destroy removes only those). */
	job->cgroup_created = true;
	return 0;
}

/* Creates the directories of part and, with limits, applies
 * linux.resources to every hierarchy. */
static int make_cgroup(struct create_job *job, enum ct_cgroup_part part, bool limits, struct libct_error *err)
{
	uint64_t trace_start = ct_trace_begin(job->context);
	int r = ct_cgroup_create(job->cgroup, part, err);
	ct_trace_end(job->context, "cgroup", "create", trace_start);
	if (r < 0)
		return ct_error_prefix(err, "cgroup");
	/* If the caller dies from here on, delete finds the cgroup in the
	 * state that plan_cgroup() saved, and the init dies with the caller
	 * (parent death signal). That state needs another write only when the
	 * plan missed a directory. */
	if (ct_cgroup_created_beyond_plan(job->cgroup)) {
		r = save_state(job, LIBCT_STATUS_CREATING, err);
		if (r < 0)
			return r;
	}
	if (!limits)
		return 0;
	trace_start = ct_trace_begin(job->context);
	r = ct_cgroup_set_resources(job->cgroup, &job->config->linux_config.resources, err);
	ct_trace_end(job->context, "cgroup", "limits", trace_start);
	return r < 0 ? ct_error_prefix(err, "cgroup") : 0;
}

/* With process.terminal, the init sends the master of its pty over a socket
 * pair. The console socket is connected here, in the caller's mount
 * namespace, where its path means what the caller meant. */
static int open_terminal_channel(struct create_job *job, struct libct_error *err)
{
	if (!job->config->process->terminal)
		return 0;
	if (job->options->console_socket != NULL) {
		job->console_fd = ct_terminal_connect(job->options->console_socket, err);
		if (job->console_fd < 0)
			return job->console_fd;
	}
	int fds[2];
	int r = ct_sync_pair(fds, err);
	if (r < 0)
		return r;
	job->terminal_fd = fds[0];
	job->init.terminal_fd = fds[1];
	return 0;
}

/* Called after READY, so the init has queued the master on the socket by
 * now: reading it any earlier could block while the init waits for the
 * runtime's hooks. */
static int pass_terminal(struct create_job *job, struct libct_error *err)
{
	if (job->terminal_fd < 0)
		return 0;
	_cleanup_close_ int master = -1;
	int r = ct_terminal_recv_fd(job->terminal_fd, &master, err);
	if (r == -EPIPE)
		return ct_error_set(err, EPIPE, "container init reported ready without sending its terminal");
	if (r < 0)
		return r;
	return ct_terminal_deliver(&master, job->console_fd, job->options->ret_terminal_fd, err);
}

static int prepare_init(struct create_job *job, struct libct_error *err)
{
	struct ct_init *init = &job->init;
	init->context = job->context;
	init->id = job->id;
	init->config = job->config;
	init->bundle = job->bundle;
	init->rootfs = job->rootfs;
	init->created = job->created;
	init->no_pivot = job->options->no_pivot;
	init->no_new_keyring = job->options->no_new_keyring;
	init->preserve_fds = job->options->preserve_fds;

	int r = ct_notify_prepare(job->context, job->dir_fd, job->config, init, err);
	if (r < 0)
		return r;
	r = ct_ns_plan(job->config, init, &job->clone_flags, &job->pid_ns_fd, err);
	if (r < 0)
		return r;
	/* With a user namespace, only the runtime can make idmapped mounts. */
	r = ct_mounts_prepare_idmap(init, err);
	if (r < 0)
		return r;
	r = ct_seccomp_prepare(job->context, job->config, &init->seccomp, err);
	if (r < 0)
		return r;
	r = open_terminal_channel(job, err);
	if (r < 0)
		return r;
	if (job->for_run)
		return 0;
	init->start_fd = ct_sync_listen(job->dir_fd, err);
	return init->start_fd < 0 ? init->start_fd : 0;
}

static pid_t clone_init(struct create_job *job, struct libct_error *err)
{
	pid_t pid = ct_cgroup_clone3(job->clone_flags, &job->init.cgroup_join);
	if (pid < 0)
		return ct_error_sys(err, errno, "clone container init");
	if (pid == 0) {
		/* The state directory fd carries create's flock: an init that kept
		 * it would block every later command on the container. */
		close(job->dir_fd);
		if (job->terminal_fd >= 0)
			close(job->terminal_fd);
		if (job->console_fd >= 0)
			close(job->console_fd);
		if (job->pid_ns_fd >= 0)
			close(job->pid_ns_fd);
		ct_init_run(&job->init, job->sync_fd);
	}
	return pid;
}

/* A joined pid namespace only applies to children of the caller, so the
 * runtime enters it around clone and then returns to its own. */
static int spawn_init(struct create_job *job, struct libct_error *err)
{
	int fds[2];
	int r = ct_sync_pair(fds, err);
	if (r < 0)
		return r;
	job->sync_fd = fds[0];
	job->init.sync_fd = fds[1];

	_cleanup_close_ int own_pid_ns = -1;
	if (job->pid_ns_fd >= 0) {
		own_pid_ns = open("/proc/self/ns/pid", O_RDONLY | O_CLOEXEC);
		if (own_pid_ns < 0)
			return ct_error_sys(err, errno, "open own pid namespace");
		if (setns(job->pid_ns_fd, CLONE_NEWPID) < 0)
			return ct_error_sys(err, errno, "join pid namespace");
	}

	uint64_t trace_start = ct_trace_begin(job->context);
	r = clone_init(job, err);
	ct_trace_end(job->context, "clone", NULL, trace_start);
	if (r > 0) {
		job->pid = r;
		ct_debug(job->context, "create container \"%s\": init is pid %d, rootfs \"%s\"", job->id, r,
			 job->rootfs);
	}
	if (own_pid_ns >= 0 && setns(own_pid_ns, CLONE_NEWPID) < 0 && r >= 0)
		r = ct_error_sys(err, errno, "return to own pid namespace");

	ct_closep(&job->init.sync_fd);
	ct_closep(&job->init.terminal_fd);
	ct_cgroup_join_close(&job->init.cgroup_join); /* the init has its copies */
	return r < 0 ? r : 0;
}

static int write_id_map(pid_t pid, const char *file, const struct spec_id_mapping *mappings, size_t n_mappings,
			struct libct_error *err)
{
	if (n_mappings == 0)
		return 0;
	size_t size = n_mappings * 40;
	_cleanup_free_ char *data = ct_malloc(size);
	size_t len = 0;
	for (size_t i = 0; i < n_mappings; i++)
		len += (size_t)snprintf(data + len, size - len, "%u %u %u\n", mappings[i].container_id,
					mappings[i].host_id, mappings[i].size);

	_cleanup_free_ char *path = ct_asprintf("/proc/%d/%s", pid, file);
	return ct_write_file_at(AT_FDCWD, path, data, len, err);
}

static int map_user_namespace(struct create_job *job, struct libct_error *err)
{
	const struct spec_linux *linux_config = &job->config->linux_config;
	int r = write_id_map(job->pid, "uid_map", linux_config->uid_mappings, linux_config->n_uid_mappings, err);
	if (r < 0)
		return ct_error_prefix(err, "linux.uidMappings");

	/* Only a writer without CAP_SETGID over the parent namespace must deny
	 * setgroups before writing gid_map; otherwise the container keeps it. */
	if (geteuid() != 0) {
		_cleanup_free_ char *path = ct_asprintf("/proc/%d/setgroups", job->pid);
		r = ct_write_file_at(AT_FDCWD, path, "deny", 4, err);
		if (r < 0)
			return r;
	}
	r = write_id_map(job->pid, "gid_map", linux_config->gid_mappings, linux_config->n_gid_mappings, err);
	if (r < 0)
		return ct_error_prefix(err, "linux.gidMappings");
	return 0;
}

/* Done by the runtime: the init may lack the privileges for each of these
 * once it is in its user namespace. */
static int configure_init(struct create_job *job, struct libct_error *err)
{
	int r;
	if (job->init.new_user_ns) {
		uint64_t trace_start = ct_trace_begin(job->context);
		r = map_user_namespace(job, err);
		ct_trace_end(job->context, "id_mappings", NULL, trace_start);
		if (r < 0)
			return r;
	}

	const struct spec_opt_i64 *oom = &job->config->process->oom_score_adj;
	if (oom->set) {
		char value[32];
		int len = snprintf(value, sizeof(value), "%lld", (long long)oom->value);
		_cleanup_free_ char *path = ct_asprintf("/proc/%d/oom_score_adj", job->pid);
		r = ct_write_file_at(AT_FDCWD, path, value, (size_t)len, err);
		if (r < 0)
			return ct_error_prefix(err, "process.oomScoreAdj");
	}

	/* clone3 placed the init in the cgroup2 hierarchy, and it joins the v1
	 * ones itself first thing after the release (ct_cgroup_join_prepare()). */
	return ct_sync_release_init(job->sync_fd, err);
}

static char *format_now(void)
{
	struct timespec now;
	char date[64];
	clock_gettime(CLOCK_REALTIME, &now);
	ct_format_utc(&now, 9, date, sizeof(date));
	return ct_strdup(date);
}

/* Returns the user name of a rootless runtime from the host's /etc/passwd
 * (no other NSS source), or its uid where the file has no entry. */
static char *owner_name(void)
{
	uid_t uid = geteuid();
	if (uid == 0)
		return ct_strdup("");
	char *name = ct_host_user_name(uid);
	return name != NULL ? name : ct_asprintf("%u", uid);
}

int ct_create_snapshot_state(struct create_job *job, enum libct_status status, struct ct_state *ret_state,
			     struct libct_error *err)
{
	/* A "creating" state names the runtime itself, so that state reports
	 * it while the runtime lives, and delete --force can stop it. */
	bool creating = status == LIBCT_STATUS_CREATING;
	unsigned long long own_start_time = 0;
	if (creating && ct_pid_start_time(getpid(), &own_start_time) < 0)
		return ct_error_set(err, EIO, "read own start time");
	struct ct_state state = {
		.id = (char *)job->id,
		.status = status,
		.pid = creating ? getpid() : job->pid,
		.pid_start_time = creating ? own_start_time : job->pid_start_time,
		.bundle = job->bundle,
		.rootfs = job->rootfs,
		.annotations = job->config->annotations,
		/* Lets start skip parsing config.json when there is no hook to run. */
		.poststart_hooks = { .set = true, .value = job->config->hooks.poststart.n_hooks > 0 },
	};
	state.created = job->created;
	/* run names the init in its creating state (ct_state_load()). */
	if (creating && job->pid > 0 && job->pid_start_time > 0) {
		state.init_pid = job->pid;
		state.init_pid_start_time = job->pid_start_time;
	}
	/* The init, a clone of this process, runs our executable until it
	 * executes the program: ct_state_status() compares the two. */
	struct stat own_exe;
	if (stat("/proc/self/exe", &own_exe) == 0) {
		state.init_exe_dev = own_exe.st_dev;
		state.init_exe_ino = own_exe.st_ino;
	}

	int r = ct_cgroup_to_map(job->cgroup, &state.cgroup_paths);
	if (r < 0)
		return ct_error_sys(err, -r, "record cgroup paths");
	state.owner = owner_name();
	*ret_state = state;
	return 0;
}

void ct_create_clear_snapshot(struct ct_state *state)
{
	free(state->owner);
	state->owner = NULL;
	for (size_t i = 0; i < state->cgroup_paths.n_entries; i++) {
		free(state->cgroup_paths.entries[i].key);
		free(state->cgroup_paths.entries[i].value);
	}
	free(state->cgroup_paths.entries);
	state->cgroup_paths = (struct spec_map){ 0 };
}

static int save_state(struct create_job *job, enum libct_status status, struct libct_error *err)
{
	struct ct_state state;
	int r = ct_create_snapshot_state(job, status, &state, err);
	if (r < 0)
		return r;
	r = ct_state_save(job->dir_fd, &state, err);
	ct_create_clear_snapshot(&state);
	return r;
}

static int record_state(struct create_job *job, struct libct_error *err)
{
	/* run writes it in libct_run_start(), while the init executes the
	 * program. */
	int r = job->for_run ? 0 : save_state(job, LIBCT_STATUS_CREATED, err);
	if (r < 0)
		return r;

	if (job->options->pid_file != NULL) {
		char pid[32];
		int len = snprintf(pid, sizeof(pid), "%d", job->pid);
		r = ct_write_file_atomic(AT_FDCWD, job->options->pid_file, pid, (size_t)len, 0644, err);
		if (r < 0)
			return ct_error_prefix(err, "pid file");
	}
	return 0;
}

/* The init waits between its mounts and pivot_root while the prestart and
 * createRuntime hooks run here, in the runtime's namespaces. */
static int run_runtime_hooks(struct create_job *job, struct libct_error *err)
{
	struct spec_state state = {
		.id = (char *)job->id,
		.status = LIBCT_STATUS_CREATING,
		.pid = job->pid,
		.bundle = job->bundle,
		.rootfs = job->rootfs,
		.created = job->created,
		.annotations = job->config->annotations,
	};
	int r = ct_hooks_run(job->context, &job->config->hooks, CT_HOOK_PRESTART, &state, err);
	if (r >= 0)
		r = ct_hooks_run(job->context, &job->config->hooks, CT_HOOK_CREATE_RUNTIME, &state, err);
	if (r >= 0)
		r = ct_sync_release_init(job->sync_fd, err);
	return r;
}

/* A create that fails once the init exists has destroyed a container, so
 * the poststop hooks follow, as after delete; they can only warn. */
static void run_abort_hooks(struct create_job *job)
{
	if (job->pid <= 0 || job->config == NULL)
		return;
	struct spec_state state = {
		.id = (char *)job->id,
		.status = LIBCT_STATUS_STOPPED,
		.bundle = job->bundle,
		.rootfs = job->rootfs,
		.created = job->created,
		.annotations = job->config->annotations,
	};
	ct_hooks_run_warn(job->context, &job->config->hooks, CT_HOOK_POSTSTOP, &state);
}

/* Does the runtime's work that needs nothing from the init, while the init
 * sets up the container. */
static int work_during_setup(struct create_job *job, struct libct_error *err)
{
	/* The init closed its copies of the view's mounts first thing
	 * (ct_init_run()), so these closes dissolve the mounts. */
	ct_close_view_mounts(job->context->view_mounts);
	/* delete and the poststop hooks must not depend on the bundle still
	 * being there, so the config travels with the state. */
	int r = ct_state_write_file(job->dir_fd, "config.json", job->config_data, job->config_len, err);
	if (r < 0)
		return r;
	/* An init that failed early may be gone already. Its error waits on
	 * the sync socket, and ct_sync_wait_ready() returns it. */
	r = ct_pid_start_time(job->pid, &job->pid_start_time);
	if (r == -ESRCH)
		return 0;
	if (r < 0)
		return ct_error_sys(err, -r, "read start time of container init %d", job->pid);
	/* run writes the created state only after START (libct_run_start()),
	 * so a run killed in between must leave a state that names the init. */
	return job->for_run ? save_state(job, LIBCT_STATUS_CREATING, err) : 0;
}

/* Adds how the init ended to the error about its exit before READY: an
 * OOM kill during the setup, for one, shows only as SIGKILL. Waits at most
 * a second for it, because the end of its socket means that it is exiting. */
static void describe_init_end(struct create_job *job, struct libct_error *err)
{
	_cleanup_close_ int pidfd = pidfd_open(job->pid, 0);
	if (pidfd >= 0) {
		struct pollfd pfd = { .fd = pidfd, .events = POLLIN };
		(void)poll(&pfd, 1, 1000);
	}
	int status = 0;
	if (waitpid(job->pid, &status, WNOHANG) != job->pid)
		return;
	job->init_reaped = true;
	size_t len = strlen(err->message);
	if (WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL)
		snprintf(err->message + len, sizeof(err->message) - len,
			 " (killed by SIGKILL: the OOM killer does that when linux.resources.memory.limit "
			 "is too small for the setup)");
	else if (WIFSIGNALED(status))
		snprintf(err->message + len, sizeof(err->message) - len, " (killed by signal %d)", WTERMSIG(status));
	else if (WIFEXITED(status))
		snprintf(err->message + len, sizeof(err->message) - len, " (exit status %d)", WEXITSTATUS(status));
}

void ct_create_abort(struct create_job *job, struct libct_error *err)
{
	struct libct_error cleanup = { 0 };
	if (job->pid > 0 && !job->init_reaped) {
		(void)kill(job->pid, SIGKILL); /* our unreaped child: the pid cannot be reused */
		while (waitpid(job->pid, NULL, 0) < 0 && errno == EINTR)
			;
	}
	if (job->cgroup_created && ct_cgroup_destroy(job->cgroup, &cleanup) < 0)
		ct_error_append_cleanup(err, &cleanup);
	if (job->dir_created)
		ct_notify_remove(job->dir_fd);
	if (job->dir_created && ct_state_dir_remove(job->context, job->id, job->dir_fd, &cleanup) < 0)
		ct_error_append_cleanup(err, &cleanup);
	run_abort_hooks(job);
}

void ct_create_trim_for_run(struct create_job *job)
{
	ct_closep(&job->pid_ns_fd);
	ct_closep(&job->init.rootfs_fd);
	ct_closep(&job->init.terminal_fd);
	ct_closep(&job->terminal_fd);
	ct_closep(&job->console_fd);
	ct_mounts_close_idmap(&job->init);
	ct_closep(&job->init.notify_tree_fd);
	ct_cgroup_join_close(&job->init.cgroup_join);
	for (size_t i = 0; i < SPEC_NS_COUNT; i++)
		ct_closep(&job->init.join_fds[i]);
	ct_seccomp_free(job->init.seccomp);
	job->init.seccomp = NULL;
	free(job->config_data);
	job->config_data = NULL;
}

void ct_create_release_job(struct create_job *job)
{
	ct_create_trim_for_run(job);
	ct_closep(&job->sync_fd);
	ct_closep(&job->init.sync_fd);
	ct_closep(&job->init.start_fd);
	ct_closep(&job->dir_fd);
	ct_cgroup_free(job->cgroup);
	spec_config_free(job->config);
	free(job->bundle);
	free(job->rootfs);
	free(job->created);
}

static int run_create(struct create_job *job, struct libct_error *err)
{
	int r = resolve_paths(job, err);
	if (r < 0)
		return r;
	job->created = format_now();
	r = plan_cgroup(job, err);
	if (r < 0)
		return r;
	/* clone3 places the init in the cgroup2 directory, which must exist by
	 * then. The v1 directories are made after clone3, while the init
	 * creates its network namespace (ct_ns_plan()), and the init joins
	 * them itself after its release. */
	bool v1_after_clone = ct_cgroup_has_v1(job->cgroup);
	r = make_cgroup(job, v1_after_clone ? CT_CGROUP_PART_V2 : CT_CGROUP_PART_ALL, !v1_after_clone, err);
	if (r < 0)
		return r;
	uint64_t trace_start = ct_trace_begin(job->context);
	r = prepare_init(job, err);
	ct_trace_end(job->context, "prepare", NULL, trace_start);
	if (r < 0)
		return r;
	r = ct_cgroup_join_prepare(job->cgroup, v1_after_clone ? CT_CGROUP_PART_V2 : CT_CGROUP_PART_ALL,
				   &job->init.cgroup_join, err);
	if (r < 0)
		return ct_error_prefix(err, "cgroup");
	if (v1_after_clone)
		job->init.cgroup_v1 = job->cgroup;
	r = spawn_init(job, err);
	if (r < 0)
		return r;
	if (v1_after_clone) {
		r = make_cgroup(job, CT_CGROUP_PART_V1, true, err);
		if (r < 0)
			return r;
	}
	/* The clone made the network namespace; the init waits for its
	 * release, so it sees the devices from its first step. */
	r = ct_netdev_move(job->config, job->pid, err);
	if (r < 0)
		return r;
	r = configure_init(job, err);
	if (r >= 0)
		r = work_during_setup(job, err);
	if (r < 0)
		return r;
	struct ct_seccomp_agent agent = {
		.config = job->config, .id = job->id, .bundle = job->bundle, .pid = job->pid
	};
	trace_start = ct_trace_begin(job->context);
	while ((r = ct_sync_wait_ready(job->sync_fd, job->context, ct_seccomp_send_to_agent, &agent, err)) > 0) {
		r = run_runtime_hooks(job, err);
		if (r < 0)
			return r;
	}
	ct_trace_end(job->context, "sync", "wait_ready", trace_start);
	if (r == -EPIPE)
		describe_init_end(job, err);
	if (r < 0)
		return r;
	if (job->pid_start_time == 0) {
		r = ct_pid_start_time(job->pid, &job->pid_start_time);
		if (r < 0)
			return ct_error_sys(err, -r, "read start time of container init %d", job->pid);
	}
	r = pass_terminal(job, err);
	if (r < 0)
		return r;
	trace_start = ct_trace_begin(job->context);
	r = record_state(job, err);
	if (!job->for_run) /* run's save comes with its start */
		ct_trace_end(job->context, "state", "save", trace_start);
	if (r < 0)
		return r;
	/* The init waits for this last release before it accepts start; for
	 * run, it waits for CT_SYNC_START on the sync socket instead. */
	if (job->for_run)
		return 0;
	return ct_sync_release_init(job->sync_fd, err);
}

int ct_create_container(struct create_job *job, struct libct_error *err)
{
	struct libct_context *context = job->context;
	const char *id = job->id;

	ct_trace_set_id(context, id);
	int r = ct_check_id(id, err);
	if (r >= 0 && (job->options == NULL || job->options->bundle == NULL))
		r = ct_error_set(err, EINVAL, "create container \"%s\": no bundle", id);
	/* The config is read before the state directory exists, so that a
	 * bad one leaves nothing to clean up. */
	if (r >= 0) {
		uint64_t trace_start = ct_trace_begin(context);
		r = load_config(job, err);
		ct_trace_end(context, "parse", NULL, trace_start);
		if (r < 0)
			ct_error_prefix(err, "create container \"%s\"", id);
	}
	if (r >= 0) {
		uint64_t trace_start = ct_trace_begin(context);
		r = ct_state_dir_create(context, id, &job->dir_fd, err);
		ct_trace_end(context, "state_dir", "create", trace_start);
	}
	if (r < 0)
		return r;
	job->dir_created = true;

	r = run_create(job, err);
	if (r < 0) {
		ct_error_prefix(err, "create container \"%s\"", id);
		uint64_t trace_start = ct_trace_begin(context);
		ct_create_abort(job, err);
		ct_trace_end(context, "abort", NULL, trace_start);
	}
	return r;
}

void ct_create_job_init(struct create_job *job, struct libct_context *context, const char *id,
			const struct libct_create_options *options)
{
	*job = (struct create_job){
		.context = context,
		.id = id,
		.options = options,
		.dir_fd = -1,
		.pid_ns_fd = -1,
		.console_fd = -1,
		.terminal_fd = -1,
		.sync_fd = -1,
		.init = { .rootfs_fd = -1, .start_fd = -1, .sync_fd = -1, .terminal_fd = -1, .notify_tree_fd = -1,
			  .cgroup_join = { .clone_fd = -1 } },
	};
	for (size_t i = 0; i < SPEC_NS_COUNT; i++)
		job->init.join_fds[i] = -1;
}

int libct_container_create(struct libct_context *context, const char *id,
			   const struct libct_create_options *options, pid_t *ret_pid,
			   struct libct_error *err)
{
	struct create_job job;
	ct_create_job_init(&job, context, id, options);

	int r = ct_create_container(&job, err);
	if (r >= 0 && ret_pid != NULL)
		*ret_pid = job.pid;
	ct_create_release_job(&job);
	return r;
}
