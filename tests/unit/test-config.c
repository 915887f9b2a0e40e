/* SPDX-License-Identifier: Apache-2.0 */
/*
 * spec_config_parse(): exact error messages for invalid documents, and the
 * typed values of a document that uses every Linux field.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "config.h"
#include "defaults.h"
#include "tables.h"
#include "tap.h"

/* Members added after a minimal valid document's ociVersion and root. */
#define DOC(members)     "{\"ociVersion\": \"1.0.0\", \"root\": {\"path\": \"rootfs\"}, " members "}"
#define PROCESS(members) DOC("\"process\": {\"cwd\": \"/\", \"args\": [\"sh\"], " members "}")
#define LINUX(members)   DOC("\"linux\": {" members "}")
#define USERNS           "\"namespaces\": [{\"type\": \"user\"}], "
#define MAPPINGS                                                                                             \
	"\"uidMappings\": [{\"containerID\": 0, \"hostID\": 1000, \"size\": 1}], "                           \
	"\"gidMappings\": [{\"containerID\": 0, \"hostID\": 1000, \"size\": 1}]"
#define SECCOMP(members) LINUX("\"seccomp\": {\"defaultAction\": \"SCMP_ACT_ALLOW\", " members "}")

struct bad_case {
	const char *json;
	const char *message;
};

