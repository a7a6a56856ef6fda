/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Bisection over sorted, non-overlapping address ranges: the VMAs of a
 * task entry, smaps' VMAs, the page ranges of an image.
 */
#ifndef BISECT_H
#define BISECT_H

#include <stddef.h>
#include <stdint.h>

/*
 * The first index i of [0, n) whose range ends above addr (end(arr, i) >
 * addr), or n if none does.  end(arr, i) must not decrease as i grows.
 */
static inline size_t bisect_end_above(const void *arr, size_t n,
				      uint64_t (*end)(const void *, size_t),
				      uint64_t addr)
{
	size_t lo = 0, hi = n, mid;

	while (lo < hi) {
		mid = lo + (hi - lo) / 2;
		if (end(arr, mid) <= addr)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

#endif /* BISECT_H */
