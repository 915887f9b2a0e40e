/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Finds the cgroup hierarchies of the host (v1, pure v2 or hybrid) from
 * /proc/self/mountinfo, and the container's directory in each from
 * linux.cgroupsPath and /proc/self/cgroup. cgroup.c creates and removes the
 * directories. docs/cgroups.md describes the behaviour.
 */
#include <fcntl.h>
#include <string.h>

#include "cgroup-internal.h"

/* Parent of the relative cgroupsPath used when the config has none.
 * docs/cgroups.md explains the choice. */
#define DEFAULT_PARENT "ctrun"

/* -------------------------------------------------- linux.cgroupsPath */

/* Joins the components of path with "/", skipping "." and empty ones and
 * rejecting "..", so that the result cannot leave its starting directory. */
static int normalize_cgroups_path(const char *path, char **ret_path, struct libct_error *err)
{
	_cleanup_free_ char *copy = ct_strdup(path);
	_cleanup_free_ char *result = ct_calloc(1, strlen(path) + 1);
	size_t len = 0;
	char *save = NULL;

	for (char *item = strtok_r(copy, "/", &save); item != NULL; item = strtok_r(NULL, "/", &save)) {
		if (strcmp(item, ".") == 0)
			continue;
		if (strcmp(item, "..") == 0)
			return ct_error_set(err, EINVAL,
			                    "linux.cgroupsPath: \"%s\" must not contain \"..\" components",
			                    path);
		if (len > 0)
			result[len++] = '/';
		memcpy(result + len, item, strlen(item));
		len += strlen(item);
	}
	result[len] = '\0';
	*ret_path = ct_steal_pointer(&result);
	return 0;
}

/* The systemd cgroup driver of runc takes "slice:prefix:name". */
static bool is_systemd_unit_path(const char *path)
{
	if (strchr(path, '/') != NULL)
		return false;
	const char *first = strchr(path, ':');
	return first != NULL && strchr(first + 1, ':') != NULL;
}

static int resolve_default_path(const char *id, char **ret_relative, struct libct_error *err)
{
	if (id == NULL || id[0] == '\0' || strchr(id, '/') != NULL || strcmp(id, ".") == 0 ||
	    strcmp(id, "..") == 0)
		return ct_error_set(err, EINVAL,
		                    "cgroup of container \"%s\": the id cannot be a directory name",
		                    id != NULL ? id : "");
	*ret_relative = ct_asprintf("%s/%s", DEFAULT_PARENT, id);
	return 0;
}

/*
 * Resolves linux.cgroupsPath (or the default) to a path without "." or ".."
 * and whether it starts at the hierarchy root (absolute) or at the
 * runtime's own cgroup (relative).
 */
static int resolve_cgroups_path(const struct ct_cgroup_params *params, char **ret_relative,
                                bool *ret_absolute, struct libct_error *err)
{
	const char *path = params->cgroups_path;
	*ret_absolute = false;
	/* The systemd tree starts at the cgroup of PID 1, which the caller
	 * reads instead of its own. */
	if (params->systemd)
		return ct_cgroup_systemd_path(path, params->id, ret_relative, err);
	/* Go callers write an absent string as "". */
	if (path == NULL || path[0] == '\0')
		return resolve_default_path(params->id, ret_relative, err);

	if (is_systemd_unit_path(path))
		return ct_error_set(
		    err, ENOTSUP,
		    "linux.cgroupsPath: \"%s\" has the systemd form \"slice:prefix:name\", which "
		    "needs the systemd cgroup driver (--systemd-cgroup)",
		    path);

	_cleanup_free_ char *relative = NULL;
	int r = normalize_cgroups_path(path, &relative, err);
	if (r < 0)
		return r;

	bool absolute = path[0] == '/';
	if (relative[0] == '\0')
		return ct_error_set(err, EINVAL,
		                    "linux.cgroupsPath: \"%s\" names %s, but a container needs a cgroup "
		                    "of its own",
		                    path, absolute ? "the root cgroup" : "the runtime's own cgroup");
	*ret_relative = ct_steal_pointer(&relative);
	*ret_absolute = absolute;
	return 0;
}

/* ---------------------------------------------------- /proc/self/cgroup */

/* Reads the lines "ID:NAMES:PATH". names[i] is a hierarchy ("" for
 * cgroup2) and paths[i] the runtime's cgroup in it. */