static const struct bad_case bad_cases[] = {
	/* JSON syntax and top level */
	{ "{]", "invalid JSON at line 1, column 2: invalid object key (must be a string)" },
	{ "{\n  \"ociVersion\": \"1.0.0\",\n  \"root\": {\"path\": \"rootfs\"},,\n}",
	  "invalid JSON at line 3, column 30: invalid object key (must be a string)" },
	{ "", "invalid JSON at line 1, column 1: premature EOF" },
	{ "{\"ociVersion\": \"1.0.0\"", "invalid JSON at line 1, column 23: premature EOF" },
	{ "{} {}", "invalid JSON at line 1, column 4: trailing garbage" },
	{ "{\"hostname\": \"a\\u0000b\"}",
	  "invalid JSON at line 1, column 23: string contains a NUL character" },
	{ "[]", "expected a JSON object at the top level" },
	{ "{\"root\": {\"path\": \"rootfs\"}}", "missing required field \"ociVersion\"" },
	{ "{\"ociVersion\": \"1.0.0\"}", "missing required field \"root\"" },
	{ DOC("\"root\": {\"path\": \"r\"}"), "duplicate key \"root\"" },
	/* ociVersion */
	{ "{\"ociVersion\": \"2.0.0\", \"root\": {\"path\": \"rootfs\"}}",
	  "ociVersion: unsupported version \"2.0.0\", expected 1.0.0 to 1.3.x" },
	{ "{\"ociVersion\": \"1.4.0-rc.1\", \"root\": {\"path\": \"rootfs\"}}",
	  "ociVersion: unsupported version \"1.4.0-rc.1\", expected 1.0.0 to 1.3.x" },
	{ "{\"ociVersion\": \"garbage\", \"root\": {\"path\": \"rootfs\"}}",
	  "ociVersion: invalid version \"garbage\", expected MAJOR.MINOR.PATCH" },
	{ "{\"ociVersion\": \"\", \"root\": {\"path\": \"rootfs\"}}",
	  "ociVersion: invalid version \"\", expected MAJOR.MINOR.PATCH" },
	{ "{\"ociVersion\": \"1.0\", \"root\": {\"path\": \"rootfs\"}}",
	  "ociVersion: invalid version \"1.0\", expected MAJOR.MINOR.PATCH" },
	{ "{\"ociVersion\": \"01.0.0\", \"root\": {\"path\": \"rootfs\"}}",
	  "ociVersion: invalid version \"01.0.0\", expected MAJOR.MINOR.PATCH" },
	{ "{\"ociVersion\": 1, \"root\": {\"path\": \"rootfs\"}}",
	  "ociVersion: expected a string, got a number" },
	/* root and mounts */
	{ "{\"ociVersion\": \"1.0.0\", \"root\": {\"path\": \"\"}}", "root.path: must not be empty" },
	{ "{\"ociVersion\": \"1.0.0\", \"root\": {\"path\": \"rootfs\", \"readonly\": 1}}",
	  "root.readonly: expected a boolean, got a number" },
	{ DOC("\"mounts\": [{\"type\": \"proc\"}]"), "mounts[0]: missing required field \"destination\"" },
	{ DOC("\"mounts\": [{\"destination\": \"/a\", \"uidMappings\": [{\"containerID\": 0, \"hostID\": 1, "
	      "\"size\": 1}]}]"),
	  "mounts[0]: uidMappings and gidMappings must be given together" },
	{ DOC("\"mounts\": {}"), "mounts: expected an array, got an object" },
	/* process */
	{ PROCESS("\"terminal\": \"yes\""), "process.terminal: expected a boolean, got a string" },
	{ DOC("\"process\": {\"args\": [\"sh\"]}"), "process: missing required field \"cwd\"" },
	{ DOC("\"process\": {\"cwd\": \"tmp\", \"args\": [\"sh\"]}"),
	  "process.cwd: \"tmp\" is not an absolute path" },
	{ DOC("\"process\": {\"cwd\": \"/\", \"args\": []}"),
	  "process.args: must contain at least one element" },
	{ DOC("\"process\": {\"cwd\": \"/\"}"), "process.args: must contain at least one element" },
	{ DOC("\"process\": {\"cwd\": \"/\", \"args\": [1]}"),
	  "process.args[0]: expected a string, got a number" },
	{ DOC("\"process\": {\"cwd\": \"/\", \"cwd\": \"/\", \"args\": [\"sh\"]}"),
	  "process: duplicate key \"cwd\"" },
	{ PROCESS("\"user\": {\"uid\": -1}"),
	  "process.user.uid: value -1 is out of range (0 to 4294967295)" },
	{ PROCESS("\"user\": {\"uid\": 4294967296}"),
	  "process.user.uid: value 4294967296 is out of range (0 to 4294967295)" },
	{ PROCESS("\"user\": {\"uid\": 4294967295}"),
	  "process.user.uid: invalid id 4294967295, the value that the kernel reads as \"unchanged\"" },
	{ PROCESS("\"user\": {\"gid\": 4294967295}"),
	  "process.user.gid: invalid id 4294967295, the value that the kernel reads as \"unchanged\"" },
	{ PROCESS("\"user\": {\"additionalGids\": [1, 4294967295]}"),
	  "process.user.additionalGids[1]: invalid id 4294967295, the value that the kernel reads as "
	  "\"unchanged\"" },
	{ PROCESS("\"user\": {\"gid\": 1.5}"), "process.user.gid: expected an integer, got 1.5" },
	{ PROCESS("\"user\": {\"gid\": 1e3}"), "process.user.gid: expected an integer, got 1e3" },
	{ PROCESS("\"user\": {\"additionalGids\": [1, \"2\"]}"),
	  "process.user.additionalGids[1]: expected an integer, got a string" },
	{ PROCESS("\"user\": {\"umask\": 4096}"),
	  "process.user.umask: value 4096 is greater than 07777 (4095)" },
	{ PROCESS("\"rlimits\": [{\"type\": \"RLIMIT_NOFILE\", \"soft\": 1, \"hard\": 1}, "
		  "{\"type\": \"RLIMIT_NOFILE\", \"soft\": 2, \"hard\": 2}]"),
	  "process.rlimits[1].type: duplicate rlimit \"RLIMIT_NOFILE\"" },
	{ PROCESS("\"rlimits\": [{\"type\": \"RLIMIT_FOO\", \"soft\": 1, \"hard\": 1}]"),
	  "process.rlimits[0].type: unknown rlimit \"RLIMIT_FOO\"" },
	{ PROCESS("\"rlimits\": [{\"type\": \"RLIMIT_CORE\", \"hard\": 1}]"),
	  "process.rlimits[0]: missing required field \"soft\"" },
	{ PROCESS("\"rlimits\": [{\"type\": \"RLIMIT_CORE\", \"soft\": 10, \"hard\": 5}]"),
	  "process.rlimits[0]: soft limit 10 is greater than hard limit 5" },
	{ PROCESS("\"rlimits\": [{\"type\": \"RLIMIT_CORE\", \"soft\": 18446744073709551616, \"hard\": 5}]"),
	  "process.rlimits[0].soft: value 18446744073709551616 is out of range (0 to 18446744073709551615)" },
	{ PROCESS("\"scheduler\": {\"policy\": \"SCHED_FOO\"}"),
	  "process.scheduler.policy: unknown scheduler policy \"SCHED_FOO\"" },
	{ PROCESS("\"scheduler\": {\"policy\": \"SCHED_FIFO\", \"flags\": [\"SCHED_FLAG_NOPE\"]}"),
	  "process.scheduler.flags[0]: unknown scheduler flag \"SCHED_FLAG_NOPE\"" },
	{ PROCESS("\"scheduler\": {\"nice\": 1}"), "process.scheduler: missing required field \"policy\"" },
	{ PROCESS("\"scheduler\": {\"policy\": \"SCHED_OTHER\", \"nice\": 2147483648}"),
	  "process.scheduler.nice: value 2147483648 is out of range (-2147483648 to 2147483647)" },
	{ PROCESS("\"ioPriority\": {\"class\": \"IOPRIO_CLASS_NONE\"}"),
	  "process.ioPriority.class: unknown I/O priority class \"IOPRIO_CLASS_NONE\"" },
	{ PROCESS("\"ioPriority\": {\"class\": \"IOPRIO_CLASS_BE\", \"priority\": 8}"),
	  "process.ioPriority.priority: value 8 is out of range (0 to 7)" },
	{ PROCESS("\"oomScoreAdj\": 1001"),
	  "process.oomScoreAdj: value 1001 is out of range (-1000 to 1000)" },
	{ PROCESS("\"execCPUAffinity\": {\"initial\": \"0-a\"}"),
	  "process.execCPUAffinity.initial: invalid CPU list \"0-a\"" },
	{ PROCESS("\"consoleSize\": {\"height\": 25}"),
	  "process.consoleSize: missing required field \"width\"" },
	/* hooks */
	{ DOC("\"hooks\": {\"prestart\": [{\"path\": \"hook\"}]}"),
	  "hooks.prestart[0].path: \"hook\" is not an absolute path" },
	{ DOC("\"hooks\": {\"poststop\": [{\"path\": \"/bin/true\", \"timeout\": 0}]}"),
	  "hooks.poststop[0].timeout: value 0 must be greater than 0" },
	{ DOC("\"hooks\": {\"createRuntime\": [{\"args\": []}]}"),
	  "hooks.createRuntime[0]: missing required field \"path\"" },
	/* namespaces and id mappings */
	{ LINUX("\"namespaces\": [{\"type\": \"pid\"}, {\"type\": \"mount\"}, {\"type\": \"foo\"}]"),
	  "linux.namespaces[2].type: unknown namespace type \"foo\"" },
	{ LINUX("\"namespaces\": [{\"type\": \"pid\"}, {\"type\": \"pid\"}]"),
	  "linux.namespaces[1].type: duplicate namespace type \"pid\"" },
	{ LINUX("\"namespaces\": [{\"type\": \"network\", \"path\": \"proc/1/ns/net\"}]"),
	  "linux.namespaces[0].path: \"proc/1/ns/net\" is not an absolute path" },
	{ LINUX("\"namespaces\": [{\"path\": \"/proc/1/ns/net\"}]"),
	  "linux.namespaces[0]: missing required field \"type\"" },
	{ LINUX(USERNS "\"uidMappings\": [{\"containerID\": 0, \"hostID\": 1000, \"size\": 0}], "
		       "\"gidMappings\": [{\"containerID\": 0, \"hostID\": 1000, \"size\": 1}]"),
	  "linux.uidMappings[0].size: must be greater than 0" },
	{ LINUX(USERNS "\"uidMappings\": [{\"containerID\": 0, \"hostID\": 4294967295, \"size\": 2}], "
		       "\"gidMappings\": [{\"containerID\": 0, \"hostID\": 1000, \"size\": 1}]"),
	  "linux.uidMappings[0]: range of 2 ids goes past 4294967294" },
	{ LINUX(USERNS "\"uidMappings\": [{\"containerID\": 0, \"hostID\": 1000, \"size\": 1}], "
		       "\"gidMappings\": [{\"containerID\": 4294967295, \"hostID\": 1000, \"size\": 1}]"),
	  "linux.gidMappings[0]: range of 1 ids goes past 4294967294" },
	{ LINUX(MAPPINGS), "linux.uidMappings: user id mappings need a \"user\" entry in linux.namespaces" },
	{ LINUX("\"namespaces\": [{\"type\": \"user\"}]"),
	  "linux.uidMappings: a new user namespace needs at least one uid mapping" },
	{ LINUX(USERNS "\"uidMappings\": [{\"containerID\": 0, \"hostID\": 1000, \"size\": 1}]"),
	  "linux.gidMappings: a new user namespace needs at least one gid mapping" },
	{ LINUX("\"uidMappings\": [{\"containerID\": 0, \"hostID\": 1000}]"),
	  "linux.uidMappings[0]: missing required field \"size\"" },
	{ LINUX("\"timeOffsets\": {\"monotonic\": {\"secs\": 10}}"),
	  "linux.timeOffsets: time offsets need a \"time\" entry in linux.namespaces" },
	{ LINUX("\"namespaces\": [{\"type\": \"time\"}], \"timeOffsets\": {\"boottime\": {\"nanosecs\": "
		"1000000000}}"),
	  "linux.timeOffsets.boottime.nanosecs: value 1000000000 is not below 1000000000" },
	/* devices and network devices */
	{ LINUX("\"devices\": [{\"type\": \"x\", \"path\": \"/dev/x\", \"major\": 1, \"minor\": 1}]"),
	  "linux.devices[0].type: unknown device type \"x\", expected \"c\", \"b\", \"u\" or \"p\"" },
	{ LINUX("\"devices\": [{\"type\": \"c\", \"path\": \"dev/null\", \"major\": 1, \"minor\": 3}]"),
	  "linux.devices[0].path: \"dev/null\" is not an absolute path" },
	{ LINUX("\"devices\": [{\"type\": \"c\", \"path\": \"/dev/null\", \"minor\": 3}]"),
	  "linux.devices[0]: missing required field \"major\" for device type \"c\"" },
	{ LINUX("\"devices\": [{\"type\": \"c\", \"path\": \"/dev/null\", \"major\": 1, \"minor\": 3, "
		"\"uid\": -1}]"),
	  "linux.devices[0].uid: value -1 is out of range (0 to 4294967295)" },
	{ LINUX("\"devices\": [{\"type\": \"c\", \"path\": \"/dev/null\", \"major\": 1, \"minor\": 3, "
		"\"gid\": 4294967295}]"),
	  "linux.devices[0].gid: invalid id 4294967295, the value that the kernel reads as \"unchanged\"" },
	{ LINUX("\"devices\": [{\"path\": \"/dev/null\"}]"),
	  "linux.devices[0]: missing required field \"type\"" },
	{ LINUX("\"devices\": [{\"type\": \"c\", \"path\": \"/dev/x\", \"major\": -1, \"minor\": 3}]"),
	  "linux.devices[0].major: must not be negative, got -1" },
	{ LINUX("\"devices\": [{\"type\": \"b\", \"path\": \"/dev/x\", \"major\": 8, \"minor\": -2}]"),
	  "linux.devices[0].minor: must not be negative, got -2" },
	{ LINUX("\"netDevices\": {\"a/b\": {}}"),
	  "linux.netDevices: invalid network device name \"a/b\": name contains \"/\", \":\" or whitespace" },
	{ LINUX("\"netDevices\": {\"..\": {}}"),
	  "linux.netDevices: invalid network device name \"..\": name is \".\" or \"..\"" },
	{ LINUX("\"netDevices\": {\"eth0\": {\"name\": \"a-very-long-name-0\"}}"),
	  "linux.netDevices.eth0.name: invalid network device name \"a-very-long-name-0\": name is longer "
	  "than 15 characters" },
	{ LINUX("\"netDevices\": {\"eth0\": {\"name\": 23}}"),
	  "linux.netDevices.eth0.name: expected a string, got a number" },
	/* resources */
	{ LINUX("\"resources\": {\"hugepageLimits\": [{\"pageSize\": \"64kB\", \"limit\": 1}]}"),
	  "linux.resources.hugepageLimits[0].pageSize: invalid page size \"64kB\", expected a size such as "
	  "\"2MB\"" },
	{ LINUX("\"resources\": {\"rdma\": {\"mlx5_1\": {\"hcaHandles\": \"many\"}}}"),
	  "linux.resources.rdma.mlx5_1.hcaHandles: expected an integer, got a string" },
	{ LINUX("\"resources\": {\"rdma\": {\"mlx5_1\": {}}}"),
	  "linux.resources.rdma.mlx5_1: needs at least one of \"hcaHandles\" and \"hcaObjects\"" },
	{ LINUX("\"resources\": {\"blockIO\": {\"weightDevice\": [{\"major\": 8, \"minor\": 0}]}}"),
	  "linux.resources.blockIO.weightDevice[0]: needs at least one of \"weight\" and \"leafWeight\"" },
	{ LINUX("\"resources\": {\"blockIO\": {\"weight\": 70000}}"),
	  "linux.resources.blockIO.weight: value 70000 is out of range (0 to 65535)" },
	{ LINUX("\"resources\": {\"devices\": [{\"allow\": true, \"type\": \"x\"}]}"),
	  "linux.resources.devices[0].type: unknown device type \"x\", expected \"a\", \"c\" or \"b\"" },
	{ LINUX("\"resources\": {\"devices\": [{\"allow\": true, \"access\": \"rwx\"}]}"),
	  "linux.resources.devices[0].access: invalid access \"rwx\", expected a combination of \"r\", \"w\" "
	  "and \"m\"" },
	{ LINUX("\"resources\": {\"devices\": [{\"access\": \"rwm\"}]}"),
	  "linux.resources.devices[0]: missing required field \"allow\"" },
	{ LINUX("\"resources\": {\"memory\": {\"limit\": \"1G\"}}"),
	  "linux.resources.memory.limit: expected an integer, got a string" },
	{ LINUX("\"resources\": {\"cpu\": {\"shares\": -1}}"),
	  "linux.resources.cpu.shares: value -1 is out of range (0 to 18446744073709551615)" },
	{ LINUX("\"resources\": {\"pids\": {}}"), "linux.resources.pids: missing required field \"limit\"" },
	{ LINUX("\"resources\": {\"network\": {\"classID\": 4294967296}}"),
	  "linux.resources.network.classID: value 4294967296 is out of range (0 to 4294967295)" },
	{ LINUX("\"resources\": {\"unified\": {\"memory.max\": 5}}"),
	  "linux.resources.unified.memory.max: expected a string, got a number" },
	/* seccomp */
	{ SECCOMP("\"syscalls\": [{\"names\": [\"read\"], \"action\": \"SCMP_ACT_NOPE\"}]"),
	  "linux.seccomp.syscalls[0].action: unknown seccomp action \"SCMP_ACT_NOPE\"" },
	{ LINUX("\"seccomp\": {\"syscalls\": []}"),
	  "linux.seccomp: missing required field \"defaultAction\"" },
	{ SECCOMP("\"architectures\": [\"SCMP_ARCH_VAX\"]"),
	  "linux.seccomp.architectures[0]: unknown seccomp architecture \"SCMP_ARCH_VAX\"" },
	{ SECCOMP("\"flags\": [\"SECCOMP_FILTER_FLAG_NOPE\"]"),
	  "linux.seccomp.flags[0]: unknown seccomp flag \"SECCOMP_FILTER_FLAG_NOPE\"" },
	{ SECCOMP("\"syscalls\": [{\"names\": [\"read\"], \"action\": \"SCMP_ACT_ERRNO\", "
		  "\"args\": [{\"index\": 0, \"value\": 1, \"op\": \"SCMP_CMP_LIKE\"}]}]"),
	  "linux.seccomp.syscalls[0].args[0].op: unknown seccomp operator \"SCMP_CMP_LIKE\"" },
	{ SECCOMP("\"syscalls\": [{\"names\": [], \"action\": \"SCMP_ACT_ERRNO\"}]"),
	  "linux.seccomp.syscalls[0].names: must contain at least one element" },
	{ SECCOMP("\"syscalls\": [{\"names\": [\"read\"], \"action\": \"SCMP_ACT_ALLOW\", \"errnoRet\": 1}]"),
	  "linux.seccomp.syscalls[0].errnoRet: not allowed with action \"SCMP_ACT_ALLOW\"" },
	{ SECCOMP("\"listenerMetadata\": \"x\""),
	  "linux.seccomp.listenerMetadata: needs linux.seccomp.listenerPath" },
	{ SECCOMP("\"listenerPath\": \"run/listener.sock\""),
	  "linux.seccomp.listenerPath: \"run/listener.sock\" is not an absolute path" },
	/* other linux fields */
	{ LINUX("\"memoryPolicy\": {\"mode\": \"MPOL_RANDOM\"}"),
	  "linux.memoryPolicy.mode: unknown memory policy mode \"MPOL_RANDOM\"" },
	{ LINUX("\"memoryPolicy\": {\"mode\": \"MPOL_BIND\", \"nodes\": \"0\", \"flags\": "
		"[\"MPOL_F_NONE\"]}"),
	  "linux.memoryPolicy.flags[0]: unknown memory policy flag \"MPOL_F_NONE\"" },
	{ LINUX("\"memoryPolicy\": {\"mode\": \"MPOL_BIND\"}"),
	  "linux.memoryPolicy.nodes: mode \"MPOL_BIND\" needs at least one node" },
	{ LINUX("\"memoryPolicy\": {\"mode\": \"MPOL_LOCAL\", \"nodes\": \"0-1\"}"),
	  "linux.memoryPolicy.nodes: mode \"MPOL_LOCAL\" takes no nodes, got \"0-1\"" },
	{ LINUX("\"personality\": {\"domain\": \"LINUX64\"}"),
	  "linux.personality.domain: unknown personality domain \"LINUX64\"" },
	{ LINUX("\"personality\": {\"domain\": \"LINUX\", \"flags\": [\"ADDR_NO_RANDOMIZE\"]}"),
	  "linux.personality.flags[0]: unsupported personality flag \"ADDR_NO_RANDOMIZE\"" },
	{ LINUX("\"rootfsPropagation\": \"recursive\""),
	  "linux.rootfsPropagation: unknown rootfs propagation \"recursive\"" },
	{ LINUX("\"maskedPaths\": [\"/proc/kcore\", \"proc/keys\"]"),
	  "linux.maskedPaths[1]: \"proc/keys\" is not an absolute path" },
	{ LINUX("\"readonlyPaths\": [\"sys\"]"), "linux.readonlyPaths[0]: \"sys\" is not an absolute path" },
	{ LINUX("\"intelRdt\": {\"memBwSchema\": \"L3:0=f\"}"),
	  "linux.intelRdt.memBwSchema: \"L3:0=f\" must start with \"MB:\" and be one line" },
	{ LINUX("\"sysctl\": {\"net.ipv4.ip_forward\": 1}"),
	  "linux.sysctl.net.ipv4.ip_forward: expected a string, got a number" },
	{ DOC("\"linux\": []"), "linux: expected an object, got an array" },
	{ DOC("\"annotations\": {\"a\": \"1\", \"a\": \"2\"}"), "annotations: duplicate key \"a\"" },
	{ DOC("\"annotations\": {\"\": \"1\"}"), "annotations: keys must not be empty" },
	{ LINUX("\"sysctl\": {\"\": \"1\"}"), "linux.sysctl: keys must not be empty" },
	{ DOC("\"hostname\": \"web\""),
	  "hostname: setting \"web\" needs a \"uts\" entry in linux.namespaces" },
	{ DOC("\"domainname\": \"example.org\", \"linux\": {\"namespaces\": [{\"type\": \"pid\"}]}"),
	  "domainname: setting \"example.org\" needs a \"uts\" entry in linux.namespaces" },
	{ DOC("\"annotations\": {\"org.example\": true}"),
	  "annotations.org.example: expected a string, got a boolean" },
};

