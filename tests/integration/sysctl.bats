#!/usr/bin/env bats
# linux.sysctl: kernel parameters set inside the container's namespaces.

load helpers

setup() {
	ct_setup
}

teardown() {
	ct_teardown
}

@test "sysctl network and ipc values" {
	host_forward=$(cat /proc/sys/net/ipv4/ip_forward)
	host_msgmax=$(cat /proc/sys/kernel/msgmax)
	update_config '.linux.sysctl = {"net.ipv4.ip_forward": "1", "kernel.msgmax": "4096"}
		| .process.args = ["/bin/cat", "/proc/sys/net/ipv4/ip_forward", "/proc/sys/kernel/msgmax"]'

	run ctrun run --bundle "$CT_BUNDLE" "$CT_ID"
	expect_success
	[ "${lines[0]}" = 1 ] || fail "net.ipv4.ip_forward is ${lines[0]}"
	[ "${lines[1]}" = 4096 ] || fail "kernel.msgmax is ${lines[1]}"
	# The values belong to the container's network and ipc namespaces.
	[ "$(cat /proc/sys/net/ipv4/ip_forward)" = "$host_forward" ] || fail "the host's ip_forward changed"
	[ "$(cat /proc/sys/kernel/msgmax)" = "$host_msgmax" ] || fail "the host's msgmax changed"
}

@test "sysctl slash form" {
	update_config '.linux.sysctl = {"net/ipv4/ip_forward": "1"}
		| .process.args = ["/bin/cat", "/proc/sys/net/ipv4/ip_forward"]'

	run ctrun run --bundle "$CT_BUNDLE" "$CT_ID"
	expect_success
	expect_line 1
}

@test "sysctl of host namespace rejected" {
	# Without a network namespace of its own the container would change
	# the host's value.
	update_config '.linux.sysctl = {"net.ipv4.ip_forward": "1"}
		| .linux.namespaces |= map(select(.type != "network"))'
	host_forward=$(cat /proc/sys/net/ipv4/ip_forward)

	run ctrun run --bundle "$CT_BUNDLE" "$CT_ID"
	expect_failure
	expect_output_has "net.ipv4.ip_forward"
	[ "$(cat /proc/sys/net/ipv4/ip_forward)" = "$host_forward" ] || fail "the host's ip_forward changed"
}

@test "sysctl unknown key fails" {
	update_config '.linux.sysctl = {"kernel.no_such_parameter": "1"}'

	run ctrun run --bundle "$CT_BUNDLE" "$CT_ID"
	expect_failure
	expect_output_has "kernel.no_such_parameter"
	expect_nothing_left
}

@test "sysctl key with dot-dot rejected" {
	# The namespace check reads only the prefix: "net/../kernel/..." would
	# pass it and then open a file of the whole host.
	for key in "net/../kernel/printk_ratelimit_burst" "fs/mqueue/../../kernel/printk_ratelimit_burst" \
		"net..ipv4.ip_forward" "net/./ipv4/ip_forward"; do
		update_config ".linux.sysctl = {\"$key\": \"abc\"}"
		run ctrun run --bundle "$CT_BUNDLE" "$CT_ID"
		expect_failure
		expect_output_has "invalid key \"$key\""
		expect_nothing_left
	done
}

@test "sysctl in the host's joined network namespace rejected" {
	# A network namespace entry whose path is the runtime's own namespace
	# passes the presence check, and its sysctls are the host's.
	host_forward=$(cat /proc/sys/net/ipv4/ip_forward)
	update_config ".linux.namespaces |= map(if .type == \"network\" then .path = \"/proc/$$/ns/net\" else . end)
		| .linux.sysctl = {\"net.ipv4.ip_forward\": \"$host_forward\"}"
	run ctrun run --bundle "$CT_BUNDLE" "$CT_ID"
	expect_failure
	expect_output_has "is the runtime's own"
	expect_nothing_left
}
