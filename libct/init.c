/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The container's init: the child of clone3, running on a copy of the
 * runtime's memory. It sets up the container, reports READY, waits for
 * `start` on the start socket (or, for `run`, on the sync socket) and
 * executes the user program.
 * docs/sync-protocol.md shows the messages it exchanges.
 */
#include <sched.h>
#include <signal.h>
#include <string.h>
#include <sys/prctl.h>
#include <unistd.h>

#include "hooks.h"
#include "notify.h"
#include "sync.h"
#include "terminal.h"

/* The child must not write the runtime's log itself (the log file may be a
 * JSON stream owned by the caller), so its lines travel over the sync socket. */
static void log_to_runtime(void *userdata, enum libct_log_level level, const char *message)
{
	struct ct_init *init = userdata;
	(void)ct_sync_send_log(init->sync_fd, level, message); /* a lost log line is not an error */
}

static void route_logs_to_runtime(struct ct_init *init)
{
	if (init->context->log == NULL)
		return;
	init->context->log = log_to_runtime;
	init->context->log_userdata = init;
}

static int set_hostname(const struct spec_config *config, struct libct_error *err)
{
	if (config->hostname != NULL && sethostname(config->hostname, strlen(config->hostname)) < 0)
		return ct_error_sys(err, errno, "set hostname \"%s\"", config->hostname);
	if (config->domainname != NULL && setdomainname(config->domainname, strlen(config->domainname)) < 0)
		return ct_error_sys(err, errno, "set domain name \"%s\"", config->domainname);
	return 0;
}

static int setup_rootfs(struct ct_init *init, struct libct_error *err)
{
	_cleanup_close_ int root_fd = -1;
	int r = ct_rootfs_prepare(init, &root_fd, err);
	ct_closep(&init->rootfs_fd); /* also without a mount namespace (bind_rootfs()) */
	if (r < 0)
		return ct_error_prefix(err, "rootfs");
	/* The runtime spec runs the create hooks after the mounts and before
	 * pivot_root. */
	r = ct_hooks_run_create(init, err);
	if (r < 0)
		return r;
	uint64_t trace_start = ct_trace_begin(init->context);
	r = ct_rootfs_pivot(init, root_fd, err);
	ct_closep(&root_fd); /* after pivot_root it is the container's "/" */
	ct_trace_end(init->context, "pivot_root", NULL, trace_start);
	if (r >= 0)
		r = set_hostname(init->config, err);
	if (r >= 0)
		r = ct_rootfs_finalize(init, err);
	return r < 0 ? ct_error_prefix(err, "rootfs") : 0;
}

/* Joins the v1 hierarchies; clone3 placed the init in the cgroup2 one. */
static int join_cgroups(struct ct_init *init, struct libct_error *err)
{
	if (init->cgroup_v1 != NULL) {
		/* The runtime made the v1 directories after clone3, so the init
		 * opens their "tasks" files now, still in the runtime's mount
		 * namespace or a copy of it. */
		ct_cgroup_join_close(&init->cgroup_join);
		int r = ct_cgroup_join_prepare(init->cgroup_v1, CT_CGROUP_PART_V1, &init->cgroup_join, err);
		if (r < 0)
			return r;
	}
	return ct_cgroup_join_self(&init->cgroup_join, err);
}

static int setup_container(struct ct_init *init, char **ret_path, struct libct_error *err)
{
	uint64_t trace_start = ct_trace_begin(init->context);
	int r = ct_sync_wait_release(init->sync_fd, err);
	ct_trace_end(init->context, "sync", "wait_release", trace_start);
	if (r < 0)
		return r;

	/* Before anything else: a new cgroup namespace is rooted at the cgroup
	 * the init is in when it unshares, and the processes of the
	 * createContainer hooks must start inside the cgroup. */
	trace_start = ct_trace_begin(init->context);
	r = join_cgroups(init, err);
	ct_trace_end(init->context, "cgroup", "join", trace_start);
	if (r < 0)
		return ct_error_prefix(err, "cgroup");

	trace_start = ct_trace_begin(init->context);
	r = ct_ns_enter(init, err);
	ct_trace_end(init->context, "namespaces", NULL, trace_start);
	if (r < 0)
		return ct_error_prefix(err, "namespaces");

	/* Non-dumpable until execve resets it, so that processes already in the
	 * container cannot ptrace the init or open its /proc files while it
	 * still holds host fds. Set after the namespace setup, which writes
	 * /proc/self files that a non-dumpable process may no longer own. */
	if (prctl(PR_SET_DUMPABLE, 0, 0, 0, 0) < 0)
		return ct_error_sys(err, errno, "make container init non-dumpable");

	r = setup_rootfs(init, err);
	if (r < 0)
		return r;
	ct_notify_set_listen_pid(init);

	/* The pty is allocated after pivot_root, so that /dev/ptmx is the
	 * container's own devpts instance. */
	if (init->config->process->terminal) {
		r = ct_terminal_setup_and_send(init->config->process, true, &init->terminal_fd, err);
		if (r < 0)
			return r;
	}
	trace_start = ct_trace_begin(init->context);
	r = ct_process_prepare(init, ret_path, err);
	ct_trace_end(init->context, "process", NULL, trace_start);
	return r;
}

/* Executes the program. On a failure the error goes over conn to the
 * process that requested the start, because only that process waits. */
