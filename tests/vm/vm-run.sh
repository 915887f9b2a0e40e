#!/bin/bash
# SPDX-License-Identifier: Apache-2.0
#
# vm-run.sh [OPTION...] -- COMMAND [ARG...]: run COMMAND as root in a
# throwaway QEMU virtual machine whose only cgroup hierarchy is cgroup2 on
# /sys/fs/cgroup, print its output and exit with its status.
#
# The VM boots a Debian kernel from /boot with an initramfs that this script
# builds on each run from busybox-static and the files the options name. It
# has no network device and no disk without --tmp-disk, and nothing of it
# remains afterwards.
# See tests/vm/README.md for the design, the figures and the limits.
set -euo pipefail

prog=vm-run.sh
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)

usage() {
	cat <<'EOF'
usage: vm-run.sh [OPTION...] -- COMMAND [ARG...]

Runs COMMAND as root in a QEMU VM with a pure cgroup v2 hierarchy. The
command's stdout and stderr go to stdout; its working directory is /job.

options:
  --add SRC[:DEST]     copy a host file or directory into the VM at DEST
                       (default /job/NAME)
  --bin SRC[:DEST]     copy an executable and the shared libraries that ldd
                       lists for it (default DEST /usr/local/bin/NAME)
  --bats               add bash and bats-core (Debian's bats package)
  --gnu-tools          add GNU coreutils, grep, sed, findutils, diffutils,
                       mawk and the util-linux and procps tools that test
                       scripts use, ahead of busybox in PATH
  --module NAME        load a kernel module and its dependencies at boot,
                       for example loop (repeat or separate with commas)
  --tmp-disk MB        mount a fresh ext4 disk of MB megabytes on /tmp, in
                       place of the tmpfs root (a sparse file on the host)
  --env NAME=VALUE     export a variable to the command
  --timeout SECONDS    wall-clock limit for the whole VM (default 600)
  --memory MB          guest memory (default 1024)
  --cpus N             virtual CPUs (default: host CPUs, at most 4)
  --accel auto|kvm|tcg QEMU accelerator (default auto: KVM only with the
                       kvm_intel or kvm_amd module, else TCG)
  --kernel PATH        kernel image (default $CT_VM_KERNEL or the newest
                       /boot/vmlinuz-*)
  --append ARGS        more kernel command line arguments
  --verbose            show the kernel console on stderr
  --keep               keep the work directory (initramfs, console.log)
  -h, --help           show this help

exit status: the command's (0-255); 124 when the timeout expired; 125 when
the VM gave no status (QEMU failed, the kernel panicked, /init failed);
2 for a usage error.
EOF
}

fail_usage() {
	echo "$prog: $*" >&2
	echo "run \"$prog --help\" for the options" >&2
	exit 2
}

fail_setup() {
	echo "$prog: $*" >&2
	exit 125
}

adds=()
bins=()
executables=()
disk_args=()
envs=()
modules=()
command=()
with_bats=0
with_gnu_tools=0
tmp_disk_mb=0
timeout=600
memory=1024
cpus=
accel=auto
kernel=${CT_VM_KERNEL:-}
append=
verbose=0
keep=0

while [ $# -gt 0 ]; do
	case "$1" in
	--add) adds+=("${2:?--add needs SRC[:DEST]}"); shift 2 ;;
	--bin) bins+=("${2:?--bin needs SRC[:DEST]}"); shift 2 ;;
	--bats) with_bats=1; shift ;;
	--gnu-tools) with_gnu_tools=1; shift ;;
	--tmp-disk) tmp_disk_mb=${2:?--tmp-disk needs megabytes}; shift 2 ;;
	--module)
		IFS=, read -r -a names <<<"${2:?--module needs a name}"
		modules+=("${names[@]}")
		shift 2
		;;
	--env)
		[[ "${2:-}" =~ ^[A-Za-z_][A-Za-z0-9_]*= ]] || fail_usage "invalid --env \"${2:-}\": expected NAME=VALUE"
		envs+=("$2")
		shift 2
		;;
	--timeout) timeout=${2:?}; shift 2 ;;
	--memory) memory=${2:?}; shift 2 ;;
	--cpus) cpus=${2:?}; shift 2 ;;
	--accel) accel=${2:?}; shift 2 ;;
	--kernel) kernel=${2:?}; shift 2 ;;
	--append) append=${2?}; shift 2 ;;
	--verbose) verbose=1; shift ;;
	--keep) keep=1; shift ;;
	-h | --help) usage; exit 0 ;;
	--) shift; command=("$@"); break ;;
	*) fail_usage "unknown option \"$1\"" ;;
	esac
