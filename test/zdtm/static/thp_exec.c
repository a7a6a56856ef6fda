// SPDX-License-Identifier: GPL-2.0
/*
 * thp_exec: a process with an hg region of 8 huge chunks that, on
 * SIGUSR1, runs another program (sleep 60) in its place.  For the
 * restore faults (restore_faults.sh, exec): restored, it execs while the
 * monitor works on it; the monitor must see that the address space it
 * compares is gone, and stop watching, not report a new program as a
 * restore that went wrong.  Without SIGUSR1 it is an ordinary test.
 */
#include <signal.h>
#include <unistd.h>

#include "thp_regions.h"

const char *test_doc = "A restored process that execs at once";
const char *test_author = "criu-thp";

static struct thp_region region = {
	.name = "hg", .chunks = 8, .setup = SETUP_HG, .adv = ADV_HG,
	.seed = 0x65786563,
};

static void run_other(int sig)
{
	(void)sig;
	execl("/bin/sleep", "sleep", "60", (char *)NULL);
	_exit(1);
}

int main(int argc, char **argv)
{
	int ret;

	test_init(argc, argv);
	if (region_setup(&region))
		return 1;
	if (signal(SIGUSR1, run_other) == SIG_ERR) {
		pr_perror("signal");
		return 1;
	}

	test_daemon();
	test_waitsig();

	ret = region_check(&region, thp_expect_mode(), "after C/R");
	if (!ret)
		pass();
	return ret ? 1 : 0;
}
