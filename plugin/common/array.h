/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Growing an array by one element: the one way to do it here.
 */
#ifndef THP_ARRAY_H
#define THP_ARRAY_H

#include <stdlib.h>

/*
 * Room for element n of the array v of *cap elements of size bytes:
 * v itself while n < *cap, else v reallocated to twice the elements (8
 * at first) with *cap updated, or NULL (v untouched) when memory runs
 * out.  Assign the result back to v: it needs no cast.
 */
static inline void *array_room(void *v, size_t n, size_t *cap, size_t size)
{
	size_t c;
	void *p;

	if (n < *cap)
		return v;
	c = *cap ? *cap * 2 : 8;
	p = reallocarray(v, c, size);
	if (p)
		*cap = c;
	return p;
}

#endif /* THP_ARRAY_H */
