/* SPDX-License-Identifier: Apache-2.0 */
#include <stdio.h>
#include <stdlib.h>

#include "ctrun.h"
#include "internal.h"
#include "oci-features.h"
#include "tables.h"

/*
 * What libct implements. NOTE: this list is kept by hand and errs towards
 * false. libct rejects AppArmor, SELinux labels, Intel RDT and
 * linux.netDevices as not supported, and has no systemd driver. The rdma
 * controller is false because no test covers it: the test VM's kernel has
 * no rdma cgroup. Idmapped mounts work with and without a user namespace
 * (tests/integration/features.bats), which containerd relies on when it
 * sees idmap support. No annotation changes what libct does, so the list of
 * potentially unsafe ones is empty. Seccomp flags and architectures depend
 * on the kernel and on libseccomp, so they are listed as found at run time.
 */
static const struct spec_features_support libct_support = {
	.cgroup_v1 = true,
	.cgroup_v2 = true,
	.seccomp = true,
	.idmap_mounts = true,
	.net_devices = true,
};

/* The names of table that supported accepts, in table order. */
static char **supported_names(const struct spec_name_table *table, bool (*supported)(const char *name),
			      size_t *ret_count)
{
	char **names = calloc(table->n_entries + 1, sizeof(char *));
	size_t count = 0;
	for (size_t i = 0; names != NULL && i < table->n_entries; i++)
		if (supported(table->entries[i].name))
			names[count++] = (char *)table->entries[i].name;
	*ret_count = count;
	return names;
}

int cmd_features(const struct cli_globals *globals, int argc, char **argv)
{
	const struct cli_option options[] = {{NULL, 0, 0, NULL, NULL, NULL}};
	const struct cli_syntax syntax = {
		.command = "features",
		.operands = "",
		.summary = "Print the features of ctrun as the runtime-spec Features JSON.",
		.details = "The object lists the config.json values that ctrun recognizes (namespaces,\n"
			   "capabilities, mount options) and which optional features it implements.\n",
		.options = options,
		.min_operands = 0,
		.max_operands = 0,
	};
	struct libct_error err = {0};
	char *json = NULL;
	int first;

	enum cli_parse_result parsed = cli_parse(&syntax, argc, argv, &first);
	if (parsed != CLI_PARSE_OK)
		return cli_parse_exit_status(parsed);

	struct spec_features_support support = libct_support;
	char **flags = supported_names(&spec_seccomp_flags, ct_seccomp_flag_supported,
				       &support.n_seccomp_supported_flags);
	char **archs = supported_names(&spec_seccomp_architectures, ct_seccomp_arch_supported,
				       &support.n_seccomp_archs);
	if (flags == NULL || archs == NULL) {
		free(flags);
		free(archs);
		return cli_fail(-ENOMEM, NULL);
	}
	support.seccomp_supported_flags = flags;
	support.seccomp_archs = archs;
	int r = spec_features_json(&support, &json, NULL, &err);
	free(flags);
	free(archs);
	if (r < 0)
		return cli_fail(r, &err);
	fputs(json, stdout);
	free(json);
	return CLI_EXIT_OK;
}
