// SPDX-License-Identifier: GPL-2.0
/*
 * Which chunks of a VMA are huge, and how they are mapped.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "proc_pagemap.h"
#include "sysfs_thp.h"
#include "thp_coverage.h"
#include "thp_image.h"

#define CHUNK_PAGES	(THP_CHUNK_SIZE / THP_PAGE_SIZE)

/* ---- what this machine lets us read ----------------------------------- */

static int probe_kpageflags(struct thp_env *env, uint64_t pfn)
{
	uint64_t flags;
	int fd, ret;

	fd = proc_pagemap_kpf_open();
	if (fd < 0) {
		snprintf(env->why, sizeof(env->why),
			 "/proc/kpageflags: %s", strerror(-fd));
		return 0;
	}
	ret = proc_pagemap_kpf_read(fd, pfn, &flags, 1);
	close(fd);
	if (ret) {
		snprintf(env->why, sizeof(env->why),
			 "/proc/kpageflags cannot be read: %s", strerror(-ret));
		return 0;
	}
	return 1;
}

static int ignore_range(uint64_t start, uint64_t end, void *arg)
{
	(void)start;
	(void)end;
	(void)arg;
	return 0;
}

static int probe_pagemap(struct thp_env *env, int fd, volatile char *page)
{
	uint64_t ent;
	int ret;

	page[0] = 1;
	ret = proc_pagemap_read(fd, (uintptr_t)page, &ent, 1);
	if (ret) {
		snprintf(env->why, sizeof(env->why),
			 "/proc/self/pagemap cannot be read: %s",
			 strerror(-ret));
		return ret;
	}
	env->pfns = (ent & PM_PRESENT) && (ent & PM_PFN_MASK);
	if (!env->pfns)
		snprintf(env->why, sizeof(env->why),
			 "/proc/PID/pagemap hides frame numbers (needs CAP_SYS_ADMIN)");
	else
		env->kpageflags = probe_kpageflags(env, ent & PM_PFN_MASK);

	ret = proc_pagemap_scan_huge(fd, (uintptr_t)page,
				     (uintptr_t)page + THP_PAGE_SIZE, ignore_range,
				     NULL);
	env->has_scan = !ret;
	return 0;
}

