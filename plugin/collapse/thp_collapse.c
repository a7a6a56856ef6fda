// SPDX-License-Identifier: GPL-2.0
/*
 * MADV_COLLAPSE through process_madvise(), chunk by chunk.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <sys/uio.h>
#include <time.h>
#include <unistd.h>

#include "array.h"
#include "mono_clock.h"
#include "sys_nr.h"
#include "inject_task.h"
#include "madv.h"
#include "thp_collapse.h"
#include "thp_fault.h"
#include "thp_image.h"
#include "pidfd.h"


/* Chunks per call: well below UIO_MAXIOV (1024). */
#define BATCH	256

int thp_collapse_open(struct thp_collapse *c, pid_t pid)
{
	memset(c, 0, sizeof(*c));
	c->pid = pid;
	c->local = !madv_remote_allowed();
	c->pidfd = pidfd_of(pid);
	return c->pidfd < 0 ? c->pidfd : 0;
}

int thp_collapse_open_pidfd(struct thp_collapse *c, pid_t pid, int pidfd)
{
	memset(c, 0, sizeof(*c));
	c->pid = pid;
	c->local = !madv_remote_allowed();
	c->pidfd = fcntl(pidfd, F_DUPFD_CLOEXEC, 0);
	return c->pidfd < 0 ? -errno : 0;
}

void thp_collapse_close(struct thp_collapse *c)
{
	if (c->pidfd >= 0)
		close(c->pidfd);
	c->pidfd = -1;
	free(c->fail);
	c->fail = NULL;
	c->nfail = c->cap = 0;
}

long thp_collapse_advise(const struct thp_collapse *c,
			 const struct iovec *iov, size_t n, int advice)
{
	long ret;

	if (c->local) {
		struct inject_task t = {
			.pid = c->pid, .pidfd = c->pidfd,
			.inj = c->inj, .traced = c->traced,
		};

		return madv_local(&t, iov, n, advice);
	}
	ret = syscall(__NR_process_madvise, c->pidfd, iov, n, advice, 0);
	return ret < 0 ? -errno : ret;
}

/* Bytes advised, or -errno when the first chunk failed. */
static long advise(struct thp_collapse *c, const uint64_t *addr, size_t n)
{
	struct iovec iov[BATCH];
	uint64_t t = mono_ns();
	long ret;
	size_t i;

	for (i = 0; i < n; i++) {
		iov[i].iov_base = (void *)(uintptr_t)addr[i];
		iov[i].iov_len = THP_CHUNK_SIZE;
	}
	if (thp_fault(THP_FAULT_COLLAPSE_ENOMEM))
		ret = -ENOMEM;
	else if (thp_fault(THP_FAULT_COLLAPSE_EAGAIN))
		ret = -EAGAIN;
	else
		ret = thp_collapse_advise(c, iov, n, MADV_COLLAPSE);
	c->busy_ns += mono_ns() - t;
	return ret;
}

static int note_fail(struct thp_collapse *c, uint64_t addr, int err)
{
	void *p = array_room(c->fail, c->nfail, &c->cap, sizeof(*c->fail));

	if (!p)
		return -ENOMEM;
	c->fail = p;
	c->fail[c->nfail].addr = addr;
	c->fail[c->nfail].err = err;
	c->nfail++;
	return 0;
}

/* One chunk that failed in a batch: its own error, EAGAIN retried. */
static int one_chunk(struct thp_collapse *c, uint64_t addr)
{
	struct timespec ts = { 0, 1000000 };
	long ret;
	int i;

	for (i = 0; ; i++) {
		ret = advise(c, &addr, 1);
		if (ret >= 0) {
			c->done++;
			return 0;
		}
		if (ret != -EAGAIN || i == THP_COLLAPSE_RETRIES)
			break;
		c->retries++;
		nanosleep(&ts, NULL);
		ts.tv_nsec *= 2;
	}
	if (ret == -ESRCH)
		return ret;
	return note_fail(c, addr, -ret);
}

int thp_collapse_chunks(struct thp_collapse *c, const uint64_t *addr,
			size_t n)
{
	size_t i = 0;
	int ret;

	while (i < n) {
		size_t k = n - i < BATCH ? n - i : BATCH;
		long r = advise(c, addr + i, k);
		size_t ok = r > 0 ? r / THP_CHUNK_SIZE : 0;

		if (r == -ESRCH)
			return r;
		c->done += ok;
		i += ok;
		if (ok == k)
			continue;
		ret = one_chunk(c, addr[i]);
		if (ret)
			return ret;
		i++;
	}
	return 0;
}
