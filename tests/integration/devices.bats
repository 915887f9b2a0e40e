#!/usr/bin/env bats
# Devices: the default nodes in /dev, linux.devices, the /dev symlinks, and
# /dev/pts and /dev/shm.

load helpers

setup() {
	ct_setup
}

teardown() {
	ct_teardown
}

# Runs `ctprobe stat PATH` in a new container and leaves the result in $output.
stat_in_container() {
	update_config '.process.args = ["/bin/ctprobe", "stat", "'"$1"'"]'
	run ctrun run --bundle "$CT_BUNDLE" "$CT_ID"
	expect_success
}

@test "devices default nodes" {
	update_config '.process.args = ["/bin/sh", "-c",
		"for d in null zero full random urandom tty; do echo \"== $d\"; ctprobe stat /dev/$d; done"]'

	run ctrun run --bundle "$CT_BUNDLE" "$CT_ID"
	expect_success
	for entry in null:1:3 zero:1:5 full:1:7 random:1:8 urandom:1:9 tty:5:0; do
		name=${entry%%:*}
		rdev=${entry#*:}
		block=$(sed -n "/^== $name\$/,/^== /p" <<<"$output")
		grep -qx type=char <<<"$block" || fail "/dev/$name is not a character device: $block"
		grep -qx "rdev=$rdev" <<<"$block" || fail "/dev/$name is not $rdev: $block"
		grep -qx mode=0666 <<<"$block" || fail "/dev/$name is not mode 0666: $block"
	done
}

@test "devices default nodes usable" {
	update_config '.process.args = ["/bin/sh", "-c",
		"echo x >/dev/null && head -c 8 /dev/urandom | wc -c && head -c 4 /dev/zero | wc -c"]'

	run ctrun run --bundle "$CT_BUNDLE" "$CT_ID"
	expect_success
	expect_line 8
	expect_line 4
}

@test "devices no host nodes" {
	update_config '.process.args = ["/bin/ls", "/dev"]'

	run ctrun run --bundle "$CT_BUNDLE" "$CT_ID"
	expect_success
	for name in $(ls /dev); do
		case "$name" in
		null | zero | full | random | urandom | tty | pts | shm | mqueue | ptmx | fd | stdin | stdout | stderr | core | console) ;;
		*)
			[[ " ${lines[*]} " != *" $name "* ]] || fail "host device /dev/$name is visible in the container"
			;;
		esac
	done
}

@test "devices symlinks" {
	update_config '.process.args = ["/bin/sh", "-c",
		"for d in fd stdin stdout stderr ptmx; do echo \"== $d\"; ctprobe stat /dev/$d; done"]'

	run ctrun run --bundle "$CT_BUNDLE" "$CT_ID"
	expect_success
	for entry in fd:/proc/self/fd stdin:/proc/self/fd/0 stdout:/proc/self/fd/1 stderr:/proc/self/fd/2 ptmx:pts/ptmx; do
		name=${entry%%:*}
		target=${entry#*:}
		block=$(sed -n "/^== $name\$/,/^== /p" <<<"$output")
		grep -qx type=symlink <<<"$block" || fail "/dev/$name is not a symlink: $block"
		grep -qx "target=$target" <<<"$block" || fail "/dev/$name does not point to $target: $block"
	done
}

@test "devices from config" {
	update_config '.linux.devices = [
		{"path": "/dev/mynull", "type": "c", "major": 1, "minor": 3, "fileMode": 416, "uid": 1000, "gid": 1001},
		{"path": "/dev/sub/myblock", "type": "b", "major": 7, "minor": 200, "fileMode": 384},
		{"path": "/dev/myfifo", "type": "p"}]
		| .process.args = ["/bin/sh", "-c",
			"for d in mynull sub/myblock myfifo; do echo \"== $d\"; ctprobe stat /dev/$d; done"]'

	run ctrun run --bundle "$CT_BUNDLE" "$CT_ID"
	expect_success
	block=$(sed -n '/^== mynull$/,/^== /p' <<<"$output")
	for fact in type=char rdev=1:3 mode=0640 uid=1000 gid=1001; do
		grep -qx "$fact" <<<"$block" || fail "/dev/mynull lacks $fact: $block"
	done
	block=$(sed -n '/^== sub\/myblock$/,/^== /p' <<<"$output")
	for fact in type=block rdev=7:200 mode=0600 uid=0 gid=0; do
		grep -qx "$fact" <<<"$block" || fail "/dev/sub/myblock lacks $fact: $block"
	done
	block=$(sed -n '/^== myfifo$/,$p' <<<"$output")
	grep -qx type=fifo <<<"$block" || fail "/dev/myfifo is not a fifo: $block"
}

@test "devices config overrides default" {
	# runc 1.1.5 then drops /dev/null from its device cgroup rules and
	# fails to open it.
	requires ctrun
	update_config '.linux.devices = [{"path": "/dev/null", "type": "c", "major": 1, "minor": 3,
		"fileMode": 432, "uid": 0, "gid": 0}]'
	stat_in_container /dev/null
	expect_probe rdev 1:3
	expect_probe mode 0660
}

