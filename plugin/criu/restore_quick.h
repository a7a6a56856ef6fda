/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The restore hook's quick reading of a task.  smaps is the only place
 * the kernel shows a VMA's advice, and reading it costs a page walk and
 * 25 lines a VMA: at 16,000 VMAs a third of stock CRIU's whole restore.
 * Where the task can only be as CRIU's restorer left it, the hook reads
 * its VMAs from maps instead, their advice from CRIU's mm image (the
 * restorer replays it; an madvise() failing there fails the restore) and
 * its huge pages from PAGEMAP_SCAN (thp_record_task_maps()).
 *
 * That is so when: the kernel has PAGEMAP_SCAN and no THP size below a
 * PMD enabled; THP is not "always" (the restorer may fill chunks huge);
 * the record is the plugin's own, with coverage, made with this machine's
 * sizes; the record's advice is the mm image's; and the task maps no
 * hugetlb page.  Otherwise the hook reads smaps.
 *
 * A lazy restore reads the same: the daemon only fills pages, and the
 * task has not run.  Which VMAs are registered with userfaultfd only
 * smaps tells ("um"); the hook needs to know only whether the daemon
 * still owes the task pages (lazy), and that PAGEMAP_SCAN tells against
 * the pages the image marks lazy.
 */
#ifndef RESTORE_QUICK_H
#define RESTORE_QUICK_H

#include <stddef.h>
#include <stdint.h>

#include "thp_record.h"
#include "thp_verify.h"

struct restore_quick_vma {
	uint64_t start, end;
	unsigned int vmflags;		/* VMF_HG, VMF_NH */
};

struct restore_quick {
	struct thp_record_advice a;	/* for thp_verify.advice */
	struct restore_quick_vma *v;	/* the mm image's VMAs, sorted */
	size_t n;
	int lazy;			/* a lazy page of the image not in */
};

/*
 * 0 with q ready for v (loaded, not compared yet), 1 with the reason in
 * why when the task must be read from smaps, or -ENOMEM.
 */
int restore_quick_open(struct restore_quick *q, const struct thp_verify_ctx *c,
		       const struct thp_verify *v, char *why, size_t len);
void restore_quick_close(struct restore_quick *q);

#endif /* RESTORE_QUICK_H */
