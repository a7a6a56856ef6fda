// SPDX-License-Identifier: GPL-2.0
/*
 * The monitor's guard against a lazy-pages daemon that dies before every
 * page is in (see uffd_guard.h for the mechanism).
 *
 * While the daemon lives, our references only keep the registration
 * alive; we let go of each one as soon as the daemon does.  A reference
 * the daemon let go of is a task it finished - unless some task is still
 * owed pages and the daemon no longer holds enough userfaultfds to send
 * them, or the daemon is gone: then it died (or gave up), and every task
 * still owed pages is stopped (or killed) before we let go.  Until then a
 * fault on a missing page waits; it never reads a zero page.
 */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "monitor_int.h"
#include "proc_mem.h"
#include "proc_status.h"
#include "proc_tasks.h"
#include "thp_log.h"
#include "pidfd.h"

#define GRAB_WAIT_MS	5000	/* for the daemon to receive a task's uffd */
#define STOP_WAIT_MS	10000	/* for a stopped task's threads to stop */
#define MAPS_AFTER_MS	20	/* grab(): read maps if no new uffd by then */
#define SPIN_AFTER_MS	300	/* a task not stopped by then may spin */
#define SPIN_MIN_MS	20	/* ... on a CPU for this long since its stop */

#define NOT_ARMED	"no VMA registered with userfaultfd"

int monitor_guard_open(struct monitor *m)
{
	m->g.state = GUARD_OFF;
	return uffd_guard_open(&m->g.u, m->o->dir);
}

void monitor_guard_close(struct monitor *m)
{
	uffd_guard_close(&m->g.u);
}

int monitor_guard_idle(const struct monitor *m)
{
	return m->g.state != GUARD_ON;
}

int monitor_guard_pollfd(const struct monitor *m)
{
	return m->g.state == GUARD_ON ? m->g.u.pidfd : -1;
}

/*
 * 1 when no VMA of t is registered with userfaultfd any more: the daemon
 * had nothing left to send it and let go, for good (a task that has not
 * run registers none).  0 while one is, or a negative errno.  Pages of
 * the image not in then are logged (a daemon already dead before the task
 * resumed would leave them), but nothing is done: they are also what a
 * dump can list and a restore legitimately not map, and stopping a task
 * criu is still working on breaks the restore.
 */
static int check_unarmed(struct mtask *t)
{
	struct lazy_state ls;
	int ret;

	if (t->unarmed)
		return 1;
	ret = lazy_pages_unarmed(t->v.pid, &t->owed, &ls);
	if (ret || ls.armed)
		return ret;
	if (ls.missing)
		pr_warn("task %d: no VMA registered with userfaultfd, yet %"
			PRIu64 " pages of the image are not in (first %#"
			PRIx64 ")\n",
			t->v.pid, ls.missing, ls.ranges.v[0].start);
	page_ranges_free(&ls.ranges);
	t->unarmed = 1;
	return 1;
}

/*
 * Lazy tasks still registered with a userfaultfd.  One the daemon finished
 * before we took its uffd drops out of the count as the kernel unregisters
 * it; one whose uffd we already hold stays in and is matched by our ref.
 */
static size_t armed_tasks(struct monitor *m)
{
	size_t i, n = 0;

	for (i = 0; i < m->n; i++)
		if (m->t[i].lazy && !m->t[i].gone)
			n += check_unarmed(&m->t[i]) == 0;
	return n;
}

/*
 * Enough held: one per lazy task is.  Fewer may be when the daemon
 * finished a task before we took its uffd, which only every task's maps
 * tell (maps): read them once the daemon is slow to show a new uffd, not
 * at once - once per task added, that made adding tasks quadratic.
 */
static int held_enough(struct monitor *m, size_t held, int maps)
{
	size_t i, lazy = 0;

	for (i = 0; i < m->n; i++)
		lazy += m->t[i].lazy && !m->t[i].gone;
	return held >= lazy || (maps && held >= armed_tasks(m));
}

