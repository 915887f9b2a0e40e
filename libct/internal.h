/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Internal interfaces of libct, shared between its source files.
 * Nothing declared here is exported from the shared library.
 */
#ifndef LIBCT_INTERNAL_H
#define LIBCT_INTERNAL_H

#include <errno.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/types.h>
#include <unistd.h>

#include "libct.h"
#include "base.h"
#include "config.h"

/* ------------------------------------------------------------ logging */

void ct_log(struct libct_context *context, enum libct_log_level level, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
#define ct_debug(ctx, ...) ct_log((ctx), LIBCT_LOG_DEBUG, __VA_ARGS__)
#define ct_warn(ctx, ...) ct_log((ctx), LIBCT_LOG_WARNING, __VA_ARGS__)

/* ------------------------------------------------------------ tracing (trace.c) */

/*
 * Phase timing for the caller's trace handler. A phase is timed as
 *   uint64_t start = ct_trace_begin(context);
 *   ...
 *   ct_trace_end(context, "clone", NULL, start);
 * and costs one NULL check when the caller installed no handler. phase is
 * a word without spaces; detail may be NULL.
 */
uint64_t ct_trace_now_us(void);
void ct_trace_emit(struct libct_context *context, const char *phase, const char *detail, uint64_t start_us);
#define ct_trace_begin(ctx) ((ctx) != NULL && (ctx)->trace != NULL ? ct_trace_now_us() : 0)
#define ct_trace_end(ctx, phase, detail, start)                                                                \
	do {                                                                                                   \
		if ((ctx) != NULL && (ctx)->trace != NULL)                                                     \
			ct_trace_emit((ctx), (phase), (detail), (start));                                      \
	} while (0)
/* Sets the container id of the records of a public call. */
#define ct_trace_set_id(ctx, id) ((ctx)->trace_id = (id))

/* In a child of the runtime (the init, an exec process): sends the records
 * over *sync_fd as CT_SYNC_TRACE messages instead of calling the caller's
 * handler, which may write a file that the child must not touch. The first
 * call must come before the child leaves the host's mount namespace,
 * because it reads the child's host pid from /proc; a later call only
 * changes the fd. Does nothing when the context does not trace. */
void ct_trace_route_to_runtime(struct libct_context *context, int *sync_fd);
/* Text of a record for a CT_SYNC_TRACE message, and back: the runtime
 * passes a decoded record to its handler. ct_trace_decode() returns
 * -EBADMSG for text that is not a record; the strings point into text. */
int ct_trace_encode(const struct libct_trace_record *record, char *buf, size_t size);
int ct_trace_decode(char *text, struct libct_trace_record *ret_record);
/* Runtime side of a CT_SYNC_TRACE message: reports the record it carries
 * to the handler of context, with the id of the running call. */
void ct_trace_forward(struct libct_context *context, char *text);

/* ------------------------------------------------------------ cleanup */

void ct_freep(void *p);
void ct_closep(int *fd);
void ct_fclosep(FILE **f);
void ct_strvfreep(char ***v);
/* Counts, appends to (taking s) and searches a NULL-terminated string
 * array; a NULL array is empty. */
size_t ct_strv_length(char *const *v);
void ct_strv_push(char ***v, char *s);
bool ct_strv_contains(char *const *v, const char *s);
#define _cleanup_free_ __attribute__((cleanup(ct_freep)))
#define _cleanup_close_ __attribute__((cleanup(ct_closep)))
#define _cleanup_fclose_ __attribute__((cleanup(ct_fclosep)))
#define _cleanup_strv_ __attribute__((cleanup(ct_strvfreep)))

/* Moves ownership out of a cleanup variable. */
#define ct_steal_pointer(pp)                                                                                   \
	({                                                                                                     \
		__typeof__(*(pp)) steal_tmp_ = *(pp);                                                          \
		*(pp) = NULL;                                                                                  \
		steal_tmp_;                                                                                    \
	})
#define ct_steal_fd(fdp)                                                                                       \
	({                                                                                                     \
		int steal_fd_tmp_ = *(fdp);                                                                    \
		*(fdp) = -1;                                                                                   \
		steal_fd_tmp_;                                                                                 \
	})

/* --------------------------------------------------------- file helpers */

/* Reads a whole file (at most max_size bytes) into a NUL-terminated buffer. */
int ct_read_file_at(int dirfd, const char *path, size_t max_size, char **ret_data, size_t *ret_len,
		    struct libct_error *err);
/* Writes data to an existing file, such as a /proc or cgroup file. */
int ct_write_file_at(int dirfd, const char *path, const char *data, size_t len, struct libct_error *err);
/* Writes a file atomically: a temporary file in the same directory, then
 * rename over path. Not synced to disk: for files about live processes. */
int ct_write_file_atomic(int dirfd, const char *path, const char *data, size_t len, mode_t mode,
			 struct libct_error *err);
/* As ct_write_file_atomic(), but swaps an existing file out with
 * RENAME_EXCHANGE, which is cheaper on ext4. Only for directories that the
 * runtime owns, such as the state directory: a directory at path would be
 * swapped out too. */
int ct_replace_owned_file(int dirfd, const char *path, const char *data, size_t len, mode_t mode,
			  struct libct_error *err);

/*
 * Opens path inside the directory root_fd as if root_fd were "/", with
 * openat2(RESOLVE_IN_ROOT | RESOLVE_NO_MAGICLINKS), so neither a symlink nor
 * ".." can lead out of it. flags are open(2) flags; O_CLOEXEC is added.
 */
int ct_open_in_root(int root_fd, const char *path, int flags, mode_t mode, struct libct_error *err);

/* Creates every missing directory of path inside root_fd (resolved as in
 * ct_open_in_root) and returns an O_PATH fd of the last one. A dangling
 * symlink on the way gets its target created, also inside root_fd. */
int ct_mkdir_p_in_root(int root_fd, const char *path, mode_t mode, struct libct_error *err);

/* Returns the name of the first entry for uid in data, the text of a
 * passwd(5) file, or NULL when none matches. */
char *ct_passwd_user_name(const char *data, uid_t uid);
/* Returns the name of uid in the host's /etc/passwd, or NULL when the file
 * cannot be read or has no entry for uid. NOTE: other NSS sources, such as
 * LDAP or systemd-userdbd, are not consulted. glibc loads them as shared
 * modules that must match the glibc of the link, which a static ctrun
 * executable cannot ensure. */
char *ct_host_user_name(uid_t uid);

/* ---------------------------------------------------------- the context */

struct libct_context {
	char *state_root;
	libct_log_fn log;
	void *log_userdata;
	enum libct_log_level log_level;
	libct_trace_fn trace;
	void *trace_userdata;
	bool systemd_cgroup;
	int view_mounts[LIBCT_VIEW_MOUNTS]; /* see libct_context_config; -1 once closed */
	const char *trace_id; /* the container of the running call, for the records */
	pid_t trace_pid;      /* the pid for the records, in the caller's pid namespace; 0 means getpid() */
};

/* Closes the LIBCT_VIEW_MOUNTS fds of mounts that are open and sets them to
 * -1 (exeseal.c). Each close dissolves a detached mount of the view of the
 * runtime's binary and waits for an RCU grace period, so the runtime calls
 * it with context->view_mounts where it waits for a child anyway. */
void ct_close_view_mounts(int *mounts);

/* ------------------------------------------------- container init (child) */

/*
 * Everything the container's init process needs, prepared by the runtime
 * before clone and read by the child. Lives in the child's copy of memory.
 */
/*
 * Cgroup placement of a child of the runtime (see ct_cgroup_join_prepare()).
 * clone3 places the child in the cgroup2 hierarchy, and the child itself
 * joins each v1 hierarchy through its "tasks" file.
 */
struct ct_cgroup_join {
	int clone_fd;     /* cgroup2 directory for CLONE_INTO_CGROUP, or -1 */
	int *task_fds;    /* O_WRONLY "tasks" files of the v1 hierarchies */
	char **task_dirs; /* their directories, for messages */
	size_t n_tasks;
};

struct ct_init {
	struct libct_context *context;
	const char *id;
	const struct spec_config *config;
	const char *bundle;       /* absolute */
	const char *rootfs;       /* absolute host path of root.path */
	const char *created;      /* creation time for the hooks' state, RFC 3339 */
	int rootfs_fd;            /* O_PATH|O_DIRECTORY fd of the rootfs, opened before clone */
	bool no_pivot;
	bool no_new_keyring;
	int preserve_fds;
	int listen_fds;           /* of preserve_fds, the LISTEN_FDS sockets from fd 3 up */
	bool new_mount_ns;        /* the container has its own mount namespace */
	bool new_user_ns;         /* the container has a new user namespace */
	bool new_pid_ns;
	bool new_cgroup_ns;
	int sync_fd;              /* the child's end of the sync socket */
	int terminal_fd;          /* with process.terminal, the child's end of the terminal socket pair, else -1 */
	/* One entry per config.mounts: a detached idmapped tree made by
	 * ct_mounts_prepare_idmap() before clone, or -1; NULL when none. */
	int *idmap_fds;
	/* With NOTIFY_SOCKET, a detached clone of the notify socket directory
	 * that ct_notify_prepare() made before clone, else -1. */
	int notify_tree_fd;

	/* Filled by the lifecycle code (create.c, namespaces.c, init.c). */
	int start_fd;             /* listening start socket in the state directory; -1 for run */
	int join_fds[SPEC_NS_COUNT]; /* namespaces to setns() into in the child, or -1 */
	int unshare_flags;        /* CLONE_NEW* flags the child unshares itself */
	bool new_time_ns;         /* unshare a time namespace and write linux.timeOffsets */
	/* Bit 1 << type for each ipc, network or uts namespace path that names
	 * the runtime's own namespace, whose sysctls are the host's. */
	unsigned int joins_own_ns;
	struct ct_seccomp *seccomp; /* the compiled linux.seccomp filter, or NULL */
	bool exec_process;        /* the child of libct_container_exec, not the init */
	struct ct_cgroup_join cgroup_join; /* the init joins its v1 cgroups after the release */
	/* When the runtime makes the v1 directories after clone3: the
	 * container's cgroup, whose v1 "tasks" files the init opens itself after
	 * its release. NULL otherwise. */
	struct ct_cgroup *cgroup_v1;
	/* CLONE_NEW* flags the init unshares first thing, before its release,
	 * so that the work overlaps the runtime's (ct_ns_plan()). */
	int early_unshare_flags;
	/* "HOME=..." that ct_process_prepare() adds to the environment when
	 * process.env has no HOME, else NULL. */
	char *home_env;
};

/* ------------------------------ process attributes and labels (attrs.c, lsm.c) */

/* Parses a list such as "0-3,7" (CPUs or memory nodes) into a bit mask of
 * *ret_bits bits (the highest id plus one); "" gives an empty mask. */
int ct_parse_id_list(const char *list, unsigned long **ret_mask, size_t *ret_bits, struct libct_error *err);
/* Checks, in the runtime before clone, what the parser cannot judge alone:
 * scheduler parameters and memory policy flags that the kernel rejects. */
int ct_attrs_check(const struct spec_config *config, const struct spec_process *process, struct libct_error *err);
/* In the child before the user switch: personality, memory policy, I/O
 * priority, scheduler and, for exec, the final CPU affinity. */
int ct_attrs_apply(struct ct_init *init, struct libct_error *err);
/* exec's runtime side, before the child is made: the initial CPU affinity. */
int ct_attrs_set_initial_affinity(const struct spec_process *process, struct libct_error *err);

/* "exec PROFILE", the text written to AppArmor's exec attribute. */
char *ct_lsm_apparmor_command(const char *profile);
/* Checks the labels in the runtime. The SELinux labels that the host
 * ignores are logged and removed from config and process, so the child
 * applies every one that remains. config may be NULL (exec). */
int ct_lsm_check(struct libct_context *context, struct spec_config *config, struct spec_process *process,
		 struct libct_error *err);
/* In the child: the AppArmor profile and SELinux label for the next execve. */
int ct_lsm_set_exec_labels(const struct spec_process *process, struct libct_error *err);
/* Returns data (the mount(2) data of a filesystem of type, or NULL) with a
 * context="LABEL" option added, or NULL when the type takes no context=
 * option or data already sets an SELinux context. */
char *ct_lsm_mount_data(const char *type, const char *data, const char *label);

/* ------------------------------------------ container state (state.c) */

/* The record of a container that the runtime keeps in <state root>/<id>/state.json. */
struct ct_state {
	char *id;
	enum libct_status status; /* as recorded: created or running */
	pid_t pid;
	unsigned long long pid_start_time; /* /proc/<pid>/stat field 22 */
	char *bundle;
	char *rootfs;
	char *created;
	char *owner;
	struct spec_map annotations;
	struct spec_map cgroup_paths; /* from ct_cgroup_to_map() */
	/* Unset in a state.json of an older ctrun, whose readers must parse
	 * the stored config.json to find poststart hooks. */
	struct spec_opt_bool poststart_hooks;
	/* The init's executable until it executes the program: the runtime's
	 * own, often a protected view. Both 0 in a state.json of an older ctrun. */
	uint64_t init_exe_dev;
	uint64_t init_exe_ino;
	/* In the "creating" state that run writes while the init sets up: the
	 * init and its start time, else 0. */
	pid_t init_pid;
	unsigned long long init_pid_start_time;
};
void ct_state_free(struct ct_state *state);

/* Checks a container id for every command: a non-empty name of letters,
 * digits and "_.+-", not "." or "..", not starting with "-", at most 255
 * bytes. Fails with -EINVAL and `invalid container id "ID": REASON`. */
int ct_check_id(const char *id, struct libct_error *err);
/*
 * Creates <state root>/<id> (mode 0700) and returns an fd of it, locked with
 * flock(LOCK_EX); the state root is locked while the directory is made.
 * Fails with -EEXIST and `container "ID" already exists`.
 */
int ct_state_dir_create(struct libct_context *context, const char *id, int *ret_dir_fd, struct libct_error *err);
/* Opens and locks an existing state directory; -ENOENT with
 * `container "ID" does not exist`. The lock ends when the fd is closed. */
int ct_state_dir_open(struct libct_context *context, const char *id, int *ret_dir_fd, struct libct_error *err);
/* The same without the lock, for readers of state.json; a directory that
 * delete removed meanwhile still fails with -ENOENT. The lock of
 * ct_state_dir_open() waits a few seconds at most, then fails with -EBUSY and
 * `container "ID" is locked by another ctrun command (pid N?)`. */
int ct_state_dir_open_unlocked(struct libct_context *context, const char *id, int *ret_dir_fd,
			       struct libct_error *err);
/* Locks again a state directory fd whose lock ct_state_dir_unlock()
 * dropped, with the bounded wait and the errors of ct_state_dir_open();
 * -ENOENT when another command removed the directory meanwhile. */
int ct_state_dir_relock(const char *id, int dir_fd, struct libct_error *err);
/* Drops the lock of a state directory fd and keeps the fd open. */
int ct_state_dir_unlock(int dir_fd);
/* Removes the state directory and the files in it. */
int ct_state_dir_remove(struct libct_context *context, const char *id, int dir_fd, struct libct_error *err);
/* Reads state.json; -ENOENT when it does not exist (a create that crashed).
 * A "creating" state whose runtime is gone but which names an init reads
 * as the created state of that init. */
int ct_state_load(int dir_fd, const char *id, struct ct_state **ret_state, struct libct_error *err);
/* Replaces a file in the state directory atomically, without fsync: a
 * reader never sees a partial file, and a failed write leaves the old one. */
int ct_state_write_file(int dir_fd, const char *name, const char *data, size_t len, struct libct_error *err);
/* Writes state.json with ct_state_write_file(). */
int ct_state_save(int dir_fd, const struct ct_state *state, struct libct_error *err);
/* Reads the start time of pid; -ESRCH when the process is gone or a zombie. */
int ct_pid_start_time(pid_t pid, unsigned long long *ret_start_time);
/* Returns the recorded status, or stopped when the init is gone or its pid
 * now names another process, or running when the status is created but the
 * init no longer runs the runtime's binary (a start that died after the
 * execve, or could not record it). */
enum libct_status ct_state_status(const struct ct_state *state);

/* True when the container's freezer cgroup is frozen or freezing, which
 * ct_state_status() reports as paused (manage.c). */
bool ct_state_frozen(const struct ct_state *state);

/* ------------------------------------------ namespaces (namespaces.c) */

/*
 * Runtime side: splits linux.namespaces into the clone3 flags, the flags the
 * child unshares itself and the namespaces it joins (opened and checked with
 * NS_GET_NSTYPE here, so a bad path fails before clone). A joined pid
 * namespace is returned in *ret_pid_fd, because setns() into a pid namespace
 * only affects children and must be done by the runtime before clone.
 */
int ct_ns_plan(const struct spec_config *config, struct ct_init *init, uint64_t *ret_clone_flags,
	       int *ret_pid_fd, struct libct_error *err);
/* Child side: joins init->join_fds (user namespace first) and unshares the
 * rest, including the time namespace with its offsets. */
int ct_ns_enter(struct ct_init *init, struct libct_error *err);

/* ------------------------------------ the user process (process.c) */

/* Applies cwd, HOME, rlimits, user, capabilities, keyring, no_new_privileges and
 * the fd cleanup, and resolves process.args[0] to *ret_path inside the
 * container; called in the init after the rootfs is final. */
int ct_process_prepare(struct ct_init *init, char **ret_path, struct libct_error *err);
/* Gives every signal its default disposition and empties the signal mask.
 * The caller's handlers mean nothing in a child of the runtime, and execve
 * would keep ignored signals and the mask (`run` blocks the signals it
 * forwards). */
void ct_reset_signals(void);
/* Closes every fd from first up except those in keep (in any order, and
 * -1 entries are skipped), with one close_range() per gap. The caller must
 * forget the numbers it closed, which the next open may reuse. */
void ct_close_fds_except(unsigned int first, int *keep, size_t n_keep);
/* Executes the user program; returns only on failure. */
int ct_process_exec(struct ct_init *init, const char *path, struct libct_error *err);

/* ------------------------------------------------ seccomp (seccomp.c) */

struct ct_seccomp;

/* Runtime side, before clone: compiles linux.seccomp into a BPF program
 * that the init loads later; *ret_seccomp is NULL without linux.seccomp.
 * Unknown syscall names are logged as warnings and skipped. */
int ct_seccomp_prepare(struct libct_context *context, const struct spec_config *config,
		       struct ct_seccomp **ret_seccomp, struct libct_error *err);
void ct_seccomp_free(struct ct_seccomp *seccomp);
/* Builds the filter of seccomp and writes it to fd as libseccomp's
 * pseudo filter code, for tests. */
int ct_seccomp_export_pfc(struct libct_context *context, const struct spec_seccomp *seccomp, int fd,
			  struct libct_error *err);
/* Whether the kernel accepts the SECCOMP_FILTER_FLAG_* of that name. */
bool ct_seccomp_flag_supported(const char *name);
/* Returns whether libseccomp has an SCMP_ARCH_* of that name. */
bool ct_seccomp_arch_supported(const char *name);

/* The points of the init where the filter may be loaded; seccomp.c says
 * which one it uses, and ct_seccomp_load() does nothing at the others. */
enum ct_seccomp_stage {
	CT_SECCOMP_BEFORE_CAPS, /* still privileged, before the user and capability switch */
	CT_SECCOMP_AFTER_NNP,   /* noNewPrivileges just set, before READY */
	CT_SECCOMP_BEFORE_EXEC, /* after `start`, right before execve */
};
/* Init or exec process side: loads init->seccomp if stage is its stage;
 * with a listener, sends the listener fd to `create` or `exec` over
 * init->sync_fd. */
int ct_seccomp_load(struct ct_init *init, enum ct_seccomp_stage stage, struct libct_error *err);

/* The facts about the container that `create` has when it passes the listener fd
 * on to the agent at linux.seccomp.listenerPath. */
struct ct_seccomp_agent {
	const struct spec_config *config;
	const char *id;
	const char *bundle;
	pid_t pid;          /* the process whose filter has the listener */
	const char *status; /* the container's status; NULL means "creating" */
	pid_t init_pid;     /* the container's pid in the state; 0 means pid */
};
/* Sends the container process state and listener_fd to the agent; userdata
 * is a struct ct_seccomp_agent. Fits ct_sync_wait_ready()'s fd handler. */
int ct_seccomp_send_to_agent(void *userdata, int listener_fd, struct libct_error *err);

/* ------------------------------------------------ the init (init.c) */

/* Runs in the child of clone3 and never returns. */
__attribute__((noreturn)) void ct_init_run(struct ct_init *init, int runtime_sync_fd);

/* Mount options (spec/mountopts.h has the table). */

/*
 * Root filesystem, called in the child in this order, each only when the
 * container has its own mount namespace:
 *
 * ct_rootfs_prepare: sets the propagation of "/" (rslave unless
 *   rootfsPropagation says otherwise), bind-mounts the rootfs onto itself,
 *   performs config.mounts in order, then creates /dev: the default devices,
 *   linux.devices, the standard symlinks, /dev/pts/ptmx. Returns an fd of
 *   that bind mount in *ret_root_fd (-1 without a mount namespace).
 * ct_rootfs_pivot: pivot_root into the bind mount root_fd (or MS_MOVE plus
 *   chroot with --no-pivot) and detaches the old root.
 * ct_rootfs_finalize: writes linux.sysctl, then masks maskedPaths, makes
 *   readonlyPaths read-only, remounts / read-only when root.readonly, and
 *   applies rootfsPropagation to "/" last, because an unbindable tree could
 *   not be cloned for the masks.
 */
/*
 * Runtime side, after ct_ns_plan() and before clone: when the container gets
 * a user namespace, makes the idmapped mounts of config.mounts, which the
 * init there could not make, and stores them in init->idmap_fds. The child
 * inherits the fds; the runtime releases them after clone with
 * ct_mounts_close_idmap(), which is also safe when nothing was prepared.
 */
int ct_mounts_prepare_idmap(struct ct_init *init, struct libct_error *err);
void ct_mounts_close_idmap(struct ct_init *init);

int ct_rootfs_prepare(struct ct_init *init, int *ret_root_fd, struct libct_error *err);
int ct_rootfs_pivot(struct ct_init *init, int root_fd, struct libct_error *err);
int ct_rootfs_finalize(struct ct_init *init, struct libct_error *err);

/* -------------------------------------------------------------- cgroups */

struct ct_cgroup;

enum ct_cgroup_layout {
	CT_CGROUP_LAYOUT_V1,
	CT_CGROUP_LAYOUT_V2,
	CT_CGROUP_LAYOUT_HYBRID,
};

struct ct_cgroup_params {
	const char *mount_root;   /* NULL means "/sys/fs/cgroup"; tests pass a fixture tree */
	const char *proc_self_cgroup; /* NULL means "/proc/self/cgroup"; tests pass a fixture file */
	const char *cgroups_path; /* linux.cgroupsPath, or NULL */
	const char *id;           /* the container id, for the default path */
	const char *mountinfo;    /* NULL means "/proc/self/mountinfo"; tests pass a fixture file */
	struct libct_context *context; /* for debug logs; may be NULL */
	/* cgroups_path has the systemd driver's form "slice:prefix:name", below
	 * the cgroup of PID 1 read from proc_init_cgroup (NULL means
	 * "/proc/1/cgroup"; tests pass a fixture file). */
	bool systemd;
	const char *proc_init_cgroup;
};

/* Resolves the layout and the container's directory in every hierarchy. No
 * directory is created yet. */
int ct_cgroup_new(const struct ct_cgroup_params *params, struct ct_cgroup **ret_cgroup,
		  struct libct_error *err);
void ct_cgroup_free(struct ct_cgroup *cgroup);
enum ct_cgroup_layout ct_cgroup_layout(const struct ct_cgroup *cgroup);

/* The set of hierarchies that ct_cgroup_create() and ct_cgroup_join_prepare()
 * handle: all, only cgroup2, or only the v1 ones. create makes the cgroup2
 * directory before clone3, which places the init there, and the v1
 * directories while the init makes its network namespace. */
enum ct_cgroup_part {
	CT_CGROUP_PART_ALL,
	CT_CGROUP_PART_V2,
	CT_CGROUP_PART_V1,
};

/* Creates the container's directories in the hierarchies of part; remembers
 * which it created so that ct_cgroup_destroy() removes exactly those. On
 * failure it removes what it made, for CT_CGROUP_PART_ALL only; for one part
 * that is the caller's work. */
int ct_cgroup_create(struct ct_cgroup *cgroup, enum ct_cgroup_part part, struct libct_error *err);
/* Returns whether the container has a directory in a v1 hierarchy. */
bool ct_cgroup_has_v1(const struct ct_cgroup *cgroup);
/* Returns the mount point, the container's directory and the kind of
 * hierarchy index, in the order they were found, or false past the last
 * one. A cgroup read back from a state has no mount points, so it has none. */
bool ct_cgroup_hierarchy_at(const struct ct_cgroup *cgroup, size_t index, const char **ret_mount_point,
			    const char **ret_dir, bool *ret_unified);
/* Records, before ct_cgroup_create(), the top-most directory that it will
 * make in each hierarchy, so that a state saved first covers a create
 * killed halfway; ct_cgroup_destroy() tolerates directories never made. */
void ct_cgroup_plan_created(struct ct_cgroup *cgroup);
/* Whether ct_cgroup_create() made more than the plan: a shared parent was
 * removed in between, and a state saved with the plan misses it. */
bool ct_cgroup_created_beyond_plan(const struct ct_cgroup *cgroup);
/* Moves pid into the container's cgroup in every hierarchy. */
int ct_cgroup_enter(struct ct_cgroup *cgroup, pid_t pid, struct libct_error *err);
/* Returns an O_DIRECTORY fd of the container's cgroup2 directory for
 * clone3(CLONE_INTO_CGROUP) when that alone places a process in all of its
 * cgroups (pure v2), or -1 otherwise. The fd belongs to the cgroup object. */
int ct_cgroup_clone_fd(struct ct_cgroup *cgroup);
/*
 * Opens what a child needs to enter the container's cgroups without the
 * runtime writing its pid to cgroup.procs. Such a write takes the kernel's
 * cgroup threadgroup lock, and the first writer after a quiet moment waits
 * for an RCU grace period: 10 ms here under load, the largest single cost
 * of a start. clone3 places the child in the cgroup2 hierarchy with
 * ret_join->clone_fd, and the child writes "0" to each v1 "tasks" file,
 * which moves only the calling thread and takes no such lock. Only a
 * single-threaded child may use it. The runtime calls ct_cgroup_join_close()
 * after clone3.
 */
int ct_cgroup_join_prepare(struct ct_cgroup *cgroup, enum ct_cgroup_part part, struct ct_cgroup_join *ret_join,
			   struct libct_error *err);
/* In the child: joins the v1 hierarchies of join and closes its fds. */
int ct_cgroup_join_self(struct ct_cgroup_join *join, struct libct_error *err);
/* Calls clone3() with flags and SIGCHLD, placing the child in the cgroup2
 * directory of join where it has one. Returns as fork() does. */
pid_t ct_cgroup_clone3(uint64_t flags, const struct ct_cgroup_join *join);
/* Closes the fds of join and frees it; join may be zeroed or prepared. */
void ct_cgroup_join_close(struct ct_cgroup_join *join);
/* Lists the pids in the container's cgroup (and its descendants). */
int ct_cgroup_pids(struct ct_cgroup *cgroup, pid_t **ret_pids, size_t *ret_count, struct libct_error *err);
/* Sends sig to every process in the container's cgroup. */
int ct_cgroup_kill(struct ct_cgroup *cgroup, int sig, struct libct_error *err);
/* Freezes the container (v1 freezer, else cgroup.freeze) and waits until
 * it is frozen, or thaws it. Freezing a frozen container succeeds. */
int ct_cgroup_freeze(struct ct_cgroup *cgroup, bool frozen, struct libct_error *err);

/* Usage counters of the container; a has_ flag is false where the host
 * has no such counter. */
struct ct_cgroup_stats {
	bool has_memory;
	uint64_t memory_usage; /* bytes */
	bool has_pids;
	uint64_t pids_current;
	bool has_cpu;
	uint64_t cpu_usage_ns;
};
int ct_cgroup_stats(const struct ct_cgroup *cgroup, struct ct_cgroup_stats *ret_stats, struct libct_error *err);
/* Removes the container's directories bottom-up, retrying while busy. */
int ct_cgroup_destroy(struct ct_cgroup *cgroup, struct libct_error *err);
/* Removes the container's cgroup when it is empty, as it usually is once
 * the init has been reaped, so that nothing needs to be killed first.
 * Returns 1 when it is gone, or 0 when the caller must kill and then call
 * ct_cgroup_destroy(): a directory still had processes or sub-cgroups, or
 * create did not make every directory, so other processes may share one. */
int ct_cgroup_destroy_if_empty(struct ct_cgroup *cgroup, struct libct_error *err);

/*
 * Checks linux.resources against what the host's layout lets ctrun apply,
 * without side effects: a field that cannot be applied yet fails with
 * ENOTSUP and a message naming the field and the reason, an invalid value
 * with EINVAL. docs/cgroups.md lists the files of each field.
 */
int ct_cgroup_check_resources(const struct ct_cgroup *cgroup, const struct spec_resources *resources,
			      struct libct_error *err);
/* Checks as above, then writes linux.resources to the container's cgroups.
 * Call it after ct_cgroup_create() and before the init enters, so that the
 * limits hold from the first instruction; `update` calls it again. */
int ct_cgroup_set_resources(struct ct_cgroup *cgroup, const struct spec_resources *resources,
			    struct libct_error *err);
/* As ct_cgroup_set_resources(), for `update`: without device rules in
 * resources, the container's device rules stay as they are instead of
 * being reset to the defaults. */
int ct_cgroup_update_resources(struct ct_cgroup *cgroup, const struct spec_resources *resources,
			       struct libct_error *err);

/* Serialises the resolved directories for state.json (hierarchy name, such
 * as "memory" or "unified", to absolute directory) and restores them. For
 * each hierarchy where ct_cgroup_create() made directories, the map also
 * holds "created:<hierarchy>" with the top-most directory it made, so that a
 * later ct_cgroup_destroy() removes exactly those. */
int ct_cgroup_to_map(const struct ct_cgroup *cgroup, struct spec_map *ret_map);
int ct_cgroup_from_map(const struct spec_map *map, struct ct_cgroup **ret_cgroup, struct libct_error *err);

/* netdev.c: linux.netDevices. ct_netdev_check() validates the config at
 * create; ct_netdev_move() moves the devices into the network namespace of
 * the init pid, which must exist already, with their permanent global
 * addresses, and sets them up. Delete leaves them to the kernel. */
int ct_netdev_check(const struct spec_config *config, struct libct_error *err);
int ct_netdev_move(const struct spec_config *config, pid_t pid, struct libct_error *err);

#endif
