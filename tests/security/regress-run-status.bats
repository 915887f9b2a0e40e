#!/usr/bin/env bats
# SPDX-License-Identifier: Apache-2.0
#
# A container whose program is the runtime's own binary, bind-mounted from
# the host, or a program that runs from a sealed memfd, as a nested
# runtime does. `run --detach` does not record "running" in state.json,
# so the status comes from comparing the init's binary with the runtime's.
# That comparison must not take the container's program for a waiting
# init: the container must read "running", and delete without --force
# must reject it instead of killing it.

load ../integration/helpers

setup() { ct_setup; }
teardown() { ct_teardown; }

# The container's rootfs has no shared libraries, so the runtime binary
# must be statically linked (the default build of ctrun is a static PIE).
requires_static_runtime() {
	requires ctrun
	if ldd "$CTRUN" 2>&1 | grep -q '=>'; then
		skip "needs a statically linked runtime binary"
	fi
}

# Makes the container run the runtime binary with the given command, which
# blocks in open(2) on a FIFO that it takes as its log file, so that it
# stays alive.
run_runtime_binary_in_container() {
	local command=${1:-list}
	mkfifo "$CT_BUNDLE/rootfs/log-fifo"
	update_config ".mounts += [{\"destination\": \"/runtime\", \"type\": \"bind\",
			\"source\": \"$(readlink -f "$CTRUN")\", \"options\": [\"bind\", \"ro\"]}]
		| .process.args = [\"/runtime\", \"--root\", \"/tmp/state\", \"--log\", \"/log-fifo\", \"$command\"]"
}

@test "run status of the runtime binary as program" {
	requires_static_runtime
	run_runtime_binary_in_container
	run ctrun run --detach --bundle "$CT_BUNDLE" "$CT_ID"
	expect_success

	run ctrun state "$CT_ID"
	expect_success
	[ "$(jq -r .status <<<"$output")" = running ] || fail "status is $(jq -r .status <<<"$output"), expected running"

	run ctrun delete "$CT_ID"
	expect_failure
	expect_output_has "running"
}

@test "run status of a program from a sealed memfd" {
	requires_static_runtime
	# Without CAP_SYS_ADMIN, ctrun run re-executes itself from a sealed
	# memfd before it opens its log file.
	run_runtime_binary_in_container run
	run ctrun run --detach --bundle "$CT_BUNDLE" "$CT_ID"
	expect_success

	local pid
	pid=$(ctrun state "$CT_ID" | jq -r .pid)
	[[ "$(readlink "/proc/$pid/exe")" == /memfd:* ]] || fail "the program does not run from a memfd"
	run ctrun state "$CT_ID"
	expect_success
	[ "$(jq -r .status <<<"$output")" = running ] || fail "status is $(jq -r .status <<<"$output"), expected running"

	run ctrun delete "$CT_ID"
	expect_failure
	expect_output_has "running"
}

@test "run status of the runtime binary after create and start" {
	requires_static_runtime
	run_runtime_binary_in_container
	run ctrun create --bundle "$CT_BUNDLE" "$CT_ID"
	expect_success
	run ctrun start "$CT_ID"
	expect_success

	run ctrun state "$CT_ID"
	expect_success
	[ "$(jq -r .status <<<"$output")" = running ] || fail "status is $(jq -r .status <<<"$output"), expected running"
}
