/* SPDX-License-Identifier: Apache-2.0 */
#include <errno.h>
#include <poll.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include "sync.h"

int ct_sync_pair(int ret_fds[2], struct libct_error *err)
{
	if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, ret_fds) < 0)
		return ct_error_sys(err, errno, "create sync socket pair");
	return 0;
}

static int send_msg(int fd, enum ct_sync_type type, int code, const char *message)
{
	struct ct_sync_msg msg = { .type = type, .code = code };
	if (message != NULL)
		snprintf(msg.message, sizeof(msg.message), "%s", message);
	size_t len = offsetof(struct ct_sync_msg, message) + strlen(msg.message) + 1;

	ssize_t n;
	do
		n = send(fd, &msg, len, MSG_NOSIGNAL);
	while (n < 0 && errno == EINTR);
	if (n < 0)
		return -errno;
	return 0;
}

/* The fd passed with a message, or -1. */
static int take_passed_fd(struct msghdr *msg)
{
	int fd = -1;
	for (struct cmsghdr *cmsg = CMSG_FIRSTHDR(msg); cmsg != NULL; cmsg = CMSG_NXTHDR(msg, cmsg)) {
		if (cmsg->cmsg_level != SOL_SOCKET || cmsg->cmsg_type != SCM_RIGHTS)
			continue;
		size_t n = (cmsg->cmsg_len - CMSG_LEN(0)) / sizeof(int);
		for (size_t i = 0; i < n; i++) {
			int passed;
			memcpy(&passed, CMSG_DATA(cmsg) + i * sizeof(int), sizeof(int));
			if (fd < 0)
				fd = passed;
			else
				close(passed); /* only one fd is ever expected */
		}
	}
	return fd;
}

int ct_sync_recv(int fd, struct ct_sync_msg *ret_msg, int *ret_fd)
{
	union {
		char buf[CMSG_SPACE(sizeof(int))];
		struct cmsghdr align;
	} control;
	memset(ret_msg, 0, sizeof(*ret_msg));
	if (ret_fd != NULL)
		*ret_fd = -1;
	struct iovec iov = { .iov_base = ret_msg, .iov_len = sizeof(*ret_msg) };
	struct msghdr msg = { .msg_iov = &iov, .msg_iovlen = 1, .msg_control = control.buf,
			      .msg_controllen = sizeof(control.buf) };
	ssize_t n;
	do
		n = recvmsg(fd, &msg, MSG_CMSG_CLOEXEC);
	while (n < 0 && errno == EINTR);
	if (n < 0)
		return errno == ECONNRESET ? 0 : -errno;
	int passed = take_passed_fd(&msg);
	if (ret_fd != NULL)
		*ret_fd = passed;
	else if (passed >= 0)
		close(passed);
	if (n == 0)
		return 0;
	if ((size_t)n < offsetof(struct ct_sync_msg, message))
		return -EBADMSG;
	ret_msg->message[sizeof(ret_msg->message) - 1] = '\0';
	return 1;
}

static int recv_msg(int fd, struct ct_sync_msg *ret_msg)
{
	return ct_sync_recv(fd, ret_msg, NULL);
}

/* Turns a received CT_SYNC_ERROR into err, keeping the sender's errno. */
static int error_from_msg(const struct ct_sync_msg *msg, struct libct_error *err)
{
	int code = msg->code > 0 ? msg->code : EIO;
	return ct_error_set(err, code, "%s", msg->message);
}

int ct_sync_release_init(int fd, struct libct_error *err)
{
	int r = send_msg(fd, CT_SYNC_RELEASE, 0, NULL);
	if (r < 0)
		return ct_error_sys(err, -r, "release container init");
	return 0;
}

static int handle_passed_fd(const struct ct_sync_msg *msg, int passed_fd, ct_sync_fd_fn on_fd, void *userdata,
			    struct libct_error *err)
{
	_cleanup_close_ int fd = passed_fd;
	if (fd < 0)
		return ct_error_set(err, EBADMSG, "message %u from container init carries no fd", msg->type);
	if (on_fd == NULL)
		return ct_error_set(err, EBADMSG, "unexpected fd from container init");
	return on_fd(userdata, fd, err);
}

