// SPDX-License-Identifier: GPL-2.0
/*
 * thp_bench_chase PIDFILE OUTFILE [MIB]: a memory-bound process for the
 * workload benchmark.  MIB (default 1024) of private anonymous memory,
 * hg and collapsed into huge pages, holding one pointer per 4 KiB page
 * that chains every page in a random order, so that each load depends on
 * the one before and almost every one misses the TLB.  Writes its pid to
 * PIDFILE once ready; then, for every SIGUSR1, follows LOADS (20 million)
 * links and appends "NS_PER_LOAD ANON_HUGE_KIB" to OUTFILE.
 */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <time.h>
#include <unistd.h>

#include "bench_daemon.h"
#include "thp_mem.h"

#ifndef MADV_COLLAPSE
#define MADV_COLLAPSE	25
#endif

#define PAGE		4096ul
#define LOADS		20000000ul

static uint64_t rnd(uint64_t *x)
{
	*x ^= *x << 13;
	*x ^= *x >> 7;
	*x ^= *x << 17;
	return *x;
}

/* Every page links to the next one of a random cycle through all. */
static void *build_chain(size_t len)
{
	size_t n = len / PAGE, i, j, t, *order;
	uint8_t *p = thp_map_guarded(len, 0);
	uint64_t x = 0x9e3779b97f4a7c15ull;

	order = malloc(n * sizeof(*order));
	if (!p || !order || madvise(p, len, MADV_HUGEPAGE)) {
		perror("thp_bench_chase: mmap/malloc/madvise");
		return NULL;
	}
	for (i = 0; i < n; i++)
		order[i] = i;
	for (i = n - 1; i > 0; i--) {
		j = rnd(&x) % (i + 1);
		t = order[i];
		order[i] = order[j];
		order[j] = t;
	}
	for (i = 0; i < n; i++)
		*(void **)(p + order[i] * PAGE) = p + order[(i + 1) % n] * PAGE;
	for (i = 0; i < len; i += THP_CHUNK)
		madvise(p + i, THP_CHUNK, MADV_COLLAPSE);	/* best effort */
	free(order);
	return p;
}

static double now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e9 + ts.tv_nsec;
}

static unsigned long huge_kib(void)
{
	char line[128];
	unsigned long kb = 0;
	FILE *f = fopen("/proc/self/smaps_rollup", "r");

	while (f && fgets(line, sizeof(line), f))
		if (sscanf(line, "AnonHugePages: %lu", &kb) == 1)
			break;
	if (f)
		fclose(f);
	return kb;
}

static int measure(void *start, const char *outfile)
{
	void *volatile *q = start;
	double t0 = now_ns(), ns;
	unsigned long i;
	FILE *f;

	for (i = 0; i < LOADS; i++)
		q = *q;
	ns = (now_ns() - t0) / LOADS;
	f = fopen(outfile, "a");
	if (!f || fprintf(f, "%.1f %lu %p\n", ns, huge_kib(), (void *)q) < 0 ||
	    fclose(f))
		return -1;
	return 0;
}

int main(int argc, char **argv)
{
	size_t mib = argc > 3 ? strtoul(argv[3], NULL, 10) : 1024;
	sigset_t usr1;
	void *chain;
	int fd, sig;

	if (argc < 3 || !mib || mib % 2) {
		fprintf(stderr, "usage: thp_bench_chase PIDFILE OUTFILE [MIB, even]\n");
		return 2;
	}
	sigemptyset(&usr1);
	sigaddset(&usr1, SIGUSR1);
	if (sigprocmask(SIG_BLOCK, &usr1, NULL) || bench_daemonize(&fd))
		return 1;
	chain = build_chain(mib << 20);
	if (!chain)
		return 1;
	if (bench_ready(argv[1], fd))
		return 1;
	for (;;) {
		if (sigwait(&usr1, &sig) || measure(chain, argv[2]))
			return 1;
	}
}
