// SPDX-License-Identifier: GPL-2.0
/*
 * A task's THP state, and the machine's, as image messages.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/utsname.h>
#include <unistd.h>

#include "array.h"
#include "proc_pagemap.h"
#include "proc_smaps.h"
#include "proc_status.h"
#include "sysfs_thp.h"
#include "thp_advice.h"
#include "thp_image.h"
#include "thp_fault.h"
#include "thp_log.h"
#include "thp_folios.h"
#include "thp_record.h"

/* Times a task is read before its huge pages are given up as unknown. */
#define THP_RECORD_TRIES	3

struct task_ctx {
	ThpTaskEntry *e;
	size_t cap;
	struct coverage_reader reader;
	int coverage;			/* still reading the huge-page map */
	int folios;			/* counting large folios below PMD */
	char problem[256];
	struct thp_record_stats *st;
	uint64_t pmd_kb;		/* PMD-mapped KiB, all VMAs, per smaps */
};

static void note_coverage(struct task_ctx *c, const ThpVmaEntry *ve,
			  const struct vma_coverage *cov)
{
	struct thp_record_stats *st = c->st;

	st->pmd += chunk_runs_count(cov->pmd.v, cov->pmd.n);
	st->pte += chunk_runs_count(cov->pte.v, cov->pte.n);
	st->unresolved += chunk_runs_count(cov->unresolved.v,
					   cov->unresolved.n);
	if (cov->ambiguous)
		st->ambiguous++;
	if (cov->inconsistent)
		st->inconsistent++;
	if (cov->ambiguous)
		pr_warn("task %u VMA %" PRIx64 "-%" PRIx64 ": %" PRIu64
			" whole THPs at aligned chunks, %" PRIu64
			" KiB PMD-mapped per smaps: %s; recorded as unresolved\n",
			c->e->id, ve->start, ve->end, cov->candidates,
			ve->pmd_mapped_kb,
			cov->inconsistent ? "the counts disagree" :
			"which are PMD-mapped cannot be told without PAGEMAP_SCAN");
	else if (cov->inconsistent)
		pr_warn("task %u VMA %" PRIx64 "-%" PRIx64 ": %" PRIu64
			" KiB PMD-mapped per smaps, %" PRIu64
			" chunks per the page map: the page tables changed while "
			"being read; recorded as the page map shows\n",
			c->e->id, ve->start, ve->end, ve->pmd_mapped_kb,
			chunk_runs_count(cov->pmd.v, cov->pmd.n));
}

/* Read the VMA's huge-page map; on failure the task's becomes unknown. */
static int vma_coverage(struct task_ctx *c, const struct smaps_vma *v,
			ThpVmaEntry *ve)
{
	struct vma_coverage cov;
	int ret;

	if (!c->coverage)
		return 0;
	ret = thp_coverage_read_vma(&c->reader, v, &cov);
	if (ret == -ENOMEM)
		return ret;
	if (ret) {
		snprintf(c->problem, sizeof(c->problem),
			 "VMA %" PRIx64 "-%" PRIx64 ": page tables cannot be read: %s",
			 v->start, v->end, strerror(-ret));
		c->coverage = 0;
		return 0;
	}
	note_coverage(c, ve, &cov);
	chunk_runs_give(&cov.pmd, &ve->pmd_huge, &ve->n_pmd_huge);
	chunk_runs_give(&cov.pte, &ve->pte_thp, &ve->n_pte_thp);
	chunk_runs_give(&cov.unresolved, &ve->unresolved, &ve->n_unresolved);
	return 0;
}

static int add_vma(struct task_ctx *c, ThpVmaEntry *ve)
{
	ThpTaskEntry *e = c->e;
	ThpVmaEntry **v = array_room(e->vmas, e->n_vmas, &c->cap, sizeof(*v));

	if (!v)
		return -ENOMEM;
	e->vmas = v;
	e->vmas[e->n_vmas++] = ve;
	return 0;
}

