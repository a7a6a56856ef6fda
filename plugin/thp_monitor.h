/* SPDX-License-Identifier: GPL-2.0 */
/*
 * criu-thp monitor: collapse, after the tasks have resumed, the chunks
 * that were huge at dump and are small now, then verify each task and
 * write a report.
 *
 * Tasks come as --pid options, or one pid per line on stdin (that is how
 * the plugin feeds it, from RESUME_DEVICES_LATE).  With --criu-pid the
 * list is complete once criu stops tracing one of them: criu runs every
 * task's hook before it detaches from any, and only then does the
 * monitor start: the hooks still change the tasks.  A chunk is collapsed once
 * its 512 pages are all in; the monitor polls for the rest, faster while
 * chunks complete, slower while none do, until every task is exact or
 * gone, or the timeout.  It never stops or traces a task: MADV_COLLAPSE
 * goes through process_madvise(), and chunks that need a flag lifted were
 * done by the plugin while the task was stopped.
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
	size_t npids;
	int pids_on_stdin;
	pid_t criu_pid;
	double timeout;		/* seconds */
};

/* Exit status: 0 every task exact (or gone), 1 not, 2 usage or I/O. */
int thp_monitor_run(const struct monitor_opts *o);

#endif /* THP_MONITOR_H */
