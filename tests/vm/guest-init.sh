#!/bin/busybox sh
# SPDX-License-Identifier: Apache-2.0
#
# /init of the test VM that vm-run.sh boots. It runs as PID 1 under busybox
# ash, in two stages:
#
#   1. On the initramfs: copy the image into a tmpfs and switch_root into it.
#      The initramfs is the kernel's absolute root mount, which pivot_root(2)
#      rejects with EINVAL, and every OCI runtime needs pivot_root.
#   2. On the tmpfs: mount the API filesystems, securityfs and cgroup2
#      (nothing else: the kernel runs with cgroup_no_v1=all), enable every
#      controller in the root cgroup, run /etc/vm/command.sh, report its
#      exit status on ttyS2 and power off.
#
# Serial ports: ttyS0 is the kernel console, ttyS1 carries the command's
# stdout and stderr (raw, so no CR is added), ttyS2 carries "status=N".
#
# PID 1 must never exit: that panics the kernel, QEMU stops (-no-reboot) and
# the host reports that the VM gave no status.

PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin
export PATH

log() {
	echo "vm-init: $*"
}

# Reports the exit status to the host and powers off. Never returns.
power_off() {
	echo "status=$1" >/dev/ttyS2
	# Closing a serial port waits until its buffer has been sent, and
	# tcsetattr(TCSADRAIN) does the same for the console we still hold open.
	busybox stty -F /dev/console onlcr 2>/dev/null
	sync
	busybox poweroff -f
	busybox sleep 5
	busybox reboot -f
	while :; do busybox sleep 1; done
}

