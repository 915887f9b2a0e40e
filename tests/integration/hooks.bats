#!/usr/bin/env bats
# OCI hooks: the moment, namespace, state, args, env and timeout of each kind,
# and what a failing hook does to the operation.

load helpers

setup() {
	ct_setup
	HOOK_DIR=$CT_TMP/hooklog
	mkdir -p "$HOOK_DIR"
	# The container-side hooks write to the same directory as /hooklog.
	update_config '.mounts += [{"destination": "/hooklog", "type": "bind",
		"source": "'"$HOOK_DIR"'", "options": ["bind"]}]'
}

teardown() {
	ct_teardown
}

# Writes a host hook script that appends "KIND mnt=NS net=NS" to the log and
# stores its stdin in KIND.json.
write_recorder() {
	cat >"$CT_TMP/record.sh" <<EOF
#!/bin/sh
cat >"$HOOK_DIR/\$1.json"
echo "\$1 mnt=\$(readlink /proc/self/ns/mnt) net=\$(readlink /proc/self/ns/net)" >>"$HOOK_DIR/log"
EOF
	chmod +x "$CT_TMP/record.sh"
}

# A hook entry (JSON) that runs the recorder for one kind.
recorder() {
	echo '{"path": "'"$CT_TMP/record.sh"'", "args": ["record.sh", "'"$1"'"]}'
}

# The startContainer hook runs inside the container, so it is busybox sh.
container_recorder() {
	local script='cat >/hooklog/startContainer.json; echo "startContainer mnt=$(readlink /proc/self/ns/mnt) net=$(readlink /proc/self/ns/net)" >>/hooklog/log'
	jq -n --arg script "$script" '{"path": "/bin/sh", "args": ["sh", "-c", $script]}'
}

# Prints the field "mnt" or "net" of KIND's line in the log.
logged_ns() {
	sed -n "s/^$1 .*$2=\([^ ]*\).*/\1/p" "$HOOK_DIR/log"
}

expect_hook_state() {
	local kind=$1 status=$2 pid=$3 actual
	actual=$(jq -r '"\(.status) \(.pid) \(.id) \(.bundle)"' "$HOOK_DIR/$kind.json") ||
		fail "$kind got no state on stdin" || return 1
	[ "$actual" = "$status $pid $CT_ID $CT_BUNDLE" ] ||
		fail "$kind state is \"$actual\", expected \"$status $pid $CT_ID $CT_BUNDLE\""
}

@test "hooks every kind in order and namespace" {
	write_recorder
	update_config '.process.args = ["/bin/ctprobe", "sleep", "inf"]
		| .annotations = {"org.example.key": "value"}
		| .hooks = {
			"prestart": ['"$(recorder prestart)"'],
			"createRuntime": ['"$(recorder createRuntime)"'],
			"createContainer": ['"$(recorder createContainer)"'],
			"startContainer": ['"$(container_recorder)"'],
			"poststart": ['"$(recorder poststart)"'],
			"poststop": ['"$(recorder poststop)"']}'

	run ctrun create --bundle "$CT_BUNDLE" "$CT_ID"
	expect_success
	local pid host_mnt host_net ct_mnt ct_net
	pid=$(container_pid "$CT_ID")
	host_mnt=$(readlink /proc/self/ns/mnt)
	host_net=$(readlink /proc/self/ns/net)
	ct_mnt=$(readlink "/proc/$pid/ns/mnt")
	ct_net=$(readlink "/proc/$pid/ns/net")
	[ "$(cut -d' ' -f1 "$HOOK_DIR/log" | tr '\n' ' ')" = "prestart createRuntime createContainer " ] ||
		fail "hooks after create: $(cat "$HOOK_DIR/log")"

	run ctrun start "$CT_ID"
	expect_success
	run ctrun kill "$CT_ID" KILL
	expect_success
	wait_for_status "$CT_ID" stopped
	run ctrun delete "$CT_ID"
	expect_success

	[ "$(cut -d' ' -f1 "$HOOK_DIR/log" | tr '\n' ' ')" = \
		"prestart createRuntime createContainer startContainer poststart poststop " ] ||
		fail "hook order: $(cat "$HOOK_DIR/log")"
	local kind
	for kind in prestart createRuntime poststart poststop; do
		[ "$(logged_ns "$kind" mnt)" = "$host_mnt" ] || fail "$kind did not run in the runtime mount namespace"
		[ "$(logged_ns "$kind" net)" = "$host_net" ] || fail "$kind did not run in the runtime network namespace"
	done
	for kind in createContainer startContainer; do
		[ "$(logged_ns "$kind" mnt)" = "$ct_mnt" ] || fail "$kind did not run in the container mount namespace"
		[ "$(logged_ns "$kind" net)" = "$ct_net" ] || fail "$kind did not run in the container network namespace"
	done

	# The pid is the init's as seen where the hook runs: 1 in the container.
	expect_hook_state prestart creating "$pid"
	expect_hook_state createRuntime creating "$pid"
	expect_hook_state createContainer creating 1
	expect_hook_state startContainer created 1
	expect_hook_state poststart running "$pid"
	expect_hook_state poststop stopped 0
	[ "$(jq -r '.annotations["org.example.key"]' "$HOOK_DIR/poststart.json")" = value ] ||
		fail "the state of poststart lacks the annotations"
}

