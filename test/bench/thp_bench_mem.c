// SPDX-License-Identifier: GPL-2.0
/*
 * thp_bench_mem PIDFILE [MIB [CHECKFILE]]: the process the dump benchmark
 * dumps.  MIB (default 1024) of private anonymous memory, every page
 * written: the first half hg and collapsed into huge pages, the second
 * half nh on 4 KiB pages.  Writes its pid to PIDFILE once ready, then
 * sleeps.  With CHECKFILE, SIGTERM makes it check every word it wrote
 * and write "PASS" or where the data went wrong there, then exit.  With
 * THP_BENCH_HG_ONLY=1 in the environment, all MIB are the hg half.
 */
#include <errno.h>
#include <signal.h>
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

#define SEED	0x62656e6368ull

static uint8_t *half[2];
static size_t half_len;
static const char *checkfile;

/* Once SIGTERM comes: the verdict on every word, in checkfile. */
static int check(void)
{
	FILE *f;
	void *bad = NULL;
	sigset_t set;
	int i, sig;

	sigemptyset(&set);
	sigaddset(&set, SIGTERM);
	if (sigwait(&set, &sig))
		return 1;
	f = fopen(checkfile, "w");
	for (i = 0; i < 2 && half[i] && !bad; i++)
		bad = thp_check(half[i], half_len, SEED);
	if (!f)
		return 1;
	if (bad)
		fprintf(f, "FAIL: wrong data at %p\n", bad);
	else
		fprintf(f, "PASS: %zu MiB checked\n",
			(half[1] ? 2 * half_len : half_len) >> 20);
	return fclose(f) || bad ? 1 : 0;
}

static int make_half(size_t len, int huge)
{
	uint8_t *p = thp_map_guarded(len, 0);
	size_t off;

	if (!p || madvise(p, len, huge ? MADV_HUGEPAGE : MADV_NOHUGEPAGE)) {
		perror("thp_bench_mem: mmap/madvise");
		return -1;
	}
	thp_fill(p, len, SEED);
	half[!huge] = p;
	for (off = 0; huge && off < len; off += THP_CHUNK)
		madvise(p + off, THP_CHUNK, MADV_COLLAPSE);	/* best effort */
	return 0;
}

int main(int argc, char **argv)
{
	size_t mib = argc > 2 ? strtoul(argv[2], NULL, 10) : 1024;
	sigset_t set;
	int fd, hg_only;

	if (argc < 2 || !mib || mib % 4) {
		fprintf(stderr, "usage: thp_bench_mem PIDFILE "
			"[MIB, a multiple of 4 [CHECKFILE]]\n");
		return 2;
	}
	checkfile = argc > 3 ? argv[3] : NULL;
	if (checkfile) {
		sigemptyset(&set);
		sigaddset(&set, SIGTERM);
		sigprocmask(SIG_BLOCK, &set, NULL);
	}
	if (bench_daemonize(&fd))
		return 1;
	hg_only = getenv("THP_BENCH_HG_ONLY") != NULL;
	half_len = hg_only ? mib << 20 : mib << 19;
	if (make_half(half_len, 1) || (!hg_only && make_half(half_len, 0)))
		return 1;

	if (bench_ready(argv[1], fd))
		return 1;
	if (checkfile)
		return check();
	for (;;)
		pause();
}
