#!/usr/bin/env bats
# The container process: arguments, environment, working directory, user,
# umask, rlimits, capabilities, no_new_privs, oom score, inherited fds and
# the signal mask.

load helpers

setup() {
	ct_setup
}

teardown() {
	ct_teardown
}

run_container() {
	run ctrun run --bundle "$CT_BUNDLE" "$CT_ID"
	expect_success
}

@test "process args passed exactly" {
	update_config '.process.args = ["/bin/sh", "-c", "printf \"[%s]\\n\" \"$@\"", "sh", "a b", "", "*", "$HOME"]'

	run_container
	[ "${#lines[@]}" -eq 4 ] || fail "expected 4 arguments"
	expect_line "[a b]"
	expect_line "[]"
	expect_line "[*]"
	expect_line "[\$HOME]"
}

@test "process args found through PATH" {
	update_config '.process.args = ["ctprobe", "pid"]'

	run_container
	expect_probe pid 1
}

@test "process env exactly as configured" {
	export CT_HOST_ONLY=leak
	update_config '.process.env = ["PATH=/bin:/usr/bin", "A=1", "B=two words", "EMPTY="]
		| .process.args = ["/bin/ctprobe", "env"]'

	run_container
	expect_line "A=1"
	expect_line "B=two words"
	expect_line "EMPTY="
	expect_line "PATH=/bin:/usr/bin"
	expect_output_lacks CT_HOST_ONLY
	expect_output_lacks BATS_
}

@test "process cwd" {
	mkdir -p "$CT_BUNDLE/rootfs/work/dir"
	update_config '.process.cwd = "/work/dir" | .process.args = ["/bin/ctprobe", "cwd"]'

	run_container
	expect_probe cwd /work/dir
}

@test "process user and groups" {
	update_config '.process.user = {"uid": 1000, "gid": 1000, "additionalGids": [1001, 2000]}
		| .process.args = ["/bin/ctprobe", "id"]'

	run_container
	expect_probe uid 1000
	expect_probe euid 1000
	expect_probe gid 1000
	expect_probe egid 1000
	groups=",$(probe_value groups),"
	[[ "$groups" == *,1001,* ]] || fail "groups $groups lack 1001"
	[[ "$groups" == *,2000,* ]] || fail "groups $groups lack 2000"
	[[ "$groups" != *,0,* ]] || fail "groups $groups keep the runtime's group 0"
}

@test "process root has no extra groups" {
	update_config '.process.args = ["/bin/ctprobe", "id"]'

	run_container
	expect_probe uid 0
	expect_probe groups ""
}

@test "process uid minus one rejected" {
	# The kernel reads (uid_t)-1 as "unchanged", which would keep uid 0.
	for field in uid gid; do
		update_config '.process.user = {"uid": 1000, "gid": 1000} | .process.user.'$field' = 4294967295
			| .process.args = ["/bin/ctprobe", "id"]'
		run ctrun run --bundle "$CT_BUNDLE" "$CT_ID"
		expect_failure
		expect_output_lacks "uid=0"
		if is_ctrun; then
			expect_output_has "process.user.$field: invalid id 4294967295"
		fi
		expect_nothing_left
	done
}

@test "process exec file uid minus one rejected" {
	start_sleeper
	echo '{"args": ["/bin/ctprobe", "id"], "cwd": "/", "user": {"uid": 0, "gid": 0,
		"additionalGids": [4294967295]}}' >"$CT_TMP/process.json"

	run ctrun exec --process "$CT_TMP/process.json" "$CT_ID"
	expect_failure
	expect_output_lacks "uid=0"
	if is_ctrun; then
		expect_output_has "process.user.additionalGids[0]: invalid id 4294967295"
	fi
}

@test "process empty apparmor profile is unset" {
	update_config '.process.apparmorProfile = "" | .process.args = ["/bin/ctprobe", "id"]'

	run_container
	expect_probe uid 0
}

@test "process exec file empty apparmor profile" {
	start_sleeper
	echo '{"args": ["/bin/ctprobe", "id"], "cwd": "/", "apparmorProfile": ""}' >"$CT_TMP/process.json"

	run ctrun exec --process "$CT_TMP/process.json" "$CT_ID"
	expect_success
	expect_probe uid 0
}

@test "process umask" {
	update_config '.process.user.umask = 23 | .process.args = ["/bin/ctprobe", "umask"]'

	run_container
	expect_probe umask 0027
}

