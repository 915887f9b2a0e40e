/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The user process, set up in the container's init after the rootfs is
 * final. Order matters: rlimits need CAP_SYS_RESOURCE, the bounding set needs
 * CAP_SETPCAP, and setgroups/setresgid need CAP_SETGID, so all of them come
 * before setresuid(); PR_SET_KEEPCAPS keeps the permitted set across it.
 */
#include <dirent.h>
#include <fcntl.h>
#include <grp.h>
#include <limits.h>
#include <linux/capability.h>
#include <linux/close_range.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "internal.h"
#include "tables.h"

#define DEFAULT_PATH "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"
#define KEYCTL_JOIN_SESSION_KEYRING 1

/* Field indexes in a passwd(5) line. */
#define PASSWD_UID  2
#define PASSWD_HOME 5
/* Only the first 16 MiB of /etc/passwd are searched, so that a huge file
 * cannot stall the start. */
#define PASSWD_MAX_SIZE (16 * 1024 * 1024)

/*
 * The cwd is resolved inside the container's root without magic links, and
 * checked afterwards: a cwd such as /proc/self/fd/N would otherwise land on
 * a directory fd that the runtime still has open (a cgroup or the host's
 * rootfs parent) and give the program a foothold outside the root.
 *
 * With retry_as_user, a permission error returns 1 instead of failing, so
 * that the caller tries again after the user switch, as runc 1.1 does. A
 * directory that only the process's user may enter (mode 0700, or on an NFS
 * export that squashes root) is reachable only then.
 */
