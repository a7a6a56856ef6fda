// SPDX-License-Identifier: GPL-2.0
/*
 * thp_record: the plugin records exactly which chunks were PMD-mapped and
 * which were THPs mapped by PTEs - split PMDs inside a merged VMA,
 * unaligned and tiny VMAs, a chunk across two VMAs, an nh VMA holding huge
 * pages, PTE-mapped THPs only - in a process, its second thread and its
 * forked child (thp_record_test.h).
 */
#include "thp_record_test.h"

const char *test_doc = "The plugin records PMD-mapped and PTE-mapped THPs exactly";
const char *test_author = "criu-thp";

int main(int argc, char **argv)
{
	return thp_record_main(argc, argv, 0);
}
