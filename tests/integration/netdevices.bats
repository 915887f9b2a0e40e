#!/usr/bin/env bats
# linux.netDevices: host devices moved into the container's network
# namespace with their permanent addresses, and a network namespace joined
# by path. Traffic stays inside the namespaces the tests make.

load helpers

setup() {
	ct_setup
	requires ctrun
	command -v ip >/dev/null || skip "ip (iproute2) is not installed"
	# Short enough for IFNAMSIZ, unique across tests and runs.
	VETH=cv${BATS_SUITE_TEST_NUMBER}p$$
	NET=10.231.$(($$ % 250))
}

teardown() {
	ct_teardown
	# A veth end that a container took is destroyed with its namespace.
	ip link del "${VETH}a" 2>/dev/null || true
	ip link del "${VETH}b" 2>/dev/null || true
	if [ -n "${TEST_NS:-}" ]; then
		ip netns del "$TEST_NS" || true
	fi
}

# Makes a network namespace for the test and runs ctrun in it from here
# on, so that the devices that the test creates never appear on the host.
use_test_netns() {
	TEST_NS=ctrun-nd-$CT_RUN_TOKEN-$BATS_SUITE_TEST_NUMBER
	ip netns add "$TEST_NS" || fail "creating network namespace $TEST_NS failed"
	local runtime=$CTRUN
	CTRUN=$CT_TMP/ctrun-in-netns
	printf '#!/bin/sh\nexec nsenter --net=/run/netns/%s %s "$@"\n' "$TEST_NS" "$runtime" >"$CTRUN"
	chmod +x "$CTRUN"
}

in_test_netns() {
	nsenter --net="/run/netns/$TEST_NS" "$@"
}

# Creates an ifb device (a virtual device built into the kernel, like
# dummy) in the test namespace, with a permanent address.
make_ifb() {
	in_test_netns ip link add "$1" type ifb || fail "creating ifb device $1 failed"
	in_test_netns ip addr add "$2" dev "$1" || fail "adding an address to $1 failed"
}

# Waits up to 5 seconds for a link of the test namespace to disappear.
wait_for_no_test_link() {
	for _ in $(seq 50); do
		in_test_netns ip link show "$1" >/dev/null 2>&1 || return 0
		sleep 0.1
	done
	fail "link $1 is still in $TEST_NS"
}

make_veth() {
	ip link add "${VETH}a" type veth peer name "${VETH}b" || fail "creating the veth pair failed"
	ip addr add "$NET.1/24" dev "${VETH}a" || fail "adding an address failed"
	ip addr add "$NET.2/24" dev "${VETH}b" || fail "adding an address failed"
}

# Waits up to 5 seconds for a host link to disappear: the kernel destroys a
# namespace's devices in a work queue after its last process exits.
wait_for_no_link() {
	for _ in $(seq 50); do
		ip link show "$1" >/dev/null 2>&1 || return 0
		sleep 0.1
	done
	fail "link $1 is still on the host"
}

