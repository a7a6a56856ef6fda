// SPDX-License-Identifier: GPL-2.0
/*
 * The criu-thp monitor loop (see thp_monitor.h).
 */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <limits.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "array.h"
#include "madv.h"
#include "madv_probe.h"
#include "mono_clock.h"
#include "proc_mem.h"
#include "proc_pagemap.h"
#include "proc_status.h"
#include "thp_advice.h"
#include "thp_collapse.h"
#include "proc_cgroup.h"
#include "sys_nr.h"
#include "thp_fault.h"
#include "thp_image.h"
#include "thp_log.h"
#include "monitor_int.h"
#include "pidfd.h"

#define POLL_MIN_MS	10
#define POLL_MAX_MS	1000
#define GUARD_POLL_MS	50	/* while the guard holds what a task may wait on */
#define FINAL_TRIES	20	/* to read a task khugepaged keeps changing */
#define FINAL_PAUSE_MS	100

/* SIGTERM, SIGINT or SIGHUP: end now, as thp_monitor.h says. */
static volatile sig_atomic_t signalled;

static void on_signal(int sig)
{
	signalled = sig;
}

/*
 * criu forks the monitor with its own signals blocked (it restores with
 * them so): unblock every one, and catch those that ask us to end.
 */
static void catch_signals(void)
{
	static const int sigs[] = { SIGTERM, SIGINT, SIGHUP };
	struct sigaction sa = { .sa_handler = on_signal };
	sigset_t none;
	size_t i;

	for (i = 0; i < sizeof(sigs) / sizeof(sigs[0]); i++)
		sigaction(sigs[i], &sa, NULL);
	sigemptyset(&none);
	sigprocmask(SIG_SETMASK, &none, NULL);
}

double thp_monitor_elapsed(const struct monitor *m)
{
	return (mono_ms() - m->t0_ms) / 1e3;
}

int thp_monitor_task_exited(const struct mtask *t)
{
	return pidfd_exited(t->pidfd, 0);
}

int thp_monitor_task_signal(const struct mtask *t, int sig)
{
	return pidfd_signal(t->pidfd, sig);
}

/*
 * Read the task's state and open what we keep of it, by its number - so
 * only while its pidfd says it has not exited, before and after: then
 * the number was still its own when we opened them.
 */
static int load_task(struct monitor *m, struct mtask *t)
{
	int ret;

	if (thp_monitor_task_exited(t))
		return -ESRCH;
	ret = thp_verify_load(&m->ctx, t->v.pid, &t->v);
	if (!ret)
		ret = thp_collapse_open_pidfd(&t->col, t->v.pid, t->pidfd);
	if (!ret) {
		t->mem_fd = proc_mem_open(t->v.pid, O_RDONLY);
		ret = t->mem_fd < 0 ? t->mem_fd : 0;
	}
	if (!ret && thp_monitor_task_exited(t))
		ret = -ESRCH;
	t->loaded = !ret;
	return ret;
}

/* Tell the plugin, waiting in the task's hook, what we made of it. */
static void reply(const struct monitor *m, pid_t pid,
		  enum monitor_proto_answer a, const char *why)
{
	char line[MONITOR_PROTO_LINE];
	int n;

	pr_info("task %d: %s: %s\n", pid, monitor_proto_text(a), why);
	if (!m->o->pids_on_stdin)
		return;
	n = monitor_proto_format(line, sizeof(line), pid, a, why);
	/* the plugin waits only for lazy tasks' answers, and may be gone */
	if (n > 0 && send(0, line, n, MSG_NOSIGNAL) != n)
		pr_info("cannot answer the plugin: %s\n", strerror(errno));
}

/* Load a new task and guard it if it is restored lazily. */
static void start_task(struct monitor *m, struct mtask *t)
{
	enum monitor_proto_answer a;
	char why[160];
	int ret;

	ret = load_task(m, t);
	if (ret) {
		reply(m, t->v.pid, MONITOR_PROTO_LOAD_FAILED, strerror(-ret));
		return;
	}
	a = monitor_guard_add(m, t, why, sizeof(why));
	reply(m, t->v.pid, a, why);
	if (a == MONITOR_PROTO_GUARDED)
		thp_fault_kill(THP_FAULT_MONITOR_GUARDED);
}

