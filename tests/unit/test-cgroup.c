/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Tests of the cgroup placement. Most tests run on fixture trees (plain
 * directories plus a fixture mountinfo and /proc/self/cgroup) for the v1,
 * hybrid and pure v2 layouts. The last group needs root and runs on the
 * real hierarchies, always below this process's own cgroups.
 */
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>


#include "cgroup-fixture.h"

/* -------------------------------------------------------------- layouts */

static void test_layouts(void)
{
	const enum ct_cgroup_layout expected[] = {CT_CGROUP_LAYOUT_V1, CT_CGROUP_LAYOUT_HYBRID,
	                                          CT_CGROUP_LAYOUT_V2};
	const char *names[] = {"v1", "hybrid", "v2"};
	for (int kind = FIXTURE_V1; kind <= FIXTURE_V2; kind++) {
		struct fixture fixture = fixture_new((enum fixture_kind)kind);
		struct ct_cgroup_params params = fixture_params(&fixture, NULL);
		struct ct_cgroup *cgroup = NULL;
		struct libct_error err = {0};
		int r = ct_cgroup_new(&params, &cgroup, &err);
		if (!is_int(r, 0, "layout %s: new succeeds", names[kind]))
			diag("%s", err.message);
		if (cgroup != NULL) {
			is_int(ct_cgroup_layout(cgroup), expected[kind], "layout %s: detected", names[kind]);
			ct_cgroup_free(cgroup);
		}
		fixture_free(&fixture);
	}
}

static void test_default_path_v1(void)
{
	struct fixture fixture = fixture_new(FIXTURE_V1);
	struct spec_map map = {0};
	struct libct_error err = {0};
	is_int(resolve(&fixture, NULL, &map, &err), 0, "default path v1: resolves");

	check_dir(&map, "memory", fixture.root, "memory/process_api/abc/ctrun/web", "default path v1");
	check_dir(&map, "cpu,cpuacct", fixture.root, "cpu,cpuacct/ctrun/web", "default path v1");
	check_dir(&map, "freezer", fixture.root, "freezer/ctrun/web", "default path v1");
	check_dir(&map, "name=systemd", fixture.root, "systemd/user.slice/session-1.scope/ctrun/web",
	          "default path v1");
	is_str(map_value(&map, "blkio"), NULL, "default path v1: read-only blkio skipped");
	is_str(map_value(&map, "unified"), NULL, "default path v1: no unified hierarchy");
	is_int(map.n_entries, 8, "default path v1: eight hierarchies");
	map_clear(&map);

	/* An empty string is how Go callers write an absent path. */
	is_int(resolve(&fixture, "", &map, &err), 0, "empty path: resolves");
	check_dir(&map, "memory", fixture.root, "memory/process_api/abc/ctrun/web", "empty path");
	map_clear(&map);
	fixture_free(&fixture);
}

static void test_paths_hybrid(void)
{
	struct fixture fixture = fixture_new(FIXTURE_HYBRID);
	struct spec_map map = {0};
	struct libct_error err = {0};

	is_int(resolve(&fixture, NULL, &map, &err), 0, "default path hybrid: resolves");
	check_dir(&map, "unified", fixture.root, "unified/user.slice/session-1.scope/ctrun/web",
	          "default path hybrid");
	check_dir(&map, "memory", fixture.root, "memory/process_api/abc/ctrun/web", "default path hybrid");
	is_int(map.n_entries, 9, "default path hybrid: nine hierarchies");
	map_clear(&map);

	is_int(resolve(&fixture, "pods/./x//y/", &map, &err), 0, "relative path: resolves");
	check_dir(&map, "memory", fixture.root, "memory/process_api/abc/pods/x/y", "relative path");
	check_dir(&map, "cpu,cpuacct", fixture.root, "cpu,cpuacct/pods/x/y", "relative path");
	check_dir(&map, "unified", fixture.root, "unified/user.slice/session-1.scope/pods/x/y",
	          "relative path");
	map_clear(&map);

	is_int(resolve(&fixture, "/default/abc", &map, &err), 0, "absolute path: resolves");
	check_dir(&map, "memory", fixture.root, "memory/default/abc", "absolute path");
	check_dir(&map, "name=systemd", fixture.root, "systemd/default/abc", "absolute path");
	check_dir(&map, "unified", fixture.root, "unified/default/abc", "absolute path");
	map_clear(&map);
	fixture_free(&fixture);
}

static void test_paths_v2(void)
{
	struct fixture fixture = fixture_new(FIXTURE_V2);
	struct spec_map map = {0};
	struct libct_error err = {0};

	is_int(resolve(&fixture, NULL, &map, &err), 0, "default path v2: resolves");
	check_dir(&map, "unified", fixture.root, "user.slice/session-1.scope/ctrun/web", "default path v2");
	is_int(map.n_entries, 1, "default path v2: one hierarchy");
	map_clear(&map);

	is_int(resolve(&fixture, "/machine/c1", &map, &err), 0, "absolute path v2: resolves");
	check_dir(&map, "unified", fixture.root, "machine/c1", "absolute path v2");
	map_clear(&map);
	fixture_free(&fixture);
}

static void check_rejected(const struct fixture *fixture, const char *path, const char *id,
                           int expected_errno, const char *expected_message)
{
	struct ct_cgroup_params params = fixture_params(fixture, path);
	params.id = id;
	struct ct_cgroup *cgroup = NULL;
	struct libct_error err = {0};
	is_int(ct_cgroup_new(&params, &cgroup, &err), -expected_errno, "reject \"%s\": errno",
	       path ? path : id);
	is_str(err.message, expected_message, "reject \"%s\": message", path ? path : id);
	ok(cgroup == NULL, "reject \"%s\": no object", path ? path : id);
	ct_cgroup_free(cgroup);
}

