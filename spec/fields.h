/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Table-driven conversion of a yajl tree into C structures, private to
 * spec/. Each JSON object is described by an array of struct spec_field
 * (key, kind, offset of the target member), ended by an entry whose key is
 * empty. spec_fields_parse() fills a structure from an object and
 * spec_fields_free() releases what it allocated, walking the same table.
 *
 * Unknown keys are ignored, as the runtime-spec requires. A null value is
 * taken as an absent key, and a key that appears twice in one object is an
 * error. Error messages start with the JSON path of the value, for example
 * "process.user.uid: expected an integer, got a string".
 */
#ifndef CTRUN_SPEC_FIELDS_H
#define CTRUN_SPEC_FIELDS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <yajl/yajl_tree.h>

#include "config.h"
#include "libct.h"
#include "tables.h"

/* Objects and arrays may nest this deep. Deeper input is rejected before the
 * tree is built, so that neither yajl nor our code recurses without bound. */
#define SPEC_JSON_MAX_DEPTH      64
#define SPEC_JSON_MAX_DEPTH_TEXT "64"

enum spec_field_kind {
	SPEC_FIELD_STRING,       /* char *; with names, the value must be in the table */
	SPEC_FIELD_BOOL,         /* bool */
	SPEC_FIELD_I32,          /* int32_t */
	SPEC_FIELD_U32,          /* uint32_t */
	SPEC_FIELD_I64,          /* int64_t, within min..max when max != 0 */
	SPEC_FIELD_U64,          /* uint64_t, at most umax when umax != 0 */
	SPEC_FIELD_OPT_I64,      /* struct spec_opt_i64, range as SPEC_FIELD_I64 */
	SPEC_FIELD_OPT_U64,      /* struct spec_opt_u64, range as SPEC_FIELD_U64 */
	SPEC_FIELD_OPT_BOOL,     /* struct spec_opt_bool */
	SPEC_FIELD_ENUM,         /* int, the value of the names entry that the string names */
	SPEC_FIELD_STRINGS,      /* char ** plus size_t count; with names, each must be in the table */
	SPEC_FIELD_U32_ARRAY,    /* uint32_t * plus size_t count */
	SPEC_FIELD_MAP,          /* struct spec_map (an object of strings) */
	SPEC_FIELD_OBJECT,       /* a nested structure described by fields */
	SPEC_FIELD_OBJECT_PTR,   /* a pointer to a new nested structure of elem_size bytes */
	SPEC_FIELD_OBJECT_ARRAY, /* an array of elements of elem_size bytes plus size_t count */
	SPEC_FIELD_KEYED_ARRAY,  /* an object of objects: an array whose elements store their key */
};

/* Room for the longest key, "throttleWriteIOPSDevice" (23), and more. */
#define SPEC_FIELD_KEY_MAX 32

/*
 * One member of a JSON object. The key is stored in place, and nested tables
 * and name tables are indices into the document's struct spec_schema. The
 * tables thus hold no pointers, which a position-independent ctrun would
 * have to relocate, and so copy, at every start (about 30 KiB).
 */
struct spec_field {
	char key[SPEC_FIELD_KEY_MAX]; /* "" ends a table */
	enum spec_field_kind kind;
	bool required;
	size_t offset;       /* of the member in the structure being filled */
	size_t count_offset; /* arrays: of the size_t element count */
	/* Nested objects and arrays of objects: the index of their table. */
	uint8_t fields;
	size_t elem_size;
	size_t key_offset; /* SPEC_FIELD_KEYED_ARRAY: of the char * key in each element */
	bool has_set;      /* store true in the bool at set_offset when the key is present */
	size_t set_offset;
	/* Strings and enums checked against a name table: its index, or 0. */
	uint8_t names;
	bool has_value;      /* SPEC_FIELD_STRING with names: store the entry's value */
	size_t value_offset; /* as an int at this offset */
	/* Integer ranges; zero values mean the range of the C type. */
	int64_t min;
	int64_t max;
	uint64_t umax;
};

/* The tables of one document, indexed by spec_field.fields and .names.
 * Index 0 of each is unused. */
struct spec_schema {
	const struct spec_field *const *tables;
	const struct spec_name_table *const *names;
};

struct spec_parser {
	const struct spec_schema *schema;
	struct libct_error *err;
	char path[512];
	size_t path_len;
};

/*
 * Parses len bytes of JSON into a yajl tree. Rejects malformed JSON, a NUL
 * byte (raw or escaped as \u0000 in a string) and nesting deeper than
 * SPEC_JSON_MAX_DEPTH with -EINVAL and a message giving the line and column.
 */
int spec_json_tree_parse(const char *json, size_t len, yajl_val *ret_tree, struct libct_error *err);

/* Fills base from object as fields describe. On failure, the caller still
 * frees base with spec_fields_free(): every allocation is already stored. */
int spec_fields_parse(struct spec_parser *parser, yajl_val object, const struct spec_field *fields,
		      void *base);
void spec_fields_free(const struct spec_schema *schema, const struct spec_field *fields, void *base);

/* Reports an error at the parser's current path, as "<path>: <message>". */
int spec_parser_error(struct spec_parser *parser, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* Appends ".key" or "[index]" to the current path; pop restores length. */
size_t spec_parser_push_key(struct spec_parser *parser, const char *key);
size_t spec_parser_push_index(struct spec_parser *parser, size_t index);
void spec_parser_pop(struct spec_parser *parser, size_t length);

/* Runs the named validation checks of config-checks.c on a parsed config. */
int spec_config_check(const struct spec_config *config, struct libct_error *err);
/* Runs the checks of config-checks.c that concern process alone. */
int spec_process_check(const struct spec_process *process, struct libct_error *err);

void spec_map_free(struct spec_map *map);
void spec_strv_free(char **strv, size_t count);

#endif
