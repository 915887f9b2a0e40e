#!/usr/bin/env bats
# systemd integration through the runtime's environment: NOTIFY_SOCKET,
# LISTEN_FDS socket activation and --preserve-fds.

load helpers

setup() {
	ct_setup
	SDNOTIFY=$CT_BUILD_DIR/tests/payload/sdnotify
	[ -x "$SDNOTIFY" ] || fail "sdnotify not built at $SDNOTIFY"
	install -m 0755 "$SDNOTIFY" "$CT_BUNDLE/rootfs/bin/sdnotify"
}

teardown() {
	if [ -n "${LISTENER:-}" ]; then
		kill "$LISTENER" 2>/dev/null || true
		wait "$LISTENER" 2>/dev/null || true
	fi
	ct_teardown
}

# Starts sdnotify listening on $CT_TMP/host.sock, as a service manager would.
start_listener() {
	"$SDNOTIFY" listen "$CT_TMP/host.sock" "${1:-20}" >"$CT_TMP/listener.out" 2>&1 &
	LISTENER=$!
	wait_for_file -S "$CT_TMP/host.sock" 5 || fail "the listener did not bind $CT_TMP/host.sock"
}

@test "notify ready forwarded with mainpid" {
	start_listener
	# The delay shows that start waits for READY=1 instead of returning at once.
	update_config '.process.args = ["/bin/sh", "-c",
		"sleep 1; sdnotify send \"STATUS=serving\nREADY=1\nMAINPID=99\"; echo socket=$NOTIFY_SOCKET; sleep 60"]'

	NOTIFY_SOCKET=$CT_TMP/host.sock run ctrun create --bundle "$CT_BUNDLE" "$CT_ID"
	expect_success
	local start=$SECONDS
	NOTIFY_SOCKET=$CT_TMP/host.sock run ctrun start "$CT_ID"
	expect_success
	[ $((SECONDS - start)) -ge 1 ] || fail "start returned before the container sent READY=1"
	wait "$LISTENER" || fail "the listener got no READY=1: $(cat "$CT_TMP/listener.out")"
	LISTENER=

	local pid
	pid=$(container_pid "$CT_ID")
	output=$(cat "$CT_TMP/listener.out")
	lines=()
	mapfile -t lines <"$CT_TMP/listener.out"
	expect_line "message=STATUS=serving"
	expect_line "message=READY=1"
	# The container's own MAINPID is a pid of its namespace and is dropped.
	expect_line "message=MAINPID=$pid"
	expect_output_lacks "MAINPID=99"
	wait_for_output "$CT_ID" "socket=/run/notify/notify.sock"
}

@test "notify run waits for ready" {
	start_listener
	update_config '.process.args = ["/bin/sh", "-c", "sdnotify send READY=1 >/dev/null; echo done"]'

	NOTIFY_SOCKET=$CT_TMP/host.sock run ctrun run --bundle "$CT_BUNDLE" "$CT_ID"
	expect_success
	expect_output_has "done"
	wait "$LISTENER" || fail "the listener got no READY=1: $(cat "$CT_TMP/listener.out")"
	LISTENER=
}

@test "notify container exits without ready" {
	update_config '.process.args = ["/bin/true"]'

	NOTIFY_SOCKET=$CT_TMP/host.sock run ctrun create --bundle "$CT_BUNDLE" "$CT_ID"
	expect_success
	NOTIFY_SOCKET=$CT_TMP/host.sock run ctrun start "$CT_ID"
	expect_success
	wait_for_status "$CT_ID" stopped
	run ctrun delete "$CT_ID"
	expect_success
	[ ! -e "$CT_ROOT/$CT_ID" ] || fail "the state directory remains"
}

@test "notify socket absent without NOTIFY_SOCKET" {
	update_config '.process.args = ["/bin/sh", "-c", "echo socket=${NOTIFY_SOCKET:-none}; test -e /run/notify && echo dir=yes || echo dir=no"]'

	run env -u NOTIFY_SOCKET "$CTRUN" --root "$CT_ROOT" run --bundle "$CT_BUNDLE" "$CT_ID"
	record_id "$CT_ID"
	expect_success
	expect_line "socket=none"
	expect_line "dir=no"
}

@test "notify preserve fds" {
	echo "through fd 3" >"$CT_TMP/three"
	echo "through fd 4" >"$CT_TMP/four"
	update_config '.process.args = ["/bin/ctprobe", "fds"]'

	run ctrun run --preserve-fds 2 --bundle "$CT_BUNDLE" "$CT_ID" 3<"$CT_TMP/three" 4<"$CT_TMP/four" 5<"$CT_TMP/four"
	expect_success
	expect_line "3=$CT_TMP/three"
	expect_line "4=$CT_TMP/four"
	expect_output_lacks "5="
}

