#!/usr/bin/env bats
# SPDX-License-Identifier: Apache-2.0
#
# A ctrun killed, or out of space, while it writes the state directory:
# the container stays readable and deletable, and its status follows its
# init. strace stops the runtime with SIGKILL at a chosen system call,
# which makes each crash point repeatable.

load helpers

setup() {
	ct_setup
	requires ctrun
	command -v strace >/dev/null || skip "needs strace"
	update_config '.process.args = ["/bin/ctprobe", "sleep", "inf"]'
}

teardown() { ct_teardown; }

# Runs ctrun ARGS... under strace, which kills it with SIGKILL at the Nth
# call of SYSCALL. Only the runtime is traced: its children run untouched.
ctrun_killed_at() {
	local syscall=$1 n=$2
	shift 2
	echo "\$ strace -e inject=$syscall:signal=KILL:when=$n $CTRUN --root $CT_ROOT $*" >>"$CT_LOG"
	ct_timeout strace -o /dev/null -e inject="$syscall:signal=KILL:when=$n" \
		"$CTRUN" --root "$CT_ROOT" "$@" </dev/null >>"$CT_TMP/killed-output" 2>&1
}

# Mounts a small tmpfs over the state root, so that a test can fill it.
use_small_state_root() {
	mkdir -p "$CT_ROOT"
	host_mount -t tmpfs -o size=16k,mode=0700 tmpfs "$CT_ROOT"
}

# Fills the tmpfs at the state root; the caller removes $CT_ROOT/fill.
fill_state_root() {
	dd if=/dev/zero of="$CT_ROOT/fill" bs=4k count=64 2>/dev/null || true
	[ "$(stat -fc %a "$CT_ROOT")" -eq 0 ] || fail "the state root is not full"
}

@test "create killed at each state rename" {
	# create renames three files into place: the creating state (before
	# the cgroup mkdirs), the created state and config.json. A second
	# creating state follows the mkdirs only when a parent vanished.
	local n
	for n in 1 2 3; do
		local id=$CT_ID-$n
		record_id "$id"
		run ctrun_killed_at renameat2 "$n" create --bundle "$CT_BUNDLE" "$id"
		expect_status 137
		run ctrun state "$id"
		expect_output_lacks "invalid JSON"
		run ctrun delete --force "$id"
		expect_success
		expect_output_lacks "warning"
		[ ! -e "$CT_ROOT/$id" ] || fail "state directory of $id is left"
	done
	expect_nothing_left
}

@test "create killed before renaming state.json" {
	# The first rename is that of the creating state: the killed create
	# leaves only a temporary file, which delete removes with the rest.
	run ctrun_killed_at renameat2 1 create --bundle "$CT_BUNDLE" "$CT_ID"
	expect_status 137
	record_id "$CT_ID"
	compgen -G "$CT_ROOT/$CT_ID/.state.json.tmp*" >/dev/null || fail "no temporary file left by the killed create"
	run ctrun list
	expect_success
	expect_output_lacks "$CT_ID"
	run ctrun delete "$CT_ID"
	expect_success
	expect_nothing_left
}

@test "start killed after the exec reports running" {
	run ctrun create "$CT_ID"
	expect_success
	# start renames nothing before the init has executed the program, so
	# its first rename is the write of the running state.
	run ctrun_killed_at renameat2 1 start "$CT_ID"
	expect_status 137
	wait_for_output "$CT_ID" "sleeping=inf"
	[ "$(jq -r .status "$CT_ROOT/$CT_ID/state.json")" = created ] || fail "state.json was updated"

	[ "$(container_state "$CT_ID")" = running ] || fail "status is $(container_state "$CT_ID")"
	[ "$(container_pid "$CT_ID")" -gt 0 ] || fail "no pid"
	run ctrun start "$CT_ID"
	expect_failure
	expect_output_has 'status is "running"'
	run ctrun delete "$CT_ID"
	expect_failure
	expect_output_has "stop the container first or use force"
	run ctrun pause "$CT_ID"
	expect_success
	[ "$(container_state "$CT_ID")" = paused ] || fail "status is $(container_state "$CT_ID")"
	run ctrun delete --force "$CT_ID"
	expect_success
	expect_nothing_left
}

