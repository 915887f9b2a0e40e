/* SPDX-License-Identifier: Apache-2.0 */
/*
 * exec: a new process in an existing container.
 *
 * The runtime clones one child, already inside the container's pid
 * namespace: setns(CLONE_NEWPID) changes only the namespace of the
 * caller's future children, so the runtime enters it around clone3 and
 * then returns to its own, as create does for a joined pid namespace.
 * This costs no intermediate process, and the child stays a child of the
 * caller, who can wait for it.
 *
 *   runtime                                   child
 *   lock state, check status, pidfd of init,
 *   parse config.json (once)
 *   setns(pid), and without a user namespace
 *   setns(mnt) and chroot to the init's root,
 *   clone3, then back to its own ------------> born in the container's pid ns
 *                                             (and mounts and root)
 *   exec --cgroup only: cgroup.procs of
 *   the sub-cgroups, CT_SYNC_RELEASE -------> (waits for it with --cgroup only)
 *                                             oom_score_adj,
 *                                             joins the v1 cgroups (tasks),
 *                                             setns(pidfd, every other ns),
 *                                             chroot to the init's root
 *                                             (with a user namespace),
 *                                             terminal, process attributes
 *                  <------------------------  terminal master (SCM_RIGHTS)
 *   to the seccomp agent <------------------  seccomp listener (SCM_RIGHTS),
 *                                             with SCMP_ACT_NOTIFY only
 *                  <------------------------  CT_SYNC_LOG ...
 *                  <------------------------  end of stream: executed
 *                                             (or CT_SYNC_ERROR, exit 255)
 *
 * Without --cgroup the runtime has nothing to do between clone3 and the
 * child's setup, so no message goes from the runtime to the child. The
 * child writes its own oom_score_adj with the runtime's credentials, or,
 * born with the container's root, inherits it from the runtime, which sets
 * its own around clone3. It checks after PR_SET_PDEATHSIG that the runtime
 * is still there.
 */
#include <fcntl.h>
#include <poll.h>
#include <sched.h>
#include <signal.h>
#include <string.h>
#include <sys/pidfd.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "sync.h"
#include "terminal.h"

#define CONFIG_MAX_SIZE (16 * 1024 * 1024)

/* Everything exec acquires; release_job() frees it on every path. */
struct exec_job {
	struct libct_context *context;
	const char *id;
	const struct libct_exec_options *options;
	int dir_fd;
	struct ct_state *state;
	struct spec_process *process;
	struct spec_config *container_config; /* the container's config.json, for its seccomp filter and agent */
	struct spec_config config; /* only .process is set, for ct_process_prepare() */
	struct ct_init init;       /* the fields ct_process_prepare() reads */
	struct ct_cgroup *cgroup;
	int init_pidfd;
	int root_fd;  /* O_PATH fd of the init's root directory */
	int host_pid_ns; /* the runtime's own pid namespace while it joins the init's, or -1 */
	/* The runtime's own mount namespace, root and cwd while it is in the
	 * container's around clone3 (see enter_container_root()), or -1. */
	int host_mnt_ns;
	int host_root;
	int host_cwd;
	bool root_entered; /* the child is born with the container's mounts and root */
	int ns_flags; /* namespaces other than pid that differ from the runtime's */
	bool join_pid;
	int console_fd;
	int sync_fd;
	int child_sync_fd;
	int tty_fd;
	int child_tty_fd;
	pid_t pid;
};

/* --------------------------------------------------------- the process */

/* A process.json without a security label gets the container's, so that
 * exec cannot start a process less confined than the container by leaving
 * the field out. runc 1.1.5 runs such a process unconfined. */
static void inherit_container_labels(struct exec_job *job)
{
	struct spec_process *process = job->process;
	const struct spec_process *own = job->container_config->process;
	if (own == NULL)
		return;
	if (process->apparmor_profile == NULL && own->apparmor_profile != NULL)
		process->apparmor_profile = ct_strdup(own->apparmor_profile);
	if (process->selinux_label == NULL && own->selinux_label != NULL)
		process->selinux_label = ct_strdup(own->selinux_label);
}

static int load_process_file(struct exec_job *job, struct libct_error *err)
{
	_cleanup_free_ char *data = NULL;
	size_t len = 0;
	const char *path = job->options->process_path;
	int r = ct_read_file_at(AT_FDCWD, path, CONFIG_MAX_SIZE, &data, &len, err);
	if (r < 0)
		return r;
	r = spec_process_parse(data, len, &job->process, err);
	if (r < 0)
		return ct_error_prefix(err, "parse \"%s\"", path);
	job->process->terminal = job->process->terminal || job->options->terminal;
	inherit_container_labels(job);
	return 0;
}

static char **copy_strv(char *const *items, size_t *ret_count)
{
	size_t n = 0;
	while (items[n] != NULL)
		n++;
	char **copy = ct_calloc(n + 1, sizeof(char *));
	for (size_t i = 0; i < n; i++)
		copy[i] = ct_strdup(items[i]);
	*ret_count = n;
	return copy;
}

/* Reads the config.json that create saved in the container's state
 * directory. exec parses it once, because it is the source of the argv
 * form's process, of the labels that a process.json leaves out, and of the
 * seccomp filter and its agent. */
