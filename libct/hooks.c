/* SPDX-License-Identifier: Apache-2.0 */
/*
 * OCI lifecycle hooks. Each hook is a program that gets the container state
 * as JSON on stdin, its own args and env and nothing of the runtime's, and
 * is killed with its process group when its timeout expires.
 *
 * Where each kind runs:
 * - prestart and createRuntime: in the runtime that runs create, while the
 *   init waits between its mounts and pivot_root (CT_SYNC_HOOKS).
 * - createContainer: forked by the init at that same moment. The init is in
 *   the container's namespaces but has not pivoted yet, so "/" is still the
 *   runtime's root and the hook path resolves in the runtime namespace, as
 *   the runtime spec requires.
 * - startContainer: forked by the init after `start` connects and before
 *   it executes the user program, so the path resolves in the container.
 * - poststart: in the runtime that runs start, after the program runs.
 * - poststop: in the runtime that runs delete, after the container is gone.
 */
#include <fcntl.h>
#include <linux/close_range.h>
#include <poll.h>
#include <signal.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/pidfd.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "hooks.h"
#include "state.h"
#include "sync.h"

/* How much of a hook's output a failure message quotes: the last bytes,
 * where a failing program usually prints its reason. */
#define OUTPUT_TAIL_MAX 512

static const char *const kind_names[] = {
    [CT_HOOK_PRESTART] = "prestart",
    [CT_HOOK_CREATE_RUNTIME] = "createRuntime",
    [CT_HOOK_CREATE_CONTAINER] = "createContainer",
    [CT_HOOK_START_CONTAINER] = "startContainer",
    [CT_HOOK_POSTSTART] = "poststart",
    [CT_HOOK_POSTSTOP] = "poststop",
};

const char *ct_hook_kind_name(enum ct_hook_kind kind)
{
	return kind_names[kind];
}

const struct spec_hook_list *ct_hooks_of(const struct spec_hooks *hooks, enum ct_hook_kind kind)
{
	switch (kind) {
	case CT_HOOK_PRESTART:
		return &hooks->prestart;
	case CT_HOOK_CREATE_RUNTIME:
		return &hooks->create_runtime;
	case CT_HOOK_CREATE_CONTAINER:
		return &hooks->create_container;
	case CT_HOOK_START_CONTAINER:
		return &hooks->start_container;
	case CT_HOOK_POSTSTART:
		return &hooks->poststart;
	case CT_HOOK_POSTSTOP:
	default:
		return &hooks->poststop;
	}
}

/* ------------------------------------------------------ one hook process */

/* The outcome of a finished hook: its wait status or a timeout, and the
 * last bytes that it wrote to stdout and stderr. */
struct hook_result {
	int status;
	bool timed_out;
	char tail[OUTPUT_TAIL_MAX];
	size_t tail_len;
};

/* Runs in the forked child: nothing here may allocate, because the parent
 * may be any process that forked. */
__attribute__((noreturn)) static void exec_hook(const struct spec_hook *hook, char *const *argv,
                                                char *const *envp, int state_fd, int output_fd)
{
	/* A hook outlives neither a killed runtime nor its own timeout: the
	 * process group lets the timeout reach the hook's children too. */
	(void)prctl(PR_SET_PDEATHSIG, SIGKILL, 0, 0, 0);
	(void)setpgid(0, 0);

	struct sigaction action = {.sa_handler = SIG_DFL};
	/* sigaction() fails only for SIGKILL, SIGSTOP and the signals that glibc
	 * reserves, which keep their dispositions anyway. */
	for (int sig = 1; sig < NSIG; sig++)
		(void)sigaction(sig, &action, NULL);
	sigset_t empty;
	sigemptyset(&empty);
	(void)sigprocmask(SIG_SETMASK, &empty, NULL);

	if (dup2(state_fd, STDIN_FILENO) < 0 || dup2(output_fd, STDOUT_FILENO) < 0 ||
	    dup2(output_fd, STDERR_FILENO) < 0)
		_exit(127);
	/* No runtime fd (state directory locks, sync sockets, the rootfs) may
	 * reach the hook. */
	(void)close_range(3, ~0U, 0);

	execve(hook->path, argv, envp);
	int saved_errno = errno;
	dprintf(STDERR_FILENO, "execute \"%s\": %s", hook->path, strerror(saved_errno));
	_exit(127);
}

