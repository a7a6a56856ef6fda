// SPDX-License-Identifier: GPL-2.0
/*
 * The pages of CRIU's pagemap-<id>.img (see criu_pagemap.h).
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "criu_image.h"
#include "criu_pagemap.h"
#include "criu_pagemap.pb-c.h"
#include "thp_image.h"
#include "thp_log.h"

/* A pagemap of 64 million entries is still far below this. */
#define CRIU_PAGEMAP_MAX	(1u << 30)

/* Field 5 from CRIU 4.2 on, field 2 before. */
static uint64_t entry_pages(const CriuPagemapEntry *pe)
{
	return pe->has_nr_pages ? pe->nr_pages : pe->compat_nr_pages;
}

/* One entry; prev is the end of the previous one. */
static int add_entry(const CriuPagemapEntry *pe, uint64_t *prev,
		     const char *name, size_t i, uint32_t need,
		     struct page_ranges *r)
{
	uint64_t pages = entry_pages(pe), end = pe->vaddr + pages * THP_PAGE_SIZE;

	if (!pe->has_vaddr || !pages || pages > UINT64_MAX / THP_PAGE_SIZE ||
	    pe->vaddr % THP_PAGE_SIZE || end < pe->vaddr || pe->vaddr < *prev) {
		pr_err("%s: entry %zu (%#" PRIx64 ", %" PRIu64
		       " pages) is empty, unaligned, overflows or is out of order\n",
		       name, i, pe->vaddr, pages);
		return -EBADMSG;
	}
	*prev = end;
	if ((pe->flags & need) != need)
		return 0;
	return page_ranges_add(r, pe->vaddr, end);
}

static int decode_entries(struct criu_img *c, uint32_t need,
			  struct page_ranges *r)
{
	CriuPagemapEntry *pe;
	const uint8_t *msg;
	uint64_t prev = 0;
	uint32_t size;
	size_t i;
	int ret;

	for (i = 0; (ret = criu_image_next(c, &msg, &size)) > 0; i++) {
		pe = criu_pagemap_entry__unpack(NULL, size, msg);
		if (!pe) {
			pr_err("%s: entry %zu cannot be decoded\n", c->name, i);
			return -EBADMSG;
		}
		ret = add_entry(pe, &prev, c->name, i, need, r);
		criu_pagemap_entry__free_unpacked(pe, NULL);
		if (ret)
			return ret;
	}
	return ret;
}

static int decode(const uint8_t *buf, size_t len, const char *name,
		  uint32_t need, struct page_ranges *r)
{
	CriuPagemapHead *h;
	struct criu_img c;
	const uint8_t *msg;
	uint32_t size;
	int ret;

	ret = criu_image_open(&c, buf, len, CRIU_PAGEMAP_MAGIC, name);
	if (!ret && criu_image_next(&c, &msg, &size) != 1) {
		pr_err("%s: no pagemap head\n", name);
		ret = -EBADMSG;
	}
	if (ret)
		return ret;
	h = criu_pagemap_head__unpack(NULL, size, msg);
	if (!h) {
		pr_err("%s: the pagemap head cannot be decoded\n", name);
		return -EBADMSG;
	}
	criu_pagemap_head__free_unpacked(h, NULL);
	ret = decode_entries(&c, need, r);
	if (ret)
		page_ranges_free(r);
	return ret;
}

int criu_pagemap_decode(const uint8_t *buf, size_t len, const char *name,
			struct page_ranges *r)
{
	return decode(buf, len, name, 0, r);
}

int criu_pagemap_read_flagged(int dirfd, unsigned int id, uint32_t flags,
			      struct page_ranges *r)
{
	char name[32];
	uint8_t *buf;
	size_t len;
	int ret;

	snprintf(name, sizeof(name), CRIU_PAGEMAP_IMG_FMT, id);
	ret = criu_image_load(dirfd, name, CRIU_PAGEMAP_MAX, &buf, &len);
	if (ret)
		return ret;
	ret = decode(buf, len, name, flags, r);
	free(buf);
	return ret;
}

int criu_pagemap_read(int dirfd, unsigned int id, struct page_ranges *r)
{
	return criu_pagemap_read_flagged(dirfd, id, 0, r);
}