static int read_self_cgroup(const char *file, char ***ret_names, char ***ret_paths, struct libct_error *err)
{
	_cleanup_free_ char *data = NULL;
	int r = ct_read_file_at(AT_FDCWD, file, CT_CGROUP_CONTROL_FILE_MAX, &data, NULL, NULL);
	if (r < 0)
		return ct_error_sys(err, -r, "read \"%s\"", file);

	_cleanup_strv_ char **names = NULL;
	_cleanup_strv_ char **paths = NULL;
	char *save = NULL;
	for (char *line = strtok_r(data, "\n", &save); line != NULL; line = strtok_r(NULL, "\n", &save)) {
		char *first = strchr(line, ':');
		char *second = first != NULL ? strchr(first + 1, ':') : NULL;
		if (second == NULL || second[1] != '/')
			return ct_error_set(err, EINVAL, "parse \"%s\": invalid line \"%s\"", file, line);
		ct_strv_push(&names, ct_strndup(first + 1, (size_t)(second - first - 1)));
		ct_strv_push(&paths, ct_strdup(second + 1));
	}
	*ret_names = ct_steal_pointer(&names);
	*ret_paths = ct_steal_pointer(&paths);
	return 0;
}

/* ------------------------------------------------------------ mountinfo */

struct mount_entry {
	const char *root; /* the directory of the hierarchy that is mounted */
	const char *mount_point;
	const char *fstype;
	const char *super_options;
	bool readonly;
};

/* The mounts that matter: the one at mount_root and the cgroup ones right
 * below it. The strings point into the mountinfo buffer. */
struct mount_scan {
	struct mount_entry root;
	bool has_root;
	struct mount_entry *children;
	size_t n_children;
};

/* Decodes the "\040" escapes that mountinfo uses for space, tab, newline
 * and backslash, in place. */
static void unescape_octal(char *s)
{
	char *out = s;
	for (const char *in = s; *in != '\0'; in++) {
		if (in[0] == '\\' && in[1] >= '0' && in[1] <= '3' && in[2] >= '0' && in[2] <= '7' &&
		    in[3] >= '0' && in[3] <= '7') {
			*out++ = (char)((in[1] - '0') * 64 + (in[2] - '0') * 8 + (in[3] - '0'));
			in += 3;
		} else {
			*out++ = *in;
		}
	}
	*out = '\0';
}

/* Parses "ID PARENT MAJ:MIN ROOT MOUNT-POINT OPTIONS [OPTIONAL...] - FSTYPE
 * SOURCE SUPER-OPTIONS" (proc(5)) in place. */
static bool parse_mountinfo_line(char *line, struct mount_entry *ret_entry)
{
	char *fields[6];
	char *save = NULL;
	for (size_t i = 0; i < 6; i++) {
		fields[i] = strtok_r(i == 0 ? line : NULL, " ", &save);
		if (fields[i] == NULL)
			return false;
	}
	char *item;
	while ((item = strtok_r(NULL, " ", &save)) != NULL && strcmp(item, "-") != 0)
		;
	char *fstype = item != NULL ? strtok_r(NULL, " ", &save) : NULL;
	char *source = fstype != NULL ? strtok_r(NULL, " ", &save) : NULL;
	char *super_options = source != NULL ? strtok_r(NULL, " ", &save) : NULL;
	if (super_options == NULL)
		return false;

	unescape_octal(fields[3]);
	unescape_octal(fields[4]);
	*ret_entry = (struct mount_entry){
	    .root = fields[3],
	    .mount_point = fields[4],
	    .fstype = fstype,
	    .super_options = super_options,
	    .readonly = strcmp(fields[5], "ro") == 0 || strncmp(fields[5], "ro,", 3) == 0,
	};
	return true;
}

static bool is_direct_child(const char *path, const char *parent)
{
	size_t len = strlen(parent);
	if (strcmp(parent, "/") == 0)
		len = 0;
	return strncmp(path, parent, len) == 0 && path[len] == '/' && path[len + 1] != '\0' &&
	       strchr(path + len + 1, '/') == NULL;
}

static void record_child(struct mount_scan *scan, const struct mount_entry *entry)
{
	/* A later mount on the same point hides the earlier one. */
	for (size_t i = 0; i < scan->n_children; i++) {
		if (strcmp(scan->children[i].mount_point, entry->mount_point) == 0) {
			scan->children[i] = *entry;
			return;
		}
	}
	scan->children = ct_realloc(scan->children, (scan->n_children + 1) * sizeof(*scan->children));
	scan->children[scan->n_children++] = *entry;
}

