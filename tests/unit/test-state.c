/* SPDX-License-Identifier: Apache-2.0 */
/* spec_state_parse() and spec_state_serialize(): round trips and errors. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "base.h"
#include "state.h"
#include "tap.h"

static struct spec_map make_map(const char *key, const char *value)
{
	struct spec_map map = { .entries = ct_calloc(1, sizeof(struct spec_map_entry)), .n_entries = 1 };
	map.entries[0].key = ct_strdup(key);
	map.entries[0].value = ct_strdup(value);
	return map;
}

static struct spec_state *make_state(void)
{
	struct spec_state *state = ct_calloc(1, sizeof(*state));
	state->oci_version = ct_strdup("1.3.0");
	state->id = ct_strdup("web-1");
	state->status = LIBCT_STATUS_RUNNING;
	state->pid = 4242;
	state->bundle = ct_strdup("/srv/bundles/web");
	state->rootfs = ct_strdup("/srv/bundles/web/rootfs");
	state->created = ct_strdup("2026-12-04T21:00:00.123456789Z");
	state->owner = ct_strdup("");
	state->annotations = make_map("org.example/key", "va\"lue\n");
	state->pid_start_time = 18446744073709551615ULL;
	state->cgroup_paths = make_map("memory", "/sys/fs/cgroup/memory/web-1");
	state->config_path = ct_strdup("/run/ctrun/web-1/config.json");
	return state;
}

static void test_private_round_trip(void)
{
	struct spec_state *state = make_state();
	char *json = NULL;
	size_t len = 0;
	struct libct_error err = { 0 };
	is_int(spec_state_serialize(state, true, &json, &len, &err), 0, "serialize with private fields");
	ok(strchr(json, '\n') == NULL, "stored form is one line");
	ok(strstr(json, "\"ctrun\":{\"pidStartTime\":18446744073709551615,") != NULL,
	   "private object is written");

	struct spec_state *parsed = NULL;
	if (!is_int(spec_state_parse(json, len, &parsed, &err), 0, "parse stored form")) {
		diag("%s", err.message);
		free(json);
		spec_state_free(state);
		return;
	}
	is_str(parsed->oci_version, "1.3.0", "ociVersion");
	is_str(parsed->id, "web-1", "id");
	is_int(parsed->status, LIBCT_STATUS_RUNNING, "status");
	is_int(parsed->pid, 4242, "pid");
	is_str(parsed->bundle, "/srv/bundles/web", "bundle");
	is_str(parsed->rootfs, "/srv/bundles/web/rootfs", "rootfs");
	is_str(parsed->created, "2026-12-04T21:00:00.123456789Z", "created");
	is_str(parsed->owner, "", "owner");
	is_str(spec_map_get(&parsed->annotations, "org.example/key"), "va\"lue\n", "annotation with escapes");
	ok(parsed->pid_start_time == 18446744073709551615ULL, "pidStartTime");
	is_str(spec_map_get(&parsed->cgroup_paths, "memory"), "/sys/fs/cgroup/memory/web-1", "cgroupPaths");
	is_str(parsed->config_path, "/run/ctrun/web-1/config.json", "configPath");

	char *again = NULL;
	is_int(spec_state_serialize(parsed, true, &again, NULL, &err), 0, "serialize parsed state");
	is_str(again, json, "second serialization is identical");
	free(again);
	free(json);
	spec_state_free(parsed);
	spec_state_free(state);
}

static void test_poststart_hooks_field(void)
{
	struct spec_state *state = make_state();
	struct libct_error err = { 0 };
	char *json = NULL;
	size_t len = 0;

	is_int(spec_state_serialize(state, true, &json, &len, &err), 0, "serialize without poststartHooks");
	ok(strstr(json, "poststartHooks") == NULL, "an unset poststartHooks is not written");
	struct spec_state *parsed = NULL;
	is_int(spec_state_parse(json, len, &parsed, &err), 0, "parse without poststartHooks");
	if (parsed != NULL)
		ok(!parsed->poststart_hooks.set, "a missing poststartHooks stays unset");
	spec_state_free(parsed);
	parsed = NULL;
	free(json);
	json = NULL;

	static const bool values[] = { false, true };
	for (size_t i = 0; i < 2; i++) {
		state->poststart_hooks = (struct spec_opt_bool){ .set = true, .value = values[i] };
		is_int(spec_state_serialize(state, true, &json, &len, &err), 0, "serialize poststartHooks");
		ok(strstr(json, values[i] ? "\"poststartHooks\":true" : "\"poststartHooks\":false") != NULL,
		   "poststartHooks %s is written", values[i] ? "true" : "false");
		is_int(spec_state_parse(json, len, &parsed, &err), 0, "parse poststartHooks");
		if (parsed != NULL) {
			ok(parsed->poststart_hooks.set, "poststartHooks is set after parsing");
			ok(parsed->poststart_hooks.value == values[i], "poststartHooks keeps its value");
		}
		spec_state_free(parsed);
		parsed = NULL;
		free(json);
		json = NULL;
	}
	spec_state_free(state);
}

static void test_init_exe_fields(void)
{
	struct spec_state *state = make_state();
	struct libct_error err = { 0 };
	char *json = NULL;
	size_t len = 0;

	state->init_exe_dev = 2049;
	state->init_exe_ino = 18446744073709551615ULL;
	is_int(spec_state_serialize(state, true, &json, &len, &err), 0, "serialize initExeDev and initExeIno");
	ok(strstr(json, "\"initExeDev\":2049,\"initExeIno\":18446744073709551615") != NULL,
	   "initExeDev and initExeIno are written");
	struct spec_state *parsed = NULL;
	is_int(spec_state_parse(json, len, &parsed, &err), 0, "parse initExeDev and initExeIno");
	if (parsed != NULL) {
		ok(parsed->init_exe_dev == 2049, "initExeDev keeps its value");
		ok(parsed->init_exe_ino == 18446744073709551615ULL, "initExeIno keeps its value");
	}
	spec_state_free(parsed);
	free(json);
	spec_state_free(state);
}

static void test_public_form(void)
{
	struct spec_state *state = make_state();
	state->status = LIBCT_STATUS_STOPPED;
	state->pid = 0;
	char *json = NULL;
	struct libct_error err = { 0 };
	is_int(spec_state_serialize(state, false, &json, NULL, &err), 0, "serialize public form");
	ok(strstr(json, "ctrun") == NULL, "public form has no private fields");
	ok(strstr(json, "\"status\": \"stopped\"") != NULL, "public form has status");
	ok(strstr(json, "\"pid\": 0") != NULL, "public form has pid 0");
	ok(json[strlen(json) - 1] == '\n', "public form ends with a newline");

	struct spec_state *parsed = NULL;
	is_int(spec_state_parse(json, strlen(json), &parsed, &err), 0, "public form parses");
	if (parsed != NULL) {
		is_int(parsed->pid_start_time, 0, "no pidStartTime in public form");
		is_int(parsed->cgroup_paths.n_entries, 0, "no cgroupPaths in public form");
	}
	spec_state_free(parsed);
	free(json);
	spec_state_free(state);
}

static void test_statuses(void)
{
	is_str(spec_state_status_name(LIBCT_STATUS_CREATING), "creating", "creating");
	is_str(spec_state_status_name(LIBCT_STATUS_CREATED), "created", "created");
	is_str(spec_state_status_name(LIBCT_STATUS_RUNNING), "running", "running");
	is_str(spec_state_status_name(LIBCT_STATUS_STOPPED), "stopped", "stopped");
	is_str(spec_state_status_name(LIBCT_STATUS_PAUSED), "paused", "paused");
}

struct bad_state {
	const char *json;
	const char *message;
};

static const struct bad_state bad_states[] = {
	{ "{\"id\": \"c\", \"status\": \"running\", \"bundle\": \"/b\"}",
	  "missing required field \"ociVersion\"" },
	{ "{\"ociVersion\": \"1.3.0\", \"id\": \"c\", \"status\": \"sleeping\", \"bundle\": \"/b\"}",
	  "status: unknown container status \"sleeping\"" },
	{ "{\"ociVersion\": \"1.3.0\", \"id\": \"c\", \"status\": \"running\", \"bundle\": \"/b\", \"pid\": "
	  "-1}",
	  "pid: value -1 is out of range (0 to 2147483647)" },
	{ "{\"ociVersion\": \"1.3.0\", \"id\": \"c\", \"status\": \"running\"}",
	  "missing required field \"bundle\"" },
	{ "{\"ociVersion\": \"1.3.0\", \"id\": \"c\", \"status\": \"running\", \"bundle\": \"/b\","
	  " \"ctrun\": {\"pidStartTime\": \"7\"}}",
	  "ctrun.pidStartTime: expected an integer, got a string" },
	{ "{\"ociVersion\": \"1.3.0\",", "invalid JSON at line 1, column 24: premature EOF" },
};

static void test_bad_states(void)
{
	for (size_t i = 0; i < sizeof(bad_states) / sizeof(bad_states[0]); i++) {
		struct spec_state *state = NULL;
		struct libct_error err = { 0 };
		is_int(spec_state_parse(bad_states[i].json, strlen(bad_states[i].json), &state, &err),
		       -EINVAL, "bad state %zu is rejected", i);
		is_str(err.message, bad_states[i].message, "bad state %zu message", i);
		ok(state == NULL, "bad state %zu returns nothing", i);
	}
}

/* Checks the public form against schema/state-schema.json when python3 and
 * its jsonschema module are installed. */
