/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Fixture trees for the cgroup tests: plain directories plus a fixture
 * mountinfo and /proc/self/cgroup for the v1, hybrid and pure v2 layouts.
 * Included by one test program each, so the helpers are static.
 */
#ifndef CTRUN_CGROUP_FIXTURE_H
#define CTRUN_CGROUP_FIXTURE_H

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cgroup-internal.h"
#include "tap.h"

/* ------------------------------------------------------------ helpers */

static char fixture_base[] = "/tmp/ctrun-test-cgroup.XXXXXX";

static inline void write_text(const char *path, const char *text)
{
	FILE *f = fopen(path, "we");
	if (f == NULL || fputs(text, f) < 0 || fclose(f) != 0) {
		diag("cannot write fixture file \"%s\": %s", path, strerror(errno));
		exit(2);
	}
}

static inline char *read_text(const char *path)
{
	char *data = NULL;
	if (ct_read_file_at(AT_FDCWD, path, 1 << 20, &data, NULL, NULL) < 0)
		return NULL;
	return data;
}

static inline void make_dirs(const char *path)
{
	char *copy = ct_strdup(path);
	for (char *p = copy + 1; *p != '\0'; p++) {
		if (*p != '/')
			continue;
		*p = '\0';
		(void)mkdir(copy, 0755); /* most already exist */
		*p = '/';
	}
	if (mkdir(copy, 0755) < 0 && errno != EEXIST) {
		diag("cannot create fixture directory \"%s\": %s", path, strerror(errno));
		exit(2);
	}
	free(copy);
}

static inline bool exists(const char *path)
{
	struct stat st;
	return stat(path, &st) == 0;
}

static inline void remove_recursively(const char *path)
{
	char *command = ct_asprintf("rm -rf -- '%s'", path);
	if (system(command) != 0)
		diag("cannot remove \"%s\"", path);
	free(command);
}

static inline void map_clear(struct spec_map *map)
{
	for (size_t i = 0; i < map->n_entries; i++) {
		free(map->entries[i].key);
		free(map->entries[i].value);
	}
	free(map->entries);
	map->entries = NULL;
	map->n_entries = 0;
}

static inline const char *map_value(const struct spec_map *map, const char *key)
{
	for (size_t i = 0; i < map->n_entries; i++)
		if (strcmp(map->entries[i].key, key) == 0)
			return map->entries[i].value;
	return NULL;
}

/* ------------------------------------------------------------ fixtures */

enum fixture_kind {
	FIXTURE_V1,
	FIXTURE_HYBRID,
	FIXTURE_V2,
};

struct fixture {
	char *dir;  /* the fixture's own directory */
	char *root; /* the mount root, dir/cg */
	char *mountinfo;
	char *self; /* the fixture /proc/self/cgroup */
};

/* Whether the next fixtures mount blkio read-write. */
static bool fixture_blkio_writable;

/* The v1 hierarchies. blkio is mounted read-only and must be skipped, and
 * the runtime's memory cgroup is not the root, as under a job manager. */
static void add_v1(const struct fixture *fixture, FILE *mountinfo, FILE *self)
{
	const char *r = fixture->root;
	fprintf(mountinfo, "31 23 0:28 / %s rw,nosuid shared:9 - tmpfs tmpfs ro,mode=755\n", r);
	fprintf(mountinfo,
	        "32 31 0:29 / %s/cpu,cpuacct rw,relatime shared:10 - cgroup cgroup rw,cpu,cpuacct\n", r);
	fprintf(mountinfo, "35 31 0:32 / %s/memory rw,relatime - cgroup cgroup rw,memory\n", r);
	fprintf(mountinfo, "37 31 0:34 / %s/freezer rw,relatime - cgroup cgroup rw,freezer\n", r);
	fprintf(mountinfo, "38 31 0:35 / %s/blkio %s,relatime - cgroup cgroup rw,blkio\n", r,
	        fixture_blkio_writable ? "rw" : "ro");
	fprintf(mountinfo, "40 31 0:37 / %s/systemd rw,relatime - cgroup cgroup rw,xattr,name=systemd\n", r);
	fprintf(mountinfo, "42 31 0:39 / %s/pids rw,relatime - cgroup cgroup rw,pids\n", r);
	fprintf(mountinfo, "43 31 0:40 / %s/cpuset rw,relatime - cgroup cgroup rw,cpuset,clone_children\n",
	        r);
	fprintf(mountinfo, "44 31 0:41 / %s/devices rw,relatime - cgroup cgroup rw,devices\n", r);
	fprintf(mountinfo, "45 31 0:42 / %s/net_cls,net_prio rw - cgroup cgroup rw,net_cls,net_prio\n", r);
	fprintf(self, "9:net_cls,net_prio:/\n8:devices:/\n7:cpuset:/\n6:pids:/\n");
	fprintf(self, "5:blkio:/\n4:name=systemd:/user.slice/session-1.scope\n3:freezer:/\n");
	fprintf(self, "2:memory:/process_api/abc\n1:cpu,cpuacct:/\n");

	char *path = ct_asprintf("%s/memory/process_api/abc", r);
	make_dirs(path);
	free(path);
	path = ct_asprintf("%s/systemd/user.slice/session-1.scope", r);
	make_dirs(path);
	free(path);
	const char *names[] = {"cpu,cpuacct", "freezer", "blkio",           "pids",
	                       "cpuset",      "devices", "net_cls,net_prio"};
	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		path = ct_asprintf("%s/%s", r, names[i]);
		make_dirs(path);
		free(path);
	}
}

