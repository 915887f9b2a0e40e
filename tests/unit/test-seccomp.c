/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Unit tests of linux.seccomp: the filter that libct builds, read back as
 * libseccomp's pseudo filter code, the errors and warnings of the
 * translation, the listener fd on the sync socket and the container process
 * state sent to an agent. Nothing is loaded into this process.
 */
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include "internal.h"
#include "sync.h"
#include "tap.h"

struct log_capture {
	int count;
	char message[512];
};

static void capture_log(void *userdata, enum libct_log_level level, const char *message)
{
	struct log_capture *capture = userdata;
	(void)level;
	capture->count++;
	snprintf(capture->message, sizeof(capture->message), "%s", message);
}

static struct spec_config *parse_seccomp(const char *seccomp_json)
{
	char *json = ct_asprintf("{\"ociVersion\": \"1.3.0\", \"root\": {\"path\": \"r\"},"
				 " \"linux\": {\"seccomp\": %s}}",
				 seccomp_json);
	struct spec_config *config = NULL;
	struct libct_error err = { 0 };
	if (spec_config_parse(json, strlen(json), &config, &err) < 0)
		diag("parse: %s", err.message);
	free(json);
	return config;
}

/* Builds the filter and returns its pseudo filter code, or NULL with err set. */
static char *build_pfc(const char *seccomp_json, struct log_capture *capture, struct libct_error *err)
{
	struct libct_context context = {
		.log = capture_log, .log_userdata = capture, .log_level = LIBCT_LOG_DEBUG
	};
	struct spec_config *config = parse_seccomp(seccomp_json);
	if (config == NULL)
		return NULL;
	int fd = memfd_create("pfc", MFD_CLOEXEC);
	char *text = NULL;
	if (ct_seccomp_export_pfc(&context, &config->linux_config.seccomp, fd, err) == 0) {
		struct stat st;
		fstat(fd, &st);
		text = ct_calloc(1, (size_t)st.st_size + 1);
		if (pread(fd, text, (size_t)st.st_size, 0) != st.st_size)
			diag("short read of the pseudo filter code");
	}
	close(fd);
	spec_config_free(config);
	return text;
}

static void has_line(const char *pfc, const char *line, const char *check)
{
	if (!ok(pfc != NULL && strstr(pfc, line) != NULL, "%s", check))
		diag("no \"%s\" in:\n%s", line, pfc != NULL ? pfc : "(null)");
}

static void test_actions(void)
{
	struct log_capture capture = { 0 };
	struct libct_error err = { 0 };
	char *pfc = build_pfc("{\"defaultAction\": \"SCMP_ACT_ERRNO\", \"defaultErrnoRet\": 5,"
			      " \"syscalls\": ["
			      "{\"names\": [\"mkdir\"], \"action\": \"SCMP_ACT_KILL_PROCESS\"},"
			      "{\"names\": [\"rmdir\"], \"action\": \"SCMP_ACT_KILL\"},"
			      "{\"names\": [\"chdir\"], \"action\": \"SCMP_ACT_TRAP\"},"
			      "{\"names\": [\"chmod\"], \"action\": \"SCMP_ACT_LOG\"},"
			      "{\"names\": [\"mount\"], \"action\": \"SCMP_ACT_TRACE\", \"errnoRet\": 7},"
			      "{\"names\": [\"umount2\"], \"action\": \"SCMP_ACT_ERRNO\"},"
			      "{\"names\": [\"rename\"], \"action\": \"SCMP_ACT_ERRNO\", \"errnoRet\": 18},"
			      "{\"names\": [\"unlink\"], \"action\": \"SCMP_ACT_KILL_THREAD\"},"
			      "{\"names\": [\"read\", \"write\"], \"action\": \"SCMP_ACT_ALLOW\"}]}",
			      &capture, &err);
	if (pfc == NULL)
		diag("%s", err.message);
	has_line(pfc, "  # default action\n  action ERRNO(5);", "default action with defaultErrnoRet");
	has_line(pfc, "if ($syscall == 83)\n    action KILL_PROCESS;", "kill process");
	has_line(pfc, "if ($syscall == 84)\n    action KILL;", "kill");
	has_line(pfc, "if ($syscall == 87)\n    action KILL;", "kill thread is kill");
	has_line(pfc, "if ($syscall == 80)\n    action TRAP;", "trap");
	has_line(pfc, "if ($syscall == 90)\n    action LOG;", "log");
	has_line(pfc, "if ($syscall == 165)\n    action TRACE(7);", "trace with errnoRet");
	has_line(pfc, "if ($syscall == 166)\n    action ERRNO(1);", "errno defaults to EPERM");
	has_line(pfc, "if ($syscall == 82)\n    action ERRNO(18);", "errno with errnoRet");
	has_line(pfc, "if ($syscall == 0)\n    action ALLOW;", "allow, first name");
	has_line(pfc, "if ($syscall == 1)\n    action ALLOW;", "allow, second name");
	is_int(capture.count, 0, "no warning");
	free(pfc);

	pfc = build_pfc("{\"defaultAction\": \"SCMP_ACT_ALLOW\", \"listenerPath\": \"/a.sock\","
			" \"syscalls\": ["
			"{\"names\": [\"chown\"], \"action\": \"SCMP_ACT_NOTIFY\"}]}",
			&capture, &err);
	has_line(pfc, "if ($syscall == 92)\n    action 0x7fc00000;", "notify");
	free(pfc);
}