static void test_bad_documents(void)
{
	for (size_t i = 0; i < sizeof(bad_cases) / sizeof(bad_cases[0]); i++) {
		struct spec_config *config = NULL;
		struct libct_error err = { 0 };
		int r = spec_config_parse(bad_cases[i].json, strlen(bad_cases[i].json), &config, &err);
		is_int(r, -EINVAL, "bad document %zu is rejected", i);
		is_str(err.message, bad_cases[i].message, "bad document %zu message", i);
		ok(config == NULL, "bad document %zu returns no config", i);
		spec_config_free(config);
	}
}

static void test_nul_and_depth(void)
{
	static const char with_nul[] = "{\"ociVersion\": \"1.0.0\"\0}";
	struct libct_error err = { 0 };
	struct spec_config *config = NULL;
	is_int(spec_config_parse(with_nul, sizeof(with_nul) - 1, &config, &err), -EINVAL,
	       "NUL byte is rejected");
	is_str(err.message, "invalid JSON at line 1, column 23: unexpected NUL byte", "NUL byte message");

	char deep[200];
	size_t n = 0;
	n += (size_t)snprintf(deep, sizeof(deep), "{\"a\":");
	for (int i = 0; i < 70; i++)
		deep[n++] = '[';
	for (int i = 0; i < 70; i++)
		deep[n++] = ']';
	deep[n++] = '}';
	is_int(spec_config_parse(deep, n, &config, &err), -EINVAL, "deep nesting is rejected");
	is_str(err.message, "invalid JSON at line 1, column 69: nesting deeper than 64 levels",
	       "deep nesting message");
}

