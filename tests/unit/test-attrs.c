/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Unit tests of the CPU and node list parser of libct/attrs.c, and of the
 * AppArmor attribute text and the mount label option of libct/lsm.c.
 */
#include <stdlib.h>
#include <string.h>

#include "internal.h"
#include "tap.h"

static bool bit(const unsigned long *mask, size_t id)
{
	size_t word = 8 * sizeof(unsigned long);
	return (mask[id / word] >> (id % word)) & 1;
}

/* Parses list and prints its ids as "0,1,2" into buf; returns the parser's result. */
static int ids_of(const char *list, char *buf, size_t size, size_t *ret_bits)
{
	struct libct_error err = { 0 };
	unsigned long *mask = NULL;
	int r = ct_parse_id_list(list, &mask, ret_bits, &err);
	buf[0] = '\0';
	if (r < 0)
		return r;
	for (size_t id = 0; id < *ret_bits; id++) {
		if (!bit(mask, id))
			continue;
		size_t len = strlen(buf);
		snprintf(buf + len, size - len, "%s%zu", len > 0 ? "," : "", id);
	}
	free(mask);
	return r;
}

static void test_valid_lists(void)
{
	char buf[256];
	size_t bits;
	is_int(ids_of("0-3,7", buf, sizeof(buf), &bits), 0, "\"0-3,7\" parses");
	is_str(buf, "0,1,2,3,7", "\"0-3,7\" gives CPUs 0 to 3 and 7");
	is_int((int)bits, 8, "\"0-3,7\" needs 8 bits");
	is_int(ids_of("5", buf, sizeof(buf), &bits), 0, "one id parses");
	is_str(buf, "5", "one id");
	is_int(ids_of("", buf, sizeof(buf), &bits), 0, "the empty list parses");
	is_int((int)bits, 0, "the empty list has no bits");
	is_int(ids_of("2-2,0", buf, sizeof(buf), &bits), 0, "a range of one and a lower id parse");
	is_str(buf, "0,2", "ids come out sorted");
	is_int(ids_of("100,65535", buf, sizeof(buf), &bits), 0, "the largest id parses");
	is_int((int)bits, 65536, "the largest id needs 65536 bits");
}

static void test_invalid_lists(void)
{
	static const char *const bad[] = { "-1", "1-", "3-1", "1,,2", "1,", ",1", "a", "1 2", "0x1", "65536", "1-99999999999" };
	char buf[256];
	size_t bits;
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		is_int(ids_of(bad[i], buf, sizeof(buf), &bits), -EINVAL, "\"%s\" is rejected", bad[i]);

	struct libct_error err = { 0 };
	unsigned long *mask = NULL;
	ct_parse_id_list("3-1", &mask, &bits, &err);
	is_str(err.message, "invalid range in list \"3-1\"", "the message quotes the list");
}

static void test_apparmor_command(void)
{
	char *text = ct_lsm_apparmor_command("docker-default");
	is_str(text, "exec docker-default", "the exec attribute names the profile");
	free(text);
	text = ct_lsm_apparmor_command("profile with spaces");
	is_str(text, "exec profile with spaces", "a profile name is written as is");
	free(text);
}

/* Checks ct_lsm_mount_data(type, data, label) against expected, NULL for no change. */
static void check_mount_data(const char *type, const char *data, const char *expected, const char *label)
{
	char *text = ct_lsm_mount_data(type, data, label);
	if (expected == NULL)
		ok(text == NULL, "%s with \"%s\" keeps its data", type, data != NULL ? data : "(null)");
	else
		is_str(text, expected, "%s with \"%s\" gets the context", type,
		       data != NULL ? data : "(null)");
	free(text);
}

/* The option that ct_lsm_mount_data() adds for MOUNT_LABEL. */
#define MOUNT_LABEL "system_u:object_r:container_file_t:s0:c1,c2"
#define CONTEXT_OPTION "context=\"" MOUNT_LABEL "\""

static void test_mount_label(void)
{
	const char *label = MOUNT_LABEL;

	check_mount_data("tmpfs", NULL, CONTEXT_OPTION, label);
	check_mount_data("tmpfs", "", CONTEXT_OPTION, label);
	check_mount_data("tmpfs", "mode=755,size=65536k", "mode=755,size=65536k," CONTEXT_OPTION, label);
	check_mount_data("devpts", "newinstance,ptmxmode=0666,mode=0620,gid=5",
			 "newinstance,ptmxmode=0666,mode=0620,gid=5," CONTEXT_OPTION, label);
	check_mount_data("overlay", "lowerdir=/a,upperdir=/b,workdir=/c",
			 "lowerdir=/a,upperdir=/b,workdir=/c," CONTEXT_OPTION, label);

	static const char *const unlabelled[] = { "proc",   "sysfs",     "cgroup",
						  "cgroup2", "mqueue", "securityfs" };
	for (size_t i = 0; i < sizeof(unlabelled) / sizeof(unlabelled[0]); i++)
		check_mount_data(unlabelled[i], NULL, NULL, label);

	/* A context option of the config wins, at any position in the data. */
	check_mount_data("tmpfs", "context=\"u:r:t:s0\"", NULL, label);
	check_mount_data("tmpfs", "mode=755,fscontext=u:r:t:s0", NULL, label);
	check_mount_data("tmpfs", "defcontext=u:r:t:s0,mode=755", NULL, label);
	check_mount_data("tmpfs", "mode=755,rootcontext=u:r:t:s0", NULL, label);
	/* An option that only ends in "context=" is not one. */
	check_mount_data("tmpfs", "xcontext=1", "xcontext=1," CONTEXT_OPTION, label);

	ok(ct_lsm_mount_data("tmpfs", "mode=755", NULL) == NULL, "no label keeps the data");
	ok(ct_lsm_mount_data(NULL, "mode=755", label) == NULL, "a mount without a type keeps its data");
}

int main(void)
{
	test_valid_lists();
	test_invalid_lists();
	test_apparmor_command();
	test_mount_label();
	return done_testing();
}
