/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The log sink of the command. Errors always reach stderr as
 * "ctrun: <message>". With --log they are also appended to the log file,
 * because containerd and Podman show the user the last error line there.
 * Warnings and debug lines go to the log file when there is one, and to
 * stderr otherwise.
 *
 * libct calls cli_log_libct() from the container's init too, after clone
 * and before exec, so each line is written with one write(2): O_APPEND
 * keeps lines from two processes whole.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "ctrun.h"
#include "base.h"
#include "json.h"

/* Longer messages are cut; libct's own are at most LIBCT_ERROR_MESSAGE_MAX. */
#define MESSAGE_MAX 8192

/* The command is one short-lived process, so the sink is process state. */
static struct {
	int fd;           /* the --log file, or -1 */
	const char *path; /* its name, for the warning when a write fails */
	enum cli_log_format format;
	bool debug;
} sink = {.fd = -1};

/* The last error reported before the log file was open, such as an invalid
 * global flag, which cli_log_open() writes to the file. It is not part of
 * sink, because sink's initialiser would put these 8 KiB of zeros in .data,
 * which the binary protection copies at every start (exeseal.c). In .bss
 * they take no page until written. */
static char early_error[MESSAGE_MAX];

static void write_file_line(enum libct_log_level level, const char *message);
static void write_stderr_line(enum libct_log_level level, const char *message);

/* After a failed write, such as on a full file system, the log file is
 * closed and this and later messages go to stderr, so that none is lost
 * without a trace. */
static void drop_log_file(int error)
{
	char message[512];
	snprintf(message, sizeof(message), "write log file \"%s\": %s; messages go to stderr from now on",
		 sink.path, strerror(error));
	close(sink.fd);
	sink.fd = -1;
	write_stderr_line(LIBCT_LOG_WARNING, message);
}

static const char *level_name(enum libct_log_level level)
{
	switch (level) {
	case LIBCT_LOG_ERROR:
		return "error";
	case LIBCT_LOG_WARNING:
		return "warning";
	case LIBCT_LOG_INFO:
		return "info";
	case LIBCT_LOG_DEBUG:
		return "debug";
	default:
		return "unknown";
	}
}

bool cli_log_open(const char *path, enum cli_log_format format, bool debug)
{
	sink.format = format;
	sink.debug = debug;
	if (path == NULL)
		return true;

	int fd = open(path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0600);
	if (fd < 0) {
		cli_error("open log file \"%s\": %s", path, strerror(errno));
		return false;
	}
	sink.fd = fd;
	sink.path = path;
	if (early_error[0] != '\0') {
		write_file_line(LIBCT_LOG_ERROR, early_error);
		early_error[0] = '\0';
	}
	return true;
}

void cli_log_close(void)
{
	if (sink.fd >= 0)
		close(sink.fd);
	sink.fd = -1;
}

enum libct_log_level cli_log_level(void)
{
	return sink.debug ? LIBCT_LOG_DEBUG : LIBCT_LOG_WARNING;
}

/* Writes all of data, retrying after EINTR and short writes. Returns false
 * with errno set when a write fails. */
static bool write_all(int fd, const char *data, size_t size)
{
	while (size > 0) {
		ssize_t n = write(fd, data, size);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return false;
		if (n == 0) {
			errno = EIO;
			return false;
		}
		data += n;
		size -= (size_t)n;
	}
	return true;
}

void cli_log_format_time(char *buf, size_t size)
{
	struct timespec now;
	clock_gettime(CLOCK_REALTIME, &now);
	ct_format_utc(&now, 6, buf, size);
}

char *cli_log_format_line(enum cli_log_format format, enum libct_log_level level, const char *message,
			  const char *time)
{
	/* Both formats quote the message as a JSON string, which never breaks
	 * the line: invalid UTF-8 becomes U+FFFD and newlines become \n. */
	char *quoted = spec_json_escape_string(message);
	char *line;

	if (format == CLI_LOG_FORMAT_JSON)
		line = ct_asprintf("{\"level\":\"%s\",\"msg\":%s,\"time\":\"%s\"}\n", level_name(level),
				   quoted, time);
	else
		line = ct_asprintf("time=\"%s\" level=%s msg=%s\n", time, level_name(level), quoted);
	free(quoted);
	return line;
}

static void write_file_line(enum libct_log_level level, const char *message)
{
	char time[64];

	cli_log_format_time(time, sizeof(time));
	char *line = cli_log_format_line(sink.format, level, message, time);
	bool written = write_all(sink.fd, line, strlen(line));
	int error = errno;
	free(line);
	if (!written)
		drop_log_file(error);
}

/*
 * Copies message into buf with each control character written as \xNN, as
 * libct writes container ids, so that a path or value from the config cannot
 * break the line or send terminal escapes. Other bytes stay as they are,
 * because the quotes and backslashes in a message are its own.
 */
static const char *escape_controls(const char *message, char *buf, size_t size)
{
	size_t len = 0;
	for (size_t i = 0; message[i] != '\0' && len + 5 < size; i++) {
		unsigned char c = (unsigned char)message[i];
		if (c < 0x20 || c == 0x7f)
			len += (size_t)snprintf(buf + len, size - len, "\\x%02x", c);
		else
			buf[len++] = (char)c;
	}
	buf[len] = '\0';
	return buf;
}

static void write_stderr_line(enum libct_log_level level, const char *message)
{
	char line[MESSAGE_MAX + 64];
	char escaped[MESSAGE_MAX];
	int n;

	escape_controls(message, escaped, sizeof(escaped));
	if (level == LIBCT_LOG_ERROR)
		n = snprintf(line, sizeof(line), "ctrun: %s\n", escaped);
	else
		n = snprintf(line, sizeof(line), "ctrun: %s: %s\n", level_name(level), escaped);
	if (n < 0)
		return;
	if ((size_t)n >= sizeof(line)) {
		n = sizeof(line) - 1;
		line[n - 1] = '\n';
	}
	(void)write_all(STDERR_FILENO, line, (size_t)n); /* nowhere is left to report a failure */
}

static void log_message(enum libct_log_level level, const char *message)
{
	if (level == LIBCT_LOG_DEBUG && !sink.debug)
		return;
	if (level == LIBCT_LOG_ERROR && sink.fd < 0)
		snprintf(early_error, sizeof(early_error), "%s", message);
	if (sink.fd >= 0)
		write_file_line(level, message);
	if (sink.fd < 0 || level == LIBCT_LOG_ERROR)
		write_stderr_line(level, message);
}

void cli_error(const char *fmt, ...)
{
	char message[MESSAGE_MAX];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(message, sizeof(message), fmt, ap);
	va_end(ap);
	log_message(LIBCT_LOG_ERROR, message);
}

void cli_log(enum libct_log_level level, const char *fmt, ...)
{
	char message[MESSAGE_MAX];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(message, sizeof(message), fmt, ap);
	va_end(ap);
	log_message(level, message);
}

void cli_log_libct(void *userdata, enum libct_log_level level, const char *message)
{
	log_message(level, message);
}
