// SPDX-License-Identifier: GPL-2.0
/*
 * thp_sigpending: SIGTSTP and SIGALRM pending while the task blocks
 * them, across the C/R and the plugin's injections (it injects into every
 * task it fixes).  A blocked stop signal is no stop signal to take: the
 * restore must end (the injection once waited for ever for a stop that
 * could not come), and after it both signals must still be pending, and
 * each handled once when unblocked.  An nh region with huge pages needs
 * the fix.
 */
#include <signal.h>

#include "thp_regions.h"

const char *test_doc = "blocked pending signals survive the plugin's injections";
const char *test_author = "criu-thp";

static struct thp_region region = {
	.name = "nh-huge", .chunks = 2, .setup = SETUP_NH_HUGE, .adv = ADV_NH,
	.seed = 0x7369676e,
};

static volatile sig_atomic_t got_tstp, got_alrm;

static void on_signal(int sig)
{
	if (sig == SIGTSTP)
		got_tstp++;
	else
		got_alrm++;
}

static int block_and_raise(sigset_t *set)
{
	struct sigaction sa = { .sa_handler = on_signal };

	sigemptyset(set);
	sigaddset(set, SIGTSTP);
	sigaddset(set, SIGALRM);
	if (sigaction(SIGTSTP, &sa, NULL) || sigaction(SIGALRM, &sa, NULL) ||
	    sigprocmask(SIG_BLOCK, set, NULL)) {
		pr_perror("signals");
		return -1;
	}
	raise(SIGTSTP);
	raise(SIGALRM);
	return 0;
}

/* Both still pending, then each handled once as they are unblocked. */
static int check_signals(const sigset_t *set)
{
	sigset_t pnd;

	if (sigpending(&pnd) || !sigismember(&pnd, SIGTSTP) ||
	    !sigismember(&pnd, SIGALRM)) {
		fail("SIGTSTP or SIGALRM is no longer pending after C/R");
		return -1;
	}
	sigprocmask(SIG_UNBLOCK, set, NULL);
	if (got_tstp != 1 || got_alrm != 1) {
		fail("handled SIGTSTP %d times, SIGALRM %d times, not once each",
		     (int)got_tstp, (int)got_alrm);
		return -1;
	}
	return 0;
}

int main(int argc, char **argv)
{
	enum thp_expect_mode m;
	sigset_t set;
	int ret;

	test_init(argc, argv);
	m = thp_expect_mode();
	if (region_setup(&region) || block_and_raise(&set))
		return 1;
	test_daemon();
	test_waitsig();
	ret = check_signals(&set);
	ret |= region_check(&region, m, "after C/R");
	if (!ret)
		pass();
	return ret ? 1 : 0;
}