static void test_rejections(void)
{
	struct fixture fixture = fixture_new(FIXTURE_HYBRID);
	check_rejected(&fixture, "../escape", "web", EINVAL,
	               "linux.cgroupsPath: \"../escape\" must not contain \"..\" components");
	check_rejected(&fixture, "/a/../../b", "web", EINVAL,
	               "linux.cgroupsPath: \"/a/../../b\" must not contain \"..\" components");
	check_rejected(&fixture, "a/..", "web", EINVAL,
	               "linux.cgroupsPath: \"a/..\" must not contain \"..\" components");
	check_rejected(
	    &fixture, "/", "web", EINVAL,
	    "linux.cgroupsPath: \"/\" names the root cgroup, but a container needs a cgroup of its own");
	check_rejected(
	    &fixture, "./", "web", EINVAL,
	    "linux.cgroupsPath: \"./\" names the runtime's own cgroup, but a container needs a cgroup "
	    "of its own");
	check_rejected(
	    &fixture, "system.slice:ctrun:web", "web", ENOTSUP,
	    "linux.cgroupsPath: \"system.slice:ctrun:web\" has the systemd form \"slice:prefix:name\", "
	    "which needs the systemd cgroup driver (--systemd-cgroup)");
	check_rejected(&fixture, NULL, "a/b", EINVAL,
	               "cgroup of container \"a/b\": the id cannot be a directory name");
	check_rejected(&fixture, NULL, "..", EINVAL,
	               "cgroup of container \"..\": the id cannot be a directory name");
	fixture_free(&fixture);
}

/* A mount of a subtree, as inside a cgroup namespace: the mountinfo root
 * field is not "/". Also checks the octal escapes of mountinfo. */
static void test_mount_of_subtree(void)
{
	struct fixture fixture = {.dir = ct_asprintf("%s/subtree", fixture_base)};
	fixture.root = ct_asprintf("%s/c g", fixture.dir);
	fixture.mountinfo = ct_asprintf("%s/mountinfo", fixture.dir);
	fixture.self = ct_asprintf("%s/self-cgroup", fixture.dir);
	char *memory = ct_asprintf("%s/memory/abc", fixture.root);
	make_dirs(memory);
	free(memory);

	char *text = ct_asprintf("35 31 0:32 /process_api %s/c\\040g/memory rw - cgroup cgroup rw,memory\n",
	                         fixture.dir);
	write_text(fixture.mountinfo, text);
	free(text);
	write_text(fixture.self, "2:memory:/process_api/abc\n");

	struct spec_map map = {0};
	struct libct_error err = {0};
	if (!is_int(resolve(&fixture, NULL, &map, &err), 0, "subtree mount: resolves"))
		diag("%s", err.message);
	check_dir(&map, "memory", fixture.root, "memory/abc/ctrun/web", "subtree mount");
	map_clear(&map);

	is_int(resolve(&fixture, "/process_api/other", &map, &err), 0, "subtree mount: absolute inside");
	check_dir(&map, "memory", fixture.root, "memory/other", "subtree mount absolute");
	map_clear(&map);

	struct ct_cgroup_params params = fixture_params(&fixture, NULL);
	struct ct_cgroup *cgroup = NULL;
	is_int(ct_cgroup_new(&params, &cgroup, NULL), 0, "memory only: new succeeds");
	struct spec_resources pids = {.pids_set = true, .pids_limit = {true, 10}};
	is_int(ct_cgroup_check_resources(cgroup, &pids, &err), -ENOTSUP, "memory only: pids limit rejected");
	is_str(err.message,
	       "linux.resources.pids: not supported, because no \"pids\" cgroup controller is mounted",
	       "memory only: pids limit message");
	ct_cgroup_free(cgroup);

	is_int(resolve(&fixture, "/elsewhere", &map, &err), -ENOENT, "subtree mount: absolute outside fails");
	char *expected = ct_asprintf("cgroup \"/elsewhere\" of hierarchy \"memory\" is outside the part "
	                             "\"/process_api\" mounted at \"%s/memory\"",
	                             fixture.root);
	is_str(err.message, expected, "subtree mount: absolute outside message");
	free(expected);
	fixture_free(&fixture);
}

/* --------------------------------------------------- create and destroy */

static void test_create_destroy(void)
{
	struct fixture fixture = fixture_new(FIXTURE_HYBRID);
	struct ct_cgroup *cgroup = new_created(&fixture, NULL, "create hybrid");
	struct spec_map map = {0};
	ct_cgroup_to_map(cgroup, &map);

	for (size_t i = 0; i < map.n_entries; i++)
		ok(exists(map.entries[i].value), "create hybrid: \"%s\" exists", map.entries[i].key);
	check_dir(&map, "created:memory", fixture.root, "memory/process_api/abc/ctrun", "create hybrid");
	check_dir(&map, "created:unified", fixture.root, "unified/user.slice/session-1.scope/ctrun",
	          "create hybrid");
	is_int(map.n_entries, 18, "create hybrid: nine directories and nine markers");

	/* Sub-cgroups made inside the container go first. */
	char *nested = ct_asprintf("%s/inner/deeper", map_value(&map, "memory"));
	make_dirs(nested);
	free(nested);

	struct libct_error err = {0};
	if (!is_int(ct_cgroup_destroy(cgroup, &err), 0, "destroy hybrid: succeeds"))
		diag("%s", err.message);
	for (size_t i = 0; i < map.n_entries; i++)
		ok(!exists(map.entries[i].value), "destroy hybrid: \"%s\" removed", map.entries[i].key);
	char *own = ct_asprintf("%s/memory/process_api/abc", fixture.root);
	ok(exists(own), "destroy hybrid: the runtime's own cgroup stays");
	free(own);
	is_int(ct_cgroup_destroy(cgroup, &err), 0, "destroy hybrid: a second destroy succeeds");

	map_clear(&map);
	ct_cgroup_free(cgroup);
	fixture_free(&fixture);
}

static void test_existing_leaf(void)
{
	struct fixture fixture = fixture_new(FIXTURE_V1);
	char *leaf = ct_asprintf("%s/memory/process_api/abc/shared/leaf", fixture.root);
	make_dirs(leaf);

	struct ct_cgroup *cgroup = new_created(&fixture, "shared/leaf", "existing leaf");
	struct spec_map map = {0};
	ct_cgroup_to_map(cgroup, &map);
	is_str(map_value(&map, "created:memory"), NULL, "existing leaf: memory not marked as created");
	check_dir(&map, "created:freezer", fixture.root, "freezer/shared", "existing leaf");

	struct libct_error err = {0};
	is_int(ct_cgroup_destroy(cgroup, &err), 0, "existing leaf: destroy succeeds");
	ok(exists(leaf), "existing leaf: the joined cgroup stays");
	ok(!exists(map_value(&map, "created:freezer")), "existing leaf: the created one is removed");

	free(leaf);
	map_clear(&map);
	ct_cgroup_free(cgroup);
	fixture_free(&fixture);
}

