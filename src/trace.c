/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The trace sink of the command: with --trace FILE or CTRUN_TRACE=FILE,
 * libct's phase records become JSON lines in FILE (docs/trace.md).
 *
 * The lines are kept in memory and appended to FILE with one write when
 * the command ends, and by `run` once the container started. No fd of the
 * file is open while a container process is set up, so none can leak into
 * a container, whatever fds --preserve-fds hands over. libct calls the
 * handler only in this process, because the records of the container's
 * init come over the sync socket.
 */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <sys/stat.h>
#include <unistd.h>

#include "ctrun.h"
#include "base.h"
#include "json.h"

/* The environment variable that carries the start time of a command into
 * the process that libct_protect_runtime_binary() re-executes. */
#define ORIGIN_VARIABLE "CTRUN_TRACE_ORIGIN_US"

/* The command is one short-lived process, so the sink is process state. */
static struct {
	char *path;          /* NULL: tracing is off */
	const char *command; /* "run", "create"... */
	uint64_t origin_us;  /* CLOCK_MONOTONIC at the start of the command */
	uint64_t main_us;    /* CLOCK_MONOTONIC when main() of this process began */
	bool reexecuted;     /* this process is the image that a re-execution started */
	char *lines;
	size_t len;
	size_t capacity;
} sink;

static uint64_t now_us(void)
{
	struct timespec now;
	clock_gettime(CLOCK_MONOTONIC, &now);
	return (uint64_t)now.tv_sec * 1000000 + (uint64_t)now.tv_nsec / 1000;
}

void cli_trace_mark_start(void)
{
	sink.main_us = now_us();
	sink.origin_us = sink.main_us;
}

char *cli_trace_format_record(const struct libct_trace_record *record, uint64_t origin_us, const char *command)
{
	char *phase = spec_json_escape_string(record->phase);
	char *detail = record->detail != NULL ? spec_json_escape_string(record->detail) : NULL;
	char *id = record->id != NULL ? spec_json_escape_string(record->id) : NULL;
	char *quoted_command = spec_json_escape_string(command != NULL ? command : "");
	/* Signed: a record from before the origin would otherwise wrap. */
	int64_t start = (int64_t)(record->start_us - origin_us);

	char *line = ct_asprintf("{\"phase\":%s%s%s,\"start_us\":%" PRId64 ",\"duration_us\":%" PRIu64
				 ",\"pid\":%d%s%s,\"command\":%s}\n",
				 phase, detail != NULL ? ",\"detail\":" : "", detail != NULL ? detail : "", start,
				 record->duration_us, (int)record->pid, id != NULL ? ",\"container\":" : "",
				 id != NULL ? id : "", quoted_command);
	free(phase);
	free(detail);
	free(id);
	free(quoted_command);
	return line;
}

static void append_line(const char *line)
{
	size_t n = strlen(line);
	if (sink.len + n > sink.capacity) {
		size_t capacity = sink.capacity > 0 ? sink.capacity : 4096;
		while (capacity < sink.len + n)
			capacity *= 2;
		sink.lines = ct_realloc(sink.lines, capacity);
		sink.capacity = capacity;
	}
	memcpy(sink.lines + sink.len, line, n);
	sink.len += n;
}

void cli_trace_libct(void *userdata, const struct libct_trace_record *record)
{
	char *line = cli_trace_format_record(record, sink.origin_us, sink.command);
	append_line(line);
	free(line);
}

static void record_phase(const char *phase, uint64_t start_us, uint64_t end_us)
{
	struct libct_trace_record record = {
		.phase = phase,
		.pid = getpid(),
		.start_us = start_us,
		.duration_us = end_us > start_us ? end_us - start_us : 0,
	};
	cli_trace_libct(NULL, &record);
}

/* A command that re-executed itself from a sealed copy carries the start
 * of its first process in the environment. The variable is removed at
 * once, so that no child of the command inherits it. */
