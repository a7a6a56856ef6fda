// SPDX-License-Identifier: GPL-2.0
/*
 * Restore-side code on the host: CRIU's mm image, the comparison of a
 * task with its record, the expected state without a record, and the
 * monitor collapsing a live child back to its record.
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "unit.h"

#include "chunk_runs.h"
#include "criu_mm.h"
#include "thp_diff.h"
#include "thp_expect.h"
#include "thp_image.h"
#include "thp_monitor.h"
#include "thp_prctl.h"
#include "thp_record.h"
#include "thp_verify.h"

#include "thp_mem.h"

#define CH	THP_CHUNK_SIZE

/* ---- CRIU's mm image ---------------------------------------------- */

static size_t mm_image(uint8_t *buf, uint32_t magic, const CriuMmEntry *e)
{
	uint32_t hdr[3] = { CRIU_IMG_COMMON_MAGIC, magic, 0 };
	size_t n = criu_mm_entry__get_packed_size(e);

	hdr[2] = n;
	memcpy(buf, hdr, sizeof(hdr));
	criu_mm_entry__pack(e, buf + sizeof(hdr));
	return sizeof(hdr) + n;
}

static void mm_two_vmas(CriuMmEntry *e, CriuVmaEntry *v, CriuVmaEntry **pv)
{
	criu_mm_entry__init(e);
	criu_vma_entry__init(&v[0]);
	criu_vma_entry__init(&v[1]);
	v[0].has_start = v[0].has_end = v[0].has_madv = 1;
	v[0].start = 0x200000;
	v[0].end = 0x600000;
	v[0].madv = CRIU_MADV_HUGEPAGE;
	v[1].has_start = v[1].has_end = v[1].has_madv = 1;
	v[1].start = 0x800000;
	v[1].end = 0x900000;
	v[1].madv = CRIU_MADV_NOHUGEPAGE;
	pv[0] = &v[0];
	pv[1] = &v[1];
	e->vmas = pv;
	e->n_vmas = 2;
	e->has_thp_disabled = 1;
	e->thp_disabled = 1;
}

static void criu_mm_image(void **state)
{
	CriuVmaEntry v[2], *pv[2];
	CriuMmEntry e, *out;
	uint8_t buf[512];
	size_t n;

	(void)state;
	mm_two_vmas(&e, v, pv);
	n = mm_image(buf, CRIU_MM_MAGIC, &e);
	assert_int_equal(criu_mm_decode(buf, n, "mm-1.img", &out), 0);
	assert_int_equal(out->n_vmas, 2);
	assert_true(out->thp_disabled);
	assert_int_equal(out->vmas[0]->madv, CRIU_MADV_HUGEPAGE);
	criu_mm_entry__free_unpacked(out, NULL);

	/* another image's magic, a cut file, VMAs out of order */
	n = mm_image(buf, 0x54123737, &e);
	assert_int_equal(criu_mm_decode(buf, n, "x", &out), -EBADMSG);
	n = mm_image(buf, CRIU_MM_MAGIC, &e);
	assert_int_equal(criu_mm_decode(buf, n - 1, "x", &out), -EBADMSG);
	assert_int_equal(criu_mm_decode(buf, 8, "x", &out), -EBADMSG);
	v[1].start = 0x400000;
	n = mm_image(buf, CRIU_MM_MAGIC, &e);
	assert_int_equal(criu_mm_decode(buf, n, "x", &out), -EBADMSG);
}

/* Write mm-<id>.img into dirfd; 0 or -1. */
static int mm_image_file(int dirfd, unsigned int id, const CriuMmEntry *e)
{
	uint8_t buf[512];
	char name[32];
	size_t n = mm_image(buf, CRIU_MM_MAGIC, e);
	int fd, ret;

	snprintf(name, sizeof(name), "mm-%u.img", id);
	fd = openat(dirfd, name, O_WRONLY | O_CREAT | O_TRUNC, 0600);
	if (fd < 0)
		return -1;
	ret = write(fd, buf, n) == (ssize_t)n ? 0 : -1;
	close(fd);
	return ret;
}

/*
 * PR_GET_THP_DISABLE 3 (except advised): the record says enabled (/proc:
 * THP_enabled 1), CRIU's mm image disabled (a bool of the prctl): the
 * pair tells 3; with either saying otherwise it is 0 or 1.  A live task
 * read through /proc alone differs only where "disabled" tells.
 */
