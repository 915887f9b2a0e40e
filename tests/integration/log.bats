#!/usr/bin/env bats
# --log FILE --log-format json: the error lines that containerd and Podman
# read, {"level","msg","time"} one object per line.

load helpers

setup() {
	ct_setup
	LOG_FILE=$CT_TMP/log.json
}

teardown() {
	ct_teardown
}

# Checks that every line of the log file is a JSON object with a string
# level, msg and time, and that time is an RFC 3339 time.
expect_json_log_lines() {
	[ -s "$LOG_FILE" ] || fail "the log file is empty or missing" || return 1
	local line time
	while IFS= read -r line; do
		jq -e 'type == "object" and (.level | type == "string") and (.msg | type == "string")
			and (.time | type == "string")' <<<"$line" >/dev/null ||
			fail "invalid log line: $line" || return 1
		time=$(jq -r .time <<<"$line")
		[[ "$time" =~ ^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}(\.[0-9]+)?(Z|[+-][0-9]{2}:[0-9]{2})$ ]] ||
			fail "time \"$time\" is not RFC 3339" || return 1
	done <"$LOG_FILE"
}

# Prints the msg of the last error line of the log file.
last_error() {
	jq -r 'select(.level == "error") | .msg' "$LOG_FILE" | tail -1
}

@test "log json error of missing container" {
	run ctrun --log "$LOG_FILE" --log-format json state "$CT_ID"
	expect_failure
	expect_json_log_lines
	[[ "$(last_error)" == *"does not exist"* ]] || fail "last error is \"$(last_error)\""
}

@test "log json error of failed create" {
	update_config '.process.args = ["/bin/does-not-exist"]'

	run ctrun --log "$LOG_FILE" --log-format json create --bundle "$CT_BUNDLE" "$CT_ID"
	expect_failure
	expect_json_log_lines
	[[ "$(last_error)" == *"/bin/does-not-exist"* ]] || fail "last error is \"$(last_error)\""
	expect_nothing_left
}

@test "log json error of failed init" {
	update_config '.mounts += [{"destination": "/mnt", "type": "bind",
		"source": "'"$CT_TMP"'/does-not-exist", "options": ["bind"]}]'

	run ctrun --log "$LOG_FILE" --log-format json run --bundle "$CT_BUNDLE" "$CT_ID"
	expect_failure
	expect_json_log_lines
	[[ "$(last_error)" == *"$CT_TMP/does-not-exist"* ]] || fail "last error is \"$(last_error)\""
}

@test "log json flag after command" {
	# Global flags come before the command; a success writes no error line.
	run ctrun --log "$LOG_FILE" --log-format=json list
	expect_success
	[ -z "$(last_error 2>/dev/null)" ] || fail "a successful list logged an error"
}

@test "log appends to file" {
	echo '{"level":"info","msg":"earlier line","time":"2026-01-01T00:00:00Z"}' >"$LOG_FILE"

	run ctrun --log "$LOG_FILE" --log-format json state "$CT_ID"
	expect_failure
	[ "$(head -1 "$LOG_FILE" | jq -r .msg)" = "earlier line" ] || fail "the log file was truncated"
	expect_json_log_lines
}

@test "log text format" {
	run ctrun --log "$LOG_FILE" state "$CT_ID"
	expect_failure
	grep -q "does not exist" "$LOG_FILE" || fail "the text log lacks the error: $(cat "$LOG_FILE")"
}

@test "log invalid format fails" {
	run ctrun --log "$LOG_FILE" --log-format xml list
	expect_failure
	expect_output_has xml
}

@test "log json debug lines of run" {
	requires ctrun
	update_config '.process.args = ["/bin/true"]'

	run ctrun --debug --log "$LOG_FILE" --log-format json run --bundle "$CT_BUNDLE" "$CT_ID"
	expect_success
	expect_json_log_lines
	local debug
	debug=$(jq -r 'select(.level == "debug") | .msg' "$LOG_FILE")
	# One line from the runtime, and one that the init sent over the sync socket.
	grep -q "^create container \"$CT_ID\": init is pid" <<<"$debug" || fail "no create line: $debug"
	grep -q '^prepare rootfs "' <<<"$debug" || fail "no line from the init: $debug"
	[ -z "$(last_error)" ] || fail "a successful run logged an error"
}

@test "log no debug lines without the flag" {
	update_config '.process.args = ["/bin/true"]'

	run ctrun --log "$LOG_FILE" --log-format json run --bundle "$CT_BUNDLE" "$CT_ID"
	expect_success
	[ -z "$(jq -r 'select(.level == "debug") | .msg' "$LOG_FILE" 2>/dev/null)" ] ||
		fail "debug lines without --debug: $(cat "$LOG_FILE")"
}

@test "log write failure goes to stderr" {
	requires ctrun
	update_config '.process.args = ["/bin/true"]'

	# Every write to /dev/full fails with ENOSPC, as on a full file system.
	run ctrun --debug --log /dev/full --log-format json run --bundle "$CT_BUNDLE" "$CT_ID"
	expect_success
	expect_output_has 'write log file "/dev/full": No space left on device'
	# The lines after the failed write reach stderr instead of being lost.
	expect_output_has "create container \"$CT_ID\": init is pid"
}

@test "log write failure keeps the error" {
	run ctrun --log /dev/full state "$CT_ID"
	expect_failure
	expect_output_has 'write log file "/dev/full"'
	expect_output_has "does not exist"
}
