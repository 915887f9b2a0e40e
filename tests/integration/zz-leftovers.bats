#!/usr/bin/env bats
# Runs last (bats runs files in name order) and checks that the whole run
# left nothing on the host: no mount under the run's temp dir, no test
# cgroup, and no process that runs in a test container.

load helpers

@test "leftovers no mounts" {
	mounts=$(awk -v dir="$BATS_RUN_TMPDIR" 'index($5, dir) == 1 { print $5 }' /proc/self/mountinfo)
	[ -z "$mounts" ] || fail "mounts left: $mounts"
}

@test "leftovers no cgroups" {
	cgroups=$(find_cgroups "ctrun-test-$CT_RUN_TOKEN-")
	[ -z "$cgroups" ] || fail "cgroups left: $cgroups"
}

@test "leftovers no container processes" {
	local pid leftovers=()
	for pid in $(grep -lF "/ctrun-test-$CT_RUN_TOKEN-" /proc/[0-9]*/cgroup 2>/dev/null | cut -d/ -f3); do
		leftovers+=("$pid (in a test cgroup)")
	done
	# A container process that never joined a cgroup still has the marker
	# that make_bundle puts in the environment.
	for pid in $(grep -lzx "CTRUN_TEST_RUN=$CT_RUN_TOKEN" /proc/[0-9]*/environ 2>/dev/null | cut -d/ -f3); do
		leftovers+=("$pid (with the test environment)")
	done
	[ ${#leftovers[@]} -eq 0 ] || fail "processes left: ${leftovers[*]}"
}