/* The VMA's large folios below PMD size, as entries of ve. */
static int vma_folios(struct task_ctx *c, const struct smaps_vma *v,
		      ThpVmaEntry *ve)
{
	struct folio_census fc = { };
	unsigned int o;
	size_t n = 0;
	int ret;

	if (!c->folios || ve->kind != THP_VMA_KIND__PRIVATE_ANON)
		return 0;
	ret = thp_folios_census_range(c->reader.pagemap_fd, c->reader.kpf_fd,
				      v->start, v->end, &fc, NULL, NULL);
	if (ret) {
		c->folios = 0;		/* the task's census is unknown */
		return ret == -ENOMEM ? ret : 0;
	}
	for (o = 1; o < THP_FOLIO_ORDERS; o++)
		n += !!fc.pages[o];
	if (!n)
		return 0;
	ve->folios = calloc(n, sizeof(*ve->folios));
	if (!ve->folios)
		return -ENOMEM;
	for (o = 1; o < THP_FOLIO_ORDERS; o++) {
		ThpFolioCount *f;

		if (!fc.pages[o])
			continue;
		f = malloc(sizeof(*f));
		if (!f)
			return -ENOMEM;
		thp_folio_count__init(f);
		f->order = o;
		f->pages = fc.pages[o];
		ve->folios[ve->n_folios++] = f;
	}
	return 0;
}

static int record_vma(const struct smaps_vma *v, void *arg)
{
	struct task_ctx *c = arg;
	ThpVmaEntry *ve;
	int ret;

	ve = malloc(sizeof(*ve));
	if (!ve)
		return -ENOMEM;
	thp_vma_entry__init(ve);
	ve->start = v->start;
	ve->end = v->end;
	ve->kind = (ThpVmaKind)proc_smaps_vma_kind(v);
	ve->advice = thp_advice_of_vmflags(v->vmflags);
	ve->has_pmd_mapped_kb = 1;
	ve->pmd_mapped_kb = smaps_pmd_mapped_kb(v);
	ret = add_vma(c, ve);
	if (ret) {
		free(ve);
		return ret;
	}
	c->st->vmas++;
	c->st->uffd += !!(v->vmflags & VMF_UM);
	c->pmd_kb += smaps_pmd_mapped_kb(v);
	ret = vma_coverage(c, v, ve);
	if (!ret)
		ret = vma_folios(c, v, ve);
	if (!ret && ve->advice == THP_ADVICE__HUGE)
		thp_fault_sleep(THP_FAULT_RECORD_SLOW, 10);
	return ret;
}

void thp_record_drop_coverage(ThpTaskEntry *e)
{
	size_t i;

	for (i = 0; i < e->n_vmas; i++) {
		ThpVmaEntry *v = e->vmas[i];

		chunk_runs_drop(&v->pmd_huge, &v->n_pmd_huge);
		chunk_runs_drop(&v->pte_thp, &v->n_pte_thp);
		chunk_runs_drop(&v->unresolved, &v->n_unresolved);
	}
}

static int task_status(pid_t pid, ThpTaskEntry *e, char *problem, size_t len)
{
	struct proc_status st;
	int ret;

	ret = proc_status_read(pid, &st);
	if (ret)
		return ret;
	if (st.thp_enabled < 0)
		snprintf(problem, len,
			 "the kernel shows no THP_enabled in /proc/%d/status",
			 pid);
	e->thp_disabled = st.thp_enabled == 0;
	return 0;
}

static void start_coverage(struct task_ctx *c, pid_t pid,
			   const struct thp_env *env)
{
	int ret;

	if (!thp_env_has_coverage(env)) {
		snprintf(c->problem, sizeof(c->problem), "%s", env->why);
		return;
	}
	ret = thp_coverage_reader_open(&c->reader, env, pid);
	if (ret) {
		snprintf(c->problem, sizeof(c->problem),
			 "/proc/%d/pagemap: %s", pid, strerror(-ret));
		return;
	}
	c->coverage = 1;
	c->folios = env->mthp && thp_env_has_pte_thp(env);
}

