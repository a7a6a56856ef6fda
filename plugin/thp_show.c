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

#include "thp_image.h"
#include "thp_log.h"
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

const char *thp_advice_name(ThpAdvice a)
{
	switch (a) {
	case THP_ADVICE__HUGE:
		return "hg";
	case THP_ADVICE__NOHUGE:
		return "nh";
	default:
		return "none";
	}
}

static uint64_t vma_huge_chunks(const ThpVmaEntry *v)
{
	uint64_t n = 0;
	size_t i;

	for (i = 0; i < v->n_pmd_huge; i++)
		n += v->pmd_huge[i]->nr;
	return n;
}

static void text_dump(FILE *out, const ThpDumpEntry *d)
{
	fprintf(out, "dump: kernel %s, huge page %" PRIu64 " KiB, enabled=%s defrag=%s",
		d->kernel_release, d->hpage_size >> 10, d->enabled, d->defrag);
	if (d->shmem_enabled)
		fprintf(out, " shmem_enabled=%s", d->shmem_enabled);
	if (d->has_max_ptes_none)
		fprintf(out, " max_ptes_none=%u", d->max_ptes_none);
	fputc('\n', out);
}

static void text_task(FILE *out, const ThpTaskEntry *t)
{
	uint64_t huge = 0;
	size_t i, j;

	for (i = 0; i < t->n_vmas; i++)
		huge += vma_huge_chunks(t->vmas[i]);
	fprintf(out, "task %u: prctl THP %s, %zu VMAs, ", t->id,
		t->thp_disabled ? "disabled" : "enabled", t->n_vmas);
	if (t->coverage_known)
		fprintf(out, "%" PRIu64 " huge chunks\n", huge);
	else
		fprintf(out, "huge chunks unknown\n");

	for (i = 0; i < t->n_vmas; i++) {
		const ThpVmaEntry *v = t->vmas[i];

		fprintf(out, "  %012" PRIx64 "-%012" PRIx64 " %-7s %-4s",
			v->start, v->end, kind_name(v->kind),
			thp_advice_name(v->advice));
		for (j = 0; j < v->n_pmd_huge; j++) {
			const ThpChunkRun *r = v->pmd_huge[j];

			fprintf(out, "%s%" PRIx64 "-%" PRIx64 " (%u)",
				j ? ", " : " huge ", r->first,
				r->first + ((uint64_t)r->nr << THP_CHUNK_SHIFT),
				r->nr);
		}
		fputc('\n', out);
	}
}

/* "key":"value" with the value escaped: strings come from the image. */
static void json_str(FILE *out, const char *key, const char *s)
{
	fprintf(out, "\"%s\":\"", key);
	for (; *s; s++) {
		unsigned char c = *s;

		if (c == '"' || c == '\\')
			fprintf(out, "\\%c", c);
		else if (c < 0x20)
			fprintf(out, "\\u%04x", c);
		else
			fputc(c, out);
	}
	fputc('"', out);
}

static void json_dump(FILE *out, const ThpDumpEntry *d)
{
	fputs("\"dump\":{", out);
	json_str(out, "kernel_release", d->kernel_release);
	fprintf(out, ",\"hpage_size\":%" PRIu64 ",", d->hpage_size);
	json_str(out, "enabled", d->enabled);
	fputc(',', out);
	json_str(out, "defrag", d->defrag);
	if (d->shmem_enabled) {
		fputc(',', out);
		json_str(out, "shmem_enabled", d->shmem_enabled);
	}
	if (d->has_max_ptes_none)
		fprintf(out, ",\"max_ptes_none\":%u", d->max_ptes_none);
	fputs("}", out);
}

static void json_task(FILE *out, const ThpTaskEntry *t)
{
	size_t i, j;

	fprintf(out, "{\"id\":%u,\"thp_disabled\":%s,\"coverage_known\":%s,\"vmas\":[",
		t->id, t->thp_disabled ? "true" : "false",
		t->coverage_known ? "true" : "false");
	for (i = 0; i < t->n_vmas; i++) {
		const ThpVmaEntry *v = t->vmas[i];

		fprintf(out, "%s{\"start\":\"0x%" PRIx64 "\",\"end\":\"0x%" PRIx64
			"\",\"kind\":\"%s\",\"advice\":\"%s\",\"pmd_huge\":[",
			i ? "," : "", v->start, v->end, kind_name(v->kind),
			thp_advice_name(v->advice));
		for (j = 0; j < v->n_pmd_huge; j++)
			fprintf(out, "%s{\"first\":\"0x%" PRIx64 "\",\"nr\":%u}",
				j ? "," : "", v->pmd_huge[j]->first,
				v->pmd_huge[j]->nr);
		fputs("]}", out);
	}
	fputs("]}", out);
}

static int show_dump(int dirfd, FILE *out, int json)
{
	ThpDumpEntry *d;
	int ret;

	ret = thp_img_read_dump(dirfd, &d);
	if (ret == -ENOENT) {
		pr_err("%s: missing: not a dump made with the thp plugin\n",
		       THP_DUMP_IMG);
		return ret;
	}
	if (ret)
		return ret;
	if (json)
		json_dump(out, d);
	else
		text_dump(out, d);
	thp_dump_entry__free_unpacked(d, NULL);
	return 0;
}

static int show_tasks(int dirfd, FILE *out, int json,
		      const unsigned int *ids, size_t nr)
{
	ThpTaskEntry *t;
	size_t i;
	int ret;

	if (json)
		fputs(",\"tasks\":[", out);
	for (i = 0; i < nr; i++) {
		ret = thp_img_read_task(dirfd, ids[i], &t);
		if (ret == -ENOENT)
			pr_err(THP_TASK_IMG_FMT ": vanished while reading\n",
			       ids[i]);
		if (ret)
			return ret;
		if (json) {
			if (i)
				fputc(',', out);
			json_task(out, t);
		} else {
			text_task(out, t);
		}
		thp_task_entry__free_unpacked(t, NULL);
	}
	if (json)
		fputs("]", out);
	return 0;
}

int thp_show(int dirfd, FILE *out, int json)
{
	unsigned int *ids;
	size_t nr;
	int ret;

	ret = thp_img_list_tasks(dirfd, &ids, &nr);
	if (ret) {
		pr_err("cannot list the directory: %s\n", strerror(-ret));
		return ret;
	}
	if (json)
		fputc('{', out);
	ret = show_dump(dirfd, out, json);
	if (!ret)
		ret = show_tasks(dirfd, out, json, ids, nr);
	if (!ret && json)
		fputs("}\n", out);
	if (!ret && !nr)
		pr_warn("no %s images: no task was recorded\n", "thp-<id>.img");
	free(ids);
	return ret;
}
