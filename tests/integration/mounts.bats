#!/usr/bin/env bats
# Mounts: config.json mounts of each kind, their options and propagation,
# masked and read-only paths, the read-only root, and paths that try to
# leave the rootfs.

load helpers

setup() {
	ct_setup
}

teardown() {
	ct_teardown
}

# Appends one mount to config.json: add_mount DESTINATION TYPE SOURCE OPTION...
add_mount() {
	local destination=$1 type=$2 source=$3
	shift 3
	local options
	options=$(printf '%s\n' "$@" | jq -R . | jq -sc 'map(select(. != ""))')
	update_config ".mounts += [{\"destination\": \"$destination\", \"type\": \"$type\",
		\"source\": \"$source\", \"options\": $options}]"
}

set_args() {
	local args
	args=$(printf '%s\n' "$@" | jq -R . | jq -sc .)
	update_config ".process.args = $args"
}

# Prints the mountinfo line of the container mount at PATH from $output.
mount_line() {
	local line
	for line in "${lines[@]}"; do
		# Field 5 is the mount point.
		if [ "$(cut -d' ' -f5 <<<"$line")" = "$1" ]; then
			echo "$line"
		fi
	done | tail -1
}

# Checks that the mount at PATH has a mount option (field 6) or a super
# block option (the last field).
expect_mount_option() {
	local path=$1 option=$2 line
	line=$(mount_line "$path")
	[ -n "$line" ] || fail "nothing is mounted at $path" || return 1
	local mount_options super_options
	mount_options=$(cut -d' ' -f6 <<<"$line")
	super_options=$(awk '{ print $NF }' <<<"$line")
	if [[ ",$mount_options,$super_options," != *",$option,"* ]]; then
		fail "the mount at $path lacks \"$option\": $line"
	fi
}

expect_mount_type() {
	local path=$1 type=$2 line
	line=$(mount_line "$path")
	[ -n "$line" ] || fail "nothing is mounted at $path" || return 1
	[ "$(sed 's/.* - //' <<<"$line" | cut -d' ' -f1)" = "$type" ] || fail "the mount at $path is not $type: $line"
}

@test "mounts standard filesystems" {
	set_args /bin/ctprobe mounts

	run ctrun run --bundle "$CT_BUNDLE" "$CT_ID"
	expect_success
	expect_mount_type /proc proc
	expect_mount_type /sys sysfs
	expect_mount_type /dev tmpfs
	expect_mount_type /dev/pts devpts
	expect_mount_type /dev/shm tmpfs
	expect_mount_type /dev/mqueue mqueue
	expect_mount_option /sys ro
	expect_mount_option /dev/shm nodev
	expect_mount_option /dev/shm nosuid
	expect_mount_option /dev/shm noexec
}

@test "mounts cgroup filesystem visible" {
	set_args /bin/sh -c 'ctprobe mounts; echo; ls /sys/fs/cgroup'

	run ctrun run --bundle "$CT_BUNDLE" "$CT_ID"
	expect_success
	cgroup_mounts=$(grep -cE ' /sys/fs/cgroup[/ ].* - cgroup2? ' <<<"$output" || true)
	[ "$cgroup_mounts" -gt 0 ] || fail "no cgroup filesystem under /sys/fs/cgroup"
	if grep -q ' - cgroup cgroup .*memory' /proc/self/mountinfo; then
		expect_line memory
	fi
}

@test "mounts bind directory" {
	mkdir "$CT_TMP/data"
	echo hello >"$CT_TMP/data/file"
	add_mount /mnt/data bind "$CT_TMP/data" bind
	set_args /bin/sh -c 'cat /mnt/data/file; ctprobe write /mnt/data/new text'

	run ctrun run --bundle "$CT_BUNDLE" "$CT_ID"
	expect_success
	expect_line hello
	[ "$(cat "$CT_TMP/data/new")" = text ] || fail "a write through the bind mount did not reach the host"
}