@test "netdevices veth pair connects two containers" {
	make_veth
	local id2=${CT_ID}b bundle2=$CT_TMP/bundle2
	make_bundle "$bundle2" "$id2"
	update_config ".linux.netDevices = {\"${VETH}a\": {\"name\": \"eth1\"}}"
	update_config ".linux.netDevices = {\"${VETH}b\": {\"name\": \"eth1\"}}" "$bundle2"
	start_sleeper "$CT_ID" "$CT_BUNDLE"
	start_sleeper "$id2" "$bundle2"

	! ip link show "${VETH}a" >/dev/null 2>&1 || fail "${VETH}a is still on the host"
	run ctrun exec "$CT_ID" /sbin/ip -o addr show dev eth1
	expect_success
	expect_output_has "inet $NET.1/24"
	run ctrun exec "$CT_ID" /sbin/ip -o link show dev eth1
	expect_success
	[[ "$output" =~ [\<,]UP[,\>] ]] || fail "eth1 is not up: $output"
	run ctrun exec "$id2" /sbin/ip -o addr show dev eth1
	expect_success
	expect_output_has "inet $NET.2/24"

	timeout 15 "$CTRUN" --root "$CT_ROOT" exec "$CT_ID" /bin/sh -c 'echo from-a | nc -l -p 7001' \
		>"$CT_TMP/server" 2>&1 &
	local server=$!
	run ctrun exec "$id2" /bin/sh -c \
		"for i in \$(seq 40); do nc -w 2 $NET.1 7001 </dev/null && exit 0; sleep 0.1; done; exit 1"
	expect_success
	expect_output_has from-a
	wait "$server" || fail "the server failed: $(cat "$CT_TMP/server")"

	run ctrun delete --force "$CT_ID"
	expect_success
	run ctrun delete --force "$id2"
	expect_success
	# veth devices are virtual: the kernel destroys them with the namespace.
	wait_for_no_link "${VETH}a"
	wait_for_no_link "${VETH}b"
}

@test "netdevices host name, template and IPv6" {
	make_veth
	local v6=
	if [ -e /proc/sys/net/ipv6 ]; then
		v6=fd00:231:$(($$ % 250))::1
		ip addr add "$v6/64" dev "${VETH}a" nodad || fail "adding an IPv6 address failed"
	fi
	update_config ".linux.netDevices = {\"${VETH}a\": {}, \"${VETH}b\": {\"name\": \"eth%d\"}}"
	start_sleeper
	run ctrun exec "$CT_ID" /sbin/ip -o addr show dev "${VETH}a"
	expect_success
	expect_output_has "inet $NET.1/24"
	if [ -n "$v6" ]; then
		expect_output_has "inet6 $v6/64"
	fi
	run ctrun exec "$CT_ID" /sbin/ip -o addr show dev eth0
	expect_success
	expect_output_has "inet $NET.2/24"
}

@test "netdevices existing name in the container is an error" {
	make_veth
	update_config ".linux.netDevices = {\"${VETH}a\": {\"name\": \"lo\"}}"
	run ctrun create --bundle "$CT_BUNDLE" "$CT_ID"
	expect_failure
	expect_output_has "linux.netDevices[\"${VETH}a\"]"
	expect_nothing_left
	ip link show "${VETH}a" >/dev/null || fail "${VETH}a left the host"
}

@test "netdevices unknown host device leaves nothing" {
	make_veth
	update_config ".linux.netDevices = {\"${VETH}a\": {\"name\": \"eth1\"}, \"${VETH}x\": {}}"
	run ctrun create --bundle "$CT_BUNDLE" "$CT_ID"
	expect_failure
	expect_output_has "linux.netDevices[\"${VETH}x\"]: no such device on the host"
	expect_nothing_left
	# Every device is looked up before the first one moves.
	run ip -o addr show dev "${VETH}a"
	expect_success
	expect_output_has "inet $NET.1/24"
}

@test "netdevices without a new network namespace" {
	make_veth
	update_config ".linux.netDevices = {\"${VETH}a\": {}} | .linux.namespaces |= map(select(.type != \"network\"))"
	run ctrun create --bundle "$CT_BUNDLE" "$CT_ID"
	expect_failure
	expect_output_has "linux.netDevices: requires a new network namespace"
	expect_nothing_left
	ip link show "${VETH}a" >/dev/null || fail "${VETH}a left the host"
}

