#!/usr/bin/env bats
# SPDX-License-Identifier: Apache-2.0
#
# linux.resources: each field is set in the config, the container is
# started, and the value is read back from the container's cgroup files,
# in the layout that holds the field's controller (v1 files on hybrid and
# v1 hosts, cgroup2 files on pure v2, and hugetlb from cgroup2 on a hybrid
# host that mounts it only there). cg_file in cgroup-files.bash maps each
# field to its file. A field that the host lacks is skipped with the reason.

load helpers
load cgroup-files

setup() { ct_setup; }
teardown() { ct_teardown; }

# Starts a sleeper with the jq filter FILTER applied to .linux.resources and
# sets $pid to its init.
start_with_resources() {
	update_config ".linux.resources |= ((. // {}) | $1)"
	start_sleeper || return 1
	pid=$(container_pid "$CT_ID")
}

# Checks that the file of FIELD reads EXPECTED.
expect_file() {
	local field=$1 expected=$2 file actual
	file=$(cg_file_of "$pid" "$field") || return 1
	actual=$(cat "$file")
	[ "$actual" = "$expected" ] || fail "$field: $file is \"$actual\", expected \"$expected\""
}

# Checks that the file of FIELD has the line EXPECTED.
expect_file_line() {
	local field=$1 expected=$2 file
	file=$(cg_file_of "$pid" "$field") || return 1
	grep -qxF -- "$expected" "$file" || fail "$field: $file has no line \"$expected\": $(cat "$file")"
}

# True when CONTROLLER is in a v1 hierarchy.
controller_is_v1() {
	[ -n "$(awk -v c="$1" '$9 == "cgroup" && $NF ~ "(^|,)" c "(,|$)"' /proc/self/mountinfo)" ]
}

requires_memory_v1() {
	requires cgroup_v1
	controller_is_v1 memory || skip "needs the memory controller on cgroup v1"
}

