// SPDX-License-Identifier: GPL-2.0
/*
 * What a restored task must look like: the plugin's record, or CRIU's
 * mm image plus the coverage rule (see thp_expect.h).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "array.h"
#include "bisect.h"
#include "chunk_runs.h"
#include "criu_mm.h"
#include "proc_pagemap.h"
#include "proc_smaps.h"
#include "thp_advice.h"
#include "thp_expect.h"
#include "thp_image.h"
#include "thp_log.h"

static int rule_eligible(const ThpVmaEntry *v, int thp_disabled,
			 const char *mode)
{
	if (thp_disabled || v->kind != THP_VMA_KIND__PRIVATE_ANON ||
	    v->advice == THP_ADVICE__NOHUGE)
		return 0;
	if (!strcmp(mode, "always"))
		return 1;
	return !strcmp(mode, "madvise") && v->advice == THP_ADVICE__HUGE;
}

int thp_expect_rule_vma(ThpVmaEntry *v, int thp_disabled, const char *mode,
			int pagemap_fd)
{
	struct chunk_runs r = { };
	uint64_t a;
	int ret;

	chunk_runs_drop(&v->pmd_huge, &v->n_pmd_huge);
	chunk_runs_drop(&v->pte_thp, &v->n_pte_thp);
	chunk_runs_drop(&v->unresolved, &v->n_unresolved);
	if (!rule_eligible(v, thp_disabled, mode))
		return 0;
	a = (v->start + THP_CHUNK_SIZE - 1) & ~(THP_CHUNK_SIZE - 1);
	for (; a + THP_CHUNK_SIZE <= v->end; a += THP_CHUNK_SIZE) {
		ret = proc_pagemap_range_present(pagemap_fd, a, THP_CHUNK_SIZE);
		if (ret < 0)
			goto err;
		if (ret && chunk_runs_add(&r, a)) {
			ret = -ENOMEM;
			goto err;
		}
	}
	chunk_runs_give(&r, &v->pmd_huge, &v->n_pmd_huge);
	return 0;
err:
	chunk_runs_free(&r);
	return ret;
}

static int apply_rule(ThpTaskEntry *e, pid_t pid, const char *mode)
{
	size_t i;
	int fd, ret = 0;

	fd = proc_pagemap_open(pid);
	if (fd < 0) {
		pr_err("task %d: /proc/%d/pagemap: %s\n", pid, pid,
		       strerror(-fd));
		return fd;
	}
	for (i = 0; i < e->n_vmas && !ret; i++)
		ret = thp_expect_rule_vma(e->vmas[i], e->thp_disabled, mode,
					  fd);
	close(fd);
	if (ret)
		pr_err("task %d: page map cannot be read: %s\n", pid,
		       strerror(-ret));
	e->coverage_known = !ret;
	return ret;
}

/* The live VMAs' kinds, for VMAs that CRIU's image describes. */
struct kind {
	uint64_t start, end;
	int kind;
};

struct kinds {
	struct kind *v;
	size_t n, cap;
};

static int add_kind(const struct smaps_vma *sv, void *arg)
{
	struct kinds *k = arg;

	void *p = array_room(k->v, k->n, &k->cap, sizeof(*k->v));

	if (!p)
		return -ENOMEM;
	k->v = p;
	k->v[k->n].start = sv->start;
	k->v[k->n].end = sv->end;
	k->v[k->n].kind = proc_smaps_vma_kind(sv);
	k->n++;
	return 0;
}

static uint64_t kind_end(const void *v, size_t i)
{
	return ((const struct kind *)v)[i].end;
}

/*
 * A VMA that is not there (any more) is never a place for huge pages.
 * smaps lists the VMAs sorted: bisect.
 */
static int kind_at(const struct kinds *k, uint64_t addr)
{
	size_t i = bisect_end_above(k->v, k->n, kind_end, addr);

	if (i < k->n && addr >= k->v[i].start)
		return k->v[i].kind;
	return THP_VMA_KIND__SPECIAL;
}