@test "hooks createContainer runs before pivot_root" {
	# Before pivot_root the container's mount namespace still has the host's
	# root, so a host path resolves, and the container's mounts are there.
	local script="test -d $CT_BUNDLE/rootfs/hooklog && echo before-pivot >$HOOK_DIR/pivot"
	update_config '.hooks.createContainer = [{"path": "/bin/sh", "args": ["sh", "-c", "'"$script"'"]}]'

	run ctrun create --bundle "$CT_BUNDLE" "$CT_ID"
	expect_success
	[ "$(cat "$HOOK_DIR/pivot" 2>/dev/null)" = before-pivot ] || fail "createContainer did not see the host root"
}

@test "hooks args and env exact" {
	local script="tr '\\\\0' '\\\\n' </proc/\$\$/cmdline >$HOOK_DIR/cmdline; tr '\\\\0' '\\\\n' </proc/\$\$/environ >$HOOK_DIR/environ"
	update_config '.hooks.createRuntime = [{"path": "/bin/sh",
		"args": ["my-hook", "-c", "'"$script"'", "first", "two words"],
		"env": ["FOO=bar", "SPACED=a b"]}]'

	run ctrun create --bundle "$CT_BUNDLE" "$CT_ID"
	expect_success
	[ "$(sed -n 1p "$HOOK_DIR/cmdline")" = my-hook ] || fail "argv[0] is not args[0]: $(cat "$HOOK_DIR/cmdline")"
	[ "$(sed -n 4,5p "$HOOK_DIR/cmdline" | tr '\n' '|')" = "first|two words|" ] ||
		fail "args differ: $(cat "$HOOK_DIR/cmdline")"
	[ "$(cat "$HOOK_DIR/environ")" = $'FOO=bar\nSPACED=a b' ] ||
		fail "env is not exactly the hook's: $(cat "$HOOK_DIR/environ")"
}

@test "hooks without args or env" {
	cat >"$CT_TMP/bare.sh" <<EOF
#!/bin/sh
echo "argv0=\$0 count=\$# env=\$(tr '\\\\0' ' ' </proc/\$\$/environ)" >"$HOOK_DIR/bare"
EOF
	chmod +x "$CT_TMP/bare.sh"
	update_config '.hooks.prestart = [{"path": "'"$CT_TMP/bare.sh"'"}]'

	run ctrun create --bundle "$CT_BUNDLE" "$CT_ID"
	expect_success
	[ "$(cat "$HOOK_DIR/bare")" = "argv0=$CT_TMP/bare.sh count=0 env=" ] ||
		fail "bare hook saw: $(cat "$HOOK_DIR/bare")"
}

