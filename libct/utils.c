/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Cleanup helpers, whole-file reads and writes, and path resolution that
 * stays inside a root directory.
 */
#include <fcntl.h>
#include <linux/openat2.h>
#include <stdio.h>
#include <string.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <sys/syscall.h>

#include "internal.h"

/* How often an open is retried when openat2 returns EAGAIN because a rename
 * or mount raced with the lookup. */
#define OPEN_IN_ROOT_RETRIES 32

/* ------------------------------------------------------------ cleanup */

void ct_freep(void *p)
{
	free(*(void **)p);
}

void ct_closep(int *fd)
{
	if (*fd < 0)
		return;
	/* A cleanup handler runs after the result is known, so it must not
	 * clobber the errno that the caller may still read. */
	int saved_errno = errno;
	close(*fd);
	*fd = -1;
	errno = saved_errno;
}

void ct_fclosep(FILE **f)
{
	if (*f == NULL)
		return;
	int saved_errno = errno;
	fclose(*f);
	*f = NULL;
	errno = saved_errno;
}

void ct_strvfreep(char ***v)
{
	if (*v == NULL)
		return;
	for (char **s = *v; *s != NULL; s++)
		free(*s);
	free(*v);
	*v = NULL;
}

size_t ct_strv_length(char *const *v)
{
	size_t n = 0;
	while (v != NULL && v[n] != NULL)
		n++;
	return n;
}

void ct_strv_push(char ***v, char *s)
{
	size_t n = ct_strv_length(*v);
	*v = ct_realloc(*v, (n + 2) * sizeof(char *));
	(*v)[n] = s;
	(*v)[n + 1] = NULL;
}

bool ct_strv_contains(char *const *v, const char *s)
{
	for (size_t i = 0; v != NULL && v[i] != NULL; i++)
		if (strcmp(v[i], s) == 0)
			return true;
	return false;
}

/* --------------------------------------------------------- file helpers */

static const char *describe_path(const char *path)
{
	return path == NULL || path[0] == '\0' ? "." : path;
}

int ct_read_file_at(int dirfd, const char *path, size_t max_size, char **ret_data, size_t *ret_len,
		    struct libct_error *err)
{
	_cleanup_close_ int fd = openat(dirfd, path, O_RDONLY | O_CLOEXEC | O_NOCTTY);
	if (fd < 0)
		return ct_error_sys(err, errno, "open \"%s\"", describe_path(path));

	size_t capacity = 4096 < max_size ? 4096 : max_size;
	_cleanup_free_ char *data = ct_malloc(capacity + 1);
	size_t len = 0;
	for (;;) {
		if (len >= capacity && capacity < max_size) {
			capacity = capacity * 2 < max_size ? capacity * 2 : max_size;
			data = ct_realloc(data, capacity + 1);
		}
		/* The byte kept for the NUL also catches a file that is larger
		 * than max_size, without a separate read at the end. */
		ssize_t n = read(fd, data + len, capacity + 1 - len);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return ct_error_sys(err, errno, "read \"%s\"", describe_path(path));
		if (n == 0)
			break;
		len += (size_t)n;
		if (len > max_size)
			return ct_error_set(err, EFBIG, "read \"%s\": file larger than %zu bytes", describe_path(path),
					    max_size);
	}

	data[len] = '\0';
	*ret_data = ct_steal_pointer(&data);
	if (ret_len != NULL)
		*ret_len = len;
	return 0;
}

static int write_all(int fd, const char *data, size_t len)
{
	while (len > 0) {
		ssize_t n = write(fd, data, len);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return -errno;
		/* A short write of zero bytes would loop forever. */
		if (n == 0)
			return -EIO;
		data += n;
		len -= (size_t)n;
	}
	return 0;
}

int ct_write_file_at(int dirfd, const char *path, const char *data, size_t len, struct libct_error *err)
{
	_cleanup_close_ int fd = openat(dirfd, path, O_WRONLY | O_CLOEXEC | O_NOCTTY);
	if (fd < 0)
		return ct_error_sys(err, errno, "open \"%s\" for writing", describe_path(path));

	/* Files in /proc and cgroupfs take each write(2) as one value, so the
	 * data goes out in a single call unless the kernel accepts less. */
	int r = write_all(fd, data, len);
	if (r < 0)
		return ct_error_sys(err, -r, "write \"%s\"", describe_path(path));
	return 0;
}

/* Splits path into a newly allocated directory part ("." when there is none)
 * and a pointer to its last component. */
static char *split_dir_base(const char *path, const char **ret_base)
{
	const char *slash = strrchr(path, '/');
	if (slash == NULL) {
		*ret_base = path;
		return ct_strdup(".");
	}
	*ret_base = slash + 1;
	if (slash == path)
		return ct_strdup("/");
	return ct_strndup(path, (size_t)(slash - path));
}

