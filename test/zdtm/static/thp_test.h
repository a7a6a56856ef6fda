/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Helpers shared by the THP zdtm tests.  Header-only, so each test still
 * builds from its own .c under CRIU's zdtm Makefile.
 */
#ifndef THP_TEST_H
#define THP_TEST_H

#include <inttypes.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>

#include "zdtmtst.h"

#define THP_CHUNK	(2ul << 20)

enum thp_adv { ADV_NONE, ADV_HG, ADV_NH, ADV_MIXED };

static inline const char *thp_adv_name(enum thp_adv a)
{
	static const char *const names[] = { "none", "hg", "nh", "mixed" };

	return names[a];
}

/* Anonymous private memory aligned to a 2 MiB chunk boundary. */
static inline void *thp_map_aligned(size_t len)
{
	uint8_t *p, *a;

	p = mmap(NULL, len + THP_CHUNK, PROT_READ | PROT_WRITE,
		 MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (p == MAP_FAILED)
		return NULL;
	a = (uint8_t *)(((uintptr_t)p + THP_CHUNK - 1) & ~(THP_CHUNK - 1));
	if (a > p)
		munmap(p, a - p);
	munmap(a + len, p + THP_CHUNK - a);
	return a;
}

/* The pattern: every 64-bit word depends on its address and a seed. */
static inline uint64_t thp_word(const void *at, uint64_t seed)
{
	uint64_t x = (uintptr_t)at ^ seed;

	x ^= x >> 31;
	x *= 0x9e3779b97f4a7c15ull;
	return x ^ (x >> 29);
}

static inline void thp_fill(void *addr, size_t len, uint64_t seed)
{
	uint64_t *w = addr, *end = (uint64_t *)((uint8_t *)addr + len);

	for (; w < end; w++)
		*w = thp_word(w, seed);
}

/* Address of the first word that does not match, or NULL. */
static inline void *thp_check(void *addr, size_t len, uint64_t seed)
{
	uint64_t *w = addr, *end = (uint64_t *)((uint8_t *)addr + len);

	for (; w < end; w++)
		if (*w != thp_word(w, seed))
			return w;
	return NULL;
}

static inline enum thp_adv thp_adv_merge(enum thp_adv acc, int first,
					 enum thp_adv v)
{
	return first || acc == v ? v : ADV_MIXED;
}

/* The VMA advice over [addr, addr+len), from /proc/self/smaps. */
static inline int thp_range_advice(void *addr, size_t len, enum thp_adv *adv)
{
	uintptr_t lo = (uintptr_t)addr, hi = lo + len, s, e;
	int in = 0, first = 1;
	char line[512];
	FILE *f;

	f = fopen("/proc/self/smaps", "r");
	if (!f)
		return -1;
	*adv = ADV_NONE;
	while (fgets(line, sizeof(line), f)) {
		if (sscanf(line, "%" SCNxPTR "-%" SCNxPTR " ", &s, &e) == 2 &&
		    strchr(line, '-') < strchr(line, ' ')) {
			in = s < hi && e > lo;
			continue;
		}
		if (!in || strncmp(line, "VmFlags:", 8))
			continue;
		*adv = thp_adv_merge(*adv, first,
				     strstr(line, " hg") ? ADV_HG :
				     strstr(line, " nh") ? ADV_NH : ADV_NONE);
		first = 0;
	}
	fclose(f);
	return first ? -1 : 0;
}

#endif /* THP_TEST_H */
