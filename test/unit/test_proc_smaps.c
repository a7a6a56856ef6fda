// SPDX-License-Identifier: GPL-2.0
/*
 * /proc/PID/smaps parser: VmFlags, fields, kinds, malformed input, the
 * live smaps of this process after madvise(), and smaps_rollup.
 */
#include <errno.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <unistd.h>

#include "unit.h"
#include "proc_smaps.h"

#define MAX_VMAS 8

struct collected {
	int nr;
	struct smaps_vma v[MAX_VMAS];
};

static int collect(const struct smaps_vma *v, void *arg)
{
	struct collected *c = arg;

	if (c->nr == MAX_VMAS)
		return -E2BIG;
	c->v[c->nr++] = *v;
	return 0;
}

static const char smaps_two[] =
	"7f0000000000-7f0000800000 rw-p 00000000 00:00 0\x20\n"	/* as padded */
	"Size:               8192 kB\n"
	"Rss:                8192 kB\n"
	"AnonHugePages:      6144 kB\n"
	"ShmemPmdMapped:        0 kB\n"
	"VmFlags: rd wr mr mw me ac sd hg um\n"
	"7f0000800000-7f0000a00000 rw-s 00000000 00:01 1025 /memfd:buf (deleted)\n"
	"Size:               2048 kB\n"
	"Rss:                2048 kB\n"
	"AnonHugePages:         0 kB\n"
	"ShmemPmdMapped:     2048 kB\n"
	"VmFlags: rd wr sh mr mw me ms sd nh\n";

static void vmflags_words(void **state)
{
	(void)state;
	assert_int_equal(proc_smaps_parse_vmflags(" rd wr hg\n"), VMF_HG);
	assert_int_equal(proc_smaps_parse_vmflags(" nh um uw ui"),
			 VMF_NH | VMF_UM | VMF_UW | VMF_UI);
	/* whole words only: "hgx" and "xh" are not "hg" */
	assert_int_equal(proc_smaps_parse_vmflags(" hgx xhg sh"), VMF_SH);
	assert_int_equal(proc_smaps_parse_vmflags(""), 0);
	assert_int_equal(proc_smaps_parse_vmflags(" h"), 0);
}

static void two_vmas_with_fields(void **state)
{
	struct collected c = { 0 };
	FILE *f = str_file(smaps_two);

	(void)state;
	assert_int_equal(proc_smaps_parse(f, collect, &c), 0);
	fclose(f);
	assert_int_equal(c.nr, 2);

	assert_true(c.v[0].start == 0x7f0000000000ull);
	assert_true(c.v[0].end == 0x7f0000800000ull);
	assert_string_equal(c.v[0].perms, "rw-p");
	assert_int_equal(c.v[0].anon_huge_kb, 6144);
	assert_int_equal(c.v[0].vmflags, VMF_HG | VMF_UM);
	assert_true(c.v[0].has_vmflags);
	assert_int_equal(proc_smaps_vma_kind(&c.v[0]), VMA_KIND_PRIVATE_ANON);

	assert_string_equal(c.v[1].path, "/memfd:buf (deleted)");
	assert_int_equal(c.v[1].shmem_pmd_kb, 2048);
	assert_int_equal(c.v[1].vmflags, VMF_SH | VMF_NH);
	assert_int_equal(proc_smaps_vma_kind(&c.v[1]), VMA_KIND_SHMEM);
}

static void kinds(void **state)
{
	static const struct {
		const char *line;
		enum vma_kind kind;
	} cases[] = {
		{ "1000-2000 r-xp 0 08:01 77 /usr/bin/cat", VMA_KIND_FILE },
		{ "1000-2000 rw-p 0 00:00 0 [heap]", VMA_KIND_PRIVATE_ANON },
		{ "1000-2000 rw-p 0 00:00 0 [stack]", VMA_KIND_PRIVATE_ANON },
		{ "1000-2000 r-xp 0 00:00 0 [vdso]", VMA_KIND_SPECIAL },
		{ "1000-2000 rw-s 0 00:01 9 /dev/zero (deleted)", VMA_KIND_SHMEM },
		{ "1000-2000 rw-s 0 00:01 9 /SYSV00000000 (deleted)", VMA_KIND_SHMEM },
		{ "1000-2000 rw-p 0 00:01 9 /memfd:x (deleted)", VMA_KIND_FILE },
		{ "1000-2000 rw-s 0 08:01 9 /data/file with spaces", VMA_KIND_FILE },
	};
	struct smaps_vma v;
	unsigned int i;

	(void)state;
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		assert_int_equal(proc_smaps_parse_maps_line(cases[i].line, &v), 0);
		assert_int_equal(proc_smaps_vma_kind(&v), cases[i].kind);
	}
	assert_int_equal(proc_smaps_parse_maps_line(cases[7].line, &v), 0);
	assert_string_equal(v.path, "/data/file with spaces");
}

