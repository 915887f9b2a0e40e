#!/usr/bin/env bats
# Checks of the VM lane itself, run inside the VM by
#
#	tests/vm/run-lane.sh --runtime /usr/sbin/runc tests/vm/selftest.bats
#
# They prove that the guest has a pure cgroup v2 hierarchy and that the
# runtime under test ($CTRUN) runs a busybox container in its own cgroup
# there, with the integration helpers and fixtures working in the guest.

load ../integration/helpers

setup() {
	ct_setup
}

teardown() {
	ct_teardown
}

@test "vm cgroup2 on /sys/fs/cgroup" {
	run stat -fc %T /sys/fs/cgroup
	expect_success
	[ "$output" = cgroup2fs ] || fail "/sys/fs/cgroup is \"$output\", expected cgroup2fs"
}

@test "vm has no cgroup v1 hierarchy" {
	run awk '$9 == "cgroup" { print $5 }' /proc/self/mountinfo
	expect_success
	[ -z "$output" ] || fail "cgroup v1 hierarchies are mounted: $output"
	# The second column is the v1 hierarchy id, 0 for every controller
	# that no v1 hierarchy uses.
	run awk 'NR > 1 && $2 != 0 { print $1 }' /proc/cgroups
	expect_success
	[ -z "$output" ] || fail "controllers bound to a v1 hierarchy: $output"
}

@test "vm root cgroup delegates controllers" {
	local controller
	for controller in cpu cpuset io memory pids hugetlb; do
		grep -qw "$controller" /sys/fs/cgroup/cgroup.subtree_control ||
			fail "$controller is not in the root's cgroup.subtree_control"
	done
}

@test "vm loop device for io limits" {
	[ -b /dev/loop0 ] || fail "/dev/loop0 is not a block device"
	[ "$(stat -c '%t:%T' /dev/loop0)" = 7:0 ] || fail "/dev/loop0 is not 7:0"
}

@test "vm tmp on ext4 disk" {
	run stat -fc %T /tmp
	expect_success
	[ "$output" = ext2/ext3 ] || fail "/tmp is \"$output\", expected ext4 (stat prints ext2/ext3)"
}

@test "vm container runs in its own cgroup" {
	local cgroup=/sys/fs/cgroup/$CT_CGROUP_PREFIX$CT_ID pid
	update_config '.linux.resources = { memory: { limit: 33554432 }, pids: { limit: 16 } }'
	start_sleeper

	pid=$(container_pid "$CT_ID")
	[ "$pid" -gt 0 ] || fail "container pid is \"$pid\""
	run cat "/proc/$pid/cgroup"
	expect_success
	[ "$output" = "0::/$CT_CGROUP_PREFIX$CT_ID" ] || fail "container cgroup is \"$output\""
	[ "$(cat "$cgroup/memory.max")" = 33554432 ] || fail "memory.max is $(cat "$cgroup/memory.max")"
	[ "$(cat "$cgroup/pids.max")" = 16 ] || fail "pids.max is $(cat "$cgroup/pids.max")"

	run ctrun kill "$CT_ID" KILL
	expect_success
	wait_for_status "$CT_ID" stopped
	run ctrun delete "$CT_ID"
	expect_success
	[ ! -e "$cgroup" ] || fail "$cgroup remains after delete"
}

@test "vm container sees its cgroup namespace" {
	update_config '.process.args = ["/bin/sh", "-c", "cat /proc/self/cgroup; cat /sys/fs/cgroup/pids.max"]
		| .linux.resources = { pids: { limit: 20 } }'
	run ctrun run "$CT_ID"
	expect_success
	expect_line "0::/"
	expect_line 20
}
