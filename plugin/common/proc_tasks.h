/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Finding the processes CRIU is dumping (those it traces), and a process's
 * threads.
 */
#ifndef PROC_TASKS_H
#define PROC_TASKS_H

#include <stddef.h>
#include <sys/types.h>

struct traced_task {
	pid_t pid;		/* in our pid namespace */
	unsigned int id;	/* innermost pid namespace: CRIU's image id */
};

/*
 * Every process (thread-group leader; /proc lists no other thread) whose
 * TracerPid is tracer, sorted by id.  0 or a negative errno; free(*v).
 */
int proc_tasks_find_traced(pid_t tracer, struct traced_task **v, size_t *n);

/*
 * cb(pid, tid, arg) for each thread of pid, until one returns non-zero:
 * that value, 0 after the last, or -errno when pid has no thread list
 * (gone).  Threads that come or go meanwhile may be seen or not.
 */
typedef int (*proc_thread_cb)(pid_t pid, pid_t tid, void *arg);
int proc_tasks_threads_each(pid_t pid, proc_thread_cb cb, void *arg);

#endif /* PROC_TASKS_H */
