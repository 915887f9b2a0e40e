/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Measures what protecting the runtime binary costs (docs/security.md).
 *
 *   cc -O2 -Ilibct -Ispec -Ibuild -o /tmp/exeseal bench/exeseal.c \
 *      build/libct/libct.a build/spec/libctspec.a -lseccomp -lyajl
 *   /tmp/exeseal make BINARY N
 *   /tmp/exeseal exec N 'VIEW|BINARY|ARG0 ARG...' ...
 *
 * "make" times ct_exeseal_overlay(), ct_exeseal_memfd() and a read-only
 * bind mount of BINARY N times each in this process, and the close that
 * releases each view. "exec" forks and executes each variant in turn, N
 * rounds, through VIEW (none, overlay, memfd or bind), so that a change in
 * the machine's load hits every variant alike. Each prints medians: wall
 * time, and for "exec" the child's user plus system time.
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "exeseal.h"

extern char **environ;

struct variant {
	const char *spec;
	const char *view;
	const char *binary;
	char *argv[32];
	double *wall;
	double *cpu;
};

static double now_us(clockid_t clock)
{
	struct timespec t;
	clock_gettime(clock, &t);
	return (double)t.tv_sec * 1e6 + (double)t.tv_nsec / 1e3;
}

static int compare(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return x < y ? -1 : x > y;
}

static double median(double *samples, int n)
{
	qsort(samples, (size_t)n, sizeof(double), compare);
	return samples[n / 2];
}

static int open_bind(int exe)
{
	struct mount_attr attr = { .attr_set = MOUNT_ATTR_RDONLY | MOUNT_ATTR_NODEV };
	int fd = open_tree(exe, "", AT_EMPTY_PATH | OPEN_TREE_CLONE | OPEN_TREE_CLOEXEC);
	if (fd >= 0 && mount_setattr(fd, "", AT_EMPTY_PATH, &attr, sizeof(attr)) < 0) {
		close(fd);
		return -1;
	}
	return fd;
}

/* Returns an fd of binary through view, or -1. */
static int open_view(const char *view, const char *binary)
{
	int exe = open(binary, O_RDONLY | O_CLOEXEC), fd = -1;

	if (exe < 0 || strcmp(view, "none") == 0)
		return exe;
	if (strcmp(view, "overlay") == 0)
		(void)ct_exeseal_overlay(exe, &fd, NULL);
	else if (strcmp(view, "memfd") == 0)
		(void)ct_exeseal_memfd(exe, &fd, NULL);
	else if (strcmp(view, "bind") == 0)
		fd = open_bind(exe);
	close(exe);
	return fd;
}

static int run_make(const char *binary, int n)
{
	static const char *const views[] = { "overlay", "memfd", "bind" };
	double *make = calloc((size_t)n, sizeof(double)), *cpu = calloc((size_t)n, sizeof(double));
	double *release = calloc((size_t)n, sizeof(double));

	for (size_t v = 0; v < sizeof(views) / sizeof(views[0]); v++) {
		for (int i = 0; i < n; i++) {
			double wall0 = now_us(CLOCK_MONOTONIC), cpu0 = now_us(CLOCK_THREAD_CPUTIME_ID);
			int fd = open_view(views[v], binary);
			make[i] = now_us(CLOCK_MONOTONIC) - wall0;
			cpu[i] = now_us(CLOCK_THREAD_CPUTIME_ID) - cpu0;
			if (fd < 0) {
				fprintf(stderr, "exeseal: view %s of %s failed\n", views[v], binary);
				return 1;
			}
			wall0 = now_us(CLOCK_MONOTONIC);
			close(fd);
			release[i] = now_us(CLOCK_MONOTONIC) - wall0;
		}
		printf("%-8s n=%d make wall %.1f us, make cpu %.1f us, release wall %.1f us\n", views[v], n,
		       median(make, n), median(cpu, n), median(release, n));
	}
	return 0;
}

static void parse_variant(struct variant *v, char *spec, int n)
{
	int k = 0;

	v->spec = strdup(spec);
	v->view = strsep(&spec, "|");
	v->binary = strsep(&spec, "|");
	for (char *arg; k < 31 && (arg = strsep(&spec, " ")) != NULL;)
		if (arg[0] != '\0')
			v->argv[k++] = arg;
	v->wall = calloc((size_t)n, sizeof(double));
	v->cpu = calloc((size_t)n, sizeof(double));
}

/* Runs one variant once; returns -1 when the child failed. */
static int run_once(struct variant *v, int i)
{
	struct rusage usage;
	int status;

	double wall0 = now_us(CLOCK_MONOTONIC);
	pid_t pid = fork();
	if (pid == 0) {
		int fd = open_view(v->view, v->binary);
		int null = open("/dev/null", O_WRONLY);
		dup2(null, STDOUT_FILENO);
		dup2(null, STDERR_FILENO);
		syscall(SYS_execveat, fd, "", v->argv, environ, AT_EMPTY_PATH);
		_exit(127);
	}
	if (pid < 0 || wait4(pid, &status, 0, &usage) < 0)
		return -1;
	v->wall[i] = now_us(CLOCK_MONOTONIC) - wall0;
	v->cpu[i] = (double)(usage.ru_utime.tv_sec + usage.ru_stime.tv_sec) * 1e6 +
		    (double)(usage.ru_utime.tv_usec + usage.ru_stime.tv_usec);
	return WIFEXITED(status) && WEXITSTATUS(status) != 127 ? 0 : -1;
}

static int run_exec(int n, int count, char **specs)
{
	struct variant *variants = calloc((size_t)count, sizeof(struct variant));

	for (int v = 0; v < count; v++)
		parse_variant(&variants[v], specs[v], n);
	for (int i = 0; i < n; i++)
		for (int v = 0; v < count; v++)
			if (run_once(&variants[v], i) < 0) {
				fprintf(stderr, "exeseal: %s failed\n", variants[v].spec);
				return 1;
			}
	for (int v = 0; v < count; v++)
		printf("%s: n=%d wall %.1f us, cpu %.1f us\n", variants[v].spec, n, median(variants[v].wall, n),
		       median(variants[v].cpu, n));
	return 0;
}

int main(int argc, char **argv)
{
	if (argc >= 4 && strcmp(argv[1], "make") == 0)
		return run_make(argv[2], atoi(argv[3]));
	if (argc >= 4 && strcmp(argv[1], "exec") == 0)
		return run_exec(atoi(argv[2]), argc - 3, argv + 3);
	fprintf(stderr, "usage: exeseal make BINARY N | exeseal exec N 'VIEW|BINARY|ARG0 ARG...'...\n");
	return 2;
}
