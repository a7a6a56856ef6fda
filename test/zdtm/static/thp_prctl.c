// SPDX-License-Identifier: GPL-2.0
/*
 * thp_prctl: a process with THP enabled and its child with
 * PR_SET_THP_DISABLE set after its hg region became huge.  After restore
 * each must have its prctl state back (THP_enabled in /proc/self/status),
 * its data, and its huge pages as thp_regions.h says; stock CRIU 3.17.1
 * loses the child's prctl state on a non-lazy restore, 3.19 and later
 * keep it.  Without the
 * plugin the huge pages of a process tree are not checked: stock CRIU
 * restores none here even in always mode (measured), unlike the single
 * process of thp_coverage.
 */
#include <sys/prctl.h>

#include "thp_child.h"

const char *test_doc = "PR_SET_THP_DISABLE, set or not, survives C/R with the huge pages";
const char *test_author = "criu-thp";

static struct thp_region parent_region = {
	.name = "hg", .chunks = 4, .setup = SETUP_HG, .adv = ADV_HG,
	.seed = 0x7061,
};

static struct thp_region child_region = {
	.name = "hg-off", .chunks = 4, .setup = SETUP_HG, .adv = ADV_HG,
	.seed = 0x6368,
};

static enum thp_expect_mode coverage_mode(enum thp_expect_mode m)
{
	return m == EXPECT_EXACT ? m : EXPECT_LAZY;
}

static int check_prctl(const char *who, int want, enum thp_expect_mode m)
{
	int have = thp_status_enabled();

	/*
	 * Stock CRIU 3.17.1 loses PR_SET_THP_DISABLE on plain, pre-dump and
	 * lazy restores alike (measured; it keeps it only for lazy restores
	 * after a pre-dump, which the runner does not run without the
	 * plugin).  3.19 and later restore it in every mode (measured with
	 * 4.1.1: plain, lazy, remote lazy, lazy migration, pre-dump).
	 */
	if ((m == EXPECT_STOCK || m == EXPECT_STOCK_PRE ||
	     m == EXPECT_STOCK_LAZY) && !thp_criu_at_least(3, 19))
		want = 1;
	test_msg("%s: THP_enabled %d\n", who, have);
	if (have != want) {
		fail("%s: THP_enabled %d, expected %d", who, have, want);
		return -1;
	}
	return 0;
}

static void child(int ready, enum thp_expect_mode m)
{
	int ret;

	if (region_setup(&child_region) ||
	    prctl(PR_SET_THP_DISABLE, 1, 0, 0, 0))
		_exit(1);
	if (child_region.src_kb != region_len(&child_region) >> 10) {
		pr_err("the forked task's region is not huge before the dump\n");
		_exit(1);
	}
	if (write(ready, "", 1) != 1)
		_exit(1);
	close(ready);
	test_waitsig();
	ret = check_prctl("child", 0, m);
	ret |= region_check(&child_region, coverage_mode(m), "child");
	_exit(ret ? 1 : 0);
}

int main(int argc, char **argv)
{
	enum thp_expect_mode m;
	int ret;
	pid_t pid;

	test_init(argc, argv);
	m = thp_expect_mode();
	pid = thp_child_start(child, m);
	if (pid < 0) {
		pr_err("the child did not get ready\n");
		return 1;
	}
	if (region_setup(&parent_region))
		return 1;

	test_daemon();
	test_waitsig();

	ret = check_prctl("parent", 1, m);
	ret |= region_check(&parent_region, coverage_mode(m), "parent");
	ret |= thp_child_check(pid);
	if (!ret)
		pass();
	return ret ? 1 : 0;
}
