// SPDX-License-Identifier: GPL-2.0
/*
 * Decoding CRIU's mm-<id>.img far enough for THP: VMA bounds, madv bits
 * and thp_disabled.
 */
#include <endian.h>
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "criu_mm.h"
#include "thp_image.h"
#include "thp_log.h"

/* An mm image of a million VMAs is still far below this. */
#define CRIU_MM_MAX	(256u << 20)

static uint32_t get_u32(const uint8_t *p)
{
	uint32_t v;

	memcpy(&v, p, sizeof(v));
	return le32toh(v);
}

static int check_frame(const uint8_t *buf, size_t len, const char *name,
		       uint32_t *size)
{
	if (len < 12) {
		pr_err("%s: truncated: %zu bytes, no complete header\n",
		       name, len);
		return -EBADMSG;
	}
	if (get_u32(buf) != CRIU_IMG_COMMON_MAGIC ||
	    get_u32(buf + 4) != CRIU_MM_MAGIC) {
		pr_err("%s: bad magic %#x %#x: not a CRIU mm image\n",
		       name, get_u32(buf), get_u32(buf + 4));
		return -EBADMSG;
	}
	*size = get_u32(buf + 8);
	if (*size != len - 12) {
		pr_err("%s: entry of %u bytes, file holds %zu after the header\n",
		       name, *size, len - 12);
		return -EBADMSG;
	}
	return 0;
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
	CriuMmEntry *e;
	uint32_t size;
	int ret;

	ret = check_frame(buf, len, name, &size);
	if (ret)
		return ret;
	e = criu_mm_entry__unpack(NULL, size, buf + 12);
	if (!e) {
		pr_err("%s: the mm entry cannot be decoded\n", name);
		return -EBADMSG;
	}
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
	ret = thp_file_slurp(dirfd, name, CRIU_MM_MAX, &buf, &len);
	if (ret == -ENOENT)
		return ret;
	if (ret) {
		if (ret != -EFBIG)
			pr_err("%s: cannot read: %s\n", name, strerror(-ret));
		return ret;
	}
	ret = criu_mm_decode(buf, len, name, e);
	free(buf);
	return ret;
}
