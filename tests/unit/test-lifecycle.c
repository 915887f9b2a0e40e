/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Unit tests of the lifecycle pieces that need no root: the sync protocol,
 * the start socket, the state directory and state.json, liveness, list and
 * the id check. Everything lives in a temporary directory.
 */
#include <dirent.h>
#include <fcntl.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "internal.h"
#include "sync.h"
#include "tap.h"

struct log_capture {
	int count;
	enum libct_log_level level;
	char message[256];
};

static void capture_log(void *userdata, enum libct_log_level level, const char *message)
{
	struct log_capture *capture = userdata;
	capture->count++;
	capture->level = level;
	snprintf(capture->message, sizeof(capture->message), "%s", message);
}

static void test_sync_ready_and_log(void)
{
	struct log_capture capture = { 0 };
	struct libct_context context = {
		.log = capture_log, .log_userdata = &capture, .log_level = LIBCT_LOG_DEBUG
	};
	int fds[2];
	is_int(ct_sync_pair(fds, NULL), 0, "sync pair created");

	is_int(ct_sync_send_log(fds[1], LIBCT_LOG_WARNING, "careful"), 0, "log line sent");
	is_int(ct_sync_report_ready(fds[1], NULL), 0, "ready sent");
	struct libct_error err = { 0 };
	is_int(ct_sync_wait_ready(fds[0], &context, NULL, NULL, &err), 0, "wait_ready returns 0 on READY");
	is_int(capture.count, 1, "one log line forwarded");
	is_int((int)capture.level, (int)LIBCT_LOG_WARNING, "log level kept");
	is_str(capture.message, "careful", "log message kept");
	close(fds[0]);
	close(fds[1]);
}

static void test_sync_error_keeps_errno(void)
{
	int fds[2];
	ct_sync_pair(fds, NULL);
	struct libct_error sent = { 0 };
	ct_error_sys(&sent, EACCES, "mount \"proc\" on \"/proc\"");
	is_int(ct_sync_report_error(fds[1], &sent), 0, "error sent");

	struct libct_error err = { 0 };
	is_int(ct_sync_wait_ready(fds[0], NULL, NULL, NULL, &err), -EACCES, "wait_ready returns the init's errno");
	is_str(err.message, "mount \"proc\" on \"/proc\": Permission denied", "message kept");
	close(fds[0]);
	close(fds[1]);
}

static void test_sync_end_of_stream(void)
{
	int fds[2];
	ct_sync_pair(fds, NULL);
	close(fds[1]);
	struct libct_error err = { 0 };
	is_int(ct_sync_wait_ready(fds[0], NULL, NULL, NULL, &err), -EPIPE, "wait_ready fails when the init is gone");
	ok(strstr(err.message, "exited before reporting ready") != NULL, "message says the init exited: %s",
	   err.message);
	is_int(ct_sync_wait_release(fds[0], &err), -EPIPE, "wait_release fails when the runtime is gone");
	close(fds[0]);
}

/* Runs the init's side of the start handshake in a child; exec_errno 0
 * means "exec succeeded", which closes the connection. */
static pid_t serve_start(int listen_fd, int exec_errno)
{
	pid_t pid = fork();
	if (pid != 0)
		return pid;
	int conn = ct_sync_wait_start(listen_fd, NULL);
	if (conn < 0)
		_exit(1);
	if (exec_errno != 0) {
		struct libct_error err = { 0 };
		ct_error_sys(&err, exec_errno, "execute \"/bin/x\"");
		ct_sync_report_error(conn, &err);
	}
	_exit(0);
}

static void test_start_socket(const char *dir)
{
	int dir_fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	int listen_fd = ct_sync_listen(dir_fd, NULL);
	ok(listen_fd >= 0, "start socket bound and listening");

	pid_t pid = serve_start(listen_fd, 0);
	is_int(ct_sync_request_start(dir_fd, NULL, NULL), 0, "start succeeds when the init closes the connection");
	waitpid(pid, NULL, 0);

	pid = serve_start(listen_fd, ENOEXEC);
	struct libct_error err = { 0 };
	is_int(ct_sync_request_start(dir_fd, NULL, &err), -ENOEXEC, "start returns the exec errno");
	ok(strstr(err.message, "execute \"/bin/x\"") != NULL, "start returns the exec message: %s", err.message);
	waitpid(pid, NULL, 0);

	close(listen_fd);
	unlinkat(dir_fd, CT_START_SOCKET, 0);
	is_int(ct_sync_request_start(dir_fd, NULL, &err), -ENOENT, "start without a listening init fails");
	close(dir_fd);
}