/* Creates a new hidden file named ".<base>.tmp<random hex>" in dir_fd. */
static int create_temp_file(int dir_fd, const char *base, char **ret_name)
{
	for (int attempt = 0; attempt < 100; attempt++) {
		unsigned int suffix = 0;
		if (getrandom(&suffix, sizeof(suffix), GRND_NONBLOCK) != (ssize_t)sizeof(suffix))
			suffix = (unsigned int)getpid() * 2654435761u + (unsigned int)attempt;

		_cleanup_free_ char *name = ct_asprintf(".%s.tmp%08x", base, suffix);
		int fd = openat(dir_fd, name, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOCTTY, 0600);
		if (fd >= 0) {
			*ret_name = ct_steal_pointer(&name);
			return fd;
		}
		if (errno != EEXIST)
			return -errno;
	}
	return -EEXIST;
}

/* The system call itself: glibc 2.36 turns renameat2() without flags into renameat. */
static int renameat2_syscall(int dir_fd, const char *from, const char *to, unsigned int flags)
{
	return (int)syscall(SYS_renameat2, dir_fd, from, dir_fd, to, flags);
}

/*
 * Moves temp_name over base. An existing base is swapped out with
 * RENAME_EXCHANGE and then unlinked: on ext4 a rename that replaces a file
 * starts writeback of the new one (the auto_da_alloc mount option, on by
 * default), and an exchange does not. On the ext4 /run of a 2-core
 * development VM that writeback cost 0.3 to 1.3 ms per state.json write,
 * and slowed the removal of the state directory by as much again. Readers
 * see the old file or the new one at every moment, as with a rename.
 */
static int move_into_place(int dir_fd, const char *temp_name, const char *base, bool exchange)
{
	if (!exchange)
		return renameat(dir_fd, temp_name, dir_fd, base) < 0 ? -errno : 0;

	if (faccessat(dir_fd, base, F_OK, AT_SYMLINK_NOFOLLOW) == 0) {
		if (renameat2_syscall(dir_fd, temp_name, base, RENAME_EXCHANGE) == 0) {
			/* temp_name now names the previous file. A failure only
			 * leaves a hidden file, which the directory's removal
			 * takes along. */
			(void)unlinkat(dir_fd, temp_name, 0);
			return 0;
		}
		/* ENOENT: the file is gone. EINVAL: the filesystem cannot exchange. */
		if (errno != ENOENT && errno != EINVAL)
			return -errno;
	}
	/* renameat2 without flags, as the exchange, so that each write of a
	 * state file is one renameat2 call, which a test can count. */
	return renameat2_syscall(dir_fd, temp_name, base, 0) < 0 ? -errno : 0;
}

