#!/bin/bash
# SPDX-License-Identifier: Apache-2.0
#
# The test command: builds ctrun with meson if needed, runs the C unit tests
# (meson test, TAP) and the bats integration tests, and ends with one line
# "N passed, N failed, N skipped" that counts every TAP result of both.
# Exits 1 if any test failed. Run it as root; scripts/install-deps.sh
# installs what it needs on Debian 12.
set -uo pipefail

usage() {
	cat <<'EOF'
usage: tests/run-all.sh [--unit-only | --integration-only | --vm-only] [--no-vm] [BATS-FILE...]

  --unit-only         run only the C unit tests (meson test)
  --integration-only  run only the bats integration tests on this host
  --vm-only           run only the pure cgroup v2 lane (tests/vm/run-lane.sh)
  --no-vm             skip the pure cgroup v2 lane
  BATS-FILE...        run these integration test files instead of all of them

environment:
  BUILD_DIR   meson build directory (default: build)
  CTRUN       runtime binary under test (default: $BUILD_DIR/src/ctrun);
              CTRUN=/usr/sbin/runc runs the integration tests against runc
  CT_COMMAND_TIMEOUT  seconds one runtime command may take (default: 60)
  BATS_TIMEOUT        seconds the whole bats run may take (default: 3600)
EOF
}

top=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$top" || exit 1

run_unit=1
run_integration=1
run_vm=1
bats_files=()
while [ $# -gt 0 ]; do
	case "$1" in
	--unit-only) run_integration=0; run_vm=0 ;;
	--integration-only) run_unit=0; run_vm=0 ;;
	--vm-only) run_unit=0; run_integration=0 ;;
	--no-vm) run_vm=0 ;;
	-h | --help) usage; exit 0 ;;
	-*) echo "run-all.sh: unknown option \"$1\"" >&2; usage >&2; exit 2 ;;
	*) bats_files+=("$1") ;;
	esac
	shift
done

