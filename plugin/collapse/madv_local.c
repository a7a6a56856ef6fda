// SPDX-License-Identifier: GPL-2.0
/*
 * Injected madvise() (see madv_local.h).
 */
#include <errno.h>
#include <linux/capability.h>
#include <signal.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "inject.h"
#include "madv_local.h"
#include "pidfd.h"

int madv_remote_allowed(void)
{
	struct __user_cap_header_struct h = {
		.version = _LINUX_CAPABILITY_VERSION_3,
	};
	struct __user_cap_data_struct d[_LINUX_CAPABILITY_U32S_3];

	if (syscall(SYS_capget, &h, d))
		return 1;	/* cannot tell: let the kernel answer */
	return !!(d[CAP_TO_INDEX(CAP_SYS_NICE)].effective &
		  CAP_TO_MASK(CAP_SYS_NICE));
}

/*
 * The task has exited: told by its pidfd, which a recycled number cannot
 * fool, when the caller has one.
 */
static int gone(const struct madv_task *t)
{
	if (t->pidfd >= 0)
		return pidfd_exited(t->pidfd, 0);
	return kill(t->pid, 0) && errno == ESRCH;
}

/*
 * An injection that failed: -ESRCH only when the task is gone, err else
 * (without CAP_SYS_NICE, or a task that cannot be stopped), so that the
 * chunks are reported as not collapsed rather than the task as gone.
 */
static long gone_or(const struct madv_task *t, long err)
{
	return gone(t) ? -ESRCH : err;
}

static long advise_all(const struct madv_task *t, struct inject *inj,
		       const struct iovec *iov, size_t n, int advice)
{
	long done = 0, ret;
	size_t i;

	for (i = 0; i < n; i++) {
		if (inject_syscall(inj, __NR_madvise, &ret,
				   (unsigned long)iov[i].iov_base,
				   iov[i].iov_len, advice, 0))
			ret = gone_or(t, -EIO);
		if (ret < 0)
			return done ? done : ret;
		done += iov[i].iov_len;
	}
	return done;
}

/*
 * Seize the task by its number - only while its pidfd says it has not
 * exited, before and after: then the process seized is the task, not
 * another that was given its number.
 */
static long seize(const struct madv_task *t, struct inject_seized *seized)
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

long madv_local(const struct madv_task *t, const struct iovec *iov,
		size_t n, int advice)
{
	struct inject_seized seized;
	struct inject own;
	long ret;

	if (t->inj)
		return advise_all(t, t->inj, iov, n, advice);
	if (!t->traced) {
		ret = seize(t, &seized);
		if (ret)
			return ret;
	}
	ret = inject_open(t->pid, &own);
	if (ret) {
		ret = gone_or(t, ret == -ESRCH ? -EIO : ret);
		goto release;
	}
	ret = advise_all(t, &own, iov, n, advice);
	inject_close(&own);
release:
	if (!t->traced)
		inject_release(&seized);
	return ret;
}
