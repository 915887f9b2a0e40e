#!/usr/bin/env bats
# SPDX-License-Identifier: Apache-2.0
#
# exec: a new process in a running container, from a command line or a
# process.json. Its namespaces, cgroup, attributes, fds, working directory,
# exit status and signals, and the errors for a container that cannot take
# one.

load helpers

setup() { ct_setup; }
teardown() { ct_teardown; }

# Prints the inode of namespace type of process pid.
ns_of() {
	stat -L -c %i "/proc/$1/ns/$2"
}

# Prints the directory of the container's cgroup in one hierarchy, as
# state.json records it.
container_cgroup_dir() {
	jq -r --arg name "$1" '.ctrun.cgroupPaths[$name] // empty' "$CT_ROOT/$CT_ID/state.json"
}

@test "exec joins every namespace of the init" {
	start_sleeper
	local pid ns
	pid=$(container_pid "$CT_ID")

	run ctrun exec "$CT_ID" /bin/ctprobe ns
	expect_success
	for ns in cgroup ipc mnt net pid time user uts; do
		[ -e "/proc/$pid/ns/$ns" ] || continue
		expect_probe "$ns" "$(ns_of "$pid" "$ns")"
	done
}

@test "exec in container pid namespace" {
	start_sleeper

	run ctrun exec "$CT_ID" /bin/ctprobe pid
	expect_success
	[ "$(probe_value pid)" -gt 1 ] || fail "pid is $(probe_value pid)"
	# The runtime that started it is outside the pid namespace.
	expect_probe ppid 0
}

@test "exec in container cgroup" {
	start_sleeper
	local pid exec_pid
	pid=$(container_pid "$CT_ID")

	run ctrun exec -d --pid-file "$CT_TMP/exec.pid" "$CT_ID" /bin/ctprobe sleep 30
	expect_success
	exec_pid=$(cat "$CT_TMP/exec.pid")
	record_pid "$exec_pid"
	[ "$(cat "/proc/$exec_pid/cgroup")" = "$(cat "/proc/$pid/cgroup")" ] ||
		fail "cgroups differ: $(cat "/proc/$exec_pid/cgroup")"
}

@test "exec detach writes pid file" {
	start_sleeper

	run ctrun exec --detach --pid-file exec.pid "$CT_ID" /bin/ctprobe sleep 30
	expect_success
	local exec_pid
	exec_pid=$(cat "$CT_BUNDLE/exec.pid")
	record_pid "$exec_pid"
	[ "$(tr '\0' ' ' <"/proc/$exec_pid/cmdline")" = "/bin/ctprobe sleep 30 " ] ||
		fail "pid file names $(tr '\0' ' ' <"/proc/$exec_pid/cmdline")"
	[ "$(ns_of "$exec_pid" pid)" = "$(ns_of "$(container_pid "$CT_ID")" pid)" ] ||
		fail "the process is not in the container's pid namespace"
}

@test "exec argv form keeps config process" {
	update_config '.process.env += ["FROM_CONFIG=yes"] | .process.user = {"uid": 1000, "gid": 1000}'
	start_sleeper

	run ctrun exec "$CT_ID" /bin/sh -c 'echo from_config=$FROM_CONFIG; ctprobe id'
	expect_success
	expect_probe from_config yes
	expect_probe uid 1000
	expect_probe gid 1000
}

@test "exec flags change the process" {
	update_config '.process.noNewPrivileges = false'
	start_sleeper

	run ctrun exec --env A=1 -e B="two words" --cwd /tmp --user 1000:1001 -g 5 --additional-gids 6 \
		"$CT_ID" /bin/sh -c 'echo a=$A; echo b=$B; ctprobe cwd; ctprobe id; ctprobe nnp'
	expect_success
	expect_probe a 1
	expect_probe b "two words"
	expect_probe cwd /tmp
	expect_probe uid 1000
	expect_probe gid 1001
	expect_probe groups 5,6
	expect_probe no_new_privs 0
}

@test "exec no-new-privs flag" {
	update_config '.process.noNewPrivileges = false'
	start_sleeper

	run ctrun exec --no-new-privs "$CT_ID" /bin/ctprobe nnp
	expect_success
	expect_probe no_new_privs 1
}

