# SPDX-License-Identifier: Apache-2.0
#
# Reads a container's cgroup files by what they mean rather than by name, so
# that the same test runs on cgroup v1, hybrid and pure cgroup2 hosts:
#
#	cg_read PID memory.limit     v1 memory.limit_in_bytes, v2 memory.max
#
# Limits print as numbers, "max" when there is none on either version.

# Prints the directory of PID's cgroup that contains CONTROLLER: the v1
# hierarchy that has it, else the cgroup2 one.
cg_dir() {
	local pid=$1 controller=$2 line id controllers path mnt
	while IFS= read -r line; do
		id=${line%%:*}
		line=${line#*:}
		controllers=${line%%:*}
		path=${line#*:}
		[ "$id" = 0 ] && continue
		if [[ ",$controllers," == *",$controller,"* ]]; then
			mnt=$(awk -v c="$controller" '$9 == "cgroup" {
				n = split($NF, opts, ",")
				for (i = 1; i <= n; i++) if (opts[i] == c) { print $5; exit }
			}' /proc/self/mountinfo)
			[ -n "$mnt" ] && echo "$mnt$path" && return 0
		fi
	done <"/proc/$pid/cgroup"
	path=$(awk -F: '$1 == 0 { print $3 }' "/proc/$pid/cgroup")
	mnt=$(awk '$9 == "cgroup2" { print $5; exit }' /proc/self/mountinfo)
	[ -n "$mnt" ] || return 1
	[ -e "$mnt$path/cgroup.controllers" ] || return 1
	# The cgroup2 hierarchy of a hybrid host may lack the controller.
	case $controller in
	freezer) ;;
	*) grep -qw "$controller" "$mnt$path/cgroup.controllers" || return 1 ;;
	esac
	echo "$mnt$path"
}

# True when CONTROLLER of PID is in a cgroup2 hierarchy.
cg_is_v2() {
	local dir
	dir=$(cg_dir "$1" "$2") || return 1
	[ -e "$dir/cgroup.controllers" ]
}

# A v1 "unlimited" value reads as a huge number; both print as max.
cg_normalize() {
	local value=$1
	if [ "$value" = max ] || [ "$value" = -1 ] || [ "${#value}" -ge 19 ]; then
		echo max
	else
		echo "$value"
	fi
}

# Prints one value of PID's cgroups: memory.limit, memory.reservation,
# memory.swap (memory plus swap), cpu.quota, cpu.period, cpu.shares (v2:
# the weight that matches them), pids.limit, cpuset.cpus, freezer.frozen
# (1 or 0).
cg_read() {
	local pid=$1 what=$2 dir v2=0
	case $what in
	memory.*) dir=$(cg_dir "$pid" memory) ;;
	cpu.*) dir=$(cg_dir "$pid" cpu) ;;
	pids.*) dir=$(cg_dir "$pid" pids) ;;
	cpuset.*) dir=$(cg_dir "$pid" cpuset) ;;
	freezer.*) dir=$(cg_dir "$pid" freezer) ;;
	*) fail "cg_read: unknown value \"$what\"" ;;
	esac || { fail "no cgroup of $pid holds $what"; return 1; }
	[ -e "$dir/cgroup.controllers" ] && v2=1

	case $what:$v2 in
	memory.limit:0) cg_normalize "$(cat "$dir/memory.limit_in_bytes")" ;;
	memory.limit:1) cg_normalize "$(cat "$dir/memory.max")" ;;
	memory.reservation:0) cg_normalize "$(cat "$dir/memory.soft_limit_in_bytes")" ;;
	memory.reservation:1) cg_normalize "$(cat "$dir/memory.low")" ;;
	memory.swap:0) cg_normalize "$(cat "$dir/memory.memsw.limit_in_bytes")" ;;
	memory.swap:1)
		# cgroup2 limits swap alone; the spec's value is memory plus swap.
		local swap mem
		swap=$(cat "$dir/memory.swap.max") mem=$(cat "$dir/memory.max")
		if [ "$swap" = max ]; then echo max; else echo $((swap + mem)); fi
		;;
	cpu.quota:0) cg_normalize "$(cat "$dir/cpu.cfs_quota_us")" ;;
	cpu.quota:1) cg_normalize "$(cut -d' ' -f1 "$dir/cpu.max")" ;;
	cpu.period:0) cat "$dir/cpu.cfs_period_us" ;;
	cpu.period:1) cut -d' ' -f2 "$dir/cpu.max" ;;
	cpu.shares:0) cat "$dir/cpu.shares" ;;
	cpu.shares:1) cat "$dir/cpu.weight" ;;
	pids.limit:*) cg_normalize "$(cat "$dir/pids.max")" ;;
	cpuset.cpus:0) cat "$dir/cpuset.cpus" ;;
	cpuset.cpus:1) cat "$dir/cpuset.cpus" ;;
	freezer.frozen:0) [ "$(cat "$dir/freezer.state")" = FROZEN ] && echo 1 || echo 0 ;;
	freezer.frozen:1) cat "$dir/cgroup.freeze" ;;
	*) fail "cg_read: no file for \"$what\"" ;;
	esac
}

