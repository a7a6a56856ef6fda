// SPDX-License-Identifier: GPL-2.0
/*
 * thp_prctl_modes: one task in each PR_SET_THP_DISABLE state - the parent
 * enabled (0), a child disabled (1) once its regions were set up, another
 * child disabled except where advised (3, PR_THP_DISABLE_EXCEPT_ADVISED,
 * Linux 6.18; set before its regions, so that in THP "always" only its hg
 * region is huge).  Where the kernel lacks state 3 that child stays
 * enabled and says so.  Each task has an hg, an nh and an unadvised
 * region of 2 chunks.
 *
 * After restore each task must have its data and advice; with the plugin
 * (THP_EXPECT exact or lazy) its own PR_GET_THP_DISABLE and - exact - its
 * huge pages as before.  Stock CRIU keeps the prctl as a bool (mm.proto):
 * 3 comes back as 1 (CRIU 3.19 and later), and 3.17.1 loses it; the test
 * only logs a stock restore's prctl values.
 */
#include <errno.h>
#include <sys/prctl.h>

#include "thp_child.h"

const char *test_doc = "Each PR_SET_THP_DISABLE state, 6.18's except-advised too, survives C/R";
const char *test_author = "criu-thp";

#define EXCEPT_ADVISED	(1ul << 1)	/* PR_THP_DISABLE_EXCEPT_ADVISED */

struct task {
	const char *who;
	int mode;		/* PR_GET_THP_DISABLE wanted: 0, 1, 3 */
	struct thp_region r[3];
};

#define REGIONS(s)							\
	{ { .name = "hg", .chunks = 2, .setup = SETUP_HG,		\
	    .adv = ADV_HG, .seed = (s) },				\
	  { .name = "nh", .chunks = 2, .setup = SETUP_NH,		\
	    .adv = ADV_NH, .seed = (s) + 1 },				\
	  { .name = "none", .chunks = 2, .setup = SETUP_NONE,		\
	    .adv = ADV_NONE, .seed = (s) + 2 } }

static struct task tasks[] = {
	{ .who = "parent", .mode = 0, .r = REGIONS(0x700) },
	{ .who = "disabled", .mode = 1, .r = REGIONS(0x710) },
	{ .who = "except-advised", .mode = 3, .r = REGIONS(0x720) },
};

static enum thp_expect_mode coverage_mode(enum thp_expect_mode m)
{
	return m == EXPECT_EXACT ? m : EXPECT_LAZY;
}

static int plugin_mode(enum thp_expect_mode m)
{
	return m == EXPECT_EXACT || m == EXPECT_LAZY;
}

static int set_mode(struct task *t)
{
	unsigned long flags = t->mode == 3 ? EXCEPT_ADVISED : 0;

	if (!prctl(PR_SET_THP_DISABLE, t->mode != 0, flags, 0, 0))
		return 0;
	if (t->mode == 3 && errno == EINVAL) {
		test_msg("%s: this kernel has no except-advised state: enabled\n",
			 t->who);
		t->mode = 0;
		return 0;
	}
	pr_perror("%s: prctl(PR_SET_THP_DISABLE, %d)", t->who, t->mode);
	return -1;
}

/* State 3 before the regions, 1 after (their huge pages made first). */
static int setup(struct task *t)
{
	int i;

	if (t->mode == 3 && set_mode(t))
		return -1;
	for (i = 0; i < 3; i++)
		if (region_setup(&t->r[i]))
			return -1;
	if (t->mode == 1 && set_mode(t))
		return -1;
	if (t->r[0].src_kb != region_len(&t->r[0]) >> 10) {
		pr_err("%s: region hg not huge before the dump\n", t->who);
		return -1;
	}
	return 0;
}

static int check(struct task *t, enum thp_expect_mode m)
{
	int have = prctl(PR_GET_THP_DISABLE, 0, 0, 0, 0);
	int i, ret = 0;

	test_msg("%s: PR_GET_THP_DISABLE %d, %d before the dump\n", t->who,
		 have, t->mode);
	if (plugin_mode(m) && have != t->mode) {
		fail("%s: PR_GET_THP_DISABLE %d, expected %d", t->who, have,
		     t->mode);
		ret = -1;
	}
	for (i = 0; i < 3; i++)
		ret |= region_check(&t->r[i], coverage_mode(m), t->who);
	return ret;
}

static struct task *child_task;

static void child(int ready, enum thp_expect_mode m)
{
	if (setup(child_task) || write(ready, "", 1) != 1)
		_exit(1);
	close(ready);
	test_waitsig();
	_exit(check(child_task, m) ? 1 : 0);
}

int main(int argc, char **argv)
{
	enum thp_expect_mode m;
	pid_t pid[2];
	int i, ret;

	test_init(argc, argv);
	m = thp_expect_mode();
	for (i = 0; i < 2; i++) {
		child_task = &tasks[i + 1];
		pid[i] = thp_child_start(child, m);
		if (pid[i] < 0) {
			pr_err("child %s did not get ready\n", child_task->who);
			return 1;
		}
	}
	if (setup(&tasks[0]))
		return 1;

	test_daemon();
	test_waitsig();

	ret = check(&tasks[0], m);
	for (i = 0; i < 2; i++)
		ret |= thp_child_check(pid[i]);
	if (!ret)
		pass();
	return ret ? 1 : 0;
}
