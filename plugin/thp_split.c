// SPDX-License-Identifier: GPL-2.0
/*
 * Splitting huge chunks with MADV_COLD (see thp_split.h).
 */
#include <errno.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <sys/uio.h>
#include <unistd.h>

#include "madv_local.h"
#include "thp_collapse.h"
#include "thp_split.h"

#ifndef __NR_process_madvise
#define __NR_process_madvise	440
#endif
#ifndef MADV_COLD
#define MADV_COLD		20
#endif

#define PAGE_4K		4096
#define BATCH		256	/* iovecs per call, below UIO_MAXIOV */

static long cold(const struct thp_collapse *c, const struct iovec *iov,
		 size_t n)
{
	long ret;

	if (c->local)
		return madv_local(c->pid, c->inj, c->traced, iov, n, MADV_COLD);
	ret = syscall(__NR_process_madvise, c->pidfd, iov, n, MADV_COLD, 0);
	return ret < 0 ? -errno : ret;
}

int thp_split_chunks(const struct thp_collapse *c, const uint64_t *addr,
		     size_t n)
{
	struct iovec iov[BATCH];
	size_t i, k;
	long ret;

	while (n) {
		k = n < BATCH ? n : BATCH;
		for (i = 0; i < k; i++) {
			iov[i].iov_base = (void *)(uintptr_t)addr[i];
			iov[i].iov_len = PAGE_4K;
		}
		ret = cold(c, iov, k);
		if (ret < 0)
			return ret;
		addr += k;
		n -= k;
	}
	return 0;
}