static int add_task(struct monitor *m, pid_t pid)
{
	struct mtask *t = array_room(m->t, m->n, &m->cap, sizeof(*t));

	if (!t)
		return -ENOMEM;
	m->t = t;
	t = &m->t[m->n++];
	memset(t, 0, sizeof(*t));
	t->v.pid = pid;
	t->col.pidfd = -1;
	t->mem_fd = -1;
	t->pidfd = pidfd_of(pid);
	if (t->pidfd < 0)
		pr_warn("task %d: pidfd_open: %s\n", pid, strerror(-t->pidfd));
	t->t_exact = -1;
	t->t_last_page = -1;
	t->dirty = 1;
	pr_info("task %d: watching\n", pid);
	start_task(m, t);
	return 0;
}

/* A pid sent again: the plugin changed the task, compare it again. */
static int again(struct monitor *m, pid_t pid)
{
	size_t i;

	for (i = 0; i < m->n; i++) {
		if (m->t[i].v.pid != pid)
			continue;
		m->t[i].dirty = 1;
		pr_info("task %d: changed by the plugin\n", pid);
		return 1;
	}
	return 0;
}

static void parse_input(struct monitor *m)
{
	char *nl, *end;
	long pid;

	while ((nl = memchr(m->buf, '\n', m->len))) {
		*nl = '\0';
		pid = strtol(m->buf, &end, 10);
		if (end == m->buf || *end || pid <= 0)
			pr_warn("input: '%s' is not a pid\n", m->buf);
		else if (!again(m, pid))
			add_task(m, pid);
		m->len -= nl + 1 - m->buf;
		memmove(m->buf, nl + 1, m->len);
	}
	if (m->len == sizeof(m->buf))
		m->len = 0;	/* a line longer than any pid: drop it */
}

/*
 * criu detaches from all tasks at once, after the last hook: none can
 * follow.  One task that is still there tells (reading every task at
 * each poll made adding n tasks cost n^2 reads).
 */
static int criu_detached(const struct monitor *m)
{
	struct proc_status st;
	size_t i;

	if (m->o->criu_pid <= 0)
		return 0;
	for (i = 0; i < m->n; i++)
		if (!proc_status_read(m->t[i].v.pid, &st))
			return st.tracer != m->o->criu_pid;
	return m->n > 0;	/* all gone */
}

/* Wait up to ms for pids; returns at once when input is closed. */
static void read_input(struct monitor *m, int ms)
{
	struct pollfd p = { .fd = 0, .events = POLLIN };
	struct pollfd d = { .fd = monitor_guard_pollfd(m), .events = POLLIN };
	int drain = 0;
	ssize_t r;

	if (!m->input) {
		if (ms)
			poll(&d, 1, ms);	/* wakes when the daemon exits */
		return;
	}
	for (;;) {
		if (poll(&p, 1, drain ? 0 : ms) <= 0) {
			if (drain || !criu_detached(m))
				return;
			drain = 1;
			m->input = 0;
			continue;
		}
		r = read(0, m->buf + m->len, sizeof(m->buf) - m->len);
		if (r <= 0) {
			m->input = 0;
			return;
		}
		m->len += r;
		parse_input(m);
		ms = 0;
	}
}

static int is_gone(int err)
{
	return err == -ESRCH || err == -ENOENT;
}

static int cmp_fail(const void *a, const void *b)
{
	const struct thp_collapse_fail *x = a, *y = b;

	return x->addr < y->addr ? -1 : x->addr > y->addr;
}

/*
 * Whether the chunk at addr failed before: the failures sorted, and addr
 * ascending from one call to the next, so that *k only moves on.
 */
static int failed_before(const struct mtask *t, size_t *k, uint64_t addr)
{
	while (*k < t->col.nfail && t->col.fail[*k].addr < addr)
		(*k)++;
	return *k < t->col.nfail && t->col.fail[*k].addr == addr;
}

/*
 * EINVAL on a chunk of a task still restored lazily means "not yet" (a
 * PTE still none, docs/kernel-and-criu-facts.md section 1): forget it,
 * try it again later.
 */