/* Two containers below the default parent: the parent stays while the
 * other container uses it. */
static void test_shared_parent(void)
{
	struct fixture fixture = fixture_new(FIXTURE_V2);
	struct ct_cgroup *first = new_created(&fixture, "ctrun/a", "shared parent a");
	struct ct_cgroup *second = new_created(&fixture, "ctrun/b", "shared parent b");
	char *parent = ct_asprintf("%s/user.slice/session-1.scope/ctrun", fixture.root);
	char *second_dir = ct_asprintf("%s/b", parent);

	struct libct_error err = {0};
	if (!is_int(ct_cgroup_destroy(first, &err), 0, "shared parent: destroy a succeeds"))
		diag("%s", err.message);
	ok(exists(second_dir), "shared parent: b stays");
	ok(exists(parent), "shared parent: parent stays while b uses it");
	is_int(ct_cgroup_destroy(second, &err), 0, "shared parent: destroy b succeeds");
	ok(!exists(second_dir), "shared parent: b removed");

	free(parent);
	free(second_dir);
	ct_cgroup_free(first);
	ct_cgroup_free(second);
	fixture_free(&fixture);
}

static void test_destroy_missing(void)
{
	struct fixture fixture = fixture_new(FIXTURE_V1);
	struct ct_cgroup *cgroup = new_created(&fixture, "gone/c", "destroy missing");
	char *top = ct_asprintf("%s/memory/process_api/abc/gone", fixture.root);
	remove_recursively(top);

	struct libct_error err = {0};
	is_int(ct_cgroup_destroy(cgroup, &err), 0, "destroy missing: a removed directory is no error");
	free(top);
	ct_cgroup_free(cgroup);
	fixture_free(&fixture);
}

static void test_destroy_failure(void)
{
	struct fixture fixture = fixture_new(FIXTURE_V2);
	struct ct_cgroup *cgroup = new_created(&fixture, "full", "destroy failure");
	char *file = ct_asprintf("%s/user.slice/session-1.scope/full/file", fixture.root);
	write_text(file, "x");

	/* A plain directory with a file fails with ENOTEMPTY at once, which
	 * imitates a cgroup that cannot be removed. */
	struct libct_error err = {0};
	is_int(ct_cgroup_destroy(cgroup, &err), -ENOTEMPTY, "destroy failure: errno");
	char *expected = ct_asprintf(
	    "remove cgroup \"%s/user.slice/session-1.scope/full\": Directory not empty", fixture.root);
	is_str(err.message, expected, "destroy failure: message names the directory");

	unlink(file);
	free(expected);
	free(file);
	ct_cgroup_free(cgroup);
	fixture_free(&fixture);
}

/* ---------------------------------------------------- enter, pids, fds */

static void test_enter_and_pids(void)
{
	struct fixture fixture = fixture_new(FIXTURE_HYBRID);
	struct ct_cgroup *cgroup = new_created(&fixture, "c", "enter");
	struct spec_map map = {0};
	ct_cgroup_to_map(cgroup, &map);

	for (size_t i = 0; i < map.n_entries; i++) {
		char *procs = ct_asprintf("%s/cgroup.procs", map.entries[i].value);
		if (strncmp(map.entries[i].key, "created:", 8) != 0)
			write_text(procs, "");
		free(procs);
	}
	struct libct_error err = {0};
	is_int(ct_cgroup_enter(cgroup, 4242, &err), 0, "enter: succeeds");
	for (size_t i = 0; i < map.n_entries; i++) {
		if (strncmp(map.entries[i].key, "created:", 8) == 0)
			continue;
		char *procs = ct_asprintf("%s/cgroup.procs", map.entries[i].value);
		char *text = read_text(procs);
		is_str(text, "4242", "enter: pid written for \"%s\"", map.entries[i].key);
		free(text);
		free(procs);
	}

	/* The freezer hierarchy lists the processes, descendants included. */
	const char *freezer = map_value(&map, "freezer");
	char *sub = ct_asprintf("%s/sub", freezer);
	make_dirs(sub);
	char *procs = ct_asprintf("%s/cgroup.procs", freezer);
	write_text(procs, "12\n34\n0\n");
	char *sub_procs = ct_asprintf("%s/cgroup.procs", sub);
	write_text(sub_procs, "56\n");

	pid_t *pids = NULL;
	size_t count = 0;
	is_int(ct_cgroup_pids(cgroup, &pids, &count, &err), 0, "pids: succeeds");
	is_int(count, 3, "pids: three processes, 0 skipped");
	if (count == 3) {
		is_int(pids[0], 12, "pids: first");
		is_int(pids[1], 34, "pids: second");
		is_int(pids[2], 56, "pids: from the sub-cgroup");
	}
	free(pids);

	write_text(sub_procs, "5x\n");
	is_int(ct_cgroup_pids(cgroup, &pids, &count, &err), -EINVAL, "pids: invalid line fails");
	char *expected = ct_asprintf("read \"%s/cgroup.procs\": invalid pid \"5x\"", sub);
	is_str(err.message, expected, "pids: invalid line message");
	free(expected);

	is_int(ct_cgroup_clone_fd(cgroup), -1, "clone fd: none on hybrid");

	unlink(sub_procs);
	for (size_t i = 0; i < map.n_entries; i++) {
		char *file = ct_asprintf("%s/cgroup.procs", map.entries[i].value);
		unlink(file);
		free(file);
	}
	is_int(ct_cgroup_destroy(cgroup, &err), 0, "enter: destroy succeeds");
	free(sub);
	free(procs);
	free(sub_procs);
	map_clear(&map);
	ct_cgroup_free(cgroup);
	fixture_free(&fixture);
}

static void test_clone_fd_v2(void)
{
	struct fixture fixture = fixture_new(FIXTURE_V2);
	struct ct_cgroup *cgroup = new_created(&fixture, "c", "clone fd v2");
	int fd = ct_cgroup_clone_fd(cgroup);
	ok(fd >= 0, "clone fd v2: an fd");
	struct stat st;
	ok(fd >= 0 && fstat(fd, &st) == 0 && S_ISDIR(st.st_mode), "clone fd v2: a directory");
	ok(fd >= 0 && (fcntl(fd, F_GETFD) & FD_CLOEXEC), "clone fd v2: close-on-exec");
	is_int(ct_cgroup_clone_fd(cgroup), fd, "clone fd v2: the same fd again");

	struct libct_error err = {0};
	is_int(ct_cgroup_destroy(cgroup, &err), 0, "clone fd v2: destroy succeeds");
	ct_cgroup_free(cgroup);
	fixture_free(&fixture);
}

