/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Regions for the THP coverage tests: each a VMA of its own (guard pages
 * around it), every page written with a pattern, with the advice and the
 * huge pages the test set up.  After restore a region must have its
 * advice, its data and - as the runner says in $THP_EXPECT - its huge
 * pages:
 *   exact (default)  as many as before the dump (the plugin's promise)
 *   stock            what stock CRIU 3.17.1 gives
 *                    (docs/kernel-and-criu-facts.md section 3): none in
 *                    madvise mode; in always mode every region is
 *                    filled while THP applies, so every chunk is huge
 *   stock-pre        the same after a pre-dump: none in either mode
 *                    (measured in the guest, 6.1.0-56, always mode)
 *                    "None" is checked as fewer than before the dump:
 *                    khugepaged, woken when stock criu's madvise replay
 *                    registers the mm, may collapse up to 8 hg chunks at
 *                    once (seen on the test kernel)
 *   stock-lazy       stock CRIU after a lazy restore: not checked - none
 *                    while the pages arrive
 *                    (docs/kernel-and-criu-facts.md section 3), but
 *                    once the transfer is over khugepaged may collapse
 *                    some hg chunks (8 of 32 seen in the guest)
 *   lazy             not checked
 */
#ifndef THP_REGIONS_H
#define THP_REGIONS_H

#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#include "thp_test.h"
#include "zdtmtst.h"

enum region_setup {
	SETUP_HG,		/* MADV_HUGEPAGE, then written */
	SETUP_NH,		/* MADV_NOHUGEPAGE, then written */
	SETUP_NONE,		/* no advice, written */
	SETUP_NH_HUGE,		/* hg, written, then MADV_NOHUGEPAGE */
};

struct thp_region {
	const char *name;
	size_t chunks;
	enum region_setup setup;
	enum thp_adv adv;	/* the advice it keeps */
	uint64_t seed;
	void *addr;
	uint64_t src_kb;	/* AnonHugePages before the dump */
};

enum thp_expect_mode {
	EXPECT_EXACT,
	EXPECT_STOCK,
	EXPECT_STOCK_PRE,
	EXPECT_STOCK_LAZY,
	EXPECT_LAZY,
};

static inline enum thp_expect_mode thp_expect_mode(void)
{
	const char *e = getenv("THP_EXPECT");

	if (e && !strcmp(e, "stock"))
		return EXPECT_STOCK;
	if (e && !strcmp(e, "stock-pre"))
		return EXPECT_STOCK_PRE;
	if (e && !strcmp(e, "stock-lazy"))
		return EXPECT_STOCK_LAZY;
	if (e && !strcmp(e, "lazy"))
		return EXPECT_LAZY;
	return EXPECT_EXACT;
}

static inline size_t region_len(const struct thp_region *r)
{
	return r->chunks * THP_CHUNK;
}

static inline int region_advise(struct thp_region *r, int advice)
{
	if (madvise(r->addr, region_len(r), advice)) {
		pr_perror("madvise %s", r->name);
		return -1;
	}
	return 0;
}

static inline int region_setup(struct thp_region *r)
{
	r->addr = thp_map_guarded(region_len(r), 0);
	if (!r->addr) {
		pr_perror("mmap %s", r->name);
		return -1;
	}
	if ((r->setup == SETUP_HG || r->setup == SETUP_NH_HUGE) &&
	    region_advise(r, MADV_HUGEPAGE))
		return -1;
	if (r->setup == SETUP_NH && region_advise(r, MADV_NOHUGEPAGE))
		return -1;
	thp_fill(r->addr, region_len(r), r->seed);
	if (r->setup == SETUP_NH_HUGE && region_advise(r, MADV_NOHUGEPAGE))
		return -1;
	if (thp_range_huge_kb(r->addr, region_len(r), &r->src_kb)) {
		pr_err("region %s not in smaps\n", r->name);
		return -1;
	}
	test_msg("region %s at %p: %zu chunks, %" PRIu64 " KiB huge\n",
		 r->name, r->addr, r->chunks, r->src_kb);
	return 0;
}

static inline uint64_t region_want_kb(const struct thp_region *r,
				      enum thp_expect_mode m)
{
	if (m == EXPECT_EXACT)
		return r->src_kb;
	if (m == EXPECT_STOCK_LAZY)
		return 0;
	return thp_mode_always() ? region_len(r) >> 10 : 0;
}

/*
 * Stock CRIU restores no huge page in madvise mode (none in either mode
 * after a pre-dump), but khugepaged may collapse some before the test
 * looks: what is checked is that there are fewer than before the dump.
 */
static inline int stock_fewer(enum thp_expect_mode m)
{
	return m == EXPECT_STOCK_PRE || (m == EXPECT_STOCK && !thp_mode_always());
}

static inline int region_check(const struct thp_region *r,
			       enum thp_expect_mode m, const char *who)
{
	enum thp_adv adv;
	uint64_t kb;
	void *bad;

	if (thp_range_state(r->addr, region_len(r), &adv, &kb)) {
		fail("%s: region %s at %p not in smaps", who, r->name,
		     r->addr);
		return -1;
	}
	test_msg("%s: region %s: advice %s, %" PRIu64 " of %zu chunks huge (%" PRIu64 " before)\n",
		 who, r->name, thp_adv_name(adv), kb >> 11, r->chunks,
		 r->src_kb >> 11);
	bad = thp_check(r->addr, region_len(r), r->seed);
	if (bad) {
		fail("%s: region %s: wrong data at %p", who, r->name, bad);
		return -1;
	}
	if (adv != r->adv) {
		fail("%s: region %s: advice %s, expected %s", who, r->name,
		     thp_adv_name(adv), thp_adv_name(r->adv));
		return -1;
	}
	if (stock_fewer(m) && r->src_kb && kb >= r->src_kb) {
		fail("%s: region %s: %" PRIu64 " huge chunks, as before the dump: stock CRIU "
					       "restores fewer",
		     who, r->name, kb >> 11);
		return -1;
	}
	if (stock_fewer(m))
		return 0;
	if (m != EXPECT_LAZY && m != EXPECT_STOCK_LAZY &&
	    kb != region_want_kb(r, m)) {
		fail("%s: region %s: %" PRIu64 " huge chunks, expected %" PRIu64
		     " (%s)", who, r->name, kb >> 11,
		     region_want_kb(r, m) >> 11,
		     m == EXPECT_EXACT ? "as before the dump" : "stock CRIU");
		return -1;
	}
	return 0;
}

#endif /* THP_REGIONS_H */
