#!/usr/bin/env bats
# SPDX-License-Identifier: Apache-2.0
#
# The smallest memory limits: the init is charged to the container's memory
# cgroup from its first page, so a tiny limit must still let it run the
# program (docs/cgroups.md gives the smallest limit that works).

load helpers

setup() { ct_setup; }
teardown() { ct_teardown; }

run_true_with_limit() {
	update_config ".process.args = [\"/bin/true\"] | .linux.resources.memory = {\"limit\": $1}"
	run ctrun run "$CT_ID"
}

@test "run true under 512 KiB" {
	run_true_with_limit 524288
	expect_success
}
