/* SPDX-License-Identifier: Apache-2.0 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "base.h"
#include "ctrun.h"
#include "defaults.h"

/* Writes json to a new dir/config.json; an existing file is never replaced. */
static int write_config(const char *dir, const char *json, size_t len)
{
	char *path = ct_asprintf("%s/config.json", dir);

	/* 0666 lets the umask decide, as for any file a user creates. */
	int fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0666);
	if (fd < 0 && errno == EEXIST) {
		cli_error("config.json already exists in \"%s\"", dir);
		free(path);
		return CLI_EXIT_FAILURE;
	}
	if (fd < 0) {
		cli_error("create \"%s\": %s", path, strerror(errno));
		free(path);
		return CLI_EXIT_FAILURE;
	}

	size_t done = 0;
	while (done < len) {
		ssize_t n = write(fd, json + done, len - done);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			cli_error("write \"%s\": %s", path, strerror(errno));
			close(fd);
			/* A partial config.json would only block the next attempt. */
			(void)unlink(path);
			free(path);
			return CLI_EXIT_FAILURE;
		}
		done += (size_t)n;
	}
	close(fd);
	free(path);
	return CLI_EXIT_OK;
}

int cmd_spec(const struct cli_globals *globals, int argc, char **argv)
{
	const char *bundle = ".";
	bool rootless = false;
	const struct cli_option options[] = {
		{"bundle", 'b', CLI_OPTION_STRING, &bundle, "DIR",
		 "directory to write config.json into (default: the current directory)"},
		{"rootless", 0, CLI_OPTION_FLAG, &rootless, NULL,
		 "write a config for an unprivileged user: a user namespace that maps root to the caller"},
		{NULL, 0, 0, NULL, NULL, NULL},
	};
	const struct cli_syntax syntax = {
		.command = "spec",
		.operands = "",
		.summary = "Write a default config.json into a bundle directory.",
		.details = "The config runs sh in the read-only directory \"rootfs\" of the bundle, with\n"
			   "new namespaces and a small capability set. An existing config.json is never\n"
			   "replaced.\n",
		.options = options,
		.min_operands = 0,
		.max_operands = 0,
	};
	struct libct_error err = {0};
	char *json = NULL;
	size_t len = 0;
	int first;

	enum cli_parse_result parsed = cli_parse(&syntax, argc, argv, &first);
	if (parsed != CLI_PARSE_OK)
		return cli_parse_exit_status(parsed);

	int r = spec_config_default_json(rootless, (uint32_t)getuid(), (uint32_t)getgid(), &json, &len, &err);
	if (r < 0)
		return cli_fail(r, &err);

	int status = write_config(bundle, json, len);
	free(json);
	return status;
}