static void take_origin(void)
{
	const char *value = getenv(ORIGIN_VARIABLE);
	if (value == NULL)
		return;
	char *end;
	errno = 0;
	unsigned long long origin = strtoull(value, &end, 10);
	if (errno == 0 && *end == '\0' && origin > 0 && origin <= sink.main_us) {
		sink.origin_us = origin;
		sink.reexecuted = true;
		record_phase("reexec", origin, sink.main_us);
	}
	(void)unsetenv(ORIGIN_VARIABLE);
}

/* Opens the trace file for appending. With O_NONBLOCK, a FIFO that has no
 * reader cannot block the command. Only a regular file is accepted. */
static int open_sink(const char *path)
{
	int fd = open(path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC | O_NOCTTY | O_NONBLOCK, 0600);
	if (fd < 0)
		return -1;
	struct stat st;
	if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode)) {
		int saved = S_ISDIR(st.st_mode) ? EISDIR : EINVAL;
		close(fd);
		errno = saved;
		return -1;
	}
	return fd;
}

bool cli_trace_open(const char *path, const char *command)
{
	bool from_flag = path != NULL;
	if (!from_flag)
		path = getenv("CTRUN_TRACE");
	if (path == NULL || (!from_flag && path[0] == '\0')) {
		(void)unsetenv(ORIGIN_VARIABLE);
		return true;
	}

	/* Opened once here, so that a path that cannot be written fails before
	 * any container exists. A caller that set only the variable cannot see
	 * this error, so its command goes on without a trace. */
	int fd = open_sink(path);
	if (fd < 0 && from_flag) {
		cli_error("open trace file \"%s\": %s", path,
			  errno == EINVAL ? "not a regular file" : strerror(errno));
		return false;
	}
	if (fd < 0) {
		cli_log(LIBCT_LOG_WARNING, "open trace file \"%s\" of CTRUN_TRACE: %s; tracing is off", path,
			errno == EINVAL ? "not a regular file" : strerror(errno));
		(void)unsetenv(ORIGIN_VARIABLE);
		return true;
	}
	close(fd);
	sink.path = ct_strdup(path);
	sink.command = command;
	take_origin();
	return true;
}

bool cli_trace_enabled(void)
{
	return sink.path != NULL;
}

void cli_trace_before_reexec(void)
{
	if (sink.path == NULL)
		return;
	char value[32];
	snprintf(value, sizeof(value), "%" PRIu64, sink.origin_us);
	(void)setenv(ORIGIN_VARIABLE, value, 1); /* without it, the trace only misses the re-exec */
}

uint64_t cli_trace_now(void)
{
	return now_us();
}

void cli_trace_after_protect(uint64_t start_us)
{
	(void)unsetenv(ORIGIN_VARIABLE); /* no re-execution took it */
	if (sink.path != NULL && !sink.reexecuted)
		record_phase("protect", start_us, now_us());
}

void cli_trace_flush(void)
{
	if (sink.path == NULL || sink.len == 0)
		return;
	int fd = open_sink(sink.path);
	if (fd < 0) {
		cli_log(LIBCT_LOG_WARNING, "open trace file \"%s\": %s", sink.path, strerror(errno));
		sink.len = 0;
		return;
	}
	const char *data = sink.lines;
	size_t size = sink.len;
	while (size > 0) {
		ssize_t n = write(fd, data, size);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0) {
			cli_log(LIBCT_LOG_WARNING, "write trace file \"%s\": %s", sink.path,
				n < 0 ? strerror(errno) : "short write");
			break;
		}
		data += n;
		size -= (size_t)n;
	}
	close(fd);
	sink.len = 0;
}

void cli_trace_close(void)
{
	if (sink.path == NULL)
		return;
	record_phase("command", sink.origin_us, now_us());
	cli_trace_flush();
	free(sink.lines);
	free(sink.path);
	sink = (typeof(sink)){ 0 };
}
