#!/usr/bin/env bats
# `spec`: the example config.json that the runtime writes.

load helpers

setup() {
	ct_setup
	SPEC_DIR=$CT_TMP/spec
	mkdir -p "$SPEC_DIR"
	cd "$SPEC_DIR" || return 1
}

teardown() {
	ct_teardown
}

@test "spec writes valid config" {
	run ctrun spec
	expect_success
	[ -f config.json ] || fail "spec wrote no config.json"
	jq -e . config.json >/dev/null || fail "config.json is not JSON"
	[[ "$(jq -r .ociVersion config.json)" == 1.* ]] || fail "ociVersion is $(jq .ociVersion config.json)"
	[ "$(jq -r .root.path config.json)" = rootfs ] || fail "root.path is $(jq .root.path config.json)"
	[ "$(jq -r '.process.args | length' config.json)" -gt 0 ] || fail "process.args is empty"
	for ns in pid network ipc uts mount; do
		jq -e --arg ns "$ns" '.linux.namespaces | map(.type) | index($ns)' config.json >/dev/null ||
			fail "no $ns namespace in $(jq -c .linux.namespaces config.json)"
	done
	jq -e '.mounts | map(.destination) | index("/proc")' config.json >/dev/null || fail "no /proc mount"
}

@test "spec config runs" {
	run ctrun spec
	expect_success
	cp -a "$CT_BUNDLE/rootfs" rootfs
	# The example asks for a terminal, which the test has not got, and has
	# no cgroups path, so it would use one outside the test's cgroup.
	update_config '.process.terminal = false
		| .process.args = ["/bin/ctprobe", "hostname"]
		| .linux.cgroupsPath = "'"$CT_CGROUP_PREFIX$CT_ID"'"' "$SPEC_DIR"

	run ctrun run --bundle "$SPEC_DIR" "$CT_ID"
	expect_success
	expect_output_has "hostname="
}

@test "spec bundle option" {
	run ctrun spec --bundle "$CT_TMP/other"
	expect_failure
	mkdir "$CT_TMP/other"
	run ctrun spec --bundle "$CT_TMP/other"
	expect_success
	[ -f "$CT_TMP/other/config.json" ] || fail "spec --bundle wrote no config.json in the bundle"
	[ ! -e config.json ] || fail "spec --bundle also wrote ./config.json"
}

@test "spec rootless" {
	run ctrun spec --rootless
	expect_success
	jq -e '.linux.namespaces | map(.type) | index("user")' config.json >/dev/null ||
		fail "no user namespace in $(jq -c .linux.namespaces config.json)"
	[ "$(jq -r '.linux.uidMappings[0].hostID' config.json)" = "$(id -u)" ] ||
		fail "uidMappings are $(jq -c .linux.uidMappings config.json)"
	[ "$(jq -r '.linux.gidMappings[0].hostID' config.json)" = "$(id -g)" ] ||
		fail "gidMappings are $(jq -c .linux.gidMappings config.json)"
	[ "$(jq -r '.linux.uidMappings[0].containerID' config.json)" = 0 ] || fail "the mapping is not for uid 0"
	# Without privileges a new network namespace would have no way out.
	! jq -e '.linux.namespaces | map(.type) | index("network")' config.json >/dev/null ||
		fail "a rootless spec has a network namespace"
}

@test "spec does not overwrite config" {
	echo '{"mine": true}' >config.json

	run ctrun spec
	expect_failure
	expect_output_has "config.json"
	[ "$(jq -r .mine config.json)" = true ] || fail "spec changed the existing config.json"
}
