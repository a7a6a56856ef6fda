// SPDX-License-Identifier: GPL-2.0
/*
 * The restore hook's quick reading of a task (see restore_quick.h).
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "bisect.h"
#include "criu_mm.h"
#include "criu_pagemap.h"
#include "proc_pagemap.h"
#include "proc_smaps.h"
#include "proc_status.h"
#include "restore_quick.h"
#include "thp_advice.h"
#include "thp_image.h"

static uint64_t vma_end(const void *arr, size_t i)
{
	return ((const struct restore_quick_vma *)arr)[i].end;
}

static unsigned int advice_of(const void *arg, uint64_t start)
{
	const struct restore_quick *q = arg;
	size_t i = bisect_end_above(q->v, q->n, vma_end, start);

	return i < q->n && q->v[i].start <= start ? q->v[i].vmflags : 0;
}

/* The mm image's VMAs and advice into q; 0, 1 (why says), or -ENOMEM. */
static int load_mm(struct restore_quick *q, int dirfd, unsigned int id,
		   char *why, size_t len)
{
	CriuMmEntry *mm;
	size_t i;
	int ret;

	ret = criu_mm_read(dirfd, id, &mm);
	if (ret) {
		snprintf(why, len, "mm-%u.img: %s", id, strerror(-ret));
		return 1;
	}
	q->v = calloc(mm->n_vmas ? mm->n_vmas : 1, sizeof(*q->v));
	if (!q->v) {
		criu_mm_entry__free_unpacked(mm, NULL);
		return -ENOMEM;
	}
	for (i = 0; i < mm->n_vmas; i++) {
		const CriuVmaEntry *e = mm->vmas[i];

		q->v[i].start = e->start;
		q->v[i].end = e->end;
		q->v[i].vmflags = thp_advice_vmflags(thp_advice_of_madv(e->madv));
	}
	q->n = mm->n_vmas;
	criu_mm_entry__free_unpacked(mm, NULL);
	return 0;
}

/* 0 when the record's advice is the mm image's at each of its VMAs. */
static int same_advice(const struct restore_quick *q, const ThpTaskEntry *e,
		       char *why, size_t len)
{
	size_t i;

	for (i = 0; i < e->n_vmas; i++) {
		const ThpVmaEntry *v = e->vmas[i];

		if (thp_advice_vmflags(v->advice) == advice_of(q, v->start))
			continue;
		snprintf(why, len, "VMA %" PRIx64 "-%" PRIx64
			 ": the record's advice is not the mm image's",
			 v->start, v->end);
		return 1;
	}
	return 0;
}

/* Owed pages against the present ranges, which PAGEMAP_SCAN gives in order. */
struct cover {
	const struct page_ranges *owed;
	size_t i;		/* the first owed range not yet all seen in */
	uint64_t at;		/* owed->v[i] is in below at */
	int gap;		/* an owed page is not in */
};

static int cover_range(uint64_t start, uint64_t end, void *arg)
{
	struct cover *c = arg;

	while (c->i < c->owed->n) {
		const struct page_range *o = &c->owed->v[c->i];
		uint64_t from = o->start > c->at ? o->start : c->at;

		if (from >= end)
			return 0;	/* for a later present range */
		if (from < start) {
			c->gap = 1;	/* below this range: not present */
			return 1;
		}
		if (o->end > end) {
			c->at = end;
			return 0;
		}
		c->at = o->end;
		c->i++;
	}
	return 1;		/* all in: no need to scan further */
}

/*
 * Whether every page the image marks lazy is present (criu fills the
 * others before the task resumes, lazy restore or not): 0 and q->lazy
 * cleared when so, 0 and q->lazy set when a lazy-pages daemon still owes
 * some (a swapped page counts as owed), 1 (why says) or -ENOMEM.
 */
static int lazy_owed(struct restore_quick *q, pid_t pid, int dirfd,
		     unsigned int id, char *why, size_t len)
{
	struct page_ranges owed = { };
	struct cover c = { .owed = &owed };
	int fd, ret;

	ret = criu_pagemap_read_flagged(dirfd, id, CRIU_PE_LAZY, &owed);
	if (ret == -ENOENT || (!ret && !owed.n))
		return 0;		/* nothing lazy in the image */
	if (ret) {
		snprintf(why, len, "pagemap-%u.img: %s", id, strerror(-ret));
		return ret == -ENOMEM ? ret : 1;
	}
	fd = proc_pagemap_open(pid);
	ret = fd < 0 ? fd :
	      proc_pagemap_scan_present(fd, owed.v[0].start,
					owed.v[owed.n - 1].end, cover_range,
					&c);
	if (fd >= 0)
		close(fd);
	q->lazy = c.gap || c.i < owed.n;
	page_ranges_free(&owed);
	if (ret >= 0)
		return 0;
	if (ret == -ENOMEM)
		return ret;
	snprintf(why, len, "/proc/%d/pagemap: %s", pid, strerror(-ret));
	return 1;
}

/* What rules the quick reading out before any image is read, or NULL. */
static const char *ruled_out(const struct thp_verify_ctx *c,
			     const struct thp_verify *v)
{
	if (!c->env.has_scan)
		return "no PAGEMAP_SCAN (Linux 6.7 and later)";
	if (c->env.mthp)
		return "THP sizes below a PMD are enabled";
	if (!strcmp(c->mode, "always"))
		return "THP always: the restorer may fill chunks huge";
	if (c->sizes_differ[0])
		return "the record was made with other sizes";
	if (v->x.source != THP_EXPECT_RECORD || !v->x.e->coverage_known)
		return "no record with coverage";
	return NULL;
}

int restore_quick_open(struct restore_quick *q, const struct thp_verify_ctx *c,
		       const struct thp_verify *v, char *why, size_t len)
{
	struct proc_status st;
	const char *no;
	int ret;

	memset(q, 0, sizeof(*q));
	no = ruled_out(c, v);
	if (no) {
		snprintf(why, len, "%s", no);
		return 1;
	}
	ret = proc_status_read(v->pid, &st);
	if (ret || st.hugetlb_kb) {
		snprintf(why, len, "%s", ret ? strerror(-ret) :
			 "it maps hugetlb pages");
		return 1;
	}
	ret = load_mm(q, c->dirfd, v->id, why, len);
	if (!ret)
		ret = same_advice(q, v->x.e, why, len);
	if (!ret)
		ret = lazy_owed(q, v->pid, c->dirfd, v->id, why, len);
	if (ret) {
		restore_quick_close(q);
		return ret;
	}
	q->a.of = advice_of;
	q->a.arg = q;
	return 0;
}

void restore_quick_close(struct restore_quick *q)
{
	free(q->v);
	q->v = NULL;
	q->n = 0;
}
