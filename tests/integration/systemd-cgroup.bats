#!/usr/bin/env bats
# SPDX-License-Identifier: Apache-2.0
#
# The systemd cgroup driver (--systemd-cgroup, --cgroup-manager systemd):
# "slice:prefix:name" paths, the driver saved in the state, and the flag on
# every command, as CRI-O and containerd pass it.
#
# Where the unit goes: like runc, ctrun roots the systemd tree at the cgroup
# of PID 1 ("/" on a systemd host, with "init.scope" left out). On this host
# PID 1 sits in the root memory cgroup, but a test may only make cgroups
# below the memory cgroup of the runner. A slice name cannot express that
# parent: "process_api-x.slice" expands to process_api.slice/..., not to the
# runner's /process_api/x. So the tests that create a container run ctrun
# in a PID namespace of their own, whose PID 1 (a sleep) is in the runner's
# cgroups: the tree then starts there, which is also what a systemd inside
# a container without a cgroup namespace would see. The namespace's /proc
# is private, so state pids are pids of that namespace; those containers
# are created, used and deleted only through sd_ctrun, and killing the
# namespace's PID 1 kills anything left in it.

load helpers
load cgroup-files

setup() {
	ct_setup
	SD_INIT=
}

teardown() {
	local rc=0
	if [ -n "$SD_INIT" ]; then
		sd_ctrun delete --force "$CT_ID" >/dev/null 2>&1 || true
		kill -KILL "$SD_INIT" 2>/dev/null || true
		wait 2>/dev/null || true
	fi
	ct_teardown || rc=$?
	remove_test_slices
	return $rc
}

# Removes the slice directories that a failed test left: ct_teardown
# reports and removes the units, whose names have the test prefix, but
# not their parent slices.
remove_test_slices() {
	local mnt dir
	for mnt in $(awk '$9 == "cgroup" || $9 == "cgroup2" { print $5 }' /proc/self/mountinfo); do
		while IFS= read -r dir; do
			rmdir "$dir" 2>/dev/null || true
		done < <(find "$mnt" -depth -type d -path "*/ctsd.slice*" -name "ctsd*" 2>/dev/null)
	done
}

# Starts the PID namespace; SD_INIT is its PID 1 as seen from here.
start_pid_namespace() {
	unshare --pid --fork --mount-proc sleep inf 3>&- &
	local parent=$! child
	for _ in $(seq 50); do
		child=$(pgrep -P "$parent" -x sleep) && break
		sleep 0.1
	done
	[ -n "$child" ] || fail "the PID namespace did not start" || return 1
	SD_INIT=$child
}

# Runs the runtime inside the PID namespace, with the test's --root, and
# logs it like the ctrun helper. Use it as `run sd_ctrun ARGS...`.
sd_ctrun() {
	local rc=0 out=$CT_TMP/ctrun-output
	echo "\$ [pid namespace] $CTRUN --root $CT_ROOT $*" >>"$CT_LOG"
	ct_timeout nsenter --target "$SD_INIT" --pid --mount --wd="$PWD" "$CTRUN" --root "$CT_ROOT" "$@" \
		</dev/null >"$out" 2>&1 || rc=$?
	cat "$out" | tee -a "$CT_LOG"
	echo "[exit status $rc]" >>"$CT_LOG"
	return $rc
}

# Prints the directory of the unit in the hierarchy that has CONTROLLER:
# the cgroup of the namespace's PID 1 there, then the slice and the unit.
unit_dir() {
	local base
	base=$(cg_dir "$SD_INIT" "$1") || return 1
	echo "$base/$2"
}

