/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Unit tests for the file helpers and the rooted lookups of libct/utils.c,
 * on a temporary tree with hostile symlinks: an absolute link to /etc,
 * ".." escapes, a link to a sibling of the root, dangling links and
 * symlink loops.
 *
 *   TMP/secret/             outside the root, must never be touched
 *   TMP/root/               the root
 *     real/file             "inside"
 *     etc/                  so that the link to /etc resolves inside
 *     etc_link -> /etc
 *     up -> ../../..
 *     sibling -> ../secret
 *     abs_inside -> /real
 *     loop_a -> loop_b, loop_b -> loop_a
 *     var/run -> ../run     dangling, like in an image without /run
 *     abs_dangling -> /missing/deep
 *     chain_a -> chain_b -> /chain_end
 *     self -> self/sub
 *     regular               a file, not a directory
 */
#include <dirent.h>
#include <fcntl.h>
#include <stdio.h>
#include <sys/stat.h>
#include <unistd.h>

#include "internal.h"
#include "tap.h"

static char top[] = "/tmp/ctrun-test-paths.XXXXXX";
static int root_fd = -1;

static char *at_top(const char *relative)
{
	return ct_asprintf("%s/%s", top, relative);
}

static bool exists(const char *relative)
{
	_cleanup_free_ char *path = at_top(relative);
	struct stat st;
	return lstat(path, &st) == 0;
}

static void make_dir(const char *relative)
{
	_cleanup_free_ char *path = at_top(relative);
	if (mkdir(path, 0755) < 0)
		diag("mkdir %s: %m", path);
}

static void make_link(const char *target, const char *relative)
{
	_cleanup_free_ char *path = at_top(relative);
	if (symlink(target, path) < 0)
		diag("symlink %s: %m", path);
}

static void make_file(const char *relative, const char *content)
{
	_cleanup_free_ char *path = at_top(relative);
	FILE *f = fopen(path, "we");
	if (f == NULL) {
		diag("create %s: %m", path);
		return;
	}
	fputs(content, f);
	fclose(f);
}

static void build_tree(void)
{
	make_dir("secret");
	make_dir("root");
	make_dir("root/real");
	make_dir("root/etc");
	make_file("root/real/file", "inside");
	make_file("root/regular", "x");
	make_link("/etc", "root/etc_link");
	make_link("../../..", "root/up");
	make_link("../secret", "root/sibling");
	make_link("/real", "root/abs_inside");
	make_link("loop_b", "root/loop_a");
	make_link("loop_a", "root/loop_b");
	make_dir("root/var");
	make_link("../run", "root/var/run");
	make_link("/missing/deep", "root/abs_dangling");
	make_link("chain_b", "root/chain_a");
	make_link("/chain_end", "root/chain_b");
	make_link("self/sub", "root/self");
	_cleanup_free_ char *root = at_top("root");
	root_fd = open(root, O_PATH | O_DIRECTORY | O_CLOEXEC);
}

/* Returns true when fd is the same inode as TMP/relative. */
static bool same_file(int fd, const char *relative)
{
	_cleanup_free_ char *path = at_top(relative);
	struct stat a, b;
	return fd >= 0 && fstat(fd, &a) == 0 && stat(path, &b) == 0 && a.st_dev == b.st_dev && a.st_ino == b.st_ino;
}

static void test_open_in_root(void)
{
	struct libct_error err = {0};
	int fd;

	fd = ct_open_in_root(root_fd, "/real/file", O_RDONLY, 0, &err);
	ok(same_file(fd, "root/real/file"), "open absolute path inside the root");
	ct_closep(&fd);

	fd = ct_open_in_root(root_fd, "/up/real/file", O_RDONLY, 0, &err);
	ok(same_file(fd, "root/real/file"), "relative symlink with .. stops at the root");
	ct_closep(&fd);

	fd = ct_open_in_root(root_fd, "../../../../real/file", O_RDONLY, 0, &err);
	ok(same_file(fd, "root/real/file"), "leading .. stays at the root");
	ct_closep(&fd);

	fd = ct_open_in_root(root_fd, "abs_inside/file", O_RDONLY, 0, &err);
	ok(same_file(fd, "root/real/file"), "absolute symlink resolves inside the root");
	ct_closep(&fd);

	fd = ct_open_in_root(root_fd, "/etc_link/passwd", O_RDONLY, 0, &err);
	is_int(fd, -ENOENT, "absolute symlink to /etc does not reach the host");
	is_str(err.message, "open \"/etc_link/passwd\" in the root filesystem: No such file or directory",
	       "escape error message");

	fd = ct_open_in_root(root_fd, "sibling", O_PATH, 0, &err);
	is_int(fd, -ENOENT, "symlink to a sibling of the root does not reach it");

	fd = ct_open_in_root(root_fd, "loop_a/x", O_RDONLY, 0, &err);
	is_int(fd, -ELOOP, "symlink loop fails with ELOOP");

	fd = ct_open_in_root(root_fd, "/proc/self/root/etc/passwd", O_RDONLY, 0, &err);
	is_int(fd, -ENOENT, "a /proc path is looked up inside the root");

	fd = ct_open_in_root(root_fd, "", O_PATH | O_DIRECTORY, 0, &err);
	ok(same_file(fd, "root"), "empty path opens the root");
	ct_closep(&fd);

	fd = ct_open_in_root(root_fd, "/", O_PATH | O_DIRECTORY, 0, &err);
	ok(same_file(fd, "root"), "\"/\" opens the root");
	ok(fd < 0 || (fcntl(fd, F_GETFD) & FD_CLOEXEC), "fd is close-on-exec");
	ct_closep(&fd);

	fd = ct_open_in_root(root_fd, "/etc_link/created", O_CREAT | O_WRONLY, 0600, &err);
	ok(fd >= 0, "O_CREAT through the /etc symlink succeeds");
	ok(exists("root/etc/created"), "the file was created inside the root");
	ok(access("/etc/created", F_OK) < 0, "nothing was created in the host's /etc");
	ct_closep(&fd);
}

