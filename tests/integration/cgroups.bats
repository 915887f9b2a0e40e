#!/usr/bin/env bats
# Cgroups: a relative linux.cgroupsPath lands below the runtime's own cgroup
# in every hierarchy, exists while the container runs and is gone after
# delete.

load helpers

setup() {
	ct_setup
	CGROUPS_PATH=$(jq -r .linux.cgroupsPath "$CT_BUNDLE/config.json")
}

teardown() {
	ct_teardown
}

# Prints "HIERARCHY-ID:CONTROLLERS:PATH" for each hierarchy of this shell,
# with the container's relative cgroups path appended to PATH.
expected_cgroups() {
	local id controllers path
	while IFS=: read -r id controllers path; do
		path=${path%/}
		echo "$id:$controllers:$path/$CGROUPS_PATH"
	done </proc/self/cgroup
}

# Prints the directory of each line of expected_cgroups on the host.
expected_cgroup_dirs() {
	local id controllers path mnt
	while IFS=: read -r id controllers path; do
		if [ -z "$controllers" ]; then
			mnt=$(awk '$9 == "cgroup2" { print $5; exit }' /proc/self/mountinfo)
		else
			# A v1 mount's super block options name its controllers.
			mnt=$(awk -v c="$controllers" '$9 == "cgroup" {
				n = split($NF, opts, ","); k = split(c, want, ","); found = 0
				for (i = 1; i <= n; i++) for (j = 1; j <= k; j++) if (opts[i] == want[j]) found++
				if (found == k) { print $5; exit } }' /proc/self/mountinfo)
		fi
		[ -n "$mnt" ] && echo "$mnt$path"
	done < <(expected_cgroups)
}

@test "cgroups path below runner" {
	start_sleeper
	pid=$(container_pid "$CT_ID")

	expected=$(expected_cgroups | sort)
	actual=$(sort "/proc/$pid/cgroup")
	[ "$actual" = "$expected" ] || fail "/proc/$pid/cgroup is
$actual
expected
$expected"
}

@test "cgroups dirs exist while running" {
	start_sleeper
	pid=$(container_pid "$CT_ID")

	dirs=$(expected_cgroup_dirs)
	[ -n "$dirs" ] || fail "no cgroup hierarchy found"
	for dir in $dirs; do
		[ -d "$dir" ] || fail "$dir does not exist"
		grep -qx "$pid" "$dir/cgroup.procs" || fail "$pid is not in $dir/cgroup.procs"
	done
}

@test "cgroups gone after delete" {
	start_sleeper
	dirs=$(expected_cgroup_dirs)

	run ctrun delete --force "$CT_ID"
	expect_success
	for dir in $dirs; do
		[ ! -d "$dir" ] || fail "$dir remains after delete"
	done
}

@test "cgroups gone after run" {
	update_config '.process.args = ["/bin/ctprobe", "cgroup"]'
	dirs=$(expected_cgroup_dirs)

	run ctrun run --bundle "$CT_BUNDLE" "$CT_ID"
	expect_success
	for dir in $dirs; do
		[ ! -d "$dir" ] || fail "$dir remains after run"
	done
}

@test "cgroups namespace hides path" {
	update_config '.process.args = ["/bin/ctprobe", "cgroup"]'

	run ctrun run --bundle "$CT_BUNDLE" "$CT_ID"
	expect_success
	for line in "${lines[@]}"; do
		[[ "$line" == *:/ ]] || fail "in a cgroup namespace the path is not /: $line"
	done
}

@test "cgroups path seen without namespace" {
	update_config '.process.args = ["/bin/ctprobe", "cgroup"]
		| .linux.namespaces |= map(select(.type != "cgroup"))'

	run ctrun run --bundle "$CT_BUNDLE" "$CT_ID"
	expect_success
	expected=$(expected_cgroups | sort)
	actual=$(sort <<<"$output")
	[ "$actual" = "$expected" ] || fail "the container sees
$actual
expected
$expected"
}

@test "cgroups created container joined" {
	run ctrun create --bundle "$CT_BUNDLE" "$CT_ID"
	expect_success
	pid=$(container_pid "$CT_ID")

	# The init joins its cgroups before the user program starts.
	expected=$(expected_cgroups | sort)
	actual=$(sort "/proc/$pid/cgroup")
	[ "$actual" = "$expected" ] || fail "/proc/$pid/cgroup is $actual"
}

# Prints the v1 hierarchy directory of the container for one controller.
v1_cgroup_dir() {
	expected_cgroup_dirs | grep -E "/$1(,[^/]*)?/|/[^/]*,$1/" | head -1
}

@test "cgroups v1 resource limits" {
	requires cgroup_v1
	update_config '.linux.resources = {
		"memory": {"limit": 67108864},
		"pids": {"limit": 100},
		"cpu": {"shares": 512, "quota": 50000, "period": 100000}}'
	start_sleeper

	memory=$(v1_cgroup_dir memory)
	pids=$(v1_cgroup_dir pids)
	cpu=$(v1_cgroup_dir cpu)
	[ "$(cat "$memory/memory.limit_in_bytes")" = 67108864 ] ||
		fail "memory.limit_in_bytes is $(cat "$memory/memory.limit_in_bytes")"
	[ "$(cat "$pids/pids.max")" = 100 ] || fail "pids.max is $(cat "$pids/pids.max")"
	[ "$(cat "$cpu/cpu.shares")" = 512 ] || fail "cpu.shares is $(cat "$cpu/cpu.shares")"
	[ "$(cat "$cpu/cpu.cfs_quota_us")" = 50000 ] || fail "cpu.cfs_quota_us is $(cat "$cpu/cpu.cfs_quota_us")"
	[ "$(cat "$cpu/cpu.cfs_period_us")" = 100000 ] || fail "cpu.cfs_period_us is $(cat "$cpu/cpu.cfs_period_us")"
}

@test "cgroups pids limit enforced" {
	requires cgroup_v1
	update_config '.linux.resources = {"pids": {"limit": 3}}
		| .process.args = ["/bin/sh", "-c",
			"for i in 1 2 3 4 5; do /bin/ctprobe sleep 5 & done 2>/dev/null; wait; echo done"]'

	run ctrun run --bundle "$CT_BUNDLE" "$CT_ID"
	# Counting the shell, at most 3 processes exist, so at most two sleepers
	# start and the other forks fail.
	[ "$(grep -c '^sleeping=5$' <<<"$output")" -le 2 ] || fail "the pids limit let more than 2 sleepers start"
}

@test "cgroups existing path serves two containers" {
	# The runtime leaves a cgroup it did not make, and must leave it usable.
	# A write to cgroup.kill there would make Linux 6.18.44 kill each later
	# process that clone3 places into it.
	update_config '.process.args = ["/bin/true"]'
	local dir
	for dir in $(expected_cgroup_dirs); do
		mkdir "$dir"
		# A new v1 cpuset level is empty; in cgroup2 an empty one inherits.
		if [ -f "$dir/cpuset.cpus" ] && [ -f "$(dirname "$dir")/cpuset.cpus" ]; then
			cat "$(dirname "$dir")/cpuset.cpus" >"$dir/cpuset.cpus"
			cat "$(dirname "$dir")/cpuset.mems" >"$dir/cpuset.mems"
		fi
	done

	run ctrun run --bundle "$CT_BUNDLE" "$CT_ID"
	expect_success
	run ctrun run --bundle "$CT_BUNDLE" "$CT_ID-2"
	expect_success
	for dir in $(expected_cgroup_dirs); do
		rmdir "$dir" || fail "$dir is busy or gone"
	done
}
