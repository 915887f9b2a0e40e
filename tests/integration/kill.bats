#!/usr/bin/env bats
# `kill ID [SIGNAL]`: signals by number and name, --all, and bad input.
# The sleeper prints `signal=N` and exits when it gets a signal it handles.

load helpers

setup() {
	ct_setup
}

teardown() {
	ct_teardown
}

# Sends a signal written as $1 and checks that the container got number $2.
kill_and_expect() {
	local signal=$1 number=$2
	start_sleeper
	run ctrun kill "$CT_ID" "$signal"
	expect_success || return 1
	wait_for_output "$CT_ID" "signal=$number" || return 1
	wait_for_status "$CT_ID" stopped
}

@test "kill signal by number" {
	kill_and_expect 10 10
}

@test "kill signal by name" {
	kill_and_expect USR1 10
}

@test "kill signal with SIG prefix" {
	kill_and_expect SIGUSR2 12
}

@test "kill signal lowercase" {
	kill_and_expect hup 1
}

@test "kill default is SIGTERM" {
	start_sleeper
	run ctrun kill "$CT_ID"
	expect_success
	wait_for_output "$CT_ID" "signal=15"
	wait_for_status "$CT_ID" stopped
}

@test "kill SIGKILL stops container" {
	start_sleeper
	run ctrun kill "$CT_ID" KILL
	expect_success
	wait_for_status "$CT_ID" stopped
}

@test "kill created container" {
	run ctrun create --bundle "$CT_BUNDLE" "$CT_ID"
	expect_success
	run ctrun kill "$CT_ID" KILL
	expect_success
	wait_for_status "$CT_ID" stopped
}

@test "kill all processes" {
	# The shell stays pid 1 so that the death of one sleeper does not end the
	# pid namespace (and kill the other) before both have handled the signal.
	# As a namespace init without a handler, the shell ignores SIGUSR1.
	update_config '.process.args = ["/bin/sh", "-c", "/bin/ctprobe sleep inf & /bin/ctprobe sleep inf & wait"]'
	run ctrun create --bundle "$CT_BUNDLE" "$CT_ID"
	expect_success
	run ctrun start "$CT_ID"
	expect_success
	for _ in $(seq 100); do
		[ "$(container_output | grep -c sleeping=inf)" -eq 2 ] && break
		sleep 0.1
	done
	[ "$(container_output | grep -c sleeping=inf)" -eq 2 ] || fail "two sleepers did not start"

	run ctrun kill --all "$CT_ID" USR1
	expect_success
	for _ in $(seq 100); do
		[ "$(container_output | grep -c signal=10)" -eq 2 ] && break
		sleep 0.1
	done
	[ "$(container_output | grep -c signal=10)" -eq 2 ] || fail "not every process got SIGUSR1"
	wait_for_status "$CT_ID" stopped
}

@test "kill all short flag" {
	start_sleeper
	run ctrun kill -a "$CT_ID" KILL
	expect_success
	wait_for_status "$CT_ID" stopped
}

@test "kill unknown signal fails" {
	start_sleeper
	for signal in FOO SIGFOO 0x9 -1 99; do
		run ctrun kill "$CT_ID" "$signal"
		expect_failure
		[ "$(container_state "$CT_ID")" = running ] || fail "kill \"$signal\" changed the container"
	done
	run ctrun kill "$CT_ID" FOO
	expect_output_has "FOO"
}

@test "kill stopped container fails" {
	run ctrun create --bundle "$CT_BUNDLE" "$CT_ID"
	expect_success
	run ctrun start "$CT_ID"
	expect_success
	wait_for_status "$CT_ID" stopped

	run ctrun kill "$CT_ID" KILL
	expect_failure
}

@test "kill missing container fails" {
	run ctrun kill "$CT_ID" KILL
	expect_failure
	expect_output_has "does not exist"
}