/*
 * Wait until we hold one userfaultfd per armed lazy task: the answer,
 * its reason in why.
 */
static enum monitor_proto_answer grab(struct monitor *m, char *why,
				      size_t len)
{
	int waited, ret = -ENOENT;
	size_t held = 0;

	for (waited = 0; waited <= GRAB_WAIT_MS; waited++) {
		ret = uffd_guard_grab(&m->g.u);
		if (ret < 0 && ret != -ENOENT)
			break;
		held = ret > 0 ? ret : 0;
		if (held_enough(m, held, waited >= MAPS_AFTER_MS)) {
			snprintf(why, len, "%zu userfaultfds of daemon %d held",
				 held, m->g.u.daemon);
			return MONITOR_PROTO_GUARDED;
		}
		usleep(1000);
	}
	snprintf(why, len, "%s", ret == -ENOENT ?
		 "no lazy-pages daemon holds this restore's userfaultfds" :
		 ret >= 0 ?
		 "the daemon holds fewer userfaultfds than there are lazy tasks" :
		 strerror(-ret));
	return MONITOR_PROTO_NOT_GUARDED;
}

enum monitor_proto_answer monitor_guard_add(struct monitor *m,
					    struct mtask *t, char *why,
					    size_t len)
{
	enum monitor_proto_answer ret;
	int err;

	err = criu_pagemap_read(m->ctx.dirfd, t->v.id, &t->owed);
	if (err == -ENOENT || (!err && !t->owed.n)) {
		snprintf(why, len, "no pages in the image");
		return MONITOR_PROTO_NOT_LAZY;
	}
	if (!err)
		err = check_unarmed(t);
	if (err < 0) {
		snprintf(why, len, "%s", strerror(-err));
		return MONITOR_PROTO_NOT_GUARDED;
	}
	if (err) {
		snprintf(why, len, NOT_ARMED);
		return MONITOR_PROTO_NOT_LAZY;
	}
	t->lazy = 1;
	ret = grab(m, why, len);
	/* the daemon finished with it (or exited) before we took its uffd */
	if (ret == MONITOR_PROTO_GUARDED && check_unarmed(t) == 1) {
		t->lazy = 0;
		snprintf(why, len, NOT_ARMED);
		ret = MONITOR_PROTO_NOT_LAZY;
	}
	if (uffd_guard_ours(&m->g.u) && m->g.state <= GUARD_UNARMED)
		m->g.state = GUARD_ON;
	else if (t->lazy && m->g.state == GUARD_OFF)
		m->g.state = GUARD_UNARMED;
	return ret;
}

/*
 * The restored address space of t is gone (the task exited or execed),
 * perhaps while its pages were being counted: a pagemap read after the
 * mm was torn down says "not present" for every page the maps, read
 * before, listed - pages no task will ever wait for.  The daemon lets go
 * of such a task as it exits.
 */
static int mm_gone(struct mtask *t)
{
	if (t->mem_fd < 0 || !proc_mem_gone(t->mem_fd))
		return 0;
	t->gone = 1;
	return 1;
}

/* Tasks still owed pages; marks the gone ones. */
static size_t owing(struct monitor *m)
{
	struct lazy_state ls;
	size_t i, n = 0;

	for (i = 0; i < m->n; i++) {
		struct mtask *t = &m->t[i];

		if (!t->lazy || t->gone || t->stopped)
			continue;
		if (lazy_pages_missing(t->v.pid, &t->owed, 0, &ls)) {
			t->gone = 1;
			continue;
		}
		if (ls.missing && mm_gone(t))
			continue;
		n += ls.missing != 0;
	}
	return n;
}

/* Read a short /proc file into buf; its length, or -1 when it is gone. */
static ssize_t read_short(const char *path, char *buf, size_t len)
{
	ssize_t n;
	int fd;

	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -1;
	n = read(fd, buf, len - 1);
	close(fd);
	if (n <= 0)
		return -1;
	buf[n] = '\0';
	return n;
}