static int scan_mountinfo(char *data, const char *file, const char *mount_root, struct mount_scan *scan,
                          struct libct_error *err)
{
	char *save = NULL;
	for (char *line = strtok_r(data, "\n", &save); line != NULL; line = strtok_r(NULL, "\n", &save)) {
		struct mount_entry entry;
		if (!parse_mountinfo_line(line, &entry))
			return ct_error_set(err, EINVAL, "parse \"%s\": invalid line", file);

		if (strcmp(entry.mount_point, mount_root) == 0) {
			/* A new mount at the root hides everything mounted below the old one. */
			scan->root = entry;
			scan->has_root = true;
			scan->n_children = 0;
		} else if (is_direct_child(entry.mount_point, mount_root) &&
		           (strcmp(entry.fstype, "cgroup") == 0 || strcmp(entry.fstype, "cgroup2") == 0)) {
			record_child(scan, &entry);
		}
	}
	return 0;
}

/* ---------------------------------------------------------- hierarchies */

/* The container's cgroup path and the runtime's own cgroups, the same for
 * every hierarchy. */
struct placement {
	const char *relative; /* normalized cgroupsPath */
	bool absolute;
	const char *self_file;
	char **self_names;
	char **self_paths;
};

/* Returns the part of the hierarchy path below the mounted directory root
 * ("" for root itself), or NULL when path is not visible in the mount. */
static const char *strip_mount_root(const char *root, const char *path)
{
	if (strcmp(root, "/") == 0)
		return path + 1;
	if (!ct_cgroup_path_is_below(path, root))
		return NULL;
	path += strlen(root);
	return path[0] == '/' ? path + 1 : path;
}

static void hierarchy_clear(struct ct_cgroup_hierarchy *hierarchy)
{
	free(hierarchy->name);
	free(hierarchy->mount_point);
	free(hierarchy->dir);
	free(hierarchy->created);
	ct_strvfreep(&hierarchy->controllers);
}

void ct_cgroup_append_hierarchy(struct ct_cgroup *cgroup, const struct ct_cgroup_hierarchy *hierarchy)
{
	cgroup->hierarchies =
	    ct_realloc(cgroup->hierarchies, (cgroup->n_hierarchies + 1) * sizeof(*cgroup->hierarchies));
	cgroup->hierarchies[cgroup->n_hierarchies++] = *hierarchy;
}

char **ct_cgroup_split_v1_controllers(const char *name)
{
	_cleanup_free_ char *copy = ct_strdup(name);
	char **controllers = ct_calloc(1, sizeof(char *));
	char *save = NULL;
	for (char *item = strtok_r(copy, ",", &save); item != NULL; item = strtok_r(NULL, ",", &save))
		if (strncmp(item, "name=", 5) != 0)
			ct_strv_push(&controllers, ct_strdup(item));
	return controllers;
}

static int find_self_path(const struct placement *placement, const char *self_name, const char *name,
                          const char **ret_path, struct libct_error *err)
{
	for (size_t i = 0; placement->self_names[i] != NULL; i++) {
		if (strcmp(placement->self_names[i], self_name) == 0) {
			*ret_path = placement->self_paths[i];
			return 0;
		}
	}
	return ct_error_set(err, ENOENT,
	                    "find the runtime's cgroup in hierarchy \"%s\": \"%s\" has no line for it", name,
	                    placement->self_file);
}

/* Adds the hierarchy mounted by mount, with the container's directory in
 * it. self_name is its name in /proc/self/cgroup ("" for cgroup2). */
