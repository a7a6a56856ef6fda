// SPDX-License-Identifier: GPL-2.0
/*
 * Decoding CRIU's mm-<id>.img far enough for THP: VMA bounds, madv bits
 * and thp_disabled.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "criu_image.h"
#include "criu_mm.h"
#include "thp_image.h"
#include "thp_log.h"

/* An mm image of a million VMAs is still far below this. */
#define CRIU_MM_MAX	(256u << 20)

/* The one entry of the file; anything after it is an error. */
static int one_entry(const uint8_t *buf, size_t len, const char *name,
		     const uint8_t **msg, uint32_t *size)
{
	struct criu_img c;
	const uint8_t *p;
	uint32_t n;
	int ret;

	ret = criu_image_open(&c, buf, len, CRIU_MM_MAGIC, name);
	if (!ret)
		ret = criu_image_next(&c, msg, size);
	if (!ret) {
		pr_err("%s: no mm entry after the header\n", name);
		return -EBADMSG;
	}
	if (ret < 0)
		return ret;
	ret = criu_image_next(&c, &p, &n);
	if (ret > 0) {
		pr_err("%s: %zu bytes after the mm entry\n", name,
		       len - (size_t)(*msg + *size - buf));
		return -EBADMSG;
	}
	return ret;
}

/*
 * CRIU 4.2 appends the ranges of MADV_GUARD_INSTALL as pseudo-VMAs
 * (status VMA_AREA_GUARD) after the real ones: not VMAs of the task.
 */
static void drop_guards(CriuMmEntry *e)
{
	size_t i, n = 0;

	for (i = 0; i < e->n_vmas; i++) {
		CriuVmaEntry *v = e->vmas[i];

		if (v->has_status && (v->status & CRIU_VMA_AREA_GUARD))
			criu_vma_entry__free_unpacked(v, NULL);
		else
			e->vmas[n++] = v;
	}
	e->n_vmas = n;
}

static int check_vmas(const CriuMmEntry *e, const char *name)
{
	uint64_t prev = 0;
	size_t i;

	for (i = 0; i < e->n_vmas; i++) {
		const CriuVmaEntry *v = e->vmas[i];

		if (!v->has_start || !v->has_end || v->start >= v->end ||
		    v->start < prev || (v->start | v->end) % THP_PAGE_SIZE) {
			pr_err("%s: VMA %zu (%#" PRIx64 "-%#" PRIx64
			       ") is empty, unaligned or out of order\n",
			       name, i, v->start, v->end);
			return -EBADMSG;
		}
		prev = v->end;
	}
	return 0;
}

int criu_mm_decode(const uint8_t *buf, size_t len, const char *name,
		   CriuMmEntry **out)
{
	const uint8_t *msg;
	CriuMmEntry *e;
	uint32_t size;
	int ret;

	ret = one_entry(buf, len, name, &msg, &size);
	if (ret)
		return ret;
	e = criu_mm_entry__unpack(NULL, size, msg);
	if (!e) {
		pr_err("%s: the mm entry cannot be decoded\n", name);
		return -EBADMSG;
	}
	drop_guards(e);
	ret = check_vmas(e, name);
	if (ret) {
		criu_mm_entry__free_unpacked(e, NULL);
		return ret;
	}
	*out = e;
	return 0;
}

int criu_mm_read(int dirfd, unsigned int id, CriuMmEntry **e)
{
	char name[32];
	uint8_t *buf;
	size_t len;
	int ret;

	snprintf(name, sizeof(name), CRIU_MM_IMG_FMT, id);
	ret = criu_image_load(dirfd, name, CRIU_MM_MAX, &buf, &len);
	if (ret)
		return ret;
	ret = criu_mm_decode(buf, len, name, e);
	free(buf);
	return ret;
}
