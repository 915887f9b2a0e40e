/* SPDX-License-Identifier: Apache-2.0 */
/*
 * sdnotify: both ends of the sd_notify protocol for the NOTIFY_SOCKET tests.
 *
 *   sdnotify send MESSAGE        sends MESSAGE as one datagram to $NOTIFY_SOCKET
 *   sdnotify listen PATH SECONDS binds a datagram socket at PATH and prints
 *                                each message it receives as `message=LINE`
 *                                lines, until one contains READY=1 or SECONDS
 *                                pass (exit status 1)
 *
 * It is linked statically, so that the tests can copy it into the busybox
 * rootfs as well as run it on the host.
 */
#include <errno.h>
#include <poll.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

static socklen_t make_address(const char *path, struct sockaddr_un *addr)
{
	size_t len = strlen(path);
	memset(addr, 0, sizeof(*addr));
	addr->sun_family = AF_UNIX;
	if (len == 0 || len >= sizeof(addr->sun_path)) {
		fprintf(stderr, "sdnotify: socket path \"%s\" is empty or too long\n", path);
		exit(2);
	}
	memcpy(addr->sun_path, path, len);
	if (path[0] == '@') {
		addr->sun_path[0] = '\0';
		return (socklen_t)(offsetof(struct sockaddr_un, sun_path) + len);
	}
	return (socklen_t)(offsetof(struct sockaddr_un, sun_path) + len + 1);
}

static int send_message(const char *message)
{
	const char *path = getenv("NOTIFY_SOCKET");
	if (path == NULL) {
		fprintf(stderr, "sdnotify: NOTIFY_SOCKET is not set\n");
		return 1;
	}
	struct sockaddr_un addr;
	socklen_t len = make_address(path, &addr);
	int fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	if (fd < 0 || sendto(fd, message, strlen(message), 0, (struct sockaddr *)&addr, len) < 0) {
		fprintf(stderr, "sdnotify: send to \"%s\": %s\n", path, strerror(errno));
		return 1;
	}
	printf("sent=%s\n", message);
	return 0;
}

/* Prints each line of a message; returns 1 when one of them is READY=1. */
static int print_message(char *message)
{
	int ready = 0;
	char *state = NULL;
	for (char *line = strtok_r(message, "\n", &state); line != NULL;
	     line = strtok_r(NULL, "\n", &state)) {
		printf("message=%s\n", line);
		if (strcmp(line, "READY=1") == 0)
			ready = 1;
	}
	fflush(stdout);
	return ready;
}

static int listen_messages(const char *path, int seconds)
{
	struct sockaddr_un addr;
	socklen_t len = make_address(path, &addr);
	int fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	if (fd < 0 || bind(fd, (struct sockaddr *)&addr, len) < 0) {
		fprintf(stderr, "sdnotify: bind \"%s\": %s\n", path, strerror(errno));
		return 1;
	}
	printf("listening=%s\n", path);
	fflush(stdout);

	time_t deadline = time(NULL) + seconds;
	for (;;) {
		time_t left = deadline - time(NULL);
		if (left <= 0)
			break;
		struct pollfd pfd = {.fd = fd, .events = POLLIN};
		if (poll(&pfd, 1, (int)left * 1000) <= 0)
			continue;
		char buf[4097];
		ssize_t n = recv(fd, buf, sizeof(buf) - 1, 0);
		if (n < 0)
			continue;
		buf[n] = '\0';
		if (print_message(buf))
			return 0;
	}
	printf("timeout=%d\n", seconds);
	return 1;
}

int main(int argc, char **argv)
{
	if (argc == 3 && strcmp(argv[1], "send") == 0)
		return send_message(argv[2]);
	if (argc == 4 && strcmp(argv[1], "listen") == 0)
		return listen_messages(argv[2], atoi(argv[3]));
	fprintf(stderr, "usage: sdnotify send MESSAGE | sdnotify listen PATH SECONDS\n");
	return 2;
}
