// SPDX-License-Identifier: GPL-2.0
/*
 * Restoring a task's THP state inside criu (see thp_restore.h).
 */
#include <errno.h>
#include <poll.h>
#include <inttypes.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "lazy_pages.h"
#include "madv.h"
#include "madv_probe.h"
#include "monitor_spawn.h"
#include "proc_smaps.h"
#include "sysfs_thp.h"
#include "criu_mm.h"
#include "mono_clock.h"
#include "proc_status.h"
#include "restore_quick.h"
#include "thp_fix.h"
#include "thp_fault.h"
#include "thp_image.h"
#include "thp_log.h"
#include "thp_monitor.h"
#include "thp_prctl.h"
#include "thp_restore.h"
#include "thp_verify.h"
#include "pidfd.h"

/* The task is stopped, criu waits: a short retry when khugepaged works */
#define HOOK_TRIES	5
#define HOOK_PAUSE_MS	20

static void read_mode(struct thp_verify_ctx *c)
{
	struct thp_sysfs s;

	if (thp_verify_ctx_mode(c, &s)) {
		snprintf(c->mode, sizeof(c->mode), "never");
		pr_warn("no THP settings in %s: taken as 'never'\n",
			THP_SYSFS_DIR);
		return;
	}
	if (c->pmd_off)
		pr_warn("THP of %" PRIu64 " KiB is 'never' here (%s): chunks "
			"huge at dump are not collapsed, and their tasks are not "
			"exact\n",
			s.hpage_size >> 10, s.pmd_enabled[0] ?
			"its hugepages-*kB/enabled" : "enabled");
}

/*
 * Like thp_verify_ctx_open(), but a restore goes on without THP sysfs
 * (mode "never") and with an unusable thp-dump.img (CRIU's images).
 */
static int read_dump(struct thp_restore *r)
{
	int ret = thp_image_read_dump(r->ctx.dirfd, &r->ctx.dump);

	if (!ret) {
		thp_verify_ctx_sizes(&r->ctx);
		if (r->ctx.sizes_differ[0])
			pr_warn("%s: %s; no task is exact\n", THP_DUMP_IMG,
				r->ctx.sizes_differ);
		return 0;
	}
	r->ctx.dump = NULL;
	if (ret == -ENOENT) {
		pr_info("no %s: the dump was made without the plugin, or the plugin could not "
			"write its record; THP state from CRIU's mm images\n",
			THP_DUMP_IMG);
		return 0;
	}
	pr_err("%s unusable: THP state from CRIU's mm images, coverage by rule\n",
	       THP_DUMP_IMG);
	return r->cfg.strict ? -1 : 0;
}

static void image_dir_path(struct thp_restore *r)
{
	char link[64];
	ssize_t n;

	snprintf(link, sizeof(link), "/proc/self/fd/%d", r->ctx.dirfd);
	n = readlink(link, r->dir, sizeof(r->dir) - 1);
	r->dir[n > 0 ? n : 0] = '\0';
}

/*
 * The vma strategy needs MADV_CLR_HUGEPAGE and the hugepage advice
 * through process_madvise() (the kernel/ series); without them, the
 * default strategy.
 */
static void pick_strategy(struct thp_restore *r)
{
	int vma = r->cfg.strategy == THP_STRATEGY_VMA;
	struct madv_caps caps;
	int ret;

	ret = madv_probe(&caps, vma);
	r->clr = !ret && caps.clr;
	if (r->clr)
		pr_info("the kernel has MADV_CLR_HUGEPAGE: advice 'none' can be restored\n");
	if (!vma)
		return;
	if (ret)
		pr_warn("strategy vma: the kernel cannot be probed (%s): "
			"default strategy instead\n",
			strerror(-ret));
	else if (!madv_remote_allowed())
		pr_warn("strategy vma: criu has no CAP_SYS_NICE, so it cannot give lazy VMAs their "
			"advice back from outside: default strategy instead\n");
	else if (!caps.clr || !caps.remote)
		pr_warn("strategy vma: this kernel has %s: default strategy instead (lazy VMAs "
			"keep their own advice; userfaultfd and PR_SET_THP_DISABLE keep huge pages "
			"off missing memory)\n",
			!caps.clr ? "no MADV_CLR_HUGEPAGE" :
			"no hugepage advice through process_madvise()");
	else
		r->vma = 1;
	if (r->vma)
		pr_info("strategy vma: lazy VMAs stay nh until their pages are in, then get their "
			"own advice back\n");
}

/*
 * The report of an earlier restore from this directory would stand until
 * this restore's monitor writes its own, and a script waiting for the
 * report would read it.
 */
