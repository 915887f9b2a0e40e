#!/usr/bin/env bats
# SPDX-License-Identifier: Apache-2.0
#
# events: runc's stats envelope once or every interval, and OOM events.

load helpers

# A memory limit makes create enable the memory controller on cgroup2.
setup() {
	ct_setup
	update_config '.linux.resources.memory.limit = 134217728'
}
teardown() { ct_teardown; }

@test "events stats once" {
	start_sleeper
	run ctrun events --stats "$CT_ID"
	expect_success
	[ "${#lines[@]}" -eq 1 ] || fail "expected one line: $output"
	echo "$output" | jq -e --arg id "$CT_ID" '.type == "stats" and .id == $id' >/dev/null ||
		fail "not a stats envelope: $output"
	echo "$output" | jq -e '.data.pids.current >= 1 and .data.memory.usage.usage > 0' >/dev/null ||
		fail "missing counters: $output"
	echo "$output" | jq -e '.data.cpu.usage.total > 0' >/dev/null || fail "no cpu usage: $output"
}

@test "events stats reports the pids limit" {
	update_config '.linux.resources.pids = {"limit": 42}'
	start_sleeper
	run ctrun events --stats "$CT_ID"
	expect_success
	[ "$(echo "$output" | jq .data.pids.limit)" = 42 ] || fail "pids limit: $output"
}

@test "events interval prints until the container stops" {
	start_sleeper
	local out=$CT_TMP/events.out pid
	ct_timeout "$CTRUN" --root "$CT_ROOT" events --interval 300ms "$CT_ID" >"$out" 2>&1 &
	pid=$!
	for _ in $(seq 50); do
		[ "$(wc -l <"$out")" -ge 2 ] && break
		sleep 0.1
	done
	[ "$(wc -l <"$out")" -ge 2 ] || fail "fewer than 2 samples: $(cat "$out")"
	run ctrun kill "$CT_ID" KILL
	expect_success
	local rc=0
	wait "$pid" || rc=$?
	[ "$rc" -eq 0 ] || fail "events exited with $rc: $(cat "$out")"
	[ "$(jq -s 'map(select(.type == "stats")) | length' "$out")" -ge 2 ] || fail "samples: $(cat "$out")"
}

@test "events interval accepts Go durations" {
	start_sleeper
	local out=$CT_TMP/events.out pid
	ct_timeout "$CTRUN" --root "$CT_ROOT" events --interval=1m30s "$CT_ID" >"$out" 2>&1 &
	pid=$!
	for _ in $(seq 50); do
		[ -s "$out" ] && break
		sleep 0.1
	done
	run ctrun kill "$CT_ID" KILL
	expect_success
	wait "$pid" || fail "events failed: $(cat "$out")"
	[ "$(jq -s length "$out")" -eq 1 ] || fail "expected one sample: $(cat "$out")"
}

@test "events bad interval" {
	start_sleeper
	run ctrun events --interval 5 "$CT_ID"
	expect_failure 2
	expect_output_has 'invalid interval "5"'
	run ctrun events --interval 1x "$CT_ID"
	expect_failure 2
	expect_output_has 'invalid interval "1x"'
	run ctrun events --interval -1s "$CT_ID"
	expect_failure 2
}

@test "events reports an oom kill" {
	update_config '.linux.resources.memory = {"limit": 33554432, "swap": 33554432}
		| .process.args = ["/bin/sh", "-c", "read x; /bin/ctprobe alloc 256; /bin/ctprobe sleep inf"]'
	run ctrun create "$CT_ID"
	expect_success
	local out=$CT_TMP/events.out pid
	ct_timeout "$CTRUN" --root "$CT_ROOT" events --interval 10s "$CT_ID" >"$out" 2>&1 &
	pid=$!
	for _ in $(seq 50); do
		[ -s "$out" ] && break
		sleep 0.1
	done
	run ctrun start "$CT_ID"
	expect_success
	for _ in $(seq 100); do
		grep -q '"type":"oom"' "$out" && break
		sleep 0.1
	done
	run ctrun kill "$CT_ID" KILL
	wait "$pid" || true
	grep -qF "{\"type\":\"oom\",\"id\":\"$CT_ID\"}" "$out" || fail "no oom event: $(cat "$out")"
}

@test "events of missing container" {
	run ctrun events --stats nosuch
	expect_failure 1
	expect_output_has 'container "nosuch" does not exist'
}

@test "events stats of stopped container" {
	update_config '.process.args = ["/bin/true"]'
	run ctrun create "$CT_ID"
	expect_success
	run ctrun start "$CT_ID"
	expect_success
	wait_for_status "$CT_ID" stopped
	run ctrun events --stats "$CT_ID"
	expect_failure 1
	expect_output_has "container is stopped"
}

@test "events stats reports hugetlb" {
	local size
	size=$(ls /sys/kernel/mm/hugepages 2>/dev/null | sed -n 's/^hugepages-\([0-9]*\)kB$/\1/p' | sort -n | head -1)
	[ -n "$size" ] || skip "no huge page sizes"
	[ "$size" -eq 2048 ] || skip "the first huge page size is not 2 MiB"
	update_config '.linux.resources.hugepageLimits = [{"pageSize": "2MB", "limit": 0}]'
	start_sleeper
	run ctrun events --stats "$CT_ID"
	expect_success
	[ "$(echo "$output" | jq '.data.hugetlb["2MB"].usage')" = 0 ] || fail "no 2MB hugetlb usage: $output"
}
