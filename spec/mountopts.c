/* SPDX-License-Identifier: Apache-2.0 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>

#include "base.h"
#include "mountopts.h"

#define FLAGS(name, set, clear) {name, SPEC_MOUNT_OPT_FLAGS, set, clear, 0, 0}
#define ATTR(name, set, clr) {name, SPEC_MOUNT_OPT_FLAGS, 0, 0, set, clr}
#define KIND(name, kind, flags) {name, kind, flags, 0, 0, 0}
#define PROPAGATION(name, flags) KIND(name, SPEC_MOUNT_OPT_PROPAGATION, flags)

/*
 * The atime setting of mount_setattr(2) is a value, not a bit set, so the
 * kernel takes a new one only when attr_clr contains all of
 * MOUNT_ATTR__ATIME. "ratime", "rnorelatime" and "rnostrictatime" return to
 * the kernel's default, relatime (MOUNT_ATTR_RELATIME is 0).
 */
static const struct spec_mount_option mount_options[] = {
	FLAGS("async", 0, MS_SYNCHRONOUS),
	FLAGS("atime", 0, MS_NOATIME),
	KIND("bind", SPEC_MOUNT_OPT_BIND, MS_BIND),
	FLAGS("defaults", 0, 0),
	FLAGS("dev", 0, MS_NODEV),
	FLAGS("diratime", 0, MS_NODIRATIME),
	FLAGS("dirsync", MS_DIRSYNC, 0),
	FLAGS("exec", 0, MS_NOEXEC),
	KIND("idmap", SPEC_MOUNT_OPT_IDMAP, 0),
	FLAGS("iversion", MS_I_VERSION, 0),
	FLAGS("lazytime", MS_LAZYTIME, 0),
	FLAGS("loud", 0, MS_SILENT),
	FLAGS("mand", MS_MANDLOCK, 0),
	FLAGS("noatime", MS_NOATIME, 0),
	FLAGS("nodev", MS_NODEV, 0),
	FLAGS("nodiratime", MS_NODIRATIME, 0),
	FLAGS("noexec", MS_NOEXEC, 0),
	FLAGS("noiversion", 0, MS_I_VERSION),
	FLAGS("nolazytime", 0, MS_LAZYTIME),
	FLAGS("nomand", 0, MS_MANDLOCK),
	FLAGS("norelatime", 0, MS_RELATIME),
	FLAGS("nostrictatime", 0, MS_STRICTATIME),
	FLAGS("nosuid", MS_NOSUID, 0),
	FLAGS("nosymfollow", MS_NOSYMFOLLOW, 0),
	PROPAGATION("private", MS_PRIVATE),
	ATTR("ratime", MOUNT_ATTR_RELATIME, MOUNT_ATTR__ATIME),
	KIND("rbind", SPEC_MOUNT_OPT_RBIND, MS_BIND | MS_REC),
	ATTR("rdev", 0, MOUNT_ATTR_NODEV),
	ATTR("rdiratime", 0, MOUNT_ATTR_NODIRATIME),
	FLAGS("relatime", MS_RELATIME, 0),
	FLAGS("remount", MS_REMOUNT, 0),
	ATTR("rexec", 0, MOUNT_ATTR_NOEXEC),
	KIND("ridmap", SPEC_MOUNT_OPT_RIDMAP, 0),
	ATTR("rnoatime", MOUNT_ATTR_NOATIME, MOUNT_ATTR__ATIME),
	ATTR("rnodev", MOUNT_ATTR_NODEV, 0),
	ATTR("rnodiratime", MOUNT_ATTR_NODIRATIME, 0),
	ATTR("rnoexec", MOUNT_ATTR_NOEXEC, 0),
	ATTR("rnorelatime", MOUNT_ATTR_RELATIME, MOUNT_ATTR__ATIME),
	ATTR("rnostrictatime", MOUNT_ATTR_RELATIME, MOUNT_ATTR__ATIME),
	ATTR("rnosuid", MOUNT_ATTR_NOSUID, 0),
	ATTR("rnosymfollow", MOUNT_ATTR_NOSYMFOLLOW, 0),
	FLAGS("ro", MS_RDONLY, 0),
	PROPAGATION("rprivate", MS_PRIVATE | MS_REC),
	ATTR("rrelatime", MOUNT_ATTR_RELATIME, MOUNT_ATTR__ATIME),
	ATTR("rro", MOUNT_ATTR_RDONLY, 0),
	ATTR("rrw", 0, MOUNT_ATTR_RDONLY),
	PROPAGATION("rshared", MS_SHARED | MS_REC),
	PROPAGATION("rslave", MS_SLAVE | MS_REC),
	ATTR("rstrictatime", MOUNT_ATTR_STRICTATIME, MOUNT_ATTR__ATIME),
	ATTR("rsuid", 0, MOUNT_ATTR_NOSUID),
	ATTR("rsymfollow", 0, MOUNT_ATTR_NOSYMFOLLOW),
	PROPAGATION("runbindable", MS_UNBINDABLE | MS_REC),
	FLAGS("rw", 0, MS_RDONLY),
	PROPAGATION("shared", MS_SHARED),
	FLAGS("silent", MS_SILENT, 0),
	PROPAGATION("slave", MS_SLAVE),
	FLAGS("strictatime", MS_STRICTATIME, 0),
	FLAGS("suid", 0, MS_NOSUID),
	FLAGS("symfollow", 0, MS_NOSYMFOLLOW),
	FLAGS("sync", MS_SYNCHRONOUS, 0),
	KIND("tmpcopyup", SPEC_MOUNT_OPT_TMPCOPYUP, 0),
	PROPAGATION("unbindable", MS_UNBINDABLE),
};