copy_to_tmpfs() {
	local entry

	busybox mount -t devtmpfs devtmpfs /dev 2>/dev/null
	exec </dev/console >/dev/console 2>&1
	busybox mkdir -p /newroot
	busybox mount -t tmpfs -o mode=0755 tmpfs /newroot || {
		log "mounting the tmpfs root failed"
		power_off 125
	}
	for entry in /* /.[!.]*; do
		case "$entry" in
		/newroot | /dev | /proc | /sys | '/.[!.]*') continue ;;
		esac
		busybox cp -a "$entry" /newroot/ || {
			log "copying $entry to the tmpfs root failed"
			power_off 125
		}
	done
	busybox mkdir -p /newroot/dev /newroot/proc /newroot/sys
	busybox mount --move /dev /newroot/dev
	# switch_root empties the initramfs, so the image is in memory once.
	exec busybox switch_root /newroot /init stage2
	log "switch_root failed"
	power_off 125
}

mount_api_filesystems() {
	mount -t proc -o nosuid,nodev,noexec proc /proc
	mount -t sysfs -o nosuid,nodev,noexec sysfs /sys
	# AppArmor's policy interface, which apparmor_parser and the tests use.
	# A kernel without securityfs lacks the directory.
	[ ! -d /sys/kernel/security ] || mount -t securityfs -o nosuid,nodev,noexec securityfs /sys/kernel/security
	mkdir -p /dev/pts /dev/shm /dev/mqueue
	mount -t devpts -o newinstance,ptmxmode=0666,mode=0620,gid=5 devpts /dev/pts
	[ -e /dev/ptmx ] || ln -s pts/ptmx /dev/ptmx
	mount -t tmpfs -o nosuid,nodev,mode=1777 tmpfs /dev/shm
	mount -t mqueue -o nosuid,nodev,noexec mqueue /dev/mqueue
	mount -t tmpfs -o nosuid,nodev,mode=0755 tmpfs /run
	# devtmpfs lacks these links, and bash needs /dev/fd for <(...).
	[ -e /dev/fd ] || ln -s /proc/self/fd /dev/fd
	[ -e /dev/stdin ] || ln -s /proc/self/fd/0 /dev/stdin
	[ -e /dev/stdout ] || ln -s /proc/self/fd/1 /dev/stdout
	[ -e /dev/stderr ] || ln -s /proc/self/fd/2 /dev/stderr
}

# Mounts cgroup2 with the options systemd uses, so that runtimes see the
# hierarchy that a pure cgroup v2 distribution has, then enables every
# controller for the children of the root cgroup.
setup_cgroup2() {
	local controllers controller

	mount -t cgroup2 -o nosuid,nodev,noexec,nsdelegate,memory_recursiveprot cgroup2 /sys/fs/cgroup ||
		mount -t cgroup2 -o nosuid,nodev,noexec cgroup2 /sys/fs/cgroup || {
		log "mounting cgroup2 on /sys/fs/cgroup failed"
		power_off 125
	}
	read -r controllers </sys/fs/cgroup/cgroup.controllers
	for controller in $controllers; do
		echo "+$controller" >/sys/fs/cgroup/cgroup.subtree_control ||
			log "enabling the $controller controller failed"
	done
}

# With run-lane.sh --selinux, the kernel runs with security=selinux and
# the image has a compiled policy, which is loaded here, before the command
# starts. Without --selinux, AppArmor is the kernel's security module.
load_selinux_policy() {
	[ -f /etc/vm/selinux-policy ] || return 0
	mount -t selinuxfs selinuxfs /sys/fs/selinux && cat /etc/vm/selinux-policy >/sys/fs/selinux/load || {
		log "loading the SELinux policy failed (is the kernel running with security=selinux?)"
		power_off 125
	}
}

load_modules() {
	local module

	[ -f /etc/vm/modules ] || return 0
	while read -r module; do
		insmod "/lib/modules/vm/$module.ko" || {
			log "loading the kernel module $module failed"
			power_off 125
		}
	done </etc/vm/modules
}

# Mounts the disk that vm-run.sh --tmp-disk made on /tmp. devtmpfs creates
# the node after the driver found the disk, so wait for it a little.
mount_tmp_disk() {
	local disk tries=0

	[ -f /etc/vm/tmp-disk ] || return 0
	read -r disk </etc/vm/tmp-disk
	while [ ! -b "$disk" ] && [ $tries -lt 50 ]; do
		sleep 0.1
		tries=$((tries + 1))
	done
	mount -t ext4 -o noinit_itable "$disk" /tmp || {
		log "mounting $disk on /tmp failed"
		power_off 125
	}
	chmod 1777 /tmp
	rmdir /tmp/lost+found
}

# Powers off with status 124 after VM_GUEST_TIMEOUT seconds, so that a hung
# command still reports before the host kills QEMU. The process list, with
# the kernel function that each process waits in, goes to the output port
# to show where the command hung.
start_watchdog() {
	[ "${VM_GUEST_TIMEOUT:-0}" -gt 0 ] || return 0
	(
		sleep "$VM_GUEST_TIMEOUT"
		{
			echo "# vm-init: the command timed out after ${VM_GUEST_TIMEOUT}s; its processes:"
			# ash runs its own ps applet, which lacks wchan, unless
			# given the path of the procps one (vm-run.sh --gnu-tools).
			if [ -x /usr/bin/ps ]; then
				/usr/bin/ps -e -o pid,ppid,stat,wchan:24,args
			else
				ps -o pid,ppid,stat,args
			fi | grep -v ' \[.*\]$' | sed 's/^/# /'
		} >/dev/ttyS1 2>&1
		power_off 124
	) &
}

if [ "$1" != stage2 ]; then
	copy_to_tmpfs
fi

mount_api_filesystems
load_selinux_policy
setup_cgroup2
load_modules
mount_tmp_disk
hostname -F /etc/hostname
ip link set lo up 2>/dev/null || log "bringing up lo failed"

# VM_GUEST_TIMEOUT and VM_VERBOSE, written by vm-run.sh
. /etc/vm/config
export HOME=/root
export TERM=dumb
mkdir -p /job
cd /job || cd / || power_off 125

if [ "${VM_VERBOSE:-0}" = 1 ]; then
	read -r uptime _ </proc/uptime
	log "kernel $(uname -r), ready after ${uptime}s"
	log "cgroup.subtree_control: $(cat /sys/fs/cgroup/cgroup.subtree_control)"
fi
read -r uptime _ </proc/uptime
echo "ready=$uptime" >/dev/ttyS2

start_watchdog
stty -F /dev/ttyS1 raw -echo
sh /etc/vm/command.sh </dev/null >/dev/ttyS1 2>&1
status=$?
[ "${VM_VERBOSE:-0}" = 1 ] && log "the command exited with status $status"
power_off "$status"