static int add_hierarchy(struct ct_cgroup *cgroup, const struct mount_entry *mount, const char *name,
                         const char *self_name, const struct placement *placement, struct libct_error *err)
{
	if (mount->readonly) {
		ct_debug(cgroup->context, "skip cgroup hierarchy \"%s\" at \"%s\": it is mounted read-only",
		         name, mount->mount_point);
		return 0;
	}

	_cleanup_free_ char *full = NULL;
	if (placement->absolute) {
		full = ct_asprintf("/%s", placement->relative);
	} else {
		const char *self = NULL;
		int r = find_self_path(placement, self_name, name, &self, err);
		if (r < 0)
			return r;
		full = ct_cgroup_join_path(self, placement->relative);
	}

	const char *inside = strip_mount_root(mount->root, full);
	if (inside == NULL)
		return ct_error_set(err, ENOENT,
		                    "cgroup \"%s\" of hierarchy \"%s\" is outside the part \"%s\" "
		                    "mounted at \"%s\"",
		                    full, name, mount->root, mount->mount_point);

	struct ct_cgroup_hierarchy hierarchy = {
	    .name = ct_strdup(name),
	    .unified = strcmp(mount->fstype, "cgroup2") == 0,
	    .mount_point = ct_strdup(mount->mount_point),
	    .dir = ct_cgroup_join_path(mount->mount_point, inside),
	};
	int r = 0;
	if (hierarchy.unified)
		r = ct_cgroup_v2_read_controllers(mount->mount_point, &hierarchy.controllers, err);
	else
		hierarchy.controllers = ct_cgroup_split_v1_controllers(name);
	if (r < 0) {
		hierarchy_clear(&hierarchy);
		return r;
	}
	ct_cgroup_append_hierarchy(cgroup, &hierarchy);
	return 0;
}

struct ct_cgroup_hierarchy *ct_cgroup_find_by_name(const struct ct_cgroup *cgroup, const char *name)
{
	for (size_t i = 0; i < cgroup->n_hierarchies; i++)
		if (strcmp(cgroup->hierarchies[i].name, name) == 0)
			return &cgroup->hierarchies[i];
	return NULL;
}

struct ct_cgroup_hierarchy *ct_cgroup_find(const struct ct_cgroup *cgroup, const char *controller)
{
	struct ct_cgroup_hierarchy *hierarchy = ct_cgroup_find_by_name(cgroup, controller);
	if (hierarchy != NULL)
		return hierarchy;
	for (size_t i = 0; i < cgroup->n_hierarchies; i++)
		if (ct_strv_contains(cgroup->hierarchies[i].controllers, controller))
			return &cgroup->hierarchies[i];
	return NULL;
}

static int add_v1_and_hybrid(struct ct_cgroup *cgroup, const struct mount_scan *scan, const char *mount_root,
                             const struct placement *placement, struct libct_error *err)
{
	bool found_v1 = false;
	bool found_unified = false;
	for (size_t i = 0; i < scan->n_children; i++) {
		const struct mount_entry *mount = &scan->children[i];
		int r;
		if (strcmp(mount->fstype, "cgroup2") == 0) {
			if (found_unified)
				continue;
			found_unified = true;
			r = add_hierarchy(cgroup, mount, CT_CGROUP_UNIFIED, "", placement, err);
		} else {
			int index = ct_cgroup_v1_match(placement->self_names, mount->super_options);
			if (index < 0)
				return ct_error_set(err, ENOENT,
				                    "find cgroup hierarchy mounted at \"%s\" (options "
				                    "\"%s\") in \"%s\": no line matches",
				                    mount->mount_point, mount->super_options,
				                    placement->self_file);
			const char *name = placement->self_names[index];
			/* A hierarchy mounted at two places is used once. */
			if (ct_cgroup_find_by_name(cgroup, name) != NULL)
				continue;
			found_v1 = true;
			r = add_hierarchy(cgroup, mount, name, name, placement, err);
		}
		if (r < 0)
			return r;
	}

	if (!found_v1 && !found_unified)
		return ct_error_set(
		    err, ENOENT, "find cgroup hierarchies: none is mounted at or below \"%s\"", mount_root);
	cgroup->layout = found_unified ? CT_CGROUP_LAYOUT_HYBRID : CT_CGROUP_LAYOUT_V1;
	return 0;
}

/* ------------------------------------------------- systemd driver root */

/*
 * Turns the cgroups of PID 1 into the tops of the systemd tree in each
 * hierarchy. systemd runs itself in "init.scope" below the top. A systemd
 * in a container without a cgroup namespace keeps its tree below the
 * container's cgroup, where PID 1 is. A path outside the caller's cgroup
 * namespace shows as "/.." and has no directory the caller can use.
 */
static int find_systemd_roots(const char *file, char **paths, struct libct_error *err)
{
	for (size_t i = 0; paths != NULL && paths[i] != NULL; i++) {
		char *path = paths[i];
		if (strcmp(path, "/..") == 0 || strncmp(path, "/../", 4) == 0)
			return ct_error_set(err, ENOENT,
			                    "find the systemd cgroup tree: PID 1 is in \"%s\" (\"%s\"), outside "
			                    "the runtime's cgroup namespace",
			                    path, file);
		size_t len = strlen(path);
		size_t suffix = strlen("/init.scope");
		if (len >= suffix && strcmp(path + len - suffix, "/init.scope") == 0)
			path[len - suffix > 0 ? len - suffix : 1] = '\0';
	}
	return 0;
}

