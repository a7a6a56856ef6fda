// SPDX-License-Identifier: GPL-2.0
/*
 * CRIU's pagemap-<id>.img as the plugin reads it: the header, the
 * PagemapHead, then PagemapEntry after PagemapEntry into page ranges,
 * with the page count from field 2 (CRIU up to 4.1) or 5 (4.2).  Every
 * range that comes out must be page-aligned, sorted and apart.
 */
#include "fuzz.h"
#include "criu_pagemap.h"

FUZZ_QUIET()

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct page_ranges r = { };
	size_t i;

	if (!criu_pagemap_decode(data, size, "pagemap-1.img", &r)) {
		for (i = 0; i < r.n; i++)
			if (r.v[i].start >= r.v[i].end ||
			    (r.v[i].start | r.v[i].end) & 4095 ||
			    (i && r.v[i].start < r.v[i - 1].end))
				abort();
	}
	page_ranges_free(&r);
	return 0;
}