/* The state letter of a /proc stat file; 0, or -1 when it is gone. */
static int read_state(const char *path, char *state)
{
	char buf[512], *p;

	if (read_short(path, buf, sizeof(buf)) < 0)
		return -1;
	p = strrchr(buf, ')');	/* after the command's ')' */
	return p && sscanf(p + 1, " %c", state) == 1 ? 0 : -1;
}

static int thread_state_ok(pid_t pid, pid_t tid, int sig)
{
	char path[64], c;

	snprintf(path, sizeof(path), "/proc/%d/task/%d/stat", pid, tid);
	if (read_state(path, &c))
		return 1;	/* gone */
	if (sig == SIGKILL)
		return c == 'Z' || c == 'X';
	return c == 'T' || c == 't';
}

static int add_runtime(pid_t pid, pid_t tid, void *arg)
{
	char path[64], buf[128];
	unsigned long long ns;

	snprintf(path, sizeof(path), "/proc/%d/task/%d/schedstat", pid, tid);
	if (read_short(path, buf, sizeof(buf)) > 0 &&
	    sscanf(buf, "%llu", &ns) == 1)
		*(uint64_t *)arg += ns;
	return 0;
}

/*
 * The time pid's threads have run on a CPU, in ns (schedstat: exact,
 * where the clock ticks of stat miss a task that runs between ticks, as
 * each of 300 tasks spinning on 2 CPUs does); 0 if gone.
 */
static uint64_t task_runtime_ns(pid_t pid)
{
	uint64_t sum = 0;

	return proc_tasks_threads_each(pid, add_runtime, &sum) ? 0 : sum;
}

static int thread_unsettled(pid_t pid, pid_t tid, void *arg)
{
	return !thread_state_ok(pid, tid, *(int *)arg);
}

/* Every thread of pid is stopped (or dead, for SIGKILL), or pid is gone. */
static int task_settled(pid_t pid, int sig)
{
	return proc_tasks_threads_each(pid, thread_unsettled, &sig) <= 0;
}

static int all_settled(const struct monitor *m)
{
	size_t i;

	for (i = 0; i < m->n; i++)
		if (m->t[i].stopped &&
		    !task_settled(m->t[i].v.pid, m->t[i].stop_sig))
			return 0;
	return 1;
}

/*
 * A traced task's tracer sees SIGSTOP first and may swallow it, or let
 * the task out of its stop at any time: it would run on and read zero
 * pages once we let go of its userfaultfd.  Only SIGKILL is sure.
 */
static int traced_by(pid_t pid)
{
	struct proc_status st;

	return proc_status_read(pid, &st) ? 0 : st.tracer;
}

/*
 * criu itself traces every task until the last hook is done: a daemon that
 * dies before then leaves tasks criu would let run.  They are killed, as
 * any traced task, and criu restore then fails for want of them.
 */
static void stop_task(struct mtask *t, int sig, pid_t criu)
{
	struct lazy_state ls;
	pid_t tracer;

	if (lazy_pages_missing(t->v.pid, &t->owed, 1, &ls)) {
		t->gone = 1;
		return;
	}
	if (!ls.missing || mm_gone(t)) {
		page_ranges_free(&ls.ranges);
		return;
	}
	if (sig == SIGKILL)
		t->kill_why = "guard = kill";
	tracer = sig == SIGKILL ? 0 : traced_by(t->v.pid);
	if (tracer && tracer == criu) {
		pr_err("task %d: criu restore (%d) still holds it: killed, so that it cannot read "
		       "a zero page\n",
		       t->v.pid, tracer);
		sig = SIGKILL;
		t->kill_why = "criu restore still running";
	} else if (tracer) {
		pr_err("task %d is traced by %d, which can keep it from stopping: killed instead, "
		       "so that it cannot read a zero page\n",
		       t->v.pid, tracer);
		sig = SIGKILL;
		t->kill_why = "traced";
	}
	t->lost = ls.ranges;
	t->stopped = 1;
	t->stop_sig = sig;
	t->stop_run_ns = task_runtime_ns(t->v.pid);
	thp_monitor_task_signal(t, sig);
	pr_err("task %d: %" PRIu64 " pages in %zu ranges never arrived (first %#" PRIx64 "): %s\n",
	       t->v.pid, ls.missing, t->lost.n, t->lost.v[0].start,
	       sig == SIGKILL ? "killed" : "stopped");
}

