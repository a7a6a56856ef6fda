/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Run a system call inside another task, through compel.
 *
 * The task must already be stopped and traced by the caller: inside criu
 * at RESUME_DEVICES_LATE it is (criu holds every thread); elsewhere use
 * inject_seize() first, which stops every thread, and inject_release()
 * after.  In the plugin the compel symbols bind to
 * criu's own copy (criu is linked with -rdynamic); the command links
 * libcompel.  A pending stop signal is kept (inject_stop.h).
 */
#ifndef THP_INJECT_H
#define THP_INJECT_H

#include <sys/types.h>

#include "inject_threads.h"

struct parasite_ctl;

struct inject {
	pid_t pid;
	struct parasite_ctl *ctl;
	int stop_sig;		/* its stop signal, held (inject_stop.h) */
	int compat;		/* a 32-bit task: i386 numbers (inject_nr.h) */
};

int inject_open(pid_t pid, struct inject *inj);
/*
 * nr is the x86-64 number (__NR_*), turned into i386's for a compat task;
 * the syscall's result goes to *ret (a negative errno on failure).
 */
int inject_syscall(struct inject *inj, int nr, long *ret, unsigned long a1,
		   unsigned long a2, unsigned long a3, unsigned long a4);
void inject_close(struct inject *inj);
/* inject_open(), one inject_syscall(), inject_close(). */
int inject_one(pid_t pid, int nr, long *ret, unsigned long a1,
	       unsigned long a2, unsigned long a3, unsigned long a4);

/* A running task stopped for injections: it and every other thread. */
struct inject_seized {
	pid_t pid;
	int state;			/* compel's, for compel_resume_task() */
	struct inject_threads threads;
};

/* Stop and trace a running task and all its threads; 0 or -errno. */
int inject_seize(pid_t pid, struct inject_seized *s);
int inject_release(struct inject_seized *s);

#endif /* THP_INJECT_H */
