# SPDX-License-Identifier: Apache-2.0
#
# Shared setup for the integration tests. Each .bats file starts with
#
#	load helpers
#	setup() { ct_setup; }
#	teardown() { ct_teardown; }
#
# Every test gets its own bundle ($CT_BUNDLE), state root ($CT_ROOT) and
# container id ($CT_ID) under its bats temp dir, so tests never see each
# other's containers. The runtime under test is $CTRUN (default
# build/src/ctrun); CTRUN=/usr/sbin/runc runs the suite against runc.
#
# The teardown force-deletes every container the test created, then fails
# the test if anything is left: a state dir, a mount of the temp dir, a
# cgroup directory, or a process that the test recorded.

CT_TOP=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
CT_BUILD_DIR=${CT_BUILD_DIR:-$CT_TOP/build}
CTRUN=${CTRUN:-$CT_BUILD_DIR/src/ctrun}
# Tests change into their bundle, so a relative path must be made absolute.
case "$CTRUN" in
/*) ;;
*/*) CTRUN=$PWD/$CTRUN ;;
esac
CT_FIXTURES=$CT_TOP/tests/fixtures

# Every cgroup that a test bundle uses starts with this prefix, which lets
# the teardown and zz-leftovers.bats find what a runtime left behind. The
# random part of the bats run dir keeps two runs at once apart.
CT_RUN_TOKEN=${BATS_RUN_TMPDIR##*-}
CT_CGROUP_PREFIX=ctrun-test-$CT_RUN_TOKEN-

# ------------------------------------------------------------ small asserts

# Prints a message and fails the test.
fail() {
	echo "FAIL: $*" >&2
	return 1
}

# Checks $status from the last `run` against the expected exit status.
expect_status() {
	local expected=$1
	if [ "$status" -ne "$expected" ]; then
		echo "output: $output" >&2
		fail "exit status is $status, expected $expected"
	fi
}

expect_success() {
	expect_status 0
}

# Checks that the last `run` failed, with the given status if one is given.
expect_failure() {
	if [ $# -gt 0 ]; then
		expect_status "$1"
	elif [ "$status" -eq 0 ]; then
		echo "output: $output" >&2
		fail "command succeeded, expected a failure"
	fi
}

# Checks that $output contains a string.
expect_output_has() {
	if [[ "$output" != *"$1"* ]]; then
		echo "output: $output" >&2
		fail "output does not contain \"$1\""
	fi
}

# Checks that $output contains a string, ignoring case, as Podman does when
# it looks for "no such file or directory" or "permission denied".
expect_output_has_nocase() {
	if [[ "${output,,}" != *"${1,,}"* ]]; then
		echo "output: $output" >&2
		fail "output does not contain \"$1\" in any case"
	fi
}

expect_output_lacks() {
	if [[ "$output" == *"$1"* ]]; then
		echo "output: $output" >&2
		fail "output contains \"$1\""
	fi
}

# Checks that one line of $output is exactly the given text.
expect_line() {
	local line
	for line in "${lines[@]}"; do
		[ "$line" = "$1" ] && return 0
	done
	echo "output: $output" >&2
	fail "no output line is \"$1\""
}

# Prints the value of `key=value` in $output (the ctprobe format).
probe_value() {
	local line
	for line in "${lines[@]}"; do
		if [[ "$line" == "$1="* ]]; then
			echo "${line#"$1="}"
			return 0
		fi
	done
	return 1
}

# Checks one `key=value` line of ctprobe output.
expect_probe() {
	local key=$1 expected=$2 actual
	if ! actual=$(probe_value "$key"); then
		echo "output: $output" >&2
		fail "no \"$key=\" line in the output"
		return 1
	fi
	if [ "$actual" != "$expected" ]; then
		echo "output: $output" >&2
		fail "$key is \"$actual\", expected \"$expected\""
	fi
}

# --------------------------------------------------------------- gates

# True when $CTRUN is ctrun itself and not another runtime such as runc.
is_ctrun() {
	[ "${CT_IS_CTRUN:-}" = 1 ]
}

# Skips the test unless every named requirement holds.
requires() {
	local requirement
	for requirement in "$@"; do
		case "$requirement" in
		root)
			[ "$(id -u)" -eq 0 ] || skip "needs root"
			;;
		ctrun)
			is_ctrun || skip "tests a ctrun feature that $(basename "$CTRUN") lacks"
			;;
		cgroup_v1)
			grep -q ' - cgroup cgroup ' /proc/self/mountinfo || skip "needs cgroup v1 hierarchies"
			;;
		cgroup_v2)
			[ "$(stat -fc %T /sys/fs/cgroup)" = cgroup2fs ] || skip "needs a unified cgroup v2 hierarchy"
			;;
		timens)
			[ -e /proc/self/ns/time ] || skip "needs time namespaces (Linux 5.6)"
			;;
		userns)
			[ -e /proc/self/ns/user ] || skip "needs user namespaces"
			[ "$(cat /proc/sys/user/max_user_namespaces 2>/dev/null || echo 0)" -gt 0 ] ||
				skip "user namespaces are disabled"
			;;
		*)
			fail "unknown requirement \"$requirement\""
			;;
		esac
	done
}