static void forget_not_yet(struct mtask *t)
{
	size_t i, k = 0;

	for (i = 0; i < t->col.nfail; i++) {
		if (t->lazy && t->t_last_page < 0 &&
		    t->col.fail[i].err == EINVAL) {
			t->not_yet++;
			continue;
		}
		t->col.fail[k++] = t->col.fail[i];
	}
	t->col.nfail = k;
}

/*
 * Whether a difference of this kind overlaps the chunk at addr: advice
 * still to be given back, or memory the task has unmapped since (nothing
 * will come there: not pending, not to collapse).  thp_diff_tasks() lists
 * the differences of each VMA in address order, VMA after VMA, so that
 * for addr ascending from one call to the next *j only moves on.
 */
static int diff_over(const struct thp_diffs *d, size_t *j,
		     enum thp_diff_kind kind, uint64_t addr)
{
	for (; *j < d->n; (*j)++) {
		const struct thp_diff *x = &d->v[*j];

		if (x->kind == kind && x->end > addr)
			return x->start < addr + THP_CHUNK_SIZE;
	}
	return 0;
}

/*
 * The vma strategy: a VMA part whose advice differs (the plugin held it
 * nh) gets its own back through process_madvise() once every page the
 * image has for it is in.
 */
static int restore_advice(struct mtask *t)
{
	const struct thp_diffs *d = &t->v.d;
	size_t i;
	int ret;

	for (i = 0; i < d->n && !t->advice_failed; i++) {
		const struct thp_diff *x = &d->v[i];

		if (x->kind != THP_DIFF_ADVICE)
			continue;
		ret = lazy_pages_range_in(t->v.pid, &t->owed, x->start, x->end);
		if (ret < 0)
			return ret;
		if (!ret)
			continue;	/* pages still arriving */
		ret = madv_remote(t->col.pidfd, x->start, x->end - x->start,
				  thp_advice_madv(x->want));
		if (is_gone(ret))
			return ret;
		if (ret) {
			pr_warn("task %d: %" PRIx64 "-%" PRIx64 ": advice %s cannot be given back: "
								"%s\n",
				t->v.pid, x->start, x->end,
				thp_advice_name(x->want), strerror(-ret));
			t->advice_failed = 1;
			return 0;
		}
		pr_info("task %d: %" PRIx64 "-%" PRIx64 ": every page in, advice %s given back\n",
			t->v.pid, x->start, x->end, thp_advice_name(x->want));
		t->advice_set++;
		t->dirty = 1;
	}
	return 0;
}

/*
 * Whether a chunk not all present is as in as it will ever be: every page
 * the image has of it is, and the rest never comes.  CRIU 3.x dumps the
 * memory before the plugin records, and khugepaged may collapse a chunk
 * in between, filling pages the image leaves out; MADV_COLLAPSE fills
 * them with zeros, as they read.  Not while a userfaultfd is registered
 * over the task: one none PTE in an armed VMA fails the collapse
 * (docs/kernel-and-criu-facts.md section 1), so such chunks wait for
 * the daemon and the guard to let go.  1 ready, 0 not yet, or a negative errno.
 */
static int holes_only(const struct monitor *m, struct mtask *t, int fd,
		      uint64_t addr)
{
	int ret;

	if (!t->unarmed) {
		if (t->lazy && m->g.state == GUARD_ON)
			return 0;
		ret = lazy_pages_armed(t->v.pid);
		if (ret)
			return ret < 0 ? ret : 0;
		t->unarmed = 1;
	}
	return lazy_pages_range_in_fd(fd, &t->owed, addr,
				      addr + THP_CHUNK_SIZE);
}

