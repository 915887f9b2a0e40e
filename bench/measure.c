/* SPDX-License-Identifier: Apache-2.0 */
/*
 * measure: the timing helper of the benchmark harness (bench/run.sh).
 *
 * It starts commands and measures them from C, so that the fork, the exec of the helper and the
 * Python driver's own overhead stay outside the measured interval. Every mode prints one JSON
 * object on stdout; times are in nanoseconds of CLOCK_MONOTONIC.
 *
 *   measure time [-c CGROUP_DIR] [-e STDERR_FILE] -- ARGV...
 *       Run ARGV once.  With -c, the child enters the cgroup v1 memory cgroup CGROUP_DIR before
 *       the clock starts, and the output contains that cgroup's memory.max_usage_in_bytes after
 *       the command has exited.
 *   measure lifecycle -p PID_FILE [-e STDERR_FILE] -- CREATE_ARGV -- START_ARGV -- DELETE_ARGV
 *       Run create, then start, wait for the container process named in PID_FILE to exit, then
 *       run delete.  The helper is a child subreaper, so the container process, whose runtime
 *       parent exits after create, becomes its child and can be waited for without polling.
 *   measure concurrent -n COUNT [-e STDERR_FILE] -- ARGV...
 *       Start COUNT copies of ARGV at the same instant; "{}" in an argument is replaced by the
 *       copy's index.  Prints the wall time and the latency of each copy.
 *
 * The children get /dev/null as stdin and stdout, and STDERR_FILE (appended) or /dev/null as
 * stderr.
 */

#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <inttypes.h>
#include <signal.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define MAX_CONCURRENT 4096

struct child {
	pid_t pid;
	int status;
	long maxrss_kib;
	uint64_t end_ns;
};

static const char *stderr_path;

static void die(const char *operation)
{
	fprintf(stderr, "measure: %s failed: %s\n", operation, strerror(errno));
	exit(125);
}

static uint64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

/* Returns the exit code, or 128 + the signal number for a killed process, as shells do. */
static int decode_status(int status)
{
	if (WIFEXITED(status))
		return WEXITSTATUS(status);
	if (WIFSIGNALED(status))
		return 128 + WTERMSIG(status);
	return 255;
}

