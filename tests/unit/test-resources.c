/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Unit tests of spec_resources_parse(): the LinuxResources document that
 * `update` reads, and error messages that name the JSON path.
 */
#include <errno.h>
#include <string.h>

#include "config.h"
#include "tap.h"

static int parse(const char *json, struct spec_resources **ret, struct libct_error *err)
{
	libct_error_clear(err);
	*ret = NULL;
	return spec_resources_parse(json, strlen(json), ret, err);
}

static void test_fields(void)
{
	struct libct_error err;
	struct spec_resources *r = NULL;
	is_int(parse("{\"memory\":{\"limit\":67108864,\"swap\":-1},\"cpu\":{\"quota\":20000,\"period\":100000,"
		     "\"cpus\":\"0-1\"},\"pids\":{\"limit\":50}}",
		     &r, &err),
	       0, "a full document parses");
	if (r == NULL)
		return;
	ok(r->set, "resources are marked set");
	ok(r->memory.set && r->memory.limit.set && r->memory.limit.value == 67108864, "memory.limit");
	ok(r->memory.swap.set && r->memory.swap.value == -1, "memory.swap of -1");
	ok(!r->memory.reservation.set, "memory.reservation stays unset");
	ok(r->cpu.quota.set && r->cpu.quota.value == 20000, "cpu.quota");
	ok(r->cpu.period.set && r->cpu.period.value == 100000, "cpu.period");
	is_str(r->cpu.cpus, "0-1", "cpu.cpus");
	ok(r->pids_set && r->pids_limit.set && r->pids_limit.value == 50, "pids.limit");
	ok(!r->block_io.set, "blockIO stays unset");
	spec_resources_free(r);

	is_int(parse("{}", &r, &err), 0, "an empty document parses");
	ok(r != NULL && !r->memory.set && !r->cpu.set && !r->pids_set, "an empty document sets nothing");
	spec_resources_free(r);

	is_int(parse("{\"memory\":{\"limit\":1},\"future\":{\"x\":1}}", &r, &err), 0, "unknown keys are ignored");
	spec_resources_free(r);
	spec_resources_free(NULL);
}

static void expect_error(const char *json, int code, const char *text, const char *name)
{
	struct libct_error err;
	struct spec_resources *r = NULL;
	is_int(parse(json, &r, &err), -code, "%s fails", name);
	ok(r == NULL, "%s returns no resources", name);
	ok(strstr(err.message, text) != NULL, "%s: message has \"%s\" (got \"%s\")", name, text, err.message);
	is_int(err.code, code, "%s: error code", name);
}

static void test_errors(void)
{
	expect_error("{\"memory\":{\"limit\":\"lots\"}}", EINVAL, "memory.limit: expected an integer, got a string",
		     "a string limit");
	expect_error("{\"pids\":{\"limit\":1.5}}", EINVAL, "pids.limit", "a fractional pids limit");
	expect_error("{\"pids\":{}}", EINVAL, "pids: missing required field \"limit\"",
		     "pids without its required limit");
	expect_error("{\"cpu\":{\"shares\":-1}}", EINVAL, "cpu.shares", "negative shares");
	expect_error("{\"blockIO\":{\"weightDevice\":[{\"major\":8,\"minor\":\"x\"}]}}", EINVAL,
		     "blockIO.weightDevice[0].minor", "a nested array element");
	expect_error("{\"devices\":[{\"allow\":true,\"access\":\"rwm\"},{\"allow\":\"yes\"}]}", EINVAL,
		     "devices[1].allow", "the second device rule");
	expect_error("{\"memory\":{\"limit\":1,\"limit\":2}}", EINVAL, "limit", "a key given twice");
	expect_error("{\"memory\":[]}", EINVAL, "memory", "an array for an object");
	expect_error("[]", EINVAL, "expected a JSON object at the top level", "a top-level array");
	expect_error("{\"memory\":", EINVAL, "line 1", "truncated JSON");
	expect_error("", EINVAL, "", "an empty document");
}

int main(void)
{
	test_fields();
	test_errors();
	return done_testing();
}
