/* SPDX-License-Identifier: Apache-2.0 */
#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <yajl/yajl_parse.h>

#include "base.h"
#include "config.h"
#include "fields.h"

#define MEMBER(base, offset, type) ((type *)((char *)(base) + (offset)))

/* The name table and the nested table that field names by index. */
static const struct spec_name_table *names_of(const struct spec_parser *parser, const struct spec_field *field)
{
	return parser->schema->names[field->names];
}

static const struct spec_field *nested_of(const struct spec_parser *parser, const struct spec_field *field)
{
	return parser->schema->tables[field->fields];
}

/* ---------------------------------------------------------- raw JSON */

struct syntax_check {
	int depth;
	const char *cancel_reason; /* why a callback stopped the parse */
};

static int on_open(void *ctx)
{
	struct syntax_check *check = ctx;
	if (++check->depth <= SPEC_JSON_MAX_DEPTH)
		return 1;
	check->cancel_reason = "nesting deeper than " SPEC_JSON_MAX_DEPTH_TEXT " levels";
	return 0;
}

static int on_close(void *ctx)
{
	struct syntax_check *check = ctx;
	check->depth--;
	return 1;
}

/* yajl's tree stores NUL-terminated strings, so "\u0000" would silently cut
 * a value such as a path short. Such strings are rejected. */
static int on_string(void *ctx, const unsigned char *value, size_t len)
{
	struct syntax_check *check = ctx;
	if (memchr(value, '\0', len) == NULL)
		return 1;
	check->cancel_reason = "string contains a NUL character";
	return 0;
}

static const yajl_callbacks syntax_callbacks = {
	.yajl_string = on_string,
	.yajl_start_map = on_open,
	.yajl_map_key = on_string,
	.yajl_end_map = on_close,
	.yajl_start_array = on_open,
	.yajl_end_array = on_close,
};

static void locate_offset(const char *json, size_t len, size_t offset, size_t *ret_line, size_t *ret_column)
{
	size_t line = 1, column = 1;
	if (offset > len)
		offset = len;
	for (size_t i = 0; i < offset; i++) {
		if (json[i] == '\n') {
			line++;
			column = 1;
		} else {
			column++;
		}
	}
	*ret_line = line;
	*ret_column = column;
}

/* yajl's messages read "parse error: premature EOF\n" and the like; keep
 * the part after the colon, without the trailing newline or period. */
static void copy_yajl_message(const unsigned char *message, char *buf, size_t size)
{
	const char *text = (const char *)message;
	const char *colon = strstr(text, "error: ");
	if (colon != NULL)
		text = colon + strlen("error: ");
	snprintf(buf, size, "%s", text);
	size_t n = strlen(buf);
	while (n > 0 && (buf[n - 1] == '\n' || buf[n - 1] == ' ' || buf[n - 1] == '.'))
		buf[--n] = '\0';
}

/*
 * yajl_tree_parse() reports no position, so a streaming pass finds the
 * offset of the first error (and limits the depth) before the tree is built.
 */
static int check_json_syntax(const char *json, size_t len, struct libct_error *err)
{
	struct syntax_check check = { 0 };
	const char *nul = memchr(json, '\0', len);
	size_t line, column;
	if (nul != NULL) {
		locate_offset(json, len, (size_t)(nul - json), &line, &column);
		return ct_error_set(err, EINVAL, "invalid JSON at line %zu, column %zu: unexpected NUL byte",
				    line, column);
	}

	yajl_handle handle = yajl_alloc(&syntax_callbacks, NULL, &check);
	if (handle == NULL)
		return ct_error_set(err, ENOMEM, "allocate JSON parser");
	yajl_status status = yajl_parse(handle, (const unsigned char *)json, len);
	bool at_end = false;
	if (status == yajl_status_ok) {
		status = yajl_complete_parse(handle);
		at_end = true;
	}
	if (status == yajl_status_ok) {
		yajl_free(handle);
		return 0;
	}

	size_t offset = yajl_get_bytes_consumed(handle);
	char reason[200];
	if (status == yajl_status_client_canceled) {
		snprintf(reason, sizeof(reason), "%s", check.cancel_reason);
		/* The bracket or closing quote that stopped the parse is the last
		 * byte consumed. */
		if (offset > 0)
			offset--;
	} else {
		unsigned char *message = yajl_get_error(handle, 0, (const unsigned char *)json, len);
		copy_yajl_message(message, reason, sizeof(reason));
		yajl_free_error(handle, message);
		/* yajl stops after the offending byte; an error found by
		 * yajl_complete_parse() (premature end) lies after the input. */
		if (at_end)
			offset = len;
		else if (offset > 0)
			offset--;
	}
	yajl_free(handle);
	locate_offset(json, len, offset, &line, &column);
	return ct_error_set(err, EINVAL, "invalid JSON at line %zu, column %zu: %s", line, column, reason);
}

