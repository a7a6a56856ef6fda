// SPDX-License-Identifier: GPL-2.0
/*
 * System calls inside a task held by its pidfd (see inject_task.h).
 */
#include <errno.h>
#include <signal.h>

#include "inject_task.h"
#include "pidfd.h"

/*
 * The task has exited: told by its pidfd, which a recycled number cannot
 * fool, when the caller has one.
 */
static int gone(const struct inject_task *t)
{
	if (t->pidfd >= 0)
		return pidfd_exited(t->pidfd, 0);
	return kill(t->pid, 0) && errno == ESRCH;
}

/*
 * An injection that failed: -ESRCH only when the task is gone, err else
 * (without CAP_SYS_NICE, or a task that cannot be stopped), so that what
 * it was for is reported as not done rather than the task as gone.
 */
static long gone_or(const struct inject_task *t, long err)
{
	return gone(t) ? -ESRCH : err;
}

/*
 * Seize the task by its number - only while its pidfd says it has not
 * exited, before and after: then the process seized is the task, not
 * another that was given its number.
 */
static int seize(const struct inject_task *t, struct inject_seized *seized)
{
	if (gone(t))
		return -ESRCH;
	if (inject_seize(t->pid, seized))
		return gone_or(t, -EPERM);
	if (!gone(t))
		return 0;
	inject_release(seized);
	return -ESRCH;
}

int inject_task_begin(const struct inject_task *t, struct inject_task_held *h)
{
	int ret;

	h->t = t;
	h->seized_it = 0;
	h->inj = t->inj;
	if (h->inj)
		return 0;
	if (!t->traced) {
		ret = seize(t, &h->seized);
		if (ret)
			return ret;
		h->seized_it = 1;
	}
	ret = inject_open(t->pid, &h->own);
	if (ret) {
		ret = gone_or(t, ret == -ESRCH ? -EIO : ret);
		if (h->seized_it)
			inject_release(&h->seized);
		h->seized_it = 0;
		return ret;
	}
	h->inj = &h->own;
	return 0;
}

long inject_task_syscall(struct inject_task_held *h, int nr, unsigned long a1,
			 unsigned long a2, unsigned long a3)
{
	long ret;

	if (inject_syscall(h->inj, nr, &ret, a1, a2, a3, 0))
		return gone_or(h->t, -EIO);
	return ret;
}

void inject_task_end(struct inject_task_held *h)
{
	if (h->inj == &h->own)
		inject_close(&h->own);
	if (h->seized_it)
		inject_release(&h->seized);
	h->inj = NULL;
	h->seized_it = 0;
}
