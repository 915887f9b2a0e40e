#!/usr/bin/env bats
# Container lifecycle: create, start, kill, delete, run and their states.

load helpers

setup() {
	ct_setup
}

teardown() {
	ct_teardown
}

@test "lifecycle create start kill delete" {
	update_config '.process.args = ["/bin/ctprobe", "sleep", "inf"]'

	run ctrun create --bundle "$CT_BUNDLE" "$CT_ID"
	expect_success
	[ "$(container_state "$CT_ID")" = created ] || fail "status after create is not created"

	run ctrun start "$CT_ID"
	expect_success
	wait_for_output "$CT_ID" "sleeping=inf"
	[ "$(container_state "$CT_ID")" = running ] || fail "status after start is not running"

	run ctrun kill "$CT_ID" KILL
	expect_success
	wait_for_status "$CT_ID" stopped

	run ctrun delete "$CT_ID"
	expect_success
	run ctrun state "$CT_ID"
	expect_failure
	[ ! -e "$CT_ROOT/$CT_ID" ] || fail "state dir $CT_ROOT/$CT_ID remains after delete"
}

@test "lifecycle created container runs args" {
	run ctrun create --bundle "$CT_BUNDLE" "$CT_ID"
	expect_success
	run ctrun start "$CT_ID"
	expect_success
	wait_for_output "$CT_ID" "hostname=ctrun-test"
	wait_for_status "$CT_ID" stopped
	run ctrun delete "$CT_ID"
	expect_success
}

@test "lifecycle start twice fails" {
	start_sleeper

	run ctrun start "$CT_ID"
	expect_failure
	[ "$(container_state "$CT_ID")" = running ] || fail "the second start changed the status"
}

@test "lifecycle start stopped container fails" {
	run ctrun create --bundle "$CT_BUNDLE" "$CT_ID"
	expect_success
	run ctrun start "$CT_ID"
	expect_success
	wait_for_status "$CT_ID" stopped

	run ctrun start "$CT_ID"
	expect_failure
}

@test "lifecycle delete running fails without force" {
	start_sleeper

	run ctrun delete "$CT_ID"
	expect_failure
	[ "$(container_state "$CT_ID")" = running ] || fail "delete without --force stopped the container"

	run ctrun delete --force "$CT_ID"
	expect_success
	run ctrun state "$CT_ID"
	expect_failure
}

@test "lifecycle delete created container" {
	run ctrun create --bundle "$CT_BUNDLE" "$CT_ID"
	expect_success
	pid=$(container_pid "$CT_ID")

	run ctrun delete "$CT_ID"
	expect_success
	wait_for_exit "$pid"
}

@test "lifecycle run exit status" {
	update_config '.process.args = ["/bin/ctprobe", "exit", "42"]'

	run ctrun run --bundle "$CT_BUNDLE" "$CT_ID"
	expect_status 42
}

@test "lifecycle run prints container output" {
	run ctrun run --bundle "$CT_BUNDLE" "$CT_ID"
	expect_success
	expect_line "hostname=ctrun-test"
	# run deletes the container when it exits.
	run ctrun state "$CT_ID"
	expect_failure
}

@test "lifecycle run status of signal death" {
	# A pid namespace's init ignores signals it has no handler for, even
	# its own SIGKILL, so this container shares the runner's pid namespace.
	update_config '.process.args = ["/bin/ctprobe", "kill-self", "9"]
		| .linux.namespaces |= map(select(.type != "pid"))'

	run ctrun run --bundle "$CT_BUNDLE" "$CT_ID"
	expect_status 137
}

@test "lifecycle run status of external kill" {
	update_config '.process.args = ["/bin/ctprobe", "sleep", "inf"]'
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

	run ctrun kill "$CT_ID" TERM
	expect_success
	# A plain `wait` would hang the whole suite if the signal got lost.
	wait_for_exit "$run_pid" || fail "run did not exit within 5 s of the signal"
	rc=0
	wait "$run_pid" || rc=$?
	cat "$out"
	[ "$rc" -eq $((128 + 15)) ] || fail "run exited with $rc, expected 143"
	grep -qx 'signal=15' "$out" || fail "the container did not report SIGTERM"
}

