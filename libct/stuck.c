/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Names the processes that keep a cgroup busy, for the error of a delete
 * that gave up waiting. A process in uninterruptible sleep (state D) does
 * not die of SIGKILL until the kernel call it waits in returns. The caller
 * needs its pid to find out why.
 */
#include <dirent.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>

#include "cgroup-internal.h"

/* At most this many pids are named; the rest are counted. */
#define STUCK_NAMED_MAX 8

struct stuck_list {
	char *text;
	size_t size;
	size_t len;
	size_t named;
	size_t more;
};

static const char *describe_state(char state)
{
	switch (state) {
	case 'D': return "uninterruptible sleep";
	case 'Z': return "zombie, not reaped yet";
	case 'T': case 't': return "stopped";
	case 'R': return "running";
	case 'S': return "sleeping";
	default: return "exiting";
	}
}

/* Reads field 3 of /proc/PID/stat; the command name before it may hold
 * spaces and parentheses, so the state follows the last ')'. */
static char read_state(long pid)
{
	char path[64];
	(void)snprintf(path, sizeof(path), "/proc/%ld/stat", pid);
	_cleanup_free_ char *data = NULL;
	if (ct_read_file_at(AT_FDCWD, path, 4096, &data, NULL, NULL) < 0)
		return '?';
	const char *paren = strrchr(data, ')');
	return paren != NULL && paren[1] == ' ' ? paren[2] : '?';
}

static void add_pid(struct stuck_list *list, long pid)
{
	if (list->named == STUCK_NAMED_MAX) {
		list->more++;
		return;
	}
	char state = read_state(pid);
	int n = snprintf(list->text + list->len, list->size - list->len, "%s%ld (state %c, %s)",
			 list->named > 0 ? ", " : "", pid, state, describe_state(state));
	if (n > 0 && (size_t)n < list->size - list->len)
		list->len += (size_t)n;
	list->named++;
}

static void collect(const char *dir, struct stuck_list *list, int depth)
{
	_cleanup_free_ char *procs = NULL;
	if (ct_cgroup_read(dir, "cgroup.procs", &procs, NULL) == 0) {
		char *save = NULL;
		for (char *line = strtok_r(procs, "\n", &save); line != NULL; line = strtok_r(NULL, "\n", &save))
			add_pid(list, strtol(line, NULL, 10));
	}
	/* Sub-cgroups deeper than this are not worth a longer message. */
	if (depth >= 16)
		return;
	DIR *d = opendir(dir);
	if (d == NULL)
		return;
	struct dirent *entry;
	while ((entry = readdir(d)) != NULL) {
		if (entry->d_type != DT_DIR || entry->d_name[0] == '.')
			continue;
		_cleanup_free_ char *child = ct_asprintf("%s/%s", dir, entry->d_name);
		collect(child, list, depth + 1);
	}
	closedir(d);
}

int ct_cgroup_busy_error(const char *dir, int timeout_ms, struct libct_error *err)
{
	char text[1024] = "";
	struct stuck_list list = { .text = text, .size = sizeof(text) };
	collect(dir, &list, 0);
	if (list.named == 0)
		return ct_error_set(err, EBUSY,
				    "remove cgroup \"%s\": still busy after %d seconds, because processes "
				    "are still exiting",
				    dir, timeout_ms / 1000);
	char more[64] = "";
	if (list.more > 0)
		(void)snprintf(more, sizeof(more), " and %zu more", list.more);
	return ct_error_set(err, EBUSY, "remove cgroup \"%s\": still busy after %d seconds, because %s %s%s %s "
			    "still in it after SIGKILL",
			    dir, timeout_ms / 1000, list.named + list.more == 1 ? "process" : "processes", text, more,
			    list.named + list.more == 1 ? "is" : "are");
}