static void finish_entry(struct task_ctx *c, const struct thp_env *env)
{
	ThpTaskEntry *e = c->e;

	e->coverage_known = c->coverage;
	e->has_folios_known = 1;
	e->folios_known = c->folios;
	e->has_source = 1;
	e->has_pte_thp_known = 1;
	if (c->coverage) {
		e->source = env->has_scan ? THP_COVERAGE_SOURCE__PAGEMAP_SCAN :
					    THP_COVERAGE_SOURCE__KPAGEFLAGS;
		e->pte_thp_known = thp_env_has_pte_thp(env);
	} else {
		thp_record_drop_coverage(e);
	}
	if (c->problem[0])
		e->problem = strdup(c->problem);
}

struct maps_ctx {
	struct task_ctx *c;
	const struct thp_record_advice *a;
	struct smaps_vma *w;		/* the VMA as smaps would show it */
};

static int add_kb(uint64_t start, uint64_t end, void *arg)
{
	*(uint64_t *)arg += (end - start) >> 10;
	return 0;
}

/*
 * A VMA of /proc/PID/maps, given what the record takes from smaps: its
 * advice from the caller and, when it can hold a whole chunk, its size
 * as the most it can have resident (the coverage reads what is there)
 * and its PMD-mapped KiB from PAGEMAP_SCAN.
 */
static int maps_vma(const struct smaps_vma *v, void *arg)
{
	struct maps_ctx *m = arg;
	struct task_ctx *c = m->c;
	struct smaps_vma *w = m->w;
	uint64_t cs = (v->start + THP_CHUNK_SIZE - 1) & ~(THP_CHUNK_SIZE - 1);
	uint64_t ce = v->end & ~(THP_CHUNK_SIZE - 1);
	int ret;

	smaps_vma_copy(w, v);
	w->vmflags = m->a->of(m->a->arg, v->start);
	w->has_vmflags = 1;
	if (cs < ce && c->coverage) {
		w->rss_kb = (v->end - v->start) >> 10;
		ret = proc_pagemap_scan_huge(c->reader.pagemap_fd, cs, ce,
					     add_kb, &w->anon_huge_kb);
		if (ret) {
			snprintf(c->problem, sizeof(c->problem),
				 "VMA %" PRIx64 "-%" PRIx64 ": PAGEMAP_SCAN: %s",
				 v->start, v->end, strerror(-ret));
			c->coverage = 0;
		}
	}
	return record_vma(w, c);
}

static int read_maps(pid_t pid, struct task_ctx *c,
		     const struct thp_record_advice *a)
{
	struct maps_ctx m = { .c = c, .a = a };
	int ret;

	m.w = malloc(sizeof(*m.w));
	if (!m.w)
		return -ENOMEM;
	c->folios = 0;
	ret = proc_smaps_maps_read(pid, maps_vma, &m);
	free(m.w);
	return ret;
}

/*
 * One reading of the task into c, from smaps or (a set) from maps; 0 or
 * a negative errno.
 */
static int record_once(pid_t pid, unsigned int id, const struct thp_env *env,
		       const struct thp_record_advice *a, struct task_ctx *c)
{
	int ret;

	c->reader.pagemap_fd = c->reader.kpf_fd = -1;
	c->e = malloc(sizeof(*c->e));
	if (!c->e)
		return -ENOMEM;
	thp_task_entry__init(c->e);
	c->e->version = THP_IMAGE_VERSION;
	c->e->id = id;

	ret = task_status(pid, c->e, c->problem, sizeof(c->problem));
	if (ret)
		return ret;
	start_coverage(c, pid, env);
	if (a)
		ret = read_maps(pid, c, a);
	else
		ret = proc_smaps_read(pid, record_vma, c);
	thp_coverage_reader_close(&c->reader);
	return ret;
}

/*
 * The task is frozen, but khugepaged is not: it may collapse a chunk
 * after its VMA was read.  smaps_rollup, read after all of them, must add
 * up to what they said, or the task is read again.  Without smaps_rollup
 * (before Linux 4.14) this cannot be told: taken as unchanged.
 */
