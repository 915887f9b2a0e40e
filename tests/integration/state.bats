#!/usr/bin/env bats
# `state ID`: the JSON document that runtime-spec's state operation defines.

load helpers

setup() {
	ct_setup
}

teardown() {
	ct_teardown
}

@test "state of created container" {
	update_config '.annotations = {"org.example.key": "value"}'
	run ctrun create --bundle "$CT_BUNDLE" "$CT_ID"
	expect_success

	run ctrun state "$CT_ID"
	expect_success
	state=$output
	jq -e . <<<"$state" >/dev/null || fail "state is not JSON: $state"
	[ "$(jq -r .id <<<"$state")" = "$CT_ID" ] || fail "id is $(jq .id <<<"$state")"
	[ "$(jq -r .status <<<"$state")" = created ] || fail "status is $(jq .status <<<"$state")"
	[ "$(jq -r .bundle <<<"$state")" = "$CT_BUNDLE" ] || fail "bundle is $(jq .bundle <<<"$state")"
	[[ "$(jq -r .ociVersion <<<"$state")" == 1.* ]] || fail "ociVersion is $(jq .ociVersion <<<"$state")"
	pid=$(jq -r .pid <<<"$state")
	[ "$pid" -gt 0 ] || fail "pid of a created container is $pid"
	[ -d "/proc/$pid" ] || fail "pid $pid is not a live process"
	[ "$(jq -r '.annotations["org.example.key"]' <<<"$state")" = value ] ||
		fail "annotations are $(jq -c .annotations <<<"$state")"
}

@test "state created time RFC 3339" {
	run ctrun create --bundle "$CT_BUNDLE" "$CT_ID"
	expect_success

	created=$(container_state "$CT_ID" created)
	[[ "$created" =~ ^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}(\.[0-9]+)?(Z|[+-][0-9]{2}:[0-9]{2})$ ]] ||
		fail "created is \"$created\", not an RFC 3339 time"
	age=$(($(date +%s) - $(date -d "$created" +%s)))
	[ "$age" -ge 0 ] && [ "$age" -lt 60 ] || fail "created is $age s away from now"
}

@test "state rootfs and owner" {
	if ! is_ctrun && [ "$(basename "$CTRUN")" != runc ]; then
		skip "rootfs and owner are runc extensions"
	fi
	run ctrun create --bundle "$CT_BUNDLE" "$CT_ID"
	expect_success

	[ "$(container_state "$CT_ID" rootfs)" = "$CT_BUNDLE/rootfs" ] ||
		fail "rootfs is $(container_state "$CT_ID" rootfs)"
	[ "$(container_state "$CT_ID" owner)" = "" ] || fail "owner of a root container is not empty"
}

@test "state of running container" {
	start_sleeper

	[ "$(container_state "$CT_ID")" = running ] || fail "status is $(container_state "$CT_ID")"
	pid=$(container_pid "$CT_ID")
	# The init pid is the host pid of the container's pid 1, the sleeper.
	grep -q ctprobe "/proc/$pid/cmdline" || fail "pid $pid runs $(tr '\0' ' ' <"/proc/$pid/cmdline")"
}

@test "state of stopped container" {
	run ctrun create --bundle "$CT_BUNDLE" "$CT_ID"
	expect_success
	run ctrun start "$CT_ID"
	expect_success
	wait_for_status "$CT_ID" stopped

	run ctrun state "$CT_ID"
	expect_success
	[ "$(jq -r .status <<<"$output")" = stopped ] || fail "status is $(jq .status <<<"$output")"
	[ "$(jq -r .pid <<<"$output")" = 0 ] || fail "pid of a stopped container is $(jq .pid <<<"$output")"
}

@test "state of missing container" {
	run ctrun state "$CT_ID"
	expect_failure
	expect_output_has "does not exist"
	if is_ctrun; then
		expect_output_has "container \"$CT_ID\" does not exist"
	fi
}

@test "state without id fails" {
	run ctrun state
	expect_failure
}

