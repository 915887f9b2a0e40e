/* SPDX-License-Identifier: Apache-2.0 */
/*
 * spec_features_json(): the Features structure lists exactly the names that
 * the config.json parser accepts, and it validates against
 * features-schema.json when python3-jsonschema and $SPEC_EXAMPLES exist.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "config.h"
#include "oci-features.h"
#include "tables.h"
#include "tap.h"

static bool parses(const char *json)
{
	struct spec_config *config = NULL;
	struct libct_error err = { 0 };
	int r = spec_config_parse(json, strlen(json), &config, &err);
	if (r < 0)
		diag("%s", err.message);
	spec_config_free(config);
	return r == 0;
}

/* Each name that features prints must be accepted where config.json uses it. */
static void test_names_are_accepted(void)
{
	char json[1024];
	const char *head = "{\"ociVersion\": \"" SPEC_OCI_VERSION "\", \"root\": {\"path\": \"r\"}";
	size_t failures = 0;

	for (size_t i = 0; i < spec_capabilities_table.n_entries; i++) {
		snprintf(json, sizeof(json),
			 "%s, \"process\": {\"cwd\": \"/\", \"args\": [\"sh\"], \"capabilities\": "
			 "{\"bounding\": [\"%s\"]}}}",
			 head, spec_capabilities_table.entries[i].name);
		failures += !parses(json);
	}
	for (size_t i = 0; i < spec_namespace_types.n_entries; i++) {
		const char *name = spec_namespace_types.entries[i].name;
		bool user = strcmp(name, "user") == 0;
		snprintf(json, sizeof(json), "%s, \"linux\": {\"namespaces\": [{\"type\": \"%s\"}]%s}}", head,
			 name,
			 user ? ", \"uidMappings\": [{\"containerID\": 0, \"hostID\": 1, \"size\": 1}],"
				" \"gidMappings\": [{\"containerID\": 0, \"hostID\": 1, \"size\": 1}]"
			      : "");
		failures += !parses(json);
	}
	for (size_t i = 0; i < spec_hook_names.n_entries; i++) {
		snprintf(json, sizeof(json), "%s, \"hooks\": {\"%s\": [{\"path\": \"/bin/true\"}]}}", head,
			 spec_hook_names.entries[i].name);
		failures += !parses(json);
	}
	is_int(failures, 0, "capability, namespace and hook names are accepted");

	failures = 0;
	for (size_t i = 0; i < spec_seccomp_actions.n_entries; i++)
		for (size_t j = 0; j < spec_seccomp_operators.n_entries; j++) {
			snprintf(json, sizeof(json),
				 "%s, \"linux\": {\"seccomp\": {\"defaultAction\": \"%s\", "
				 "\"architectures\": [\"%s\"],"
				 " \"flags\": [\"%s\"], \"syscalls\": [{\"names\": [\"read\"], \"action\": "
				 "\"%s\","
				 " \"args\": [{\"index\": 0, \"value\": 1, \"op\": \"%s\"}]}]}}}",
				 head, spec_seccomp_actions.entries[i].name,
				 spec_seccomp_architectures.entries[j % spec_seccomp_architectures.n_entries]
					 .name,
				 spec_seccomp_flags.entries[j % spec_seccomp_flags.n_entries].name,
				 spec_seccomp_actions.entries[i].name,
				 spec_seccomp_operators.entries[j].name);
			failures += !parses(json);
		}
	for (size_t i = 0; i < spec_seccomp_architectures.n_entries; i++) {
		snprintf(json, sizeof(json),
			 "%s, \"linux\": {\"seccomp\": {\"defaultAction\": \"SCMP_ACT_ALLOW\","
			 " \"architectures\": [\"%s\"]}}}",
			 head, spec_seccomp_architectures.entries[i].name);
		failures += !parses(json);
	}
	is_int(failures, 0, "seccomp names are accepted");

	failures = 0;
	for (size_t i = 0; i < spec_memory_policy_modes.n_entries; i++) {
		const char *mode = spec_memory_policy_modes.entries[i].name;
		bool no_nodes = strcmp(mode, "MPOL_DEFAULT") == 0 || strcmp(mode, "MPOL_LOCAL") == 0;
		snprintf(json, sizeof(json),
			 "%s, \"linux\": {\"memoryPolicy\": {\"mode\": \"%s\"%s, \"flags\": [\"%s\"]}}}",
			 head, mode, no_nodes ? "" : ", \"nodes\": \"0\"",
			 spec_memory_policy_flags.entries[i % spec_memory_policy_flags.n_entries].name);
		failures += !parses(json);
	}
	is_int(failures, 0, "memory policy names are accepted");
}