/* Read a short /proc file of a thread into buf, one line; "" if none. */
static void thread_file(pid_t pid, pid_t tid, const char *name, char *buf,
			size_t len)
{
	char path[64];
	ssize_t n;

	snprintf(path, sizeof(path), "/proc/%d/task/%d/%s", pid, tid, name);
	buf[0] = '\0';
	if (read_short(path, buf, len) < 0)
		return;
	for (n = 0; buf[n]; n++)
		if (buf[n] == '\n')
			buf[n] = ' ';
}

/* Say where a thread that has not stopped sleeps. */
static int log_thread(pid_t pid, pid_t tid, void *arg)
{
	char wchan[64], stack[512], stat[64];

	if (thread_state_ok(pid, tid, *(int *)arg))
		return 0;
	thread_file(pid, tid, "wchan", wchan, sizeof(wchan));
	thread_file(pid, tid, "stack", stack, sizeof(stack));
	thread_file(pid, tid, "stat", stat, sizeof(stat));
	pr_err("task %d: thread %d not stopped: %s; waits in %s: %s\n", pid,
	       tid, stat, wchan, stack);
	return 0;
}

static void log_unsettled(pid_t pid, int sig)
{
	proc_tasks_threads_each(pid, log_thread, &sig);
}

static void kill_task(struct mtask *t, const char *why)
{
	log_unsettled(t->v.pid, t->stop_sig);
	t->stop_sig = SIGKILL;
	t->kill_why = why;
	thp_monitor_task_signal(t, SIGKILL);
}

/* Kill what did not stop in time: nothing runs on without its pages. */
static void kill_unsettled(struct monitor *m)
{
	size_t i;

	for (i = 0; i < m->n; i++) {
		struct mtask *t = &m->t[i];

		if (!t->stopped || task_settled(t->v.pid, t->stop_sig))
			continue;
		pr_err("task %d did not stop within %d ms: killed, so that it cannot read a zero "
		       "page\n",
		       t->v.pid, STOP_WAIT_MS);
		kill_task(t, "did not stop");
	}
}

/*
 * A thread inside a system call that reads or writes a page not yet in
 * (rt_sigsuspend() reading its mask from a lazy stack page, say) faults
 * in kernel mode; with a signal pending, handle_userfault() returns at
 * once and the kernel retries the fault without end: only the page, or
 * a fatal signal, ends it.  The thread spins in the kernel and never
 * stops, and the page will never come.  Such a task is killed as soon as
 * its time on a CPU shows it: SPIN_MIN_MS since the SIGSTOP, looked at
 * from SPIN_AFTER_MS on.  A task that takes its stop runs for
 * microseconds after the signal; a spinning one gets what the scheduler
 * gives it - a CPU's worth alone, 2 % of one among 100 such tasks on 2
 * CPUs - so no share of a CPU can be the sign.  A task stopped with pages
 * lost can never run on anyway: killed it loses nothing more.
 */