/* The fixture tree imitates cgroupfs: cgroup.subtree_control is a plain
 * file, so a write of "+memory" replaces its content. */
static void test_enable_controllers(void)
{
	struct fixture fixture = fixture_new(FIXTURE_V2);
	struct ct_cgroup *cgroup = new_created(&fixture, "ctrun/c", "enable controllers");
	const char *levels[] = {"", "/user.slice", "/user.slice/session-1.scope",
	                        "/user.slice/session-1.scope/ctrun"};
	const char *enabled[] = {"cpu memory\n", "cpu\n", "", ""};
	for (size_t i = 0; i < 4; i++) {
		char *file = ct_asprintf("%s%s/cgroup.subtree_control", fixture.root, levels[i]);
		write_text(file, enabled[i]);
		free(file);
		file = ct_asprintf("%s%s/cgroup.controllers", fixture.root, levels[i]);
		write_text(file, "cpu memory pids\n");
		free(file);
	}

	struct libct_error err = {0};
	char *controllers[] = {"memory", NULL};
	if (!is_int(ct_cgroup_v2_enable_controllers(&cgroup->hierarchies[0], controllers, &err), 0,
	            "enable controllers: succeeds"))
		diag("%s", err.message);
	const char *expected[] = {"cpu memory\n", "+memory", "+memory", "+memory"};
	for (size_t i = 0; i < 4; i++) {
		char *file = ct_asprintf("%s%s/cgroup.subtree_control", fixture.root, levels[i]);
		char *text = read_text(file);
		is_str(text, expected[i], "enable controllers: level \"%s\"", levels[i]);
		free(text);
		free(file);
	}
	char *leaf =
	    ct_asprintf("%s/user.slice/session-1.scope/ctrun/c/cgroup.subtree_control", fixture.root);
	ok(!exists(leaf), "enable controllers: the container's own cgroup is left alone");
	free(leaf);

	char *unavailable[] = {"rdma", NULL};
	is_int(ct_cgroup_v2_enable_controllers(&cgroup->hierarchies[0], unavailable, &err), -ENOTSUP,
	       "enable controllers: unavailable one fails");
	char *message = ct_asprintf("enable cgroup controller \"rdma\" in \"%s\": not available there "
	                            "(cgroup.controllers lists \"cpu memory pids\")",
	                            fixture.root);
	is_str(err.message, message, "enable controllers: unavailable message");
	free(message);

	for (size_t i = 0; i < 4; i++) {
		char *file = ct_asprintf("%s%s/cgroup.subtree_control", fixture.root, levels[i]);
		if (i == 3)
			unlink(file);
		free(file);
		file = ct_asprintf("%s%s/cgroup.controllers", fixture.root, levels[i]);
		if (i == 3)
			unlink(file);
		free(file);
	}
	is_int(ct_cgroup_destroy(cgroup, &err), 0, "enable controllers: destroy succeeds");
	ct_cgroup_free(cgroup);
	fixture_free(&fixture);
}

/* ------------------------------------------------------------ resources */

static void check_resources_rejected(const struct ct_cgroup *cgroup, const struct spec_resources *resources,
                                     int expected_errno, const char *expected_message)
{
	struct libct_error err = {0};
	is_int(ct_cgroup_check_resources(cgroup, resources, &err), -expected_errno, "resources rejected: %s",
	       expected_message);
	is_str(err.message, expected_message, "resources rejected: message");
}

static void test_resources_rejected(void)
{
	struct fixture fixture = fixture_new(FIXTURE_V1);
	struct ct_cgroup_params params = fixture_params(&fixture, NULL);
	struct ct_cgroup *cgroup = NULL;
	is_int(ct_cgroup_new(&params, &cgroup, NULL), 0, "resources rejected: new succeeds");

	struct spec_device_rule rule = {.allow = false, .type = "x"};
	struct spec_hugepage_limit hugepage = {.page_size = "2MB", .limit = 1};
	struct spec_map_entry unified_entry = {.key = "memory.max", .value = "1"};
	struct spec_rdma_entry rdma = {.device = "mlx5_1", .hca_handles = {true, 3}};
	const struct {
		struct spec_resources resources;
		int expected_errno;
		const char *message;
	} unsupported[] = {
	    {{.devices = &rule, .n_devices = 1},
	     EINVAL,
	     "linux.resources.devices[0].type: invalid value \"x\", expected \"a\", \"c\" or \"b\""},
	    {{.block_io = {.set = true, .weight = {true, 5}}},
	     EINVAL,
	     "linux.resources.blockIO.weight: invalid value 5, expected 10 to 1000"},
	    {{.hugepage_limits = &hugepage, .n_hugepage_limits = 1},
	     ENOTSUP,
	     "linux.resources.hugepageLimits: not supported, because no \"hugetlb\" cgroup controller is mounted"},
	    {{.rdma = &rdma, .n_rdma = 1},
	     ENOTSUP,
	     "linux.resources.rdma: not supported, because no \"rdma\" cgroup controller is mounted"},
	    {{.unified = {.entries = &unified_entry, .n_entries = 1}},
	     ENOTSUP,
	     "linux.resources.unified: not supported, because the host mounts no cgroup2 hierarchy"},
	};
	for (size_t i = 0; i < sizeof(unsupported) / sizeof(unsupported[0]); i++)
		check_resources_rejected(cgroup, &unsupported[i].resources, unsupported[i].expected_errno,
		                         unsupported[i].message);

	struct spec_resources swappiness = {.memory = {.set = true, .swappiness = {true, 101}}};
	check_resources_rejected(cgroup, &swappiness, EINVAL,
	                         "linux.resources.memory.swappiness: invalid value 101, expected 0 to 100");
	struct spec_resources pids = {.pids_set = true, .pids_limit = {true, -2}};
	check_resources_rejected(
	    cgroup, &pids, EINVAL,
	    "linux.resources.pids.limit: invalid value -2, expected -1 (no limit) or a count");
	struct spec_resources idle = {.cpu = {.set = true, .idle = {true, 2}}};
	check_resources_rejected(cgroup, &idle, EINVAL,
	                         "linux.resources.cpu.idle: invalid value 2, expected 0 or 1");
	struct spec_resources burst = {.cpu = {.set = true, .quota = {true, 1000}, .burst = {true, 2000}}};
	check_resources_rejected(cgroup, &burst, EINVAL,
	                         "linux.resources.cpu.burst: 2000 is larger than the quota 1000");
	ct_cgroup_free(cgroup);
	fixture_free(&fixture);

	fixture = fixture_new(FIXTURE_V2);
	params = fixture_params(&fixture, NULL);
	is_int(ct_cgroup_new(&params, &cgroup, NULL), 0, "resources rejected v2: new succeeds");
	struct spec_network network = {.set = true, .class_id = {true, 0x100001}};
	struct spec_resources class_id = {.network = network};
	check_resources_rejected(cgroup, &class_id, ENOTSUP,
	                         "linux.resources.network.classID: not supported on cgroup2, which has no net_cls "
	                         "controller");
	struct spec_resources empty = {.set = true};
	is_int(ct_cgroup_check_resources(cgroup, &empty, NULL), 0,
	       "resources v2: an empty object is accepted");
	ct_cgroup_free(cgroup);
	fixture_free(&fixture);
}