/* Collapse what is in; counts what is not. */
static int collapse_ready(const struct monitor *m, struct mtask *t)
{
	const struct thp_diffs *d = &t->v.d;
	struct addr_set ready = { };
	size_t i, j = 0, k = 0, u = 0;
	int fd, ret = 0;

	t->pending = 0;
	fd = proc_pagemap_open(t->v.pid);
	if (fd < 0)
		return fd;
	if (t->col.nfail)
		qsort(t->col.fail, t->col.nfail, sizeof(*t->col.fail),
		      cmp_fail);
	for (i = 0; i < d->n && !ret; i++) {
		const struct thp_diff *x = &d->v[i];

		if (x->kind != THP_DIFF_MISSING || m->ctx.pmd_off ||
		    failed_before(t, &k, x->start) ||
		    x->vma->advice == THP_ADVICE__NOHUGE ||
		    t->v.x.e->thp_disabled ||
		    diff_over(d, &j, THP_DIFF_ADVICE, x->start) ||
		    diff_over(d, &u, THP_DIFF_NO_VMA, x->start))
			continue;
		ret = proc_pagemap_range_present(fd, x->start, THP_CHUNK_SIZE);
		if (!ret)
			ret = holes_only(m, t, fd, x->start);
		if (ret == 1)
			ret = addr_set_add(&ready, x->start);
		else if (!ret)
			t->pending++;
	}
	close(fd);
	if (!ret && ready.n) {
		thp_fault_kill(THP_FAULT_MONITOR_COLLAPSE);
		thp_fault_sleep(THP_FAULT_MONITOR_SLOW, 3);
		ret = thp_collapse_chunks(&t->col, ready.v, ready.n);
	}
	if (!ret)
		forget_not_yet(t);
	addr_set_free(&ready);
	return ret;
}

/* Every page owed has come: note when, and what was done before. */
static int check_last_page(struct monitor *m, struct mtask *t,
			   unsigned long before)
{
	struct lazy_state ls;
	int ret;

	if (!t->lazy || t->t_last_page >= 0 || t->pending)
		return 0;
	ret = lazy_pages_missing(t->v.pid, &t->owed, 0, &ls);
	if (ret || ls.missing)
		return ret;
	t->t_last_page = thp_monitor_elapsed(m);
	t->during = before;
	pr_info("task %d: every page in after %.3f s, %lu chunks collapsed before\n",
		t->v.pid, t->t_last_page, before);
	return 0;
}

/*
 * Re-read the whole task only when it may have changed in a way that
 * matters: at first, after a collapse, when the last pending chunk came.
 */
static int compare(struct monitor *m, struct mtask *t)
{
	int ret;

	if (!t->dirty)
		return 0;
	t->dirty = 0;
	ret = thp_verify_compare(&m->ctx, &t->v);
	if (!ret && !t->v.d.n && t->t_exact < 0)
		t->t_exact = thp_monitor_elapsed(m);
	return ret;
}

static int task_finished(const struct mtask *t, unsigned long got)
{
	if (t->stopped)
		return 1;
	if (got || t->pending || t->dirty)
		return 0;
	return !t->lazy || t->t_last_page >= 0;
}

/*
 * The restored address space, and with it all we compare, is gone: the
 * task runs a new program, or it is exiting.  Not ours to watch.
 */
static int execed(struct mtask *t)
{
	if (!t->loaded || !proc_mem_gone(t->mem_fd))
		return 0;
	t->done = t->gone = 1;
	t->execed = !thp_monitor_task_exited(t);
	pr_info("task %d: %s: no longer watched\n", t->v.pid, t->execed ?
		"it runs a new program (exec)" : "it exited");
	return 1;
}

/*
 * The live task could not be read for its huge chunks: khugepaged changed
 * it each time - it may well be collapsing what we are to.  The
 * comparison then lists no chunk to collapse; that is not "nothing to
 * do": read it again on the next pass.
 */
static int read_again(const struct mtask *t)
{
	const char *why = thp_verify_unread(&t->v);

	if (!why)
		return 0;
	pr_warn("task %d: which chunks are huge cannot be told (%s): reading it again\n",
		t->v.pid, why);
	return 1;
}

