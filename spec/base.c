/* SPDX-License-Identifier: Apache-2.0 */
#include <errno.h>
#include <stdint.h>
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

/*
 * Days since 1970-01-01 to a civil date. Counting from 0000-03-01 instead
 * puts each leap day at the end of its year, so that a 400-year era of
 * 146097 days splits into years and months by plain division.
 */
static void civil_date(int64_t days, int64_t *ret_year, int *ret_month, int *ret_day)
{
	days += 719468; /* 1970-01-01 is day 719468 after 0000-03-01 */
	int64_t era = (days >= 0 ? days : days - 146096) / 146097;
	int64_t day_of_era = days - era * 146097;
	int64_t year_of_era =
	    (day_of_era - day_of_era / 1460 + day_of_era / 36524 - day_of_era / 146096) / 365;
	int64_t day_of_year = day_of_era - (365 * year_of_era + year_of_era / 4 - year_of_era / 100);
	int64_t month_from_march = (5 * day_of_year + 2) / 153;
	*ret_day = (int)(day_of_year - (153 * month_from_march + 2) / 5 + 1);
	*ret_month = (int)(month_from_march < 10 ? month_from_march + 3 : month_from_march - 9);
	*ret_year = year_of_era + era * 400 + (*ret_month <= 2);
}

void ct_format_utc(const struct timespec *time, int digits, char *buf, size_t size)
{
	int64_t days = time->tv_sec / 86400;
	int64_t seconds = time->tv_sec % 86400;
	if (seconds < 0) {
		seconds += 86400;
		days--;
	}
	int64_t year;
	int month, day;
	civil_date(days, &year, &month, &day);
	long fraction = time->tv_nsec;
	for (int i = digits; i < 9; i++)
		fraction /= 10;
	snprintf(buf, size, "%04lld-%02d-%02dT%02d:%02d:%02d.%0*ldZ", (long long)year, month, day,
		 (int)(seconds / 3600), (int)(seconds / 60 % 60), (int)(seconds % 60), digits, fraction);
}