static int write_file_atomic(int dirfd, const char *path, const char *data, size_t len, mode_t mode,
			     bool exchange, struct libct_error *err)
{
	const char *base = NULL;
	_cleanup_free_ char *dir = split_dir_base(path, &base);
	if (base[0] == '\0')
		return ct_error_set(err, EINVAL, "write \"%s\": the path names a directory", path);

	_cleanup_close_ int dir_fd = openat(dirfd, dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (dir_fd < 0)
		return ct_error_sys(err, errno, "open directory \"%s\"", dir);

	_cleanup_free_ char *temp_name = NULL;
	_cleanup_close_ int fd = create_temp_file(dir_fd, base, &temp_name);
	if (fd < 0)
		return ct_error_sys(err, -fd, "create a temporary file for \"%s\"", path);

	int r = write_all(fd, data, len);
	if (r == 0 && fchmod(fd, mode) < 0)
		r = -errno;
	/* No fsync: the files written here (state, pid files) describe live
	 * processes, which a power loss or kernel crash ends anyway, and the
	 * rename alone keeps readers from seeing a partial file. Two fsyncs
	 * cost about 0.8 ms per write on a disk-backed root. */
	if (r == 0)
		r = move_into_place(dir_fd, temp_name, base, exchange);
	if (r < 0) {
		(void)unlinkat(dir_fd, temp_name, 0); /* best effort: the write error matters more */
		return ct_error_sys(err, -r, "write \"%s\"", path);
	}
	return 0;
}

int ct_write_file_atomic(int dirfd, const char *path, const char *data, size_t len, mode_t mode,
			 struct libct_error *err)
{
	return write_file_atomic(dirfd, path, data, len, mode, false, err);
}

int ct_replace_owned_file(int dirfd, const char *path, const char *data, size_t len, mode_t mode,
			  struct libct_error *err)
{
	return write_file_atomic(dirfd, path, data, len, mode, true, err);
}

/* ------------------------------------------------------ rooted lookups */

static int openat2_in_root(int root_fd, const char *path, int flags, mode_t mode)
{
	struct open_how how = {
		.flags = (uint64_t)flags | O_CLOEXEC,
		.mode = (flags & (O_CREAT | __O_TMPFILE)) ? mode : 0,
		.resolve = RESOLVE_IN_ROOT | RESOLVE_NO_MAGICLINKS,
	};

	for (int attempt = 0; attempt < OPEN_IN_ROOT_RETRIES; attempt++) {
		long fd = syscall(SYS_openat2, root_fd, path, &how, sizeof(how));
		if (fd >= 0)
			return (int)fd;
		if (errno != EAGAIN && errno != EINTR)
			return -errno;
	}
	return -EAGAIN;
}

int ct_open_in_root(int root_fd, const char *path, int flags, mode_t mode, struct libct_error *err)
{
	/* openat2 fails with ENOENT on an empty path, so "" is looked up as
	 * ".", the root itself, just like "/". */
	const char *lookup = path == NULL || path[0] == '\0' ? "." : path;
	int fd = openat2_in_root(root_fd, lookup, flags, mode);
	if (fd == -ENOSYS)
		return ct_error_set(err, ENOSYS, "open \"%s\" in the root filesystem: openat2 is not "
					 "supported by this kernel (Linux 5.6 or later is required)", lookup);
	if (fd < 0)
		return ct_error_sys(err, -fd, "open \"%s\" in the root filesystem", lookup);
	return fd;
}

/* Returns the length of the path prefix that ends with the next component
 * after position pos, or 0 when no component is left. *ret_start is the
 * offset of that component. */
static size_t next_component(const char *path, size_t pos, size_t *ret_start)
{
	while (path[pos] == '/')
		pos++;
	if (path[pos] == '\0')
		return 0;
	*ret_start = pos;
	while (path[pos] != '\0' && path[pos] != '/')
		pos++;
	return pos;
}

/*
 * Creates the directory component name inside parent_fd, unless it exists.
 * parent_fd was resolved inside the root, and mkdirat never follows a
 * symlink in its last component, so the new directory is inside the root.
 */
static int make_component(int parent_fd, const char *name, mode_t mode, const char *prefix,
			  struct libct_error *err)
{
	if (strcmp(name, ".") == 0 || strcmp(name, "..") == 0)
		return 0;
	if (mkdirat(parent_fd, name, mode) < 0 && errno != EEXIST)
		return ct_error_sys(err, errno, "create directory \"%s\" in the root filesystem", prefix);
	return 0;
}

/* The maximum depth of dangling symlinks whose targets point at further
 * dangling symlinks, the same limit as the kernel's MAXSYMLINKS (40). */
#define MKDIR_SYMLINK_MAX 40

static int mkdir_p_in_root(int root_fd, const char *path, mode_t mode, int depth, struct libct_error *err);

/*
 * Creates the missing target of the dangling symlink name in parent_fd,
 * found at the path prefix, whose parent directory is the first
 * parent_len bytes of prefix. The target is resolved inside the root, the
 * way openat2 resolves it, so a link such as /var/run -> /run works in an
 * image without /run, and an absolute target never reaches the host.
 */
static int make_symlink_target(int root_fd, int parent_fd, const char *name, const char *prefix,
			       size_t parent_len, mode_t mode, int depth, struct libct_error *err)
{
	if (depth >= MKDIR_SYMLINK_MAX)
		return ct_error_set(err, ELOOP, "create directory \"%s\" in the root filesystem: too many symlinks",
				    prefix);

	char target[4096];
	ssize_t n = readlinkat(parent_fd, name, target, sizeof(target) - 1);
	if (n < 0)
		return ct_error_sys(err, errno, "read symlink \"%s\" in the root filesystem", prefix);
	target[n] = '\0';

	_cleanup_free_ char *resolved =
		target[0] == '/' ? ct_strdup(target) : ct_asprintf("%.*s%s", (int)parent_len, prefix, target);
	int fd = mkdir_p_in_root(root_fd, resolved, mode, depth + 1, err);
	if (fd < 0)
		return fd;
	close(fd);
	return 0;
}

/*
 * The common cases of mkdir_p_in_root() in one or three lookups instead of
 * one per component: path exists, or only its last component is missing.
 * Returns -1 for every other case (and for every error), which the
 * component walk then handles and reports.
 */
static int open_or_make_last(int root_fd, const char *path, mode_t mode)
{
	int fd = openat2_in_root(root_fd, path, O_PATH | O_DIRECTORY, 0);
	if (fd != -ENOENT)
		return fd >= 0 ? fd : -1;

	size_t len = strlen(path);
	while (len > 0 && path[len - 1] == '/')
		len--;
	size_t start = len;
	while (start > 0 && path[start - 1] != '/')
		start--;
	if (start == len)
		return -1;
	_cleanup_free_ char *parent = ct_strndup(path, start);
	_cleanup_free_ char *name = ct_strndup(path + start, len - start);
	const char *lookup = parent[0] != '\0' ? parent : ".";
	_cleanup_close_ int parent_fd = openat2_in_root(root_fd, lookup, O_PATH | O_DIRECTORY, 0);
	/* An existing entry that did not open (a dangling symlink) is left
	 * to the walk, which creates the target inside the root. */
	if (parent_fd < 0 || mkdirat(parent_fd, name, mode) < 0)
		return -1;
	fd = openat2_in_root(root_fd, path, O_PATH | O_DIRECTORY, 0);
	return fd >= 0 ? fd : -1;
}

static int mkdir_p_in_root(int root_fd, const char *path, mode_t mode, int depth, struct libct_error *err)
{
	int fast_fd = open_or_make_last(root_fd, path, mode);
	if (fast_fd >= 0)
		return fast_fd;

	_cleanup_free_ char *prefix = ct_strdup(path);
	_cleanup_close_ int parent_fd = openat2_in_root(root_fd, ".", O_PATH | O_DIRECTORY, 0);
	if (parent_fd < 0)
		return ct_error_sys(err, -parent_fd, "open the root filesystem");

	size_t start = 0;
	size_t end = 0;
	while ((end = next_component(path, end, &start)) != 0) {
		/* Each prefix is looked up again from the root rather than from
		 * parent_fd, so ".." after a symlinked component resolves the way
		 * the kernel would resolve the whole path inside the root. */
		char saved = prefix[end];
		prefix[end] = '\0';
		int fd = openat2_in_root(root_fd, prefix, O_PATH | O_DIRECTORY, 0);
		if (fd == -ENOENT) {
			int r = make_component(parent_fd, prefix + start, mode, prefix, err);
			if (r < 0)
				return r;
			fd = openat2_in_root(root_fd, prefix, O_PATH | O_DIRECTORY, 0);
		}
		/* mkdirat found an entry, but the lookup that follows it does
		 * not: a symlink that points at a missing target. */
		if (fd == -ENOENT) {
			int r = make_symlink_target(root_fd, parent_fd, prefix + start, prefix, start, mode, depth, err);
			if (r < 0)
				return r;
			fd = openat2_in_root(root_fd, prefix, O_PATH | O_DIRECTORY, 0);
		}
		if (fd < 0)
			return ct_error_sys(err, -fd, "open directory \"%s\" in the root filesystem", prefix);

		close(parent_fd);
		parent_fd = fd;
		prefix[end] = saved;
	}
	return ct_steal_fd(&parent_fd);
}

int ct_mkdir_p_in_root(int root_fd, const char *path, mode_t mode, struct libct_error *err)
{
	return mkdir_p_in_root(root_fd, path == NULL ? "" : path, mode, 0, err);
}

/* ----------------------------------------------------------- user names */

/* Only the first 16 MiB of the host's /etc/passwd are read. */
#define HOST_PASSWD_MAX_SIZE (16 * 1024 * 1024)

/* Parses the uid field of a passwd(5) line, which ends at the next ':' or
 * at line_end: one or more decimal digits, at most UINT32_MAX. */
static bool parse_passwd_uid(const char *field, const char *line_end, uid_t *ret_uid)
{
	uint64_t value = 0;
	const char *p = field;
	for (; p < line_end && *p != ':'; p++) {
		if (*p < '0' || *p > '9')
			return false;
		value = value * 10 + (uint64_t)(*p - '0');
		if (value > UINT32_MAX)
			return false;
	}
	if (p == field)
		return false;
	*ret_uid = (uid_t)value;
	return true;
}

char *ct_passwd_user_name(const char *data, uid_t uid)
{
	const char *line = data;
	while (*line != '\0') {
		const char *end = strchrnul(line, '\n');
		/* name:password:uid:... with a name that is not empty */
		const char *name_end = memchr(line, ':', (size_t)(end - line));
		const char *password_end = NULL;
		if (name_end != NULL && name_end > line)
			password_end = memchr(name_end + 1, ':', (size_t)(end - name_end - 1));
		uid_t line_uid;
		if (password_end != NULL && parse_passwd_uid(password_end + 1, end, &line_uid) && line_uid == uid)
			return ct_strndup(line, (size_t)(name_end - line));
		if (*end == '\0')
			break;
		line = end + 1;
	}
	return NULL;
}

char *ct_host_user_name(uid_t uid)
{
	_cleanup_free_ char *data = NULL;
	if (ct_read_file_at(AT_FDCWD, "/etc/passwd", HOST_PASSWD_MAX_SIZE, &data, NULL, NULL) < 0)
		return NULL;
	return ct_passwd_user_name(data, uid);
}
