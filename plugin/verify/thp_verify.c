// SPDX-License-Identifier: GPL-2.0
/*
 * criu-thp verify: a live task against its record.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "proc_status.h"
#include "sysfs_thp.h"
#include "thp_advice.h"
#include "thp_image.h"
#include "thp_log.h"
#include "thp_record.h"
#include "thp_prctl.h"
#include "thp_verify.h"

int thp_verify_ctx_mode(struct thp_verify_ctx *c, struct thp_sysfs *s)
{
	int ret = sysfs_thp_read(THP_SYSFS_DIR, s);

	if (ret)
		return ret;
	snprintf(c->mode, sizeof(c->mode), "%s", sysfs_thp_pmd_mode(s));
	c->pmd_off = !strcmp(c->mode, "never");
	c->hpage_size = s->hpage_size;
	return 0;
}

int thp_verify_ctx_open(struct thp_verify_ctx *c, int dirfd)
{
	struct thp_sysfs s;
	int ret;

	memset(c, 0, sizeof(*c));
	c->dirfd = dirfd;
	ret = thp_verify_ctx_mode(c, &s);
	if (ret) {
		pr_err("%s: %s\n", THP_SYSFS_DIR, strerror(-ret));
		return ret;
	}
	thp_coverage_env_probe(&c->env);
	ret = thp_image_read_dump(dirfd, &c->dump);
	if (ret == -ENOENT) {
		c->dump = NULL;
		return 0;
	}
	if (!ret)
		thp_verify_ctx_sizes(c);
	return ret;
}

void thp_verify_ctx_sizes(struct thp_verify_ctx *c)
{
	uint32_t page = c->dump && c->dump->has_page_size ?
			c->dump->page_size : 4096;

	c->sizes_differ[0] = '\0';
	if (!c->dump || !c->hpage_size ||
	    (c->dump->hpage_size == c->hpage_size &&
	     page == (uint32_t)sysconf(_SC_PAGESIZE)))
		return;
	snprintf(c->sizes_differ, sizeof(c->sizes_differ),
		 "recorded with %u-byte pages and %" PRIu64
		 " KiB PMDs, here %ld and %" PRIu64 ": advice and prctl only",
		 page, c->dump->hpage_size >> 10, sysconf(_SC_PAGESIZE),
		 c->hpage_size >> 10);
}

/* Another machine's chunks say nothing here: keep flags and prctl. */
static void advice_only(const struct thp_verify_ctx *c, struct thp_expect *x)
{
	thp_record_drop_coverage(x->e);
	x->e->coverage_known = 0;
	x->coverage_by_rule = 0;
	snprintf(x->note, sizeof(x->note), "%s", c->sizes_differ);
}

void thp_verify_ctx_close(struct thp_verify_ctx *c)
{
	if (c->dump)
		thp_dump_entry__free_unpacked(c->dump, NULL);
	c->dump = NULL;
}

int thp_verify_load(const struct thp_verify_ctx *c, pid_t pid,
		    struct thp_verify *v)
{
	struct proc_status st;
	int ret;

	memset(v, 0, sizeof(*v));
	v->pid = pid;
	v->live_prctl = -1;
	ret = proc_status_read(pid, &st);
	if (ret) {
		pr_err("/proc/%d/status: %s\n", pid, strerror(-ret));
		return ret;
	}
	v->id = st.nspid > 0 ? st.nspid : pid;
	ret = thp_expect_load(c->dirfd, c->dump, v->id, pid, c->mode, &v->x);
	if (!ret && c->sizes_differ[0])
		advice_only(c, &v->x);
	return ret;
}

int thp_verify_compare(const struct thp_verify_ctx *c, struct thp_verify *v)
{
	struct thp_record_stats st;
	int ret;

	if (v->live)
		thp_task_entry__free_unpacked(v->live, NULL);
	v->live = NULL;
	thp_diff_free(&v->d);
	if (v->advice)
		ret = thp_record_task_maps(v->pid, v->id, &c->env, v->advice,
					   &v->live, &st);
	else
		ret = thp_record_task(v->pid, v->id, &c->env, &v->live, &st);
	if (ret) {
		pr_err("task %d: cannot read its THP state: %s\n", v->pid,
		       strerror(-ret));
		return ret;
	}
	v->uffd_vmas = st.uffd;
	if (v->live_prctl >= 0)
		thp_prctl_put(v->live, v->live_prctl);
	return thp_diff_tasks(v->x.e, v->live, &v->d);
}

const char *thp_verify_unread(const struct thp_verify *v)
{
	size_t i;

	for (i = 0; i < v->d.n; i++)
		if (v->d.v[i].kind == THP_DIFF_UNKNOWN && v->d.v[i].want)
			return v->live && v->live->problem ? v->live->problem :
			       "unknown reason";
	return NULL;
}

int thp_verify_compare_settled(const struct thp_verify_ctx *c,
			       struct thp_verify *v, int tries,
			       unsigned int pause_ms)
{
	const char *why;
	int ret, try;

	for (try = 1;; try++) {
		ret = thp_verify_compare(c, v);
		why = ret ? NULL : thp_verify_unread(v);
		if (!why || try >= tries)
			return ret;
		pr_warn("task %d: which chunks are huge cannot be told (%s): reading it again in "
			"%u ms\n",
			v->pid, why, pause_ms);
		usleep(pause_ms * 1000);
	}
}

