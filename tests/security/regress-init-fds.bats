#!/usr/bin/env bats
# SPDX-License-Identifier: Apache-2.0
#
# A created init waits for start inside the container. A container process
# with CAP_SYS_PTRACE may open its /proc/1/fd entries, so no fd of a host
# directory may stay there: ".." from the rootfs fd that the runtime opened
# before clone walked up into the host's tree.

load ../integration/helpers

setup() {
	ct_setup
	update_config '.process.capabilities |= with_entries(.value += ["CAP_SYS_PTRACE"])
		| .process.args = ["/bin/ctprobe", "sleep", "inf"]'
}

teardown() { ct_teardown; }

@test "created init holds no host directory" {
	run ctrun create --bundle "$CT_BUNDLE" "$CT_ID"
	expect_success
	ct_record_init "$CT_ID"
	run ctrun exec "$CT_ID" /bin/sh -c 'for f in /proc/1/fd/*; do echo "$f $(readlink "$f")"; done'
	expect_success
	expect_output_lacks "$CT_BUNDLE"
	run ctrun exec "$CT_ID" /bin/sh -c 'for f in /proc/1/fd/*; do [ -d "$f/.." ] && echo "dir $f"; done; true'
	expect_success
	expect_output_lacks "dir "
}
