/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The systemd cgroup driver's form of linux.cgroupsPath, "slice:prefix:name",
 * translated to the directory that systemd gives such a unit. ctrun does not
 * ask systemd for the unit: cgroup.c makes that directory itself, below the
 * cgroup of PID 1. docs/cgroups.md describes the rules and the limitation.
 */
#include <string.h>

#include "cgroup-internal.h"

#define SLICE_SUFFIX  ".slice"
#define DEFAULT_SLICE "system.slice"
/* The scope prefix used when the config has no cgroupsPath. */
#define DEFAULT_PREFIX "ctrun"

static bool has_suffix(const char *s, const char *suffix)
{
	size_t len = strlen(s);
	size_t suffix_len = strlen(suffix);
	return len >= suffix_len && strcmp(s + len - suffix_len, suffix) == 0;
}

/*
 * Checks a slice unit name. systemd reads each "-" of a slice name as one
 * level of nesting, so a name that starts or ends with "-" or contains "--"
 * names no slice. "-.slice" is the root slice.
 */
static bool is_valid_slice(const char *slice)
{
	if (strchr(slice, '/') != NULL || !has_suffix(slice, SLICE_SUFFIX))
		return false;
	if (strcmp(slice, "-" SLICE_SUFFIX) == 0)
		return true;
	size_t len = strlen(slice) - strlen(SLICE_SUFFIX);
	if (len == 0 || slice[0] == '-' || slice[len - 1] == '-')
		return false;
	for (size_t i = 1; i < len; i++)
		if (slice[i] == '-' && slice[i - 1] == '-')
			return false;
	return true;
}

/* Expands a valid slice name to its directory: "a-b.slice" lives at
 * "a.slice/a-b.slice", and the root slice at "" (the top of the tree). */
static char *expand_slice(const char *slice)
{
	if (strcmp(slice, "-" SLICE_SUFFIX) == 0)
		return ct_strdup("");

	size_t len = strlen(slice) - strlen(SLICE_SUFFIX);
	/* At most len ancestors, each a prefix of the name plus ".slice/". */
	size_t size = (len + strlen(SLICE_SUFFIX) + 1) * (len + 1) + 1;
	char *path = ct_calloc(1, size);
	size_t pos = 0;
	for (size_t i = 0; i < len; i++) {
		if (slice[i] != '-')
			continue;
		memcpy(path + pos, slice, i);
		pos += i;
		memcpy(path + pos, SLICE_SUFFIX "/", strlen(SLICE_SUFFIX) + 1);
		pos += strlen(SLICE_SUFFIX) + 1;
	}
	memcpy(path + pos, slice, strlen(slice) + 1);
	return path;
}

static int form_error(const char *path, const char *problem, struct libct_error *err)
{
	return ct_error_set(err, EINVAL,
	                    "linux.cgroupsPath: \"%s\" %s; the systemd cgroup driver expects "
	                    "\"slice:prefix:name\", such as \"system.slice:ctrun:web\"",
	                    path, problem);
}

/* A name that ends in ".slice" makes the container's cgroup that slice.
 * systemd places a slice by its name alone, so a parent slice given with
 * it must be the parent that the name implies. */
static int resolve_slice_unit(const char *path, const char *slice, const char *name, char **ret_path,
                              struct libct_error *err)
{
	if (!is_valid_slice(name) || strcmp(name, "-" SLICE_SUFFIX) == 0)
		return form_error(path, "has a name that is not a valid slice below the root slice", err);

	_cleanup_free_ char *dir = expand_slice(name);
	if (slice[0] != '\0') {
		_cleanup_free_ char *parent = expand_slice(slice);
		const char *last = strrchr(dir, '/');
		size_t parent_len = last != NULL ? (size_t)(last - dir) : 0;
		if (strlen(parent) != parent_len || strncmp(parent, dir, parent_len) != 0)
			return ct_error_set(err, EINVAL,
			                    "linux.cgroupsPath: \"%s\": slice \"%s\" is not the parent of "
			                    "\"%s\", which systemd places at \"%s\"",
			                    path, slice, name, dir);
	}
	*ret_path = ct_steal_pointer(&dir);
	return 0;
}

int ct_cgroup_systemd_path(const char *cgroups_path, const char *id, char **ret_path, struct libct_error *err)
{
	_cleanup_free_ char *fallback = NULL;
	const char *path = cgroups_path;
	/* Go callers write an absent string as "". */
	if (path == NULL || path[0] == '\0') {
		if (id == NULL || id[0] == '\0' || strchr(id, '/') != NULL)
			return ct_error_set(err, EINVAL,
			                    "cgroup of container \"%s\": the id cannot be a unit name",
			                    id != NULL ? id : "");
		fallback = ct_asprintf(":" DEFAULT_PREFIX ":%s", id);
		path = fallback;
	}

	const char *first = strchr(path, ':');
	const char *second = first != NULL ? strchr(first + 1, ':') : NULL;
	if (second == NULL || strchr(second + 1, ':') != NULL)
		return form_error(path, "does not have exactly three fields separated by \":\"", err);

	_cleanup_free_ char *slice = ct_strndup(path, (size_t)(first - path));
	_cleanup_free_ char *prefix = ct_strndup(first + 1, (size_t)(second - first - 1));
	const char *name = second + 1;
	if (strchr(prefix, '/') != NULL || strchr(name, '/') != NULL)
		return form_error(path, "has a \"/\" in its prefix or name", err);
	if (name[0] == '\0')
		return form_error(path, "has an empty name", err);
	if (slice[0] != '\0' && !is_valid_slice(slice))
		return form_error(path, "has a slice that is not a valid slice unit name", err);

	if (has_suffix(name, SLICE_SUFFIX))
		return resolve_slice_unit(path, slice, name, ret_path, err);

	_cleanup_free_ char *parent = expand_slice(slice[0] != '\0' ? slice : DEFAULT_SLICE);
	_cleanup_free_ char *unit = prefix[0] != '\0' ? ct_asprintf("%s-%s.scope", prefix, name)
	                                              : ct_asprintf("%s.scope", name);
	*ret_path = parent[0] != '\0' ? ct_asprintf("%s/%s", parent, unit) : ct_steal_pointer(&unit);
	return 0;
}