static void test_arguments(void)
{
	struct log_capture capture = { 0 };
	struct libct_error err = { 0 };
	char *pfc = build_pfc("{\"defaultAction\": \"SCMP_ACT_ALLOW\", \"syscalls\": ["
			      "{\"names\": [\"personality\"], \"action\": \"SCMP_ACT_ERRNO\", \"args\": ["
			      "{\"index\": 0, \"value\": 255, \"valueTwo\": 8,"
			      " \"op\": \"SCMP_CMP_MASKED_EQ\"}]},"
			      "{\"names\": [\"dup\"], \"action\": \"SCMP_ACT_ERRNO\", \"args\": ["
			      "{\"index\": 0, \"value\": 3, \"op\": \"SCMP_CMP_LT\"}]},"
			      "{\"names\": [\"dup2\"], \"action\": \"SCMP_ACT_ERRNO\", \"args\": ["
			      "{\"index\": 0, \"value\": 3, \"op\": \"SCMP_CMP_LE\"},"
			      "{\"index\": 1, \"value\": 9, \"op\": \"SCMP_CMP_GE\"}]},"
			      "{\"names\": [\"umask\"], \"action\": \"SCMP_ACT_ERRNO\", \"args\": ["
			      "{\"index\": 0, \"value\": 18, \"op\": \"SCMP_CMP_NE\"}]},"
			      "{\"names\": [\"close\"], \"action\": \"SCMP_ACT_ERRNO\", \"args\": ["
			      "{\"index\": 0, \"value\": 100, \"op\": \"SCMP_CMP_GT\"}]},"
			      "{\"names\": [\"kill\"], \"action\": \"SCMP_ACT_ERRNO\", \"errnoRet\": 13,"
			      " \"args\": ["
			      "{\"index\": 1, \"value\": 9, \"op\": \"SCMP_CMP_EQ\"},"
			      "{\"index\": 1, \"value\": 19, \"op\": \"SCMP_CMP_EQ\"}]}]}",
			      &capture, &err);
	if (pfc == NULL)
		diag("%s", err.message);
	has_line(pfc, "if ($a0.lo32 & 0x000000ff == 8)", "masked equal: value is the mask");
	has_line(pfc, "if ($a0.lo32 >= 3)\n        else\n          action ERRNO(1);", "less than");
	has_line(pfc, "if ($a0.lo32 > 3)", "less or equal");
	has_line(pfc, "if ($a1.lo32 >= 9)", "greater or equal on a second argument");
	has_line(pfc, "if ($a0.lo32 == 18)\n      else\n        action ERRNO(1);", "not equal");
	has_line(pfc, "if ($a0.lo32 > 100)\n          action ERRNO(1);", "greater than");
	/* Two comparisons of one argument become two rules, so either one matches. */
	has_line(pfc, "if ($a1.lo32 == 9)\n        action ERRNO(13);", "first comparison of arg 1");
	has_line(pfc, "if ($a1.lo32 == 19)\n        action ERRNO(13);", "second comparison of arg 1");
	free(pfc);
}