@test "exec oom score adj" {
	update_config '.process.oomScoreAdj = 123'
	start_sleeper

	run ctrun exec "$CT_ID" /bin/ctprobe oom
	expect_success
	expect_probe oom_score_adj 123

	echo '{ "args": ["/bin/ctprobe", "oom"], "cwd": "/", "oomScoreAdj": 500 }' >"$CT_TMP/process.json"
	run ctrun exec -p "$CT_TMP/process.json" "$CT_ID"
	expect_success
	expect_probe oom_score_adj 500
}

@test "exec oom score adj with sub-cgroup" {
	requires cgroup_v1 ctrun
	update_config '.process.oomScoreAdj = 321'
	start_sleeper
	local dir
	dir=$(container_cgroup_dir pids)
	[ -n "$dir" ] || skip "no pids hierarchy"
	mkdir "$dir/sub"

	run ctrun exec --cgroup pids:sub "$CT_ID" /bin/sh -c 'ctprobe oom; ctprobe cgroup'
	rmdir "$dir/sub"
	expect_success
	expect_probe oom_score_adj 321
	expect_output_has ":pids:/sub"
}

@test "exec env replaces a variable" {
	start_sleeper

	run ctrun exec -e PATH=/bin "$CT_ID" /bin/ctprobe env
	expect_success
	expect_line PATH=/bin
	[ "$(printf '%s\n' "${lines[@]}" | grep -c '^PATH=')" -eq 1 ] || fail "PATH appears twice"
}

@test "exec cap adds a capability" {
	start_sleeper
	# CAP_SYS_ADMIN is bit 21, which the test config does not grant.
	local mask=$((1 << 21))

	run ctrun exec "$CT_ID" /bin/ctprobe caps
	expect_success
	(((0x$(probe_value effective) & mask) == 0)) || fail "CAP_SYS_ADMIN is effective without --cap"

	run ctrun exec --cap CAP_SYS_ADMIN "$CT_ID" /bin/ctprobe caps
	expect_success
	(((0x$(probe_value effective) & mask) != 0)) || fail "CAP_SYS_ADMIN is not effective"
	(((0x$(probe_value bounding) & mask) != 0)) || fail "CAP_SYS_ADMIN is not in the bounding set"
}

@test "exec process file without capabilities" {
	start_sleeper
	cat >"$CT_TMP/process.json" <<-'EOF'
		{ "args": ["/bin/ctprobe", "caps"], "cwd": "/", "user": { "uid": 0, "gid": 0 } }
	EOF

	run ctrun exec --process "$CT_TMP/process.json" "$CT_ID"
	expect_success
	expect_probe bounding 0000000000000000
	expect_probe effective 0000000000000000

	# CAP_CHOWN is bit 0: --cap adds it to the empty sets, and nothing else.
	run ctrun exec --cap CAP_CHOWN --process "$CT_TMP/process.json" "$CT_ID"
	expect_success
	expect_probe bounding 0000000000000001
	expect_probe effective 0000000000000001
}

@test "exec process file" {
	start_sleeper
	cat >"$CT_TMP/process.json" <<-'EOF'
		{ "args": ["/bin/sh", "-c", "echo x=$X; ctprobe id; ctprobe cwd"], "cwd": "/etc",
		  "env": ["PATH=/bin", "X=from-file"], "user": { "uid": 7, "gid": 8 } }
	EOF

	run ctrun exec --process "$CT_TMP/process.json" "$CT_ID"
	expect_success
	expect_probe x from-file
	expect_probe uid 7
	expect_probe gid 8
	expect_probe cwd /etc
}

@test "exec invalid process file fails" {
	start_sleeper
	echo '{ "args": ["/bin/true"], "cwd": "relative" }' >"$CT_TMP/process.json"

	run ctrun exec -p "$CT_TMP/process.json" "$CT_ID"
	expect_failure 255
	expect_output_has 'process.cwd: "relative" is not an absolute path'
}

@test "exec exit status passes through" {
	start_sleeper

	run ctrun exec "$CT_ID" /bin/ctprobe exit 7
	expect_failure 7
	run ctrun exec "$CT_ID" /bin/ctprobe kill-self 9
	expect_failure 137
	run ctrun exec "$CT_ID" /bin/true
	expect_success
}