@test "notify listen fds activation" {
	echo "socket one" >"$CT_TMP/one"
	echo "socket two" >"$CT_TMP/two"
	echo "preserved" >"$CT_TMP/extra"
	update_config '.process.args = ["/bin/sh", "-c", "ctprobe fds; echo listen_fds=$LISTEN_FDS listen_pid=$LISTEN_PID"]'

	# exec keeps the shell's pid, which LISTEN_PID names, as systemd sets it.
	run bash -c 'export LISTEN_FDS=2 LISTEN_PID=$$; exec "$0" --root "$1" run --preserve-fds 1 \
		--bundle "$2" "$3" 3<"$4" 4<"$5" 5<"$6"' \
		"$CTRUN" "$CT_ROOT" "$CT_BUNDLE" "$CT_ID" "$CT_TMP/one" "$CT_TMP/two" "$CT_TMP/extra"
	record_id "$CT_ID"
	expect_success
	expect_line "3=$CT_TMP/one"
	expect_line "4=$CT_TMP/two"
	expect_line "5=$CT_TMP/extra"
	# The program is pid 1 of its pid namespace.
	expect_line "listen_fds=2 listen_pid=1"
}

@test "notify listen fds for another pid ignored" {
	echo "socket one" >"$CT_TMP/one"
	update_config '.process.args = ["/bin/sh", "-c", "ctprobe fds; echo listen_fds=${LISTEN_FDS:-none}"]'

	run bash -c 'export LISTEN_FDS=1 LISTEN_PID=1; exec "$0" --root "$1" run --bundle "$2" "$3" 3<"$4"' \
		"$CTRUN" "$CT_ROOT" "$CT_BUNDLE" "$CT_ID" "$CT_TMP/one"
	record_id "$CT_ID"
	expect_success
	expect_output_lacks "3=$CT_TMP/one"
	expect_line "listen_fds=none"
}

@test "notify in a user namespace as a mapped user" {
	requires ctrun userns
	start_listener
	use_user_namespace
	update_config '.process.user = {"uid": 1000, "gid": 1000}
		| .process.args = ["/bin/sh", "-c",
			"ctprobe id; ctprobe stat /run/notify/notify.sock; sdnotify send \"STATUS=mapped\nREADY=1\"; sleep 60"]'

	NOTIFY_SOCKET=$CT_TMP/host.sock run ctrun create --bundle "$CT_BUNDLE" "$CT_ID"
	expect_success
	NOTIFY_SOCKET=$CT_TMP/host.sock run ctrun start "$CT_ID"
	expect_success
	wait "$LISTENER" || fail "the listener got no READY=1: $(cat "$CT_TMP/listener.out")"
	LISTENER=

	local pid
	pid=$(container_pid "$CT_ID")
	mapfile -t lines <"$CT_TMP/listener.out"
	expect_line "message=STATUS=mapped"
	expect_line "message=READY=1"
	expect_line "message=MAINPID=$pid"
	# The sender ran as the mapped uid 1000, and the socket stays owned by
	# host root, which the namespace shows as its overflow uid.
	wait_for_output "$CT_ID" "uid=1000"
	output=$(container_output "$CT_ID")
	expect_output_has "type=socket"
	expect_output_has "mode=0777"
	expect_output_has "uid=$(cat /proc/sys/kernel/overflowuid)"
	[ "$(stat -c %u "/proc/$pid")" = 101000 ] || fail "the process runs as host uid $(stat -c %u "/proc/$pid")"
}

@test "notify directory is read-only in the container" {
	requires ctrun
	start_listener
	update_config '.process.args = ["/bin/sh", "-c",
		"touch /run/notify/new 2>&1; ctprobe stat /run/notify; sdnotify send READY=1; sleep 60"]'

	NOTIFY_SOCKET=$CT_TMP/host.sock run ctrun create --bundle "$CT_BUNDLE" "$CT_ID"
	expect_success
	NOTIFY_SOCKET=$CT_TMP/host.sock run ctrun start "$CT_ID"
	expect_success
	wait "$LISTENER" || fail "the listener got no READY=1: $(cat "$CT_TMP/listener.out")"
	LISTENER=
	wait_for_output "$CT_ID" "type=dir"
	output=$(container_output "$CT_ID")
	expect_output_has "Read-only file system"
	expect_output_has "mode=0755"
	[ ! -e "$CT_ROOT/$CT_ID/notify/new" ] || fail "the container created a file in the state directory"
}