static void test_schema(void)
{
	const char *examples = getenv("SPEC_EXAMPLES");
	char schema[4096];
	snprintf(schema, sizeof(schema), "%s/../schema/state-schema.json", examples != NULL ? examples : "");
	if (examples == NULL || access(schema, R_OK) != 0 ||
	    system("python3 -c 'import jsonschema' 2>/dev/null") != 0) {
		skip("python3-jsonschema or SPEC_EXAMPLES not available");
		return;
	}

	struct spec_state *state = make_state();
	char *json = NULL;
	is_int(spec_state_serialize(state, false, &json, NULL, NULL), 0, "serialize for schema check");
	char path[] = "/tmp/ctrun-test-state-XXXXXX";
	int fd = mkstemp(path);
	FILE *file = fdopen(fd, "w");
	fputs(json, file);
	fclose(file);

	char command[8192];
	snprintf(command, sizeof(command),
		 "python3 -W ignore -c 'import json, jsonschema, sys, pathlib\n"
		 "d = pathlib.Path(sys.argv[1])\n"
		 "schema = json.loads((d / \"state-schema.json\").read_text())\n"
		 "resolver = jsonschema.RefResolver(d.as_uri() + \"/\", schema)\n"
		 "jsonschema.validate(json.load(open(sys.argv[2])), schema, resolver=resolver)' "
		 "'%s/../schema' '%s'",
		 examples, path);
	is_int(system(command), 0, "public state validates against state-schema.json");
	unlink(path);
	free(json);
	spec_state_free(state);
}