@test "process default umask" {
	update_config '.process.args = ["/bin/ctprobe", "umask"]'

	run_container
	expect_probe umask 0022
}

@test "process rlimits" {
	update_config '.process.rlimits = [
			{"type": "RLIMIT_NOFILE", "soft": 512, "hard": 768},
			{"type": "RLIMIT_CORE", "soft": 1000, "hard": 2000},
			{"type": "RLIMIT_FSIZE", "soft": "INFINITY", "hard": "INFINITY"}]
		| .process.args = ["/bin/sh", "-c", "for r in nofile core fsize; do ctprobe rlimit $r; done"]'
	# jq would round 2^64-1 to a float, so the number goes in as text.
	sed -i 's/"INFINITY"/18446744073709551615/g' config.json

	run_container
	[ "${lines[0]}" = soft=512 ] || fail "RLIMIT_NOFILE soft is ${lines[0]}"
	[ "${lines[1]}" = hard=768 ] || fail "RLIMIT_NOFILE hard is ${lines[1]}"
	[ "${lines[2]}" = soft=1000 ] || fail "RLIMIT_CORE soft is ${lines[2]}"
	[ "${lines[3]}" = hard=2000 ] || fail "RLIMIT_CORE hard is ${lines[3]}"
	[ "${lines[4]}" = soft=unlimited ] || fail "RLIMIT_FSIZE soft is ${lines[4]}"
	[ "${lines[5]}" = hard=unlimited ] || fail "RLIMIT_FSIZE hard is ${lines[5]}"
}

@test "process rlimit nofile below the init's fds" {
	update_config '.process.rlimits = [{"type": "RLIMIT_NOFILE", "soft": 3, "hard": 3}]
		| .process.user = {"uid": 1000, "gid": 1000}
		| .process.args = ["/bin/ctprobe", "rlimit", "nofile"]'

	run_container
	expect_line soft=3
	expect_line hard=3
}

@test "process exec file rlimit nofile below the init's fds" {
	start_sleeper
	echo '{"args": ["/bin/ctprobe", "rlimit", "nofile"], "cwd": "/",
		"rlimits": [{"type": "RLIMIT_NOFILE", "soft": 2, "hard": 3}]}' >"$CT_TMP/process.json"

	run ctrun exec --process "$CT_TMP/process.json" "$CT_ID"
	expect_success
	expect_line soft=2
	expect_line hard=3
}

@test "process capabilities of root" {
	update_config '.process.args = ["/bin/ctprobe", "caps"]'

	run_container
	# CAP_AUDIT_WRITE (29), CAP_KILL (5) and CAP_NET_BIND_SERVICE (10). For
	# uid 0, execve() raises the permitted and effective sets to the
	# bounding set.
	expect_probe bounding 0000000020000420
	expect_probe permitted 0000000020000420
	expect_probe effective 0000000020000420
	expect_probe inheritable 0000000000000000
	expect_probe ambient 0000000000000000
}

@test "process capabilities omitted are empty" {
	# A config without process.capabilities gets no capability, the bounding
	# set included, rather than keeping the runtime's.
	update_config 'del(.process.capabilities) | .process.args = ["/bin/ctprobe", "caps"]'

	run_container
	expect_probe bounding 0000000000000000
	expect_probe permitted 0000000000000000
	expect_probe effective 0000000000000000
	expect_probe inheritable 0000000000000000
	expect_probe ambient 0000000000000000
}

@test "process capabilities all five sets" {
	# For a non-root user only the ambient set survives execve() into the
	# permitted and effective sets, so each of the five sets differs.
	update_config '.process.user = {"uid": 1000, "gid": 1000}
		| .process.capabilities = {
			"bounding": ["CAP_CHOWN", "CAP_KILL", "CAP_NET_BIND_SERVICE"],
			"inheritable": ["CAP_KILL", "CAP_NET_BIND_SERVICE"],
			"permitted": ["CAP_KILL", "CAP_NET_BIND_SERVICE"],
			"effective": ["CAP_KILL", "CAP_NET_BIND_SERVICE"],
			"ambient": ["CAP_NET_BIND_SERVICE"]}
		| .process.args = ["/bin/ctprobe", "caps"]'

	run_container
	expect_probe bounding 0000000000000421
	expect_probe inheritable 0000000000000420
	expect_probe permitted 0000000000000400
	expect_probe effective 0000000000000400
	expect_probe ambient 0000000000000400
}