static int change_directory(const struct spec_process *process, bool retry_as_user, struct libct_error *err)
{
	_cleanup_close_ int root = open("/", O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (root < 0)
		return ct_error_sys(err, errno, "process.cwd: open the root directory");
	_cleanup_close_ int dir = ct_open_in_root(root, process->cwd, O_PATH | O_DIRECTORY, 0, err);
	if (retry_as_user && (dir == -EACCES || dir == -EPERM))
		return 1;
	if (dir < 0)
		return ct_error_prefix(err, "process.cwd");
	if (fchdir(dir) < 0) {
		if (retry_as_user && (errno == EACCES || errno == EPERM))
			return 1;
		return ct_error_sys(err, errno, "process.cwd: change directory to \"%s\"", process->cwd);
	}

	/* getcwd fails with ENOENT when the cwd is not below the root. */
	char buf[PATH_MAX];
	if (getcwd(buf, sizeof(buf)) == NULL && errno == ENOENT)
		return ct_error_set(err, EPERM, "process.cwd: \"%s\" is outside the container", process->cwd);
	return 0;
}

static const char *find_env(char **env, size_t n_env, const char *name)
{
	size_t len = strlen(name);
	for (size_t i = 0; i < n_env; i++)
		if (strncmp(env[i], name, len) == 0 && env[i][len] == '=')
			return env[i] + len + 1;
	return NULL;
}

/* Scan state of one passwd(5) line: name:password:uid:gid:gecos:home:shell. */
struct passwd_line {
	unsigned field;     /* index of the current field */
	uint64_t uid;
	unsigned uid_digits;
	bool invalid;       /* a uid that is not a number, a NUL byte, a home longer than PATH_MAX */
	size_t home_len;
	char home[PATH_MAX];
};

static void scan_passwd_char(struct passwd_line *line, int c)
{
	if (c == ':') {
		line->field++;
		return;
	}
	if (c == '\0') {
		line->invalid = true;
	} else if (line->field == PASSWD_UID) {
		if (c < '0' || c > '9' || line->uid > UINT32_MAX / 10)
			line->invalid = true;
		else
			line->uid = line->uid * 10 + (uint64_t)(c - '0');
		line->uid_digits++;
	} else if (line->field == PASSWD_HOME) {
		if (line->home_len + 1 >= sizeof(line->home))
			line->invalid = true;
		else
			line->home[line->home_len++] = (char)c;
	}
}

/* The shell, the last field, may be missing, but the home field may not. */
static bool passwd_line_matches(const struct passwd_line *line, uid_t uid)
{
	return !line->invalid && line->field >= PASSWD_HOME && line->uid_digits > 0 && line->uid <= UINT32_MAX &&
	       line->uid == uid;
}

/* Returns the home directory of uid in the container's /etc/passwd, or NULL
 * when the file is missing, unreadable, not a regular file, or has no valid
 * entry for uid. The file is opened inside the root without magic links, so
 * a symlinked /etc/passwd cannot lead to a host file. Lines are scanned a
 * byte at a time, so a long line costs no memory. */
static char *find_home(uid_t uid)
{
	_cleanup_close_ int root = open("/", O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (root < 0)
		return NULL;
	/* O_NONBLOCK keeps a FIFO at /etc/passwd from blocking the open. */
	int fd = ct_open_in_root(root, "/etc/passwd", O_RDONLY | O_NONBLOCK | O_NOCTTY, 0, NULL);
	struct stat st;
	if (fd >= 0 && (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode)))
		ct_closep(&fd);
	if (fd < 0)
		return NULL;
	_cleanup_fclose_ FILE *file = fdopen(fd, "r");
	if (file == NULL) {
		close(fd);
		return NULL;
	}

	_cleanup_free_ struct passwd_line *line = ct_calloc(1, sizeof(*line));
	for (size_t total = 0; total <= PASSWD_MAX_SIZE; total++) {
		int c = getc_unlocked(file);
		if (c != '\n' && c != EOF) {
			scan_passwd_char(line, c);
			continue;
		}
		if (passwd_line_matches(line, uid)) {
			line->home[line->home_len] = '\0';
			return ct_strdup(line->home_len > 0 ? line->home : "/");
		}
		if (c == EOF)
			break;
		memset(line, 0, sizeof(*line));
	}
	return NULL;
}

/* Without HOME in process.env, runc 1.1 sets it to the home directory of
 * the process's uid in the container's /etc/passwd, or to "/" when there is
 * none, and so does ctrun, because shells and other programs rely on it.
 * An empty HOME entry counts as set, where runc 1.1 replaces it. */
static void prepare_home(struct ct_init *init)
{
	const struct spec_process *process = init->config->process;
	if (find_env(process->env, process->n_env, "HOME") != NULL)
		return;
	_cleanup_free_ char *home = find_home(process->user.uid);
	init->home_env = ct_asprintf("HOME=%s", home != NULL ? home : "/");
}

/*
 * Sets the rlimits, but RLIMIT_NOFILE only where it rises. The init still
 * opens fds after create has reported success, such as the connection of
 * `start`, so a lower limit would make it die without an error report. Raising
 * needs CAP_SYS_RESOURCE, which the process may lose at the user switch,
 * and set_final_nofile() then only lowers, which needs no privilege.
 */
static int set_rlimits(const struct spec_process *process, struct libct_error *err)
{
	for (size_t i = 0; i < process->n_rlimits; i++) {
		const struct spec_rlimit *limit = &process->rlimits[i];
		struct rlimit value = { .rlim_cur = limit->soft, .rlim_max = limit->hard };
		if (limit->resource == RLIMIT_NOFILE) {
			struct rlimit current;
			if (getrlimit(RLIMIT_NOFILE, &current) < 0)
				return ct_error_sys(err, errno, "process.rlimits: get \"%s\"", limit->type);
			value.rlim_max = limit->hard > current.rlim_max ? limit->hard : current.rlim_max;
			value.rlim_cur = limit->soft > current.rlim_cur ? limit->soft : current.rlim_cur;
			if (value.rlim_cur > value.rlim_max)
				value.rlim_cur = value.rlim_max;
		}
		if (setrlimit((__rlimit_resource_t)limit->resource, &value) < 0)
			return ct_error_sys(err, errno, "process.rlimits: set \"%s\"", limit->type);
	}
	return 0;
}

/* Sets RLIMIT_NOFILE to the configured values, just before execve. */
static int set_final_nofile(const struct spec_process *process, struct libct_error *err)
{
	for (size_t i = 0; i < process->n_rlimits; i++) {
		const struct spec_rlimit *limit = &process->rlimits[i];
		struct rlimit value = { .rlim_cur = limit->soft, .rlim_max = limit->hard };
		if (limit->resource == RLIMIT_NOFILE && setrlimit(RLIMIT_NOFILE, &value) < 0)
			return ct_error_sys(err, errno, "process.rlimits: set \"%s\"", limit->type);
	}
	return 0;
}

static int set_user(const struct spec_process *process, bool new_user_ns, struct libct_error *err)
{
	const struct spec_user *user = &process->user;

	/* Without additionalGids the supplementary groups of the runtime must
	 * still go. In a user namespace whose setgroups file contains "deny" this
	 * fails with EPERM, and then the groups are the namespace's overflow
	 * group anyway. */
	if (setgroups(user->n_additional_gids, (const gid_t *)user->additional_gids) < 0 &&
	    !(errno == EPERM && new_user_ns && user->n_additional_gids == 0))
		return ct_error_sys(err, errno, "process.user: set additional groups");
	if (setresgid(user->gid, user->gid, user->gid) < 0)
		return ct_error_sys(err, errno, "process.user: set gid %u", user->gid);
	if (setresuid(user->uid, user->uid, user->uid) < 0)
		return ct_error_sys(err, errno, "process.user: set uid %u", user->uid);
	if (user->umask.set)
		umask((mode_t)user->umask.value);
	return 0;
}

/*
 * Capabilities go through capget(), capset() and prctl() directly rather
 * than libcap, whose constructor probes the bounding set at every start of
 * ctrun. The names come from the spec's table, and the lookup ignores case,
 * as libcap's cap_from_name() does. Neither the JSON parser nor `exec --cap`
 * checks the names, so an unknown one first shows up here, as a warning.
 */

/* Bit N is capability N. Version 3 of capget() and capset() carries 64. */
#define CAP_BIT(value) (UINT64_C(1) << (value))
#define CAP_SET_BITS   64

/* The effective, permitted and inheritable sets of the calling thread. */
struct cap_sets {
	uint64_t effective;
	uint64_t permitted;
	uint64_t inheritable;
};

static int read_cap_sets(struct cap_sets *sets)
{
	struct __user_cap_header_struct header = { .version = _LINUX_CAPABILITY_VERSION_3, .pid = 0 };
	struct __user_cap_data_struct data[_LINUX_CAPABILITY_U32S_3] = { 0 };
	if (syscall(SYS_capget, &header, data) < 0)
		return -errno;
	sets->effective = data[0].effective | (uint64_t)data[1].effective << 32;
	sets->permitted = data[0].permitted | (uint64_t)data[1].permitted << 32;
	sets->inheritable = data[0].inheritable | (uint64_t)data[1].inheritable << 32;
	return 0;
}

static int write_cap_sets(const struct cap_sets *sets)
{
	struct __user_cap_header_struct header = { .version = _LINUX_CAPABILITY_VERSION_3, .pid = 0 };
	struct __user_cap_data_struct data[_LINUX_CAPABILITY_U32S_3] = {
		{ (uint32_t)sets->effective, (uint32_t)sets->permitted, (uint32_t)sets->inheritable },
		{ (uint32_t)(sets->effective >> 32), (uint32_t)(sets->permitted >> 32),
		  (uint32_t)(sets->inheritable >> 32) },
	};
	return syscall(SYS_capset, &header, data) < 0 ? -errno : 0;
}

/* Returns the number of a capability name such as "CAP_KILL", in any case,
 * or -1 when the spec's table has no such name. */
static int capability_number(const char *name)
{
	for (size_t i = 0; i < spec_capabilities_table.n_entries; i++)
		if (strcasecmp(spec_capabilities_table.entries[i].name, name) == 0)
			return (int)spec_capabilities_table.entries[i].value;
	return -1;
}

/* Adds to *set every capability of names that the kernel supports (the
 * first n_kernel_caps) and that is in the runtime's permitted set. The
 * others get a warning, as the runtime spec requires. */
static void add_caps(struct ct_init *init, uint64_t *set, const struct cap_sets *available, int n_kernel_caps,
		     char **names, size_t n_names, const char *field)
{
	for (size_t i = 0; i < n_names; i++) {
		int value = capability_number(names[i]);
		if (value < 0 || value >= n_kernel_caps) {
			ct_warn(init->context, "%s: unknown capability \"%s\" ignored", field, names[i]);
			continue;
		}
		if (!(available->permitted & CAP_BIT(value))) {
			ct_warn(init->context, "%s: capability \"%s\" cannot be granted, ignored", field, names[i]);
			continue;
		}
		*set |= CAP_BIT(value);
	}
}

static bool caps_contain(char **names, size_t n_names, int value)
{
	for (size_t i = 0; i < n_names; i++)
		if (capability_number(names[i]) == value)
			return true;
	return false;
}

/* Returns the number of capabilities that the kernel supports: the first
 * value for which PR_CAPBSET_READ fails. The search starts next to the last
 * capability of the build's <linux/capability.h>, so it takes two calls
 * where the kernel supports the same capabilities. */
static int count_kernel_caps(void)
{
	int n = CAP_LAST_CAP + 1;
	while (n > 0 && prctl(PR_CAPBSET_READ, n - 1, 0, 0, 0) < 0)
		n--;
	while (n < CAP_SET_BITS && prctl(PR_CAPBSET_READ, n, 0, 0, 0) >= 0)
		n++;
	return n;
}

/* Drops from the bounding set every capability that the config does not
 * name, of the first n_kernel_caps. */
static int drop_bounding_set(const struct spec_capabilities *capabilities, int n_kernel_caps,
			     struct libct_error *err)
{
	for (int value = 0; value < n_kernel_caps; value++) {
		if (caps_contain(capabilities->bounding, capabilities->n_bounding, value))
			continue;
		if (prctl(PR_CAPBSET_DROP, value, 0, 0, 0) < 0) {
			const char *name = spec_table_name(&spec_capabilities_table, value);
			if (name == NULL)
				return ct_error_sys(err, errno, "process.capabilities.bounding: drop capability %d",
						    value);
			return ct_error_sys(err, errno, "process.capabilities.bounding: drop \"%s\"", name);
		}
	}
	return 0;
}

/* Warns about the names in the bounding or ambient set that the kernel does
 * not know. add_caps() handles only the other three sets. */
static void warn_unknown_caps(struct ct_init *init, char **names, size_t n_names, int n_kernel_caps,
			      const char *field)
{
	for (size_t i = 0; i < n_names; i++) {
		int value = capability_number(names[i]);
		if (value < 0 || value >= n_kernel_caps)
			ct_warn(init->context, "%s: unknown capability \"%s\" ignored", field, names[i]);
	}
}

static int set_caps(struct ct_init *init, const struct cap_sets *available, int n_kernel_caps,
		    struct libct_error *err)
{
	const struct spec_capabilities *capabilities = &init->config->process->capabilities;
	struct cap_sets sets = { 0 };
	add_caps(init, &sets.effective, available, n_kernel_caps, capabilities->effective,
		 capabilities->n_effective, "process.capabilities.effective");
	add_caps(init, &sets.permitted, available, n_kernel_caps, capabilities->permitted,
		 capabilities->n_permitted, "process.capabilities.permitted");
	add_caps(init, &sets.inheritable, available, n_kernel_caps, capabilities->inheritable,
		 capabilities->n_inheritable, "process.capabilities.inheritable");
	int r = write_cap_sets(&sets);
	if (r < 0)
		return ct_error_sys(err, -r, "process.capabilities: set effective, permitted and inheritable sets");

	for (size_t i = 0; i < capabilities->n_ambient; i++) {
		int value = capability_number(capabilities->ambient[i]);
		if (value < 0 || value >= n_kernel_caps)
			continue; /* warn_unknown_caps() reported it */
		if (prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_RAISE, value, 0, 0) < 0)
			ct_warn(init->context, "process.capabilities.ambient: capability \"%s\" cannot be raised: %s",
				capabilities->ambient[i], strerror(errno));
	}
	return 0;
}

