#!/bin/bash
# SPDX-License-Identifier: Apache-2.0
#
# lane-guest.sh BATS-FILE...: the command that run-lane.sh runs inside the
# VM. It prints the kernel, the cgroup setup and the runtime version as TAP
# comments and runs bats with TAP output. Its exit status is bats' status.
#
# run-lane.sh sets CTRUN, CT_BUILD_DIR, CTPROBE and CT_ROOTFS_CACHE.
set -uo pipefail

top=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
cd "$top" || exit 1

read -r controllers </sys/fs/cgroup/cgroup.subtree_control
echo "# vm: kernel $(uname -r), $(stat -fc %T /sys/fs/cgroup) on /sys/fs/cgroup, controllers: $controllers"
echo "# vm: runtime $CTRUN: $("$CTRUN" --version 2>&1 | head -n 1)"

# run-lane.sh builds the rootfs on the host. Without it, build it here.
if [ ! -d "$CT_ROOTFS_CACHE" ] && ! tests/fixtures/make-rootfs.sh "$CT_ROOTFS_CACHE" >/tmp/make-rootfs.log 2>&1; then
	echo "# vm: building the test rootfs with tests/fixtures/make-rootfs.sh failed:"
	sed 's/^/# /' /tmp/make-rootfs.log
	exit 1
fi

exec bats --tap "$@" </dev/null
