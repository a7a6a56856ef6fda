/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Which 2 MiB chunks of a VMA are huge: PMD-mapped, or one THP mapped by
 * PTEs (after a split of its PMD), or - where the kernel cannot tell the
 * two apart - unresolved.
 *
 * A candidate is an aligned chunk inside the VMA whose 512 pages are
 * present and map 512 consecutive frames from a 512-frame boundary: the
 * head page of a THP (kpageflags COMPOUND_HEAD + THP, not the huge zero
 * page) and its 511 tails.  That is true of PMD- and of PTE-mapped THPs.
 * PMD-mapped chunks come from PAGEMAP_SCAN's PAGE_IS_HUGE where the
 * kernel has it (6.7+); else from the VMA's smaps *PmdMapped count: all
 * candidates when it covers them all, none when it is zero, and
 * "unresolved" in between.  When that count covers every whole chunk of
 * the VMA, all are PMD-mapped and no page table is read.  A THP that
 * crosses a VMA boundary or sits at an unaligned address is not a chunk
 * of either VMA and is not reported: no PMD can map it.
 */
#ifndef THP_COVERAGE_H
#define THP_COVERAGE_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "addr_set.h"
#include "chunk_runs.h"
#include "proc_smaps.h"

/* What this machine lets us read; probed once per dump. */
struct thp_env {
	int has_scan;		/* PAGEMAP_SCAN ioctl (Linux 6.7+) */
	int pfns;		/* pagemap shows frame numbers (CAP_SYS_ADMIN) */
	int kpageflags;		/* /proc/kpageflags readable */
	int mthp;		/* sizes below a PMD enabled: count folios */
	char why[160];		/* what is missing, for messages */
};

int thp_coverage_env_probe(struct thp_env *env);
/* The PMD-mapped set can be read exactly or reconciled. */
static inline int thp_env_has_coverage(const struct thp_env *env)
{
	return env->has_scan || (env->pfns && env->kpageflags);
}
/* PTE-mapped THPs can be found. */
static inline int thp_env_has_pte_thp(const struct thp_env *env)
{
	return env->pfns && env->kpageflags;
}

struct vma_coverage {
	struct chunk_runs pmd, pte, unresolved;
	int ambiguous;		/* both kinds in one VMA, not told apart */
	int inconsistent;	/* the counts disagree: the map changed */
	uint64_t candidates;	/* whole THPs at aligned chunks */
};

/*
 * Split candidates into the three lists.  cand or pmd may be NULL for
 * "could not be read"; pmd_kb is the VMA's smaps *PmdMapped total.
 * 0, -ENODATA when neither set is known, or -ENOMEM.
 */
int thp_coverage_classify(const struct addr_set *cand, const struct addr_set *pmd,
			  uint64_t pmd_kb, struct vma_coverage *c);
void thp_coverage_vma_free(struct vma_coverage *c);

/*
 * The checks behind a candidate, on one chunk's 512 pagemap entries and
 * 512 kpageflags words.  thp_coverage_chunk_frames: 1 and the first frame in
 * *pfn when the pages are present on 512 consecutive frames from a
 * 512-frame boundary, 0 if not, -EPERM when frame numbers are hidden.
 * thp_coverage_frames_are_thp: 1 when they are one THP (head + 511 tails,
 * not the huge zero page).
 */
int thp_coverage_chunk_frames(const uint64_t *ent, uint64_t *pfn);
int thp_coverage_frames_are_thp(const uint64_t *kpf);

/* Reads one task's page tables. */
struct coverage_reader {
	const struct thp_env *env;
	int pagemap_fd;
	int kpf_fd;
	uint64_t *ent;		/* pagemap entries of one chunk */
	uint64_t *kpf;		/* kpageflags of one chunk */
};

int thp_coverage_reader_open(struct coverage_reader *r, const struct thp_env *env,
			     pid_t pid);
void thp_coverage_reader_close(struct coverage_reader *r);
/* 0, or a negative errno naming what could not be read. */
int thp_coverage_read_vma(struct coverage_reader *r, const struct smaps_vma *v,
			  struct vma_coverage *c);

#endif /* THP_COVERAGE_H */
