/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Unit tests of the protected views of the runtime binary (libct/exeseal.c).
 * The overlay and the memfd each contain the file's bytes and reject writes.
 * ct_exeseal_kind() tells them from a plain file, and ct_exeseal_open()
 * falls back to the memfd where the overlay cannot be made.
 */
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "exeseal.h"
#include "internal.h"
#include "tap.h"

#define FILE_SIZE (256 * 1024)

static char dir[] = "/tmp/test-exeseal.XXXXXX";
static char path[64];
static char content[FILE_SIZE];

static void make_file(void)
{
	for (size_t i = 0; i < sizeof(content); i++)
		content[i] = (char)(i * 7 + i / 251);
	if (mkdtemp(dir) == NULL) {
		perror("mkdtemp");
		exit(1);
	}
	snprintf(path, sizeof(path), "%s/binary", dir);
	int fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0755);
	if (fd < 0 || write(fd, content, sizeof(content)) != (ssize_t)sizeof(content) || close(fd) < 0) {
		perror(path);
		exit(1);
	}
}

static bool same_content(int fd)
{
	static char buf[FILE_SIZE + 1];
	ssize_t n = pread(fd, buf, sizeof(buf), 0);
	return n == FILE_SIZE && memcmp(buf, content, FILE_SIZE) == 0;
}

/* Reopens fd through /proc/self/fd for writing and writes one byte;
 * returns 0 or the errno of the step that failed. */
static int reopen_and_write(int fd)
{
	char again[64];
	snprintf(again, sizeof(again), "/proc/self/fd/%d", fd);
	int writable = open(again, O_RDWR | O_CLOEXEC);
	if (writable < 0)
		return errno;
	int r = pwrite(writable, "x", 1, 0) == 1 ? 0 : errno;
	close(writable);
	return r;
}

static void test_plain_file(int exe)
{
	is_int(ct_exeseal_kind(exe), CT_EXESEAL_NONE, "a plain file is not protected");
}

static void test_memfd(int exe)
{
	struct libct_error err = { 0 };
	int fd = -1;

	int r = ct_exeseal_memfd(exe, &fd, &err);
	if (!is_int(r, 0, "memfd view is made")) {
		diag("%s", err.message);
		return;
	}
	is_int(ct_exeseal_kind(fd), CT_EXESEAL_MEMFD, "memfd view is recognised");
	ok(same_content(fd), "memfd view holds the file's bytes");
	is_int(reopen_and_write(fd), EPERM, "memfd view refuses a write");
	close(fd);
}

static void test_overlay(int exe)
{
	struct libct_error err = { 0 };
	int fd = -1;

	int r = ct_exeseal_overlay(exe, &fd, &err);
	if (r < 0) {
		diag("%s", err.message);
		skip("overlay view cannot be made here");
		return;
	}
	is_int(ct_exeseal_kind(fd), CT_EXESEAL_OVERLAY, "overlay view is recognised");
	ok(same_content(fd), "overlay view holds the file's bytes");
	is_int(reopen_and_write(fd), EROFS, "overlay view refuses a write");

	struct mount_attr attr = { .attr_clr = MOUNT_ATTR_RDONLY };
	r = mount_setattr(fd, "", AT_EMPTY_PATH, &attr, sizeof(attr));
	is_int(r < 0 ? errno : 0, EINVAL, "overlay view's mount cannot be made writable");
	is_int(reopen_and_write(fd), EROFS, "overlay view still refuses a write");
	close(fd);
}

static bool is_detached_mount(int fd)
{
	struct statx stx;
	return fd >= 0 && statx(fd, "", AT_EMPTY_PATH, 0, &stx) == 0 && (stx.stx_attributes & STATX_ATTR_MOUNT_ROOT);
}

/* Asked for them, ct_exeseal_open() leaves the two detached mounts of an
 * overlay view open: the overlay and its empty layer. The view works
 * without them. */
