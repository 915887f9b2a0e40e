/* SPDX-License-Identifier: Apache-2.0 */
/*
 * systemd integration through the environment of the runtime, as runc does
 * it for containerd, Podman and systemd units that run a container:
 *
 * NOTIFY_SOCKET: create makes the directory <state dir>/notify, and the
 * init mounts it read-only at /run/notify in the container. The process
 * gets NOTIFY_SOCKET=/run/notify/notify.sock. start binds that socket
 * before the program runs, waits for a message with READY=1 and forwards
 * it, with MAINPID=<init pid>, to the caller's NOTIFY_SOCKET. So a
 * Type=notify unit becomes ready when the container reports readiness, not
 * when the runtime returns.
 *
 * The runtime clones the directory into a detached mount before clone, and
 * the init only attaches it. The init of a container with a user namespace
 * could neither search the state directory (mode 0700, owned by a host uid
 * that its namespace does not map) nor clone a mount of the runtime's mount
 * namespace. The directory and the socket stay owned by host root. A
 * process of the container that runs as any mapped uid can send to the
 * socket (mode 0777) through the directory (mode 0755). But not even the
 * container's root can add, remove or replace a file in it, because its
 * namespace does not map the owner.
 *
 * LISTEN_FDS (socket activation): when LISTEN_PID names the runtime, the
 * LISTEN_FDS fds from 3 up are passed to the container like --preserve-fds,
 * before the preserved ones, and the process gets LISTEN_FDS and a
 * LISTEN_PID of its own pid in the container.
 */
#include <fcntl.h>
#include <poll.h>
#include <stddef.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include "mounts.h"
#include "notify.h"

#define NOTIFY_DIR            "notify"
#define NOTIFY_SOCKET_NAME    "notify.sock"
#define NOTIFY_CONTAINER_DIR  "/run/notify"
#define NOTIFY_CONTAINER_PATH NOTIFY_CONTAINER_DIR "/" NOTIFY_SOCKET_NAME
/* sd_notify messages are a few short lines, so one PIPE_BUF is plenty. */
#define NOTIFY_MESSAGE_MAX 4096

/* ------------------------------------------------------ environment */

/* Sets name=value in a parsed env array, replacing an entry of that name. */
static void set_env(struct spec_process *process, const char *name, const char *value)
{
	size_t len = strlen(name);
	char *entry = ct_asprintf("%s=%s", name, value);
	for (size_t i = 0; i < process->n_env; i++) {
		if (strncmp(process->env[i], name, len) == 0 && process->env[i][len] == '=') {
			free(process->env[i]);
			process->env[i] = entry;
			return;
		}
	}
	/* Parsed string arrays end with NULL, which execve relies on. */
	process->env = ct_realloc(process->env, (process->n_env + 2) * sizeof(char *));
	process->env[process->n_env++] = entry;
	process->env[process->n_env] = NULL;
}

/* ---------------------------------------------------------- create */

/* Clones the socket directory into a detached, read-only mount for the
 * init to attach. The runtime sets the attributes, in its own user
 * namespace, before the tree is handed over. */
static int open_notify_tree(int dir_fd, struct libct_error *err)
{
	_cleanup_close_ int tree_fd = (int)open_tree(dir_fd, NOTIFY_DIR, OPEN_TREE_CLONE | OPEN_TREE_CLOEXEC);
	if (tree_fd < 0)
		return ct_error_sys(err, errno, "clone the notify socket directory");
	uint64_t attrs = MOUNT_ATTR_RDONLY | MOUNT_ATTR_NOSUID | MOUNT_ATTR_NODEV | MOUNT_ATTR_NOEXEC;
	int r = ct_mount_setattr(tree_fd, false, attrs, 0, NOTIFY_DIR, err);
	if (r < 0)
		return r;
	return ct_steal_fd(&tree_fd);
}

static int prepare_notify(struct libct_context *context, int dir_fd, struct spec_config *config,
			  struct ct_init *init, struct libct_error *err)
{
	const char *host_socket = getenv("NOTIFY_SOCKET");
	if (host_socket == NULL || host_socket[0] == '\0')
		return 0;

	/* 0755, whatever the umask, so that a container user who is not root
	 * can reach the socket at the root of the mount. */
	if (mkdirat(dir_fd, NOTIFY_DIR, 0755) < 0)
		return ct_error_sys(err, errno, "create the notify socket directory");
	if (fchmodat(dir_fd, NOTIFY_DIR, 0755, 0) < 0)
		return ct_error_sys(err, errno, "set the mode of the notify socket directory");
	int tree_fd = open_notify_tree(dir_fd, err);
	if (tree_fd < 0)
		return tree_fd;

	init->notify_tree_fd = tree_fd;
	set_env(config->process, "NOTIFY_SOCKET", NOTIFY_CONTAINER_PATH);
	ct_debug(context, "NOTIFY_SOCKET: the container's socket is \"%s\"", NOTIFY_CONTAINER_PATH);
	return 0;
}

