#!/usr/bin/env bats
# SPDX-License-Identifier: Apache-2.0
#
# CVE-2024-21626 class: no fd of the runtime reaches the container's
# process apart from stdio and --preserve-fds, and its working directory
# is inside the container even when process.cwd names a /proc/self/fd
# link to a directory fd that the runtime held.

load ../integration/helpers

setup() { ct_setup; }
teardown() { ct_teardown; }

@test "fds cwd through /proc/self/fd is refused" {
	local n
	for n in 3 4 5 6 7 8 9 10; do
		update_config ".process.cwd = \"/proc/self/fd/$n\" | .process.args = [\"/bin/ctprobe\", \"cwd\"]"
		run ctrun run --bundle "$CT_BUNDLE" "$CT_ID"
		expect_failure
		expect_output_has "process.cwd"
		expect_nothing_left
	done
}

@test "fds cwd through /proc/self/cwd and /proc/1/root is refused" {
	local cwd
	for cwd in /proc/self/cwd /proc/1/root /proc/self/root/../../..; do
		update_config ".process.cwd = \"$cwd\" | .process.args = [\"/bin/ctprobe\", \"cwd\"]"
		run ctrun run --bundle "$CT_BUNDLE" "$CT_ID"
		expect_failure
		expect_output_has "process.cwd"
		expect_nothing_left
	done
}

@test "fds exec with a cwd through /proc/self/fd is refused" {
	start_sleeper
	local n
	for n in 3 5 7 9; do
		run ctrun exec --cwd "/proc/self/fd/$n" "$CT_ID" /bin/ctprobe cwd
		expect_failure
		expect_output_has "process.cwd"
	done
}

@test "fds only stdio reaches the container process" {
	update_config '.process.args = ["/bin/ctprobe", "fds"]'
	run ctrun run --bundle "$CT_BUNDLE" "$CT_ID" 7</dev/null 8>/dev/null
	expect_success
	local fd
	for fd in $(printf '%s\n' "${lines[@]}" | cut -d= -f1); do
		case "$fd" in 0 | 1 | 2) ;; *) fail "fd $fd reached the container: ${lines[*]}" ;; esac
	done
}

@test "fds only stdio and preserved fds reach an exec process" {
	start_sleeper
	run ctrun exec --preserve-fds 1 "$CT_ID" /bin/ctprobe fds 3</dev/null 9</dev/null
	expect_success
	local fd
	for fd in $(printf '%s\n' "${lines[@]}" | cut -d= -f1); do
		case "$fd" in 0 | 1 | 2 | 3) ;; *) fail "fd $fd reached the container: ${lines[*]}" ;; esac
	done
	expect_line "3=/dev/null"
}

@test "fds a waiting init holds no fd the caller left open" {
	run ctrun create --bundle "$CT_BUNDLE" "$CT_ID" 7<"$CT_BUNDLE/config.json" 8>"$CT_TMP/inherited"
	expect_success
	local init
	init=$(container_pid "$CT_ID")
	local held
	held=$(ls -l "/proc/$init/fd")
	if grep -qF -e "$CT_TMP/inherited" -e "$CT_BUNDLE/config.json" <<<"$held"; then
		fail "the waiting init holds a caller's fd: $held"
	fi
	run ctrun delete --force "$CT_ID"
	expect_success
}

@test "fds a preserved fd stays open in the waiting init" {
	run ctrun create --preserve-fds 1 --bundle "$CT_BUNDLE" "$CT_ID" 3>"$CT_TMP/kept" 4>"$CT_TMP/dropped"
	expect_success
	local init held
	init=$(container_pid "$CT_ID")
	held=$(ls -l "/proc/$init/fd")
	grep -qF "$CT_TMP/kept" <<<"$held" || fail "the preserved fd 3 is gone: $held"
	if grep -qF "$CT_TMP/dropped" <<<"$held"; then
		fail "the waiting init holds fd 4: $held"
	fi
	run ctrun delete --force "$CT_ID"
	expect_success
}

@test "fds cwd symlink to a host path stays in the rootfs" {
	mkdir -p "$CT_TMP/host-dir" "$CT_BUNDLE/rootfs$CT_TMP/host-dir"
	touch "$CT_TMP/host-dir/host-only"
	ln -s "$CT_TMP/host-dir" "$CT_BUNDLE/rootfs/cwdlink"
	update_config '.process.cwd = "/cwdlink" | .process.args = ["/bin/ls", "-a"]'
	run ctrun run --bundle "$CT_BUNDLE" "$CT_ID"
	expect_success
	expect_output_lacks "host-only"
}
