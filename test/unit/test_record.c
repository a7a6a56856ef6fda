// SPDX-License-Identifier: GPL-2.0
/*
 * Recording a live task on the host kernel: a child builds the shapes of
 * thp_shapes.h (PMD-mapped chunks, a split PMD inside a merged VMA, an
 * unaligned VMA, a VMA smaller than a chunk, a chunk across two VMAs, an
 * nh VMA holding huge pages, PTE-mapped THPs only) and the recorder must
 * report exactly the expected sets: with PAGEMAP_SCAN, reconciled from
 * pagemap + kpageflags + smaps without it, and with less to read.
 */
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <stdlib.h>
#include <sys/prctl.h>
#include <sys/ptrace.h>
#include <sys/wait.h>
#include <unistd.h>

#include "unit.h"
#include "chunk_runs.h"
#include "proc_tasks.h"
#include "thp_coverage.h"
#include "thp_dump.h"
#include "thp_image.h"
#include "thp_record.h"
#include "thp_shapes.h"
#include "thp_show.h"

struct child {
	pid_t pid, grandchild;
	int ready;
	struct thp_shapes shapes;
};

static struct child *kid;

static void *sleeper(void *arg)
{
	(void)arg;
	for (;;)
		pause();
	return NULL;
}

/* Runs in the child: build, keep khugepaged away, fork, report. */
static void child_main(int wfd)
{
	pthread_t th;
	char ok;

	ok = !shapes_make(&kid->shapes, 1) && !shapes_verify(&kid->shapes);
	/* MMF_DISABLE_THP: khugepaged must not re-collapse the split PMDs */
	if (ok && prctl(PR_SET_THP_DISABLE, 1, 0, 0, 0))
		ok = 0;
	if (ok && pthread_create(&th, NULL, sleeper, NULL))
		ok = 0;
	if (ok) {
		pid_t pid = fork();

		if (pid == 0) {
			prctl(PR_SET_PDEATHSIG, SIGKILL);
			for (;;)
				pause();
		}
		kid->grandchild = pid;	/* shared memory: parent side only */
	}
	if (write(wfd, &ok, 1) != 1)
		_exit(1);
	for (;;)
		pause();
}

