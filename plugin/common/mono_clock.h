/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The monotonic clock, for timeouts and durations: the one reader of it.
 */
#ifndef THP_MONO_CLOCK_H
#define THP_MONO_CLOCK_H

#include <stdint.h>
#include <time.h>

static inline uint64_t mono_ns(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return t.tv_sec * 1000000000ull + t.tv_nsec;
}

static inline double mono_ms(void)
{
	return mono_ns() / 1e6;
}

#endif /* THP_MONO_CLOCK_H */
