// SPDX-License-Identifier: GPL-2.0
/*
 * thp_flags: three VMAs, one for each THP advice state (hg, nh, neither),
 * every page written with a known pattern.  After restore each VMA must
 * have exactly its advice back and every word its value.
 */
#include <stdlib.h>
#include <sys/mman.h>

#include "zdtmtst.h"
#include "thp_test.h"

const char *test_doc = "VMA THP advice (hg, nh, neither) and contents survive C/R";
const char *test_author = "criu-thp";

#define REGION_LEN	(4 * THP_CHUNK)
#define SEED		0x7468705f666c6167ull	/* "thp_flag" */

static struct region {
	const char *name;
	int advice;		/* for madvise(), or -1 for none */
	enum thp_adv expect;
	void *addr;
} regions[] = {
	{ .name = "hg", .advice = MADV_HUGEPAGE, .expect = ADV_HG },
	{ .name = "nh", .advice = MADV_NOHUGEPAGE, .expect = ADV_NH },
	{ .name = "none", .advice = -1, .expect = ADV_NONE },
};

#define NR_REGIONS	(sizeof(regions) / sizeof(regions[0]))

static int setup(struct region *r)
{
	r->addr = thp_map_aligned(REGION_LEN);
	if (!r->addr) {
		pr_perror("mmap %s", r->name);
		return -1;
	}
	if (r->advice >= 0 && madvise(r->addr, REGION_LEN, r->advice)) {
		pr_perror("madvise %s", r->name);
		return -1;
	}
	thp_fill(r->addr, REGION_LEN, SEED);
	return 0;
}

/* Returns 0 when the region's advice and contents are as set up. */
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
