/* SPDX-License-Identifier: Apache-2.0 */
/*
 * ctprobe: the process that the integration tests run inside containers.
 *
 * Each subcommand prints facts about the process as `key=value` lines on
 * stdout, or reports through its exit status, so that a bats test can check
 * one value with a plain string comparison. It is linked statically so that
 * it runs in the busybox rootfs, which has no shared libraries.
 *
 * Exit status: 0 on success, 1 when the probed operation failed (the errno
 * name is printed as `errno=NAME`), 2 for a usage error.
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE /* strerrorname_np and utsname.domainname; meson already defines it */
#endif
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <sched.h>
#include <string.h>
#include <strings.h>
#include <sys/personality.h>
#include <sys/ioctl.h>
#include <sys/mount.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/sysmacros.h>
#include <sys/types.h>
#include <sys/utsname.h>
#include <sys/xattr.h>
#include <time.h>
#include <unistd.h>

#define EXIT_USAGE 2

struct command {
	const char *name;
	int min_args;
	const char *usage;
	int (*run)(char **args);
};

static int fail_errno(const char *operation, const char *object)
{
	int saved = errno;

	printf("errno=%s\n", strerrorname_np(saved) ? strerrorname_np(saved) : "unknown");
	fprintf(stderr, "ctprobe: %s \"%s\": %s\n", operation, object, strerror(saved));
	return EXIT_FAILURE;
}

/* Copies a file to stdout unchanged. */
static int print_file(const char *path)
{
	char buffer[4096];
	ssize_t n;
	int fd;

	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return fail_errno("open", path);
	while ((n = read(fd, buffer, sizeof(buffer))) > 0) {
		if (fwrite(buffer, 1, (size_t)n, stdout) != (size_t)n)
			break;
	}
	close(fd);
	return n < 0 ? fail_errno("read", path) : EXIT_SUCCESS;
}

/*
 * Prints the value of each /proc/self/status field named in fields[i] as
 * `keys[i]=value`. A field that the kernel does not report is printed with
 * the value "absent".
 */
static int print_status_fields(const char *const *fields, const char *const *keys, size_t count)
{
	char line[1024];
	bool found[16] = { false };
	FILE *status;

	status = fopen("/proc/self/status", "re");
	if (!status)
		return fail_errno("open", "/proc/self/status");
	while (fgets(line, sizeof(line), status)) {
		for (size_t i = 0; i < count; i++) {
			size_t length = strlen(fields[i]);
			if (strncmp(line, fields[i], length) != 0 || line[length] != ':')
				continue;
			char *value = line + length + 1;
			value += strspn(value, " \t");
			value[strcspn(value, "\n")] = '\0';
			printf("%s=%s\n", keys[i], value);
			found[i] = true;
		}
	}
	fclose(status);
	for (size_t i = 0; i < count; i++) {
		if (!found[i])
			printf("%s=absent\n", keys[i]);
	}
	return EXIT_SUCCESS;
}

static int run_hostname(char **args)
{
	struct utsname name;

	if (uname(&name) < 0)
		return fail_errno("uname", "hostname");
	printf("hostname=%s\n", name.nodename);
	return EXIT_SUCCESS;
}

static int run_domainname(char **args)
{
	struct utsname name;

	if (uname(&name) < 0)
		return fail_errno("uname", "domainname");
	printf("domainname=%s\n", name.domainname);
	return EXIT_SUCCESS;
}

static int run_id(char **args)
{
	gid_t groups[NGROUPS_MAX];
	int count;

	count = getgroups(NGROUPS_MAX, groups);
	if (count < 0)
		return fail_errno("getgroups", "self");
	printf("uid=%u\neuid=%u\ngid=%u\negid=%u\ngroups=", getuid(), geteuid(), getgid(), getegid());
	for (int i = 0; i < count; i++)
		printf("%s%u", i > 0 ? "," : "", groups[i]);
	printf("\n");
	return EXIT_SUCCESS;
}

static int run_caps(char **args)
{
	static const char *const fields[] = { "CapInh", "CapPrm", "CapEff", "CapBnd", "CapAmb" };
	static const char *const keys[] = { "inheritable", "permitted", "effective", "bounding", "ambient" };

	return print_status_fields(fields, keys, 5);
}

