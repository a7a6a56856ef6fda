// SPDX-License-Identifier: GPL-2.0
/*
 * A set of addresses (addr_set.h).
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "addr_set.h"
#include "array.h"

int addr_set_add(struct addr_set *s, uint64_t addr)
{
	uint64_t *v = array_room(s->v, s->n, &s->cap, sizeof(*v));

	if (!v)
		return -ENOMEM;
	s->v = v;
	s->v[s->n++] = addr;
	return 0;
}

void addr_set_free(struct addr_set *s)
{
	free(s->v);
	memset(s, 0, sizeof(*s));
}
