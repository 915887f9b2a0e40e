#!/usr/bin/env bats
# SPDX-License-Identifier: Apache-2.0
#
# --trace FILE and CTRUN_TRACE=FILE: one JSON line per timed phase of a
# command, from the runtime and from the container's init, and no trace
# fd or variable that reaches the container. No test asserts a time: the
# checks are on the format, the phases and their order.

load helpers

setup() {
	ct_setup
	requires ctrun
	TRACE=$CT_TMP/trace.jsonl
}
teardown() { ct_teardown; }

# Fails unless every line of the trace is one JSON object with the fields
# of a record, a phase word, and times that are not negative.
expect_valid_trace() {
	[ -s "$TRACE" ] || fail "trace file $TRACE is empty" || return 1
	local n=0 line
	while IFS= read -r line; do
		n=$((n + 1))
		jq -e 'type == "object" and (.phase | type == "string" and test("^[a-z_]+$"))
			and (.start_us | type == "number") and .start_us >= 0
			and (.duration_us | type == "number") and .duration_us >= 0
			and (.pid | type == "number") and .pid > 0
			and (.command | type == "string")
			and ((.detail // "") | type == "string")' <<<"$line" >/dev/null ||
			fail "line $n is not a valid record: $line" || return 1
	done <"$TRACE"
}

# Prints the records of one command, one compact JSON object a line.
records_of() {
	jq -c --arg command "$1" 'select(.command == $command)' "$TRACE"
}

# Fails unless the records of a command contain a phase (with a detail,
# when one is given).
expect_phase() {
	local command=$1 phase=$2 detail=${3:-}
	records_of "$command" | jq -s -e --arg phase "$phase" --arg detail "$detail" \
		'any(.[]; .phase == $phase and ($detail == "" or .detail == $detail))' >/dev/null ||
		fail "no phase \"$phase\" ${detail:+(\"$detail\") }in the records of $command: $(cat "$TRACE")"
}

# Prints the start_us of the first record of a phase of a command.
start_of() {
	records_of "$1" | jq -s --arg phase "$2" '[.[] | select(.phase == $phase)][0].start_us'
}

@test "trace run lists the phases in order" {
	update_config '.process.args = ["/bin/ctprobe", "hostname"]'
	run ctrun --trace="$TRACE" run --bundle "$CT_BUNDLE" "$CT_ID"
	expect_success
	expect_valid_trace

	local phase
	for phase in parse state_dir cgroup prepare clone namespaces pivot_root sysctl devices process exec command; do
		expect_phase run "$phase"
	done
	expect_phase run mount rootfs
	# The init makes the new network namespace itself, after the clone.
	expect_phase run namespaces net
	expect_phase run mount /proc
	expect_phase run mount maskedPaths
	expect_phase run sync wait_ready
	expect_phase run state_dir remove

	local parse clone pivot exec
	parse=$(start_of run parse)
	clone=$(start_of run clone)
	pivot=$(start_of run pivot_root)
	exec=$(start_of run exec)
	[ "$parse" -le "$clone" ] || fail "parse ($parse) after clone ($clone)"
	[ "$clone" -le "$pivot" ] || fail "clone ($clone) after pivot_root ($pivot)"
	[ "$pivot" -le "$exec" ] || fail "pivot_root ($pivot) after exec ($exec)"

	# Every record lies inside the command, which is the last line.
	jq -s -e '(.[-1].phase == "command") and (.[-1].duration_us as $total
		| all(.[]; .start_us + .duration_us <= $total))' "$TRACE" >/dev/null ||
		fail "a record ends after the command: $(cat "$TRACE")"
	jq -s -e --arg id "$CT_ID" 'all(.[] | select(.phase != "command" and .phase != "reexec" and .phase != "protect"); .container == $id)' \
		"$TRACE" >/dev/null || fail "a record lacks the container id: $(cat "$TRACE")"
}

@test "trace records of the init carry its host pid" {
	update_config '.process.args = ["/bin/ctprobe", "sleep", "inf"]'
	run ctrun --trace="$TRACE" create --bundle "$CT_BUNDLE" "$CT_ID"
	expect_success
	expect_valid_trace
	local init runtime
	init=$(container_pid "$CT_ID")
	runtime=$(records_of create | jq -s '[.[] | select(.phase == "parse")][0].pid')
	[ "$init" != "$runtime" ] || fail "the init and the runtime share pid $init"
	records_of create | jq -s -e --argjson pid "$init" 'any(.[]; .phase == "pivot_root" and .pid == $pid)' >/dev/null ||
		fail "no pivot_root record with the init's pid $init: $(cat "$TRACE")"
	records_of create | jq -s -e --argjson pid "$init" 'any(.[]; .phase == "clone" and .pid != $pid)' >/dev/null ||
		fail "the clone record is not the runtime's: $(cat "$TRACE")"
}

@test "trace create start exec delete through CTRUN_TRACE" {
	update_config '.process.args = ["/bin/ctprobe", "sleep", "inf"]'
	CTRUN_TRACE=$TRACE run ctrun create --bundle "$CT_BUNDLE" "$CT_ID"
	expect_success
	CTRUN_TRACE=$TRACE run ctrun start "$CT_ID"
	expect_success
	wait_for_output "$CT_ID" "sleeping=inf"
	CTRUN_TRACE=$TRACE run ctrun exec "$CT_ID" /bin/ctprobe hostname
	expect_success
	CTRUN_TRACE=$TRACE run ctrun delete --force "$CT_ID"
	expect_success
	expect_valid_trace

	local command
	for command in create start exec delete; do
		expect_phase "$command" command
	done
	expect_phase create clone
	expect_phase create pivot_root
	expect_phase start exec
	expect_phase start state save
	expect_phase exec clone
	expect_phase exec namespaces
	expect_phase exec process
	expect_phase exec sync wait_exec
	expect_phase delete kill
	expect_phase delete cgroup destroy
	expect_phase delete state_dir remove
	# One command after another: each appends after the last. The test
	# helpers read the state after create, with the variable set too.
	run jq -r 'select(.phase == "command" and .command != "state") | .command' "$TRACE"
	[ "${lines[*]}" = "create start exec delete" ] || fail "commands in the file: ${lines[*]}"
}

@test "trace hooks are timed per kind" {
	update_config '.process.args = ["/bin/true"]
		| .hooks.prestart = [{"path": "/bin/true"}]
		| .hooks.createContainer = [{"path": "/bin/true"}]
		| .hooks.startContainer = [{"path": "/bin/true"}]
		| .hooks.poststop = [{"path": "/bin/true"}]'
	run ctrun --trace="$TRACE" run --bundle "$CT_BUNDLE" "$CT_ID"
	expect_success
	expect_valid_trace
	local kind
	for kind in prestart createContainer startContainer poststop; do
		expect_phase run hooks "$kind"
	done
}

@test "trace seccomp load is timed" {
	# Without noNewPrivileges the init loads the filter before the user
	# switch, and READY follows it, so the record can be sent.
	update_config '.process.args = ["/bin/ctprobe", "sleep", "inf"] | .process.noNewPrivileges = false
		| .linux.seccomp = {"defaultAction": "SCMP_ACT_ALLOW",
			"syscalls": [{"names": ["keyctl"], "action": "SCMP_ACT_ERRNO"}]}'
	run ctrun --trace="$TRACE" create --bundle "$CT_BUNDLE" "$CT_ID"
	expect_success
	expect_phase create seccomp load
	run ctrun start "$CT_ID"
	expect_success
	wait_for_output "$CT_ID" "sleeping=inf"

	# An exec process sends nothing after its filter, yet its exec works.
	run ctrun --trace="$TRACE" exec "$CT_ID" /bin/ctprobe hostname
	expect_success
	expect_output_has "hostname="
	expect_valid_trace
	expect_phase exec sync wait_exec
	expect_phase exec namespaces
	records_of exec | jq -s -e 'any(.[]; .phase == "seccomp") | not' >/dev/null ||
		fail "an exec process sent a record after its filter: $(cat "$TRACE")"
}

@test "trace file is not reachable from the container" {
	update_config '.process.args = ["/bin/ctprobe", "fds"]'
	run ctrun --trace="$TRACE" run --bundle "$CT_BUNDLE" "$CT_ID"
	expect_success
	local fd
	for fd in $(printf '%s\n' "${lines[@]}" | cut -d= -f1); do
		case "$fd" in 0 | 1 | 2) ;; *) fail "fd $fd reached the container: ${lines[*]}" ;; esac
	done
	expect_output_lacks "$TRACE"
	expect_valid_trace

	# The init of a created container holds no fd of the file either.
	update_config '.process.args = ["/bin/ctprobe", "env"]'
	CTRUN_TRACE=$TRACE run ctrun create --bundle "$CT_BUNDLE" "$CT_ID"
	expect_success
	local init
	init=$(container_pid "$CT_ID")
	if ls -l "/proc/$init/fd" | grep -qF "$TRACE"; then
		fail "the init holds the trace file: $(ls -l "/proc/$init/fd")"
	fi
	run ctrun start "$CT_ID"
	expect_success
	wait_for_exit "$init"
	run container_output "$CT_ID"
	expect_output_lacks CTRUN_TRACE
}

