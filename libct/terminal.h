/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Terminals for process.terminal: a pty allocated inside the container,
 * whose master fd travels to the runtime over a socket pair and from there
 * to the caller's console socket, or back to a caller that proxies it.
 *
 *   container side (init or exec child)          runtime
 *   open /dev/ptmx of the container's devpts
 *   slave -> stdio, controlling terminal
 *   master ----------- SCM_RIGHTS ------------>  receive the master, then
 *                                                send it to --console-socket
 *                                                or hand it to the caller
 */
#ifndef LIBCT_TERMINAL_H
#define LIBCT_TERMINAL_H

#include <stdbool.h>
#include <sys/types.h>

#include "internal.h"

/*
 * Container side, after the container's root is in place: opens a new pty
 * through /dev/ptmx, gives the slave to uid and gid, applies size (when
 * set), makes the slave the controlling terminal of a new session and the
 * stdio of the caller, and with bind_console bind-mounts the slave on
 * /dev/console. Returns the master fd (close-on-exec) or a negative errno.
 */
int ct_terminal_setup(const struct spec_console_size *size, bool bind_console, uid_t uid, gid_t gid,
		      struct libct_error *err);

/* Container side: sets up the terminal of process as ct_terminal_setup()
 * does, sends its master over *sock and closes *sock. */
int ct_terminal_setup_and_send(const struct spec_process *process, bool bind_console, int *sock,
			       struct libct_error *err);

/* Sends fd with SCM_RIGHTS and name as the payload over a unix socket. */
int ct_terminal_send_fd(int sock, int fd, const char *name, struct libct_error *err);
/* Receives one fd sent by ct_terminal_send_fd(); -EPIPE when the peer
 * closed the socket without sending one. */
int ct_terminal_recv_fd(int sock, int *ret_fd, struct libct_error *err);

/* Runtime side: sends *master to the console socket console_fd or, when
 * console_fd is -1, moves it to *ret_terminal_fd for the caller. */
int ct_terminal_deliver(int *master, int console_fd, int *ret_terminal_fd, struct libct_error *err);

/* Runtime side: connects to the caller's console socket, a unix stream
 * socket at path, before anything else is set up. */
int ct_terminal_connect(const char *path, struct libct_error *err);

#endif
