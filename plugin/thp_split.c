// SPDX-License-Identifier: GPL-2.0
/*
 * Splitting huge chunks with MADV_COLD (see thp_split.h).
 */
#include <errno.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <sys/uio.h>
#include <unistd.h>

#include "thp_split.h"

#ifndef __NR_process_madvise
#define __NR_process_madvise	440
#endif
#ifndef MADV_COLD
#define MADV_COLD		20
#endif

#define PAGE_4K		4096
#define BATCH		256	/* iovecs per call, below UIO_MAXIOV */

int thp_split_chunks(int pidfd, const uint64_t *addr, size_t n)
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
		ret = syscall(__NR_process_madvise, pidfd, iov, k, MADV_COLD, 0);
		if (ret < 0)
			return -errno;
		addr += k;
		n -= k;
	}
	return 0;
}