static void prctl_except_advised(void **state)
{
	char dir[] = "/tmp/thp-unit-XXXXXX", cmd[64];
	ThpTaskEntry rec = THP_TASK_ENTRY__INIT, live = THP_TASK_ENTRY__INIT;
	CriuVmaEntry v[2], *pv[2];
	struct thp_diffs d = { };
	CriuMmEntry mm;
	int dirfd;

	(void)state;
	assert_non_null(mkdtemp(dir));
	dirfd = open(dir, O_RDONLY | O_DIRECTORY);
	assert_true(dirfd >= 0);
	mm_two_vmas(&mm, v, pv);
	assert_int_equal(mm_image_file(dirfd, 7, &mm), 0);
	rec.id = 7;
	thp_expect_prctl_from_mm(dirfd, &rec);
	assert_int_equal(thp_prctl_of(&rec), THP_PRCTL_EXCEPT_ADVISED);

	rec.has_thp_except_advised = 0;
	rec.thp_disabled = 1;
	thp_expect_prctl_from_mm(dirfd, &rec);
	assert_int_equal(thp_prctl_of(&rec), THP_PRCTL_DISABLED);

	rec.thp_disabled = 0;
	mm.thp_disabled = 0;
	assert_int_equal(mm_image_file(dirfd, 7, &mm), 0);
	thp_expect_prctl_from_mm(dirfd, &rec);
	assert_int_equal(thp_prctl_of(&rec), THP_PRCTL_ENABLED);

	/* want 3: a live "enabled" from /proc cannot differ, a read 0 does */
	thp_prctl_put(&rec, THP_PRCTL_EXCEPT_ADVISED);
	assert_int_equal(thp_diff_tasks(&rec, &live, &d), 0);
	assert_int_equal(thp_diff_count(&d, THP_DIFF_PRCTL), 0);
	thp_prctl_put(&live, THP_PRCTL_ENABLED);
	assert_int_equal(thp_diff_tasks(&rec, &live, &d), 0);
	assert_int_equal(thp_diff_count(&d, THP_DIFF_PRCTL), 1);
	thp_diff_free(&d);
	close(dirfd);
	snprintf(cmd, sizeof(cmd), "rm -rf %s", dir);
	assert_int_equal(system(cmd), 0);
}

/* CRIU 4.2: guard-region pseudo-VMAs at the end, out of order. */
static void criu_mm_image_guards(void **state)
{
	CriuVmaEntry v[4], *pv[4];
	CriuMmEntry e, *out;
	uint8_t buf[512];
	size_t n;

	(void)state;
	mm_two_vmas(&e, v, pv);
	criu_vma_entry__init(&v[2]);
	criu_vma_entry__init(&v[3]);
	v[2].has_start = v[2].has_end = v[2].has_status = 1;
	v[2].start = 0x201000;
	v[2].end = 0x203000;
	v[2].status = CRIU_VMA_AREA_GUARD;
	v[3] = v[2];
	v[3].start = 0x800000;
	v[3].end = 0x801000;
	pv[2] = &v[2];
	pv[3] = &v[3];
	e.n_vmas = 4;
	n = mm_image(buf, CRIU_MM_MAGIC, &e);
	assert_int_equal(criu_mm_decode(buf, n, "mm-1.img", &out), 0);
	assert_int_equal(out->n_vmas, 2);
	assert_int_equal(out->vmas[0]->start, 0x200000);
	assert_int_equal(out->vmas[1]->start, 0x800000);
	criu_mm_entry__free_unpacked(out, NULL);

	/* without the guard bit the same entry is out of order */
	v[2].status = 0;
	n = mm_image(buf, CRIU_MM_MAGIC, &e);
	assert_int_equal(criu_mm_decode(buf, n, "x", &out), -EBADMSG);
}

/* ---- the comparison ------------------------------------------------ */

static ThpVmaEntry *vma(uint64_t s, uint64_t e, ThpAdvice adv, uint64_t pmd)
{
	ThpVmaEntry *v = calloc(1, sizeof(*v));
	struct chunk_runs r = { };
	unsigned int i;

	thp_vma_entry__init(v);
	v->start = s;
	v->end = e;
	v->advice = adv;
	v->kind = THP_VMA_KIND__PRIVATE_ANON;
	for (i = 0; i < 64; i++)
		if (pmd & (1ull << i))
			assert_int_equal(chunk_runs_add(&r, s + i * CH), 0);
	chunk_runs_give(&r, &v->pmd_huge, &v->n_pmd_huge);
	return v;
}