static void test_architectures_and_skips(void)
{
	struct log_capture capture = { 0 };
	struct libct_error err = { 0 };
	char *pfc = build_pfc("{\"defaultAction\": \"SCMP_ACT_ALLOW\","
			      " \"architectures\": [\"SCMP_ARCH_X86_64\", \"SCMP_ARCH_X86\","
			      " \"SCMP_ARCH_AARCH64\"], \"syscalls\": ["
			      "{\"names\": [\"no_such_call\", \"mkdir\"], \"action\": \"SCMP_ACT_ERRNO\"},"
			      "{\"names\": [\"rmdir\"], \"action\": \"SCMP_ACT_ALLOW\"}]}",
			      &capture, &err);
	if (pfc == NULL)
		diag("%s", err.message);
	has_line(pfc, "# filter for arch x86_64 ", "native arch");
	has_line(pfc, "# filter for arch x86 ", "x86");
	has_line(pfc, "# filter for arch aarch64 ", "aarch64");
	has_line(pfc, "# filter for syscall \"mkdir\" (39)", "x86 number of mkdir");
	is_int(capture.count, 1, "one warning");
	is_str(capture.message, "linux.seccomp.syscalls[0]: unknown syscall \"no_such_call\" skipped",
	       "warning names the syscall");
	ok(pfc != NULL && strstr(pfc, "\"rmdir\"") == NULL, "a rule with the default action is left out");
	free(pfc);
}

static void expect_error(const char *seccomp_json, int code, const char *message, const char *case_name)
{
	struct log_capture capture = { 0 };
	struct libct_error err = { 0 };
	char *pfc = build_pfc(seccomp_json, &capture, &err);
	ok(pfc == NULL, "%s fails", case_name);
	is_int(err.code, code, "%s errno", case_name);
	is_str(err.message, message, "%s message", case_name);
	free(pfc);
}

static void test_errors(void)
{
	expect_error("{\"defaultAction\": \"SCMP_ACT_NOTIFY\", \"listenerPath\": \"/a\"}", EINVAL,
		     "linux.seccomp.defaultAction: \"SCMP_ACT_NOTIFY\" is not allowed", "notify as default");
	expect_error("{\"defaultAction\": \"SCMP_ACT_ALLOW\", \"syscalls\": [{\"names\": [\"chown\"],"
		     " \"action\": \"SCMP_ACT_NOTIFY\"}]}",
		     EINVAL, "linux.seccomp: action \"SCMP_ACT_NOTIFY\" needs linux.seccomp.listenerPath",
		     "notify without a listener");
	expect_error("{\"defaultAction\": \"SCMP_ACT_ALLOW\", \"architectures\": [\"SCMP_ARCH_M68K\"]}",
		     ENOTSUP,
		     "linux.seccomp.architectures: \"SCMP_ARCH_M68K\" is not supported by libseccomp",
		     "architecture unknown to libseccomp");
	expect_error("{\"defaultAction\": \"SCMP_ACT_ALLOW\", \"syscalls\": [{\"names\": [\"kill\"],"
		     " \"action\": \"SCMP_ACT_ERRNO\","
		     " \"args\": [{\"index\": 6, \"value\": 1, \"op\": \"SCMP_CMP_EQ\"}]}]}",
		     EINVAL, "linux.seccomp.syscalls[0].args[0].index: 6 is not below 6", "argument index");
	expect_error("{\"defaultAction\": \"SCMP_ACT_ERRNO\", \"defaultErrnoRet\": 70000}", EINVAL,
		     "linux.seccomp.defaultAction: errno 70000 out of range", "errno out of range");
}

