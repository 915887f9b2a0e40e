/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Phase timing. The library only measures, and each record goes to the
 * trace handler that the caller put in its context. A child of the runtime
 * (the container's init, an exec process) never calls that handler,
 * because it runs in the container's namespaces and possibly as another
 * user. It sends each record to the runtime as a CT_SYNC_TRACE message,
 * and the runtime passes it on (docs/trace.md).
 */
#include <inttypes.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "sync.h"

uint64_t ct_trace_now_us(void)
{
	struct timespec now;
	clock_gettime(CLOCK_MONOTONIC, &now);
	return (uint64_t)now.tv_sec * 1000000 + (uint64_t)now.tv_nsec / 1000;
}

void ct_trace_emit(struct libct_context *context, const char *phase, const char *detail, uint64_t start_us)
{
	uint64_t end_us = ct_trace_now_us();
	struct libct_trace_record record = {
		.phase = phase,
		.detail = detail,
		.id = context->trace_id,
		.pid = context->trace_pid != 0 ? context->trace_pid : getpid(),
		.start_us = start_us,
		.duration_us = end_us > start_us ? end_us - start_us : 0,
	};
	context->trace(context->trace_userdata, &record);
}

/* "START DURATION PID PHASE[ DETAIL]": the phase has no spaces, and the
 * detail, which may have some, takes the rest of the text. */
int ct_trace_encode(const struct libct_trace_record *record, char *buf, size_t size)
{
	int n = snprintf(buf, size, "%" PRIu64 " %" PRIu64 " %d %s%s%s", record->start_us, record->duration_us,
			 (int)record->pid, record->phase, record->detail != NULL ? " " : "",
			 record->detail != NULL ? record->detail : "");
	if (n < 0 || (size_t)n >= size)
		return -ENAMETOOLONG;
	return 0;
}

int ct_trace_decode(char *text, struct libct_trace_record *ret_record)
{
	unsigned long long start, duration;
	int pid, phase_at = -1;
	if (sscanf(text, "%llu %llu %d %n", &start, &duration, &pid, &phase_at) != 3 || phase_at < 0)
		return -EBADMSG;
	char *phase = text + phase_at;
	if (*phase == '\0' || *phase == ' ')
		return -EBADMSG;

	char *space = strchr(phase, ' ');
	if (space != NULL)
		*space = '\0';
	*ret_record = (struct libct_trace_record){
		.phase = phase,
		.detail = space != NULL ? space + 1 : NULL,
		.pid = pid,
		.start_us = start,
		.duration_us = duration,
	};
	return 0;
}

static void send_to_runtime(void *userdata, const struct libct_trace_record *record)
{
	const int *sync_fd = userdata;
	char text[LIBCT_ERROR_MESSAGE_MAX];
	if (ct_trace_encode(record, text, sizeof(text)) < 0)
		return; /* a detail longer than a message: the record is dropped, not cut */
	(void)ct_sync_send_trace(*sync_fd, text); /* a lost record is not an error */
}

/* Reads the host pid from the host's /proc, which is still mounted in the
 * child, because getpid() in a new pid namespace returns 1. */
static pid_t read_host_pid(void)
{
	char target[32];
	ssize_t n = readlink("/proc/self", target, sizeof(target) - 1);
	if (n <= 0)
		return 0;
	target[n] = '\0';
	char *end;
	long pid = strtol(target, &end, 10);
	return *end == '\0' && pid > 0 && pid <= INT_MAX ? (pid_t)pid : 0;
}

void ct_trace_route_to_runtime(struct libct_context *context, int *sync_fd)
{
	if (context->trace == NULL)
		return;
	context->trace = send_to_runtime;
	context->trace_userdata = sync_fd;
	/* Only the first call can read the host's /proc, because the init
	 * calls this again after pivot_root, for the start connection. */
	if (context->trace_pid == 0)
		context->trace_pid = read_host_pid();
}

void ct_trace_forward(struct libct_context *context, char *text)
{
	struct libct_trace_record record;
	if (context == NULL || context->trace == NULL || ct_trace_decode(text, &record) < 0)
		return;
	record.id = context->trace_id;
	context->trace(context->trace_userdata, &record);
}
