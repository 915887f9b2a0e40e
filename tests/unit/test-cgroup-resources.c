/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Tests of linux.resources. The device rules are checked as v1 lines and
 * as the cgroup2 program, which a small interpreter runs. The cgroup2
 * conversions and the other v1 files are checked on fixture trees. As
 * root, the device program and some limits run on the real hierarchies.
 */
#include <linux/bpf.h>
#include <signal.h>
#include <sys/syscall.h>
#include <sys/wait.h>

#include "cgroup-fixture.h"

#define COUNT(array) (sizeof(array) / sizeof((array)[0]))

/* ------------------------------------------------------------- devices */

static struct ct_device_rule *rules_of(const struct spec_device_rule *spec, size_t n, size_t *ret_count)
{
	struct spec_resources resources = {.devices = (struct spec_device_rule *)spec, .n_devices = n};
	struct ct_device_rule *rules = NULL;
	struct libct_error err = {0};
	if (ct_cgroup_device_rules(&resources, &rules, ret_count, &err) < 0)
		diag("%s", err.message);
	return rules;
}

/* Joins the lines as "file: rule" per line, for one comparison. */
static char *v1_lines(const struct spec_device_rule *spec, size_t n, struct libct_error *err)
{
	size_t count = 0;
	struct ct_device_rule *rules = rules_of(spec, n, &count);
	struct ct_device_line *lines = NULL;
	size_t n_lines = 0;
	char *text = NULL;
	if (ct_cgroup_v1_device_lines(rules, count, count - ct_cgroup_default_device_count(), &lines,
	                              &n_lines, err) == 0) {
		text = ct_strdup("");
		for (size_t i = 0; i < n_lines; i++) {
			char *next = ct_asprintf("%s%s: %s\n", text, lines[i].file, lines[i].rule);
			free(text);
			text = next;
		}
	}
	free(lines);
	free(rules);
	return text;
}

#define DEFAULT_LINES                                                                                        \
	"devices.allow: c *:* m\ndevices.allow: b *:* m\ndevices.allow: c 1:3 rwm\ndevices.allow: c 1:5 "    \
	"rwm\n"                                                                                              \
	"devices.allow: c 1:7 rwm\ndevices.allow: c 1:8 rwm\ndevices.allow: c 1:9 rwm\n"                     \
	"devices.allow: c 5:0 rwm\ndevices.allow: c 5:1 rwm\ndevices.allow: c 5:2 rwm\n"                     \
	"devices.allow: c 136:* rwm\n"

static void test_device_lines_v1(void)
{
	struct libct_error err = {0};
	/* runc spec, containerd and Podman start with "deny all". */
	struct spec_device_rule deny_all = {.allow = false, .access = "rwm"};
	char *text = v1_lines(&deny_all, 1, &err);
	is_str(text, "devices.deny: a\n" DEFAULT_LINES, "v1 deny all: defaults allowed");
	free(text);

	/* No rules at all: the same, because the list starts from deny. */
	text = v1_lines(NULL, 0, &err);
	is_str(text, "devices.deny: a\n" DEFAULT_LINES, "v1 no rules: defaults allowed");
	free(text);

	struct spec_device_rule fuse[] = {
	    {.allow = false, .access = "rwm"},
	    {.allow = true, .type = "c", .major = {true, 10}, .minor = {true, 229}, .access = "rw"},
	    {.allow = true, .type = "b", .major = {true, 8}, .access = "r"},
	};
	text = v1_lines(fuse, 3, &err);
	is_str(text, "devices.deny: a\ndevices.allow: c 10:229 rw\ndevices.allow: b 8:* r\n" DEFAULT_LINES,
	       "v1 allow list: lines in order");
	free(text);

	/* Privileged containers allow everything; the defaults add nothing. */
	struct spec_device_rule all = {.allow = true, .type = "a", .access = "rwm"};
	text = v1_lines(&all, 1, &err);
	is_str(text, "devices.allow: a\n", "v1 allow all: one line");
	free(text);

	/* A later deny takes access away from an allow it covers. */
	struct spec_device_rule narrowed[] = {
	    {.allow = true, .type = "c", .major = {true, 10}, .minor = {true, 200}, .access = "rwm"},
	    {.allow = false, .type = "c", .major = {true, 10}, .access = "w"},
	};
	text = v1_lines(narrowed, 2, &err);
	is_str(text, "devices.deny: a\ndevices.allow: c 10:200 rm\n" DEFAULT_LINES,
	       "v1 later deny: access removed");
	free(text);

	/* After "allow all", deny rules become the exceptions; a partial
	 * rule of type "a" is split into "c" and "b". */
	struct spec_device_rule allow_then_deny[] = {
	    {.allow = true},
	    {.allow = false, .major = {true, 7}, .access = "w"},
	};
	text = v1_lines(allow_then_deny, 2, &err);
	is_str(text, "devices.allow: a\ndevices.deny: c 7:* w\ndevices.deny: b 7:* w\n",
	       "v1 allow all then deny: exceptions, defaults remove nothing");
	free(text);

	/* A deny inside a wider allow has no v1 form. */
	struct spec_device_rule inside[] = {
	    {.allow = true, .type = "c", .major = {true, 1}, .access = "rwm"},
	    {.allow = false, .type = "c", .major = {true, 1}, .minor = {true, 11}, .access = "r"},
	};
	text = v1_lines(inside, 2, &err);
	is_str(text, NULL, "v1 deny inside allow: rejected");
	is_str(
	    err.message,
	    "linux.resources.devices: the deny rule \"c 1:11 r\" lies inside a wider earlier rule, which the "
	    "cgroup v1 devices controller cannot express",
	    "v1 deny inside allow: message");

	struct spec_device_rule bad_access = {.allow = true, .type = "c", .access = "rx"};
	struct spec_resources resources = {.devices = &bad_access, .n_devices = 1};
	struct ct_device_rule *rules = NULL;
	size_t count = 0;
	is_int(ct_cgroup_device_rules(&resources, &rules, &count, &err), -EINVAL, "bad access: rejected");
	is_str(err.message,
	       "linux.resources.devices[0].access: invalid value \"rx\", expected letters of \"rwm\"",
	       "bad access: message");
}

