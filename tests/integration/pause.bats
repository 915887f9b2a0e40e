#!/usr/bin/env bats
# SPDX-License-Identifier: Apache-2.0
#
# pause and resume: the freezer cgroup, the "paused" status, and the errors
# for a container in the wrong status.

load helpers
load cgroup-files

setup() { ct_setup; }
teardown() { ct_teardown; }

@test "pause freezes and resume thaws" {
	start_sleeper
	local pid
	pid=$(container_pid "$CT_ID")
	run ctrun pause "$CT_ID"
	expect_success
	[ "$(container_state "$CT_ID")" = paused ] || fail "status is $(container_state "$CT_ID")"
	[ "$(cg_read "$pid" freezer.frozen)" = 1 ] || fail "the freezer cgroup is not frozen"
	state=$(awk '{ print $3 }' "/proc/$pid/stat")
	[ "$state" != R ] || fail "the init still runs: state $state"

	run ctrun resume "$CT_ID"
	expect_success
	[ "$(container_state "$CT_ID")" = running ] || fail "status is $(container_state "$CT_ID")"
	[ "$(cg_read "$pid" freezer.frozen)" = 0 ] || fail "the freezer cgroup is still frozen"
}

@test "pause shows in list" {
	start_sleeper
	run ctrun pause "$CT_ID"
	expect_success
	run ctrun list --format json
	expect_success
	[ "$(echo "$output" | jq -r '.[0].status')" = paused ] || fail "list shows: $output"
}

@test "pause twice fails" {
	start_sleeper
	run ctrun pause "$CT_ID"
	expect_success
	run ctrun pause "$CT_ID"
	expect_failure 1
	expect_output_has "container is paused, not running"
}

@test "resume of running fails" {
	start_sleeper
	run ctrun resume "$CT_ID"
	expect_failure 1
	expect_output_has "container is running, not paused"
}

@test "pause of created fails" {
	run ctrun create "$CT_ID"
	expect_success
	run ctrun pause "$CT_ID"
	expect_failure 1
	expect_output_has "container is created, not running"
}

@test "pause of missing fails" {
	run ctrun pause nosuch
	expect_failure 1
	expect_output_has 'container "nosuch" does not exist'
}

@test "delete force of paused" {
	start_sleeper
	run ctrun pause "$CT_ID"
	expect_success
	run ctrun delete --force "$CT_ID"
	expect_success
	expect_nothing_left
}

@test "kill all of paused" {
	start_sleeper
	run ctrun pause "$CT_ID"
	expect_success
	run ctrun kill --all "$CT_ID" KILL
	expect_success
	wait_for_status "$CT_ID" stopped
	run ctrun delete "$CT_ID"
	expect_success
}

@test "kill of paused" {
	start_sleeper
	local pid
	pid=$(container_pid "$CT_ID")
	run ctrun pause "$CT_ID"
	expect_success

	run ctrun kill "$CT_ID" KILL
	expect_success
	# The v1 freezer holds SIGKILL until the thaw, so kill must thaw.
	wait_for_status "$CT_ID" stopped
	[ ! -e "/proc/$pid/cgroup" ] || [ "$(awk '{ print $3 }' "/proc/$pid/stat")" = Z ] ||
		fail "the init $pid still runs"
	run ctrun delete "$CT_ID"
	expect_success
	expect_nothing_left
}

@test "kill term of paused stays paused" {
	start_sleeper
	run ctrun pause "$CT_ID"
	expect_success

	run ctrun kill "$CT_ID" TERM
	expect_success
	[ "$(container_state "$CT_ID")" = paused ] || fail "status is $(container_state "$CT_ID")"
}

@test "pause help" {
	run ctrun pause --help
	expect_success
	expect_output_has "Usage: ctrun pause"
	run ctrun resume --help
	expect_success
	expect_output_has "Usage: ctrun resume"
}
