/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Where a live task's THP state differs from what it must be: the prctl
 * state, each VMA's advice, and chunk by chunk the huge-page coverage.
 * Both sides are thp_task_entry messages: the expected one (thp_expect.h)
 * and the live one (thp_record_task() on the running task).
 *
 * THP_DIFF_FOLIOS: pages in large folios below PMD size over start-end,
 * where none may be (an nh VMA, a task with THP disabled).
 *
 * A chunk counts as huge when it is PMD-mapped or unresolved (a whole THP
 * whose mapping the kernel could not tell); a THP mapped by PTEs at dump
 * cannot be made again and is expected as small pages.
 */
#ifndef THP_DIFF_H
#define THP_DIFF_H

#include <stddef.h>
#include <stdint.h>

#include "thp.pb-c.h"

enum thp_diff_kind {
	THP_DIFF_PRCTL,		/* want/have: thp_disabled */
	THP_DIFF_ADVICE,	/* want/have: ThpAdvice; start-end: the part */
	THP_DIFF_NO_VMA,	/* start-end of a recorded VMA is not mapped */
	THP_DIFF_MISSING,	/* chunk at start was huge, is small */
	THP_DIFF_EXTRA,		/* chunk at start is huge, was small */
	THP_DIFF_UNKNOWN,	/* the live coverage cannot be read */
	THP_DIFF_FOLIOS,	/* have: pages in small large folios */
};

struct thp_diff {
	enum thp_diff_kind kind;
	uint64_t start, end;
	const ThpVmaEntry *vma;	/* the expected VMA, or NULL */
	int want, have;
};

struct thp_diffs {
	struct thp_diff *v;
	size_t n, cap;
};

/* 0 or -ENOMEM; d must be empty or hold earlier differences. */
int thp_diff_tasks(const ThpTaskEntry *want, const ThpTaskEntry *have,
		   struct thp_diffs *d);
void thp_diff_free(struct thp_diffs *d);

/*
 * Difference i and the chunks of the same kind that follow it in the same
 * VMA, as one range in *run; returns the index after them.
 */
size_t thp_diff_run(const struct thp_diffs *d, size_t i, struct thp_diff *run);

/* Count of one kind. */
size_t thp_diff_count(const struct thp_diffs *d, enum thp_diff_kind kind);

/*
 * The index of the first of t's VMAs that ends above addr (t->n_vmas if
 * none does), by bisection: a task entry's VMAs are sorted and do not
 * overlap (smaps lists them so; thp_image.c and criu_mm.c refuse images
 * that are not).  With it the comparisons are O(n log n) in VMAs.
 */
size_t thp_diff_vma_first_above(const ThpTaskEntry *t, uint64_t addr);

/* Pages of a VMA entry in large folios below PMD size. */
uint64_t thp_diff_vma_folio_pages(const ThpVmaEntry *v);

/* Chunks a VMA entry says are huge (PMD-mapped or unresolved). */
uint64_t thp_diff_vma_huge_chunks(const ThpVmaEntry *v);


/* "VMA a-b: advice expected hg, found none" and the like; snprintf's value. */
int thp_diff_format(char *buf, size_t len, const struct thp_diff *d);

#endif /* THP_DIFF_H */