/* Runs the device program on one request, as the kernel would. Only the
 * instructions that the generator emits are known. */
static int run_program(const struct bpf_insn *insns, size_t count, int type, int access, uint32_t major,
                       uint32_t minor)
{
	uint32_t ctx[3] = {(uint32_t)(access << 16 | type), major, minor};
	uint64_t reg[11] = {0};
	for (size_t pc = 0; pc < count; pc++) {
		const struct bpf_insn *in = &insns[pc];
		uint64_t *dst = &reg[in->dst_reg];
		uint64_t imm = (uint64_t)(int64_t)in->imm;
		switch (in->code) {
		case BPF_LDX | BPF_W | BPF_MEM:
			*dst = ctx[in->off / 4];
			break;
		case BPF_ALU64 | BPF_MOV | BPF_X:
			*dst = reg[in->src_reg];
			break;
		case BPF_ALU64 | BPF_MOV | BPF_K:
			*dst = imm;
			break;
		case BPF_ALU64 | BPF_AND | BPF_K:
			*dst &= imm;
			break;
		case BPF_ALU64 | BPF_RSH | BPF_K:
			*dst >>= imm;
			break;
		case BPF_JMP | BPF_JNE | BPF_K:
			pc += *dst != imm ? (size_t)in->off : 0;
			break;
		case BPF_JMP | BPF_JSET | BPF_K:
			pc += (*dst & imm) != 0 ? (size_t)in->off : 0;
			break;
		case BPF_JMP | BPF_JA:
			pc += (size_t)in->off;
			break;
		case BPF_JMP | BPF_EXIT:
			return (int)reg[0];
		default:
			return -1;
		}
	}
	return -2; /* fell off the end */
}

static int decide(const struct spec_device_rule *spec, size_t n, char type, const char *access,
                  uint32_t major, uint32_t minor)
{
	size_t count = 0;
	struct ct_device_rule *rules = rules_of(spec, n, &count);
	struct bpf_insn *insns = NULL;
	size_t n_insns = 0;
	ct_cgroup_bpf_device_program(rules, count, &insns, &n_insns);
	int bits = (strchr(access, 'r') ? BPF_DEVCG_ACC_READ : 0) |
	           (strchr(access, 'w') ? BPF_DEVCG_ACC_WRITE : 0) |
	           (strchr(access, 'm') ? BPF_DEVCG_ACC_MKNOD : 0);
	int result = run_program(insns, n_insns, type == 'c' ? BPF_DEVCG_DEV_CHAR : BPF_DEVCG_DEV_BLOCK, bits,
	                         major, minor);
	free(insns);
	free(rules);
	return result;
}

