/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Operations that exist only in the cgroup2 hierarchy: the controller
 * lists, enabling controllers for children, cgroup.kill and cgroup.freeze.
 */
#include <ctype.h>
#include <string.h>

#include "cgroup-internal.h"

/* Returns whether the space-separated list text contains word. */
static bool has_word(const char *text, const char *word)
{
	size_t len = strlen(word);
	const char *cursor = text;
	while (*cursor != '\0') {
		while (isspace((unsigned char)*cursor))
			cursor++;
		const char *end = cursor;
		while (*end != '\0' && !isspace((unsigned char)*end))
			end++;
		if ((size_t)(end - cursor) == len && len > 0 && strncmp(cursor, word, len) == 0)
			return true;
		cursor = end;
	}
	return false;
}

/* Reads an optional control file: a missing one reads as "" without an
 * error, as in a fixture or on an older kernel. */
static int read_optional(const char *dir, const char *file, char **ret_data, struct libct_error *err)
{
	struct libct_error local = {0};
	int r = ct_cgroup_read(dir, file, ret_data, &local);
	if (r == -ENOENT) {
		*ret_data = ct_strdup("");
		return 0;
	}
	if (r < 0 && err != NULL)
		*err = local;
	return r;
}

int ct_cgroup_v2_read_controllers(const char *dir, char ***ret_controllers, struct libct_error *err)
{
	_cleanup_free_ char *data = NULL;
	int r = read_optional(dir, "cgroup.controllers", &data, err);
	if (r < 0)
		return r;

	size_t count = 0;
	char **controllers = ct_calloc(1, sizeof(char *));
	char *save = NULL;
	for (char *item = strtok_r(data, " \t\n", &save); item != NULL;
	     item = strtok_r(NULL, " \t\n", &save)) {
		controllers = ct_realloc(controllers, (count + 2) * sizeof(char *));
		controllers[count++] = ct_strdup(item);
		controllers[count] = NULL;
	}
	*ret_controllers = controllers;
	return 0;
}

static int enable_in(const char *dir, char *const *controllers, struct libct_error *err)
{
	_cleanup_free_ char *enabled = NULL;
	_cleanup_free_ char *available = NULL;
	int r = ct_cgroup_read(dir, "cgroup.subtree_control", &enabled, err);
	if (r == 0)
		r = read_optional(dir, "cgroup.controllers", &available, err);
	if (r < 0)
		return r;
	available[strcspn(available, "\n")] = '\0';

	for (size_t i = 0; controllers[i] != NULL; i++) {
		const char *name = controllers[i];
		if (has_word(enabled, name))
			continue;
		if (!has_word(available, name))
			return ct_error_set(err, ENOTSUP,
			                    "enable cgroup controller \"%s\" in \"%s\": not available "
			                    "there (cgroup.controllers lists \"%s\")",
			                    name, dir, available);

		_cleanup_free_ char *value = ct_asprintf("+%s", name);
		r = ct_cgroup_write(dir, "cgroup.subtree_control", value, err);
		if (r == -EBUSY)
			return ct_error_set(
			    err, EBUSY,
			    "enable cgroup controller \"%s\" in \"%s\": the cgroup holds "
			    "processes, and cgroup2 enables controllers for children only in cgroups "
			    "without them",
			    name, dir);
		if (r < 0)
			return r;
	}
	return 0;
}

int ct_cgroup_v2_enable_controllers(const struct ct_cgroup_hierarchy *hierarchy, char *const *controllers,
                                    struct libct_error *err)
{
	/* Only a parent's cgroup.subtree_control makes a controller's files
	 * appear in the child, so every level above the container needs it. */
	const char *dir = hierarchy->dir;
	size_t len = strlen(hierarchy->mount_point);
	for (;;) {
		_cleanup_free_ char *path = ct_strndup(dir, len);
		int r = enable_in(path, controllers, err);
		if (r < 0)
			return r;

		while (dir[len] == '/')
			len++;
		const char *end = strchrnul(dir + len, '/');
		/* Stop at the parent of dir: the container's own cgroup keeps an
		 * empty subtree_control so that it may hold processes. */
		if (*end == '\0')
			return 0;
		len = (size_t)(end - dir);
	}
}

/* Writes value to an optional control file. Returns -ENOENT without an
 * error message when the file (or dir) does not exist. */
static int write_optional(const char *dir, const char *file, const char *value, struct libct_error *err)
{
	struct libct_error local = {0};
	int r = ct_cgroup_write(dir, file, value, &local);
	if (r < 0 && r != -ENOENT && err != NULL)
		*err = local;
	return r;
}

int ct_cgroup_v2_kill(const char *dir, struct libct_error *err)
{
	return write_optional(dir, "cgroup.kill", "1", err);
}

int ct_cgroup_v2_freeze(const char *dir, struct libct_error *err)
{
	_cleanup_free_ char *before = NULL;
	struct libct_error local = {0};
	int r = ct_cgroup_read(dir, "cgroup.freeze", &before, &local);
	if (r == -ENOENT)
		return -ENOENT;
	if (r < 0) {
		if (err != NULL)
			*err = local;
		return r;
	}
	if (before[0] == '1')
		return 1;

	r = ct_cgroup_write(dir, "cgroup.freeze", "1", err);
	if (r < 0)
		return r;

	long long deadline = ct_cgroup_now_ms() + CT_CGROUP_FREEZE_TIMEOUT_MS;
	long delay_ms = 1;
	for (;;) {
		_cleanup_free_ char *events = NULL;
		r = ct_cgroup_read(dir, "cgroup.events", &events, err);
		if (r < 0)
			return r;
		if (strstr(events, "frozen 1") != NULL)
			return 0;
		if (ct_cgroup_now_ms() >= deadline)
			return ct_error_set(err, ETIMEDOUT, "freeze cgroup \"%s\": not frozen after %d ms",
			                    dir, CT_CGROUP_FREEZE_TIMEOUT_MS);
		ct_cgroup_backoff(&delay_ms);
	}
}

int ct_cgroup_v2_thaw(const char *dir, struct libct_error *err)
{
	int r = write_optional(dir, "cgroup.freeze", "0", err);
	return r == -ENOENT ? 0 : r;
}
