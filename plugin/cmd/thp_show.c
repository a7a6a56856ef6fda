// SPDX-License-Identifier: GPL-2.0
/*
 * criu-thp show: decode every thp image of a dump directory, as text for
 * people or as JSON for scripts.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "chunk_runs.h"
#include "json_out.h"
#include "thp_advice.h"
#include "thp_image.h"
#include "thp_log.h"
#include "thp_diff.h"
#include "thp_expect.h"
#include "thp_prctl.h"
#include "thp_show.h"

static const char *kind_name(ThpVmaKind k)
{
	switch (k) {
	case THP_VMA_KIND__PRIVATE_ANON:
		return "anon";
	case THP_VMA_KIND__SHMEM:
		return "shmem";
	case THP_VMA_KIND__FILE:
		return "file";
	case THP_VMA_KIND__SPECIAL:
		return "special";
	default:
		return "?";
	}
}

static const char *source_name(const ThpTaskEntry *t)
{
	if (!t->coverage_known)
		return "unknown";
	switch (t->source) {
	case THP_COVERAGE_SOURCE__PAGEMAP_SCAN:
		return "pagemap_scan";
	case THP_COVERAGE_SOURCE__KPAGEFLAGS:
		return "kpageflags";
	default:
		return "unknown";
	}
}

struct run_list {
	const char *name;
	ThpChunkRun **v;
	size_t n;
};

static void vma_lists(const ThpVmaEntry *v, struct run_list l[3])
{
	l[0] = (struct run_list){ "pmd_huge", v->pmd_huge, v->n_pmd_huge };
	l[1] = (struct run_list){ "pte_thp", v->pte_thp, v->n_pte_thp };
	l[2] = (struct run_list){ "unresolved", v->unresolved,
				  v->n_unresolved };
}

static void text_dump(FILE *out, const ThpDumpEntry *d)
{
	fprintf(out, "dump: kernel %s, huge page %" PRIu64 " KiB, enabled=%s defrag=%s",
		d->kernel_release, d->hpage_size >> 10, d->enabled, d->defrag);
	if (d->has_page_size)
		fprintf(out, " page=%u", d->page_size);
	if (d->pmd_enabled)
		fprintf(out, " hugepages-%" PRIu64 "kB=%s", d->hpage_size >> 10,
			d->pmd_enabled);
	if (d->shmem_enabled)
		fprintf(out, " shmem_enabled=%s", d->shmem_enabled);
	if (d->has_max_ptes_none)
		fprintf(out, " max_ptes_none=%u", d->max_ptes_none);
	fprintf(out, ", strict=%s, %zu tasks\n", d->strict ? "yes" : "no",
		d->n_task_ids);
}

static void text_runs(FILE *out, const struct run_list *l)
{
	size_t j;

	for (j = 0; j < l->n; j++) {
		const ThpChunkRun *r = l->v[j];

		fprintf(out, "%s%" PRIx64 "-%" PRIx64 " (%u)",
			j ? ", " : "", r->first,
			r->first + ((uint64_t)r->nr << THP_CHUNK_SHIFT), r->nr);
	}
}

static void text_vma(FILE *out, const ThpVmaEntry *v)
{
	struct run_list l[3];
	int i;

	int more = v->n_pmd_huge || v->n_pte_thp || v->n_unresolved ||
		   v->pmd_mapped_kb || v->n_folios;
	size_t k;

	fprintf(out, more ? "  %012" PRIx64 "-%012" PRIx64 " %-7s %-4s" :
		"  %012" PRIx64 "-%012" PRIx64 " %-7s %s", v->start, v->end,
		kind_name(v->kind), thp_advice_name(v->advice));
	vma_lists(v, l);
	for (i = 0; i < 3; i++) {
		if (!l[i].n)
			continue;
		fprintf(out, " %s ", l[i].name);
		text_runs(out, &l[i]);
	}
	if (v->n_unresolved || (v->pmd_mapped_kb && !v->n_pmd_huge))
		fprintf(out, " [smaps: %" PRIu64 " KiB PMD-mapped]",
			v->pmd_mapped_kb);
	for (k = 0; k < v->n_folios; k++)
		fprintf(out, "%s%" PRIu64 " KiB in %u KiB folios",
			k ? ", " : " mTHP: ", v->folios[k]->pages * 4,
			4u << v->folios[k]->order);
	fputc('\n', out);
}

static void text_task(FILE *out, const ThpTaskEntry *t)
{
	uint64_t nr[3] = { 0, 0, 0 };
	struct run_list l[3];
	size_t i;
	int j;

	for (i = 0; i < t->n_vmas; i++) {
		vma_lists(t->vmas[i], l);
		for (j = 0; j < 3; j++)
			nr[j] += chunk_runs_count(l[j].v, l[j].n);
	}
	fprintf(out, "task %u: prctl THP %s, %zu VMAs, huge-page map ", t->id,
		thp_prctl_name(thp_prctl_of(t)), t->n_vmas);
	if (t->coverage_known)
		fprintf(out, "from %s: %" PRIu64 " PMD-mapped, %" PRIu64
			" PTE-mapped THP%s, %" PRIu64 " unresolved chunks\n",
			source_name(t), nr[0], nr[1],
			t->pte_thp_known ? "" : " (not looked for)", nr[2]);
	else
		fprintf(out, "unknown: %s\n",
			t->problem ? t->problem : "no reason recorded");

	for (i = 0; i < t->n_vmas; i++)
		text_vma(out, t->vmas[i]);
}

static void json_dump(FILE *out, const ThpDumpEntry *d)
{
	size_t i;

	fputs("\"dump\":{", out);
	json_out_field(out, "kernel_release", d->kernel_release);
	fprintf(out, ",\"hpage_size\":%" PRIu64 ",", d->hpage_size);
	json_out_field(out, "enabled", d->enabled);
	fputc(',', out);
	json_out_field(out, "defrag", d->defrag);
	if (d->shmem_enabled) {
		fputc(',', out);
		json_out_field(out, "shmem_enabled", d->shmem_enabled);
	}
	if (d->pmd_enabled) {
		fputc(',', out);
		json_out_field(out, "pmd_enabled", d->pmd_enabled);
	}
	if (d->has_page_size)
		fprintf(out, ",\"page_size\":%u", d->page_size);
	if (d->has_max_ptes_none)
		fprintf(out, ",\"max_ptes_none\":%u", d->max_ptes_none);
	fprintf(out, ",\"strict\":%s,\"task_ids\":[",
		d->strict ? "true" : "false");
	for (i = 0; i < d->n_task_ids; i++)
		fprintf(out, "%s%u", i ? "," : "", d->task_ids[i]);
	fputs("]}", out);
}

static void json_runs(FILE *out, const struct run_list *l)
{
	size_t j;

	fprintf(out, ",\"%s\":[", l->name);
	for (j = 0; j < l->n; j++)
		fprintf(out, "%s{\"first\":\"0x%" PRIx64 "\",\"nr\":%u}",
			j ? "," : "", l->v[j]->first, l->v[j]->nr);
	fputc(']', out);
}

static void json_vma(FILE *out, const ThpVmaEntry *v)
{
	struct run_list l[3];
	int i;

	fprintf(out, "{\"start\":\"0x%" PRIx64 "\",\"end\":\"0x%" PRIx64
		"\",\"kind\":\"%s\",\"advice\":\"%s\",\"pmd_mapped_kb\":%" PRIu64,
		v->start, v->end, kind_name(v->kind),
		thp_advice_name(v->advice), v->pmd_mapped_kb);
	vma_lists(v, l);
	for (i = 0; i < 3; i++)
		json_runs(out, &l[i]);
	fputs(",\"folios\":[", out);
	for (i = 0; i < (int)v->n_folios; i++)
		fprintf(out, "%s{\"kb\":%u,\"pages\":%" PRIu64 "}",
			i ? "," : "", 4u << v->folios[i]->order,
			v->folios[i]->pages);
	fputc(']', out);
	fputc('}', out);
}

static void json_task(FILE *out, const ThpTaskEntry *t)
{
	size_t i;

	fprintf(out, "{\"id\":%u,\"thp_disabled\":%s,\"prctl\":\"%s\","
		"\"folios_known\":%s,\"coverage_known\":%s,\"source\":\"%s\","
		"\"pte_thp_known\":%s,",
		t->id, t->thp_disabled ? "true" : "false",
		thp_prctl_name(thp_prctl_of(t)),
		t->has_folios_known && t->folios_known ? "true" : "false",
		t->coverage_known ? "true" : "false", source_name(t),
		t->pte_thp_known ? "true" : "false");
	if (t->problem) {
		json_out_field(out, "problem", t->problem);
		fputc(',', out);
	}
	fputs("\"vmas\":[", out);
	for (i = 0; i < t->n_vmas; i++) {
		if (i)
			fputc(',', out);
		json_vma(out, t->vmas[i]);
	}
	fputs("]}", out);
}

static int read_dump(int dirfd, ThpDumpEntry **d)
{
	int ret = thp_image_read_dump(dirfd, d);

	if (ret == -ENOENT)
		pr_err("%s: missing: not a dump made with the thp plugin, "
		       "or its recording failed\n",
		       THP_DUMP_IMG);
	return ret;
}

static int is_listed(const ThpDumpEntry *d, unsigned int id)
{
	size_t i;

	for (i = 0; i < d->n_task_ids; i++)
		if (d->task_ids[i] == id)
			return 1;
	return 0;
}

/* Images in the directory that the dump does not list are not its own. */
static void warn_strays(const ThpDumpEntry *d, const unsigned int *ids,
			size_t nr)
{
	size_t i;

	for (i = 0; i < nr; i++)
		if (!is_listed(d, ids[i]))
			pr_warn(THP_TASK_IMG_FMT ": not listed in %s, ignored\n",
				ids[i], THP_DUMP_IMG);
}