/* -------------------------------------------------- new, free, layout */

void ct_cgroup_freep(struct ct_cgroup **cgroup)
{
	ct_cgroup_free(*cgroup);
}

static char *normalize_mount_root(const char *mount_root)
{
	size_t len = strlen(mount_root);
	while (len > 1 && mount_root[len - 1] == '/')
		len--;
	return ct_strndup(mount_root, len);
}

static int find_hierarchies(struct ct_cgroup *cgroup, const char *mountinfo_file, const char *mount_root,
                            const struct placement *placement, struct libct_error *err)
{
	_cleanup_free_ char *data = NULL;
	int r = ct_read_file_at(AT_FDCWD, mountinfo_file, CT_CGROUP_CONTROL_FILE_MAX, &data, NULL, NULL);
	if (r < 0)
		return ct_error_sys(err, -r, "read \"%s\"", mountinfo_file);

	struct mount_scan scan = {0};
	r = scan_mountinfo(data, mountinfo_file, mount_root, &scan, err);
	if (r == 0 && scan.has_root && strcmp(scan.root.fstype, "cgroup2") == 0) {
		cgroup->layout = CT_CGROUP_LAYOUT_V2;
		r = add_hierarchy(cgroup, &scan.root, CT_CGROUP_UNIFIED, "", placement, err);
	} else if (r == 0) {
		r = add_v1_and_hybrid(cgroup, &scan, mount_root, placement, err);
	}
	free(scan.children);
	if (r < 0)
		return r;

	if (cgroup->n_hierarchies == 0)
		return ct_error_set(err, EROFS,
		                    "find cgroup hierarchies: every one below \"%s\" is mounted read-only",
		                    mount_root);
	return 0;
}

int ct_cgroup_new(const struct ct_cgroup_params *params, struct ct_cgroup **ret_cgroup,
                  struct libct_error *err)
{
	_cleanup_free_ char *relative = NULL;
	bool absolute = false;
	int r = resolve_cgroups_path(params, &relative, &absolute, err);
	if (r < 0)
		return r;

	const char *self_file =
	    params->proc_self_cgroup != NULL ? params->proc_self_cgroup : "/proc/self/cgroup";
	if (params->systemd)
		self_file = params->proc_init_cgroup != NULL ? params->proc_init_cgroup : "/proc/1/cgroup";
	_cleanup_strv_ char **self_names = NULL;
	_cleanup_strv_ char **self_paths = NULL;
	r = read_self_cgroup(self_file, &self_names, &self_paths, err);
	if (r == 0 && params->systemd)
		r = find_systemd_roots(self_file, self_paths, err);
	if (r < 0)
		return r;

	struct placement placement = {
	    .relative = relative,
	    .absolute = absolute,
	    .self_file = self_file,
	    .self_names = self_names != NULL ? self_names : (char *[]){NULL},
	    .self_paths = self_paths,
	};
	_cleanup_free_ char *mount_root =
	    normalize_mount_root(params->mount_root != NULL ? params->mount_root : CT_CGROUP_MOUNT_ROOT);
	const char *mountinfo = params->mountinfo != NULL ? params->mountinfo : "/proc/self/mountinfo";

	_cleanup_cgroup_ struct ct_cgroup *cgroup = ct_calloc(1, sizeof(*cgroup));
	cgroup->clone_fd = -1;
	cgroup->context = params->context;
	cgroup->systemd = params->systemd;
	r = find_hierarchies(cgroup, mountinfo, mount_root, &placement, err);
	if (r < 0)
		return r;
	if (params->systemd)
		ct_debug(params->context, "systemd cgroup driver: unit cgroup \"%s\" below the cgroup of PID 1",
		         relative);

	*ret_cgroup = ct_steal_pointer(&cgroup);
	return 0;
}

void ct_cgroup_free(struct ct_cgroup *cgroup)
{
	if (cgroup == NULL)
		return;
	for (size_t i = 0; i < cgroup->n_hierarchies; i++)
		hierarchy_clear(&cgroup->hierarchies[i]);
	free(cgroup->hierarchies);
	ct_closep(&cgroup->clone_fd);
	free(cgroup);
}

enum ct_cgroup_layout ct_cgroup_layout(const struct ct_cgroup *cgroup)
{
	return cgroup->layout;
}
