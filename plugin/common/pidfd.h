/* SPDX-License-Identifier: GPL-2.0 */
/*
 * A process held by a pidfd, never by its number: its number may be
 * another process's once it is reaped, its pidfd never.
 */
#ifndef THP_PIDFD_H
#define THP_PIDFD_H

#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <sys/syscall.h>
#include <sys/types.h>
#include <unistd.h>

#include "sys_nr.h"

/* A pidfd for pid, or a negative errno. */
static inline int pidfd_of(pid_t pid)
{
	int fd = syscall(__NR_pidfd_open, pid, 0);

	return fd < 0 ? -errno : fd;
}

/*
 * 1 when the process has exited (or no pidfd was had: -1), else 0.  While
 * it is 0 the process's number is still its own.
 */
static inline int pidfd_exited(int pidfd, int timeout_ms)
{
	struct pollfd p = { .fd = pidfd, .events = POLLIN };

	return pidfd < 0 || poll(&p, 1, timeout_ms) > 0;
}

/* sig to the process; 0 or a negative errno (-ESRCH: it has exited). */
static inline int pidfd_signal(int pidfd, int sig)
{
	if (pidfd < 0)
		return -ESRCH;
	return syscall(__NR_pidfd_send_signal, pidfd, sig, NULL, 0) ?
		-errno : 0;
}

#endif /* THP_PIDFD_H */
