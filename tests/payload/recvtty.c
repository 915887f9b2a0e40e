/* SPDX-License-Identifier: Apache-2.0 */
/*
 * recvtty: a console socket receiver for the terminal tests, playing the
 * part of containerd or conmon.
 *
 *   recvtty SOCKET [INPUT]
 *
 * Listens on the unix stream socket SOCKET, accepts one connection and
 * receives the terminal's master fd (SCM_RIGHTS). It writes INPUT, if
 * given, to the terminal, then copies everything the terminal outputs to
 * stdout until every process closed the terminal. It prints
 * `recvtty: rows=R cols=C` on stderr first, the size the runtime set.
 * Each wait has a time limit, so a broken runtime fails a test rather than
 * hanging it. Exit status: 0 on success, 1 on a failure.
 */
#include <errno.h>
#include <poll.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <termios.h>
#include <unistd.h>

#define TIMEOUT_MS 30000

static int fail(const char *what)
{
	fprintf(stderr, "recvtty: %s: %s\n", what, strerror(errno));
	return EXIT_FAILURE;
}

static bool wait_readable(int fd)
{
	struct pollfd pfd = { .fd = fd, .events = POLLIN };

	return poll(&pfd, 1, TIMEOUT_MS) > 0;
}

static int listen_on(const char *path)
{
	struct sockaddr_un addr = { .sun_family = AF_UNIX };
	int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);

	if (fd < 0 || strlen(path) >= sizeof(addr.sun_path))
		return -1;
	strcpy(addr.sun_path, path);
	unlink(path);
	if (bind(fd, (struct sockaddr *)&addr, sizeof(addr)) < 0 || listen(fd, 1) < 0)
		return -1;
	return fd;
}

static int receive_fd(int conn)
{
	char name[256];
	char control[CMSG_SPACE(sizeof(int))];
	struct iovec iov = { .iov_base = name, .iov_len = sizeof(name) };
	struct msghdr msg = {
		.msg_iov = &iov, .msg_iovlen = 1, .msg_control = control, .msg_controllen = sizeof(control),
	};
	int fd;

	if (!wait_readable(conn) || recvmsg(conn, &msg, MSG_CMSG_CLOEXEC) <= 0)
		return -1;
	struct cmsghdr *cmsg = CMSG_FIRSTHDR(&msg);
	if (cmsg == NULL || cmsg->cmsg_type != SCM_RIGHTS)
		return -1;
	memcpy(&fd, CMSG_DATA(cmsg), sizeof(fd));
	return fd;
}

/* Copies the terminal's output to stdout until EIO, which a pty master
 * reads once no process has the slave open. */
static int copy_output(int master)
{
	char buffer[4096];

	for (;;) {
		if (!wait_readable(master)) {
			fprintf(stderr, "recvtty: no output within %d ms\n", TIMEOUT_MS);
			return EXIT_FAILURE;
		}
		ssize_t n = read(master, buffer, sizeof(buffer));
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return n == 0 || errno == EIO ? EXIT_SUCCESS : fail("read terminal");
		fwrite(buffer, 1, (size_t)n, stdout);
		fflush(stdout);
	}
}

int main(int argc, char **argv)
{
	struct winsize size = { 0 };

	if (argc < 2 || argc > 3) {
		fprintf(stderr, "usage: recvtty SOCKET [INPUT]\n");
		return 2;
	}
	int listener = listen_on(argv[1]);
	if (listener < 0)
		return fail("listen");
	if (!wait_readable(listener))
		return fail("wait for the runtime");
	int conn = accept4(listener, NULL, NULL, SOCK_CLOEXEC);
	if (conn < 0)
		return fail("accept");
	int master = receive_fd(conn);
	if (master < 0)
		return fail("receive the terminal");
	close(conn);
	close(listener);
	unlink(argv[1]);

	if (ioctl(master, TIOCGWINSZ, &size) < 0)
		return fail("read the window size");
	fprintf(stderr, "recvtty: rows=%u cols=%u\n", size.ws_row, size.ws_col);
	if (argc == 3 && write(master, argv[2], strlen(argv[2])) < 0)
		return fail("write to the terminal");
	return copy_output(master);
}