static void test_document(void)
{
	char *flags[] = { "SECCOMP_FILTER_FLAG_TSYNC" };
	struct spec_map_entry entry = { "org.opencontainers.runc.version", "ctrun 0.1.0" };
	struct spec_features_support support = {
		.cgroup_v1 = true,
		.cgroup_v2 = true,
		.seccomp = true,
		.seccomp_supported_flags = flags,
		.n_seccomp_supported_flags = 1,
		.idmap_mounts = true,
		.annotations = { &entry, 1 },
	};
	char *json = NULL;
	size_t len = 0;
	struct libct_error err = { 0 };
	is_int(spec_features_json(&support, &json, &len, &err), 0, "features document is written");
	is_int(strlen(json), len, "features document length");
	ok(strstr(json, "\"ociVersionMin\": \"1.0.0\"") != NULL, "ociVersionMin");
	ok(strstr(json, "\"ociVersionMax\": \"" SPEC_OCI_VERSION "\"") != NULL, "ociVersionMax");
	ok(strstr(json, "\"CAP_CHECKPOINT_RESTORE\"") != NULL, "capabilities listed");
	ok(strstr(json, "\"supportedFlags\": [\n\t\t\t\t\"SECCOMP_FILTER_FLAG_TSYNC\"\n\t\t\t]") != NULL,
	   "supported seccomp flags as given");
	ok(strstr(json, "\"mountOptions\": [") != NULL, "mount options listed");
	ok(strstr(json, "\"createContainer\"") != NULL, "hooks listed");

	const char *examples = getenv("SPEC_EXAMPLES");
	char schema[4096];
	snprintf(schema, sizeof(schema), "%s/../schema/features-schema.json", examples != NULL ? examples : "");
	if (examples == NULL || access(schema, R_OK) != 0 ||
	    system("python3 -c 'import jsonschema' 2>/dev/null") != 0) {
		skip("python3-jsonschema or SPEC_EXAMPLES not available");
		free(json);
		return;
	}
	char path[] = "/tmp/ctrun-test-features-XXXXXX";
	int fd = mkstemp(path);
	FILE *file = fdopen(fd, "w");
	fputs(json, file);
	fclose(file);
	char command[8192];
	snprintf(command, sizeof(command),
		 "python3 -W ignore -c 'import json, jsonschema, sys, pathlib\n"
		 "d = pathlib.Path(sys.argv[1])\n"
		 "schema = json.loads((d / \"features-schema.json\").read_text())\n"
		 "resolver = jsonschema.RefResolver(d.as_uri() + \"/\", schema)\n"
		 "jsonschema.validate(json.load(open(sys.argv[2])), schema, resolver=resolver)' "
		 "'%s/../schema' '%s'",
		 examples, path);
	is_int(system(command), 0, "features validate against features-schema.json");
	unlink(path);
	free(json);
}

static void test_seccomp_disabled(void)
{
	struct spec_features_support support = { .cgroup_v2 = true };
	char *json = NULL;
	is_int(spec_features_json(&support, &json, NULL, NULL), 0, "features without seccomp");
	ok(strstr(json, "\"seccomp\": {\n\t\t\t\"enabled\": false\n\t\t}") != NULL, "seccomp lists no names");
	free(json);
}

int main(void)
{
	test_names_are_accepted();
	test_document();
	test_seccomp_disabled();
	return done_testing();
}
