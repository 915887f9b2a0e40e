/* SPDX-License-Identifier: Apache-2.0 */
/*
 * libct: create and manage OCI containers from runtime-spec bundles.
 *
 * Error contract (docs/errors.md has the full text): every fallible function
 * returns 0 or a positive count on success and a negative errno on failure.
 * When the caller passes a non-NULL struct libct_error, a failure also fills
 * it with the errno and one message that names the operation and the object,
 * for example
 *   create container "web": mount "proc" on "/proc": Operation not permitted
 * The library never prints, exits or aborts; it reports progress only
 * through the log handler of its context, and never logs an error that it
 * also returns.
 *
 * Thread safety: a context may be used by one thread at a time. Functions
 * that start a container fork the calling process; call them from a
 * single-threaded process.
 */
#ifndef LIBCT_H
#define LIBCT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#ifdef __cplusplus
extern "C" {
#endif

#define LIBCT_ERROR_MESSAGE_MAX 2048

/* A failure: code is a positive errno value, message is the full text. */
struct libct_error {
	int code;
	char message[LIBCT_ERROR_MESSAGE_MAX];
};

/* Clears err so that it can be reused. */
void libct_error_clear(struct libct_error *err);

enum libct_log_level {
	LIBCT_LOG_ERROR,
	LIBCT_LOG_WARNING,
	LIBCT_LOG_INFO,
	LIBCT_LOG_DEBUG,
};

/* Receives one log line without a trailing newline. May be called from the
 * container's init process before it executes the user program. */
typedef void (*libct_log_fn)(void *userdata, enum libct_log_level level, const char *message);

/*
 * One timed phase of a command, such as "clone" or "mount". Times are
 * CLOCK_MONOTONIC microseconds, which every process of the host shares, so
 * the records of the container's init line up with the runtime's.
 * docs/trace.md lists the phases.
 */
struct libct_trace_record {
	const char *phase;
	const char *detail;    /* NULL, or the object of the phase: a mount destination, a hook kind */
	const char *id;        /* the container id, or NULL */
	pid_t pid;             /* the process that ran the phase, in the caller's pid namespace */
	uint64_t start_us;
	uint64_t duration_us;
};

/* Receives one record, always in the caller's process: the records of the
 * container's init and of an exec process travel over the sync socket. */
typedef void (*libct_trace_fn)(void *userdata, const struct libct_trace_record *record);

struct libct_context_config {
	const char *state_root;        /* NULL means "/run/ctrun" */
	libct_log_fn log;              /* NULL discards log lines */
	void *log_userdata;
	enum libct_log_level log_level; /* lines above this level are dropped */
	libct_trace_fn trace;          /* NULL: no phase is timed */
	void *trace_userdata;
	/* create and run read linux.cgroupsPath as the systemd driver's
	 * "slice:prefix:name" and make that unit's directory in cgroupfs,
	 * without asking systemd (docs/cgroups.md). Later commands take the
	 * driver from the saved state. */
	bool systemd_cgroup;
	/* NULL, or the LIBCT_VIEW_MOUNTS fds that libct_protect_runtime_binary()
	 * left open. The context owns them from libct_context_new() on, even
	 * when that fails, and closes them at the first wait for a process
	 * that it starts, or when it is freed. */
	const int *view_mounts;
};

/* The number of fds in libct_context_config.view_mounts. */
#define LIBCT_VIEW_MOUNTS 2

struct libct_context;

/* Creates a context; the strings in config are copied. */
int libct_context_new(const struct libct_context_config *config, struct libct_context **ret_context,
		      struct libct_error *err);
void libct_context_free(struct libct_context *context);

struct libct_create_options {
	const char *bundle;         /* required: the bundle directory */
	const char *config_path;    /* NULL means "<bundle>/config.json" */
	const char *pid_file;       /* NULL or a path, relative to the current directory */
	const char *console_socket; /* NULL or the path of a unix socket */
	int preserve_fds;           /* extra fds from 3 up that the container inherits */
	bool no_pivot;              /* use MS_MOVE and chroot instead of pivot_root */
	bool no_new_keyring;        /* keep the caller's session keyring */
	/* With process.terminal and no console_socket: receives the master fd
	 * of the container's terminal, for a caller that proxies it (a
	 * foreground `run`). NULL then makes create fail. */
	int *ret_terminal_fd;
};

/*
 * Creates container id from a bundle and leaves its init process waiting
 * for libct_container_start(). The container's stdio is the caller's.
 * On success *ret_pid (if not NULL) is the init's pid; that process is a
 * child of the caller until the caller exits.
 */
int libct_container_create(struct libct_context *context, const char *id,
			   const struct libct_create_options *options, pid_t *ret_pid,
			   struct libct_error *err);

struct libct_exec_options {
	/* A process.json file. NULL: the process of the container's config.json
	 * with args instead of its own, as `exec ID CMD...` does. */
	const char *process_path;
	char *const *args;          /* NULL-terminated; required without process_path */
	/* The fields below change the process, whichever its source. */
	char *const *env;           /* NULL-terminated "NAME=VALUE" entries, added or replacing */
	const char *cwd;            /* NULL keeps process.cwd */
	bool set_uid;
	uint32_t uid;
	bool set_gid;
	uint32_t gid;
	const uint32_t *additional_gids; /* replaces the list when n_additional_gids > 0 */
	size_t n_additional_gids;
	char *const *capabilities;  /* NULL-terminated names added to the bounding, effective and permitted sets */
	bool terminal;              /* allocate a terminal even when process.terminal is false */
	uint32_t console_height;    /* rows and columns that replace process.consoleSize when both */
	uint32_t console_width;     /* are not 0, such as the size of the caller's own terminal */
	bool no_new_privileges;     /* set no_new_privs even when process.noNewPrivileges is false */
	const char *apparmor_profile; /* NULL keeps process.apparmorProfile */
	const char *selinux_label;    /* NULL keeps process.selinuxLabel */
	/* Where the process runs: terminal, pid file, inherited fds and cgroup. */
	const char *console_socket; /* NULL or the unix socket that receives the terminal's master fd */
	const char *pid_file;       /* NULL or a path for the process's pid, written atomically */
	int preserve_fds;           /* extra fds from 3 up that the process inherits */
	/* NULL-terminated sub-cgroups of the container's cgroup to put the
	 * process in: "PATH" for every hierarchy, or "CONTROLLER[,...]:PATH". */
	char *const *cgroups;
	bool ignore_paused;         /* exec into a paused container instead of failing */
	/* With a terminal and no console_socket: receives the master fd. NULL
	 * then makes exec fail, as a detached process cannot have a proxy. */
	int *ret_terminal_fd;
};

/*
 * Executes a new process in the running (or created) container id: it joins
 * every namespace and the cgroup of the container's init and gets the
 * container's root, then takes the process attributes. Returns once the
 * program was executed, with its pid in *ret_pid: the process is a child
 * of the caller, who may wait for it. A failure of the exec itself, such as
 * a program that is not found, is returned as an error.
 */
int libct_container_exec(struct libct_context *context, const char *id, const struct libct_exec_options *options,
			 pid_t *ret_pid, struct libct_error *err);

/* Makes a created container's init execute the user program. */
int libct_container_start(struct libct_context *context, const char *id, struct libct_error *err);

/*
 * run: create, start, wait and delete in one process. A container made by
 * libct_run_create() has no start socket: its init waits for
 * libct_run_start() on the socket that create already holds, and start and
 * delete use the state and config in memory instead of reading them again.
 * For other commands it is an ordinary container: state reports created,
 * then running, and kill, exec, pause and delete --force work on it once
 * it has started. A caller killed at any point leaves a container that
 * delete --force removes.
 */
struct libct_run;

/* As libct_container_create(). The state directory stays locked until
 * libct_run_start() succeeds. */
int libct_run_create(struct libct_context *context, const char *id, const struct libct_create_options *options,
		     struct libct_run **ret_run, struct libct_error *err);
/* Returns the pid of the container's init, a child of the caller. */
pid_t libct_run_pid(const struct libct_run *run);
/* As libct_container_start(), at most once. After a failure the caller
 * deletes the container with force: a failed exec or poststart hook stops
 * the init, but a failed NOTIFY_SOCKET forwarding leaves it running. */
int libct_run_start(struct libct_run *run, struct libct_error *err);
/* Waits for the init to exit, as libct_container_wait(). */
int libct_run_wait(struct libct_run *run, int *ret_status, struct libct_error *err);
/* As libct_container_delete(), without reading state.json or config.json;
 * -ENOENT when another command deleted the container meanwhile. */
int libct_run_delete(struct libct_run *run, bool force, struct libct_error *err);
/* Frees run and leaves the container as it is. An init that was not
 * started exits, because it reads end of stream on its sync socket. */
void libct_run_free(struct libct_run *run);

/*
 * Waits until the init of a container that this process created exits, and
 * stores its wait status (as waitpid() reports it) in *ret_status.
 * Returns -ECHILD if the init is not a child of the caller.
 */
int libct_container_wait(struct libct_context *context, const char *id, int *ret_status,
			 struct libct_error *err);

/* Sends sig to the init, or with all to every process of the container. */
int libct_container_kill(struct libct_context *context, const char *id, int sig, bool all,
			 struct libct_error *err);

/*
 * Deletes a stopped or created container: its processes, cgroups and state.
 * A running container is deleted only with force, which kills it first.
 */
int libct_container_delete(struct libct_context *context, const char *id, bool force,
			   struct libct_error *err);

enum libct_status {
	LIBCT_STATUS_CREATING,
	LIBCT_STATUS_CREATED,
	LIBCT_STATUS_RUNNING,
	LIBCT_STATUS_STOPPED,
	LIBCT_STATUS_PAUSED,
};

/* Returns "creating", "created", "running", "stopped" or "paused". */
const char *libct_status_name(enum libct_status status);

struct libct_annotation {
	char *key;
	char *value;
};

struct libct_state {
	char *oci_version;
	char *id;
	enum libct_status status;
	pid_t pid;        /* 0 once stopped */
	char *bundle;     /* absolute */
	char *rootfs;     /* absolute */
	char *created;    /* RFC 3339 time in UTC */
	char *owner;      /* user name of the creator, "" for root */
	struct libct_annotation *annotations;
	size_t n_annotations;
};

/* Reads the current state of a container; free it with libct_state_free(). */
int libct_container_state(struct libct_context *context, const char *id, struct libct_state **ret_state,
			  struct libct_error *err);
void libct_state_free(struct libct_state *state);

/* Lists the ids of all containers under the state root, sorted; free the
 * array with libct_id_list_free(). */
int libct_container_list(struct libct_context *context, char ***ret_ids, size_t *ret_count,
			 struct libct_error *err);
void libct_id_list_free(char **ids, size_t count);

/* ------------------------------------------------- managing (manage.c) */

/* Freezes every process of a running container (v1 freezer, else
 * cgroup.freeze) and returns once they are frozen; state then reports
 * "paused". resume thaws a paused container. */
int libct_container_pause(struct libct_context *context, const char *id, struct libct_error *err);
int libct_container_resume(struct libct_context *context, const char *id, struct libct_error *err);

/* linux.resources of spec/config.h; spec_resources_parse() makes one. */
struct spec_resources;

/* Writes the set fields of resources to the cgroups of a created, running
 * or paused container; fields that are not set keep their values. */
int libct_container_update(struct libct_context *context, const char *id,
			   const struct spec_resources *resources, struct libct_error *err);
/* As libct_container_update(), from a LinuxResources JSON document;
 * errors in the document name its JSON path, as "memory.limit: ...". */
int libct_container_update_json(struct libct_context *context, const char *id, const char *json, size_t len,
				struct libct_error *err);

/* Lists the host pids of the processes in the container's cgroup; free
 * *ret_pids with free(). */
int libct_container_pids(struct libct_context *context, const char *id, pid_t **ret_pids, size_t *ret_count,
			 struct libct_error *err);

/* Huge page usage of one page size, such as "2MB" or "1GB". */
struct libct_hugetlb_stats {
	char page_size[24];
	uint64_t usage;     /* bytes */
	uint64_t max_usage; /* bytes, the peak where the host records one */
	uint64_t failcnt;   /* allocations that failed at the limit */
};

#define LIBCT_HUGETLB_SIZES_MAX 8

/* Usage counters of a container. A has_ flag is false where the host has
 * no such counter; a limit of UINT64_MAX means none; other counters that
 * the host lacks read 0. */
struct libct_stats {
	bool has_cpu;
	uint64_t cpu_usage_ns;
	uint64_t cpu_user_ns;
	uint64_t cpu_system_ns;
	uint64_t cpu_periods;
	uint64_t cpu_throttled_periods;
	uint64_t cpu_throttled_ns;
	bool has_memory;
	uint64_t memory_usage;     /* bytes */
	uint64_t memory_max_usage; /* bytes, the peak */
	uint64_t memory_limit;     /* bytes */
	uint64_t memory_failcnt;   /* times the limit was hit */
	uint64_t swap_usage;       /* bytes; v1: memory plus swap */
	uint64_t oom_kills;
	bool has_pids;
	uint64_t pids_current;
	uint64_t pids_limit;
	size_t n_hugetlb; /* page sizes with a hugetlb cgroup */
	struct libct_hugetlb_stats hugetlb[LIBCT_HUGETLB_SIZES_MAX];
};
int libct_container_stats(struct libct_context *context, const char *id, struct libct_stats *ret_stats,
			  struct libct_error *err);

/*
 * Watches a container for OOM kills. The fd of libct_oom_watch_fd() becomes
 * readable when the kernel may have killed a process for lack of memory;
 * libct_oom_watch_read() then returns how many OOM kills happened since the
 * last call (0 for a false alarm, such as the cgroup going away).
 */
struct libct_oom_watch;
int libct_oom_watch_new(struct libct_context *context, const char *id, struct libct_oom_watch **ret_watch,
			struct libct_error *err);
int libct_oom_watch_fd(const struct libct_oom_watch *watch);
int libct_oom_watch_read(struct libct_oom_watch *watch);
void libct_oom_watch_free(struct libct_oom_watch *watch);

/* Returns the library's version string, for example "0.1.0". */
const char *libct_version(void);

/* ---------------------------------------------- the runtime binary (exeseal.c) */

/*
 * Switches the calling program to a view of its binary that cannot be
 * written (a detached overlayfs without an upper layer, or else a sealed
 * memfd copy), unless it already runs from one. It maps the program's
 * segments from the view and makes the view its executable. Where Linux
 * rejects that (no CAP_SYS_ADMIN or CAP_CHECKPOINT_RESTORE), it executes
 * the view with the same argv and environment instead. Call it first in main(),
 * before any thread exists, in a program that creates containers or
 * executes processes in them: those processes start as its clones, and a
 * container must never reach the binary on the host (CVE-2019-5736).
 * Returns 0 when the program runs from such a view, and a negative errno
 * on failure; when it executes the view, it does not return.
 *
 * ret_view_mounts is NULL or an array of LIBCT_VIEW_MOUNTS ints. After a
 * switch in place to an overlay view, it receives the fds of the view's
 * two detached mounts (else -1 each), which would otherwise be closed
 * here. Closing one dissolves its mount, and Linux waits for an RCU grace
 * period there: 0.1 ms or more, while another CPU is busy. Pass them in
 * libct_context_config.view_mounts, and the context closes them while it
 * waits for a container's init or exec'd process.
 */
int libct_protect_runtime_binary(char **argv, int *ret_view_mounts, struct libct_error *err);

#ifdef __cplusplus
}
#endif

#endif