static void test_state_dir(struct libct_context *context)
{
	int dir_fd = -1;
	struct libct_error err = { 0 };
	is_int(ct_state_dir_create(context, "one", &dir_fd, &err), 0, "state dir created");

	int again_fd = -1;
	is_int(ct_state_dir_create(context, "one", &again_fd, &err), -EEXIST, "second create fails");
	is_str(err.message, "container \"one\" already exists", "exists message");

	struct stat st;
	fstat(dir_fd, &st);
	is_int((int)(st.st_mode & 07777), 0700, "state dir mode");

	struct ct_state state = {
		.id = (char *)"one",
		.status = LIBCT_STATUS_CREATED,
		.pid = getpid(),
		.bundle = (char *)"/b",
		.rootfs = (char *)"/b/rootfs",
		.created = (char *)"2026-12-04T00:00:00Z",
		.owner = (char *)"",
	};
	ct_pid_start_time(getpid(), &state.pid_start_time);
	is_int(ct_state_save(dir_fd, &state, &err), 0, "state saved");

	struct ct_state *loaded = NULL;
	is_int(ct_state_load(dir_fd, "one", &loaded, &err), 0, "state loaded");
	if (loaded != NULL) {
		is_int(loaded->pid, getpid(), "pid round trip");
		ok(loaded->pid_start_time == state.pid_start_time, "start time round trip");
		is_str(loaded->bundle, "/b", "bundle round trip");
		is_int((int)ct_state_status(loaded), (int)LIBCT_STATUS_CREATED, "live pid keeps the recorded status");
		loaded->pid_start_time++;
		is_int((int)ct_state_status(loaded), (int)LIBCT_STATUS_STOPPED, "another start time means stopped");
	}
	ct_state_free(loaded);

	/* A dir without state.json is ignored by list. */
	int other_fd = -1;
	ct_state_dir_create(context, "half", &other_fd, NULL);
	close(other_fd);
	char **ids = NULL;
	size_t count = 0;
	is_int(libct_container_list(context, &ids, &count, &err), 1, "list counts containers with state.json");
	if (count == 1)
		is_str(ids[0], "one", "listed id");
	libct_id_list_free(ids, count);

	is_int(ct_state_dir_remove(context, "one", dir_fd, &err), 0, "state dir removed");
	close(dir_fd);
	is_int(ct_state_dir_open(context, "one", &dir_fd, &err), -ENOENT, "removed dir does not exist");
	is_str(err.message, "container \"one\" does not exist", "does not exist message");

	is_int(libct_container_delete(context, "half", false, &err), 0, "delete removes a dir without state.json");
	is_int(ct_state_dir_open(context, "half", &dir_fd, NULL), -ENOENT, "half-made container gone");
}

static void test_dead_pid(void)
{
	pid_t pid = fork();
	if (pid == 0)
		_exit(0);
	waitpid(pid, NULL, 0);
	unsigned long long start_time;
	is_int(ct_pid_start_time(pid, &start_time), -ESRCH, "reaped pid has no start time");
	struct ct_state state = { .pid = pid, .status = LIBCT_STATUS_RUNNING };
	is_int((int)ct_state_status(&state), (int)LIBCT_STATUS_STOPPED, "dead init means stopped");
}

static int count_temp_files(int dir_fd)
{
	int count = 0;
	DIR *dir = fdopendir(openat(dir_fd, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC));
	if (dir == NULL)
		return -1;
	struct dirent *entry;
	while ((entry = readdir(dir)) != NULL)
		if (strstr(entry->d_name, ".tmp") != NULL)
			count++;
	closedir(dir);
	return count;
}

