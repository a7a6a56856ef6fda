// SPDX-License-Identifier: GPL-2.0
/*
 * thp_lazy_guard_sys: thp_lazy_guard's region, read by a thread that
 * first hands each chunk to pwrite() - the kernel reads it - and then
 * checks it.  When the lazy-pages daemon dies, the reader is most often
 * inside pwrite() on a page that will never come: a fault in kernel mode,
 * which the kernel retries without end once a signal is pending, so the
 * task cannot stop.  The guard must see that and kill it at once (its
 * report says why), never let it read a zero page.
 */
#include "thp_reader.h"

const char *test_doc = "A task that cannot stop is killed, not fed a wrong page";
const char *test_author = "criu-thp";

static struct thp_region region = {
	.name = "guarded", .chunks = 96, .setup = SETUP_HG, .adv = ADV_HG,
	.seed = 0x67756173,
};

int main(int argc, char **argv)
{
	struct thp_reader r = {
		.regions = &region, .n = 1, .pause_us = 1000, .via_kernel = 1,
	};

	return thp_reader_test(argc, argv, &r);
}