static void test_kept_mounts(int exe)
{
	struct libct_error err = { 0 };
	int fd = -1;
	int mounts[LIBCT_VIEW_MOUNTS] = { -2, -2 };

	int method = ct_exeseal_open(exe, CT_EXESEAL_OVERLAY, &fd, mounts, &err);
	if (method != CT_EXESEAL_OVERLAY) {
		diag("%s", err.message);
		skip("overlay view cannot be made here");
		if (method >= 0)
			close(fd);
		return;
	}
	ok(is_detached_mount(mounts[0]) && is_detached_mount(mounts[1]), "both mounts of the view are kept");
	ct_close_view_mounts(mounts);
	ok(mounts[0] == -1 && mounts[1] == -1, "closed mounts read -1");
	ok(same_content(fd), "view holds the file's bytes once its mounts are closed");
	close(fd);

	method = ct_exeseal_open(exe, CT_EXESEAL_MEMFD, &fd, mounts, &err);
	is_int(method, CT_EXESEAL_MEMFD, "memfd view made");
	ok(mounts[0] == -1 && mounts[1] == -1, "memfd view has no mounts");
	if (method >= 0)
		close(fd);
}

/* A binary replaced after it was opened has no name to mount an overlay
 * of, so ct_exeseal_open() copies the open file instead. */
static void test_replaced_file(void)
{
	struct libct_error err = { 0 };
	char other[96];
	int fd = -1;

	int stale = open(path, O_RDONLY | O_CLOEXEC);
	snprintf(other, sizeof(other), "%s/new", dir);
	int created = open(other, O_WRONLY | O_CREAT | O_CLOEXEC, 0755);
	if (stale < 0 || created < 0 || close(created) < 0 || rename(other, path) < 0) {
		perror("replace the test file");
		exit(1);
	}
	ok(ct_exeseal_overlay(stale, &fd, &err) < 0, "overlay of a replaced binary fails");
	int method = ct_exeseal_open(stale, CT_EXESEAL_OVERLAY, &fd, NULL, &err);
	is_int(method, CT_EXESEAL_MEMFD, "replaced binary falls back to the memfd");
	if (method >= 0) {
		ok(same_content(fd), "fallback copy holds the opened file's bytes");
		close(fd);
	}
	close(stale);
}

/* In a new user namespace the mount namespace still belongs to the
 * initial one, so overlayfs refuses the mount and the memfd is used. */
static void test_fallback_in_user_namespace(int exe)
{
	pid_t pid = fork();
	if (pid == 0) {
		struct libct_error err = { 0 };
		int fd = -1;

		if (unshare(CLONE_NEWUSER) < 0)
			_exit(100);
		int method = ct_exeseal_open(exe, CT_EXESEAL_OVERLAY, &fd, NULL, &err);
		_exit(method == CT_EXESEAL_MEMFD && same_content(fd) ? 0 : 1);
	}
	int status = 0;
	if (pid < 0 || waitpid(pid, &status, 0) < 0 || !WIFEXITED(status)) {
		ok(false, "fallback child ran");
		return;
	}
	if (WEXITSTATUS(status) == 100) {
		skip("no user namespace here");
		return;
	}
	is_int(WEXITSTATUS(status), 0, "fallback in a user namespace is the memfd");
}

static void test_no_method_left(int exe)
{
	struct libct_error err = { 0 };
	int fd = -1;

	is_int(ct_exeseal_open(exe, CT_EXESEAL_MEMFD + 1, &fd, NULL, &err), -EINVAL, "no method after the memfd");
	ok(strstr(err.message, "protect runtime binary") != NULL, "error names the operation");
}

int main(void)
{
	make_file();
	int exe = open(path, O_RDONLY | O_CLOEXEC);
	if (exe < 0) {
		perror(path);
		return 1;
	}

	test_plain_file(exe);
	test_memfd(exe);
	test_overlay(exe);
	test_kept_mounts(exe);
	test_fallback_in_user_namespace(exe);
	test_no_method_left(exe);
	close(exe);
	test_replaced_file();

	unlink(path);
	rmdir(dir);
	return done_testing();
}
