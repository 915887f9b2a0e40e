/* SPDX-License-Identifier: Apache-2.0 */
/*
 * linux.seccomp: the filter is compiled with libseccomp by the runtime before
 * clone, exported as a BPF program and loaded by the init with one seccomp(2)
 * call, so that nothing between the load and execve allocates memory or calls
 * libseccomp. Loading it with the raw syscall also lets ctrun pass
 * kernel flags that libseccomp 2.5.4 does not know, such as
 * SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV.
 */
#include <fcntl.h>
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <seccomp.h>
#include <stddef.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/un.h>

#include "internal.h"
#include "json.h"
#include "sync.h"
#include "tables.h"

#define ARCH_PREFIX "SCMP_ARCH_"
#define MAX_ARGS 6

struct ct_seccomp {
	struct sock_filter *program;
	unsigned short n_instructions;
	unsigned int flags; /* SECCOMP_FILTER_FLAG_* */
	bool notify;        /* true when a rule uses SCMP_ACT_NOTIFY, so the load returns a listener fd */
};

void ct_seccomp_free(struct ct_seccomp *seccomp)
{
	if (seccomp == NULL)
		return;
	free(seccomp->program);
	free(seccomp);
}

static void release_filter(scmp_filter_ctx *ctx)
{
	if (*ctx != NULL)
		seccomp_release(*ctx);
}
#define _cleanup_filter_ __attribute__((cleanup(release_filter)))

/* Turns an action name and its errnoRet into libseccomp's action value,
 * which is the kernel's SECCOMP_RET_* value with the data in the low bits. */
static int resolve_action(const char *name, const struct spec_opt_u64 *errno_ret, const char *field,
			  uint32_t *ret_action, struct libct_error *err)
{
	const struct spec_name_value *entry = spec_table_lookup(&spec_seccomp_actions, name);
	if (entry == NULL)
		return ct_error_set(err, EINVAL, "%s: unknown action \"%s\"", field, name);

	uint32_t action = (uint32_t)entry->value;
	bool takes_errno = action == SECCOMP_RET_ERRNO || action == SECCOMP_RET_TRACE;
	if (errno_ret->set && !takes_errno)
		return ct_error_set(err, EINVAL, "%s: action \"%s\" takes no errno", field, name);
	if (takes_errno) {
		uint64_t value = errno_ret->set ? errno_ret->value : EPERM;
		if (value > SECCOMP_RET_DATA)
			return ct_error_set(err, EINVAL, "%s: errno %llu out of range", field,
					    (unsigned long long)value);
		action |= (uint32_t)value;
	}
	*ret_action = action;
	return 0;
}

/* "SCMP_ARCH_X86_64" -> "x86_64", the spelling seccomp_arch_resolve_name() takes. */
static uint32_t resolve_arch(const char *name)
{
	if (strncmp(name, ARCH_PREFIX, strlen(ARCH_PREFIX)) != 0)
		return 0;
	_cleanup_free_ char *lower = ct_strdup(name + strlen(ARCH_PREFIX));
	for (char *c = lower; *c != '\0'; c++)
		if (*c >= 'A' && *c <= 'Z')
			*c = (char)(*c - 'A' + 'a');
	return seccomp_arch_resolve_name(lower);
}

bool ct_seccomp_arch_supported(const char *name)
{
	return spec_table_lookup(&spec_seccomp_architectures, name) != NULL && resolve_arch(name) != 0;
}

static int add_architectures(scmp_filter_ctx ctx, const struct spec_seccomp *seccomp, struct libct_error *err)
{
	for (size_t i = 0; i < seccomp->n_architectures; i++) {
		const char *name = seccomp->architectures[i];
		uint32_t arch = resolve_arch(name);
		if (arch == 0)
			return ct_error_set(err, ENOTSUP, "%s: \"%s\" is not supported by libseccomp",
					    "linux.seccomp.architectures", name);
		/* The native architecture is already in the filter. */
		int r = seccomp_arch_add(ctx, arch);
		if (r < 0 && r != -EEXIST)
			return ct_error_sys(err, -r, "linux.seccomp.architectures: add \"%s\"", name);
	}
	return 0;
}

