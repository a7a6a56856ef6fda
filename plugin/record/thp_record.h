/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Recording a task's THP state (flags, prctl, huge-page map) and the
 * machine's THP settings as the messages of images/thp.proto.
 */
#ifndef THP_RECORD_H
#define THP_RECORD_H

#include <stdint.h>
#include <sys/types.h>

#include "thp.pb-c.h"
#include "thp_coverage.h"

/* What recording a task found worth telling. */
struct thp_record_stats {
	unsigned int vmas;
	unsigned int ambiguous;		/* VMAs with unresolved chunks */
	unsigned int inconsistent;	/* VMAs whose counts disagree */
	uint64_t pmd, pte, unresolved;	/* chunks */
	unsigned int uffd;		/* VMAs registered with userfaultfd */
};

/*
 * Record task pid under image id.  When its huge-page map cannot be read
 * the entry is still made, with coverage_known false and problem set.
 * 0 or a negative errno (the task's smaps or status cannot be read);
 * free with thp_task_entry__free_unpacked(e, NULL).
 */
int thp_record_task(pid_t pid, unsigned int id, const struct thp_env *env,
		    ThpTaskEntry **e, struct thp_record_stats *st);

/*
 * Advice of a live task's VMAs from elsewhere than its smaps: the VMF_HG
 * or VMF_NH bit of the VMA that starts at start, 0 for neither.
 */
struct thp_record_advice {
	unsigned int (*of)(const void *arg, uint64_t start);
	const void *arg;
};

/*
 * thp_record_task(), with the VMAs read from /proc/PID/maps and their
 * advice from a: no smaps, the only place the kernel shows advice, at a
 * page walk and 25 lines a VMA.  The huge chunks are read from the page
 * map as thp_record_task() reads them where smaps counts no PMD, each
 * VMA's PMDs counted by PAGEMAP_SCAN; large folios below PMD size are not
 * counted, and no VMA shows as registered with userfaultfd.  -ENOTTY
 * without PAGEMAP_SCAN (env->has_scan), else as thp_record_task().
 */
int thp_record_task_maps(pid_t pid, unsigned int id, const struct thp_env *env,
			 const struct thp_record_advice *a, ThpTaskEntry **e,
			 struct thp_record_stats *st);

/*
 * The dumping machine: kernel release and the sysfs settings under
 * sysfs_dir.  task_ids and strict are left to the caller.
 */
int thp_record_machine(const char *sysfs_dir, ThpDumpEntry **e);

/* Keep the flags, drop every chunk list (coverage unknown). */
void thp_record_drop_coverage(ThpTaskEntry *e);

#endif /* THP_RECORD_H */
