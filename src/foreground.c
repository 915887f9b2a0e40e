/* SPDX-License-Identifier: Apache-2.0 */
/*
 * A container process in the foreground: forward the signals that ctrun
 * receives to it and, when it has a terminal without a console socket,
 * proxy that terminal to ctrun's own stdio, until the process exits.
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/signalfd.h>
#include <sys/wait.h>
#include <termios.h>
#include <unistd.h>

#include "ctrun.h"

#define COPY_BUFFER_SIZE 4096

void cli_fill_forwarded_signals(sigset_t *set)
{
	/* The kernel raises these for a fault of this process, and they must
	 * not stay pending while blocked; SIGPIPE comes from ctrun's own
	 * writes to a closed pipe. */
	static const int excluded[] = {
		SIGKILL, SIGSTOP, SIGSEGV, SIGBUS, SIGILL, SIGFPE, SIGTRAP, SIGSYS, SIGPIPE,
	};

	sigemptyset(set);
	for (int sig = 1; sig <= SIGRTMAX; sig++) {
		bool skip = false;

		for (size_t i = 0; i < sizeof(excluded) / sizeof(excluded[0]); i++)
			skip = skip || excluded[i] == sig;
		if (!skip)
			(void)sigaddset(set, sig); /* rejects only the two signals glibc keeps for itself */
	}
}

/* Returns true when pid has exited, leaving it waitable (WNOWAIT). */
static bool has_exited(pid_t pid)
{
	siginfo_t info = {0};

	if (waitid(P_PID, (id_t)pid, &info, WEXITED | WNOHANG | WNOWAIT) < 0)
		return errno == ECHILD;
	return info.si_pid == pid;
}

/* The terminal of ctrun's caller, when stdin is one, and its saved mode. */
struct caller_terminal {
	bool raw;
	struct termios saved;
};

/* Raw mode passes every key, Ctrl-C included, to the container's terminal,
 * which applies its own line discipline. */
static void make_raw(struct caller_terminal *caller)
{
	struct termios raw;

	if (!isatty(STDIN_FILENO) || tcgetattr(STDIN_FILENO, &caller->saved) < 0)
		return;
	raw = caller->saved;
	cfmakeraw(&raw);
	caller->raw = tcsetattr(STDIN_FILENO, TCSANOW, &raw) == 0;
}

static void restore_mode(const struct caller_terminal *caller)
{
	if (caller->raw)
		(void)tcsetattr(STDIN_FILENO, TCSANOW, &caller->saved); /* nothing more can be done at exit */
}

void cli_terminal_copy_size(int terminal_fd)
{
	struct winsize size;

	if (ioctl(STDIN_FILENO, TIOCGWINSZ, &size) == 0 || ioctl(STDOUT_FILENO, TIOCGWINSZ, &size) == 0)
		(void)ioctl(terminal_fd, TIOCSWINSZ, &size); /* a failed resize only leaves the old size */
}

static int write_all(int fd, const char *data, size_t length)
{
	while (length > 0) {
		ssize_t n = write(fd, data, length);

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return -errno;
		data += n;
		length -= (size_t)n;
	}
	return 0;
}

/* Copies what from has to to. Returns 1 after copying, 0 at end of input
 * (EIO on a pty master once every slave is closed), or a negative errno. */
static int copy_once(int from, int to)
{
	char buffer[COPY_BUFFER_SIZE];
	ssize_t n = read(from, buffer, sizeof(buffer));

	if (n < 0 && (errno == EINTR || errno == EAGAIN))
		return 1;
	if (n < 0 && errno == EIO)
		return 0;
	if (n < 0)
		return -errno;
	if (n == 0)
		return 0;
	int r = write_all(to, buffer, (size_t)n);
	return r < 0 ? r : 1;
}

/* Copies the output the process left in its terminal when it exited. */
static void drain_terminal(int terminal_fd)
{
	int flags = fcntl(terminal_fd, F_GETFL);

	if (flags < 0 || fcntl(terminal_fd, F_SETFL, flags | O_NONBLOCK) < 0)
		return;
	for (;;) {
		char buffer[COPY_BUFFER_SIZE];
		ssize_t n = read(terminal_fd, buffer, sizeof(buffer));

		if (n <= 0 || write_all(STDOUT_FILENO, buffer, (size_t)n) < 0)
			return;
	}
}

/*
 * Returns true when the kernel sent sig to the whole process group, as a
 * terminal does for Ctrl-C, and pid is in that group: it already got it.
 */
static bool was_sent_to_group(const struct signalfd_siginfo *info, pid_t pid)
{
	return info->ssi_code == SI_KERNEL && getpgid(pid) == getpgrp();
}

/* Handles one signal; returns 0 or a negative errno. */
static int handle_signal(int signal_fd, pid_t pid, int terminal_fd)
{
	struct signalfd_siginfo info;
	ssize_t n = read(signal_fd, &info, sizeof(info));

	if (n < 0 && errno == EINTR)
		return 0;
	if (n != (ssize_t)sizeof(info))
		return n < 0 ? -errno : -EIO;

	int sig = (int)info.ssi_signo;
	if (sig == SIGCHLD)
		return 0;
	/* The kernel signals the terminal's foreground group when its size
	 * changes, so a resize is all that SIGWINCH needs. */
	if (sig == SIGWINCH && terminal_fd >= 0) {
		cli_terminal_copy_size(terminal_fd);
		return 0;
	}
	if (terminal_fd < 0 && was_sent_to_group(&info, pid))
		return 0;
	cli_debug("forwarding signal %d to process %d", sig, (int)pid);
	/* pid is our unreaped child, so it cannot be reused; ESRCH only means
	 * that it is exiting. */
	if (kill(pid, sig) < 0 && errno != ESRCH)
		return -errno;
	return 0;
}

/* Runs the poll loop until pid exits. */
static int proxy_until_exit(pid_t pid, int signal_fd, int terminal_fd)
{
	struct pollfd fds[3] = {
		{.fd = signal_fd, .events = POLLIN},
		{.fd = terminal_fd >= 0 ? STDIN_FILENO : -1, .events = POLLIN},
		{.fd = terminal_fd, .events = POLLIN},
	};

	while (!has_exited(pid)) {
		int r = poll(fds, 3, -1);

		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0)
			return -errno;
		if (fds[0].revents != 0 && (r = handle_signal(signal_fd, pid, terminal_fd)) < 0)
			return r;
		/* At the end of stdin, or when it fails, the process keeps its
		 * terminal and ctrun stops reading. */
		if (fds[1].revents != 0 && copy_once(STDIN_FILENO, terminal_fd) <= 0)
			fds[1].fd = -1;
		if (fds[2].revents != 0 && copy_once(terminal_fd, STDOUT_FILENO) <= 0)
			fds[2].fd = -1;
	}
	return 0;
}

int cli_foreground_wait(pid_t pid, int signal_fd, int terminal_fd)
{
	struct caller_terminal caller = {0};

	if (terminal_fd >= 0) {
		make_raw(&caller);
		cli_terminal_copy_size(terminal_fd);
	}
	int r = proxy_until_exit(pid, signal_fd, terminal_fd);
	if (terminal_fd >= 0)
		drain_terminal(terminal_fd);
	restore_mode(&caller);
	return r;
}

int cli_exit_status_of(int wait_status)
{
	if (WIFEXITED(wait_status))
		return WEXITSTATUS(wait_status);
	if (WIFSIGNALED(wait_status))
		return 128 + WTERMSIG(wait_status);
	return CLI_EXIT_FAILURE;
}