static void test_device_program(void)
{
	struct spec_device_rule deny_all = {.allow = false, .access = "rwm"};
	is_int(decide(&deny_all, 1, 'c', "rw", 1, 3), 1, "program deny all: /dev/null allowed");
	is_int(decide(&deny_all, 1, 'c', "rw", 136, 4), 1, "program deny all: /dev/pts/4 allowed");
	is_int(decide(&deny_all, 1, 'c', "r", 1, 11), 0, "program deny all: /dev/kmsg denied");
	is_int(decide(&deny_all, 1, 'b', "r", 254, 0), 0, "program deny all: block device denied");
	is_int(decide(&deny_all, 1, 'b', "m", 254, 0), 1, "program deny all: mknod allowed");
	is_int(decide(NULL, 0, 'c', "w", 10, 229), 0, "program no rules: /dev/fuse denied");

	struct spec_device_rule rules[] = {
	    {.allow = false, .access = "rwm"},
	    {.allow = true, .type = "c", .major = {true, 10}, .minor = {true, 229}, .access = "rw"},
	    {.allow = true, .type = "c", .major = {true, 1}, .access = "r"},
	    {.allow = false, .type = "c", .major = {true, 1}, .minor = {true, 11}, .access = "w"},
	};
	is_int(decide(rules, 4, 'c', "rw", 10, 229), 1, "program allow list: fuse read-write");
	is_int(decide(rules, 4, 'c', "m", 10, 229), 1, "program allow list: fuse mknod (a default)");
	is_int(decide(rules, 4, 'c', "rw", 10, 230), 0, "program allow list: other minor denied");
	is_int(decide(rules, 4, 'c', "r", 1, 11), 1, "program allow list: kmsg read by the wider rule");
	is_int(decide(rules, 4, 'c', "rw", 1, 11), 0, "program allow list: kmsg read-write denied");
	is_int(decide(rules, 4, 'c', "rw", 1, 12), 0, "program allow list: write not in the allow rule");
	is_int(decide(rules, 4, 'c', "rw", 1, 3), 1, "program allow list: /dev/null still allowed");

	struct spec_device_rule privileged = {.allow = true, .type = "a", .access = "rwm"};
	is_int(decide(&privileged, 1, 'b', "rw", 8, 0), 1, "program allow all: block device allowed");
	struct spec_device_rule deny_block[] = {{.allow = true},
	                                        {.allow = false, .type = "b", .access = "rwm"}};
	is_int(decide(deny_block, 2, 'b', "r", 8, 0), 0, "program deny block: denied");
	is_int(decide(deny_block, 2, 'b', "m", 8, 0), 1, "program deny block: mknod by the default");
	is_int(decide(deny_block, 2, 'c', "r", 4, 1), 1, "program deny block: char device allowed");
}

/* -------------------------------------------------------- cgroup2 files */

static const char *const v2_files[] = {
    "memory.max",
    "memory.low",
    "memory.swap.max",
    "memory.current",
    "pids.max",
    "cpu.weight",
    "cpu.max",
    "cpu.max.burst",
    "cpu.idle",
    "cpuset.cpus",
    "cpuset.mems",
    "io.weight",
    "io.max",
    "rdma.max",
    "hugetlb.2MB.max",
    "memory.high",
    "cgroup.subtree_control",
    "hugetlb.1GB.max",
    "hugetlb.1GB.rsvd.max",
};