static void remove_old_report(struct thp_restore *r)
{
	if (!unlinkat(r->ctx.dirfd, THP_MONITOR_REPORT, 0))
		pr_info("%s/%s of an earlier restore removed\n", r->dir,
			THP_MONITOR_REPORT);
	else if (errno != ENOENT)
		pr_pwarn("%s/%s of an earlier restore stays", r->dir,
			 THP_MONITOR_REPORT);
}

int thp_restore_prepare(struct thp_restore *r, const struct thp_config *cfg,
			int dirfd)
{
	memset(r, 0, sizeof(*r));
	r->cfg = *cfg;
	r->ctx.dirfd = dirfd;
	r->monitor_fd = -1;
	r->criu_disabled = -1;
	r->sync = cfg->collapse == THP_COLLAPSE_SYNC || cfg->strict;
	image_dir_path(r);
	read_mode(&r->ctx);
	thp_coverage_env_probe(&r->ctx.env);
	if (read_dump(r))
		return -1;
	remove_old_report(r);
	if (!madv_remote_allowed())
		pr_warn("criu has no CAP_SYS_NICE: the kernel refuses "
			"process_madvise() on the tasks, so chunks are collapsed "
			"and split by madvise() injected into each task, and the "
			"monitor stops a task for each batch of chunks it "
			"collapses\n");
	pick_strategy(r);
	r->criu_disabled = prctl(PR_GET_THP_DISABLE, 0, 0, 0, 0);
	if (prctl(PR_SET_THP_DISABLE, 1, 0, 0, 0)) {
		pr_err("prctl(PR_SET_THP_DISABLE): %s: "
		       "huge pages may form while memory is filled\n",
		       strerror(errno));
		return cfg->strict ? -1 : 0;
	}
	pr_info("THP disabled for criu and every task it forks until each is fixed; collapse %s, "
		"mode %s\n",
		r->sync ? "sync" : "async", r->ctx.mode);
	return 0;
}

/*
 * Log each difference left; returns how many make the task not exact.
 * Missing chunks that are pending (pages not in yet) or left to the
 * monitor are not: they are still to come.
 */
static size_t report_left(const struct thp_fix *f, const struct thp_diffs *d)
{
	size_t i, n = 0, missing = 0, later = f->pending + f->handed;
	struct thp_diff run;
	char buf[192];

	for (i = 0; i < d->n; ) {
		if (d->v[i].kind == THP_DIFF_MISSING) {
			missing++;
			i++;
			continue;
		}
		i = thp_diff_run(d, i, &run);
		thp_diff_format(buf, sizeof(buf), &run);
		pr_warn("task %d not exact: %s\n", f->pid, buf);
		n++;
	}
	if (missing > later) {
		pr_warn("task %d not exact: %zu recorded huge chunks are small\n",
			f->pid, missing - later);
		n += missing - later;
	}
	return n;
}

static void report_fix(const struct thp_fix *f)
{
	size_t i;

	pr_info("task %d: %u advice set, %u left wanting 'none' (no MADV_CLR_HUGEPAGE), prctl %s, "
		"%lu chunks collapsed (%lu under a lifted flag, %lu pulled) in %.1f ms, %lu file "
		"chunks mapped huge by a fault, %lu left small (THP never here), %lu split, %lu "
		"pending, %lu to the monitor\n",
		f->pid, f->advice_set, f->advice_left,
		f->prctl_set ? "set" : "kept", f->col.done, f->lifted,
		f->pulled, f->col.busy_ns / 1e6, f->faulted_huge, f->refused,
		f->split, f->pending,
		f->handed);
	for (i = 0; i < f->col.nfail; i++)
		pr_warn("task %d: chunk %" PRIx64 " not collapsed: %s\n",
			f->pid, f->col.fail[i].addr,
			strerror(f->col.fail[i].err));
}

/* Make sure there is a monitor; 0 when there is. */
static int want_monitor(struct thp_restore *r)
{
	if (r->monitor_fd >= 0)
		return 0;
	if (r->no_monitor)
		return -1;
	r->monitor_fd = monitor_spawn(r->cfg.monitor, r->ctx.dirfd, r->dir,
				      (r->cfg.guard == THP_GUARD_KILL ?
				       MONITOR_KILL_ON_DEATH : 0) |
				      (r->vma ? MONITOR_VMA : 0));
	if (r->monitor_fd >= 0)
		return 0;
	pr_warn("no monitor: collapsing before the tasks resume instead; lazy tasks are not "
		"guarded\n");
	r->sync = 1;
	r->no_monitor = 1;
	return -1;
}