static void keep_tail(struct hook_result *result, const char *data, size_t len)
{
	if (len >= OUTPUT_TAIL_MAX) {
		memcpy(result->tail, data + len - OUTPUT_TAIL_MAX, OUTPUT_TAIL_MAX);
		result->tail_len = OUTPUT_TAIL_MAX;
		return;
	}
	size_t keep = result->tail_len + len > OUTPUT_TAIL_MAX ? OUTPUT_TAIL_MAX - len : result->tail_len;
	memmove(result->tail, result->tail + result->tail_len - keep, keep);
	memcpy(result->tail + keep, data, len);
	result->tail_len = keep + len;
}

/* Reads the data that the output pipe contains now. Returns false at end
 * of stream. */
static bool drain_output(int output_fd, struct hook_result *result)
{
	char buf[4096];
	for (;;) {
		ssize_t n = read(output_fd, buf, sizeof(buf));
		if (n > 0) {
			keep_tail(result, buf, (size_t)n);
			continue;
		}
		if (n < 0 && errno == EINTR)
			continue;
		return n < 0 && errno == EAGAIN;
	}
}

static int64_t now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* Waits for the hook to exit while collecting its output; past the
 * deadline (-1: none) it kills the hook's process group. */
static int wait_hook(pid_t pid, int pidfd, int output_fd, int64_t deadline, struct hook_result *result,
                     struct libct_error *err)
{
	bool output_open = true;
	for (;;) {
		struct pollfd fds[2] = {
		    {.fd = pidfd, .events = POLLIN},
		    {.fd = output_open ? output_fd : -1, .events = POLLIN},
		};
		int timeout = -1;
		if (deadline >= 0) {
			int64_t left = deadline - now_ms();
			if (left <= 0)
				timeout = 0;
			else if (left > INT32_MAX)
				timeout = INT32_MAX;
			else
				timeout = (int)left;
		}
		int n = poll(fds, 2, timeout);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return ct_error_sys(err, errno, "wait for hook %d", pid);
		if (n == 0) {
			result->timed_out = true;
			/* The group exists until the unreaped hook is collected. The
			 * hook itself is killed by pid too, in case its setpgid()
			 * failed. */
			(void)kill(-pid, SIGKILL);
			(void)kill(pid, SIGKILL);
			break;
		}
		if (fds[1].revents != 0)
			output_open = drain_output(output_fd, result);
		if (fds[0].revents != 0)
			break;
	}

	while (waitpid(pid, &result->status, 0) < 0) {
		if (errno != EINTR)
			return ct_error_sys(err, errno, "wait for hook %d", pid);
	}
	if (output_open)
		(void)drain_output(output_fd, result); /* what it wrote before it exited */
	return 0;
}

/* Starts one hook with the state in state_fd on stdin and waits for it. */
static int spawn_hook(const struct spec_hook *hook, int state_fd, struct hook_result *result,
                      struct libct_error *err)
{
	/* execve gets args as they are: argv[0] is args[0], and without args
	 * it is the path itself. */
	char *default_argv[] = {hook->path, NULL};
	char **argv = hook->n_args > 0 ? hook->args : default_argv;
	char *no_env[] = {NULL};
	char **envp = hook->env != NULL ? hook->env : no_env;

	int pipe_fds[2];
	if (pipe2(pipe_fds, O_CLOEXEC) < 0)
		return ct_error_sys(err, errno, "create output pipe");
	_cleanup_close_ int output_read = pipe_fds[0];
	_cleanup_close_ int output_write = pipe_fds[1];
	if (fcntl(output_read, F_SETFL, O_NONBLOCK) < 0)
		return ct_error_sys(err, errno, "make output pipe non-blocking");

	int64_t deadline = hook->timeout.set ? now_ms() + hook->timeout.value * 1000 : -1;
	pid_t pid = fork();
	if (pid < 0)
		return ct_error_sys(err, errno, "fork");
	if (pid == 0)
		exec_hook(hook, argv, envp, state_fd, output_write);
	ct_closep(&output_write);