int thp_coverage_env_probe(struct thp_env *env)
{
	char *page;
	int fd, ret;

	memset(env, 0, sizeof(*env));
	fd = proc_pagemap_open(getpid());
	if (fd < 0) {
		snprintf(env->why, sizeof(env->why),
			 "/proc/self/pagemap: %s", strerror(-fd));
		return fd;
	}
	page = mmap(NULL, THP_PAGE_SIZE, PROT_READ | PROT_WRITE,
		    MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (page == MAP_FAILED) {
		ret = -errno;
		goto out;
	}
	ret = probe_pagemap(env, fd, page);
	munmap(page, THP_PAGE_SIZE);
	env->mthp = sysfs_thp_mthp_on(THP_SYSFS_DIR);
out:
	close(fd);
	return ret;
}

/* ---- sets and classification ------------------------------------------ */

void thp_coverage_vma_free(struct vma_coverage *c)
{
	chunk_runs_free(&c->pmd);
	chunk_runs_free(&c->pte);
	chunk_runs_free(&c->unresolved);
	memset(c, 0, sizeof(*c));
}

/* The candidates that are not PMD-mapped (both sets sorted). */
static int add_difference(struct chunk_runs *out, const struct addr_set *a,
			  const struct addr_set *b)
{
	size_t i, j = 0;

	for (i = 0; i < a->n; i++) {
		while (j < b->n && b->v[j] < a->v[i])
			j++;
		if (j < b->n && b->v[j] == a->v[i])
			continue;
		if (chunk_runs_add(out, a->v[i]))
			return -ENOMEM;
	}
	return 0;
}

static int classify_exact(const struct addr_set *cand,
			  const struct addr_set *pmd, uint64_t pmd_kb,
			  struct vma_coverage *c)
{
	if (pmd_kb != (pmd->n * THP_CHUNK_SIZE >> 10))
		c->inconsistent = 1;
	if (chunk_runs_add_all(&c->pmd, pmd->v, pmd->n))
		return -ENOMEM;
	return cand ? add_difference(&c->pte, cand, pmd) : 0;
}

static int classify_counted(const struct addr_set *cand, uint64_t pmd_kb,
			    struct vma_coverage *c)
{
	uint64_t pmd_nr = pmd_kb / (THP_CHUNK_SIZE >> 10);

	if (pmd_kb % (THP_CHUNK_SIZE >> 10) || pmd_nr > cand->n)
		c->inconsistent = 1;
	if (pmd_nr == 0 && !c->inconsistent)
		return chunk_runs_add_all(&c->pte, cand->v, cand->n);
	if (pmd_nr == cand->n && !c->inconsistent)
		return chunk_runs_add_all(&c->pmd, cand->v, cand->n);
	c->ambiguous = 1;
	return chunk_runs_add_all(&c->unresolved, cand->v, cand->n);
}

int thp_coverage_classify(const struct addr_set *cand, const struct addr_set *pmd,
			  uint64_t pmd_kb, struct vma_coverage *c)
{
	int ret;

	memset(c, 0, sizeof(*c));
	if (!cand && !pmd)
		return -ENODATA;
	c->candidates = cand ? cand->n : 0;
	if (pmd)
		ret = classify_exact(cand, pmd, pmd_kb, c);
	else
		ret = classify_counted(cand, pmd_kb, c);
	if (ret)
		thp_coverage_vma_free(c);
	return ret;
}

/* ---- reading a task's page tables ------------------------------------- */

int thp_coverage_reader_open(struct coverage_reader *r, const struct thp_env *env,
			     pid_t pid)
{
	memset(r, 0, sizeof(*r));
	r->env = env;
	r->kpf_fd = -1;
	r->pagemap_fd = proc_pagemap_open(pid);
	if (r->pagemap_fd < 0)
		return r->pagemap_fd;
	if (thp_env_has_pte_thp(env)) {
		r->kpf_fd = proc_pagemap_kpf_open();
		r->ent = malloc(CHUNK_PAGES * sizeof(*r->ent));
		r->kpf = malloc(CHUNK_PAGES * sizeof(*r->kpf));
		if (r->kpf_fd < 0 || !r->ent || !r->kpf) {
			int ret = r->kpf_fd < 0 ? r->kpf_fd : -ENOMEM;

			thp_coverage_reader_close(r);
			return ret;
		}
	}
	return 0;
}

void thp_coverage_reader_close(struct coverage_reader *r)
{
	if (r->pagemap_fd >= 0)
		close(r->pagemap_fd);
	if (r->kpf_fd >= 0)
		close(r->kpf_fd);
	free(r->ent);
	free(r->kpf);
	memset(r, 0, sizeof(*r));
	r->pagemap_fd = r->kpf_fd = -1;
}

/*
 * The frame of a chunk's first page if it may start a THP: present, on a
 * 512-frame boundary.  1 and *pfn, 0, or -EPERM when frames are hidden.
 */
static int first_frame(uint64_t ent, uint64_t *pfn)
{
	if ((ent & (PM_PRESENT | PM_SWAP)) != PM_PRESENT)
		return 0;
	*pfn = ent & PM_PFN_MASK;
	if (!*pfn)
		return -EPERM;	/* frame numbers hidden from us */
	return !(*pfn & (CHUNK_PAGES - 1));
}

int thp_coverage_chunk_frames(const uint64_t *ent, uint64_t *pfn)
{
	size_t i;
	int ret;

	ret = first_frame(ent[0], pfn);
	if (ret <= 0)
		return ret;
	for (i = 1; i < CHUNK_PAGES; i++)
		if ((ent[i] & (PM_PRESENT | PM_SWAP)) != PM_PRESENT ||
		    (ent[i] & PM_PFN_MASK) != *pfn + i)
			return 0;
	return 1;
}

#define KPF(bit)	(1ull << (bit))

int thp_coverage_frames_are_thp(const uint64_t *kpf)
{
	const uint64_t head = KPF(KPF_COMPOUND_HEAD) | KPF(KPF_THP);
	const uint64_t tail = KPF(KPF_COMPOUND_TAIL) | KPF(KPF_THP);
	size_t i;

	if ((kpf[0] & head) != head || kpf[0] & KPF(KPF_ZERO_PAGE))
		return 0;
	for (i = 1; i < CHUNK_PAGES; i++)
		if ((kpf[i] & tail) != tail)
			return 0;
	return 1;
}

/*
 * Whether the chunk at addr holds a whole THP.  Its first entry alone
 * rules most chunks out for 8 bytes of pagemap instead of 4 KiB.
 */
static int chunk_is_thp(struct coverage_reader *r, uint64_t addr)
{
	uint64_t pfn = 0;
	int ret;

	ret = proc_pagemap_read(r->pagemap_fd, addr, r->ent, 1);
	if (!ret)
		ret = first_frame(r->ent[0], &pfn);
	if (ret <= 0)
		return ret;
	ret = proc_pagemap_read(r->pagemap_fd, addr, r->ent, CHUNK_PAGES);
	if (!ret)
		ret = thp_coverage_chunk_frames(r->ent, &pfn);
	if (ret <= 0)
		return ret;
	ret = proc_pagemap_kpf_read(r->kpf_fd, pfn, r->kpf, CHUNK_PAGES);
	return ret ? ret : thp_coverage_frames_are_thp(r->kpf);
}

static int read_candidates(struct coverage_reader *r, uint64_t cs,
			   uint64_t ce, struct addr_set *cand)
{
	uint64_t addr;
	int ret;

	for (addr = cs; addr < ce; addr += THP_CHUNK_SIZE) {
		ret = chunk_is_thp(r, addr);
		if (ret < 0)
			return ret;
		if (ret && addr_set_add(cand, addr))
			return -ENOMEM;
	}
	return 0;
}

/* Present ranges, joined where the ioctl split them. */
struct present {
	struct coverage_reader *r;
	struct addr_set *cand;
	uint64_t start, end;
};

static int present_flush(struct present *p)
{
	uint64_t cs = (p->start + THP_CHUNK_SIZE - 1) & ~(THP_CHUNK_SIZE - 1);
	uint64_t ce = p->end & ~(THP_CHUNK_SIZE - 1);

	return cs < ce ? read_candidates(p->r, cs, ce, p->cand) : 0;
}

static int add_present(uint64_t start, uint64_t end, void *arg)
{
	struct present *p = arg;
	int ret = 0;

	if (start != p->end) {
		ret = present_flush(p);
		p->start = start;
	}
	p->end = end;
	return ret;
}

/*
 * With PAGEMAP_SCAN only the chunks whose pages are all present are
 * read: the cost follows the memory the task has, not the address space
 * it reserved (a sanitizer's shadow, a runtime's heap reservation).
 */
static int read_present_candidates(struct coverage_reader *r, uint64_t cs,
				   uint64_t ce, struct addr_set *cand)
{
	struct present p = { .r = r, .cand = cand };
	int ret;

	ret = proc_pagemap_scan_present(r->pagemap_fd, cs, ce, add_present, &p);
	return ret ? ret : present_flush(&p);
}

static int add_huge_range(uint64_t start, uint64_t end, void *arg)
{
	struct addr_set *pmd = arg;
	uint64_t a;

	/* A PMD maps a whole aligned chunk; anything else is not a THP. */
	start &= ~(THP_CHUNK_SIZE - 1);
	for (a = start; a < end; a += THP_CHUNK_SIZE)
		if (addr_set_add(pmd, a))
			return -ENOMEM;
	return 0;
}

/*
 * smaps counts as much PMD-mapped memory as the VMA has whole chunks: a
 * PMD maps only a whole aligned chunk, so every chunk is one and there is
 * no page table to read.
 */
static int all_pmd_mapped(uint64_t cs, uint64_t ce, struct vma_coverage *c)
{
	uint64_t a;

	memset(c, 0, sizeof(*c));
	for (a = cs; a < ce; a += THP_CHUNK_SIZE) {
		if (chunk_runs_add(&c->pmd, a)) {
			thp_coverage_vma_free(c);
			return -ENOMEM;
		}
	}
	c->candidates = (ce - cs) / THP_CHUNK_SIZE;
	return 0;
}

static int vma_may_have_chunks(const struct smaps_vma *v)
{
	return !(v->vmflags & VMF_HT) &&
	       proc_smaps_vma_kind(v) != VMA_KIND_SPECIAL &&
	       v->rss_kb >= (THP_CHUNK_SIZE >> 10);
}

int thp_coverage_read_vma(struct coverage_reader *r, const struct smaps_vma *v,
			  struct vma_coverage *c)
{
	uint64_t cs = (v->start + THP_CHUNK_SIZE - 1) & ~(THP_CHUNK_SIZE - 1);
	uint64_t ce = v->end & ~(THP_CHUNK_SIZE - 1);
	uint64_t pmd_kb = smaps_pmd_mapped_kb(v);
	struct addr_set cand = { }, pmd = { };
	int use_cand = r->kpf_fd >= 0, use_scan = r->env->has_scan;
	int ret = 0;

	if (cs < ce && vma_may_have_chunks(v)) {
		if (pmd_kb == (ce - cs) / THP_CHUNK_SIZE * (THP_CHUNK_SIZE >> 10))
			return all_pmd_mapped(cs, ce, c);
		if (use_cand && use_scan)
			ret = read_present_candidates(r, cs, ce, &cand);
		else if (use_cand)
			ret = read_candidates(r, cs, ce, &cand);
		if (!ret && use_scan)
			ret = proc_pagemap_scan_huge(r->pagemap_fd, cs, ce,
						     add_huge_range, &pmd);
	}
	/* no whole chunk, or nothing to read: both sets stay empty */
	if (!ret)
		ret = thp_coverage_classify(use_cand ? &cand : NULL,
					    use_scan ? &pmd : NULL, pmd_kb, c);
	addr_set_free(&cand);
	addr_set_free(&pmd);
	return ret;
}