@test "hooks inherit no runtime fds" {
	# test(1) is a shell builtin, so no fd is opened to look; /proc/self is
	# the shell itself also where /proc belongs to the host's pid namespace.
	local script='for n in $(seq 3 255); do test -e /proc/self/fd/$n && printf "%s " $n; done; echo end'
	jq --arg script "$script" --arg dir "$HOOK_DIR" '
		.hooks.createRuntime = [{"path": "/bin/sh", "args": ["sh", "-c", "(\($script)) >\($dir)/fds"]}]
		| .hooks.createContainer = [{"path": "/bin/sh",
			"args": ["sh", "-c", "(\($script)) >\($dir)/fds-container"]}]' \
		config.json >config.json.new && mv config.json.new config.json

	run ctrun create --bundle "$CT_BUNDLE" "$CT_ID"
	expect_success
	[ "$(cat "$HOOK_DIR/fds")" = end ] || fail "createRuntime hook fds: $(cat "$HOOK_DIR/fds")"
	[ "$(cat "$HOOK_DIR/fds-container")" = end ] ||
		fail "createContainer hook fds: $(cat "$HOOK_DIR/fds-container")"
}

@test "hooks failing createRuntime aborts create" {
	update_config '.hooks.createRuntime = [{"path": "/bin/sh", "args": ["sh", "-c", "echo no bridge >&2; exit 3"]}]'

	run ctrun create --bundle "$CT_BUNDLE" "$CT_ID"
	expect_failure 1
	expect_output_has 'hooks.createRuntime[0] "/bin/sh": exited with status 3'
	expect_output_has "no bridge"
	[ ! -e "$CT_ROOT/$CT_ID" ] || fail "the state directory remains"
}

@test "hooks failing prestart aborts before createRuntime" {
	update_config '.hooks.prestart = [{"path": "/bin/false"}]
		| .hooks.createRuntime = [{"path": "/bin/touch", "args": ["touch", "'"$HOOK_DIR"'/ran"]}]'

	run ctrun create --bundle "$CT_BUNDLE" "$CT_ID"
	expect_failure 1
	expect_output_has 'hooks.prestart[0] "/bin/false": exited with status 1'
	[ ! -e "$HOOK_DIR/ran" ] || fail "createRuntime ran after prestart failed"
	[ ! -e "$CT_ROOT/$CT_ID" ] || fail "the state directory remains"
}

@test "hooks failing createContainer aborts create" {
	update_config '.hooks.createContainer = [{"path": "/bin/true"}, {"path": "/bin/sh", "args": ["sh", "-c", "kill -TERM $$"]}]'

	run ctrun create --bundle "$CT_BUNDLE" "$CT_ID"
	expect_failure 1
	expect_output_has 'hooks.createContainer[1] "/bin/sh": killed by signal 15'
	[ ! -e "$CT_ROOT/$CT_ID" ] || fail "the state directory remains"
}

@test "hooks missing hook binary aborts create" {
	update_config '.hooks.createRuntime = [{"path": "/nonexistent/hook"}]'

	run ctrun create --bundle "$CT_BUNDLE" "$CT_ID"
	expect_failure 1
	expect_output_has 'hooks.createRuntime[0] "/nonexistent/hook": exited with status 127'
	expect_output_has "No such file or directory"
	[ ! -e "$CT_ROOT/$CT_ID" ] || fail "the state directory remains"
}

@test "hooks timeout kills the hook and its children" {
	update_config '.hooks.createRuntime = [{"path": "/bin/sh", "timeout": 1,
		"args": ["sh", "-c", "sleep 60 & echo $! >'"$HOOK_DIR"'/child; echo $$ >'"$HOOK_DIR"'/hook; wait"]}]'

	local start=$SECONDS
	run ctrun create --bundle "$CT_BUNDLE" "$CT_ID"
	expect_failure 1
	expect_output_has 'hooks.createRuntime[0] "/bin/sh": timed out after 1 s'
	[ $((SECONDS - start)) -lt 10 ] || fail "create took $((SECONDS - start)) s"
	[ ! -e "$CT_ROOT/$CT_ID" ] || fail "the state directory remains"
	wait_for_exit "$(cat "$HOOK_DIR/hook")"
	wait_for_exit "$(cat "$HOOK_DIR/child")"
}