@test "systemd cgroup: slice:prefix:name through the lifecycle" {
	requires ctrun
	start_pid_namespace
	local token=${CT_ID//-/} dir pid
	local slice="ctsd-$token.slice" unit="ctsd-$CT_CGROUP_PREFIX$CT_ID.scope"
	update_config ".linux.cgroupsPath = \"$slice:ctsd:$CT_CGROUP_PREFIX$CT_ID\"
		| .linux.resources.memory.limit = 67108864
		| .process.args = [\"/bin/ctprobe\", \"sleep\", \"inf\"]"

	run sd_ctrun --debug --systemd-cgroup create --bundle "$CT_BUNDLE" "$CT_ID"
	expect_success
	expect_output_has "systemd cgroup driver"
	dir=$(unit_dir memory "ctsd.slice/$slice/$unit")
	[ -d "$dir" ] || fail "no unit cgroup \"$dir\""
	pid=$(head -n1 "$dir/cgroup.procs")
	[ -n "$pid" ] || fail "the unit cgroup holds no process"
	[ "$(cg_read "$pid" memory.limit)" = 67108864 ] || fail "memory limit: $(cg_read "$pid" memory.limit)"
	[ "$(jq -r '.ctrun.cgroupPaths["meta:driver"]' "$CT_ROOT/$CT_ID/state.json")" = systemd ] ||
		fail "the state does not record the driver"

	run sd_ctrun --systemd-cgroup start "$CT_ID"
	expect_success
	run sd_ctrun state "$CT_ID"
	expect_success
	[ "$(echo "$output" | jq -r .status)" = running ] || fail "state: $output"

	# Without the flag, update and pause find the unit in the state.
	run sd_ctrun update --memory 33554432 "$CT_ID"
	expect_success
	[ "$(cg_read "$pid" memory.limit)" = 33554432 ] || fail "updated limit: $(cg_read "$pid" memory.limit)"
	run sd_ctrun pause "$CT_ID"
	expect_success
	[ "$(cg_read "$pid" freezer.frozen)" = 1 ] || fail "the unit is not frozen"
	run sd_ctrun --cgroup-manager systemd resume "$CT_ID"
	expect_success
	[ "$(cg_read "$pid" freezer.frozen)" = 0 ] || fail "the unit is still frozen"
	run sd_ctrun ps --format json "$CT_ID"
	expect_success
	[ "$(echo "$output" | jq length)" = 1 ] || fail "ps: $output"
	# exec joins every hierarchy of the state, and no more.
	run sd_ctrun exec "$CT_ID" /bin/ctprobe sleep 0
	expect_success
	run sd_ctrun events --stats "$CT_ID"
	expect_success
	[ "$(echo "$output" | jq -r .data.memory.usage.limit)" = 33554432 ] || fail "events: $output"

	run sd_ctrun --systemd-cgroup kill "$CT_ID" KILL
	expect_success
	wait_for_exit "$pid"
	run sd_ctrun --systemd-cgroup delete "$CT_ID"
	expect_success
	[ ! -e "$dir" ] || fail "unit cgroup left: $dir"
	[ ! -e "$(unit_dir memory ctsd.slice)" ] || fail "slice cgroup left: $(unit_dir memory ctsd.slice)"
	[ -z "$(ls -A "$CT_ROOT")" ] || fail "state left: $(ls -A "$CT_ROOT")"
}

@test "systemd cgroup: a slice as the container's cgroup" {
	requires ctrun
	start_pid_namespace
	local token=${CT_ID//-/} dir
	update_config ".linux.cgroupsPath = \"ctsd.slice:ignored:ctsd-$token.slice\""

	run sd_ctrun --cgroup-manager=systemd create --bundle "$CT_BUNDLE" "$CT_ID"
	expect_success
	dir=$(unit_dir pids "ctsd.slice/ctsd-$token.slice")
	[ -n "$(cat "$dir/cgroup.procs")" ] || fail "the slice cgroup \"$dir\" holds no process"
	run sd_ctrun delete --force "$CT_ID"
	expect_success
	[ ! -e "$(unit_dir pids ctsd.slice)" ] || fail "slice cgroup left: $(unit_dir pids ctsd.slice)"
}

@test "systemd cgroup: delete --force without state.json" {
	# CRI-O passes the flag to delete too, which then reads the stored
	# config's path as a unit.
	requires ctrun
	start_pid_namespace
	local token=${CT_ID//-/} dir
	update_config ".linux.cgroupsPath = \"ctsd-$token.slice:ctsd:$CT_CGROUP_PREFIX$CT_ID\"
		| .process.args = [\"/bin/ctprobe\", \"sleep\", \"inf\"]"
	run sd_ctrun --systemd-cgroup create --bundle "$CT_BUNDLE" "$CT_ID"
	expect_success
	dir=$(unit_dir pids "ctsd.slice/ctsd-$token.slice/ctsd-$CT_CGROUP_PREFIX$CT_ID.scope")
	[ -n "$(cat "$dir/cgroup.procs")" ] || fail "the unit cgroup \"$dir\" holds no process"
	rm "$CT_ROOT/$CT_ID/state.json"

	run sd_ctrun --systemd-cgroup delete --force "$CT_ID"
	expect_success
	[ ! -e "$dir" ] || fail "unit cgroup left: $dir"
	[ -z "$(ls -A "$CT_ROOT")" ] || fail "state left: $(ls -A "$CT_ROOT")"
}

@test "systemd cgroup: malformed paths are rejected" {
	requires ctrun
	update_config ".linux.cgroupsPath = \"$CT_CGROUP_PREFIX$CT_ID\""
	run ctrun --systemd-cgroup create --bundle "$CT_BUNDLE" "$CT_ID"
	expect_failure 1
	expect_output_has "linux.cgroupsPath: \"$CT_CGROUP_PREFIX$CT_ID\" does not have exactly three fields"
	expect_output_has 'expects "slice:prefix:name"'
	expect_nothing_left

	update_config '.linux.cgroupsPath = "a--b.slice:p:web"'
	run ctrun --cgroup-manager systemd create --bundle "$CT_BUNDLE" "$CT_ID"
	expect_failure 1
	expect_output_has "has a slice that is not a valid slice unit name"
	expect_nothing_left

	# Without the flag, the systemd form is refused rather than used as a
	# directory name.
	update_config '.linux.cgroupsPath = "system.slice:ctrun:web"'
	run ctrun create --bundle "$CT_BUNDLE" "$CT_ID"
	expect_failure 1
	expect_output_has "needs the systemd cgroup driver (--systemd-cgroup)"
	expect_nothing_left
}

@test "systemd cgroup: the flag on state, kill and delete of a cgroupfs container" {
	requires ctrun
	start_sleeper
	run ctrun --systemd-cgroup state "$CT_ID"
	expect_success
	[ "$(echo "$output" | jq -r .status)" = running ] || fail "state: $output"
	run ctrun --cgroup-manager systemd state "$CT_ID"
	expect_success
	run ctrun --systemd-cgroup kill "$CT_ID" KILL
	expect_success
	wait_for_status "$CT_ID" stopped
	run ctrun --systemd-cgroup delete --force "$CT_ID"
	expect_success
	expect_nothing_left
}