static int run_nnp(char **args)
{
	int value = prctl(PR_GET_NO_NEW_PRIVS, 0, 0, 0, 0);

	if (value < 0)
		return fail_errno("prctl", "PR_GET_NO_NEW_PRIVS");
	printf("no_new_privs=%d\n", value);
	return EXIT_SUCCESS;
}

/* Reads the mode from /proc because prctl(PR_GET_SECCOMP) kills a process in strict mode. */
static int run_seccomp(char **args)
{
	static const char *const fields[] = { "Seccomp", "Seccomp_filters" };
	static const char *const keys[] = { "seccomp", "seccomp_filters" };

	return print_status_fields(fields, keys, 2);
}

/* Seccomp tests check the errno or the success of one syscall. */
static int run_mkdir(char **args)
{
	if (mkdir(args[0], 0755) < 0)
		return fail_errno("mkdir", args[0]);
	printf("mkdir=%s\n", args[0]);
	return EXIT_SUCCESS;
}

static int run_personality(char **args)
{
	int previous = personality(strtoul(args[0], NULL, 0));

	if (previous < 0)
		return fail_errno("personality", args[0]);
	printf("personality=%#x\n", (unsigned)previous);
	return EXIT_SUCCESS;
}

/* Prints the scheduling policy, nice value and real-time priority. */
static int run_sched(char **args)
{
	struct sched_param param;
	int policy = sched_getscheduler(0);

	if (policy < 0 || sched_getparam(0, &param) < 0)
		return fail_errno("sched_getscheduler", "self");
	errno = 0;
	int nice = getpriority(PRIO_PROCESS, 0);
	if (nice == -1 && errno != 0)
		return fail_errno("getpriority", "self");
	printf("policy=%d\nreset_on_fork=%d\nnice=%d\npriority=%d\n", policy & ~SCHED_RESET_ON_FORK,
	       (policy & SCHED_RESET_ON_FORK) != 0, nice, param.sched_priority);
	return EXIT_SUCCESS;
}

/* Prints the I/O priority class and level (ioprio_get(2), IOPRIO_WHO_PROCESS). */
static int run_ioprio(char **args)
{
	long value = syscall(SYS_ioprio_get, 1, 0);

	if (value < 0)
		return fail_errno("ioprio_get", "self");
	printf("class=%ld\nlevel=%ld\n", value >> 13, value & 0xff);
	return EXIT_SUCCESS;
}

/* Prints the CPUs the process may run on, as a sorted list of numbers. */
static int run_affinity(char **args)
{
	cpu_set_t set;

	if (sched_getaffinity(0, sizeof(set), &set) < 0)
		return fail_errno("sched_getaffinity", "self");
	printf("cpus=");
	for (int cpu = 0, first = 1; cpu < CPU_SETSIZE; cpu++) {
		if (!CPU_ISSET(cpu, &set))
			continue;
		printf(first ? "%d" : ",%d", cpu);
		first = 0;
	}
	printf("\n");
	return EXIT_SUCCESS;
}

/* Prints the NUMA memory policy mode, its flags and the node mask. */
static int run_mempolicy(char **args)
{
	int mode = -1;
	unsigned long nodes[16] = { 0 };

	if (syscall(SYS_get_mempolicy, &mode, nodes, 8 * sizeof(nodes), NULL, 0UL) < 0)
		return fail_errno("get_mempolicy", "self");
	printf("mode=%d\nflags=%#x\nnodes=%#lx\n", mode & 0xff, (unsigned)mode & ~0xffU, nodes[0]);
	return EXIT_SUCCESS;
}

/* Prints the description of the session keyring (keyctl KEYCTL_DESCRIBE). */
static int run_keyring(char **args)
{
	char description[256];
	long id = syscall(SYS_keyctl, 0 /* KEYCTL_GET_KEYRING_ID */, -3 /* session */, 0);

	if (id < 0)
		return fail_errno("keyctl", "session keyring");
	long n = syscall(SYS_keyctl, 6 /* KEYCTL_DESCRIBE */, id, description, sizeof(description) - 1);
	if (n < 0)
		return fail_errno("keyctl describe", "session keyring");
	description[n < (long)sizeof(description) ? n : (long)sizeof(description) - 1] = '\0';
	/* type;uid;gid;perm;name */
	const char *name = strrchr(description, ';');
	printf("keyring=%s\n", name ? name + 1 : description);
	return EXIT_SUCCESS;
}

