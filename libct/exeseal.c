/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Runs the runtime from a view of its binary that cannot be written.
 *
 * Every process that the runtime makes in a container starts as a clone of
 * the runtime, so its /proc/PID/exe is the runtime's binary until execve.
 * A container whose program is /proc/self/exe, or a script whose
 * interpreter is, makes that execve run the binary inside the container,
 * where the container's other processes may open it through /proc/PID/exe
 * and write it once no process executes it any more (CVE-2019-5736). So
 * create, run and exec first switch the runtime to one of two views, in
 * place (switch_in_place()) or else by executing the view:
 *
 * 1. A detached overlayfs whose only layers are lower layers: the binary's
 *    directory and an empty tmpfs. It is made with fsopen() and fsmount()
 *    and never attached, so no mount event reaches the host and nothing
 *    is left behind. Without an upper layer the overlay's superblock is
 *    read-only for good: Linux refuses to reconfigure it read-write
 *    (EROFS), even for its owner. The fds of its mounts are closed once the
 *    file is open, or after a switch in place while the runtime waits for
 *    its child, which dissolves the mounts. The file keeps them alive, but
 *    no namespace contains them. A container process that reaches the file
 *    through /proc/PID/exe, or through an O_PATH fd of it reopened with
 *    /proc/self/fd/N after the runtime is gone, gets the overlay's file:
 *    - opening it for writing fails with EROFS from the superblock;
 *    - mount_setattr() and fspick() need the root of the mount, and the
 *      file is not one, so they fail with EINVAL; no path leads from a
 *      file to its directory;
 *    - open_tree(OPEN_TREE_CLONE) accepts only a mount of the caller's
 *      namespace or of a detached tree made from it, so it fails with
 *      EINVAL, and a clone would still share the read-only superblock;
 *    - the lower file itself is reachable only through
 *      /proc/PID/map_files, which needs CAP_SYS_ADMIN (or
 *      CAP_CHECKPOINT_RESTORE) in the initial user namespace, and leads
 *      to overlayfs's private read-only clone of the lower mount, which is
 *      in no namespace either.
 *    This holds with or without CAP_SYS_ADMIN and with or without a user
 *    namespace. tests/security/binary.bats tries each way from a container
 *    that has CAP_SYS_ADMIN and CAP_SYS_PTRACE.
 * 2. A memfd copy sealed with F_SEAL_WRITE, F_SEAL_GROW, F_SEAL_SHRINK and
 *    F_SEAL_SEAL: the fallback where the overlay cannot be made (Linux
 *    older than 6.8, which lacks statmount(); no CAP_SYS_ADMIN over the
 *    caller's mount namespace, as for a rootless runtime; overlayfs
 *    missing; a binary on a filesystem overlayfs refuses as a layer).
 *
 * A read-only bind mount of the binary (open_tree of the file plus
 * mount_setattr) costs less still, but the file is the root of that mount,
 * so fspick() on /proc/PID/exe hands the host filesystem's superblock to a
 * container process that has CAP_SYS_ADMIN, which may then reconfigure
 * it. It is not used.
 *
 * docs/security.md gives the measured cost of each view.
 */
#include <fcntl.h>
#include <limits.h>
#include <link.h>
#include <linux/magic.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/mount.h>
#include <sys/prctl.h>
#include <sys/sendfile.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <sys/statvfs.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "exeseal.h"
#include "internal.h"

#define SEALS (F_SEAL_SEAL | F_SEAL_SHRINK | F_SEAL_GROW | F_SEAL_WRITE)

/* Linux 6.8 ABI, missing from the headers of older distributions. */
#ifndef STATX_MNT_ID_UNIQUE
#define STATX_MNT_ID_UNIQUE 0x00004000U
#endif
#ifndef __NR_statmount
#define __NR_statmount 457
#endif
#define STATMOUNT_SB_BASIC_MASK 0x00000001U

