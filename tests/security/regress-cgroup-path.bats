#!/usr/bin/env bats
# SPDX-License-Identifier: Apache-2.0
#
# linux.cgroupsPath values whose last component names a file that every
# cgroup directory holds, such as cgroup.procs. mkdir of that path fails
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
