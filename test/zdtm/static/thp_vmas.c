// SPDX-License-Identifier: GPL-2.0
/*
 * thp_vmas: a process with 20,000 more VMAs (THP_VMAS), for the plugin's
 * work per VMA: one mapping of as many pages, every page written and
 * every other one MADV_HUGEPAGE, so that no two neighbours merge; beside
 * it an hg region of 4 huge chunks and an nh one that held a huge page.
 * After restore each small VMA must be there with its advice and its
 * data, and the regions as thp_regions.h says.
 */
#include "thp_regions.h"

const char *test_doc = "20,000 VMAs, alternately hg and without advice, survive C/R";
const char *test_author = "criu-thp";

#define PAGE	4096ul
#define SEED	0x766d6173

static struct thp_region regions[] = {
	{ .name = "hg", .chunks = 4, .setup = SETUP_HG, .adv = ADV_HG, .seed = 0x6867 },
	{ .name = "nh-huge", .chunks = 1, .setup = SETUP_NH_HUGE, .adv = ADV_NH, .seed = 0x6e68 },
};

#define NR_REGIONS	(sizeof(regions) / sizeof(regions[0]))

static char *many;
static unsigned long nr;

static int make_vmas(void)
{
	unsigned long i;

	many = thp_map_guarded(nr * PAGE, 0);
	if (!many)
		return -1;
	thp_fill(many, nr * PAGE, SEED);
	for (i = 0; i < nr; i += 2)
		if (madvise(many + i * PAGE, PAGE, MADV_HUGEPAGE))
			return -1;
	return 0;
}

/* One VMA of the mapping: a page at its place, with its advice. */
static int check_vma(uint64_t s, uint64_t e, int hg, unsigned long *seen)
{
	unsigned long i = (s - (uintptr_t)many) / PAGE;

	if (e - s != PAGE || i != *seen) {
		fail("VMA %" PRIx64 "-%" PRIx64 ": expected page %lu alone",
		     s, e, *seen);
		return -1;
	}
	if (hg != !(i % 2)) {
		fail("VMA %" PRIx64 ": advice %s, expected %s", s,
		     hg ? "hg" : "none", i % 2 ? "none" : "hg");
		return -1;
	}
	(*seen)++;
	return 0;
}

/* One pass over smaps: every page of the mapping a VMA of its own. */
static int check_vmas(void)
{
	uint64_t lo = (uintptr_t)many, hi = lo + nr * PAGE, s = 0, e = 0;
	unsigned long seen = 0;
	char line[512];
	int in = 0, ret = 0;
	FILE *f;

	f = fopen("/proc/self/smaps", "r");
	if (!f)
		return -1;
	while (!ret && fgets(line, sizeof(line), f)) {
		if (thp_smaps_header(line, &s, &e)) {
			in = s < hi && e > lo;
			continue;
		}
		if (in && !strncmp(line, "VmFlags:", 8))
			ret = check_vma(s, e, !!strstr(line, " hg"), &seen);
	}
	fclose(f);
	if (!ret && seen != nr) {
		fail("%lu VMAs of %lu", seen, nr);
		ret = -1;
	}
	if (!ret && thp_check(many, nr * PAGE, SEED)) {
		fail("wrong data among the VMAs");
		ret = -1;
	}
	return ret;
}

int main(int argc, char **argv)
{
	const char *e = getenv("THP_VMAS");
	enum thp_expect_mode m;
	unsigned int i;
	int ret;

	test_init(argc, argv);
	m = thp_expect_mode();
	nr = e ? strtoul(e, NULL, 0) : 20000;
	for (i = 0; i < NR_REGIONS; i++)
		if (region_setup(&regions[i]))
			return 1;
	if (make_vmas()) {
		pr_perror("%lu VMAs", nr);
		return 1;
	}
	test_msg("%lu VMAs at %p\n", nr, many);

	test_daemon();
	test_waitsig();

	ret = check_vmas();
	for (i = 0; i < NR_REGIONS; i++)
		ret |= region_check(&regions[i], m, "after C/R");
	if (!ret)
		pass();
	return ret ? 1 : 0;
}