/* Writes the first byte of fd back in place: a write that changes nothing,
 * so a probe that succeeds does not damage the binary it reached. */
static const char *try_write(int fd)
{
	char byte;

	if (pread(fd, &byte, 1, 0) != 1 || pwrite(fd, &byte, 1, 0) != 1)
		return strerrorname_np(errno);
	return "written";
}

/* Tries to reach a process's executable the ways CVE-2019-5736 did: opened
 * for writing, and opened O_PATH then reopened through /proc/self/fd.
 * Prints the link target and one result per way; exit status 0 only if
 * no write went through. */
static int run_exe(char **args)
{
	char path[PATH_MAX], target[PATH_MAX], again[64];
	const char *result;
	int written = 0;

	snprintf(path, sizeof(path), "/proc/%s/exe", args[0]);
	ssize_t length = readlink(path, target, sizeof(target) - 1);
	target[length > 0 ? length : 0] = '\0';
	printf("target=%s\n", length > 0 ? target : strerrorname_np(errno));

	int fd = open(path, O_RDWR | O_CLOEXEC);
	result = fd >= 0 ? try_write(fd) : strerrorname_np(errno);
	printf("write=%s\n", result);
	written |= strcmp(result, "written") == 0;
	if (fd >= 0)
		close(fd);

	fd = open(path, O_PATH | O_CLOEXEC);
	printf("path=%s\n", fd >= 0 ? "opened" : strerrorname_np(errno));
	if (fd >= 0) {
		snprintf(again, sizeof(again), "/proc/self/fd/%d", fd);
		int writable = open(again, O_RDWR | O_CLOEXEC);
		result = writable >= 0 ? try_write(writable) : strerrorname_np(errno);
		printf("reopen=%s\n", result);
		written |= strcmp(result, "written") == 0;
		if (writable >= 0)
			close(writable);
		close(fd);
	}
	return written ? EXIT_FAILURE : EXIT_SUCCESS;
}

/* Prints "written" when fd takes a write, else the errno name of the
 * failed open or write; path is reopened for reading and writing. */
static const char *try_reopen(const char *path)
{
	int fd = open(path, O_RDWR | O_CLOEXEC);
	if (fd < 0)
		return strerrorname_np(errno);
	const char *result = try_write(fd);
	close(fd);
	return result;
}

/* Clears the read-only flag of the mount that fd is the root of. */
static const char *try_clear_rdonly(int fd)
{
	struct mount_attr attr = { .attr_clr = MOUNT_ATTR_RDONLY };

	if (mount_setattr(fd, "", AT_EMPTY_PATH, &attr, sizeof(attr)) < 0)
		return strerrorname_np(errno);
	return "cleared";
}

/* Waits up to 10 seconds for process pid to be gone. */
static void wait_gone(const char *pid)
{
	char path[64];

	snprintf(path, sizeof(path), "/proc/%s", pid);
	for (int i = 0; i < 1000 && access(path, F_OK) == 0; i++)
		usleep(10000);
}

/* Tries to make fd's mount writable, to clone it and make the clone
 * writable, and to pick its superblock; prints one result per way. */
static void attack_mount(int fd, int *written)
{
	char again[64];

	printf("setattr=%s\n", try_clear_rdonly(fd));
	int clone = open_tree(fd, "", AT_EMPTY_PATH | OPEN_TREE_CLONE | OPEN_TREE_CLOEXEC);
	printf("clone=%s\n", clone >= 0 ? "cloned" : strerrorname_np(errno));
	if (clone >= 0) {
		printf("clone_setattr=%s\n", try_clear_rdonly(clone));
		snprintf(again, sizeof(again), "/proc/self/fd/%d", clone);
		const char *result = try_reopen(again);
		printf("clone_write=%s\n", result);
		*written |= strcmp(result, "written") == 0;
		close(clone);
	}
	/* A picked superblock is reported, not reconfigured: it could be the
	 * host's root filesystem. */
	int fs = fspick(fd, "", FSPICK_EMPTY_PATH | FSPICK_CLOEXEC);
	printf("fspick=%s\n", fs >= 0 ? "picked" : strerrorname_np(errno));
	if (fs >= 0)
		close(fs);
}

