/* SPDX-License-Identifier: GPL-2.0 */
/*
 * A set of addresses, kept in the order they are added (callers add them
 * ascending, so it is sorted).
 */
#ifndef THP_ADDR_SET_H
#define THP_ADDR_SET_H

#include <stddef.h>
#include <stdint.h>

struct addr_set {
	uint64_t *v;
	size_t n, cap;
};

/* Append addr: 0, or -ENOMEM (the set untouched). */
int addr_set_add(struct addr_set *s, uint64_t addr);
void addr_set_free(struct addr_set *s);

#endif /* THP_ADDR_SET_H */
