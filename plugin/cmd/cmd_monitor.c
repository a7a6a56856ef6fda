// SPDX-License-Identifier: GPL-2.0
/*
 * criu-thp monitor: its options and its run (the monitor is
 * plugin/monitor/'s).
 */
#include <errno.h>
#include <math.h>
#include <stdlib.h>

#include "array.h"
#include "criu_thp_opts.h"
#include "thp_log.h"
#include "thp_monitor.h"

enum {
	OPT_STDIN = CMD_OPTS_LONG,
	OPT_CRIU_PID,
	OPT_TIMEOUT,
	OPT_KILL,
	OPT_VMA,
	OPT_REPORT,
};

static const struct cmd_opt opts[] = {
	{ "images-dir", 'D', "DIR", "the dump directory" },
	{ "pid", 'p', "PID", "a restored process (repeat for more)" },
	{ "pids-on-stdin", OPT_STDIN, NULL,
	  "read pids from stdin, answering each\n(how the plugin feeds it)" },
	{ "criu-pid", OPT_CRIU_PID, "PID",
	  "stop reading pids once criu no longer\ntraces the tasks" },
	{ "timeout", OPT_TIMEOUT, "SEC",
	  "give up after SEC seconds (default 60),\n"
	  "counted from the end of a lazy transfer" },
	{ "kill-on-death", OPT_KILL, NULL,
	  "SIGKILL, not SIGSTOP, the tasks a dead\n"
	  "lazy-pages daemon still owed pages" },
	{ "vma", OPT_VMA, NULL,
	  "the vma strategy: give each lazy VMA part\n"
	  "its advice back once its pages are in\n"
	  "(needs the kernel/ series)" },
	{ "report", OPT_REPORT, "FILE",
	  "the report (default DIR/thp-monitor.json)" },
	{ }
};

static int add_pid(struct monitor_opts *m, const char *arg)
{
	pid_t pid, *p;

	if (criu_thp_opts_pid(arg, &pid))
		return -1;
	p = array_room(m->pids, m->npids, &m->cap, sizeof(*p));
	if (!p) {
		pr_perror("--pid");
		return -1;
	}
	m->pids = p;
	m->pids[m->npids++] = pid;
	return 0;
}

/* A positive, finite number (not nan, not inf). */
static int parse_seconds(const char *arg, double *v)
{
	char *end;

	*v = strtod(arg, &end);
	if (end == arg || *end || !isfinite(*v) || *v <= 0) {
		pr_err("'%s' is not a positive number\n", arg);
		return -1;
	}
	return 0;
}

static int parse(struct criu_thp_opts *o, int key, const char *arg)
{
	struct monitor_opts *m = &o->monitor;

	switch (key) {
	case 'D':
		m->dir = arg;
		return 0;
	case 'p':
		return add_pid(m, arg);
	case OPT_STDIN:
		m->pids_on_stdin = 1;
		return 0;
	case OPT_CRIU_PID:
		return criu_thp_opts_pid(arg, &m->criu_pid);
	case OPT_TIMEOUT:
		return parse_seconds(arg, &m->timeout);
	case OPT_KILL:
		m->kill_on_death = 1;
		return 0;
	case OPT_VMA:
		m->vma = 1;
		return 0;
	case OPT_REPORT:
		m->report = arg;
		return 0;
	}
	return -1;
}

static int check(struct criu_thp_opts *o)
{
	struct monitor_opts *m = &o->monitor;

	if (!m->dir || (!m->npids && !m->pids_on_stdin)) {
		pr_err("monitor needs -D DIR and --pid PID or --pids-on-stdin\n");
		return -1;
	}
	if (!m->timeout)
		m->timeout = THP_MONITOR_TIMEOUT;
	return 0;
}

static int run(struct criu_thp_opts *o)
{
	return thp_monitor_run(&o->monitor);
}

const struct criu_thp_cmd cmd_monitor = {
	.name = "monitor",
	.synopsis = "-D DIR (--pid PID... | --pids-on-stdin [--criu-pid PID])\n"
		    "       [--timeout SEC] [--kill-on-death] [--vma] [--report FILE]",
	.summary = "collapse, guard and verify restored processes",
	.about =
"Collapse the chunks that were huge at dump once their pages are all in,\n"
"until every task matches, exits, or the timeout; then verify each and\n"
"write a JSON report.  In a lazy restore it also holds the lazy-pages\n"
"daemon's userfaultfds: if the daemon dies before a task got every page,\n"
"the task is stopped (not fed zero pages) and the missing ranges\n"
"reported.  The plugin starts it (detached) for lazy restores and when\n"
"collapse = async.\n"
"\n"
"Exit status: 0 when every task is exact (or gone) and the report is\n"
"written; 1 when one is not, was stopped or killed, or a signal ended the\n"
"monitor; 2 for a usage error, or when DIR, the THP settings or\n"
"thp-dump.img cannot be read or the report cannot be written.",
	.opts = opts,
	.parse = parse,
	.check = check,
	.run = run,
};