static ThpTaskEntry *task(int disabled, ThpVmaEntry *a, ThpVmaEntry *b)
{
	ThpTaskEntry *t = calloc(1, sizeof(*t));

	thp_task_entry__init(t);
	t->thp_disabled = disabled;
	t->coverage_known = 1;
	t->vmas = calloc(2, sizeof(*t->vmas));
	t->vmas[t->n_vmas++] = a;
	if (b)
		t->vmas[t->n_vmas++] = b;
	return t;
}

/*
 * want: A hg 0x0-0x800000 with chunks 0,1 huge, B nh 0x1000000-0x1400000.
 * have: A split in two with the upper half nh, chunk 0 small, chunk 3
 * huge; B lost its second half.  Each rule is one expected difference.
 */
static void diff_rules(void **state)
{
	ThpTaskEntry *want = task(0, vma(0, 8 * CH / 2, THP_ADVICE__HUGE, 0x3),
				  vma(0x1000000, 0x1400000,
				      THP_ADVICE__NOHUGE, 0));
	ThpTaskEntry *have = task(1, vma(0, 2 * CH, THP_ADVICE__HUGE, 0x2),
				  vma(2 * CH, 4 * CH, THP_ADVICE__NOHUGE,
				      0x2));
	static const struct {
		enum thp_diff_kind kind;
		uint64_t start, end;
		int want, have;
	} expect[] = {
		{ THP_DIFF_PRCTL, 0, 0, 0, 1 },
		{ THP_DIFF_ADVICE, 2 * CH, 4 * CH, THP_ADVICE__HUGE,
		  THP_ADVICE__NOHUGE },
		{ THP_DIFF_MISSING, 0, CH, 1, 0 },
		{ THP_DIFF_EXTRA, 3 * CH, 4 * CH, 0, 1 },
		{ THP_DIFF_NO_VMA, 0x1000000, 0x1400000, 0, 0 },
	};
	struct thp_diffs d = { };
	size_t i;

	(void)state;
	assert_int_equal(thp_diff_tasks(want, have, &d), 0);
	assert_int_equal(d.n, sizeof(expect) / sizeof(expect[0]));
	for (i = 0; i < d.n; i++) {
		assert_int_equal(d.v[i].kind, expect[i].kind);
		assert_int_equal(d.v[i].start, expect[i].start);
		assert_int_equal(d.v[i].end, expect[i].end);
		assert_int_equal(d.v[i].want, expect[i].want);
		assert_int_equal(d.v[i].have, expect[i].have);
	}
	thp_diff_free(&d);

	/* a task matches itself */
	assert_int_equal(thp_diff_tasks(want, want, &d), 0);
	assert_int_equal(d.n, 0);
	thp_task_entry__free_unpacked(want, NULL);
	thp_task_entry__free_unpacked(have, NULL);
}

/* Neighbouring missing chunks of one VMA print as one range. */
static void diff_runs(void **state)
{
	ThpTaskEntry *want = task(0, vma(0, 8 * CH, THP_ADVICE__HUGE, 0x2e),
				  NULL);
	ThpTaskEntry *have = task(0, vma(0, 8 * CH, THP_ADVICE__HUGE, 0x01),
				  NULL);
	struct thp_diffs d = { };
	struct thp_diff run;
	char buf[192];

	(void)state;
	assert_int_equal(thp_diff_tasks(want, have, &d), 0);
	assert_int_equal(d.n, 5);	/* extra 0; missing 1,2,3 and 5 */
	assert_int_equal(thp_diff_run(&d, 0, &run), 1);
	assert_int_equal(thp_diff_run(&d, 1, &run), 4);
	assert_int_equal(run.start, CH);
	assert_int_equal(run.end, 4 * CH);
	thp_diff_format(buf, sizeof(buf), &run);
	assert_string_equal(buf, "VMA 0-1000000: chunks 200000-800000 (3) expected huge, found "
				 "small");
	assert_int_equal(thp_diff_run(&d, 4, &run), 5);
	thp_diff_format(buf, sizeof(buf), &run);
	assert_string_equal(buf, "VMA 0-1000000: chunk a00000 expected huge, found small");
	thp_diff_free(&d);
	thp_task_entry__free_unpacked(want, NULL);
	thp_task_entry__free_unpacked(have, NULL);
}

