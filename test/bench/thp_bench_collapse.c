// SPDX-License-Identifier: GPL-2.0
/*
 * thp_bench_collapse MIB [THREADS]: what a collapse costs on this machine,
 * without CRIU.  MIB of private anonymous memory is written on 4 KiB
 * pages (THP disabled by prctl while it is), then:
 *   collapse  MADV_COLLAPSE over every 2 MiB chunk, THREADS threads
 *             (default 1) each taking a contiguous share;
 *   memcpy    the same bytes copied into memory already faulted in, the
 *             floor of any collapse (it copies every page);
 *   fault     as many fresh huge pages faulted in, one write each: the
 *             allocation and zeroing a collapse's allocation compares to.
 * Prints one BENCH line each with the time, GiB/s and the /proc/vmstat
 * counters that moved (collapse allocations, compaction, migration).
 * Figures, never a verdict.
 */
#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <time.h>

#include "thp_mem.h"

#ifndef MADV_COLLAPSE
#define MADV_COLLAPSE	25
#endif

#define SEED		0x636f6c6cull
#define MAX_THREADS	16

static const char *const counters[] = {
	"thp_collapse_alloc", "thp_collapse_alloc_failed", "thp_fault_alloc",
	"thp_fault_fallback", "compact_stall", "compact_success",
	"compact_fail", "compact_migrate_scanned", "compact_free_scanned",
	"pgmigrate_success",
};
#define NR_COUNTERS	(sizeof(counters) / sizeof(counters[0]))

struct share {
	pthread_t t;
	uint8_t *at;
	size_t len;
	size_t failed;
};

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

static void read_vmstat(unsigned long long *v)
{
	char key[64];
	unsigned long long n;
	FILE *f = fopen("/proc/vmstat", "r");
	size_t i;

	memset(v, 0, NR_COUNTERS * sizeof(*v));
	if (!f)
		return;
	while (fscanf(f, "%63s %llu", key, &n) == 2)
		for (i = 0; i < NR_COUNTERS; i++)
			if (!strcmp(key, counters[i]))
				v[i] = n;
	fclose(f);
}

static void print_delta(const unsigned long long *a,
			const unsigned long long *b)
{
	size_t i;

	printf("; vmstat:");
	for (i = 0; i < NR_COUNTERS; i++)
		if (b[i] != a[i])
			printf(" %s +%llu", counters[i], b[i] - a[i]);
	printf("\n");
}

static void report(const char *what, size_t len, double s,
		   const unsigned long long *a, const unsigned long long *b)
{
	printf("BENCH %s %zu MiB: %.3f s, %.2f GiB/s", what, len >> 20, s,
	       (double)len / (1ull << 30) / s);
	print_delta(a, b);
}

static void *collapse_share(void *arg)
{
	struct share *s = arg;
	size_t off;

	for (off = 0; off < s->len; off += THP_CHUNK)
		if (madvise(s->at + off, THP_CHUNK, MADV_COLLAPSE))
			s->failed++;
	return NULL;
}

static int time_collapse(uint8_t *p, size_t len, unsigned int threads)
{
	size_t chunks = len / THP_CHUNK, per = chunks / threads, failed = 0;
	struct share s[MAX_THREADS];
	unsigned long long a[NR_COUNTERS], b[NR_COUNTERS];
	unsigned int i;
	double t;

	read_vmstat(a);
	t = now();
	for (i = 0; i < threads; i++) {
		s[i].at = p + i * per * THP_CHUNK;
		s[i].len = (i == threads - 1 ? chunks - i * per : per) *
			   THP_CHUNK;
		s[i].failed = 0;
		if (pthread_create(&s[i].t, NULL, collapse_share, &s[i]))
			return -1;
	}
	for (i = 0; i < threads; i++) {
		pthread_join(s[i].t, NULL);
		failed += s[i].failed;
	}
	t = now() - t;
	read_vmstat(b);
	printf("BENCH collapse %zu MiB, %u thread%s: %.3f s, %.2f GiB/s, %zu of %zu chunks refused",
	       len >> 20, threads, threads > 1 ? "s" : "", t,
	       (double)len / (1ull << 30) / t, failed, chunks);
	print_delta(a, b);
	return 0;
}

static int copy(const uint8_t *src, size_t len)
{
	unsigned long long a[NR_COUNTERS], b[NR_COUNTERS];
	uint8_t *dst = thp_map_aligned(len);
	double t;

	if (!dst)
		return -1;
	madvise(dst, len, MADV_HUGEPAGE);
	memset(dst, 1, len);
	read_vmstat(a);
	t = now();
	memcpy(dst, src, len);
	t = now() - t;
	read_vmstat(b);
	report("memcpy", len, t, a, b);
	munmap(dst, len);
	return 0;
}

static int fault(size_t len)
{
	unsigned long long a[NR_COUNTERS], b[NR_COUNTERS];
	uint8_t *p = thp_map_aligned(len);
	size_t off;
	double t;

	if (!p)
		return -1;
	madvise(p, len, MADV_HUGEPAGE);
	read_vmstat(a);
	t = now();
	for (off = 0; off < len; off += THP_CHUNK)
		p[off] = 1;
	t = now() - t;
	read_vmstat(b);
	report("fault", len, t, a, b);
	munmap(p, len);
	return 0;
}

int main(int argc, char **argv)
{
	size_t mib = argc > 1 ? strtoul(argv[1], NULL, 10) : 0;
	unsigned int threads = argc > 2 ? strtoul(argv[2], NULL, 10) : 1;
	size_t len = mib << 20;
	uint8_t *p;

	if (!mib || mib % 2 || !threads || threads > MAX_THREADS) {
		fprintf(stderr, "usage: thp_bench_collapse MIB (a multiple of 2) "
			"[THREADS, 1 to %d]\n", MAX_THREADS);
		return 2;
	}
	setvbuf(stdout, NULL, _IOLBF, 0);
	if (prctl(PR_SET_THP_DISABLE, 1, 0, 0, 0))
		goto fail;
	p = thp_map_aligned(len);
	if (!p)
		goto fail;
	thp_fill(p, len, SEED);
	if (prctl(PR_SET_THP_DISABLE, 0, 0, 0, 0))
		goto fail;
	if (time_collapse(p, len, threads))
		goto fail;
	if (thp_check(p, len, SEED)) {
		fprintf(stderr, "thp_bench_collapse: data changed by the collapse\n");
		return 1;
	}
	if (copy(p, len) || fault(len))
		goto fail;
	return 0;
fail:
	perror("thp_bench_collapse");
	return 1;
}