static int make_conditions(const struct spec_seccomp_syscall *syscall, const char *field,
			   struct scmp_arg_cmp *ret_conds, bool *ret_repeated, struct libct_error *err)
{
	bool seen[MAX_ARGS] = { false };
	*ret_repeated = false;
	for (size_t i = 0; i < syscall->n_args; i++) {
		const struct spec_seccomp_arg *arg = &syscall->args[i];
		const struct spec_name_value *op = spec_table_lookup(&spec_seccomp_operators, arg->op);
		if (op == NULL)
			return ct_error_set(err, EINVAL, "%s.args[%zu].op: unknown operator \"%s\"", field, i,
					    arg->op);
		if (arg->index >= MAX_ARGS)
			return ct_error_set(err, EINVAL, "%s.args[%zu].index: %u is not below %d", field, i,
					    arg->index, MAX_ARGS);
		if (seen[arg->index])
			*ret_repeated = true;
		seen[arg->index] = true;
		/* For SCMP_CMP_MASKED_EQ, value is the mask and valueTwo the
		 * value the masked argument must equal. */
		ret_conds[i] = (struct scmp_arg_cmp){
			.arg = arg->index,
			.op = (enum scmp_compare)op->value,
			.datum_a = arg->value,
			.datum_b = arg->value_two.set ? arg->value_two.value : 0,
		};
	}
	return 0;
}

/*
 * Adds the rules of one syscalls[] entry. libseccomp 2.5.4 rejects a rule
 * with two comparisons of the same argument (EINVAL), so such an entry
 * becomes one rule per comparison. The action then applies when any of them
 * matches, which is what profiles that list several values of one argument
 * mean.
 */
static int add_rule(struct libct_context *context, scmp_filter_ctx ctx,
		    const struct spec_seccomp_syscall *syscall, const char *field, uint32_t default_action,
		    bool *notify, struct libct_error *err)
{
	uint32_t action;
	int r = resolve_action(syscall->action, &syscall->errno_ret, field, &action, err);
	if (r < 0)
		return r;
	if (syscall->n_args > MAX_ARGS)
		return ct_error_set(err, EINVAL, "%s.args: more than %d comparisons", field, MAX_ARGS);
	struct scmp_arg_cmp conds[MAX_ARGS];
	bool repeated;
	r = make_conditions(syscall, field, conds, &repeated, err);
	if (r < 0)
		return r;
	/* The kernel would do the default anyway, and libseccomp rejects it. */
	if (action == default_action)
		return 0;
	if (action == SECCOMP_RET_USER_NOTIF)
		*notify = true;

	for (size_t i = 0; i < syscall->n_names; i++) {
		const char *name = syscall->names[i];
		int nr = seccomp_syscall_resolve_name(name);
		if (nr == __NR_SCMP_ERROR) {
			ct_warn(context, "%s: unknown syscall \"%s\" skipped", field, name);
			continue;
		}
		if (!repeated)
			r = seccomp_rule_add_array(ctx, action, nr, (unsigned)syscall->n_args, conds);
		for (size_t j = 0; repeated && j < syscall->n_args && r >= 0; j++)
			r = seccomp_rule_add_array(ctx, action, nr, 1, &conds[j]);
		if (r < 0)
			return ct_error_sys(err, -r, "%s: add rule for \"%s\"", field, name);
	}
	return 0;
}

static int build_filter(struct libct_context *context, const struct spec_seccomp *seccomp,
			scmp_filter_ctx *ret_ctx, bool *ret_notify, struct libct_error *err)
{
	uint32_t default_action;
	int r = resolve_action(seccomp->default_action, &seccomp->default_errno_ret,
			       "linux.seccomp.defaultAction", &default_action, err);
	if (r < 0)
		return r;
	/* The init's own syscalls up to execve would wait for an agent. */
	if (default_action == SECCOMP_RET_USER_NOTIF)
		return ct_error_set(err, EINVAL,
				    "linux.seccomp.defaultAction: \"SCMP_ACT_NOTIFY\" is not allowed");

	_cleanup_filter_ scmp_filter_ctx ctx = seccomp_init(default_action);
	if (ctx == NULL)
		return ct_error_set(err, EINVAL, "linux.seccomp: create filter with default action \"%s\"",
				    seccomp->default_action);
	r = add_architectures(ctx, seccomp, err);
	if (r < 0)
		return r;

	*ret_notify = false;
	for (size_t i = 0; i < seccomp->n_syscalls; i++) {
		char field[64];
		snprintf(field, sizeof(field), "linux.seccomp.syscalls[%zu]", i);
		r = add_rule(context, ctx, &seccomp->syscalls[i], field, default_action, ret_notify, err);
		if (r < 0)
			return r;
	}
	if (*ret_notify && seccomp->listener_path == NULL)
		return ct_error_set(err, EINVAL, "linux.seccomp: action \"SCMP_ACT_NOTIFY\" needs %s",
				    "linux.seccomp.listenerPath");
	*ret_ctx = ct_steal_pointer(&ctx);
	return 0;
}