/*
 * Many VMAs, compared by bisection: want has MANY VMAs of 2 chunks, 2
 * chunks apart, each hg with chunk 0 huge; have lacks every 11th, has
 * every 7th nh and chunk 1 of every 13th huge too.  The differences come
 * VMA by VMA, in order, each exactly once.
 */
#define MANY	4096

static ThpTaskEntry *many(int have)
{
	ThpTaskEntry *t = calloc(1, sizeof(*t));
	ThpAdvice adv;
	uint64_t pmd;
	size_t i;

	thp_task_entry__init(t);
	t->coverage_known = 1;
	t->vmas = calloc(MANY, sizeof(*t->vmas));
	for (i = 0; i < MANY; i++) {
		if (have && i % 11 == 0)
			continue;
		adv = have && i % 7 == 0 ? THP_ADVICE__NOHUGE :
		      THP_ADVICE__HUGE;
		pmd = have && i % 13 == 0 ? 0x3 : 0x1;
		t->vmas[t->n_vmas++] = vma(i * 4 * CH, i * 4 * CH + 2 * CH,
					   adv, pmd);
	}
	return t;
}

static void diff_many_vmas(void **state)
{
	ThpTaskEntry *want = many(0), *have = many(1);
	struct thp_diffs d = { };
	size_t i, k = 0;
	uint64_t s;

	(void)state;
	assert_int_equal(thp_diff_tasks(want, have, &d), 0);
	for (i = 0; i < MANY; i++) {
		s = i * 4 * CH;
		if (i % 11 == 0) {
			assert_int_equal(d.v[k].kind, THP_DIFF_NO_VMA);
			assert_int_equal(d.v[k].start, s);
			assert_int_equal(d.v[k++].end, s + 2 * CH);
			assert_int_equal(d.v[k].kind, THP_DIFF_MISSING);
			assert_int_equal(d.v[k++].start, s);
			continue;
		}
		if (i % 7 == 0) {
			assert_int_equal(d.v[k].kind, THP_DIFF_ADVICE);
			assert_int_equal(d.v[k].start, s);
			assert_int_equal(d.v[k++].end, s + 2 * CH);
		}
		if (i % 13 == 0) {
			assert_int_equal(d.v[k].kind, THP_DIFF_EXTRA);
			assert_int_equal(d.v[k++].start, s + CH);
		}
	}
	assert_int_equal(d.n, k);
	thp_diff_free(&d);
	thp_task_entry__free_unpacked(want, NULL);
	thp_task_entry__free_unpacked(have, NULL);
}

/* ---- a live child: record, break, monitor, verify ------------------ */

#define R_CHUNKS	4
#define SEED		0x726573746f7265ull	/* "restore" */

struct kid {
	pid_t pid;
	int cmd, ack;		/* pipes: to the child, from it */
	uint8_t *r, *n;		/* hg region, nh region */
	int holes;		/* the child: r's last page of each chunk 0 */
	char dir[64];
	int dirfd;
};

static struct kid kid;

static void kid_step(char c)
{
	char a;

	assert_int_equal(write(kid.cmd, &c, 1), 1);
	assert_int_equal(read(kid.ack, &a, 1), 1);
	assert_int_equal(a, c);
}

/* Back on small pages, same contents: what a restore leaves. */
static void kid_break(void)
{
	prctl(PR_SET_THP_DISABLE, 1, 0, 0, 0);
	madvise(kid.r, R_CHUNKS * CH, MADV_DONTNEED);
	thp_fill(kid.r, R_CHUNKS * CH, SEED);
	prctl(PR_SET_THP_DISABLE, 0, 0, 0, 0);
}

/* The last page of each chunk of r: zero, still huge. */
static void kid_zero_last(void)
{
	long pg = sysconf(_SC_PAGESIZE);
	int i;

	for (i = 0; i < R_CHUNKS; i++)
		memset(kid.r + (i + 1) * CH - pg, 0, pg);
	kid.holes = 1;
}