const struct spec_mount_option *spec_mount_option_table(size_t *ret_count)
{
	*ret_count = sizeof(mount_options) / sizeof(mount_options[0]);
	return mount_options;
}

static int compare_option_name(const void *key, const void *entry)
{
	return strcmp(key, ((const struct spec_mount_option *)entry)->name);
}

const struct spec_mount_option *spec_mount_option_lookup(const char *name)
{
	return bsearch(name, mount_options, sizeof(mount_options) / sizeof(mount_options[0]),
		       sizeof(mount_options[0]), compare_option_name);
}

static void append_data(char **data, const char *option)
{
	if (*data == NULL) {
		*data = ct_strdup(option);
		return;
	}
	char *joined = ct_asprintf("%s,%s", *data, option);
	free(*data);
	*data = joined;
}

static void apply_kind(const struct spec_mount_option *option, struct spec_mount_options *options)
{
	switch (option->kind) {
	case SPEC_MOUNT_OPT_BIND:
		options->bind = true;
		break;
	case SPEC_MOUNT_OPT_RBIND:
		options->bind = true;
		options->recursive = true;
		break;
	case SPEC_MOUNT_OPT_TMPCOPYUP:
		options->tmpcopyup = true;
		break;
	case SPEC_MOUNT_OPT_IDMAP:
		options->idmap = true;
		break;
	case SPEC_MOUNT_OPT_RIDMAP:
		options->idmap = true;
		options->recursive_idmap = true;
		break;
	case SPEC_MOUNT_OPT_PROPAGATION:
	case SPEC_MOUNT_OPT_FLAGS:
	default:
		break;
	}
}

static void apply_flags(const struct spec_mount_option *option, struct spec_mount_options *options)
{
	options->flags = (options->flags & ~option->clear_flags) | option->set_flags;
	options->clear_flags = (options->clear_flags & ~option->set_flags) | option->clear_flags;

	/* An atime change replaces the whole atime value, so a later one
	 * forgets the earlier one instead of adding to it. */
	if (option->attr_clr & MOUNT_ATTR__ATIME)
		options->attr_set &= ~(uint64_t)MOUNT_ATTR__ATIME;
	options->attr_set = (options->attr_set & ~option->attr_clr) | option->attr_set;
	options->attr_clr = (options->attr_clr & ~option->attr_set) | option->attr_clr;
}