static void test_v2_fixture(void)
{
	struct fixture fixture = fixture_new(FIXTURE_V2);
	/* The fixture's root lists the controllers; rdma and hugetlb too. */
	char *controllers = ct_asprintf("%s/cgroup.controllers", fixture.root);
	write_text(controllers, "cpuset cpu io memory pids hugetlb rdma\n");
	free(controllers);
	struct ct_cgroup *cgroup = new_created(&fixture, "c", "v2 fixture");
	const char *dir = cgroup->hierarchies[0].dir;
	add_control_files(dir, v2_files, COUNT(v2_files));
	char *parents[] = {ct_asprintf("%s/user.slice/session-1.scope", fixture.root),
	                   ct_asprintf("%s/user.slice", fixture.root), ct_strdup(fixture.root)};
	for (size_t i = 0; i < COUNT(parents); i++) {
		const char *files[] = {"cgroup.subtree_control", "cgroup.controllers"};
		add_control_files(parents[i], files, 1);
		char *path = ct_asprintf("%s/cgroup.controllers", parents[i]);
		write_text(path, "cpuset cpu io memory pids hugetlb rdma\n");
		free(path);
	}

	struct spec_throttle_device read_bps = {.major = 254, .minor = 0, .rate = 1048576};
	struct spec_hugepage_limit hugepage = {.page_size = "1048576KB", .limit = 1 << 30};
	struct spec_rdma_entry rdma = {
	    .device = "mlx5_1", .hca_handles = {true, 3}, .hca_objects = {true, 100}};
	struct spec_map_entry unified = {.key = "memory.high", .value = "50000000"};
	struct spec_resources resources = {
	    .set = true,
	    .memory = {.set = true,
	               .limit = {true, 64 << 20},
	               .reservation = {true, 32 << 20},
	               .swap = {true, 96 << 20}},
	    .cpu = {.set = true,
	            .shares = {true, 1024},
	            .quota = {true, 50000},
	            .period = {true, 100000},
	            .burst = {true, 1000},
	            .idle = {true, 0},
	            .cpus = "0-1",
	            .mems = "0"},
	    .pids_limit = {true, 64},
	    .block_io = {.set = true,
	                 .weight = {true, 500},
	                 .throttle_read_bps_device = &read_bps,
	                 .n_throttle_read_bps_device = 1},
	    .hugepage_limits = &hugepage,
	    .n_hugepage_limits = 1,
	    .rdma = &rdma,
	    .n_rdma = 1,
	    .unified = {.entries = &unified, .n_entries = 1},
	};
	/* A fixture directory takes no device program, which comes last, so
	 * the files are written and then the devices step fails. */
	struct libct_error err = {0};
	int r = ct_cgroup_set_resources(cgroup, &resources, &err);
	ok(r < 0 && strncmp(err.message, "linux.resources.devices: ", 25) == 0,
	   "v2 fixture: set stops at devices");
	diag("%s", err.message);
	const char *name = "v2 fixture";
	check_file(dir, "memory.max", "67108864", name);
	check_file(dir, "memory.low", "33554432", name);
	check_file(dir, "memory.swap.max", "33554432", name);
	check_file(dir, "pids.max", "64", name);
	check_file(dir, "cpu.weight", "39", name);
	check_file(dir, "cpu.max", "50000 100000", name);
	check_file(dir, "cpu.max.burst", "1000", name);
	check_file(dir, "cpu.idle", "0", name);
	check_file(dir, "cpuset.cpus", "0-1", name);
	check_file(dir, "io.weight", "default 4950", name);
	check_file(dir, "io.max", "254:0 rbps=1048576", name);
	check_file(dir, "hugetlb.1GB.max", "1073741824", name);
	check_file(dir, "hugetlb.1GB.rsvd.max", "1073741824", name);
	check_file(dir, "rdma.max", "mlx5_1 hca_handle=3 hca_object=100", name);
	check_file(dir, "memory.high", "50000000", name);
	/* A plain file keeps the tail of a longer earlier write. */
	char *subtree = ct_asprintf("%s/cgroup.subtree_control", parents[0]);
	char *enabled = read_text(subtree);
	ok(enabled != NULL && strncmp(enabled, "+rdma", 5) == 0, "v2 fixture: last controller enabled");
	free(enabled);
	free(subtree);

	is_int(ct_cgroup_shares_to_weight(2), 1, "weight of 2 shares");
	is_int(ct_cgroup_shares_to_weight(262144), 10000, "weight of 262144 shares");
	is_int(ct_cgroup_blkio_to_io_weight(10), 1, "io weight of 10");
	is_int(ct_cgroup_blkio_to_io_weight(1000), 10000, "io weight of 1000");

	const struct {
		struct spec_resources resources;
		int expected_errno;
		const char *message;
	} rejected[] = {
	    {{.memory = {.set = true, .swappiness = {true, 10}}},
	     ENOTSUP,
	     "linux.resources.memory.swappiness: not supported on cgroup2, which has no memory.swappiness"},
	    {{.memory = {.set = true, .limit = {true, 100}, .swap = {true, 50}}},
	     EINVAL,
	     "linux.resources.memory.swap: 50 is below the memory limit 100, but it counts memory plus swap"},
	    {{.memory = {.set = true, .swap = {true, 50}}},
	     EINVAL,
	     "linux.resources.memory.swap: cgroup2 limits swap apart from memory, so a memory+swap limit "
	     "needs a "
	     "memory limit too"},
	    {{.cpu = {.set = true, .realtime_runtime = {true, 1}}},
	     ENOTSUP,
	     "linux.resources.cpu.realtimeRuntime: not supported on cgroup2, which has no realtime group "
	     "scheduling"},
	    {{.block_io = {.set = true, .leaf_weight = {true, 100}}},
	     ENOTSUP,
	     "linux.resources.blockIO.leafWeight: not supported on cgroup2, which has no leaf weights"},
	    {{.unified = {.entries = (struct spec_map_entry[]){{"../memory.max", "1"}}, .n_entries = 1}},
	     EINVAL,
	     "linux.resources.unified: invalid key \"../memory.max\", expected a file name such as "
	     "\"memory.high\""},
	    {{.unified = {.entries = (struct spec_map_entry[]){{"cgroup.procs", "1"}}, .n_entries = 1}},
	     EPERM,
	     "linux.resources.unified.\"cgroup.procs\": the runtime manages this file, only cgroup.max.depth "
	     "and "
	     "cgroup.max.descendants may be set"},
	};
	for (size_t i = 0; i < COUNT(rejected); i++) {
		is_int(ct_cgroup_check_resources(cgroup, &rejected[i].resources, &err),
		       -rejected[i].expected_errno, "v2 rejected %zu", i);
		is_str(err.message, rejected[i].message, "v2 rejected %zu: message", i);
	}
	struct spec_resources misc = {
	    .unified = {.entries = (struct spec_map_entry[]){{"misc.max", "x 1"}}, .n_entries = 1}};
	is_int(ct_cgroup_check_resources(cgroup, &misc, &err), -ENOTSUP,
	       "v2 unified: missing controller rejected");
	char *expected = ct_asprintf("linux.resources.unified.\"misc.max\": the \"misc\" controller is not "
	                             "available in the cgroup2 hierarchy \"%s\"",
	                             fixture.root);
	is_str(err.message, expected, "v2 unified: missing controller message");
	free(expected);

	for (size_t i = 0; i < COUNT(parents); i++)
		free(parents[i]);
	(void)ct_cgroup_destroy(cgroup, NULL);
	ct_cgroup_free(cgroup);
	fixture_free(&fixture);
}