/* Switches to the configured user and applies the capability sets around
 * the switch. Without process.capabilities every set is empty, the bounding
 * set too, as in runc: a container never keeps the runtime's capabilities
 * by omission. */
static int set_user_and_caps(struct ct_init *init, struct libct_error *err)
{
	const struct spec_process *process = init->config->process;
	struct cap_sets available;
	int r = read_cap_sets(&available);
	if (r < 0)
		return ct_error_sys(err, -r, "process.capabilities: read current capabilities");

	int n_kernel_caps = count_kernel_caps();
	warn_unknown_caps(init, process->capabilities.bounding, process->capabilities.n_bounding, n_kernel_caps,
			  "process.capabilities.bounding");
	warn_unknown_caps(init, process->capabilities.ambient, process->capabilities.n_ambient, n_kernel_caps,
			  "process.capabilities.ambient");
	r = drop_bounding_set(&process->capabilities, n_kernel_caps, err);
	if (r < 0)
		return r;
	if (prctl(PR_SET_KEEPCAPS, 1, 0, 0, 0) < 0)
		return ct_error_sys(err, errno, "process.capabilities: keep capabilities");
	r = set_user(process, init->new_user_ns, err);
	if (r < 0)
		return r;
	return set_caps(init, &available, n_kernel_caps, err);
}

