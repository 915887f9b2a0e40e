/* SPDX-License-Identifier: Apache-2.0 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <yajl/yajl_gen.h>

#include "base.h"
#include "json.h"

#define WRITER_MAX_DEPTH 64

struct spec_json_writer {
	yajl_gen gen;
	bool in_object[WRITER_MAX_DEPTH]; /* per open container: object (true) or array */
	int depth;
	bool expect_key; /* inside an object, the next call must be a key */
	bool wrote_root;
	const char *misuse; /* the first error, reported by finish */
};

/* ---------------------------------------------------------------- UTF-8 */

/* Returns the length of the valid UTF-8 sequence at s, or 0 if invalid. */
static size_t utf8_sequence_length(const unsigned char *s)
{
	unsigned char c = s[0];
	if (c < 0x80)
		return 1;
	size_t length;
	unsigned char low = 0x80, high = 0xbf;
	if (c >= 0xc2 && c <= 0xdf) {
		length = 2;
	} else if (c >= 0xe0 && c <= 0xef) {
		length = 3;
		if (c == 0xe0)
			low = 0xa0;
		else if (c == 0xed)
			high = 0x9f; /* UTF-16 surrogates are not characters */
	} else if (c >= 0xf0 && c <= 0xf4) {
		length = 4;
		if (c == 0xf0)
			low = 0x90;
		else if (c == 0xf4)
			high = 0x8f;
	} else {
		return 0;
	}
	if (s[1] < low || s[1] > high)
		return 0;
	for (size_t i = 2; i < length; i++)
		if (s[i] < 0x80 || s[i] > 0xbf)
			return 0;
	return length;
}

/* Returns a copy of value with each invalid byte replaced by U+FFFD, or
 * NULL when value is already valid UTF-8. */
static char *replace_invalid_utf8(const char *value)
{
	const unsigned char *s = (const unsigned char *)value;
	size_t i = 0;
	while (s[i] != '\0' && utf8_sequence_length(s + i) > 0)
		i += utf8_sequence_length(s + i);
	if (s[i] == '\0')
		return NULL;

	char *copy = ct_malloc(strlen(value) * 3 + 1);
	size_t out = 0;
	for (i = 0; s[i] != '\0';) {
		size_t length = utf8_sequence_length(s + i);
		if (length == 0) {
			memcpy(copy + out, "\xef\xbf\xbd", 3);
			out += 3;
			i++;
			continue;
		}
		memcpy(copy + out, s + i, length);
		out += length;
		i += length;
	}
	copy[out] = '\0';
	return copy;
}

/* --------------------------------------------------------------- writer */

struct spec_json_writer *spec_json_writer_new(bool pretty)
{
	struct spec_json_writer *writer = ct_calloc(1, sizeof(*writer));
	writer->gen = yajl_gen_alloc(NULL);
	if (writer->gen == NULL) {
		fputs("ctrun: out of memory\n", stderr);
		abort();
	}
	if (pretty) {
		yajl_gen_config(writer->gen, yajl_gen_beautify, 1);
		yajl_gen_config(writer->gen, yajl_gen_indent_string, "\t");
	}
	return writer;
}

void spec_json_writer_free(struct spec_json_writer *writer)
{
	if (writer == NULL)
		return;
	yajl_gen_free(writer->gen);
	free(writer);
}

static void record_misuse(struct spec_json_writer *writer, const char *what)
{
	if (writer->misuse == NULL)
		writer->misuse = what;
}

/* Checks that a value may be written here, before writing it. */
static bool begin_value(struct spec_json_writer *writer)
{
	if (writer->misuse != NULL)
		return false;
	if (writer->depth == 0 && writer->wrote_root) {
		record_misuse(writer, "a second value after the end of the document");
		return false;
	}
	if (writer->depth > 0 && writer->in_object[writer->depth - 1] && writer->expect_key) {
		record_misuse(writer, "a value where an object key was expected");
		return false;
	}
	return true;
}

/* Updates the state after a complete value. */
static void end_value(struct spec_json_writer *writer, yajl_gen_status status)
{
	if (status != yajl_gen_status_ok) {
		record_misuse(writer, "a value that yajl rejected");
		return;
	}
	if (writer->depth == 0)
		writer->wrote_root = true;
	else if (writer->in_object[writer->depth - 1])
		writer->expect_key = true;
}

static void open_container(struct spec_json_writer *writer, bool object)
{
	if (!begin_value(writer))
		return;
	if (writer->depth == WRITER_MAX_DEPTH) {
		record_misuse(writer, "nesting deeper than 64 levels");
		return;
	}
	yajl_gen_status status = object ? yajl_gen_map_open(writer->gen) : yajl_gen_array_open(writer->gen);
	if (status != yajl_gen_status_ok) {
		record_misuse(writer, "an object or array that yajl rejected");
		return;
	}
	writer->in_object[writer->depth++] = object;
	writer->expect_key = object;
}

static void close_container(struct spec_json_writer *writer, bool object)
{
	if (writer->misuse != NULL)
		return;
	if (writer->depth == 0 || writer->in_object[writer->depth - 1] != object) {
		record_misuse(writer, object ? "an object end without a matching begin"
					     : "an array end without a matching begin");
		return;
	}
	if (object && !writer->expect_key) {
		record_misuse(writer, "an object key without a value");
		return;
	}
	yajl_gen_status status = object ? yajl_gen_map_close(writer->gen) : yajl_gen_array_close(writer->gen);
	writer->depth--;
	end_value(writer, status);
}

void spec_json_writer_begin_object(struct spec_json_writer *writer)
{
	open_container(writer, true);
}

void spec_json_writer_end_object(struct spec_json_writer *writer)
{
	close_container(writer, true);
}