@test "run killed at each state rename" {
	# run renames state.json ("creating"), config.json, state.json again
	# ("creating", naming the init) and, after START, state.json
	# ("created"). Its fifth rename never comes.
	local n
	for n in 1 2 3; do
		local id=$CT_ID-$n
		record_id "$id"
		run ctrun_killed_at renameat2 "$n" run --detach --bundle "$CT_BUNDLE" "$id"
		expect_status 137
		run ctrun state "$id"
		expect_output_lacks "invalid JSON"
		run ctrun delete --force "$id"
		expect_success
		expect_output_lacks "warning"
		[ ! -e "$CT_ROOT/$id" ] || fail "state directory of $id is left"
	done
	expect_nothing_left

	# Killed after START, before the created state: the program runs, and
	# state must name it, so that kill and delete see a running container.
	local id=$CT_ID-4
	record_id "$id"
	run ctrun_killed_at renameat2 4 run --detach --bundle "$CT_BUNDLE" "$id"
	expect_status 137
	ct_record_init "$id"
	wait_for_status "$id" running
	run ctrun delete "$id"
	expect_failure
	run ctrun kill "$id" KILL
	expect_success
	wait_for_status "$id" stopped
	run ctrun delete "$id"
	expect_success
	expect_nothing_left

	record_id "$CT_ID"
	run ctrun_killed_at renameat2 5 run --detach --bundle "$CT_BUNDLE" "$CT_ID"
	expect_success
	ct_record_init "$CT_ID"
	[ "$(container_state "$CT_ID")" = running ] || fail "the container does not run"
	run ctrun delete --force "$CT_ID"
	expect_success
}

@test "run killed before the start" {
	# The second send on the sync socket is the start request, after the
	# created state was written. Killed there, run leaves an init that sees
	# the end of the socket and exits, so the container stops.
	local id=$CT_ID
	record_id "$id"
	run ctrun_killed_at sendto 2 run --bundle "$CT_BUNDLE" "$id"
	expect_status 137
	wait_for_status "$id" stopped
	run ctrun delete "$id"
	expect_success
	expect_nothing_left
}

@test "run killed while the container runs" {
	out=$CT_TMP/run-output
	record_id "$CT_ID"
	"$CTRUN" --root "$CT_ROOT" run --bundle "$CT_BUNDLE" "$CT_ID" </dev/null >"$out" 2>&1 &
	run_pid=$!
	record_pid "$run_pid"
	for _ in $(seq 100); do
		grep -q sleeping=inf "$out" && break
		sleep 0.1
	done
	ct_record_init "$CT_ID"
	kill -KILL "$run_pid"
	wait "$run_pid" || true

	[ "$(container_state "$CT_ID")" = running ] || fail "the container does not run after run died"
	run ctrun delete "$CT_ID"
	expect_failure
	run ctrun delete --force "$CT_ID"
	expect_success
	expect_nothing_left
}

@test "start with a full state root still runs" {
	use_small_state_root
	run ctrun create "$CT_ID"
	expect_success
	fill_state_root
	run ctrun start "$CT_ID"
	expect_success
	expect_output_has 'record the running state: write "state.json": No space left on device'
	wait_for_output "$CT_ID" "sleeping=inf"
	[ "$(container_state "$CT_ID")" = running ] || fail "status is $(container_state "$CT_ID")"
	rm "$CT_ROOT/fill"
	run ctrun delete --force "$CT_ID"
	expect_success
	expect_nothing_left
}

@test "create with a full state root names the write" {
	use_small_state_root
	fill_state_root
	run ctrun create "$CT_ID"
	expect_failure
	expect_output_has "create container \"$CT_ID\": write \"state.json\": No space left on device"
	expect_output_lacks "cgroup:"
	rm "$CT_ROOT/fill"
	expect_nothing_left
}

@test "delete with an empty state.json" {
	start_sleeper
	: >"$CT_ROOT/$CT_ID/state.json"
	run ctrun state "$CT_ID"
	expect_failure
	expect_output_has "premature EOF"
	run ctrun delete "$CT_ID"
	expect_failure
	expect_output_has "its cgroup still contains processes (1): use force"
	[ -d "$CT_ROOT/$CT_ID" ] || fail "a refused delete removed the state directory"
	run ctrun delete --force "$CT_ID"
	expect_success
	expect_output_has "deleting it without its state"
	expect_nothing_left
}