# ---------------------------------------------------------------- setup

# Builds the busybox rootfs once per bats run; each bundle gets a copy.
ct_cached_rootfs() {
	local cache=${CT_ROOTFS_CACHE:-$BATS_RUN_TMPDIR/rootfs-cache}
	if [ ! -d "$cache" ]; then
		"$CT_FIXTURES/make-rootfs.sh" "$cache.tmp.$$" >&2 || return 1
		mv "$cache.tmp.$$" "$cache"
	fi
	echo "$cache"
}

# Makes a bundle at DIR for container ID, with a cgroups path named after it.
make_bundle() {
	local dir=$1 id=$2 rootfs
	rootfs=$(ct_cached_rootfs) || fail "building the rootfs failed"
	"$CT_FIXTURES/make-bundle.sh" --rootfs-from "$rootfs" --cgroups-path "$CT_CGROUP_PREFIX$id" "$dir" ||
		fail "making the bundle $dir failed" || return 1
	# Marks the container's processes for zz-leftovers.bats.
	update_config ".process.env += [\"CTRUN_TEST_RUN=$CT_RUN_TOKEN\"]" "$dir"
}

ct_setup() {
	requires root
	[ -x "$CTRUN" ] || fail "runtime \"$CTRUN\" not found: build it or set CTRUN"
	if ct_timeout "$CTRUN" --version 2>/dev/null | grep -q '^ctrun'; then
		CT_IS_CTRUN=1
	else
		CT_IS_CTRUN=0
	fi

	CT_TMP=$BATS_TEST_TMPDIR
	CT_ROOT=$CT_TMP/state
	CT_BUNDLE=$CT_TMP/bundle
	CT_LOG=$CT_TMP/ctrun-commands.log
	# Short and unique across the run, and a valid id for every runtime.
	CT_ID=t${BATS_SUITE_TEST_NUMBER}-$$
	mkdir -p "$CT_ROOT"
	: >"$CT_LOG"
	: >"$CT_TMP/ids"
	: >"$CT_TMP/pids"
	make_bundle "$CT_BUNDLE" "$CT_ID"
	cd "$CT_BUNDLE" || return 1
}

# Edits the config.json of a bundle ($CT_BUNDLE by default) with a jq filter.
update_config() {
	local filter=$1 config=${2:-$CT_BUNDLE}/config.json
	jq "$filter" "$config" >"$config.new" || fail "jq filter failed: $filter"
	mv "$config.new" "$config"
}

# Lets every user search each directory from the bats run dir down to DIR,
# so that a container root that is an unprivileged uid on the host reaches
# its bundle through the private bats temp dirs.
allow_traverse() {
	local dir=$1
	while [[ "$dir" == "$BATS_RUN_TMPDIR"* ]]; do
		chmod o+x "$dir"
		dir=$(dirname "$dir")
	done
}

