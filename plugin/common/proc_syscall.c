// SPDX-License-Identifier: GPL-2.0
/*
 * A stopped thread's stack pointer, from /proc/PID/task/TID/syscall.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "proc_syscall.h"

/* Enough for "NR" and eight 64-bit numbers in hex. */
#define SYSCALL_TEXT_MAX	256

int proc_syscall_sp_parse(const char *text, uint64_t *sp)
{
	const char *f[10];
	const char *p = text;
	unsigned int n = 0;
	char *end;

	if (!strncmp(text, "running", 7))
		return -EBUSY;
	while (*p && n < 10) {
		while (*p == ' ')
			p++;
		if (!*p || *p == '\n')
			break;
		f[n++] = p;
		while (*p && *p != ' ' && *p != '\n')
			p++;
	}
	/* "-1 SP PC" or "NR A1 ... A6 SP PC": SP is next to last */
	if (n != 9 && (n != 3 || strncmp(f[0], "-1 ", 3)))
		return -EINVAL;
	errno = 0;
	*sp = strtoull(f[n - 2], &end, 16);
	if (errno || end == f[n - 2] || (*end != ' ' && *end))
		return -EINVAL;
	return 0;
}

int proc_syscall_sp(pid_t pid, pid_t tid, uint64_t *sp)
{
	char path[48], text[SYSCALL_TEXT_MAX];
	ssize_t len;
	int fd, err;

	snprintf(path, sizeof(path), "/proc/%d/task/%d/syscall", pid, tid);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	len = read(fd, text, sizeof(text) - 1);
	err = errno;
	close(fd);
	if (len < 0)
		return -err;
	text[len] = '\0';
	return proc_syscall_sp_parse(text, sp);
}