static void free_tasks(ThpTaskEntry **t, size_t nr)
{
	size_t i;

	for (i = 0; i < nr; i++)
		if (t[i])
			thp_task_entry__free_unpacked(t[i], NULL);
	free(t);
}

/* Every task the dump lists, all read before anything is printed. */
static int read_tasks(int dirfd, const ThpDumpEntry *d, ThpTaskEntry ***out)
{
	ThpTaskEntry **t;
	size_t i;
	int ret = 0;

	t = calloc(d->n_task_ids ? d->n_task_ids : 1, sizeof(*t));
	if (!t)
		return -ENOMEM;
	for (i = 0; !ret && i < d->n_task_ids; i++) {
		ret = thp_image_read_task(dirfd, d->task_ids[i], &t[i]);
		if (ret == -ENOENT)
			pr_err(THP_TASK_IMG_FMT ": missing (%s lists task %u)\n",
			       d->task_ids[i], THP_DUMP_IMG, d->task_ids[i]);
		else if (!ret && t[i]->id != d->task_ids[i]) {
			pr_err(THP_TASK_IMG_FMT ": holds task %u\n",
			       d->task_ids[i], t[i]->id);
			ret = -EBADMSG;
		} else if (!ret) {
			thp_expect_prctl_from_mm(dirfd, t[i]);
		}
	}
	if (ret) {
		free_tasks(t, d->n_task_ids);
		return ret;
	}
	*out = t;
	return 0;
}

