/* SPDX-License-Identifier: Apache-2.0 */
/*
 * process.terminal: allocation of the pty inside the container and the
 * transfer of its master fd. terminal.h draws the exchange.
 */
#include <fcntl.h>
#include <libgen.h>
#include <stddef.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mount.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <sys/un.h>
#include <termios.h>
#include <unistd.h>

#include "terminal.h"

#define PTY_NAME_MAX 64

/* Opens the master through the container's /dev/ptmx. TIOCGPTN succeeds
 * only on a pty master, so a /dev/ptmx that the container replaced with
 * another file is rejected instead of becoming the process's terminal. */
static int open_master(unsigned *ret_index, struct libct_error *err)
{
	_cleanup_close_ int master = open("/dev/ptmx", O_RDWR | O_NOCTTY | O_CLOEXEC);
	if (master < 0)
		return ct_error_sys(err, errno, "open \"/dev/ptmx\"");
	if (ioctl(master, TIOCGPTN, ret_index) < 0)
		return ct_error_sys(err, errno, "\"/dev/ptmx\" is not a pty master");
	int unlock = 0;
	if (ioctl(master, TIOCSPTLCK, &unlock) < 0)
		return ct_error_sys(err, errno, "unlock pty");
	return ct_steal_fd(&master);
}

/* The slave comes from the master itself (Linux 4.13), not from a path
 * under /dev/pts, which the container could have replaced. */
static int open_slave(int master, uid_t uid, gid_t gid, struct libct_error *err)
{
	_cleanup_close_ int slave = ioctl(master, TIOCGPTPEER, O_RDWR | O_NOCTTY | O_CLOEXEC);
	if (slave < 0)
		return ct_error_sys(err, errno, "open pty slave");
	/* A process that is not root must be able to reopen its terminal, for
	 * example through /dev/tty or /proc/self/fd/0. */
	if (fchown(slave, uid, gid) < 0)
		return ct_error_sys(err, errno, "give pty slave to uid %u gid %u", (unsigned)uid, (unsigned)gid);
	return ct_steal_fd(&slave);
}

/* /dev/console of the container is the pty slave, as the runtime-spec asks
 * for process.terminal. The bind source is the open slave, so no path
 * inside the container is followed. */
static int bind_console(int slave, struct libct_error *err)
{
	if (mknodat(AT_FDCWD, "/dev/console", S_IFREG | 0600, 0) < 0 && errno != EEXIST)
		return ct_error_sys(err, errno, "create \"/dev/console\"");

	_cleanup_close_ int tree = (int)open_tree(slave, "", OPEN_TREE_CLONE | OPEN_TREE_CLOEXEC | AT_EMPTY_PATH);
	if (tree < 0)
		return ct_error_sys(err, errno, "clone pty slave for \"/dev/console\"");
	if (move_mount(tree, "", AT_FDCWD, "/dev/console", MOVE_MOUNT_F_EMPTY_PATH) < 0)
		return ct_error_sys(err, errno, "bind pty slave on \"/dev/console\"");
	return 0;
}

static int make_controlling_terminal(int slave, struct libct_error *err)
{
	if (setsid() < 0)
		return ct_error_sys(err, errno, "start a new session for the terminal");
	if (ioctl(slave, TIOCSCTTY, 0) < 0)
		return ct_error_sys(err, errno, "make the pty the controlling terminal");
	for (int fd = 0; fd <= 2; fd++)
		if (dup2(slave, fd) < 0)
			return ct_error_sys(err, errno, "make the pty fd %d", fd);
	return 0;
}

int ct_terminal_setup(const struct spec_console_size *size, bool bind_console_on_slave, uid_t uid, gid_t gid,
		      struct libct_error *err)
{
	unsigned index = 0;
	_cleanup_close_ int master = open_master(&index, err);
	if (master < 0)
		return master;
	_cleanup_close_ int slave = open_slave(master, uid, gid, err);
	if (slave < 0)
		return slave;

	if (size != NULL && size->set) {
		struct winsize ws = { .ws_row = (unsigned short)size->height, .ws_col = (unsigned short)size->width };
		if (ioctl(master, TIOCSWINSZ, &ws) < 0)
			return ct_error_sys(err, errno, "process.consoleSize: set %ux%u", size->width, size->height);
	}
	if (bind_console_on_slave) {
		int r = bind_console(slave, err);
		if (r < 0)
			return r;
	}
	int r = make_controlling_terminal(slave, err);
	if (r < 0)
		return r;
	return ct_steal_fd(&master);
}

