/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Page tables and page frames as /proc shows them:
 * /proc/PID/pagemap (entries and the PAGEMAP_SCAN ioctl of Linux 6.7+) and
 * /proc/kpageflags.  See Documentation/admin-guide/mm/pagemap.rst.
 */
#ifndef PROC_PAGEMAP_H
#define PROC_PAGEMAP_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

/* /proc/PID/pagemap entry bits */
#define PM_PRESENT		(1ull << 63)
#define PM_SWAP			(1ull << 62)
#define PM_FILE			(1ull << 61)
#define PM_PFN_MASK		((1ull << 55) - 1)

/* /proc/kpageflags bits (include/uapi/linux/kernel-page-flags.h) */
#define KPF_COMPOUND_HEAD	15
#define KPF_COMPOUND_TAIL	16
#define KPF_THP			22
#define KPF_ZERO_PAGE		24

/* Open /proc/<pid>/pagemap read-only; an fd or a negative errno. */
int proc_pagemap_open(pid_t pid);
/* Entries for the n pages from addr; 0 or a negative errno. */
int proc_pagemap_read(int fd, uint64_t addr, uint64_t *ent, size_t n);

/*
 * 1 when every page of [addr, addr + len) is present or swapped (it has
 * arrived: a lazy restore's missing pages are neither), 0 if not, or a
 * negative errno.
 */
int proc_pagemap_range_present(int fd, uint64_t addr, uint64_t len);

/* Open /proc/kpageflags; an fd or a negative errno. */
int proc_pagemap_kpf_open(void);
/* Flags of the n frames from pfn; 0, -ERANGE past the last frame, or errno. */
int proc_pagemap_kpf_read(int fd, uint64_t pfn, uint64_t *flags, size_t n);

/*
 * Call cb(start, end, arg) for every maximal range of [start, end) mapped
 * by PMD-level huge pages, the huge zero page excepted, using PAGEMAP_SCAN.
 * Returns 0, a callback's non-zero value, -ENOTTY if the kernel has no
 * PAGEMAP_SCAN, or another negative errno.
 */
typedef int (*pagemap_range_cb)(uint64_t start, uint64_t end, void *arg);
int proc_pagemap_scan_huge(int fd, uint64_t start, uint64_t end,
			   pagemap_range_cb cb, void *arg);

/*
 * 1 when every page of [addr, addr+len) is mapped by a PMD, 0 if not;
 * -ENOTTY before Linux 6.7 (no PAGEMAP_SCAN).
 */
int proc_pagemap_range_huge(int fd, uint64_t addr, uint64_t len);

/*
 * The same for the ranges whose pages are present in memory.  Ranges may
 * come split where one call of the ioctl ends and the next begins.
 */
int proc_pagemap_scan_present(int fd, uint64_t start, uint64_t end,
			      pagemap_range_cb cb, void *arg);

#endif /* PROC_PAGEMAP_H */
