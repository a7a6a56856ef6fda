/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Run a system call inside another task, through compel.
 *
 * The task must already be stopped and traced by the caller: inside criu
 * at RESUME_DEVICES_LATE it is; elsewhere use inject_seize() first and
 * inject_release() after.  In the plugin the compel symbols bind to
 * criu's own copy (criu is linked with -rdynamic); the command links
 * libcompel.  A pending stop signal is kept (inject_stop.h).
 */
#ifndef THP_INJECT_H
#define THP_INJECT_H

#include <sys/types.h>

struct parasite_ctl;

struct inject {
	pid_t pid;
	struct parasite_ctl *ctl;
	int stop_sig;		/* its stop signal, held (inject_stop.h) */
};

int inject_open(pid_t pid, struct inject *inj);
/* The syscall's result goes to *ret (a negative errno on failure). */
int inject_syscall(struct inject *inj, int nr, long *ret, unsigned long a1,
		   unsigned long a2, unsigned long a3, unsigned long a4);
void inject_close(struct inject *inj);

/* Stop and trace a running task; returns the state for inject_release(). */
int inject_seize(pid_t pid, int *state);
int inject_release(pid_t pid, int state);

#endif /* THP_INJECT_H */
