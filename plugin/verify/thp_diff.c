// SPDX-License-Identifier: GPL-2.0
/*
 * Comparing a live task with what it must be (see thp_diff.h).
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "array.h"
#include "bisect.h"
#include "thp_coverage.h"
#include "thp_advice.h"
#include "thp_diff.h"
#include "thp_prctl.h"
#include "thp_image.h"

static int diff_add(struct thp_diffs *d, enum thp_diff_kind kind,
		    uint64_t start, uint64_t end, const ThpVmaEntry *vma,
		    int want, int have)
{
	struct thp_diff *v = array_room(d->v, d->n, &d->cap, sizeof(*v));

	if (!v)
		return -ENOMEM;
	d->v = v;
	d->v[d->n++] = (struct thp_diff){ kind, start, end, vma, want, have };
	return 0;
}

void thp_diff_free(struct thp_diffs *d)
{
	free(d->v);
	memset(d, 0, sizeof(*d));
}

size_t thp_diff_run(const struct thp_diffs *d, size_t i, struct thp_diff *run)
{
	size_t j = i + 1;

	*run = d->v[i];
	if (run->kind != THP_DIFF_MISSING && run->kind != THP_DIFF_EXTRA)
		return j;
	while (j < d->n && d->v[j].kind == run->kind &&
	       d->v[j].vma == run->vma && d->v[j].start == run->end)
		run->end = d->v[j++].end;
	return j;
}

size_t thp_diff_count(const struct thp_diffs *d, enum thp_diff_kind kind)
{
	size_t i, n = 0;

	for (i = 0; i < d->n; i++)
		n += d->v[i].kind == kind;
	return n;
}

uint64_t thp_diff_vma_huge_chunks(const ThpVmaEntry *v)
{
	return chunk_runs_count(v->pmd_huge, v->n_pmd_huge) +
	       chunk_runs_count(v->unresolved, v->n_unresolved);
}

static uint64_t vma_end(const void *vmas, size_t i)
{
	return ((ThpVmaEntry *const *)vmas)[i]->end;
}

size_t thp_diff_vma_first_above(const ThpTaskEntry *t, uint64_t addr)
{
	return bisect_end_above(t->vmas, t->n_vmas, vma_end, addr);
}

/* Advice: every live VMA over the expected one, and every hole in it. */
static int diff_advice(const ThpVmaEntry *w, const ThpTaskEntry *have,
		       struct thp_diffs *d)
{
	uint64_t pos = w->start;
	size_t i;
	int ret = 0;

	for (i = thp_diff_vma_first_above(have, pos);
	     i < have->n_vmas && pos < w->end && !ret; i++) {
		const ThpVmaEntry *h = have->vmas[i];
		uint64_t s = h->start > pos ? h->start : pos;
		uint64_t e = h->end < w->end ? h->end : w->end;

		if (s >= e)
			continue;
		if (s > pos)
			ret = diff_add(d, THP_DIFF_NO_VMA, pos, s, w, 0, 0);
		if (!ret && h->advice != w->advice)
			ret = diff_add(d, THP_DIFF_ADVICE, s, e, w, w->advice,
				       h->advice);
		pos = e;
	}
	if (!ret && pos < w->end)
		ret = diff_add(d, THP_DIFF_NO_VMA, pos, w->end, w, 0, 0);
	return ret;
}

static int add_runs(struct addr_set *s, ThpChunkRun *const *r, size_t n,
		    uint64_t lo, uint64_t hi)
{
	size_t i;
	uint32_t k;

	for (i = 0; i < n; i++)
		for (k = 0; k < r[i]->nr; k++) {
			uint64_t a = r[i]->first + k * THP_CHUNK_SIZE;

			if (a >= lo && a < hi && addr_set_add(s, a))
				return -ENOMEM;
		}
	return 0;
}

static int cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return x < y ? -1 : x > y;
}

/* Huge chunks of entry e between lo and hi, sorted. */
static int huge_set(const ThpTaskEntry *e, uint64_t lo, uint64_t hi,
		    struct addr_set *s)
{
	size_t i;
	int ret = 0;

	for (i = thp_diff_vma_first_above(e, lo);
	     i < e->n_vmas && e->vmas[i]->start < hi && !ret; i++) {
		const ThpVmaEntry *v = e->vmas[i];

		ret = add_runs(s, v->pmd_huge, v->n_pmd_huge, lo, hi);
		if (!ret)
			ret = add_runs(s, v->unresolved, v->n_unresolved,
				       lo, hi);
	}
	if (s->n)
		qsort(s->v, s->n, sizeof(*s->v), cmp_u64);
	return ret;
}

/* Merge the two sorted sets of one expected VMA. */
static int diff_chunks(const ThpVmaEntry *w, const struct addr_set *ws,
		       const struct addr_set *hs, struct thp_diffs *d)
{
	size_t i = 0, j = 0;
	int ret = 0;

	while ((i < ws->n || j < hs->n) && !ret) {
		if (j == hs->n || (i < ws->n && ws->v[i] < hs->v[j])) {
			ret = diff_add(d, THP_DIFF_MISSING, ws->v[i],
				       ws->v[i] + THP_CHUNK_SIZE, w, 1, 0);
			i++;
		} else if (i == ws->n || hs->v[j] < ws->v[i]) {
			ret = diff_add(d, THP_DIFF_EXTRA, hs->v[j],
				       hs->v[j] + THP_CHUNK_SIZE, w, 0, 1);
			j++;
		} else {
			i++;
			j++;
		}
	}
	return ret;
}