static const char full_document[] =
	"{\"ociVersion\": \"1.3.0\", \"root\": {\"path\": \"/bundle/rootfs\", \"readonly\": true},"
	" \"hostname\": \"web\", \"domainname\": \"example.org\","
	" \"mounts\": [{\"destination\": \"/data\", \"type\": \"bind\", \"source\": \"/srv\","
	"   \"options\": [\"rbind\", \"idmap\"],"
	"   \"uidMappings\": [{\"containerID\": 0, \"hostID\": 100000, \"size\": 65536}],"
	"   \"gidMappings\": [{\"containerID\": 0, \"hostID\": 100000, \"size\": 65536}]}],"
	" \"process\": {\"terminal\": false, \"consoleSize\": {\"height\": 25, \"width\": 80},"
	"   \"user\": {\"uid\": 1000, \"gid\": 1000, \"umask\": 18, \"additionalGids\": [5, 4294967294]},"
	"   \"args\": [\"sleep\", \"10\"], \"env\": [\"A=1\"], \"cwd\": \"/tmp\","
	"   \"capabilities\": {\"bounding\": [\"CAP_CHOWN\", \"CAP_CHECKPOINT_RESTORE\"], \"ambient\": []},"
	"   \"rlimits\": [{\"type\": \"RLIMIT_NOFILE\", \"soft\": 1024, \"hard\": 18446744073709551615}],"
	"   \"noNewPrivileges\": true, \"apparmorProfile\": \"p\", \"oomScoreAdj\": -1000,"
	"   \"scheduler\": {\"policy\": \"SCHED_DEADLINE\", \"nice\": -5, \"priority\": 0,"
	"     \"flags\": [\"SCHED_FLAG_RECLAIM\"], \"runtime\": 1, \"deadline\": 2, \"period\": 3},"
	"   \"selinuxLabel\": \"l\", \"ioPriority\": {\"class\": \"IOPRIO_CLASS_RT\", \"priority\": 7},"
	"   \"execCPUAffinity\": {\"initial\": \"0-3,7\", \"final\": \"1\"}},"
	" \"hooks\": {\"createRuntime\": [{\"path\": \"/bin/hook\", \"args\": [\"hook\", \"x\"], \"env\": "
	"[\"B=2\"],"
	"   \"timeout\": 5}], \"poststop\": [{\"path\": \"/bin/stop\"}]},"
	" \"annotations\": {\"org.example.key\": \"value\", \"second\": \"\"},"
	" \"linux\": {\"namespaces\": [{\"type\": \"user\"}, {\"type\": \"time\"},"
	"   {\"type\": \"network\", \"path\": \"/run/netns/x\"}, {\"type\": \"uts\"}],"
	"   \"uidMappings\": [{\"containerID\": 0, \"hostID\": 100000, \"size\": 65536}],"
	"   \"gidMappings\": [{\"containerID\": 0, \"hostID\": 100000, \"size\": 65536}],"
	"   \"timeOffsets\": {\"monotonic\": {\"secs\": -10, \"nanosecs\": 5}},"
	"   \"devices\": [{\"type\": \"p\", \"path\": \"/dev/fifo\"}, {\"type\": \"c\", \"path\": "
	"\"/dev/null\","
	"     \"major\": 1, \"minor\": 3, \"fileMode\": 438, \"uid\": 0, \"gid\": 0}],"
	"   \"netDevices\": {\"eth0\": {\"name\": \"ceth0\"}, \"ens4\": {}},"
	"   \"cgroupsPath\": \"/web\","
	"   \"resources\": {\"devices\": [{\"allow\": false, \"access\": \"rwm\"}],"
	"     \"memory\": {\"limit\": 1048576, \"swap\": -1, \"disableOOMKiller\": false},"
	"     \"cpu\": {\"shares\": 1024, \"quota\": -1, \"period\": 100000, \"cpus\": \"0-1\", \"idle\": 1},"
	"     \"pids\": {\"limit\": 100},"
	"     \"blockIO\": {\"weight\": 10, \"weightDevice\": [{\"major\": 8, \"minor\": 0, \"leafWeight\": "
	"5}],"
	"       \"throttleReadBpsDevice\": [{\"major\": 8, \"minor\": 0, \"rate\": 600}]},"
	"     \"hugepageLimits\": [{\"pageSize\": \"2MB\", \"limit\": 209715200}],"
	"     \"network\": {\"classID\": 1048577, \"priorities\": [{\"name\": \"eth0\", \"priority\": 500}]},"
	"     \"rdma\": {\"mlx5_1\": {\"hcaHandles\": 3, \"hcaObjects\": 10000}},"
	"     \"unified\": {\"memory.high\": \"max\"}},"
	"   \"intelRdt\": {\"closID\": \"g\", \"schemata\": [\"L3:0=7f0\"], \"enableMonitoring\": true},"
	"   \"memoryPolicy\": {\"mode\": \"MPOL_INTERLEAVE\", \"nodes\": \"2-3\", \"flags\": "
	"[\"MPOL_F_STATIC_NODES\"]},"
	"   \"sysctl\": {\"net.ipv4.ip_forward\": \"1\"},"
	"   \"seccomp\": {\"defaultAction\": \"SCMP_ACT_ERRNO\", \"defaultErrnoRet\": 1,"
	"     \"architectures\": [\"SCMP_ARCH_X86_64\"], \"flags\": [\"SECCOMP_FILTER_FLAG_LOG\"],"
	"     \"listenerPath\": \"/run/l.sock\", \"listenerMetadata\": \"m\","
	"     \"syscalls\": [{\"names\": [\"read\", \"write\"], \"action\": \"SCMP_ACT_ALLOW\","
	"       \"args\": [{\"index\": 1, \"value\": 2, \"valueTwo\": 3, \"op\": \"SCMP_CMP_MASKED_EQ\"}]}]},"
	"   \"rootfsPropagation\": \"slave\", \"maskedPaths\": [\"/proc/kcore\"], \"readonlyPaths\": "
	"[\"/proc/sys\"],"
	"   \"mountLabel\": \"m\", \"personality\": {\"domain\": \"LINUX32\"}},"
	" \"unknownTopLevel\": {\"ignored\": [1, 2, {\"x\": null}]}, \"windows\": {\"layerFolders\": []}}";