static void remove_control_files(const char *dir, const char *const *files, size_t count)
{
	for (size_t i = 0; i < count; i++) {
		char *path = ct_asprintf("%s/%s", dir, files[i]);
		unlink(path);
		free(path);
	}
}

static const char *const memory_files[] = {
    "memory.limit_in_bytes", "memory.memsw.limit_in_bytes", "memory.soft_limit_in_bytes", "memory.swappiness",
    "memory.oom_control",    "memory.use_hierarchy",        "memory.usage_in_bytes",
};
static const char *const cpu_files[] = {
    "cpu.shares",       "cpu.cfs_period_us", "cpu.cfs_quota_us", "cpu.cfs_burst_us",
    "cpu.rt_period_us", "cpu.rt_runtime_us", "cpu.idle",
};
static const char *const cpuset_files[] = {"cpuset.cpus", "cpuset.mems"};
static const char *const pids_files[] = {"pids.max"};
static const char *const device_files[] = {"devices.allow", "devices.deny"};
#define COUNT(array) (sizeof(array) / sizeof((array)[0]))

static const struct spec_resources fixture_resources = {
    .set = true,
    .memory = {.set = true,
               .limit = {true, 64 << 20},
               .reservation = {true, 32 << 20},
               .swap = {true, 128 << 20},
               .swappiness = {true, 10},
               .disable_oom_killer = {true, true},
               .use_hierarchy = {true, true}},
    .cpu = {.set = true,
            .shares = {true, 512},
            .quota = {true, 50000},
            .burst = {true, 10000},
            .period = {true, 100000},
            .realtime_runtime = {true, 0},
            .realtime_period = {true, 500000},
            .cpus = "0",
            .mems = "0",
            .idle = {true, 1}},
    .pids_set = true,
    .pids_limit = {true, 100},
};

static void test_resources_fixture(void)
{
	struct fixture fixture = fixture_new(FIXTURE_HYBRID);
	struct ct_cgroup *cgroup = new_created(&fixture, "c", "resources fixture");
	struct spec_map map = {0};
	ct_cgroup_to_map(cgroup, &map);
	const char *memory = map_value(&map, "memory");
	const char *cpu = map_value(&map, "cpu,cpuacct");
	const char *cpuset = map_value(&map, "cpuset");
	const char *pids = map_value(&map, "pids");
	add_control_files(memory, memory_files, COUNT(memory_files));
	add_control_files(cpu, cpu_files, COUNT(cpu_files));
	add_control_files(cpuset, cpuset_files, COUNT(cpuset_files));
	add_control_files(pids, pids_files, COUNT(pids_files));
	/* The device rules apply with every resources object; their lines
	 * are tested in test-cgroup-resources.c. */
	const char *devices = map_value(&map, "devices");
	add_control_files(devices, device_files, COUNT(device_files));

	struct libct_error err = {0};
	if (!is_int(ct_cgroup_set_resources(cgroup, &fixture_resources, &err), 0,
	            "resources fixture: set succeeds"))
		diag("%s", err.message);
	const char *name = "resources fixture";
	check_file(memory, "memory.limit_in_bytes", "67108864", name);
	check_file(memory, "memory.memsw.limit_in_bytes", "134217728", name);
	check_file(memory, "memory.soft_limit_in_bytes", "33554432", name);
	check_file(memory, "memory.swappiness", "10", name);
	check_file(memory, "memory.oom_control", "1", name);
	check_file(memory, "memory.use_hierarchy", "1", name);
	check_file(cpu, "cpu.shares", "512", name);
	check_file(cpu, "cpu.cfs_period_us", "100000", name);
	check_file(cpu, "cpu.cfs_quota_us", "50000", name);
	check_file(cpu, "cpu.cfs_burst_us", "10000", name);
	check_file(cpu, "cpu.rt_period_us", "500000", name);
	check_file(cpu, "cpu.rt_runtime_us", "0", name);
	check_file(cpu, "cpu.idle", "1", name);
	check_file(cpuset, "cpuset.cpus", "0", name);
	check_file(cpuset, "cpuset.mems", "0", name);
	check_file(pids, "pids.max", "100", name);

	/* -1 lifts a limit: pids.max spells it "max", and memory+swap follows
	 * the memory limit. The files are emptied first because, unlike
	 * cgroupfs, a plain file keeps the tail of a longer old value. */
	add_control_files(memory, memory_files, COUNT(memory_files));
	add_control_files(pids, pids_files, COUNT(pids_files));
	struct spec_resources unlimited = {
	    .memory = {.set = true, .limit = {true, -1}}, .pids_set = true, .pids_limit = {true, -1}};
	is_int(ct_cgroup_set_resources(cgroup, &unlimited, &err), 0, "resources unlimited: set succeeds");
	check_file(memory, "memory.limit_in_bytes", "-1", "resources unlimited");
	check_file(memory, "memory.memsw.limit_in_bytes", "-1", "resources unlimited");
	check_file(pids, "pids.max", "max", "resources unlimited");

	/* checkBeforeUpdate compares the new limit with memory.usage_in_bytes. */
	char *usage = ct_asprintf("%s/memory.usage_in_bytes", memory);
	write_text(usage, "8388608\n");
	free(usage);
	struct spec_resources below = {
	    .memory = {.set = true, .limit = {true, 4 << 20}, .check_before_update = {true, true}}};
	is_int(ct_cgroup_set_resources(cgroup, &below, &err), -EBUSY,
	       "check before update: limit below usage fails");
	is_str(err.message,
	       "linux.resources.memory.limit: 4194304 is below the current usage of 8388608 bytes, and "
	       "checkBeforeUpdate is set",
	       "check before update: message");
	check_file(memory, "memory.limit_in_bytes", "-1", "check before update: limit unchanged");

	remove_control_files(memory, memory_files, COUNT(memory_files));
	remove_control_files(cpu, cpu_files, COUNT(cpu_files));
	remove_control_files(cpuset, cpuset_files, COUNT(cpuset_files));
	remove_control_files(pids, pids_files, COUNT(pids_files));
	remove_control_files(devices, device_files, COUNT(device_files));
	char *swap = ct_asprintf("%s/memory.memsw.limit_in_bytes", memory);
	ok(!exists(swap), "resources fixture: control files removed");
	free(swap);

	/* Without memory.memsw.limit_in_bytes the kernel does not account swap. */
	struct spec_resources with_swap = {.memory = {.set = true, .swap = {true, 1 << 20}}};
	is_int(ct_cgroup_set_resources(cgroup, &with_swap, &err), -ENOTSUP, "swap without accounting: fails");
	is_str(err.message,
	       "linux.resources.memory.swap: not supported, because the kernel does not account swap "
	       "(\"memory.memsw.limit_in_bytes\" is missing; boot with swapaccount=1)",
	       "swap without accounting: message");

	is_int(ct_cgroup_destroy(cgroup, &err), 0, "resources fixture: destroy succeeds");
	map_clear(&map);
	ct_cgroup_free(cgroup);
	fixture_free(&fixture);
}