static int diff_coverage(const ThpVmaEntry *w, const ThpTaskEntry *want,
			 const ThpTaskEntry *have, struct thp_diffs *d)
{
	struct addr_set ws = { }, hs = { };
	int ret;

	ret = huge_set(want, w->start, w->end, &ws);
	if (!ret)
		ret = huge_set(have, w->start, w->end, &hs);
	if (!ret)
		ret = diff_chunks(w, &ws, &hs, d);
	addr_set_free(&ws);
	addr_set_free(&hs);
	return ret;
}

/*
 * A live task read through /proc alone says "enabled" for 0 and 3 alike:
 * then only "disabled" is told apart.
 */
static int prctl_differs(const ThpTaskEntry *want, const ThpTaskEntry *have)
{
	if (!thp_prctl_known(have) || !thp_prctl_known(want))
		return want->thp_disabled != have->thp_disabled;
	return thp_prctl_of(want) != thp_prctl_of(have);
}

uint64_t thp_diff_vma_folio_pages(const ThpVmaEntry *v)
{
	uint64_t n = 0;
	size_t i;

	for (i = 0; i < v->n_folios; i++)
		n += v->folios[i]->pages;
	return n;
}

/*
 * Large folios of any size where the advice or the prctl forbids them:
 * a 4.x restorer fills memory before it replays MADV_NOHUGEPAGE.
 */
static int diff_folios(const ThpVmaEntry *w, const ThpTaskEntry *want,
		       const ThpTaskEntry *have, struct thp_diffs *d)
{
	uint64_t pages = 0;
	size_t i;

	if (!have->has_folios_known || !have->folios_known ||
	    (w->advice != THP_ADVICE__NOHUGE &&
	     thp_prctl_of(want) != THP_PRCTL_DISABLED))
		return 0;
	for (i = thp_diff_vma_first_above(have, w->start);
	     i < have->n_vmas && have->vmas[i]->start < w->end; i++)
		pages += thp_diff_vma_folio_pages(have->vmas[i]);
	if (!pages)
		return 0;
	return diff_add(d, THP_DIFF_FOLIOS, w->start, w->end, w, 0,
			pages > INT32_MAX ? INT32_MAX : (int)pages);
}

int thp_diff_tasks(const ThpTaskEntry *want, const ThpTaskEntry *have,
		   struct thp_diffs *d)
{
	int cov = want->coverage_known && have->coverage_known;
	size_t i;
	int ret = 0;

	if (prctl_differs(want, have))
		ret = diff_add(d, THP_DIFF_PRCTL, 0, 0, NULL,
			       thp_prctl_of(want), thp_prctl_of(have));
	if (!ret && !cov)
		ret = diff_add(d, THP_DIFF_UNKNOWN, 0, 0, NULL,
			       want->coverage_known, have->coverage_known);
	for (i = 0; i < want->n_vmas && !ret; i++) {
		ret = diff_advice(want->vmas[i], have, d);
		if (!ret)
			ret = diff_folios(want->vmas[i], want, have, d);
		if (!ret && cov)
			ret = diff_coverage(want->vmas[i], want, have, d);
	}
	return ret;
}

int thp_diff_format(char *buf, size_t len, const struct thp_diff *d)
{
	switch (d->kind) {
	case THP_DIFF_PRCTL:
		return snprintf(buf, len, "prctl THP: expected %s, found %s",
				thp_prctl_name(d->want),
				thp_prctl_name(d->have));
	case THP_DIFF_ADVICE:
		return snprintf(buf, len, "VMA %" PRIx64 "-%" PRIx64
				": advice expected %s, found %s", d->start,
				d->end, thp_advice_name(d->want),
				thp_advice_name(d->have));
	case THP_DIFF_NO_VMA:
		return snprintf(buf, len, "VMA %" PRIx64 "-%" PRIx64
				": expected mapped, found nothing",
				d->start, d->end);
	case THP_DIFF_MISSING:
	case THP_DIFF_EXTRA:
		if (d->end - d->start > THP_CHUNK_SIZE)
			return snprintf(buf, len, "VMA %" PRIx64 "-%" PRIx64
					": chunks %" PRIx64 "-%" PRIx64
					" (%" PRIu64 ") expected %s, found %s",
					d->vma->start, d->vma->end, d->start,
					d->end, (d->end - d->start) >>
					THP_CHUNK_SHIFT,
					d->want ? "huge" : "small",
					d->have ? "huge" : "small");
		return snprintf(buf, len, "VMA %" PRIx64 "-%" PRIx64
				": chunk %" PRIx64 " expected %s, found %s",
				d->vma->start, d->vma->end, d->start,
				d->want ? "huge" : "small",
				d->have ? "huge" : "small");
	case THP_DIFF_UNKNOWN:
		return snprintf(buf, len, "coverage: expected known, found %s",
				d->want ? "unreadable in the live task" :
				"no coverage in the record");
	case THP_DIFF_FOLIOS:
		return snprintf(buf, len, "VMA %" PRIx64 "-%" PRIx64
				": %d KiB in large folios, where none may be",
				d->start, d->end, d->have * 4);
	}
	return snprintf(buf, len, "?");
}
