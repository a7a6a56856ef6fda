// SPDX-License-Identifier: GPL-2.0
/*
 * thp_lazy_guard: a large hg region (192 MiB) that a second thread reads
 * front to back without pause, checking every word.  lazy_guard.sh kills
 * the lazy-pages daemon (or the page server) in the middle of a lazy
 * restore: with the plugin the reader must never see a wrong word - the
 * task ends stopped or killed instead; without it the reader sees the
 * zero pages and says so.  In the ordinary lazy runs of zdtm_run.sh the
 * transfer ends normally and the test must pass as any other.
 */
#include "thp_reader.h"

const char *test_doc = "A dying lazy-pages daemon never feeds the task a wrong page";
const char *test_author = "criu-thp";

static struct thp_region region = {
	.name = "guarded", .chunks = 96, .setup = SETUP_HG, .adv = ADV_HG,
	.seed = 0x67756172,
};

int main(int argc, char **argv)
{
	struct thp_reader r = { .regions = &region, .n = 1, .pause_us = 1000 };

	return thp_reader_test(argc, argv, &r);
}
