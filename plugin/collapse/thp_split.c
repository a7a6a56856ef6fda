// SPDX-License-Identifier: GPL-2.0
/*
 * Splitting huge chunks with MADV_COLD (see thp_split.h).
 */
#include <sys/mman.h>
#include <sys/uio.h>

#include "thp_collapse.h"
#include "thp_split.h"

#ifndef MADV_COLD
#define MADV_COLD		20
#endif

#define PAGE_4K		4096
#define BATCH		256	/* iovecs per call, below UIO_MAXIOV */

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
		ret = thp_collapse_advise(c, iov, k, MADV_COLD);
		if (ret < 0)
			return ret;
		addr += k;
		n -= k;
	}
	return 0;
}
