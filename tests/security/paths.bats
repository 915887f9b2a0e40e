#!/usr/bin/env bats
# SPDX-License-Identifier: Apache-2.0
#
# Paths that the runtime resolves for the container stay inside the
# rootfs: mount destinations, masked and read-only paths, /proc and /sys
# (CVE-2019-16884 and CVE-2023-27561 classes), also while a helper swaps a
# symlink during create. A host directory named by each trap must come out
# unchanged: no new file, no mount on or under it.

load ../integration/helpers

setup() {
	ct_setup
	HOST_DIR=$CT_TMP/host-dir
	mkdir -p "$HOST_DIR"
	echo host >"$HOST_DIR/file"
}

teardown() {
	ct_teardown
	expect_host_unchanged
}

expect_host_unchanged() {
	[ -n "${HOST_DIR:-}" ] || return 0
	[ "$(ls -A "$HOST_DIR")" = file ] || fail "host dir changed: $(ls -A "$HOST_DIR")"
	[ "$(cat "$HOST_DIR/file")" = host ] || fail "host file changed"
	! awk -v dir="$HOST_DIR" 'index($5, dir) == 1 { found = 1 } END { exit !found }' /proc/self/mountinfo ||
		fail "a mount on the host dir"
	touch "$HOST_DIR/file" || fail "host dir became read-only"
}

tmpfs_mount() {
	echo "{\"destination\": \"$1\", \"type\": \"tmpfs\", \"source\": \"tmpfs\", \"options\": [\"nosuid\"]}"
}

@test "paths mount destination through an absolute symlink" {
	ln -s "$HOST_DIR" "$CT_BUNDLE/rootfs/escape"
	update_config ".mounts += [$(tmpfs_mount /escape/sub)] | .process.args = [\"/bin/ctprobe\", \"stat\", \"/escape/sub\"]"
	run ctrun run --bundle "$CT_BUNDLE" "$CT_ID"
	expect_success
	[ -d "$CT_BUNDLE/rootfs$HOST_DIR/sub" ] || fail "the mount point was not made inside the rootfs"
}

@test "paths mount destination with a .. chain" {
	update_config ".mounts += [$(tmpfs_mount "/../../../../../../..$HOST_DIR/dotdot")] | .process.args = [\"/bin/true\"]"
	run ctrun run --bundle "$CT_BUNDLE" "$CT_ID"
	expect_success
	[ -d "$CT_BUNDLE/rootfs$HOST_DIR/dotdot" ] || fail "the mount point was not made inside the rootfs"
}

@test "paths mount destination through a relative symlink climbing out" {
	ln -s "../../../../../../../..$HOST_DIR" "$CT_BUNDLE/rootfs/climb"
	update_config ".mounts += [$(tmpfs_mount /climb/sub)] | .process.args = [\"/bin/true\"]"
	run ctrun run --bundle "$CT_BUNDLE" "$CT_ID"
	expect_success
}

@test "paths /proc as a symlink is refused or mounted on a real directory" {
	rmdir "$CT_BUNDLE/rootfs/proc"
	mkdir -p "$CT_BUNDLE/rootfs/fakeproc/self/attr"
	ln -s "$HOST_DIR" "$CT_BUNDLE/rootfs/proc"
	update_config '.process.args = ["/bin/sh", "-c", "stat -f -c %T /proc; readlink /proc/self/exe"]'
	run ctrun run --bundle "$CT_BUNDLE" "$CT_ID"
	if [ "$status" -eq 0 ]; then
		expect_line "proc"
	else
		expect_output_has "proc"
	fi
}

@test "paths /proc as a symlink to a fake tree inside the rootfs" {
	rmdir "$CT_BUNDLE/rootfs/proc"
	mkdir -p "$CT_BUNDLE/rootfs/fakeproc"
	ln -s /fakeproc "$CT_BUNDLE/rootfs/proc"
	update_config '.process.args = ["/bin/sh", "-c", "stat -f -c %T /proc"] | .process.apparmorProfile = "ctrun-test"'
	run ctrun run --bundle "$CT_BUNDLE" "$CT_ID"
	if [ "$status" -eq 0 ]; then
		expect_line "proc"
	else
		expect_output_has "proc"
	fi
}

@test "paths /sys as a symlink to the host" {
	rmdir "$CT_BUNDLE/rootfs/sys"
	ln -s "$HOST_DIR" "$CT_BUNDLE/rootfs/sys"
	update_config '.process.args = ["/bin/true"]'
	run ctrun run --bundle "$CT_BUNDLE" "$CT_ID"
	[ "$status" -eq 0 ] || expect_output_has "sys"
}

@test "paths masked and read-only paths through symlinks to the host" {
	ln -s "$HOST_DIR/file" "$CT_BUNDLE/rootfs/masked"
	ln -s "$HOST_DIR" "$CT_BUNDLE/rootfs/readonly"
	update_config '.linux.maskedPaths += ["/masked"] | .linux.readonlyPaths += ["/readonly"] | .process.args = ["/bin/true"]'
	run ctrun run --bundle "$CT_BUNDLE" "$CT_ID"
	expect_success
}

@test "paths device node under a symlink to the host" {
	ln -s "$HOST_DIR" "$CT_BUNDLE/rootfs/devlink"
	update_config '.linux.devices += [{"path": "/devlink/null2", "type": "c", "major": 1, "minor": 3}] | .process.args = ["/bin/true"]'
	run ctrun run --bundle "$CT_BUNDLE" "$CT_ID"
	expect_success
}

@test "paths symlink swapped to the host during create" {
	local flipper i
	mkdir -p "$CT_BUNDLE/rootfs/real"
	ln -s /real "$CT_BUNDLE/rootfs/flip"
	update_config ".mounts += [$(tmpfs_mount /flip/sub)] | .process.args = [\"/bin/true\"]"
	# Flips /flip between a directory in the rootfs and the host dir for at
	# most 30 seconds, while 20 containers are made.
	(
		end=$((SECONDS + 30))
		while [ $SECONDS -lt $end ]; do
			ln -sfn "$HOST_DIR" "$CT_BUNDLE/rootfs/flip.new" && mv -T "$CT_BUNDLE/rootfs/flip.new" "$CT_BUNDLE/rootfs/flip"
			ln -sfn /real "$CT_BUNDLE/rootfs/flip.new" && mv -T "$CT_BUNDLE/rootfs/flip.new" "$CT_BUNDLE/rootfs/flip"
		done
	) &
	flipper=$!
	for i in $(seq 20); do
		ctrun run --bundle "$CT_BUNDLE" "$CT_ID-$i" >/dev/null 2>&1 || true
		expect_host_unchanged || break
	done
	kill "$flipper" 2>/dev/null
	wait "$flipper" 2>/dev/null || true
}