/* Every field of a maps line, with and without a path. */
static void maps_fields(void **state)
{
	struct smaps_vma v;

	(void)state;
	assert_int_equal(proc_smaps_parse_maps_line(
		"7f12a000-7f12c000 r-xs 1a000 fd:3 123456 /lib/x.so\n", &v), 0);
	assert_true(v.start == 0x7f12a000ull && v.end == 0x7f12c000ull);
	assert_string_equal(v.perms, "r-xs");
	assert_true(v.pgoff == 0x1a000ull);
	assert_int_equal(v.dev_major, 0xfd);
	assert_int_equal(v.dev_minor, 3);
	assert_int_equal(v.inode, 123456);
	assert_string_equal(v.path, "/lib/x.so");
	assert_int_equal(proc_smaps_parse_maps_line(
		"1000-2000 rw-p 00000000 00:00 0\n", &v), 0);
	assert_int_equal(v.inode, 0);
	assert_string_equal(v.path, "");
}

static void malformed(void **state)
{
	static const char *const bad[] = {
		"Size: 4 kB\n",				/* field before any VMA */
		"2000-1000 rw-p 0 00:00 0\n",		/* end before start */
		"7f00-7f10 rw-p zz 00:00 0\n",		/* bad offset */
		"7f00-7f10 rw-p 0 08-01 0\n",		/* bad device */
		"7f00-7f10 rw-p 0 08:01\n",		/* no inode */
		"7f00-7f10 rw-p 0 08:01 7x /a\n",	/* bad inode */
		"7f00-7f10 rwp 0 08:01 7 /a\n",	/* short perms */
		"7f00 7f10 rw-p 0 08:01 7 /a\n",	/* no dash */
	};
	struct collected c;
	unsigned int i;

	(void)state;
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		FILE *f = str_file(bad[i]);

		c.nr = 0;
		assert_int_equal(proc_smaps_parse(f, collect, &c), -EINVAL);
		fclose(f);
	}
}

static void callback_stops_the_walk(void **state)
{
	struct collected c = { .nr = MAX_VMAS };	/* full: collect says stop */
	FILE *f = str_file(smaps_two);

	(void)state;
	assert_int_equal(proc_smaps_parse(f, collect, &c), -E2BIG);
	fclose(f);
}

struct find {
	uint64_t addr;
	struct smaps_vma v;
	int found;
};

static int find_vma(const struct smaps_vma *v, void *arg)
{
	struct find *f = arg;

	if (v->start <= f->addr && f->addr < v->end) {
		f->v = *v;
		f->found = 1;
	}
	return 0;
}

/* The live smaps of this process shows the advice it was given. */
static void live_advice(void **state)
{
	static const struct {
		int advice;
		unsigned int flags;
	} cases[] = {
		{ MADV_HUGEPAGE, VMF_HG },
		{ MADV_NOHUGEPAGE, VMF_NH },
		{ -1, 0 },
	};
	const size_t len = 4 << 20;
	unsigned int i;

	(void)state;
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct find f = { 0 };
		char *p;

		p = mmap(NULL, len, PROT_READ | PROT_WRITE,
			 MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
		assert_true(p != MAP_FAILED);
		if (cases[i].advice >= 0)
			assert_int_equal(madvise(p, len, cases[i].advice), 0);
		f.addr = (uintptr_t)p;
		assert_int_equal(proc_smaps_read(getpid(), find_vma, &f), 0);
		assert_true(f.found);
		assert_true(f.v.has_vmflags);
		assert_int_equal(f.v.vmflags & (VMF_HG | VMF_NH),
				 cases[i].flags);
		assert_int_equal(proc_smaps_vma_kind(&f.v), VMA_KIND_PRIVATE_ANON);
		munmap(p, len);
	}
}

static int add_rss(const struct smaps_vma *v, void *arg)
{
	*(uint64_t *)arg += v->rss_kb;
	return 0;
}

/*
 * smaps_rollup is one VMA of sums: its Rss is that of smaps, give or
 * take the pages the two reads themselves touch.
 */
static void rollup(void **state)
{
	struct smaps_vma *all = malloc(sizeof(*all));
	uint64_t rss = 0;

	(void)state;
	assert_non_null(all);
	assert_int_equal(proc_smaps_read(getpid(), add_rss, &rss), 0);
	assert_int_equal(proc_smaps_rollup_read(getpid(), all), 0);
	assert_true(all->rss_kb > 0);
	assert_true(all->rss_kb + 256 > rss && rss + 256 > all->rss_kb);
	assert_int_equal(proc_smaps_rollup_read(-1, all), -ENOENT);
	free(all);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(vmflags_words),
		cmocka_unit_test(two_vmas_with_fields),
		cmocka_unit_test(kinds),
		cmocka_unit_test(maps_fields),
		cmocka_unit_test(malformed),
		cmocka_unit_test(callback_stops_the_walk),
		cmocka_unit_test(live_advice),
		cmocka_unit_test(rollup),
	};

	return cmocka_run_group_tests_name("proc_smaps", tests, NULL, NULL);
}