/* The "created" timestamps: ct_format_utc() against fixed dates and against
 * gmtime_r() over four centuries, in steps of a week and an hour. */
static void test_format_utc(void)
{
	static const struct {
		time_t seconds;
		long nanoseconds;
		int digits;
		const char *expected;
	} cases[] = {
		{ 0, 0, 9, "1970-01-01T00:00:00.000000000Z" },
		{ 951782400, 5000, 6, "2000-02-29T00:00:00.000005Z" },
		{ 4107542399, 999999999, 9, "2100-02-28T23:59:59.999999999Z" },
		{ 4107542400, 0, 1, "2100-03-01T00:00:00.0Z" },
		{ -1, 0, 3, "1969-12-31T23:59:59.000Z" },
		{ 1796469351, 123456789, 6, "2026-12-05T11:15:51.123456Z" },
	};
	char buf[64];
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct timespec time = { .tv_sec = cases[i].seconds, .tv_nsec = cases[i].nanoseconds };
		ct_format_utc(&time, cases[i].digits, buf, sizeof(buf));
		is_str(buf, cases[i].expected, "format %lld", (long long)cases[i].seconds);
	}

	int mismatches = 0;
	for (time_t t = -6311433600; t < 6311433600 && mismatches < 5; t += 86400 * 7 + 3607) {
		struct tm tm;
		char expected[64];
		gmtime_r(&t, &tm);
		strftime(expected, sizeof(expected), "%Y-%m-%dT%H:%M:%S.000Z", &tm);
		ct_format_utc(&(struct timespec){ .tv_sec = t }, 3, buf, sizeof(buf));
		if (strcmp(buf, expected) != 0) {
			diag("%lld: got %s, expected %s", (long long)t, buf, expected);
			mismatches++;
		}
	}
	ok(mismatches == 0, "ct_format_utc() agrees with gmtime_r() from 1770 to 2170");
}

int main(void)
{
	test_format_utc();
	test_private_round_trip();
	test_poststart_hooks_field();
	test_init_exe_fields();
	test_public_form();
	test_statuses();
	test_bad_states();
	test_schema();
	return done_testing();
}
