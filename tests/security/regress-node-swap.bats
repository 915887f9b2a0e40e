#!/usr/bin/env bats
# SPDX-License-Identifier: Apache-2.0
#
# Before pivot_root the init sees the host's root, so an absolute symlink
# in the image reaches host files. Another process that can write the image
# (a second container on the same rootfs) may swap a node that the init has
# just made for such a symlink. The owner and mode of the node must then
# not reach the symlink's target. strace holds the init after each mknodat
# or fchownat, which leaves time for the swap.

load ../integration/helpers

setup() {
	ct_setup
	command -v strace >/dev/null || skip "needs strace"
	SECRET=$CT_TMP/secret
	echo secret >"$SECRET"
	chmod 600 "$SECRET"
}

teardown() { ct_teardown; }

# Runs ctrun run under strace, which holds the runtime's processes after
# each call of $3. Waits until the path $1 exists as test $2 (-c, -f) shows,
# in the init's mount namespace when $4 is "init", and puts a symlink to
# $SECRET there. Leaves the status of run in $status, its output in $output.
run_and_swap() {
	local path=$1 test=$2 syscall=$3 view=${4:-host} runtime init= seen=
	strace -f -o /dev/null -e trace="$syscall" -e inject="$syscall":delay_exit=300000 \
		"$CTRUN" --root "$CT_ROOT" run --bundle "$CT_BUNDLE" "$CT_ID" >"$CT_TMP/out" 2>&1 &
	runtime=$!
	record_pid "$runtime"
	record_id "$CT_ID"
	for _ in $(seq 500); do
		seen=$path
		if [ "$view" = init ]; then
			# strace, then ctrun, then the init
			init=$(pgrep -P "$(pgrep -P "$runtime" | head -1)" 2>/dev/null | head -1)
			seen=/proc/$init/root$path
		fi
		[ -n "$init" ] || [ "$view" = host ] && test "$test" "$seen" && break
		sleep 0.01
	done
	test "$test" "$seen" || fail "$path was not made"
	ln -s "$SECRET" "$(dirname "$seen")/ct-link"
	mv -T "$(dirname "$seen")/ct-link" "$seen"
	status=0
	wait "$runtime" || status=$?
	output=$(cat "$CT_TMP/out")
}

@test "swapped device node keeps the host file's mode" {
	mkdir -p "$CT_BUNDLE/rootfs/opt"
	update_config '.linux.devices = [{"path": "/opt/tnull", "type": "c", "major": 1, "minor": 3, "fileMode": 438}]'
	run_and_swap "$CT_BUNDLE/rootfs/opt/tnull" -c mknodat
	[ "$(stat -c %a "$SECRET")" = 600 ] || fail "the host file's mode is $(stat -c %a "$SECRET")"
	[ "$status" -ne 0 ] || fail "run succeeded with a replaced device"
	expect_output_has "was replaced"
	expect_nothing_left
}

@test "swapped tmpcopyup file keeps the host file's mode" {
	mkdir -p "$CT_BUNDLE/rootfs/data"
	echo data >"$CT_BUNDLE/rootfs/data/f"
	chmod 666 "$CT_BUNDLE/rootfs/data/f"
	update_config '.mounts += [{"destination": "/data", "type": "tmpfs", "source": "tmpfs",
		"options": ["tmpcopyup"]}]'
	run_and_swap "$CT_BUNDLE/rootfs/data/f" -f fchownat init
	[ "$(stat -c %a "$SECRET")" = 600 ] || fail "the host file's mode is $(stat -c %a "$SECRET")"
	[ "$status" -ne 0 ] || fail "run succeeded with a replaced file"
	expect_output_has "was replaced"
	expect_nothing_left
}
