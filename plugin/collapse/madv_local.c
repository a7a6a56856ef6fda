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
 * An injection that failed: -ESRCH only when the task is gone, err else
 * (without CAP_SYS_NICE, or a task that cannot be stopped), so that the
 * chunks are reported as not collapsed rather than the task as gone.
 */
static long gone_or(pid_t pid, long err)
{
	return kill(pid, 0) && errno == ESRCH ? -ESRCH : err;
}

static long advise_all(struct inject *inj, const struct iovec *iov,
		       size_t n, int advice)
{
	long done = 0, ret;
	size_t i;

	for (i = 0; i < n; i++) {
		if (inject_syscall(inj, __NR_madvise, &ret,
				   (unsigned long)iov[i].iov_base,
				   iov[i].iov_len, advice, 0))
			ret = gone_or(inj->pid, -EIO);
		if (ret < 0)
			return done ? done : ret;
		done += iov[i].iov_len;
	}
	return done;
}

long madv_local(pid_t pid, struct inject *inj, int traced,
		const struct iovec *iov, size_t n, int advice)
{
	struct inject_seized seized;
	struct inject own;
	long ret;

	if (inj)
		return advise_all(inj, iov, n, advice);
	if (!traced && inject_seize(pid, &seized))
		return gone_or(pid, -EPERM);
	ret = inject_open(pid, &own);
	if (ret) {
		ret = gone_or(pid, ret == -ESRCH ? -EIO : ret);
		goto release;
	}
	ret = advise_all(&own, iov, n, advice);
	inject_close(&own);
release:
	if (!traced)
		inject_release(&seized);
	return ret;
}