static int join_session_keyring(struct ct_init *init, struct libct_error *err)
{
	if (init->no_new_keyring)
		return 0;
	if (syscall(SYS_keyctl, KEYCTL_JOIN_SESSION_KEYRING, init->id, 0, 0, 0) >= 0)
		return 0;
	if (errno == ENOSYS) {
		ct_warn(init->context, "session keyring: keyctl is not available, keeping the runtime's keyring");
		return 0;
	}
	return ct_error_sys(err, errno, "join a new session keyring");
}

static bool is_executable(const char *path)
{
	struct stat st;
	return stat(path, &st) == 0 && S_ISREG(st.st_mode) && faccessat(AT_FDCWD, path, X_OK, AT_EACCESS) == 0;
}

/* Resolves args[0] with the container's PATH, as execvp would, so that a
 * missing program fails create rather than start. */
static int find_executable(const struct spec_process *process, char **ret_path, struct libct_error *err)
{
	const char *name = process->args[0];
	if (strchr(name, '/') != NULL) {
		if (!is_executable(name))
			return ct_error_sys(err, errno == 0 ? EACCES : errno, "process.args[0]: \"%s\"", name);
		*ret_path = ct_strdup(name);
		return 0;
	}

	const char *search = find_env(process->env, process->n_env, "PATH");
	_cleanup_free_ char *dirs = ct_strdup(search != NULL ? search : DEFAULT_PATH);
	char *state = NULL;
	for (char *dir = strtok_r(dirs, ":", &state); dir != NULL; dir = strtok_r(NULL, ":", &state)) {
		_cleanup_free_ char *path = ct_asprintf("%s/%s", dir, name);
		if (is_executable(path)) {
			*ret_path = ct_steal_pointer(&path);
			return 0;
		}
	}
	return ct_error_set(err, ENOENT, "process.args[0] \"%s\": executable file not found in $PATH", name);
}