/*
 * A lazy task goes to the monitor before anything else: once it answers
 * MONITOR_PROTO_GUARDED, a dying lazy-pages daemon can no longer feed the
 * task zero pages, and chunks may be pulled.  MONITOR_PROTO_NOT_LAZY:
 * the daemon had nothing left to send.  owed: the daemon still owes the
 * task pages (restore_quick.h), or -1 when not known: then a VMA still
 * registered with userfaultfd, which v's last compare counted (smaps read
 * once for both), makes it lazy.  1 when the monitor has the task; *lazy
 * when it is lazy.
 */
static int guard_lazy(struct thp_restore *r, const struct thp_verify *v,
		      int owed, int *guarded, int *lazy)
{
	struct monitor_proto_msg ans;
	pid_t pid = v->pid;
	int ret;

	*guarded = 0;
	*lazy = owed >= 0 ? owed : v->uffd_vmas != 0;
	if (!*lazy)
		return 0;
	r->lazy++;
	if (want_monitor(r)) {
		pr_err("task %d: restored lazily and not guarded: no monitor\n",
		       pid);
		return 0;
	}
	ret = monitor_spawn_ask(r->monitor_fd, pid, &ans, MONITOR_ANSWER_MS);
	r->sent++;
	switch (ans.answer) {
	case MONITOR_PROTO_GUARDED:
		r->guarded++;
		*guarded = 1;
		break;
	case MONITOR_PROTO_NOT_LAZY:
		r->lazy--;
		break;
	default:
		pr_err("task %d: restored lazily and not guarded: %s\n", pid,
		       ans.text);
		return !ret;
	}
	pr_info("task %d: monitor: %s: %s\n", pid,
		monitor_proto_text(ans.answer), ans.text);
	return 1;
}

struct hold {
	int pidfd;
	unsigned int n;
	int err;
};

static int hold_vma(const struct smaps_vma *v, void *arg)
{
	struct hold *h = arg;

	if (!(v->vmflags & VMF_UM))
		return 0;
	h->err = madv_remote(h->pidfd, v->start, v->end - v->start,
			     MADV_NOHUGEPAGE);
	if (h->err)
		return 1;
	h->n++;
	return 0;
}

/*
 * The vma strategy, once the task is fixed and guarded: nh on every VMA
 * still registered with userfaultfd.  The monitor gives each its own
 * advice back once its pages are all in.
 */
static void hold_lazy_vmas(struct thp_restore *r, pid_t pid)
{
	struct hold h = { };

	h.pidfd = pidfd_of(pid);
	if (h.pidfd < 0) {
		pr_warn("task %d: pidfd_open: %s\n", pid, strerror(-h.pidfd));
		return;
	}
	proc_smaps_read(pid, hold_vma, &h);
	close(h.pidfd);
	if (h.err)
		pr_warn("task %d: lazy VMAs not all held nh: %s\n", pid,
			strerror(-h.err));
	if (h.n)
		r->held++;
	/* sent again, the pid makes the monitor compare the task again */
	if (h.n && r->monitor_fd >= 0 && !monitor_spawn_add(r->monitor_fd, pid))
		r->sent++;
	pr_info("task %d: %u lazy VMAs held nh until their pages are in\n",
		pid, h.n);
}

/*
 * A task with chunks still to collapse goes to the monitor, and the hook
 * waits for its answer: the monitor answers once it has read the task's
 * images, which podman removes as soon as the restore ends.  0 when the
 * monitor has the task.
 */
static int hand_over(struct thp_restore *r, pid_t pid)
{
	struct monitor_proto_msg ans;
	int ret;

	ret = monitor_spawn_ask(r->monitor_fd, pid, &ans, MONITOR_ANSWER_MS);
	r->sent++;
	if (!ret && ans.answer == MONITOR_PROTO_LOAD_FAILED)
		ret = -EIO;
	if (ret)
		pr_warn("task %d: the monitor cannot take it: %s%s%s\n", pid,
			ret == -EIO ? monitor_proto_text(ans.answer) : "",
			ret == -EIO ? ": " : "", ans.text);
	return ret;
}

/*
 * Chunks huge after the fix that were small at dump (thp_fix_split()):
 * split them, then compare again.  The task's prctl state is its own by
 * now: a collapse khugepaged began while it was lifted is refused at its
 * end, and none begins after if the task has THP disabled.
 */
static int split_extra(struct thp_restore *r, struct thp_fix *f,
		      struct thp_verify *v)
{
	unsigned long before = f->split;
	int ret;

