/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The protected copies of the runtime binary (exeseal.c), declared apart
 * from internal.h so that the unit test can call each method.
 */
#ifndef CT_EXESEAL_H
#define CT_EXESEAL_H

#include "libct.h"

/* The protection of the file behind an fd against writes. */
enum ct_exeseal {
	CT_EXESEAL_NONE,    /* possibly writable: the binary must be re-executed */
	CT_EXESEAL_OVERLAY, /* on a detached, read-only overlayfs mount */
	CT_EXESEAL_MEMFD,   /* a memfd sealed against writes */
};

enum ct_exeseal ct_exeseal_kind(int fd);

/* Each opens a protected view of the binary open as exe, or fails with a
 * negative errno. */
int ct_exeseal_overlay(int exe, int *ret_fd, struct libct_error *err);
int ct_exeseal_memfd(int exe, int *ret_fd, struct libct_error *err);

/* Opens a protected view of exe with the first method, from `first` on, that
 * works and that ct_exeseal_kind() recognises. Returns the method. With
 * ret_mounts (LIBCT_VIEW_MOUNTS ints), the fds of the overlay's detached
 * mounts stay open there (-1 for the memfd) instead of being closed. */
int ct_exeseal_open(int exe, enum ct_exeseal first, int *ret_fd, int *ret_mounts, struct libct_error *err);

#endif
