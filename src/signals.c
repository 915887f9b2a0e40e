/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Signal names for `kill`. Callers send a number (containerd, Podman) or a
 * name such as "KILL" (CRI-O), so both forms are accepted.
 */
#include <errno.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "ctrun.h"

struct signal_name {
	const char *name;
	int number;
};

/* The Linux signals by name, without "SIG"; aliases follow the main name so
 * that cli_signal_name() finds the main one first. */
static const struct signal_name signal_names[] = {
	{"HUP", SIGHUP},       {"INT", SIGINT},       {"QUIT", SIGQUIT},     {"ILL", SIGILL},
	{"TRAP", SIGTRAP},     {"ABRT", SIGABRT},     {"IOT", SIGIOT},       {"BUS", SIGBUS},
	{"FPE", SIGFPE},       {"KILL", SIGKILL},     {"USR1", SIGUSR1},     {"SEGV", SIGSEGV},
	{"USR2", SIGUSR2},     {"PIPE", SIGPIPE},     {"ALRM", SIGALRM},     {"TERM", SIGTERM},
	{"STKFLT", SIGSTKFLT}, {"CHLD", SIGCHLD},     {"CLD", SIGCHLD},      {"CONT", SIGCONT},
	{"STOP", SIGSTOP},     {"TSTP", SIGTSTP},     {"TTIN", SIGTTIN},     {"TTOU", SIGTTOU},
	{"URG", SIGURG},       {"XCPU", SIGXCPU},     {"XFSZ", SIGXFSZ},     {"VTALRM", SIGVTALRM},
	{"PROF", SIGPROF},     {"WINCH", SIGWINCH},   {"IO", SIGIO},         {"POLL", SIGPOLL},
	{"PWR", SIGPWR},       {"SYS", SIGSYS},
};

/* Parses the N of "RTMIN+N" or "RTMAX-N" (rest is the text after the name)
 * and returns the signal, or -EINVAL when it is outside the real-time range. */
static int parse_realtime(const char *rest, int base, int direction)
{
	int offset = 0;

	if (rest[0] != '\0') {
		if (rest[0] != (direction > 0 ? '+' : '-') || !cli_parse_uint(rest + 1, &offset))
			return -EINVAL;
	}
	if (offset > SIGRTMAX - SIGRTMIN)
		return -EINVAL;
	return base + direction * offset;
}

int cli_signal_parse(const char *text)
{
	int number;

	if (text[0] >= '0' && text[0] <= '9') {
		/* 0 sends nothing and only checks that the process exists, as kill(2) does. */
		if (!cli_parse_uint(text, &number) || number > SIGRTMAX)
			return -EINVAL;
		return number;
	}

	if (strncasecmp(text, "SIG", 3) == 0)
		text += 3;
	for (size_t i = 0; i < sizeof(signal_names) / sizeof(signal_names[0]); i++)
		if (strcasecmp(text, signal_names[i].name) == 0)
			return signal_names[i].number;

	if (strncasecmp(text, "RTMIN", 5) == 0)
		return parse_realtime(text + 5, SIGRTMIN, 1);
	if (strncasecmp(text, "RTMAX", 5) == 0)
		return parse_realtime(text + 5, SIGRTMAX, -1);
	return -EINVAL;
}

const char *cli_signal_name(int sig)
{
	for (size_t i = 0; i < sizeof(signal_names) / sizeof(signal_names[0]); i++)
		if (signal_names[i].number == sig)
			return signal_names[i].name;
	return NULL;
}