@test "hooks startContainer failure fails start" {
	update_config '.process.args = ["/bin/ctprobe", "write", "/hooklog/program", "ran"]
		| .hooks.startContainer = [{"path": "/bin/sh", "args": ["sh", "-c", "exit 4"]}]'

	run ctrun create --bundle "$CT_BUNDLE" "$CT_ID"
	expect_success
	run ctrun start "$CT_ID"
	expect_failure 1
	expect_output_has 'hooks.startContainer[0] "/bin/sh": exited with status 4'
	wait_for_status "$CT_ID" stopped
	[ ! -e "$HOOK_DIR/program" ] || fail "the program ran although startContainer failed"
	run ctrun delete "$CT_ID"
	expect_success
}

@test "hooks startContainer path resolves in container" {
	# /bin/ctprobe exists only in the container's rootfs.
	update_config '.hooks.startContainer = [{"path": "/bin/ctprobe",
		"args": ["ctprobe", "write", "/hooklog/inside", "yes"]}]'

	run ctrun run --bundle "$CT_BUNDLE" "$CT_ID"
	expect_success
	[ "$(cat "$HOOK_DIR/inside" 2>/dev/null)" = yes ] || fail "the startContainer hook did not run"
}

@test "hooks poststart failure stops the container" {
	# runtime-spec 1.3.0, lifecycle step 9: generate an error and stop the
	# container; delete then runs the poststop hooks.
	update_config '.process.args = ["/bin/ctprobe", "sleep", "inf"]
		| .hooks.poststart = [{"path": "/bin/sh", "args": ["sh", "-c", "echo poststart broke >&2; exit 2"]}]
		| .hooks.poststop = [{"path": "/bin/touch", "args": ["touch", "'"$HOOK_DIR"'/poststop"]}]'

	run ctrun create --bundle "$CT_BUNDLE" "$CT_ID"
	expect_success
	run ctrun start "$CT_ID"
	expect_failure 1
	expect_output_has 'hooks.poststart[0] "/bin/sh": exited with status 2, output: "poststart broke"'
	wait_for_status "$CT_ID" stopped
	run ctrun delete "$CT_ID"
	expect_success
	[ -e "$HOOK_DIR/poststop" ] || fail "poststop did not run"
}

@test "hooks poststop failure only warns" {
	update_config '.hooks.poststop = [{"path": "/bin/sh", "args": ["sh", "-c", "echo cleanup broke >&2; exit 5"]},
		{"path": "/bin/touch", "args": ["touch", "'"$HOOK_DIR"'/second"]}]'

	run ctrun create --bundle "$CT_BUNDLE" "$CT_ID"
	expect_success
	run ctrun delete --force "$CT_ID"
	expect_success
	expect_output_has 'hooks.poststop[0] "/bin/sh": exited with status 5'
	[ -e "$HOOK_DIR/second" ] || fail "the poststop hook after the failing one did not run"
	[ ! -e "$CT_ROOT/$CT_ID" ] || fail "the state directory remains"
}

@test "hooks poststop runs after failed create" {
	update_config '.hooks.createRuntime = [{"path": "/bin/false"}]
		| .hooks.poststop = [{"path": "/bin/sh", "args": ["sh", "-c", "cat >'"$HOOK_DIR"'/poststop.json"]}]'

	run ctrun create --bundle "$CT_BUNDLE" "$CT_ID"
	expect_failure 1
	[ "$(jq -r .status "$HOOK_DIR/poststop.json")" = stopped ] || fail "poststop did not run with status stopped"
}

@test "hooks poststop uses the stored config" {
	update_config '.hooks.poststop = [{"path": "/bin/touch", "args": ["touch", "'"$HOOK_DIR"'/poststop"]}]'
	run ctrun create --bundle "$CT_BUNDLE" "$CT_ID"
	expect_success
	# A change to the bundle after create must not affect the container.
	update_config 'del(.hooks)'
	run ctrun delete --force "$CT_ID"
	expect_success
	[ -e "$HOOK_DIR/poststop" ] || fail "poststop did not run from the stored config"
}

