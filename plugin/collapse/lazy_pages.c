// SPDX-License-Identifier: GPL-2.0
/*
 * Pages a lazy restore still owes a task (see lazy_pages.h).
 */
#include <errno.h>
#include <string.h>
#include <unistd.h>

#include "bisect.h"
#include "lazy_pages.h"
#include "proc_pagemap.h"
#include "proc_smaps.h"
#include "thp_image.h"

#define BATCH	512

struct collect {
	struct page_ranges um;		/* the "um" VMAs */
	struct page_ranges fenced;	/* those and the kernel's own */
	unsigned int armed;		/* "um" VMAs */
	int first;			/* stop at the first "um" VMA */
};

/* The kernel's own mappings: criu maps them anew, not from the image. */
static int is_special(const struct smaps_vma *v)
{
	static const char *const names[] = {
		"[vdso]", "[vvar]", "[vsyscall]", "[uprobes]",
	};
	size_t i;

	for (i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		if (!strcmp(v->path, names[i]))
			return 1;
	return 0;
}

static int add_vma(const struct smaps_vma *v, void *arg)
{
	struct collect *c = arg;
	int ret;

	if (v->vmflags & VMF_UM) {
		c->armed++;
		if (c->first)
			return 1;
		ret = page_ranges_add(&c->um, v->start, v->end);
		if (ret)
			return ret;
	} else if (!is_special(v)) {
		return 0;
	}
	return page_ranges_add(&c->fenced, v->start, v->end);
}

/* Count (and collect) the pages of [start, end) that are not in. */
static int scan(int fd, uint64_t start, uint64_t end, int want_ranges,
		struct lazy_state *s)
{
	uint64_t ent[BATCH], a;
	size_t i, k;
	int ret;

	while (start < end) {
		k = (end - start) / THP_PAGE_SIZE;
		k = k < BATCH ? k : BATCH;
		ret = proc_pagemap_read(fd, start, ent, k);
		if (ret)
			return ret;
		for (i = 0; i < k; i++) {
			if (ent[i] & (PM_PRESENT | PM_SWAP))
				continue;
			s->missing++;
			a = start + i * THP_PAGE_SIZE;
			if (want_ranges &&
			    page_ranges_add(&s->ranges, a, a + THP_PAGE_SIZE))
				return -ENOMEM;
		}
		start += k * THP_PAGE_SIZE;
	}
	return 0;
}

static uint64_t range_end(const void *v, size_t i)
{
	return ((const struct page_range *)v)[i].end;
}

/*
 * Walk owed and armed together: both are sorted and disjoint.  owed from
 * the first range that can meet armed: a question about one VMA costs
 * O(log n) in the ranges owed, not O(n).
 */
static int scan_owed(int fd, const struct page_ranges *owed,
		     const struct page_ranges *armed, int want_ranges,
		     struct lazy_state *s)
{
	size_t i, j = 0;
	uint64_t lo, hi;
	int ret;

	i = armed->n ? bisect_end_above(owed->v, owed->n, range_end,
					armed->v[0].start) : owed->n;
	while (i < owed->n && j < armed->n) {
		lo = owed->v[i].start > armed->v[j].start ?
			owed->v[i].start : armed->v[j].start;
		hi = owed->v[i].end < armed->v[j].end ?
			owed->v[i].end : armed->v[j].end;
		if (lo < hi) {
			ret = scan(fd, lo, hi, want_ranges, s);
			if (ret)
				return ret;
		}
		if (owed->v[i].end < armed->v[j].end)
			i++;
		else
			j++;
	}
	return 0;
}

/* The complement of armed within [0, 2^64 - page). */
static int invert(const struct page_ranges *armed, struct page_ranges *out)
{
	uint64_t prev = 0;
	size_t i;
	int ret;

	for (i = 0; i < armed->n; i++) {
		if (armed->v[i].start > prev) {
			ret = page_ranges_add(out, prev, armed->v[i].start);
			if (ret)
				return ret;
		}
		prev = armed->v[i].end;
	}
	return page_ranges_add(out, prev, -THP_PAGE_SIZE);
}

enum where {
	INSIDE,		/* the "um" VMAs */
	OUTSIDE,	/* every VMA but those and the kernel's own */
	AS_ARMED,	/* nothing if a VMA is armed, else OUTSIDE */
};

/* Pages of owed not in, where says; one reading of smaps. */
static int missing(pid_t pid, const struct page_ranges *owed, int want_ranges,
		   enum where where, struct lazy_state *s)
{
	struct page_ranges other = { };
	const struct page_ranges *in;
	struct collect c = { .first = where == AS_ARMED };
	int fd, ret;

	memset(s, 0, sizeof(*s));
	ret = proc_smaps_read(pid, add_vma, &c);
	s->armed = c.armed;
	if (ret == 1 && c.first)
		ret = 0;		/* armed: nothing to count */
	if (ret || (s->armed && c.first))
		goto out;
	in = &c.um;
	if (where != INSIDE) {
		ret = invert(&c.fenced, &other);
		if (ret)
			goto out;
		in = &other;
	}
	fd = proc_pagemap_open(pid);
	if (fd < 0) {
		ret = fd;
		goto out;
	}
	ret = scan_owed(fd, owed, in, want_ranges, s);
	close(fd);
out:
	page_ranges_free(&c.um);
	page_ranges_free(&c.fenced);
	page_ranges_free(&other);
	if (ret)
		page_ranges_free(&s->ranges);
	return ret;
}

int lazy_pages_missing(pid_t pid, const struct page_ranges *owed,
		       int want_ranges, struct lazy_state *s)
{
	return missing(pid, owed, want_ranges, INSIDE, s);
}

int lazy_pages_unarmed(pid_t pid, const struct page_ranges *owed,
		       struct lazy_state *s)
{
	return missing(pid, owed, 1, AS_ARMED, s);
}

static int has_um(const struct smaps_vma *v, void *arg)
{
	(void)arg;
	return !!(v->vmflags & VMF_UM);
}

int lazy_pages_armed(pid_t pid)
{
	return proc_smaps_read(pid, has_um, NULL);
}

int lazy_pages_range_in_fd(int pagemap_fd, const struct page_ranges *owed,
			   uint64_t start, uint64_t end)
{
	struct page_ranges range = { };
	struct lazy_state s = { };
	int ret;

	ret = page_ranges_add(&range, start, end);
	if (!ret)
		ret = scan_owed(pagemap_fd, owed, &range, 0, &s);
	page_ranges_free(&range);
	return ret ? ret : !s.missing;
}

int lazy_pages_range_in(pid_t pid, const struct page_ranges *owed,
			uint64_t start, uint64_t end)
{
	int fd, ret;

	fd = proc_pagemap_open(pid);
	if (fd < 0)
		return fd;
	ret = lazy_pages_range_in_fd(fd, owed, start, end);
	close(fd);
	return ret;
}