static void test_mkdir_p_in_root(void)
{
	struct libct_error err = {0};
	int fd;

	fd = ct_mkdir_p_in_root(root_fd, "/a/./b//c/", 0755, &err);
	ok(same_file(fd, "root/a/b/c"), "mkdir -p creates every component");
	ct_closep(&fd);

	fd = ct_mkdir_p_in_root(root_fd, "/a/b/c", 0755, &err);
	ok(same_file(fd, "root/a/b/c"), "mkdir -p of an existing path");
	ct_closep(&fd);

	fd = ct_mkdir_p_in_root(root_fd, "etc_link/ctrun-test-dir", 0755, &err);
	ok(same_file(fd, "root/etc/ctrun-test-dir"), "mkdir through /etc symlink lands inside the root");
	ok(access("/etc/ctrun-test-dir", F_OK) < 0, "nothing was created in the host's /etc");
	ct_closep(&fd);

	fd = ct_mkdir_p_in_root(root_fd, "up/escape/deeper", 0755, &err);
	ok(same_file(fd, "root/escape/deeper"), "mkdir through a .. symlink lands inside the root");
	ct_closep(&fd);

	fd = ct_mkdir_p_in_root(root_fd, "../../escape2", 0755, &err);
	ok(same_file(fd, "root/escape2"), "leading .. is clamped at the root");
	ok(!exists("escape2"), "nothing was created next to the root");
	ct_closep(&fd);

	fd = ct_mkdir_p_in_root(root_fd, "abs_inside/../x/y", 0755, &err);
	ok(same_file(fd, "root/x/y"), ".. after a symlink resolves like the kernel does");
	ct_closep(&fd);

	fd = ct_mkdir_p_in_root(root_fd, "sibling/newdir", 0755, &err);
	ok(same_file(fd, "root/secret/newdir"), "dangling symlink to a sibling gets its target inside the root");
	ok(!exists("secret/newdir"), "nothing was created outside the root");
	ct_closep(&fd);

	fd = ct_mkdir_p_in_root(root_fd, "var/run/app", 0755, &err);
	ok(same_file(fd, "root/run/app"), "relative dangling symlink gets its target created");
	ct_closep(&fd);

	fd = ct_mkdir_p_in_root(root_fd, "abs_dangling/x", 0755, &err);
	ok(same_file(fd, "root/missing/deep/x"), "absolute dangling symlink gets its target inside the root");
	ok(access("/missing/deep", F_OK) < 0, "nothing was created at the host's /missing");
	ct_closep(&fd);

	fd = ct_mkdir_p_in_root(root_fd, "chain_a/x", 0755, &err);
	ok(same_file(fd, "root/chain_end/x"), "chain of dangling symlinks is followed");
	ct_closep(&fd);

	fd = ct_mkdir_p_in_root(root_fd, "self/x", 0755, &err);
	is_int(fd, -ELOOP, "symlink into itself fails with ELOOP");

	fd = ct_mkdir_p_in_root(root_fd, "loop_a/x", 0755, &err);
	is_int(fd, -ELOOP, "symlink loop fails with ELOOP");

	fd = ct_mkdir_p_in_root(root_fd, "regular/sub", 0755, &err);
	is_int(fd, -ENOTDIR, "a file in the path fails with ENOTDIR");
	is_str(err.message, "open directory \"regular\" in the root filesystem: Not a directory",
	       "file in the path message");

	fd = ct_mkdir_p_in_root(root_fd, "/", 0755, &err);
	ok(same_file(fd, "root"), "mkdir -p of \"/\" returns the root");
	ct_closep(&fd);
}

