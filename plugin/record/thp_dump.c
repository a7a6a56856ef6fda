// SPDX-License-Identifier: GPL-2.0
/*
 * Recording every dumped task.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "lazy_stack.h"
#include "mono_clock.h"
#include "sysfs_thp.h"
#include "thp_dump.h"
#include "thp_image.h"
#include "thp_log.h"
#include "thp_record.h"

static void add_stats(struct thp_dump_summary *sum,
		      const struct thp_record_stats *st)
{
	sum->ambiguous += st->ambiguous;
	sum->pmd += st->pmd;
	sum->pte += st->pte;
	sum->unresolved += st->unresolved;
}

static void report_unknown(const ThpTaskEntry *e, int strict, int *told)
{
	if (*told)
		return;
	*told = 1;
	if (strict)
		pr_err("strict: task %u: huge-page map not recorded: %s\n",
		       e->id, e->problem ? e->problem : "unknown reason");
	else
		pr_warn("task %u: huge-page map not recorded (%s); flags and prctl state are; this "
			"warning is given once per dump\n",
			e->id, e->problem ? e->problem : "unknown reason");
}

/* Said at every dump: it decides a later lazy restore, whose log is too late. */
static void check_lazy_stack(const struct traced_task *t)
{
	uint64_t sp;
	pid_t tid;
	int ret;

	ret = lazy_stack_aligned(t->pid, &tid, &sp);
	if (ret < 0)
		pr_debug("task %u: stack pointers not read: %s\n", t->id,
			 strerror(-ret));
	if (ret <= 0)
		return;
	pr_warn("task %u: thread %d's stack pointer %#" PRIx64
		" is page-aligned: criu takes every page of the task for the "
		"stack (is_stack() in criu/mem.c) and marks none lazy; a lazy "
		"restore or migration of this dump copies them all before the "
		"task resumes\n",
		t->id, tid, sp);
}

static int record_one(int dirfd, const struct traced_task *t,
		      const struct thp_env *env, int strict, int *told,
		      struct thp_dump_summary *sum)
{
	struct thp_record_stats st;
	ThpTaskEntry *e;
	int ret;

	ret = thp_record_task(t->pid, t->id, env, &e, &st);
	if (ret) {
		pr_err("task %d (id %u): cannot record: %s\n", t->pid, t->id,
		       strerror(-ret));
		return ret;
	}
	if (!e->coverage_known) {
		sum->unknown++;
		report_unknown(e, strict, told);
	}
	add_stats(sum, &st);
	check_lazy_stack(t);
	pr_debug("task %u: %u VMAs, chunks: %" PRIu64 " PMD-mapped, %" PRIu64
		 " PTE-mapped THP, %" PRIu64 " unresolved\n", e->id, st.vmas,
		 st.pmd, st.pte, st.unresolved);
	ret = thp_image_write_task(dirfd, e);
	thp_task_entry__free_unpacked(e, NULL);
	if (!ret)
		sum->tasks++;
	return ret;
}

static int write_machine(int dirfd, const struct traced_task *t, size_t n,
			 int strict)
{
	ThpDumpEntry *d;
	size_t i;
	int ret;

	ret = thp_record_machine(THP_SYSFS_DIR, &d);
	if (ret) {
		pr_err("%s: cannot read the THP settings: %s\n", THP_SYSFS_DIR,
		       strerror(-ret));
		return ret;
	}
	d->has_strict = 1;
	d->strict = strict;
	d->task_ids = malloc((n ? n : 1) * sizeof(*d->task_ids));
	if (!d->task_ids) {
		ret = -ENOMEM;
		goto out;
	}
	for (i = 0; i < n; i++)
		d->task_ids[i] = t[i].id;
	d->n_task_ids = n;
	ret = thp_image_write_dump(dirfd, d);
out:
	thp_dump_entry__free_unpacked(d, NULL);
	return ret;
}

int thp_dump_write(int dirfd, const struct traced_task *t, size_t n,
		   const struct thp_env *env, int strict,
		   struct thp_dump_summary *sum)
{
	int told = 0, ret;
	size_t i;

	memset(sum, 0, sizeof(*sum));
	ret = thp_image_remove_all(dirfd);	/* an earlier dump's */
	for (i = 0; !ret && i < n; i++)
		ret = record_one(dirfd, &t[i], env, strict, &told, sum);
	if (!ret)
		ret = write_machine(dirfd, t, n, strict);
	if (ret)
		thp_image_remove_all(dirfd);
	return ret;
}

int thp_dump_prepare(int strict, struct thp_env *env)
{
	thp_coverage_env_probe(env);
	pr_debug("huge-page maps: PAGEMAP_SCAN %s, frame numbers %s, kpageflags %s\n",
		 env->has_scan ? "yes" : "no", env->pfns ? "yes" : "no",
		 env->kpageflags ? "yes" : "no");
	if (!strict || (thp_env_has_coverage(env) && thp_env_has_pte_thp(env)))
		return 0;
	pr_err("strict: huge-page maps cannot be recorded here: %s\n",
	       env->why);
	return -1;
}

static void log_summary(const struct thp_dump_summary *s,
			const struct thp_env *env, uint64_t us)
{
	pr_info("recorded %u tasks in %" PRIu64 ".%03" PRIu64 " ms (%s): %" PRIu64
		" PMD-mapped chunks, %" PRIu64 " PTE-mapped THPs, %" PRIu64
		" unresolved in %u VMAs, %u tasks without a huge-page map\n",
		s->tasks, us / 1000, us % 1000,
		env->has_scan ? "PAGEMAP_SCAN" : "pagemap+kpageflags",
		s->pmd, s->pte, s->unresolved, s->ambiguous, s->unknown);
}

int thp_dump_tasks(int dirfd, pid_t tracer, const struct thp_env *env,
		   int strict)
{
	uint64_t t0 = mono_ns() / 1000;
	struct thp_dump_summary sum;
	struct traced_task *t;
	size_t n;
	int ret;

	ret = proc_tasks_find_traced(tracer, &t, &n);
	if (ret) {
		pr_err("cannot list the dumped tasks: %s\n", strerror(-ret));
		thp_image_remove_all(dirfd);
		return ret;
	}
	if (!n)
		pr_warn("no task traced by %d: nothing to record\n", tracer);
	ret = thp_dump_write(dirfd, t, n, env, strict, &sum);
	free(t);
	if (ret && strict) {
		pr_err("no THP record written: %s\n", strerror(-ret));
		return ret;
	}
	if (ret) {
		pr_warn("no THP record written: %s; the dump goes on without one, and its restore "
			"will not make the THP state exact\n",
			strerror(-ret));
		return ret;
	}
	log_summary(&sum, env, mono_ns() / 1000 - t0);
	return 0;
}
