// SPDX-License-Identifier: GPL-2.0
/*
 * thp_lazy_coverage: the coverage shapes of thp_coverage (hg, nh, neither,
 * nh with huge pages), in a process with a second thread that keeps
 * reading them from the last chunk down (a lazy restore serves its faults
 * while the daemon sends the rest from the bottom up), and a child
 * process with an hg region of its own.  After restore each region must
 * have its advice, its data and its huge pages as thp_regions.h says.
 */
#include "thp_child.h"
#include "thp_reader.h"

const char *test_doc = "THP coverage comes back during and after a lazy restore, threads and a "
		       "child";
const char *test_author = "criu-thp";

static struct thp_region regions[] = {
	{ .name = "hg", .chunks = 32, .setup = SETUP_HG, .adv = ADV_HG, .seed = 0x6c6867 },
	{ .name = "nh", .chunks = 16, .setup = SETUP_NH, .adv = ADV_NH, .seed = 0x6c6e68 },
	{ .name = "none", .chunks = 16, .setup = SETUP_NONE, .adv = ADV_NONE, .seed = 0x6c6e6f },
	{ .name = "nh-huge", .chunks = 4, .setup = SETUP_NH_HUGE, .adv = ADV_NH,
	  .seed = 0x6c6e6868 },
};

#define NR_REGIONS	(sizeof(regions) / sizeof(regions[0]))

static struct thp_region child_region = {
	.name = "child-hg", .chunks = 16, .setup = SETUP_HG, .adv = ADV_HG,
	.seed = 0x6c6368,
};

static void child(int ready, enum thp_expect_mode m)
{
	if (region_setup(&child_region) || write(ready, "", 1) != 1)
		_exit(1);
	close(ready);
	test_waitsig();
	_exit(region_check(&child_region, m, "child") ? 1 : 0);
}

int main(int argc, char **argv)
{
	struct thp_reader r = {
		.regions = regions, .n = NR_REGIONS, .backwards = 1,
		.pause_us = 2000,
	};
	enum thp_expect_mode m;
	unsigned int i;
	int ret = 0;
	pid_t pid;

	test_init(argc, argv);
	m = thp_expect_mode();
	pid = thp_child_start(child, m);
	if (pid < 0) {
		pr_err("the child did not get ready\n");
		return 1;
	}
	for (i = 0; i < NR_REGIONS; i++)
		if (region_setup(&regions[i]))
			return 1;
	if (thp_reader_start(&r))
		return 1;

	test_daemon();
	test_waitsig();

	ret |= thp_reader_stop(&r);
	for (i = 0; i < NR_REGIONS; i++)
		ret |= region_check(&regions[i], m, "after C/R");
	ret |= thp_child_check(pid);
	if (!ret)
		pass();
	return ret ? 1 : 0;
}