void spec_json_writer_begin_array(struct spec_json_writer *writer)
{
	open_container(writer, false);
}

void spec_json_writer_end_array(struct spec_json_writer *writer)
{
	close_container(writer, false);
}

static yajl_gen_status generate_string(yajl_gen gen, const char *value)
{
	char *replaced = replace_invalid_utf8(value);
	const char *text = replaced != NULL ? replaced : value;
	yajl_gen_status status = yajl_gen_string(gen, (const unsigned char *)text, strlen(text));
	free(replaced);
	return status;
}

void spec_json_writer_key(struct spec_json_writer *writer, const char *key)
{
	if (writer->misuse != NULL)
		return;
	if (writer->depth == 0 || !writer->in_object[writer->depth - 1] || !writer->expect_key) {
		record_misuse(writer, "an object key outside an object or where a value was expected");
		return;
	}
	if (generate_string(writer->gen, key) != yajl_gen_status_ok) {
		record_misuse(writer, "a key that yajl rejected");
		return;
	}
	writer->expect_key = false;
}

void spec_json_writer_string(struct spec_json_writer *writer, const char *value)
{
	if (value == NULL) {
		spec_json_writer_null(writer);
		return;
	}
	if (begin_value(writer))
		end_value(writer, generate_string(writer->gen, value));
}

void spec_json_writer_int(struct spec_json_writer *writer, int64_t value)
{
	char number[32];
	int n = snprintf(number, sizeof(number), "%" PRId64, value);
	if (begin_value(writer))
		end_value(writer, yajl_gen_number(writer->gen, number, (size_t)n));
}

void spec_json_writer_uint(struct spec_json_writer *writer, uint64_t value)
{
	char number[32];
	int n = snprintf(number, sizeof(number), "%" PRIu64, value);
	if (begin_value(writer))
		end_value(writer, yajl_gen_number(writer->gen, number, (size_t)n));
}

void spec_json_writer_bool(struct spec_json_writer *writer, bool value)
{
	if (begin_value(writer))
		end_value(writer, yajl_gen_bool(writer->gen, value));
}

void spec_json_writer_null(struct spec_json_writer *writer)
{
	if (begin_value(writer))
		end_value(writer, yajl_gen_null(writer->gen));
}

void spec_json_writer_key_string(struct spec_json_writer *writer, const char *key, const char *value)
{
	spec_json_writer_key(writer, key);
	spec_json_writer_string(writer, value);
}

void spec_json_writer_key_int(struct spec_json_writer *writer, const char *key, int64_t value)
{
	spec_json_writer_key(writer, key);
	spec_json_writer_int(writer, value);
}

void spec_json_writer_key_uint(struct spec_json_writer *writer, const char *key, uint64_t value)
{
	spec_json_writer_key(writer, key);
	spec_json_writer_uint(writer, value);
}

void spec_json_writer_key_bool(struct spec_json_writer *writer, const char *key, bool value)
{
	spec_json_writer_key(writer, key);
	spec_json_writer_bool(writer, value);
}

void spec_json_writer_map(struct spec_json_writer *writer, const struct spec_map *map)
{
	spec_json_writer_begin_object(writer);
	for (size_t i = 0; i < map->n_entries; i++)
		spec_json_writer_key_string(writer, map->entries[i].key, map->entries[i].value);
	spec_json_writer_end_object(writer);
}

void spec_json_writer_strings(struct spec_json_writer *writer, char *const *strings, size_t count)
{
	spec_json_writer_begin_array(writer);
	for (size_t i = 0; i < count; i++)
		spec_json_writer_string(writer, strings[i]);
	spec_json_writer_end_array(writer);
}

int spec_json_writer_finish(struct spec_json_writer *writer, char **ret_json, size_t *ret_len,
			    struct libct_error *err)
{
	if (writer->misuse == NULL && (writer->depth > 0 || !writer->wrote_root))
		record_misuse(writer, "an incomplete document");
	if (writer->misuse != NULL) {
		int r = ct_error_set(err, EINVAL, "write JSON: %s", writer->misuse);
		spec_json_writer_free(writer);
		return r;
	}

	const unsigned char *buffer = NULL;
	size_t len = 0;
	yajl_gen_get_buf(writer->gen, &buffer, &len);
	*ret_json = ct_strndup((const char *)buffer, len);
	if (ret_len != NULL)
		*ret_len = len;
	spec_json_writer_free(writer);
	return 0;
}

/* ------------------------------------------------------------- escaping */

char *spec_json_escape_string(const char *value)
{
	char *replaced = replace_invalid_utf8(value);
	const unsigned char *s = (const unsigned char *)(replaced != NULL ? replaced : value);
	/* Each byte becomes at most six ("\u001f"), plus quotes and NUL. */
	char *out = ct_malloc(strlen((const char *)s) * 6 + 3);
	size_t n = 0;

	out[n++] = '"';
	for (; *s != '\0'; s++) {
		const char *escape = NULL;
		switch (*s) {
		case '"':
			escape = "\\\"";
			break;
		case '\\':
			escape = "\\\\";
			break;
		case '\n':
			escape = "\\n";
			break;
		case '\r':
			escape = "\\r";
			break;
		case '\t':
			escape = "\\t";
			break;
		case '\b':
			escape = "\\b";
			break;
		case '\f':
			escape = "\\f";
			break;
		default:
			break;
		}
		if (escape != NULL) {
			memcpy(out + n, escape, 2);
			n += 2;
		} else if (*s < 0x20) {
			n += (size_t)sprintf(out + n, "\\u%04x", *s);
		} else {
			out[n++] = (char)*s;
		}
	}
	out[n++] = '"';
	out[n] = '\0';
	free(replaced);
	return out;
}
