#!/usr/bin/env bats
# SPDX-License-Identifier: Apache-2.0
#
# The process attributes that the kernel keeps per task: personality,
# scheduler, I/O priority, CPU affinity of exec, NUMA memory policy, the
# session keyring, and the security labels on a host without AppArmor or
# SELinux enabled. Each is read back from inside the container by ctprobe,
# and each bad value must fail create with a message naming the field.

load helpers

setup() { ct_setup; }
teardown() { ct_teardown; }

run_probe() {
	update_config ".process.args = [\"/bin/ctprobe\", $1]"
	run ctrun run --bundle "$CT_BUNDLE" "$CT_ID"
	expect_success
}

expect_create_rejected() {
	local message=$1
	run ctrun create --bundle "$CT_BUNDLE" "$CT_ID"
	expect_failure
	expect_output_has "$message"
	expect_nothing_left
}

@test "attrs personality LINUX32" {
	update_config '.linux.personality = {"domain": "LINUX32"}'
	# 0xffffffff queries the persona without changing it.
	run_probe '"personality", "0xffffffff"'
	expect_probe personality 0x8
}

@test "attrs personality LINUX keeps the default" {
	update_config '.linux.personality = {"domain": "LINUX"}'
	run_probe '"personality", "0xffffffff"'
	expect_probe personality 0
}

@test "attrs personality flags rejected" {
	update_config '.linux.personality = {"domain": "LINUX", "flags": ["ADDR_NO_RANDOMIZE"]}'
	expect_create_rejected 'linux.personality.flags'
}

@test "attrs scheduler SCHED_BATCH with nice" {
	update_config '.process.scheduler = {"policy": "SCHED_BATCH", "nice": 5}'
	run_probe '"sched"'
	expect_probe policy 3
	expect_probe nice 5
}

@test "attrs scheduler SCHED_FIFO without a real-time budget names the cause" {
	[ -e /sys/fs/cgroup/cpu/cpu.rt_runtime_us ] || skip "no real-time group scheduling"
	update_config '.process.scheduler = {"policy": "SCHED_FIFO", "priority": 10}'
	expect_create_rejected 'process.scheduler: set policy "SCHED_FIFO" (a real-time policy also needs linux.resources.cpu.realtimeRuntime'
}

@test "attrs scheduler SCHED_FIFO with priority and reset on fork" {
	update_config '.process.scheduler = {"policy": "SCHED_FIFO", "priority": 10, "flags": ["SCHED_FLAG_RESET_ON_FORK"]}'
	if [ -e /sys/fs/cgroup/cpu/cpu.rt_runtime_us ]; then
		update_config '.linux.resources.cpu.realtimeRuntime = 10000 | .linux.resources.cpu.realtimePeriod = 1000000'
	fi
	run_probe '"sched"'
	expect_probe policy 1
	expect_probe priority 10
	expect_probe reset_on_fork 1
}

@test "attrs scheduler SCHED_IDLE" {
	update_config '.process.scheduler = {"policy": "SCHED_IDLE"}'
	run_probe '"sched"'
	expect_probe policy 5
}

@test "attrs scheduler bad values rejected" {
	update_config '.process.scheduler = {"policy": "SCHED_FIFO", "priority": 0}'
	expect_create_rejected 'process.scheduler.priority: policy "SCHED_FIFO" needs 1 to 99, got 0'
	update_config '.process.scheduler = {"policy": "SCHED_OTHER", "nice": 30}'
	expect_create_rejected 'process.scheduler.nice: value 30 is out of range'
	update_config '.process.scheduler = {"policy": "SCHED_OTHER", "runtime": 100}'
	expect_create_rejected 'only used with "SCHED_DEADLINE"'
	update_config '.process.scheduler = {"policy": "SCHED_DEADLINE", "runtime": 2000000, "deadline": 1000000, "period": 3000000}'
	expect_create_rejected '"SCHED_DEADLINE" needs 0 < runtime <= deadline <= period'
	update_config '.process.scheduler = {"policy": "SCHED_ISO"}'
	expect_create_rejected 'Linux has no "SCHED_ISO" policy'
}

@test "attrs ioPriority applied to the process" {
	update_config '.process.ioPriority = {"class": "IOPRIO_CLASS_BE", "priority": 6}'
	run_probe '"ioprio"'
	expect_probe class 2
	expect_probe level 6
}

@test "attrs ioPriority IDLE class" {
	update_config '.process.ioPriority = {"class": "IOPRIO_CLASS_IDLE", "priority": 0}'
	run_probe '"ioprio"'
	expect_probe class 3
}

@test "attrs ioPriority out of range rejected" {
	update_config '.process.ioPriority = {"class": "IOPRIO_CLASS_BE", "priority": 8}'
	expect_create_rejected 'process.ioPriority.priority'
}

@test "attrs memoryPolicy bind to node 0" {
	update_config '.linux.memoryPolicy = {"mode": "MPOL_BIND", "nodes": "0", "flags": ["MPOL_F_STATIC_NODES"]}'
	run_probe '"mempolicy"'
	expect_probe mode 2
	expect_probe nodes 0x1
}

@test "attrs memoryPolicy local" {
	update_config '.linux.memoryPolicy = {"mode": "MPOL_LOCAL"}'
	run_probe '"mempolicy"'
	# MPOL_LOCAL reads back as MPOL_LOCAL (4) or, on older kernels, MPOL_PREFERRED with no nodes.
	case "$(probe_value mode)" in 1 | 4) ;; *) fail "mode is $(probe_value mode)" ;; esac
}