static int group_setup(void **state)
{
	int pfd[2];
	char ok = 0;
	pid_t pid;

	(void)state;
	kid = mmap(NULL, sizeof(*kid), PROT_READ | PROT_WRITE,
		   MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	if (kid == MAP_FAILED || pipe(pfd))
		return -1;
	memset(kid, 0, sizeof(*kid));
	pid = fork();
	if (pid == 0) {
		prctl(PR_SET_PDEATHSIG, SIGKILL);
		close(pfd[0]);
		child_main(pfd[1]);
	}
	kid->pid = pid;
	close(pfd[1]);
	if (read(pfd[0], &ok, 1) != 1 || !ok) {
		fprintf(stderr, "shapes child: %s\n", kid->shapes.err);
		return -1;
	}
	close(pfd[0]);
	kid->ready = 1;
	return 0;
}

static int group_teardown(void **state)
{
	(void)state;
	if (kid->grandchild > 0)
		kill(kid->grandchild, SIGKILL);
	if (kid->pid > 0) {
		kill(kid->pid, SIGKILL);
		waitpid(kid->pid, NULL, 0);
	}
	munmap(kid, sizeof(*kid));
	return 0;
}

static const ThpVmaEntry *find_vma(const ThpTaskEntry *t, uint64_t start)
{
	size_t i;

	for (i = 0; i < t->n_vmas; i++)
		if (t->vmas[i]->start == start)
			return t->vmas[i];
	return NULL;
}

/* Runs as a chunk bitmask from first; ~0 if a run is out of range. */
static uint64_t mask_of(ThpChunkRun *const *v, size_t n, uint64_t first)
{
	uint64_t mask = 0, a, idx;
	size_t i;

	for (i = 0; i < n; i++) {
		for (a = v[i]->first;
		     a < v[i]->first + ((uint64_t)v[i]->nr << THP_CHUNK_SHIFT);
		     a += THP_CHUNK_SIZE) {
			idx = (a - first) >> THP_CHUNK_SHIFT;
			if (a < first || idx >= 64)
				return ~0ull;
			mask |= 1ull << idx;
		}
	}
	return mask;
}

enum view {
	VIEW_EXACT,		/* PAGEMAP_SCAN and kpageflags */
	VIEW_COUNTED,		/* no PAGEMAP_SCAN: mixed VMAs unresolved */
	VIEW_NO_PTE,		/* no kpageflags: PTE-mapped THPs unseen */
};

static void check_vma(const ThpTaskEntry *t, const struct thp_expect *e,
		      enum view view)
{
	const ThpVmaEntry *v = find_vma(t, e->start);
	uint64_t first = thp_first_chunk(e->start);
	uint64_t pmd = e->pmd, pte = e->pte, unres = 0;

	if (view == VIEW_COUNTED && pmd && pte) {
		unres = pmd | pte;
		pmd = pte = 0;
	}
	if (view == VIEW_NO_PTE)
		pte = 0;

	print_message("%-12s pmd %#" PRIx64 " pte %#" PRIx64 " unresolved %#" PRIx64 "\n",
		      e->name, pmd, pte, unres);
	assert_non_null(v);
	assert_true(v->end == e->end);
	assert_int_equal(v->advice, e->advice);
	assert_int_equal(v->kind, e->shared ? THP_VMA_KIND__SHMEM :
					      THP_VMA_KIND__PRIVATE_ANON);
	assert_true(v->pmd_mapped_kb ==
		    (uint64_t)__builtin_popcountll(e->pmd) * 2048);
	assert_true(mask_of(v->pmd_huge, v->n_pmd_huge, first) == pmd);
	assert_true(mask_of(v->pte_thp, v->n_pte_thp, first) == pte);
	assert_true(mask_of(v->unresolved, v->n_unresolved, first) == unres);
}

static ThpTaskEntry *record(pid_t pid, const struct thp_env *env,
			    struct thp_record_stats *st)
{
	ThpTaskEntry *t = NULL;

	assert_int_equal(thp_record_task(pid, pid, env, &t, st), 0);
	assert_int_equal(t->id, pid);
	assert_true(t->thp_disabled);
	return t;
}

static void check_all(pid_t pid, const struct thp_env *env, enum view view)
{
	struct thp_record_stats st;
	ThpTaskEntry *t = record(pid, env, &st);
	int i;

	assert_true(t->coverage_known);
	for (i = 0; i < kid->shapes.nr; i++)
		check_vma(t, &kid->shapes.vma[i], view);
	assert_int_equal(st.ambiguous, view == VIEW_COUNTED ? 1 : 0);
	assert_int_equal(st.inconsistent, 0);
	thp_task_entry__free_unpacked(t, NULL);
}

/* Only for what this machine cannot have; the reason goes to the log. */
#define skip_because(why)					\
	do {							\
		print_message("SKIP: %s\n", why);		\
		skip();						\
	} while (0)

static void real_env(struct thp_env *env)
{
	assert_int_equal(thp_coverage_env_probe(env), 0);
	if (!env->pfns || !env->kpageflags)
		skip_because(env->why);	/* not root */
}

static void env_probe_as_root(void **state)
{
	struct thp_env env;

	(void)state;
	if (geteuid())
		skip_because("not root: frame numbers and kpageflags are hidden");
	assert_int_equal(thp_coverage_env_probe(&env), 0);
	assert_true(env.pfns);
	assert_true(env.kpageflags);
	print_message("PAGEMAP_SCAN: %s\n", env.has_scan ? "yes" : "no");
}

static void exact_with_pagemap_scan(void **state)
{
	struct thp_env env;

	(void)state;
	real_env(&env);
	if (!env.has_scan)
		skip_because("this kernel has no PAGEMAP_SCAN (6.7+)");
	check_all(kid->pid, &env, VIEW_EXACT);
}

static void reconciled_without_pagemap_scan(void **state)
{
	struct thp_env env;

	(void)state;
	real_env(&env);
	env.has_scan = 0;
	check_all(kid->pid, &env, VIEW_COUNTED);
}

static void scan_without_kpageflags(void **state)
{
	struct thp_record_stats st;
	struct thp_env env;
	ThpTaskEntry *t;
	int i;

	(void)state;
	real_env(&env);
	if (!env.has_scan)
		skip_because("this kernel has no PAGEMAP_SCAN (6.7+)");
	env.kpageflags = 0;
	t = record(kid->pid, &env, &st);
	assert_true(t->coverage_known);
	assert_false(t->pte_thp_known);
	assert_int_equal(t->source, THP_COVERAGE_SOURCE__PAGEMAP_SCAN);
	for (i = 0; i < kid->shapes.nr; i++)
		check_vma(t, &kid->shapes.vma[i], VIEW_NO_PTE);
	thp_task_entry__free_unpacked(t, NULL);
}

/* Nothing to read: flags, prctl and smaps counts still recorded. */
static void nothing_readable(void **state)
{
	struct thp_env env = { .why = "test: nothing readable" };
	struct thp_record_stats st;
	const ThpVmaEntry *v;
	ThpTaskEntry *t;
	size_t i;

	(void)state;
	t = record(kid->pid, &env, &st);
	assert_false(t->coverage_known);
	assert_int_equal(t->source, THP_COVERAGE_SOURCE__UNKNOWN);
	assert_string_equal(t->problem, "test: nothing readable");
	for (i = 0; i < t->n_vmas; i++) {
		v = t->vmas[i];
		assert_int_equal(v->n_pmd_huge + v->n_pte_thp +
				 v->n_unresolved, 0);
	}
	v = find_vma(t, kid->shapes.vma[0].start);
	assert_non_null(v);
	assert_int_equal(v->advice, THP_ADVICE__HUGE);
	assert_true(v->pmd_mapped_kb == 3 * 2048);
	thp_task_entry__free_unpacked(t, NULL);
}

static void seize(pid_t pid)
{
	int status;

	assert_int_equal(ptrace(PTRACE_SEIZE, pid, 0, 0), 0);
	assert_int_equal(ptrace(PTRACE_INTERRUPT, pid, 0, 0), 0);
	assert_int_equal(waitpid(pid, &status, __WALL), pid);
}

/* The plugin's path: the traced processes, written and shown. */
static void traced_tree(void **state)
{
	char dir[] = "/tmp/thp-record-XXXXXX", cmd[64];
	struct thp_dump_summary sum;
	struct traced_task *t;
	struct thp_env env;
	ThpTaskEntry *e;
	size_t n, len;
	char *out;
	FILE *f;
	int dirfd;

	(void)state;
	real_env(&env);
	seize(kid->pid);
	seize(kid->grandchild);
	assert_int_equal(proc_tasks_find_traced(getpid(), &t, &n), 0);
	assert_int_equal(n, 2);		/* the thread is not a process */
	assert_int_equal(t[0].pid, kid->pid < kid->grandchild ? kid->pid :
			 kid->grandchild);
	assert_int_equal(t[0].id, t[0].pid);

	assert_non_null(mkdtemp(dir));
	dirfd = open(dir, O_RDONLY | O_DIRECTORY);
	assert_int_equal(thp_dump_write(dirfd, t, n, &env, 0, &sum), 0);
	assert_int_equal(sum.tasks, 2);
	assert_int_equal(sum.unknown, 0);

	/* COW-shared after fork: the grandchild maps the same THPs */
	assert_int_equal(thp_image_read_task(dirfd, kid->grandchild, &e), 0);
	check_vma(e, &kid->shapes.vma[0], env.has_scan ? VIEW_EXACT :
		  VIEW_COUNTED);
	thp_task_entry__free_unpacked(e, NULL);

	f = open_memstream(&out, &len);
	assert_int_equal(thp_show(dirfd, f, 0), 0);
	fclose(f);
	assert_non_null(strstr(out, "2 tasks\n"));
	assert_non_null(strstr(out, "prctl THP disabled"));
	free(out);

	ptrace(PTRACE_DETACH, kid->pid, 0, 0);
	ptrace(PTRACE_DETACH, kid->grandchild, 0, 0);
	free(t);
	close(dirfd);
	snprintf(cmd, sizeof(cmd), "rm -rf %s", dir);
	assert_int_equal(system(cmd), 0);
}

static void set_of(struct addr_set *s, uint64_t mask)
{
	int i;

	memset(s, 0, sizeof(*s));
	for (i = 0; i < 64; i++)
		if (mask & (1ull << i))
			assert_int_equal(addr_set_add(s, (uint64_t)i << 21), 0);
}

/* thp_coverage_classify() alone: one row per rule. */
static void classify_rules(void **state)
{
	static const struct {
		const char *what;
		int has_cand, has_pmd;
		uint64_t cand, pmd, kb;
		uint64_t want_pmd, want_pte, want_unres;
		int ambiguous, inconsistent, ret;
	} rows[] = {
		{ "scan: PTE-mapped = candidates - PMD", 1, 1, 0xf, 0xb, 6144,
		  0xb, 0x4, 0, 0, 0, 0 },
		{ "scan without candidates: no PTE set", 0, 1, 0, 0x3, 4096,
		  0x3, 0, 0, 0, 0, 0 },
		{ "scan disagrees with smaps", 1, 1, 0x3, 0x3, 2048,
		  0x3, 0, 0, 0, 1, 0 },
		{ "count 0: all PTE-mapped", 1, 0, 0x6, 0, 0,
		  0, 0x6, 0, 0, 0, 0 },
		{ "count all: all PMD-mapped", 1, 0, 0x6, 0, 4096,
		  0x6, 0, 0, 0, 0, 0 },
		{ "count between: unresolved", 1, 0, 0x7, 0, 2048,
		  0, 0, 0x7, 1, 0, 0 },
		{ "count above candidates: inconsistent", 1, 0, 0x1, 0, 4096,
		  0, 0, 0x1, 1, 1, 0 },
		{ "count not whole chunks: inconsistent", 1, 0, 0x1, 0, 1024,
		  0, 0, 0x1, 1, 1, 0 },
		{ "nothing readable", 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, -ENODATA },
	};
	struct vma_coverage c;
	struct addr_set cand, pmd;
	size_t i;
	int ret;

	(void)state;
	for (i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		print_message("%s\n", rows[i].what);
		set_of(&cand, rows[i].cand);
		set_of(&pmd, rows[i].pmd);
		ret = thp_coverage_classify(rows[i].has_cand ? &cand : NULL,
					    rows[i].has_pmd ? &pmd : NULL,
					    rows[i].kb, &c);
		assert_int_equal(ret, rows[i].ret);
		if (!rows[i].ret) {
			assert_true(mask_of(c.pmd.v, c.pmd.n, 0) ==
				    rows[i].want_pmd);
			assert_true(mask_of(c.pte.v, c.pte.n, 0) ==
				    rows[i].want_pte);
			assert_true(mask_of(c.unresolved.v, c.unresolved.n,
					    0) == rows[i].want_unres);
			assert_int_equal(c.ambiguous, rows[i].ambiguous);
			assert_int_equal(c.inconsistent, rows[i].inconsistent);
			thp_coverage_vma_free(&c);
		}
		addr_set_free(&cand);
		addr_set_free(&pmd);
	}
}

#define PAGES	512
#define PFN0	0x17a400ull	/* on a 512-frame boundary */
#define PRESENT	(1ull << 63)
#define SWAPPED	(1ull << 62)
#define HEAD	((1ull << 15) | (1ull << 22))	/* COMPOUND_HEAD | THP */
#define TAIL	((1ull << 16) | (1ull << 22))	/* COMPOUND_TAIL | THP */

/* One chunk's pagemap and kpageflags, a whole THP, then one thing broken. */
static void chunk_checks(void **state)
{
	static const struct {
		const char *what;
		int page;		/* which entry to change */
		uint64_t ent, kpf;	/* its new values; 0: unchanged */
		int frames, thp;
		uint64_t shift;		/* every frame moved by this */
	} rows[] = {
		{ "a whole THP", 0, 0, 0, 1, 1, 0 },
		{ "first page not present", 0, PFN0, 0, 0, -1, 0 },
		{ "first page swapped", 0, PRESENT | SWAPPED | PFN0, 0, 0, -1, 0 },
		{ "frame numbers hidden", 0, PRESENT, 0, -EPERM, -1, 0 },
		{ "consecutive, not from a 512-frame boundary", 0, 0, 0, 0, -1, 1 },
		{ "consecutive from another boundary", 0, 0, 0, 1, 1, 512 },
		{ "a page in the middle elsewhere", 300, PRESENT | 0x999ull, 0, 0, -1, 0 },
		{ "the last page not present", 511, 0x1ull, 0, 0, -1, 0 },
		{ "a page not present, frame bits in place", 300, PFN0 + 300, 0,
		  0, -1, 0 },
		{ "a page swapped, frame bits in place", 300,
		  PRESENT | SWAPPED | (PFN0 + 300), 0, 0, -1, 0 },
		{ "head not a compound head", 0, 0, 1ull << 22, 1, 0, 0 },
		{ "head is the huge zero page", 0, 0, HEAD | (1ull << 24), 1, 0, 0 },
		{ "a tail that is no tail", 256, 0, HEAD, 1, 0, 0 },
		{ "the last tail not THP", 511, 0, 1ull << 16, 1, 0, 0 },
	};
	uint64_t ent[PAGES], kpf[PAGES], pfn;
	size_t r;
	int i;

	(void)state;
	for (r = 0; r < sizeof(rows) / sizeof(rows[0]); r++) {
		print_message("%s\n", rows[r].what);
		for (i = 0; i < PAGES; i++) {
			ent[i] = PRESENT | (PFN0 + rows[r].shift + i);
			kpf[i] = i ? TAIL : HEAD;
		}
		if (rows[r].ent)
			ent[rows[r].page] = rows[r].ent;
		if (rows[r].kpf)
			kpf[rows[r].page] = rows[r].kpf;
		pfn = 0;
		assert_int_equal(thp_coverage_chunk_frames(ent, &pfn),
				 rows[r].frames);
		if (rows[r].frames == 1)
			assert_true(pfn == PFN0 + rows[r].shift);
		if (rows[r].thp >= 0)
			assert_int_equal(thp_coverage_frames_are_thp(kpf),
					 rows[r].thp);
	}
}

static void vanished_task(void **state)
{
	struct thp_record_stats st;
	struct thp_env env = { };
	ThpTaskEntry *t;
	pid_t pid;

	(void)state;
	pid = fork();
	if (pid == 0)
		_exit(0);
	waitpid(pid, NULL, 0);
	assert_int_equal(thp_record_task(pid, pid, &env, &t, &st), -ENOENT);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(env_probe_as_root),
		cmocka_unit_test(exact_with_pagemap_scan),
		cmocka_unit_test(reconciled_without_pagemap_scan),
		cmocka_unit_test(scan_without_kpageflags),
		cmocka_unit_test(nothing_readable),
		cmocka_unit_test(traced_tree),
		cmocka_unit_test(vanished_task),
		cmocka_unit_test(classify_rules),
		cmocka_unit_test(chunk_checks),
	};

	return cmocka_run_group_tests_name("thp_record", tests, group_setup,
					   group_teardown);
}