bool ct_seccomp_flag_supported(const char *name)
{
	const struct spec_name_value *entry = spec_table_lookup(&spec_seccomp_flags, name);
	if (entry == NULL)
		return false;
	/* With a NULL program the kernel checks the flags first: EINVAL means
	 * an unknown flag, EFAULT a known one. WAIT_KILLABLE_RECV is valid
	 * only together with NEW_LISTENER. */
	unsigned int flags = (unsigned int)entry->value;
	if (flags == SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV)
		flags |= SECCOMP_FILTER_FLAG_NEW_LISTENER;
	long r = syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER, flags, NULL);
	return r < 0 && errno == EFAULT;
}

static int resolve_flags(struct libct_context *context, const struct spec_seccomp *seccomp, bool notify,
			 unsigned int *ret_flags, struct libct_error *err)
{
	unsigned int flags = 0;
	for (size_t i = 0; i < seccomp->n_flags; i++) {
		const char *name = seccomp->flags[i];
		const struct spec_name_value *entry = spec_table_lookup(&spec_seccomp_flags, name);
		if (entry == NULL)
			return ct_error_set(err, EINVAL, "linux.seccomp.flags: unknown flag \"%s\"", name);
		if (!ct_seccomp_flag_supported(name))
			return ct_error_set(err, ENOTSUP, "%s: \"%s\" is not supported by the kernel",
					    "linux.seccomp.flags", name);
		/* The kernel accepts it only together with a listener. */
		if (entry->value == SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV && !notify) {
			ct_warn(context, "linux.seccomp.flags: \"%s\" ignored without an %s rule", name,
				"\"SCMP_ACT_NOTIFY\"");
			continue;
		}
		flags |= (unsigned int)entry->value;
	}
	if (notify)
		flags |= SECCOMP_FILTER_FLAG_NEW_LISTENER;
	/* TSYNC reports a failing thread by its id, which collides with the
	 * listener fd as return value unless TSYNC_ESRCH is set. */
	if ((flags & SECCOMP_FILTER_FLAG_TSYNC) && notify)
		flags |= SECCOMP_FILTER_FLAG_TSYNC_ESRCH;
	*ret_flags = flags;
	return 0;
}

/* libseccomp 2.5.4 exports BPF only to an fd, so a memfd carries it back. */
static int export_program(scmp_filter_ctx ctx, struct ct_seccomp *seccomp, struct libct_error *err)
{
	_cleanup_close_ int fd = memfd_create("ctrun-seccomp", MFD_CLOEXEC);
	if (fd < 0)
		return ct_error_sys(err, errno, "linux.seccomp: create memfd for the filter");
	int r = seccomp_export_bpf(ctx, fd);
	if (r < 0)
		return ct_error_sys(err, -r, "linux.seccomp: export filter");

	struct stat st;
	if (fstat(fd, &st) < 0)
		return ct_error_sys(err, errno, "linux.seccomp: read exported filter size");
	size_t size = (size_t)st.st_size;
	size_t n_instructions = size / sizeof(struct sock_filter);
	if (size == 0 || size % sizeof(struct sock_filter) != 0 || n_instructions > BPF_MAXINSNS)
		return ct_error_set(err, E2BIG, "linux.seccomp: filter of %zu bytes cannot be loaded", size);

	seccomp->program = ct_malloc(size);
	ssize_t n = pread(fd, seccomp->program, size, 0);
	if (n < 0 || (size_t)n != size)
		return ct_error_sys(err, n < 0 ? errno : EIO, "linux.seccomp: read exported filter");
	seccomp->n_instructions = (unsigned short)n_instructions;
	return 0;
}

int ct_seccomp_prepare(struct libct_context *context, const struct spec_config *config,
		       struct ct_seccomp **ret_seccomp, struct libct_error *err)
{
	*ret_seccomp = NULL;
	const struct spec_seccomp *spec = &config->linux_config.seccomp;
	if (!spec->set)
		return 0;