static int load_container_config(struct exec_job *job, struct libct_error *err)
{
	_cleanup_free_ char *data = NULL;
	size_t len = 0;
	int r = ct_read_file_at(job->dir_fd, "config.json", CONFIG_MAX_SIZE, &data, &len, err);
	if (r < 0)
		return ct_error_prefix(err, "read the container's config.json");
	r = spec_config_parse(data, len, &job->container_config, err);
	if (r < 0)
		return ct_error_prefix(err, "parse the container's config.json");
	return 0;
}

/* The argv form runs args with the rest of the container's own process.
 * It takes the process out of the container's config, because the seccomp
 * filter and its agent read other fields only. */
static int load_container_process(struct exec_job *job, struct libct_error *err)
{
	const struct libct_exec_options *options = job->options;
	if (options->args == NULL || options->args[0] == NULL)
		return ct_error_set(err, EINVAL, "no command to execute");

	job->process = ct_steal_pointer(&job->container_config->process);
	if (job->process == NULL)
		return ct_error_set(err, EINVAL, "the container's config.json has no process");

	struct spec_process *process = job->process;
	for (size_t i = 0; i < process->n_args; i++)
		free(process->args[i]);
	free(process->args);
	process->args = copy_strv(options->args, &process->n_args);
	/* Only --tty requests a terminal here, whatever the container's own
	 * process had. */
	process->terminal = options->terminal;
	return 0;
}

/* Adds NAME=VALUE to env, replacing an entry of the same name. */
static void set_env(struct spec_process *process, const char *entry)
{
	size_t name_len = strcspn(entry, "=");
	for (size_t i = 0; i < process->n_env; i++) {
		if (strncmp(process->env[i], entry, name_len) == 0 && process->env[i][name_len] == '=') {
			free(process->env[i]);
			process->env[i] = ct_strdup(entry);
			return;
		}
	}
	process->env = ct_realloc(process->env, (process->n_env + 2) * sizeof(char *));
	process->env[process->n_env++] = ct_strdup(entry);
	process->env[process->n_env] = NULL;
}

static void add_name(char ***names, size_t *n_names, const char *name)
{
	for (size_t i = 0; i < *n_names; i++)
		if (strcmp((*names)[i], name) == 0)
			return;
	*names = ct_realloc(*names, (*n_names + 2) * sizeof(char *));
	(*names)[(*n_names)++] = ct_strdup(name);
	(*names)[*n_names] = NULL;
}

static void add_capability(struct spec_capabilities *capabilities, const char *name)
{
	add_name(&capabilities->bounding, &capabilities->n_bounding, name);
	add_name(&capabilities->effective, &capabilities->n_effective, name);
	add_name(&capabilities->permitted, &capabilities->n_permitted, name);
}

static int apply_overrides(struct spec_process *process, const struct libct_exec_options *options,
			   struct libct_error *err)
{
	for (size_t i = 0; options->env != NULL && options->env[i] != NULL; i++) {
		if (strchr(options->env[i], '=') == NULL || options->env[i][0] == '=')
			return ct_error_set(err, EINVAL, "env: invalid entry \"%s\": expected NAME=VALUE",
					    options->env[i]);
		set_env(process, options->env[i]);
	}
	if (options->cwd != NULL) {
		if (options->cwd[0] != '/')
			return ct_error_set(err, EINVAL, "cwd: \"%s\" is not an absolute path", options->cwd);
		free(process->cwd);
		process->cwd = ct_strdup(options->cwd);
	}
	if (options->set_uid)
		process->user.uid = options->uid;
	if (options->set_gid)
		process->user.gid = options->gid;
	if (options->n_additional_gids > 0) {
		free(process->user.additional_gids);
		process->user.additional_gids = ct_calloc(options->n_additional_gids, sizeof(uint32_t));
		memcpy(process->user.additional_gids, options->additional_gids,
		       options->n_additional_gids * sizeof(uint32_t));
		process->user.n_additional_gids = options->n_additional_gids;
	}
	/* Without process.capabilities the process starts with no capability,
	 * so --cap adds to empty sets. */
	for (size_t i = 0; options->capabilities != NULL && options->capabilities[i] != NULL; i++)
		add_capability(&process->capabilities, options->capabilities[i]);
	process->no_new_privileges = process->no_new_privileges || options->no_new_privileges;
	if (options->apparmor_profile != NULL) {
		free(process->apparmor_profile);
		process->apparmor_profile = ct_strdup(options->apparmor_profile);
	}
	if (options->selinux_label != NULL) {
		free(process->selinux_label);
		process->selinux_label = ct_strdup(options->selinux_label);
	}
	if (options->console_height > 0 && options->console_width > 0)
		process->console_size = (struct spec_console_size){
			.set = true, .height = options->console_height, .width = options->console_width
		};
	return 0;
}

