/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Runs the runtime from a sealed in-memory copy of its binary.
 *
 * Every process that the runtime makes in a container starts as a clone of
 * the runtime, so its /proc/PID/exe is the runtime's binary until execve.
 * A container whose program is /proc/self/exe, or a script whose
 * interpreter is, makes that execve run the host binary inside the
 * container, where the container's other processes may open it through
 * /proc/PID/exe and write it once no process executes it any more
 * (CVE-2019-5736). Running from a sealed memfd makes that file a copy that
 * nobody can write, so the host binary is never reachable.
 */
#include <fcntl.h>
#include <sys/mman.h>
#include <sys/sendfile.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "internal.h"

#define SEALS (F_SEAL_SEAL | F_SEAL_SHRINK | F_SEAL_GROW | F_SEAL_WRITE)

extern char **environ;

static bool is_sealed(int fd)
{
	int seals = fcntl(fd, F_GET_SEALS);
	return seals >= 0 && (seals & SEALS) == SEALS;
}

static int copy_binary(int source, int *ret_copy, struct libct_error *err)
{
	struct stat st;
	if (fstat(source, &st) < 0)
		return ct_error_sys(err, errno, "protect runtime binary: stat /proc/self/exe");
	_cleanup_close_ int copy = memfd_create("ctrun", MFD_CLOEXEC | MFD_ALLOW_SEALING);
	if (copy < 0)
		return ct_error_sys(err, errno, "protect runtime binary: create memfd");
	for (off_t done = 0; done < st.st_size;) {
		ssize_t n = sendfile(copy, source, NULL, (size_t)(st.st_size - done));
		if (n <= 0)
			return ct_error_sys(err, n < 0 ? errno : EIO, "protect runtime binary: copy");
		done += n;
	}
	if (fchmod(copy, 0555) < 0 || fcntl(copy, F_ADD_SEALS, SEALS) < 0)
		return ct_error_sys(err, errno, "protect runtime binary: seal memfd");
	*ret_copy = ct_steal_fd(&copy);
	return 0;
}

int libct_protect_runtime_binary(char **argv, struct libct_error *err)
{
	_cleanup_close_ int self = open("/proc/self/exe", O_RDONLY | O_CLOEXEC);
	if (self < 0)
		return ct_error_sys(err, errno, "protect runtime binary: open /proc/self/exe");
	if (is_sealed(self))
		return 0;

	_cleanup_close_ int copy = -1;
	int r = copy_binary(self, &copy, err);
	if (r < 0)
		return r;
	/* The memfd is close-on-exec, which execveat allows for a binary
	 * (not for a script), so it does not leak into the new image. */
	syscall(SYS_execveat, copy, "", argv, environ, AT_EMPTY_PATH);
	return ct_error_sys(err, errno, "protect runtime binary: execute the sealed copy");
}