# Prints MAJ:MIN of a block device for the throttle rules: the loop
# device 7:0 if there is one, else the disk behind /.
throttle_device() {
	if [ -e /sys/dev/block/7:0 ]; then
		echo 7:0
		return 0
	fi
	local source disk
	source=$(findmnt -no SOURCE / 2>/dev/null) || return 1
	disk=$(lsblk -no PKNAME "$source" 2>/dev/null | head -1)
	[ -n "$disk" ] || disk=${source#/dev/}
	cat "/sys/class/block/$disk/dev" 2>/dev/null
}

# ------------------------------------------------------------------ memory

@test "resources memory limit reservation swap" {
	controller_is_v1 memory && ! cg_host_has_file memory memory.memsw.limit_in_bytes &&
		skip "the kernel does not account swap"
	start_with_resources '.memory = {"limit": 67108864, "reservation": 33554432, "swap": 134217728}'
	[ "$(cg_read "$pid" memory.limit)" = 67108864 ] || fail "limit is $(cg_read "$pid" memory.limit)"
	[ "$(cg_read "$pid" memory.reservation)" = 33554432 ] ||
		fail "reservation is $(cg_read "$pid" memory.reservation)"
	[ "$(cg_read "$pid" memory.swap)" = 134217728 ] || fail "swap is $(cg_read "$pid" memory.swap)"
	# cgroup2 limits swap alone: swap minus limit.
	if cg_is_v2 "$pid" memory; then
		expect_file memory.swap 67108864
	fi
}

@test "resources memory swappiness" {
	requires_memory_v1
	start_with_resources '.memory = {"swappiness": 37}'
	expect_file memory.swappiness 37
}

@test "resources memory disableOOMKiller" {
	requires_memory_v1
	start_with_resources '.memory = {"disableOOMKiller": true}'
	expect_file_line memory.disableOOMKiller "oom_kill_disable 1"
}

@test "resources memory kernelTCP" {
	requires_memory_v1
	cg_host_has_file memory memory.kmem.tcp.limit_in_bytes || skip "the kernel has no kmem.tcp files"
	start_with_resources '.memory = {"kernelTCP": 16777216}'
	expect_file memory.kernelTCP 16777216
}

@test "resources memory useHierarchy" {
	requires_memory_v1
	start_with_resources '.memory = {"useHierarchy": true}'
	expect_file memory.useHierarchy 1
}

# ------------------------------------------------------------------- cpu

@test "resources cpu shares quota period" {
	start_with_resources '.cpu = {"shares": 512, "quota": 25000, "period": 50000}'
	local expected=512
	cg_is_v2 "$pid" cpu && expected=$(cg_shares_to_weight 512)
	[ "$(cg_read "$pid" cpu.shares)" = "$expected" ] || fail "shares read $(cg_read "$pid" cpu.shares), expected $expected"
	[ "$(cg_read "$pid" cpu.quota)" = 25000 ] || fail "quota is $(cg_read "$pid" cpu.quota)"
	[ "$(cg_read "$pid" cpu.period)" = 50000 ] || fail "period is $(cg_read "$pid" cpu.period)"
}

@test "resources cpu burst" {
	if controller_is_v1 cpu; then
		cg_host_has_file cpu cpu.cfs_burst_us || skip "the kernel has no cpu.cfs_burst_us"
	fi
	start_with_resources '.cpu = {"quota": 50000, "period": 100000, "burst": 20000}'
	expect_file cpu.burst 20000
}

@test "resources cpu realtime" {
	requires cgroup_v1
	cg_host_has_file cpu cpu.rt_runtime_us || skip "the kernel has no realtime group scheduling"
	start_with_resources '.cpu = {"realtimePeriod": 500000, "realtimeRuntime": 10000}'
	expect_file cpu.realtimePeriod 500000
	expect_file cpu.realtimeRuntime 10000
}

@test "resources cpu cpus mems" {
	start_with_resources '.cpu = {"cpus": "0", "mems": "0"}'
	expect_file cpu.cpus 0
	expect_file cpu.mems 0
}

@test "resources cpu idle" {
	cg_host_has_file cpu cpu.idle || [ -e /sys/fs/cgroup/cgroup.controllers ] ||
		skip "the kernel has no cpu.idle"
	start_with_resources '.cpu = {"idle": 1}'
	expect_file cpu.idle 1
}

# ------------------------------------------------------------------- pids

@test "resources pids limit" {
	start_with_resources '.pids = {"limit": 42}'
	expect_file pids.limit 42
}

# ----------------------------------------------------------------- blockIO

@test "resources blockIO weight" {
	if controller_is_v1 blkio; then
		cg_host_has_file blkio blkio.weight || cg_host_has_file blkio blkio.bfq.weight ||
			skip "no proportional I/O scheduler (CFQ or BFQ) gives blkio weight files"
	else
		grep -qw bfq /sys/block/*/queue/scheduler 2>/dev/null || [ -e /sys/fs/cgroup/io.cost.qos ] ||
			skip "no BFQ or io.cost gives an io weight file"
	fi
	start_with_resources '.blockIO = {"weight": 500}'
	local file
	file=$(cg_file_of "$pid" blockIO.weight)
	case $file in
	*/io.weight) expect_file_line blockIO.weight "default $((1 + (500 - 10) * 9999 / 990))" ;;
	*/io.bfq.weight) expect_file_line blockIO.weight "default 500" ;;
	*) expect_file blockIO.weight 500 ;;
	esac
}

@test "resources blockIO throttle" {
	local dev
	dev=$(throttle_device) || skip "no block device found"
	[ -n "$dev" ] || skip "no block device found"
	start_with_resources ".blockIO = {
		\"throttleReadBpsDevice\": [{\"major\": ${dev%:*}, \"minor\": ${dev#*:}, \"rate\": 1048576}],
		\"throttleWriteBpsDevice\": [{\"major\": ${dev%:*}, \"minor\": ${dev#*:}, \"rate\": 2097152}],
		\"throttleReadIOPSDevice\": [{\"major\": ${dev%:*}, \"minor\": ${dev#*:}, \"rate\": 300}],
		\"throttleWriteIOPSDevice\": [{\"major\": ${dev%:*}, \"minor\": ${dev#*:}, \"rate\": 400}]}"
	if cg_is_v2 "$pid" io; then
		expect_file_line blockIO.throttleReadBpsDevice "$dev rbps=1048576 wbps=2097152 riops=300 wiops=400"
	else
		expect_file_line blockIO.throttleReadBpsDevice "$dev 1048576"
		expect_file_line blockIO.throttleWriteBpsDevice "$dev 2097152"
		expect_file_line blockIO.throttleReadIOPSDevice "$dev 300"
		expect_file_line blockIO.throttleWriteIOPSDevice "$dev 400"
	fi
}

# ----------------------------------------------------- hugetlb and network

