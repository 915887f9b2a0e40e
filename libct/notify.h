/* SPDX-License-Identifier: Apache-2.0 */
/*
 * NOTIFY_SOCKET and LISTEN_FDS from the runtime's environment (notify.c
 * describes both).
 */
#ifndef LIBCT_NOTIFY_H
#define LIBCT_NOTIFY_H

#include "internal.h"

/* create, before clone: with NOTIFY_SOCKET, makes the socket directory in
 * the state directory dir_fd, stores a detached read-only clone of it in
 * init->notify_tree_fd (the caller closes it) and sets NOTIFY_SOCKET in
 * the process env. With LISTEN_FDS for this process, widens
 * init->preserve_fds and sets LISTEN_FDS in the process env. */
int ct_notify_prepare(struct libct_context *context, int dir_fd, struct spec_config *config, struct ct_init *init,
                      struct libct_error *err);
/* init, after the config mounts: attaches init->notify_tree_fd at
 * /run/notify inside root_fd and closes it; does nothing when it is -1. */
int ct_notify_attach(struct ct_init *init, int root_fd, struct libct_error *err);
/* Removes the socket directory from the state directory dir_fd, before
 * the state directory itself goes. */
void ct_notify_remove(int dir_fd);
/* init: sets LISTEN_PID to the pid that the program will have. */
void ct_notify_set_listen_pid(struct ct_init *init);

/* start, before the program runs: binds the container's notify socket and
 * stores it in *ret_fd, or -1 without NOTIFY_SOCKET or when the container
 * was created without it. */
int ct_notify_open(int dir_fd, int *ret_fd, struct libct_error *err);
/* start: waits for READY=1 and forwards it to the caller's NOTIFY_SOCKET.
 * init_pidfd is -1 when the init is gone already. When the init exits
 * without a queued READY=1, logs a warning and returns 0. */
int ct_notify_forward_ready(struct libct_context *context, int notify_fd, int init_pidfd, pid_t init_pid,
                            struct libct_error *err);

#endif
