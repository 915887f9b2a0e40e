/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The runtime-spec's example documents: every .json file in config/good
 * parses and every one in config/bad is rejected with the expected message. The
 * directory comes from $SPEC_EXAMPLES; the test is skipped without it.
 */
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "config.h"
#include "tap.h"

struct expected_failure {
	const char *file;
	const char *message;
};

/* Why each bad example is invalid, in ctrun's words. */
static const struct expected_failure bad_examples[] = {
	{ "invalid-json.json", "invalid JSON at line 1, column 2: invalid object key (must be a string)" },
	{ "linux-hugepage.json", "linux.resources.hugepageLimits[0].pageSize: invalid page size \"64kB\", "
				 "expected a size such as \"2MB\"" },
	{ "linux-netdevice.json", "linux.netDevices.eth0.name: expected a string, got a number" },
	{ "linux-rdma.json", "linux.resources.rdma.mlx5_1.hcaHandles: expected an integer, got a string" },
};

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

static const char *expected_message(const char *file)
{
	for (size_t i = 0; i < sizeof(bad_examples) / sizeof(bad_examples[0]); i++)
		if (strcmp(bad_examples[i].file, file) == 0)
			return bad_examples[i].message;
	return NULL;
}

static int compare_names(const struct dirent **a, const struct dirent **b)
{
	return strcmp((*a)->d_name, (*b)->d_name);
}

static bool is_json_file(const struct dirent *entry)
{
	size_t n = strlen(entry->d_name);
	return n > 5 && strcmp(entry->d_name + n - 5, ".json") == 0;
}

static int filter_json(const struct dirent *entry)
{
	return is_json_file(entry);
}

static void check_directory(const char *examples, const char *kind, bool good)
{
	char dir[4096];
	snprintf(dir, sizeof(dir), "%s/config/%s", examples, kind);
	struct dirent **entries = NULL;
	int count = scandir(dir, &entries, filter_json, compare_names);
	ok(count > 0, "%s examples found in %s", kind, dir);

	for (int i = 0; i < count; i++) {
		char path[8192];
		size_t len = 0;
		snprintf(path, sizeof(path), "%s/%s", dir, entries[i]->d_name);
		char *json = read_file(path, &len);
		struct spec_config *config = NULL;
		struct libct_error err = { 0 };
		int r = spec_config_parse(json, len, &config, &err);
		if (good) {
			if (!is_int(r, 0, "good example %s parses", entries[i]->d_name))
				diag("%s", err.message);
		} else {
			is_int(r, -EINVAL, "bad example %s is rejected", entries[i]->d_name);
			const char *message = expected_message(entries[i]->d_name);
			if (message != NULL)
				is_str(err.message, message, "bad example %s message", entries[i]->d_name);
			else
				diag("no expected message for %s: %s", entries[i]->d_name, err.message);
		}
		spec_config_free(config);
		free(json);
		free(entries[i]);
	}
	free(entries);
}

int main(void)
{
	const char *examples = getenv("SPEC_EXAMPLES");
	char probe[4096];
	snprintf(probe, sizeof(probe), "%s/config/good", examples ? examples : "");
	DIR *dir = examples != NULL ? opendir(probe) : NULL;
	if (dir == NULL)
		skip_all("runtime-spec examples not found; set SPEC_EXAMPLES");
	closedir(dir);

	check_directory(examples, "good", true);
	check_directory(examples, "bad", false);
	return done_testing();
}