@test "mounts bind created destination" {
	mkdir "$CT_TMP/data"
	add_mount /new/deep/dir bind "$CT_TMP/data" rbind
	set_args /bin/ctprobe stat /new/deep/dir

	run ctrun run --bundle "$CT_BUNDLE" "$CT_ID"
	expect_success
	expect_probe type dir
}

@test "mounts rbind includes submounts" {
	mkdir -p "$CT_TMP/tree/sub"
	host_mount -t tmpfs -o size=1m tmpfs "$CT_TMP/tree/sub"
	echo inside >"$CT_TMP/tree/sub/file"
	add_mount /mnt/rbind bind "$CT_TMP/tree" rbind
	add_mount /mnt/bind bind "$CT_TMP/tree" bind
	set_args /bin/sh -c 'cat /mnt/rbind/sub/file; ls /mnt/bind/sub | wc -l'

	run ctrun run --bundle "$CT_BUNDLE" "$CT_ID"
	expect_success
	expect_line inside
	# A plain bind leaves the submount out, so its mount point is empty.
	expect_line 0
}

@test "mounts bind read-only" {
	mkdir "$CT_TMP/data"
	add_mount /mnt/ro bind "$CT_TMP/data" bind ro
	set_args /bin/sh -c 'ctprobe write /mnt/ro/file text; ctprobe mounts'

	run ctrun run --bundle "$CT_BUNDLE" "$CT_ID"
	expect_success
	expect_probe errno EROFS
	expect_mount_option /mnt/ro ro
	[ ! -e "$CT_TMP/data/file" ] || fail "the write went through"
}

@test "mounts bind nosuid nodev noexec" {
	mkdir "$CT_TMP/data"
	add_mount /mnt/flags bind "$CT_TMP/data" bind nosuid nodev noexec
	set_args /bin/ctprobe mounts

	run ctrun run --bundle "$CT_BUNDLE" "$CT_ID"
	expect_success
	expect_mount_option /mnt/flags nosuid
	expect_mount_option /mnt/flags nodev
	expect_mount_option /mnt/flags noexec
}

@test "mounts tmpfs size and mode" {
	add_mount /scratch tmpfs tmpfs size=1m mode=1770 nosuid
	set_args /bin/sh -c 'ctprobe stat /scratch; ctprobe mounts'

	run ctrun run --bundle "$CT_BUNDLE" "$CT_ID"
	expect_success
	expect_probe mode 1770
	expect_mount_type /scratch tmpfs
	expect_mount_option /scratch size=1024k
	expect_mount_option /scratch nosuid
}

@test "mounts relative bind source" {
	mkdir "$CT_BUNDLE/shared"
	echo relative >"$CT_BUNDLE/shared/file"
	add_mount /mnt/rel bind shared bind
	set_args /bin/cat /mnt/rel/file
	# The source is relative to the bundle, not to the caller's directory.
	cd "$CT_TMP"

	run ctrun run --bundle "$CT_BUNDLE" "$CT_ID"
	expect_success
	expect_line relative
}

@test "mounts missing relative bind source names the resolved path" {
	add_mount /mnt/rel bind relsrc bind
	cd "$CT_TMP"

	run ctrun run --bundle "$CT_BUNDLE" "$CT_ID"
	expect_failure
	# The message shows where the bundle-relative source was looked for.
	expect_output_has "open source \"$(realpath "$CT_BUNDLE")/relsrc\""
}

@test "mounts bind file on file" {
	echo "from host" >"$CT_TMP/hostname-file"
	echo "new file" >"$CT_TMP/other-file"
	add_mount /etc/hostname bind "$CT_TMP/hostname-file" bind ro
	add_mount /etc/created-file bind "$CT_TMP/other-file" bind
	set_args /bin/sh -c 'cat /etc/hostname /etc/created-file; ctprobe stat /etc/created-file'

	run ctrun run --bundle "$CT_BUNDLE" "$CT_ID"
	expect_success
	expect_line "from host"
	expect_line "new file"
	expect_probe type file
}