void thp_verify_free(struct thp_verify *v)
{
	thp_expect_free(&v->x);
	if (v->live)
		thp_task_entry__free_unpacked(v->live, NULL);
	v->live = NULL;
	thp_diff_free(&v->d);
}

/* The live advice over [s, e): one name, or "mixed". */
static const char *live_advice(const ThpTaskEntry *t, uint64_t s, uint64_t e)
{
	int seen = -1;
	size_t i;

	for (i = thp_diff_vma_first_above(t, s);
	     i < t->n_vmas && t->vmas[i]->start < e; i++) {
		const ThpVmaEntry *v = t->vmas[i];

		if (seen >= 0 && seen != (int)v->advice)
			return "mixed";
		seen = v->advice;
	}
	return seen < 0 ? "unmapped" : thp_advice_name(seen);
}

static uint64_t runs_in(ThpChunkRun *const *r, size_t n, uint64_t s,
			uint64_t e)
{
	uint64_t nr = 0, a;
	size_t i;
	uint32_t k;

	for (i = 0; i < n; i++)
		for (k = 0; k < r[i]->nr; k++) {
			a = r[i]->first + k * THP_CHUNK_SIZE;
			nr += a >= s && a < e;
		}
	return nr;
}

static uint64_t live_huge(const ThpTaskEntry *t, uint64_t s, uint64_t e)
{
	uint64_t nr = 0;
	size_t i;

	for (i = thp_diff_vma_first_above(t, s);
	     i < t->n_vmas && t->vmas[i]->start < e; i++) {
		const ThpVmaEntry *v = t->vmas[i];

		nr += runs_in(v->pmd_huge, v->n_pmd_huge, s, e) +
		      runs_in(v->unresolved, v->n_unresolved, s, e);
	}
	return nr;
}

static void print_table(FILE *f, const struct thp_verify *v)
{
	const ThpTaskEntry *w = v->x.e;
	size_t i, quiet = 0;

	fprintf(f, "%-27s %-6s %-6s %6s %6s\n", "VMA", "advice", "",
		"huge", "chunks");
	fprintf(f, "%-27s %-6s %-6s %6s %6s\n", "", "want", "have", "want",
		"have");
	for (i = 0; i < w->n_vmas; i++) {
		const ThpVmaEntry *e = w->vmas[i];
		const char *have = live_advice(v->live, e->start, e->end);
		uint64_t wh = thp_diff_vma_huge_chunks(e);
		uint64_t hh = live_huge(v->live, e->start, e->end);

		if (e->advice == THP_ADVICE__NONE && !strcmp(have, "none") &&
		    !wh && !hh) {
			quiet++;
			continue;
		}
		fprintf(f, "%012" PRIx64 "-%012" PRIx64 "  %-6s %-6s %6" PRIu64
			" %6" PRIu64 "\n", e->start, e->end,
			thp_advice_name(e->advice), have, wh, hh);
	}
	fprintf(f, "(%zu more VMAs: no advice, no huge page, as expected)\n",
		quiet);
}

/*
 * Large folios below PMD size the record had and the task has not: said,
 * not counted as a difference - no kernel call builds them again
 * (MADV_COLLAPSE makes PMD-size folios only; on 6.18 khugepaged makes no
 * smaller ones).
 */
static void print_folios(FILE *f, const struct thp_verify *v)
{
	const ThpTaskEntry *w = v->x.e, *h = v->live;
	uint64_t want, have;
	size_t i, j;

	if (!h->has_folios_known || !h->folios_known)
		return;
	for (i = 0; i < w->n_vmas; i++) {
		want = thp_diff_vma_folio_pages(w->vmas[i]);
		if (!want)
			continue;
		have = 0;
		for (j = thp_diff_vma_first_above(h, w->vmas[i]->start);
		     j < h->n_vmas && h->vmas[j]->start < w->vmas[i]->end; j++)
			have += thp_diff_vma_folio_pages(h->vmas[j]);
		if (have < want)
			fprintf(f, "mTHP: VMA %" PRIx64 "-%" PRIx64 ": %" PRIu64
				" KiB in large folios below PMD size at dump, %"
				PRIu64 " now (not rebuilt: MADV_COLLAPSE makes PMD-size folios "
				       "only)\n",
				w->vmas[i]->start, w->vmas[i]->end, want * 4,
				have * 4);
	}
}

void thp_verify_print(FILE *f, const struct thp_verify *v)
{
	struct thp_diff run;
	char buf[192];
	size_t i;

	fprintf(f, "task %d (id %u): expected state from the %s%s%s%s\n",
		v->pid, v->id, thp_expect_source_name(&v->x),
		v->x.coverage_by_rule ? ", coverage by rule" : "",
		v->x.note[0] ? ": " : "", v->x.note);
	fprintf(f, "prctl THP: want %s, have %s\n",
		thp_prctl_name(thp_prctl_of(v->x.e)),
		thp_prctl_known(v->live) ?
		thp_prctl_name(thp_prctl_of(v->live)) :
		"enabled or except-advised (/proc tells only disabled)");
	print_table(f, v);
	print_folios(f, v);
	for (i = 0; i < v->d.n; ) {
		i = thp_diff_run(&v->d, i, &run);
		thp_diff_format(buf, sizeof(buf), &run);
		fprintf(f, "differs: %s\n", buf);
	}
	if (v->d.n)
		fprintf(f, "task %d: %zu differences\n", v->pid, v->d.n);
	else
		fprintf(f, "task %d: matches\n", v->pid);
}