int ct_terminal_setup_and_send(const struct spec_process *process, bool bind_console, int *sock,
			       struct libct_error *err)
{
	_cleanup_close_ int master =
		ct_terminal_setup(&process->console_size, bind_console, process->user.uid, process->user.gid, err);
	if (master < 0)
		return ct_error_prefix(err, "terminal");
	int r = ct_terminal_send_fd(*sock, master, "/dev/ptmx", err);
	ct_closep(sock);
	return r;
}

int ct_terminal_deliver(int *master, int console_fd, int *ret_terminal_fd, struct libct_error *err)
{
	if (console_fd >= 0)
		return ct_terminal_send_fd(console_fd, *master, "/dev/ptmx", err);
	*ret_terminal_fd = ct_steal_fd(master);
	return 0;
}

int ct_terminal_send_fd(int sock, int fd, const char *name, struct libct_error *err)
{
	char control[CMSG_SPACE(sizeof(int))] = { 0 };
	struct iovec iov = { .iov_base = (void *)name, .iov_len = strlen(name) + 1 };
	struct msghdr msg = {
		.msg_iov = &iov,
		.msg_iovlen = 1,
		.msg_control = control,
		.msg_controllen = sizeof(control),
	};
	struct cmsghdr *cmsg = CMSG_FIRSTHDR(&msg);
	cmsg->cmsg_level = SOL_SOCKET;
	cmsg->cmsg_type = SCM_RIGHTS;
	cmsg->cmsg_len = CMSG_LEN(sizeof(int));
	memcpy(CMSG_DATA(cmsg), &fd, sizeof(int));

	ssize_t n;
	do
		n = sendmsg(sock, &msg, MSG_NOSIGNAL);
	while (n < 0 && errno == EINTR);
	if (n < 0)
		return ct_error_sys(err, errno, "send terminal master fd");
	return 0;
}

int ct_terminal_recv_fd(int sock, int *ret_fd, struct libct_error *err)
{
	char name[PTY_NAME_MAX];
	char control[CMSG_SPACE(sizeof(int))] = { 0 };
	struct iovec iov = { .iov_base = name, .iov_len = sizeof(name) };
	struct msghdr msg = {
		.msg_iov = &iov,
		.msg_iovlen = 1,
		.msg_control = control,
		.msg_controllen = sizeof(control),
	};

	ssize_t n;
	do
		n = recvmsg(sock, &msg, MSG_CMSG_CLOEXEC);
	while (n < 0 && errno == EINTR);
	if (n < 0)
		return ct_error_sys(err, errno, "receive terminal master fd");

	struct cmsghdr *cmsg = CMSG_FIRSTHDR(&msg);
	if (cmsg == NULL || cmsg->cmsg_level != SOL_SOCKET || cmsg->cmsg_type != SCM_RIGHTS ||
	    cmsg->cmsg_len != CMSG_LEN(sizeof(int)))
		return n == 0 ? -EPIPE : ct_error_set(err, EBADMSG, "receive terminal master fd: no fd in the message");
	memcpy(ret_fd, CMSG_DATA(cmsg), sizeof(int));
	return 0;
}

/* A path longer than sun_path is reached through its directory's fd. */
static int connect_long_path(int sock, const char *path, struct sockaddr_un *addr, struct libct_error *err)
{
	_cleanup_free_ char *dir_copy = ct_strdup(path);
	_cleanup_free_ char *base_copy = ct_strdup(path);
	_cleanup_close_ int dir_fd = open(dirname(dir_copy), O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (dir_fd < 0)
		return ct_error_sys(err, errno, "console socket \"%s\": open its directory", path);

	int n = snprintf(addr->sun_path, sizeof(addr->sun_path), "/proc/self/fd/%d/%s", dir_fd,
			 basename(base_copy));
	if (n < 0 || (size_t)n >= sizeof(addr->sun_path))
		return ct_error_set(err, ENAMETOOLONG, "console socket \"%s\": file name too long", path);
	if (connect(sock, (struct sockaddr *)addr, sizeof(*addr)) < 0)
		return ct_error_sys(err, errno, "connect to console socket \"%s\"", path);
	return 0;
}

int ct_terminal_connect(const char *path, struct libct_error *err)
{
	_cleanup_close_ int sock = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (sock < 0)
		return ct_error_sys(err, errno, "create console socket");

	struct sockaddr_un addr = { .sun_family = AF_UNIX };
	if (strlen(path) < sizeof(addr.sun_path)) {
		memcpy(addr.sun_path, path, strlen(path) + 1);
		if (connect(sock, (struct sockaddr *)&addr, sizeof(addr)) < 0)
			return ct_error_sys(err, errno, "connect to console socket \"%s\"", path);
	} else {
		int r = connect_long_path(sock, path, &addr, err);
		if (r < 0)
			return r;
	}
	return ct_steal_fd(&sock);
}
