// SPDX-License-Identifier: GPL-2.0
/*
 * thp_fragment
 *
 * Test tool: leaves no free 2 MiB block of memory for as long as it runs,
 * so that a huge page cannot be allocated (MADV_COLLAPSE: ENOMEM).  It
 * takes every free block of order 9 or more as a huge page of its own
 * (an hg mapping, touched 2 MiB at a time, until /proc/buddyinfo shows
 * none left in the DMA32 and Normal zones), then gives back the second
 * half of each: every 2 MiB of what was free then holds 1 MiB, and the
 * rest, free again, is there for a restore.  A block the kernel's
 * reserves kept from it is taken in the next round, once memory is free
 * again (up to ROUNDS).
 *
 * The caller makes it work and keeps it working (restore_faults.sh):
 *   vm.min_free_kbytes small, so that the pages the kernel keeps in
 *     reserve cannot hold a free 2 MiB block this tool cannot take;
 *   vm.extfrag_threshold 1000 and vm.compaction_proactiveness 0, so
 *     that compaction does not move the halves it holds together.
 * Prints "fragmented: ..." once done, then waits for SIGTERM or SIGINT.
 * Exit 0; 1 when a free 2 MiB block is left; 2 on error.
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#define CHUNK		(2ul << 20)
#define HUGE_ORDER	9
#define CHECK_EVERY	16	/* chunks between two looks at buddyinfo */
#define ROUNDS		8

/* Free blocks of order HUGE_ORDER or more in DMA32 and Normal, or -1. */
static long big_blocks(void)
{
	char line[512], zone[32];
	long n = 0, v;
	int order, off, used;
	FILE *f;

	f = fopen("/proc/buddyinfo", "r");
	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f)) {
		if (sscanf(line, "Node %*d, zone %31s%n", zone, &off) != 1)
			continue;
		if (strcmp(zone, "DMA32") && strcmp(zone, "Normal"))
			continue;
		for (order = 0; sscanf(line + off, "%ld%n", &v, &used) == 1;
		     order++) {
			off += used;
			if (order >= HUGE_ORDER)
				n += v;
		}
	}
	fclose(f);
	return n;
}

static long mem_kb(const char *key)
{
	char line[128];
	size_t len = strlen(key);
	long kb = -1;
	FILE *f;

	f = fopen("/proc/meminfo", "r");
	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f))
		if (!strncmp(line, key, len) && line[len] == ':')
			kb = strtol(line + len + 1, NULL, 10);
	fclose(f);
	return kb;
}

/* Touch chunk after chunk until no free 2 MiB block is left. */
static size_t take(uint8_t *p, size_t max)
{
	size_t n;

	for (n = 0; n < max; n++) {
		if (n % CHECK_EVERY == 0 && big_blocks() <= 0)
			break;
		p[n * CHUNK] = 1;
	}
	return n;
}

/*
 * The second half of each chunk back.  A half of a huge page is freed
 * only when the kernel splits the page; dropping the slab caches runs
 * the shrinker that does (deferred_split_scan).
 */
static int give_back(uint8_t *p, size_t n)
{
	size_t i;
	int fd;

	for (i = 0; i < n; i++)
		if (madvise(p + i * CHUNK + CHUNK / 2, CHUNK / 2,
			    MADV_DONTNEED))
			return -1;
	fd = open("/proc/sys/vm/drop_caches", O_WRONLY);
	if (fd < 0)
		return -1;
	if (write(fd, "2", 1) != 1) {
		close(fd);
		return -1;
	}
	return close(fd);
}

static volatile sig_atomic_t done;

static void on_signal(int sig)
{
	(void)sig;
	done = 1;
}

int main(void)
{
	long total = mem_kb("MemTotal"), left = -1;
	size_t max, n, k;
	int round;
	uint8_t *p;

	if (total <= 0 || big_blocks() < 0) {
		fprintf(stderr, "thp_fragment: cannot read /proc/meminfo or /proc/buddyinfo\n");
		return 2;
	}
	max = (size_t)total * 1024 / CHUNK;
	p = mmap(NULL, (max + 1) * CHUNK, PROT_READ | PROT_WRITE,
		 MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
	if (p == MAP_FAILED) {
		perror("thp_fragment: mmap");
		return 2;
	}
	p = (uint8_t *)(((uintptr_t)p + CHUNK - 1) & ~(CHUNK - 1));
	if (madvise(p, max * CHUNK, MADV_HUGEPAGE)) {
		perror("thp_fragment: madvise");
		return 2;
	}
	signal(SIGTERM, on_signal);
	signal(SIGINT, on_signal);
	/* the reserves may hide a block until memory is given back */
	for (n = 0, round = 0; round < ROUNDS && n < max; round++) {
		k = take(p + n * CHUNK, max - n);
		if (give_back(p + n * CHUNK, k)) {
			perror("thp_fragment: giving back");
			return 2;
		}
		n += k;
		left = big_blocks();
		if (!left)
			break;
	}
	printf("fragmented: %zu MiB held in %zu chunks, %d rounds, %ld MiB free, %ld free blocks "
	       "of 2 MiB or more\n",
	       n, n, round + 1, mem_kb("MemFree") >> 10, left);
	fflush(stdout);
	while (!done)
		pause();
	return left ? 1 : 0;
}