build_dir=${BUILD_DIR:-build}
case "$build_dir" in
/*) ;;
*) build_dir=$top/$build_dir ;;
esac
export CT_BUILD_DIR=$build_dir
export CTRUN=${CTRUN:-$build_dir/src/ctrun}

passed=0
failed=0
skipped=0
work=$(mktemp -d /tmp/ctrun-tests.XXXXXX)
trap 'rm -rf --one-file-system "$work"' EXIT

# Prints "PASSED FAILED SKIPPED" for the TAP text on stdin. A "# SKIP" or
# "# TODO" directive counts as skipped.
count_tap() {
	awk '
		/^ok / && tolower($0) ~ /# (skip|todo)/ { s++; next }
		/^ok / { p++; next }
		/^not ok / && tolower($0) ~ /# todo/ { s++; next }
		/^not ok / { f++; next }
		END { printf "%d %d %d\n", p, f, s }'
}

add_counts() {
	passed=$((passed + $1))
	failed=$((failed + $2))
	skipped=$((skipped + $3))
}

build() {
	echo "# building in $build_dir"
	if [ ! -f "$build_dir/build.ninja" ]; then
		meson setup "$build_dir" >"$work/setup.log" 2>&1 || {
			cat "$work/setup.log"
			return 1
		}
	fi
	if ! ninja -C "$build_dir" >"$work/build.log" 2>&1; then
		cat "$work/build.log"
		# The integration tests can still run against another runtime
		# when the probe builds.
		ninja -C "$build_dir" tests/payload/ctprobe >/dev/null 2>&1
		return 1
	fi
}

# Runs meson test and counts each TAP result of each unit test program. A
# program without TAP output counts once by its meson result, and so does a
# program that failed without printing a failed TAP result.
run_unit_tests() {
	local testlog=$build_dir/meson-logs/testlog.json
	echo "# unit tests: meson test -C $build_dir"
	rm -f "$testlog"
	meson test -C "$build_dir" --print-errorlogs
	if [ ! -s "$testlog" ]; then
		echo "# meson test wrote no $testlog"
		failed=$((failed + 1))
		return
	fi
	local line name result stdout counts p f s
	while IFS= read -r line; do
		name=$(jq -r .name <<<"$line")
		result=$(jq -r .result <<<"$line")
		stdout=$(jq -r '.stdout // ""' <<<"$line")
		counts=$(count_tap <<<"$stdout")
		read -r p f s <<<"$counts"
		add_counts "$p" "$f" "$s"
		if [ $((p + f + s)) -eq 0 ]; then
			case "$result" in
			OK | EXPECTEDFAIL) passed=$((passed + 1)) ;;
			SKIP) skipped=$((skipped + 1)) ;;
			*) failed=$((failed + 1)) ;;
			esac
		elif [ "$f" -eq 0 ] && [ "$result" != OK ] && [ "$result" != SKIP ]; then
			echo "# unit test $name: $result"
			failed=$((failed + 1))
		fi
	done <"$testlog"
}

# Runs bats with TAP output and counts its results. Tests that the plan
# announced but that never reported (bats died) count as failed.
run_integration_tests() {
	local files=("${bats_files[@]}")
	# The hostile-bundle suite runs first, so that zz-leftovers.bats, the
	# last file of the integration tests, also checks what it left.
	[ ${#files[@]} -gt 0 ] || files=("$top/tests/security" "$top/tests/integration")
	echo "# integration tests: CTRUN=$CTRUN bats --tap ${files[*]}"
	echo "# runtime: $("$CTRUN" --version 2>&1 | head -1)"

	# The rootfs is built once and copied into each test's bundle.
	export CT_ROOTFS_CACHE=$work/rootfs
	if ! "$top/tests/fixtures/make-rootfs.sh" "$CT_ROOTFS_CACHE"; then
		echo "# building the test rootfs failed"
		failed=$((failed + 1))
		return
	fi

	# Each runtime call has its own time limit (helpers.bash); this one
	# keeps a hung test from using up CI's 90 minutes.
	local rc=0 counts p f s planned
	timeout --kill-after=10 "${BATS_TIMEOUT:-3600}" bats --tap "${files[@]}" </dev/null 2>&1 |
		tee "$work/bats.tap" || rc=$?
	counts=$(count_tap <"$work/bats.tap")
	read -r p f s <<<"$counts"
	add_counts "$p" "$f" "$s"
	planned=$(sed -n 's/^1\.\.\([0-9]*\)$/\1/p' "$work/bats.tap" | head -1)
	if [ -n "$planned" ] && [ $((p + f + s)) -lt "$planned" ]; then
		echo "# bats reported $((p + f + s)) of $planned planned tests"
		failed=$((failed + planned - p - f - s))
	elif [ "$rc" -ne 0 ] && [ "$f" -eq 0 ]; then
		echo "# bats exited with status $rc"
		failed=$((failed + 1))
	fi
}

# The cgroup tests again, in a QEMU VM whose kernel has pure cgroup v2,
# the layout most users have; this host is hybrid. The lane boots once and
# runs its files with bats there (tests/vm/README.md). Its kernel also has
# AppArmor on, which this host lacks, so the AppArmor tests run there.
vm_lane_files=(
	tests/integration/cgroups.bats
	tests/integration/lifecycle.bats
	tests/integration/pause.bats
	tests/integration/update.bats
	tests/integration/ps.bats
	tests/integration/events.bats
	tests/integration/memory-floor.bats
	tests/integration/resources.bats
	tests/integration/systemd-cgroup.bats
	tests/integration/apparmor.bats
)

# Runs tests/vm/run-lane.sh ARG... and adds its TAP counts. NAME names the
# lane in the messages, and FILE is the name of its TAP copy in $work.
run_lane() {
	local name=$1 file=$2 rc=0 counts p f s planned
	shift 2
	echo "# $name: tests/vm/run-lane.sh $*"
	"$top/tests/vm/run-lane.sh" "$@" </dev/null 2>&1 | tee "$work/$file" || rc=$?
	counts=$(count_tap <"$work/$file")
	read -r p f s <<<"$counts"
	add_counts "$p" "$f" "$s"
	planned=$(sed -n 's/^1\.\.\([0-9]*\)$/\1/p' "$work/$file" | head -1)
	if [ -n "$planned" ] && [ $((p + f + s)) -lt "$planned" ]; then
		echo "# the $name reported $((p + f + s)) of $planned planned tests"
		failed=$((failed + planned - p - f - s))
	elif [ "$rc" -ne 0 ] && [ "$f" -eq 0 ]; then
		echo "# the $name exited with status $rc"
		failed=$((failed + 1))
	fi
}

run_vm_lane() {
	if ! command -v qemu-system-x86_64 >/dev/null || ! compgen -G '/boot/vmlinuz-*' >/dev/null; then
		echo "# skipping the cgroup v2 VM lane: qemu-system-x86 or a kernel in /boot is missing" \
			"(scripts/install-deps.sh installs both)"
		skipped=$((skipped + 1))
		return
	fi
	local files=()
	local file
	for file in "${vm_lane_files[@]}"; do
		[ -f "$top/$file" ] && files+=("$file")
	done
	run_lane "cgroup v2 VM lane" vm.tap "${files[@]}"

	# The same kernel booted once more with SELinux in place of AppArmor
	# and a test policy, for the SELinux labels.
	[ -f "$top/tests/integration/selinux.bats" ] || return 0
	if ! command -v checkpolicy >/dev/null; then
		echo "# skipping the SELinux VM lane: checkpolicy is missing (scripts/install-deps.sh installs it)"
		skipped=$((skipped + 1))
		return
	fi
	run_lane "SELinux VM lane" vm-selinux.tap --selinux tests/integration/selinux.bats
}

if [ "$(id -u)" -ne 0 ]; then
	echo "# run-all.sh runs containers and must run as root" >&2
	echo "0 passed, 1 failed, 0 skipped"
	exit 1
fi

if build; then
	[ "$run_unit" = 1 ] && run_unit_tests
elif [ "$run_unit" = 1 ]; then
	echo "# the build failed, so the unit tests cannot run"
	failed=$((failed + 1))
fi
[ "$run_integration" = 1 ] && run_integration_tests
# Files named on the command line select a host run only.
[ ${#bats_files[@]} -gt 0 ] && [ "$run_integration" = 1 ] && run_vm=0
[ "$run_vm" = 1 ] && run_vm_lane

echo "$passed passed, $failed failed, $skipped skipped"
[ "$failed" -eq 0 ]