static void run_start_hooks_and_exec(struct ct_init *init, const char *path, int conn)
{
	struct libct_error err = { 0 };

	if (ct_hooks_run_start(init, &err) >= 0 && ct_seccomp_load(init, CT_SECCOMP_BEFORE_EXEC, &err) >= 0)
		(void)ct_process_exec(init, path, &err);
	(void)ct_sync_report_error(conn, &err);
	_exit(255);
}

/* Waits for `start` on the start socket and executes the program. */
static void wait_and_exec(struct ct_init *init, const char *path)
{
	struct libct_error err = { 0 };
	_cleanup_close_ int conn = ct_sync_wait_start(init->start_fd, &err);
	if (conn < 0)
		_exit(255);
	/* `start` reads the records of the last steps until the exec. */
	ct_trace_route_to_runtime(init->context, &conn);
	run_start_hooks_and_exec(init, path, conn);
}

/*
 * Closes every fd above the preserved ones that the set-up does not use:
 * the caller's stray fds, which are not close-on-exec, and the runtime's
 * (the state directory, cgroup directories).
 * A process that can look into this init's /proc/PID/fd finds none of
 * them, and the gaps between the kept fds go with one close_range() each,
 * cheaper than a listing of /proc/self/fd (about 60 us).
 */
static void close_unneeded_fds(struct ct_init *init)
{
	size_t n_idmap = init->idmap_fds != NULL ? init->config->n_mounts : 0;
	size_t max = 6 + SPEC_NS_COUNT + n_idmap + init->cgroup_join.n_tasks;
	_cleanup_free_ int *keep = ct_malloc(max * sizeof(int));
	size_t n = 0;
	keep[n++] = init->sync_fd;
	keep[n++] = init->terminal_fd;
	keep[n++] = init->rootfs_fd;
	keep[n++] = init->notify_tree_fd;
	keep[n++] = init->start_fd;
	keep[n++] = init->cgroup_join.clone_fd;
	for (size_t i = 0; i < SPEC_NS_COUNT; i++)
		keep[n++] = init->join_fds[i];
	for (size_t i = 0; i < n_idmap; i++)
		keep[n++] = init->idmap_fds[i];
	for (size_t i = 0; i < init->cgroup_join.n_tasks; i++)
		keep[n++] = init->cgroup_join.task_fds[i];
	ct_close_fds_except(3 + (unsigned int)init->preserve_fds, keep, n);
}

void ct_init_run(struct ct_init *init, int runtime_sync_fd)
{
	struct libct_error err = { 0 };
	_cleanup_free_ char *path = NULL;

	/* Without the runtime's end, a runtime that dies makes our reads return
	 * end of stream instead of blocking forever. */
	close(runtime_sync_fd);
	route_logs_to_runtime(init);
	/* Before the mounts: the records take the pid from the host's /proc. */
	ct_trace_route_to_runtime(init->context, &init->sync_fd);
	ct_reset_signals();
	/* Before the runtime closes its own: the last close dissolves each
	 * mount and waits for an RCU grace period, which the runtime spends
	 * while it waits for READY. They are closed one by one, because with
	 * more --preserve-fds than the caller had open they may lie in the
	 * preserved range, which close_unneeded_fds() leaves alone. */
	ct_close_view_mounts(init->context->view_mounts);
	close_unneeded_fds(init);

	/* While the runtime waits for READY, its death kills the init; the
	 * signal is cleared before READY because `create` exits afterwards. */
	if (prctl(PR_SET_PDEATHSIG, SIGKILL, 0, 0, 0) < 0) {
		ct_error_sys(&err, errno, "set parent death signal");
		goto fail;
	}
	if (init->early_unshare_flags != 0) {
		uint64_t trace_start = ct_trace_begin(init->context);
		int r = unshare(init->early_unshare_flags);
		ct_trace_end(init->context, "namespaces", "net", trace_start);
		if (r < 0) {
			ct_error_sys(&err, errno, "namespaces: create network namespace");
			goto fail;
		}
	}

	if (setup_container(init, &path, &err) < 0)
		goto fail;

	if (prctl(PR_SET_PDEATHSIG, 0, 0, 0, 0) < 0) {
		ct_error_sys(&err, errno, "clear parent death signal");
		goto fail;
	}
	if (ct_sync_report_ready(init->sync_fd, &err) < 0)
		_exit(1);
	init->context->log = NULL; /* the runtime stops reading after READY */
	/* run made no start socket: it sends START over the sync socket once
	 * state.json is written. End of stream means that run died, and the
	 * container would never start. */
	if (init->start_fd < 0) {
		if (ct_sync_wait_start_request(init->sync_fd, &err) < 0)
			_exit(1);
		run_start_hooks_and_exec(init, path, init->sync_fd);
	}
	/* The parent death signal is cleared by now, so end of stream here means
	 * that `create` died before it recorded the container. No `start` or
	 * `delete` would find this init then. The release follows state.json. */
	if (ct_sync_wait_release(init->sync_fd, &err) < 0)
		_exit(1);
	close(init->sync_fd);
	init->sync_fd = -1;

	wait_and_exec(init, path);

fail:
	(void)ct_sync_report_error(init->sync_fd, &err); /* if this fails, the runtime reads end of stream */
	_exit(1);
}
