#!/usr/bin/env bats
# Failures in each phase of create: each fails with a message that names
# the problem and leaves no state dir, cgroup, mount or process behind.

load helpers

setup() {
	ct_setup
}

teardown() {
	ct_teardown
}

# Runs create, which must fail, then checks the message and the leftovers.
# The optional second text is checked only against ctrun, where another
# runtime words its message differently.
expect_create_fails() {
	local text=$1 ctrun_text=${2:-}
	run ctrun create --bundle "$CT_BUNDLE" "$CT_ID"
	expect_failure || return 1
	expect_output_has "$text" || return 1
	if [ -n "$ctrun_text" ] && is_ctrun; then
		expect_output_has "$ctrun_text" || return 1
	fi
	expect_nothing_left
}

@test "errors missing bind source" {
	update_config '.mounts += [{"destination": "/mnt", "type": "bind",
		"source": "'"$CT_TMP"'/does-not-exist", "options": ["bind"]}]'

	expect_create_fails "$CT_TMP/does-not-exist"
}

@test "errors invalid mount type" {
	update_config '.mounts += [{"destination": "/mnt", "type": "nosuchfs", "source": "none"}]'

	expect_create_fails "/mnt"
}

@test "errors missing executable" {
	update_config '.process.args = ["/bin/does-not-exist"]'

	run ctrun run --bundle "$CT_BUNDLE" "$CT_ID"
	expect_failure
	expect_output_has "/bin/does-not-exist"
	# Podman turns "no such file or directory", in any case, into exit status 127.
	expect_output_has_nocase "no such file or directory"
	expect_nothing_left
}

@test "errors executable not found in PATH" {
	update_config '.process.args = ["does-not-exist"]'

	run ctrun run --bundle "$CT_BUNDLE" "$CT_ID"
	expect_failure
	expect_output_has "does-not-exist"
	# Podman maps "executable file not found in", in any case, to exit status 127.
	expect_output_has_nocase "executable file not found in"
	expect_nothing_left
}

@test "errors control characters escaped" {
	local bundle="$CT_TMP/new"$'\n'"line"$'\e'"[31m"

	run ctrun run --bundle "$bundle" "$CT_ID"
	expect_failure
	[[ "$output" != *$'\n'line* ]] || fail "the newline in the path reached stderr raw"
	[[ "$output" != *$'\e'* ]] || fail "the escape character in the path reached stderr raw"
	if is_ctrun; then
		expect_output_has 'new\x0aline\x1b[31m'
	fi
	expect_nothing_left
}

@test "errors executable not executable" {
	update_config '.process.args = ["/etc/passwd"]'

	run ctrun run --bundle "$CT_BUNDLE" "$CT_ID"
	expect_failure
	expect_output_has_nocase "permission denied"
	expect_nothing_left
}

@test "errors cwd is a file" {
	update_config '.process.cwd = "/etc/passwd"'

	run ctrun run --bundle "$CT_BUNDLE" "$CT_ID"
	expect_failure
	expect_output_has "/etc/passwd"
	expect_nothing_left
}

@test "errors relative cwd" {
	update_config '.process.cwd = "relative/dir"'

	expect_create_fails "" "process.cwd"
}

@test "errors config syntax" {
	echo '{"ociVersion": "1.0.2", "process": {' >config.json

	expect_create_fails "" "config.json"
}

@test "errors config wrong type" {
	update_config '.process.args = "not an array"'

	expect_create_fails "process.args"
}

@test "errors config path in message" {
	requires ctrun
	update_config '.mounts[1].options = ["nosuid", 42]'

	expect_create_fails "mounts[1].options[1]"
}

@test "errors missing config" {
	rm config.json

	expect_create_fails "config.json"
}

@test "errors missing bundle" {
	run ctrun create --bundle "$CT_TMP/no-bundle" "$CT_ID"
	expect_failure
	expect_output_has "$CT_TMP/no-bundle"
	expect_nothing_left
}

@test "errors missing rootfs" {
	update_config '.root.path = "no-rootfs"'

	expect_create_fails "no-rootfs"
}