static void test_process_values(const struct spec_process *process)
{
	is_int(process->console_size.set, true, "consoleSize set");
	is_int(process->console_size.width, 80, "consoleSize.width");
	is_int(process->user.uid, 1000, "user.uid");
	is_int(process->user.umask.set, true, "user.umask set");
	is_int(process->user.umask.value, 18, "user.umask");
}

static void test_large_annotations(void)
{
	/* Enough keys to take the sorting path; yajl's tree grows objects one
	 * key at a time, which is slow under ASan with many more. */
	size_t count = 5000;
	size_t size = count * 32 + 128;
	char *json = malloc(size);
	const char *head = "{\"ociVersion\": \"1.0.0\", \"root\": {\"path\": \"r\"}, \"annotations\": {";
	size_t n = (size_t)snprintf(json, size, "%s", head);
	for (size_t i = 0; i < count; i++)
		n += (size_t)snprintf(json + n, size - n, "%s\"k%zu\": \"v\"", i ? ", " : "", i);
	snprintf(json + n, size - n, "}}");

	struct spec_config *config = NULL;
	is_int(spec_config_parse(json, strlen(json), &config, NULL), 0, "5000 annotations parse");
	if (config != NULL)
		is_str(spec_map_get(&config->annotations, "k4999"), "v", "last annotation");
	spec_config_free(config);

	/* The same key again at the end. */
	snprintf(json + n, size - n, ", \"k7\": \"w\"}}");
	struct libct_error err = { 0 };
	config = NULL;
	is_int(spec_config_parse(json, strlen(json), &config, &err), -EINVAL, "duplicate among many keys");
	is_str(err.message, "annotations: duplicate key \"k7\"", "duplicate among many keys message");
	free(json);
}