	ret = thp_fix_split(f, &v->d);
	if (ret)
		return ret;
	pr_info("task %d: %lu chunks huge that were small at dump, or folios where none may be, "
		"split\n",
		f->pid, f->split - before);
	return thp_verify_compare_settled(&r->ctx, v, HOOK_TRIES,
					  HOOK_PAUSE_MS);
}

/*
 * The task from maps, not smaps, where restore_quick.h allows (sync
 * collapse and the vma strategy read smaps: they act on what it shows).
 * 0 with v->advice set, else 1 or -ENOMEM.
 */
static int read_quickly(struct thp_restore *r, struct thp_verify *v,
			struct restore_quick *q)
{
	char why[160];
	int ret;

	if (r->sync || r->vma)
		return 1;
	ret = restore_quick_open(q, &r->ctx, v, why, sizeof(why));
	if (ret == 1)
		pr_info("task %d: read from smaps: %s\n", v->pid, why);
	if (ret)
		return ret;
	v->advice = &q->a;
	pr_info("task %d: read from maps, its advice as CRIU's restorer set it from "
		"mm-%u.img\n",
		v->pid, v->id);
	return 0;
}

/*
 * Compare, fix, compare again.  v is loaded; 0 when the task is exact but
 * for chunks still to come, -EAGAIN when it is not, or another error.
 */
static int fix_and_check(struct thp_restore *r, struct thp_verify *v)
{
	struct thp_fix f = { .pid = v->pid, .want = v->x.e, .clr = r->clr,
			     .no_collapse = r->ctx.pmd_off };
	struct restore_quick q = { };
	size_t bad = 1;
	int ret, added, was_exact;

	ret = read_quickly(r, v, &q);
	if (ret < 0)
		return ret;
	ret = thp_verify_compare_settled(&r->ctx, v, HOOK_TRIES,
					 HOOK_PAUSE_MS);
	if (ret)
		goto out;
	was_exact = !v->d.n;
	added = guard_lazy(r, v, v->advice ? q.lazy : -1, &f.pull, &f.lazy);
	if (!r->sync && thp_diff_count(&v->d, THP_DIFF_MISSING))
		want_monitor(r);
	f.have = v->live;
	f.diffs = &v->d;
	f.sync = r->sync;
	ret = thp_fix_task(&f);
	if (ret != -ESRCH)
		report_fix(&f);
	v->live_prctl = f.prctl_now >= 0 ? (int)f.prctl_now : -1;
	/*
	 * Compared again unless nothing differed and the fix found the prctl
	 * state it wanted (the one difference /proc may not show): then it
	 * changed nothing, and a second reading of smaps would cost as much
	 * as the first.
	 */
	if (!ret && !(was_exact && f.prctl_now == thp_prctl_of(v->x.e)))
		ret = thp_verify_compare_settled(&r->ctx, v, HOOK_TRIES,
						 HOOK_PAUSE_MS);
	if (!ret && (thp_diff_count(&v->d, THP_DIFF_EXTRA) ||
		     thp_diff_count(&v->d, THP_DIFF_FOLIOS)))
		ret = split_extra(r, &f, v);
	if (!ret)
		bad = report_left(&f, &v->d);
	if (!ret && (f.handed || f.pending) && !added &&
	    !hand_over(r, v->pid))
		added = 1;
	if (added && (f.handed || f.pending))
		r->handed++;
	if (!ret && r->vma && f.pull)
		hold_lazy_vmas(r, v->pid);
	thp_fix_done(&f);
out:
	v->advice = NULL;
	restore_quick_close(&q);
	return ret ? ret : bad ? -EAGAIN : 0;
}

static void fail_strict(pid_t pid)
{
	pr_err("strict: task %d is not exactly as dumped: killing it so that the restore fails\n",
	       pid);
	kill(pid, SIGKILL);
}

/*
 * A task whose THP state cannot be loaded still inherited criu's
 * PR_SET_THP_DISABLE (thp_restore_prepare()): give it its own - the state
 * criu's mm image records (CRIU 3.19 and later set it in their restorer
 * already; 3.17.1 records it but does not restore it) - else enabled, as
 * stock CRIU's tasks inherit it from a criu without the plugin.
 */
static void own_prctl(struct thp_restore *r, pid_t pid)
{
	struct proc_status st;
	CriuMmEntry *mm;
	int want = 0, ret;

	if (proc_status_read(pid, &st) || st.thp_enabled < 0)
		return;
	if (!criu_mm_read(r->ctx.dirfd, st.nspid > 0 ? st.nspid : pid, &mm)) {
		want = mm->has_thp_disabled && mm->thp_disabled;
		criu_mm_entry__free_unpacked(mm, NULL);
	}
	if (st.thp_enabled != want)
		return;
	ret = thp_fix_prctl(pid, want);
	if (ret)
		pr_err("task %d: its THP state stays disabled as criu's: prctl(PR_SET_THP_DISABLE, "
		       "%d): %s\n",
		       pid, want, strerror(-ret));
	else
		pr_warn("task %d: THP %s, as criu's image records it\n", pid,
			want ? "disabled" : "enabled");
}