/*
 * Small pages, the last page of each chunk not there: what a restore
 * leaves when the image lacks a page khugepaged filled after the dump.
 */
static void kid_break_holes(void)
{
	long pg = sysconf(_SC_PAGESIZE);
	int i;

	prctl(PR_SET_THP_DISABLE, 1, 0, 0, 0);
	madvise(kid.r, R_CHUNKS * CH, MADV_DONTNEED);
	for (i = 0; i < R_CHUNKS; i++)
		thp_fill(kid.r + i * CH, CH - pg, SEED);
	prctl(PR_SET_THP_DISABLE, 0, 0, 0, 0);
}

/* 0 when r holds what it must. */
static int kid_check(void)
{
	long pg = sysconf(_SC_PAGESIZE);
	int i;

	if (!kid.holes)
		return !!thp_check(kid.r, R_CHUNKS * CH, SEED);
	for (i = 0; i < R_CHUNKS; i++) {
		uint8_t *last = kid.r + (i + 1) * CH - pg;

		if (thp_check(kid.r + i * CH, CH - pg, SEED) ||
		    last[0] || memcmp(last, last + 1, pg - 1))
			return 1;
	}
	return 0;
}

static void kid_main(int cmd, int ack)
{
	char c;

	madvise(kid.r, R_CHUNKS * CH, MADV_HUGEPAGE);
	madvise(kid.n, 2 * CH, MADV_NOHUGEPAGE);
	thp_fill(kid.r, R_CHUNKS * CH, SEED);
	thp_fill(kid.n, 2 * CH, SEED);
	while (read(cmd, &c, 1) == 1) {
		if (c == 'b')
			kid_break();
		if (c == 'z')
			kid_zero_last();
		if (c == 'h')
			kid_break_holes();
		if (c == 'q')
			_exit(kid_check());
		if (write(ack, &c, 1) != 1)
			_exit(2);
	}
	_exit(3);
}

static int kid_setup(void **state)
{
	int c[2], a[2];

	(void)state;
	kid.r = thp_map_guarded(R_CHUNKS * CH, 0);
	kid.n = thp_map_guarded(2 * CH, 0);
	if (!kid.r || !kid.n || pipe(c) || pipe(a))
		return -1;
	kid.pid = fork();
	if (!kid.pid)
		kid_main(c[0], a[1]);
	close(c[0]);
	close(a[1]);
	kid.cmd = c[1];
	kid.ack = a[0];
	strcpy(kid.dir, "/tmp/thp-unit-XXXXXX");
	if (!mkdtemp(kid.dir))
		return -1;
	kid.dirfd = open(kid.dir, O_RDONLY | O_DIRECTORY);
	return kid.dirfd < 0 ? -1 : 0;
}

static int kid_teardown(void **state)
{
	char cmd[96];
	int status;

	(void)state;
	if (write(kid.cmd, "q", 1) != 1 ||
	    waitpid(kid.pid, &status, 0) != kid.pid)
		return -1;
	snprintf(cmd, sizeof(cmd), "rm -rf %s", kid.dir);
	if (system(cmd))
		return -1;
	return WIFEXITED(status) && !WEXITSTATUS(status) ? 0 : -1;
}

/* thp-dump.img of this machine for the kid; other sizes when not 0. */
static void write_dump(uint64_t hpage_size, uint32_t page_size)
{
	uint32_t id = kid.pid;
	ThpDumpEntry *d;

	assert_int_equal(thp_record_machine("/sys/kernel/mm/transparent_hugepage",
					    &d), 0);
	if (hpage_size) {
		d->hpage_size = hpage_size;
		d->page_size = page_size;
	}
	d->task_ids = &id;
	d->n_task_ids = 1;
	assert_int_equal(thp_image_write_dump(kid.dirfd, d), 0);
	d->task_ids = NULL;
	d->n_task_ids = 0;
	thp_dump_entry__free_unpacked(d, NULL);
}

/*
 * Records the kid; returns the huge chunks recorded.  Under THP "always"
 * its heap and stack may hold some too: only kid.r's count is known.
 */
