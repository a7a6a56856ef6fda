/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Finding the processes CRIU is dumping: those it traces.
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
int proc_find_traced(pid_t tracer, struct traced_task **v, size_t *n);

#endif /* PROC_TASKS_H */