@test "mounts propagation options" {
	mkdir "$CT_TMP/shared" "$CT_TMP/private"
	add_mount /mnt/shared bind "$CT_TMP/shared" rbind rshared
	add_mount /mnt/private bind "$CT_TMP/private" rbind rprivate
	set_args /bin/ctprobe mounts

	run ctrun run --bundle "$CT_BUNDLE" "$CT_ID"
	expect_success
	# Field 7 onwards, up to " - ", holds the propagation tags.
	[[ "$(mount_line /mnt/shared)" =~ \ shared:[0-9]+ ]] || fail "not shared: $(mount_line /mnt/shared)"
	[[ "$(mount_line /mnt/private)" != *shared:* ]] || fail "not private: $(mount_line /mnt/private)"
	[[ "$(mount_line /mnt/private)" != *master:* ]] || fail "not private: $(mount_line /mnt/private)"
}

@test "mounts rootfs propagation private" {
	update_config '.linux.rootfsPropagation = "private"'
	set_args /bin/ctprobe mounts

	run ctrun run --bundle "$CT_BUNDLE" "$CT_ID"
	expect_success
	[[ "$(mount_line /)" != *shared:* ]] || fail "/ is shared: $(mount_line /)"
}

@test "mounts rootfs propagation shared" {
	# runc 1.1.5 leaves / private here, whatever rootfsPropagation says.
	requires ctrun
	update_config '.linux.rootfsPropagation = "shared"'
	set_args /bin/ctprobe mounts

	run ctrun run --bundle "$CT_BUNDLE" "$CT_ID"
	expect_success
	[[ "$(mount_line /)" =~ \ shared:[0-9]+ ]] || fail "/ is not shared: $(mount_line /)"
}

@test "mounts masked paths" {
	mkdir -p "$CT_BUNDLE/rootfs/secret"
	echo hidden >"$CT_BUNDLE/rootfs/secret/file"
	update_config '.linux.maskedPaths += ["/secret", "/etc/hosts"]'
	set_args /bin/sh -c 'ctprobe stat /proc/keys; ls /secret | wc -l; ctprobe stat /etc/hosts; cat /etc/hosts | wc -c'

	run ctrun run --bundle "$CT_BUNDLE" "$CT_ID"
	expect_success
	# A masked file is /dev/null bound over it, a masked directory an empty
	# read-only tmpfs.
	expect_line rdev=1:3
	[ "${lines[0]}" = type=char ] || fail "/proc/keys is not masked by a character device"
	[ "$(grep -c '^0$' <<<"$output")" -eq 2 ] || fail "/secret or /etc/hosts is not empty"
}

@test "mounts readonly paths" {
	update_config '.linux.readonlyPaths += ["/etc"]'
	set_args /bin/sh -c 'ctprobe write /proc/sys/kernel/domainname x; ctprobe write /etc/new x; ctprobe write /tmp/new x'

	run ctrun run --bundle "$CT_BUNDLE" "$CT_ID"
	expect_success
	[ "$(grep -c '^errno=EROFS$' <<<"$output")" -eq 2 ] || fail "/proc/sys or /etc is writable"
	expect_line written=/tmp/new
}

@test "mounts readonly root" {
	update_config '.root.readonly = true'
	set_args /bin/sh -c 'ctprobe write /etc/new x; ctprobe write /dev/shm/new x; ctprobe mounts'

	run ctrun run --bundle "$CT_BUNDLE" "$CT_ID"
	expect_success
	expect_probe errno EROFS
	expect_line written=/dev/shm/new
	expect_mount_option / ro
	[ ! -e "$CT_BUNDLE/rootfs/etc/new" ] || fail "the write reached the rootfs"
}

@test "mounts readonly paths naming the root" {
	ln -s / "$CT_BUNDLE/rootfs/toroot"
	for path in / /toroot /bin/..; do
		update_config '.linux.readonlyPaths = ["'$path'"]'
		set_args /bin/sh -c 'ctprobe write /etc/new x; ctprobe write /dev/shm/new x; ctprobe mounts'

		run ctrun run --bundle "$CT_BUNDLE" "$CT_ID"
		expect_success
		expect_probe errno EROFS
		expect_line written=/dev/shm/new
		expect_mount_option / ro
		[ ! -e "$CT_BUNDLE/rootfs/etc/new" ] || fail "readonlyPaths $path: the write reached the rootfs"
	done
}

