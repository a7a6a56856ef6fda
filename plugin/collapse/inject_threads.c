// SPDX-License-Identifier: GPL-2.0
/*
 * Holding a task's other threads during an injection (inject_threads.h).
 *
 * Each thread is seized and interrupted with ptrace, as a debugger does
 * (PTRACE_SEIZE, PTRACE_INTERRUPT, then its PTRACE_EVENT_STOP); that
 * takes no signal from it and queues none, and PTRACE_DETACH lets it go
 * on from where it was.
 */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/ptrace.h>
#include <sys/wait.h>

#include "array.h"
#include "inject_threads.h"
#include "proc_tasks.h"
#include "thp_log.h"

static int held(const struct inject_threads *t, pid_t tid)
{
	size_t i;

	for (i = 0; i < t->n; i++)
		if (t->tid[i] == tid)
			return 1;
	return 0;
}

static int remember(struct inject_threads *t, pid_t tid)
{
	pid_t *v = array_room(t->tid, t->n, &t->cap, sizeof(*v));

	if (!v)
		return -ENOMEM;
	t->tid = v;
	t->tid[t->n++] = tid;
	return 0;
}

/* 1 when tid is stopped and ours, 0 when it is gone, or -errno. */
static int stop_one(pid_t tid)
{
	int status;

	if (ptrace(PTRACE_SEIZE, tid, NULL, 0))
		return errno == ESRCH ? 0 : -errno;
	if (ptrace(PTRACE_INTERRUPT, tid, NULL, NULL))
		goto gone;
	for (;;) {
		if (waitpid(tid, &status, __WALL) != tid)
			goto gone;
		if (!WIFSTOPPED(status))
			return 0;		/* it exited */
		if (status >> 16 == PTRACE_EVENT_STOP)
			return 1;
		/* a signal on its way in: give it back, wait for the stop */
		if (ptrace(PTRACE_CONT, tid, NULL, WSTOPSIG(status)))
			goto gone;
	}
gone:
	ptrace(PTRACE_DETACH, tid, NULL, 0);
	return 0;
}

struct listing {
	struct inject_threads *t;
	int fresh;		/* threads stopped in this listing */
};

static int stop_listed_one(pid_t pid, pid_t tid, void *arg)
{
	struct listing *l = arg;
	int ret;

	if (tid == pid || held(l->t, tid))
		return 0;
	ret = stop_one(tid);
	if (ret <= 0)
		return ret;	/* gone, or an error that ends the listing */
	l->fresh++;
	ret = remember(l->t, tid);
	if (ret)
		ptrace(PTRACE_DETACH, tid, NULL, 0);
	return ret;
}

/* One listing: stop what is not held yet; how many were new, or -errno. */
static int stop_listed(pid_t pid, struct inject_threads *t)
{
	struct listing l = { .t = t };
	int ret;

	ret = proc_tasks_threads_each(pid, stop_listed_one, &l);
	return ret < 0 ? ret : l.fresh;
}

int inject_threads_stop(pid_t pid, struct inject_threads *t)
{
	int ret;

	t->n = 0;
	do
		ret = stop_listed(pid, t);
	while (ret > 0);
	if (ret < 0) {
		pr_err("task %d: its threads cannot all be stopped: %s\n", pid,
		       strerror(-ret));
		inject_threads_release(t);
	}
	return ret;
}

void inject_threads_release(struct inject_threads *t)
{
	size_t i;

	for (i = 0; i < t->n; i++)
		if (ptrace(PTRACE_DETACH, t->tid[i], NULL, 0) && errno != ESRCH)
			pr_warn("thread %d: cannot let it go: %s\n", t->tid[i],
				strerror(errno));
	free(t->tid);
	t->tid = NULL;
	t->n = t->cap = 0;
}
