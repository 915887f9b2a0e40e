/* SPDX-License-Identifier: Apache-2.0 */
/*
 * A small JSON writer, so that code outside spec/ can emit JSON without
 * touching yajl.
 *
 *   struct spec_json_writer *writer = spec_json_writer_new(false);
 *   spec_json_writer_begin_object(writer);
 *   spec_json_writer_key(writer, "level");
 *   spec_json_writer_string(writer, "error");
 *   spec_json_writer_end_object(writer);
 *   r = spec_json_writer_finish(writer, &json, &len, err);  (also frees writer)
 *
 * The writing calls return nothing: the first misuse (a value where a key is
 * due, invalid UTF-8 in a string, unbalanced begin/end) is remembered and
 * reported by spec_json_writer_finish(), and later calls do nothing.
 */
#ifndef CTRUN_SPEC_JSON_H
#define CTRUN_SPEC_JSON_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "config.h"
#include "libct.h"

struct spec_json_writer;

/* Creates a writer; pretty indents with tabs and ends the document with a
 * newline, otherwise the output is one line without a newline. */
struct spec_json_writer *spec_json_writer_new(bool pretty);

void spec_json_writer_begin_object(struct spec_json_writer *writer);
void spec_json_writer_end_object(struct spec_json_writer *writer);
void spec_json_writer_begin_array(struct spec_json_writer *writer);
void spec_json_writer_end_array(struct spec_json_writer *writer);
void spec_json_writer_key(struct spec_json_writer *writer, const char *key);
/* Writes a string, or null when value is NULL. */
void spec_json_writer_string(struct spec_json_writer *writer, const char *value);
void spec_json_writer_int(struct spec_json_writer *writer, int64_t value);
void spec_json_writer_uint(struct spec_json_writer *writer, uint64_t value);
void spec_json_writer_bool(struct spec_json_writer *writer, bool value);
void spec_json_writer_null(struct spec_json_writer *writer);

/* Shorthands for a key followed by its value. */
void spec_json_writer_key_string(struct spec_json_writer *writer, const char *key, const char *value);
void spec_json_writer_key_int(struct spec_json_writer *writer, const char *key, int64_t value);
void spec_json_writer_key_uint(struct spec_json_writer *writer, const char *key, uint64_t value);
void spec_json_writer_key_bool(struct spec_json_writer *writer, const char *key, bool value);
/* Writes an object of strings in the map's order. */
void spec_json_writer_map(struct spec_json_writer *writer, const struct spec_map *map);
/* Writes an array of count strings. */
void spec_json_writer_strings(struct spec_json_writer *writer, char *const *strings, size_t count);

/*
 * Finishes the document and frees the writer. On success stores a new
 * NUL-terminated string in *ret_json and its length (without the NUL) in
 * *ret_len, which may be NULL. Returns -EINVAL if the writer was misused or
 * the document is incomplete.
 */
int spec_json_writer_finish(struct spec_json_writer *writer, char **ret_json, size_t *ret_len,
			    struct libct_error *err);

/* Frees a writer without finishing it (on an error path). NULL is allowed. */
void spec_json_writer_free(struct spec_json_writer *writer);

/*
 * Returns a new string holding value as a quoted JSON string, for example
 * "a\"b" for a"b. Bytes that are not valid UTF-8 are written as U+FFFD so
 * that the result is always valid JSON (log lines must never break).
 */
char *spec_json_escape_string(const char *value);

#endif
