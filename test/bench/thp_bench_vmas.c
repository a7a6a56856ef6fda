// SPDX-License-Identifier: GPL-2.0
/*
 * thp_bench_vmas PIDFILE NR: a process with NR more VMAs, for the growth
 * benchmark.  One private anonymous mapping of NR pages, every page
 * written, and MADV_HUGEPAGE on every other page, so that no two
 * neighbours merge: NR VMAs, alternately hg and without advice.  Writes
 * its pid to PIDFILE once ready, then sleeps until killed.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "bench_daemon.h"

#define PAGE	4096ul

static int make_vmas(unsigned long nr)
{
	char *p = mmap(NULL, nr * PAGE, PROT_READ | PROT_WRITE,
		       MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	unsigned long i;

	if (p == MAP_FAILED)
		return -1;
	memset(p, 0x5a, nr * PAGE);
	for (i = 0; i < nr; i += 2)
		if (madvise(p + i * PAGE, PAGE, MADV_HUGEPAGE))
			return -1;
	return 0;
}

int main(int argc, char **argv)
{
	unsigned long nr;
	int fd;

	if (argc != 3) {
		fprintf(stderr, "usage: thp_bench_vmas PIDFILE NR\n");
		return 2;
	}
	nr = strtoul(argv[2], NULL, 0);
	if (bench_daemonize(&fd))
		return 1;
	if (make_vmas(nr)) {
		perror("thp_bench_vmas: mmap/madvise");
		return 1;
	}
	if (bench_ready(argv[1], fd))
		return 1;
	for (;;)
		pause();
}