@test "state after init killed outside" {
	start_sleeper
	pid=$(container_pid "$CT_ID")

	# The runtime must notice a death it did not cause.
	kill -9 "$pid"
	wait_for_status "$CT_ID" stopped
	run ctrun delete "$CT_ID"
	expect_success
}

@test "state rejects an id outside the state root" {
	requires ctrun
	# A directory next to the state root that looks like a container.
	mkdir -p "$CT_TMP/fake2"
	echo '{"ociVersion": "1.3.0", "id": "fake2", "status": "created", "pid": 1, "bundle": "/"}' \
		>"$CT_TMP/fake2/state.json"
	for command in state pause resume ps events delete kill; do
		run ctrun "$command" ../fake2
		expect_failure
		expect_output_has 'invalid container id "../fake2": only letters, digits and "_.+-" are allowed'
	done
}

@test "state id checks name the reason" {
	requires ctrun
	run ctrun state -- -x
	expect_failure
	expect_output_has 'invalid container id "-x": must not start with "-"'
	run ctrun create --bundle "$CT_BUNDLE" -- -x
	expect_failure
	expect_output_has 'invalid container id "-x": must not start with "-"'

	run ctrun state "$(printf 'a\tb')"
	expect_failure
	expect_output_has 'invalid container id "a\x09b"'

	long=$(printf 'a%.0s' $(seq 256))
	run ctrun state "$long"
	expect_failure
	expect_output_has "longer than 255 bytes"
	run "$CTRUN" --root "$CT_ROOT" create --bundle "$CT_BUNDLE" "$long"
	expect_failure
	expect_output_has "longer than 255 bytes"
	[ -z "$(ls -A "$CT_ROOT")" ] || fail "a rejected id left state: $(ls -A "$CT_ROOT")"
}

@test "state longest id under a long root" {
	requires ctrun
	# The start socket is bound through /proc/self/fd, so neither a long
	# root nor a long id runs into the 108 bytes of sun_path.
	CT_ROOT=$CT_TMP/$(printf 'r%.0s' $(seq 120))/state
	mkdir -p "$CT_ROOT"
	id=${CT_ID}$(printf "i%.0s" $(seq $((240 - ${#CT_ID}))))
	update_config '.process.args = ["/bin/ctprobe", "sleep", "inf"]'
	run ctrun create --bundle "$CT_BUNDLE" "$id"
	expect_success
	run ctrun start "$id"
	expect_success
	wait_for_status "$id" running
	run ctrun delete --force "$id"
	expect_success
}

@test "state of a stuck create, and delete force stops it" {
	requires ctrun
	# A create stuck in a hook holds the container's lock: state must
	# still answer, other commands must give up, delete --force must win.
	update_config '.hooks.createRuntime = [{"path": "/bin/sleep", "args": ["sleep", "60"]}]'
	"$CTRUN" --root "$CT_ROOT" create --bundle "$CT_BUNDLE" "$CT_ID" </dev/null >/dev/null 2>&1 &
	create_pid=$!
	record_id "$CT_ID"
	record_pid "$create_pid"
	hook=
	for _ in $(seq 100); do
		hook=$(pgrep -P "$create_pid" -x sleep) && break
		sleep 0.05
	done
	[ -n "$hook" ] || fail "the createRuntime hook did not start"
	record_pid "$hook"

	CT_COMMAND_TIMEOUT=10 run ctrun state "$CT_ID"
	expect_success
	[ "$(echo "$output" | jq -r .status)" = creating ] || fail "status is not creating: $output"

	for command in "kill $CT_ID KILL" "ps $CT_ID" "pause $CT_ID" "delete $CT_ID"; do
		CT_COMMAND_TIMEOUT=15 run ctrun $command
		expect_failure
		[ "$status" -ne 124 ] || fail "$command waited for the lock"
		expect_output_has "container \"$CT_ID\" is locked by another ctrun command (pid $create_pid?)"
	done

	CT_COMMAND_TIMEOUT=15 run ctrun delete --force "$CT_ID"
	expect_success
	wait "$create_pid" 2>/dev/null || true
	[ ! -e "/proc/$create_pid" ] || fail "the stuck create $create_pid survives"
	kill "$hook" 2>/dev/null || true
	expect_nothing_left
}