struct statmount_request {
	uint32_t size;
	uint32_t spare;
	uint64_t mnt_id;
	uint64_t param;
};

extern char **environ;

/* Returns whether the mount with the unique id mnt_id is missing from the
 * caller's mount namespace; false when statmount() cannot tell. */
static bool is_detached(uint64_t mnt_id)
{
	struct statmount_request request = {
		.size = sizeof(request),
		.mnt_id = mnt_id,
		.param = STATMOUNT_SB_BASIC_MASK,
	};
	char buffer[2048];

	return syscall(__NR_statmount, &request, buffer, sizeof(buffer), 0) < 0 && errno == ENOENT;
}

/*
 * Returns whether fd is a file, not a mount root, on a read-only overlayfs
 * mount that is in no mount namespace of the caller: the view that
 * ct_exeseal_overlay() makes. Another program could prepare such a view
 * with an upper layer. The container still cannot write through it, because
 * it reaches neither the mount's root nor the superblock.
 */
static bool is_detached_overlay(int fd)
{
	struct statfs fs;
	struct statx stx;

	if (fstatfs(fd, &fs) < 0 || fs.f_type != OVERLAYFS_SUPER_MAGIC || !(fs.f_flags & ST_RDONLY))
		return false;
	if (statx(fd, "", AT_EMPTY_PATH, STATX_MNT_ID_UNIQUE, &stx) < 0)
		return false;
	if (!(stx.stx_mask & STATX_MNT_ID_UNIQUE) || !(stx.stx_attributes_mask & STATX_ATTR_MOUNT_ROOT) ||
	    (stx.stx_attributes & STATX_ATTR_MOUNT_ROOT))
		return false;
	return is_detached(stx.stx_mnt_id);
}

enum ct_exeseal ct_exeseal_kind(int fd)
{
	int seals = fcntl(fd, F_GET_SEALS);

	if (seals >= 0 && (seals & SEALS) == SEALS)
		return CT_EXESEAL_MEMFD;
	return is_detached_overlay(fd) ? CT_EXESEAL_OVERLAY : CT_EXESEAL_NONE;
}

int ct_exeseal_memfd(int exe, int *ret_fd, struct libct_error *err)
{
	struct stat st;
	if (fstat(exe, &st) < 0)
		return ct_error_sys(err, errno, "protect runtime binary: stat /proc/self/exe");
	_cleanup_close_ int copy = memfd_create("ctrun", MFD_CLOEXEC | MFD_ALLOW_SEALING);
	if (copy < 0)
		return ct_error_sys(err, errno, "protect runtime binary: create memfd");
	for (off_t done = 0; done < st.st_size;) {
		ssize_t n = sendfile(copy, exe, &done, (size_t)(st.st_size - done));
		if (n <= 0)
			return ct_error_sys(err, n < 0 ? errno : EIO, "protect runtime binary: copy");
	}
	if (fchmod(copy, 0555) < 0 || fcntl(copy, F_ADD_SEALS, SEALS) < 0)
		return ct_error_sys(err, errno, "protect runtime binary: seal memfd");
	*ret_fd = ct_steal_fd(&copy);
	return 0;
}

/* Mounts an empty read-only tmpfs, detached: overlayfs needs two lower
 * layers when it has no upper one, and the binary's directory is the other. */
static int mount_empty_layer(int *ret_fd, struct libct_error *err)
{
	_cleanup_close_ int fs = fsopen("tmpfs", FSOPEN_CLOEXEC);
	if (fs < 0)
		return ct_error_sys(err, errno, "protect runtime binary: open tmpfs");
	if (fsconfig(fs, FSCONFIG_SET_STRING, "size", "4k", 0) < 0 ||
	    fsconfig(fs, FSCONFIG_CMD_CREATE, NULL, NULL, 0) < 0)
		return ct_error_sys(err, errno, "protect runtime binary: create tmpfs");
	int mnt = fsmount(fs, FSMOUNT_CLOEXEC, MOUNT_ATTR_RDONLY | MOUNT_ATTR_NODEV | MOUNT_ATTR_NOSUID);
	if (mnt < 0)
		return ct_error_sys(err, errno, "protect runtime binary: mount tmpfs");
	*ret_fd = mnt;
	return 0;
}

