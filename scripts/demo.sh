#!/bin/bash
# SPDX-License-Identifier: Apache-2.0
#
# Installs the dependencies, builds ctrun, and runs one container from a
# busybox-static bundle made in a temporary directory. The container prints
# its hostname, `uname -a` and its cgroup; everything is removed at the end.
# Run as root on Debian 12.
set -euo pipefail

top=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$top"
build_dir=${BUILD_DIR:-build}

"$top/scripts/install-deps.sh"
# CTRUN=/path/to/runtime runs the demo with another build or runtime.
if [ -z "${CTRUN:-}" ]; then
	[ -f "$build_dir/build.ninja" ] || meson setup "$build_dir" >/dev/null
	if ! ninja -C "$build_dir" >"/tmp/ctrun-demo-build.$$.log" 2>&1; then
		cat "/tmp/ctrun-demo-build.$$.log" >&2
		echo "demo.sh: the build failed" >&2
		exit 1
	fi
	rm -f "/tmp/ctrun-demo-build.$$.log"
fi
ctrun=${CTRUN:-$top/$build_dir/src/ctrun}
export CT_BUILD_DIR=$top/$build_dir

work=$(mktemp -d /tmp/ctrun-demo.XXXXXX)
id=demo-$$
cleanup() {
	"$ctrun" --root "$work/state" delete --force "$id" >/dev/null 2>&1 || true
	rm -rf --one-file-system "$work"
}
trap cleanup EXIT

# A relative cgroups path puts the container's cgroup below this shell's.
"$top/tests/fixtures/make-bundle.sh" --cgroups-path "ctrun-demo-$$" "$work/bundle"
jq '.process.args = ["/bin/sh", "-c",
		"echo hostname: $(hostname); uname -a; echo cgroups, as its cgroup namespace shows them:; cat /proc/self/cgroup"]
	| .hostname = "ctrun-demo"' "$work/bundle/config.json" >"$work/config.json"
mv "$work/config.json" "$work/bundle/config.json"

echo "\$ ctrun run --bundle $work/bundle $id"
"$ctrun" --root "$work/state" run --bundle "$work/bundle" "$id"
