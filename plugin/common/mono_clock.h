/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The monotonic clock in milliseconds, for timeouts and durations.
 */
#ifndef THP_MONO_CLOCK_H
#define THP_MONO_CLOCK_H

#include <time.h>

static inline double mono_ms(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return t.tv_sec * 1e3 + t.tv_nsec / 1e6;
}

#endif /* THP_MONO_CLOCK_H */
