#!/usr/bin/env bats
# SPDX-License-Identifier: Apache-2.0
#
# process.terminal: the pty handed to a console socket by create and exec,
# and proxied to the runtime's own stdio by a foreground run or exec.
# recvtty (tests/payload/recvtty.c) plays the caller's console socket, and
# script(1) gives the runtime a terminal of its own.

load helpers

setup() {
	ct_setup
	RECVTTY=$CT_BUILD_DIR/tests/payload/recvtty
	[ -x "$RECVTTY" ] || fail "recvtty not found: build the project"
}

teardown() { ct_teardown; }

# Starts recvtty on $CT_TMP/console.sock in the background with the given
# terminal input, and waits until it listens.
start_recvtty() {
	"$RECVTTY" "$CT_TMP/console.sock" "$@" >"$CT_TMP/tty.out" 2>"$CT_TMP/tty.err" 3>&- &
	RECVTTY_PID=$!
	record_pid "$RECVTTY_PID"
	wait_for_file -S "$CT_TMP/console.sock" 5 || fail "recvtty does not listen on $CT_TMP/console.sock"
}

# Waits until recvtty has copied everything, and sets $output and $lines
# to the terminal's output without the carriage returns of the pty.
wait_recvtty() {
	wait "$RECVTTY_PID" || fail "recvtty failed: $(cat "$CT_TMP/tty.err")" || return 1
	output=$(tr -d '\r' <"$CT_TMP/tty.out")
	mapfile -t lines <<<"$output"
}

# Runs the runtime inside script(1), which gives it a terminal, with the
# shell command in $1 run before it (such as stty).
run_in_script() {
	local before=$1
	shift
	command -v script >/dev/null || skip "needs script from util-linux"
	echo "\$ script: $CTRUN --root $CT_ROOT $*" >>"$CT_LOG"
	run ct_timeout script -qec "$before $CTRUN --root $CT_ROOT $*" /dev/null
	# script(1) puts a NUL in its terminal at the end of its own stdin,
	# which the container's terminal echoes as "^@".
	output=$(tr -d '\r' <<<"$output")
	output=${output//^@/}
	mapfile -t lines <<<"$output"
	echo "$output" >>"$CT_LOG"
}

@test "terminal create with console socket" {
	update_config '.process.terminal = true
		| .process.args = ["/bin/sh", "-c", "ctprobe tty; ctprobe stat /dev/console"]'
	start_recvtty

	run ctrun create --console-socket "$CT_TMP/console.sock" "$CT_ID"
	expect_success
	run ctrun start "$CT_ID"
	expect_success
	wait_recvtty
	expect_probe isatty 1
	expect_probe ttyname /dev/pts/0
	expect_probe ctty 1
	expect_probe type char
	expect_probe rdev 136:0
}

@test "terminal console size applied" {
	update_config '.process.terminal = true | .process.consoleSize = {"height": 40, "width": 100}
		| .process.args = ["/bin/ctprobe", "tty"]'
	start_recvtty

	run ctrun create --console-socket "$CT_TMP/console.sock" "$CT_ID"
	expect_success
	run ctrun start "$CT_ID"
	expect_success
	wait_recvtty
	expect_probe rows 40
	expect_probe cols 100
	grep -q "rows=40 cols=100" "$CT_TMP/tty.err" || fail "recvtty saw $(cat "$CT_TMP/tty.err")"
}

@test "terminal input reaches process" {
	update_config '.process.terminal = true
		| .process.args = ["/bin/sh", "-c", "read line; echo got=$line; exit 7"]'
	start_recvtty $'hello\n'

	run ctrun create --console-socket "$CT_TMP/console.sock" "$CT_ID"
	expect_success
	run ctrun start "$CT_ID"
	expect_success
	wait_recvtty
	expect_line got=hello
	wait_for_status "$CT_ID" stopped
}

@test "terminal exec tty with console socket" {
	start_sleeper
	start_recvtty

	run ctrun exec -d -t --console-socket "$CT_TMP/console.sock" "$CT_ID" /bin/ctprobe tty
	expect_success
	wait_recvtty
	expect_probe isatty 1
	expect_probe ctty 1
	[[ "$(probe_value ttyname)" == /dev/pts/* ]] || fail "ttyname is $(probe_value ttyname)"
}

@test "terminal exec process file with size" {
	start_sleeper
	cat >"$CT_TMP/process.json" <<-'EOF'
		{ "terminal": true, "consoleSize": { "height": 25, "width": 81 },
		  "args": ["/bin/ctprobe", "tty"], "cwd": "/" }
	EOF
	start_recvtty

	run ctrun exec --process "$CT_TMP/process.json" --detach --console-socket "$CT_TMP/console.sock" "$CT_ID"
	expect_success
	wait_recvtty
	expect_probe isatty 1
	expect_probe rows 25
	expect_probe cols 81
}

@test "terminal run proxied to caller" {
	update_config '.process.terminal = true | .process.args = ["/bin/sh", "-c", "ctprobe tty; exit 3"]'
	record_id "$CT_ID"

	run_in_script "stty rows 33 cols 77;" run --bundle "$CT_BUNDLE" "$CT_ID"
	expect_failure 3
	expect_probe isatty 1
	expect_probe ctty 1
	expect_probe rows 33
	expect_probe cols 77
}

@test "terminal run proxies input" {
	update_config '.process.terminal = true
		| .process.args = ["/bin/sh", "-c", "read line; echo got=$line"]'
	record_id "$CT_ID"

	run_in_script "" run --bundle "$CT_BUNDLE" "$CT_ID" <<<"typed"
	expect_success
	expect_line got=typed
}

@test "terminal exec tty proxied to caller" {
	start_sleeper

	run_in_script "stty rows 20 cols 60;" exec -t "$CT_ID" /bin/ctprobe tty
	expect_success
	expect_probe isatty 1
	expect_probe rows 20
	expect_probe cols 60
}

@test "terminal exec without tty has none" {
	start_sleeper

	run ctrun exec "$CT_ID" /bin/ctprobe tty
	expect_success
	expect_probe isatty 0
}

@test "terminal detached without socket fails" {
	update_config '.process.terminal = true'

	run ctrun create "$CT_ID"
	expect_failure 1
	expect_output_has "needs a console socket"
	expect_nothing_left

	update_config '.process.terminal = false'
	start_sleeper
	run ctrun exec -d -t "$CT_ID" /bin/true
	expect_failure 255
	expect_output_has "needs a console socket"
}

@test "terminal console socket without terminal fails" {
	start_recvtty
	run ctrun create --console-socket "$CT_TMP/console.sock" "$CT_ID"
	expect_failure 1
	expect_output_has "only used with process.terminal"
	kill "$RECVTTY_PID"
	wait "$RECVTTY_PID" || true
}

@test "terminal missing console socket fails" {
	update_config '.process.terminal = true'

	run ctrun create --console-socket "$CT_TMP/nothere.sock" "$CT_ID"
	expect_failure 1
	expect_output_has "connect to console socket"
	expect_nothing_left
}
