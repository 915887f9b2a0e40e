#!/usr/bin/env bats
# `ctrun features`: the document is valid, and what it advertises works.

load helpers

setup() {
	ct_setup
}

teardown() {
	ct_teardown
}

@test "features document is valid" {
	requires ctrun
	run ctrun features
	expect_success
	echo "$output" >"$CT_TMP/features.json"
	jq -e . "$CT_TMP/features.json" >/dev/null || fail "features is not JSON"

	# SPEC_EXAMPLES is the runtime-spec examples directory, as for the unit tests.
	local schema=$CT_TOP/../shared/runtime-spec/schema/features-schema.json
	[ -z "${SPEC_EXAMPLES:-}" ] || schema=$SPEC_EXAMPLES/../schema/features-schema.json
	if [ ! -r "$schema" ] || ! python3 -c 'import jsonschema' 2>/dev/null; then
		skip "needs python3-jsonschema and the runtime-spec schema"
	fi
	python3 -W ignore - "$schema" "$CT_TMP/features.json" <<'EOF'
import json, pathlib, sys, jsonschema
schema_path = pathlib.Path(sys.argv[1]).resolve()
schema = json.loads(schema_path.read_text())
resolver = jsonschema.RefResolver(schema_path.parent.as_uri() + "/", schema)
jsonschema.validate(json.loads(pathlib.Path(sys.argv[2]).read_text()), schema, resolver=resolver)
EOF
}

@test "features hooks all listed" {
	requires ctrun
	run ctrun features
	expect_success
	[ "$(jq -c .hooks <<<"$output")" = \
		'["prestart","createRuntime","createContainer","startContainer","poststart","poststop"]' ] ||
		fail "hooks: $(jq -c .hooks <<<"$output")"
}

@test "features unimplemented parts disabled" {
	requires ctrun
	run ctrun features
	expect_success
	local key
	for key in .linux.apparmor.enabled .linux.selinux.enabled .linux.intelRdt.enabled \
		.linux.cgroup.systemd .linux.cgroup.systemdUser; do
		[ "$(jq -r "$key" <<<"$output")" = false ] || fail "$key is not false"
	done
	[ "$(jq -r .linux.mountExtensions.idmap.enabled <<<"$output")" = true ] || fail "idmap is not advertised"
	[ "$(jq -r .linux.netDevices.enabled <<<"$output")" = true ] || fail "netDevices is not advertised"
	[ "$(jq -c .potentiallyUnsafeConfigAnnotations <<<"$output")" = '[]' ] ||
		fail "unsafe annotations: $(jq -c .potentiallyUnsafeConfigAnnotations <<<"$output")"
}

# Prints the config.json mount (JSON) that tests one mount option.
option_mount() {
	local option=$1
	case "$option" in
	bind | rbind)
		echo '{"destination": "/mnt/opt", "type": "bind", "source": "'"$CT_TMP"'/src", "options": ["'"$option"'"]}'
		;;
	remount)
		# A remount is meaningful only on an existing mount, such as a bind.
		echo '{"destination": "/mnt/opt", "type": "bind", "source": "'"$CT_TMP"'/src", "options": ["bind", "remount"]}'
		;;
	idmap | ridmap)
		echo '{"destination": "/mnt/opt", "type": "bind", "source": "'"$CT_TMP"'/src",
			"options": ["rbind", "'"$option"'"],
			"uidMappings": [{"containerID": 0, "hostID": 1000, "size": 1}],
			"gidMappings": [{"containerID": 0, "hostID": 1000, "size": 1}]}'
		;;
	*)
		echo '{"destination": "/mnt/opt", "type": "tmpfs", "source": "tmpfs", "options": ["'"$option"'"]}'
		;;
	esac
}

@test "features every mount option works" {
	requires ctrun
	run ctrun features
	expect_success
	local options option failed=()
	options=$(jq -r '.mountOptions[]' <<<"$output")
	[ -n "$options" ] || fail "no mount options advertised"
	mkdir -p "$CT_TMP/src"
	echo data >"$CT_TMP/src/file"
	update_config '.process.args = ["/bin/ctprobe", "stat", "/mnt/opt"]'
	cp "$CT_BUNDLE/config.json" "$CT_TMP/config.base"

	local n=0
	for option in $options; do
		n=$((n + 1))
		jq --argjson mount "$(option_mount "$option")" '.mounts += [$mount]' \
			"$CT_TMP/config.base" >"$CT_BUNDLE/config.json"
		run ctrun run --bundle "$CT_BUNDLE" "$CT_ID-$n"
		if [ "$status" -ne 0 ] || ! probe_value type >/dev/null; then
			failed+=("$option: $output")
		fi
	done
	if [ ${#failed[@]} -gt 0 ]; then
		printf 'failed: %s\n' "${failed[@]}" >&2
		fail "${#failed[@]} advertised mount option(s) do not work"
	fi
}

@test "features idmap in a user namespace" {
	# containerd combines idmapped mounts with a user namespace when the
	# features document advertises idmap.
	requires ctrun userns
	mkdir "$CT_TMP/data"
	echo owned >"$CT_TMP/data/file"
	chown 0:0 "$CT_TMP/data/file"
	update_config '.process.args = ["/bin/sh", "-c", "ctprobe stat /mnt/idmap/file; cat /mnt/idmap/file"]
		| .linux.namespaces += [{"type": "user"}]
		| .linux.uidMappings = [{"containerID": 0, "hostID": 100000, "size": 65536}]
		| .linux.gidMappings = [{"containerID": 0, "hostID": 100000, "size": 65536}]
		| .mounts += [{"destination": "/mnt/idmap", "type": "bind", "source": "'"$CT_TMP"'/data",
			"options": ["bind", "idmap"],
			"uidMappings": [{"containerID": 0, "hostID": 100000, "size": 65536}],
			"gidMappings": [{"containerID": 0, "hostID": 100000, "size": 65536}]}]'
	chown -R 100000:100000 "$CT_BUNDLE/rootfs"
	allow_traverse "$CT_BUNDLE"

	run ctrun run --bundle "$CT_BUNDLE" "$CT_ID"
	expect_success
	# Root on disk is root in the container, through the mount's mapping.
	expect_probe uid 0
	expect_probe gid 0
	expect_line owned
	[ "$(stat -c %u:%g "$CT_TMP/data/file")" = 0:0 ] || fail "the idmapped mount changed the owner on disk"
}