@test "process no capabilities" {
	update_config '.process.capabilities = {}
		| .process.args = ["/bin/ctprobe", "caps"]'

	run_container
	expect_probe bounding 0000000000000000
	expect_probe permitted 0000000000000000
	expect_probe effective 0000000000000000
}

@test "process unknown capability warns" {
	# The runtime spec wants a capability that the kernel does not know
	# logged as a warning, and the container run with the others.
	update_config '.process.capabilities = {
			"bounding": ["CAP_KILL", "CAP_NOT_A_CAPABILITY"],
			"permitted": ["CAP_KILL"], "effective": ["CAP_KILL", "CAP_NOT_A_CAPABILITY"]}
		| .process.args = ["/bin/ctprobe", "caps"]'

	run ctrun run --bundle "$CT_BUNDLE" "$CT_ID"
	expect_success
	if is_ctrun; then
		expect_output_has 'process.capabilities.effective: unknown capability "CAP_NOT_A_CAPABILITY" ignored'
		expect_output_has 'process.capabilities.bounding: unknown capability "CAP_NOT_A_CAPABILITY" ignored'
	fi
	# CAP_KILL is bit 5.
	expect_probe bounding 0000000000000020
	expect_probe effective 0000000000000020
}

@test "process no new privileges" {
	update_config '.process.noNewPrivileges = true | .process.args = ["/bin/ctprobe", "nnp"]'
	run_container
	expect_probe no_new_privs 1

	update_config '.process.noNewPrivileges = false'
	run ctrun run --bundle "$CT_BUNDLE" "$CT_ID-b"
	expect_success
	expect_probe no_new_privs 0
}

@test "process oom score adj" {
	update_config '.process.oomScoreAdj = 123 | .process.args = ["/bin/ctprobe", "oom"]'

	run_container
	expect_probe oom_score_adj 123
}

@test "process seccomp off" {
	update_config '.process.args = ["/bin/ctprobe", "seccomp"]'

	run_container
	expect_probe seccomp 0
}

@test "process no leaked fds" {
	update_config '.process.args = ["/bin/ctprobe", "fds"]'
	# Open descriptors that a careless runtime would pass on.
	exec 7<"$CT_BUNDLE/config.json" 8>"$CT_TMP/leak"

	run_container
	exec 7<&- 8>&-
	[ "${#lines[@]}" -eq 3 ] || fail "the container has ${#lines[@]} fds, expected 0, 1 and 2"
	[[ "${lines[0]}" == 0=* ]] || fail "first fd line is ${lines[0]}"
	[[ "${lines[1]}" == 1=* ]] || fail "second fd line is ${lines[1]}"
	[[ "${lines[2]}" == 2=* ]] || fail "third fd line is ${lines[2]}"
}

@test "process preserve fds" {
	update_config '.process.args = ["/bin/sh", "-c", "ctprobe fds; cat <&3"]'
	echo "through fd 3" >"$CT_TMP/preserved"

	run ctrun run --preserve-fds 1 --bundle "$CT_BUNDLE" "$CT_ID" 3<"$CT_TMP/preserved"
	expect_success
	expect_line "through fd 3"
	expect_output_has "3=$CT_TMP/preserved"
	expect_output_lacks "4="
}

@test "process signal mask empty" {
	update_config '.process.args = ["/bin/ctprobe", "sigmask"]'

	# Start the runtime with blocked and ignored signals, as a careless
	# caller might; the container must not inherit either.
	trap '' USR1 HUP
	run_container
	trap - USR1 HUP
	expect_probe blocked 0000000000000000
	expect_probe ignored 0000000000000000
}

@test "process signal mask empty under a strict seccomp filter" {
	# The filter forbids the container's program to change its signal
	# state, so the runtime must have reset it before loading the filter.
	# Without noNewPrivileges the init loads it before READY.
	update_config '.process.args = ["/bin/ctprobe", "sigmask"] | .process.noNewPrivileges = false |
		.linux.seccomp = {"defaultAction": "SCMP_ACT_ALLOW", "architectures": ["SCMP_ARCH_X86_64"],
			"syscalls": [{"names": ["rt_sigaction", "rt_sigprocmask"], "action": "SCMP_ACT_ERRNO"}]}'

	trap '' USR1 HUP
	run_container
	trap - USR1 HUP
	expect_probe blocked 0000000000000000
	expect_probe ignored 0000000000000000
}