int ct_process_prepare(struct ct_init *init, char **ret_path, struct libct_error *err)
{
	const struct spec_process *process = init->config->process;

	int r = change_directory(process, true, err);
	bool cwd_pending = r > 0;
	/* /etc/passwd is read before the user switch and the seccomp filter,
	 * because the process's user may lack read access to it. */
	if (r >= 0)
		prepare_home(init);
	if (r >= 0)
		r = set_rlimits(process, err);
	/* The keyring comes before a seccomp filter, which usually denies keyctl. */
	if (r >= 0)
		r = join_session_keyring(init, err);
	/* The attributes need CAP_SYS_NICE and friends, so they come before
	 * the user switch; the labels are read at the next execve only, but
	 * writing them may need the runtime's privileges too. */
	if (r >= 0)
		r = ct_attrs_apply(init, err);
	if (r >= 0)
		r = ct_lsm_set_exec_labels(process, err);
	if (r >= 0)
		r = ct_seccomp_load(init, CT_SECCOMP_BEFORE_CAPS, err);
	if (r >= 0) {
		uint64_t trace_start = ct_trace_begin(init->context);
		r = set_user_and_caps(init, err);
		ct_trace_end(init->context, "user", NULL, trace_start);
	}
	if (r >= 0 && cwd_pending)
		r = change_directory(process, false, err);
	if (r >= 0)
		r = find_executable(process, ret_path, err);
	if (r < 0)
		return r;

	if (process->no_new_privileges && prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0)
		return ct_error_sys(err, errno, "process.noNewPrivileges: set");
	r = ct_seccomp_load(init, CT_SECCOMP_AFTER_NNP, err);
	if (r < 0)
		return r;

	/* Every fd the caller did not hand over with preserve_fds is closed by
	 * execve; the init still needs its sync and start sockets until then. */
	if (close_range(3 + (unsigned)init->preserve_fds, ~0U, CLOSE_RANGE_CLOEXEC) < 0)
		return ct_error_sys(err, errno, "mark inherited fds close-on-exec");
	return 0;
}

