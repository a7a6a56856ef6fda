/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The pages a lazy restore still owes a live task: those of CRIU's
 * pagemap image (criu_pagemap.h) that lie in a VMA still registered with
 * userfaultfd for missing pages (smaps "um") and are neither present nor
 * swapped.  A range the task unmapped, or that the lazy-pages daemon
 * unregistered because the task dropped it (MADV_DONTNEED), is no longer
 * owed: it is in no "um" VMA.  Before the task has run, every page of
 * the image must be present or in such a VMA: lazy_pages_unarmed() counts
 * the others, the pages a daemon that is already gone never sent - but
 * not those of the kernel's own VMAs ([vdso], [vvar]): criu maps them
 * anew and a page of [vdso] it dumped may well not be mapped yet.
 */
#ifndef LAZY_PAGES_H
#define LAZY_PAGES_H

#include <stdint.h>
#include <sys/types.h>

#include "criu_pagemap.h"

struct lazy_state {
	unsigned int armed;		/* "um" VMAs */
	uint64_t missing;		/* pages still owed */
	struct page_ranges ranges;	/* those pages, when asked for */
};

/*
 * Fill *s for pid (ranges too when want_ranges); 0 or a negative errno
 * (-ENOENT or -ESRCH once the task is gone).  page_ranges_free(&s->ranges)
 * after.
 */
int lazy_pages_missing(pid_t pid, const struct page_ranges *owed,
		       int want_ranges, struct lazy_state *s);
/*
 * Once no VMA of pid is armed, the same for the pages of owed in any VMA
 * but the kernel's own (ranges too), from the reading of smaps that tells
 * so; while one is, s->armed is 1 and nothing is counted (the reading
 * stops there).
 */
int lazy_pages_unarmed(pid_t pid, const struct page_ranges *owed,
		       struct lazy_state *s);

/* 1 when every page of owed in [start, end) is in, 0 if not, or -errno. */
int lazy_pages_range_in(pid_t pid, const struct page_ranges *owed,
			uint64_t start, uint64_t end);
/* The same through an open /proc/PID/pagemap. */
int lazy_pages_range_in_fd(int pagemap_fd, const struct page_ranges *owed,
			   uint64_t start, uint64_t end);

/* 1 if a VMA of pid is registered for missing pages, 0 if not, or -errno. */
int lazy_pages_armed(pid_t pid);

#endif /* LAZY_PAGES_H */
