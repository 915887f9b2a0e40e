#!/bin/bash
# SPDX-License-Identifier: Apache-2.0
#
# run-lane.sh: the pure cgroup v2 test lane. It boots one QEMU VM whose only
# cgroup hierarchy is cgroup2 (see vm-run.sh), runs the named bats files
# there against the runtime under test and prints bats' TAP output on
# stdout. Its own messages go to stderr as TAP comments ("# ..."). It exits
# with bats' status, or 124 when the VM timed out and 125 when the VM or its
# setup failed.
set -euo pipefail

usage() {
	cat <<'EOF'
usage: tests/vm/run-lane.sh [OPTION...] [BATS-FILE...]

Runs BATS-FILE... (default: tests/integration/cgroups.bats and
tests/integration/lifecycle.bats) with `bats --tap` in one VM with pure
cgroup v2. The files must be inside the repository. The programs built in
$BUILD_DIR/tests/payload go to the VM too.

options:
  --runtime PATH      runtime binary under test (default: $CTRUN, else
                      $BUILD_DIR/src/ctrun); /usr/sbin/runc works too
  --timeout SECONDS   wall-clock limit for the VM (default: $CT_VM_TIMEOUT,
                      else 1200)
  --filter REGEX      run only the tests whose name matches REGEX (bats -f)
  --selinux           boot with SELinux (security=selinux) in place of
                      AppArmor, with the test policy tests/vm/selinux-policy.conf,
                      compiled with checkpolicy (Debian's checkpolicy package)
  --verbose           show the VM console on stderr
  -h, --help          show this help

environment:
  BUILD_DIR      meson build directory (default: build; CT_BUILD_DIR wins)
  CTRUN          runtime binary, as --runtime
  CTPROBE        the static ctprobe payload (default:
                 $BUILD_DIR/tests/payload/ctprobe, else compiled with cc)
  CT_VM_KERNEL   kernel image (default: the newest /boot/vmlinuz-*)
  CT_VM_TIMEOUT  as --timeout
EOF
}

note() {
	echo "# run-lane.sh: $*" >&2
}

fail_setup() {
	note "$*"
	exit 125
}

top=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
# tests/run-all.sh exports CT_BUILD_DIR, the absolute form of BUILD_DIR.
build_dir=${CT_BUILD_DIR:-${BUILD_DIR:-build}}
[[ "$build_dir" == /* ]] || build_dir=$top/$build_dir
runtime=${CTRUN:-$build_dir/src/ctrun}
timeout=${CT_VM_TIMEOUT:-1200}
vm_options=()
selinux=0
files=()
bats_options=()

while [ $# -gt 0 ]; do
	case "$1" in
	--runtime) runtime=${2:?--runtime needs a path}; shift 2 ;;
	--timeout) timeout=${2:?--timeout needs seconds}; shift 2 ;;
	--filter) bats_options+=(--filter "${2:?--filter needs a regular expression}"); shift 2 ;;
	--verbose) vm_options+=(--verbose); shift ;;
	--selinux) selinux=1; shift ;;
	-h | --help) usage; exit 0 ;;
	-*) note "unknown option \"$1\""; usage >&2; exit 2 ;;
	*) files+=("$1"); shift ;;
	esac
done

# make-rootfs.sh gives files to uid 1000, and the image keeps the owners.
[ "$(id -u)" -eq 0 ] || fail_setup "run-lane.sh must run as root"

if [ -z "$(type -P "$runtime")" ] || [ ! -x "$(type -P "$runtime")" ]; then
	fail_setup "runtime \"$runtime\" not found: build ctrun, or pass --runtime or CTRUN"
fi
runtime=$(readlink -f "$(type -P "$runtime")")

# The default files are the ones that exercise cgroups. A default file that
# does not exist yet is left out, but a file named on the command line must
# exist.
if [ ${#files[@]} -eq 0 ]; then
	for file in tests/integration/cgroups.bats tests/integration/lifecycle.bats; do
		if [ -f "$top/$file" ]; then
			files+=("$top/$file")
		else
			note "$file does not exist, so it is left out"
		fi
	done
	[ ${#files[@]} -gt 0 ] || fail_setup "none of the default test files exists"
fi

work=$(mktemp -d "${TMPDIR:-/tmp}/run-lane.XXXXXX")
trap 'rm -rf "$work"' EXIT

guest_top=/job/ctrun
vm_options+=(
	--bats --gnu-tools --bin "$(command -v jq)"
	--bin "$runtime:/usr/local/bin/$(basename "$runtime")"
	--add "$top/tests/integration:$guest_top/tests/integration"
	--add "$top/tests/fixtures:$guest_top/tests/fixtures"
	--add "$top/tests/vm/lane-guest.sh:$guest_top/tests/vm/lane-guest.sh"
	# for the test of ctrun --version
	--add "$top/meson.build:$guest_top/meson.build"
	# /dev/loop0 (7:0) gives io.max tests a block device.
	--module loop
	# The tests' temporary files go to ext4, as on the host, because tmpfs
	# lacks idmapped mounts before Linux 6.3.
	--tmp-disk 2048
	--timeout "$timeout"
)

# Each file keeps its path relative to the repository, so that bats' load
# and the helpers' paths resolve in the VM as they do on the host.
guest_files=()
for file in "${files[@]}"; do
	path=$(readlink -f "$file" 2>/dev/null) && [ -f "$path" ] || fail_setup "test file \"$file\" not found"
	case "$path" in
	"$top"/*) relative=${path#"$top"/} ;;
	*) fail_setup "test file \"$file\" is outside the repository $top" ;;
	esac
	case "$relative" in
	tests/integration/* | tests/fixtures/*) ;;
	*) vm_options+=(--add "$path:$guest_top/$relative") ;;
	esac
	guest_files+=("$guest_top/$relative")
done

# apparmor.bats loads its test profiles with apparmor_parser (Debian's
# apparmor package); without it, those tests skip.
if parser=$(command -v apparmor_parser); then
	vm_options+=(--bin "$parser:/usr/sbin/apparmor_parser")
fi

if [ "$selinux" = 1 ]; then
	command -v checkpolicy >/dev/null || fail_setup "checkpolicy not found: install the Debian package checkpolicy"
	checkpolicy -U allow -o "$work/selinux-policy" "$top/tests/vm/selinux-policy.conf" >&2 ||
		fail_setup "compiling tests/vm/selinux-policy.conf with checkpolicy failed"
	vm_options+=(--add "$work/selinux-policy:/etc/vm/selinux-policy" --append security=selinux)
fi

# The test programs of tests/payload (the seccomp agent, recvtty, ...) go
# to the same place in the VM, with the libraries of those that need some.
for payload in "$build_dir"/tests/payload/*; do
	if [ -f "$payload" ] && [ -x "$payload" ] && [ "$(basename "$payload")" != ctprobe ]; then
		vm_options+=(--bin "$payload:$guest_top/build/tests/payload/$(basename "$payload")")
	fi
done

# ctprobe must be static: the test rootfs has no shared libraries.
probe=${CTPROBE:-$build_dir/tests/payload/ctprobe}
if [ ! -x "$probe" ]; then
	probe=$work/ctprobe
	note "no built ctprobe, compiling tests/payload/ctprobe.c"
	cc -std=gnu17 -O2 -static -o "$probe" "$top/tests/payload/ctprobe.c" >&2 ||
		fail_setup "compiling ctprobe failed: install gcc and libc6-dev, or build the project"
fi
vm_options+=(--add "$probe:$guest_top/build/tests/payload/ctprobe")

# The rootfs is built here and not in the VM: make-rootfs.sh starts about
# 1,600 processes, which took 60 s under TCG and well under a second here.
# The helpers copy it into each test's bundle with make-bundle.sh.
CTPROBE=$probe "$top/tests/fixtures/make-rootfs.sh" "$work/rootfs" >&2 ||
	fail_setup "building the test rootfs with tests/fixtures/make-rootfs.sh failed"
vm_options+=(--add "$work/rootfs:/job/rootfs")

vm_options+=(
	--env "CTRUN=/usr/local/bin/$(basename "$runtime")"
	--env "CT_BUILD_DIR=$guest_top/build"
	--env "CTPROBE=$guest_top/build/tests/payload/ctprobe"
	--env "CT_ROOTFS_CACHE=/job/rootfs"
)

note "runtime $runtime, files: ${guest_files[*]#"$guest_top"/}"
status=0
"$top/tests/vm/vm-run.sh" "${vm_options[@]}" -- bash "$guest_top/tests/vm/lane-guest.sh" \
	${bats_options[@]+"${bats_options[@]}"} "${guest_files[@]}" \
	2> >(sed -u 's/^/# /' >&2) || status=$?
exit "$status"
