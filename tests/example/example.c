/* SPDX-License-Identifier: Apache-2.0 */
/*
 * example BUNDLE (or CTRUN_EXAMPLE_BUNDLE=BUNDLE example): creates, starts,
 * waits for and deletes one container with the public libct API only, and
 * prints the exit status of its process. Exits 77 (skipped) when not root or
 * when no bundle is given.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <unistd.h>

#include <libct.h>

static void print_log(void *userdata, enum libct_log_level level, const char *message)
{
	fprintf(stderr, "example: log %d: %s\n", (int)level, message);
}

static int fail(const char *what, const struct libct_error *err)
{
	fprintf(stderr, "example: %s: %s\n", what, err->message);
	return 1;
}

int main(int argc, char **argv)
{
	const char *bundle = argc > 1 ? argv[1] : getenv("CTRUN_EXAMPLE_BUNDLE");
	if (geteuid() != 0 || bundle == NULL || bundle[0] == '\0') {
		fprintf(stderr, "example: skipped: needs root and a bundle directory\n");
		return 77;
	}

	char state_root[] = "/tmp/ctrun-example-XXXXXX";
	if (mkdtemp(state_root) == NULL) {
		perror("example: create state root");
		return 1;
	}

	struct libct_error err = { 0 };
	struct libct_context_config config = {
		.state_root = state_root,
		.log = print_log,
		.log_level = LIBCT_LOG_WARNING,
	};
	struct libct_context *context = NULL;
	if (libct_context_new(&config, &context, &err) < 0)
		return fail("context", &err);

	const char *id = "example";
	struct libct_create_options options = { .bundle = bundle };
	int status = 0;
	int result = 1;
	if (libct_container_create(context, id, &options, NULL, &err) < 0)
		fail("create", &err);
	else if (libct_container_start(context, id, &err) < 0)
		fail("start", &err);
	else if (libct_container_wait(context, id, &status, &err) < 0)
		fail("wait", &err);
	else
		result = 0;

	/* Delete also after a failed start, so nothing is left behind. */
	struct libct_error delete_err = { 0 };
	if (libct_container_delete(context, id, true, &delete_err) < 0 && delete_err.code != ENOENT) {
		fail("delete", &delete_err);
		result = 1;
	}
	libct_context_free(context);
	rmdir(state_root);

	if (result == 0) {
		if (WIFEXITED(status))
			printf("exit status %d\n", WEXITSTATUS(status));
		else if (WIFSIGNALED(status))
			printf("killed by signal %d\n", WTERMSIG(status));
	}
	return result;
}