done

[ ${#command[@]} -gt 0 ] || fail_usage "no command given after --"
[[ "$timeout" =~ ^[0-9]+$ ]] && [ "$timeout" -ge 10 ] ||
	fail_usage "invalid --timeout \"$timeout\": expected seconds, at least 10"
[[ "$memory" =~ ^[0-9]+$ ]] && [ "$memory" -ge 256 ] ||
	fail_usage "invalid --memory \"$memory\": expected megabytes, at least 256"
if [ -z "$cpus" ]; then
	cpus=$(nproc)
	[ "$cpus" -le 4 ] || cpus=4
fi
[[ "$cpus" =~ ^[1-9][0-9]*$ ]] || fail_usage "invalid --cpus \"$cpus\": expected a positive number"
[[ "$tmp_disk_mb" =~ ^[0-9]+$ ]] || fail_usage "invalid --tmp-disk \"$tmp_disk_mb\": expected megabytes"

# ------------------------------------------------------------ host checks

require_tool() {
	command -v "$1" >/dev/null || fail_setup "$1 not found: install the Debian package $2"
}

require_tool qemu-system-x86_64 qemu-system-x86
require_tool cpio cpio
require_tool timeout coreutils

busybox=${BUSYBOX:-/bin/busybox}
"$busybox" --list >/dev/null 2>&1 || fail_setup "$busybox is not a busybox binary: install busybox-static"
# The dynamically linked busybox of Debian's busybox package has no
# libraries in the VM, so accept only the static build.
if ldd "$busybox" >/dev/null 2>&1; then
	fail_setup "$busybox is linked dynamically: install busybox-static"
fi

if [ -z "$kernel" ]; then
	kernel=$(find /boot -maxdepth 1 -name 'vmlinuz-*' 2>/dev/null | sort -V | tail -n 1)
fi
[ -n "$kernel" ] || fail_setup "no kernel in /boot: install linux-image-cloud-amd64 or pass --kernel"
[ -r "$kernel" ] || fail_setup "cannot read the kernel image \"$kernel\""
kernel_release=$(basename "$kernel")
kernel_release=${kernel_release#vmlinuz-}

# Some sandboxes offer a /dev/kvm that a software nesting module (kvm_pvm)
# serves, and it cannot run a stock kernel, so auto picks KVM only with the
# hardware modules.
if [ "$accel" = auto ]; then
	accel=tcg
	if [ -w /dev/kvm ] && [ ! -d /sys/module/kvm_pvm ] &&
		{ [ -d /sys/module/kvm_intel ] || [ -d /sys/module/kvm_amd ]; }; then
		accel=kvm
	fi
fi
case "$accel" in
kvm) accel_args=(-accel kvm -cpu host) ;;
tcg) accel_args=(-accel tcg,thread=multi -cpu max) ;;
*) fail_usage "invalid --accel \"$accel\": expected auto, kvm or tcg" ;;
esac

# ------------------------------------------------------------ work dir

work=$(mktemp -d "${TMPDIR:-/tmp}/vm-run.XXXXXX")
root=$work/root
qemu_pid=
tail_pids=()

