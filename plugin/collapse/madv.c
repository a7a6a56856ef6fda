// SPDX-License-Identifier: GPL-2.0
/*
 * madvise() on another task: process_madvise(), or injected (madv.h).
 */
#include <errno.h>
#include <linux/capability.h>
#include <signal.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "inject_task.h"
#include "madv.h"
#include "sys_nr.h"

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

int madv_remote(int pidfd, unsigned long start, size_t len, int advice)
{
	struct iovec iov = { .iov_base = (void *)start, .iov_len = len };
	long ret;

	ret = syscall(__NR_process_madvise, pidfd, &iov, 1, advice, 0);
	if (ret < 0)
		return -errno;
	return (size_t)ret == len ? 0 : -EIO;
}

static long advise_all(struct inject_task_held *h, const struct iovec *iov,
		       size_t n, int advice)
{
	long done = 0, ret;
	size_t i;

	for (i = 0; i < n; i++) {
		ret = inject_task_syscall(h, __NR_madvise,
					  (unsigned long)iov[i].iov_base,
					  iov[i].iov_len, advice);
		if (ret < 0)
			return done ? done : ret;
		done += iov[i].iov_len;
	}
	return done;
}

long madv_local(const struct inject_task *t, const struct iovec *iov,
		size_t n, int advice)
{
	struct inject_task_held h;
	long ret;

	ret = inject_task_begin(t, &h);
	if (ret)
		return ret;
	ret = advise_all(&h, iov, n, advice);
	inject_task_end(&h);
	return ret;
}
