/* SPDX-License-Identifier: GPL-2.0 */
/*
 * criu-thp monitor: after the tasks have resumed, collapse each chunk that
 * was huge at dump as soon as its 512 pages are in, guard a lazy restore
 * against a dying lazy-pages daemon, then verify each task and write a
 * report.
 *
 * Tasks come as --pid options, or one pid per line on stdin (that is how
 * the plugin feeds it, from RESUME_DEVICES_LATE; the monitor answers each
 * new pid on the same socket, in the words of monitor_proto.h).  With
 * --criu-pid the list is complete once criu stops tracing one of them:
 * criu runs every task's hook before it detaches from any, and only then
 * does the monitor start collapsing: the hooks still change the tasks.
 *
 * Collapse: a chunk is collapsed (process_madvise, one iovec per chunk)
 * once its pages are all present; the monitor polls for the rest, every
 * 10 ms while chunks complete, backing off to 1 s while none do (50 ms
 * while it guards a lazy restore).  It never stops or traces a task:
 * chunks that need a flag lifted were done by the plugin while the task
 * was stopped.
 *
 * Guard (lazy restores, see uffd_guard.h and monitor_guard.c): for each
 * task with pages still owed (PE_LAZY in pagemap-<id>.img) the monitor
 * holds a reference to the daemon's userfaultfds before the plugin lets
 * the task resume.  When the daemon has sent a task everything it lets go
 * of that task's userfaultfd, and so does the monitor; when it dies
 * first, every task still owed pages is stopped (SIGSTOP, or SIGKILL with
 * --kill-on-death) and the missing ranges reported before the monitor
 * lets go.
 *
 * The timeout counts from the end of the hooks (criu detached; the start
 * with --pid), or from the end of the transfer for
 * a lazy restore; the monitor also ends once every task is exact or gone,
 * or on SIGTERM, SIGINT or SIGHUP: it lets go of the userfaultfds at once
 * (the daemon still sends every page; its death is no longer guarded
 * against), writes its report and exits 1.
 *
 * Report (DIR/thp-monitor.json, JSON): elapsed_s, cpu_s (the monitor's
 * own user + system time), maxrss_kb (its peak resident memory),
 * collapse_ms (time inside process_madvise or the injected madvise),
 * signal (the one that ended it, or null),
 * guard {state: off|unarmed|normal end|daemon died|left by a signal,
 * daemon, userfaultfds,
 * why, end_s, stop_ms}, and per task: pid, id, source, gone, execed (it
 * runs a new program, so its state is no longer compared), recorded,
 * collapsed, pending, collapse_ms, exact, differences, lazy, owed_pages,
 * last_page_s, full_coverage_s, collapsed_during_postcopy, not_yet
 * (EINVAL retried), advice_restored (--vma: VMA parts given their advice
 * back once their pages were in), stopped, killed (by the guard: asked
 * to, or traced, or not stopped in time), kill_why (why killed: "guard =
 * kill", "traced", "criu restore still running", "spinning in a
 * kernel-mode fault", "did not stop"),
 * lost_pages, lost [{start, end}], failed
 * [{addr, error}].  Times are seconds from the monitor's start.
 */
#ifndef THP_MONITOR_H
#define THP_MONITOR_H

#include <sys/types.h>

#define THP_MONITOR_REPORT	"thp-monitor.json"
#define THP_MONITOR_TIMEOUT	60	/* seconds */

struct monitor_opts {
	const char *dir;
	const char *report;	/* NULL: DIR/THP_MONITOR_REPORT */
	pid_t *pids;
	size_t npids, cap;
	int pids_on_stdin;
	pid_t criu_pid;
	double timeout;		/* seconds */
	int kill_on_death;	/* SIGKILL, not SIGSTOP, on a daemon death */
	int vma;		/* give lazy VMAs their advice back */
};

/* Exit status: 0 every task exact (or gone), 1 not, 2 usage or I/O. */
int thp_monitor_run(const struct monitor_opts *o);

#endif /* THP_MONITOR_H */