int ct_sync_wait_ready(int fd, struct libct_context *context, ct_sync_fd_fn on_fd, void *userdata,
		       struct libct_error *err)
{
	for (;;) {
		struct ct_sync_msg msg;
		int passed_fd = -1;
		int r = ct_sync_recv(fd, &msg, &passed_fd);
		if (r < 0)
			return ct_error_sys(err, -r, "read from container init");
		if (r == 0) {
			ct_closep(&passed_fd);
			return ct_error_set(err, EPIPE, "container init exited before reporting ready");
		}
		if (msg.type != CT_SYNC_SECCOMP)
			ct_closep(&passed_fd);

		switch (msg.type) {
		case CT_SYNC_LOG:
			ct_log(context, (enum libct_log_level)msg.code, "%s", msg.message);
			break;
		case CT_SYNC_TRACE:
			ct_trace_forward(context, msg.message);
			break;
		case CT_SYNC_SECCOMP:
			r = handle_passed_fd(&msg, passed_fd, on_fd, userdata, err);
			if (r < 0)
				return r;
			break;
		case CT_SYNC_READY:
			return 0;
		case CT_SYNC_HOOKS:
			return 1;
		case CT_SYNC_ERROR:
			return error_from_msg(&msg, err);
		default:
			return ct_error_set(err, EBADMSG, "unexpected message %u from container init",
					    msg.type);
		}
	}
}

int ct_sync_wait_release(int fd, struct libct_error *err)
{
	struct ct_sync_msg msg;
	int r = recv_msg(fd, &msg);
	if (r < 0)
		return ct_error_sys(err, -r, "wait for the runtime");
	if (r == 0)
		return ct_error_set(err, EPIPE, "wait for the runtime: the runtime exited");
	if (msg.type != CT_SYNC_RELEASE)
		return ct_error_set(err, EBADMSG, "wait for the runtime: unexpected message %u", msg.type);
	return 0;
}

int ct_sync_send_log(int fd, enum libct_log_level level, const char *message)
{
	return send_msg(fd, CT_SYNC_LOG, (int)level, message);
}

int ct_sync_send_trace(int fd, const char *text)
{
	return send_msg(fd, CT_SYNC_TRACE, 0, text);
}

int ct_sync_report_ready(int fd, struct libct_error *err)
{
	int r = send_msg(fd, CT_SYNC_READY, 0, NULL);
	if (r < 0)
		return ct_error_sys(err, -r, "report ready to the runtime");
	return 0;
}

int ct_sync_send_seccomp_fd(int fd, int listener_fd, struct libct_error *err)
{
	struct ct_sync_msg msg = { .type = CT_SYNC_SECCOMP };
	size_t len = offsetof(struct ct_sync_msg, message) + 1;
	union {
		char buf[CMSG_SPACE(sizeof(int))];
		struct cmsghdr align;
	} control = { 0 };
	struct iovec iov = { .iov_base = &msg, .iov_len = len };
	struct msghdr hdr = { .msg_iov = &iov, .msg_iovlen = 1, .msg_control = control.buf,
			      .msg_controllen = sizeof(control.buf) };
	struct cmsghdr *cmsg = CMSG_FIRSTHDR(&hdr);
	cmsg->cmsg_level = SOL_SOCKET;
	cmsg->cmsg_type = SCM_RIGHTS;
	cmsg->cmsg_len = CMSG_LEN(sizeof(int));
	memcpy(CMSG_DATA(cmsg), &listener_fd, sizeof(int));

	ssize_t n;
	do
		n = sendmsg(fd, &hdr, MSG_NOSIGNAL);
	while (n < 0 && errno == EINTR);
	if (n < 0)
		return ct_error_sys(err, errno, "send seccomp listener fd to the runtime");
	return 0;
}

int ct_sync_request_hooks(int fd, struct libct_error *err)
{
	int r = send_msg(fd, CT_SYNC_HOOKS, 0, NULL);
	if (r < 0)
		return ct_error_sys(err, -r, "ask the runtime to run the create hooks");
	return ct_sync_wait_release(fd, err);
}

