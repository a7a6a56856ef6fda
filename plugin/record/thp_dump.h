/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Dump stage: record every dumped task into the images directory.
 */
#ifndef THP_DUMP_H
#define THP_DUMP_H

#include <stddef.h>

#include "proc_tasks.h"
#include "thp_coverage.h"

struct thp_dump_summary {
	unsigned int tasks;
	unsigned int unknown;		/* tasks without coverage */
	unsigned int ambiguous;		/* VMAs with unresolved chunks */
	uint64_t pmd, pte, unresolved;	/* chunks, all tasks */
};

/*
 * Write thp-<id>.img for each task, then thp-dump.img listing them (so a
 * reader knows the set is complete).  thp images already in dirfd are
 * removed first; on error none is left behind.  A task whose huge-page
 * map cannot be read is recorded without it and warned about once (an
 * error under strict).  0 or a negative errno.
 */
int thp_dump_write(int dirfd, const struct traced_task *t, size_t n,
		   const struct thp_env *env, int strict,
		   struct thp_dump_summary *sum);

/*
 * Before anything is frozen: find what this machine lets us read and log
 * it.  Under strict, a machine that cannot show huge-page maps fails here,
 * while the dump can still fail cleanly.  0 or -1.
 */
int thp_dump_prepare(int strict, struct thp_env *env);

/*
 * After a successful dump, tasks still frozen: record every process that
 * tracer traces into dirfd and log a summary.  0 or a negative errno.
 */
int thp_dump_tasks(int dirfd, pid_t tracer, const struct thp_env *env,
		   int strict);

#endif /* THP_DUMP_H */
