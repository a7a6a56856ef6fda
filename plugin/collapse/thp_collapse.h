/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Making chunks huge again from outside the task: process_madvise() with
 * MADV_COLLAPSE, one iovec per 2 MiB chunk (in 6.1 a failing chunk ends
 * the call, so the result tells which one failed).  EAGAIN is transient
 * (page count, lock, LRU) and retried with a bounded backoff; every other
 * error is kept with the chunk's address.  The task may run or be stopped;
 * it must not have THP disabled by prctl, nor the chunk's VMA be nh.
 * Without CAP_SYS_NICE the same advice is injected (madv_local.h).
 */
#ifndef THP_COLLAPSE_H
#define THP_COLLAPSE_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>
#include <sys/uio.h>

#ifndef MADV_COLLAPSE
#define MADV_COLLAPSE	25
#endif

/* EAGAIN retries per chunk: 1, 2, 4 ... 32 ms, 63 ms in all. */
#define THP_COLLAPSE_RETRIES	6

struct thp_collapse_fail {
	uint64_t addr;
	int err;		/* positive errno */
};

struct inject;

struct thp_collapse {
	pid_t pid;
	int pidfd;
	int local;		/* no CAP_SYS_NICE: madvise() injected */
	int traced;		/* the task is stopped and traced by us */
	struct inject *inj;	/* an injection held open on it, or NULL */
	unsigned long done, retries;
	uint64_t busy_ns;	/* time spent in (process_)madvise */
	struct thp_collapse_fail *fail;
	size_t nfail, cap;
};

/* 0, or a negative errno (-ESRCH: no such task). */
int thp_collapse_open(struct thp_collapse *c, pid_t pid);
/* The same, for the process behind pidfd (a duplicate is kept). */
int thp_collapse_open_pidfd(struct thp_collapse *c, pid_t pid, int pidfd);
void thp_collapse_close(struct thp_collapse *c);

/*
 * advice over iov[0..n) of the task c is open on: process_madvise(), or
 * injected without CAP_SYS_NICE.  As process_madvise(): the bytes
 * advised, or a negative errno when the first range failed.
 */
long thp_collapse_advise(const struct thp_collapse *c,
			 const struct iovec *iov, size_t n, int advice);

/*
 * Collapse the chunks at addr[0..n).  0 when each was tried (failures
 * are in c->fail), -ESRCH when the task is gone, or -ENOMEM.
 */
int thp_collapse_chunks(struct thp_collapse *c, const uint64_t *addr,
			size_t n);

#endif /* THP_COLLAPSE_H */
