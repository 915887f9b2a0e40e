/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Values with units on the command line: Go durations for `events
 * --interval` and memory sizes for `update`, in the forms that callers
 * written against runc send.
 */
#include <errno.h>
#include <stdint.h>
#include <string.h>

#include "ctrun.h"

struct unit {
	const char *suffix;
	int64_t scale;
};

/* Longest suffixes first, so that "ms" is not read as "m". */
static const struct unit duration_units[] = {
	{"ns", 1},
	{"us", 1000},
	{"\xc2\xb5s", 1000}, /* U+00B5 micro sign */
	{"\xce\xbcs", 1000}, /* U+03BC Greek mu */
	{"ms", 1000000},
	{"s", 1000000000},
	{"m", 60LL * 1000000000},
	{"h", 3600LL * 1000000000},
};

static const struct unit *match_unit(const char *text, size_t *ret_len)
{
	for (size_t i = 0; i < sizeof(duration_units) / sizeof(duration_units[0]); i++) {
		size_t len = strlen(duration_units[i].suffix);
		if (strncmp(text, duration_units[i].suffix, len) == 0) {
			*ret_len = len;
			return &duration_units[i];
		}
	}
	return NULL;
}

/* Reads "123" or "1.5" into whole and fraction parts. */
static const char *read_decimal(const char *text, uint64_t *ret_whole, uint64_t *ret_frac, uint64_t *ret_frac_scale)
{
	const char *start = text;
	uint64_t whole = 0, frac = 0, scale = 1;
	for (; *text >= '0' && *text <= '9'; text++) {
		if (whole > (UINT64_MAX - 9) / 10)
			return NULL;
		whole = whole * 10 + (uint64_t)(*text - '0');
	}
	bool digits = text != start;
	if (*text == '.') {
		text++;
		for (; *text >= '0' && *text <= '9'; text++) {
			digits = true;
			/* Digits beyond nanoseconds cannot change the result. */
			if (scale < 1000000000000000000ULL) {
				frac = frac * 10 + (uint64_t)(*text - '0');
				scale *= 10;
			}
		}
	}
	if (!digits)
		return NULL;
	*ret_whole = whole;
	*ret_frac = frac;
	*ret_frac_scale = scale;
	return text;
}

int cli_parse_duration(const char *text, int64_t *ret_ns)
{
	const char *cursor = text;
	bool negative = *cursor == '-';
	if (*cursor == '-' || *cursor == '+')
		cursor++;
	if (strcmp(cursor, "0") == 0) {
		*ret_ns = 0;
		return 0;
	}
	if (*cursor == '\0')
		return -EINVAL;

	uint64_t total = 0;
	while (*cursor != '\0') {
		uint64_t whole, frac, scale;
		size_t unit_len = 0;
		cursor = read_decimal(cursor, &whole, &frac, &scale);
		if (cursor == NULL)
			return -EINVAL;
		const struct unit *unit = match_unit(cursor, &unit_len);
		if (unit == NULL)
			return -EINVAL; /* Go requires a unit after every number but a lone 0 */
		cursor += unit_len;
		uint64_t unit_ns = (uint64_t)unit->scale;
		if (whole > (uint64_t)INT64_MAX / unit_ns)
			return -ERANGE;
		uint64_t part = whole * unit_ns + (uint64_t)((long double)frac * (long double)unit_ns / (long double)scale);
		if (part > (uint64_t)INT64_MAX - total)
			return -ERANGE;
		total += part;
	}
	*ret_ns = negative ? -(int64_t)total : (int64_t)total;
	return 0;
}

/* Binary multipliers, as runc's sizes use. */
static int64_t size_multiplier(char unit)
{
	switch (unit) {
	case 'k': case 'K': return 1LL << 10;
	case 'm': case 'M': return 1LL << 20;
	case 'g': case 'G': return 1LL << 30;
	case 't': case 'T': return 1LL << 40;
	case 'p': case 'P': return 1LL << 50;
	default: return 0;
	}
}

int cli_parse_size(const char *text, int64_t *ret_bytes)
{
	uint64_t whole, frac, scale;
	const char *cursor = read_decimal(text, &whole, &frac, &scale);
	if (cursor == NULL || text[0] == '.')
		return -EINVAL;
	if (*cursor == ' ')
		cursor++;
	int64_t multiplier = 1;
	if (*cursor != '\0' && size_multiplier(*cursor) != 0)
		multiplier = size_multiplier(*cursor++);
	if (*cursor == 'i' || *cursor == 'I')
		cursor++;
	if (*cursor == 'b' || *cursor == 'B')
		cursor++;
	if (*cursor != '\0')
		return -EINVAL;
	if (whole > (uint64_t)INT64_MAX / (uint64_t)multiplier)
		return -ERANGE;
	uint64_t bytes = whole * (uint64_t)multiplier +
	                 (uint64_t)((long double)frac * (long double)multiplier / (long double)scale);
	if (bytes > (uint64_t)INT64_MAX)
		return -ERANGE;
	*ret_bytes = (int64_t)bytes;
	return 0;
}
