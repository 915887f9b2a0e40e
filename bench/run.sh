#!/bin/bash
# SPDX-License-Identifier: Apache-2.0
#
# Benchmark ctrun, runc and crun side by side, interleaved, and write a Markdown and a JSON
# report. docs/benchmarks.md describes the method. Needs root, cgroup v1 memory, python3 and cc.
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
repo=$(dirname "$here")

usage() {
	cat <<EOF
usage: bench/run.sh [OPTIONS]

Run every workload for ctrun, runc, crun and the unshare floor, round-robin per iteration.

  -n, --iterations N     measured iterations per workload (default 10; one extra warm-up
                         iteration is not recorded)
  -w, --workloads LIST   comma-separated subset of: run,lifecycle,exec,concurrent,memory,
                         memlimit,memtree,size (default: all)
  -c, --concurrency N    containers started at once by the concurrent workload (default 50)
      --ctrun PATH       ctrun binary (default: the first of build-bench/src/ctrun and
                         build/src/ctrun that exists; "" leaves ctrun out)
      --runc PATH        runc binary (default /usr/sbin/runc)
      --crun PATH        crun binary (default /usr/bin/crun)
  -o, --output PATH      report path without extension (default
                         bench/results/bench-DATE, which gets .md and .json)
  -h, --help             show this help
EOF
}

iterations=10
workloads=run,lifecycle,exec,concurrent,memory,memlimit,memtree,size
concurrency=50
ctrun="(default)"
runc=/usr/sbin/runc
crun=/usr/bin/crun
output=

while [ $# -gt 0 ]; do
	case "$1" in
	-n | --iterations) iterations=$2; shift 2 ;;
	-w | --workloads) workloads=$2; shift 2 ;;
	-c | --concurrency) concurrency=$2; shift 2 ;;
	--ctrun) ctrun=$2; shift 2 ;;
	--runc) runc=$2; shift 2 ;;
	--crun) crun=$2; shift 2 ;;
	-o | --output) output=$2; shift 2 ;;
	-h | --help) usage; exit 0 ;;
	*) echo "bench/run.sh: unknown option \"$1\"; see --help" >&2; exit 2 ;;
	esac
done

if [ "$(id -u)" -ne 0 ]; then
	echo "bench/run.sh: must run as root, because it creates containers and cgroups" >&2
	exit 1
fi

if [ "$ctrun" = "(default)" ]; then
	ctrun=
	for candidate in "$repo/build-bench/src/ctrun" "$repo/build/src/ctrun"; do
		if [ -x "$candidate" ]; then
			ctrun=$candidate
			break
		fi
	done
fi
if [ -z "$output" ]; then
	output="$here/results/bench-$(date -u +%Y%m%dT%H%M%SZ)"
fi
mkdir -p "$(dirname "$output")"
output=$(realpath "$output")

# /run is a tmpfs, like the default state directories of runc and crun.
workdir=$(mktemp -d /run/ctrun-bench.XXXXXX)
trap 'rm -rf "$workdir"' EXIT

cc -std=gnu17 -O2 -Wall -Wextra -D_GNU_SOURCE -o "$workdir/measure" "$here/measure.c"
touch "$workdir/empty-controllers"

# Debian's crun 1.8 rejects a hybrid hierarchy whose cgroup2 mount lists controllers (here
# hugetlb). Inside a private mount namespace, an empty file over cgroup.controllers hides them
# from every runtime alike, and the bind disappears with the namespace.
# shellcheck disable=SC2016
unshare --mount --propagation private -- bash -c '
	set -e
	controllers=/sys/fs/cgroup/unified/cgroup.controllers
	if [ -f "$controllers" ]; then
		mount --bind "$1/empty-controllers" "$controllers"
	fi
	shift
	exec python3 "$@"
' bench "$workdir" "$here/bench.py" \
	--iterations "$iterations" --workloads "$workloads" --concurrency "$concurrency" \
	--ctrun "$ctrun" --runc "$runc" --crun "$crun" \
	--workdir "$workdir" --measure "$workdir/measure" --output "$output"