static uint64_t kid_record(void)
{
	struct thp_record_stats st;
	struct thp_env env;
	ThpTaskEntry *t;
	size_t i;

	kid_step('s');		/* settled */
	assert_int_equal(thp_coverage_env_probe(&env), 0);
	assert_int_equal(thp_record_task(kid.pid, kid.pid, &env, &t, &st), 0);
	i = thp_diff_vma_first_above(t, (uintptr_t)kid.r);
	assert_true(i < t->n_vmas);
	assert_int_equal(t->vmas[i]->start, (uintptr_t)kid.r);
	assert_int_equal(thp_diff_vma_huge_chunks(t->vmas[i]), R_CHUNKS);
	assert_true(st.pmd >= R_CHUNKS);
	assert_int_equal(thp_image_write_task(kid.dirfd, t), 0);
	thp_task_entry__free_unpacked(t, NULL);
	write_dump(0, 0);
	return st.pmd;
}

static size_t verify_diffs(void)
{
	struct thp_verify_ctx ctx;
	struct thp_verify v;
	size_t n;

	assert_int_equal(thp_verify_ctx_open(&ctx, kid.dirfd), 0);
	assert_int_equal(thp_verify_load(&ctx, kid.pid, &v), 0);
	assert_int_equal(v.x.source, THP_EXPECT_RECORD);
	assert_int_equal(thp_verify_compare(&ctx, &v), 0);
	n = v.d.n;
	thp_verify_free(&v);
	thp_verify_ctx_close(&ctx);
	return n;
}

/* The monitor collapses what the record says was huge, nothing else. */
static void monitor_collapses(void **state)
{
	struct monitor_opts o = { .dir = kid.dir, .timeout = 20 };
	char report[128], buf[4096], want[32];
	uint64_t recorded;
	struct stat st;
	FILE *f;
	size_t n;

	(void)state;
	recorded = kid_record();
	assert_int_equal(verify_diffs(), 0);
	kid_step('b');
	assert_int_equal(verify_diffs(), R_CHUNKS);
	o.pids = &kid.pid;
	o.npids = 1;
	assert_int_equal(thp_monitor_run(&o), 0);
	assert_int_equal(verify_diffs(), 0);
	snprintf(report, sizeof(report), "%s/%s", kid.dir, THP_MONITOR_REPORT);
	assert_int_equal(stat(report, &st), 0);
	assert_int_equal(st.st_mode & 0777, 0600);	/* root's alone */
	f = fopen(report, "r");
	assert_non_null(f);
	n = fread(buf, 1, sizeof(buf) - 1, f);
	buf[n] = '\0';
	fclose(f);
	snprintf(want, sizeof(want), "\"recorded\":%llu,",
		 (unsigned long long)recorded);
	assert_non_null(strstr(buf, want));
	assert_non_null(strstr(buf, "\"exact\":true"));
}

/*
 * criu runs every task's hook before it lets the tasks go: a hook phase
 * longer than the monitor's timeout must leave it its whole timeout to
 * collapse after.  The monitor reads the pid from its stdin, which stays
 * open (criu in its hooks) for 1.5 s; its timeout is 1 s.
 */
static void monitor_waits_for_hooks(void **state)
{
	struct monitor_opts o = { .dir = kid.dir, .timeout = 1,
				  .pids_on_stdin = 1 };
	struct timespec hooks = { 1, 500000000 };
	char line[16];
	int sv[2], status, n;
	pid_t mon;

	(void)state;
	kid_record();
	kid_step('b');
	assert_int_equal(verify_diffs(), R_CHUNKS);
	assert_int_equal(socketpair(AF_UNIX, SOCK_STREAM, 0, sv), 0);
	mon = fork();
	assert_true(mon >= 0);
	if (!mon) {
		close(sv[0]);
		if (dup2(sv[1], 0) < 0)
			_exit(2);
		_exit(thp_monitor_run(&o));
	}
	close(sv[1]);
	n = snprintf(line, sizeof(line), "%d\n", kid.pid);
	assert_int_equal(write(sv[0], line, n), n);
	nanosleep(&hooks, NULL);
	close(sv[0]);
	assert_int_equal(waitpid(mon, &status, 0), mon);
	assert_true(WIFEXITED(status));
	assert_int_equal(WEXITSTATUS(status), 0);
	assert_int_equal(verify_diffs(), 0);
}

/*
 * A record made with other page or PMD sizes (arm64's 32 MiB PMDs under
 * 16 KiB pages) says nothing of this machine's chunks: the advice and
 * prctl are compared, no chunk, and the task is not exact.
 */
