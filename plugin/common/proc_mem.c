// SPDX-License-Identifier: GPL-2.0
/*
 * /proc/PID/mem (see proc_mem.h).
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <unistd.h>

#include "proc_mem.h"

int proc_mem_open(pid_t pid, int flags)
{
	char path[32];
	int fd;

	snprintf(path, sizeof(path), "/proc/%d/mem", pid);
	fd = open(path, flags | O_CLOEXEC);
	return fd < 0 ? -errno : fd;
}

int proc_mem_gone(int fd)
{
	char c;

	return pread(fd, &c, 1, 0) == 0;
}