@test "lifecycle run forwards signals" {
	# Without a terminal, a signal to the foreground run goes to the
	# container's init, and run exits with the init's status.
	update_config '.process.args = ["/bin/ctprobe", "sleep", "inf"]'
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

	kill -USR1 "$run_pid"
	wait_for_exit "$run_pid" || fail "run did not exit within 5 s of the signal"
	rc=0
	wait "$run_pid" || rc=$?
	cat "$out"
	grep -qx 'signal=10' "$out" || fail "the container did not get SIGUSR1"
	[ "$rc" -eq $((128 + 10)) ] || fail "run exited with $rc, expected 138"
}

@test "lifecycle state during run" {
	# A startContainer hook holds the init between the start request and
	# the exec, so that state can be read in both phases of one run.
	mkdir -p "$CT_TMP/gate"
	update_config '.process.args = ["/bin/ctprobe", "sleep", "inf"]
		| .mounts += [{"destination": "/gate", "type": "bind", "source": "'"$CT_TMP/gate"'", "options": ["bind"]}]
		| .hooks.startContainer = [{"path": "/bin/sh",
			"args": ["sh", "-c", "touch /gate/waiting; while [ ! -e /gate/go ]; do sleep 0.05; done"]}]'
	out=$CT_TMP/run-output
	record_id "$CT_ID"
	"$CTRUN" --root "$CT_ROOT" run --bundle "$CT_BUNDLE" "$CT_ID" </dev/null >"$out" 2>&1 &
	run_pid=$!
	record_pid "$run_pid"
	wait_for_file "$CT_TMP/gate/waiting" 10 || fail "the startContainer hook did not run"
	ct_record_init "$CT_ID"

	local pid status
	pid=$(container_pid "$CT_ID")
	status=$(container_state "$CT_ID")
	[ "$status" = created ] || fail "state before the exec is \"$status\", expected \"created\""
	touch "$CT_TMP/gate/go"
	for _ in $(seq 100); do
		grep -q sleeping=inf "$out" && break
		sleep 0.1
	done
	status=$(container_state "$CT_ID")
	[ "$status" = running ] || fail "state after the exec is \"$status\", expected \"running\""
	[ "$(container_pid "$CT_ID")" = "$pid" ] || fail "the pid changed from $pid at the exec"

	run ctrun kill "$CT_ID" KILL
	expect_success
	wait_for_exit "$run_pid" || fail "run did not exit within 5 s of the kill"
	rc=0
	wait "$run_pid" || rc=$?
	[ "$rc" -eq 137 ] || fail "run exited with $rc, expected 137"
	[ ! -e "$CT_ROOT/$CT_ID" ] || fail "run left its state directory"
}

@test "lifecycle run after another delete" {
	# A container deleted by another command while run waits for it: run
	# still exits with the init's status and reports the missing container.
	update_config '.process.args = ["/bin/ctprobe", "sleep", "inf"]'
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

	run ctrun delete --force "$CT_ID"
	expect_success
	wait_for_exit "$run_pid" || fail "run did not exit within 5 s of the delete"
	rc=0
	wait "$run_pid" || rc=$?
	cat "$out"
	[ "$rc" -eq 137 ] || fail "run exited with $rc, expected 137"
	grep -qF "container \"$CT_ID\" does not exist" "$out" || fail "run did not report the deleted container"
	expect_nothing_left
}

@test "lifecycle run detach" {
	update_config '.process.args = ["/bin/ctprobe", "sleep", "inf"]'

	run ctrun run --detach --bundle "$CT_BUNDLE" "$CT_ID"
	expect_success
	wait_for_output "$CT_ID" "sleeping=inf"
	[ "$(container_state "$CT_ID")" = running ] || fail "a detached run is not running"

	run ctrun delete --force "$CT_ID"
	expect_success
}

