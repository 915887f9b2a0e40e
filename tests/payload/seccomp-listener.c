/* SPDX-License-Identifier: Apache-2.0 */
/*
 * seccomp-listener: a seccomp agent for the integration tests, run on the
 * host. It listens on SOCKET, takes one connection from the runtime, writes
 * the container process state it receives to STATE-FILE, and then answers
 * every notified syscall of the container: with ERRNO when one is given,
 * otherwise with success, without performing the syscall. It exits when the
 * container's filter goes away.
 *
 * usage: seccomp-listener SOCKET STATE-FILE [ERRNO]
 *
 * SOCKET.ready is created once the socket listens, so that a test can wait
 * for it before it creates the container.
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <errno.h>
#include <fcntl.h>
#include <linux/seccomp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#define STATE_MAX 65536

static int die(const char *operation)
{
	fprintf(stderr, "seccomp-listener: %s failed: %s\n", operation, strerror(errno));
	exit(1);
}

static int listen_on(const char *path)
{
	struct sockaddr_un addr = { .sun_family = AF_UNIX };
	int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);

	if (fd < 0)
		die("socket");
	snprintf(addr.sun_path, sizeof(addr.sun_path), "%s", path);
	unlink(path);
	if (bind(fd, (struct sockaddr *)&addr, sizeof(addr)) < 0)
		die("bind");
	if (listen(fd, 1) < 0)
		die("listen");
	return fd;
}

/* Reads the state until the runtime closes the connection. The fd comes
 * with the first part. */
static int receive_state(int conn, char *state, size_t size)
{
	union {
		char buf[CMSG_SPACE(sizeof(int))];
		struct cmsghdr align;
	} control;
	size_t len = 0;
	int notify_fd = -1;

	for (;;) {
		struct iovec iov = { .iov_base = state + len, .iov_len = size - 1 - len };
		struct msghdr msg = { .msg_iov = &iov, .msg_iovlen = 1, .msg_control = control.buf,
				      .msg_controllen = sizeof(control.buf) };
		ssize_t n = recvmsg(conn, &msg, MSG_CMSG_CLOEXEC);
		if (n < 0)
			die("recvmsg");
		if (n == 0)
			break;
		struct cmsghdr *cmsg = CMSG_FIRSTHDR(&msg);
		if (cmsg != NULL && cmsg->cmsg_type == SCM_RIGHTS)
			memcpy(&notify_fd, CMSG_DATA(cmsg), sizeof(int));
		len += (size_t)n;
		if (len == size - 1)
			break;
	}
	state[len] = '\0';
	return notify_fd;
}

static void reply_to_notifications(int notify_fd, int error)
{
	struct seccomp_notif req;
	struct seccomp_notif_resp resp;

	for (;;) {
		memset(&req, 0, sizeof(req));
		if (ioctl(notify_fd, SECCOMP_IOCTL_NOTIF_RECV, &req) < 0) {
			if (errno == EINTR)
				continue;
			return; /* ENOENT and others: the container is gone */
		}
		memset(&resp, 0, sizeof(resp));
		resp.id = req.id;
		resp.error = -error;
		resp.val = 0;
		(void)ioctl(notify_fd, SECCOMP_IOCTL_NOTIF_SEND, &resp); /* the caller may be gone */
	}
}

int main(int argc, char **argv)
{
	static char state[STATE_MAX];

	if (argc < 3) {
		fprintf(stderr, "usage: seccomp-listener SOCKET STATE-FILE [ERRNO]\n");
		return 2;
	}
	int error = argc > 3 ? atoi(argv[3]) : 0;
	int fd = listen_on(argv[1]);

	char ready[4096];
	snprintf(ready, sizeof(ready), "%s.ready", argv[1]);
	int ready_fd = open(ready, O_WRONLY | O_CREAT | O_CLOEXEC, 0644);
	if (ready_fd < 0)
		die("create ready file");
	close(ready_fd);

	int conn = accept4(fd, NULL, NULL, SOCK_CLOEXEC);
	if (conn < 0)
		die("accept");
	int notify_fd = receive_state(conn, state, sizeof(state));
	close(conn);
	close(fd);

	if (notify_fd < 0) {
		fprintf(stderr, "seccomp-listener: no fd came with the state\n");
		return 1;
	}
	FILE *out = fopen(argv[2], "we");
	if (out == NULL)
		die("open state file");
	fputs(state, out);
	fclose(out);
	reply_to_notifications(notify_fd, error);
	return 0;
}