static int load_process(struct exec_job *job, struct libct_error *err)
{
	const struct libct_exec_options *options = job->options;
	int r = load_container_config(job, err);
	if (r < 0)
		return r;
	r = options->process_path != NULL ? load_process_file(job, err) : load_container_process(job, err);
	if (r < 0)
		return r;
	r = apply_overrides(job->process, options, err);
	if (r < 0)
		return r;

	r = ct_attrs_check(&job->config, job->process, err);
	if (r >= 0)
		r = ct_lsm_check(job->context, NULL, job->process, err);
	if (r < 0)
		return r;
	if (job->process->terminal && options->console_socket == NULL && options->ret_terminal_fd == NULL)
		return ct_error_set(err, EINVAL,
				    "a terminal needs a console socket when the process runs detached");
	if (!job->process->terminal && options->console_socket != NULL)
		return ct_error_set(err, EINVAL, "a console socket is only used with a terminal");
	if (options->preserve_fds < 0)
		return ct_error_set(err, EINVAL, "preserve fds: invalid count %d", options->preserve_fds);
	return 0;
}

/* The filter comes from the container's config.json whatever the source of
 * the process, so that no process of the container escapes it. The config
 * stays loaded for the agent of a filter with SCMP_ACT_NOTIFY. */
static int load_seccomp(struct exec_job *job, struct libct_error *err)
{
	return ct_seccomp_prepare(job->context, job->container_config, &job->init.seccomp, err);
}

/* ------------------------------------------------------- the container */

static int open_container(struct exec_job *job, struct libct_error *err)
{
	int r = ct_state_dir_open(job->context, job->id, &job->dir_fd, err);
	if (r < 0)
		return r;
	r = ct_state_load(job->dir_fd, job->id, &job->state, err);
	if (r == -ENOENT)
		return ct_error_set(err, ENOENT, "container \"%s\" does not exist", job->id);
	if (r < 0)
		return r;

	/* The pidfd pins the init. ct_state_status() reads the start time after
	 * the pidfd is open, which rules out a reused pid. */
	job->init_pidfd = job->state->pid > 0 ? pidfd_open(job->state->pid, 0) : -1;
	int pidfd_errno = errno;
	enum libct_status status = ct_state_status(job->state);
	if (status == LIBCT_STATUS_STOPPED || status == LIBCT_STATUS_CREATING)
		return ct_error_set(err, EINVAL, "container is %s: its init is not running",
				    libct_status_name(status));
	if (status == LIBCT_STATUS_PAUSED && !job->options->ignore_paused)
		return ct_error_set(err, EBUSY, "container is paused: resume it first, or ignore the pause");
	if (job->init_pidfd < 0)
		return ct_error_sys(err, pidfd_errno, "open a pidfd of container init %d", (int)job->state->pid);
	return 0;
}

/* The runtime enters the pid namespace around clone3, and the child joins
 * the others with one setns, so plan_namespaces() records pid apart. */
static const struct {
	const char *name;
	int flag;
} joined_namespaces[] = {
	{ "user", CLONE_NEWUSER }, { "mnt", CLONE_NEWNS },      { "net", CLONE_NEWNET },
	{ "ipc", CLONE_NEWIPC },   { "uts", CLONE_NEWUTS },     { "cgroup", CLONE_NEWCGROUP },
	{ "time", CLONE_NEWTIME }, { "pid", CLONE_NEWPID },
};

/* Returns 1 when the init's namespace name differs from the runtime's, 0
 * when it is the same or the kernel lacks that namespace type. The two
 * directories are /proc/PID/ns of the init and /proc/self/ns. */
static int namespace_differs(int init_dir, int own_dir, pid_t pid, const char *name, struct libct_error *err)
{
	struct stat init_ns, own_ns;
	if (fstatat(init_dir, name, &init_ns, 0) < 0)
		return errno == ENOENT ? 0 : ct_error_sys(err, errno, "stat \"/proc/%d/ns/%s\"", (int)pid, name);
	if (fstatat(own_dir, name, &own_ns, 0) < 0)
		return errno == ENOENT ? 0 : ct_error_sys(err, errno, "stat \"/proc/self/ns/%s\"", name);
	return init_ns.st_dev != own_ns.st_dev || init_ns.st_ino != own_ns.st_ino;
}

/* Joining a namespace that the runtime is already in would fail for the
 * user namespace, so only the ones that differ are joined. */