# Puts the container of a bundle ($CT_BUNDLE by default) in a new user
# namespace that maps its ids 0 to 65535 to host uids 100000 and up and to
# host gids 200000 and up, and gives its root the rootfs.
use_user_namespace() {
	local bundle=${1:-$CT_BUNDLE}
	update_config '.linux.namespaces += [{"type": "user"}]
		| .linux.uidMappings = [{"containerID": 0, "hostID": 100000, "size": 65536}]
		| .linux.gidMappings = [{"containerID": 0, "hostID": 200000, "size": 65536}]' "$bundle"
	chown -R 100000:200000 "$bundle/rootfs"
	allow_traverse "$bundle"
}

# ------------------------------------------------------- runtime wrapper

# The global flags of runc's command line that take a value.
ct_flag_takes_value() {
	case "$1" in
	--root | --log | --log-format | --criu | --cgroup-manager | --log-level) return 0 ;;
	*) return 1 ;;
	esac
}

# Records a process by pid and start time, so that the teardown can kill it
# without hitting a reused pid.
record_pid() {
	local pid=$1 start
	start=$(cut -d' ' -f22 "/proc/$pid/stat" 2>/dev/null) || return 0
	echo "$pid $start" >>"$CT_TMP/pids"
}

# Mounts on the host, for tests that need a mount as input (an rbind
# source with a submount). The teardown unmounts it before it looks for
# mounts that the runtime left behind. The last argument is the target.
host_mount() {
	mount "$@" || return 1
	echo "${*: -1}" >>"$CT_TMP/host-mounts"
}

# Notes a container id that the teardown must delete.
record_id() {
	grep -qxF -- "$1" "$CT_TMP/ids" 2>/dev/null || echo "$1" >>"$CT_TMP/ids"
}

# Prints what a detached container wrote to its stdout and stderr.
container_output() {
	local id=${1:-$CT_ID}
	cat "$CT_TMP/stdio-${id//\//_}" 2>/dev/null
}