@test "mounts masked paths naming the root fail" {
	is_ctrun || skip "runc masks the root and then fails to find the executable"
	ln -s / "$CT_BUNDLE/rootfs/toroot"
	for path in / /toroot /bin/..; do
		update_config '.linux.maskedPaths = ["'$path'"]'

		run ctrun run --bundle "$CT_BUNDLE" "$CT_ID"
		expect_failure
		expect_output_has "linux.maskedPaths[0]: \"$path\" is the container's root, which cannot be masked"
		expect_nothing_left
	done
}

@test "mounts no pivot" {
	set_args /bin/sh -c 'ctprobe stat /bin/ctprobe; ls /'

	run ctrun run --no-pivot --bundle "$CT_BUNDLE" "$CT_ID"
	expect_success
	expect_probe type file
	expect_line etc
	expect_line proc
}

@test "mounts symlink destination stays inside" {
	# An absolute symlink in the rootfs is resolved inside the rootfs, so a
	# mount (and the directory made for it) must not land on the host path.
	mkdir "$CT_TMP/data" "$CT_TMP/outside"
	ln -s "$CT_TMP/outside" "$CT_BUNDLE/rootfs/escape"
	ln -s "../../../../../../../../../../$CT_TMP/outside" "$CT_BUNDLE/rootfs/escape-up"
	add_mount /escape/sub bind "$CT_TMP/data" bind
	add_mount /escape-up/sub2 tmpfs tmpfs size=1m
	set_args /bin/sh -c 'ctprobe stat /escape/sub; ctprobe stat /escape-up/sub2'

	run ctrun run --bundle "$CT_BUNDLE" "$CT_ID"
	[ ! -e "$CT_TMP/outside/sub" ] || fail "the runtime made $CT_TMP/outside/sub on the host"
	[ ! -e "$CT_TMP/outside/sub2" ] || fail "the runtime made $CT_TMP/outside/sub2 on the host"
	if [ "$status" -eq 0 ]; then
		[ -d "$CT_BUNDLE/rootfs$CT_TMP/outside/sub" ] || fail "the mount point is not inside the rootfs"
	fi
}

@test "mounts dotdot destination stays inside" {
	mkdir "$CT_TMP/data"
	add_mount "/mnt/../../../../../../../..$CT_TMP/dotdot" bind "$CT_TMP/data" bind
	set_args /bin/true

	run ctrun run --bundle "$CT_BUNDLE" "$CT_ID"
	[ ! -e "$CT_TMP/dotdot" ] || fail "the runtime made $CT_TMP/dotdot on the host"
}

@test "mounts idmapped bind" {
	# runc 1.1.5 has no idmapped mounts: they came in runtime-spec 1.1.
	# The mapping is written as the uid_map of the mount's user namespace, so
	# containerID is the id on disk and hostID the id seen through the mount
	# (this container has no user namespace of its own).
	requires ctrun
	mkdir "$CT_TMP/data"
	echo owned >"$CT_TMP/data/file"
	chown 0:0 "$CT_TMP/data/file"
	update_config '.mounts += [{"destination": "/mnt/idmap", "type": "bind",
		"source": "'"$CT_TMP"'/data", "options": ["bind", "idmap"],
		"uidMappings": [{"containerID": 0, "hostID": 1000, "size": 1}],
		"gidMappings": [{"containerID": 0, "hostID": 1001, "size": 1}]}]'
	set_args /bin/sh -c 'ctprobe stat /mnt/idmap/file; cat /mnt/idmap/file'

	run ctrun run --bundle "$CT_BUNDLE" "$CT_ID"
	expect_success
	expect_probe uid 1000
	expect_probe gid 1001
	expect_line owned
	[ "$(stat -c %u:%g "$CT_TMP/data/file")" = 0:0 ] || fail "the idmapped mount changed the owner on disk"
}