static void print_all(FILE *out, int json, const ThpDumpEntry *d,
		      ThpTaskEntry **t)
{
	size_t i;

	if (!json) {
		text_dump(out, d);
		for (i = 0; i < d->n_task_ids; i++)
			text_task(out, t[i]);
		return;
	}
	fputc('{', out);
	json_dump(out, d);
	fputs(",\"tasks\":[", out);
	for (i = 0; i < d->n_task_ids; i++) {
		if (i)
			fputc(',', out);
		json_task(out, t[i]);
	}
	fputs("]}\n", out);
}

int thp_show(int dirfd, FILE *out, int json)
{
	ThpTaskEntry **t = NULL;
	ThpDumpEntry *d = NULL;
	unsigned int *ids;
	size_t nr;
	int ret;

	ret = thp_image_list_tasks(dirfd, &ids, &nr);
	if (ret) {
		pr_err("cannot list the directory: %s\n", strerror(-ret));
		return ret;
	}
	ret = read_dump(dirfd, &d);
	if (!ret)
		ret = read_tasks(dirfd, d, &t);
	if (!ret) {
		warn_strays(d, ids, nr);
		if (!d->n_task_ids)
			pr_warn("%s lists no task\n", THP_DUMP_IMG);
		print_all(out, json, d, t);
		free_tasks(t, d->n_task_ids);
	}
	if (d)
		thp_dump_entry__free_unpacked(d, NULL);
	free(ids);
	return ret;
}
