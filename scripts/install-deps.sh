#!/bin/bash
# SPDX-License-Identifier: Apache-2.0
#
# Installs the Debian 12 packages that building ctrun and running its tests
# need. Safe to run again: it does nothing when everything is installed.
set -euo pipefail

packages=(
	# libc6-dev and the library -dev packages also ship the .a archives
	# that the static PIE ctrun executable links (meson option static_pie)
	meson ninja-build gcc pkg-config libc6-dev
	libyajl-dev libseccomp-dev
	busybox-static bats jq iproute2 util-linux procps file
	# strace, whose fault injection kills ctrun at a chosen system call (crash.bats)
	strace
	# the pure cgroup v2 VM lane (tests/vm/)
	qemu-system-x86 linux-image-cloud-amd64 cpio e2fsprogs
	# apparmor_parser and checkpolicy, for the AppArmor and SELinux tests
	# that the VM lanes run
	apparmor checkpolicy
)

if [ "$(id -u)" -ne 0 ]; then
	echo "install-deps.sh: run as root (apt-get install needs it)" >&2
	exit 1
fi

missing=()
for package in "${packages[@]}"; do
	if ! dpkg-query -W -f '${Status}' "$package" 2>/dev/null | grep -q 'ok installed'; then
		missing+=("$package")
	fi
done
[ ${#missing[@]} -eq 0 ] && exit 0

echo "install-deps.sh: installing ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