@test "lifecycle run keep" {
	if ! is_ctrun && ! "$CTRUN" run --help 2>&1 | grep -q -- --keep; then
		skip "$(basename "$CTRUN") has no run --keep"
	fi

	run ctrun run --keep --bundle "$CT_BUNDLE" "$CT_ID"
	expect_success
	expect_line "hostname=ctrun-test"
	[ "$(container_state "$CT_ID")" = stopped ] || fail "run --keep did not keep a stopped container"

	run ctrun delete "$CT_ID"
	expect_success
}

@test "lifecycle duplicate id fails" {
	run ctrun create --bundle "$CT_BUNDLE" "$CT_ID"
	expect_success

	run ctrun create --bundle "$CT_BUNDLE" "$CT_ID"
	expect_failure
	if is_ctrun; then
		expect_output_has "container \"$CT_ID\" already exists"
	fi
	[ "$(container_state "$CT_ID")" = created ] || fail "the failed create changed the first container"
}

@test "lifecycle invalid ids rejected" {
	for id in "" "a/b" ".." "."; do
		run ctrun create --bundle "$CT_BUNDLE" "$id"
		expect_failure
		if is_ctrun; then
			expect_output_has "invalid"
		fi
	done
	[ -z "$(ls -A "$CT_ROOT")" ] || fail "an invalid id left state: $(ls -A "$CT_ROOT")"
	[ ! -e "$CT_TMP/b" ] || fail "id \"a/b\" created a path outside the state root"
}

# Counts the host's mounts, leaving out other users' mounts under /tmp so
# that tests run by others at the same time do not disturb the count.
count_host_mounts() {
	awk -v mine="$CT_TMP" 'index($5, "/tmp/") != 1 || index($5, mine) == 1' /proc/self/mountinfo | wc -l
}

@test "lifecycle repeated runs leave nothing" {
	# A leak in the runtime (a mount, an fd, a cgroup) shows up after many
	# containers even when one container looks clean.
	mounts_before=$(count_host_mounts)
	for i in $(seq 10); do
		run ctrun run --bundle "$CT_BUNDLE" "$CT_ID-r$i"
		expect_success
		expect_probe hostname ctrun-test
	done
	start_sleeper "$CT_ID-s"
	run ctrun delete --force "$CT_ID-s"
	expect_success

	[ -z "$(ls -A "$CT_ROOT")" ] || fail "state left: $(ls -A "$CT_ROOT")"
	[ "$(count_host_mounts)" -eq "$mounts_before" ] || fail "the host mount table grew"
	[ -z "$(find_cgroups "$CT_CGROUP_PREFIX$CT_ID")" ] || fail "cgroups left: $(find_cgroups "$CT_CGROUP_PREFIX$CT_ID")"
}

@test "lifecycle second container in a used cgroup fails" {
	# delete kills everything in the container's cgroup, so a second
	# container in the first one's cgroup would take it down with it.
	start_sleeper
	pid=$(container_pid "$CT_ID")
	other=$CT_ID-b
	make_bundle "$CT_TMP/bundle-b" "$other"
	path=$(jq -r .linux.cgroupsPath "$CT_BUNDLE/config.json")
	update_config ".linux.cgroupsPath = \"$path\"" "$CT_TMP/bundle-b"

	run ctrun create --bundle "$CT_TMP/bundle-b" "$other"
	expect_failure
	if is_ctrun; then
		expect_output_has "linux.cgroupsPath \"$path\": the cgroup already contains processes (another container?)"
	fi
	[ ! -e "$CT_ROOT/$other" ] || fail "the failed create left its state"
	run ctrun delete --force "$other"
	[ "$(container_state "$CT_ID")" = running ] || fail "the failed create stopped the first container"
	kill -0 "$pid" || fail "the init of the first container is gone"
	[ -n "$(find_cgroups "$CT_CGROUP_PREFIX$CT_ID")" ] || fail "the first container's cgroup is gone"
}