@test "attrs memoryPolicy bad combinations rejected" {
	update_config '.linux.memoryPolicy = {"mode": "MPOL_BIND", "nodes": "0", "flags": ["MPOL_F_STATIC_NODES", "MPOL_F_RELATIVE_NODES"]}'
	expect_create_rejected 'exclude each other'
	update_config '.linux.memoryPolicy = {"mode": "MPOL_DEFAULT", "flags": ["MPOL_F_STATIC_NODES"]}'
	expect_create_rejected 'mode "MPOL_DEFAULT" takes no flags'
	update_config '.linux.memoryPolicy = {"mode": "MPOL_INTERLEAVE", "nodes": "0", "flags": ["MPOL_F_NUMA_BALANCING"]}'
	expect_create_rejected '"MPOL_F_NUMA_BALANCING" needs mode'
	update_config '.linux.memoryPolicy = {"mode": "MPOL_BIND"}'
	expect_create_rejected 'needs at least one node'
	update_config '.linux.memoryPolicy = {"mode": "MPOL_BIND", "nodes": "0-"}'
	expect_create_rejected 'linux.memoryPolicy.nodes'
}

@test "attrs memoryPolicy on a missing node fails with the mode and nodes" {
	update_config '.linux.memoryPolicy = {"mode": "MPOL_BIND", "nodes": "1000"}'
	expect_create_rejected 'linux.memoryPolicy: set mode "MPOL_BIND" with nodes "1000"'
}

@test "attrs execCPUAffinity final applies to exec, not to the init" {
	requires_cpus=$(nproc)
	[ "$requires_cpus" -ge 2 ] || skip "needs two CPUs"
	update_config '.process.execCPUAffinity = {"initial": "1", "final": "0"} | .process.args = ["/bin/ctprobe", "sleep", "inf"]'
	run ctrun run -d --bundle "$CT_BUNDLE" "$CT_ID"
	expect_success
	run ctrun exec "$CT_ID" /bin/ctprobe affinity
	expect_success
	# exec takes its command line, not the config's process, so the init's
	# affinity (all CPUs) is what exec inherits here.
	[ -n "$(probe_value cpus)" ] || fail "no cpus"
	cat >"$CT_TMP/process.json" <<'JSON'
{"cwd": "/", "args": ["/bin/ctprobe", "affinity"], "user": {"uid": 0, "gid": 0},
 "execCPUAffinity": {"initial": "1", "final": "0"}}
JSON
	run ctrun exec --process "$CT_TMP/process.json" "$CT_ID"
	expect_success
	expect_probe cpus 0
	cat >"$CT_TMP/process.json" <<'JSON'
{"cwd": "/", "args": ["/bin/ctprobe", "affinity"], "user": {"uid": 0, "gid": 0},
 "execCPUAffinity": {"initial": "1"}}
JSON
	run ctrun exec --process "$CT_TMP/process.json" "$CT_ID"
	expect_success
	expect_probe cpus 1
}

@test "attrs execCPUAffinity invalid list rejected" {
	update_config '.process.execCPUAffinity = {"final": "0-x"}'
	expect_create_rejected 'process.execCPUAffinity.final'
}

@test "attrs new session keyring named after the container" {
	run_probe '"keyring"'
	expect_probe keyring "$CT_ID"
}

@test "attrs --no-new-keyring keeps the caller's keyring" {
	is_ctrun || skip "ctrun's create flag"
	update_config '.process.args = ["/bin/ctprobe", "keyring"]'
	run ctrun run --no-new-keyring --bundle "$CT_BUNDLE" "$CT_ID"
	expect_success
	[ "$(probe_value keyring)" != "$CT_ID" ] || fail "a new keyring was made"
}

@test "attrs apparmorProfile ignored when AppArmor is disabled" {
	[ "$(cat /sys/module/apparmor/parameters/enabled 2>/dev/null)" != Y ] || skip "AppArmor is enabled"
	update_config '.process.apparmorProfile = "ctrun-test-profile"'
	run_probe '"id"'
	expect_probe uid 0
}

@test "attrs selinuxLabel and mountLabel ignored when SELinux is disabled" {
	[ ! -e /sys/fs/selinux/enforce ] || skip "SELinux is enabled"
	update_config '.process.selinuxLabel = "system_u:system_r:container_t:s0" | .linux.mountLabel = "system_u:object_r:container_file_t:s0"'
	run_probe '"id"'
	expect_probe uid 0
}

@test "attrs mountLabel with a double quote rejected" {
	requires ctrun
	update_config '.linux.mountLabel = "system_u:object_r:container_file_t:s0\"x"'
	expect_create_rejected 'linux.mountLabel: invalid label'
}

@test "attrs the debug log says an ignored label is ignored" {
	is_ctrun || skip "ctrun's log wording"
	[ "$(cat /sys/module/apparmor/parameters/enabled 2>/dev/null)" != Y ] || skip "AppArmor is enabled"
	update_config '.process.apparmorProfile = "ctrun-test-profile" | .process.args = ["/bin/true"]'
	run ctrun --debug --log "$CT_TMP/debug.log" run --bundle "$CT_BUNDLE" "$CT_ID"
	expect_success
	grep -q 'AppArmor is not enabled, profile \\"ctrun-test-profile\\" ignored\|AppArmor is not enabled, profile "ctrun-test-profile" ignored' "$CT_TMP/debug.log" ||
		fail "no debug line: $(cat "$CT_TMP/debug.log")"
}
