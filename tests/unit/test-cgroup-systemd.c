/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Tests of the systemd cgroup driver's paths: the translation of
 * "slice:prefix:name" to a unit directory, its rejections, and the
 * placement below the cgroup of PID 1 on fixture trees of the v1, hybrid
 * and pure v2 layouts.
 */
#include "cgroup-fixture.h"

static void check_path(const char *path, const char *id, const char *expected)
{
	char *got = NULL;
	struct libct_error err = {0};
	int r = ct_cgroup_systemd_path(path, id, &got, &err);
	if (!is_int(r, 0, "\"%s\": translates", path != NULL ? path : "(null)"))
		diag("%s", err.message);
	is_str(got, expected, "\"%s\": unit directory", path != NULL ? path : "(null)");
	free(got);
}

static void check_bad(const char *path, const char *id, const char *expected)
{
	char *got = NULL;
	struct libct_error err = {0};
	is_int(ct_cgroup_systemd_path(path, id, &got, &err), -EINVAL, "\"%s\": rejected", path);
	is_str(err.message, expected, "\"%s\": message", path);
	is_str(got, NULL, "\"%s\": no directory", path);
}

static void test_translation(void)
{
	check_path("system.slice:docker:abc", "x", "system.slice/docker-abc.scope");
	check_path(":crio:abc", "x", "system.slice/crio-abc.scope");
	check_path("machine.slice::vm", "x", "machine.slice/vm.scope");
	check_path("-.slice:p:top", "x", "p-top.scope");
	check_path("a-b-c.slice:p:n", "x", "a.slice/a-b.slice/a-b-c.slice/p-n.scope");
	check_path("kubepods-besteffort-pod1.slice:cri-containerd:abc", "x",
	           "kubepods.slice/kubepods-besteffort.slice/kubepods-besteffort-pod1.slice/"
	           "cri-containerd-abc.scope");
	/* A name ending in ".slice" is the unit itself; the prefix is ignored
	 * and systemd places it by its name. */
	check_path("user.slice:ignored:user-1000.slice", "x", "user.slice/user-1000.slice");
	check_path("::user-1000.slice", "x", "user.slice/user-1000.slice");
	check_path("-.slice::top.slice", "x", "top.slice");
	/* No cgroupsPath: ":ctrun:ID", as runc uses ":runc:ID". */
	check_path(NULL, "web", "system.slice/ctrun-web.scope");
	check_path("", "web", "system.slice/ctrun-web.scope");
}

static void test_rejections(void)
{
	const char *form = "; the systemd cgroup driver expects \"slice:prefix:name\", such as "
	                   "\"system.slice:ctrun:web\"";
	struct {
		const char *path;
		const char *problem;
	} cases[] = {
	    {"web", "does not have exactly three fields separated by \":\""},
	    {"/ctrun/web", "does not have exactly three fields separated by \":\""},
	    {"a.slice:web", "does not have exactly three fields separated by \":\""},
	    {"a.slice:p:n:x", "does not have exactly three fields separated by \":\""},
	    {"system.slice:p:", "has an empty name"},
	    {"system.slice:p:a/b", "has a \"/\" in its prefix or name"},
	    {"system.slice:p/q:n", "has a \"/\" in its prefix or name"},
	    {"system:p:n", "has a slice that is not a valid slice unit name"},
	    {".slice:p:n", "has a slice that is not a valid slice unit name"},
	    {"-a.slice:p:n", "has a slice that is not a valid slice unit name"},
	    {"a-.slice:p:n", "has a slice that is not a valid slice unit name"},
	    {"a--b.slice:p:n", "has a slice that is not a valid slice unit name"},
	    {"a.slice/b.slice:p:n", "has a slice that is not a valid slice unit name"},
	    {"system.slice:p:-.slice", "has a name that is not a valid slice below the root slice"},
	    {"system.slice:p:a--b.slice", "has a name that is not a valid slice below the root slice"},
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		char *expected = ct_asprintf("linux.cgroupsPath: \"%s\" %s%s", cases[i].path, cases[i].problem, form);
		check_bad(cases[i].path, "x", expected);
		free(expected);
	}
	check_bad("system.slice:p:user-1000.slice", "x",
	          "linux.cgroupsPath: \"system.slice:p:user-1000.slice\": slice \"system.slice\" is not the "
	          "parent of \"user-1000.slice\", which systemd places at \"user.slice/user-1000.slice\"");

	char *got = NULL;
	struct libct_error err = {0};
	is_int(ct_cgroup_systemd_path(NULL, "a/b", &got, &err), -EINVAL, "default path, id a/b: rejected");
	is_str(err.message, "cgroup of container \"a/b\": the id cannot be a unit name",
	       "default path, id a/b: message");
}

/* ------------------------------------------------------------ placement */

/* Writes a fixture /proc/1/cgroup for the layout of fixture, with PID 1
 * at v1_path in every v1 hierarchy and at unified_path in cgroup2. */