static void test_state_write_replaces(struct libct_context *context)
{
	int dir_fd = -1;
	struct libct_error err = { 0 };
	is_int(ct_state_dir_create(context, "replace", &dir_fd, &err), 0, "state dir created");
	is_int(ct_state_write_file(dir_fd, "config.json", "{\"a\":1}", 7, &err), 0, "first write");
	is_int(ct_state_write_file(dir_fd, "config.json", "{}", 2, &err), 0, "second write");

	char data[16] = { 0 };
	int fd = openat(dir_fd, "config.json", O_RDONLY | O_CLOEXEC);
	ok(fd >= 0 && read(fd, data, sizeof(data) - 1) == 2, "second write replaced the file");
	is_str(data, "{}", "replaced content");
	if (fd >= 0)
		close(fd);
	is_int(count_temp_files(dir_fd), 0, "no temporary file left behind");

	/* A writer killed between its temporary file and the rename leaves
	 * the file behind; delete must still remove the directory. */
	close(openat(dir_fd, ".state.json.tmp1234abcd", O_WRONLY | O_CREAT | O_CLOEXEC, 0600));
	is_int(ct_state_dir_remove(context, "replace", dir_fd, &err), 0, "stale temporary file removed");
	close(dir_fd);
	is_int(ct_state_dir_open(context, "replace", &dir_fd, NULL), -ENOENT, "directory gone");
}

/* A created container whose init has executed another program was started
 * by a start that died before it recorded "running". */
static void test_created_but_executed(void)
{
	int pipe_fds[2];
	if (pipe2(pipe_fds, O_CLOEXEC) < 0)
		return;
	pid_t pid = fork();
	if (pid == 0) {
		char byte;
		close(pipe_fds[1]);
		(void)read(pipe_fds[0], &byte, 1); /* the parent reads the status before the exec */
		execl("/bin/sleep", "sleep", "100", (char *)NULL);
		_exit(127);
	}
	close(pipe_fds[0]);
	struct ct_state state = { .pid = pid, .status = LIBCT_STATUS_CREATED };
	ct_pid_start_time(pid, &state.pid_start_time);
	is_int((int)ct_state_status(&state), (int)LIBCT_STATUS_CREATED, "init before exec is created");

	close(pipe_fds[1]); /* end of file releases the child */
	char path[64];
	char exe[256] = "";
	snprintf(path, sizeof(path), "/proc/%d/exe", pid);
	for (int i = 0; i < 500 && strstr(exe, "sleep") == NULL; i++) {
		ssize_t n = readlink(path, exe, sizeof(exe) - 1);
		exe[n > 0 ? n : 0] = '\0';
		usleep(10000);
	}
	is_int((int)ct_state_status(&state), (int)LIBCT_STATUS_RUNNING, "init after exec is running");
	kill(pid, SIGKILL);
	waitpid(pid, NULL, 0);
	is_int((int)ct_state_status(&state), (int)LIBCT_STATUS_STOPPED, "dead init is stopped");
}

static void test_invalid_ids(struct libct_context *context)
{
	const char *bad[] = { "", ".", "..", "a/b", "a b", "a\nb", "ü" };
	struct libct_create_options options = { .bundle = "/nonexistent" };
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		struct libct_error err = { 0 };
		is_int(libct_container_create(context, bad[i], &options, NULL, &err), -EINVAL, "bad id %zu rejected",
		       i);
	}
	char long_id[1100];
	memset(long_id, 'a', sizeof(long_id) - 1);
	long_id[sizeof(long_id) - 1] = '\0';
	is_int(libct_container_create(context, long_id, &options, NULL, NULL), -EINVAL, "id over 1024 bytes rejected");
}

static void test_names(void)
{
	is_str(libct_status_name(LIBCT_STATUS_CREATING), "creating", "creating name");
	is_str(libct_status_name(LIBCT_STATUS_STOPPED), "stopped", "stopped name");
	ok(libct_version()[0] != '\0', "version is set");
}

int main(void)
{
	char dir[] = "/tmp/ctrun-test-lifecycle-XXXXXX";
	if (mkdtemp(dir) == NULL)
		return 1;
	struct libct_context_config config = { .state_root = dir };
	struct libct_context *context = NULL;
	libct_context_new(&config, &context, NULL);

	test_sync_ready_and_log();
	test_sync_error_keeps_errno();
	test_sync_end_of_stream();
	test_start_socket(dir);
	test_state_dir(context);
	test_dead_pid();
	test_state_write_replaces(context);
	test_created_but_executed();
	test_invalid_ids(context);
	test_names();

	libct_context_free(context);
	rmdir(dir);
	return done_testing();
}
