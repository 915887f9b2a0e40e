#!/usr/bin/env bats
# What the process's user changes besides its ids: HOME from the
# container's /etc/passwd when process.env has none, and a process.cwd that
# is created when missing or entered as that user when root may not.

load helpers

setup() {
	ct_setup
	# The bundle's default env sets HOME=/root.
	update_config '.process.env |= map(select(startswith("HOME=") | not))'
}

teardown() {
	ct_teardown
}

run_container() {
	run ctrun run --bundle "$CT_BUNDLE" "$CT_ID"
	expect_success
}

# Runs the container as uid and prints its HOME.
run_home_probe() {
	update_config ".process.user = {\"uid\": $1, \"gid\": $1}
		| .process.args = [\"/bin/ctprobe\", \"env\", \"HOME\"]"
	run_container
}

# Makes DIR in the rootfs a directory that container uid 1000 owns and that
# container root may not enter: its group, host gid 0, is not mapped, so
# root's CAP_DAC_OVERRIDE does not apply to it.
make_user_only_dir() {
	mkdir -p "$CT_BUNDLE/rootfs$1"
	chown 101000:0 "$CT_BUNDLE/rootfs$1"
	chmod 0700 "$CT_BUNDLE/rootfs$1"
}

# ------------------------------------------------------------------ HOME

@test "home from passwd entry" {
	run_home_probe 1000
	expect_probe HOME /home/user
}

@test "home of root from passwd" {
	run_home_probe 0
	expect_probe HOME /root
}

@test "home for uid without entry" {
	run_home_probe 4242
	expect_probe HOME /
}

@test "home set in env is kept" {
	update_config '.process.env += ["HOME=/custom"]'
	run_home_probe 1000
	expect_probe HOME /custom
}

@test "home set empty in env is kept" {
	# ctrun only: runc 1.1 replaces an empty HOME.
	requires ctrun
	update_config '.process.env += ["HOME="]'
	run_home_probe 1000
	expect_line "HOME="
}

@test "home without passwd file" {
	rm "$CT_BUNDLE/rootfs/etc/passwd"
	run_home_probe 1000
	expect_probe HOME /
}

@test "home skips malformed passwd lines" {
	# ctrun only: runc 1.1 takes a short line as an entry.
	requires ctrun
	cat >"$CT_BUNDLE/rootfs/etc/passwd" <<'PASSWD'
garbage without colons
short:x:1000:1000:/wrong
big:x:99999999999:1000::/wrong:/bin/sh
neg:x:-1000:1000::/wrong:/bin/sh
text:x:1000x:1000::/wrong:/bin/sh

user:x:1000:1000::/home/user:/bin/sh
PASSWD
	run_home_probe 1000
	expect_probe HOME /home/user
}

@test "home with only malformed passwd lines" {
	# ctrun only: runc 1.1 takes a short line as an entry.
	requires ctrun
	cat >"$CT_BUNDLE/rootfs/etc/passwd" <<'PASSWD'
short:x:1000:1000:/wrong
empty:x::1000::/wrong:/bin/sh
PASSWD
	run_home_probe 1000
	expect_probe HOME /
}

@test "home from passwd entry without shell" {
	printf 'user:x:1000:1000:test user:/srv/user\n' >"$CT_BUNDLE/rootfs/etc/passwd"
	run_home_probe 1000
	expect_probe HOME /srv/user
}

@test "home of empty passwd field is root" {
	# ctrun only: runc 1.1 sets an empty HOME.
	requires ctrun
	printf 'user:x:1000:1000:test user::/bin/sh\n' >"$CT_BUNDLE/rootfs/etc/passwd"
	run_home_probe 1000
	expect_probe HOME /
}

@test "home from a long passwd line" {
	{
		printf 'other:x:1001:1001:%s:/wrong:/bin/sh\n' "$(head -c 10000 /dev/zero | tr '\0' a)"
		printf 'long:x:1000:1000:%s:/srv/long:/bin/sh\n' "$(head -c 10000 /dev/zero | tr '\0' b)"
		printf 'user:x:1000:1000::/home/user:/bin/sh\n'
	} >"$CT_BUNDLE/rootfs/etc/passwd"
	run_home_probe 1000
	expect_probe HOME /srv/long
}

@test "home passwd that is a directory" {
	# ctrun only: runc 1.1 fails on it.
	requires ctrun
	rm "$CT_BUNDLE/rootfs/etc/passwd"
	mkdir "$CT_BUNDLE/rootfs/etc/passwd"
	run_home_probe 1000
	expect_probe HOME /
}

@test "home passwd symlink stays in rootfs" {
	# An absolute target resolves inside the rootfs, not on the host.
	printf 'user:x:1000:1000::/from-host:/bin/sh\n' >"$CT_TMP/host-passwd"
	mv "$CT_BUNDLE/rootfs/etc/passwd" "$CT_BUNDLE/rootfs/etc/passwd.real"
	ln -s "$CT_TMP/host-passwd" "$CT_BUNDLE/rootfs/etc/passwd"
	mkdir -p "$CT_BUNDLE/rootfs$CT_TMP"
	cp "$CT_BUNDLE/rootfs/etc/passwd.real" "$CT_BUNDLE/rootfs$CT_TMP/host-passwd"
	run_home_probe 1000
	expect_probe HOME /home/user
}

@test "home passwd magic link not followed" {
	requires ctrun
	# A /proc magic link could lead to a file outside the root, so the
	# lookup refuses it, and HOME falls back to "/".
	mv "$CT_BUNDLE/rootfs/etc/passwd" "$CT_BUNDLE/rootfs/etc/passwd.real"
	ln -s /proc/self/root/etc/passwd.real "$CT_BUNDLE/rootfs/etc/passwd"
	run_home_probe 1000
	expect_probe HOME /
}

@test "exec home from passwd entry" {
	start_sleeper

	run ctrun exec --user 1000:1000 "$CT_ID" /bin/ctprobe env HOME
	expect_success
	expect_probe HOME /home/user

	run ctrun exec --user 4242:4242 "$CT_ID" /bin/ctprobe env HOME
	expect_success
	expect_probe HOME /

	run ctrun exec --env HOME=/custom "$CT_ID" /bin/ctprobe env HOME
	expect_success
	expect_probe HOME /custom
}

@test "exec process file home" {
	start_sleeper
	echo '{ "args": ["/bin/ctprobe", "env", "HOME"], "cwd": "/", "user": {"uid": 0, "gid": 0} }' \
		>"$CT_TMP/process.json"

	run ctrun exec --process "$CT_TMP/process.json" "$CT_ID"
	expect_success
	expect_probe HOME /root
}

# ------------------------------------------------------------------- cwd

@test "cwd created when missing" {
	update_config '.process.cwd = "/new/deep/dir" | .process.args = ["/bin/ctprobe", "cwd"]'

	run_container
	expect_probe cwd /new/deep/dir
	[ -d "$CT_BUNDLE/rootfs/new/deep/dir" ] || fail "cwd not created in the rootfs"
	[ "$(stat -c %a "$CT_BUNDLE/rootfs/new/deep/dir")" = 755 ] || fail "cwd mode is not 0755"
}

@test "cwd created under readonly root" {
	update_config '.root.readonly = true | .process.cwd = "/made" | .process.args = ["/bin/ctprobe", "cwd"]'

	run_container
	expect_probe cwd /made
}

@test "cwd only user may enter" {
	requires userns
	use_user_namespace
	make_user_only_dir /private
	update_config '.process.user = {"uid": 1000, "gid": 1000}
		| .process.cwd = "/private" | .process.args = ["/bin/ctprobe", "cwd"]'

	run_container
	expect_probe cwd /private
}

@test "cwd below dir only user may enter" {
	# ctrun only: runc 1.1 fails to create it as root.
	requires ctrun
	requires userns
	use_user_namespace
	make_user_only_dir /private
	mkdir "$CT_BUNDLE/rootfs/private/sub"
	chown 101000:201000 "$CT_BUNDLE/rootfs/private/sub"
	update_config '.process.user = {"uid": 1000, "gid": 1000}
		| .process.cwd = "/private/sub" | .process.args = ["/bin/ctprobe", "cwd"]'

	run_container
	expect_probe cwd /private/sub
}

@test "cwd neither root nor user may enter" {
	requires userns
	use_user_namespace
	make_user_only_dir /private
	update_config '.process.user = {"uid": 2000, "gid": 2000}
		| .process.cwd = "/private" | .process.args = ["/bin/ctprobe", "cwd"]'

	run ctrun run --bundle "$CT_BUNDLE" "$CT_ID"
	expect_failure
	expect_output_has_nocase "permission denied"
	if is_ctrun; then
		expect_output_has "process.cwd"
	fi
}

@test "exec cwd only user may enter" {
	requires userns
	use_user_namespace
	make_user_only_dir /private
	start_sleeper

	run ctrun exec --user 1000:1000 --cwd /private "$CT_ID" /bin/ctprobe cwd
	expect_success
	expect_probe cwd /private

	run ctrun exec --user 2000:2000 --cwd /private "$CT_ID" /bin/ctprobe cwd
	expect_failure
	expect_output_has_nocase "permission denied"
}

@test "exec cwd missing fails" {
	start_sleeper

	run ctrun exec --cwd /does-not-exist "$CT_ID" /bin/ctprobe cwd
	expect_failure
	expect_output_has "does-not-exist"
	[ ! -e "$CT_BUNDLE/rootfs/does-not-exist" ] || fail "exec created its cwd"
}