@test "exec missing program fails" {
	start_sleeper

	run ctrun exec "$CT_ID" nothere
	expect_failure 255
	expect_output_has '"nothere": executable file not found in $PATH'
	run ctrun exec "$CT_ID" /bin/nothere
	expect_failure 255
	expect_output_has_nocase "no such file or directory"
}

@test "exec without command fails" {
	start_sleeper

	run ctrun exec "$CT_ID"
	expect_failure 2
	expect_output_has "missing command"
}

@test "exec in stopped container fails" {
	update_config '.process.args = ["/bin/ctprobe", "exit", "0"]'
	run ctrun create "$CT_ID"
	expect_success
	run ctrun start "$CT_ID"
	expect_success
	wait_for_status "$CT_ID" stopped

	run ctrun exec "$CT_ID" /bin/ctprobe pid
	expect_failure 255
	expect_output_has "container is stopped"
}

@test "exec in missing container fails" {
	run ctrun exec nothere /bin/ctprobe pid
	expect_failure 255
	expect_output_has 'container "nothere" does not exist'
}

@test "exec in created container" {
	update_config '.process.args = ["/bin/ctprobe", "sleep", "inf"]'
	run ctrun create "$CT_ID"
	expect_success

	run ctrun exec "$CT_ID" /bin/ctprobe hostname
	expect_success
	expect_probe hostname ctrun-test
}

@test "exec in paused container" {
	requires ctrun
	start_sleeper
	run ctrun pause "$CT_ID"
	expect_success

	run ctrun exec "$CT_ID" /bin/ctprobe pid
	expect_failure 255
	expect_output_has "container is paused"

	# With --ignore-paused the process starts frozen and runs on resume.
	"$CTRUN" --root "$CT_ROOT" exec --ignore-paused "$CT_ID" /bin/ctprobe write /tmp/after-resume yes \
		>"$CT_TMP/exec.out" 2>&1 3>&- &
	local runtime=$!
	sleep 0.5
	[ ! -e "$CT_BUNDLE/rootfs/tmp/after-resume" ] || fail "the process ran while paused"
	run ctrun resume "$CT_ID"
	expect_success
	wait "$runtime" || fail "exec failed: $(cat "$CT_TMP/exec.out")"
	[ "$(cat "$CT_BUNDLE/rootfs/tmp/after-resume")" = yes ] || fail "the process did not run"
}

@test "exec leaks no host fds" {
	start_sleeper

	exec 7</dev/null 8>"$CT_TMP/host-file"
	run ctrun exec "$CT_ID" /bin/ctprobe fds
	exec 7<&- 8>&-
	expect_success
	[ "${#lines[@]}" -eq 3 ] || fail "expected only fds 0, 1 and 2"
	probe_value 0 >/dev/null || fail "no fd 0"
	probe_value 2 >/dev/null || fail "no fd 2"
}

@test "exec preserve fds" {
	start_sleeper
	echo three >"$CT_TMP/three"
	echo four >"$CT_TMP/four"

	run ctrun exec --preserve-fds 2 "$CT_ID" /bin/ctprobe fds 3<"$CT_TMP/three" 4<"$CT_TMP/four" 5</dev/null
	expect_success
	[[ "$(probe_value 3)" == *three ]] || fail "fd 3 is $(probe_value 3)"
	[[ "$(probe_value 4)" == *four ]] || fail "fd 4 is $(probe_value 4)"
	! probe_value 5 >/dev/null || fail "fd 5 leaked"
}

@test "exec starts in container root, not host cwd" {
	start_sleeper
	touch "$CT_BUNDLE/rootfs/container-root-marker"
	mkdir -p "$CT_TMP/host-dir"
	cd "$CT_TMP/host-dir"

	run ctrun exec "$CT_ID" /bin/ctprobe cwd
	expect_success
	expect_probe cwd /
	# The relative path resolves in the cwd, which must be the container's root.
	run ctrun exec "$CT_ID" /bin/ctprobe stat container-root-marker
	expect_success
	expect_probe type file
}