@test "hooks poststart in run gets running" {
	# The poststart hook of run gets the state from memory, and state run
	# from the hook reads "running" although state.json was written only
	# before the start.
	cat >"$CT_TMP/poststart.sh" <<EOF2
#!/bin/sh
cat >"$HOOK_DIR/poststart.json"
"$CTRUN" --root "$CT_ROOT" state "\$(jq -r .id "$HOOK_DIR/poststart.json")" >"$HOOK_DIR/state-in-hook.json"
EOF2
	chmod +x "$CT_TMP/poststart.sh"
	update_config '.process.args = ["/bin/ctprobe", "sleep", "inf"]
		| .hooks.poststart = [{"path": "'"$CT_TMP/poststart.sh"'"}]'

	run ctrun run --detach --bundle "$CT_BUNDLE" "$CT_ID"
	expect_success
	local pid
	pid=$(container_pid "$CT_ID")
	expect_hook_state poststart running "$pid"
	[ "$(jq -r .status "$HOOK_DIR/state-in-hook.json")" = running ] ||
		fail "state in the poststart hook: $(cat "$HOOK_DIR/state-in-hook.json")"
	run ctrun delete --force "$CT_ID"
	expect_success
}

@test "hooks poststart failure in run stops it" {
	update_config '.process.args = ["/bin/ctprobe", "sleep", "inf"]
		| .hooks.poststart = [{"path": "/bin/sh", "args": ["sh", "-c", "echo poststart broke >&2; exit 2"]}]
		| .hooks.poststop = [{"path": "/bin/touch", "args": ["touch", "'"$HOOK_DIR"'/poststop"]}]'

	run ctrun run --bundle "$CT_BUNDLE" "$CT_ID"
	expect_failure 255
	expect_output_has 'hooks.poststart[0] "/bin/sh": exited with status 2, output: "poststart broke"'
	[ -e "$HOOK_DIR/poststop" ] || fail "poststop did not run"
	expect_nothing_left
}

@test "hooks start skips the stored config without poststart" {
	requires ctrun
	update_config '.process.args = ["/bin/ctprobe", "sleep", "inf"]'
	run ctrun create --bundle "$CT_BUNDLE" "$CT_ID"
	expect_success
	local state=$CT_ROOT/$CT_ID/state.json
	[ "$(jq -r .ctrun.poststartHooks "$state")" = false ] || fail "state.json: $(cat "$state")"

	# start must not read config.json when state.json says that there is
	# no poststart hook: a damaged copy proves that it was not parsed.
	echo '{' >"$CT_ROOT/$CT_ID/config.json"
	run ctrun start "$CT_ID"
	expect_success
	wait_for_status "$CT_ID" running
	run ctrun delete --force "$CT_ID"
	expect_success
	expect_output_has "skipping the poststop hooks"
}

@test "hooks poststart with an older state.json" {
	requires ctrun
	# A state.json without the poststartHooks field, as older ctrun
	# versions wrote it: start reads the stored config to find the hooks.
	update_config '.process.args = ["/bin/ctprobe", "sleep", "inf"]
		| .hooks.poststart = [{"path": "/bin/touch", "args": ["touch", "'"$HOOK_DIR"'/poststart"]}]'
	run ctrun create --bundle "$CT_BUNDLE" "$CT_ID"
	expect_success
	local state=$CT_ROOT/$CT_ID/state.json
	[ "$(jq -r .ctrun.poststartHooks "$state")" = true ] || fail "state.json: $(cat "$state")"
	jq -c 'del(.ctrun.poststartHooks)' "$state" >"$state.new"
	mv "$state.new" "$state"

	run ctrun start "$CT_ID"
	expect_success
	[ -e "$HOOK_DIR/poststart" ] || fail "poststart did not run"
	run ctrun delete --force "$CT_ID"
	expect_success
}
