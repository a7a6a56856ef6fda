// SPDX-License-Identifier: GPL-2.0
/*
 * Large folios below PMD size (see thp_folios.h).
 */
#include <errno.h>

#include "proc_pagemap.h"
#include "thp_folios.h"
#include "thp_image.h"

#define BATCH		512	/* pages: a 2 MiB chunk, no folio crosses it */
#define KPF(bit)	(1ull << (bit))

struct batch {
	uint64_t addr;
	uint64_t ent[BATCH];
	uint64_t kpf[BATCH];
	size_t n;
};

static int mapped(uint64_t ent)
{
	return (ent & (PM_PRESENT | PM_SWAP)) == PM_PRESENT;
}

/* Read the flags of the frames of b, one read per run of frames in order. */
static int read_flags(int kpf_fd, struct batch *b)
{
	size_t i = 0, j;
	uint64_t pfn;
	int ret;

	while (i < b->n) {
		if (!mapped(b->ent[i])) {
			b->kpf[i++] = 0;
			continue;
		}
		pfn = b->ent[i] & PM_PFN_MASK;
		if (!pfn)
			return -EPERM;		/* frame numbers hidden */
		for (j = i + 1; j < b->n && mapped(b->ent[j]) &&
		     (b->ent[j] & PM_PFN_MASK) == pfn + (j - i); j++)
			;
		ret = proc_pagemap_kpf_read(kpf_fd, pfn, b->kpf + i, j - i);
		if (ret)
			return ret;
		i = j;
	}
	return 0;
}

static unsigned int order_of(size_t pages)
{
	unsigned int order = 0;

	while ((1ul << (order + 1)) <= pages)
		order++;
	return order;
}

static int count(const struct batch *b, struct folio_census *c, folio_cb cb,
		 void *arg)
{
	const uint64_t head = KPF(KPF_COMPOUND_HEAD) | KPF(KPF_THP);
	const uint64_t tail = KPF(KPF_COMPOUND_TAIL) | KPF(KPF_THP);
	size_t i, j;
	unsigned int order;
	int ret;

	for (i = 0; i < b->n; i = j) {
		j = i + 1;
		if ((b->kpf[i] & head) != head || b->kpf[i] & KPF(KPF_ZERO_PAGE))
			continue;
		while (j < b->n && (b->kpf[j] & tail) == tail &&
		       (b->ent[j] & PM_PFN_MASK) ==
		       (b->ent[i] & PM_PFN_MASK) + (j - i))
			j++;
		order = order_of(j - i);
		if (!order || order >= THP_FOLIO_ORDERS)
			continue;	/* PMD size: the coverage map's */
		c->pages[order] += j - i;
		ret = cb ? cb(b->addr + i * THP_PAGE_SIZE, order, arg) : 0;
		if (ret)
			return ret;
	}
	return 0;
}

int thp_folios_census_range(int pagemap_fd, int kpf_fd, uint64_t start,
			    uint64_t end, struct folio_census *c, folio_cb cb,
			    void *arg)
{
	struct batch b;
	uint64_t next;
	int ret;

	for (b.addr = start; b.addr < end; b.addr = next) {
		next = (b.addr + BATCH * THP_PAGE_SIZE) &
		       ~(BATCH * THP_PAGE_SIZE - 1);
		if (next > end)
			next = end;
		b.n = (next - b.addr) / THP_PAGE_SIZE;
		ret = proc_pagemap_read(pagemap_fd, b.addr, b.ent, b.n);
		if (!ret)
			ret = read_flags(kpf_fd, &b);
		if (!ret)
			ret = count(&b, c, cb, arg);
		if (ret)
			return ret;
	}
	return 0;
}