/* Mounts a detached overlay of the directory dir over an empty layer. */
static int mount_overlay(int dir, int *ret_fd, int *ret_empty, struct libct_error *err)
{
	_cleanup_close_ int empty = -1;
	int r = mount_empty_layer(&empty, err);
	if (r < 0)
		return r;

	/* Naming the layers by fd leaves no path to resolve again. */
	char layers[64];
	snprintf(layers, sizeof(layers), "/proc/self/fd/%d:/proc/self/fd/%d", dir, empty);
	_cleanup_close_ int fs = fsopen("overlay", FSOPEN_CLOEXEC);
	if (fs < 0)
		return ct_error_sys(err, errno, "protect runtime binary: open overlayfs");
	/* With xino off, a lower file keeps its inode number, which
	 * ct_exeseal_overlay() compares. */
	if (fsconfig(fs, FSCONFIG_SET_STRING, "lowerdir", layers, 0) < 0 ||
	    fsconfig(fs, FSCONFIG_SET_STRING, "xino", "off", 0) < 0 ||
	    fsconfig(fs, FSCONFIG_CMD_CREATE, NULL, NULL, 0) < 0)
		return ct_error_sys(err, errno, "protect runtime binary: create overlayfs");
	int mnt = fsmount(fs, FSMOUNT_CLOEXEC, MOUNT_ATTR_RDONLY | MOUNT_ATTR_NODEV | MOUNT_ATTR_NOSUID);
	if (mnt < 0)
		return ct_error_sys(err, errno, "protect runtime binary: mount overlayfs");
	*ret_fd = mnt;
	if (ret_empty != NULL)
		*ret_empty = ct_steal_fd(&empty);
	return 0;
}

static bool same_file(const struct stat *a, const struct stat *b)
{
	return a->st_ino == b->st_ino && a->st_size == b->st_size && a->st_mode == b->st_mode &&
	       a->st_mtim.tv_sec == b->st_mtim.tv_sec && a->st_mtim.tv_nsec == b->st_mtim.tv_nsec &&
	       a->st_ctim.tv_sec == b->st_ctim.tv_sec && a->st_ctim.tv_nsec == b->st_ctim.tv_nsec;
}

/* Makes the overlay view. With ret_mounts, the fds of its two detached
 * mounts stay open there instead of being closed on return. */
