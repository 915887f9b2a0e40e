#!/usr/bin/env bats
# SPDX-License-Identifier: Apache-2.0
#
# AppArmor profiles where AppArmor is active: process.apparmorProfile of the
# container, `exec --apparmor`, and the profile of an `exec --process` file.
# Two test profiles are loaded with apparmor_parser for the file and removed
# afterwards. Each denies reading one file that the container can otherwise
# read, so a test sees from inside that its profile is enforced, and not
# only named in /proc/self/attr. Every test skips where AppArmor is not
# active, as on our development machines; the pure cgroup v2 VM lane runs
# them (its kernel has AppArmor on and its /init mounts securityfs).

load helpers

# The profiles are global to the kernel, so their names carry the run's
# token, which keeps two runs at once apart.
aa_secret_profile=ctrun-test-$CT_RUN_TOKEN-secret
aa_other_profile=ctrun-test-$CT_RUN_TOKEN-other

# Prints why AppArmor profiles cannot be tested here, or nothing.
apparmor_missing() {
	if [ "$(cat /sys/module/apparmor/parameters/enabled 2>/dev/null)" != Y ]; then
		echo "AppArmor is not enabled"
	elif [ ! -d /sys/kernel/security/apparmor ]; then
		echo "securityfs is not mounted on /sys/kernel/security"
	elif ! command -v apparmor_parser >/dev/null; then
		echo "apparmor_parser not found: install the apparmor package"
	fi
}

# Writes a profile that allows everything a test container does, except
# reading /etc/NAME, which each test puts into its rootfs.
write_profile() {
	local profile=$1 denied=$2
	cat <<EOF
profile $profile flags=(attach_disconnected,mediate_deleted) {
  file,
  capability,
  network,
  signal,
  ptrace,
  unix,
  deny /etc/$denied r,
}
EOF
}

setup_file() {
	[ -z "$(apparmor_missing)" ] || return 0
	write_profile "$aa_secret_profile" ctrun-secret >"$BATS_FILE_TMPDIR/profiles"
	write_profile "$aa_other_profile" ctrun-other >>"$BATS_FILE_TMPDIR/profiles"
	# -r loads the profiles, or replaces ones that a killed run left.
	apparmor_parser -r "$BATS_FILE_TMPDIR/profiles" 2>&1 || return 1
}

teardown_file() {
	[ -z "$(apparmor_missing)" ] || return 0
	[ -f "$BATS_FILE_TMPDIR/profiles" ] || return 0
	apparmor_parser -R "$BATS_FILE_TMPDIR/profiles" 2>&1
}

setup() {
	local reason
	reason=$(apparmor_missing)
	[ -z "$reason" ] || skip "$reason"
	ct_setup
	echo secret >"$CT_BUNDLE/rootfs/etc/ctrun-secret"
	echo other >"$CT_BUNDLE/rootfs/etc/ctrun-other"
}

teardown() { ct_teardown; }

# The shell command that prints the process's AppArmor label as
# "label=..." and tries to read both files with ctprobe.
probe_script='printf "label=%s\n" "$(cat /proc/self/attr/apparmor/current 2>/dev/null || cat /proc/self/attr/current)"
	/bin/ctprobe open /etc/ctrun-secret | sed "s/^/secret-/"
	/bin/ctprobe open /etc/ctrun-other | sed "s/^/other-/"'

# Writes a process.json for `exec --process` from the container's process:
# the probe script, and the rest of the jq filter $1.
write_process_file() {
	jq --arg script "$probe_script" ".process | .args = [\"/bin/sh\", \"-c\", \$script] | $1" \
		"$CT_BUNDLE/config.json" >"$CT_TMP/process.json"
}

@test "apparmor container without a profile" {
	jq --arg script "$probe_script" '.process.args = ["/bin/sh", "-c", $script]' config.json >config.new
	mv config.new config.json
	run ctrun run --bundle "$CT_BUNDLE" "$CT_ID"
	expect_success
	expect_probe label unconfined
	expect_probe secret-opened /etc/ctrun-secret
	expect_probe other-opened /etc/ctrun-other
}

@test "apparmor profile of the container" {
	jq --arg script "$probe_script" --arg profile "$aa_secret_profile" \
		'.process.args = ["/bin/sh", "-c", $script] | .process.apparmorProfile = $profile' config.json >config.new
	mv config.new config.json
	run ctrun run --bundle "$CT_BUNDLE" "$CT_ID"
	expect_success
	expect_probe label "$aa_secret_profile (enforce)"
	expect_probe secret-errno EACCES
	expect_probe other-opened /etc/ctrun-other
}

@test "apparmor exec keeps the container's profile" {
	update_config ".process.apparmorProfile = \"$aa_secret_profile\""
	start_sleeper
	run ctrun exec "$CT_ID" /bin/sh -c "$probe_script"
	expect_success
	expect_probe label "$aa_secret_profile (enforce)"
	expect_probe secret-errno EACCES
	expect_probe other-opened /etc/ctrun-other
}

@test "apparmor exec --apparmor replaces the profile" {
	update_config ".process.apparmorProfile = \"$aa_secret_profile\""
	start_sleeper
	run ctrun exec --apparmor "$aa_other_profile" "$CT_ID" /bin/sh -c "$probe_script"
	expect_success
	expect_probe label "$aa_other_profile (enforce)"
	expect_probe secret-opened /etc/ctrun-secret
	expect_probe other-errno EACCES
}

@test "apparmor exec --process with its own profile" {
	update_config ".process.apparmorProfile = \"$aa_secret_profile\""
	start_sleeper
	write_process_file ".apparmorProfile = \"$aa_other_profile\""
	run ctrun exec --process "$CT_TMP/process.json" "$CT_ID"
	expect_success
	expect_probe label "$aa_other_profile (enforce)"
	expect_probe secret-opened /etc/ctrun-secret
	expect_probe other-errno EACCES
}

@test "apparmor exec --process without a profile" {
	# runc 1.1.5 runs this process unconfined.
	requires ctrun
	update_config ".process.apparmorProfile = \"$aa_secret_profile\""
	start_sleeper
	write_process_file 'del(.apparmorProfile)'
	run ctrun exec --process "$CT_TMP/process.json" "$CT_ID"
	expect_success
	expect_probe label "$aa_secret_profile (enforce)"
	expect_probe secret-errno EACCES
}

@test "apparmor exec --apparmor over --process" {
	# runc 1.1.5 ignores exec's flags when --process is given.
	requires ctrun
	start_sleeper
	write_process_file ".apparmorProfile = \"$aa_secret_profile\""
	run ctrun exec --apparmor "$aa_other_profile" --process "$CT_TMP/process.json" "$CT_ID"
	expect_success
	expect_probe label "$aa_other_profile (enforce)"
	expect_probe other-errno EACCES
}

@test "apparmor profile not loaded" {
	update_config '.process.apparmorProfile = "ctrun-test-not-loaded" | .process.args = ["/bin/true"]'
	run ctrun run --bundle "$CT_BUNDLE" "$CT_ID"
	expect_failure
	if is_ctrun; then
		expect_output_has 'process.apparmorProfile: profile "ctrun-test-not-loaded" is not loaded'
	fi
	expect_nothing_left
}

@test "apparmor exec --apparmor profile not loaded" {
	start_sleeper
	run ctrun exec --apparmor ctrun-test-not-loaded "$CT_ID" /bin/true
	expect_failure 255
	if is_ctrun; then
		expect_output_has 'profile "ctrun-test-not-loaded" is not loaded'
	fi
}
