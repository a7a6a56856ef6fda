// SPDX-License-Identifier: GPL-2.0
/*
 * Ranges of pages (page_ranges.h).
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "array.h"
#include "page_ranges.h"
#include "thp_image.h"

int page_ranges_add(struct page_ranges *r, uint64_t start, uint64_t end)
{
	struct page_range *v;

	if (r->n && r->v[r->n - 1].end == start) {
		r->v[r->n - 1].end = end;
		return 0;
	}
	v = array_room(r->v, r->n, &r->cap, sizeof(*v));
	if (!v)
		return -ENOMEM;
	r->v = v;
	r->v[r->n].start = start;
	r->v[r->n].end = end;
	r->n++;
	return 0;
}

uint64_t page_ranges_pages(const struct page_ranges *r)
{
	uint64_t n = 0;
	size_t i;

	for (i = 0; i < r->n; i++)
		n += (r->v[i].end - r->v[i].start) / THP_PAGE_SIZE;
	return n;
}

void page_ranges_free(struct page_ranges *r)
{
	free(r->v);
	memset(r, 0, sizeof(*r));
}
