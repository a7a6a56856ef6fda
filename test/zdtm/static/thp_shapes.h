/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The memory shapes that recording must get right, built in the calling
 * process, and what the record of each VMA must say.  Used by the host
 * unit test (test/unit/test_record.c) and the zdtm test thp_record.
 *
 *   split      8 MiB hg, 4 chunks collapsed, then chunk 2's PMD split by
 *              an mprotect of one page and back: the VMAs merge again,
 *              the THP stays PTE-mapped.  PMD 0,1,3; PTE-mapped THP 2.
 *   small      4 MiB nh, written: 4 KiB pages only.
 *   unaligned  6 MiB hg from 1 MiB past a boundary: 2 whole chunks, PMD.
 *   tiny       1 MiB hg: no whole chunk.
 *   straddle   4 MiB hg, both chunks collapsed, then [1 MiB, 2 MiB)
 *              made read-only: chunk 0 crosses two VMAs (recorded in
 *              neither), chunk 1 stays PMD-mapped in the third VMA.
 *   nh-huge    4 MiB, collapsed, then MADV_NOHUGEPAGE: nh, PMD 0,1.
 *   pte-only   4 MiB hg, collapsed, both PMDs split: PTE-mapped THP 0,1.
 *   shmem      6 MiB MAP_SHARED | MAP_ANONYMOUS, hg, chunks 0 and 1
 *              collapsed (MADV_COLLAPSE ignores shmem_enabled), chunk 2
 *              on 4 KiB pages: PMD 0,1.  A child forked later has no page
 *              tables for it until it touches it.
 */
#ifndef THP_SHAPES_H
#define THP_SHAPES_H

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <unistd.h>

#include "thp_mem.h"

#ifndef MADV_COLLAPSE
#define MADV_COLLAPSE	25
#endif

#define THP_SHAPES_MAX	16
#define THP_SHAPES_SEED	0x7468707265636f72ull

enum { SHAPE_NONE, SHAPE_HG, SHAPE_NH };

/* One VMA as the record must show it; masks: bit i = i-th whole chunk. */
struct thp_expect {
	char name[24];
	uint64_t start, end;
	int advice;
	int shared;		/* shmem: a forked child does not map it */
	uint64_t pmd, pte;
};

struct thp_region {
	void *addr;
	size_t len;
};

struct thp_shapes {
	int nr, nr_regions;
	struct thp_expect vma[THP_SHAPES_MAX];
	struct thp_region region[THP_SHAPES_MAX];	/* for the pattern */
	char err[256];
};

static inline uint64_t thp_first_chunk(uint64_t start)
{
	return (start + THP_CHUNK - 1) & ~(uint64_t)(THP_CHUNK - 1);
}

static inline int shape_fail(struct thp_shapes *s, const char *what)
{
	snprintf(s->err, sizeof(s->err), "%s: %s", what, strerror(errno));
	return -1;
}

static inline void shape_compact(void)
{
	FILE *f = fopen("/proc/sys/vm/compact_memory", "w");

	if (f) {
		fputs("1\n", f);
		fclose(f);
	}
}

/* MADV_COLLAPSE one chunk, retrying what the kernel calls transient. */
static inline int shape_collapse_chunk(uint8_t *p)
{
	int try;

	for (try = 0; try < 100; try++) {
		if (!madvise(p, THP_CHUNK, MADV_COLLAPSE))
			return 0;
		if (errno != EAGAIN && errno != ENOMEM)
			return -1;
		if (errno == ENOMEM && try == 0)
			shape_compact();
		usleep(2000);
	}
	return -1;
}

/* One chunk per call: in 6.1 a failing chunk stops a whole call. */
static inline int shape_collapse(struct thp_shapes *s, uint8_t *p, size_t len)
{
	size_t off;

	for (off = 0; off < len; off += THP_CHUNK)
		if (shape_collapse_chunk(p + off))
			return shape_fail(s, "MADV_COLLAPSE");
	return 0;
}

/* Split the PMD of the chunk at p: one page read-only, then back. */
static inline int shape_split(struct thp_shapes *s, uint8_t *p)
{
	uint8_t *page = p + THP_CHUNK / 2;

	if (mprotect(page, 4096, PROT_READ) ||
	    mprotect(page, 4096, PROT_READ | PROT_WRITE))
		return shape_fail(s, "mprotect");
	return 0;
}

