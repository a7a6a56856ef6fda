/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What the running kernel offers for giving a VMA its THP advice back,
 * found by effect on a scratch mapping, never by version or number alone:
 * MADV_CLR_HUGEPAGE (kernel/ series, patch 1) clears both hg and nh, and
 * process_madvise() takes the hugepage advice for another process
 * (patch 2).  The `vma` strategy needs both.
 */
#ifndef MADV_PROBE_H
#define MADV_PROBE_H

#include <stddef.h>
#include <sys/types.h>

#include "thp_advice.h"

struct madv_caps {
	int clr;	/* MADV_CLR_HUGEPAGE leaves a nh VMA with neither */
	int remote;	/* process_madvise(MADV_HUGEPAGE) on a child works */
};

/*
 * Fill *c (remote only when asked: it forks); 0, or a negative errno when
 * a probe itself could not run.
 */
int madv_probe(struct madv_caps *c, int remote);


#endif /* MADV_PROBE_H */
