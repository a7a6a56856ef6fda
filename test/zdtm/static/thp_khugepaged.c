// SPDX-License-Identifier: GPL-2.0
/*
 * thp_khugepaged: an hg region of 4 chunks in small pages, each chunk
 * one page short, for khugepaged to collapse while the plugin records
 * the process (dump_faults.sh, khugepaged).  The rig keeps khugepaged
 * off it (max_ptes_none 0) until the dump is paused after the region was
 * read, then lets khugepaged collapse it.  After the restore every chunk
 * must be huge, as it was when CRIU dumped it, and the data intact.
 * Not run by the suite ("noauto").
 */
#include <sys/mman.h>
#include <unistd.h>

#include "thp_mem.h"
#include "thp_test.h"
#include "zdtmtst.h"

const char *test_doc = "The record sees what khugepaged collapsed while it was made";
const char *test_author = "criu-thp";

#define CHUNKS		4
#define LEN		(CHUNKS * THP_CHUNK)
#define SEED		0x6b687567ul

static long page;

/* Small pages, the last page of each chunk left out; then hg. */
static void *setup(void)
{
	uint8_t *p;
	size_t i;

	p = thp_map_guarded(LEN, 0);
	if (!p) {
		pr_perror("mmap");
		return NULL;
	}
	if (madvise(p, LEN, MADV_NOHUGEPAGE)) {
		pr_perror("madvise nh");
		return NULL;
	}
	for (i = 0; i < CHUNKS; i++)
		thp_fill(p + i * THP_CHUNK, THP_CHUNK - page, SEED);
	if (madvise(p, LEN, MADV_HUGEPAGE)) {
		pr_perror("madvise hg");
		return NULL;
	}
	return p;
}

/* The data, and a zero last page in each chunk. */
static int check_data(uint8_t *p)
{
	void *bad;
	size_t i;
	long j;

	for (i = 0; i < CHUNKS; i++) {
		bad = thp_check(p + i * THP_CHUNK, THP_CHUNK - page, SEED);
		if (bad) {
			fail("wrong data at %p", bad);
			return -1;
		}
		for (j = 0; j < page; j++)
			if (p[(i + 1) * THP_CHUNK - page + j]) {
				fail("chunk %zu: its last page is not zero", i);
				return -1;
			}
	}
	return 0;
}

int main(int argc, char **argv)
{
	enum thp_adv adv;
	uint64_t kb;
	uint8_t *p;

	test_init(argc, argv);
	page = sysconf(_SC_PAGESIZE);
	p = setup();
	if (!p)
		return 1;
	if (thp_range_state(p, LEN, &adv, &kb)) {
		pr_err("region not in smaps\n");
		return 1;
	}
	test_msg("region at %p: %d chunks, %" PRIu64 " KiB huge\n", p,
		 CHUNKS, kb);

	test_daemon();
	test_waitsig();

	if (check_data(p))
		return 1;
	if (thp_range_state(p, LEN, &adv, &kb)) {
		fail("region not in smaps after C/R");
		return 1;
	}
	test_msg("after C/R: advice %s, %" PRIu64 " of %d chunks huge\n",
		 thp_adv_name(adv), kb >> 11, CHUNKS);
	if (adv != ADV_HG) {
		fail("advice %s, expected hg", thp_adv_name(adv));
		return 1;
	}
	if (kb != LEN >> 10) {
		fail("%" PRIu64 " of %d chunks huge: khugepaged collapsed all of them before CRIU "
				"dumped them",
		     kb >> 11, CHUNKS);
		return 1;
	}
	pass();
	return 0;
}