int ct_notify_attach(struct ct_init *init, int root_fd, struct libct_error *err)
{
	if (init->notify_tree_fd < 0)
		return 0;
	struct ct_bind bind = {
		.source_fd = init->notify_tree_fd,
		.target = NOTIFY_CONTAINER_DIR,
	};
	int r = ct_bind_mount(root_fd, &bind, err);
	ct_closep(&init->notify_tree_fd);
	if (r < 0)
		return ct_error_prefix(err, "NOTIFY_SOCKET: mount the socket directory on \"%s\"",
				       NOTIFY_CONTAINER_DIR);
	return 0;
}

/* Returns the LISTEN_FDS count that applies to this process, or 0. */
static int count_listen_fds(void)
{
	const char *pid = getenv("LISTEN_PID");
	const char *fds = getenv("LISTEN_FDS");
	if (pid == NULL || fds == NULL)
		return 0;

	/* A LISTEN_PID of another process means the variables were meant for
	 * an ancestor and merely inherited, as sd_listen_fds(3) treats them. */
	char *end = NULL;
	errno = 0;
	long value = strtol(pid, &end, 10);
	if (errno != 0 || end == pid || *end != '\0' || value != (long)getpid())
		return 0;
	value = strtol(fds, &end, 10);
	if (errno != 0 || end == fds || *end != '\0' || value <= 0 || value > 65536)
		return 0;
	return (int)value;
}

int ct_notify_prepare(struct libct_context *context, int dir_fd, struct spec_config *config, struct ct_init *init,
                      struct libct_error *err)
{
	int r = prepare_notify(context, dir_fd, config, init, err);
	if (r < 0)
		return ct_error_prefix(err, "NOTIFY_SOCKET");

	int n_fds = count_listen_fds();
	if (n_fds == 0)
		return 0;
	/* The activated sockets come first, from fd 3, and the --preserve-fds
	 * ones follow them, as in the caller. */
	init->listen_fds = n_fds;
	init->preserve_fds += n_fds;
	char count[16];
	snprintf(count, sizeof(count), "%d", n_fds);
	set_env(config->process, "LISTEN_FDS", count);
	const char *names = getenv("LISTEN_FDNAMES");
	if (names != NULL)
		set_env(config->process, "LISTEN_FDNAMES", names);
	ct_debug(context, "LISTEN_FDS: passing %d fds from 3 up", n_fds);
	return 0;
}

void ct_notify_set_listen_pid(struct ct_init *init)
{
	if (init->listen_fds == 0)
		return;
	/* The init executes the program itself, so the program's pid is the
	 * init's pid in the container's pid namespace: 1 in a new one. The
	 * config is this child's own copy of the runtime's memory. */
	char pid[16];
	snprintf(pid, sizeof(pid), "%d", getpid());
	set_env(((struct spec_config *)init->config)->process, "LISTEN_PID", pid);
}

void ct_notify_remove(int dir_fd)
{
	_cleanup_free_ char *socket_path = ct_asprintf("%s/%s", NOTIFY_DIR, NOTIFY_SOCKET_NAME);
	/* Both may be missing: the container may have no socket, or start never bound it. */
	(void)unlinkat(dir_fd, socket_path, 0);
	(void)unlinkat(dir_fd, NOTIFY_DIR, AT_REMOVEDIR);
}

/* ----------------------------------------------------------- start */

static socklen_t make_address(const char *path, struct sockaddr_un *ret_addr, struct libct_error *err)
{
	memset(ret_addr, 0, sizeof(*ret_addr));
	ret_addr->sun_family = AF_UNIX;
	size_t len = strlen(path);
	if (len == 0 || len >= sizeof(ret_addr->sun_path))
		return (socklen_t)ct_error_set(err, ENAMETOOLONG,
		                               "socket path \"%s\": empty or longer than %zu bytes", path,
		                               sizeof(ret_addr->sun_path) - 1);
	memcpy(ret_addr->sun_path, path, len);
	/* systemd writes an abstract address with a leading "@". */
	if (path[0] == '@') {
		ret_addr->sun_path[0] = '\0';
		return (socklen_t)(offsetof(struct sockaddr_un, sun_path) + len);
	}
	return (socklen_t)(offsetof(struct sockaddr_un, sun_path) + len + 1);
}