/* Attacks a process's executable the ways that need more than an open:
 * keeps an O_PATH fd of /proc/PID/exe, lets PID go on by reading FIFO (when
 * given) and waits until PID is gone. Then it reopens the fd for writing,
 * clears the read-only flag of its mount, clones the mount and makes the
 * clone writable, and picks the superblock. Prints one result per way.
 * Exit status 0 only if no write went through. */
static int run_exe_attack(char **args)
{
	char path[64], again[64], target[PATH_MAX];
	int written = 0;

	snprintf(path, sizeof(path), "/proc/%s/exe", args[0]);
	int fd = open(path, O_PATH | O_CLOEXEC);
	if (fd < 0)
		return fail_errno("open", path);
	snprintf(again, sizeof(again), "/proc/self/fd/%d", fd);
	ssize_t length = readlink(again, target, sizeof(target) - 1);
	target[length > 0 ? length : 0] = '\0';
	printf("target=%s\n", target);

	if (args[1] != NULL) {
		char buf[4096];
		int fifo = open(args[1], O_RDONLY | O_CLOEXEC);
		if (fifo < 0)
			return fail_errno("open", args[1]);
		while (read(fifo, buf, sizeof(buf)) > 0)
			;
		close(fifo);
		wait_gone(args[0]);
		printf("gone=%d\n", access(path, F_OK) != 0);
	}

	const char *result = try_reopen(again);
	printf("reopen=%s\n", result);
	written |= strcmp(result, "written") == 0;
	attack_mount(fd, &written);
	close(fd);
	return written ? EXIT_FAILURE : EXIT_SUCCESS;
}

static int run_sigmask(char **args)
{
	static const char *const fields[] = { "SigBlk", "SigIgn" };
	static const char *const keys[] = { "blocked", "ignored" };

	return print_status_fields(fields, keys, 2);
}

static const struct {
	const char *name;
	int resource;
} rlimit_names[] = {
	{ "AS", RLIMIT_AS },
	{ "CORE", RLIMIT_CORE },
	{ "CPU", RLIMIT_CPU },
	{ "DATA", RLIMIT_DATA },
	{ "FSIZE", RLIMIT_FSIZE },
	{ "LOCKS", RLIMIT_LOCKS },
	{ "MEMLOCK", RLIMIT_MEMLOCK },
	{ "MSGQUEUE", RLIMIT_MSGQUEUE },
	{ "NICE", RLIMIT_NICE },
	{ "NOFILE", RLIMIT_NOFILE },
	{ "NPROC", RLIMIT_NPROC },
	{ "RSS", RLIMIT_RSS },
	{ "RTPRIO", RLIMIT_RTPRIO },
	{ "RTTIME", RLIMIT_RTTIME },
	{ "SIGPENDING", RLIMIT_SIGPENDING },
	{ "STACK", RLIMIT_STACK },
};

static void print_limit(const char *key, rlim_t value)
{
	if (value == RLIM_INFINITY)
		printf("%s=unlimited\n", key);
	else
		printf("%s=%llu\n", key, (unsigned long long)value);
}

/* Accepts "RLIMIT_NOFILE", "NOFILE" or "nofile". */
static int run_rlimit(char **args)
{
	const char *name = args[0];
	struct rlimit limit;

	if (strncasecmp(name, "RLIMIT_", 7) == 0)
		name += 7;
	for (size_t i = 0; i < sizeof(rlimit_names) / sizeof(rlimit_names[0]); i++) {
		if (strcasecmp(name, rlimit_names[i].name) != 0)
			continue;
		if (getrlimit(rlimit_names[i].resource, &limit) < 0)
			return fail_errno("getrlimit", args[0]);
		print_limit("soft", limit.rlim_cur);
		print_limit("hard", limit.rlim_max);
		return EXIT_SUCCESS;
	}
	fprintf(stderr, "ctprobe: unknown rlimit \"%s\"\n", args[0]);
	return EXIT_USAGE;
}

static int run_umask(char **args)
{
	mode_t mask = umask(0);

	umask(mask);
	printf("umask=%04o\n", (unsigned)mask);
	return EXIT_SUCCESS;
}

static int run_cwd(char **args)
{
	char path[PATH_MAX];

	if (!getcwd(path, sizeof(path)))
		return fail_errno("getcwd", ".");
	printf("cwd=%s\n", path);
	return EXIT_SUCCESS;
}

