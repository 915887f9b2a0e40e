#!/bin/bash
# SPDX-License-Identifier: Apache-2.0
#
# run-example.sh EXAMPLE CTPROBE: builds a bundle with the test fixture into
# a temporary directory and runs the example program on it. Exits 77, the
# meson "skipped" status, when not root or when no bundle can be made.
set -uo pipefail

example=$1
export CTPROBE=$2
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)

if [ "$(id -u)" -ne 0 ]; then
	echo "skipped: the example needs root"
	exit 77
fi
dir=$(mktemp -d /tmp/ctrun-example-bundle-XXXXXX)
trap 'rm -rf "$dir"' EXIT
if ! "$here/../fixtures/make-bundle.sh" "$dir/bundle" >"$dir/make-bundle.log" 2>&1; then
	cat "$dir/make-bundle.log"
	echo "skipped: no bundle could be made"
	exit 77
fi
"$example" "$dir/bundle"
