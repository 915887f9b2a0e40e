#!/usr/bin/env bats
# SPDX-License-Identifier: Apache-2.0
#
# The state directory is private to root, and a container id cannot name a
# path outside the state root.

load ../integration/helpers

setup() { ct_setup; }
teardown() { ct_teardown; }

@test "state directory 0700 and files without group or other access" {
	is_ctrun || skip "ctrun's state layout"
	start_sleeper
	[ "$(stat -c %a "$CT_ROOT/$CT_ID")" = 700 ] || fail "state dir mode $(stat -c %a "$CT_ROOT/$CT_ID")"
	local file
	for file in "$CT_ROOT/$CT_ID"/*; do
		[ -f "$file" ] || continue
		[ $((0$(stat -c %a "$file") & 077)) -eq 0 ] || fail "$file has mode $(stat -c %a "$file")"
	done
}

@test "state a new state root is private" {
	is_ctrun || skip "ctrun's state layout"
	local root=$CT_TMP/new-root
	update_config '.process.args = ["/bin/true"]'
	run "$CTRUN" --root "$root" run --bundle "$CT_BUNDLE" "$CT_ID"
	expect_success
	[ $((0$(stat -c %a "$root") & 077)) -eq 0 ] || fail "state root mode $(stat -c %a "$root")"
}

@test "state ids that would leave the state root are refused" {
	local long id
	long=$(printf 'a%.0s' $(seq 300))
	mkdir -p "$CT_TMP/outside"
	for id in "../outside/x" "/abs" "a/b" ".." "." "$long" $'line\nbreak' $'tab\there' "dollar\$x" "space here" $'\x01ctl' $'\xff'; do
		# The helper names a log file after the id, too long here.
		run "$CTRUN" --root "$CT_ROOT" create --bundle "$CT_BUNDLE" "$id"
		expect_failure
		case "$output" in
		*"invalid container id"* | *"File name too long"*) ;;
		*) fail "id \"$id\": $output" ;;
		esac
	done
	[ -z "$(ls -A "$CT_TMP/outside")" ] || fail "made $(ls -A "$CT_TMP/outside")"
	expect_nothing_left
}

@test "state commands on an escaping id touch nothing" {
	local command
	mkdir -p "$CT_TMP/outside/x"
	for command in state kill delete start pause; do
		run ctrun "$command" "../outside/x"
		expect_failure
	done
	[ -d "$CT_TMP/outside/x" ] || fail "a directory outside the root was removed"
}