	_cleanup_filter_ scmp_filter_ctx ctx = NULL;
	struct ct_seccomp *seccomp = ct_calloc(1, sizeof(*seccomp));
	int r = build_filter(context, spec, &ctx, &seccomp->notify, err);
	if (r >= 0)
		r = resolve_flags(context, spec, seccomp->notify, &seccomp->flags, err);
	if (r >= 0)
		r = export_program(ctx, seccomp, err);
	if (r < 0) {
		ct_seccomp_free(seccomp);
		return r;
	}
	*ret_seccomp = seccomp;
	return 0;
}

int ct_seccomp_export_pfc(struct libct_context *context, const struct spec_seccomp *seccomp, int fd,
			  struct libct_error *err)
{
	_cleanup_filter_ scmp_filter_ctx ctx = NULL;
	bool notify;
	int r = build_filter(context, seccomp, &ctx, &notify, err);
	if (r < 0)
		return r;
	r = seccomp_export_pfc(ctx, fd);
	if (r < 0)
		return ct_error_sys(err, -r, "linux.seccomp: export filter as text");
	return 0;
}

/*
 * Returns where the init loads the filter. Every syscall the init makes
 * after the load goes through the user's filter, so the load comes as late
 * as the kernel allows.
 * - With noNewPrivileges: right before execve, after `start` requested it.
 * - Without it: before the capabilities are dropped, because the load needs
 *   CAP_SYS_ADMIN. The filter must then allow the init's remaining syscalls
 *   (user and capability switch, executable lookup, READY, accept of
 *   `start`, execve), as the usual profiles do.
 * - With a listener: before READY, so that `create` can pass the listener
 *   fd to the agent. After READY no runtime process reads from the init
 *   until `start`, and a missing agent must fail create. With
 *   noNewPrivileges that is right after the bit is set.
 */
static enum ct_seccomp_stage load_stage(const struct ct_init *init)
{
	if (!init->config->process->no_new_privileges)
		return CT_SECCOMP_BEFORE_CAPS;
	return init->seccomp->notify ? CT_SECCOMP_AFTER_NNP : CT_SECCOMP_BEFORE_EXEC;
}

int ct_seccomp_load(struct ct_init *init, enum ct_seccomp_stage stage, struct libct_error *err)
{
	if (init->seccomp == NULL || load_stage(init) != stage)
		return 0;

	uint64_t trace_start = ct_trace_begin(init->context);
	struct sock_fprog prog = { .len = init->seccomp->n_instructions, .filter = init->seccomp->program };
	long r = syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER, init->seccomp->flags, &prog);
	if (r < 0)
		return ct_error_sys(err, errno, "linux.seccomp: load filter");
	/* The filter may kill a process that calls send(). The init sends
	 * READY after the earlier stages anyway, but nothing after the last
	 * one, and an exec process sends nothing on success: there the
	 * records stop. */
	if (stage != CT_SECCOMP_BEFORE_EXEC && !init->exec_process)
		ct_trace_end(init->context, "seccomp", "load", trace_start);
	else
		init->context->trace = NULL;
	if (!init->seccomp->notify)
		return 0;

	_cleanup_close_ int listener = (int)r;
	return ct_sync_send_seccomp_fd(init->sync_fd, listener, err);
}

/* The Container Process State of config-linux.md. */
static int format_process_state(const struct ct_seccomp_agent *agent, char **ret_json, size_t *ret_len,
				struct libct_error *err)
{
	const struct spec_config *config = agent->config;
	struct spec_json_writer *writer = spec_json_writer_new(false);
	spec_json_writer_begin_object(writer);
	spec_json_writer_key_string(writer, "ociVersion", SPEC_OCI_VERSION);
	spec_json_writer_key(writer, "fds");
	spec_json_writer_begin_array(writer);
	spec_json_writer_string(writer, "seccompFd");
	spec_json_writer_end_array(writer);
	spec_json_writer_key_int(writer, "pid", agent->pid);
	const char *metadata = config->linux_config.seccomp.listener_metadata;
	if (metadata != NULL)
		spec_json_writer_key_string(writer, "metadata", metadata);