static int mm_vmas(ThpTaskEntry *e, const CriuMmEntry *mm,
		   const struct kinds *k)
{
	size_t i;

	e->vmas = calloc(mm->n_vmas ? mm->n_vmas : 1, sizeof(*e->vmas));
	if (!e->vmas)
		return -ENOMEM;
	for (i = 0; i < mm->n_vmas; i++) {
		ThpVmaEntry *v = malloc(sizeof(*v));

		if (!v)
			return -ENOMEM;
		thp_vma_entry__init(v);
		v->start = mm->vmas[i]->start;
		v->end = mm->vmas[i]->end;
		v->advice = thp_advice_of_madv(mm->vmas[i]->madv);
		v->kind = kind_at(k, v->start);
		e->vmas[e->n_vmas++] = v;
	}
	return 0;
}

static int from_criu_mm(int dirfd, unsigned int id, pid_t pid,
			ThpTaskEntry **out)
{
	struct kinds k = { };
	CriuMmEntry *mm;
	ThpTaskEntry *e;
	int ret;

	ret = criu_mm_read(dirfd, id, &mm);
	if (ret == -ENOENT)
		pr_err("mm-%u.img: missing: no THP state to restore from\n",
		       id);
	if (ret)
		return ret;
	ret = -ENOMEM;
	e = malloc(sizeof(*e));
	if (!e)
		goto out_mm;
	thp_task_entry__init(e);
	e->version = THP_IMAGE_VERSION;
	e->id = id;
	e->thp_disabled = mm->has_thp_disabled && mm->thp_disabled;
	ret = proc_smaps_read(pid, add_kind, &k);
	if (!ret)
		ret = mm_vmas(e, mm, &k);
	if (ret) {
		pr_err("task %d: cannot read its VMAs: %s\n", pid,
		       strerror(-ret));
		thp_task_entry__free_unpacked(e, NULL);
	} else {
		*out = e;
	}
	free(k.v);
out_mm:
	criu_mm_entry__free_unpacked(mm, NULL);
	return ret;
}

void thp_expect_prctl_from_mm(int dirfd, ThpTaskEntry *e)
{
	CriuMmEntry *mm;

	if (e->thp_disabled || e->has_thp_except_advised ||
	    criu_mm_read(dirfd, e->id, &mm))
		return;
	e->has_thp_except_advised = 1;
	e->thp_except_advised = mm->has_thp_disabled && mm->thp_disabled;
	criu_mm_entry__free_unpacked(mm, NULL);
}

static int load_record(int dirfd, unsigned int id, struct thp_expect *x)
{
	int ret = thp_image_read_task(dirfd, id, &x->e);

	if (!ret) {
		x->source = THP_EXPECT_RECORD;
		thp_expect_prctl_from_mm(dirfd, x->e);
		return 0;
	}
	snprintf(x->note, sizeof(x->note), "thp-%u.img is %s", id,
		 ret == -ENOENT ? "missing though thp-dump.img is there" :
		 "unusable");
	return ret;
}

int thp_expect_load(int dirfd, const ThpDumpEntry *dump, unsigned int id,
		    pid_t pid, const char *mode, struct thp_expect *x)
{
	int ret;

	memset(x, 0, sizeof(*x));
	if (dump && !load_record(dirfd, id, x)) {
		if (x->e->coverage_known)
			return 0;
		snprintf(x->note, sizeof(x->note),
			 "thp-%u.img has no coverage (%s)", id,
			 x->e->problem ? x->e->problem : "not read at dump");
	} else {
		if (!dump)
			snprintf(x->note, sizeof(x->note),
				 "no thp-dump.img: dumped without the plugin");
		ret = from_criu_mm(dirfd, id, pid, &x->e);
		if (ret)
			return ret;
		x->source = THP_EXPECT_CRIU_MM;
	}
	x->coverage_by_rule = 1;
	ret = apply_rule(x->e, pid, mode);
	if (ret)
		thp_expect_free(x);
	return ret;
}

void thp_expect_free(struct thp_expect *x)
{
	if (x->e)
		thp_task_entry__free_unpacked(x->e, NULL);
	x->e = NULL;
}
