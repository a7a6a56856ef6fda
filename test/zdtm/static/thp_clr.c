// SPDX-License-Identifier: GPL-2.0
/*
 * thp_clr: the vma strategy of a lazy restore.  Three 128 MiB VMAs, one
 * for each advice state (hg, nh, neither), every page written with a
 * known pattern.  hg and neither are all huge (khugepaged may collapse a
 * small chunk of theirs at any time, at the source too: max_ptes_none);
 * nh has its first 4 chunks huge, each collapsed under hg lifted over it.
 * Restored lazily with strategy = vma (.desc "vma"), the runner samples
 * that every big VMA whose pages are still arriving is nh; after the
 * transfer each VMA must have its own advice back - "neither" too,
 * through MADV_CLR_HUGEPAGE - and every word its value (the runner's
 * verify checks the huge pages).
 */
#include <stdlib.h>
#include <sys/mman.h>

#include "zdtmtst.h"
#include "thp_test.h"
#include "thp_shapes.h"

const char *test_doc = "lazy restore, vma strategy: nh while arriving, then each VMA's own advice";
const char *test_author = "criu-thp";

#define REGION_LEN	(64 * THP_CHUNK)
#define SEED		0x7468705f636c7221ull	/* "thp_clr!" */

static struct region {
	const char *name;
	int advice;		/* for madvise() after the collapse, or -1 */
	enum thp_adv expect;
	int huge;		/* chunks collapsed, from the first */
	void *addr;
} regions[] = {
	{ .name = "hg", .advice = MADV_HUGEPAGE, .expect = ADV_HG,
	  .huge = REGION_LEN / THP_CHUNK },
	{ .name = "nh", .advice = MADV_NOHUGEPAGE, .expect = ADV_NH,
	  .huge = 4 },
	{ .name = "none", .advice = -1, .expect = ADV_NONE,
	  .huge = REGION_LEN / THP_CHUNK },
};

#define NR_REGIONS	(sizeof(regions) / sizeof(regions[0]))

/* Collapse one chunk; in an nh VMA, with hg over just that chunk. */
static int collapse(struct region *r, uint8_t *c)
{
	int nh = r->advice == MADV_NOHUGEPAGE;

	if (nh && madvise(c, THP_CHUNK, MADV_HUGEPAGE))
		return -1;
	if (shape_collapse_chunk(c))
		return -1;
	return nh ? madvise(c, THP_CHUNK, MADV_NOHUGEPAGE) : 0;
}

/* The advice first: in THP "always" an nh VMA filled first is all huge. */
static int setup(struct region *r)
{
	uint8_t *p;
	int i;

	r->addr = p = thp_map_guarded(REGION_LEN, 0);
	if (!p) {
		pr_perror("mmap %s", r->name);
		return -1;
	}
	if (r->advice >= 0 && madvise(p, REGION_LEN, r->advice)) {
		pr_perror("madvise %s", r->name);
		return -1;
	}
	thp_fill(p, REGION_LEN, SEED);
	for (i = 0; i < r->huge; i++) {
		if (collapse(r, p + i * THP_CHUNK)) {
			pr_perror("collapse %s chunk %d", r->name, i);
			return -1;
		}
	}
	return 0;
}

/* 0 when the region's advice and contents are as set up. */
static int check(struct region *r, const char *when)
{
	enum thp_adv adv;
	void *bad;

	if (thp_range_advice(r->addr, REGION_LEN, &adv)) {
		fail("%s: region %s at %p not found in smaps", when, r->name,
		     r->addr);
		return -1;
	}
	if (adv != r->expect) {
		fail("%s: region %s at %p has advice %s, expected %s", when,
		     r->name, r->addr, thp_adv_name(adv),
		     thp_adv_name(r->expect));
		return -1;
	}
	bad = thp_check(r->addr, REGION_LEN, SEED);
	if (bad) {
		fail("%s: region %s: wrong data at %p", when, r->name, bad);
		return -1;
	}
	return 0;
}

int main(int argc, char **argv)
{
	unsigned int i;
	int ret = 0;

	test_init(argc, argv);

	for (i = 0; i < NR_REGIONS; i++) {
		if (setup(&regions[i]))
			return 1;
		test_msg("region %s at %p-%p\n", regions[i].name,
			 regions[i].addr, (char *)regions[i].addr + REGION_LEN);
	}
	for (i = 0; i < NR_REGIONS; i++)
		if (check(&regions[i], "before C/R"))
			return 1;

	test_daemon();
	test_waitsig();

	for (i = 0; i < NR_REGIONS; i++)
		ret |= check(&regions[i], "after C/R");
	if (!ret)
		pass();
	return ret ? 1 : 0;
}
