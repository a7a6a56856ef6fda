// SPDX-License-Identifier: GPL-2.0
/*
 * thp_record_shmem: thp_record plus shared anonymous memory (shmem) with
 * two PMD-mapped chunks and one on 4 KiB pages; the forked child has no
 * page tables for it.
 *
 * Flag 'nopre': CRIU 3.17.1 logs "Error (criu/page-xfer.c:392): page-xfer:
 * No parent image found" when it dumps shared memory after a pre-dump,
 * with or without the plugin, so the pre-dump modes would fail on CRIU's
 * account; thp_record covers them without shmem.
 */
#include "thp_record_test.h"

const char *test_doc = "The plugin records PMD-mapped shmem chunks exactly";
const char *test_author = "criu-thp";

int main(int argc, char **argv)
{
	return thp_record_main(argc, argv, 1);
}
