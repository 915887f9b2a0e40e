#!/usr/bin/env bats
# SPDX-License-Identifier: Apache-2.0
#
# CVE-2019-5736 class: a process in the container must never reach the
# runtime's binary on the host through /proc/PID/exe. The init is a clone of
# the runtime until it executes the program, so it is the target: it is not
# dumpable, and the runtime runs from a protected view of its binary (a
# detached overlayfs without an upper layer, or a sealed memfd where that
# cannot be made), so even a process allowed to open /proc/1/exe gets the
# view, which refuses writes. Each test checks that the host binary did not
# change.

load ../integration/helpers

setup() {
	ct_setup
	is_ctrun || skip "ctrun's own protection"
	binary_sum=$(sha256sum "$CTRUN" | cut -d' ' -f1)
}

teardown() {
	ct_teardown
	[ -z "${binary_sum:-}" ] || [ "$(sha256sum "$CTRUN" | cut -d' ' -f1)" = "$binary_sum" ] ||
		fail "the runtime binary changed"
}

# Fails unless the probe's target is a protected view of the runtime: the
# overlay's file, which /proc shows as its name at the root of the detached
# mount, or the memfd.
expect_protected_target() {
	local target
	target=$(probe_value target) || fail "no target in the output"
	case "$target" in
	"/$(basename "$CTRUN")" | /memfd:ctrun*) ;;
	*) fail "the process runs $target" ;;
	esac
}

# Fails if any way of the exe-attack probe wrote the binary or took hold
# of its superblock.
expect_attack_refused() {
	local key
	for key in write reopen clone_write; do
		[ "$(probe_value $key)" != written ] || fail "$key went through"
	done
	[ "$(probe_value fspick)" != picked ] || fail "fspick took the superblock"
}

# Allows the container to run the dynamically linked runtime from the
# busybox rootfs, with the host's libraries.
bind_host_libraries() {
	[ -e /lib64 ] && [ -d /lib/x86_64-linux-gnu ] || skip "needs the host's x86_64 libraries"
	update_config '.mounts += [
		{"destination": "/lib64", "type": "bind", "source": "/lib64", "options": ["rbind", "ro"]},
		{"destination": "/lib/x86_64-linux-gnu", "type": "bind", "source": "/lib/x86_64-linux-gnu", "options": ["rbind", "ro"]}]'
}

# Creates the container and leaves its init waiting for start: the moment
# when the init is still the runtime's clone.
create_waiting() {
	update_config '.process.args = ["/bin/ctprobe", "sleep", "inf"]'
	run ctrun create --bundle "$CT_BUNDLE" "$CT_ID"
	expect_success
}

@test "binary init exe unreachable before start" {
	create_waiting
	run ctrun exec "$CT_ID" /bin/ctprobe exe 1
	expect_success
	expect_probe write EACCES
	expect_probe path EACCES
}

@test "binary init exe is a protected view with CAP_SYS_PTRACE" {
	update_config '.process.capabilities |= with_entries(.value += ["CAP_SYS_PTRACE", "CAP_SYS_ADMIN"])'
	create_waiting
	run ctrun exec "$CT_ID" /bin/ctprobe exe 1
	expect_success
	expect_protected_target
	expect_attack_refused
	run ctrun exec "$CT_ID" /bin/ctprobe exe-attack 1
	expect_success
	expect_protected_target
	expect_attack_refused
}

@test "binary /proc/self/exe as the program runs the protected view" {
	# The runtime is linked dynamically; the busybox rootfs needs the host's
	# libraries for it to start in the container at all. Opening its log
	# on a fifo keeps it waiting while the probe looks at it.
	bind_host_libraries
	mkfifo "$CT_BUNDLE/rootfs/log.fifo"
	update_config '.process.capabilities |= with_entries(.value += ["CAP_SYS_PTRACE"])
		| .process.args = ["/proc/self/exe", "--log", "/log.fifo", "state", "none"]'
	run ctrun create --bundle "$CT_BUNDLE" "$CT_ID"
	expect_success
	run ctrun start "$CT_ID"
	expect_success
	run ctrun exec "$CT_ID" /bin/ctprobe exe 1
	expect_success
	expect_protected_target
	expect_attack_refused
}

@test "binary exe attacks after the process is gone" {
	# The strongest container: no user namespace, CAP_SYS_ADMIN and
	# CAP_SYS_PTRACE. An exec'd process runs the runtime's view through
	# /proc/self/exe and waits on a fifo; the probe keeps an O_PATH fd of
	# its exe, lets it exit, and then tries to reopen the fd for writing,
	# make the mount writable, clone it, and pick its superblock.
	bind_host_libraries
	mkfifo "$CT_BUNDLE/rootfs/log.fifo"
	update_config '.process.capabilities |= with_entries(.value += ["CAP_SYS_PTRACE", "CAP_SYS_ADMIN"])'
	start_sleeper
	run ctrun exec --detach "$CT_ID" /proc/self/exe --log /log.fifo state none
	expect_success
	run ctrun exec "$CT_ID" /bin/sh -c 'for p in /proc/[0-9]*; do
		[ "${p#/proc/}" = "$$" ] && continue
		case "$(tr "\0" " " <$p/cmdline)" in *log.fifo*) echo "pid=${p#/proc/}" ;; esac
	done'
	expect_success
	local pid
	pid=$(probe_value pid) || fail "no process waits on the fifo"
	run ctrun exec "$CT_ID" /bin/ctprobe exe-attack "$pid" /log.fifo
	expect_success
	expect_probe gone 1
	expect_protected_target
	expect_attack_refused
	[ "$(probe_value reopen)" != ETXTBSY ] || fail "the process still ran at the reopen"
}