static int plan_namespaces(struct exec_job *job, struct libct_error *err)
{
	pid_t pid = job->state->pid;
	char path[64];
	snprintf(path, sizeof(path), "/proc/%d/ns", (int)pid);
	_cleanup_close_ int init_dir = open(path, O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (init_dir < 0)
		return ct_error_sys(err, errno, "open \"%s\"", path);
	_cleanup_close_ int own_dir = open("/proc/self/ns", O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (own_dir < 0)
		return ct_error_sys(err, errno, "open \"/proc/self/ns\"");

	for (size_t i = 0; i < sizeof(joined_namespaces) / sizeof(joined_namespaces[0]); i++) {
		int r = namespace_differs(init_dir, own_dir, pid, joined_namespaces[i].name, err);
		if (r < 0)
			return r;
		if (r == 0)
			continue;
		if (joined_namespaces[i].flag == CLONE_NEWPID)
			job->join_pid = true;
		else
			job->ns_flags |= joined_namespaces[i].flag;
	}

	job->init.new_user_ns = job->ns_flags & CLONE_NEWUSER;
	_cleanup_free_ char *root = ct_asprintf("/proc/%d/root", (int)pid);
	job->root_fd = open(root, O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (job->root_fd < 0)
		return ct_error_sys(err, errno, "open the root of container init \"%s\"", root);
	return 0;
}

/* ------------------------------------------------------------- cgroups */

/* Returns the sub-cgroup of the hierarchy name that options->cgroups
 * requests, or NULL for the container's own cgroup. */
static const char *find_sub_cgroup(const struct libct_exec_options *options, const char *name)
{
	const char *all = NULL;
	for (size_t i = 0; options->cgroups != NULL && options->cgroups[i] != NULL; i++) {
		const char *entry = options->cgroups[i];
		const char *colon = strchr(entry, ':');
		if (colon == NULL) {
			all = entry;
			continue;
		}
		_cleanup_free_ char *controllers = ct_strndup(entry, (size_t)(colon - entry));
		char *state = NULL;
		for (char *c = strtok_r(controllers, ",", &state); c != NULL; c = strtok_r(NULL, ",", &state)) {
			_cleanup_free_ char *wanted = ct_asprintf(",%s,", c);
			_cleanup_free_ char *listed = ct_asprintf(",%s,", name);
			if (strstr(listed, wanted) != NULL)
				return colon + 1;
		}
	}
	return all;
}

static int check_sub_cgroups(const struct libct_exec_options *options, struct libct_error *err)
{
	for (size_t i = 0; options->cgroups != NULL && options->cgroups[i] != NULL; i++) {
		const char *entry = options->cgroups[i];
		const char *path = strchr(entry, ':') != NULL ? strchr(entry, ':') + 1 : entry;
		bool dotdot = strcmp(path, "..") == 0 || strncmp(path, "../", 3) == 0 || strstr(path, "/../") != NULL ||
			      (strlen(path) >= 3 && strcmp(path + strlen(path) - 3, "/..") == 0);
		if (path[0] == '\0' || dotdot)
			return ct_error_set(err, EINVAL, "cgroup \"%s\": expected a path below the container's cgroup",
					    entry);
	}
	return 0;
}

/* Writes pid to cgroup.procs of the container's cgroup, or of the requested
 * sub-cgroup, in every hierarchy. */
static int enter_sub_cgroups(struct exec_job *job, struct libct_error *err)
{
	char value[32];
	int len = snprintf(value, sizeof(value), "%d", (int)job->pid);
	const struct spec_map *map = &job->state->cgroup_paths;
	for (size_t i = 0; i < map->n_entries; i++) {
		const char *name = map->entries[i].key;
		if (strchr(name, ':') != NULL)
			continue; /* a "created:" marker, not a hierarchy */
		const char *sub = find_sub_cgroup(job->options, name);
		_cleanup_free_ char *path = sub != NULL ? ct_asprintf("%s/%s/cgroup.procs", map->entries[i].value, sub)
							: ct_asprintf("%s/cgroup.procs", map->entries[i].value);
		int r = ct_write_file_at(AT_FDCWD, path, value, (size_t)len, err);
		if (r < 0)
			return ct_error_prefix(err, "add process %d to cgroup", (int)job->pid);
	}
	return 0;
}

static bool has_sub_cgroups(const struct libct_exec_options *options)
{
	return options->cgroups != NULL && options->cgroups[0] != NULL;
}

/* ---------------------------------------------------- the child process */

/* The child must not write the runtime's log itself, so its lines travel
 * over the sync socket, as the init's do. */
static void log_to_runtime(void *userdata, enum libct_log_level level, const char *message)
{
	const int *fd = userdata;
	(void)ct_sync_send_log(*fd, level, message); /* a lost log line is not an error */
}

/* Takes the init's root. setns(CLONE_NEWNS) alone would put the process at
 * the root mount of the namespace, which need not be the directory the
 * init pivoted or chrooted into (--no-pivot). The cwd becomes that root
 * too, so no host directory stays reachable (CVE-2024-21626). */
static int enter_root(struct exec_job *job, struct libct_error *err)
{
	if (fchdir(job->root_fd) < 0)
		return ct_error_sys(err, errno, "change directory to the container's root");
	if (chroot(".") < 0)
		return ct_error_sys(err, errno, "change root to the container's root");
	if (chdir("/") < 0)
		return ct_error_sys(err, errno, "change directory to \"/\"");
	ct_closep(&job->root_fd);
	return 0;
}

/* Checks, once the parent death signal is set, that the runtime did not
 * exit before, because the signal covers only a runtime that exits after
 * prctl(). The only fd of the runtime's end of the socket pair is in the
 * runtime, so a hang-up means that the runtime is gone. */
static int check_runtime_alive(int sync_fd, struct libct_error *err)
{
	struct pollfd pfd = { .fd = sync_fd, .events = POLLIN };
	int n = poll(&pfd, 1, 0);
	if (n < 0)
		return ct_error_sys(err, errno, "check the runtime");
	if (n > 0 && (pfd.revents & POLLHUP))
		return ct_error_set(err, EPIPE, "check the runtime: the runtime exited");
	return 0;
}

/* Writes process.oomScoreAdj through the host's /proc, before the process
 * leaves the host's mount namespace, with the runtime's credentials. */
static int set_oom_score_adj(const struct spec_process *process, struct libct_error *err)
{
	if (!process->oom_score_adj.set)
		return 0;
	char value[32];
	int len = snprintf(value, sizeof(value), "%lld", (long long)process->oom_score_adj.value);
	int r = ct_write_file_at(AT_FDCWD, "/proc/self/oom_score_adj", value, (size_t)len, err);
	return r < 0 ? ct_error_prefix(err, "process.oomScoreAdj") : 0;
}

static int setup_child(struct exec_job *job, char **ret_path, struct libct_error *err)
{
	/* Only exec --cgroup gives the runtime work to do between the clone and
	 * the setup, so only then does the child wait for the release. */
	uint64_t trace_start;
	int r;
	if (has_sub_cgroups(job->options)) {
		trace_start = ct_trace_begin(job->context);
		r = ct_sync_wait_release(job->child_sync_fd, err);
		ct_trace_end(job->context, "sync", "wait_release", trace_start);
	} else {
		r = check_runtime_alive(job->child_sync_fd, err);
	}
	if (r < 0)
		return r;
	if (!job->root_entered) { /* else inherited from the runtime */
		r = set_oom_score_adj(job->process, err);
		if (r < 0)
			return r;
	}

	trace_start = ct_trace_begin(job->context);
	r = ct_cgroup_join_self(&job->init.cgroup_join, err);
	ct_trace_end(job->context, "cgroup", "join", trace_start);
	if (r < 0)
		return ct_error_prefix(err, "cgroup");

	/* Processes already in the container must not ptrace this one or open
	 * its /proc files while it still holds the runtime's fds. execve
	 * resets it. */
	if (prctl(PR_SET_DUMPABLE, 0, 0, 0, 0) < 0)
		return ct_error_sys(err, errno, "make exec process non-dumpable");

	/* With a pidfd, setns joins every namespace in flags at once, the user
	 * namespace first (Linux 5.8). */
	trace_start = ct_trace_begin(job->context);
	int ns_flags = job->root_entered ? job->ns_flags & ~CLONE_NEWNS : job->ns_flags;
	if (ns_flags != 0 && setns(job->init_pidfd, ns_flags) < 0)
		return ct_error_sys(err, errno, "join the namespaces of container init %d", (int)job->state->pid);
	r = job->root_entered ? 0 : enter_root(job, err);
	ct_closep(&job->root_fd);
	ct_trace_end(job->context, "namespaces", NULL, trace_start);
	if (r < 0)
		return r;
	ct_closep(&job->init_pidfd);

	if (job->process->terminal) {
		r = ct_terminal_setup_and_send(job->process, false, &job->child_tty_fd, err);
		if (r < 0)
			return r;
	}
	trace_start = ct_trace_begin(job->context);
	r = ct_process_prepare(&job->init, ret_path, err);
	ct_trace_end(job->context, "process", NULL, trace_start);
	return r;
}

/*
 * Closes every fd of the runtime that the setup does not use, as the
 * child's first action. This process is visible in the container's pid
 * namespace from its clone3, and a container process that can open its
 * /proc/PID/fd entries (CAP_SYS_PTRACE without a user namespace) would
 * walk out of a directory fd such as the state directory, the host's root
 * or a cgroup directory. Kept: the preserved fds, the sync and terminal
 * sockets, the init's pidfd, the v1 tasks files and, unless the child was
 * born with the container's root, the fd of that root.
 */
static void close_unneeded_fds(struct exec_job *job)
{
	int keep[64];
	size_t n = 0;
	keep[n++] = job->child_sync_fd;
	keep[n++] = job->child_tty_fd;
	keep[n++] = job->init_pidfd;
	if (!job->root_entered)
		keep[n++] = job->root_fd;
	for (size_t i = 0; i < job->init.cgroup_join.n_tasks && n < sizeof(keep) / sizeof(keep[0]); i++)
		keep[n++] = job->init.cgroup_join.task_fds[i];
	ct_close_fds_except(3 + (unsigned int)job->init.preserve_fds, keep, n);

	/* Closed above; their numbers may be reused from here on. */
	job->sync_fd = job->tty_fd = job->console_fd = job->dir_fd = -1;
	job->host_pid_ns = job->host_mnt_ns = job->host_root = job->host_cwd = -1;
	job->init.cgroup_join.clone_fd = -1;
	if (job->root_entered)
		job->root_fd = -1;
	for (int i = 0; i < LIBCT_VIEW_MOUNTS; i++)
		job->context->view_mounts[i] = -1;
}

__attribute__((noreturn)) static void run_child(struct exec_job *job)
{
	struct libct_error err = { 0 };
	_cleanup_free_ char *path = NULL;

	/* This closes the caller's stray fds too: every fd above the preserved
	 * ones that it keeps is one of the runtime's, and close-on-exec. */
	close_unneeded_fds(job);
	ct_reset_signals();
	/* A filter with SCMP_ACT_NOTIFY sends its listener fd over this socket. */
	job->init.sync_fd = job->child_sync_fd;
	if (job->context->log != NULL) {
		job->context->log = log_to_runtime;
		job->context->log_userdata = &job->child_sync_fd;
	}
	ct_trace_route_to_runtime(job->context, &job->child_sync_fd);

	/* A runtime that dies during the setup takes the child with it; a
	 * detached process must outlive the runtime, so this ends before exec. */
	if (prctl(PR_SET_PDEATHSIG, SIGKILL, 0, 0, 0) < 0) {
		ct_error_sys(&err, errno, "set parent death signal");
		goto fail;
	}
	if (setup_child(job, &path, &err) < 0)
		goto fail;
	if (prctl(PR_SET_PDEATHSIG, 0, 0, 0, 0) < 0) {
		ct_error_sys(&err, errno, "clear parent death signal");
		goto fail;
	}
	job->context->log = NULL; /* the runtime stops reading at the exec */
	if (ct_seccomp_load(&job->init, CT_SECCOMP_BEFORE_EXEC, &err) >= 0)
		(void)ct_process_exec(&job->init, path, &err);
fail:
	(void)ct_sync_report_error(job->child_sync_fd, &err); /* if this fails, the runtime reads end of stream */
	_exit(255);
}

/* ----------------------------------------------------- the runtime side */

static int open_channels(struct exec_job *job, struct libct_error *err)
{
	int fds[2];
	int r = ct_sync_pair(fds, err);
	if (r < 0)
		return r;
	job->sync_fd = fds[0];
	job->child_sync_fd = fds[1];
	if (!job->process->terminal)
		return 0;

	if (job->options->console_socket != NULL) {
		job->console_fd = ct_terminal_connect(job->options->console_socket, err);
		if (job->console_fd < 0)
			return job->console_fd;
	}
	r = ct_sync_pair(fds, err);
	if (r < 0)
		return r;
	job->tty_fd = fds[0];
	job->child_tty_fd = fds[1];
	return 0;
}

static pid_t clone_child(struct exec_job *job, struct libct_error *err)
{
	pid_t pid = ct_cgroup_clone3(0, &job->init.cgroup_join);
	if (pid < 0)
		return ct_error_sys(err, errno, "clone exec process");
	if (pid == 0)
		run_child(job);
	return pid;
}

/* Reads the runtime's own oom_score_adj into *ret_saved and writes the
 * process's, which the child inherits. */
static int swap_oom_score_adj(const struct spec_process *process, char ret_saved[32], struct libct_error *err)
{
	ret_saved[0] = '\0';
	if (!process->oom_score_adj.set)
		return 0;
	_cleanup_free_ char *data = NULL;
	size_t len = 0;
	int r = ct_read_file_at(AT_FDCWD, "/proc/self/oom_score_adj", 31, &data, &len, err);
	if (r < 0)
		return r;
	while (len > 0 && data[len - 1] == '\n')
		len--;
	snprintf(ret_saved, 32, "%.*s", (int)len, data);
	return set_oom_score_adj(process, err);
}

/*
 * Puts the runtime in the container's mount namespace and root for the
 * clone3 of the child, so that the child is born there. Born with the
 * host's root, it would be visible in the container's pid namespace with
 * that root, and a container process with CAP_SYS_PTRACE (which passes
 * the check of a process that is not dumpable) could open
 * /proc/PID/root. Used only without a user namespace to join, because
 * with one the container's capabilities do not cover the runtime's
 * processes anyway. leave_container_root() returns to the runtime's own.
 */
static int enter_container_root(struct exec_job *job, struct libct_error *err)
{
	job->host_mnt_ns = open("/proc/self/ns/mnt", O_RDONLY | O_CLOEXEC);
	job->host_root = open("/", O_PATH | O_DIRECTORY | O_CLOEXEC);
	job->host_cwd = open(".", O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (job->host_mnt_ns < 0 || job->host_root < 0 || job->host_cwd < 0)
		return ct_error_sys(err, errno, "open own mount namespace, root and working directory");
	if (setns(job->init_pidfd, CLONE_NEWNS) < 0)
		return ct_error_sys(err, errno, "join mount namespace of container init %d", (int)job->state->pid);
	job->root_entered = true;
	if (fchdir(job->root_fd) < 0 || chroot(".") < 0 || chdir("/") < 0)
		return ct_error_sys(err, errno, "enter the root of container init %d", (int)job->state->pid);
	return 0;
}

static int leave_container_root(struct exec_job *job, struct libct_error *err)
{
	int r = 0;
	if (job->root_entered &&
	    (setns(job->host_mnt_ns, CLONE_NEWNS) < 0 || fchdir(job->host_root) < 0 || chroot(".") < 0 ||
	     fchdir(job->host_cwd) < 0))
		r = ct_error_sys(err, errno, "return to own mount namespace and root");
	ct_closep(&job->host_mnt_ns);
	ct_closep(&job->host_root);
	ct_closep(&job->host_cwd);
	return r;
}

/* Enters what the child must be born in: the container's pid namespace,
 * and its mount namespace and root (enter_container_root()). */
static int enter_for_clone(struct exec_job *job, bool in_root, char saved_oom[32], struct libct_error *err)
{
	if (job->join_pid) {
		/* In the job, so that the child closes its copy at once. */
		job->host_pid_ns = open("/proc/self/ns/pid", O_RDONLY | O_CLOEXEC);
		if (job->host_pid_ns < 0)
			return ct_error_sys(err, errno, "open own pid namespace");
		if (setns(job->init_pidfd, CLONE_NEWPID) < 0)
			return ct_error_sys(err, errno, "join pid namespace of container init %d", (int)job->state->pid);
	}
	if (!in_root)
		return 0;
	/* Through the host's /proc, so before the mount namespace changes. */
	int r = swap_oom_score_adj(job->process, saved_oom, err);
	return r < 0 ? r : enter_container_root(job, err);
}

/* Undoes enter_for_clone(), also after a failure half-way. */
static int leave_after_clone(struct exec_job *job, bool in_root, const char *saved_oom, struct libct_error *err)
{
	int r = 0;
	if (in_root)
		r = leave_container_root(job, err);
	/* The runtime's own oom_score_adj, through the host's /proc again. */
	struct libct_error restore_err = { 0 };
	if (r == 0 && saved_oom[0] != '\0' &&
	    ct_write_file_at(AT_FDCWD, "/proc/self/oom_score_adj", saved_oom, strlen(saved_oom), &restore_err) < 0)
		ct_warn(job->context, "exec in container \"%s\": restore own oom_score_adj %s: %s", job->id, saved_oom,
			restore_err.message);
	if (job->host_pid_ns >= 0 && setns(job->host_pid_ns, CLONE_NEWPID) < 0 && r == 0)
		r = ct_error_sys(err, errno, "return to own pid namespace");
	ct_closep(&job->host_pid_ns);
	return r;
}

static int spawn_child(struct exec_job *job, struct libct_error *err)
{
	char saved_oom[32] = "";
	bool in_root = (job->ns_flags & CLONE_NEWNS) && !(job->ns_flags & CLONE_NEWUSER);
	int r = enter_for_clone(job, in_root, saved_oom, err);
	if (r >= 0) {
		r = clone_child(job, err);
		if (r > 0)
			job->pid = r;
	}
	struct libct_error leave_err = { 0 };
	int left = leave_after_clone(job, in_root, saved_oom, &leave_err);
	if (left < 0 && r >= 0) {
		*err = leave_err;
		r = left;
	}

	ct_closep(&job->child_sync_fd);
	ct_closep(&job->child_tty_fd);
	ct_cgroup_join_close(&job->init.cgroup_join); /* the child has its copies */
	return r < 0 ? r : 0;
}

/* Moves the child into the sub-cgroups of exec --cgroup and releases it.
 * Without --cgroup the child does not wait for a release. */
static int configure_child(struct exec_job *job, struct libct_error *err)
{
	if (!has_sub_cgroups(job->options))
		return 0;
	int r = enter_sub_cgroups(job, err);
	if (r < 0)
		return r;
	return ct_sync_release_init(job->sync_fd, err);
}

/* Sends the listener fd of the process's filter to the agent at
 * linux.seccomp.listenerPath, with the container's current state and the
 * process's own pid, as create does for the init. */
static int send_listener(struct exec_job *job, int listener_fd, struct libct_error *err)
{
	_cleanup_close_ int fd = listener_fd;
	if (fd < 0)
		return ct_error_set(err, EBADMSG, "seccomp message from exec process carries no fd");

	struct ct_seccomp_agent agent = {
		.config = job->container_config,
		.id = job->id,
		.bundle = job->state->bundle,
		.pid = job->pid,
		.status = libct_status_name(ct_state_status(job->state)),
		.init_pid = job->state->pid,
	};
	return ct_seccomp_send_to_agent(&agent, fd, err);
}

/* Reads the child's messages until the exec closes the close-on-exec
 * socket (success) or an error arrives. */
static int wait_exec_result(struct exec_job *job, struct libct_error *err)
{
	for (;;) {
		struct ct_sync_msg msg;
		int passed_fd = -1;
		int n = ct_sync_recv(job->sync_fd, &msg, &passed_fd);
		if (n < 0)
			return ct_error_sys(err, -n, "read from exec process");
		if (n > 0 && msg.type == CT_SYNC_SECCOMP) {
			n = send_listener(job, passed_fd, err);
			if (n < 0)
				return n;
			continue;
		}
		ct_closep(&passed_fd);
		if (n == 0)
			return 0;
		if (msg.type == CT_SYNC_LOG)
			ct_log(job->context, (enum libct_log_level)msg.code, "%s", msg.message);
		else if (msg.type == CT_SYNC_TRACE)
			ct_trace_forward(job->context, msg.message);
		else if (msg.type == CT_SYNC_ERROR)
			return ct_error_set(err, msg.code > 0 ? msg.code : EIO, "%s", msg.message);
		else
			return ct_error_set(err, EBADMSG, "unexpected message %u from exec process", msg.type);
	}
}

/* Passes the terminal on: to the console socket, or to the caller. A child
 * that failed before sending it closes the socket, and its error follows
 * on the sync socket. */
static int forward_terminal(struct exec_job *job, struct libct_error *err)
{
	_cleanup_close_ int master = -1;
	int r = ct_terminal_recv_fd(job->tty_fd, &master, err);
	if (r == -EPIPE) {
		r = wait_exec_result(job, err);
		return r < 0 ? r : ct_error_set(err, EPIPE, "exec process exited before sending its terminal");
	}
	if (r < 0)
		return r;
	return ct_terminal_deliver(&master, job->console_fd, job->options->ret_terminal_fd, err);
}

static int write_pid_file(struct exec_job *job, struct libct_error *err)
{
	if (job->options->pid_file == NULL)
		return 0;
	char pid[32];
	int len = snprintf(pid, sizeof(pid), "%d", (int)job->pid);
	int r = ct_write_file_atomic(AT_FDCWD, job->options->pid_file, pid, (size_t)len, 0644, err);
	return r < 0 ? ct_error_prefix(err, "pid file") : 0;
}

static int run_exec(struct exec_job *job, struct libct_error *err)
{
	uint64_t trace_start = ct_trace_begin(job->context);
	int r = open_container(job, err);
	ct_trace_end(job->context, "state_dir", "open", trace_start);
	if (r < 0)
		return r;
	trace_start = ct_trace_begin(job->context);
	r = load_process(job, err);
	if (r >= 0)
		r = load_seccomp(job, err);
	ct_trace_end(job->context, "parse", NULL, trace_start);
	if (r < 0)
		return r;
	/* The lock ends here: the pidfd pins the init, and a child that the
	 * container's frozen cgroup stops before it runs must not keep the lock,
	 * or resume could never take it. */
	ct_closep(&job->dir_fd);
	r = check_sub_cgroups(job->options, err);
	if (r < 0)
		return r;
	r = ct_cgroup_from_map(&job->state->cgroup_paths, &job->cgroup, err);
	if (r >= 0 && !has_sub_cgroups(job->options))
		r = ct_cgroup_join_prepare(job->cgroup, CT_CGROUP_PART_ALL, &job->init.cgroup_join, err);
	if (r < 0)
		return r;
	r = plan_namespaces(job, err);
	if (r < 0)
		return r;
	r = open_channels(job, err);
	if (r < 0)
		return r;

	job->config.process = job->process;
	job->init.context = job->context;
	job->init.id = job->id;
	job->init.config = &job->config;
	job->init.preserve_fds = job->options->preserve_fds;
	job->init.exec_process = true;
	/* The child inherits this affinity until it sets the final one. */
	r = ct_attrs_set_initial_affinity(job->process, err);
	if (r < 0)
		return r;
	trace_start = ct_trace_begin(job->context);
	r = spawn_child(job, err);
	ct_trace_end(job->context, "clone", NULL, trace_start);
	if (r < 0)
		return r;
	trace_start = ct_trace_begin(job->context);
	r = configure_child(job, err);
	ct_trace_end(job->context, "configure", NULL, trace_start);
	if (r < 0)
		return r;
	/* While the child sets itself up (run_child() closed its copies). */
	ct_close_view_mounts(job->context->view_mounts);
	trace_start = ct_trace_begin(job->context);
	if (job->process->terminal)
		r = forward_terminal(job, err);
	if (r >= 0)
		r = wait_exec_result(job, err);
	ct_trace_end(job->context, "sync", "wait_exec", trace_start);
	if (r < 0)
		return r;
	return write_pid_file(job, err);
}

static void release_job(struct exec_job *job)
{
	ct_closep(&job->dir_fd);
	ct_closep(&job->init_pidfd);
	ct_closep(&job->root_fd);
	ct_closep(&job->console_fd);
	ct_closep(&job->sync_fd);
	ct_closep(&job->child_sync_fd);
	ct_closep(&job->tty_fd);
	ct_closep(&job->child_tty_fd);
	ct_cgroup_join_close(&job->init.cgroup_join);
	ct_cgroup_free(job->cgroup);
	ct_seccomp_free(job->init.seccomp);
	spec_config_free(job->container_config);
	ct_state_free(job->state);
	spec_process_free(job->process);
}

int libct_container_exec(struct libct_context *context, const char *id, const struct libct_exec_options *options,
			 pid_t *ret_pid, struct libct_error *err)
{
	struct exec_job job = {
		.context = context,
		.id = id,
		.options = options,
		.dir_fd = -1,
		.init_pidfd = -1,
		.host_pid_ns = -1,
		.host_mnt_ns = -1,
		.host_root = -1,
		.host_cwd = -1,
		.root_fd = -1,
		.console_fd = -1,
		.sync_fd = -1,
		.child_sync_fd = -1,
		.tty_fd = -1,
		.child_tty_fd = -1,
		.init = { .rootfs_fd = -1, .start_fd = -1, .sync_fd = -1, .terminal_fd = -1,
			  .cgroup_join = { .clone_fd = -1 } },
	};
	for (size_t i = 0; i < SPEC_NS_COUNT; i++)
		job.init.join_fds[i] = -1;

	ct_trace_set_id(context, id);
	int r = options == NULL ? ct_error_set(err, EINVAL, "no exec options") : run_exec(&job, err);
	if (r < 0) {
		ct_error_prefix(err, "exec in container \"%s\"", id);
		if (job.pid > 0) {
			(void)kill(job.pid, SIGKILL); /* our unreaped child: the pid cannot be reused */
			while (waitpid(job.pid, NULL, 0) < 0 && errno == EINTR)
				;
		}
	} else if (ret_pid != NULL) {
		*ret_pid = job.pid;
	}
	release_job(&job);
	return r;
}
