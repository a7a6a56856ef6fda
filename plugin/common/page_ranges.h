/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Ranges of page-aligned addresses, [start, end), ascending: what an
 * image holds, what has arrived, what is still owed.
 */
#ifndef THP_PAGE_RANGES_H
#define THP_PAGE_RANGES_H

#include <stddef.h>
#include <stdint.h>

struct page_range {
	uint64_t start, end;
};

struct page_ranges {
	struct page_range *v;
	size_t n, cap;
};

/*
 * Append [start, end), merged into the last range when it continues it:
 * 0, or -ENOMEM (the ranges untouched).
 */
int page_ranges_add(struct page_ranges *r, uint64_t start, uint64_t end);
/* How many pages of THP_PAGE_SIZE the ranges hold. */
uint64_t page_ranges_pages(const struct page_ranges *r);
void page_ranges_free(struct page_ranges *r);

#endif /* THP_PAGE_RANGES_H */
