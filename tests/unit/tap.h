/* SPDX-License-Identifier: Apache-2.0 */
/*
 * A tiny TAP (Test Anything Protocol) harness for the unit tests.
 *
 *   plan(3);                       or call done_testing() at the end instead
 *   ok(x > 0, "x is positive");
 *   is_int(r, 0, "parse succeeds");
 *   is_str(msg, "expected", "error message");
 *   skip_all("reason");            prints "1..0 # SKIP reason" and exits 0
 *   return done_testing();
 *
 * Each assertion prints "ok N - name" or "not ok N - name", and on failure
 * both compared values as TAP diagnostics ("# got: ...", "# expected: ...").
 * done_testing() returns the process exit status: 0 when every test passed.
 */
#ifndef CTRUN_TAP_H
#define CTRUN_TAP_H

#include <inttypes.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int tap_run_count;
static int tap_fail_count;
static int tap_planned = -1;

static inline void plan(int count)
{
	tap_planned = count;
	printf("1..%d\n", count);
	fflush(stdout);
}

static inline void skip_all(const char *reason)
{
	printf("1..0 # SKIP %s\n", reason);
	fflush(stdout);
	exit(0);
}

/* Prints a diagnostic line; TAP consumers show it next to the test. */
static inline void diag(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static inline void diag(const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	fputs("# ", stdout);
	vprintf(fmt, ap);
	fputc('\n', stdout);
	va_end(ap);
	fflush(stdout);
}

static inline bool tap_report(bool passed, const char *file, int line, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));
static inline bool tap_report(bool passed, const char *file, int line, const char *fmt, ...)
{
	va_list ap;
	tap_run_count++;
	if (!passed)
		tap_fail_count++;
	printf("%sok %d - ", passed ? "" : "not ", tap_run_count);
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	fputc('\n', stdout);
	if (!passed)
		printf("# failed at %s:%d\n", file, line);
	fflush(stdout);
	return passed;
}

/* Marks the next test as skipped, for a check that cannot run here. */
static inline void skip(const char *reason)
{
	tap_run_count++;
	printf("ok %d # SKIP %s\n", tap_run_count, reason);
	fflush(stdout);
}

#define ok(cond, ...) tap_report(!!(cond), __FILE__, __LINE__, __VA_ARGS__)

#define is_int(got, expected, ...)                                                                           \
	({                                                                                                   \
		long long tap_got_ = (long long)(got);                                                       \
		long long tap_expected_ = (long long)(expected);                                             \
		bool tap_passed_ = tap_report(tap_got_ == tap_expected_, __FILE__, __LINE__, __VA_ARGS__);   \
		if (!tap_passed_)                                                                            \
			printf("#      got: %lld\n# expected: %lld\n", tap_got_, tap_expected_);             \
		tap_passed_;                                                                                 \
	})

#define is_str(got, expected, ...)                                                                           \
	({                                                                                                   \
		const char *tap_got_ = (got);                                                                \
		const char *tap_expected_ = (expected);                                                      \
		bool tap_same_ =                                                                             \
			(tap_got_ == NULL && tap_expected_ == NULL) ||                                       \
			(tap_got_ != NULL && tap_expected_ != NULL && strcmp(tap_got_, tap_expected_) == 0); \
		bool tap_passed_ = tap_report(tap_same_, __FILE__, __LINE__, __VA_ARGS__);                   \
		if (!tap_passed_)                                                                            \
			printf("#      got: \"%s\"\n# expected: \"%s\"\n", tap_got_ ? tap_got_ : "(null)",   \
			       tap_expected_ ? tap_expected_ : "(null)");                                    \
		tap_passed_;                                                                                 \
	})

/* Prints the plan if plan() was not called, and returns the exit status. */
static inline int done_testing(void)
{
	if (tap_planned < 0)
		printf("1..%d\n", tap_run_count);
	else if (tap_planned != tap_run_count)
		printf("# planned %d tests but ran %d\n", tap_planned, tap_run_count);
	fflush(stdout);
	if (tap_fail_count > 0 || (tap_planned >= 0 && tap_planned != tap_run_count))
		return 1;
	return 0;
}

#endif
