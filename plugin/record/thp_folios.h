/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Multi-size THP: how much of a VMA sits in large folios smaller than a
 * PMD, and of which sizes.  /proc/kpageflags sets KPF_THP on every page of
 * a large anonymous folio, KPF_COMPOUND_HEAD on its first, and
 * KPF_COMPOUND_TAIL on the rest; pagemap gives each page's frame.  A
 * folio is counted where its head is mapped, by the pages after it that
 * are its tails and mapped in order.  Folios of PMD size are the coverage
 * map's (thp_coverage.h), not counted here.  Needs frame numbers and
 * kpageflags (CAP_SYS_ADMIN).
 */
#ifndef THP_FOLIOS_H
#define THP_FOLIOS_H

#include <stdint.h>

#define THP_FOLIO_ORDERS	9	/* orders 1 to 8: below a 2 MiB PMD */

struct folio_census {
	uint64_t pages[THP_FOLIO_ORDERS];	/* by order; [0] unused */
};

/* Each folio found: its first address and order. */
typedef int (*folio_cb)(uint64_t addr, unsigned int order, void *arg);

/*
 * Count the large folios of [start, end) of the task whose pagemap is
 * pagemap_fd into *c (added), calling cb for each when not NULL.  0, a
 * callback's non-zero value, or a negative errno (-EPERM: frames hidden).
 */
int thp_folios_census_range(int pagemap_fd, int kpf_fd, uint64_t start,
			    uint64_t end, struct folio_census *c, folio_cb cb,
			    void *arg);

static inline uint64_t folio_census_pages(const struct folio_census *c)
{
	uint64_t n = 0;
	unsigned int i;

	for (i = 1; i < THP_FOLIO_ORDERS; i++)
		n += c->pages[i];
	return n;
}

#endif /* THP_FOLIOS_H */
