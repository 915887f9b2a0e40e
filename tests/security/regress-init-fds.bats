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

# With more --preserve-fds than the caller has open, the runtime's own fds
# fall into the preserved range, which the init leaves alone. The detached
# mounts of the binary's view, which readlink shows as "/", must still go.
@test "created init with surplus preserved fds holds no view mount" {
	run ctrun create --preserve-fds 30 --bundle "$CT_BUNDLE" "$CT_ID" </dev/null
	expect_success
	ct_record_init "$CT_ID"
	local pid fd
	pid=$(container_pid "$CT_ID")
	for fd in /proc/"$pid"/fd/*; do
		[ "$(readlink "$fd")" != / ] || fail "$fd of the waiting init is a detached mount"
	done
}

# The exec process joins the init's pid namespace through the runtime, which
# keeps an fd of its own pid namespace meanwhile. The process must not keep
# a copy until its execve, where a container process with CAP_SYS_PTRACE
# could take it with pidfd_getfd(). strace holds its execve for a while.
@test "exec process holds no host pid namespace fd" {
	command -v strace >/dev/null || skip "needs strace"
	start_sleeper
	local host_ns runtime child fds
	host_ns=$(readlink /proc/self/ns/pid)
	strace -f -o /dev/null -e inject=execve:delay_enter=1500000 \
		"$CTRUN" --root "$CT_ROOT" exec "$CT_ID" /bin/true &
	runtime=$!
	record_pid "$runtime"
	for _ in $(seq 100); do
		child=$(cat /proc/"$runtime"/task/*/children 2>/dev/null | tr ' ' '\n' | grep . | head -1)
		[ -n "$child" ] && child=$(cat /proc/"$child"/task/*/children 2>/dev/null | tr ' ' '\n' | grep . | head -1)
		[ -n "$child" ] && [ "$(readlink "/proc/$child/ns/pid")" != "$host_ns" ] && break
		child=
		sleep 0.05
	done
	[ -n "$child" ] || fail "no exec process appeared"
	# strace stops each new process at its birth, before its first
	# instruction closes the runtime's fds; by now it waits in execve.
	sleep 0.3
	fds=$(for f in /proc/"$child"/fd/*; do readlink "$f"; done)
	wait "$runtime" || true
	echo "$fds" | grep -qxF "$host_ns" && fail "the exec process holds $host_ns: $fds"
	true
}

# The exec process is visible in the container's pid namespace from its
# clone3. A container process with CAP_SYS_PTRACE passes the check of a
# process that is not dumpable, so the exec process must be born with the
# container's mounts and root, not the host's, and hold no directory fd of
# the host. strace holds it at each setns; a loop in the container reads a
# host file through /proc/PID/root and through each /proc/PID/fd entry.
@test "exec process is born with the container's root" {
	command -v strace >/dev/null || skip "needs strace"
	local mark=$CT_TMP/hostmark
	echo host-secret >"$mark"
	update_config ".process.args = [\"/bin/sh\", \"-c\",
		\"while :; do for d in /proc/[0-9]*; do cat \$d/root$mark \$d/fd/*$mark 2>/dev/null; done; done >/dev/shm/hits\"]"
	run ctrun create --bundle "$CT_BUNDLE" "$CT_ID"
	expect_success
	run ctrun start "$CT_ID"
	expect_success
	strace -f -o /dev/null -e trace=setns -e inject=setns:delay_exit=500000 \
		"$CTRUN" --root "$CT_ROOT" exec "$CT_ID" /bin/true
	run ctrun exec "$CT_ID" cat /dev/shm/hits
	expect_success
	expect_output_lacks host-secret
}