# The cgroup2 weight that runc and ctrun write for CPU shares.
cg_shares_to_weight() {
	echo $((1 + (($1 - 2) * 9999) / 262142))
}

# Prints the path of the file of linux.resources field FIELD in PID's
# cgroup, in the layout of the hierarchy that contains its controller:
#
#	cg_file PID memory.swappiness     v1 memory.swappiness, none on v2
#	cg_file PID hugepageLimits.2MB    hugetlb.2MB.limit_in_bytes or .max
#	cg_file PID unified.memory.high   v2 memory.high
#
# A field that the layout has no file for prints nothing and returns 1.
cg_file() {
	local pid=$1 field=$2 controller dir v2=0 name=
	case $field in
	memory.*) controller=memory ;;
	cpu.cpus | cpu.mems) controller=cpuset ;;
	cpu.*) controller=cpu ;;
	pids.*) controller=pids ;;
	blockIO.*) controller=blkio ;;
	hugepageLimits.*) controller=hugetlb ;;
	network.classID) controller=net_cls ;;
	network.priorities) controller=net_prio ;;
	rdma) controller=rdma ;;
	unified.*) controller=${field#unified.} controller=${controller%%.*} ;;
	*) fail "cg_file: unknown field \"$field\"" ;;
	esac
	# cgroup2 names the block I/O controller "io".
	dir=$(cg_dir "$pid" "$controller") ||
		{ [ "$controller" = blkio ] && dir=$(cg_dir "$pid" io); } || return 1
	[ -e "$dir/cgroup.controllers" ] && v2=1

	case $field:$v2 in
	memory.limit:0) name=memory.limit_in_bytes ;;
	memory.limit:1) name=memory.max ;;
	memory.reservation:0) name=memory.soft_limit_in_bytes ;;
	memory.reservation:1) name=memory.low ;;
	memory.swap:0) name=memory.memsw.limit_in_bytes ;;
	memory.swap:1) name=memory.swap.max ;;
	memory.kernelTCP:0) name=memory.kmem.tcp.limit_in_bytes ;;
	memory.swappiness:0) name=memory.swappiness ;;
	memory.disableOOMKiller:0) name=memory.oom_control ;;
	memory.useHierarchy:0) name=memory.use_hierarchy ;;
	cpu.shares:0) name=cpu.shares ;;
	cpu.shares:1) name=cpu.weight ;;
	cpu.quota:0) name=cpu.cfs_quota_us ;;
	cpu.period:0) name=cpu.cfs_period_us ;;
	cpu.quota:1 | cpu.period:1) name=cpu.max ;;
	cpu.burst:0) name=cpu.cfs_burst_us ;;
	cpu.burst:1) name=cpu.max.burst ;;
	cpu.realtimeRuntime:0) name=cpu.rt_runtime_us ;;
	cpu.realtimePeriod:0) name=cpu.rt_period_us ;;
	cpu.idle:*) name=cpu.idle ;;
	cpu.cpus:*) name=cpuset.cpus ;;
	cpu.mems:*) name=cpuset.mems ;;
	pids.limit:*) name=pids.max ;;
	blockIO.weight:0)
		name=blkio.weight
		[ -e "$dir/$name" ] || name=blkio.bfq.weight
		;;
	blockIO.weight:1)
		name=io.bfq.weight
		[ -e "$dir/$name" ] || name=io.weight
		;;
	blockIO.throttleReadBpsDevice:0) name=blkio.throttle.read_bps_device ;;
	blockIO.throttleWriteBpsDevice:0) name=blkio.throttle.write_bps_device ;;
	blockIO.throttleReadIOPSDevice:0) name=blkio.throttle.read_iops_device ;;
	blockIO.throttleWriteIOPSDevice:0) name=blkio.throttle.write_iops_device ;;
	blockIO.throttle*:1) name=io.max ;;
	hugepageLimits.*:0) name=hugetlb.${field#hugepageLimits.}.limit_in_bytes ;;
	hugepageLimits.*:1) name=hugetlb.${field#hugepageLimits.}.max ;;
	network.classID:0) name=net_cls.classid ;;
	network.priorities:0) name=net_prio.ifpriomap ;;
	rdma:*) name=rdma.max ;;
	unified.*:1) name=${field#unified.} ;;
	esac
	[ -n "$name" ] && [ -e "$dir/$name" ] || return 1
	echo "$dir/$name"
}

# Prints the file of linux.resources field FIELD, or fails the test.
cg_file_of() {
	cg_file "$1" "$2" || fail "no cgroup file of process $1 holds $2"
}

# True when the kernel has cgroup controller NAME enabled.
cg_kernel_has() {
	awk -v c="$1" '$1 == c && $4 == 1 { found = 1 } END { exit !found }' /proc/cgroups
}

# True when this shell's cgroup in the hierarchy of CONTROLLER has FILE,
# so that a container's cgroup below it has the file too.
cg_host_has_file() {
	local controller=$1 file=$2 dir
	dir=$(cg_dir $$ "$controller") || return 1
	[ -e "$dir/$file" ]
}
