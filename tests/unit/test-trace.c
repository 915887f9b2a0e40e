/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Unit tests of the start-up trace: the JSON line that ctrun writes per
 * record, and the text form in which the container's init sends a record
 * to the runtime.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "ctrun.h"
#include "internal.h"
#include "tap.h"

static void test_format_full(void)
{
	struct libct_trace_record record = {
		.phase = "mount",
		.detail = "/proc",
		.id = "web",
		.pid = 4242,
		.start_us = 1000250,
		.duration_us = 38,
	};
	char *line = cli_trace_format_record(&record, 1000000, "run");
	is_str(line,
	       "{\"phase\":\"mount\",\"detail\":\"/proc\",\"start_us\":250,\"duration_us\":38,\"pid\":4242,"
	       "\"container\":\"web\",\"command\":\"run\"}\n",
	       "record with detail and container");
	free(line);
}

static void test_format_minimal(void)
{
	struct libct_trace_record record = { .phase = "command", .pid = 7, .start_us = 5, .duration_us = 0 };
	char *line = cli_trace_format_record(&record, 5, "delete");
	is_str(line, "{\"phase\":\"command\",\"start_us\":0,\"duration_us\":0,\"pid\":7,\"command\":\"delete\"}\n",
	       "record without detail and container");
	free(line);
}

static void test_format_escapes(void)
{
	struct libct_trace_record record = {
		.phase = "mount",
		.detail = "/odd \"dir\"\n",
		.id = "a",
		.pid = 1,
		.start_us = 10,
		.duration_us = 1,
	};
	char *line = cli_trace_format_record(&record, 0, "create");
	ok(strstr(line, "\"detail\":\"/odd \\\"dir\\\"\\n\"") != NULL, "detail is a quoted JSON string: %s", line);
	is_int((int)(strchr(line, '\n') - line), (int)strlen(line) - 1, "the only newline ends the line");
	free(line);
}

static void test_format_before_origin(void)
{
	struct libct_trace_record record = { .phase = "clone", .pid = 1, .start_us = 90, .duration_us = 3 };
	char *line = cli_trace_format_record(&record, 100, "run");
	ok(strstr(line, "\"start_us\":-10,") != NULL, "a start before the origin is negative: %s", line);
	free(line);
}

static void test_encode_decode(void)
{
	struct libct_trace_record record = {
		.phase = "mount",
		.detail = "/mnt/with space",
		.pid = 31337,
		.start_us = 123456789012ULL,
		.duration_us = 77,
	};
	char text[LIBCT_ERROR_MESSAGE_MAX];
	is_int(ct_trace_encode(&record, text, sizeof(text)), 0, "encode a record");
	is_str(text, "123456789012 77 31337 mount /mnt/with space", "encoded text");

	struct libct_trace_record decoded;
	is_int(ct_trace_decode(text, &decoded), 0, "decode the record");
	is_str(decoded.phase, "mount", "decoded phase");
	is_str(decoded.detail, "/mnt/with space", "decoded detail keeps its spaces");
	is_int(decoded.pid, 31337, "decoded pid");
	ok(decoded.start_us == 123456789012ULL, "decoded start");
	ok(decoded.duration_us == 77, "decoded duration");
	ok(decoded.id == NULL, "the runtime fills in the container id");
}

static void test_encode_without_detail(void)
{
	struct libct_trace_record record = { .phase = "pivot_root", .pid = 9, .start_us = 1, .duration_us = 2 };
	char text[64];
	is_int(ct_trace_encode(&record, text, sizeof(text)), 0, "encode without detail");
	struct libct_trace_record decoded;
	is_int(ct_trace_decode(text, &decoded), 0, "decode without detail");
	is_str(decoded.phase, "pivot_root", "phase alone");
	ok(decoded.detail == NULL, "no detail");

	char small[8];
	is_int(ct_trace_encode(&record, small, sizeof(small)), -ENAMETOOLONG, "a buffer too small fails");
}

static void test_decode_rejects(void)
{
	const char *bad[] = { "", "1 2", "1 2 3", "1 2 3 ", "x 2 3 clone", "1 2 -3" };
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		char text[32];
		snprintf(text, sizeof(text), "%s", bad[i]);
		struct libct_trace_record decoded;
		is_int(ct_trace_decode(text, &decoded), -EBADMSG, "reject \"%s\"", bad[i]);
	}
}

int main(void)
{
	test_format_full();
	test_format_minimal();
	test_format_escapes();
	test_format_before_origin();
	test_encode_decode();
	test_encode_without_detail();
	test_decode_rejects();
	return done_testing();
}
