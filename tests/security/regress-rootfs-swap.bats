#!/usr/bin/env bats
# SPDX-License-Identifier: Apache-2.0
#
# The init checks that the rootfs path still names the directory that the
# runtime opened, and mounts onto it. pivot_root must then enter that same
# directory and not look the path up again: a process that can rename
# entries in the bundle could otherwise swap in another root after the
# check. A createRuntime hook runs between the mounts and pivot_root, so
# it makes the swap here.

load ../integration/helpers

setup() { ct_setup; }

teardown() { ct_teardown; }

@test "rootfs swapped before pivot_root is not entered" {
	local other=$CT_TMP/other
	cp -a "$CT_BUNDLE/rootfs" "$other"
	echo swapped >"$other/marker"
	update_config ".hooks.createRuntime = [{\"path\": \"/bin/sh\", \"args\": [\"sh\", \"-c\",
		\"mv $CT_BUNDLE/rootfs $CT_BUNDLE/rootfs.orig && ln -s $other $CT_BUNDLE/rootfs\"]}]
		| .process.args = [\"/bin/sh\", \"-c\", \"cat /marker 2>/dev/null || echo original\"]"
	run ctrun run --bundle "$CT_BUNDLE" "$CT_ID"
	expect_success
	expect_line original
	[ -L "$CT_BUNDLE/rootfs" ] || fail "the hook did not swap the rootfs"
}

# The masks look their paths up by name. A process outside the container's
# mount namespace may rename the proc mount point away (it is no mount
# point in its own namespace) and leave a plain directory at /proc.
@test "proc mount point renamed before the masks fails" {
	update_config ".hooks.createRuntime = [{\"path\": \"/bin/sh\", \"args\": [\"sh\", \"-c\",
		\"mv $CT_BUNDLE/rootfs/proc $CT_BUNDLE/rootfs/.procalt && mkdir $CT_BUNDLE/rootfs/proc\"]}]
		| .process.args = [\"/bin/sh\", \"-c\", \"[ -e /.procalt/self/status ] && echo unmasked; true\"]"
	run ctrun run --bundle "$CT_BUNDLE" "$CT_ID"
	expect_failure
	expect_output_lacks unmasked
	expect_output_has "is no longer the proc mount"
	expect_nothing_left
}