@test "binary exec process runs from the sealed copy" {
	start_sleeper
	run ctrun exec "$CT_ID" /bin/sh -c 'cat /proc/self/status | grep -c ^Name'
	expect_success
	# The runtime that made the process is gone or outside the pid
	# namespace; only container processes are visible.
	run ctrun exec "$CT_ID" /bin/sh -c 'for p in /proc/[0-9]*; do readlink $p/exe; done'
	expect_success
	expect_output_lacks "$CTRUN"
}

# Starts a command that runs the runtime with its log on the fifo, so that
# the runtime waits there after the re-execution; its pid is $waiting_pid.
start_waiting_runtime() {
	local fifo=$1
	shift
	mkfifo "$fifo"
	"$@" &
	waiting_pid=$!
	record_pid "$waiting_pid"
}

# Prints the executable of the waiting runtime once it matches the glob
# pattern, or the last one read after 5 seconds.
waiting_runtime_exe() {
	local pattern=$1 exe=
	for _ in $(seq 100); do
		exe=$(readlink "/proc/$waiting_pid/exe") && [[ "$exe" == $pattern ]] && break
		sleep 0.05
	done
	echo "$exe"
}

# Lets the waiting runtime go on and waits for it.
release_waiting_runtime() {
	timeout 10 cat "$1" >/dev/null || true
	wait "$waiting_pid" || true
}

@test "binary runtime switches in place to a detached overlay" {
	start_waiting_runtime "$CT_TMP/log.fifo" "$CTRUN" --root "$CT_ROOT" --log "$CT_TMP/log.fifo" \
		--trace "$CT_TMP/trace.jsonl" create --bundle "$CT_TMP/none" "$CT_ID"
	local exe type maps
	exe=$(waiting_runtime_exe "/$(basename "$CTRUN")")
	type=$(stat -L -f -c %T "/proc/$waiting_pid/exe")
	# No mapping of the process may name the host binary any more.
	maps=$(grep -c -F "$CTRUN" "/proc/$waiting_pid/maps" || true)
	release_waiting_runtime "$CT_TMP/log.fifo"
	[ "$exe" = "/$(basename "$CTRUN")" ] || fail "the runtime runs $exe"
	[ "$type" = overlayfs ] || fail "the runtime's binary is on $type"
	[ "$maps" = 0 ] || fail "$maps mappings of $CTRUN are left"
	run jq -r .phase "$CT_TMP/trace.jsonl"
	expect_output_has protect
	expect_output_lacks reexec
}

@test "binary runtime without CAP_SYS_ADMIN executes the view" {
	# Without CAP_SYS_ADMIN and CAP_CHECKPOINT_RESTORE Linux refuses to
	# change the executable in place, and the overlay cannot be made, so
	# ctrun executes a sealed memfd copy. create fails later for the lack
	# of the capability; only the protection is looked at.
	start_waiting_runtime "$CT_TMP/log.fifo" setpriv --inh-caps=-sys_admin,-checkpoint_restore \
		--bounding-set=-sys_admin,-checkpoint_restore -- "$CTRUN" --root "$CT_ROOT" \
		--log "$CT_TMP/log.fifo" --trace "$CT_TMP/trace.jsonl" create --bundle "$CT_TMP/none" "$CT_ID"
	local exe
	exe=$(waiting_runtime_exe "/memfd:*")
	release_waiting_runtime "$CT_TMP/log.fifo"
	[[ "$exe" == /memfd:ctrun* ]] || fail "the runtime runs $exe"
	run jq -r .phase "$CT_TMP/trace.jsonl"
	expect_output_has reexec
	expect_output_lacks protect
}

@test "binary fallback in a user namespace is a sealed memfd" {
	# In a new user namespace the mount namespace still belongs to the
	# initial one, so the overlay cannot be made.
	unshare --user --map-root-user true 2>/dev/null || skip "no user namespace here"
	start_waiting_runtime "$CT_TMP/log.fifo" unshare --user --map-root-user \
		"$CTRUN" --root "$CT_ROOT" --log "$CT_TMP/log.fifo" create --bundle "$CT_TMP/none" "$CT_ID"
	local exe
	exe=$(waiting_runtime_exe "/memfd:*")
	release_waiting_runtime "$CT_TMP/log.fifo"
	[[ "$exe" == /memfd:ctrun* ]] || fail "the runtime runs $exe"
}

@test "binary log lines written once across re-execution" {
	run "$CTRUN" --root "$CT_ROOT" --debug --log "$CT_TMP/ctrun.log" --cgroup-manager cgroupfs \
		create --bundle "$CT_TMP/none" "$CT_ID"
	expect_failure
	[ "$(grep -c 'ignoring --cgroup-manager' "$CT_TMP/ctrun.log")" = 1 ] ||
		fail "debug line count: $(cat "$CT_TMP/ctrun.log")"
	[ "$(grep -c 'level=error' "$CT_TMP/ctrun.log")" = 1 ] ||
		fail "error line count: $(cat "$CT_TMP/ctrun.log")"
}