/* ----------------------------------------------------------------- maps */

static void test_map_round_trip(void)
{
	struct fixture fixture = fixture_new(FIXTURE_HYBRID);
	struct ct_cgroup *cgroup = new_created(&fixture, "round/trip", "round trip");
	struct spec_map map = {0};
	ct_cgroup_to_map(cgroup, &map);
	ct_cgroup_free(cgroup);

	struct ct_cgroup *restored = NULL;
	struct libct_error err = {0};
	is_int(ct_cgroup_from_map(&map, &restored, &err), 0, "round trip: from_map succeeds");
	is_int(ct_cgroup_layout(restored), CT_CGROUP_LAYOUT_HYBRID, "round trip: layout");

	struct spec_map again = {0};
	ct_cgroup_to_map(restored, &again);
	is_int(again.n_entries, map.n_entries, "round trip: same number of entries");
	for (size_t i = 0; i < map.n_entries && i < again.n_entries; i++) {
		is_str(again.entries[i].key, map.entries[i].key, "round trip: key %zu", i);
		is_str(again.entries[i].value, map.entries[i].value, "round trip: value %zu", i);
	}

	is_int(ct_cgroup_destroy(restored, &err), 0, "round trip: destroy after restore succeeds");
	char *top = ct_asprintf("%s/memory/process_api/abc/round", fixture.root);
	ok(!exists(top), "round trip: created parent removed");
	free(top);

	map_clear(&again);
	map_clear(&map);
	ct_cgroup_free(restored);
	fixture_free(&fixture);
}

static void check_from_map_rejects(const char *key, const char *value, const char *extra_key,
                                   const char *extra_value, const char *expected_message)
{
	struct spec_map_entry entries[] = {
	    {.key = (char *)key, .value = (char *)value},
	    {.key = (char *)extra_key, .value = (char *)extra_value},
	};
	struct spec_map map = {.entries = entries, .n_entries = extra_key != NULL ? 2 : 1};
	struct ct_cgroup *cgroup = NULL;
	struct libct_error err = {0};
	is_int(ct_cgroup_from_map(&map, &cgroup, &err), -EINVAL, "from_map rejects \"%s\": errno", value);
	is_str(err.message, expected_message, "from_map rejects \"%s\": message", value);
	ct_cgroup_free(cgroup);
}

static void test_from_map_rejects(void)
{
	check_from_map_rejects("memory", "relative/dir", NULL, NULL,
	                       "restore cgroups: invalid entry \"memory\": \"relative/dir\"");
	check_from_map_rejects("memory", "/sys/fs/cgroup/memory/../x", NULL, NULL,
	                       "restore cgroups: invalid entry \"memory\": \"/sys/fs/cgroup/memory/../x\"");
	check_from_map_rejects(
	    "memory", "/sys/fs/cgroup/memory/a/b", "created:memory", "/sys/fs/cgroup/memory/b",
	    "restore cgroups: \"created:memory\": \"/sys/fs/cgroup/memory/b\" is not the cgroup of "
	    "hierarchy \"memory\" or one of its parents");
	check_from_map_rejects(
	    "memory", "/sys/fs/cgroup/memory/a", "created:cpu", "/sys/fs/cgroup/cpu/a",
	    "restore cgroups: \"created:cpu\": \"/sys/fs/cgroup/cpu/a\" is not the cgroup of "
	    "hierarchy \"cpu\" or one of its parents");

	struct spec_map empty = {0};
	struct ct_cgroup *cgroup = NULL;
	struct libct_error err = {0};
	is_int(ct_cgroup_from_map(&empty, &cgroup, &err), -EINVAL, "from_map rejects an empty map");

	struct spec_map_entry entries[] = {{.key = "unified", .value = "/sys/fs/cgroup/c"}};
	struct spec_map v2 = {.entries = entries, .n_entries = 1};
	is_int(ct_cgroup_from_map(&v2, &cgroup, &err), 0, "from_map: unified only");
	if (cgroup != NULL)
		is_int(ct_cgroup_layout(cgroup), CT_CGROUP_LAYOUT_V2, "from_map: unified only is pure v2");
	ct_cgroup_free(cgroup);
}

/* ----------------------------------------------------- real hierarchies */

/* Forks a child that waits for signals. */
static pid_t fork_sleeper(void)
{
	pid_t pid = fork();
	if (pid == 0) {
		for (;;)
			pause();
	}
	return pid;
}

