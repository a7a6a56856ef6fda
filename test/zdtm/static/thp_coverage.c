// SPDX-License-Identifier: GPL-2.0
/*
 * thp_coverage: the regions of docs/kernel-and-criu-facts.md section 3 -
 * hg (64 chunks), nh (32), neither (32) - plus an nh region that held
 * huge pages when it was made nh (8).  Every page is written.  After restore each region must
 * have its advice, its data and its huge pages as thp_regions.h says.
 * THP_SMALL=1 makes each region an eighth of that (at least a chunk):
 * for the fault tests, which restore it many times.
 */
#include "thp_regions.h"

const char *test_doc = "THP coverage per VMA (hg, nh, neither, nh with huge pages) survives C/R";
const char *test_author = "criu-thp";

static struct thp_region regions[] = {
	{ .name = "hg", .chunks = 64, .setup = SETUP_HG, .adv = ADV_HG, .seed = 0x6867 },
	{ .name = "nh", .chunks = 32, .setup = SETUP_NH, .adv = ADV_NH, .seed = 0x6e68 },
	{ .name = "none", .chunks = 32, .setup = SETUP_NONE, .adv = ADV_NONE, .seed = 0x6e6f },
	{ .name = "nh-huge", .chunks = 8, .setup = SETUP_NH_HUGE, .adv = ADV_NH, .seed = 0x6e6868 },
};

#define NR_REGIONS	(sizeof(regions) / sizeof(regions[0]))

int main(int argc, char **argv)
{
	const char *small = getenv("THP_SMALL");
	enum thp_expect_mode m;
	unsigned int i;
	int ret = 0;

	test_init(argc, argv);
	m = thp_expect_mode();
	if (small && strcmp(small, "1"))
		small = NULL;
	for (i = 0; i < NR_REGIONS; i++) {
		if (small && regions[i].chunks >= 16)
			regions[i].chunks /= 8;
		else if (small)
			regions[i].chunks = 1;
		if (region_setup(&regions[i]))
			return 1;
	}
	if (regions[0].src_kb != region_len(&regions[0]) >> 10 ||
	    regions[3].src_kb != region_len(&regions[3]) >> 10) {
		pr_err("hg and nh-huge must be all huge before the dump\n");
		return 1;
	}

	test_daemon();
	test_waitsig();

	for (i = 0; i < NR_REGIONS; i++)
		ret |= region_check(&regions[i], m, "after C/R");
	if (!ret)
		pass();
	return ret ? 1 : 0;
}