/* One pass over a task; returns the number of chunks collapsed. */
static unsigned long step_task(struct monitor *m, struct mtask *t)
{
	unsigned long before = t->col.done, pending = t->pending;
	int ret;

	if (execed(t))
		return 0;
	ret = t->loaded ? 0 : load_task(m, t);
	if (!ret && !t->stopped)
		ret = compare(m, t);
	if (!ret && !t->stopped && m->o->vma && t->lazy)
		ret = restore_advice(t);
	if (!ret && !t->stopped && t->dirty)
		ret = compare(m, t);
	if (!ret && !t->stopped)
		ret = collapse_ready(m, t);
	if (!ret)
		ret = check_last_page(m, t, before);
	if (execed(t))		/* while we worked on it */
		return 0;
	if (ret) {
		t->done = 1;
		t->gone = is_gone(ret);
		pr_info("task %d: %s\n", t->v.pid, t->gone ? "gone" :
			"cannot be watched");
		return 0;
	}
	t->dirty = t->col.done != before || (pending && !t->pending) ||
		   read_again(t);
	t->done = task_finished(t, t->col.done - before);
	return t->col.done - before;
}

static int all_done(const struct monitor *m)
{
	size_t i;

	for (i = 0; i < m->n; i++)
		if (!m->t[i].done)
			return 0;
	return !m->input;
}

/*
 * The timeout runs from the end of the hooks (criu detached), or from the
 * end of the transfer: a long hook phase leaves the collapse its time.
 */
static int timed_out(const struct monitor *m)
{
	double from = m->g.state >= GUARD_NORMAL ? m->g.t_end : m->t_watch;

	if (m->g.state == GUARD_ON)
		return 0;
	return thp_monitor_elapsed(m) - from >= m->o->timeout;
}

static int next_wait(const struct monitor *m, int wait, unsigned long got)
{
	wait = got ? POLL_MIN_MS : wait * 2 > POLL_MAX_MS ? POLL_MAX_MS :
		wait * 2;
	if (m->g.state == GUARD_ON && wait > GUARD_POLL_MS)
		wait = GUARD_POLL_MS;
	return wait;
}

/*
 * Asked to end: let go of everything at once.  The daemon keeps its own
 * userfaultfds and sends the pages still owed; only the guard against its
 * death and the collapses to come are given up.
 */
static void left(struct monitor *m, int sig)
{
	m->signal = sig;
	pr_warn("SIG%s: the monitor ends after %.3f s; its tasks run on, %s\n",
		sigabbrev_np(sig), thp_monitor_elapsed(m),
		m->g.state == GUARD_ON ?
		"no longer guarded against the lazy-pages daemon's death" :
		"some perhaps not exact");
	if (m->g.state == GUARD_ON) {
		m->g.state = GUARD_LEFT;
		m->g.t_end = thp_monitor_elapsed(m);
		snprintf(m->g.why, sizeof(m->g.why), "SIG%s",
			 sigabbrev_np(sig));
	}
	uffd_guard_release(&m->g.u);
}

static void watch(struct monitor *m)
{
	int wait = POLL_MIN_MS;
	unsigned long got;
	size_t i;

	/* criu still runs the other tasks' hooks: wait until it is done */
	while (m->input && thp_monitor_elapsed(m) < m->o->timeout && !signalled)
		read_input(m, POLL_MIN_MS);
	m->t_watch = thp_monitor_elapsed(m);
	while (!(all_done(m) && monitor_guard_idle(m)) && !timed_out(m) &&
	       !signalled) {
		monitor_guard_step(m);
		for (i = 0, got = 0; i < m->n; i++)
			if (!m->t[i].done)
				got += step_task(m, &m->t[i]);
		wait = next_wait(m, wait, got);
		if (!all_done(m) || !monitor_guard_idle(m))
			read_input(m, wait);
	}
	if (signalled)
		left(m, signalled);
	else if (!all_done(m))
		pr_warn("timeout after %.0f s: some tasks still not exact\n",
			m->o->timeout);
}

/* Compare every task a last time, print it; 1 if any is not exact. */
static int finish(struct monitor *m)
{
	int bad = 0;
	size_t i;

	for (i = 0; i < m->n; i++) {
		struct mtask *t = &m->t[i];

		/* stopped or killed by the guard: pages lost, never exact */
		bad |= t->stopped;
		if (!t->loaded || t->gone || execed(t)) {
			bad |= !t->gone;
			continue;
		}
		if (thp_verify_compare_settled(&m->ctx, &t->v, FINAL_TRIES,
					       FINAL_PAUSE_MS)) {
			t->gone = 1;
			continue;
		}
		thp_verify_print(stdout, &t->v);
		bad |= t->v.d.n != 0 || t->stopped;
	}
	fflush(stdout);
	return bad;
}