@test "trace exec process gets no trace fd" {
	start_sleeper
	run ctrun --trace="$TRACE" exec "$CT_ID" /bin/ctprobe fds
	expect_success
	local fd
	for fd in $(printf '%s\n' "${lines[@]}" | cut -d= -f1); do
		case "$fd" in 0 | 1 | 2) ;; *) fail "fd $fd reached the exec process: ${lines[*]}" ;; esac
	done
	CTRUN_TRACE=$TRACE run ctrun exec "$CT_ID" /bin/ctprobe env
	expect_success
	expect_output_lacks CTRUN_TRACE
	expect_valid_trace
}

@test "trace failing create writes records and leaves nothing" {
	update_config '.mounts += [{"destination": "/mnt/missing", "type": "bind",
		"source": "/nonexistent-trace-source", "options": ["bind"]}]'
	run ctrun --trace="$TRACE" create --bundle "$CT_BUNDLE" "$CT_ID"
	expect_failure 1
	expect_nothing_left
	expect_valid_trace
	expect_phase create parse
	expect_phase create clone
	expect_phase create mount /mnt/missing
	expect_phase create abort
	expect_phase create command
}

@test "trace invalid config writes the parse phase" {
	update_config '.process.args = []'
	run ctrun --trace="$TRACE" run --bundle "$CT_BUNDLE" "$CT_ID"
	expect_failure
	expect_nothing_left
	expect_valid_trace
	expect_phase run parse
	run jq -r '.phase' "$TRACE"
	[ "${lines[*]}" = "protect parse command" ] || [ "${lines[*]}" = "reexec parse command" ] ||
		[ "${lines[*]}" = "parse command" ] ||
		fail "phases of a rejected config: ${lines[*]}"
}

