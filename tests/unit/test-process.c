/* SPDX-License-Identifier: Apache-2.0 */
/*
 * spec_process_parse(): the process.json that `exec --process` reads, with
 * the field table and checks of config.json's process object.
 */
#include <errno.h>
#include <string.h>

#include "config.h"
#include "tap.h"

static void test_valid(void)
{
	static const char json[] = "{ \"terminal\": true, \"consoleSize\": { \"height\": 25, \"width\": 80 },"
				   "  \"user\": { \"uid\": 7, \"gid\": 8, \"additionalGids\": [9] },"
				   "  \"args\": [\"/bin/sh\", \"-c\", \"true\"], \"env\": [\"A=1\"], \"cwd\": \"/tmp\","
				   "  \"rlimits\": [{ \"type\": \"RLIMIT_NOFILE\", \"soft\": 10, \"hard\": 20 }],"
				   "  \"noNewPrivileges\": true, \"unknownKey\": 1 }";
	struct spec_process *process = NULL;
	struct libct_error err = { 0 };

	int r = spec_process_parse(json, strlen(json), &process, &err);
	is_int(r, 0, "valid process.json parses: %s", err.message);
	if (r < 0)
		return;
	ok(process->terminal, "terminal");
	ok(process->console_size.set, "consoleSize set");
	is_int(process->console_size.height, 25, "consoleSize.height");
	is_int(process->console_size.width, 80, "consoleSize.width");
	is_int(process->user.uid, 7, "user.uid");
	is_int(process->user.gid, 8, "user.gid");
	is_int(process->user.n_additional_gids, 1, "one additional gid");
	is_int(process->n_args, 3, "three args");
	is_str(process->args[2], "true", "third arg");
	ok(process->args[3] == NULL, "args end with NULL for execve");
	is_str(process->cwd, "/tmp", "cwd");
	is_int(process->n_rlimits, 1, "one rlimit");
	ok(process->no_new_privileges, "noNewPrivileges");
	spec_process_free(process);
}

struct bad_case {
	const char *json;
	const char *message;
};

static const struct bad_case bad_cases[] = {
	{ "{ \"args\": [\"/bin/true\"] }", "process: missing required field \"cwd\"" },
	{ "{ \"args\": [\"/bin/true\"], \"cwd\": \"relative\" }",
	  "process.cwd: \"relative\" is not an absolute path" },
	{ "{ \"args\": [], \"cwd\": \"/\" }", "process.args: must contain at least one element" },
	{ "{ \"args\": [\"x\"], \"cwd\": \"/\", \"user\": { \"uid\": -1 } }", "process.user.uid: " },
	{ "{ \"args\": [\"x\"], \"cwd\": \"/\", \"user\": { \"uid\": 4294967295 } }",
	  "process.user.uid: invalid id 4294967295" },
	{ "{ \"args\": [\"x\"], \"cwd\": \"/\", \"user\": { \"additionalGids\": [4294967295] } }",
	  "process.user.additionalGids[0]: invalid id 4294967295" },
	{ "{ \"args\": [\"x\"], \"cwd\": \"/\", \"rlimits\": [{ \"type\": \"RLIMIT_NOFILE\", \"soft\": 2, "
	  "\"hard\": 1 }] }",
	  "process.rlimits[0]: soft limit 2 is greater than hard limit 1" },
	{ "[1]", "expected a JSON object at the top level" },
	{ "{ \"args\": ", "invalid JSON" },
};

static void test_invalid(void)
{
	for (size_t i = 0; i < sizeof(bad_cases) / sizeof(bad_cases[0]); i++) {
		struct spec_process *process = NULL;
		struct libct_error err = { 0 };

		int r = spec_process_parse(bad_cases[i].json, strlen(bad_cases[i].json), &process, &err);
		is_int(r, -EINVAL, "case %zu is rejected", i);
		ok(strstr(err.message, bad_cases[i].message) != NULL, "case %zu message \"%s\" contains \"%s\"", i,
		   err.message, bad_cases[i].message);
		ok(process == NULL, "case %zu returns no process", i);
	}
}

static void test_empty_apparmor_profile(void)
{
	static const char json[] = "{ \"args\": [\"x\"], \"cwd\": \"/\", \"apparmorProfile\": \"\" }";
	struct spec_process *process = NULL;
	struct libct_error err = { 0 };

	int r = spec_process_parse(json, strlen(json), &process, &err);
	is_int(r, 0, "empty apparmorProfile parses: %s", err.message);
	if (r < 0)
		return;
	ok(process->apparmor_profile == NULL, "empty apparmorProfile reads as unset");
	spec_process_free(process);
}

int main(void)
{
	test_valid();
	test_empty_apparmor_profile();
	test_invalid();
	return done_testing();
}
