/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Memory helpers of the THP tests: aligned mappings and a checkable
 * pattern.  libc only, so host unit tests can use them too.
 */
#ifndef THP_MEM_H
#define THP_MEM_H

#include <inttypes.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>

#define THP_CHUNK	(2ul << 20)

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

/*
 * len bytes at offset bytes past a 2 MiB boundary, with inaccessible
 * guard pages on both sides so that the mapping never merges with a
 * neighbour.  NULL on failure.
 */
static inline void *thp_map_guarded(size_t len, size_t offset)
{
	size_t span = len + offset + 3 * THP_CHUNK;
	uint8_t *p, *a;

	p = mmap(NULL, span, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS |
		 MAP_NORESERVE, -1, 0);
	if (p == MAP_FAILED)
		return NULL;
	a = (uint8_t *)(((uintptr_t)p + 2 * THP_CHUNK - 1) & ~(THP_CHUNK - 1));
	a += offset;
	if (mmap(a, len, PROT_READ | PROT_WRITE,
		 MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, -1, 0) == MAP_FAILED)
		return NULL;
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

/*
 * A /proc/PID/smaps VMA header ("start-end perms ..."): 1 and its bounds;
 * 0 and the bounds untouched for any other line ("FilePmdMapped:" starts
 * with a hex digit).
 */
static inline int thp_smaps_header(const char *line, uint64_t *start,
				   uint64_t *end)
{
	uint64_t s, e;

	if (sscanf(line, "%" SCNx64 "-%" SCNx64 " ", &s, &e) != 2 ||
	    strchr(line, '-') > strchr(line, ' '))
		return 0;
	*start = s;
	*end = e;
	return 1;
}

/*
 * cb(line, start, end, arg) for every line of /proc/self/smaps after the
 * header of a VMA that overlaps [lo, hi); the number of such VMAs, or
 * -1 if smaps cannot be read.
 */
typedef void (*thp_smaps_cb)(const char *line, uint64_t start, uint64_t end,
			     void *arg);

static inline int thp_smaps_each(uint64_t lo, uint64_t hi, thp_smaps_cb cb,
				 void *arg)
{
	uint64_t s = 0, e = 0;
	int in = 0, n = 0;
	char line[512];
	FILE *f;

	f = fopen("/proc/self/smaps", "r");
	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f)) {
		if (thp_smaps_header(line, &s, &e)) {
			in = s < hi && e > lo;
			n += in;
		} else if (in) {
			cb(line, s, e, arg);
		}
	}
	fclose(f);
	return n;
}

#endif /* THP_MEM_H */