static inline void add_unified(const struct fixture *fixture, FILE *mountinfo, FILE *self, bool pure)
{
	const char *r = fixture->root;
	char *dir = pure ? ct_strdup(r) : ct_asprintf("%s/unified", r);
	fprintf(mountinfo, "41 %d 0:38 / %s rw,nosuid,nodev - cgroup2 cgroup2 rw,nsdelegate\n",
	        pure ? 23 : 31, dir);
	fprintf(self, "0::/user.slice/session-1.scope\n");

	char *path = ct_asprintf("%s/user.slice/session-1.scope", dir);
	make_dirs(path);
	free(path);
	path = ct_asprintf("%s/cgroup.controllers", dir);
	write_text(path, pure ? "cpuset cpu io memory pids\n" : "hugetlb\n");
	free(path);
	free(dir);
}

static inline struct fixture fixture_new(enum fixture_kind kind)
{
	static int counter;
	struct fixture fixture = {.dir = ct_asprintf("%s/f%d", fixture_base, counter++)};
	fixture.root = ct_asprintf("%s/cg", fixture.dir);
	fixture.mountinfo = ct_asprintf("%s/mountinfo", fixture.dir);
	fixture.self = ct_asprintf("%s/self-cgroup", fixture.dir);
	make_dirs(fixture.root);

	FILE *mountinfo = fopen(fixture.mountinfo, "we");
	FILE *self = fopen(fixture.self, "we");
	if (mountinfo == NULL || self == NULL)
		exit(2);
	fprintf(mountinfo, "22 1 254:1 / / rw,relatime shared:1 - ext4 /dev/vda1 rw\n");
	if (kind != FIXTURE_V2)
		add_v1(&fixture, mountinfo, self);
	if (kind != FIXTURE_V1)
		add_unified(&fixture, mountinfo, self, kind == FIXTURE_V2);
	fprintf(mountinfo, "60 22 0:50 / %s/elsewhere rw - tmpfs tmpfs rw\n", fixture.dir);
	fclose(mountinfo);
	fclose(self);
	return fixture;
}

static inline void fixture_free(struct fixture *fixture)
{
	remove_recursively(fixture->dir);
	free(fixture->dir);
	free(fixture->root);
	free(fixture->mountinfo);
	free(fixture->self);
}

static inline struct ct_cgroup_params fixture_params(const struct fixture *fixture, const char *cgroups_path)
{
	return (struct ct_cgroup_params){
	    .mount_root = fixture->root,
	    .proc_self_cgroup = fixture->self,
	    .mountinfo = fixture->mountinfo,
	    .cgroups_path = cgroups_path,
	    .id = "web",
	};
}

/* Resolves cgroups_path on fixture and returns the map of directories. */
static inline int resolve(const struct fixture *fixture, const char *cgroups_path, struct spec_map *ret_map,
                          struct libct_error *err)
{
	struct ct_cgroup_params params = fixture_params(fixture, cgroups_path);
	struct ct_cgroup *cgroup = NULL;
	int r = ct_cgroup_new(&params, &cgroup, err);
	if (r < 0)
		return r;
	ct_cgroup_to_map(cgroup, ret_map);
	ct_cgroup_free(cgroup);
	return 0;
}

static inline void check_dir(const struct spec_map *map, const char *key, const char *root, const char *below,
                             const char *name)
{
	char *expected = ct_asprintf("%s/%s", root, below);
	is_str(map_value(map, key), expected, "%s: %s", name, key);
	free(expected);
}

static inline void check_file(const char *dir, const char *file, const char *expected, const char *name)
{
	char *path = ct_asprintf("%s/%s", dir, file);
	char *text = read_text(path);
	is_str(text, expected, "%s: %s", name, file);
	free(text);
	free(path);
}

/* Writes the initial content of control files, as the kernel shows them in
 * a new cgroup. */
static inline void add_control_files(const char *dir, const char *const *files, size_t count)
{
	for (size_t i = 0; i < count; i++) {
		char *path = ct_asprintf("%s/%s", dir, files[i]);
		write_text(path, "");
		free(path);
	}
}

static inline struct ct_cgroup *new_created(const struct fixture *fixture, const char *path, const char *name)
{
	struct ct_cgroup_params params = fixture_params(fixture, path);
	struct ct_cgroup *cgroup = NULL;
	struct libct_error err = {0};
	int r = ct_cgroup_new(&params, &cgroup, &err);
	if (r == 0)
		r = ct_cgroup_create(cgroup, CT_CGROUP_PART_ALL, &err);
	if (!is_int(r, 0, "%s: create succeeds", name))
		diag("%s", err.message);
	return cgroup;
}

/* Creates cgroup "PREFIX-PID/c1" on the real hierarchies, below this
 * process's own cgroups, or fails the check "NAME: create succeeds" and
 * returns NULL. */
static inline struct ct_cgroup *new_real_created(const char *prefix, const char *name)
{
	char *path = ct_asprintf("%s-%d/c1", prefix, (int)getpid());
	struct ct_cgroup_params params = {.cgroups_path = path, .id = "unit"};
	struct ct_cgroup *cgroup = NULL;
	struct libct_error err = {0};
	int r = ct_cgroup_new(&params, &cgroup, &err);
	free(path);
	if (r == 0)
		r = ct_cgroup_create(cgroup, CT_CGROUP_PART_ALL, &err);
	if (!is_int(r, 0, "%s: create succeeds", name)) {
		diag("%s", err.message);
		ct_cgroup_free(cgroup);
		return NULL;
	}
	return cgroup;
}

#endif
