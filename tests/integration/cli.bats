#!/usr/bin/env bats
# The command line: help, version, usage errors and the global flags that
# callers pass.

load helpers

setup() {
	ct_setup
}

teardown() {
	ct_teardown
}

@test "cli help of every command" {
	for command in create start run state kill delete list spec features; do
		run ctrun "$command" --help
		expect_success
		[[ "${output,,}" == *usage* ]] || fail "$command --help prints no usage: $output"
		expect_output_has "$command"
	done
}

@test "cli global help" {
	run ctrun --help
	expect_success
	for command in create start run state kill delete list spec; do
		expect_output_has "$command"
	done
}

@test "cli version" {
	run ctrun --version
	expect_success
	expect_output_has "spec: 1."
	if is_ctrun; then
		version=$(sed -n "s/^ *version : '\(.*\)',/\1/p" "$CT_TOP/meson.build")
		[[ "${lines[0]}" == "ctrun version $version"* ]] || fail "first line is \"${lines[0]}\", expected version $version"
	fi

	run ctrun -v
	expect_success
}

@test "cli unknown flag is a usage error" {
	run ctrun --no-such-flag list
	expect_failure
	if is_ctrun; then
		expect_status 2
		expect_output_has "--no-such-flag"
	fi

	run ctrun list --no-such-flag
	expect_failure
	if is_ctrun; then
		expect_status 2
	fi
}

@test "cli features" {
	run ctrun features
	expect_success
	jq -e . <<<"$output" >/dev/null || fail "features is not JSON"
	[[ "$(jq -r .ociVersionMin <<<"$output")" == 1.* ]] || fail "ociVersionMin is missing"
	[[ "$(jq -r .ociVersionMax <<<"$output")" == 1.* ]] || fail "ociVersionMax is missing"
	jq -e '.mountOptions | index("rbind")' <<<"$output" >/dev/null || fail "mountOptions lack rbind"
	jq -e '.linux.namespaces | index("pid")' <<<"$output" >/dev/null || fail "linux.namespaces lack pid"
}

@test "cli unknown command fails" {
	run ctrun no-such-command
	expect_failure
	expect_output_has no-such-command
}

@test "cli missing container id" {
	for command in create start state kill delete; do
		run ctrun "$command"
		expect_failure
		if is_ctrun; then
			expect_status 2
		fi
	done
}

@test "cli rootless value as a separate word" {
	# runc's --rootless is a string flag, so callers may pass the value as
	# the next word; it must not become the command.
	run ctrun --rootless true list
	expect_success
	expect_output_has "ID"
	run ctrun --rootless false --debug list
	expect_success
	requires ctrun
	expect_output_has 'ignoring --rootless "false"'
	# crun's form: a bare flag means true.
	run ctrun --rootless --debug list
	expect_success
	expect_output_has 'ignoring --rootless "true"'
	run ctrun --rootless=yes list
	expect_failure 2
	expect_output_has 'invalid value "yes" for flag "--rootless": expected true, false or auto'
}

@test "cli ignored global flags accepted" {
	# containerd passes --rootless=true or --rootless=false.
	run ctrun --rootless=false list
	expect_success
	run ctrun --rootless=auto list
	expect_success
	requires ctrun
	run ctrun --cgroup-manager cgroupfs list
	expect_success
	run ctrun --cgroup-manager=disabled list
	expect_success
	run ctrun --log-level debug list
	expect_success
}

@test "cli systemd cgroup flags accepted" {
	# CRI-O passes --systemd-cgroup on every call; systemd-cgroup.bats
	# tests the driver itself.
	requires ctrun
	run ctrun --systemd-cgroup list
	expect_success
	run ctrun --cgroup-manager systemd --debug list
	expect_success
	expect_output_has "systemd cgroup driver"
}

@test "cli flags in caller order" {
	# containerd's form: global flags, then the command with its options.
	update_config '.process.args = ["/bin/ctprobe", "sleep", "inf"]'
	run ctrun --log "$CT_TMP/log.json" --log-format json create --bundle "$CT_BUNDLE" \
		--pid-file "$CT_TMP/pid" "$CT_ID"
	expect_success
	[ "$(cat "$CT_TMP/pid")" = "$(container_pid "$CT_ID")" ] || fail "the pid file does not hold the init pid"

	run ctrun kill "$CT_ID" 9
	expect_success
	wait_for_status "$CT_ID" stopped
	run ctrun delete "$CT_ID"
	expect_success
}

@test "cli relative pid file" {
	update_config '.process.args = ["/bin/ctprobe", "sleep", "inf"]'
	cd "$CT_TMP"
	run ctrun create --bundle "$CT_BUNDLE" --pid-file pidfile "$CT_ID"
	expect_success
	[ "$(cat "$CT_TMP/pidfile")" = "$(container_pid "$CT_ID")" ] || fail "the relative pid file is wrong"
}

@test "cli bundle defaults to cwd" {
	run ctrun run "$CT_ID"
	expect_success
	expect_probe hostname ctrun-test
}