int spec_mount_options_parse(char *const *options, size_t n_options, struct spec_mount_options *ret_options,
			     struct libct_error *err)
{
	struct spec_mount_options parsed = {0};

	for (size_t i = 0; i < n_options; i++) {
		const char *name = options[i];
		if (name == NULL || name[0] == '\0' || strncmp(name, "x-", 2) == 0)
			continue;

		const struct spec_mount_option *option = spec_mount_option_lookup(name);
		if (option == NULL) {
			append_data(&parsed.data, name);
			continue;
		}

		if (option->kind == SPEC_MOUNT_OPT_PROPAGATION) {
			if (parsed.n_propagations == SPEC_MOUNT_MAX_PROPAGATIONS) {
				spec_mount_options_free(&parsed);
				return ct_error_set(err, EINVAL,
						    "options[%zu]: more than %d propagation options in one mount", i,
						    SPEC_MOUNT_MAX_PROPAGATIONS);
			}
			parsed.propagations[parsed.n_propagations++] = option->set_flags;
			continue;
		}

		apply_kind(option, &parsed);
		if (option->kind == SPEC_MOUNT_OPT_FLAGS || option->kind == SPEC_MOUNT_OPT_BIND ||
		    option->kind == SPEC_MOUNT_OPT_RBIND)
			apply_flags(option, &parsed);
	}

	*ret_options = parsed;
	return 0;
}

void spec_mount_options_free(struct spec_mount_options *options)
{
	free(options->data);
	options->data = NULL;
}

static const struct {
	unsigned long flag;
	const char *name;
} mount_flag_names[] = {
	{MS_RDONLY, "MS_RDONLY"},
	{MS_NOSUID, "MS_NOSUID"},
	{MS_NODEV, "MS_NODEV"},
	{MS_NOEXEC, "MS_NOEXEC"},
	{MS_SYNCHRONOUS, "MS_SYNCHRONOUS"},
	{MS_REMOUNT, "MS_REMOUNT"},
	{MS_MANDLOCK, "MS_MANDLOCK"},
	{MS_DIRSYNC, "MS_DIRSYNC"},
	{MS_NOSYMFOLLOW, "MS_NOSYMFOLLOW"},
	{MS_NOATIME, "MS_NOATIME"},
	{MS_NODIRATIME, "MS_NODIRATIME"},
	{MS_BIND, "MS_BIND"},
	{MS_MOVE, "MS_MOVE"},
	{MS_REC, "MS_REC"},
	{MS_SILENT, "MS_SILENT"},
	{MS_POSIXACL, "MS_POSIXACL"},
	{MS_UNBINDABLE, "MS_UNBINDABLE"},
	{MS_PRIVATE, "MS_PRIVATE"},
	{MS_SLAVE, "MS_SLAVE"},
	{MS_SHARED, "MS_SHARED"},
	{MS_RELATIME, "MS_RELATIME"},
	{MS_I_VERSION, "MS_I_VERSION"},
	{MS_STRICTATIME, "MS_STRICTATIME"},
	{MS_LAZYTIME, "MS_LAZYTIME"},
};

const char *spec_mount_flags_to_string(unsigned long flags, char *buf, size_t size)
{
	size_t used = 0;
	if (size == 0)
		return buf;
	buf[0] = '\0';

	for (size_t i = 0; i < sizeof(mount_flag_names) / sizeof(mount_flag_names[0]); i++) {
		if (!(flags & mount_flag_names[i].flag))
			continue;
		flags &= ~mount_flag_names[i].flag;
		int n = snprintf(buf + used, size - used, "%s%s", used > 0 ? "|" : "", mount_flag_names[i].name);
		if (n < 0 || (size_t)n >= size - used) {
			/* Whole names only: a cut-off name would mislead. */
			buf[used] = '\0';
			return buf;
		}
		used += (size_t)n;
	}
	if (flags != 0)
		snprintf(buf + used, size - used, "%s0x%lx", used > 0 ? "|" : "", flags);
	else if (used == 0)
		snprintf(buf, size, "0");
	return buf;
}
