/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The mount option strings of config.json ("mounts[].options") that ctrun
 * recognises, and their translation into mount(2) flags, propagation changes
 * and mount_setattr(2) attributes.
 *
 * libct/mounts.c applies exactly what this table describes, and the
 * `features` command prints its names, so the two cannot disagree. Nothing
 * here performs a system call.
 */
#ifndef CTRUN_SPEC_MOUNTOPTS_H
#define CTRUN_SPEC_MOUNTOPTS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "libct.h"

/* Special meanings of an option, beyond its flags. */
enum spec_mount_option_kind {
	SPEC_MOUNT_OPT_FLAGS,        /* only the flag and attribute fields matter */
	SPEC_MOUNT_OPT_BIND,         /* "bind" */
	SPEC_MOUNT_OPT_RBIND,        /* "rbind" */
	SPEC_MOUNT_OPT_PROPAGATION,  /* "shared", "rslave", ...: a change after the mount */
	SPEC_MOUNT_OPT_TMPCOPYUP,    /* "tmpcopyup": copy the destination's files into the new tmpfs */
	SPEC_MOUNT_OPT_IDMAP,        /* "idmap" */
	SPEC_MOUNT_OPT_RIDMAP,       /* "ridmap" */
};

struct spec_mount_option {
	const char *name;
	enum spec_mount_option_kind kind;
	unsigned long set_flags;   /* MS_* flags the option sets, or the propagation flags */
	unsigned long clear_flags; /* MS_* flags the option clears ("rw" clears MS_RDONLY) */
	uint64_t attr_set;         /* MOUNT_ATTR_* set recursively with mount_setattr(AT_RECURSIVE) */
	uint64_t attr_clr;         /* MOUNT_ATTR_* cleared recursively */
};

/* The table, sorted by name. */
const struct spec_mount_option *spec_mount_option_table(size_t *ret_count);

/* Returns the table entry named name, or NULL for a filesystem-specific option. */
const struct spec_mount_option *spec_mount_option_lookup(const char *name);

/* At most this many propagation options are accepted in one mount. */
#define SPEC_MOUNT_MAX_PROPAGATIONS 8

/* One mount's options, combined. */
struct spec_mount_options {
	unsigned long flags;       /* MS_* flags for mount(2) */
	unsigned long clear_flags; /* MS_* flags that an option explicitly cleared */
	/* Propagation changes (MS_SHARED, MS_SLAVE, MS_PRIVATE or MS_UNBINDABLE,
	 * possibly with MS_REC), in the order written, because "slave" then
	 * "shared" gives a different result from "shared" alone. */
	unsigned long propagations[SPEC_MOUNT_MAX_PROPAGATIONS];
	size_t n_propagations;
	uint64_t attr_set; /* recursive attributes for mount_setattr(AT_RECURSIVE) */
	uint64_t attr_clr;
	bool bind;      /* "bind" or "rbind" */
	bool recursive; /* "rbind" */
	bool tmpcopyup;
	bool idmap;           /* "idmap" or "ridmap" */
	bool recursive_idmap; /* "ridmap" */
	char *data; /* unknown options joined with ",", for mount(2)'s data argument, or NULL */
};

/*
 * Combines options[0..n_options) into *ret_options, later options overriding
 * earlier ones for the same flag, as mount(8) does. Options that the table
 * does not know are collected in data; options starting with "x-" are
 * meant for userspace tools, so they are dropped as mount(8) drops them.
 * Returns -EINVAL for more than SPEC_MOUNT_MAX_PROPAGATIONS propagation
 * options. Free the result with spec_mount_options_free().
 */
int spec_mount_options_parse(char *const *options, size_t n_options, struct spec_mount_options *ret_options,
			     struct libct_error *err);
void spec_mount_options_free(struct spec_mount_options *options);

/*
 * Writes the names of the MS_* flags in flags to buf, separated by "|"
 * ("MS_BIND|MS_REC|MS_RDONLY"), for error messages. Unknown bits are
 * written in hex. Returns buf.
 */
const char *spec_mount_flags_to_string(unsigned long flags, char *buf, size_t size);

#endif