/*
 * Every task is forked by the first RESUME_DEVICES_LATE: criu gets its own
 * prctl state back, so that what it runs from now on - pre-resume and
 * post-resume scripts, --exec-cmd's program - does not inherit ours.
 */
static void criu_own_prctl(struct thp_restore *r)
{
	int mode = r->criu_disabled;

	if (mode >= 0 && mode != THP_PRCTL_DISABLED &&
	    prctl(PR_SET_THP_DISABLE, thp_prctl_arg(mode),
		  thp_prctl_flags(mode), 0, 0))
		pr_pwarn("prctl(PR_SET_THP_DISABLE) to %s, criu's THP stays disabled",
			 thp_prctl_name(mode));
	r->criu_disabled = -1;
}

void thp_restore_task(struct thp_restore *r, pid_t pid)
{
	struct thp_verify v = { .pid = pid };
	double t0 = mono_ms();
	int ret;

	criu_own_prctl(r);
	thp_fault_kill(THP_FAULT_RESTORE_HOOK);
	r->tasks++;
	ret = thp_fault_fail(THP_FAULT_RESTORE_LOAD) ? -EIO :
		thp_verify_load(&r->ctx, pid, &v);
	if (ret) {
		pr_err("task %d: no THP state to restore it to\n", pid);
		own_prctl(r, pid);
		goto out;
	}
	pr_info("task %d (id %u): THP state from the %s%s%s%s\n", pid, v.id,
		thp_expect_source_name(&v.x),
		v.x.coverage_by_rule ? ", coverage by rule" : "",
		v.x.note[0] ? ": " : "", v.x.note);
	ret = fix_and_check(r, &v);
	if (!ret && r->ctx.dump && v.x.source != THP_EXPECT_RECORD) {
		pr_warn("task %d: not exact: coverage by rule, not as recorded\n",
			pid);
		ret = -EAGAIN;
	}
	if (ret == -ESRCH)
		pr_warn("task %d exited while its THP state was being fixed\n",
			pid);
	if (!ret)
		r->exact++;
	pr_info("task %d: %s in %.1f ms (%zu VMAs)\n", pid,
		!ret ? "exact, but for chunks still to come" :
		ret == -EAGAIN ? "not exact" : "not fixed", mono_ms() - t0,
		v.x.e->n_vmas);
out:
	thp_verify_free(&v);
	if (ret && r->cfg.strict)
		fail_strict(pid);
}

/*
 * A monitor started for chunks the hook then collapsed itself was sent no
 * task: it ends once criu lets go of it.  It leaves the cgroups runc put
 * criu in as it starts, reading those of criu's parent, and runc ends
 * right after criu: wait until the monitor has ended (its end of the
 * socket closes), at most IDLE_MONITOR_MS, so that it read them while
 * runc was there.
 */
#define IDLE_MONITOR_MS	2000

static void end_idle_monitor(struct thp_restore *r)
{
	struct pollfd p = { .fd = r->monitor_fd, .events = POLLIN };
	double end = mono_ms() + IDLE_MONITOR_MS;
	char buf[256];

	if (shutdown(r->monitor_fd, SHUT_WR))
		return;
	while (mono_ms() < end && poll(&p, 1, (int)(end - mono_ms()) + 1) > 0)
		if (read(r->monitor_fd, buf, sizeof(buf)) <= 0)
			return;		/* the monitor has ended */
	pr_warn("the monitor, sent no task, still runs after %d ms\n",
		IDLE_MONITOR_MS);
}

void thp_restore_finish(struct thp_restore *r)
{
	criu_own_prctl(r);	/* no task hook ran: a tree of zombies */
	if (r->monitor_fd >= 0 && !r->sent)
		end_idle_monitor(r);
	if (r->monitor_fd >= 0)
		close(r->monitor_fd);
	r->monitor_fd = -1;
	thp_verify_ctx_close(&r->ctx);
	if (r->tasks)
		pr_info("restore: %u tasks, %u exact at resume, %u left to the monitor, %u of %u "
			"lazy guarded, %u held nh (vma strategy)\n",
			r->tasks, r->exact, r->handed, r->guarded, r->lazy,
			r->held);
}