int ct_sync_report_error(int fd, const struct libct_error *error)
{
	return send_msg(fd, CT_SYNC_ERROR, error->code, error->message);
}

/* Addresses the socket through /proc/self/fd so that the path always fits
 * in sun_path, however long the state root and the container id are. */
static socklen_t make_address(int dirfd, struct sockaddr_un *ret_addr)
{
	memset(ret_addr, 0, sizeof(*ret_addr));
	ret_addr->sun_family = AF_UNIX;
	int n = snprintf(ret_addr->sun_path, sizeof(ret_addr->sun_path), "/proc/self/fd/%d/%s", dirfd,
			 CT_START_SOCKET);
	return (socklen_t)(offsetof(struct sockaddr_un, sun_path) + (size_t)n + 1);
}

int ct_sync_listen(int dirfd, struct libct_error *err)
{
	_cleanup_close_ int fd = socket(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return ct_error_sys(err, errno, "create start socket");

	struct sockaddr_un addr;
	socklen_t len = make_address(dirfd, &addr);
	if (bind(fd, (struct sockaddr *)&addr, len) < 0)
		return ct_error_sys(err, errno, "bind start socket \"%s\"", CT_START_SOCKET);
	if (listen(fd, 4) < 0)
		return ct_error_sys(err, errno, "listen on start socket");
	return ct_steal_fd(&fd);
}

int ct_sync_wait_start(int listen_fd, struct libct_error *err)
{
	for (;;) {
		_cleanup_close_ int conn = accept4(listen_fd, NULL, NULL, SOCK_CLOEXEC);
		if (conn < 0) {
			if (errno == EINTR || errno == ECONNABORTED)
				continue;
			return ct_error_sys(err, errno, "wait for start");
		}

		struct ct_sync_msg msg;
		int r = recv_msg(conn, &msg);
		/* A peer that went away without asking to start is not a start request. */
		if (r > 0 && msg.type == CT_SYNC_START)
			return ct_steal_fd(&conn);
	}
}

int ct_sync_send_start(int fd, struct libct_error *err)
{
	int r = send_msg(fd, CT_SYNC_START, 0, NULL);
	if (r < 0)
		return ct_error_sys(err, -r, "send start to container init");
	return 0;
}

int ct_sync_wait_start_request(int fd, struct libct_error *err)
{
	struct ct_sync_msg msg;
	int r = recv_msg(fd, &msg);
	if (r < 0)
		return ct_error_sys(err, -r, "wait for start");
	if (r == 0)
		return ct_error_set(err, EPIPE, "wait for start: the runtime exited");
	if (msg.type != CT_SYNC_START)
		return ct_error_set(err, EBADMSG, "wait for start: unexpected message %u", msg.type);
	return 0;
}

int ct_sync_wait_exec(int fd, struct libct_context *context, struct libct_error *err)
{
	struct ct_sync_msg msg;
	int r;
	while ((r = recv_msg(fd, &msg)) > 0 && msg.type == CT_SYNC_TRACE)
		ct_trace_forward(context, msg.message);
	if (r < 0)
		return ct_error_sys(err, -r, "wait for container init to execute");
	if (r == 0)
		return 0;
	if (msg.type == CT_SYNC_ERROR)
		return error_from_msg(&msg, err);
	return ct_error_set(err, EBADMSG, "unexpected message %u from container init", msg.type);
}

int ct_sync_request_start(int dirfd, struct libct_context *context, struct libct_error *err)
{
	_cleanup_close_ int fd = socket(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return ct_error_sys(err, errno, "create start socket");

	struct sockaddr_un addr;
	socklen_t len = make_address(dirfd, &addr);
	if (connect(fd, (struct sockaddr *)&addr, len) < 0)
		return ct_error_sys(err, errno, "connect to container init");

	int r = ct_sync_send_start(fd, err);
	if (r < 0)
		return r;
	return ct_sync_wait_exec(fd, context, err);
}