/* ------------------------------------------------------------ v1 files */

static void test_v1_fixture(void)
{
	fixture_blkio_writable = true;
	struct fixture fixture = fixture_new(FIXTURE_HYBRID);
	fixture_blkio_writable = false;
	char *controllers = ct_asprintf("%s/unified/cgroup.controllers", fixture.root);
	write_text(controllers, "hugetlb\n");
	free(controllers);
	struct ct_cgroup *cgroup = new_created(&fixture, "c", "v1 fixture");
	struct spec_map map = {0};
	ct_cgroup_to_map(cgroup, &map);
	const char *blkio = map_value(&map, "blkio");
	const char *net = map_value(&map, "net_cls,net_prio");
	const char *devices = map_value(&map, "devices");
	const char *memory = map_value(&map, "memory");
	const char *unified = map_value(&map, "unified");
	const char *blkio_files[] = {"blkio.bfq.weight", "blkio.throttle.write_iops_device"};
	const char *net_files[] = {"net_cls.classid", "net_prio.ifpriomap"};
	const char *device_files[] = {"devices.allow", "devices.deny"};
	const char *memory_files[] = {"memory.kmem.tcp.limit_in_bytes"};
	const char *hugetlb_files[] = {"hugetlb.2MB.max"};
	add_control_files(blkio, blkio_files, COUNT(blkio_files));
	add_control_files(net, net_files, COUNT(net_files));
	add_control_files(devices, device_files, COUNT(device_files));
	add_control_files(memory, memory_files, COUNT(memory_files));
	add_control_files(unified, hugetlb_files, COUNT(hugetlb_files));
	char *parent = ct_asprintf("%s/unified/user.slice/session-1.scope", fixture.root);
	const char *subtree[] = {"cgroup.subtree_control"};
	add_control_files(parent, subtree, 1);
	char *root = ct_asprintf("%s/unified", fixture.root);
	add_control_files(root, subtree, 1);
	char *mid = ct_asprintf("%s/unified/user.slice", fixture.root);
	add_control_files(mid, subtree, 1);
	const char *parents[] = {parent, mid};
	for (size_t i = 0; i < COUNT(parents); i++) {
		char *path = ct_asprintf("%s/cgroup.controllers", parents[i]);
		write_text(path, "hugetlb\n");
		free(path);
	}

	struct spec_throttle_device iops = {.major = 8, .minor = 0, .rate = 300};
	struct spec_net_priority priority = {.name = "eth0", .priority = 5};
	struct spec_hugepage_limit hugepage = {.page_size = "2MB", .limit = 4 << 20};
	struct spec_device_rule deny_all = {.allow = false, .access = "rwm"};
	struct spec_resources resources = {
	    .set = true,
	    .devices = &deny_all,
	    .n_devices = 1,
	    .memory = {.set = true, .kernel = {true, 1 << 20}, .kernel_tcp = {true, 1 << 20}},
	    .block_io = {.set = true,
	                 .weight = {true, 300},
	                 .throttle_write_iops_device = &iops,
	                 .n_throttle_write_iops_device = 1},
	    .network = {.set = true,
	                .class_id = {true, 0x100001},
	                .priorities = &priority,
	                .n_priorities = 1},
	    .hugepage_limits = &hugepage,
	    .n_hugepage_limits = 1,
	};
	struct libct_error err = {0};
	if (!is_int(ct_cgroup_set_resources(cgroup, &resources, &err), 0, "v1 fixture: set succeeds"))
		diag("%s", err.message);
	const char *name = "v1 fixture";
	check_file(blkio, "blkio.bfq.weight", "300", name);
	check_file(blkio, "blkio.throttle.write_iops_device", "8:0 300", name);
	check_file(net, "net_cls.classid", "1048577", name);
	check_file(net, "net_prio.ifpriomap", "eth0 5", name);
	check_file(memory, "memory.kmem.tcp.limit_in_bytes", "1048576", name);
	check_file(unified, "hugetlb.2MB.max", "4194304", "v1 fixture: hugetlb in cgroup2");
	check_file(parent, "cgroup.subtree_control", "+hugetlb", "v1 fixture: hugetlb enabled");
	check_file(devices, "devices.deny", "a", name);

	struct spec_resources leaf = {.block_io = {.set = true, .leaf_weight = {true, 100}}};
	is_int(ct_cgroup_set_resources(cgroup, &leaf, &err), -ENOTSUP, "v1 leaf weight without CFQ: fails");
	is_str(err.message,
	       "linux.resources.blockIO.leafWeight: the blkio controller has no blkio.leaf_weight file on "
	       "this host (no "
	       "proportional I/O scheduler such as BFQ is in use)",
	       "v1 leaf weight without CFQ: message");
	struct spec_throttle_device bps = {.major = 8, .minor = 0, .rate = 1};
	struct spec_resources read_bps = {
	    .block_io = {.set = true, .throttle_read_bps_device = &bps, .n_throttle_read_bps_device = 1}};
	is_int(ct_cgroup_update_resources(cgroup, &read_bps, &err), -ENOTSUP,
	       "v1 missing throttle file: fails");
	char *expected =
	    ct_asprintf("linux.resources.blockIO.throttleReadBpsDevice: not supported, because cgroup "
	                "\"%s\" has no \"blkio.throttle.read_bps_device\" file on this host",
	                blkio);
	is_str(err.message, expected, "v1 missing throttle file: message");
	free(expected);

	free(parent);
	free(root);
	free(mid);
	map_clear(&map);
	(void)ct_cgroup_destroy(cgroup, NULL);
	ct_cgroup_free(cgroup);
	fixture_free(&fixture);
}