	spec_json_writer_key(writer, "state");
	spec_json_writer_begin_object(writer);
	spec_json_writer_key_string(writer, "ociVersion", SPEC_OCI_VERSION);
	spec_json_writer_key_string(writer, "id", agent->id);
	spec_json_writer_key_string(writer, "status", agent->status != NULL ? agent->status : "creating");
	spec_json_writer_key_int(writer, "pid", agent->init_pid != 0 ? agent->init_pid : agent->pid);
	spec_json_writer_key_string(writer, "bundle", agent->bundle);
	if (config->annotations.n_entries > 0) {
		spec_json_writer_key(writer, "annotations");
		spec_json_writer_map(writer, &config->annotations);
	}
	spec_json_writer_end_object(writer);
	spec_json_writer_end_object(writer);
	return spec_json_writer_finish(writer, ret_json, ret_len, err);
}

/* A path too long for sun_path is reached through its directory's fd. */
static int connect_agent(const char *path, struct libct_error *err)
{
	_cleanup_close_ int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return ct_error_sys(err, errno, "linux.seccomp.listenerPath: create socket");

	struct sockaddr_un addr = { .sun_family = AF_UNIX };
	_cleanup_close_ int dir_fd = -1;
	if (strlen(path) < sizeof(addr.sun_path)) {
		snprintf(addr.sun_path, sizeof(addr.sun_path), "%s", path);
	} else {
		_cleanup_free_ char *dir = ct_strdup(path);
		char *slash = strrchr(dir, '/');
		*slash = '\0'; /* the path is absolute, so there is a slash */
		dir_fd = open(dir[0] != '\0' ? dir : "/", O_PATH | O_DIRECTORY | O_CLOEXEC);
		if (dir_fd < 0)
			return ct_error_sys(err, errno, "%s: open directory of \"%s\"",
					    "linux.seccomp.listenerPath", path);
		int n = snprintf(addr.sun_path, sizeof(addr.sun_path), "/proc/self/fd/%d/%s", dir_fd,
				 strrchr(path, '/') + 1);
		if (n < 0 || (size_t)n >= sizeof(addr.sun_path))
			return ct_error_set(err, ENAMETOOLONG, "linux.seccomp.listenerPath: \"%s\"", path);
	}
	if (connect(fd, (struct sockaddr *)&addr, sizeof(addr)) < 0)
		return ct_error_sys(err, errno, "linux.seccomp.listenerPath: connect to \"%s\"", path);
	return ct_steal_fd(&fd);
}

/* The fd travels with the first sendmsg only, as the spec requires. */
static int send_state(int fd, const char *json, size_t len, int listener_fd)
{
	union {
		char buf[CMSG_SPACE(sizeof(int))];
		struct cmsghdr align;
	} control = { 0 };
	size_t sent = 0;
	bool first = true;
	while (sent < len) {
		struct iovec iov = { .iov_base = (char *)json + sent, .iov_len = len - sent };
		struct msghdr msg = { .msg_iov = &iov, .msg_iovlen = 1 };
		if (first) {
			msg.msg_control = control.buf;
			msg.msg_controllen = sizeof(control.buf);
			struct cmsghdr *cmsg = CMSG_FIRSTHDR(&msg);
			cmsg->cmsg_level = SOL_SOCKET;
			cmsg->cmsg_type = SCM_RIGHTS;
			cmsg->cmsg_len = CMSG_LEN(sizeof(int));
			memcpy(CMSG_DATA(cmsg), &listener_fd, sizeof(int));
		}
		ssize_t n = sendmsg(fd, &msg, MSG_NOSIGNAL);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return -errno;
		first = false;
		sent += (size_t)n;
	}
	return 0;
}

int ct_seccomp_send_to_agent(void *userdata, int listener_fd, struct libct_error *err)
{
	const struct ct_seccomp_agent *agent = userdata;
	const char *path = agent->config->linux_config.seccomp.listener_path;
	_cleanup_free_ char *json = NULL;
	size_t len = 0;
	int r = format_process_state(agent, &json, &len, err);
	if (r < 0)
		return ct_error_prefix(err, "linux.seccomp: container process state");

	_cleanup_close_ int fd = connect_agent(path, err);
	if (fd < 0)
		return fd;
	r = send_state(fd, json, len, listener_fd);
	if (r < 0)
		return ct_error_sys(err, -r, "linux.seccomp.listenerPath: send state to \"%s\"", path);
	return 0;
}