static inline void shape_expect(struct thp_shapes *s, const char *name,
				void *start, size_t len, int advice,
				uint64_t pmd, uint64_t pte)
{
	struct thp_expect *e = &s->vma[s->nr++];

	snprintf(e->name, sizeof(e->name), "%s", name);
	e->start = (uintptr_t)start;
	e->end = e->start + len;
	e->advice = advice;
	e->shared = 0;
	e->pmd = pmd;
	e->pte = pte;
}

/* A filled region with advice; collapsed if asked. */
static inline uint8_t *shape_region(struct thp_shapes *s, size_t len,
				    size_t offset, int advice, int collapse)
{
	uint8_t *p = thp_map_guarded(len, offset);

	if (!p) {
		shape_fail(s, "mmap");
		return NULL;
	}
	if (madvise(p, len, advice == SHAPE_NH ? MADV_NOHUGEPAGE :
					       MADV_HUGEPAGE)) {
		shape_fail(s, "madvise");
		return NULL;
	}
	thp_fill(p, len, THP_SHAPES_SEED);
	s->region[s->nr_regions].addr = p;
	s->region[s->nr_regions++].len = len;
	if (collapse) {
		uint8_t *c = (uint8_t *)thp_first_chunk((uintptr_t)p);
		size_t whole = (p + len - c) & ~(THP_CHUNK - 1);

		if (shape_collapse(s, c, whole))
			return NULL;
	}
	return p;
}

/*
 * Shared anonymous memory (shmem) at a chunk boundary, hg, filled, and
 * collapsed but for its last chunk.
 */
static inline uint8_t *shape_shmem(struct thp_shapes *s, size_t len)
{
	uint8_t *p = thp_map_guarded(len, 0);

	if (!p || mmap(p, len, PROT_READ | PROT_WRITE,
		       MAP_SHARED | MAP_ANONYMOUS | MAP_FIXED, -1,
		       0) == MAP_FAILED) {
		shape_fail(s, "mmap shared");
		return NULL;
	}
	if (madvise(p, len, MADV_HUGEPAGE)) {
		shape_fail(s, "madvise shared");
		return NULL;
	}
	thp_fill(p, len, THP_SHAPES_SEED);
	s->region[s->nr_regions].addr = p;
	s->region[s->nr_regions++].len = len;
	return shape_collapse(s, p, len - THP_CHUNK) ? NULL : p;
}

/* with_shmem: add the shmem shape (see thp_record_shmem.c for why not always) */
/*
 * Build every shape.  Leaves the process with THP disabled
 * (PR_SET_THP_DISABLE) so that khugepaged cannot collapse a split chunk
 * again.
 */