static void test_full_document(void)
{
	struct spec_config *config = NULL;
	struct libct_error err = { 0 };
	int r = spec_config_parse(full_document, strlen(full_document), &config, &err);
	if (!is_int(r, 0, "full document parses")) {
		diag("%s", err.message);
		return;
	}

	is_str(config->oci_version, "1.3.0", "ociVersion");
	is_str(config->root.path, "/bundle/rootfs", "root.path");
	is_int(config->root.readonly, true, "root.readonly");
	is_str(config->domainname, "example.org", "domainname");
	is_int(config->n_mounts, 1, "mounts count");
	is_int(config->mounts[0].n_options, 2, "mount options count");
	is_str(config->mounts[0].options[1], "idmap", "mount option");
	is_int(config->mounts[0].gid_mappings[0].host_id, 100000, "mount gidMappings hostID");

	const struct spec_process *process = config->process;
	ok(process != NULL, "process present");
	is_int(process->console_size.height, 25, "consoleSize.height");
	is_int(process->user.n_additional_gids, 2, "additionalGids count");
	is_int(process->user.additional_gids[1], 4294967294u, "additionalGids largest valid id");
	is_str(process->args[1], "10", "args[1]");
	ok(process->args[2] == NULL, "args is NULL-terminated");
	is_str(process->cwd, "/tmp", "cwd");
	is_int(process->capabilities.set, true, "capabilities set");
	is_int(process->capabilities.n_bounding, 2, "bounding count");
	is_str(process->capabilities.bounding[1], "CAP_CHECKPOINT_RESTORE", "bounding[1]");
	is_int(process->capabilities.n_effective, 0, "effective absent");
	is_int(process->rlimits[0].resource, 7, "rlimit resource is RLIMIT_NOFILE");
	ok(process->rlimits[0].hard == UINT64_MAX, "rlimit hard max uint64");
	is_int(process->oom_score_adj.set, true, "oomScoreAdj set");
	is_int(process->oom_score_adj.value, -1000, "oomScoreAdj");
	is_str(process->scheduler.policy, "SCHED_DEADLINE", "scheduler.policy");
	is_int(process->scheduler.nice, -5, "scheduler.nice");
	is_int(process->scheduler.period, 3, "scheduler.period");
	is_str(process->io_priority.class_name, "IOPRIO_CLASS_RT", "ioPriority.class");
	is_int(process->io_priority.priority, 7, "ioPriority.priority");
	is_str(process->exec_cpu_affinity.initial, "0-3,7", "execCPUAffinity.initial");

	is_int(config->hooks.create_runtime.n_hooks, 1, "createRuntime count");
	is_int(config->hooks.create_runtime.hooks[0].timeout.value, 5, "hook timeout");
	is_int(config->hooks.poststop.hooks[0].timeout.set, false, "hook without timeout");
	is_int(config->hooks.prestart.n_hooks, 0, "prestart absent");
	is_str(spec_map_get(&config->annotations, "org.example.key"), "value", "annotation value");
	is_str(spec_map_get(&config->annotations, "second"), "", "empty annotation");
	ok(spec_map_get(&config->annotations, "missing") == NULL, "missing annotation");

	const struct spec_linux *linux_config = &config->linux_config;
	is_int(linux_config->set, true, "linux set");
	is_int(linux_config->namespaces[1].type, SPEC_NS_TIME, "namespace type enum");
	is_str(spec_namespace_type_name(linux_config->namespaces[2].type), "network", "namespace type name");
	is_str(linux_config->namespaces[2].path, "/run/netns/x", "namespace path");
	is_int(linux_config->time_offsets.monotonic.set, true, "monotonic offset set");
	is_int(linux_config->time_offsets.monotonic.secs, -10, "monotonic secs");
	is_int(linux_config->time_offsets.boottime.set, false, "boottime offset unset");
	is_int(linux_config->devices[0].major_set, false, "fifo without major");
	is_int(linux_config->devices[1].minor, 3, "device minor");
	is_int(linux_config->devices[1].file_mode.value, 0666, "device fileMode");
	is_int(linux_config->n_net_devices, 2, "netDevices count");
	is_str(linux_config->net_devices[0].host_name, "eth0", "netDevice host name");
	is_str(linux_config->net_devices[0].name, "ceth0", "netDevice name");
	ok(linux_config->net_devices[1].name == NULL, "netDevice without name");

	const struct spec_resources *resources = &linux_config->resources;
	is_int(resources->set, true, "resources set");
	is_int(resources->devices[0].allow, false, "device rule allow");
	is_int(resources->memory.swap.value, -1, "memory.swap");
	is_int(resources->memory.disable_oom_killer.set, true, "disableOOMKiller set");
	is_int(resources->memory.reservation.set, false, "reservation unset");
	is_int(resources->cpu.quota.value, -1, "cpu.quota");
	is_str(resources->cpu.cpus, "0-1", "cpu.cpus");
	is_int(resources->pids_set, true, "pids set");
	is_int(resources->pids_limit.value, 100, "pids.limit");
	is_int(resources->block_io.weight_device[0].leaf_weight.value, 5, "weightDevice leafWeight");
	is_int(resources->block_io.throttle_read_bps_device[0].rate, 600, "throttle rate");
	is_str(resources->hugepage_limits[0].page_size, "2MB", "hugepage pageSize");
	is_int(resources->network.class_id.value, 1048577, "classID");
	is_str(resources->rdma[0].device, "mlx5_1", "rdma device");
	is_int(resources->rdma[0].hca_objects.value, 10000, "rdma hcaObjects");
	is_str(spec_map_get(&resources->unified, "memory.high"), "max", "unified");
	is_int(linux_config->intel_rdt.enable_monitoring, true, "intelRdt.enableMonitoring");
	is_str(linux_config->memory_policy.flags[0], "MPOL_F_STATIC_NODES", "memoryPolicy flag");
	is_str(linux_config->seccomp.default_action, "SCMP_ACT_ERRNO", "seccomp defaultAction");
	is_int(linux_config->seccomp.default_errno_ret.value, 1, "seccomp defaultErrnoRet");
	is_int(linux_config->seccomp.syscalls[0].n_names, 2, "seccomp names count");
	is_int(linux_config->seccomp.syscalls[0].args[0].value_two.value, 3, "seccomp valueTwo");
	is_str(linux_config->seccomp.syscalls[0].args[0].op, "SCMP_CMP_MASKED_EQ", "seccomp op");
	is_str(linux_config->rootfs_propagation, "slave", "rootfsPropagation");
	is_str(linux_config->personality.domain, "LINUX32", "personality domain");
	test_process_values(process);

	spec_config_free(config);
}

