// SPDX-License-Identifier: GPL-2.0
/*
 * Run lists of 2 MiB chunks.
 */
#include <errno.h>
#include <stdlib.h>

#include "array.h"
#include "chunk_runs.h"
#include "thp_image.h"

static int grow(struct chunk_runs *r)
{
	ThpChunkRun **v = array_room(r->v, r->n, &r->cap, sizeof(*v));

	if (!v)
		return -ENOMEM;
	r->v = v;
	return 0;
}

int chunk_runs_add(struct chunk_runs *r, uint64_t addr)
{
	ThpChunkRun *last = r->n ? r->v[r->n - 1] : NULL;
	ThpChunkRun *run;

	if (last && last->first + ((uint64_t)last->nr << THP_CHUNK_SHIFT) ==
		    addr && last->nr < UINT32_MAX) {
		last->nr++;
		return 0;
	}
	if (r->n == r->cap && grow(r))
		return -ENOMEM;
	run = malloc(sizeof(*run));
	if (!run)
		return -ENOMEM;
	thp_chunk_run__init(run);
	run->first = addr;
	run->nr = 1;
	r->v[r->n++] = run;
	return 0;
}

int chunk_runs_add_all(struct chunk_runs *r, const uint64_t *addr, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (chunk_runs_add(r, addr[i]))
			return -ENOMEM;
	return 0;
}

void chunk_runs_give(struct chunk_runs *r, ThpChunkRun ***v, size_t *n)
{
	*v = r->v;
	*n = r->n;
	r->v = NULL;
	r->n = 0;
	r->cap = 0;
}

void chunk_runs_drop(ThpChunkRun ***v, size_t *n)
{
	size_t i;

	for (i = 0; i < *n; i++)
		free((*v)[i]);
	free(*v);
	*v = NULL;
	*n = 0;
}

void chunk_runs_free(struct chunk_runs *r)
{
	chunk_runs_drop(&r->v, &r->n);
	r->cap = 0;
}

uint64_t chunk_runs_count(ThpChunkRun *const *v, size_t n)
{
	uint64_t nr = 0;
	size_t i;

	for (i = 0; i < n; i++)
		nr += v[i]->nr;
	return nr;
}