@test "errors rootfs that is the host root" {
	ln -s / "$CT_BUNDLE/hostroot"
	update_config '.root.path = "hostroot"'

	expect_create_fails "hostroot" 'root.path "hostroot": resolves to the host root directory "/"'
	update_config '.root.path = "/"'
	expect_create_fails '"/"' 'root.path "/": resolves to the host root directory "/"'
}

@test "errors unknown namespace type" {
	update_config '.linux.namespaces += [{"type": "bogus"}]'

	expect_create_fails "bogus"
}

@test "errors duplicate namespace" {
	update_config '.linux.namespaces += [{"type": "pid"}]'

	run ctrun create --bundle "$CT_BUNDLE" "$CT_ID"
	expect_failure
	expect_nothing_left
}

@test "errors seccomp agent missing" {
	requires ctrun
	# The init has loaded its filter when create fails to reach the agent.
	update_config '.linux.seccomp = {"defaultAction": "SCMP_ACT_ALLOW", "listenerPath": "'"$CT_TMP"'/none.sock",
		"syscalls": [{"names": ["mkdir"], "action": "SCMP_ACT_NOTIFY"}]}'

	expect_create_fails "linux.seccomp.listenerPath"
}

@test "errors failing hook" {
	update_config '.hooks = {"createRuntime": [{"path": "/bin/false"}]}'

	expect_create_fails "" 'hooks.createRuntime[0] "/bin/false": exited with status 1'
}

@test "errors terminal without console socket" {
	update_config '.process.terminal = true'

	run ctrun create --bundle "$CT_BUNDLE" "$CT_ID"
	expect_failure
	expect_nothing_left
}

@test "errors failed create keeps id free" {
	update_config '.process.args = ["/bin/does-not-exist"]'
	run ctrun create --bundle "$CT_BUNDLE" "$CT_ID"
	expect_failure

	update_config '.process.args = ["/bin/ctprobe", "hostname"]'
	run ctrun run --bundle "$CT_BUNDLE" "$CT_ID"
	expect_success
	expect_probe hostname ctrun-test
}

@test "errors bad hostname without uts namespace" {
	update_config '.linux.namespaces |= map(select(.type != "uts"))'

	expect_create_fails "hostname"
}

@test "errors config that is a fifo" {
	requires ctrun
	# Opening a FIFO for reading blocks until a writer comes, and create
	# held the container's lock meanwhile.
	rm config.json
	mkfifo config.json
	CT_COMMAND_TIMEOUT=10 run ctrun create --bundle "$CT_BUNDLE" "$CT_ID"
	expect_failure
	[ "$status" -ne 124 ] || fail "create blocked on the fifo"
	expect_output_has "config.json \"$CT_BUNDLE/config.json\": not a regular file"
	expect_nothing_left
}

@test "errors create killed by a signal leaves a deletable state" {
	requires ctrun
	# containerd and Podman stop a stuck runtime with SIGTERM or SIGINT.
	update_config '.hooks.createRuntime = [{"path": "/bin/sleep", "args": ["sleep", "30"]}]'
	for sig in TERM INT HUP; do
		id=$CT_ID-$sig
		record_id "$id"
		"$CTRUN" --root "$CT_ROOT" create --bundle "$CT_BUNDLE" "$id" </dev/null >/dev/null 2>&1 &
		create_pid=$!
		hook=
		for _ in $(seq 100); do
			hook=$(pgrep -P "$create_pid" -x sleep) && break
			sleep 0.05
		done
		[ -n "$hook" ] || fail "the createRuntime hook did not start"
		record_pid "$hook"
		kill -"$sig" "$create_pid"
		wait "$create_pid" 2>/dev/null || true
		kill "$hook" 2>/dev/null || true
		run ctrun delete --force "$id"
		expect_success
		[ ! -e "$CT_ROOT/$id" ] || fail "SIG$sig: state dir of $id remains"
	done
	expect_nothing_left
}

@test "errors init killed during setup" {
	# A memory limit of one page: the OOM killer ends the init while it
	# sets up the container, and the message says how it ended.
	update_config '.linux.resources.memory = {"limit": 4096}'
	expect_create_fails "container init exited before reporting ready" "killed by SIGKILL"
}
