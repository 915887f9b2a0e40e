#!/usr/bin/env bats
# linux.seccomp: filters built with libseccomp and checked from inside the
# container with ctprobe.

load helpers

setup() {
	ct_setup
	LISTENER=$CT_BUILD_DIR/tests/payload/seccomp-listener
	case "$LISTENER" in /*) ;; *) LISTENER=$CT_TOP/$LISTENER ;; esac
}

teardown() {
	ct_teardown
}

# Sets linux.seccomp to an allow-by-default filter with the given rules.
set_rules() {
	update_config ".linux.seccomp = {\"defaultAction\": \"SCMP_ACT_ALLOW\", \"syscalls\": $1}"
}

# Starts the test agent on $CT_TMP/agent.sock; it writes the state it
# receives to $CT_TMP/agent-state.json. Extra arguments go to the agent.
start_agent() {
	"$LISTENER" "$CT_TMP/agent.sock" "$CT_TMP/agent-state.json" "$@" 2>"$CT_TMP/agent.err" &
	AGENT_PID=$!
	record_pid "$AGENT_PID"
	wait_for_file "$CT_TMP/agent.sock.ready" 5 || fail "the seccomp agent did not start"
}

notify_mkdir_config() {
	update_config ".linux.seccomp = {
		\"defaultAction\": \"SCMP_ACT_ALLOW\",
		\"listenerPath\": \"$CT_TMP/agent.sock\",
		\"listenerMetadata\": \"test-metadata\",
		\"syscalls\": [{\"names\": [\"mkdir\", \"mkdirat\"], \"action\": \"SCMP_ACT_NOTIFY\"}]}"
}

@test "seccomp filter is in place in the container" {
	requires ctrun
	set_rules '[{"names": ["mkdir", "mkdirat"], "action": "SCMP_ACT_ERRNO"}]'
	update_config '.process.args = ["/bin/ctprobe", "seccomp"]'

	run ctrun run --bundle "$CT_BUNDLE" "$CT_ID"
	expect_success
	expect_probe seccomp 2
	expect_probe seccomp_filters 1
}

@test "seccomp errno action with default EPERM and with errnoRet" {
	set_rules '[{"names": ["mkdir", "mkdirat"], "action": "SCMP_ACT_ERRNO"}]'
	update_config '.process.args = ["/bin/ctprobe", "mkdir", "/newdir"]'
	run ctrun run --bundle "$CT_BUNDLE" "$CT_ID"
	expect_failure 1
	expect_probe errno EPERM

	set_rules '[{"names": ["mkdir", "mkdirat"], "action": "SCMP_ACT_ERRNO", "errnoRet": 18}]'
	run ctrun run --bundle "$CT_BUNDLE" "$CT_ID-2"
	expect_failure 1
	expect_probe errno EXDEV
}

@test "seccomp argument comparisons" {
	# personality(PER_LINUX32) is denied; personality(PER_LINUX) is not.
	set_rules '[{"names": ["personality"], "action": "SCMP_ACT_ERRNO", "errnoRet": 13,
		"args": [{"index": 0, "value": 8, "op": "SCMP_CMP_EQ"}]}]'
	update_config '.process.args = ["/bin/sh", "-c", "/bin/ctprobe personality 0; /bin/ctprobe personality 8"]'
	run ctrun run --bundle "$CT_BUNDLE" "$CT_ID"
	expect_failure 1
	expect_line "personality=0"
	expect_probe errno EACCES
}

@test "seccomp masked and ordering operators" {
	# MASKED_EQ: value is the mask, valueTwo what the masked argument equals.
	set_rules '[{"names": ["personality"], "action": "SCMP_ACT_ERRNO", "errnoRet": 13,
		"args": [{"index": 0, "value": 255, "valueTwo": 8, "op": "SCMP_CMP_MASKED_EQ"}]},
		{"names": ["mkdir", "mkdirat"], "action": "SCMP_ACT_ERRNO", "errnoRet": 18,
		"args": [{"index": 1, "value": 448, "op": "SCMP_CMP_GT"}]}]'
	update_config '.process.args = ["/bin/sh", "-c",
		"/bin/ctprobe personality 0x108; /bin/ctprobe personality 0; /bin/ctprobe mkdir /newdir"]'
	run ctrun run --bundle "$CT_BUNDLE" "$CT_ID"
	expect_failure 1
	expect_output_has "errno=EACCES"
	expect_line "personality=0"
	# ctprobe creates with mode 0755 (493), which is above 0700 (448).
	expect_line "errno=EXDEV"
}

@test "seccomp several comparisons of one argument match any of them" {
	set_rules '[{"names": ["personality"], "action": "SCMP_ACT_ERRNO", "errnoRet": 13,
		"args": [{"index": 0, "value": 8, "op": "SCMP_CMP_EQ"},
			 {"index": 0, "value": 4, "op": "SCMP_CMP_EQ"}]}]'
	update_config '.process.args = ["/bin/sh", "-c",
		"/bin/ctprobe personality 4 || /bin/ctprobe personality 8 || /bin/ctprobe personality 0"]'
	run ctrun run --bundle "$CT_BUNDLE" "$CT_ID"
	expect_success
	[ "$(grep -c '^errno=EACCES$' <<<"$output")" = 2 ] || fail "both values were not denied"
	expect_line "personality=0"
}

@test "seccomp kill process action" {
	set_rules '[{"names": ["mkdir", "mkdirat"], "action": "SCMP_ACT_KILL_PROCESS"}]'
	update_config '.process.args = ["/bin/ctprobe", "mkdir", "/newdir"]'
	run ctrun run --bundle "$CT_BUNDLE" "$CT_ID"
	expect_status 159
}

@test "seccomp log and allow actions" {
	set_rules '[{"names": ["mkdir", "mkdirat"], "action": "SCMP_ACT_LOG"}]'
	update_config '.process.args = ["/bin/ctprobe", "mkdir", "/newdir"]'
	run ctrun run --bundle "$CT_BUNDLE" "$CT_ID"
	expect_success
	expect_probe mkdir /newdir

	update_config '.linux.seccomp = {"defaultAction": "SCMP_ACT_LOG",
		"syscalls": [{"names": ["mkdir", "mkdirat"], "action": "SCMP_ACT_ALLOW"}]}
		| .process.args = ["/bin/ctprobe", "mkdir", "/newdir2"]'
	run ctrun run --bundle "$CT_BUNDLE" "$CT_ID-2"
	expect_success
	expect_probe mkdir /newdir2
}

@test "seccomp default errno with noNewPrivileges loads right before execve" {
	# Only the program's own syscalls are allowed: the runtime's would be
	# denied if the filter came earlier.
	update_config '.process.noNewPrivileges = true
		| .process.args = ["/bin/ctprobe", "mkdir", "/newdir"]
		| .linux.seccomp = {"defaultAction": "SCMP_ACT_ERRNO", "defaultErrnoRet": 18,
		"syscalls": [{"action": "SCMP_ACT_ALLOW", "names": ["execve", "brk", "arch_prctl",
			"set_tid_address", "set_robust_list", "rseq", "prlimit64", "readlink", "readlinkat",
			"mprotect", "mmap", "munmap", "uname", "getrandom", "write", "writev", "exit",
			"exit_group", "newfstatat", "fstat", "ioctl", "fcntl", "close", "openat", "read",
			"futex", "rt_sigaction", "rt_sigprocmask", "getpid", "gettid", "lseek"]}]}'
	run ctrun run --bundle "$CT_BUNDLE" "$CT_ID"
	expect_failure 1
	expect_probe errno EXDEV
}

@test "seccomp architectures and flags" {
	requires ctrun
	update_config '.linux.seccomp = {"defaultAction": "SCMP_ACT_ALLOW",
		"architectures": ["SCMP_ARCH_X86_64", "SCMP_ARCH_X86", "SCMP_ARCH_X32"],
		"flags": ["SECCOMP_FILTER_FLAG_LOG", "SECCOMP_FILTER_FLAG_SPEC_ALLOW"],
		"syscalls": [{"names": ["mkdir", "mkdirat"], "action": "SCMP_ACT_ERRNO"}]}
		| .process.args = ["/bin/sh", "-c", "/bin/ctprobe seccomp; /bin/ctprobe mkdir /newdir"]'
	run ctrun run --bundle "$CT_BUNDLE" "$CT_ID"
	expect_failure 1
	expect_probe seccomp 2
	expect_probe errno EPERM
}

@test "seccomp architecture that libseccomp lacks is an error" {
	requires ctrun
	update_config '.linux.seccomp = {"defaultAction": "SCMP_ACT_ALLOW",
		"architectures": ["SCMP_ARCH_LOONGARCH64"]}'
	run ctrun run --bundle "$CT_BUNDLE" "$CT_ID"
	if [ "$status" -eq 0 ]; then
		skip "this libseccomp knows loongarch64"
	fi
	expect_output_has 'linux.seccomp.architectures: "SCMP_ARCH_LOONGARCH64" is not supported by libseccomp'
}

@test "seccomp unknown syscall is skipped with a warning" {
	requires ctrun
	set_rules '[{"names": ["no_such_syscall", "mkdir", "mkdirat"], "action": "SCMP_ACT_ERRNO"}]'
	update_config '.process.args = ["/bin/ctprobe", "mkdir", "/newdir"]'
	run ctrun run --bundle "$CT_BUNDLE" "$CT_ID"
	expect_failure 1
	expect_probe errno EPERM
	expect_output_has 'linux.seccomp.syscalls[0]: unknown syscall "no_such_syscall" skipped'
}

@test "seccomp notify sends the state and the listener fd to the agent" {
	requires ctrun
	start_agent
	notify_mkdir_config
	update_config '.process.args = ["/bin/sh", "-c", "/bin/ctprobe mkdir /newdir && /bin/ctprobe stat /newdir"]'
	run ctrun run --bundle "$CT_BUNDLE" "$CT_ID"
	# The agent answered success without creating the directory.
	expect_failure 1
	expect_probe mkdir /newdir
	expect_probe errno ENOENT

	state=$CT_TMP/agent-state.json
	[ "$(jq -r .ociVersion "$state")" = 1.3.0 ] || fail "ociVersion: $(cat "$state")"
	[ "$(jq -c .fds "$state")" = '["seccompFd"]' ] || fail "fds: $(cat "$state")"
	[ "$(jq -r .metadata "$state")" = test-metadata ] || fail "metadata: $(cat "$state")"
	[ "$(jq -r .state.id "$state")" = "$CT_ID" ] || fail "state.id: $(cat "$state")"
	[ "$(jq -r .state.status "$state")" = creating ] || fail "state.status: $(cat "$state")"
	[ "$(jq -r .state.bundle "$state")" = "$CT_BUNDLE" ] || fail "state.bundle: $(cat "$state")"
	[ "$(jq -r '.pid > 0 and .pid == .state.pid' "$state")" = true ] || fail "pid: $(cat "$state")"
	wait_for_exit "$AGENT_PID"
}

@test "seccomp notify with noNewPrivileges, listener flags and an errno from the agent" {
	requires ctrun
	start_agent 18
	notify_mkdir_config
	update_config '.process.noNewPrivileges = true | .process.args = ["/bin/ctprobe", "mkdir", "/newdir"]
		| .linux.seccomp.flags = ["SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV", "SECCOMP_FILTER_FLAG_TSYNC"]'
	run ctrun run --bundle "$CT_BUNDLE" "$CT_ID"
	expect_failure 1
	expect_probe errno EXDEV
	wait_for_exit "$AGENT_PID"
}

# Starts a new agent on the same socket once the previous one has taken
# its connection, and keeps the state the previous one received in $1.
restart_agent() {
	local saved=$1
	shift
	for _ in $(seq 50); do
		[ -s "$CT_TMP/agent-state.json" ] && break
		sleep 0.1
	done
	mv "$CT_TMP/agent-state.json" "$saved" || fail "the agent received no state"
	rm -f "$CT_TMP/agent.sock.ready"
	start_agent "$@"
}

@test "seccomp notify for exec processes" {
	requires ctrun
	start_agent
	notify_mkdir_config
	start_sleeper
	local pid
	pid=$(container_pid "$CT_ID")

	# Each exec process loads its own filter, whose listener goes to a new
	# connection to the agent.
	restart_agent "$CT_TMP/init-state.json" 18
	run ctrun exec "$CT_ID" /bin/ctprobe mkdir /exec-dir
	expect_failure 1
	expect_probe errno EXDEV
	state=$CT_TMP/agent-state.json
	[ "$(jq -c .fds "$state")" = '["seccompFd"]' ] || fail "fds: $(cat "$state")"
	[ "$(jq -r .metadata "$state")" = test-metadata ] || fail "metadata: $(cat "$state")"
	[ "$(jq -r .state.id "$state")" = "$CT_ID" ] || fail "state.id: $(cat "$state")"
	[ "$(jq -r .state.status "$state")" = running ] || fail "state.status: $(cat "$state")"
	[ "$(jq -r .state.pid "$state")" = "$pid" ] || fail "state.pid is not the init's $pid: $(cat "$state")"
	[ "$(jq -r '.pid > 0 and .pid != .state.pid' "$state")" = true ] || fail "pid: $(cat "$state")"
	wait_for_exit "$AGENT_PID"

	# With noNewPrivileges the filter is loaded after the bit is set.
	restart_agent "$CT_TMP/exec-state.json"
	run ctrun exec --no-new-privs "$CT_ID" /bin/sh -c '/bin/ctprobe mkdir /nnp-dir && /bin/ctprobe stat /nnp-dir'
	expect_failure 1
	expect_probe mkdir /nnp-dir
	expect_probe errno ENOENT
	[ "$(jq -r .state.status "$CT_TMP/agent-state.json")" = running ] || fail "state: $(cat "$state")"
}

@test "seccomp notify fails exec when no agent listens" {
	requires ctrun
	start_agent
	notify_mkdir_config
	start_sleeper
	for _ in $(seq 50); do
		[ -s "$CT_TMP/agent-state.json" ] && break
		sleep 0.1
	done
	rm -f "$CT_TMP/agent.sock"

	run ctrun exec "$CT_ID" /bin/ctprobe mkdir /exec-dir
	expect_failure 255
	expect_output_has "linux.seccomp.listenerPath: connect to \"$CT_TMP/agent.sock\""
	# The failed exec leaves the container as it was.
	[ "$(container_state "$CT_ID" status)" = running ] || fail "the container is not running"
}

@test "seccomp notify fails create when no agent listens" {
	requires ctrun
	notify_mkdir_config
	run ctrun run --bundle "$CT_BUNDLE" "$CT_ID"
	expect_failure
	expect_output_has "linux.seccomp.listenerPath: connect to \"$CT_TMP/agent.sock\""
}

@test "seccomp configuration errors" {
	requires ctrun
	set_rules '[{"names": ["mkdir"], "action": "SCMP_ACT_BOGUS"}]'
	run ctrun run --bundle "$CT_BUNDLE" "$CT_ID"
	expect_failure
	expect_output_has "linux.seccomp.syscalls[0].action"
	expect_output_has "SCMP_ACT_BOGUS"

	set_rules '[{"names": ["mkdir"], "action": "SCMP_ACT_ALLOW", "errnoRet": 1}]'
	run ctrun run --bundle "$CT_BUNDLE" "$CT_ID"
	expect_failure
	expect_output_has "linux.seccomp.syscalls[0].errnoRet"

	set_rules '[{"names": ["mkdir"], "action": "SCMP_ACT_NOTIFY"}]'
	run ctrun run --bundle "$CT_BUNDLE" "$CT_ID"
	expect_failure
	expect_output_has '"SCMP_ACT_NOTIFY" needs linux.seccomp.listenerPath'

	update_config '.linux.seccomp = {"defaultAction": "SCMP_ACT_NOTIFY", "listenerPath": "/x.sock"}'
	run ctrun run --bundle "$CT_BUNDLE" "$CT_ID"
	expect_failure
	expect_output_has 'linux.seccomp.defaultAction: "SCMP_ACT_NOTIFY" is not allowed'

	set_rules '[{"names": ["mkdir"], "action": "SCMP_ACT_ERRNO",
		"args": [{"index": 6, "value": 1, "op": "SCMP_CMP_EQ"}]}]'
	run ctrun run --bundle "$CT_BUNDLE" "$CT_ID"
	expect_failure
	expect_output_has "linux.seccomp.syscalls[0].args[0].index"
}

@test "seccomp in features" {
	requires ctrun
	run ctrun features
	expect_success
	seccomp=$(jq -c .linux.seccomp <<<"$output")
	[ "$(jq .enabled <<<"$seccomp")" = true ] || fail "seccomp is not enabled: $seccomp"
	[ "$(jq '.knownFlags - (.knownFlags - .supportedFlags) == .supportedFlags' <<<"$seccomp")" = true ] ||
		fail "supportedFlags is not a subset of knownFlags: $seccomp"
	[ "$(jq '.archs | index("SCMP_ARCH_X86_64") != null' <<<"$seccomp")" = true ] || fail "no x86_64: $seccomp"
	[ "$(jq '.actions | index("SCMP_ACT_NOTIFY") != null' <<<"$seccomp")" = true ] || fail "no notify: $seccomp"
	[ "$(jq '.operators | length' <<<"$seccomp")" = 7 ] || fail "operators: $seccomp"
}

@test "seccomp allow list without noNewPrivileges denies keyctl" {
	# The shape of the usual profiles: deny by default, allow a list that
	# lacks keyctl. The init loads such a filter before it drops its
	# capabilities and must still reach execve.
	local header=/usr/include/x86_64-linux-gnu/asm/unistd_64.h
	[ "$(uname -m)" = x86_64 ] && [ -e "$header" ] || skip "needs the x86_64 syscall list"
	allowed=$(sed -n 's/^#define __NR_\([a-z0-9_]*\) .*/\1/p' "$header" |
		grep -vxE 'keyctl|mkdir|mkdirat' | jq -R . | jq -sc .)
	update_config ".process.noNewPrivileges = false
		| .process.args = [\"/bin/sh\", \"-c\", \"/bin/ctprobe seccomp; /bin/ctprobe mkdir /newdir\"]
		| .linux.seccomp = {\"defaultAction\": \"SCMP_ACT_ERRNO\",
			\"syscalls\": [{\"names\": $allowed, \"action\": \"SCMP_ACT_ALLOW\"}]}"
	run ctrun run --bundle "$CT_BUNDLE" "$CT_ID"
	expect_failure 1
	expect_probe seccomp 2
	expect_probe errno EPERM
}