static bool pids_contain(struct ct_cgroup *cgroup, pid_t pid)
{
	pid_t *pids = NULL;
	size_t count = 0;
	bool found = false;
	if (ct_cgroup_pids(cgroup, &pids, &count, NULL) == 0)
		for (size_t i = 0; i < count; i++)
			found = found || pids[i] == pid;
	free(pids);
	return found;
}

static void check_kill(struct ct_cgroup *cgroup, int sig, const char *name)
{
	struct libct_error err = {0};
	pid_t child = fork_sleeper();
	if (!is_int(ct_cgroup_enter(cgroup, child, &err), 0, "%s: enter succeeds", name))
		diag("%s", err.message);
	ok(pids_contain(cgroup, child), "%s: pids lists the child", name);

	if (!is_int(ct_cgroup_kill(cgroup, sig, &err), 0, "%s: kill succeeds", name))
		diag("%s", err.message);
	int status = 0;
	is_int(waitpid(child, &status, 0), child, "%s: child reaped", name);
	ok(WIFSIGNALED(status) && WTERMSIG(status) == sig, "%s: child killed by signal %d", name, sig);
	ok(!pids_contain(cgroup, child), "%s: child gone from pids", name);
}

/* A paused container stays paused after a signal other than SIGKILL. */
static void check_paused_kill(struct ct_cgroup *cgroup, struct spec_map *map)
{
	const char *freezer = map_value(map, "freezer");
	if (freezer == NULL) {
		skip("no v1 freezer hierarchy");
		return;
	}
	struct libct_error err = {0};
	pid_t child = fork_sleeper();
	is_int(ct_cgroup_enter(cgroup, child, &err), 0, "paused kill: enter succeeds");
	is_int(ct_cgroup_v1_freeze(freezer, &err), 0, "paused kill: container frozen");
	is_int(ct_cgroup_kill(cgroup, SIGTERM, &err), 0, "paused kill: SIGTERM succeeds");

	char *path = ct_asprintf("%s/freezer.state", freezer);
	char *state = read_text(path);
	is_str(state, "FROZEN\n", "paused kill: still frozen");
	free(state);
	free(path);

	is_int(ct_cgroup_v1_thaw(freezer, &err), 0, "paused kill: thaw succeeds");
	int status = 0;
	is_int(waitpid(child, &status, 0), child, "paused kill: child reaped");
	ok(WIFSIGNALED(status) && WTERMSIG(status) == SIGTERM, "paused kill: SIGTERM delivered after thaw");
}

/* Checks a control file of the real hierarchy, which ends with a newline. */
static void check_real_file(const char *dir, const char *file, const char *expected, const char *name)
{
	char *path = ct_asprintf("%s/%s", dir, file);
	char *text = read_text(path);
	if (text != NULL)
		text[strcspn(text, "\n")] = '\0';
	is_str(text, expected, "%s: %s", name, file);
	free(text);
	free(path);
}

/* Forks a child that waits for a byte on the first pipe, then touches
 * 16 MiB so that its memory cgroup is charged, writes a byte to the second
 * pipe and waits for signals. */
static pid_t fork_memory_user(int *ret_go_fd, int *ret_ready_fd)
{
	int go[2], ready[2];
	if (pipe2(go, O_CLOEXEC) < 0 || pipe2(ready, O_CLOEXEC) < 0)
		exit(2);
	pid_t pid = fork();
	if (pid == 0) {
		char byte;
		if (read(go[0], &byte, 1) != 1)
			_exit(1);
		/* volatile, because the compiler may drop a buffer that is
		 * written but never read. */
		size_t size = 16 << 20;
		volatile char *memory = malloc(size);
		for (size_t i = 0; memory != NULL && i < size; i += 4096)
			memory[i] = 1;
		if (write(ready[1], "r", 1) != 1)
			_exit(1);
		for (;;)
			pause();
	}
	close(go[0]);
	close(ready[1]);
	*ret_go_fd = go[1];
	*ret_ready_fd = ready[0];
	return pid;
}

static void check_real_usage_check(struct ct_cgroup *cgroup)
{
	struct libct_error err = {0};
	int go_fd = -1;
	int ready_fd = -1;
	pid_t child = fork_memory_user(&go_fd, &ready_fd);
	is_int(ct_cgroup_enter(cgroup, child, &err), 0, "real usage check: enter succeeds");
	char byte = 0;
	is_int(write(go_fd, "g", 1), 1, "real usage check: child started");
	is_int(read(ready_fd, &byte, 1), 1, "real usage check: child touched its memory");

	struct spec_resources below = {
	    .memory = {.set = true, .limit = {true, 4 << 20}, .check_before_update = {true, true}}};
	is_int(ct_cgroup_set_resources(cgroup, &below, &err), -EBUSY,
	       "real usage check: limit below usage fails");
	diag("%s", err.message);
	kill(child, SIGKILL);
	waitpid(child, NULL, 0);
	close(go_fd);
	close(ready_fd);
}

static void check_real_resources(struct ct_cgroup *cgroup, const struct spec_map *map)
{
	struct libct_error err = {0};
	/* An idle cgroup has the minimum weight, so cpu.shares would read 3.
	 * The update below sets idle instead. */
	struct spec_resources resources = fixture_resources;
	resources.cpu.idle.value = 0;
	if (!is_int(ct_cgroup_set_resources(cgroup, &resources, &err), 0, "real resources: set succeeds"))
		diag("%s", err.message);
	const char *memory = map_value(map, "memory");
	const char *cpu = map_value(map, "cpu");
	const char *cpuset = map_value(map, "cpuset");
	const char *pids = map_value(map, "pids");
	const char *name = "real resources";
	check_real_file(memory, "memory.limit_in_bytes", "67108864", name);
	check_real_file(memory, "memory.memsw.limit_in_bytes", "134217728", name);
	check_real_file(memory, "memory.soft_limit_in_bytes", "33554432", name);
	check_real_file(memory, "memory.swappiness", "10", name);
	check_real_file(memory, "memory.oom_control", "oom_kill_disable 1", name);
	check_real_file(memory, "memory.use_hierarchy", "1", name);
	check_real_file(cpu, "cpu.shares", "512", name);
	check_real_file(cpu, "cpu.cfs_period_us", "100000", name);
	check_real_file(cpu, "cpu.cfs_quota_us", "50000", name);
	check_real_file(cpu, "cpu.cfs_burst_us", "10000", name);
	check_real_file(cpu, "cpu.rt_period_us", "500000", name);
	check_real_file(cpu, "cpu.rt_runtime_us", "0", name);
	check_real_file(cpu, "cpu.idle", "0", name);
	check_real_file(cpuset, "cpuset.cpus", "0", name);
	check_real_file(cpuset, "cpuset.mems", "0", name);
	check_real_file(pids, "pids.max", "100", name);

	/* Raising memory above the old memory+swap limit, and lowering the
	 * quota below the old burst, need the second file written first. */
	struct spec_resources update = {
	    .memory = {.set = true, .limit = {true, 256 << 20}, .swap = {true, 512 << 20}},
	    .cpu = {.set = true, .quota = {true, 5000}, .burst = {true, 1000}, .idle = {true, 1}},
	    .pids_set = true,
	    .pids_limit = {true, -1},
	};
	if (!is_int(ct_cgroup_set_resources(cgroup, &update, &err), 0, "real update: set succeeds"))
		diag("%s", err.message);
	check_real_file(memory, "memory.limit_in_bytes", "268435456", "real update");
	check_real_file(memory, "memory.memsw.limit_in_bytes", "536870912", "real update");
	check_real_file(cpu, "cpu.cfs_quota_us", "5000", "real update");
	check_real_file(cpu, "cpu.cfs_burst_us", "1000", "real update");
	check_real_file(cpu, "cpu.idle", "1", "real update");
	check_real_file(pids, "pids.max", "max", "real update");

	check_real_usage_check(cgroup);
}

