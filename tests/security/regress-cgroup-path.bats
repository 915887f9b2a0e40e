#!/usr/bin/env bats
# SPDX-License-Identifier: Apache-2.0
#
# linux.cgroupsPath values whose last component names a control file of a
# cgroup directory, such as cgroup.procs. mkdir of that path fails
# with EEXIST, which must not pass for an existing cgroup. Whatever the
# runtime answers, the parent cgroup it made must not be left behind; the
# teardown fails the test when it is.

load ../integration/helpers

setup() { ct_setup; }
teardown() { ct_teardown; }

@test "cgroup path naming a control file leaves nothing" {
	update_config ".linux.cgroupsPath = \"$CT_CGROUP_PREFIX$CT_ID/cgroup.procs\""
	run ctrun run --bundle "$CT_BUNDLE" "$CT_ID"
	expect_failure
	if is_ctrun; then
		expect_output_has 'cgroup.procs": Not a directory'
		expect_output_lacks "cleanup also failed"
	fi
}

@test "cgroup path below a control file leaves nothing" {
	update_config ".linux.cgroupsPath = \"$CT_CGROUP_PREFIX$CT_ID/cgroup.procs/sub\""
	run ctrun run --bundle "$CT_BUNDLE" "$CT_ID"
	expect_failure
	if is_ctrun; then
		expect_output_has 'cgroup.procs": Not a directory'
		expect_output_lacks "cleanup also failed"
	fi
}

# memory.limit_in_bytes exists only in the v1 memory hierarchy, so its mkdir
# fails after clone3, when the init is already in the cgroup2 directory. The
# removal must wait until the init is killed, not fail against it.
@test "cgroup path naming a v1-only file leaves nothing" {
	[ -d /sys/fs/cgroup/memory ] && [ -d /sys/fs/cgroup/unified ] || skip "needs a hybrid cgroup layout"
	update_config ".linux.cgroupsPath = \"$CT_CGROUP_PREFIX$CT_ID/memory.limit_in_bytes\""
	run ctrun run --bundle "$CT_BUNDLE" "$CT_ID"
	expect_failure
	if is_ctrun; then
		expect_output_has 'memory.limit_in_bytes": Not a directory'
		expect_output_lacks "cleanup also failed"
	fi
}

# Below a control file of a cgroup that exists (the runner's own, for a
# relative path), the check for processes already in the cgroup reads a
# path under a file. It must not fail there with its own message.
@test "cgroup path below an existing control file names the create" {
	update_config ".linux.cgroupsPath = \"cgroup.procs/$CT_ID\""
	run ctrun create --bundle "$CT_BUNDLE" "$CT_ID"
	expect_failure
	if is_ctrun; then
		expect_output_has 'create cgroup "'
		expect_output_has "cgroup.procs/$CT_ID\": Not a directory"
	fi
}