int spec_json_tree_parse(const char *json, size_t len, yajl_val *ret_tree, struct libct_error *err)
{
	int r = check_json_syntax(json, len, err);
	if (r < 0)
		return r;

	/* yajl_tree_parse() wants a NUL-terminated string. */
	char *copy = ct_strndup(json, len);
	char message[256] = "";
	yajl_val tree = yajl_tree_parse(copy, message, sizeof(message));
	free(copy);
	if (tree == NULL) {
		char reason[256];
		copy_yajl_message((const unsigned char *)message, reason, sizeof(reason));
		return ct_error_set(err, EINVAL, "invalid JSON: %s", reason);
	}
	*ret_tree = tree;
	return 0;
}

/* -------------------------------------------------------------- paths */

int spec_parser_error(struct spec_parser *parser, const char *fmt, ...)
{
	char message[LIBCT_ERROR_MESSAGE_MAX];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(message, sizeof(message), fmt, ap);
	va_end(ap);
	if (parser->path_len == 0)
		return ct_error_set(parser->err, EINVAL, "%s", message);
	return ct_error_set(parser->err, EINVAL, "%s: %s", parser->path, message);
}

static size_t append_path(struct spec_parser *parser, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
static size_t append_path(struct spec_parser *parser, const char *fmt, ...)
{
	size_t old_length = parser->path_len;
	va_list ap;
	va_start(ap, fmt);
	int n = vsnprintf(parser->path + old_length, sizeof(parser->path) - old_length, fmt, ap);
	va_end(ap);
	if (n > 0)
		parser->path_len = strnlen(parser->path, sizeof(parser->path) - 1);
	return old_length;
}

size_t spec_parser_push_key(struct spec_parser *parser, const char *key)
{
	if (parser->path_len == 0)
		return append_path(parser, "%s", key);
	return append_path(parser, ".%s", key);
}

size_t spec_parser_push_index(struct spec_parser *parser, size_t index)
{
	return append_path(parser, "[%zu]", index);
}

void spec_parser_pop(struct spec_parser *parser, size_t length)
{
	parser->path_len = length;
	parser->path[length] = '\0';
}

/* ------------------------------------------------------------- values */

static const char *describe_type(yajl_val value)
{
	if (YAJL_IS_STRING(value))
		return "a string";
	if (YAJL_IS_NUMBER(value))
		return "a number";
	if (YAJL_IS_OBJECT(value))
		return "an object";
	if (YAJL_IS_ARRAY(value))
		return "an array";
	if (YAJL_IS_TRUE(value) || YAJL_IS_FALSE(value))
		return "a boolean";
	return "null";
}

static int expect_type(struct spec_parser *parser, yajl_val value, bool matches, const char *expected)
{
	if (matches)
		return 0;
	return spec_parser_error(parser, "expected %s, got %s", expected, describe_type(value));
}

static int parse_string(struct spec_parser *parser, yajl_val value, const struct spec_name_table *names,
			char **ret_string)
{
	int r = expect_type(parser, value, YAJL_IS_STRING(value), "a string");
	if (r < 0)
		return r;
	if (names != NULL && spec_table_lookup(names, value->u.string) == NULL)
		return spec_parser_error(parser, "unknown %s \"%s\"", names->what, value->u.string);
	*ret_string = ct_strdup(value->u.string);
	return 0;
}

static int check_integer_syntax(struct spec_parser *parser, yajl_val value)
{
	int r = expect_type(parser, value, YAJL_IS_NUMBER(value), "an integer");
	if (r < 0)
		return r;
	if (strpbrk(value->u.number.r, ".eE") != NULL)
		return spec_parser_error(parser, "expected an integer, got %s", value->u.number.r);
	return 0;
}

static int parse_signed(struct spec_parser *parser, yajl_val value, int64_t min, int64_t max, int64_t *ret)
{
	int r = check_integer_syntax(parser, value);
	if (r < 0)
		return r;

	errno = 0;
	long long number = strtoll(value->u.number.r, NULL, 10);
	if (errno == ERANGE || number < min || number > max)
		return spec_parser_error(parser, "value %s is out of range (%" PRId64 " to %" PRId64 ")",
					 value->u.number.r, min, max);
	*ret = number;
	return 0;
}

static int parse_unsigned(struct spec_parser *parser, yajl_val value, uint64_t max, uint64_t *ret)
{
	int r = check_integer_syntax(parser, value);
	if (r < 0)
		return r;

	const char *text = value->u.number.r;
	errno = 0;
	unsigned long long number = strtoull(text, NULL, 10);
	bool negative = text[0] == '-' && number != 0;
	if (negative || errno == ERANGE || number > max)
		return spec_parser_error(parser, "value %s is out of range (0 to %" PRIu64 ")", text, max);
	*ret = number;
	return 0;
}

static void signed_range(const struct spec_field *field, int64_t type_min, int64_t type_max, int64_t *ret_min,
			 int64_t *ret_max)
{
	*ret_min = type_min;
	*ret_max = type_max;
	if (field->max != 0 || field->min != 0) {
		*ret_min = field->min;
		*ret_max = field->max;
	}
}

static int parse_bool(struct spec_parser *parser, yajl_val value, bool *ret)
{
	int r = expect_type(parser, value, YAJL_IS_TRUE(value) || YAJL_IS_FALSE(value), "a boolean");
	if (r < 0)
		return r;
	*ret = YAJL_IS_TRUE(value);
	return 0;
}

static int parse_scalar(struct spec_parser *parser, const struct spec_field *field, yajl_val value,
			void *base)
{
	int64_t min, max, number;
	uint64_t unumber;
	int r;

	switch (field->kind) {
	case SPEC_FIELD_I32:
		signed_range(field, INT32_MIN, INT32_MAX, &min, &max);
		r = parse_signed(parser, value, min, max, &number);
		if (r == 0)
			*MEMBER(base, field->offset, int32_t) = (int32_t)number;
		return r;
	case SPEC_FIELD_I64:
	case SPEC_FIELD_OPT_I64:
		signed_range(field, INT64_MIN, INT64_MAX, &min, &max);
		r = parse_signed(parser, value, min, max, &number);
		if (r == 0 && field->kind == SPEC_FIELD_I64)
			*MEMBER(base, field->offset, int64_t) = number;
		if (r == 0 && field->kind == SPEC_FIELD_OPT_I64)
			*MEMBER(base, field->offset, struct spec_opt_i64) =
				(struct spec_opt_i64){ true, number };
		return r;
	case SPEC_FIELD_U32:
		r = parse_unsigned(parser, value, field->umax ? field->umax : UINT32_MAX, &unumber);
		if (r == 0)
			*MEMBER(base, field->offset, uint32_t) = (uint32_t)unumber;
		return r;
	case SPEC_FIELD_U64:
	case SPEC_FIELD_OPT_U64:
		r = parse_unsigned(parser, value, field->umax ? field->umax : UINT64_MAX, &unumber);
		if (r == 0 && field->kind == SPEC_FIELD_U64)
			*MEMBER(base, field->offset, uint64_t) = unumber;
		if (r == 0 && field->kind == SPEC_FIELD_OPT_U64)
			*MEMBER(base, field->offset, struct spec_opt_u64) =
				(struct spec_opt_u64){ true, unumber };
		return r;
	case SPEC_FIELD_BOOL:
		return parse_bool(parser, value, MEMBER(base, field->offset, bool));
	case SPEC_FIELD_OPT_BOOL: {
		struct spec_opt_bool *target = MEMBER(base, field->offset, struct spec_opt_bool);
		r = parse_bool(parser, value, &target->value);
		target->set = r == 0;
		return r;
	}
	default:
		return spec_parser_error(parser, "internal error: field kind %d is not a scalar",
					 (int)field->kind);
	}
}

/* ------------------------------------------------- strings and arrays */

static int parse_string_field(struct spec_parser *parser, const struct spec_field *field, yajl_val value,
			      void *base)
{
	char **target = MEMBER(base, field->offset, char *);
	int r = parse_string(parser, value, names_of(parser, field), target);
	if (r < 0 || !field->has_value)
		return r;
	*MEMBER(base, field->value_offset, int) = (int)spec_table_lookup(names_of(parser, field), *target)->value;
	return 0;
}

static int parse_enum(struct spec_parser *parser, const struct spec_field *field, yajl_val value, void *base)
{
	int r = expect_type(parser, value, YAJL_IS_STRING(value), "a string");
	if (r < 0)
		return r;
	const struct spec_name_value *entry = spec_table_lookup(names_of(parser, field), value->u.string);
	if (entry == NULL)
		return spec_parser_error(parser, "unknown %s \"%s\"", names_of(parser, field)->what, value->u.string);
	*MEMBER(base, field->offset, int) = (int)entry->value;
	return 0;
}

static int parse_strings(struct spec_parser *parser, const struct spec_field *field, yajl_val value,
			 void *base)
{
	int r = expect_type(parser, value, YAJL_IS_ARRAY(value), "an array");
	if (r < 0)
		return r;

	size_t count = value->u.array.len;
	char **strings = ct_calloc(count + 1, sizeof(char *));
	*MEMBER(base, field->offset, char **) = strings;
	*MEMBER(base, field->count_offset, size_t) = count;
	for (size_t i = 0; i < count; i++) {
		size_t saved = spec_parser_push_index(parser, i);
		r = parse_string(parser, value->u.array.values[i], names_of(parser, field), &strings[i]);
		if (r < 0)
			return r;
		spec_parser_pop(parser, saved);
	}
	return 0;
}

static int parse_u32_array(struct spec_parser *parser, const struct spec_field *field, yajl_val value,
			   void *base)
{
	int r = expect_type(parser, value, YAJL_IS_ARRAY(value), "an array");
	if (r < 0)
		return r;

	size_t count = value->u.array.len;
	uint32_t *numbers = ct_calloc(count, sizeof(uint32_t));
	*MEMBER(base, field->offset, uint32_t *) = numbers;
	*MEMBER(base, field->count_offset, size_t) = count;
	for (size_t i = 0; i < count; i++) {
		size_t saved = spec_parser_push_index(parser, i);
		uint64_t number;
		r = parse_unsigned(parser, value->u.array.values[i], UINT32_MAX, &number);
		if (r < 0)
			return r;
		numbers[i] = (uint32_t)number;
		spec_parser_pop(parser, saved);
	}
	return 0;
}

static int compare_keys(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/* Returns a key that appears twice among keys[0..count), or NULL. Large
 * objects (annotations can be big) are sorted so that this stays O(n log n). */
static const char *find_duplicate_key(const char **keys, size_t count)
{
	if (count <= 16) {
		for (size_t i = 1; i < count; i++)
			for (size_t j = 0; j < i; j++)
				if (strcmp(keys[i], keys[j]) == 0)
					return keys[i];
		return NULL;
	}

	const char **sorted = ct_malloc(count * sizeof(*sorted));
	memcpy(sorted, keys, count * sizeof(*sorted));
	qsort(sorted, count, sizeof(*sorted), compare_keys);
	const char *duplicate = NULL;
	for (size_t i = 1; i < count && duplicate == NULL; i++)
		if (strcmp(sorted[i], sorted[i - 1]) == 0)
			duplicate = sorted[i];
	free(sorted);
	return duplicate;
}

/* A key that appears twice in one object would be ambiguous (and would
 * leak the first value), so it is rejected. */
static int check_unique_keys(struct spec_parser *parser, yajl_val object)
{
	const char *duplicate = find_duplicate_key(object->u.object.keys, object->u.object.len);
	if (duplicate != NULL)
		return spec_parser_error(parser, "duplicate key \"%s\"", duplicate);
	return 0;
}

static int parse_map(struct spec_parser *parser, const struct spec_field *field, yajl_val value, void *base)
{
	int r = expect_type(parser, value, YAJL_IS_OBJECT(value), "an object");
	if (r == 0)
		r = check_unique_keys(parser, value);
	if (r < 0)
		return r;

	struct spec_map *map = MEMBER(base, field->offset, struct spec_map);
	size_t count = value->u.object.len;
	map->entries = ct_calloc(count, sizeof(struct spec_map_entry));
	for (size_t i = 0; i < count; i++) {
		size_t saved = spec_parser_push_key(parser, value->u.object.keys[i]);
		char *string = NULL;
		r = parse_string(parser, value->u.object.values[i], NULL, &string);
		if (r < 0)
			return r;
		map->entries[i].key = ct_strdup(value->u.object.keys[i]);
		map->entries[i].value = string;
		map->n_entries = i + 1;
		spec_parser_pop(parser, saved);
	}
	return 0;
}

/* ------------------------------------------------------------ objects */

static int parse_object_array(struct spec_parser *parser, const struct spec_field *field, yajl_val value,
			      void *base)
{
	int r = expect_type(parser, value, YAJL_IS_ARRAY(value), "an array");
	if (r < 0)
		return r;

	size_t count = value->u.array.len;
	char *elements = ct_calloc(count, field->elem_size);
	*MEMBER(base, field->offset, void *) = elements;
	*MEMBER(base, field->count_offset, size_t) = count;
	for (size_t i = 0; i < count; i++) {
		size_t saved = spec_parser_push_index(parser, i);
		r = spec_fields_parse(parser, value->u.array.values[i], nested_of(parser, field),
				      elements + i * field->elem_size);
		if (r < 0)
			return r;
		spec_parser_pop(parser, saved);
	}
	return 0;
}

static int parse_keyed_array(struct spec_parser *parser, const struct spec_field *field, yajl_val value,
			     void *base)
{
	int r = expect_type(parser, value, YAJL_IS_OBJECT(value), "an object");
	if (r == 0)
		r = check_unique_keys(parser, value);
	if (r < 0)
		return r;

	size_t count = value->u.object.len;
	char *elements = ct_calloc(count, field->elem_size);
	*MEMBER(base, field->offset, void *) = elements;
	*MEMBER(base, field->count_offset, size_t) = count;
	for (size_t i = 0; i < count; i++) {
		char *element = elements + i * field->elem_size;
		*MEMBER(element, field->key_offset, char *) = ct_strdup(value->u.object.keys[i]);
		size_t saved = spec_parser_push_key(parser, value->u.object.keys[i]);
		r = spec_fields_parse(parser, value->u.object.values[i], nested_of(parser, field), element);
		if (r < 0)
			return r;
		spec_parser_pop(parser, saved);
	}
	return 0;
}

static int parse_nested(struct spec_parser *parser, const struct spec_field *field, yajl_val value,
			void *base)
{
	if (field->kind == SPEC_FIELD_OBJECT)
		return spec_fields_parse(parser, value, nested_of(parser, field), MEMBER(base, field->offset, char));

	int r = expect_type(parser, value, YAJL_IS_OBJECT(value), "an object");
	if (r < 0)
		return r;
	void *child = ct_calloc(1, field->elem_size);
	*MEMBER(base, field->offset, void *) = child;
	return spec_fields_parse(parser, value, nested_of(parser, field), child);
}

static int parse_field(struct spec_parser *parser, const struct spec_field *field, yajl_val value, void *base)
{
	switch (field->kind) {
	case SPEC_FIELD_STRING:
		return parse_string_field(parser, field, value, base);
	case SPEC_FIELD_ENUM:
		return parse_enum(parser, field, value, base);
	case SPEC_FIELD_STRINGS:
		return parse_strings(parser, field, value, base);
	case SPEC_FIELD_U32_ARRAY:
		return parse_u32_array(parser, field, value, base);
	case SPEC_FIELD_MAP:
		return parse_map(parser, field, value, base);
	case SPEC_FIELD_OBJECT:
	case SPEC_FIELD_OBJECT_PTR:
		return parse_nested(parser, field, value, base);
	case SPEC_FIELD_OBJECT_ARRAY:
		return parse_object_array(parser, field, value, base);
	case SPEC_FIELD_KEYED_ARRAY:
		return parse_keyed_array(parser, field, value, base);
	default:
		return parse_scalar(parser, field, value, base);
	}
}

static yajl_val find_key(yajl_val object, const char *key)
{
	for (size_t i = 0; i < object->u.object.len; i++)
		if (strcmp(object->u.object.keys[i], key) == 0)
			return object->u.object.values[i];
	return NULL;
}

int spec_fields_parse(struct spec_parser *parser, yajl_val object, const struct spec_field *fields,
		      void *base)
{
	int r = expect_type(parser, object, YAJL_IS_OBJECT(object), "an object");
	if (r == 0)
		r = check_unique_keys(parser, object);
	if (r < 0)
		return r;

	for (const struct spec_field *field = fields; field->key[0] != '\0'; field++) {
		/* A key of SPEC_FIELD_KEY_MAX characters would fill the array
		 * without its NUL; a test that parses the table finds it. */
		if (field->key[SPEC_FIELD_KEY_MAX - 1] != '\0')
			return spec_parser_error(parser, "internal error: key \"%.*s\" is too long",
						 SPEC_FIELD_KEY_MAX, field->key);
		yajl_val value = find_key(object, field->key);
		if (value == NULL || YAJL_IS_NULL(value)) {
			if (field->required)
				return spec_parser_error(parser, "missing required field \"%s\"", field->key);
			continue;
		}
		size_t saved = spec_parser_push_key(parser, field->key);
		r = parse_field(parser, field, value, base);
		if (r < 0)
			return r;
		if (field->has_set)
			*MEMBER(base, field->set_offset, bool) = true;
		spec_parser_pop(parser, saved);
	}
	return 0;
}

/* ------------------------------------------------------------ freeing */

void spec_strv_free(char **strv, size_t count)
{
	if (strv == NULL)
		return;
	for (size_t i = 0; i < count; i++)
		free(strv[i]);
	free(strv);
}

void spec_map_free(struct spec_map *map)
{
	for (size_t i = 0; i < map->n_entries; i++) {
		free(map->entries[i].key);
		free(map->entries[i].value);
	}
	free(map->entries);
	map->entries = NULL;
	map->n_entries = 0;
}

static void free_elements(const struct spec_schema *schema, const struct spec_field *field, void *base)
{
	char *elements = *MEMBER(base, field->offset, char *);
	size_t count = *MEMBER(base, field->count_offset, size_t);
	for (size_t i = 0; elements != NULL && i < count; i++) {
		char *element = elements + i * field->elem_size;
		if (field->kind == SPEC_FIELD_KEYED_ARRAY)
			free(*MEMBER(element, field->key_offset, char *));
		spec_fields_free(schema, schema->tables[field->fields], element);
	}
	free(elements);
}

void spec_fields_free(const struct spec_schema *schema, const struct spec_field *fields, void *base)
{
	for (const struct spec_field *field = fields; field->key[0] != '\0'; field++) {
		switch (field->kind) {
		case SPEC_FIELD_STRING:
			free(*MEMBER(base, field->offset, char *));
			break;
		case SPEC_FIELD_STRINGS:
			spec_strv_free(*MEMBER(base, field->offset, char **),
				       *MEMBER(base, field->count_offset, size_t));
			break;
		case SPEC_FIELD_U32_ARRAY:
			free(*MEMBER(base, field->offset, uint32_t *));
			break;
		case SPEC_FIELD_MAP:
			spec_map_free(MEMBER(base, field->offset, struct spec_map));
			break;
		case SPEC_FIELD_OBJECT:
			spec_fields_free(schema, schema->tables[field->fields], MEMBER(base, field->offset, char));
			break;
		case SPEC_FIELD_OBJECT_PTR: {
			void *child = *MEMBER(base, field->offset, void *);
			if (child != NULL)
				spec_fields_free(schema, schema->tables[field->fields], child);
			free(child);
			break;
		}
		case SPEC_FIELD_OBJECT_ARRAY:
		case SPEC_FIELD_KEYED_ARRAY:
			free_elements(schema, field, base);
			break;
		default:
			break;
		}
	}
}

const char *spec_map_get(const struct spec_map *map, const char *key)
{
	for (size_t i = 0; i < map->n_entries; i++)
		if (strcmp(map->entries[i].key, key) == 0)
			return map->entries[i].value;
	return NULL;
}
