/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Error and allocation helpers shared by spec/ and libct/. The error
 * contract itself is described in docs/errors.md.
 */
#ifndef CTRUN_BASE_H
#define CTRUN_BASE_H

#include <stdbool.h>
#include <stddef.h>
#include <time.h>

#include "libct.h"

/* ------------------------------------------------------------- errors */

/*
 * Fills err (if not NULL) with errnum and a message built from fmt, and
 * returns -errnum. ct_error_sys() appends ": <strerror(errnum)>" to the
 * message; use it for failed system calls, and ct_error_set() for invalid
 * input, where the errno text would add nothing.
 */
int ct_error_set(struct libct_error *err, int errnum, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
int ct_error_sys(struct libct_error *err, int errnum, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/* Prepends "<context>: " to the message already in err, keeping its code,
 * and returns -err->code. Used at phase boundaries. */
int ct_error_prefix(struct libct_error *err, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* Records a second failure that happened while cleaning up after the first,
 * by appending "; cleanup also failed: <second message>". */
void ct_error_append_cleanup(struct libct_error *err, const struct libct_error *cleanup);

/* Allocation wrappers: on out-of-memory they print one line to stderr and
 * abort. This is the only place the library aborts. */
void *ct_malloc(size_t size);
void *ct_calloc(size_t count, size_t size);
void *ct_realloc(void *ptr, size_t size);
char *ct_strdup(const char *s);
char *ct_strndup(const char *s, size_t n);
char *ct_asprintf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* Formats time as RFC 3339 in UTC with digits (1 to 9) digits of the
 * second, such as "2026-12-05T12:15:51.123456Z". Unlike gmtime_r(), it
 * reads no time zone file. */
void ct_format_utc(const struct timespec *time, int digits, char *buf, size_t size);

#endif