static void test_prepare_flags(void)
{
	struct log_capture capture = { 0 };
	struct libct_context context = {
		.log = capture_log, .log_userdata = &capture, .log_level = LIBCT_LOG_DEBUG
	};
	struct libct_error err = { 0 };
	struct spec_config *config = parse_seccomp(
		"{\"defaultAction\": \"SCMP_ACT_ALLOW\", \"flags\": [\"SECCOMP_FILTER_FLAG_LOG\","
		" \"SECCOMP_FILTER_FLAG_SPEC_ALLOW\", \"SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV\"]}");
	struct ct_seccomp *seccomp = NULL;
	if (!ct_seccomp_flag_supported("SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV")) {
		skip("the kernel lacks SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV");
		skip("no warning to check");
		skip("no filter to check");
	} else {
		is_int(ct_seccomp_prepare(&context, config, &seccomp, &err), 0, "filter with flags prepared");
		is_str(capture.message,
		       "linux.seccomp.flags: \"SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV\" ignored without an"
		       " \"SCMP_ACT_NOTIFY\" rule",
		       "wait killable recv without a listener is a warning");
		ok(seccomp != NULL, "filter compiled");
	}
	ct_seccomp_free(seccomp);
	spec_config_free(config);

	ok(ct_seccomp_flag_supported("SECCOMP_FILTER_FLAG_LOG"), "the log flag is supported");
	ok(!ct_seccomp_flag_supported("SECCOMP_FILTER_FLAG_BOGUS"), "an unknown flag is not");

	config = parse_seccomp("{\"defaultAction\": \"SCMP_ACT_ALLOW\"}");
	config->linux_config.seccomp.set = false;
	seccomp = (struct ct_seccomp *)&capture;
	is_int(ct_seccomp_prepare(&context, config, &seccomp, &err), 0, "no seccomp prepared");
	ok(seccomp == NULL, "no filter without linux.seccomp");
	spec_config_free(config);
}

struct fd_capture {
	int calls;
	bool is_memfd;
};

static int take_fd(void *userdata, int fd, struct libct_error *err)
{
	struct fd_capture *capture = userdata;
	char path[64], target[256] = "";
	(void)err;
	snprintf(path, sizeof(path), "/proc/self/fd/%d", fd);
	ssize_t n = readlink(path, target, sizeof(target) - 1);
	capture->calls++;
	capture->is_memfd = n > 0 && strncmp(target, "/memfd:passed", 13) == 0;
	return 0;
}

static void test_sync_passes_fd(void)
{
	struct libct_error err = { 0 };
	int fds[2];
	is_int(ct_sync_pair(fds, &err), 0, "sync pair");
	int passed = memfd_create("passed", MFD_CLOEXEC);
	is_int(ct_sync_send_seccomp_fd(fds[1], passed, &err), 0, "listener fd sent");
	close(passed);
	is_int(ct_sync_report_ready(fds[1], &err), 0, "ready sent");

	struct fd_capture capture = { 0 };
	is_int(ct_sync_wait_ready(fds[0], NULL, take_fd, &capture, &err), 0, "wait_ready returns on READY");
	is_int(capture.calls, 1, "the handler got one fd");
	ok(capture.is_memfd, "the handler got the passed fd");

	passed = memfd_create("passed", MFD_CLOEXEC);
	is_int(ct_sync_send_seccomp_fd(fds[1], passed, &err), 0, "listener fd sent again");
	close(passed);
	is_int(ct_sync_wait_ready(fds[0], NULL, NULL, NULL, &err), -EBADMSG,
	       "without a handler the fd is an error");
	close(fds[0]);
	close(fds[1]);
}