static void free_tasks(struct monitor *m)
{
	size_t i;

	for (i = 0; i < m->n; i++) {
		thp_verify_free(&m->t[i].v);
		thp_collapse_close(&m->t[i].col);
		if (m->t[i].mem_fd >= 0)
			close(m->t[i].mem_fd);
		if (m->t[i].pidfd >= 0)
			close(m->t[i].pidfd);
		page_ranges_free(&m->t[i].owed);
		page_ranges_free(&m->t[i].lost);
	}
	free(m->t);
}

/*
 * runc moves criu into the container's cgroups before a restore, and the
 * monitor, forked by criu, starts there: it would show in `runc ps`,
 * count against the container's limits, die with `runc kill --all` and
 * keep `runc delete` from removing the cgroup.  It joins the cgroups of
 * criu's parent (runc) instead; under a bare criu they are its own.
 */
static int leave_criu_cgroups(pid_t criu)
{
	struct proc_status st;
	int n;

	if (criu <= 0 || proc_status_read(criu, &st) || st.ppid <= 1)
		return 0;
	n = proc_cgroup_follow(st.ppid);
	if (n < 0)
		pr_warn("the cgroups of criu's parent %d cannot be read\n",
			st.ppid);
	return n > 0 ? n : 0;
}

/*
 * The report's directory (a descriptor) and name: --report FILE's, or
 * monitor_orphan_report_dir()'s; -1 after a message if there is none.
 */
static int report_dir(const struct monitor_opts *o, int dirfd, char *name,
		      size_t len)
{
	char dir[PATH_MAX], *slash;
	int fd;

	if (!o->report)
		return monitor_orphan_report_dir(dirfd, o->dir, name, len);
	snprintf(dir, sizeof(dir), "%s", o->report);
	slash = strrchr(dir, '/');
	snprintf(name, len, "%s", slash ? slash + 1 : dir);
	if (slash == dir)
		dir[1] = '\0';
	else if (slash)
		*slash = '\0';
	fd = open(slash ? dir : ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0)
		pr_perror("%s: no report", slash ? dir : ".");
	return fd;
}

int thp_monitor_run(const struct monitor_opts *o)
{
	struct monitor m = { .o = o, .input = o->pids_on_stdin };
	char report[PATH_MAX];
	int dirfd, rdir, bad, ret = 2;
	size_t i;

	m.t0_ms = mono_ms();
	catch_signals();
	thp_fault_kill(THP_FAULT_MONITOR_START);
	m.cgroups_left = leave_criu_cgroups(o->criu_pid);
	dirfd = open(o->dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (dirfd < 0) {
		pr_err("%s: %s\n", o->dir, strerror(errno));
		return 2;
	}
	if (thp_verify_ctx_open(&m.ctx, dirfd))
		goto out_dir;
	if (!madv_remote_allowed())
		pr_warn("no CAP_SYS_NICE: each task is stopped while madvise(MADV_COLLAPSE) is "
			"injected into it\n");
	if (monitor_guard_open(&m))
		goto out_ctx;
	for (i = 0; i < o->npids; i++)
		if (add_task(&m, o->pids[i]))
			goto out;
	watch(&m);
	uffd_guard_release(&m.g.u);
	bad = finish(&m) || m.signal;
	rdir = report_dir(o, dirfd, report, sizeof(report));
	ret = rdir < 0 || monitor_report_write(&m, rdir, report) ? 2 : bad;
	if (rdir >= 0)
		close(rdir);
	pr_info("monitor done in %.3f s: %zu tasks, %s\n", thp_monitor_elapsed(&m),
		m.n, bad ? "not all exact" : "all exact");
out:
	free_tasks(&m);
	monitor_guard_close(&m);
out_ctx:
	thp_verify_ctx_close(&m.ctx);
out_dir:
	close(dirfd);
	return ret;
}
