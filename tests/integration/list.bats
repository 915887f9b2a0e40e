#!/usr/bin/env bats
# `list`: the table, the quiet form and the JSON form.

load helpers

setup() {
	ct_setup
}

teardown() {
	ct_teardown
}

create_two() {
	make_bundle "$CT_TMP/bundle-b" "$CT_ID-b"
	run ctrun create --bundle "$CT_BUNDLE" "$CT_ID"
	expect_success
	start_sleeper "$CT_ID-b" "$CT_TMP/bundle-b"
}

@test "list empty root" {
	run ctrun list
	expect_success
	[ "${#lines[@]}" -le 1 ] || fail "an empty root lists containers"

	run ctrun list -q
	expect_success
	[ -z "$output" ] || fail "list -q of an empty root printed \"$output\""
}

@test "list table" {
	create_two

	run ctrun list
	expect_success
	[[ "${lines[0]}" =~ ^ID\ +PID\ +STATUS\ +BUNDLE\ +CREATED\ +OWNER ]] || fail "header is \"${lines[0]}\""
	[ "${#lines[@]}" -eq 3 ] || fail "expected a header and 2 rows"
	read -r id pid status bundle _ <<<"${lines[1]}"
	[ "$id" = "$CT_ID" ] || fail "first row is \"${lines[1]}\""
	[ "$status" = created ] || fail "status of $id is $status"
	[ "$bundle" = "$CT_BUNDLE" ] || fail "bundle of $id is $bundle"
	[ "$pid" = "$(container_pid "$CT_ID")" ] || fail "pid of $id is $pid"
	read -r id _ status _ <<<"${lines[2]}"
	[ "$id" = "$CT_ID-b" ] || fail "second row is \"${lines[2]}\""
	[ "$status" = running ] || fail "status of $id is $status"
}

@test "list quiet" {
	create_two

	run ctrun list -q
	expect_success
	[ "${#lines[@]}" -eq 2 ] || fail "expected 2 ids"
	[ "${lines[0]}" = "$CT_ID" ] || fail "first id is ${lines[0]}"
	[ "${lines[1]}" = "$CT_ID-b" ] || fail "second id is ${lines[1]}"

	run ctrun list --quiet
	expect_success
	[ "${#lines[@]}" -eq 2 ] || fail "--quiet printed ${#lines[@]} lines"
}

@test "list json" {
	create_two

	run ctrun list --format json
	expect_success
	[ "$(jq -r 'length' <<<"$output")" = 2 ] || fail "expected an array of 2"
	[ "$(jq -r '.[0].id' <<<"$output")" = "$CT_ID" ] || fail "first id is $(jq '.[0].id' <<<"$output")"
	[ "$(jq -r '.[0].status' <<<"$output")" = created ] || fail "first status is wrong"
	[ "$(jq -r '.[1].status' <<<"$output")" = running ] || fail "second status is wrong"
	[ "$(jq -r '.[1].bundle' <<<"$output")" = "$CT_TMP/bundle-b" ] || fail "second bundle is wrong"
	[ "$(jq -r '.[1].pid' <<<"$output")" = "$(container_pid "$CT_ID-b")" ] || fail "second pid is wrong"

	run ctrun list --format=json
	expect_success
	[ "$(jq -r 'length' <<<"$output")" = 2 ] || fail "--format=json gave another result"
}

@test "list json empty" {
	requires ctrun
	run ctrun list --format json
	expect_success
	[ "$output" = "[]" ] || fail "an empty list is \"$output\", expected []"
}

@test "list bad format fails" {
	run ctrun list --format xml
	expect_failure
}
