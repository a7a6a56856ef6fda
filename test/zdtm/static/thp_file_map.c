// SPDX-License-Identifier: GPL-2.0
/*
 * thp_file_map: file mappings the plugin must never write into.  Two
 * files of 8 MiB in the test's directory, each mapped 2 MiB-aligned with
 * MADV_HUGEPAGE and read from a cold page cache, so that a kernel whose
 * filesystem has large folios (ext4 and xfs on 6.16+) maps them with PMDs:
 * a MAP_PRIVATE PROT_READ|PROT_EXEC mapping (program text) and a
 * MAP_SHARED read-write one, never written through.  At the source the
 * test logs how much of each was PMD-mapped.
 *
 * After the restore, before the test touches them, each must be PMD-mapped
 * as much as at the source when $THP_EXPECT is "exact" (the plugin faults
 * file chunks in: the page cache's large folios are mapped huge, while
 * MADV_COLLAPSE takes a file chunk only with READ_ONLY_THP_FOR_FS).
 * Neither may hold an anonymous page (a write into the private one puts
 * a copy-on-write page in it, which splits the PMD mapping for good), the
 * shared file must have its modification time and every byte of its
 * contents, the private one its contents.
 */
#include <fcntl.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "zdtmtst.h"
#include "thp_test.h"

const char *test_doc = "the plugin writes into no file mapping";
const char *test_author = "criu-thp";

#define MAP_LEN		(4 * THP_CHUNK)
#define SEED		0x7468705f66696c65ull	/* "thp_file" */

static struct file_map {
	const char *name;
	int prot;
	int flags;
	uint64_t seed;
	int fd;
	struct stat st;
	uint64_t pmd_kb;	/* PMD-mapped at the source */
	void *addr;
} maps[] = {
	{ .name = "thp_file_map.text", .prot = PROT_READ | PROT_EXEC,
	  .flags = MAP_PRIVATE, .seed = SEED },
	{ .name = "thp_file_map.shared", .prot = PROT_READ | PROT_WRITE,
	  .flags = MAP_SHARED, .seed = SEED + 1 },
};

#define NR_MAPS		(sizeof(maps) / sizeof(maps[0]))

static volatile uint8_t sink;	/* what the reads sum to */

/* The pattern by file offset: the file is written at another address. */
static void fill(uint64_t *w, uint64_t seed)
{
	size_t i;

	for (i = 0; i < MAP_LEN / sizeof(*w); i++)
		w[i] = thp_word((void *)(i * sizeof(*w)), seed);
}

static void *bad_word(const uint64_t *w, uint64_t seed)
{
	size_t i;

	for (i = 0; i < MAP_LEN / sizeof(*w); i++)
		if (w[i] != thp_word((void *)(i * sizeof(*w)), seed))
			return (void *)&w[i];
	return NULL;
}

/* The file with its pattern, on disk and out of the page cache. */
static int write_file(struct file_map *m)
{
	void *buf = thp_map_aligned(MAP_LEN);

	if (!buf)
		return -1;
	fill(buf, m->seed);
	m->fd = open(m->name, O_RDWR | O_CREAT | O_TRUNC, 0600);
	if (m->fd < 0 || write(m->fd, buf, MAP_LEN) != (ssize_t)MAP_LEN ||
	    fsync(m->fd) ||
	    posix_fadvise(m->fd, 0, MAP_LEN, POSIX_FADV_DONTNEED))
		return -1;
	munmap(buf, MAP_LEN);
	return 0;
}

/* Map it 2 MiB-aligned, hg, and read every page. */
static int map_file(struct file_map *m)
{
	uint8_t *p, *a;
	size_t i;

	p = mmap(NULL, MAP_LEN + 3 * THP_CHUNK, PROT_NONE,
		 MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
	if (p == MAP_FAILED)
		return -1;
	a = (uint8_t *)(((uintptr_t)p + 2 * THP_CHUNK - 1) & ~(THP_CHUNK - 1));
	if (mmap(a, MAP_LEN, m->prot, m->flags | MAP_FIXED, m->fd, 0) ==
	    MAP_FAILED)
		return -1;
	if (madvise(a, MAP_LEN, MADV_HUGEPAGE))
		return -1;
	for (i = 0; i < MAP_LEN; i += 4096)
		sink += a[i];
	m->addr = a;
	return fstat(m->fd, &m->st);
}

static int setup(struct file_map *m)
{
	if (write_file(m) || map_file(m)) {
		pr_perror("%s", m->name);
		return -1;
	}
	if (thp_range_field_kb(m->addr, MAP_LEN, "FilePmdMapped:", &m->pmd_kb))
		m->pmd_kb = 0;
	test_msg("%s at %p: %" PRIu64 " KiB of %lu PMD-mapped\n", m->name,
		 m->addr, m->pmd_kb, MAP_LEN >> 10);
	return 0;
}

/* Restored as PMD-mapped as at the source, when the plugin restored it. */
static int same_huge(const struct file_map *m)
{
	const char *expect = getenv("THP_EXPECT");
	uint64_t kb;

	if (!expect || strcmp(expect, "exact"))
		return 0;
	if (thp_range_field_kb(m->addr, MAP_LEN, "FilePmdMapped:", &kb)) {
		fail("%s at %p not found in smaps", m->name, m->addr);
		return -1;
	}
	if (kb == m->pmd_kb)
		return 0;
	fail("%s at %p: %" PRIu64 " KiB PMD-mapped after C/R, %" PRIu64
	     " KiB before", m->name, m->addr, kb, m->pmd_kb);
	return -1;
}

static int same_mtime(const struct file_map *m)
{
	struct stat st;

	if (fstat(m->fd, &st)) {
		pr_perror("fstat %s", m->name);
		return 0;
	}
	if (st.st_mtim.tv_sec == m->st.st_mtim.tv_sec &&
	    st.st_mtim.tv_nsec == m->st.st_mtim.tv_nsec)
		return 1;
	fail("%s: modified at %ld.%09ld, was %ld.%09ld", m->name,
	     (long)st.st_mtim.tv_sec, st.st_mtim.tv_nsec,
	     (long)m->st.st_mtim.tv_sec, m->st.st_mtim.tv_nsec);
	return 0;
}

/* 0 when the mapping holds no anonymous page and the file is as set up. */
static int check(const struct file_map *m, const char *when)
{
	uint64_t kb;
	void *bad;

	if (thp_range_field_kb(m->addr, MAP_LEN, "Anonymous:", &kb)) {
		fail("%s: %s at %p not found in smaps", when, m->name, m->addr);
		return -1;
	}
	if (kb) {
		fail("%s: %s at %p holds %" PRIu64 " KiB of anonymous pages",
		     when, m->name, m->addr, kb);
		return -1;
	}
	bad = bad_word(m->addr, m->seed);
	if (bad) {
		fail("%s: %s: wrong data at %p", when, m->name, bad);
		return -1;
	}
	return same_mtime(m) ? 0 : -1;
}

int main(int argc, char **argv)
{
	unsigned int i;
	int ret = 0;

	test_init(argc, argv);

	for (i = 0; i < NR_MAPS; i++)
		if (setup(&maps[i]))
			return 1;
	for (i = 0; i < NR_MAPS; i++)
		if (check(&maps[i], "before C/R"))
			return 1;

	test_daemon();
	test_waitsig();

	for (i = 0; i < NR_MAPS; i++)
		ret |= same_huge(&maps[i]);
	for (i = 0; i < NR_MAPS; i++)
		ret |= check(&maps[i], "after C/R");
	if (!ret)
		pass();
	return ret ? 1 : 0;
}
