/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Making a stopped, traced task's THP state what it must be, from the
 * differences thp_diff_tasks() found: advice and prctl by injecting
 * madvise() and prctl() into the task (compel), coverage by
 * MADV_COLLAPSE from outside (thp_collapse.h).
 *
 * MADV_COLLAPSE refuses an nh VMA and a process with THP disabled, so a
 * chunk that was huge there at dump (the huge page was made before the
 * flag or the prctl) is collapsed with the flag lifted over just that
 * chunk, or the prctl lifted, and put back at once.  Such chunks are
 * always collapsed here; the others here too ("sync"), or left to the
 * criu-thp monitor once the task runs ("async").  A chunk whose pages
 * are not all in yet (a lazy restore) is left pending for the monitor -
 * unless it needs the task stopped and the monitor guards the restore
 * ("pull"): then its pages are fetched from the lazy-pages daemon now.
 * Shmem chunks are always pulled: criu restores shmem eagerly, but the
 * task maps its pages only when it touches them.  So are the chunks of
 * other files: their pages come from the page cache, and a fault maps a
 * huge folio there with a PMD (the filesystem's large folios, Linux
 * 6.x); MADV_COLLAPSE takes a file chunk only with READ_ONLY_THP_FOR_FS.
 * Nothing is ever written into a file or shmem chunk.  A chunk of a task not
 * restored lazily whose pages are not all in never gets the rest: the
 * image lacks them (CRIU 3.x dumps memory before the plugin records, and
 * khugepaged may collapse in between); it is collapsed as it is, the
 * missing pages filled with zeros, as they read.  Advice "none" is set
 * with MADV_CLR_HUGEPAGE (the kernel/ series); on a kernel without it
 * such a VMA stays as it is, and counts as not exact.  A chunk huge
 * after all this that was small at dump is split (thp_fix_split()).
 */
#ifndef THP_FIX_H
#define THP_FIX_H

#include <sys/types.h>

#include "thp.pb-c.h"
#include "thp_collapse.h"
#include "thp_diff.h"

struct thp_fix {
	/* in */
	pid_t pid;
	const ThpTaskEntry *want;
	const ThpTaskEntry *have;	/* the live task before the fix */
	const struct thp_diffs *diffs;
	int sync;			/* collapse every chunk here */
	int pull;			/* fetch lazy chunks that need a stop */
	int lazy;			/* a VMA is registered with userfaultfd */
	int clr;			/* the kernel has MADV_CLR_HUGEPAGE */
	int no_collapse;		/* PMD-sized THP is "never" here */
	/* out */
	unsigned int advice_set;	/* VMA parts given their advice */
	unsigned int advice_left;	/* parts that want "none" */
	int prctl_set;			/* the prctl state was changed */
	long prctl_now;			/* PR_GET_THP_DISABLE after, or < 0 */
	unsigned long lifted;		/* chunks collapsed under a lift */
	unsigned long pending;		/* pages not all in yet */
	unsigned long handed;		/* left to the monitor */
	unsigned long pulled;		/* chunks faulted in from outside */
	unsigned long faulted_huge;	/* file chunks a fault mapped huge */
	unsigned long refused;		/* chunks left small: no_collapse */
	unsigned long split;		/* huge chunks split, small at dump */
	struct thp_collapse col;	/* collapse counts and failures */
};

/*
 * 0 when every step was tried (what failed is in the counts and
 * f->col.fail), -ESRCH when the task went away, or another negative
 * errno.  Call thp_fix_done() after, in every case.
 */
int thp_fix_task(struct thp_fix *f);
/*
 * Split the chunks d says are huge and were small (thp_split.h); d is
 * the comparison after thp_fix_task().  0, or -ESRCH when the task is
 * gone.
 */
int thp_fix_split(struct thp_fix *f, const struct thp_diffs *d);
void thp_fix_done(struct thp_fix *f);

/*
 * Set pid's PR_SET_THP_DISABLE state to mode (thp_prctl.h) by an
 * injected prctl(): for a task the fix cannot reach.  0 or a negative
 * errno.
 */
int thp_fix_prctl(pid_t pid, int mode);

#endif /* THP_FIX_H */