@test "trace file that cannot be opened" {
	run ctrun --trace="$CT_TMP/no-such-dir/trace.jsonl" list
	expect_failure 1
	expect_output_has "open trace file \"$CT_TMP/no-such-dir/trace.jsonl\""

	# containerd cannot see this error, so the variable only warns.
	CTRUN_TRACE=$CT_TMP/no-such-dir/trace.jsonl run ctrun list
	expect_success
	expect_output_has "open trace file"
}

@test "trace file that is a FIFO is refused without blocking" {
	mkfifo "$CT_TMP/fifo"
	run ctrun --trace="$CT_TMP/fifo" list
	expect_failure 1
	expect_output_has "open trace file \"$CT_TMP/fifo\""

	CTRUN_TRACE=$CT_TMP/fifo run ctrun list
	expect_success
	expect_output_has "tracing is off"

	mkdir "$CT_TMP/dir"
	run ctrun --trace="$CT_TMP/dir" list
	expect_failure 1
	expect_output_has "open trace file \"$CT_TMP/dir\""
}

@test "trace flag wins over CTRUN_TRACE" {
	update_config '.process.args = ["/bin/true"]'
	CTRUN_TRACE=$CT_TMP/from-variable.jsonl run ctrun --trace="$TRACE" run --bundle "$CT_BUNDLE" "$CT_ID"
	expect_success
	expect_valid_trace
	expect_phase run clone
	[ ! -e "$CT_TMP/from-variable.jsonl" ] || fail "records went to the CTRUN_TRACE file too"
}

@test "trace off writes nothing" {
	update_config '.process.args = ["/bin/true"]'
	run ctrun run --bundle "$CT_BUNDLE" "$CT_ID"
	expect_success
	[ ! -e "$TRACE" ] || fail "a trace file appeared without --trace"
}
