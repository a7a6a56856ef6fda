/* SPDX-License-Identifier: GPL-2.0 */
/*
 * /proc/PID/task/TID/syscall: where a stopped thread's stack pointer is.
 * The file says "running" for a thread that runs, "-1 SP PC" for one
 * stopped outside a system call, "NR ARG1 ... ARG6 SP PC" for one inside
 * (numbers after NR in hex).  Reading it takes ptrace access to the task.
 */
#ifndef PROC_SYSCALL_H
#define PROC_SYSCALL_H

#include <stdint.h>
#include <sys/types.h>

/*
 * The stack pointer of the text of such a file: 0, or -EBUSY (the
 * thread runs) or -EINVAL (no SP field).
 */
int proc_syscall_sp_parse(const char *text, uint64_t *sp);
/* The same, read from the file of thread tid of pid: or another -errno. */
int proc_syscall_sp(pid_t pid, pid_t tid, uint64_t *sp);

#endif /* PROC_SYSCALL_H */