# Stops only the processes this script started, by PID.
cleanup() {
	local pid

	[ -z "$qemu_pid" ] || kill "$qemu_pid" 2>/dev/null || true
	for pid in ${tail_pids[@]+"${tail_pids[@]}"}; do
		kill "$pid" 2>/dev/null || true
	done
	if [ "$keep" = 1 ]; then
		echo "$prog: kept the work directory $work" >&2
	else
		rm -rf "$work"
	fi
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

# ------------------------------------------------------------ image helpers

# Copies a file or a directory to DEST inside the image.
put_path() {
	local src=$1 dest=$2

	[ -e "$src" ] || fail_setup "cannot add \"$src\": no such file or directory"
	mkdir -p "$root$(dirname "$dest")"
	rm -rf "${root:?}$dest"
	cp -a "$src" "$root$dest"
}

# Copies an executable, following symlinks. put_libraries copies the
# libraries of all of them at the end, with one ldd run.
put_executable() {
	local src=$1 dest=$2

	[ -f "$src" ] || fail_setup "cannot add the executable \"$src\": no such file"
	mkdir -p "$root$(dirname "$dest")"
	rm -f "$root$dest"
	cp -L "$src" "$root$dest"
	chmod 0755 "$root$dest"
	executables+=("$src")
}

# Copies the shared libraries and the ELF interpreters that the executables
# need. ldd prints "not a dynamic executable" for static ones and scripts.
put_libraries() {
	local listing library

	[ ${#executables[@]} -gt 0 ] || return 0
	listing=$(ldd "${executables[@]}" 2>&1) || true
	if grep -q 'not found' <<<"$listing"; then
		grep -e '^/.*:$' -e 'not found' <<<"$listing" >&2
		fail_setup "shared libraries of executables added to the VM are missing on the host"
	fi
	for library in $(sed -n -e 's|.*=> \(/[^ ]*\) (.*|\1|p' -e 's|^[[:space:]]*\(/[^ ]*\) (.*|\1|p' <<<"$listing" |
		sort -u); do
		[ -e "$root$library" ] && continue
		mkdir -p "$root$(dirname "$library")"
		cp -L "$library" "$root$library"
	done
}

# Links every busybox applet in DIR to DIR/busybox. One perl process makes
# the ~270 links, where as many ln processes would cost half a second.
link_applets() {
	"$busybox" --list | perl -e '
		my $dir = shift;
		while (my $applet = <STDIN>) {
			chomp $applet;
			next if $applet eq "busybox" || -e "$dir/$applet" || -l "$dir/$applet";
			symlink("busybox", "$dir/$applet") or die "symlink $dir/$applet: $!\n";
		}' "$1"
}

# ------------------------------------------------------------ base image

build_base() {
	local dir

	for dir in bin sbin usr/bin usr/sbin usr/local/bin usr/local/sbin lib lib64 etc/vm \
		proc sys dev run tmp var/tmp root job mnt opt; do
		mkdir -p "$root/$dir"
	done
	chmod 1777 "$root/tmp" "$root/var/tmp"
	cp "$busybox" "$root/bin/busybox"
	link_applets "$root/bin"
	# for "#!/usr/bin/env bash"; --gnu-tools replaces it with GNU env
	ln -s ../../bin/busybox "$root/usr/bin/env"
	install -m 0755 "$here/guest-init.sh" "$root/init"

	cat >"$root/etc/passwd" <<'EOF'
root:x:0:0:root:/root:/bin/sh
nobody:x:65534:65534:nobody:/nonexistent:/bin/false
EOF
	cat >"$root/etc/group" <<'EOF'
root:x:0:
tty:x:5:
nogroup:x:65534:
EOF
	printf '127.0.0.1\tlocalhost\n::1\tlocalhost\n' >"$root/etc/hosts"
	echo ctrun-vm >"$root/etc/hostname"
	ln -s /proc/self/mounts "$root/etc/mtab"
	# The kernel opens /dev/console for /init before devtmpfs is mounted.
	# Without root there is no node, and /init opens the console itself.
	mknod -m 0600 "$root/dev/console" c 5 1 2>/dev/null || true
}

add_bats() {
	local path

	command -v bats >/dev/null || fail_setup "bats not found: install the Debian package bats"
	put_executable "$(command -v bash)" /bin/bash
	ln -sf ../../bin/bash "$root/usr/bin/bash"
	for path in /usr/bin/bats /usr/lib/bats-core /usr/libexec/bats-core; do
		[ -e "$path" ] || fail_setup "bats is not laid out as Debian's bats 1.8 package: $path is missing"
		put_path "$path" "$path"
	done
}

# busybox differs from the GNU tools where test scripts notice: stat -f
# prints UNKNOWN for cgroup2, rm has no --one-file-system, and many long
# options are missing. The GNU tools go to /usr/bin, which PATH searches
# before the busybox links in /bin.
add_gnu_tools() {
	local package file name tool tools=()

	for package in coreutils grep sed findutils diffutils; do
		while read -r file; do
			case "$file" in
			/bin/* | /usr/bin/* | /sbin/* | /usr/sbin/*) ;;
			*) continue ;;
			esac
			[ -f "$file" ] && [ -x "$file" ] && [ ! -L "$file" ] && tools+=("$file")
		done < <(dpkg-query -L "$package" 2>/dev/null) ||
			fail_setup "listing the files of the package $package failed"
	done
	for name in awk mount umount nsenter unshare setsid flock mountpoint findmnt ps pgrep pkill; do
		tool=$(command -v "$name") || fail_setup "$name not found on the host"
		tools+=("$tool")
	done
	# One cp for all of them: a few processes per file would cost a second.
	# --remove-destination replaces the busybox link /usr/bin/env instead
	# of writing through it.
	cp -L --remove-destination -t "$root/usr/bin" "${tools[@]}"
	executables+=("${tools[@]}")
}

# Copies a kernel module and, first, the modules it depends on, unpacked,
# and appends them to the load order in /etc/vm/modules.
add_module() {
	local name=${1//-/_} modules_dir=/lib/modules/$kernel_release entry dependency

	[ -f "$modules_dir/modules.dep" ] || fail_setup "no $modules_dir/modules.dep: the modules of $kernel_release are not installed"
	entry=$(awk -v want="$name" -F: '{
		base = $1; sub(/.*\//, "", base); sub(/\.ko.*/, "", base); gsub(/-/, "_", base)
		if (base == want) { print; exit }
	}' "$modules_dir/modules.dep")
	if [ -z "$entry" ]; then
		grep -Eq "/${name//_/[-_]}\.ko\$" "$modules_dir/modules.builtin" 2>/dev/null && return 0
		fail_setup "kernel module \"$1\" not found for $kernel_release"
	fi
	# modules.dep lists the direct and indirect dependencies, the ones
	# that others need last, so load them in reverse.
	for dependency in $(tr ' ' '\n' <<<"${entry#*:}" | tac) "${entry%%:*}"; do
		copy_module "$modules_dir/$dependency"
	done
}

copy_module() {
	local file=$1 name

	name=$(basename "$file")
	name=${name%%.ko*}
	grep -qx "$name" "$root/etc/vm/modules" 2>/dev/null && return 0
	mkdir -p "$root/lib/modules/vm"
	case "$file" in
	*.ko) cp "$file" "$root/lib/modules/vm/$name.ko" ;;
	*.ko.xz) xz -dc "$file" >"$root/lib/modules/vm/$name.ko" ;;
	*.ko.zst) zstd -qdc "$file" >"$root/lib/modules/vm/$name.ko" ;;
	*.ko.gz) gzip -dc "$file" >"$root/lib/modules/vm/$name.ko" ;;
	*) fail_setup "unknown kernel module format: $file" ;;
	esac
	echo "$name" >>"$root/etc/vm/modules"
}

