/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The synchronisation protocol between the runtime, the container's init
 * and a later `start`. docs/sync-protocol.md draws the whole exchange.
 *
 * create (runtime <-> init, a SOCK_SEQPACKET socketpair made before clone):
 *
 *   runtime                                init
 *   make cgroups
 *   clone3 ---------------------------->   (born in cgroup2, waits)
 *   write uid_map/gid_map, oom_score_adj
 *   CT_SYNC_RELEASE ------------------->   join the v1 cgroups, join/unshare
 *                                          namespaces, rootfs, process attributes
 *                   <-------------------   CT_SYNC_LOG (any number)
 *                   <-------------------   CT_SYNC_READY or CT_SYNC_ERROR
 *   write state.json
 *   CT_SYNC_RELEASE ------------------->   wait for start
 *   exit
 *
 * start (start process <-> init, a connection to the unix socket that the
 * runtime bound in the state directory before clone):
 *
 *   start                                  init (blocked in accept)
 *   connect, CT_SYNC_START ------------>   execve(process.args)
 *                   <-------------------   EOF: the exec succeeded and closed
 *                                          the close-on-exec socket
 *                   <-------------------   or CT_SYNC_ERROR if execve failed
 *
 * run (the runtime that created the init keeps its end of the socketpair
 * and sends START over it; there is no start socket):
 *
 *   runtime                                init
 *   write state.json (created)
 *   CT_SYNC_START --------------------->   execve(process.args)
 *                   <-------------------   EOF, or CT_SYNC_ERROR
 *
 * Every message carries an errno and a message, so an error from the init
 * reads like an error of the runtime itself.
 */
#ifndef LIBCT_SYNC_H
#define LIBCT_SYNC_H

#include <stdint.h>

#include "internal.h"

/* The file name of the start socket inside the container's state directory. */
#define CT_START_SOCKET "start.sock"

enum ct_sync_type {
	CT_SYNC_RELEASE = 1, /* runtime -> init: go on (id maps written; after READY: state recorded) */
	CT_SYNC_LOG,         /* init -> runtime: one log line; code is the level */
	CT_SYNC_READY,       /* init -> runtime: set up, waiting for start */
	CT_SYNC_ERROR,       /* init -> runtime or start: code is the errno */
	CT_SYNC_START,       /* start or run -> init: execute the user program */
	CT_SYNC_SECCOMP,     /* init -> runtime: the seccomp listener fd, as SCM_RIGHTS */
	CT_SYNC_HOOKS,       /* init -> runtime: mounts done, run the runtime's create hooks, then RELEASE */
	CT_SYNC_TRACE,       /* init or exec process -> runtime or start: one trace record (trace.c) */
};

struct ct_sync_msg {
	uint32_t type;
	int32_t code;
	char message[LIBCT_ERROR_MESSAGE_MAX];
};

/* Creates the SOCK_SEQPACKET|SOCK_CLOEXEC pair: [0] runtime, [1] init. */
int ct_sync_pair(int ret_fds[2], struct libct_error *err);

/* runtime: lets the init go on once the parent-side setup is done. */
int ct_sync_release_init(int fd, struct libct_error *err);
/* Receives one message. Returns 1 with a message, 0 at end of stream, or a
 * negative errno. A passed fd is stored in *ret_fd (-1 if none), or closed
 * when ret_fd is NULL. */
int ct_sync_recv(int fd, struct ct_sync_msg *ret_msg, int *ret_fd);

/* Handles an fd that the init passed; the caller closes it afterwards. */
typedef int (*ct_sync_fd_fn)(void *userdata, int fd, struct libct_error *err);

/* runtime: forwards log lines until READY; an ERROR from the init fills err
 * with the init's errno and message. A CT_SYNC_SECCOMP fd goes to on_fd
 * with userdata (an error when on_fd is NULL). Returns 1 instead of 0 when
 * the init sent CT_SYNC_HOOKS: the caller runs the prestart and
 * createRuntime hooks, releases the init again and calls this once more. */
int ct_sync_wait_ready(int fd, struct libct_context *context, ct_sync_fd_fn on_fd, void *userdata,
		       struct libct_error *err);

/* init: waits for CT_SYNC_RELEASE. */
int ct_sync_wait_release(int fd, struct libct_error *err);
int ct_sync_send_log(int fd, enum libct_log_level level, const char *message);
/* init or exec process: sends one record that ct_trace_encode() wrote. */
int ct_sync_send_trace(int fd, const char *text);
int ct_sync_report_ready(int fd, struct libct_error *err);
/* init: sends CT_SYNC_HOOKS and waits for the runtime's CT_SYNC_RELEASE. */
int ct_sync_request_hooks(int fd, struct libct_error *err);
/* init: passes the seccomp listener fd to the runtime (CT_SYNC_SECCOMP). */
int ct_sync_send_seccomp_fd(int fd, int listener_fd, struct libct_error *err);
/* init, runtime or start side: sends err as CT_SYNC_ERROR. */
int ct_sync_report_error(int fd, const struct libct_error *error);

/* The start socket: bound by the runtime (dirfd is the state directory),
 * accepted by the init, connected to by `start`. */
int ct_sync_listen(int dirfd, struct libct_error *err);
/* init: accepts connections until one sends CT_SYNC_START and returns it. */
int ct_sync_wait_start(int listen_fd, struct libct_error *err);
/* start: connects, sends CT_SYNC_START and waits for the exec result as
 * ct_sync_wait_exec() does. */
int ct_sync_request_start(int dirfd, struct libct_context *context, struct libct_error *err);

/* run: sends CT_SYNC_START over the sync socket of an init that was
 * created without a start socket. */
int ct_sync_send_start(int fd, struct libct_error *err);
/* init without a start socket: waits for CT_SYNC_START on the sync socket.
 * End of stream means that the runtime died, and fails with -EPIPE. */
int ct_sync_wait_start_request(int fd, struct libct_error *err);
/* start or run: waits for the init to execute the program. Returns 0 at end
 * of stream (the close-on-exec socket closed), or the init's error. Trace
 * records that the init sends meanwhile go to context. */
int ct_sync_wait_exec(int fd, struct libct_context *context, struct libct_error *err);

#endif