# The server listens on every address, but lo is the only device up there.
@test "netdevices joined network namespace reaches loopback" {
	local id2=${CT_ID}b bundle2=$CT_TMP/bundle2
	make_bundle "$bundle2" "$id2"
	update_config '.process.capabilities.bounding += ["CAP_NET_ADMIN"]
		| .process.capabilities.effective += ["CAP_NET_ADMIN"]
		| .process.capabilities.permitted += ["CAP_NET_ADMIN"]
		| .process.args = ["/bin/sh", "-c", "ip link set lo up && echo lo-up && echo from-a | nc -l -p 7002; sleep 1000"]'
	run ctrun create --bundle "$CT_BUNDLE" "$CT_ID"
	expect_success
	run ctrun start "$CT_ID"
	expect_success
	wait_for_output "$CT_ID" lo-up
	local pid
	pid=$(container_pid "$CT_ID")

	update_config "(.linux.namespaces[] | select(.type == \"network\")) += {\"path\": \"/proc/$pid/ns/net\"}
		| .process.args = [\"/bin/sh\", \"-c\",
			\"for i in \$(seq 40); do nc -w 2 127.0.0.1 7002 </dev/null && exit 0; sleep 0.1; done; exit 1\"]" \
		"$bundle2"
	run ctrun run --bundle "$bundle2" "$id2"
	expect_success
	expect_output_has from-a
}

@test "netdevices ifb device with its permanent addresses" {
	use_test_netns
	local dev=${VETH}i v6=
	make_ifb "$dev" "$NET.1/24"
	# Only permanent addresses of global scope move with the device.
	in_test_netns ip addr add "$NET.9/24" dev "$dev" valid_lft 3000 preferred_lft 3000 ||
		fail "adding an address with a lifetime failed"
	in_test_netns ip addr add "$NET.5/32" dev "$dev" scope host || fail "adding a host address failed"
	if [ -e /proc/sys/net/ipv6 ]; then
		v6=fd00:232:$(($$ % 250))::1
		in_test_netns ip addr add "$v6/64" dev "$dev" nodad || fail "adding an IPv6 address failed"
	fi
	update_config ".linux.netDevices = {\"$dev\": {\"name\": \"net0\"}}"
	start_sleeper

	! in_test_netns ip link show "$dev" >/dev/null 2>&1 || fail "$dev is still in $TEST_NS"
	! ip link show "$dev" >/dev/null 2>&1 || fail "$dev reached the host"
	run ctrun exec "$CT_ID" /sbin/ip -o addr show dev net0
	expect_success
	expect_output_has "inet $NET.1/24"
	expect_output_lacks "$NET.9"
	expect_output_lacks "$NET.5"
	if [ -n "$v6" ]; then
		expect_output_has "inet6 $v6/64"
	fi
	run ctrun exec "$CT_ID" /sbin/ip -o link show dev net0
	expect_success
	[[ "$output" =~ [\<,]UP[,\>] ]] || fail "net0 is not up: $output"

	# At delete the runtime leaves the device alone: the kernel destroys a
	# virtual device with its namespace instead of returning it.
	run ctrun delete --force "$CT_ID"
	expect_success
	local i
	for i in $(seq 50); do
		[ "$(in_test_netns ip -o link show | wc -l)" = 1 ] && break
		sleep 0.1
	done
	run in_test_netns ip -o link show
	expect_success
	[ "${#lines[@]}" = 1 ] || fail "links other than lo in $TEST_NS after delete: $output"
	! ip link show "$dev" >/dev/null 2>&1 || fail "$dev went to the host"
}

@test "netdevices tap device and a name template" {
	use_test_netns
	local dev=${VETH}t
	in_test_netns ip tuntap add dev "$dev" mode tap || fail "creating tap device $dev failed"
	in_test_netns ip addr add "$NET.3/24" dev "$dev" || fail "adding an address failed"
	update_config ".linux.netDevices = {\"$dev\": {\"name\": \"tap%d\"}}"
	start_sleeper
	run ctrun exec "$CT_ID" /sbin/ip -o addr show dev tap0
	expect_success
	expect_output_has "inet $NET.3/24"
	run ctrun delete --force "$CT_ID"
	expect_success
	wait_for_no_test_link "$dev"
}

@test "netdevices two devices with one name fail before any moves" {
	use_test_netns
	make_ifb "${VETH}i" "$NET.1/24"
	make_ifb "${VETH}j" "$NET.2/24"
	update_config ".linux.netDevices = {\"${VETH}i\": {\"name\": \"net0\"}, \"${VETH}j\": {\"name\": \"net0\"}}"
	run ctrun create --bundle "$CT_BUNDLE" "$CT_ID"
	expect_failure 1
	expect_output_has "linux.netDevices[\"${VETH}j\"]: name \"net0\" in the container is also the name of linux.netDevices[\"${VETH}i\"]"
	expect_nothing_left
	run in_test_netns ip -o addr show dev "${VETH}i"
	expect_success
	expect_output_has "inet $NET.1/24"
	run in_test_netns ip -o addr show dev "${VETH}j"
	expect_success
	expect_output_has "inet $NET.2/24"
}

@test "netdevices invalid names are rejected" {
	use_test_netns
	make_ifb "${VETH}i" "$NET.1/24"
	local name
	for name in "eth%s" "eth%d%d" "a/b" "name-longer-than-15"; do
		update_config ".linux.netDevices = {\"${VETH}i\": {\"name\": \"$name\"}}"
		run ctrun create --bundle "$CT_BUNDLE" "$CT_ID"
		expect_failure 1
		expect_output_has "$name"
		expect_nothing_left
	done
	update_config ".linux.netDevices = {\"${VETH}i\": {\"name\": \"eth%s\"}}"
	run ctrun create --bundle "$CT_BUNDLE" "$CT_ID"
	expect_output_has "invalid name template \"eth%s\""
	update_config ".linux.netDevices = {\"${VETH}i\": {\"name\": \"a/b\"}}"
	run ctrun create --bundle "$CT_BUNDLE" "$CT_ID"
	expect_output_has "invalid network device name \"a/b\""
	run in_test_netns ip -o addr show dev "${VETH}i"
	expect_success
	expect_output_has "inet $NET.1/24"
}

@test "netdevices name taken in the container moves nothing" {
	use_test_netns
	make_ifb "${VETH}i" "$NET.1/24"
	make_ifb "${VETH}j" "$NET.2/24"
	update_config ".linux.netDevices = {\"${VETH}i\": {\"name\": \"net0\"}, \"${VETH}j\": {\"name\": \"lo\"}}"
	run ctrun create --bundle "$CT_BUNDLE" "$CT_ID"
	expect_failure 1
	expect_output_has "linux.netDevices[\"${VETH}j\"]: name \"lo\" is taken in the container's network namespace"
	expect_nothing_left
	run in_test_netns ip -o addr show dev "${VETH}i"
	expect_success
	expect_output_has "inet $NET.1/24"
	run in_test_netns ip -o addr show dev "${VETH}j"
	expect_success
	expect_output_has "inet $NET.2/24"
}

@test "netdevices device that cannot change namespace" {
	use_test_netns
	make_ifb "${VETH}i" "$NET.1/24"
	in_test_netns ip link add "${VETH}r" type bridge || fail "creating bridge ${VETH}r failed"
	update_config ".linux.netDevices = {\"${VETH}i\": {\"name\": \"net0\"}, \"${VETH}r\": {}}"
	run ctrun create --bundle "$CT_BUNDLE" "$CT_ID"
	expect_failure 1
	expect_output_has "linux.netDevices[\"${VETH}r\"]: move to the container as \"${VETH}r\": Invalid argument"
	expect_nothing_left
	in_test_netns ip link show "${VETH}r" >/dev/null || fail "the bridge left $TEST_NS"
	# The runtime moves nothing back: the device that had moved dies with
	# the container's namespace, as at delete.
	wait_for_no_test_link "${VETH}i"
	! ip link show "${VETH}i" >/dev/null 2>&1 || fail "${VETH}i went to the host"
}
