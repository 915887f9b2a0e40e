/* SPDX-License-Identifier: Apache-2.0 */
/*
 * events: the usage counters of a container as runc's JSON envelope
 * ({"type":"stats","id":ID,"data":{...}}), once with --stats or every
 * --interval, and {"type":"oom","id":ID} after each OOM kill, until the
 * container stops.
 */
#include <errno.h>
#include <inttypes.h>
#include <poll.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "ctrun.h"

/* How often the loop checks whether the container still runs. */
#define LIVENESS_CHECK_MS 200

static void print_stats(const char *id, const struct libct_stats *stats)
{
	/* libct accepted the id, so it has only letters, digits and "_.+-",
	 * which need no JSON escaping. */
	printf("{\"type\":\"stats\",\"id\":\"%s\",\"data\":{", id);
	const char *separator = "";
	if (stats->has_cpu) {
		printf("\"cpu\":{\"usage\":{\"total\":%" PRIu64 ",\"kernel\":%" PRIu64 ",\"user\":%" PRIu64 "},"
		       "\"throttling\":{\"periods\":%" PRIu64 ",\"throttledPeriods\":%" PRIu64
		       ",\"throttledTime\":%" PRIu64 "}}",
		       stats->cpu_usage_ns, stats->cpu_system_ns, stats->cpu_user_ns, stats->cpu_periods,
		       stats->cpu_throttled_periods, stats->cpu_throttled_ns);
		separator = ",";
	}
	if (stats->has_memory) {
		printf("%s\"memory\":{\"usage\":{\"limit\":%" PRIu64 ",\"usage\":%" PRIu64 ",\"max\":%" PRIu64
		       ",\"failcnt\":%" PRIu64 "},\"swap\":{\"usage\":%" PRIu64 "},\"oomKills\":%" PRIu64 "}",
		       separator, stats->memory_limit, stats->memory_usage, stats->memory_max_usage,
		       stats->memory_failcnt, stats->swap_usage, stats->oom_kills);
		separator = ",";
	}
	if (stats->has_pids) {
		printf("%s\"pids\":{\"current\":%" PRIu64, separator, stats->pids_current);
		/* runc leaves the limit out when there is none. */
		if (stats->pids_limit != UINT64_MAX)
			printf(",\"limit\":%" PRIu64, stats->pids_limit);
		printf("}");
		separator = ",";
	}
	if (stats->n_hugetlb > 0) {
		printf("%s\"hugetlb\":{", separator);
		for (size_t i = 0; i < stats->n_hugetlb; i++)
			printf("%s\"%s\":{\"usage\":%" PRIu64 ",\"max\":%" PRIu64 ",\"failcnt\":%" PRIu64 "}",
			       i > 0 ? "," : "", stats->hugetlb[i].page_size, stats->hugetlb[i].usage,
			       stats->hugetlb[i].max_usage, stats->hugetlb[i].failcnt);
		printf("}");
	}
	printf("}}\n");
	fflush(stdout);
}

static bool container_running(struct libct_context *context, const char *id)
{
	struct libct_state *state = NULL;
	int r = libct_container_state(context, id, &state, NULL);
	bool running = r == 0 && state->status != LIBCT_STATUS_STOPPED;
	libct_state_free(state);
	return running;
}

static long long now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static void report_ooms(struct libct_oom_watch *watch, const char *id)
{
	for (int n = watch != NULL ? libct_oom_watch_read(watch) : 0; n > 0; n--)
		printf("{\"type\":\"oom\",\"id\":\"%s\"}\n", id);
	fflush(stdout);
}

/* Prints stats every interval and OOM kills as they happen, until the
 * container stops. */
static int watch_container(struct libct_context *context, const char *id, long long interval_ms)
{
	struct libct_error err = {0};
	struct libct_oom_watch *watch = NULL;
	if (libct_oom_watch_new(context, id, &watch, &err) < 0) {
		if (!container_running(context, id))
			return cli_fail(-ENOENT, &err);
		cli_log(LIBCT_LOG_WARNING, "%s; no OOM events follow", err.message);
	}

	long long next = now_ms();
	while (container_running(context, id)) {
		if (now_ms() >= next) {
			struct libct_stats stats;
			libct_error_clear(&err);
			if (libct_container_stats(context, id, &stats, &err) < 0)
				break; /* the container stopped between the two calls */
			print_stats(id, &stats);
			next += interval_ms;
		}
		long long wait = next - now_ms();
		if (wait > LIVENESS_CHECK_MS)
			wait = LIVENESS_CHECK_MS;
		if (wait < 0)
			wait = 0;
		struct pollfd pfd = { .fd = watch != NULL ? libct_oom_watch_fd(watch) : -1, .events = POLLIN };
		(void)poll(&pfd, 1, (int)wait);
		report_ooms(watch, id);
	}
	/* An OOM kill of the init ends the container and may wake nothing
	 * before the status reads stopped. */
	report_ooms(watch, id);
	libct_oom_watch_free(watch);
	return CLI_EXIT_OK;
}

int cmd_events(const struct cli_globals *globals, int argc, char **argv)
{
	bool stats_once = false;
	const char *interval = "5s";
	const struct cli_option options[] = {
		{"stats", 0, CLI_OPTION_FLAG, &stats_once, NULL, "print the usage counters once and exit"},
		{"interval", 0, CLI_OPTION_STRING, &interval, "DURATION",
		 "time between two stats lines, a Go duration such as 5s, 1m30s or 250ms (default: 5s)"},
		{NULL, 0, 0, NULL, NULL, NULL},
	};
	const struct cli_syntax syntax = {
		.command = "events",
		.operands = "ID",
		.summary = "Print usage statistics and OOM notifications of container ID as JSON lines.",
		.details = "Without --stats, print a stats line every interval and an oom line after\n"
			   "each OOM kill until the container stops.\n",
		.options = options,
		.min_operands = 1,
		.max_operands = 1,
	};
	int first;

	enum cli_parse_result parsed = cli_parse(&syntax, argc, argv, &first);
	if (parsed != CLI_PARSE_OK)
		return cli_parse_exit_status(parsed);
	int64_t interval_ns = 0;
	int r = cli_parse_duration(interval, &interval_ns);
	if (r < 0 || interval_ns <= 0)
		return cli_usage_error(&syntax, "invalid interval \"%s\": expected a positive Go duration such as "
						"5s, 1m30s or 250ms", interval);
	long long interval_ms = interval_ns / 1000000 > 0 ? interval_ns / 1000000 : 1;

	struct libct_context *context = cli_context_new(globals);
	if (context == NULL)
		return CLI_EXIT_FAILURE;
	const char *id = argv[first];
	int status = CLI_EXIT_OK;
	if (stats_once) {
		struct libct_error err = {0};
		struct libct_stats stats;
		r = libct_container_stats(context, id, &stats, &err);
		if (r < 0)
			status = cli_fail(r, &err);
		else
			print_stats(id, &stats);
	} else {
		status = watch_container(context, id, interval_ms);
	}
	libct_context_free(context);
	return status;
}
