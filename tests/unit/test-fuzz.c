/* SPDX-License-Identifier: Apache-2.0 */
/*
 * No input crashes the parsers: every prefix of each document, many
 * single-byte mutations and deeply nested input must give 0 or -EINVAL
 * (with a message), never a crash or a leak. Run it under ASan and UBSan
 * (meson setup -Db_sanitize=address,undefined) to catch memory errors.
 */
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "config.h"
#include "defaults.h"
#include "state.h"
#include "tap.h"

#define MUTATIONS_PER_DOCUMENT 20000

static const char replacement_bytes[] = { '{', '}',  '[', ']', '"', ',', ':',  '0',  '9',        '-',
					  'x', '\\', ' ', '.', 'e', 'n', '\n', '\0', (char)0xff, (char)0xc3 };

/* A fixed linear congruential generator, so that a failure can be replayed. */
static unsigned long long fuzz_seed = 0x2545F4914F6CDD1DULL;

static unsigned long long next_random(void)
{
	fuzz_seed = fuzz_seed * 6364136223846793005ULL + 1442695040888963407ULL;
	return fuzz_seed >> 33;
}

/* Returns false when the result is neither success nor a clean -EINVAL. */
static bool parse_cleanly(const char *json, size_t len)
{
	struct spec_config *config = NULL;
	struct libct_error err = { 0 };
	int r = spec_config_parse(json, len, &config, &err);
	bool clean = (r == 0 && config != NULL) || (r == -EINVAL && config == NULL && err.message[0] != '\0');
	spec_config_free(config);

	struct spec_state *state = NULL;
	struct libct_error state_err = { 0 };
	r = spec_state_parse(json, len, &state, &state_err);
	clean = clean && ((r == 0 && state != NULL) || (r == -EINVAL && state == NULL));
	spec_state_free(state);
	return clean;
}

static void fuzz_document(const char *name, const char *json, size_t len)
{
	size_t failures = 0;
	for (size_t cut = 0; cut <= len; cut++) {
		/* A heap copy of exactly cut bytes lets ASan see any read past the end. */
		char *prefix = malloc(cut ? cut : 1);
		memcpy(prefix, json, cut);
		if (!parse_cleanly(prefix, cut) && failures++ == 0)
			diag("%s: prefix of %zu bytes not handled", name, cut);
		free(prefix);
	}
	ok(failures == 0, "%s: all %zu prefixes handled", name, len + 1);

	failures = 0;
	char *copy = malloc(len ? len : 1);
	for (int i = 0; i < MUTATIONS_PER_DOCUMENT && len > 0; i++) {
		memcpy(copy, json, len);
		size_t position = next_random() % len;
		copy[position] = replacement_bytes[next_random() % sizeof(replacement_bytes)];
		if (!parse_cleanly(copy, len) && failures++ == 0)
			diag("%s: mutation at byte %zu not handled", name, position);
	}
	free(copy);
	ok(failures == 0, "%s: %d single-byte mutations handled", name, MUTATIONS_PER_DOCUMENT);
}

static char *read_file(const char *path, size_t *ret_len)
{
	FILE *file = fopen(path, "re");
	if (file == NULL)
		return NULL;
	char *data = NULL;
	size_t len = 0, size = 0;
	for (;;) {
		if (len == size) {
			size = size ? size * 2 : 4096;
			data = realloc(data, size);
		}
		size_t n = fread(data + len, 1, size - len, file);
		if (n == 0)
			break;
		len += n;
	}
	fclose(file);
	*ret_len = len;
	return data;
}

static void fuzz_examples(const char *examples, const char *kind)
{
	char dir_path[4096];
	snprintf(dir_path, sizeof(dir_path), "%s/config/%s", examples, kind);
	DIR *dir = opendir(dir_path);
	if (dir == NULL) {
		skip("runtime-spec examples not found; set SPEC_EXAMPLES");
		return;
	}
	struct dirent *entry;
	while ((entry = readdir(dir)) != NULL) {
		if (strstr(entry->d_name, ".json") == NULL)
			continue;
		char path[8192];
		size_t len = 0;
		snprintf(path, sizeof(path), "%s/%s", dir_path, entry->d_name);
		char *json = read_file(path, &len);
		if (json != NULL)
			fuzz_document(entry->d_name, json, len);
		free(json);
	}
	closedir(dir);
}

static void fuzz_nesting(void)
{
	/* Far deeper than SPEC_JSON_MAX_DEPTH, in every position a value may take. */
	const char *openers[] = { "[", "{\"a\":", "{\"linux\":" };
	for (size_t k = 0; k < sizeof(openers) / sizeof(openers[0]); k++) {
		size_t depth = 100000, unit = strlen(openers[k]);
		char *json = malloc(depth * unit + 1);
		for (size_t i = 0; i < depth; i++)
			memcpy(json + i * unit, openers[k], unit);
		ok(parse_cleanly(json, depth * unit), "nesting of %zu \"%s\" is rejected cleanly", depth,
		   openers[k]);
		free(json);
	}
}

int main(void)
{
	const char *examples = getenv("SPEC_EXAMPLES");
	if (examples != NULL) {
		fuzz_examples(examples, "good");
		fuzz_examples(examples, "bad");
	} else {
		skip("runtime-spec examples not found; set SPEC_EXAMPLES");
	}

	for (int rootless = 0; rootless <= 1; rootless++) {
		char *json = NULL;
		size_t len = 0;
		if (spec_config_default_json(rootless, 1000, 1000, &json, &len, NULL) == 0)
			fuzz_document(rootless ? "rootless default config" : "default config", json, len);
		free(json);
	}

	static const char state[] =
		"{\"ociVersion\":\"1.3.0\",\"id\":\"c\",\"pid\":42,\"status\":\"running\","
		"\"bundle\":\"/b\",\"annotations\":{\"a\":\"b\"},\"ctrun\":{\"pidStartTime\":7,"
		"\"cgroupPaths\":{\"memory\":\"/sys/fs/cgroup/memory/c\"}}}";
	fuzz_document("state", state, sizeof(state) - 1);
	fuzz_nesting();
	return done_testing();
}