/* Prints `N=target` for each open fd, leaving out the one that reads the directory. */
static int run_fds(char **args)
{
	struct dirent *entry;
	DIR *dir;

	dir = opendir("/proc/self/fd");
	if (!dir)
		return fail_errno("open", "/proc/self/fd");
	while ((entry = readdir(dir))) {
		char path[PATH_MAX], target[PATH_MAX];
		ssize_t length;

		if (entry->d_name[0] == '.' || atoi(entry->d_name) == dirfd(dir))
			continue;
		snprintf(path, sizeof(path), "/proc/self/fd/%s", entry->d_name);
		length = readlink(path, target, sizeof(target) - 1);
		if (length < 0)
			continue;
		target[length] = '\0';
		printf("%s=%s\n", entry->d_name, target);
	}
	closedir(dir);
	return EXIT_SUCCESS;
}

static const char *file_type_name(mode_t mode)
{
	switch (mode & S_IFMT) {
	case S_IFREG:
		return "file";
	case S_IFDIR:
		return "dir";
	case S_IFLNK:
		return "symlink";
	case S_IFCHR:
		return "char";
	case S_IFBLK:
		return "block";
	case S_IFIFO:
		return "fifo";
	case S_IFSOCK:
		return "socket";
	default:
		return "unknown";
	}
}

/* Does not follow a final symlink, so that /dev/fd and friends can be checked. */
static int run_stat(char **args)
{
	struct stat st;

	if (lstat(args[0], &st) < 0)
		return fail_errno("stat", args[0]);
	printf("type=%s\nmode=%04o\nuid=%u\ngid=%u\n", file_type_name(st.st_mode), (unsigned)(st.st_mode & 07777),
	       st.st_uid, st.st_gid);
	if (S_ISCHR(st.st_mode) || S_ISBLK(st.st_mode))
		printf("rdev=%u:%u\n", major(st.st_rdev), minor(st.st_rdev));
	if (S_ISREG(st.st_mode))
		printf("size=%lld\n", (long long)st.st_size);
	if (S_ISLNK(st.st_mode)) {
		char target[PATH_MAX];
		ssize_t length = readlink(args[0], target, sizeof(target) - 1);
		if (length < 0)
			return fail_errno("readlink", args[0]);
		target[length] = '\0';
		printf("target=%s\n", target);
	}
	return EXIT_SUCCESS;
}

/* Prints the SELinux label of PATH (its security.selinux xattr), not
 * following a final symlink. */
static int run_label(char **args)
{
	char label[4096];
	ssize_t length = lgetxattr(args[0], "security.selinux", label, sizeof(label) - 1);

	if (length < 0)
		return fail_errno("lgetxattr", args[0]);
	/* The kernel includes the terminating NUL in the value. */
	while (length > 0 && label[length - 1] == '\0')
		length--;
	label[length] = '\0';
	printf("label=%s\n", label);
	return EXIT_SUCCESS;
}

/* Opens PATH for reading, or for writing with "w", so that device cgroup
 * rules can be checked. /dev/kmsg needs CAP_SYSLOG only for reading, so a
 * write open fails only because of the device rules. */
static int run_open(char **args)
{
	int mode = args[1] && strcmp(args[1], "w") == 0 ? O_WRONLY : O_RDONLY;
	int fd = open(args[0], mode | O_NOCTTY | O_NONBLOCK | O_CLOEXEC);

	if (fd < 0)
		return fail_errno("open", args[0]);
	close(fd);
	printf("opened=%s\n", args[0]);
	return EXIT_SUCCESS;
}

static int run_mounts(char **args)
{
	return print_file("/proc/self/mountinfo");
}

static int run_cgroup(char **args)
{
	return print_file("/proc/self/cgroup");
}

static int run_oom(char **args)
{
	FILE *file;
	int value;

	file = fopen("/proc/self/oom_score_adj", "re");
	if (!file)
		return fail_errno("open", "/proc/self/oom_score_adj");
	if (fscanf(file, "%d", &value) != 1) {
		fclose(file);
		fprintf(stderr, "ctprobe: invalid content in \"/proc/self/oom_score_adj\"\n");
		return EXIT_FAILURE;
	}
	fclose(file);
	printf("oom_score_adj=%d\n", value);
	return EXIT_SUCCESS;
}

