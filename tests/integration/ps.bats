#!/usr/bin/env bats
# SPDX-License-Identifier: Apache-2.0
#
# ps: the container's host pids as JSON, and ps(1) lines filtered to them.

load helpers

setup() { ct_setup; }
teardown() { ct_teardown; }

@test "ps json lists the init" {
	start_sleeper
	local pid
	pid=$(container_pid "$CT_ID")
	run ctrun ps --format json "$CT_ID"
	expect_success
	[ "$(echo "$output" | jq -c .)" = "[$pid]" ] || fail "ps printed $output, expected [$pid]"
}

@test "ps json equals form" {
	start_sleeper
	run ctrun ps --format=json "$CT_ID"
	expect_success
	echo "$output" | jq -e 'type == "array" and length == 1' >/dev/null || fail "ps printed $output"
}

@test "ps json lists every process" {
	update_config '.process.args = ["/bin/sh", "-c", "/bin/ctprobe sleep inf & /bin/ctprobe sleep inf & wait"]'
	run ctrun create "$CT_ID"
	expect_success
	run ctrun start "$CT_ID"
	expect_success
	wait_for_output "$CT_ID" "sleeping=inf"
	local i
	for i in $(seq 50); do
		run ctrun ps --format json "$CT_ID"
		[ "$(echo "$output" | jq length)" = 3 ] && break
		sleep 0.1
	done
	[ "$(echo "$output" | jq length)" = 3 ] || fail "ps printed $output, expected 3 pids"
}

@test "ps table default" {
	start_sleeper
	local pid
	pid=$(container_pid "$CT_ID")
	run ctrun ps "$CT_ID"
	expect_success
	[[ "${lines[0]}" == *PID* ]] || fail "no header: ${lines[0]}"
	[ "${#lines[@]}" -eq 2 ] || fail "expected the header and one line: $output"
	[ "$(echo "${lines[1]}" | awk '{ print $2 }')" = "$pid" ] || fail "the line is not the init: ${lines[1]}"
}

@test "ps table with ps arguments" {
	start_sleeper
	local pid
	pid=$(container_pid "$CT_ID")
	# containerd's top passes the ps(1) arguments after the id.
	run ctrun ps --format table "$CT_ID" -eo pid,comm
	expect_success
	[ "$(echo "${lines[0]}" | awk '{ print $1, $2 }')" = "PID COMMAND" ] || fail "header: ${lines[0]}"
	[ "${#lines[@]}" -eq 2 ] || fail "expected the header and one line: $output"
	[ "$(echo "${lines[1]}" | awk '{ print $1 }')" = "$pid" ] || fail "line: ${lines[1]}"
	[ "$(echo "${lines[1]}" | awk '{ print $2 }')" = ctprobe ] || fail "line: ${lines[1]}"
}

@test "ps table without pid column fails" {
	start_sleeper
	run ctrun ps "$CT_ID" -eo comm
	expect_failure 1
	expect_output_has "no PID column"
}

@test "ps bad format" {
	start_sleeper
	run ctrun ps --format yaml "$CT_ID"
	expect_failure 2
	expect_output_has 'invalid format "yaml"'
}

@test "ps of missing container" {
	run ctrun ps --format json nosuch
	expect_failure 1
	expect_output_has 'container "nosuch" does not exist'
}