static void test_minimal_document(void)
{
	static const char minimal[] = "{\"ociVersion\": \"1.0.2-dev\", \"root\": {\"path\": \"rootfs\"},"
				      " \"process\": null, \"annotations\": null}";
	struct spec_config *config = NULL;
	struct libct_error err = { 0 };
	is_int(spec_config_parse(minimal, strlen(minimal), &config, &err), 0, "minimal document parses");
	if (config == NULL)
		return;
	ok(config->process == NULL, "null process is absent");
	is_int(config->linux_config.set, false, "linux absent");
	is_int(config->n_mounts, 0, "no mounts");
	is_int(config->root.readonly, false, "readonly defaults to false");
	spec_config_free(config);
}

static void test_unknown_keys_and_null_error(void)
{
	static const char json[] =
		"{\"ociVersion\": \"1.3.0\", \"root\": {\"path\": \"r\", \"future\": 1},"
		" \"process\": {\"cwd\": \"/\", \"args\": [\"sh\"], \"future\": {\"a\": [1]}},"
		" \"linux\": {\"future\": null, \"resources\": {\"future\": \"x\"}}}";
	struct spec_config *config = NULL;
	is_int(spec_config_parse(json, strlen(json), &config, NULL), 0, "unknown keys are ignored");
	ok(config != NULL && config->linux_config.resources.set, "known siblings of unknown keys are parsed");
	spec_config_free(config);

	config = NULL;
	is_int(spec_config_parse("{", 1, &config, NULL), -EINVAL, "error without an error object");
	ok(config == NULL, "no config without an error object");
}

static void test_empty_hostname(void)
{
	static const char json[] = "{\"ociVersion\": \"1.0.0\", \"root\": {\"path\": \"r\"},"
				   " \"hostname\": \"\", \"domainname\": \"\"}";
	struct spec_config *config = NULL;
	int r = spec_config_parse(json, strlen(json), &config, NULL);
	is_int(r, 0, "empty hostname without UTS namespace");
	spec_config_free(config);
}

