// SPDX-License-Identifier: GPL-2.0
/*
 * thp_bench_mem PIDFILE [MIB]: the process the dump benchmark dumps.
 * MIB (default 1024) of private anonymous memory, every page written:
 * the first half hg and collapsed into huge pages, the second half nh on
 * 4 KiB pages.  Writes its pid to PIDFILE once ready, then sleeps.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "bench_daemon.h"
#include "thp_mem.h"

#ifndef MADV_COLLAPSE
#define MADV_COLLAPSE	25
#endif

static int make_half(size_t len, int huge)
{
	uint8_t *p = thp_map_guarded(len, 0);
	size_t off;

	if (!p || madvise(p, len, huge ? MADV_HUGEPAGE : MADV_NOHUGEPAGE)) {
		perror("thp_bench_mem: mmap/madvise");
		return -1;
	}
	thp_fill(p, len, 0x62656e6368ull);
	for (off = 0; huge && off < len; off += THP_CHUNK)
		madvise(p + off, THP_CHUNK, MADV_COLLAPSE);	/* best effort */
	return 0;
}

int main(int argc, char **argv)
{
	size_t mib = argc > 2 ? strtoul(argv[2], NULL, 10) : 1024;
	int fd;

	if (argc < 2 || !mib || mib % 4) {
		fprintf(stderr, "usage: thp_bench_mem PIDFILE [MIB, a multiple of 4]\n");
		return 2;
	}
	if (bench_daemonize(&fd))
		return 1;
	if (make_half(mib << 19, 1) || make_half(mib << 19, 0))
		return 1;
	if (bench_ready(argv[1], fd))
		return 1;
	for (;;)
		pause();
}