/* Without a name, prints the whole environment; with one, exits 1 when it is unset. */
static int run_env(char **args)
{
	extern char **environ;
	const char *value;

	if (!args[0]) {
		for (char **entry = environ; *entry; entry++)
			printf("%s\n", *entry);
		return EXIT_SUCCESS;
	}
	value = getenv(args[0]);
	if (!value)
		return EXIT_FAILURE;
	printf("%s=%s\n", args[0], value);
	return EXIT_SUCCESS;
}

/* Prints the inode number of each namespace, which identifies it. */
static int run_ns(char **args)
{
	static const char *const names[] = { "cgroup", "ipc", "mnt", "net", "pid", "time", "user", "uts" };

	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		char path[64];
		struct stat st;

		snprintf(path, sizeof(path), "/proc/self/ns/%s", names[i]);
		if (stat(path, &st) < 0)
			printf("%s=absent\n", names[i]);
		else
			printf("%s=%llu\n", names[i], (unsigned long long)st.st_ino);
	}
	return EXIT_SUCCESS;
}

static int run_pid(char **args)
{
	printf("pid=%d\nppid=%d\n", getpid(), getppid());
	return EXIT_SUCCESS;
}

/* Prints whole seconds of the clocks that a time namespace offsets. */
static int run_clock(char **args)
{
	struct timespec monotonic, boottime;

	if (clock_gettime(CLOCK_MONOTONIC, &monotonic) < 0 || clock_gettime(CLOCK_BOOTTIME, &boottime) < 0)
		return fail_errno("clock_gettime", "monotonic");
	printf("monotonic=%lld\nboottime=%lld\n", (long long)monotonic.tv_sec, (long long)boottime.tv_sec);
	return EXIT_SUCCESS;
}

static void exit_on_signal(int sig)
{
	char line[32];
	int length = snprintf(line, sizeof(line), "signal=%d\n", sig);

	(void)!write(STDOUT_FILENO, line, (size_t)length);
	_exit(128 + sig);
}

/*
 * Sleeps N seconds, or forever when N is "inf". A pid namespace's init gets
 * no signal that it has no handler for, so this installs handlers that
 * print `signal=N` and exit with 128+N: tests can then see which signal
 * `kill` delivered. SIGKILL still ends it from outside the namespace.
 */
static int run_sleep(char **args)
{
	static const int signals[] = { SIGHUP, SIGINT, SIGQUIT, SIGUSR1, SIGUSR2, SIGTERM, SIGWINCH };
	struct sigaction action = { .sa_handler = exit_on_signal };
	bool forever = strcmp(args[0], "inf") == 0;
	unsigned seconds = (unsigned)strtoul(args[0], NULL, 10);

	for (size_t i = 0; i < sizeof(signals) / sizeof(signals[0]); i++)
		sigaction(signals[i], &action, NULL);
	printf("sleeping=%s\n", args[0]);
	fflush(stdout);
	while (forever)
		pause();
	while (seconds > 0)
		seconds = sleep(seconds);
	return EXIT_SUCCESS;
}

static int run_exit(char **args)
{
	return atoi(args[0]);
}

/*
 * Sends itself a signal with the default action. A pid namespace's init is
 * immune to that, so the command then exits with 125 to say it survived.
 */
static int run_kill_self(char **args)
{
	int sig = atoi(args[0]);

	signal(sig, SIG_DFL);
	fflush(stdout);
	if (kill(getpid(), sig) < 0)
		return fail_errno("kill", args[0]);
	printf("survived=%d\n", sig);
	return 125;
}

