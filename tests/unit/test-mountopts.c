/* SPDX-License-Identifier: Apache-2.0 */
/* Unit tests for the mount option table and spec_mount_options_parse(). */
#include <errno.h>
#include <sys/mount.h>

#include "mountopts.h"
#include "tap.h"

struct expected_option {
	const char *name;
	unsigned long flags;
	unsigned long clear_flags;
	unsigned long propagation;
	uint64_t attr_set;
	uint64_t attr_clr;
	bool bind;
	bool recursive;
	bool tmpcopyup;
	bool idmap;
	bool recursive_idmap;
};

#define ATIME_CLR MOUNT_ATTR__ATIME

/* Every option of the runtime-spec's Linux mount option table, plus rnodev. */
static const struct expected_option expected[] = {
	{"async", 0, MS_SYNCHRONOUS, 0, 0, 0, false, false, false, false, false},
	{"atime", 0, MS_NOATIME, 0, 0, 0, false, false, false, false, false},
	{"bind", MS_BIND, 0, 0, 0, 0, true, false, false, false, false},
	{"defaults", 0, 0, 0, 0, 0, false, false, false, false, false},
	{"dev", 0, MS_NODEV, 0, 0, 0, false, false, false, false, false},
	{"diratime", 0, MS_NODIRATIME, 0, 0, 0, false, false, false, false, false},
	{"dirsync", MS_DIRSYNC, 0, 0, 0, 0, false, false, false, false, false},
	{"exec", 0, MS_NOEXEC, 0, 0, 0, false, false, false, false, false},
	{"idmap", 0, 0, 0, 0, 0, false, false, false, true, false},
	{"iversion", MS_I_VERSION, 0, 0, 0, 0, false, false, false, false, false},
	{"lazytime", MS_LAZYTIME, 0, 0, 0, 0, false, false, false, false, false},
	{"loud", 0, MS_SILENT, 0, 0, 0, false, false, false, false, false},
	{"mand", MS_MANDLOCK, 0, 0, 0, 0, false, false, false, false, false},
	{"noatime", MS_NOATIME, 0, 0, 0, 0, false, false, false, false, false},
	{"nodev", MS_NODEV, 0, 0, 0, 0, false, false, false, false, false},
	{"nodiratime", MS_NODIRATIME, 0, 0, 0, 0, false, false, false, false, false},
	{"noexec", MS_NOEXEC, 0, 0, 0, 0, false, false, false, false, false},
	{"noiversion", 0, MS_I_VERSION, 0, 0, 0, false, false, false, false, false},
	{"nolazytime", 0, MS_LAZYTIME, 0, 0, 0, false, false, false, false, false},
	{"nomand", 0, MS_MANDLOCK, 0, 0, 0, false, false, false, false, false},
	{"norelatime", 0, MS_RELATIME, 0, 0, 0, false, false, false, false, false},
	{"nostrictatime", 0, MS_STRICTATIME, 0, 0, 0, false, false, false, false, false},
	{"nosuid", MS_NOSUID, 0, 0, 0, 0, false, false, false, false, false},
	{"nosymfollow", MS_NOSYMFOLLOW, 0, 0, 0, 0, false, false, false, false, false},
	{"private", 0, 0, MS_PRIVATE, 0, 0, false, false, false, false, false},
	{"ratime", 0, 0, 0, MOUNT_ATTR_RELATIME, ATIME_CLR, false, false, false, false, false},
	{"rbind", MS_BIND | MS_REC, 0, 0, 0, 0, true, true, false, false, false},
	{"rdev", 0, 0, 0, 0, MOUNT_ATTR_NODEV, false, false, false, false, false},
	{"rdiratime", 0, 0, 0, 0, MOUNT_ATTR_NODIRATIME, false, false, false, false, false},
	{"relatime", MS_RELATIME, 0, 0, 0, 0, false, false, false, false, false},
	{"remount", MS_REMOUNT, 0, 0, 0, 0, false, false, false, false, false},
	{"rexec", 0, 0, 0, 0, MOUNT_ATTR_NOEXEC, false, false, false, false, false},
	{"ridmap", 0, 0, 0, 0, 0, false, false, false, true, true},
	{"rnoatime", 0, 0, 0, MOUNT_ATTR_NOATIME, ATIME_CLR, false, false, false, false, false},
	{"rnodev", 0, 0, 0, MOUNT_ATTR_NODEV, 0, false, false, false, false, false},
	{"rnodiratime", 0, 0, 0, MOUNT_ATTR_NODIRATIME, 0, false, false, false, false, false},
	{"rnoexec", 0, 0, 0, MOUNT_ATTR_NOEXEC, 0, false, false, false, false, false},
	{"rnorelatime", 0, 0, 0, MOUNT_ATTR_RELATIME, ATIME_CLR, false, false, false, false, false},
	{"rnostrictatime", 0, 0, 0, MOUNT_ATTR_RELATIME, ATIME_CLR, false, false, false, false, false},
	{"rnosuid", 0, 0, 0, MOUNT_ATTR_NOSUID, 0, false, false, false, false, false},
	{"rnosymfollow", 0, 0, 0, MOUNT_ATTR_NOSYMFOLLOW, 0, false, false, false, false, false},
	{"ro", MS_RDONLY, 0, 0, 0, 0, false, false, false, false, false},
	{"rprivate", 0, 0, MS_PRIVATE | MS_REC, 0, 0, false, false, false, false, false},
	{"rrelatime", 0, 0, 0, MOUNT_ATTR_RELATIME, ATIME_CLR, false, false, false, false, false},
	{"rro", 0, 0, 0, MOUNT_ATTR_RDONLY, 0, false, false, false, false, false},
	{"rrw", 0, 0, 0, 0, MOUNT_ATTR_RDONLY, false, false, false, false, false},
	{"rshared", 0, 0, MS_SHARED | MS_REC, 0, 0, false, false, false, false, false},
	{"rslave", 0, 0, MS_SLAVE | MS_REC, 0, 0, false, false, false, false, false},
	{"rstrictatime", 0, 0, 0, MOUNT_ATTR_STRICTATIME, ATIME_CLR, false, false, false, false, false},
	{"rsuid", 0, 0, 0, 0, MOUNT_ATTR_NOSUID, false, false, false, false, false},
	{"rsymfollow", 0, 0, 0, 0, MOUNT_ATTR_NOSYMFOLLOW, false, false, false, false, false},
	{"runbindable", 0, 0, MS_UNBINDABLE | MS_REC, 0, 0, false, false, false, false, false},
	{"rw", 0, MS_RDONLY, 0, 0, 0, false, false, false, false, false},
	{"shared", 0, 0, MS_SHARED, 0, 0, false, false, false, false, false},
	{"silent", MS_SILENT, 0, 0, 0, 0, false, false, false, false, false},
	{"slave", 0, 0, MS_SLAVE, 0, 0, false, false, false, false, false},
	{"strictatime", MS_STRICTATIME, 0, 0, 0, 0, false, false, false, false, false},
	{"suid", 0, MS_NOSUID, 0, 0, 0, false, false, false, false, false},
	{"symfollow", 0, MS_NOSYMFOLLOW, 0, 0, 0, false, false, false, false, false},
	{"sync", MS_SYNCHRONOUS, 0, 0, 0, 0, false, false, false, false, false},
	{"tmpcopyup", 0, 0, 0, 0, 0, false, false, true, false, false},
	{"unbindable", 0, 0, MS_UNBINDABLE, 0, 0, false, false, false, false, false},
};