int ct_notify_open(int dir_fd, int *ret_fd, struct libct_error *err)
{
	*ret_fd = -1;
	const char *host_socket = getenv("NOTIFY_SOCKET");
	if (host_socket == NULL || host_socket[0] == '\0')
		return 0;
	struct stat st;
	if (fstatat(dir_fd, NOTIFY_DIR, &st, 0) < 0)
		return 0; /* created without NOTIFY_SOCKET: the container has no socket */

	_cleanup_close_ int fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return ct_error_sys(err, errno, "create the notify socket");
	/* Through /proc/self/fd, so that a long state root still fits in sun_path. */
	_cleanup_free_ char *path =
	    ct_asprintf("/proc/self/fd/%d/%s/%s", dir_fd, NOTIFY_DIR, NOTIFY_SOCKET_NAME);
	struct sockaddr_un addr;
	socklen_t len = make_address(path, &addr, err);
	if ((int)len < 0)
		return (int)len;
	(void)unlink(path); /* left by an earlier start that failed */
	if (bind(fd, (struct sockaddr *)&addr, len) < 0)
		return ct_error_sys(err, errno, "bind the notify socket");
	/* Any user in the container may report readiness. The socket stays
	 * owned by host root, which a user namespace shows as its overflow uid. */
	if (chmod(path, 0777) < 0)
		return ct_error_sys(err, errno, "set the mode of the notify socket");
	*ret_fd = ct_steal_fd(&fd);
	return 0;
}

static bool has_ready(const char *message)
{
	for (const char *line = message; line != NULL && *line != '\0';) {
		if (strncmp(line, "READY=1", 7) == 0 && (line[7] == '\n' || line[7] == '\0'))
			return true;
		line = strchr(line, '\n');
		if (line != NULL)
			line++;
	}
	return false;
}

static int send_to_host(const char *message, size_t len, struct libct_error *err)
{
	const char *host_socket = getenv("NOTIFY_SOCKET");
	struct sockaddr_un addr;
	socklen_t addr_len = make_address(host_socket, &addr, err);
	if ((int)addr_len < 0)
		return (int)addr_len;

	_cleanup_close_ int fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return ct_error_sys(err, errno, "create a socket");
	if (sendto(fd, message, len, MSG_NOSIGNAL, (struct sockaddr *)&addr, addr_len) < 0)
		return ct_error_sys(err, errno, "send to NOTIFY_SOCKET \"%s\"", host_socket);
	return 0;
}

/*
 * Sends the message that contains READY=1 on, without any MAINPID= line of
 * its own, which would be a pid of the container's pid namespace. The
 * runtime exits afterwards, so MAINPID names the container's init for the
 * service manager to watch instead.
 */
static int forward_ready(const char *message, pid_t init_pid, struct libct_error *err)
{
	char out[NOTIFY_MESSAGE_MAX + 32];
	size_t len = 0;
	_cleanup_free_ char *copy = ct_strdup(message);
	char *state = NULL;
	for (char *line = strtok_r(copy, "\n", &state); line != NULL; line = strtok_r(NULL, "\n", &state)) {
		if (strncmp(line, "MAINPID=", 8) == 0)
			continue;
		len += (size_t)snprintf(out + len, sizeof(out) - len, "%s\n", line);
		if (len >= sizeof(out))
			return ct_error_set(err, EMSGSIZE, "notify message longer than %zu bytes",
			                    sizeof(out));
	}
	len += (size_t)snprintf(out + len, sizeof(out) - len, "MAINPID=%d\n", init_pid);
	if (len >= sizeof(out))
		return ct_error_set(err, EMSGSIZE, "notify message longer than %zu bytes", sizeof(out));
	return send_to_host(out, len, err);
}

/* Receives one datagram; returns its length, or 0 for an empty one. */
static ssize_t receive_message(int notify_fd, char *buf, size_t size)
{
	ssize_t n;
	do
		n = recv(notify_fd, buf, size - 1, MSG_DONTWAIT);
	while (n < 0 && errno == EINTR);
	if (n < 0)
		return (errno == EAGAIN || errno == EWOULDBLOCK) ? 0 : -errno;
	buf[n] = '\0';
	return n;
}

int ct_notify_forward_ready(struct libct_context *context, int notify_fd, int init_pidfd, pid_t init_pid,
                            struct libct_error *err)
{
	bool init_exited = init_pidfd < 0;
	for (;;) {
		/* Messages stay queued after the sender exits, so a program that
		 * reported READY=1 and ended at once still counts. */
		for (;;) {
			char buf[NOTIFY_MESSAGE_MAX];
			ssize_t n = receive_message(notify_fd, buf, sizeof(buf));
			if (n < 0)
				return ct_error_sys(err, (int)-n, "read the notify socket");
			if (n == 0)
				break;
			if (has_ready(buf))
				return forward_ready(buf, init_pid, err);
		}
		if (init_exited) {
			ct_warn(context, "NOTIFY_SOCKET: the container exited before it sent READY=1");
			return 0;
		}

		struct pollfd fds[2] = {
		    {.fd = notify_fd, .events = POLLIN},
		    {.fd = init_pidfd, .events = POLLIN},
		};
		if (poll(fds, 2, -1) < 0 && errno != EINTR)
			return ct_error_sys(err, errno, "wait for READY=1 on the notify socket");
		if (fds[1].revents != 0)
			init_exited = true;
	}
}
