// SPDX-License-Identifier: GPL-2.0
/*
 * thp_lazy_slow: one large hg region (256 MiB, all huge), read by a
 * second thread from the last chunk down, 5 ms a chunk, while a remote
 * lazy restore sends the rest from the bottom up.  The transfer takes a
 * while, so chunks complete - and must be collapsed - while others are
 * still missing; the runner reads that from the monitor's report.
 */
#include "thp_reader.h"

const char *test_doc = "Chunks are collapsed during postcopy, not only at its end";
const char *test_author = "criu-thp";

static struct thp_region region = {
	.name = "big-hg", .chunks = 128, .setup = SETUP_HG, .adv = ADV_HG,
	.seed = 0x736c6f77,
};

int main(int argc, char **argv)
{
	struct thp_reader r = {
		.regions = &region, .n = 1, .backwards = 1, .pause_us = 5000,
	};

	return thp_reader_test(argc, argv, &r);
}