#define N_EXPECTED (sizeof(expected) / sizeof(expected[0]))

static void test_each_option(void)
{
	for (size_t i = 0; i < N_EXPECTED; i++) {
		const struct expected_option *e = &expected[i];
		char *options[] = {(char *)e->name};
		struct spec_mount_options parsed;
		struct libct_error err = {0};

		if (!is_int(spec_mount_options_parse(options, 1, &parsed, &err), 0, "%s: parses", e->name))
			continue;
		is_int(parsed.flags, e->flags, "%s: flags", e->name);
		is_int(parsed.clear_flags, e->clear_flags, "%s: clear flags", e->name);
		is_int(parsed.n_propagations, e->propagation ? 1 : 0, "%s: propagation count", e->name);
		if (e->propagation)
			is_int(parsed.propagations[0], e->propagation, "%s: propagation", e->name);
		is_int(parsed.attr_set, e->attr_set, "%s: attr_set", e->name);
		is_int(parsed.attr_clr, e->attr_clr, "%s: attr_clr", e->name);
		is_int(parsed.bind, e->bind, "%s: bind", e->name);
		is_int(parsed.recursive, e->recursive, "%s: recursive bind", e->name);
		is_int(parsed.tmpcopyup, e->tmpcopyup, "%s: tmpcopyup", e->name);
		is_int(parsed.idmap, e->idmap, "%s: idmap", e->name);
		is_int(parsed.recursive_idmap, e->recursive_idmap, "%s: ridmap", e->name);
		is_str(parsed.data, NULL, "%s: no data", e->name);
		spec_mount_options_free(&parsed);
	}
}