	/* The unreaped child keeps its pid, so the pidfd cannot name another
	 * process. */
	_cleanup_close_ int pidfd = pidfd_open(pid, 0);
	if (pidfd < 0) {
		int r = ct_error_sys(err, errno, "open hook %d", pid);
		(void)kill(-pid, SIGKILL);
		(void)kill(pid, SIGKILL);
		(void)waitpid(pid, NULL, 0);
		return r;
	}
	return wait_hook(pid, pidfd, output_read, deadline, result, err);
}

/* Appends ": <output>" with the output on one line, quotes made single. */
static void format_tail(const struct hook_result *result, char *buf, size_t size)
{
	size_t start = 0, end = result->tail_len;
	while (start < end && (unsigned char)result->tail[start] <= ' ')
		start++;
	while (end > start && (unsigned char)result->tail[end - 1] <= ' ')
		end--;
	buf[0] = '\0';
	if (start == end || size < 8)
		return;

	size_t len = (size_t)snprintf(buf, size, ", output: \"");
	for (size_t i = start; i < end && len + 2 < size; i++) {
		char c = result->tail[i];
		buf[len++] = c == '"' ? '\'' : ((unsigned char)c < ' ' || c == 0x7f) ? ' ' : c;
	}
	if (len + 2 <= size) {
		buf[len++] = '"';
		buf[len] = '\0';
	} else {
		buf[size - 1] = '\0';
	}
}

static int check_result(const struct hook_result *result, const struct spec_hook *hook,
                        struct libct_error *err)
{
	char output[OUTPUT_TAIL_MAX + 32];
	format_tail(result, output, sizeof(output));

	if (result->timed_out)
		return ct_error_set(err, ETIMEDOUT, "timed out after %lld s and was killed%s",
		                    (long long)hook->timeout.value, output);
	if (WIFSIGNALED(result->status))
		return ct_error_set(err, ECANCELED, "killed by signal %d (%s)%s", WTERMSIG(result->status),
		                    strsignal(WTERMSIG(result->status)), output);
	if (WIFEXITED(result->status) && WEXITSTATUS(result->status) != 0)
		return ct_error_set(err, ECANCELED, "exited with status %d%s", WEXITSTATUS(result->status),
		                    output);
	return 0;
}

static int run_hook(const struct spec_hook *hook, int state_fd, struct libct_error *err)
{
	if (lseek(state_fd, 0, SEEK_SET) < 0)
		return ct_error_sys(err, errno, "rewind the state");

	struct hook_result result = {0};
	int r = spawn_hook(hook, state_fd, &result, err);
	if (r < 0)
		return r;
	return check_result(&result, hook, err);
}

/* ------------------------------------------------------------ lists */

/* Writes the state into a memory file that every hook of the list reads as
 * its stdin. A file, unlike a pipe, cannot block the runtime when a hook
 * leaves a large state unread. */
static int open_state_file(const struct spec_state *state, struct libct_error *err)
{
	_cleanup_free_ char *json = NULL;
	size_t len = 0;
	int r = spec_state_serialize(state, false, &json, &len, err);
	if (r < 0)
		return r;

	_cleanup_close_ int fd = memfd_create("ctrun-hook-state", MFD_CLOEXEC);
	if (fd < 0)
		return ct_error_sys(err, errno, "create the hook state file");
	for (size_t done = 0; done < len;) {
		ssize_t n = write(fd, json + done, len - done);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return ct_error_sys(err, errno, "write the hook state file");
		done += (size_t)n;
	}
	return ct_steal_fd(&fd);
}

static int run_list(struct libct_context *context, const struct spec_hooks *hooks, enum ct_hook_kind kind,
                    const struct spec_state *state, bool warn_only, struct libct_error *err)
{
	const struct spec_hook_list *list = ct_hooks_of(hooks, kind);
	if (list->n_hooks == 0)
		return 0;

	_cleanup_close_ int state_fd = open_state_file(state, err);
	if (state_fd < 0)
		return ct_error_prefix(err, "hooks.%s", kind_names[kind]);

	for (size_t i = 0; i < list->n_hooks; i++) {
		const struct spec_hook *hook = &list->hooks[i];
		struct libct_error hook_err = {0};
		ct_debug(context, "run hooks.%s[%zu] \"%s\"", kind_names[kind], i, hook->path);
		int r = run_hook(hook, state_fd, &hook_err);
		if (r >= 0)
			continue;
		if (warn_only) {
			ct_warn(context, "hooks.%s[%zu] \"%s\": %s", kind_names[kind], i, hook->path,
			        hook_err.message);
			continue;
		}
		*err = hook_err;
		return ct_error_prefix(err, "hooks.%s[%zu] \"%s\"", kind_names[kind], i, hook->path);
	}
	return 0;
}

