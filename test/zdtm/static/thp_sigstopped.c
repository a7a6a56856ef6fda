// SPDX-License-Identifier: GPL-2.0
/*
 * thp_sigstopped: the runner stops the task and sends it SIGALRM and
 * SIGCHLD before the dump (.desc flag "sigstopped"), so that it is
 * dumped stopped with both pending and not blocked.  criu restores it
 * stopped, SIGSTOP queued after them; the plugin injects into it.  The
 * kernel delivers the lowest-numbered pending signal first: an injection
 * that takes the stop by continuing the task met SIGALRM instead, and
 * criu's detach lost it.  After SIGCONT each must be handled once.  An
 * nh region with huge pages needs the fix.
 */
#include <signal.h>

#include "thp_regions.h"

const char *test_doc = "signals pending in a stopped task survive the plugin's injections";
const char *test_author = "criu-thp";

static struct thp_region region = {
	.name = "nh-huge", .chunks = 2, .setup = SETUP_NH_HUGE, .adv = ADV_NH,
	.seed = 0x73746f70,
};

static volatile sig_atomic_t got_alrm, got_chld;

static void on_signal(int sig)
{
	if (sig == SIGALRM)
		got_alrm++;
	else
		got_chld++;
}

int main(int argc, char **argv)
{
	struct sigaction sa = { .sa_handler = on_signal };
	enum thp_expect_mode m;
	int ret = 0;

	test_init(argc, argv);
	m = thp_expect_mode();
	if (region_setup(&region))
		return 1;
	if (sigaction(SIGALRM, &sa, NULL) || sigaction(SIGCHLD, &sa, NULL)) {
		pr_perror("sigaction");
		return 1;
	}
	test_daemon();
	test_waitsig();
	if (got_alrm != 1 || got_chld != 1) {
		fail("handled SIGALRM %d times, SIGCHLD %d times, not once each",
		     (int)got_alrm, (int)got_chld);
		ret = 1;
	}
	ret |= region_check(&region, m, "after C/R");
	if (!ret)
		pass();
	return ret ? 1 : 0;
}
