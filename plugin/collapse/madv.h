/* SPDX-License-Identifier: GPL-2.0 */
/*
 * madvise() on another task: process_madvise() from outside, or run
 * inside the task for a criu without CAP_SYS_NICE.
 *
 * The kernel lets process_madvise() act on another process only for a
 * caller with CAP_SYS_NICE (EPERM otherwise): a criu whose capabilities
 * were trimmed, or one run --unprivileged with CAP_CHECKPOINT_RESTORE
 * alone, cannot collapse or split a restored task's chunks from outside.
 * It can still trace the task, so the same advice is injected as a
 * madvise() the task makes itself (inject.h).  A task criu holds stopped
 * and traced (the restore hook) is used as it is; a running one (the
 * monitor's) is stopped for the batch and let go after.
 */
#ifndef MADV_H
#define MADV_H

#include <stddef.h>
#include <sys/types.h>
#include <sys/uio.h>

struct inject_task;

/* process_madvise() on another process is allowed: CAP_SYS_NICE held. */
int madv_remote_allowed(void);

/* process_madvise() of one range with advice; 0 or a negative errno. */
int madv_remote(int pidfd, unsigned long start, size_t len, int advice);

/*
 * madvise(iov[i], advice) inside the task (inject_task.h), in order, up to
 * the first failure.  As process_madvise(): the bytes advised, or a
 * negative errno when the first range failed (-ESRCH: the task is gone).
 */
long madv_local(const struct inject_task *t, const struct iovec *iov,
		size_t n, int advice);

#endif /* MADV_H */
