// SPDX-License-Identifier: GPL-2.0
/*
 * thp_tree: a tree of 100 tasks (THP_TREE_TASKS, 2 to 1000), for the
 * plugin's work per task.  The parent and each child have a region of
 * one chunk, the child's shape chosen by its number: hg and huge, nh
 * that held a huge page, hg and huge under PR_SET_THP_DISABLE, or no
 * advice.  After restore every task must have its data, its advice, its
 * prctl state and - with the plugin - its huge page as before; the
 * runner's verify compares every task with its record.  Stock CRIU's
 * huge pages are not checked, as in thp_prctl.  THP_TREE_NO_STOP=1 keeps
 * to the shapes whose chunks need no stop (shape_of()).
 */
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>

#include "thp_child.h"

const char *test_doc = "A tree of 100 tasks comes back with each task's THP state";
const char *test_author = "criu-thp";

#define MAX_TASKS	1000

static const struct thp_region shapes[] = {
	{ .name = "hg", .chunks = 1, .setup = SETUP_HG, .adv = ADV_HG },
	{ .name = "nh-huge", .chunks = 1, .setup = SETUP_NH_HUGE, .adv = ADV_NH },
	{ .name = "hg-off", .chunks = 1, .setup = SETUP_HG, .adv = ADV_HG },
	{ .name = "none", .chunks = 1, .setup = SETUP_NONE, .adv = ADV_NONE },
};

#define NR_SHAPES	(sizeof(shapes) / sizeof(shapes[0]))
#define SHAPE_OFF	2	/* the one under PR_SET_THP_DISABLE */

static struct thp_region region;
static int number;		/* this task's: 0 for the parent */

/*
 * The task's shape by its number.  THP_TREE_NO_STOP=1: hg and none only,
 * whose chunks a lazy restore leaves to the monitor - no chunk needs the
 * task stopped, so the restore hooks fetch none from a slowed daemon
 * and end while most pages are still owed.
 */
static unsigned int shape_of(int nr)
{
	const char *e = getenv("THP_TREE_NO_STOP");

	if (e && !strcmp(e, "1"))
		return nr % 2 ? 3 : 0;
	return nr % NR_SHAPES;
}

static enum thp_expect_mode coverage_mode(enum thp_expect_mode m)
{
	return m == EXPECT_EXACT ? m : EXPECT_LAZY;
}

/* Stock CRIU before 3.19 loses PR_SET_THP_DISABLE (see thp_prctl). */
static int check_task(enum thp_expect_mode m)
{
	int off = number && shape_of(number) == SHAPE_OFF;
	int have = thp_status_enabled(), want = !off;
	char who[32];

	snprintf(who, sizeof(who), "task %d", number);
	if (m != EXPECT_EXACT && m != EXPECT_LAZY && !thp_criu_at_least(3, 19))
		want = 1;
	if (have != want) {
		fail("%s: THP_enabled %d, expected %d", who, have, want);
		return -1;
	}
	return region_check(&region, coverage_mode(m), who);
}

static int setup(void)
{
	region = shapes[shape_of(number)];
	region.seed = 0x7472 + number;
	if (region_setup(&region))
		return -1;
	if (region.adv != ADV_NONE && region.src_kb != THP_CHUNK >> 10) {
		pr_err("task %d: region %s not huge before the dump\n",
		       number, region.name);
		return -1;
	}
	if (shape_of(number) == SHAPE_OFF)
		return prctl(PR_SET_THP_DISABLE, 1, 0, 0, 0);
	return 0;
}

static void child(int ready, enum thp_expect_mode m)
{
	int ret;

	if (setup() || write(ready, "", 1) != 1)
		_exit(1);
	close(ready);
	test_waitsig();
	ret = check_task(m);
	_exit(ret ? 1 : 0);
}

static int tasks(void)
{
	const char *e = getenv("THP_TREE_TASKS");
	int n = e ? atoi(e) : 100;

	return n < 2 ? 2 : n > MAX_TASKS ? MAX_TASKS : n;
}

int main(int argc, char **argv)
{
	static pid_t pid[MAX_TASKS];
	enum thp_expect_mode m;
	int i, n, ret = 0;

	test_init(argc, argv);
	m = thp_expect_mode();
	n = tasks();
	for (i = 1; i < n; i++) {
		number = i;
		pid[i] = thp_child_start(child, m);
		if (pid[i] < 0) {
			pr_err("child %d did not get ready\n", i);
			return 1;
		}
	}
	number = 0;
	if (setup())
		return 1;
	test_msg("%d tasks\n", n);

	test_daemon();
	test_waitsig();

	ret = check_task(m);
	for (i = 1; i < n; i++)
		ret |= thp_child_check(pid[i]);
	if (!ret)
		pass();
	return ret ? 1 : 0;
}
