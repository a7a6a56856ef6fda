/* SPDX-License-Identifier: GPL-2.0 */
/*
 * CRIU's own pagemap-<id>.img, read for the pages a restored task must
 * have: every entry, whatever its flags.  In a lazy restore the daemon
 * serves some of them over userfaultfd (PE_LAZY, and after a pre-dump
 * PE_PARENT ones too), criu restore writes the others before the task
 * resumes; either way each page is present once the transfer is over.
 *
 * The file is a CRIU image (criu_image.h) of PAGEMAP_MAGIC: one
 * pagemap_head, then pagemap_entry messages in increasing address order
 * (images/criu_pagemap.proto).
 */
#ifndef CRIU_PAGEMAP_H
#define CRIU_PAGEMAP_H

#include <stddef.h>
#include <stdint.h>

#include "page_ranges.h"

#define CRIU_PAGEMAP_MAGIC	0x56084025u
#define CRIU_PAGEMAP_IMG_FMT	"pagemap-%u.img"

/* pagemap_entry.flags (criu/include/pagemap.h) */
#define CRIU_PE_PARENT		(1u << 0)
#define CRIU_PE_LAZY		(1u << 1)
#define CRIU_PE_PRESENT		(1u << 2)

/* Sorted, disjoint, page-aligned [start, end) ranges. */
int criu_pagemap_read(int dirfd, unsigned int id, struct page_ranges *r);
/* The same, of the entries that have every bit of flags (CRIU_PE_*). */
int criu_pagemap_read_flagged(int dirfd, unsigned int id, uint32_t flags,
			      struct page_ranges *r);
int criu_pagemap_decode(const uint8_t *buf, size_t len, const char *name,
			struct page_ranges *r);

#endif /* CRIU_PAGEMAP_H */