# Makes the ext4 file system that the guest mounts on /tmp. It lives in a
# sparse file, so only the blocks the guest writes take host disk space,
# and none take guest memory. tmpfs lacks features that tests need on
# kernel 6.1, for example idmapped mounts (tmpfs has them since 6.3).
add_tmp_disk() {
	require_tool mkfs.ext4 e2fsprogs
	truncate -s "${tmp_disk_mb}M" "$work/tmp.img"
	mkfs.ext4 -q -F -E nodiscard,lazy_itable_init=1 -O ^has_journal "$work/tmp.img" ||
		fail_setup "making the ext4 file system for --tmp-disk failed"
	add_module virtio_pci
	add_module virtio_blk
	echo /dev/vda >"$root/etc/vm/tmp-disk"
	disk_args=(-drive "file=$work/tmp.img,if=none,id=tmp,format=raw,cache=unsafe"
		-device virtio-blk-pci,drive=tmp)
}

# Prints a word quoted for sh.
quote_word() {
	printf "'%s'" "${1//\'/\'\\\'\'}"
}

write_command() {
	local setting word line=exec

	# Below 30 s the guest watchdog would leave too little time to boot.
	guest_timeout=0
	[ "$timeout" -lt 30 ] || guest_timeout=$((timeout - 15))
	printf 'VM_GUEST_TIMEOUT=%s\nVM_VERBOSE=%s\n' "$guest_timeout" "$verbose" >"$root/etc/vm/config"
	{
		for setting in ${envs[@]+"${envs[@]}"}; do
			echo "export ${setting%%=*}=$(quote_word "${setting#*=}")"
		done
		for word in "${command[@]}"; do
			line="$line $(quote_word "$word")"
		done
		echo "$line"
	} >"$root/etc/vm/command.sh"
}

build_image() {
	local spec src dest module

	build_base
	[ "$with_bats" = 0 ] || add_bats
	[ "$with_gnu_tools" = 0 ] || add_gnu_tools
	for spec in ${bins[@]+"${bins[@]}"}; do
		src=${spec%%:*}
		dest=${spec#*:}
		[ "$dest" != "$spec" ] || dest=/usr/local/bin/$(basename "$src")
		put_executable "$src" "$dest"
	done
	for spec in ${adds[@]+"${adds[@]}"}; do
		src=${spec%%:*}
		dest=${spec#*:}
		[ "$dest" != "$spec" ] || dest=/job/$(basename "$src")
		[[ "$dest" == /* ]] || fail_usage "invalid --add \"$spec\": the destination must be absolute"
		put_path "$src" "$dest"
	done
	put_libraries
	for module in ${modules[@]+"${modules[@]}"}; do
		add_module "$module"
	done
	[ "$tmp_disk_mb" = 0 ] || add_tmp_disk
	write_command
	# Uncompressed: under TCG, decompressing costs the guest more time than
	# the kernel takes to copy a bigger image.
	(cd "$root" && find . -print0 | LC_ALL=C sort -z | cpio --null --create --format=newc --quiet) \
		>"$work/initramfs.cpio"
}

# ------------------------------------------------------------ boot

# Streams a file that QEMU writes while it runs, until QEMU has exited.
follow() {
	tail -c +1 -s 0.2 -f --pid="$qemu_pid" "$1" 2>/dev/null
}

boot() {
	local kernel_args=(console=ttyS0 panic=-1 oops=panic rdinit=/init cgroup_no_v1=all norandmaps
		random.trust_cpu=on cryptomgr.notests i8042.noaux i8042.nomux i8042.nopnp)

	# norandmaps turns address space randomization off. TCG looks up its
	# translated code by virtual address, so with randomization every new
	# process translated libc and ld.so again: an exec of /usr/bin/true took
	# 31 ms with it and 7 ms without, and bats ran 2.7 times faster.
	# cryptomgr.notests skips the crypto self-tests, which took about 0.4 s
	# of each TCG boot. Console output is slow under TCG too, hence quiet.
	[ "$verbose" = 1 ] || kernel_args+=(quiet loglevel=1)
	[ -z "$append" ] || kernel_args+=($append)
	: >"$work/output"
	: >"$work/status"
	: >"$work/console.log"

	timeout -k 5 "$timeout" qemu-system-x86_64 \
		-nodefaults -no-user-config -display none -no-reboot \
		-machine q35 "${accel_args[@]}" -smp "$cpus" -m "$memory" \
		-kernel "$kernel" -initrd "$work/initramfs.cpio" -append "${kernel_args[*]}" \
		-nic none ${disk_args[@]+"${disk_args[@]}"} \
		-chardev "file,id=console,path=$work/console.log" -serial chardev:console \
		-chardev "file,id=output,path=$work/output" -serial chardev:output \
		-chardev "file,id=status,path=$work/status" -serial chardev:status \
		</dev/null >"$work/qemu.log" 2>&1 &
	qemu_pid=$!

	follow "$work/output" &
	tail_pids+=($!)
	if [ "$verbose" = 1 ]; then
		follow "$work/console.log" | tr -d '\r' >&2 &
		tail_pids+=($!)
	fi
	qemu_status=0
	wait "$qemu_pid" || qemu_status=$?
	qemu_pid=
	wait "${tail_pids[@]}" 2>/dev/null || true
	tail_pids=()
}

# ------------------------------------------------------------ result

report() {
	local status ready elapsed

	status=$(sed -n 's/^status=\([0-9]*\).*/\1/p' "$work/status" | tail -n 1)
	ready=$(sed -n 's/^ready=\([0-9.]*\).*/\1/p' "$work/status" | tail -n 1)
	elapsed=$(awk -v start="$started" -v end="$(date +%s.%N)" 'BEGIN { printf "%.1f", end - start }')

	if [ "$qemu_status" = 124 ] || [ "$qemu_status" = 137 ]; then
		echo "$prog: timed out: QEMU was stopped after ${timeout}s" >&2
		return 124
	fi
	if [ -z "$status" ]; then
		echo "$prog: the VM stopped without an exit status (QEMU exit status $qemu_status, ${elapsed}s)" >&2
		sed 's/^/qemu: /' "$work/qemu.log" >&2
		echo "$prog: last console lines:" >&2
		tr -d '\r' <"$work/console.log" | tail -n 20 | sed 's/^/console: /' >&2
		[ "$verbose" = 1 ] || echo "$prog: run with --verbose to see the kernel messages" >&2
		return 125
	fi
	[ "$status" != 124 ] || echo "$prog: timed out: the guest watchdog stopped the command after ${guest_timeout}s" >&2
	echo "$prog: exit status $status after ${elapsed}s (image ${image_seconds}s, $(du -m "$work/initramfs.cpio" | cut -f1) MB; guest ready after ${ready:-?}s; $accel, $kernel_release)" >&2
	return "$status"
}

started=$(date +%s.%N)
build_image
image_seconds=$(awk -v start="$started" -v end="$(date +%s.%N)" 'BEGIN { printf "%.1f", end - start }')
boot
report