static inline int shapes_make(struct thp_shapes *s, int with_shmem)
{
	const size_t M = 1ul << 20;
	uint8_t *p, *split, *pte;

	split = shape_region(s, 8 * M, 0, SHAPE_HG, 1);
	if (!split)
		return -1;
	shape_expect(s, "split", split, 8 * M, SHAPE_HG, 0xb, 0x4);

	p = shape_region(s, 4 * M, 0, SHAPE_NH, 0);
	if (!p)
		return -1;
	shape_expect(s, "small", p, 4 * M, SHAPE_NH, 0, 0);

	p = shape_region(s, 6 * M, M, SHAPE_HG, 1);
	if (!p)
		return -1;
	shape_expect(s, "unaligned", p, 6 * M, SHAPE_HG, 0x3, 0);

	p = shape_region(s, M, 0, SHAPE_HG, 0);
	if (!p)
		return -1;
	shape_expect(s, "tiny", p, M, SHAPE_HG, 0, 0);

	p = shape_region(s, 4 * M, 0, SHAPE_HG, 1);
	if (!p)
		return -1;
	if (mprotect(p + M, M, PROT_READ))
		return shape_fail(s, "mprotect");
	shape_expect(s, "straddle-lo", p, M, SHAPE_HG, 0, 0);
	shape_expect(s, "straddle-ro", p + M, M, SHAPE_HG, 0, 0);
	shape_expect(s, "straddle-hi", p + 2 * M, 2 * M, SHAPE_HG, 0x1, 0);

	p = shape_region(s, 4 * M, 0, SHAPE_HG, 1);
	if (!p)
		return -1;
	if (madvise(p, 4 * M, MADV_NOHUGEPAGE))
		return shape_fail(s, "MADV_NOHUGEPAGE");
	shape_expect(s, "nh-huge", p, 4 * M, SHAPE_NH, 0x3, 0);

	pte = shape_region(s, 4 * M, 0, SHAPE_HG, 1);
	if (!pte)
		return -1;
	shape_expect(s, "pte-only", pte, 4 * M, SHAPE_HG, 0, 0x3);

	if (with_shmem) {
		p = shape_shmem(s, 6 * M);
		if (!p)
			return -1;
		shape_expect(s, "shmem", p, 6 * M, SHAPE_HG, 0x3, 0);
		s->vma[s->nr - 1].shared = 1;
	}
	/* the splits last, once khugepaged can no longer undo them */
	if (prctl(PR_SET_THP_DISABLE, 1, 0, 0, 0))
		return shape_fail(s, "PR_SET_THP_DISABLE");
	if (shape_split(s, split + 2 * THP_CHUNK) || shape_split(s, pte) ||
	    shape_split(s, pte + THP_CHUNK))
		return -1;
	return 0;
}

struct shape_vma {
	uint64_t start;
	uint64_t *end;
	int *advice;
	uint64_t *huge_kb;
	int found;
};

static inline void shape_vma_line(const char *line, uint64_t s, uint64_t e,
				  void *arg)
{
	struct shape_vma *v = arg;
	uint64_t kb;

	if (s != v->start)
		return;
	v->found = 1;
	*v->end = e;
	if (sscanf(line, "AnonHugePages: %" SCNu64, &kb) == 1 ||
	    sscanf(line, "ShmemPmdMapped: %" SCNu64, &kb) == 1)
		*v->huge_kb += kb;
	else if (!strncmp(line, "VmFlags:", 8))
		*v->advice = strstr(line, " hg") ? SHAPE_HG :
			     strstr(line, " nh") ? SHAPE_NH : SHAPE_NONE;
}

/*
 * The VMA starting at start in /proc/self/smaps: end, advice, and huge KiB
 * added to *huge_kb (AnonHugePages + ShmemPmdMapped).
 */
static inline int shape_read_vma(uint64_t start, uint64_t *end, int *advice,
				 uint64_t *huge_kb)
{
	struct shape_vma v = { .start = start, .end = end, .advice = advice,
			       .huge_kb = huge_kb };

	thp_smaps_each(start, start + 1, shape_vma_line, &v);
	return v.found ? 0 : -1;
}

/* The kernel made what we asked for: VMA bounds, advice, PMD count. */
static inline int shapes_verify(struct thp_shapes *s)
{
	uint64_t end = 0, kb;
	int i, advice = -1;

	for (i = 0; i < s->nr; i++) {
		const struct thp_expect *e = &s->vma[i];

		kb = 0;
		if (shape_read_vma(e->start, &end, &advice, &kb) ||
		    end != e->end || advice != e->advice ||
		    kb != (uint64_t)__builtin_popcountll(e->pmd) * 2048) {
			snprintf(s->err, sizeof(s->err),
				 "%s: want VMA %" PRIx64 "-%" PRIx64
				 " advice %d %d KiB huge, smaps says end %" PRIx64
				 " advice %d %" PRIu64 " KiB",
				 e->name, e->start, e->end, e->advice,
				 __builtin_popcountll(e->pmd) * 2048, end,
				 advice, kb);
			return -1;
		}
	}
	return 0;
}

/* Address of the first word that lost its pattern, or NULL. */
static inline void *shapes_check(const struct thp_shapes *s)
{
	void *bad;
	int i;

	for (i = 0; i < s->nr_regions; i++) {
		bad = thp_check(s->region[i].addr, s->region[i].len,
				THP_SHAPES_SEED);
		if (bad)
			return bad;
	}
	return NULL;
}

#endif /* THP_SHAPES_H */
