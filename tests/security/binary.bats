#!/usr/bin/env bats
# SPDX-License-Identifier: Apache-2.0
#
# CVE-2019-5736 class: a process in the container must never reach the
# runtime's binary on the host through /proc/PID/exe. The init is a clone of
# the runtime until it executes the program, so it is the target: it is not
# dumpable, and the runtime runs from a sealed memfd copy of its binary, so
# even a process allowed to open /proc/1/exe gets the copy, which refuses
# writes. Each test checks that the host binary did not change.

load ../integration/helpers

setup() {
	ct_setup
	is_ctrun || skip "ctrun's own protection"
	binary_sum=$(sha256sum "$CTRUN" | cut -d' ' -f1)
}

teardown() {
	ct_teardown
	[ -z "${binary_sum:-}" ] || [ "$(sha256sum "$CTRUN" | cut -d' ' -f1)" = "$binary_sum" ] ||
		fail "the runtime binary changed"
}

# Creates the container and leaves its init waiting for start: the moment
# when the init is still the runtime's clone.
create_waiting() {
	update_config '.process.args = ["/bin/ctprobe", "sleep", "inf"]'
	run ctrun create --bundle "$CT_BUNDLE" "$CT_ID"
	expect_success
}

@test "binary init exe unreachable before start" {
	create_waiting
	run ctrun exec "$CT_ID" /bin/ctprobe exe 1
	expect_success
	expect_probe write EACCES
	expect_probe path EACCES
}

@test "binary init exe is a sealed copy for a process with CAP_SYS_PTRACE" {
	update_config '.process.capabilities |= with_entries(.value += ["CAP_SYS_PTRACE"])'
	create_waiting
	run ctrun exec "$CT_ID" /bin/ctprobe exe 1
	expect_success
	case "$(probe_value target)" in
	/memfd:ctrun*) ;;
	*) fail "the init runs $(probe_value target)" ;;
	esac
	[ "$(probe_value write)" != written ] || fail "write went through"
	[ "$(probe_value reopen)" != written ] || fail "reopened for writing"
}

@test "binary /proc/self/exe as the program runs the sealed copy" {
	[ -e /lib64 ] && [ -d /lib/x86_64-linux-gnu ] || skip "needs the host's x86_64 libraries"
	# The runtime is linked dynamically; the busybox rootfs needs the host's
	# libraries for it to start in the container at all. Opening its log
	# on a fifo keeps it waiting while the probe looks at it.
	mkfifo "$CT_BUNDLE/rootfs/log.fifo"
	update_config '.mounts += [
		{"destination": "/lib64", "type": "bind", "source": "/lib64", "options": ["rbind", "ro"]},
		{"destination": "/lib/x86_64-linux-gnu", "type": "bind", "source": "/lib/x86_64-linux-gnu", "options": ["rbind", "ro"]}]
		| .process.capabilities |= with_entries(.value += ["CAP_SYS_PTRACE"])
		| .process.args = ["/proc/self/exe", "--log", "/log.fifo", "state", "none"]'
	run ctrun create --bundle "$CT_BUNDLE" "$CT_ID"
	expect_success
	run ctrun start "$CT_ID"
	expect_success
	run ctrun exec "$CT_ID" /bin/ctprobe exe 1
	expect_success
	case "$(probe_value target)" in
	/memfd:ctrun*) ;;
	*) fail "the program runs $(probe_value target)" ;;
	esac
	[ "$(probe_value write)" != written ] || fail "write went through"
	[ "$(probe_value reopen)" != written ] || fail "reopened for writing"
}

@test "binary exec process runs from the sealed copy" {
	start_sleeper
	run ctrun exec "$CT_ID" /bin/sh -c 'cat /proc/self/status | grep -c ^Name'
	expect_success
	# The runtime that made the process is gone or outside the pid
	# namespace; only container processes are visible.
	run ctrun exec "$CT_ID" /bin/sh -c 'for p in /proc/[0-9]*; do readlink $p/exe; done'
	expect_success
	expect_output_lacks "$CTRUN"
}
