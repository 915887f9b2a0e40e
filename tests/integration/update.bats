#!/usr/bin/env bats
# SPDX-License-Identifier: Apache-2.0
#
# update: new limits from a LinuxResources document (file, stdin) and from
# runc's individual flags, read back from the container's cgroup files.

load helpers
load cgroup-files

# Starting limits make create enable the memory, cpu and pids controllers
# on cgroup2, where update cannot enable them later.
setup() {
	ct_setup
	update_config '.linux.resources.memory.limit = 134217728 | .linux.resources.pids.limit = 1000
		| .linux.resources.cpu.quota = 100000 | .linux.resources.cpu.period = 100000'
}
teardown() { ct_teardown; }

@test "update from a resources file" {
	start_sleeper
	local pid
	pid=$(container_pid "$CT_ID")
	cat >"$CT_TMP/resources.json" <<-'JSON'
	{"memory": {"limit": 67108864}, "cpu": {"quota": 20000, "period": 100000}, "pids": {"limit": 50}}
	JSON
	run ctrun update --resources "$CT_TMP/resources.json" "$CT_ID"
	expect_success
	[ "$(cg_read "$pid" memory.limit)" = 67108864 ] || fail "memory limit is $(cg_read "$pid" memory.limit)"
	[ "$(cg_read "$pid" cpu.quota)" = 20000 ] || fail "cpu quota is $(cg_read "$pid" cpu.quota)"
	[ "$(cg_read "$pid" cpu.period)" = 100000 ] || fail "cpu period is $(cg_read "$pid" cpu.period)"
	[ "$(cg_read "$pid" pids.limit)" = 50 ] || fail "pids limit is $(cg_read "$pid" pids.limit)"
}

@test "update with resources equals form" {
	start_sleeper
	local pid
	pid=$(container_pid "$CT_ID")
	echo '{"pids": {"limit": 77}}' >"$CT_TMP/resources.json"
	run ctrun update --resources="$CT_TMP/resources.json" "$CT_ID"
	expect_success
	[ "$(cg_read "$pid" pids.limit)" = 77 ] || fail "pids limit is $(cg_read "$pid" pids.limit)"
}

@test "update from stdin" {
	start_sleeper
	local pid
	pid=$(container_pid "$CT_ID")
	echo '{"memory": {"limit": 50331648}}' >"$CT_TMP/resources.json"
	# ctrun() gives the runtime /dev/null as stdin, so call it directly.
	run ct_timeout "$CTRUN" --root "$CT_ROOT" update --resources - "$CT_ID" <"$CT_TMP/resources.json"
	expect_success
	[ "$(cg_read "$pid" memory.limit)" = 50331648 ] || fail "memory limit is $(cg_read "$pid" memory.limit)"
}

@test "update with individual flags" {
	start_sleeper
	local pid
	pid=$(container_pid "$CT_ID")
	run ctrun update --memory 96m --pids-limit 64 --cpu-quota 30000 --cpu-period 50000 "$CT_ID"
	expect_success
	[ "$(cg_read "$pid" memory.limit)" = $((96 * 1024 * 1024)) ] ||
		fail "memory limit is $(cg_read "$pid" memory.limit)"
	[ "$(cg_read "$pid" pids.limit)" = 64 ] || fail "pids limit is $(cg_read "$pid" pids.limit)"
	[ "$(cg_read "$pid" cpu.quota)" = 30000 ] || fail "cpu quota is $(cg_read "$pid" cpu.quota)"
	[ "$(cg_read "$pid" cpu.period)" = 50000 ] || fail "cpu period is $(cg_read "$pid" cpu.period)"
}

@test "update flags override the document" {
	start_sleeper
	local pid
	pid=$(container_pid "$CT_ID")
	echo '{"pids": {"limit": 10}, "memory": {"limit": 67108864}}' >"$CT_TMP/resources.json"
	run ctrun update --resources "$CT_TMP/resources.json" --pids-limit 20 "$CT_ID"
	expect_success
	[ "$(cg_read "$pid" pids.limit)" = 20 ] || fail "pids limit is $(cg_read "$pid" pids.limit)"
	[ "$(cg_read "$pid" memory.limit)" = 67108864 ] || fail "memory limit is $(cg_read "$pid" memory.limit)"
}

@test "update keeps unset fields" {
	start_sleeper
	local pid
	pid=$(container_pid "$CT_ID")
	run ctrun update --pids-limit 33 "$CT_ID"
	expect_success
	run ctrun update --memory 64m "$CT_ID"
	expect_success
	[ "$(cg_read "$pid" pids.limit)" = 33 ] || fail "pids limit is $(cg_read "$pid" pids.limit)"
}

@test "update bad document names the path" {
	start_sleeper
	echo '{"memory": {"limit": "lots"}}' >"$CT_TMP/resources.json"
	run ctrun update --resources "$CT_TMP/resources.json" "$CT_ID"
	expect_failure 1
	expect_output_has "memory.limit"
	expect_output_has "expected an integer"
}

@test "update bad nested path" {
	start_sleeper
	echo '{"blockIO": {"weightDevice": [{"major": 8, "minor": "x"}]}}' >"$CT_TMP/resources.json"
	run ctrun update --resources "$CT_TMP/resources.json" "$CT_ID"
	expect_failure 1
	expect_output_has "blockIO.weightDevice[0].minor"
}

@test "update malformed document" {
	start_sleeper
	echo '{"memory": ' >"$CT_TMP/resources.json"
	run ctrun update --resources "$CT_TMP/resources.json" "$CT_ID"
	expect_failure 1
	expect_output_has "invalid resources"
}

@test "update missing resources file" {
	start_sleeper
	run ctrun update --resources "$CT_TMP/nosuch.json" "$CT_ID"
	expect_failure 1
	expect_output_has "nosuch.json"
	expect_output_has_nocase "no such file"
}

@test "update bad size" {
	start_sleeper
	run ctrun update --memory 12q "$CT_ID"
	expect_failure 2
	expect_output_has 'invalid value "12q" for flag "--memory"'
}

@test "update of missing container" {
	run ctrun update --pids-limit 10 nosuch
	expect_failure 1
	expect_output_has 'container "nosuch" does not exist'
}

@test "update rdt flags not supported" {
	start_sleeper
	run ctrun update --l3-cache-schema "L3:0=f" "$CT_ID"
	expect_failure 1
	expect_output_has "not supported"
}
