#!/usr/bin/env bats
# `delete [--force] ID`, including containers that a crash left half made.

load helpers

setup() {
	ct_setup
}

teardown() {
	ct_teardown
}

@test "delete force running container" {
	start_sleeper
	pid=$(container_pid "$CT_ID")

	run ctrun delete --force "$CT_ID"
	expect_success
	wait_for_exit "$pid"
	run ctrun state "$CT_ID"
	expect_failure
	[ -z "$(find_cgroups "$CT_CGROUP_PREFIX$CT_ID")" ] || fail "cgroups remain: $(find_cgroups "$CT_CGROUP_PREFIX$CT_ID")"
}

@test "delete short force flag" {
	start_sleeper
	run ctrun delete -f "$CT_ID"
	expect_success
	run ctrun state "$CT_ID"
	expect_failure
}

@test "delete stopped container" {
	run ctrun create --bundle "$CT_BUNDLE" "$CT_ID"
	expect_success
	run ctrun start "$CT_ID"
	expect_success
	wait_for_status "$CT_ID" stopped

	run ctrun delete "$CT_ID"
	expect_success
	[ ! -e "$CT_ROOT/$CT_ID" ] || fail "state dir remains"
}

@test "delete missing container fails" {
	run ctrun delete "$CT_ID"
	expect_failure
	expect_output_has "does not exist"
}

@test "delete force missing container succeeds" {
	run ctrun delete --force "$CT_ID"
	expect_success
}

@test "delete twice fails" {
	run ctrun create --bundle "$CT_BUNDLE" "$CT_ID"
	expect_success
	run ctrun delete "$CT_ID"
	expect_success
	run ctrun delete "$CT_ID"
	expect_failure
}

# Prints the pids of every descendant of a process.
descendants() {
	local pid child
	for pid in "$@"; do
		for child in $(cat /proc/"$pid"/task/*/children 2>/dev/null); do
			echo "$child"
			descendants "$child"
		done
	done
}

@test "delete after killed create" {
	# A caller may die at any point of create (containerd kills the runtime
	# with SIGKILL when the shim dies). The next delete --force must work
	# and leave nothing, whatever state the create reached.
	# runc 1.1.5 fails this: killed early, it leaves a cpuset cgroup behind.
	requires ctrun
	for delay in 0 0.005 0.02 0.05 0.1 0.3; do
		id=$CT_ID-k${delay/./}
		record_id "$id"
		"$CTRUN" --root "$CT_ROOT" create --bundle "$CT_BUNDLE" "$id" </dev/null >/dev/null 2>&1 &
		create_pid=$!
		sleep "$delay"
		children=$(descendants "$create_pid")
		for child in $children; do
			record_pid "$child"
		done
		kill -9 "$create_pid" 2>/dev/null || true
		wait "$create_pid" 2>/dev/null || true

		run ctrun delete --force "$id"
		expect_success
		[ ! -e "$CT_ROOT/$id" ] || fail "delay $delay: state dir of $id remains"
		for child in $children; do
			wait_for_exit "$child" || fail "delay $delay: process $child of the killed create survives"
		done
		cgroups=$(find_cgroups "$CT_CGROUP_PREFIX$CT_ID")
		[ -z "$cgroups" ] || fail "delay $delay: cgroups remain: $cgroups"
	done
}

@test "delete without id fails" {
	run ctrun delete
	expect_failure
}

@test "delete after create killed around the cgroup creation" {
	# The kill must land between the first mkdir of the cgroup and the
	# first state.json.
	requires ctrun
	for i in $(seq 30); do
		id=$CT_ID-c$i
		record_id "$id"
		"$CTRUN" --root "$CT_ROOT" create --bundle "$CT_BUNDLE" "$id" </dev/null >/dev/null 2>&1 &
		create_pid=$!
		# The state directory comes just before the cgroup; a busy loop
		# of growing length then moves the kill across the window.
		for _ in $(seq 20000); do
			[ -d "$CT_ROOT/$id" ] && break
		done
		for ((j = 0; j < i * 3; j++)); do :; done
		children=$(descendants "$create_pid")
		for child in $children; do
			record_pid "$child"
		done
		kill -9 "$create_pid" 2>/dev/null || true
		wait "$create_pid" 2>/dev/null || true

		run ctrun delete --force "$id"
		expect_success
		[ ! -e "$CT_ROOT/$id" ] || fail "kill $i: state dir of $id remains"
		for child in $children; do
			wait_for_exit "$child" || fail "kill $i: process $child of the killed create survives"
		done
		cgroups=$(find_cgroups "$CT_CGROUP_PREFIX$CT_ID")
		[ -z "$cgroups" ] || fail "kill $i: cgroups remain: $cgroups"
	done
}

@test "delete force stops a create waiting for a hook" {
	# A create that waits for a hook without a timeout holds the container;
	# delete --force kills it and removes what it made.
	requires ctrun
	update_config ".hooks.prestart = [{\"path\": \"/bin/sh\",
		\"args\": [\"sh\", \"-c\", \"echo \$\$ >$CT_TMP/hook.pid; exec sleep 60\"]}]"
	"$CTRUN" --root "$CT_ROOT" create --bundle "$CT_BUNDLE" "$CT_ID" </dev/null >"$CT_TMP/create.out" 2>&1 &
	local create_pid=$! create_status=0
	record_pid "$create_pid"
	record_id "$CT_ID"
	wait_for_file -s "$CT_TMP/hook.pid" 5 || fail "the hook did not start"
	record_pid "$(cat "$CT_TMP/hook.pid")"

	run ctrun delete --force "$CT_ID"
	expect_success
	expect_output_has "killing the create or run of it that has not finished"
	wait "$create_pid" || create_status=$?
	[ "$create_status" -eq 137 ] || fail "create exited with $create_status, expected 137 (SIGKILL)"
	expect_nothing_left
}