@test "resources hugepageLimits" {
	cg_kernel_has hugetlb || skip "the kernel has no hugetlb controller"
	[ -d /sys/kernel/mm/hugepages/hugepages-2048kB ] || skip "the kernel has no 2 MB huge pages"
	start_with_resources '.hugepageLimits = [{"pageSize": "2MB", "limit": 8388608}]'
	expect_file hugepageLimits.2MB 8388608
}

@test "resources network classID" {
	requires cgroup_v1
	controller_is_v1 net_cls || skip "net_cls is not mounted"
	start_with_resources '.network = {"classID": 1048577}'
	expect_file network.classID 1048577
}

@test "resources network priorities" {
	requires cgroup_v1
	controller_is_v1 net_prio || skip "net_prio is not mounted"
	start_with_resources '.network = {"priorities": [{"name": "lo", "priority": 5}]}'
	expect_file_line network.priorities "lo 5"
}

@test "resources rdma" {
	cg_kernel_has rdma || skip "the kernel has no rdma controller"
	local device
	device=$(ls /sys/class/infiniband 2>/dev/null | head -1)
	[ -n "$device" ] || skip "no RDMA device"
	start_with_resources ".rdma = {\"$device\": {\"hcaHandles\": 3, \"hcaObjects\": 100}}"
	expect_file_line rdma "$device hca_handle=3 hca_object=100"
}

# ----------------------------------------------------------------- unified

@test "resources unified" {
	requires cgroup_v2
	start_with_resources '.memory = {"limit": 134217728} | .pids = {"limit": 100}
		| .unified = {"memory.high": "67108864", "pids.max": "17"}'
	expect_file unified.memory.high 67108864
	expect_file unified.pids.max 17
}

@test "resources unified key with dotdot fails" {
	requires ctrun
	update_config '.linux.resources.unified = {"../memory.high": "67108864"}'
	run ctrun run --bundle "$CT_BUNDLE" "$CT_ID"
	expect_failure
	expect_output_has 'linux.resources.unified'
	expect_output_has '..'
	expect_nothing_left
}

# ----------------------------------------------------------------- devices

@test "resources devices deny all allow null" {
	update_config '.linux.devices = [{"path": "/dev/kmsg", "type": "c", "major": 1, "minor": 11,
			"fileMode": 420, "uid": 0, "gid": 0}]
		| .linux.resources.devices = [{"allow": false, "access": "rwm"},
			{"allow": true, "type": "c", "major": 1, "minor": 3, "access": "rwm"}]
		| .process.args = ["/bin/sh", "-c", "ctprobe open /dev/null; ctprobe open /dev/kmsg w"]'
	run ctrun run --bundle "$CT_BUNDLE" "$CT_ID"
	expect_line opened=/dev/null
	expect_line errno=EPERM
	expect_output_lacks opened=/dev/kmsg
}

@test "resources devices allow rule opens a device" {
	update_config '.linux.devices = [{"path": "/dev/kmsg", "type": "c", "major": 1, "minor": 11,
			"fileMode": 420, "uid": 0, "gid": 0}]
		| .linux.resources.devices = [{"allow": false, "access": "rwm"},
			{"allow": true, "type": "c", "major": 1, "minor": 11, "access": "w"}]
		| .process.args = ["/bin/sh", "-c", "ctprobe open /dev/kmsg w"]'
	run ctrun run --bundle "$CT_BUNDLE" "$CT_ID"
	expect_success
	expect_line opened=/dev/kmsg
}

# ------------------------------------------------------------------ errors

@test "resources absent controller names the field" {
	requires ctrun
	cg_kernel_has rdma && skip "the kernel has an rdma controller"
	update_config '.linux.resources.rdma = {"mlx5_0": {"hcaHandles": 3}}'
	run ctrun run --bundle "$CT_BUNDLE" "$CT_ID"
	expect_failure
	expect_output_has 'linux.resources.rdma'
	expect_output_has 'not supported'
	expect_nothing_left
}

@test "resources v1 only field on cgroup2 names the field" {
	requires ctrun cgroup_v2
	update_config '.linux.resources.memory = {"swappiness": 10}'
	run ctrun run --bundle "$CT_BUNDLE" "$CT_ID"
	expect_failure
	expect_output_has 'linux.resources.memory.swappiness'
	expect_output_has 'not supported'
	expect_nothing_left
}
