#!/usr/bin/env bats
# SPDX-License-Identifier: Apache-2.0
#
# delete --force finishes: through sub-cgroups frozen inside the container,
# and with a clear error naming the pids when a process cannot die.

load helpers
load cgroup-files

setup() { ct_setup; }

teardown() {
	# A process frozen by the stuck test dies once its freezer is thawed.
	if [ -n "${STUCK_CGROUP:-}" ] && [ -d "$STUCK_CGROUP" ]; then
		echo THAWED >"$STUCK_CGROUP/freezer.state"
		for _ in $(seq 50); do
			rmdir "$STUCK_CGROUP" 2>/dev/null && break
			sleep 0.1
		done
	fi
	ct_teardown
}

# Starts a container whose init has two children; prints nothing.
start_family() {
	update_config '.process.args = ["/bin/sh", "-c", "/bin/ctprobe sleep inf & /bin/ctprobe sleep inf & wait"]'
	run ctrun create "$CT_ID"
	expect_success || return 1
	run ctrun start "$CT_ID"
	expect_success || return 1
	wait_for_output "$CT_ID" "sleeping=inf"
}

# Prints the pid of a process of the container other than its init.
child_pid() {
	local init pid
	init=$(container_pid "$CT_ID")
	for pid in $(grep -l "^PPid:[[:space:]]*$init\$" /proc/[0-9]*/status 2>/dev/null | cut -d/ -f3); do
		echo "$pid"
		return 0
	done
	return 1
}

@test "delete force with a frozen sub-cgroup" {
	start_family
	local child dir sub
	child=$(child_pid) || fail "the init has no child"
	dir=$(cg_dir "$child" freezer) || skip "no freezer cgroup"
	sub=$dir/frozen-inside
	mkdir "$sub"
	echo "$child" >"$sub/cgroup.procs"
	if [ -e "$sub/freezer.state" ]; then
		echo FROZEN >"$sub/freezer.state"
	else
		echo 1 >"$sub/cgroup.freeze"
	fi
	run ctrun delete --force "$CT_ID"
	expect_success
	[ ! -d "$sub" ] || fail "the sub-cgroup is left"
}

@test "delete force names a process that cannot die" {
	requires cgroup_v1
	start_family
	local child mnt
	child=$(child_pid) || fail "the init has no child"
	mnt=$(awk '$9 == "cgroup" && $NF ~ /(^|,)freezer(,|$)/ { print $5; exit }' /proc/self/mountinfo)
	[ -n "$mnt" ] || skip "no v1 freezer hierarchy"
	# Frozen in a freezer cgroup outside the container, the child ignores
	# SIGKILL as a process in uninterruptible sleep does, and keeps the
	# container's other cgroups busy.
	STUCK_CGROUP=$mnt/${CT_CGROUP_PREFIX}stuck-$CT_ID
	mkdir "$STUCK_CGROUP"
	echo "$child" >"$STUCK_CGROUP/cgroup.procs"
	echo FROZEN >"$STUCK_CGROUP/freezer.state"
	local start=$SECONDS
	run ctrun delete --force "$CT_ID"
	expect_failure 1
	[ $((SECONDS - start)) -lt 30 ] || fail "delete took $((SECONDS - start)) seconds"
	expect_output_has "still busy after"
	expect_output_has "$child (state D, uninterruptible sleep)"

	echo THAWED >"$STUCK_CGROUP/freezer.state"
	wait_for_exit "$child"
	run ctrun delete --force "$CT_ID"
	expect_success
}