static char *write_init_cgroup(const struct fixture *fixture, enum fixture_kind kind, const char *v1_path,
                               const char *unified_path)
{
	const char *names[] = {"net_cls,net_prio", "devices",      "cpuset",  "pids",       "blkio",
	                       "name=systemd",     "freezer",      "memory",  "cpu,cpuacct"};
	char *file = ct_asprintf("%s/init-cgroup", fixture->dir);
	FILE *f = fopen(file, "we");
	if (f == NULL)
		exit(2);
	for (size_t i = 0; kind != FIXTURE_V2 && i < sizeof(names) / sizeof(names[0]); i++)
		fprintf(f, "%zu:%s:%s\n", 9 - i, names[i], v1_path);
	if (kind != FIXTURE_V1)
		fprintf(f, "0::%s\n", unified_path);
	fclose(f);
	return file;
}

static int resolve_systemd(const struct fixture *fixture, const char *init_file, const char *path,
                           struct spec_map *ret_map, struct libct_error *err)
{
	struct ct_cgroup_params params = fixture_params(fixture, path);
	params.systemd = true;
	params.proc_init_cgroup = init_file;
	struct ct_cgroup *cgroup = NULL;
	int r = ct_cgroup_new(&params, &cgroup, err);
	if (r < 0)
		return r;
	r = ct_cgroup_to_map(cgroup, ret_map);
	ct_cgroup_free(cgroup);
	return r;
}

static void test_placement_v1(void)
{
	struct fixture fixture = fixture_new(FIXTURE_V1);
	char *init = write_init_cgroup(&fixture, FIXTURE_V1, "/", "");
	struct spec_map map = {0};
	struct libct_error err = {0};
	if (!is_int(resolve_systemd(&fixture, init, "a-b.slice:p:web", &map, &err), 0, "v1: resolves"))
		diag("%s", err.message);
	/* The runtime's own memory cgroup (/process_api/abc) plays no part. */
	check_dir(&map, "memory", fixture.root, "memory/a.slice/a-b.slice/p-web.scope", "v1");
	check_dir(&map, "name=systemd", fixture.root, "systemd/a.slice/a-b.slice/p-web.scope", "v1");
	is_str(map_value(&map, CT_CGROUP_DRIVER_KEY), "systemd", "v1: the state records the driver");
	map_clear(&map);
	free(init);
	fixture_free(&fixture);
}

static void test_placement_hybrid_nested(void)
{
	/* PID 1 of a container without a cgroup namespace: the unit goes
	 * below its cgroup, where that container's systemd keeps its tree. */
	struct fixture fixture = fixture_new(FIXTURE_HYBRID);
	char *init = write_init_cgroup(&fixture, FIXTURE_HYBRID, "/process_api/abc", "/process_api/abc/init.scope");
	struct spec_map map = {0};
	struct libct_error err = {0};
	if (!is_int(resolve_systemd(&fixture, init, NULL, &map, &err), 0, "hybrid: resolves"))
		diag("%s", err.message);
	check_dir(&map, "memory", fixture.root, "memory/process_api/abc/system.slice/ctrun-web.scope", "hybrid");
	check_dir(&map, "unified", fixture.root, "unified/process_api/abc/system.slice/ctrun-web.scope",
	          "hybrid: init.scope is left out");
	map_clear(&map);
	free(init);
	fixture_free(&fixture);
}

static void test_placement_v2(void)
{
	struct fixture fixture = fixture_new(FIXTURE_V2);
	char *init = write_init_cgroup(&fixture, FIXTURE_V2, "", "/init.scope");
	struct spec_map map = {0};
	struct libct_error err = {0};
	if (!is_int(resolve_systemd(&fixture, init, "system.slice:crio:abc", &map, &err), 0, "v2: resolves"))
		diag("%s", err.message);
	check_dir(&map, "unified", fixture.root, "system.slice/crio-abc.scope", "v2");
	is_int(map.n_entries, 2, "v2: one hierarchy and the driver");

	/* Later commands find the cgroup and the driver in the state. */
	struct ct_cgroup *restored = NULL;
	is_int(ct_cgroup_from_map(&map, &restored, &err), 0, "v2: restores from the state");
	if (restored != NULL) {
		ok(restored->systemd, "v2: restored driver is systemd");
		is_int(restored->n_hierarchies, 1, "v2: the driver is no hierarchy");
		ct_cgroup_free(restored);
	}
	map_clear(&map);

	is_int(resolve_systemd(&fixture, init, "system.slice/web", &map, &err), -EINVAL,
	       "v2: a path without colons is rejected");
	map_clear(&map);
	free(init);

	init = write_init_cgroup(&fixture, FIXTURE_V2, "", "/../outside");
	is_int(resolve_systemd(&fixture, init, ":p:web", &map, &err), -ENOENT,
	       "v2: PID 1 outside the cgroup namespace is rejected");
	char *expected = ct_asprintf("find the systemd cgroup tree: PID 1 is in \"/../outside\" (\"%s\"), "
	                             "outside the runtime's cgroup namespace",
	                             init);
	is_str(err.message, expected, "v2: message names PID 1's cgroup");
	free(expected);
	free(init);
	fixture_free(&fixture);
}

int main(void)
{
	if (mkdtemp(fixture_base) == NULL) {
		diag("mkdtemp: %s", strerror(errno));
		return 2;
	}
	test_translation();
	test_rejections();
	test_placement_v1();
	test_placement_hybrid_nested();
	test_placement_v2();
	remove_recursively(fixture_base);
	return done_testing();
}