static void redirect_stdio(void)
{
	int null_fd = open("/dev/null", O_RDWR | O_CLOEXEC);
	if (null_fd < 0)
		die("open /dev/null");
	int err_fd = null_fd;
	if (stderr_path != NULL) {
		err_fd = open(stderr_path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
		if (err_fd < 0)
			die("open the stderr file");
	}
	if (dup2(null_fd, STDIN_FILENO) < 0 || dup2(null_fd, STDOUT_FILENO) < 0 ||
	    dup2(err_fd, STDERR_FILENO) < 0)
		die("dup2");
}

/*
 * Forks a child that waits until gate_fd reaches end of file, then runs argv. The gate lets the
 * parent move the child into a cgroup and start the clock before the exec.
 */
static pid_t spawn_gated(char *const argv[], int gate_fd, int gate_write_fd)
{
	pid_t pid = fork();
	if (pid < 0)
		die("fork");
	if (pid > 0)
		return pid;

	close(gate_write_fd);
	char byte;
	while (read(gate_fd, &byte, 1) < 0 && errno == EINTR)
		;
	redirect_stdio();
	execvp(argv[0], argv);
	fprintf(stderr, "measure: exec \"%s\": %s\n", argv[0], strerror(errno));
	_exit(127);
}

static int write_file(const char *path, const char *text)
{
	int fd = open(path, O_WRONLY | O_CLOEXEC);
	if (fd < 0 || write(fd, text, strlen(text)) < 0) {
		fprintf(stderr, "measure: write \"%s\" failed: %s\n", path, strerror(errno));
		if (fd >= 0)
			close(fd);
		return -1;
	}
	close(fd);
	return 0;
}

static long long read_number(const char *path)
{
	char buf[64] = "";
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -1;
	ssize_t n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	if (n <= 0)
		return -1;
	return strtoll(buf, NULL, 10);
}

static int wait_child(pid_t pid, int *ret_status, long *ret_maxrss_kib)
{
	struct rusage usage;
	pid_t r;

	do
		r = wait4(pid, ret_status, 0, &usage);
	while (r < 0 && errno == EINTR);
	if (r < 0)
		return -errno;
	if (ret_maxrss_kib != NULL)
		*ret_maxrss_kib = usage.ru_maxrss;
	return 0;
}

/* Runs argv once between two clock readings and returns the elapsed time. */
static uint64_t run_timed(char *const argv[], const char *cgroup_dir, struct child *ret_child)
{
	int gate[2];
	if (pipe2(gate, O_CLOEXEC) < 0)
		die("pipe2");
	pid_t pid = spawn_gated(argv, gate[0], gate[1]);
	close(gate[0]);

	if (cgroup_dir != NULL) {
		char path[4096], pid_text[32];
		snprintf(path, sizeof(path), "%s/cgroup.procs", cgroup_dir);
		snprintf(pid_text, sizeof(pid_text), "%d\n", (int)pid);
		if (write_file(path, pid_text) < 0) {
			/* The child must not run outside the cgroup that it was meant to be measured in. */
			kill(pid, SIGKILL);
			exit(125);
		}
	}

	uint64_t start = now_ns();
	close(gate[1]);
	if (wait_child(pid, &ret_child->status, &ret_child->maxrss_kib) < 0)
		die("wait4");
	ret_child->end_ns = now_ns();
	ret_child->pid = pid;
	return ret_child->end_ns - start;
}

static int cmd_time(int argc, char *argv[])
{
	const char *cgroup_dir = NULL;
	int opt;

	while ((opt = getopt(argc, argv, "+c:e:")) != -1) {
		switch (opt) {
		case 'c':
			cgroup_dir = optarg;
			break;
		case 'e':
			stderr_path = optarg;
			break;
		default:
			return 2;
		}
	}
	if (optind >= argc) {
		fprintf(stderr, "measure time: missing the command to run\n");
		return 2;
	}

	struct child child;
	uint64_t elapsed = run_timed(argv + optind, cgroup_dir, &child);
	long long peak = -1;
	if (cgroup_dir != NULL) {
		char path[4096];
		snprintf(path, sizeof(path), "%s/memory.max_usage_in_bytes", cgroup_dir);
		peak = read_number(path);
	}
	printf("{\"ns\": %" PRIu64 ", \"status\": %d, \"maxrss_kib\": %ld, \"cgroup_peak_bytes\": %lld}\n",
	       elapsed, decode_status(child.status), child.maxrss_kib, peak);
	return 0;
}

/* Splits argv at "--" separators into at most max_parts NULL-terminated vectors. */
static int split_commands(int argc, char *argv[], char **parts[], int max_parts)
{
	int count = 0;
	int i = 0;

	while (i < argc && count < max_parts) {
		if (strcmp(argv[i], "--") == 0) {
			i++;
			continue;
		}
		parts[count++] = argv + i;
		while (i < argc && strcmp(argv[i], "--") != 0)
			i++;
		if (i < argc)
			argv[i++] = NULL;
	}
	return count;
}

static pid_t read_pid_file(const char *path)
{
	long long pid = read_number(path);
	return pid > 0 ? (pid_t)pid : -1;
}

/* Reaps every zombie that was reparented to this subreaper, without blocking. */
static void reap_orphans(void)
{
	while (waitpid(-1, NULL, WNOHANG) > 0)
		;
}

static int cmd_lifecycle(int argc, char *argv[])
{
	const char *pid_file = NULL;
	int opt;

	while ((opt = getopt(argc, argv, "+p:e:")) != -1) {
		switch (opt) {
		case 'p':
			pid_file = optarg;
			break;
		case 'e':
			stderr_path = optarg;
			break;
		default:
			return 2;
		}
	}
	char **commands[3];
	if (pid_file == NULL || split_commands(argc - optind, argv + optind, commands, 3) != 3) {
		fprintf(stderr, "measure lifecycle: usage: -p PID_FILE -- CREATE -- START -- DELETE\n");
		return 2;
	}
	if (prctl(PR_SET_CHILD_SUBREAPER, 1) < 0)
		die("prctl PR_SET_CHILD_SUBREAPER");

	struct child create, start, delete;
	uint64_t create_ns = run_timed(commands[0], NULL, &create);
	uint64_t start_ns = 0, wait_ns = 0, delete_ns = 0;
	int start_status = -1, delete_status = -1;
	pid_t container_pid = read_pid_file(pid_file);

	if (decode_status(create.status) == 0 && container_pid > 0) {
		start_ns = run_timed(commands[1], NULL, &start);
		start_status = decode_status(start.status);

		uint64_t wait_start = now_ns();
		int container_status;
		/* ECHILD means the process is not ours (it was never reparented here), so poll. */
		if (wait_child(container_pid, &container_status, NULL) < 0)
			while (kill(container_pid, 0) == 0)
				usleep(1000);
		wait_ns = now_ns() - wait_start;
		reap_orphans();
	}
	delete_ns = run_timed(commands[2], NULL, &delete);
	delete_status = decode_status(delete.status);
	reap_orphans();

	printf("{\"create_ns\": %" PRIu64 ", \"start_ns\": %" PRIu64 ", \"wait_ns\": %" PRIu64
	       ", \"delete_ns\": %" PRIu64 ", \"create_status\": %d, \"start_status\": %d, "
	       "\"delete_status\": %d, \"container_pid\": %d}\n",
	       create_ns, start_ns, wait_ns, delete_ns, decode_status(create.status), start_status,
	       delete_status, (int)container_pid);
	return 0;
}

/* Copies argv with every "{}" argument replaced by index; other arguments are shared. */
static char **expand_argv(char *const argv[], int argc, int index)
{
	char **copy = calloc((size_t)argc + 1, sizeof(*copy));
	if (copy == NULL)
		die("calloc");
	for (int i = 0; i < argc; i++) {
		const char *mark = strstr(argv[i], "{}");
		if (mark == NULL) {
			copy[i] = argv[i];
			continue;
		}
		if (asprintf(&copy[i], "%.*s%d%s", (int)(mark - argv[i]), argv[i], index, mark + 2) < 0)
			die("asprintf");
	}
	return copy;
}

static int find_child(const struct child *children, int count, pid_t pid)
{
	for (int i = 0; i < count; i++)
		if (children[i].pid == pid)
			return i;
	return -1;
}

static int cmd_concurrent(int argc, char *argv[])
{
	int count = 0;
	int opt;

	while ((opt = getopt(argc, argv, "+n:e:")) != -1) {
		switch (opt) {
		case 'n':
			count = atoi(optarg);
			break;
		case 'e':
			stderr_path = optarg;
			break;
		default:
			return 2;
		}
	}
	if (count <= 0 || count > MAX_CONCURRENT || optind >= argc) {
		fprintf(stderr, "measure concurrent: usage: -n COUNT (1 to %d) -- ARGV...\n", MAX_CONCURRENT);
		return 2;
	}

	int gate[2];
	if (pipe2(gate, O_CLOEXEC) < 0)
		die("pipe2");
	struct child *children = calloc((size_t)count, sizeof(*children));
	if (children == NULL)
		die("calloc");
	for (int i = 0; i < count; i++)
		children[i].pid = spawn_gated(expand_argv(argv + optind, argc - optind, i), gate[0], gate[1]);
	close(gate[0]);

	uint64_t start = now_ns();
	close(gate[1]);
	for (int done = 0; done < count;) {
		int status;
		struct rusage usage;
		pid_t pid = wait4(-1, &status, 0, &usage);
		if (pid < 0) {
			if (errno == EINTR)
				continue;
			die("wait4");
		}
		int i = find_child(children, count, pid);
		if (i < 0)
			continue;
		children[i].end_ns = now_ns();
		children[i].status = status;
		done++;
	}
	uint64_t wall = now_ns() - start;

	int failures = 0;
	printf("{\"wall_ns\": %" PRIu64 ", \"latency_ns\": [", wall);
	for (int i = 0; i < count; i++) {
		printf("%s%" PRIu64, i == 0 ? "" : ", ", children[i].end_ns - start);
		if (decode_status(children[i].status) != 0)
			failures++;
	}
	printf("], \"failures\": %d}\n", failures);
	return 0;
}

int main(int argc, char *argv[])
{
	if (argc < 2) {
		fprintf(stderr, "usage: measure time|lifecycle|concurrent OPTIONS -- COMMAND...\n");
		return 2;
	}
	if (strcmp(argv[1], "time") == 0)
		return cmd_time(argc - 1, argv + 1);
	if (strcmp(argv[1], "lifecycle") == 0)
		return cmd_lifecycle(argc - 1, argv + 1);
	if (strcmp(argv[1], "concurrent") == 0)
		return cmd_concurrent(argc - 1, argv + 1);
	fprintf(stderr, "measure: unknown mode \"%s\"; expected time, lifecycle or concurrent\n", argv[1]);
	return 2;
}