static void other_machine_sizes(void **state)
{
	struct monitor_opts o = { .dir = kid.dir, .timeout = 20 };
	struct thp_verify_ctx ctx;
	struct thp_verify v;

	(void)state;
	kid_record();
	kid_step('b');
	write_dump(32ull << 20, 16384);

	assert_int_equal(thp_verify_ctx_open(&ctx, kid.dirfd), 0);
	assert_non_null(strstr(ctx.sizes_differ, "16384-byte pages"));
	assert_int_equal(thp_verify_load(&ctx, kid.pid, &v), 0);
	assert_false(v.x.e->coverage_known);
	assert_int_equal(thp_verify_compare(&ctx, &v), 0);
	assert_int_equal(thp_diff_count(&v.d, THP_DIFF_MISSING), 0);
	assert_int_equal(thp_diff_count(&v.d, THP_DIFF_UNKNOWN), 1);
	thp_verify_free(&v);
	thp_verify_ctx_close(&ctx);
	/* this machine's record back, and the kid's chunks huge again */
	write_dump(0, 0);
	o.pids = &kid.pid;
	o.npids = 1;
	assert_int_equal(thp_monitor_run(&o), 0);
	assert_int_equal(verify_diffs(), 0);
}

/*
 * A chunk recorded huge whose restored pages are not all there, and
 * never will be: the monitor collapses it as it is (zeros where a page
 * is missing) rather than wait for pages that never come.
 */
#define MAX_PTES_NONE	"/sys/kernel/mm/transparent_hugepage/khugepaged/max_ptes_none"

/* Write val to the sysfs file path; its old value into old (len). */
static int sysfs_swap(const char *path, const char *val, char *old,
		      size_t len)
{
	FILE *f = fopen(path, "r+");
	int ret = -1;

	if (!f)
		return -1;
	if (fgets(old, len, f) && !fseek(f, 0, SEEK_SET) &&
	    fputs(val, f) >= 0)
		ret = 0;
	return fclose(f) ? -1 : ret;
}

/*
 * While khugepaged changes a task each time it is read, the monitor
 * cannot tell which chunks are huge; that is no reason to stop: it reads
 * again until it can, and collapses.  criu-thp monitor itself, its first
 * reading of the task made to fail (CRIU_THP_FAULT=record-unread).
 */
static void monitor_reads_again(void **state)
{
	char cmd[256];
	int ret;

	(void)state;
	kid_record();
	kid_step('b');
	assert_int_equal(verify_diffs(), R_CHUNKS);
	snprintf(cmd, sizeof(cmd),
		 "CRIU_THP_FAULT=record-unread %s monitor -D %s -p %d --timeout 10 >%s/out 2>&1",
		 CRIU_THP_BIN, kid.dir, kid.pid, kid.dir);
	ret = system(cmd);
	snprintf(cmd, sizeof(cmd),
		 "cat %s/out >&2; grep -q 'changed each of the 3 times' %s/out",
		 kid.dir, kid.dir);
	assert_int_equal(ret, 0);
	assert_int_equal(system(cmd), 0);	/* and it said why */
	assert_int_equal(verify_diffs(), 0);
}

static char max_ptes_none[32];	/* to put back, when set */

static void monitor_fills_holes(void **state)
{
	struct monitor_opts o = { .dir = kid.dir, .timeout = 5 };

	(void)state;
	/* khugepaged would fill the holes itself, in its own time */
	assert_int_equal(sysfs_swap(MAX_PTES_NONE, "0", max_ptes_none,
				    sizeof(max_ptes_none)), 0);
	kid_step('z');
	kid_record();
	assert_int_equal(verify_diffs(), 0);
	kid_step('h');
	assert_int_equal(verify_diffs(), R_CHUNKS);
	o.pids = &kid.pid;
	o.npids = 1;
	assert_int_equal(thp_monitor_run(&o), 0);
	assert_int_equal(verify_diffs(), 0);
}

static int put_back_max_ptes_none(void **state)
{
	char was[32];

	(void)state;
	if (!max_ptes_none[0])
		return 0;
	return sysfs_swap(MAX_PTES_NONE, max_ptes_none, was, sizeof(was));
}