static int run_write(char **args)
{
	size_t length = strlen(args[1]);
	int fd;

	fd = open(args[0], O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	if (fd < 0)
		return fail_errno("open", args[0]);
	if (write(fd, args[1], length) != (ssize_t)length) {
		int result = fail_errno("write", args[0]);
		close(fd);
		return result;
	}
	if (close(fd) < 0)
		return fail_errno("close", args[0]);
	printf("written=%s\n", args[0]);
	return EXIT_SUCCESS;
}

/* Allocates MIB mebibytes and writes to every page, so that the memory is
 * charged to the container's cgroup; an OOM kill ends it on the way. */
static int run_alloc(char **args)
{
	size_t mib = (size_t)strtoul(args[0], NULL, 10);
	long page = sysconf(_SC_PAGESIZE);

	for (size_t i = 0; i < mib; i++) {
		volatile char *chunk = malloc(1 << 20);
		if (chunk == NULL)
			return fail_errno("malloc", args[0]);
		for (size_t offset = 0; offset < (1 << 20); offset += (size_t)page)
			chunk[offset] = 1;
	}
	printf("allocated=%zu\n", mib);
	return EXIT_SUCCESS;
}

/* Prints what the process sees of its terminal on stdin: whether it is
 * one, its name, its size and whether it is the controlling terminal. */
static int run_tty(char **args)
{
	struct winsize size = { 0 };
	const char *name = ttyname(STDIN_FILENO);
	int controlling = open("/dev/tty", O_RDWR | O_NOCTTY | O_CLOEXEC);

	printf("isatty=%d\n", isatty(STDIN_FILENO));
	printf("ttyname=%s\n", name ? name : "none");
	if (ioctl(STDIN_FILENO, TIOCGWINSZ, &size) == 0)
		printf("rows=%u\ncols=%u\n", size.ws_row, size.ws_col);
	printf("ctty=%d\n", controlling >= 0);
	if (controlling >= 0)
		close(controlling);
	return EXIT_SUCCESS;
}

static const struct command commands[] = {
	{ "alloc", 1, "MIB", run_alloc },
	{ "affinity", 0, "", run_affinity },
	{ "caps", 0, "", run_caps },
	{ "cgroup", 0, "", run_cgroup },
	{ "clock", 0, "", run_clock },
	{ "cwd", 0, "", run_cwd },
	{ "domainname", 0, "", run_domainname },
	{ "env", 0, "[NAME]", run_env },
	{ "exit", 1, "STATUS", run_exit },
	{ "exe", 1, "PID", run_exe },
	{ "exe-attack", 1, "PID [FIFO]", run_exe_attack },
	{ "fds", 0, "", run_fds },
	{ "hostname", 0, "", run_hostname },
	{ "id", 0, "", run_id },
	{ "ioprio", 0, "", run_ioprio },
	{ "kill-self", 1, "SIGNAL-NUMBER", run_kill_self },
	{ "keyring", 0, "", run_keyring },
	{ "label", 1, "PATH", run_label },
	{ "mempolicy", 0, "", run_mempolicy },
	{ "mkdir", 1, "PATH", run_mkdir },
	{ "mounts", 0, "", run_mounts },
	{ "nnp", 0, "", run_nnp },
	{ "ns", 0, "", run_ns },
	{ "oom", 0, "", run_oom },
	{ "open", 1, "PATH [w]", run_open },
	{ "personality", 1, "PERSONA", run_personality },
	{ "pid", 0, "", run_pid },
	{ "rlimit", 1, "NAME", run_rlimit },
	{ "sched", 0, "", run_sched },
	{ "seccomp", 0, "", run_seccomp },
	{ "sigmask", 0, "", run_sigmask },
	{ "sleep", 1, "SECONDS|inf", run_sleep },
	{ "stat", 1, "PATH", run_stat },
	{ "tty", 0, "", run_tty },
	{ "umask", 0, "", run_umask },
	{ "write", 2, "PATH TEXT", run_write },
};

static void print_usage(FILE *stream)
{
	fprintf(stream, "usage: ctprobe COMMAND [ARGS...]\ncommands:\n");
	for (size_t i = 0; i < sizeof(commands) / sizeof(commands[0]); i++)
		fprintf(stream, "  %s %s\n", commands[i].name, commands[i].usage);
}

int main(int argc, char **argv)
{
	if (argc < 2) {
		print_usage(stderr);
		return EXIT_USAGE;
	}
	if (strcmp(argv[1], "--help") == 0) {
		print_usage(stdout);
		return EXIT_SUCCESS;
	}
	for (size_t i = 0; i < sizeof(commands) / sizeof(commands[0]); i++) {
		if (strcmp(argv[1], commands[i].name) != 0)
			continue;
		if (argc - 2 < commands[i].min_args) {
			fprintf(stderr, "usage: ctprobe %s %s\n", commands[i].name, commands[i].usage);
			return EXIT_USAGE;
		}
		int status = commands[i].run(argv + 2);
		fflush(stdout);
		return status;
	}
	fprintf(stderr, "ctprobe: unknown command \"%s\"\n", argv[1]);
	print_usage(stderr);
	return EXIT_USAGE;
}