/* Reaps the child while destroy waits: a zombie still counts as a member
 * of its cgroups, and the runtime's caller (the shim) reaps the container's
 * init the same way. */
static void *reap_child(void *data)
{
	pid_t *child = data;
	int status = 0;
	if (waitpid(*child, &status, 0) != *child || !WIFSIGNALED(status))
		*child = -1;
	else
		*child = WTERMSIG(status);
	return NULL;
}

/* A process in a frozen sub-cgroup must not keep destroy from finishing. */
static void check_frozen_destroy(struct ct_cgroup *cgroup, struct spec_map *map)
{
	const char *freezer = map_value(map, "freezer");
	if (freezer == NULL) {
		skip("no v1 freezer hierarchy");
		return;
	}
	struct libct_error err = {0};
	pid_t child = fork_sleeper();
	is_int(ct_cgroup_enter(cgroup, child, &err), 0, "frozen destroy: enter succeeds");
	char *sub = ct_asprintf("%s/sub", freezer);
	(void)mkdir(sub, 0755);
	char value[32];
	snprintf(value, sizeof(value), "%d", (int)child);
	is_int(ct_cgroup_write(sub, "cgroup.procs", value, &err), 0, "frozen destroy: child moved to sub");
	is_int(ct_cgroup_v1_freeze(sub, &err), 0, "frozen destroy: sub frozen");
	is_int(ct_cgroup_kill(cgroup, SIGKILL, &err), 0, "frozen destroy: kill succeeds");

	/* The child is frozen with SIGKILL pending; destroy thaws it. */
	pid_t reaped = child;
	pthread_t reaper;
	is_int(pthread_create(&reaper, NULL, reap_child, &reaped), 0, "frozen destroy: reaper started");
	if (!is_int(ct_cgroup_destroy(cgroup, &err), 0, "frozen destroy: destroy succeeds"))
		diag("%s", err.message);
	pthread_join(reaper, NULL);
	is_int(reaped, SIGKILL, "frozen destroy: child killed by SIGKILL");
	free(sub);
}

static void test_real_hierarchy(void)
{
	if (geteuid() != 0) {
		skip("the real cgroup hierarchy needs root");
		return;
	}
	struct ct_cgroup *cgroup = new_real_created("ctrun-test", "real");
	if (cgroup == NULL)
		return;
	struct libct_error err = {0};
	diag("real layout: %d, %zu hierarchies", (int)ct_cgroup_layout(cgroup), cgroup->n_hierarchies);
	struct spec_map map = {0};
	ct_cgroup_to_map(cgroup, &map);
	for (size_t i = 0; i < map.n_entries; i++)
		ok(exists(map.entries[i].value), "real: \"%s\" exists", map.entries[i].key);

	check_real_resources(cgroup, &map);
	check_kill(cgroup, SIGTERM, "real SIGTERM");
	check_kill(cgroup, SIGKILL, "real SIGKILL");
	check_paused_kill(cgroup, &map);

	/* A live process keeps destroy busy until the timeout. */
	pid_t child = fork_sleeper();
	is_int(ct_cgroup_enter(cgroup, child, &err), 0, "real busy: enter succeeds");
	long long start = ct_cgroup_now_ms();
	is_int(ct_cgroup_destroy(cgroup, &err), -EBUSY, "real busy: destroy fails");
	long long elapsed = ct_cgroup_now_ms() - start;
	ok(elapsed >= 4000 && elapsed < 8000, "real busy: gave up after about 5 seconds (%lld ms)", elapsed);
	ok(strstr(err.message, "still busy after 5 seconds") != NULL, "real busy: message says why");
	diag("%s", err.message);
	/* The failed destroy kept the markers, so the next one retries. */
	kill(child, SIGKILL);
	waitpid(child, NULL, 0);

	check_frozen_destroy(cgroup, &map);
	for (size_t i = 0; i < map.n_entries; i++)
		ok(!exists(map.entries[i].value), "real: \"%s\" removed", map.entries[i].key);
	/* Leave nothing behind on the host even after a failure above. */
	(void)ct_cgroup_kill(cgroup, SIGKILL, NULL);
	(void)ct_cgroup_destroy(cgroup, NULL);

	map_clear(&map);
	ct_cgroup_free(cgroup);
}

int main(void)
{
	if (mkdtemp(fixture_base) == NULL) {
		diag("mkdtemp: %s", strerror(errno));
		return 2;
	}

	test_layouts();
	test_default_path_v1();
	test_paths_hybrid();
	test_paths_v2();
	test_rejections();
	test_mount_of_subtree();
	test_create_destroy();
	test_existing_leaf();
	test_shared_parent();
	test_destroy_missing();
	test_destroy_failure();
	test_enter_and_pids();
	test_clone_fd_v2();
	test_enable_controllers();
	test_resources_rejected();
	test_resources_fixture();
	test_map_round_trip();
	test_from_map_rejects();
	test_real_hierarchy();

	remove_recursively(fixture_base);
	return done_testing();
}
