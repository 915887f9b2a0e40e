#!/usr/bin/env bats
# SPDX-License-Identifier: Apache-2.0
#
# maskedPaths as a hostile container sees them: a masked directory must not
# be writable, a masked file must be the null device, and a write into one
# masked directory must never show up in another one, even after a
# container with CAP_SYS_ADMIN remounts the first one read-write.

load ../integration/helpers

setup() { ct_setup; }
teardown() { ct_teardown; }

# Runs a shell script as the container's process.
run_script() {
	update_config ".process.args = [\"/bin/sh\", \"-c\", $(jq -Rs . <<<"$1")]"
	run ctrun run --bundle "$CT_BUNDLE" "$CT_ID"
}

add_sys_admin() {
	update_config '.process.capabilities.bounding += ["CAP_SYS_ADMIN"]
		| .process.capabilities.effective += ["CAP_SYS_ADMIN"]
		| .process.capabilities.permitted += ["CAP_SYS_ADMIN"]'
}

@test "masks directories reject writes by root" {
	mkdir -p "$CT_BUNDLE/rootfs/secret-a" "$CT_BUNDLE/rootfs/secret-b"
	update_config '.linux.maskedPaths += ["/secret-a", "/secret-b"]'
	run_script 'for d in /secret-a /secret-b /proc/acpi /sys/firmware; do
		[ -d $d ] || continue
		if touch $d/new 2>/dev/null; then echo "writable=$d"; else echo "readonly=$d"; fi
	done'
	expect_success
	expect_line readonly=/secret-a
	expect_line readonly=/secret-b
	expect_output_lacks writable=
}

@test "masks files are the null device" {
	echo secret >"$CT_BUNDLE/rootfs/etc/secret-file"
	update_config '.linux.maskedPaths += ["/etc/secret-file"]'
	run_script 'stat -c "type=%F dev=%t:%T" /etc/secret-file; echo "content=$(cat /etc/secret-file)"
		echo x >/etc/secret-file && echo "content-after-write=$(cat /etc/secret-file)"'
	expect_success
	expect_line "type=character special file dev=1:3"
	expect_line "content="
	expect_line "content-after-write="
}

@test "masks remounted directory does not leak into another" {
	mkdir -p "$CT_BUNDLE/rootfs/secret-a" "$CT_BUNDLE/rootfs/secret-b"
	update_config '.linux.maskedPaths += ["/secret-a", "/secret-b"]'
	add_sys_admin
	run_script 'mount -o remount,rw /secret-a || exit 10
		echo hostile >/secret-a/planted || exit 11
		if [ -e /secret-b/planted ]; then echo leaked=/secret-b; else echo clean=/secret-b; fi
		if [ -e /proc/acpi/planted ]; then echo leaked=/proc/acpi; fi'
	expect_success
	expect_line clean=/secret-b
	expect_output_lacks leaked=
}
