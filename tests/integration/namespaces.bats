#!/usr/bin/env bats
# Namespaces: new ones, ones joined by path, and what the container sees in
# uts, user and time namespaces.

load helpers

setup() {
	ct_setup
}

teardown() {
	ct_teardown
}

# Prints the inode of one of the test runner's own namespaces.
host_ns() {
	stat -L -c %i "/proc/self/ns/$1"
}

@test "namespaces hostname" {
	update_config '.hostname = "box1" | .process.args = ["/bin/ctprobe", "hostname"]'

	run ctrun run --bundle "$CT_BUNDLE" "$CT_ID"
	expect_success
	expect_probe hostname box1
	[ "$(hostname)" != box1 ] || fail "the container changed the host name of the runner"
}

@test "namespaces domainname" {
	# runc 1.1 has no domainname support: it came in runtime-spec 1.1.
	requires ctrun
	update_config '.domainname = "example.test" | .process.args = ["/bin/ctprobe", "domainname"]'

	run ctrun run --bundle "$CT_BUNDLE" "$CT_ID"
	expect_success
	expect_probe domainname example.test
}

@test "namespaces all new" {
	update_config '.process.args = ["/bin/ctprobe", "ns"]'

	run ctrun run --bundle "$CT_BUNDLE" "$CT_ID"
	expect_success
	for ns in pid net ipc uts mnt cgroup; do
		value=$(probe_value "$ns") || fail "no $ns line"
		[ "$value" != "$(host_ns "$ns")" ] || fail "the $ns namespace is the runner's"
	done
	for ns in user; do
		expect_probe "$ns" "$(host_ns "$ns")"
	done
}

@test "namespaces host ones kept" {
	update_config '.process.args = ["/bin/ctprobe", "ns"]
		| .linux.namespaces |= map(select(.type == "mount" or .type == "pid"))
		| del(.hostname)'

	run ctrun run --bundle "$CT_BUNDLE" "$CT_ID"
	expect_success
	expect_probe net "$(host_ns net)"
	expect_probe uts "$(host_ns uts)"
	expect_probe ipc "$(host_ns ipc)"
	expect_probe cgroup "$(host_ns cgroup)"
}

@test "namespaces pid 1 in new pid namespace" {
	update_config '.process.args = ["/bin/ctprobe", "pid"]'

	run ctrun run --bundle "$CT_BUNDLE" "$CT_ID"
	expect_success
	expect_probe pid 1
	expect_probe ppid 0
}

@test "namespaces joined by path" {
	start_sleeper
	pid=$(container_pid "$CT_ID")
	first_net=$(stat -L -c %i "/proc/$pid/ns/net")
	first_uts=$(stat -L -c %i "/proc/$pid/ns/uts")
	first_ipc=$(stat -L -c %i "/proc/$pid/ns/ipc")

	second=$CT_ID-b
	make_bundle "$CT_TMP/bundle-b" "$second"
	# A container that joins another's uts namespace must not set its host name.
	update_config '.process.args = ["/bin/sh", "-c", "ctprobe ns; ctprobe hostname"]
		| del(.hostname)
		| .linux.namespaces |= map(
			if .type == "network" then .path = "/proc/'"$pid"'/ns/net"
			elif .type == "uts" then .path = "/proc/'"$pid"'/ns/uts"
			elif .type == "ipc" then .path = "/proc/'"$pid"'/ns/ipc"
			else . end)' "$CT_TMP/bundle-b"

	run ctrun run --bundle "$CT_TMP/bundle-b" "$second"
	expect_success
	expect_probe net "$first_net"
	expect_probe uts "$first_uts"
	expect_probe ipc "$first_ipc"
	expect_probe hostname ctrun-test
	value=$(probe_value pid)
	[ "$value" != "$(stat -L -c %i "/proc/$pid/ns/pid")" ] || fail "the pid namespace was shared too"
}

@test "namespaces bad path fails" {
	update_config '.linux.namespaces |= map(if .type == "network" then .path = "/proc/self/ns/nonexistent" else . end)'

	run ctrun run --bundle "$CT_BUNDLE" "$CT_ID"
	expect_failure
	expect_output_has "/proc/self/ns/nonexistent"
}

@test "namespaces path of wrong type fails" {
	update_config '.linux.namespaces |= map(if .type == "network" then .path = "/proc/self/ns/uts" else . end)'

	run ctrun run --bundle "$CT_BUNDLE" "$CT_ID"
	expect_failure
}

@test "namespaces user with mappings" {
	requires userns
	update_config '.process.args = ["/bin/sh", "-c", "cat /proc/self/uid_map /proc/self/gid_map; ctprobe id; ctprobe ns"]'
	use_user_namespace

	run ctrun run --bundle "$CT_BUNDLE" "$CT_ID"
	expect_success
	[[ "${lines[0]}" =~ ^\ *0\ +100000\ +65536$ ]] || fail "uid_map is \"${lines[0]}\""
	[[ "${lines[1]}" =~ ^\ *0\ +200000\ +65536$ ]] || fail "gid_map is \"${lines[1]}\""
	expect_probe uid 0
	expect_probe gid 0
	value=$(probe_value user)
	[ "$value" != "$(host_ns user)" ] || fail "the user namespace is the runner's"
}

@test "namespaces user without mappings fails" {
	requires userns
	update_config '.linux.namespaces += [{"type": "user"}]'

	run ctrun run --bundle "$CT_BUNDLE" "$CT_ID"
	expect_failure
}

@test "namespaces time offsets" {
	requires timens ctrun
	update_config '.process.args = ["/bin/sh", "-c", "cat /proc/self/timens_offsets; ctprobe clock"]
		| .linux.namespaces += [{"type": "time"}]
		| .linux.timeOffsets = {"monotonic": {"secs": 86400, "nanosecs": 0},
			"boottime": {"secs": 172800, "nanosecs": 0}}'
	host_uptime=$(cut -d. -f1 /proc/uptime)

	run ctrun run --bundle "$CT_BUNDLE" "$CT_ID"
	expect_success
	[ "$(awk '$1 == "monotonic" { print $2, $3 }' <<<"$output")" = "86400 0" ] ||
		fail "timens_offsets lack the monotonic offset"
	[ "$(awk '$1 == "boottime" { print $2, $3 }' <<<"$output")" = "172800 0" ] ||
		fail "timens_offsets lack the boottime offset"
	monotonic=$(probe_value monotonic)
	boottime=$(probe_value boottime)
	[ "$monotonic" -ge $((host_uptime + 86400)) ] || fail "monotonic clock $monotonic is not offset"
	[ "$boottime" -ge $((host_uptime + 172800)) ] || fail "boot time clock $boottime is not offset"
}

@test "namespaces unknown type fails" {
	update_config '.linux.namespaces += [{"type": "foo"}]'

	run ctrun run --bundle "$CT_BUNDLE" "$CT_ID"
	expect_failure
	expect_output_has "foo"
	if is_ctrun; then
		expect_output_has "linux.namespaces[6].type"
	fi
}