static void kill_spinning(struct monitor *m, int ms)
{
	uint64_t spun;
	size_t i;

	for (i = 0; i < m->n; i++) {
		struct mtask *t = &m->t[i];

		if (!t->stopped || t->stop_sig == SIGKILL ||
		    task_settled(t->v.pid, t->stop_sig))
			continue;
		spun = (task_runtime_ns(t->v.pid) - t->stop_run_ns) / 1000000;
		if (spun < SPIN_MIN_MS)
			continue;
		pr_err("task %d cannot stop: a thread spins in a kernel-mode "
		       "fault on a page that will never come (%" PRIu64
		       " ms on a CPU in %d ms): killed, so that it cannot read a "
		       "zero page\n",
		       t->v.pid, spun, ms);
		kill_task(t, "spinning in a kernel-mode fault");
	}
}

/* A daemon killed drops its files before it is reaped: give it 100 ms. */
static void settle_daemon(struct uffd_guard *u)
{
	if (!u->gone && u->pidfd >= 0 && pidfd_exited(u->pidfd, 100))
		u->gone = 1;
}

static void died(struct monitor *m)
{
	int sig = m->o->kill_on_death ? SIGKILL : SIGSTOP;
	double t = thp_monitor_elapsed(m), ts;
	int ms, next;
	size_t i;

	settle_daemon(&m->g.u);
	pr_err("lazy-pages daemon %d %s before every page was sent\n",
	       m->g.u.daemon, m->g.u.gone ? "died" : "let go of a task");
	for (i = 0; i < m->n; i++)
		if (m->t[i].lazy && !m->t[i].gone && !m->t[i].stopped)
			stop_task(&m->t[i], sig, m->o->criu_pid);
	ts = thp_monitor_elapsed(m);
	for (next = SPIN_AFTER_MS; !all_settled(m); usleep(1000)) {
		ms = (thp_monitor_elapsed(m) - ts) * 1e3;
		if (ms >= STOP_WAIT_MS)
			break;
		if (ms >= next) {
			kill_spinning(m, ms);
			next = ms + 100;
		}
	}
	m->g.stop_ms = (thp_monitor_elapsed(m) - t) * 1e3;
	if (!all_settled(m))
		kill_unsettled(m);
	for (ms = 0; ms < STOP_WAIT_MS && !all_settled(m); ms++)
		usleep(1000);
	m->g.state = GUARD_DIED;
	m->g.t_end = t;
	snprintf(m->g.why, sizeof(m->g.why), "daemon %d %s", m->g.u.daemon,
		 m->g.u.gone ? "died" : "let go of a task still owed pages");
	uffd_guard_release(&m->g.u);
}

/* The userfaultfds are gone: a last pass over every task. */
static void final_pass(struct monitor *m)
{
	size_t i;

	for (i = 0; i < m->n; i++)
		if (!m->t[i].gone && !m->t[i].stopped) {
			m->t[i].dirty = 1;
			m->t[i].done = 0;
		}
}

static void ended(struct monitor *m)
{
	final_pass(m);
	m->g.state = GUARD_NORMAL;
	m->g.t_end = thp_monitor_elapsed(m);
	snprintf(m->g.why, sizeof(m->g.why), "every page sent");
	uffd_guard_release(&m->g.u);
	pr_info("lazy-pages daemon %d: every page sent (%.3f s)\n",
		m->g.u.daemon, m->g.t_end);
}

void monitor_guard_step(struct monitor *m)
{
	struct monitor_guard *g = &m->g;
	size_t n;
	int dropped;

	if (g->state != GUARD_ON)
		return;
	if (!g->u.gone)
		uffd_guard_grab(&g->u);		/* children forked since */
	dropped = uffd_guard_scan(&g->u);
	if (!dropped && !g->u.gone)
		return;
	n = owing(m);
	if (!n) {
		uffd_guard_release_dropped(&g->u);
		if (g->u.gone || !uffd_guard_ours(&g->u))
			ended(m);
		return;
	}
	if (!g->u.gone && n <= uffd_guard_shared(&g->u)) {
		pr_info("lazy-pages daemon %d finished %d tasks, %zu still owed pages\n",
			g->u.daemon, dropped, n);
		uffd_guard_release_dropped(&g->u);
		return;
	}
	died(m);
}