static int changed(pid_t pid, const struct task_ctx *c, uint64_t *now)
{
	static int unread;	/* CRIU_THP_FAULT=record-unread: reads faked */
	struct smaps_vma *all;
	int ret;

	if (thp_fault(THP_FAULT_RECORD_UNREAD) && unread < THP_RECORD_TRIES) {
		unread++;
		*now = c->pmd_kb + (THP_CHUNK_SIZE >> 10);
		return 1;
	}
	all = malloc(sizeof(*all));
	if (!all)
		return 0;
	ret = proc_smaps_rollup_read(pid, all);
	*now = smaps_pmd_mapped_kb(all);
	free(all);
	return !ret && *now != c->pmd_kb;
}

static int record_task(pid_t pid, unsigned int id, const struct thp_env *env,
		       const struct thp_record_advice *a, ThpTaskEntry **out,
		       struct thp_record_stats *st)
{
	struct task_ctx c;
	uint64_t now;
	int ret, try;

	for (try = 1;; try++) {
		memset(&c, 0, sizeof(c));
		memset(st, 0, sizeof(*st));
		c.st = st;
		ret = record_once(pid, id, env, a, &c);
		if (ret)
			goto err;
		/* from maps, each VMA's PMDs came from one PAGEMAP_SCAN */
		if (!c.coverage || a || !changed(pid, &c, &now))
			break;
		if (try == THP_RECORD_TRIES) {
			snprintf(c.problem, sizeof(c.problem),
				 "its huge pages changed each of the %d times it was read",
				 try);
			c.coverage = 0;
			break;
		}
		pr_warn("task %u: %" PRIu64 " KiB PMD-mapped when its VMAs were read, %" PRIu64
			" KiB now: its huge pages changed while it was recorded (khugepaged?); "
			"recording it again\n",
			id, c.pmd_kb, now);
		thp_task_entry__free_unpacked(c.e, NULL);
	}
	finish_entry(&c, env);
	*out = c.e;
	return 0;
err:
	if (c.e)
		thp_task_entry__free_unpacked(c.e, NULL);
	return ret;
}

static int machine_entry(const struct thp_sysfs *s, ThpDumpEntry *e)
{
	struct utsname u;

	if (uname(&u))
		return -errno;
	e->version = THP_IMAGE_VERSION;
	e->hpage_size = s->hpage_size;
	e->has_page_size = 1;
	e->page_size = sysconf(_SC_PAGESIZE);
	e->kernel_release = strdup(u.release);
	e->enabled = strdup(s->enabled);
	e->defrag = strdup(s->defrag);
	if (s->shmem_enabled[0])
		e->shmem_enabled = strdup(s->shmem_enabled);
	if (s->pmd_enabled[0])
		e->pmd_enabled = strdup(s->pmd_enabled);
	if (s->max_ptes_none >= 0) {
		e->has_max_ptes_none = 1;
		e->max_ptes_none = s->max_ptes_none;
	}
	if (!e->kernel_release || !e->enabled || !e->defrag ||
	    (s->shmem_enabled[0] && !e->shmem_enabled) ||
	    (s->pmd_enabled[0] && !e->pmd_enabled))
		return -ENOMEM;
	return 0;
}

int thp_record_machine(const char *sysfs_dir, ThpDumpEntry **out)
{
	struct thp_sysfs s;
	ThpDumpEntry *e;
	int ret;

	ret = sysfs_thp_read(sysfs_dir, &s);
	if (ret)
		return ret;
	e = malloc(sizeof(*e));
	if (!e)
		return -ENOMEM;
	thp_dump_entry__init(e);
	ret = machine_entry(&s, e);
	if (ret) {
		thp_dump_entry__free_unpacked(e, NULL);
		return ret;
	}
	*out = e;
	return 0;
}

int thp_record_task(pid_t pid, unsigned int id, const struct thp_env *env,
		    ThpTaskEntry **out, struct thp_record_stats *st)
{
	return record_task(pid, id, env, NULL, out, st);
}

int thp_record_task_maps(pid_t pid, unsigned int id, const struct thp_env *env,
			 const struct thp_record_advice *a, ThpTaskEntry **out,
			 struct thp_record_stats *st)
{
	if (!env->has_scan)
		return -ENOTTY;
	return record_task(pid, id, env, a, out, st);
}