/* ----------------------------------------------------- real hierarchies */

/* Forks a child that joins the cgroup2 directory dir and reports, as its
 * exit status, whether it could open each path (bit i for paths[i]). */
static int try_opens(const char *dir, const char *const *paths, size_t count, int flags)
{
	pid_t pid = fork();
	if (pid == 0) {
		char value[32];
		snprintf(value, sizeof(value), "%d", (int)getpid());
		if (ct_cgroup_write(dir, "cgroup.procs", value, NULL) < 0)
			_exit(255);
		int result = 0;
		for (size_t i = 0; i < count; i++) {
			int fd = open(paths[i], flags | O_CLOEXEC);
			if (fd >= 0)
				result |= 1 << i;
			if (fd >= 0)
				close(fd);
		}
		_exit(result);
	}
	int status = 0;
	waitpid(pid, &status, 0);
	return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

static uint32_t attached_programs(const char *dir)
{
	int fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	uint32_t ids[8];
	union bpf_attr attr = {.query = {.target_fd = (uint32_t)fd,
	                                 .attach_type = BPF_CGROUP_DEVICE,
	                                 .prog_ids = (uint64_t)(uintptr_t)ids,
	                                 .prog_cnt = 8}};
	long r = syscall(SYS_bpf, BPF_PROG_QUERY, &attr, sizeof(attr));
	close(fd);
	return r < 0 ? 99 : attr.query.prog_cnt;
}

static void test_real_device_program(void)
{
	const char *unified_root = "/sys/fs/cgroup/unified";
	if (geteuid() != 0 || !exists(unified_root)) {
		skip("the device program test needs root and a cgroup2 hierarchy at /sys/fs/cgroup/unified");
		return;
	}
	char *dir = ct_asprintf("%s/ctrun-test-devices-%d", unified_root, (int)getpid());
	if (!is_int(mkdir(dir, 0755), 0, "real device program: cgroup created")) {
		free(dir);
		return;
	}
	const char *paths[] = {"/dev/null", "/dev/kmsg", "/dev/loop-control"};
	struct spec_device_rule rules[] = {{.allow = false, .access = "rwm"}};
	size_t count = 0;
	struct ct_device_rule *compiled = rules_of(rules, 1, &count);
	struct libct_error err = {0};
	if (!is_int(ct_cgroup_v2_set_devices(dir, compiled, count, &err), 0, "real device program: attached"))
		diag("%s", err.message);
	free(compiled);
	is_int(try_opens(dir, paths, 3, O_RDONLY), 1, "real device program: only /dev/null opens");
	is_int((int)attached_programs(dir), 1, "real device program: one program");

	/* An update swaps the program: now kmsg may be read, not written. */
	struct spec_device_rule update[] = {
	    {.allow = false, .access = "rwm"},
	    {.allow = true, .type = "c", .major = {true, 1}, .minor = {true, 11}, .access = "r"},
	};
	compiled = rules_of(update, 2, &count);
	if (!is_int(ct_cgroup_v2_set_devices(dir, compiled, count, &err), 0, "real device update: attached"))
		diag("%s", err.message);
	free(compiled);
	is_int(try_opens(dir, paths, 3, O_RDONLY), 3, "real device update: kmsg opens for reading");
	is_int(try_opens(dir, paths, 3, O_WRONLY), 1, "real device update: kmsg does not open for writing");
	is_int((int)attached_programs(dir), 1, "real device update: still one program");

	is_int(rmdir(dir), 0, "real device program: cgroup removed");
	free(dir);
}

static void check_real_freeze_and_stats(struct ct_cgroup *cgroup, const char *freezer)
{
	struct libct_error err = {0};
	pid_t child = fork();
	if (child == 0) {
		for (;;)
			pause();
	}
	is_int(ct_cgroup_enter(cgroup, child, &err), 0, "real stats: enter succeeds");
	struct ct_cgroup_stats stats = {0};
	is_int(ct_cgroup_stats(cgroup, &stats, &err), 0, "real stats: read");
	ok(stats.has_pids && stats.pids_current == 1, "real stats: one process");
	ok(stats.has_memory, "real stats: memory usage present");
	ok(stats.has_cpu, "real stats: cpu usage present");

	if (!is_int(ct_cgroup_freeze(cgroup, true, &err), 0, "real freeze: succeeds"))
		diag("%s", err.message);
	if (freezer != NULL)
		check_file(freezer, "freezer.state", "FROZEN\n", "real freeze");
	is_int(ct_cgroup_freeze(cgroup, true, &err), 0, "real freeze: again succeeds");
	is_int(ct_cgroup_freeze(cgroup, false, &err), 0, "real thaw: succeeds");
	if (freezer != NULL)
		check_file(freezer, "freezer.state", "THAWED\n", "real thaw");
	kill(child, SIGKILL);
	waitpid(child, NULL, 0);
}

static char *read_devices_list(const char *dir)
{
	char *path = ct_asprintf("%s/devices.list", dir);
	char *text = read_text(path);
	free(path);
	return text;
}

/* Device rules on the real v1 controller: update and privileged. */
static void check_real_device_update(struct ct_cgroup *cgroup, const char *devices)
{
	struct libct_error err = {0};
	/* Unchanged rules write nothing, but a list that differs from them
	 * is rewritten. */
	struct spec_device_rule deny_all = {.allow = false, .access = "rwm"};
	struct spec_resources same = {.devices = &deny_all, .n_devices = 1};
	char *before = read_devices_list(devices);
	is_int(ct_cgroup_update_resources(cgroup, &same, &err), 0, "real same devices: succeeds");
	char *after = read_devices_list(devices);
	is_str(after, before, "real same devices: list unchanged");
	free(after);
	is_int(ct_cgroup_write(devices, "devices.allow", "c 1:11 r", &err), 0, "real extra rule: written");
	is_int(ct_cgroup_update_resources(cgroup, &same, &err), 0, "real extra rule: update succeeds");
	after = read_devices_list(devices);
	is_str(after, before, "real extra rule: removed again");
	free(after);
	free(before);

	struct spec_device_rule kmsg[] = {
	    {.allow = false, .access = "rwm"},
	    {.allow = true, .type = "c", .major = {true, 1}, .minor = {true, 11}, .access = "r"},
	};
	struct spec_resources update = {.devices = kmsg, .n_devices = 2};
	is_int(ct_cgroup_update_resources(cgroup, &update, &err), 0, "real device update: succeeds");
	char *list = read_devices_list(devices);
	ok(list != NULL && strstr(list, "c 1:11 r\n") != NULL, "real device update: kmsg listed");
	free(list);

	struct spec_resources none = {.pids_limit = {true, 10}};
	is_int(ct_cgroup_update_resources(cgroup, &none, &err), 0, "real update without devices: succeeds");
	list = read_devices_list(devices);
	ok(list != NULL && strstr(list, "c 1:11 r\n") != NULL, "real update without devices: rules kept");
	free(list);

	struct spec_device_rule all = {.allow = true, .type = "a", .access = "rwm"};
	struct spec_resources privileged = {.devices = &all, .n_devices = 1};
	is_int(ct_cgroup_update_resources(cgroup, &privileged, &err), 0, "real privileged: succeeds");
	list = read_devices_list(devices);
	is_str(list, "a *:* rwm\n", "real privileged: everything allowed");
	free(list);
}

static void test_real_limits(void)
{
	if (geteuid() != 0) {
		skip("the real cgroup hierarchy needs root");
		return;
	}
	struct ct_cgroup *cgroup = new_real_created("ctrun-test-res", "real limits");
	if (cgroup == NULL)
		return;
	struct libct_error err = {0};
	struct spec_map map = {0};
	ct_cgroup_to_map(cgroup, &map);
	const char *unified = map_value(&map, "unified");
	const char *blkio = map_value(&map, "blkio");
	const char *devices = map_value(&map, "devices");

	/* Enabling hugetlb writes the cgroup2 root's subtree_control, which
	 * is put back below when it was not enabled before. */
	char *before = read_text("/sys/fs/cgroup/unified/cgroup.subtree_control");
	bool hugetlb_before = before != NULL && strstr(before, "hugetlb") != NULL;
	struct spec_throttle_device bps = {.major = 254, .minor = 0, .rate = 10485760};
	struct spec_hugepage_limit hugepage = {.page_size = "2MB", .limit = 8 << 20};
	struct spec_device_rule deny_all = {.allow = false, .access = "rwm"};
	struct spec_resources resources = {
	    .set = true,
	    .devices = &deny_all,
	    .n_devices = 1,
	    .block_io = {.set = true, .throttle_read_bps_device = &bps, .n_throttle_read_bps_device = 1},
	    .hugepage_limits = unified != NULL ? &hugepage : NULL,
	    .n_hugepage_limits = unified != NULL ? 1 : 0,
	};
	if (!is_int(ct_cgroup_set_resources(cgroup, &resources, &err), 0, "real limits: set succeeds"))
		diag("%s", err.message);
	char *text = ct_asprintf("%s/blkio.throttle.read_bps_device", blkio);
	char *value = read_text(text);
	is_str(value, "254:0 10485760\n", "real limits: blkio throttle");
	free(value);
	free(text);
	if (unified != NULL) {
		text = ct_asprintf("%s/hugetlb.2MB.max", unified);
		value = read_text(text);
		is_str(value, "8388608\n", "real limits: hugetlb in cgroup2");
		free(value);
		free(text);
	}
	text = ct_asprintf("%s/devices.list", devices);
	value = read_text(text);
	ok(value != NULL && strstr(value, "c 1:3 rwm\n") != NULL && strstr(value, "a *:* rwm") == NULL,
	   "real limits: devices.list holds the defaults only");
	free(value);
	free(text);

	check_real_device_update(cgroup, devices);

	struct spec_resources weight = {.block_io = {.set = true, .weight = {true, 500}}};
	int r = ct_cgroup_update_resources(cgroup, &weight, &err);
	ok(r == 0 || (r == -ENOTSUP && strstr(err.message, "no proportional I/O scheduler") != NULL),
	   "real limits: blkio weight applied or refused with the reason");
	diag("%s", r == 0 ? "blkio weight applied" : err.message);

	check_real_freeze_and_stats(cgroup, map_value(&map, "freezer"));

	(void)ct_cgroup_destroy(cgroup, NULL);
	if (!hugetlb_before && unified != NULL)
		(void)ct_cgroup_write("/sys/fs/cgroup/unified", "cgroup.subtree_control", "-hugetlb", NULL);
	free(before);
	map_clear(&map);
	ct_cgroup_free(cgroup);
}

int main(void)
{
	if (mkdtemp(fixture_base) == NULL) {
		diag("mkdtemp: %s", strerror(errno));
		return 2;
	}
	test_device_lines_v1();
	test_device_program();
	test_v2_fixture();
	test_v1_fixture();
	test_real_device_program();
	test_real_limits();
	remove_recursively(fixture_base);
	return done_testing();
}