# Runs the runtime with the test's --root, and logs the command, its
# status and its output in $CT_LOG, which the teardown prints (bats shows
# it only when the test fails). Use it as `run ctrun ARGS...`.
#
# create and run --detach leave a container whose stdio is the runtime's,
# so their stdout and stderr go to $CT_TMP/stdio-ID instead of the pipe
# that `run` reads: a container holding that pipe would block `run` until
# the container exits.
ctrun() {
	local args=("$@") i=0 command= id= detached=0 out rc
	while [ $i -lt ${#args[@]} ]; do
		local arg=${args[$i]}
		if [[ "$arg" != -* ]]; then
			command=$arg
			break
		fi
		ct_flag_takes_value "$arg" && i=$((i + 1))
		i=$((i + 1))
	done
	if [ "$command" = create ] || [ "$command" = run ]; then
		id=${args[-1]}
		record_id "$id"
		[ "$command" = create ] && detached=1
		local arg
		for arg in "${args[@]}"; do
			case "$arg" in -d | --detach) detached=1 ;; esac
		done
	fi

	echo "\$ $CTRUN --root $CT_ROOT ${args[*]}" >>"$CT_LOG"
	out=$CT_TMP/ctrun-output
	if [ "$detached" = 1 ]; then
		local stdio=$CT_TMP/stdio-${id//\//_} size
		size=$(stat -c %s "$stdio" 2>/dev/null || echo 0)
		rc=0
		ct_timeout "$CTRUN" --root "$CT_ROOT" "$@" </dev/null >>"$stdio" 2>&1 || rc=$?
		tail -c +"$((size + 1))" "$stdio" >"$out"
		ct_record_init "$id"
	else
		rc=0
		ct_timeout "$CTRUN" --root "$CT_ROOT" "$@" </dev/null >"$out" 2>&1 || rc=$?
	fi
	cat "$out" | tee -a "$CT_LOG"
	if [ "$rc" -eq 124 ]; then
		echo "[timed out after ${CT_COMMAND_TIMEOUT:-60} s]" >>"$CT_LOG"
	fi
	echo "[exit status $rc]" >>"$CT_LOG"
	return $rc
}

# Runs a command with a time limit (CT_COMMAND_TIMEOUT seconds, default
# 60), so that a runtime that hangs fails one test instead of the suite.
# On a timeout the exit status is 124.
ct_timeout() {
	timeout --kill-after=5 "${CT_COMMAND_TIMEOUT:-60}" "$@"
}

# Records the init pid of a container so that the teardown can kill it
# even if the runtime fails to delete the container.
ct_record_init() {
	local pid
	pid=$(ct_timeout "$CTRUN" --root "$CT_ROOT" state "$1" 2>/dev/null | jq -r '.pid // 0' 2>/dev/null) || return 0
	if [ -n "$pid" ] && [ "$pid" -gt 0 ] 2>/dev/null; then
		record_pid "$pid"
	fi
}

# Waits up to 5 seconds until a process is gone or a zombie, which is what
# a killed process is until its reaper collects it.
wait_for_exit() {
	local pid=$1 state
	for _ in $(seq 50); do
		state=$(awk '{ print $3 }' "/proc/$pid/stat" 2>/dev/null) || return 0
		[ "$state" = Z ] && return 0
		sleep 0.1
	done
	fail "process $pid is still alive"
}

# Prints one field of `state ID` (default: status).
container_state() {
	ct_timeout "$CTRUN" --root "$CT_ROOT" state "$1" 2>/dev/null | jq -r ".${2:-status}"
}

container_pid() {
	container_state "$1" pid
}

# Waits until container ID has the given status, for up to 10 seconds.
wait_for_status() {
	local id=$1 expected=$2 i current
	for i in $(seq 100); do
		current=$(container_state "$id")
		[ "$current" = "$expected" ] && return 0
		sleep 0.1
	done
	fail "container \"$id\" is \"$current\", expected \"$expected\" after 10 s"
}

# Waits until a detached container's output contains a string.
wait_for_output() {
	local id=$1 text=$2 i
	for i in $(seq 100); do
		container_output "$id" | grep -qF -- "$text" && return 0
		sleep 0.1
	done
	echo "output of $id: $(container_output "$id")" >&2
	fail "container \"$id\" did not print \"$text\" within 10 s"
}

# Waits until a file exists, for up to SECONDS (default 5), checking every
# 0.05 s. With -s the file must also be non-empty; with -S it must be a
# socket. On a timeout it names the file and the time waited and returns 1,
# which fails the test. Use it as `wait_for_file [-s | -S] PATH [SECONDS]`.
wait_for_file() {
	local op=-e what=missing
	case "$1" in
	-s)
		op=-s what="missing or empty"
		shift
		;;
	-S)
		op=-S what="not a socket"
		shift
		;;
	esac
	local path=$1 seconds=${2:-5}
	for _ in $(seq $((seconds * 20))); do
		test "$op" "$path" && return 0
		sleep 0.05
	done
	test "$op" "$path" || fail "timed out after $seconds s waiting for $path: $what"
}

# Creates a container that sleeps, starts it and waits until it runs.
start_sleeper() {
	local id=${1:-$CT_ID} bundle=${2:-$CT_BUNDLE}
	update_config '.process.args = ["/bin/ctprobe", "sleep", "inf"]' "$bundle"
	run ctrun create --bundle "$bundle" "$id"
	expect_success || return 1
	run ctrun start "$id"
	expect_success || return 1
	wait_for_output "$id" "sleeping=inf"
}

# ------------------------------------------------------------- teardown

# Prints the cgroup directories, in any hierarchy, whose name contains the
# given text.
find_cgroups() {
	local mnt
	for mnt in $(awk '$9 == "cgroup" || $9 == "cgroup2" { print $5 }' /proc/self/mountinfo); do
		find "$mnt" -mindepth 1 -type d -name "*$1*" 2>/dev/null
	done
}

# Prints the pids of the processes in the cgroups of this test's containers.
# Zombies are left out: they wait for their reaper, not for the runtime.
container_processes() {
	local pid
	for pid in $(grep -lF "/$CT_CGROUP_PREFIX$CT_ID" /proc/[0-9]*/cgroup 2>/dev/null | cut -d/ -f3); do
		[ "$(awk '{ print $3 }' "/proc/$pid/stat" 2>/dev/null)" = Z ] || echo "$pid"
	done
}