/* Times a hook list that is not empty, as phase "hooks" with the kind. */
static int run_list_traced(struct libct_context *context, const struct spec_hooks *hooks, enum ct_hook_kind kind,
                           const struct spec_state *state, bool warn_only, struct libct_error *err)
{
	uint64_t trace_start = ct_trace_begin(context);
	int r = run_list(context, hooks, kind, state, warn_only, err);
	if (ct_hooks_of(hooks, kind)->n_hooks > 0)
		ct_trace_end(context, "hooks", kind_names[kind], trace_start);
	return r;
}

int ct_hooks_run(struct libct_context *context, const struct spec_hooks *hooks, enum ct_hook_kind kind,
                 const struct spec_state *state, struct libct_error *err)
{
	if (err == NULL) {
		struct libct_error ignored = {0};
		return run_list_traced(context, hooks, kind, state, false, &ignored);
	}
	return run_list_traced(context, hooks, kind, state, false, err);
}

void ct_hooks_run_warn(struct libct_context *context, const struct spec_hooks *hooks, enum ct_hook_kind kind,
                       const struct spec_state *state)
{
	struct libct_error err = {0};
	if (run_list_traced(context, hooks, kind, state, true, &err) < 0)
		ct_warn(context, "%s", err.message);
}

/* ------------------------------------------------------- in the init */

/* Fills the state in the container's view: the pid is the init's pid in
 * the container's pid namespace. */
static void init_state(const struct ct_init *init, enum libct_status status, struct spec_state *ret_state)
{
	*ret_state = (struct spec_state){
	    .id = (char *)init->id,
	    .status = status,
	    .pid = getpid(),
	    .bundle = (char *)init->bundle,
	    .rootfs = (char *)init->rootfs,
	    .created = (char *)init->created,
	    .annotations = init->config->annotations,
	};
}

int ct_hooks_run_create(struct ct_init *init, struct libct_error *err)
{
	const struct spec_hooks *hooks = &init->config->hooks;
	if (hooks->prestart.n_hooks > 0 || hooks->create_runtime.n_hooks > 0) {
		int r = ct_sync_request_hooks(init->sync_fd, err);
		if (r < 0)
			return r;
	}

	struct spec_state state;
	init_state(init, LIBCT_STATUS_CREATING, &state);
	return ct_hooks_run(init->context, hooks, CT_HOOK_CREATE_CONTAINER, &state, err);
}

int ct_hooks_run_start(struct ct_init *init, struct libct_error *err)
{
	struct spec_state state;
	init_state(init, LIBCT_STATUS_CREATED, &state);
	return ct_hooks_run(init->context, &init->config->hooks, CT_HOOK_START_CONTAINER, &state, err);
}

/* ------------------------------------------------- start and delete */

int ct_hooks_load_config(int dir_fd, struct spec_config **ret_config, struct libct_error *err)
{
	_cleanup_free_ char *data = NULL;
	size_t len = 0;
	*ret_config = NULL;
	int r = ct_read_file_at(dir_fd, "config.json", CT_HOOKS_CONFIG_MAX, &data, &len, err);
	if (r < 0)
		return r;
	r = spec_config_parse(data, len, ret_config, err);
	if (r < 0)
		return ct_error_prefix(err, "parse the stored config.json");
	return 0;
}

void ct_hooks_state_from(const struct ct_state *stored, enum libct_status status,
                         struct spec_state *ret_state)
{
	*ret_state = (struct spec_state){
	    .id = stored->id,
	    .status = status,
	    .pid = status == LIBCT_STATUS_STOPPED ? 0 : stored->pid,
	    .bundle = stored->bundle,
	    .rootfs = stored->rootfs,
	    .created = stored->created,
	    .owner = stored->owner,
	    .annotations = stored->annotations,
	};
}
