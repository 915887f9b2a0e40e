/* SPDX-License-Identifier: Apache-2.0 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base.h"

void libct_error_clear(struct libct_error *err)
{
	if (err == NULL)
		return;
	err->code = 0;
	err->message[0] = '\0';
}

static int error_vset(struct libct_error *err, int errnum, bool append_strerror, const char *fmt,
		      va_list ap)
{
	if (errnum <= 0)
		errnum = EIO;
	if (err == NULL)
		return -errnum;

	err->code = errnum;
	int n = vsnprintf(err->message, sizeof(err->message), fmt, ap);
	if (append_strerror && n >= 0 && (size_t)n < sizeof(err->message))
		snprintf(err->message + n, sizeof(err->message) - (size_t)n, ": %s", strerror(errnum));
	return -errnum;
}

int ct_error_set(struct libct_error *err, int errnum, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	int r = error_vset(err, errnum, false, fmt, ap);
	va_end(ap);
	return r;
}

int ct_error_sys(struct libct_error *err, int errnum, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	int r = error_vset(err, errnum, true, fmt, ap);
	va_end(ap);
	return r;
}

int ct_error_prefix(struct libct_error *err, const char *fmt, ...)
{
	if (err == NULL)
		return -EIO;
	if (err->code <= 0)
		err->code = EIO;

	char prefix[LIBCT_ERROR_MESSAGE_MAX];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(prefix, sizeof(prefix), fmt, ap);
	va_end(ap);

	/* A joined message longer than the buffer is cut, like any other. */
	char joined[LIBCT_ERROR_MESSAGE_MAX];
	if (snprintf(joined, sizeof(joined), "%s: %s", prefix, err->message) < 0)
		return -err->code; /* an encoding error keeps the message unprefixed */
	memcpy(err->message, joined, sizeof(joined));
	return -err->code;
}

void ct_error_append_cleanup(struct libct_error *err, const struct libct_error *cleanup)
{
	if (err == NULL || cleanup == NULL || cleanup->code == 0)
		return;
	size_t used = strlen(err->message);
	snprintf(err->message + used, sizeof(err->message) - used, "; cleanup also failed: %s",
		 cleanup->message);
}

static void *check_alloc(void *p)
{
	if (p == NULL) {
		fputs("ctrun: out of memory\n", stderr);
		abort();
	}
	return p;
}

void *ct_malloc(size_t size)
{
	return check_alloc(malloc(size ? size : 1));
}

void *ct_calloc(size_t count, size_t size)
{
	return check_alloc(calloc(count ? count : 1, size ? size : 1));
}

void *ct_realloc(void *ptr, size_t size)
{
	return check_alloc(realloc(ptr, size ? size : 1));
}

char *ct_strdup(const char *s)
{
	return check_alloc(strdup(s));
}

char *ct_strndup(const char *s, size_t n)
{
	return check_alloc(strndup(s, n));
}

char *ct_asprintf(const char *fmt, ...)
{
	char *s = NULL;
	va_list ap;
	va_start(ap, fmt);
	int n = vasprintf(&s, fmt, ap);
	va_end(ap);
	if (n < 0)
		s = NULL;
	return check_alloc(s);
}
