#!/usr/bin/env bats
# SPDX-License-Identifier: Apache-2.0
#
# SELinux labels where SELinux is enabled: process.selinuxLabel, `exec
# --process-label`, the label of an `exec --process` file, and
# linux.mountLabel on the container's mounts. The labels are those of the
# test policy tests/vm/selinux-policy.conf, which the VM lane loads with
# `run-lane.sh --selinux`; every test skips where that policy is not loaded,
# as on our development machines. That VM runs permissive, so these tests
# check from inside the container that each label is set, not that
# SELinux enforces it.

load helpers

process_label=system_u:system_r:container_t
other_label=system_u:system_r:container_other_t
file_label=system_u:object_r:container_file_t

# Prints why the labels cannot be tested here, or nothing.
selinux_missing() {
	local label
	if [ ! -e /sys/fs/selinux/enforce ]; then
		echo "SELinux is not enabled"
		return
	fi
	# The kernel rejects a context that the loaded policy does not define.
	for label in "$process_label" "$other_label" "$file_label"; do
		if ! printf '%s' "$label" 2>/dev/null >/sys/fs/selinux/context; then
			echo "the loaded policy lacks $label: run-lane.sh --selinux loads one that has it"
			return
		fi
	done
}

setup() {
	local reason
	reason=$(selinux_missing)
	[ -z "$reason" ] || skip "$reason"
	ct_setup
}

teardown() { ct_teardown; }

# The shell command that prints the process's label as "label=...".
probe_script='printf "label=%s\n" "$(cat /proc/self/attr/current)"'

# Writes a process.json for `exec --process` from the container's process:
# the probe script, and the rest of the jq filter $1.
write_process_file() {
	jq --arg script "$probe_script" ".process | .args = [\"/bin/sh\", \"-c\", \$script] | $1" \
		"$CT_BUNDLE/config.json" >"$CT_TMP/process.json"
}

# Prints the label ctprobe reads from PATH's security.selinux xattr.
path_label() {
	ctrun exec "$CT_ID" /bin/ctprobe label "$1" | sed -n 's/^label=//p'
}

@test "selinux process label of the container" {
	jq --arg script "$probe_script" --arg wanted "$process_label" \
		'.process.args = ["/bin/sh", "-c", $script] | .process.selinuxLabel = $wanted' config.json >config.new
	mv config.new config.json
	run ctrun run --bundle "$CT_BUNDLE" "$CT_ID"
	expect_success
	expect_probe label "$process_label"
}

@test "selinux exec keeps the container's label" {
	update_config ".process.selinuxLabel = \"$process_label\""
	start_sleeper
	run ctrun exec "$CT_ID" /bin/sh -c "$probe_script"
	expect_success
	expect_probe label "$process_label"
}

@test "selinux exec --process-label replaces the label" {
	update_config ".process.selinuxLabel = \"$process_label\""
	start_sleeper
	run ctrun exec --process-label "$other_label" "$CT_ID" /bin/sh -c "$probe_script"
	expect_success
	expect_probe label "$other_label"
}

@test "selinux exec --process with its own label" {
	update_config ".process.selinuxLabel = \"$process_label\""
	start_sleeper
	write_process_file ".selinuxLabel = \"$other_label\""
	run ctrun exec --process "$CT_TMP/process.json" "$CT_ID"
	expect_success
	expect_probe label "$other_label"
}

@test "selinux exec --process without a label" {
	# Giving this process the container's label is ctrun's choice.
	requires ctrun
	update_config ".process.selinuxLabel = \"$process_label\""
	start_sleeper
	write_process_file 'del(.selinuxLabel)'
	run ctrun exec --process "$CT_TMP/process.json" "$CT_ID"
	expect_success
	expect_probe label "$process_label"
}

@test "selinux mountLabel on the container's mounts" {
	update_config ".linux.mountLabel = \"$file_label\""
	start_sleeper
	local path
	# tmpfs and devpts get context=, mqueue the xattr on its mount point.
	for path in /dev /dev/shm /dev/pts /dev/mqueue; do
		[ "$(path_label "$path")" = "$file_label" ] || fail "$path is labelled \"$(path_label "$path")\""
	done
	# A file made in a labelled tmpfs has the mount's label too.
	run ctrun exec "$CT_ID" /bin/ctprobe write /dev/shm/file text
	expect_success
	[ "$(path_label /dev/shm/file)" = "$file_label" ] || fail "/dev/shm/file is labelled \"$(path_label /dev/shm/file)\""
	# proc and sysfs keep the policy's labels.
	for path in /proc /sys; do
		[ "$(path_label "$path")" != "$file_label" ] || fail "$path got the mount label"
	done
	run ctrun exec "$CT_ID" /bin/sh -c 'cat /proc/self/mountinfo'
	expect_success
	expect_output_has "context=$file_label"
}

@test "selinux mountLabel in a user namespace" {
	requires userns
	local probe=${CTPROBE:-$CT_BUILD_DIR/tests/payload/ctprobe} host_mqueue dir=$CT_BUNDLE
	host_mqueue=$("$probe" label /dev/mqueue) || skip "the host has no labelled /dev/mqueue"
	update_config ".linux.mountLabel = \"$file_label\"
		| .linux.namespaces += [{\"type\": \"user\"}]
		| .linux.uidMappings = [{\"containerID\": 0, \"hostID\": 100000, \"size\": 65536}]
		| .linux.gidMappings = [{\"containerID\": 0, \"hostID\": 200000, \"size\": 65536}]"
	chown -R 100000:200000 "$CT_BUNDLE/rootfs"
	while [[ "$dir" == "$BATS_RUN_TMPDIR"* ]]; do
		chmod o+x "$dir"
		dir=$(dirname "$dir")
	done
	start_sleeper
	[ "$(path_label /dev)" = "$file_label" ] || fail "/dev is labelled \"$(path_label /dev)\""
	# ctrun leaves mqueue with its default label there, because it may be
	# the host's; runc 1.1.5 labels it.
	if is_ctrun; then
		[ "$(path_label /dev/mqueue)" != "$file_label" ] || fail "/dev/mqueue got the mount label"
	fi
	[ "$("$probe" label /dev/mqueue)" = "$host_mqueue" ] || fail "the host's /dev/mqueue was relabelled"
}

@test "selinux mountLabel kept off a bind mount" {
	mkdir "$CT_TMP/bound"
	update_config ".linux.mountLabel = \"$file_label\"
		| .mounts += [{\"destination\": \"/mnt\", \"type\": \"bind\", \"source\": \"$CT_TMP/bound\", \"options\": [\"bind\"]}]"
	start_sleeper
	[ "$(path_label /mnt)" != "$file_label" ] || fail "the bind mount got the mount label"
}

@test "selinux invalid process label" {
	update_config '.process.selinuxLabel = "system_u:system_r:no_such_t" | .process.args = ["/bin/true"]'
	run ctrun run --bundle "$CT_BUNDLE" "$CT_ID"
	expect_failure
	if is_ctrun; then
		expect_output_has 'process.selinuxLabel: set label "system_u:system_r:no_such_t"'
	fi
	expect_nothing_left
}