static int overlay_view(int exe, int *ret_fd, int *ret_mounts, struct libct_error *err)
{
	char link[64], path[PATH_MAX];
	struct stat want, got;

	snprintf(link, sizeof(link), "/proc/self/fd/%d", exe);
	ssize_t length = readlink(link, path, sizeof(path) - 1);
	if (length <= 0 || fstat(exe, &want) < 0)
		return ct_error_sys(err, length == 0 ? EIO : errno, "protect runtime binary: find /proc/self/exe");
	path[length] = '\0';
	char *slash = strrchr(path, '/');
	if (slash == NULL || slash[1] == '\0')
		return ct_error_set(err, EINVAL, "protect runtime binary: \"%s\" is not an absolute file path", path);
	const char *name = slash + 1;
	*slash = '\0';

	_cleanup_close_ int dir = open(path[0] != '\0' ? path : "/", O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (dir < 0)
		return ct_error_sys(err, errno, "protect runtime binary: open \"%s\"", path);
	_cleanup_close_ int mnt = -1, empty = -1;
	int r = mount_overlay(dir, &mnt, ret_mounts != NULL ? &empty : NULL, err);
	if (r < 0)
		return r;
	/* Closing mnt dissolves the mount; the file keeps it. */
	_cleanup_close_ int file = openat(mnt, name, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
	if (file < 0)
		return ct_error_sys(err, errno, "protect runtime binary: open \"%s\" on overlayfs", name);
	/* The name may have been replaced since /proc/self/exe was read. */
	if (fstat(file, &got) < 0 || !same_file(&want, &got))
		return ct_error_set(err, ESTALE, "protect runtime binary: \"%s/%s\" changed", path, name);
	*ret_fd = ct_steal_fd(&file);
	if (ret_mounts != NULL) {
		ret_mounts[0] = ct_steal_fd(&mnt);
		ret_mounts[1] = ct_steal_fd(&empty);
	}
	return 0;
}

int ct_exeseal_overlay(int exe, int *ret_fd, struct libct_error *err)
{
	return overlay_view(exe, ret_fd, NULL, err);
}

int ct_exeseal_open(int exe, enum ct_exeseal first, int *ret_fd, int *ret_mounts, struct libct_error *err)
{
	int r = -EINVAL;

	for (int method = first; method <= CT_EXESEAL_MEMFD; method++) {
		_cleanup_close_ int fd = -1;
		int mounts[LIBCT_VIEW_MOUNTS] = { -1, -1 };

		if (method == CT_EXESEAL_OVERLAY)
			r = overlay_view(exe, &fd, ret_mounts != NULL ? mounts : NULL, err);
		else if (method == CT_EXESEAL_MEMFD)
			r = ct_exeseal_memfd(exe, &fd, err);
		else
			continue;
		if (r < 0)
			continue;
		/* The re-executed runtime must recognise the view, or it would
		 * re-execute forever: on Linux before 6.8 it cannot prove an
		 * overlay detached, so the memfd is used there. */
		if ((int)ct_exeseal_kind(fd) != method) {
			r = ct_error_set(err, ENOTSUP, "protect runtime binary: view %d is not recognised", method);
			ct_close_view_mounts(mounts);
			continue;
		}
		*ret_fd = ct_steal_fd(&fd);
		if (ret_mounts != NULL)
			memcpy(ret_mounts, mounts, sizeof(mounts));
		return method;
	}
	if (r == -EINVAL && first > CT_EXESEAL_MEMFD)
		return ct_error_set(err, EINVAL, "protect runtime binary: no method from %d", (int)first);
	return r;
}

/* The program's own segments, from its program headers. */
struct segments {
	uintptr_t bias;
	const ElfW(Phdr) *headers;
	size_t n_headers;
};

static int find_program(struct dl_phdr_info *info, size_t size, void *data)
{
	struct segments *segments = data;
	/* The program comes first; its name is empty. */
	segments->bias = info->dlpi_addr;
	segments->headers = info->dlpi_phdr;
	segments->n_headers = info->dlpi_phnum;
	return 1;
}

/* Replaces the writable segment at start with anonymous memory of the same
 * contents: relocated pointers, variables and the start of .bss. Nearly
 * every page of it was written at start-up, so a private mapping of the
 * file would save no memory, and populating the copy at once is cheaper
 * than a fault per page. mremap() then replaces the old mapping in one
 * step, which matters because this code reads the old one (its GOT) until
 * then. */
static int replace_writable(uintptr_t start, size_t length)
{
	void *copy = mmap(NULL, length, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_POPULATE, -1, 0);
	if (copy == MAP_FAILED)
		return -errno;
	memcpy(copy, (const void *)start, length);
	if (mremap(copy, length, length, MREMAP_MAYMOVE | MREMAP_FIXED, (void *)start) == MAP_FAILED) {
		int r = -errno;
		munmap(copy, length);
		return r;
	}
	return 0;
}

/* Returns the mmap() protection that the flags of a segment give. */
static int segment_protection(const ElfW(Phdr) *header)
{
	return ((header->p_flags & PF_R) ? PROT_READ : 0) | ((header->p_flags & PF_W) ? PROT_WRITE : 0) |
	       ((header->p_flags & PF_X) ? PROT_EXEC : 0);
}

/*
 * Makes view the executable of this process, which /proc/PID/exe shows.
 * PR_SET_MM_EXE_FILE needs CAP_SYS_RESOURCE, which root has. Without it,
 * PR_SET_MM_MAP needs CAP_SYS_ADMIN or CAP_CHECKPOINT_RESTORE in the
 * caller's user namespace, and writes every address of the memory map at
 * once, so they are read from /proc/self/stat and written back unchanged:
 * about 40 us more.
 */
static int set_exe_file(int view, struct libct_error *err)
{
	if (prctl(PR_SET_MM, PR_SET_MM_EXE_FILE, (unsigned long)view, 0, 0) == 0)
		return 0;
	if (errno != EPERM)
		return ct_error_sys(err, errno, "protect runtime binary: make the view the executable");

	char buffer[1024];
	_cleanup_close_ int fd = open("/proc/self/stat", O_RDONLY | O_CLOEXEC);
	ssize_t n = fd < 0 ? -1 : read(fd, buffer, sizeof(buffer) - 1);
	if (n <= 0)
		return ct_error_sys(err, n < 0 ? errno : EIO, "protect runtime binary: read /proc/self/stat");
	buffer[n] = '\0';
	/* Fields 26 to 28 and 45 to 51, as proc(5) numbers them. The name,
	 * field 2, ends at the last ')'. */
	unsigned long long field[52] = { 0 };
	char *cursor = strrchr(buffer, ')');
	for (int i = 3; cursor != NULL && i <= 51; i++) {
		cursor = strchr(cursor, ' ');
		if (cursor != NULL)
			field[i] = strtoull(++cursor, NULL, 10);
	}
	if (cursor == NULL)
		return ct_error_set(err, EIO, "protect runtime binary: /proc/self/stat is short");
	struct prctl_mm_map map = {
		.start_code = field[26],
		.end_code = field[27],
		.start_stack = field[28],
		.start_data = field[45],
		.end_data = field[46],
		.start_brk = field[47],
		.brk = (uint64_t)syscall(SYS_brk, 0),
		.arg_start = field[48],
		.arg_end = field[49],
		.env_start = field[50],
		.env_end = field[51],
		.exe_fd = (uint32_t)view,
	};
	if (prctl(PR_SET_MM, PR_SET_MM_MAP, &map, sizeof(map), 0) < 0)
		return ct_error_sys(err, errno, "protect runtime binary: make the view the executable");
	return 0;
}

/*
 * Switches the running program to view without executing it again: maps
 * each segment of the program from view at the same address, then makes
 * view the process's executable, which Linux allows once no mapping of the
 * old one is left. The view has the same bytes, so the code runs on. On a
 * failure, also half-way or for lack of the capability that set_exe_file()
 * needs, the caller executes the view instead.
 */
static int switch_in_place(int view, struct libct_error *err)
{
	struct segments segments = { 0 };
	dl_iterate_phdr(find_program, &segments);
	if (segments.headers == NULL)
		return ct_error_set(err, ENOENT, "protect runtime binary: no program headers");
	size_t page = (size_t)sysconf(_SC_PAGESIZE);
	uintptr_t previous_end = 0;
	const ElfW(Phdr) *relro = NULL;

	for (size_t i = 0; i < segments.n_headers; i++) {
		const ElfW(Phdr) *header = &segments.headers[i];
		if (header->p_type == PT_GNU_RELRO)
			relro = header;
		if (header->p_type != PT_LOAD || header->p_filesz == 0)
			continue;
		uintptr_t start = (segments.bias + header->p_vaddr) & ~(page - 1);
		uintptr_t end = (segments.bias + header->p_vaddr + header->p_filesz + page - 1) & ~(page - 1);
		off_t offset = (off_t)(header->p_offset & ~(uint64_t)(page - 1));
		/* Two segments in one page would need one mapping of both. */
		if (start < previous_end)
			return ct_error_set(err, ENOTSUP, "protect runtime binary: segments share a page");
		previous_end = end;
		if (header->p_flags & PF_W) {
			int r = replace_writable(start, end - start);
			if (r < 0)
				return ct_error_sys(err, -r, "protect runtime binary: map the writable segment");
		} else if (mmap((void *)start, end - start, segment_protection(header), MAP_PRIVATE | MAP_FIXED,
				view, offset) == MAP_FAILED) {
			return ct_error_sys(err, errno, "protect runtime binary: map a segment");
		}
	}
	/* The loader made this range read-only after relocating it. */
	if (relro != NULL) {
		uintptr_t start = (segments.bias + relro->p_vaddr) & ~(page - 1);
		uintptr_t end = (segments.bias + relro->p_vaddr + relro->p_memsz) & ~(page - 1);
		if (end > start && mprotect((void *)start, end - start, PROT_READ) < 0)
			return ct_error_sys(err, errno, "protect runtime binary: protect the relocated data");
	}
	return set_exe_file(view, err);
}

static int execute_view(int exe, enum ct_exeseal first, char **argv, struct libct_error *err);

/* Executes view, made with method; after a failure with the overlay, a
 * memfd view of exe. Returns only on failure. */
static int execute_opened_view(int exe, int view, int method, char **argv, struct libct_error *err)
{
	/* The view is close-on-exec, which execveat allows for a binary
	 * (not for a script), so it does not leak into the new image. */
	syscall(SYS_execveat, view, "", argv, environ, AT_EMPTY_PATH);
	int r = ct_error_sys(err, errno, "protect runtime binary: execute the protected view");
	if (method == CT_EXESEAL_OVERLAY)
		return execute_view(exe, CT_EXESEAL_MEMFD, argv, err);
	return r;
}

static int execute_view(int exe, enum ct_exeseal first, char **argv, struct libct_error *err)
{
	_cleanup_close_ int view = -1;
	int method = ct_exeseal_open(exe, first, &view, NULL, err);
	if (method < 0)
		return method;
	return execute_opened_view(exe, view, method, argv, err);
}

void ct_close_view_mounts(int *mounts)
{
	for (int i = 0; i < LIBCT_VIEW_MOUNTS; i++)
		ct_closep(&mounts[i]);
}

int libct_protect_runtime_binary(char **argv, int *ret_view_mounts, struct libct_error *err)
{
	int mounts[LIBCT_VIEW_MOUNTS] = { -1, -1 };
	if (ret_view_mounts != NULL)
		memcpy(ret_view_mounts, mounts, sizeof(mounts));
	_cleanup_close_ int self = open("/proc/self/exe", O_RDONLY | O_CLOEXEC);
	if (self < 0)
		return ct_error_sys(err, errno, "protect runtime binary: open /proc/self/exe");
	if (ct_exeseal_kind(self) != CT_EXESEAL_NONE)
		return 0;

	/* Switching in place saves executing the program a second time: 0.6
	 * to 0.7 ms of a `run` in A/B runs on the development VM. */
	_cleanup_close_ int view = -1;
	int method = ct_exeseal_open(self, CT_EXESEAL_OVERLAY, &view, ret_view_mounts != NULL ? mounts : NULL, err);
	if (method < 0)
		return method;
	struct libct_error ignored = { 0 };
	if (switch_in_place(view, &ignored) == 0) {
		_cleanup_close_ int now = open("/proc/self/exe", O_RDONLY | O_CLOEXEC);
		if (now >= 0 && (int)ct_exeseal_kind(now) == method) {
			if (ret_view_mounts != NULL)
				memcpy(ret_view_mounts, mounts, sizeof(mounts));
			return 0;
		}
	}
	ct_close_view_mounts(mounts);
	return execute_opened_view(self, view, method, argv, err);
}