# Waits up to 10 seconds for the processes of this test's containers to
# exit. The init of a create killed early exits on its own, once the system
# call it is in returns (most likely the creation of its network namespace).
# In one full CI run, with many namespaces torn down at once, such inits
# were still there after 3 seconds and gone right after.
wait_for_no_processes() {
	for _ in $(seq 100); do
		[ -z "$(container_processes)" ] && return 0
		sleep 0.1
	done
	return 1
}

# Checks that a failed command left no state, cgroup or container process.
expect_nothing_left() {
	[ -z "$(ls -A "$CT_ROOT")" ] || fail "state left under $CT_ROOT: $(ls -A "$CT_ROOT")" || return 1
	local cgroups processes
	cgroups=$(find_cgroups "$CT_CGROUP_PREFIX$CT_ID")
	[ -z "$cgroups" ] || fail "cgroups left: $cgroups" || return 1
	wait_for_no_processes
	processes=$(container_processes)
	[ -z "$processes" ] || fail "processes left: $processes"
}

ct_kill_recorded() {
	local pid start current
	while read -r pid start; do
		current=$(cut -d' ' -f22 "/proc/$pid/stat" 2>/dev/null) || continue
		[ "$current" = "$start" ] && kill -9 "$pid" 2>/dev/null
	done <"$CT_TMP/pids"
	for pid in $(cut -d' ' -f1 "$CT_TMP/pids"); do
		for _ in $(seq 50); do
			[ -e "/proc/$pid" ] || break
			sleep 0.1
		done
	done
}

# Deletes what the test created and fails it if the runtime left anything.
ct_teardown() {
	[ -n "${CT_TMP:-}" ] || return 0
	local id leftovers=() dir mnt
	cd "$CT_TOP" || true

	if [ -s "$CT_TMP/ids" ]; then
		while read -r id; do
			ct_timeout "$CTRUN" --root "$CT_ROOT" delete --force "$id" >>"$CT_LOG" 2>&1 || true
		done <"$CT_TMP/ids"
	fi
	ct_kill_recorded
	# A second delete removes a container whose init was still dying.
	if [ -s "$CT_TMP/ids" ]; then
		while read -r id; do
			ct_timeout "$CTRUN" --root "$CT_ROOT" delete --force "$id" >/dev/null 2>&1 || true
		done <"$CT_TMP/ids"
	fi

	local pid
	wait_for_no_processes
	for pid in $(container_processes); do
		leftovers+=("process: $pid $(tr '\0' ' ' <"/proc/$pid/cmdline" 2>/dev/null)")
		kill -9 "$pid" 2>/dev/null || true
	done

	if [ -s "$CT_TMP/host-mounts" ]; then
		tac "$CT_TMP/host-mounts" | while read -r mnt; do
			umount "$mnt" 2>/dev/null || umount -l "$mnt" 2>/dev/null || true
		done
	fi

	if [ -d "$CT_ROOT" ] && [ -n "$(ls -A "$CT_ROOT")" ]; then
		leftovers+=("state: $(ls -A "$CT_ROOT" | tr '\n' ' ')")
	fi
	while read -r mnt; do
		leftovers+=("mount: $mnt")
		umount -l "$mnt" 2>/dev/null || true
	done < <(awk -v dir="$CT_TMP" 'index($5, dir) == 1 { print $5 }' /proc/self/mountinfo | sort -r)
	while read -r dir; do
		[ -n "$dir" ] || continue
		leftovers+=("cgroup: $dir")
		rmdir "$dir" 2>/dev/null || true
	done < <(find_cgroups "$CT_CGROUP_PREFIX$CT_ID" | sort -r)

	echo "--- runtime commands of this test:" >&2
	cat "$CT_LOG" >&2
	if [ ${#leftovers[@]} -gt 0 ]; then
		printf 'left behind: %s\n' "${leftovers[@]}" >&2
		fail "the runtime left ${#leftovers[@]} object(s) behind"
		return 1
	fi
	rm -rf --one-file-system "$CT_TMP/bundle" "$CT_TMP"/bundle-* 2>/dev/null || true
}