@test "devices pts and shm" {
	update_config '.process.args = ["/bin/sh", "-c", "ctprobe stat /dev/pts/ptmx; ctprobe stat /dev/shm; ctprobe write /dev/shm/f x"]'

	run ctrun run --bundle "$CT_BUNDLE" "$CT_ID"
	expect_success
	expect_line rdev=5:2
	expect_line mode=1777
	expect_line written=/dev/shm/f
}

@test "devices path outside dev keeps an image file" {
	echo image >"$CT_BUNDLE/rootfs/etc/victim"
	update_config '.linux.devices = [{"path": "/dev/../../etc/victim", "type": "c", "major": 1, "minor": 3}]'

	run ctrun run --bundle "$CT_BUNDLE" "$CT_ID"
	expect_failure
	[ "$(cat "$CT_BUNDLE/rootfs/etc/victim")" = image ] || fail "the image file was replaced"
	if is_ctrun; then
		expect_output_has 'linux.devices[0].path "/dev/../../etc/victim": a regular file exists there'
	fi
}

@test "devices path through a symlinked directory keeps an image file" {
	mkdir "$CT_BUNDLE/rootfs/data"
	echo image >"$CT_BUNDLE/rootfs/data/victim"
	ln -s /data "$CT_BUNDLE/rootfs/devlink"
	update_config '.linux.devices = [{"path": "/devlink/victim", "type": "b", "major": 7, "minor": 0}]'

	run ctrun run --bundle "$CT_BUNDLE" "$CT_ID"
	expect_failure
	[ "$(cat "$CT_BUNDLE/rootfs/data/victim")" = image ] || fail "the image file was replaced"
	if is_ctrun; then
		expect_output_has 'linux.devices[0].path "/devlink/victim": a regular file exists there'
	fi
}

@test "devices in a user namespace bind only host devices" {
	requires ctrun userns
	[ -f /etc/debian_version ] || skip "the host has no /etc/debian_version"
	use_user_namespace
	update_config '.linux.devices = [{"path": "/dev/../etc/debian_version", "type": "c", "major": 1, "minor": 3}]'

	run ctrun run --bundle "$CT_BUNDLE" "$CT_ID"
	expect_failure
	expect_output_has 'host device "/dev/../etc/debian_version": not the requested device'
}

@test "devices file mode with Go file type bits" {
	# 69206454 is os.ModeDevice | os.ModeCharDevice | 0666 from Go.
	update_config '.linux.devices = [{"path": "/dev/gonull", "type": "c", "major": 1, "minor": 3,
		"fileMode": 69206454}]'
	stat_in_container /dev/gonull
	expect_probe rdev 1:3
	expect_probe mode 0666
}

@test "devices invalid type fails" {
	update_config '.linux.devices = [{"path": "/dev/bad", "type": "x", "major": 1, "minor": 3}]'

	run ctrun run --bundle "$CT_BUNDLE" "$CT_ID"
	expect_failure
	if is_ctrun; then
		expect_output_has "linux.devices[0].type"
	fi
}

@test "devices number too large fails" {
	# 2^32 + 1 would be cut to 1, and the node would be /dev/mem's 1:1.
	for field in '"major": 4294967297, "minor": 1' '"major": 1, "minor": 1048576'; do
		update_config ".linux.devices = [{\"path\": \"/dev/big\", \"type\": \"c\", $field}]"
		run ctrun run --bundle "$CT_BUNDLE" "$CT_ID"
		expect_failure
		if is_ctrun; then
			expect_output_has "larger than Linux device numbers allow"
		fi
		expect_nothing_left
	done
}

@test "devices hard link keeps the node it shares" {
	# A node of the image that is a hard link shares its inode with a name
	# outside the rootfs; the owner and mode of the container's device must
	# not reach that name.
	mknod "$CT_TMP/outside" c 1 3
	chmod 600 "$CT_TMP/outside"
	mkdir -p "$CT_BUNDLE/rootfs/opt"
	ln "$CT_TMP/outside" "$CT_BUNDLE/rootfs/opt/linked" 2>/dev/null ||
		skip "the rootfs and the test's directory are on different file systems"
	update_config '.process.args = ["/bin/ls", "-ln", "/opt/linked"] |
		.linux.devices = [{"path": "/opt/linked", "type": "c", "major": 1, "minor": 3,
			"fileMode": 438, "uid": 99, "gid": 99}]'

	run ctrun run --bundle "$CT_BUNDLE" "$CT_ID"
	expect_success
	[ "$(stat -c '%a %u %g' "$CT_TMP/outside")" = "600 0 0" ] ||
		fail "the outside node is now $(stat -c '%a %u %g' "$CT_TMP/outside")"
	expect_output_has "crw-rw-rw-"
	expect_output_has " 99 "
}