static void test_file_helpers(void)
{
	struct libct_error err = {0};
	_cleanup_free_ char *dir = at_top("files");
	mkdir(dir, 0755);
	_cleanup_close_ int dir_fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	_cleanup_free_ char *data = NULL;
	size_t len = 0;

	is_int(ct_write_file_atomic(dir_fd, "state.json", "{\"a\":1}", 7, 0640, &err), 0, "atomic write creates");
	is_int(ct_read_file_at(dir_fd, "state.json", 1024, &data, &len, &err), 0, "read back");
	is_str(data, "{\"a\":1}", "content after the first write");
	is_int(len, 7, "length after the first write");
	struct stat st;
	ok(fstatat(dir_fd, "state.json", &st, 0) == 0 && (st.st_mode & 07777) == 0640, "mode is applied");
	free(data);
	data = NULL;

	is_int(ct_write_file_atomic(dir_fd, "state.json", "{}", 2, 0600, &err), 0, "atomic write replaces");
	is_int(ct_read_file_at(dir_fd, "state.json", 1024, &data, &len, &err), 0, "read the replacement");
	is_str(data, "{}", "content after the replacement");
	free(data);
	data = NULL;

	int entries = 0;
	DIR *d = opendir(dir);
	for (struct dirent *e; d != NULL && (e = readdir(d)) != NULL;)
		if (strcmp(e->d_name, ".") != 0 && strcmp(e->d_name, "..") != 0)
			entries++;
	if (d != NULL)
		closedir(d);
	is_int(entries, 1, "no temporary file is left behind");

	is_int(ct_read_file_at(dir_fd, "state.json", 1, &data, &len, &err), -EFBIG, "max_size is enforced");
	is_str(err.message, "read \"state.json\": file larger than 1 bytes", "max_size message");

	is_int(ct_write_file_at(dir_fd, "missing", "x", 1, &err), -ENOENT, "write_file_at does not create");
	is_str(err.message, "open \"missing\" for writing: No such file or directory", "missing file message");

	is_int(ct_write_file_at(dir_fd, "state.json", "abc", 3, &err), 0, "write_file_at writes");
	is_int(ct_read_file_at(dir_fd, "state.json", 3, &data, &len, &err), 0, "read exactly max_size bytes");
	is_str(data, "abc", "content written in place");
	free(data);
	data = NULL;

	is_int(ct_write_file_atomic(dir_fd, "nodir/x", "x", 1, 0600, &err), -ENOENT, "atomic write needs the directory");
}

static void test_cleanup_helpers(void)
{
	int fd = open("/dev/null", O_RDONLY | O_CLOEXEC);
	errno = 1234;
	ct_closep(&fd);
	is_int(fd, -1, "closep resets the fd");
	is_int(errno, 1234, "closep keeps errno");

	char **v = ct_calloc(3, sizeof(char *));
	v[0] = ct_strdup("a");
	v[1] = ct_strdup("b");
	ct_strvfreep(&v);
	ok(v == NULL, "strvfreep frees and clears");

	char *s = ct_strdup("x");
	char *taken = ct_steal_pointer(&s);
	ok(s == NULL && taken != NULL, "steal_pointer moves ownership");
	free(taken);
}

/* Looks uid up in data and frees the name, for is_str(). */
static const char *passwd_name(const char *data, uid_t uid)
{
	static char name[64];
	_cleanup_free_ char *found = ct_passwd_user_name(data, uid);
	if (found == NULL)
		return "(none)";
	snprintf(name, sizeof(name), "%s", found);
	return name;
}

static void test_passwd_user_name(void)
{
	const char *data = "root:x:0:0:root:/root:/bin/bash\n"
			   "# a comment\n"
			   "\n"
			   "+::::::\n"
			   ":x:1000:1000::/home:/bin/sh\n"
			   "nouid:x:\n"
			   "letters:x:10a0:0::/:/bin/sh\n"
			   "alice:x:1000:1000:Alice:/home/alice:/bin/bash\n"
			   "alias:x:1000:1000::/home/alice:/bin/bash\n"
			   "short:x:2000\n"
			   "last:x:4294967295:0::/:/bin/sh";
	is_str(passwd_name(data, 0), "root", "passwd: first line");
	is_str(passwd_name(data, 1000), "alice", "passwd: first valid entry wins");
	is_str(passwd_name(data, 2000), "short", "passwd: uid as the last field");
	is_str(passwd_name(data, 4294967295u), "last", "passwd: last line without newline");
	is_str(passwd_name(data, 10), "(none)", "passwd: uid with letters skipped");
	/* 4294967296 would wrap to uid 0 in 32 bits. */
	is_str(passwd_name("huge:x:4294967296:0::/:/bin/sh\nroot:x:0:0::/:/bin/sh\n", 0), "root",
	       "passwd: overflowing uid skipped");
	is_str(passwd_name(data, 3000), "(none)", "passwd: unknown uid");
	is_str(passwd_name("", 0), "(none)", "passwd: empty file");
	is_str(passwd_name("name:x:", 0), "(none)", "passwd: empty uid field");
}

static void remove_tree(void)
{
	_cleanup_free_ char *command = ct_asprintf("rm -rf '%s'", top);
	if (system(command) != 0)
		diag("could not remove %s", top);
}

int main(void)
{
	if (mkdtemp(top) == NULL) {
		printf("Bail out! mkdtemp: %m\n");
		return 1;
	}
	build_tree();

	test_open_in_root();
	test_mkdir_p_in_root();
	test_file_helpers();
	test_cleanup_helpers();
	test_passwd_user_name();

	ct_closep(&root_fd);
	remove_tree();
	return done_testing();
}