@test "exec forwards signals" {
	start_sleeper
	"$CTRUN" --root "$CT_ROOT" exec "$CT_ID" /bin/ctprobe sleep inf >"$CT_TMP/exec.out" 2>&1 3>&- &
	local runtime=$! status=0
	for _ in $(seq 100); do
		grep -q sleeping=inf "$CT_TMP/exec.out" && break
		sleep 0.1
	done

	kill -TERM "$runtime"
	wait "$runtime" || status=$?
	[ "$status" -eq 143 ] || fail "exit status is $status: $(cat "$CT_TMP/exec.out")"
	grep -q '^signal=15$' "$CT_TMP/exec.out" || fail "no signal=15 in $(cat "$CT_TMP/exec.out")"
}

@test "exec sub-cgroup of one controller" {
	requires cgroup_v1 ctrun
	start_sleeper
	local dir
	dir=$(container_cgroup_dir pids)
	[ -n "$dir" ] || skip "no pids hierarchy"
	mkdir "$dir/sub"

	run ctrun exec --cgroup pids:sub "$CT_ID" /bin/ctprobe cgroup
	rmdir "$dir/sub"
	expect_success
	expect_output_has ":pids:/sub"
	expect_output_has ":memory:/"
	expect_output_lacks ":memory:/sub"
}

@test "exec sub-cgroup outside container fails" {
	requires ctrun
	start_sleeper

	run ctrun exec --cgroup ../escape "$CT_ID" /bin/true
	expect_failure 255
	expect_output_has "expected a path below the container's cgroup"
}

# apparmor.bats tests --apparmor where AppArmor is active.
@test "exec --apparmor ignored when AppArmor is disabled" {
	requires ctrun
	[ "$(cat /sys/module/apparmor/parameters/enabled 2>/dev/null)" != Y ] || skip "AppArmor is enabled"
	start_sleeper

	run ctrun --debug --log "$CT_TMP/debug.log" exec --apparmor ctrun-test-profile "$CT_ID" /bin/ctprobe id
	expect_success
	expect_probe uid 0
	grep -q 'AppArmor is not enabled, profile .*ctrun-test-profile.* ignored' "$CT_TMP/debug.log" ||
		fail "no debug line: $(cat "$CT_TMP/debug.log")"
}

@test "exec --process-label ignored when SELinux is disabled" {
	requires ctrun
	[ ! -e /sys/fs/selinux/enforce ] || skip "SELinux is enabled"
	start_sleeper

	run ctrun --debug --log "$CT_TMP/debug.log" exec --process-label system_u:system_r:container_t:s0 \
		"$CT_ID" /bin/ctprobe id
	expect_success
	expect_probe uid 0
	grep -q 'SELinux is not enabled, label .*system_u:system_r:container_t:s0.* ignored' "$CT_TMP/debug.log" ||
		fail "no debug line: $(cat "$CT_TMP/debug.log")"
}

@test "exec in user namespace" {
	requires userns
	use_user_namespace
	start_sleeper
	local pid
	pid=$(container_pid "$CT_ID")

	run ctrun exec --user 1000:1000 "$CT_ID" /bin/sh -c 'ctprobe id; ctprobe ns'
	expect_success
	expect_probe uid 1000
	expect_probe user "$(ns_of "$pid" user)"
	expect_probe mnt "$(ns_of "$pid" mnt)"
}

@test "exec applies container seccomp filter" {
	requires ctrun
	update_config '.linux.seccomp = {"defaultAction": "SCMP_ACT_ALLOW",
		"syscalls": [{"names": ["mkdir", "mkdirat"], "action": "SCMP_ACT_ERRNO"}]}'
	start_sleeper

	run ctrun exec "$CT_ID" /bin/ctprobe seccomp
	expect_success
	expect_probe seccomp 2
	run ctrun exec "$CT_ID" /bin/ctprobe mkdir /exec-dir
	expect_failure 1
	expect_probe errno EPERM

	echo '{ "args": ["/bin/ctprobe", "mkdir", "/exec-dir"], "cwd": "/" }' >"$CT_TMP/process.json"
	run ctrun exec --process "$CT_TMP/process.json" "$CT_ID"
	expect_failure 1
	expect_probe errno EPERM
}
