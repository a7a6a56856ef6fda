/* SPDX-License-Identifier: GPL-2.0 */
/*
 * CRIU's own mm-<id>.img, read for the THP state CRIU records itself:
 * each VMA's MADV_HUGEPAGE/MADV_NOHUGEPAGE bits and the prctl state.
 * Used when a dump was made without the plugin.
 *
 * The file is two u32 magics (CRIU's common image magic, then MM_MAGIC),
 * a u32 entry size and one packed mm_entry (images/criu_mm.proto).
 */
#ifndef CRIU_MM_H
#define CRIU_MM_H

#include <stddef.h>
#include <stdint.h>

#include "criu_image.h"
#include "criu_mm.pb-c.h"

#define CRIU_MM_MAGIC		0x57492820u
#define CRIU_MM_IMG_FMT		"mm-%u.img"

/* Bits of vma_entry.madv: 1 << advice (criu/mem.c). */
#define CRIU_MADV_HUGEPAGE	(1ull << 14)
#define CRIU_MADV_NOHUGEPAGE	(1ull << 15)

/* vma_entry.status: a MADV_GUARD_INSTALL range, not a VMA (CRIU 4.2). */
#define CRIU_VMA_AREA_GUARD	(1u << 16)

/*
 * 0, -ENOENT (no such image, no message), -EBADMSG (with a message naming
 * the file and the cause) or another negative errno.  Free the entry with
 * criu_mm_entry__free_unpacked(e, NULL).
 */
int criu_mm_read(int dirfd, unsigned int id, CriuMmEntry **e);
int criu_mm_decode(const uint8_t *buf, size_t len, const char *name,
		   CriuMmEntry **e);

#endif /* CRIU_MM_H */
