/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Building and reading the chunk run lists of images/thp.proto: sorted
 * lists of (first chunk, number of chunks) for 2 MiB-aligned chunks.
 */
#ifndef CHUNK_RUNS_H
#define CHUNK_RUNS_H

#include <stddef.h>
#include <stdint.h>

#include "thp.pb-c.h"

/*
 * A list under construction.  The runs are allocated the way protobuf-c
 * allocates decoded ones, so a list handed to a message with
 * chunk_runs_give() is freed with the message.
 */
struct chunk_runs {
	ThpChunkRun **v;
	size_t n, cap;
};

/* Append the chunk at addr; chunks must come in increasing order. */
int chunk_runs_add(struct chunk_runs *r, uint64_t addr);
/* Append every chunk of a sorted address array. */
int chunk_runs_add_all(struct chunk_runs *r, const uint64_t *addr, size_t n);
/* Move the list into a message's repeated field; r is empty after. */
void chunk_runs_give(struct chunk_runs *r, ThpChunkRun ***v, size_t *n);
void chunk_runs_free(struct chunk_runs *r);
/* Free a message's run list and leave it empty. */
void chunk_runs_drop(ThpChunkRun ***v, size_t *n);

/* Number of chunks in a run list. */
uint64_t chunk_runs_count(ThpChunkRun *const *v, size_t n);

#endif /* CHUNK_RUNS_H */