/* Accepts one connection of the runtime and reads the state and the fd. */
static void receive_state(int listener, char *buf, size_t size)
{
	int conn = accept4(listener, NULL, NULL, SOCK_CLOEXEC);
	union {
		char control[CMSG_SPACE(sizeof(int))];
		struct cmsghdr align;
	} control;
	struct iovec iov = { .iov_base = buf, .iov_len = size - 1 };
	struct msghdr msg = { .msg_iov = &iov, .msg_iovlen = 1, .msg_control = control.control,
			      .msg_controllen = sizeof(control.control) };
	memset(buf, 0, size);
	ssize_t n = recvmsg(conn, &msg, MSG_CMSG_CLOEXEC);
	ok(n > 0, "state received");
	struct cmsghdr *cmsg = CMSG_FIRSTHDR(&msg);
	ok(cmsg != NULL && cmsg->cmsg_type == SCM_RIGHTS, "an fd came with the state");
	if (cmsg != NULL) {
		int fd;
		memcpy(&fd, CMSG_DATA(cmsg), sizeof(int));
		close(fd);
	}
	close(conn);
}

static void test_agent(void)
{
	char dir[] = "/tmp/test-seccomp-XXXXXX";
	ok(mkdtemp(dir) != NULL, "temporary directory");
	char *path = ct_asprintf("%s/agent.sock", dir);
	int listener = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	struct sockaddr_un addr = { .sun_family = AF_UNIX };
	snprintf(addr.sun_path, sizeof(addr.sun_path), "%s", path);
	ok(bind(listener, (struct sockaddr *)&addr, sizeof(addr)) == 0, "agent socket bound");
	ok(listen(listener, 2) == 0, "agent listens");

	char *json = ct_asprintf("{\"defaultAction\": \"SCMP_ACT_ALLOW\", \"listenerPath\": \"%s\","
				 " \"listenerMetadata\": \"meta\"}",
				 path);
	struct spec_config *config = parse_seccomp(json);
	struct ct_seccomp_agent agent = { .config = config, .id = "c1", .bundle = "/b", .pid = 42 };
	struct libct_error err = { 0 };
	char buf[1024];
	int passed = memfd_create("passed", MFD_CLOEXEC);
	is_int(ct_seccomp_send_to_agent(&agent, passed, &err), 0, "state sent to the agent");
	receive_state(listener, buf, sizeof(buf));
	is_str(buf,
	       "{\"ociVersion\":\"1.3.0\",\"fds\":[\"seccompFd\"],\"pid\":42,\"metadata\":\"meta\",\"state\":"
	       "{\"ociVersion\":\"1.3.0\",\"id\":\"c1\",\"status\":\"creating\",\"pid\":42,"
	       "\"bundle\":\"/b\"}}",
	       "container process state of the init");

	/* A process executed later in a running container. */
	agent.status = "running";
	agent.init_pid = 7;
	is_int(ct_seccomp_send_to_agent(&agent, passed, &err), 0, "state of another process sent");
	receive_state(listener, buf, sizeof(buf));
	is_str(buf,
	       "{\"ociVersion\":\"1.3.0\",\"fds\":[\"seccompFd\"],\"pid\":42,\"metadata\":\"meta\",\"state\":"
	       "{\"ociVersion\":\"1.3.0\",\"id\":\"c1\",\"status\":\"running\",\"pid\":7,"
	       "\"bundle\":\"/b\"}}",
	       "container process state of another process");
	close(passed);
	close(listener);
	unlink(path);
	rmdir(dir);

	is_int(ct_seccomp_send_to_agent(&agent, 0, &err), -ENOENT, "no agent is an error");
	char *expected =
		ct_asprintf("linux.seccomp.listenerPath: connect to \"%s\": %s", path, strerror(ENOENT));
	is_str(err.message, expected, "the error names the path");
	free(expected);
	spec_config_free(config);
	free(json);
	free(path);
}

int main(void)
{
	test_actions();
	test_arguments();
	test_architectures_and_skips();
	test_errors();
	test_prepare_flags();
	test_sync_passes_fd();
	test_agent();
	return done_testing();
}