static void test_table_matches_expected(void)
{
	size_t count = 0;
	const struct spec_mount_option *table = spec_mount_option_table(&count);

	is_int(count, N_EXPECTED, "table size");
	for (size_t i = 1; i < count; i++)
		ok(strcmp(table[i - 1].name, table[i].name) < 0, "table sorted at \"%s\"", table[i].name);
	for (size_t i = 0; i < count && i < N_EXPECTED; i++)
		is_str(table[i].name, expected[i].name, "table entry %zu", i);
	for (size_t i = 0; i < count; i++)
		ok(spec_mount_option_lookup(table[i].name) == &table[i], "lookup \"%s\"", table[i].name);
	ok(spec_mount_option_lookup("mode=755") == NULL, "lookup of a filesystem option");
	ok(spec_mount_option_lookup("RO") == NULL, "lookup is case-sensitive");
}

static int parse(struct spec_mount_options *parsed, char **options, size_t n)
{
	return spec_mount_options_parse(options, n, parsed, NULL);
}

static void test_later_option_wins(void)
{
	struct spec_mount_options parsed;
	char *ro_rw[] = {"ro", "rw"};
	char *rw_ro[] = {"rw", "ro"};
	char *atimes[] = {"rnoatime", "rstrictatime"};
	char *rro_rrw[] = {"rro", "rrw"};

	parse(&parsed, ro_rw, 2);
	is_int(parsed.flags & MS_RDONLY, 0, "ro,rw: not read-only");
	is_int(parsed.clear_flags, MS_RDONLY, "ro,rw: clears MS_RDONLY");

	parse(&parsed, rw_ro, 2);
	is_int(parsed.flags, MS_RDONLY, "rw,ro: read-only");
	is_int(parsed.clear_flags, 0, "rw,ro: clears nothing");

	parse(&parsed, atimes, 2);
	is_int(parsed.attr_set, MOUNT_ATTR_STRICTATIME, "rnoatime,rstrictatime: strictatime");
	is_int(parsed.attr_clr, MOUNT_ATTR__ATIME, "rnoatime,rstrictatime: atime cleared");

	parse(&parsed, rro_rrw, 2);
	is_int(parsed.attr_set, 0, "rro,rrw: nothing set");
	is_int(parsed.attr_clr, MOUNT_ATTR_RDONLY, "rro,rrw: read-only cleared");
}

static void test_data_and_userspace_options(void)
{
	struct spec_mount_options parsed;
	char *options[] = {"nosuid", "mode=755", "x-systemd.automount", "", "size=65536k", "strictatime"};

	is_int(parse(&parsed, options, 6), 0, "tmpfs options parse");
	is_str(parsed.data, "mode=755,size=65536k", "unknown options go to data in order");
	is_int(parsed.flags, MS_NOSUID | MS_STRICTATIME, "known options become flags");
	spec_mount_options_free(&parsed);
	is_str(parsed.data, NULL, "free clears data");

	is_int(parse(&parsed, NULL, 0), 0, "no options parse");
	is_int(parsed.flags, 0, "no options: no flags");
	is_str(parsed.data, NULL, "no options: no data");
}

static void test_propagation_order(void)
{
	struct spec_mount_options parsed;
	char *options[] = {"rbind", "slave", "rshared"};

	is_int(parse(&parsed, options, 3), 0, "bind with two propagations parses");
	is_int(parsed.n_propagations, 2, "both propagations kept");
	is_int(parsed.propagations[0], MS_SLAVE, "first propagation");
	is_int(parsed.propagations[1], MS_SHARED | MS_REC, "second propagation");
	is_int(parsed.flags, MS_BIND | MS_REC, "propagation does not enter flags");

	char *too_many[SPEC_MOUNT_MAX_PROPAGATIONS + 1];
	for (size_t i = 0; i < SPEC_MOUNT_MAX_PROPAGATIONS + 1; i++)
		too_many[i] = "private";
	struct libct_error err = {0};
	is_int(spec_mount_options_parse(too_many, SPEC_MOUNT_MAX_PROPAGATIONS + 1, &parsed, &err), -EINVAL,
	       "too many propagations rejected");
	is_str(err.message, "options[8]: more than 8 propagation options in one mount", "too many: message");
}

static void test_flags_to_string(void)
{
	char buf[256];

	is_str(spec_mount_flags_to_string(MS_BIND | MS_REC | MS_RDONLY, buf, sizeof(buf)), "MS_RDONLY|MS_BIND|MS_REC",
	       "flag names");
	is_str(spec_mount_flags_to_string(0, buf, sizeof(buf)), "0", "no flags");
	is_str(spec_mount_flags_to_string(MS_NOSUID | (1UL << 40), buf, sizeof(buf)), "MS_NOSUID|0x10000000000",
	       "unknown bits in hex");
	is_str(spec_mount_flags_to_string(MS_RDONLY | MS_NOSUID, buf, 12), "MS_RDONLY", "truncated output");
}

int main(void)
{
	test_each_option();
	test_table_matches_expected();
	test_later_option_wins();
	test_data_and_userspace_options();
	test_propagation_order();
	test_flags_to_string();
	return done_testing();
}
