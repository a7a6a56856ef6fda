/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The other threads of a running task, held still while a syscall is
 * injected into it: the injection writes its instructions over the start
 * of an executable mapping, where another thread could run into them
 * (and die of the SIGTRAP they end in).
 */
#ifndef THP_INJECT_THREADS_H
#define THP_INJECT_THREADS_H

#include <stddef.h>
#include <sys/types.h>

struct inject_threads {
	pid_t *tid;		/* seized by us, in a ptrace stop */
	size_t n, cap;
};

/*
 * Seize and stop every thread of pid but pid itself, until a listing
 * shows no thread not yet stopped (a thread cloned meanwhile is caught
 * by the next listing); threads that exit on the way are left out.
 * 0, or a negative errno with every thread already stopped let go.
 */
int inject_threads_stop(pid_t pid, struct inject_threads *t);
/* Let them all go again. */
void inject_threads_release(struct inject_threads *t);

#endif /* THP_INJECT_THREADS_H */
