/* SPDX-License-Identifier: Apache-2.0 */
/* The JSON writer of spec/json.h and spec_json_escape_string(). */
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "json.h"
#include "tap.h"

static void test_compact_document(void)
{
	struct spec_json_writer *writer = spec_json_writer_new(false);
	spec_json_writer_begin_object(writer);
	spec_json_writer_key_string(writer, "level", "error");
	spec_json_writer_key_string(writer, "msg", "mount \"proc\"\n\tfailed");
	spec_json_writer_key_int(writer, "min", INT64_MIN);
	spec_json_writer_key_uint(writer, "max", UINT64_MAX);
	spec_json_writer_key_bool(writer, "ok", false);
	spec_json_writer_key(writer, "none");
	spec_json_writer_string(writer, NULL);
	spec_json_writer_key(writer, "list");
	spec_json_writer_begin_array(writer);
	spec_json_writer_int(writer, 1);
	spec_json_writer_begin_object(writer);
	spec_json_writer_end_object(writer);
	spec_json_writer_begin_array(writer);
	spec_json_writer_end_array(writer);
	spec_json_writer_end_array(writer);
	spec_json_writer_end_object(writer);

	char *json = NULL;
	size_t len = 0;
	struct libct_error err = { 0 };
	is_int(spec_json_writer_finish(writer, &json, &len, &err), 0, "compact document finishes");
	is_str(json,
	       "{\"level\":\"error\",\"msg\":\"mount \\\"proc\\\"\\n\\tfailed\",\"min\":-9223372036854775808,"
	       "\"max\":18446744073709551615,\"ok\":false,\"none\":null,\"list\":[1,{},[]]}",
	       "compact document text");
	is_int(len, strlen(json), "compact document length");
	free(json);
}

static void test_pretty_document(void)
{
	struct spec_json_writer *writer = spec_json_writer_new(true);
	spec_json_writer_begin_object(writer);
	spec_json_writer_key(writer, "args");
	spec_json_writer_strings(writer, (char *const[]){ "sh", "-c" }, 2);
	struct spec_map_entry entries[] = { { "b", "2" }, { "a", "1" } };
	struct spec_map map = { entries, 2 };
	spec_json_writer_key(writer, "annotations");
	spec_json_writer_map(writer, &map);
	spec_json_writer_end_object(writer);

	char *json = NULL;
	is_int(spec_json_writer_finish(writer, &json, NULL, NULL), 0, "pretty document finishes");
	is_str(json,
	       "{\n\t\"args\": [\n\t\t\"sh\",\n\t\t\"-c\"\n\t],\n\t\"annotations\": {\n\t\t\"b\": "
	       "\"2\",\n\t\t\"a\": \"1\"\n\t}\n}\n",
	       "pretty document text keeps map order");
	free(json);
}

static void test_invalid_utf8(void)
{
	struct spec_json_writer *writer = spec_json_writer_new(false);
	spec_json_writer_begin_array(writer);
	spec_json_writer_string(writer, "caf\xc3\xa9 \xff\xc3");
	spec_json_writer_end_array(writer);
	char *json = NULL;
	is_int(spec_json_writer_finish(writer, &json, NULL, NULL), 0, "invalid UTF-8 is written");
	is_str(json, "[\"caf\xc3\xa9 \xef\xbf\xbd\xef\xbf\xbd\"]", "invalid bytes become U+FFFD");
	free(json);
}

struct misuse_case {
	const char *name;
	void (*build)(struct spec_json_writer *writer);
	const char *message;
};

static void value_as_key(struct spec_json_writer *writer)
{
	spec_json_writer_begin_object(writer);
	spec_json_writer_int(writer, 1);
	spec_json_writer_end_object(writer);
}

static void key_in_array(struct spec_json_writer *writer)
{
	spec_json_writer_begin_array(writer);
	spec_json_writer_key(writer, "a");
	spec_json_writer_end_array(writer);
}

static void key_without_value(struct spec_json_writer *writer)
{
	spec_json_writer_begin_object(writer);
	spec_json_writer_key(writer, "a");
	spec_json_writer_end_object(writer);
}

static void unclosed(struct spec_json_writer *writer)
{
	spec_json_writer_begin_array(writer);
}

static void mismatched_end(struct spec_json_writer *writer)
{
	spec_json_writer_begin_array(writer);
	spec_json_writer_end_object(writer);
}

static void two_roots(struct spec_json_writer *writer)
{
	spec_json_writer_int(writer, 1);
	spec_json_writer_int(writer, 2);
}

static void empty(struct spec_json_writer *writer)
{
}

static void too_deep(struct spec_json_writer *writer)
{
	for (int i = 0; i < 65; i++)
		spec_json_writer_begin_array(writer);
}

static const struct misuse_case misuse_cases[] = {
	{ "value as key", value_as_key, "write JSON: a value where an object key was expected" },
	{ "key in array", key_in_array,
	  "write JSON: an object key outside an object or where a value was expected" },
	{ "key without value", key_without_value, "write JSON: an object key without a value" },
	{ "unclosed array", unclosed, "write JSON: an incomplete document" },
	{ "mismatched end", mismatched_end, "write JSON: an object end without a matching begin" },
	{ "two roots", two_roots, "write JSON: a second value after the end of the document" },
	{ "empty document", empty, "write JSON: an incomplete document" },
	{ "too deep", too_deep, "write JSON: nesting deeper than 64 levels" },
};

static void test_misuse(void)
{
	for (size_t i = 0; i < sizeof(misuse_cases) / sizeof(misuse_cases[0]); i++) {
		struct spec_json_writer *writer = spec_json_writer_new(false);
		misuse_cases[i].build(writer);
		char *json = NULL;
		struct libct_error err = { 0 };
		is_int(spec_json_writer_finish(writer, &json, NULL, &err), -EINVAL, "%s is rejected",
		       misuse_cases[i].name);
		is_str(err.message, misuse_cases[i].message, "%s message", misuse_cases[i].name);
		ok(json == NULL, "%s returns no document", misuse_cases[i].name);
	}
	spec_json_writer_free(NULL);
	spec_json_writer_free(spec_json_writer_new(true));
	ok(true, "free without finish");
}

static void test_escape(void)
{
	struct {
		const char *input;
		const char *expected;
	} cases[] = {
		{ "", "\"\"" },
		{ "plain", "\"plain\"" },
		{ "a\"b\\c", "\"a\\\"b\\\\c\"" },
		{ "\n\r\t\b\f", "\"\\n\\r\\t\\b\\f\"" },
		{ "\x01\x1f", "\"\\u0001\\u001f\"" },
		{ "/path", "\"/path\"" },
		{ "\xe2\x82\xac", "\"\xe2\x82\xac\"" },
		{ "\xed\xa0\x80", "\"\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd\"" },
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		char *escaped = spec_json_escape_string(cases[i].input);
		is_str(escaped, cases[i].expected, "escape case %zu", i);
		free(escaped);
	}
}

int main(void)
{
	test_compact_document();
	test_pretty_document();
	test_invalid_utf8();
	test_misuse();
	test_escape();
	return done_testing();
}
