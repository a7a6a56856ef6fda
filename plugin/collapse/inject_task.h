/* SPDX-License-Identifier: GPL-2.0 */
/*
 * System calls run inside a task held by its pidfd, stopped for them: a
 * task criu holds stopped and traced (the restore hook) is used as it is;
 * a running one is seized - by its number, only while its pidfd says it
 * lives - and let go after (inject.h).
 */
#ifndef INJECT_TASK_H
#define INJECT_TASK_H

#include <sys/types.h>

#include "inject.h"

/* The task to run system calls in. */
struct inject_task {
	pid_t pid;
	int pidfd;		/* its pidfd, or -1 */
	struct inject *inj;	/* an injection held open on it, or NULL */
	int traced;		/* the caller traces it and holds it stopped */
};

/* The task held for injections between inject_task_begin() and _end(). */
struct inject_task_held {
	const struct inject_task *t;
	struct inject *inj;	/* t->inj, or own */
	struct inject own;
	struct inject_seized seized;
	int seized_it;
};

/*
 * Stop the task (unless traced) and open an injection (unless t has one):
 * 0, or a negative errno - -ESRCH only when the task is gone; -EPERM when
 * it cannot be seized (another tracer, no right to).
 */
int inject_task_begin(const struct inject_task *t, struct inject_task_held *h);
/* The system call's result (a negative errno), -EIO if it could not run. */
long inject_task_syscall(struct inject_task_held *h, int nr, unsigned long a1,
			 unsigned long a2, unsigned long a3);
void inject_task_end(struct inject_task_held *h);

#endif /* INJECT_TASK_H */