static int compare_fds(const void *a, const void *b)
{
	int x = *(const int *)a, y = *(const int *)b;
	return (x > y) - (x < y);
}

void ct_close_fds_except(unsigned int first, int *keep, size_t n_keep)
{
	qsort(keep, n_keep, sizeof(*keep), compare_fds);
	unsigned int next = first;
	for (size_t i = 0; i < n_keep; i++) {
		if (keep[i] < 0 || (unsigned int)keep[i] < next)
			continue;
		unsigned int fd = (unsigned int)keep[i];
		/* next <= fd - 1 here, and close_range() fails only when first
		 * exceeds last or with unknown flags. */
		if (fd > next)
			(void)close_range(next, fd - 1, 0);
		next = fd + 1;
	}
	(void)close_range(next, ~0U, 0);
}

void ct_reset_signals(void)
{
	struct sigaction action = { .sa_handler = SIG_DFL };
	for (int sig = 1; sig < NSIG; sig++)
		(void)sigaction(sig, &action, NULL); /* fails only for SIGKILL, SIGSTOP and reserved signals */

	sigset_t empty;
	sigemptyset(&empty);
	(void)sigprocmask(SIG_SETMASK, &empty, NULL); /* cannot fail with a valid set */
}

/* Copies a counted array into a NULL-terminated one for execve, with extra
 * appended unless it is NULL. */
static char **make_strv(char **items, size_t n_items, char *extra)
{
	char **strv = ct_calloc(n_items + 2, sizeof(char *));
	for (size_t i = 0; i < n_items; i++)
		strv[i] = items[i];
	strv[n_items] = extra;
	return strv;
}

int ct_process_exec(struct ct_init *init, const char *path, struct libct_error *err)
{
	const struct spec_process *process = init->config->process;
	_cleanup_free_ char **argv = make_strv(process->args, process->n_args, NULL);
	_cleanup_free_ char **envp = make_strv(process->env, process->n_env, init->home_env);

	int r = set_final_nofile(process, err);
	if (r < 0)
		return r;
	execve(path, argv, envp);
	return ct_error_sys(err, errno, "execute \"%s\"", path);
}
