/* SPDX-License-Identifier: Apache-2.0 */
#include <stdio.h>
#include <stdlib.h>

#include "ctrun.h"
#include "oci-features.h"

/*
 * What libct implements. NOTE: this list is kept by hand and errs towards
 * false. libct rejects seccomp, AppArmor, SELinux labels, Intel RDT and
 * linux.netDevices as not supported, and has no systemd driver. Idmapped
 * mounts and the rdma controller are false because no test covers them yet,
 * and containerd turns on user namespaces when it sees idmap support.
 */
static const struct spec_features_support libct_support = {
	.cgroup_v1 = true,
	.cgroup_v2 = true,
};

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

	int r = spec_features_json(&libct_support, &json, NULL, &err);
	if (r < 0)
		return cli_fail(r, &err);
	fputs(json, stdout);
	free(json);
	return CLI_EXIT_OK;
}