/* Without a record: CRIU's flags, and every eligible, present chunk. */
static void expect_by_rule(void **state)
{
	ThpDumpEntry dump = THP_DUMP_ENTRY__INIT;
	CriuVmaEntry v[2], *pv[2];
	struct thp_expect x;
	uint8_t buf[512];
	CriuMmEntry e;
	char name[32];
	size_t n;
	int fd;

	(void)state;
	mm_two_vmas(&e, v, pv);
	e.thp_disabled = 0;
	v[0].start = (uintptr_t)kid.r;
	v[0].end = v[0].start + R_CHUNKS * CH;
	v[1].start = (uintptr_t)kid.n;
	v[1].end = v[1].start + 2 * CH;
	if (v[1].start < v[0].start) {
		CriuVmaEntry *t = pv[0];

		pv[0] = pv[1];
		pv[1] = t;
	}
	n = mm_image(buf, CRIU_MM_MAGIC, &e);
	snprintf(name, sizeof(name), CRIU_MM_IMG_FMT, kid.pid);
	fd = openat(kid.dirfd, name, O_WRONLY | O_CREAT | O_TRUNC, 0600);
	assert_true(fd >= 0);
	assert_int_equal(write(fd, buf, n), (ssize_t)n);
	close(fd);

	assert_int_equal(thp_expect_load(kid.dirfd, NULL, kid.pid, kid.pid,
					 "madvise", &x), 0);
	assert_int_equal(x.source, THP_EXPECT_CRIU_MM);
	assert_true(x.coverage_by_rule);
	assert_int_equal(x.e->n_vmas, 2);
	assert_int_equal(thp_diff_vma_huge_chunks(x.e->vmas[0]) +
			 thp_diff_vma_huge_chunks(x.e->vmas[1]), R_CHUNKS);
	thp_expect_free(&x);
	/* a record that is there but corrupt: CRIU's image, and why */
	snprintf(name, sizeof(name), THP_TASK_IMG_FMT, kid.pid);
	fd = openat(kid.dirfd, name, O_WRONLY | O_CREAT | O_TRUNC, 0600);
	assert_true(fd >= 0);
	assert_int_equal(write(fd, "THPK", 4), 4);
	close(fd);
	assert_int_equal(thp_expect_load(kid.dirfd, &dump, kid.pid, kid.pid,
					 "madvise", &x), 0);
	assert_int_equal(x.source, THP_EXPECT_CRIU_MM);
	assert_non_null(strstr(x.note, "unusable"));
	thp_expect_free(&x);
	unlinkat(kid.dirfd, name, 0);
	/* "never": nothing is eligible; "always": nh still is not */
	assert_int_equal(thp_expect_load(kid.dirfd, NULL, kid.pid, kid.pid,
					 "never", &x), 0);
	assert_int_equal(thp_diff_vma_huge_chunks(x.e->vmas[0]) +
			 thp_diff_vma_huge_chunks(x.e->vmas[1]), 0);
	thp_expect_free(&x);
	assert_int_equal(thp_expect_load(kid.dirfd, NULL, kid.pid, kid.pid,
					 "always", &x), 0);
	assert_int_equal(thp_diff_vma_huge_chunks(x.e->vmas[0]) +
			 thp_diff_vma_huge_chunks(x.e->vmas[1]), R_CHUNKS);
	thp_expect_free(&x);
}

int main(void)
{
	const struct CMUnitTest pure[] = {
		cmocka_unit_test(criu_mm_image),
		cmocka_unit_test(criu_mm_image_guards),
		cmocka_unit_test(prctl_except_advised),
		cmocka_unit_test(diff_rules),
		cmocka_unit_test(diff_runs),
		cmocka_unit_test(diff_many_vmas),
	};
	const struct CMUnitTest live[] = {
		cmocka_unit_test(monitor_collapses),
		cmocka_unit_test(monitor_waits_for_hooks),
		cmocka_unit_test(other_machine_sizes),
		cmocka_unit_test(monitor_reads_again),
		cmocka_unit_test_teardown(monitor_fills_holes,
					  put_back_max_ptes_none),
		cmocka_unit_test(expect_by_rule),
	};
	int ret = cmocka_run_group_tests_name("pure", pure, NULL, NULL);

	if (geteuid()) {
		fprintf(stderr, "live tests need root (pagemap, process_madvise)\n");
		return ret;
	}
	return ret | cmocka_run_group_tests_name("live", live, kid_setup,
						 kid_teardown);
}
