/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Operations that exist only in cgroup v1 hierarchies: controllers named by
 * mount options, the cpuset inheritance quirk and the freezer.
 */
#include <string.h>

#include "cgroup-internal.h"

/* Returns whether the comma-separated list options contains item (of len
 * bytes) as a whole element. */
static bool has_option(const char *options, const char *item, size_t len)
{
	const char *cursor = options;
	while (*cursor != '\0') {
		const char *end = strchrnul(cursor, ',');
		if ((size_t)(end - cursor) == len && strncmp(cursor, item, len) == 0)
			return true;
		cursor = *end == ',' ? end + 1 : end;
	}
	return false;
}

static bool name_matches(const char *name, const char *super_options)
{
	const char *cursor = name;
	while (*cursor != '\0') {
		const char *end = strchrnul(cursor, ',');
		if (!has_option(super_options, cursor, (size_t)(end - cursor)))
			return false;
		cursor = *end == ',' ? end + 1 : end;
	}
	return true;
}

int ct_cgroup_v1_match(char *const *names, const char *super_options)
{
	/* Super options mix controllers with other options ("rw", "xattr",
	 * "release_agent=..."), so the names in /proc/self/cgroup, which list
	 * only controllers and "name=", decide. */
	for (size_t i = 0; names[i] != NULL; i++) {
		if (names[i][0] != '\0' && name_matches(names[i], super_options))
			return (int)i;
	}
	return -1;
}

static void trim_newline(char *s)
{
	size_t len = strlen(s);
	while (len > 0 && (s[len - 1] == '\n' || s[len - 1] == ' '))
		s[--len] = '\0';
}

static int copy_cpuset_file(const char *parent, const char *dir, const char *file, struct libct_error *err)
{
	_cleanup_free_ char *current = NULL;
	struct libct_error local = {0};
	int r = ct_cgroup_read(dir, file, &current, &local);
	/* Without the file (a hierarchy mounted with "noprefix", or a test
	 * fixture) there is nothing to inherit. */
	if (r == -ENOENT)
		return 0;
	if (r < 0) {
		if (err != NULL)
			*err = local;
		return r;
	}
	trim_newline(current);
	if (current[0] != '\0')
		return 0;

	_cleanup_free_ char *inherited = NULL;
	r = ct_cgroup_read(parent, file, &inherited, err);
	if (r < 0)
		return r;
	trim_newline(inherited);
	return ct_cgroup_write(dir, file, inherited, err);
}

int ct_cgroup_v1_init_cpuset(const char *parent, const char *dir, struct libct_error *err)
{
	int r = copy_cpuset_file(parent, dir, "cpuset.cpus", err);
	if (r < 0)
		return r;
	return copy_cpuset_file(parent, dir, "cpuset.mems", err);
}

int ct_cgroup_v1_freeze(const char *dir, struct libct_error *err)
{
	long long deadline = ct_cgroup_now_ms() + CT_CGROUP_FREEZE_TIMEOUT_MS;
	long delay_ms = 1;

	_cleanup_free_ char *before = NULL;
	struct libct_error local = {0};
	int r = ct_cgroup_read(dir, "freezer.state", &before, &local);
	if (r == -ENOENT)
		return -ENOENT;
	if (r < 0) {
		if (err != NULL)
			*err = local;
		return r;
	}
	trim_newline(before);
	if (strcmp(before, "FROZEN") == 0)
		return 1;

	r = ct_cgroup_write(dir, "freezer.state", "FROZEN", err);
	if (r < 0)
		return r;

	for (;;) {
		_cleanup_free_ char *state = NULL;
		r = ct_cgroup_read(dir, "freezer.state", &state, err);
		if (r < 0)
			return r;
		trim_newline(state);
		if (strcmp(state, "FROZEN") == 0)
			return 0;
		if (ct_cgroup_now_ms() >= deadline)
			return ct_error_set(err, ETIMEDOUT, "freeze cgroup \"%s\": still %s after %d ms", dir,
			                    state, CT_CGROUP_FREEZE_TIMEOUT_MS);
		ct_cgroup_backoff(&delay_ms);

		/* Writing FROZEN again makes the kernel retry the tasks that
		 * were busy the previous time. */
		r = ct_cgroup_write(dir, "freezer.state", "FROZEN", err);
		if (r < 0)
			return r;
	}
}

int ct_cgroup_v1_thaw(const char *dir, struct libct_error *err)
{
	struct libct_error local = {0};
	int r = ct_cgroup_write(dir, "freezer.state", "THAWED", &local);
	if (r == -ENOENT)
		return 0;
	if (r < 0 && err != NULL)
		*err = local;
	return r;
}