static void test_empty_apparmor_profile(void)
{
	static const char json[] = PROCESS("\"apparmorProfile\": \"\"");
	struct spec_config *config = NULL;
	int r = spec_config_parse(json, strlen(json), &config, NULL);
	is_int(r, 0, "empty apparmorProfile parses");
	if (r == 0)
		ok(config->process->apparmor_profile == NULL, "empty apparmorProfile reads as unset");
	spec_config_free(config);
}

/* 0666 with Go's os.ModeDevice and os.ModeCharDevice bits, as os.Stat()
 * reports a character device. */
static void test_go_file_mode(void)
{
	static const char json[] = "{\"ociVersion\": \"1.0.0\", \"root\": {\"path\": \"r\"},"
				   " \"linux\": {\"devices\": [{\"type\": \"c\", \"path\": \"/dev/null\","
				   " \"major\": 1, \"minor\": 3, \"fileMode\": 69206454}]}}";
	struct spec_config *config = NULL;
	int r = spec_config_parse(json, strlen(json), &config, NULL);
	is_int(r, 0, "fileMode with Go type bits");
	if (config != NULL) {
		uint64_t mode = config->linux_config.devices[0].file_mode.value;
		is_int(mode & 07777, 0666, "fileMode permission bits");
	}
	spec_config_free(config);
}

static void test_versions(void)
{
	static const char *const accepted[] = { "1.0.0", "1.0.2-dev",     "1.1.0-rc.1", "1.2.1",
						"1.3.0", "1.3.7+build.5", "0.5.0-dev" };
	for (size_t i = 0; i < sizeof(accepted) / sizeof(accepted[0]); i++) {
		char json[128];
		snprintf(json, sizeof(json), "{\"ociVersion\": \"%s\", \"root\": {\"path\": \"r\"}}",
			 accepted[i]);
		struct spec_config *config = NULL;
		struct libct_error err = { 0 };
		is_int(spec_config_parse(json, strlen(json), &config, &err), 0, "version %s is accepted",
		       accepted[i]);
		spec_config_free(config);
	}
}

static void test_default_config(bool rootless)
{
	char *json = NULL;
	size_t len = 0;
	struct libct_error err = { 0 };
	is_int(spec_config_default_json(rootless, 1000, 1001, &json, &len, &err), 0,
	       "default config (rootless=%d)", rootless);
	is_int(strlen(json), len, "default config length");

	struct spec_config *config = NULL;
	int r = spec_config_parse(json, len, &config, &err);
	if (!is_int(r, 0, "default config round trip (rootless=%d)", rootless)) {
		diag("%s", err.message);
		free(json);
		return;
	}
	is_str(config->oci_version, "1.3.0", "default ociVersion");
	is_str(config->hostname, "ctrun", "default hostname");
	is_int(config->process->terminal, false, "default terminal");
	is_str(config->process->args[0], "sh", "default args");
	is_int(config->process->capabilities.n_permitted, 3, "default permitted capabilities");
	is_int(config->process->rlimits[0].resource, 7, "default rlimit is RLIMIT_NOFILE");
	is_int(config->process->no_new_privileges, true, "default noNewPrivileges");
	is_int(config->root.readonly, true, "default readonly root");
	is_int(config->linux_config.resources.set, false, "default has no resources");
	is_int(config->linux_config.seccomp.set, false, "default has no seccomp");
	is_int(config->linux_config.n_namespaces, 6, "default namespace count");

	bool has_network = false, has_user = false, has_cgroup_mount = false;
	for (size_t i = 0; i < config->linux_config.n_namespaces; i++) {
		has_network |= config->linux_config.namespaces[i].type == SPEC_NS_NETWORK;
		has_user |= config->linux_config.namespaces[i].type == SPEC_NS_USER;
	}
	for (size_t i = 0; i < config->n_mounts; i++)
		has_cgroup_mount |= strcmp(config->mounts[i].destination, "/sys/fs/cgroup") == 0;
	is_int(has_network, !rootless, "network namespace only when not rootless");
	is_int(has_user, rootless, "user namespace only when rootless");
	is_int(has_cgroup_mount, !rootless, "cgroup mount only when not rootless");
	if (rootless) {
		is_int(config->linux_config.uid_mappings[0].host_id, 1000, "rootless uid mapping");
		is_int(config->linux_config.gid_mappings[0].host_id, 1001, "rootless gid mapping");
	}
	spec_config_free(config);
	free(json);
}

static void test_tables(void)
{
	is_int(spec_capabilities_table.n_entries, 41, "capability table covers 0 to 40");
	is_int(spec_capability_from_name("CAP_CHECKPOINT_RESTORE"), 40, "CAP_CHECKPOINT_RESTORE");
	is_int(spec_capability_from_name("CAP_CHOWN"), 0, "CAP_CHOWN");
	is_int(spec_capability_from_name("CAP_NOPE"), -1, "unknown capability");
	is_int(spec_rlimit_from_name("RLIMIT_RTTIME"), 15, "RLIMIT_RTTIME");
	is_int(spec_namespace_type_from_name("cgroup"), SPEC_NS_CGROUP, "cgroup namespace");
	is_int(spec_namespace_types.n_entries, SPEC_NS_COUNT, "namespace table covers the enum");
	for (int type = 0; type < SPEC_NS_COUNT; type++)
		is_int(spec_namespace_type_from_name(spec_namespace_type_name(type)), type,
		       "namespace %d round trip", type);
	is_str(spec_table_name(&spec_seccomp_flags, 2), "SECCOMP_FILTER_FLAG_LOG", "seccomp flag by value");
	is_int(spec_table_lookup(&spec_ioprio_classes, "IOPRIO_CLASS_IDLE")->value, 3, "IOPRIO_CLASS_IDLE");
}

int main(void)
{
	test_bad_documents();
	test_nul_and_depth();
	test_full_document();
	test_large_annotations();
	test_minimal_document();
	test_unknown_keys_and_null_error();
	test_empty_hostname();
	test_empty_apparmor_profile();
	test_go_file_mode();
	test_versions();
	test_default_config(false);
	test_default_config(true);
	test_tables();
	return done_testing();
}
