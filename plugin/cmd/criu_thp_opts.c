// SPDX-License-Identifier: GPL-2.0
/*
 * criu-thp's command line (see criu_thp_opts.h).
 */
#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "criu_thp_opts.h"
#include "thp_log.h"
#include "version.h"

extern int thp_log_level;

const char criu_thp_opts_usage[] =
"Usage: criu-thp [-v] COMMAND [OPTIONS]\n"
"\n"
"Show the transparent huge page state that the CRIU plugin thp_plugin.so\n"
"recorded in a dump directory, compare a restored process with it, and\n"
"collapse a restored process's huge pages after it has resumed.\n"
"\n"
"Commands:\n"
"  show -D DIR [--json]   decode the thp images of the dump directory DIR:\n"
"                         thp-dump.img (kernel, sysfs THP settings, the\n"
"                         tasks recorded) and each task's thp-<id>.img: the\n"
"                         prctl THP state, how the huge-page map was read\n"
"                         and, per VMA, its kind, its advice (hg, nh or\n"
"                         none) and its 2 MiB chunks as address ranges:\n"
"                         pmd_huge (mapped by a PMD), pte_thp (a whole THP\n"
"                         mapped by PTEs) and unresolved (one of the two;\n"
"                         the kernel could not tell which)\n"
"  verify -D DIR --pid PID\n"
"                         compare the live process PID with the state it\n"
"                         must have: its record in DIR, or for a dump made\n"
"                         without the plugin CRIU's mm-<id>.img (flags and\n"
"                         prctl) and every fully present chunk this\n"
"                         machine's THP mode makes eligible.  Prints a\n"
"                         table (advice and huge chunks per VMA, want and\n"
"                         have) and each difference; exit 0 only when the\n"
"                         advice, the prctl state and the coverage match\n"
"  monitor -D DIR (--pid PID... | --pids-on-stdin [--criu-pid PID])\n"
"                         collapse the chunks that were huge at dump once\n"
"                         their pages are all in, until every task matches,\n"
"                         exits, or the timeout; then verify each and write\n"
"                         a JSON report.  In a lazy restore it also holds\n"
"                         the lazy-pages daemon's userfaultfds: if the\n"
"                         daemon dies before a task got every page, the\n"
"                         task is stopped (not fed zero pages) and the\n"
"                         missing ranges reported.  The plugin starts it\n"
"                         (detached) for lazy restores and when collapse =\n"
"                         async\n"
"\n"
"Options:\n"
"  -D, --images-dir DIR   the dump directory\n"
"      --json             one JSON object instead of text (show)\n"
"  -p, --pid PID          a restored process (verify: one; monitor: many)\n"
"      --pids-on-stdin    monitor: read pids, one per line, from stdin\n"
"      --criu-pid PID     monitor: stop reading pids once criu no longer\n"
"                         traces the tasks (it has resumed them)\n"
"      --timeout SEC      monitor: give up after SEC seconds (default 60),\n"
"                         counted from the end of a lazy transfer\n"
"      --kill-on-death    monitor: SIGKILL, not SIGSTOP, the tasks a dead\n"
"                         lazy-pages daemon still owed pages\n"
"      --vma              monitor: the vma strategy (the plugin passes it):\n"
"                         give each lazy VMA part its recorded advice back\n"
"                         through process_madvise() once its pages are in\n"
"                         (needs the kernel/ series: MADV_CLR_HUGEPAGE)\n"
"      --report FILE      monitor: the report (default DIR/thp-monitor.json)\n"
"  -v, --verbose          more messages on stderr (repeat for debug)\n"
"  -h, --help             this text\n"
"  -V, --version          print the version\n"
"\n"
"Exit status: 0 on success (verify, monitor: the state matches), 1 when\n"
"an image is missing or corrupt (the message names the file) or the state\n"
"differs, 2 for a usage error or a process that cannot be read.\n"
"\n"
"The plugin reads /etc/criu/thp.conf (or the file CRIU_THP_CONFIG names),\n"
"lines 'key = value', and the environment, which wins:\n"
"  strict = yes|no        CRIU_THP_STRICT: fail a dump whose huge-page\n"
"                         maps cannot be read, and a restore that does not\n"
"                         come out exact (implies collapse = sync)\n"
"  collapse = sync|async  CRIU_THP_COLLAPSE: collapse before the tasks\n"
"                         resume, or after, from criu-thp monitor (default\n"
"                         async: the tasks wait only for the monitor to\n"
"                         read their images)\n"
"  monitor = PATH         CRIU_THP_MONITOR: this command, for async\n"
"                         collapse and lazy restores\n"
"  guard = stop|kill      CRIU_THP_GUARD: stop (default) or kill a task\n"
"                         whose lazy-pages daemon died before sending it\n"
"                         every page\n"
"  strategy = default|vma CRIU_THP_STRATEGY: vma keeps every lazy VMA nh\n"
"                         until its pages are in, then gives it its own\n"
"                         advice back (needs the kernel/ series; without\n"
"                         it the default strategy, with a warning)\n";

/* A pid: a whole decimal number from 1 to INT_MAX. */
static int parse_pid(const char *arg, pid_t *pid)
{
	char *end;
	long v;

	errno = 0;
	v = strtol(arg, &end, 10);
	if (errno || end == arg || *end || v <= 0 || v > INT_MAX) {
		pr_err("'%s' is not a pid\n", arg);
		return -1;
	}
	*pid = v;
	return 0;
}

static int add_pid(struct criu_thp_opts *o, const char *arg)
{
	pid_t pid, *p;

	if (parse_pid(arg, &pid))
		return -1;
	p = realloc(o->mon.pids, (o->mon.npids + 1) * sizeof(*p));
	if (!p)
		return -1;
	p[o->mon.npids++] = pid;
	o->mon.pids = p;
	return 0;
}

/* A positive, finite number (not nan, not inf). */
static int set_number(const char *arg, double *v)
{
	char *end;

	*v = strtod(arg, &end);
	if (end == arg || *end || !isfinite(*v) || *v <= 0) {
		pr_err("'%s' is not a positive number\n", arg);
		return -1;
	}
	return 0;
}

static int parse_opts(int argc, char **argv, struct criu_thp_opts *o)
{
	static const struct option longopts[] = {
		{ "images-dir", required_argument, NULL, 'D' },
		{ "json", no_argument, NULL, 'j' },
		{ "pid", required_argument, NULL, 'p' },
		{ "pids-on-stdin", no_argument, NULL, 's' },
		{ "criu-pid", required_argument, NULL, 'c' },
		{ "timeout", required_argument, NULL, 't' },
		{ "report", required_argument, NULL, 'r' },
		{ "kill-on-death", no_argument, NULL, 'k' },
		{ "vma", no_argument, NULL, 'm' },
		{ "verbose", no_argument, NULL, 'v' },
		{ "help", no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, 'V' },
		{ }
	};
	int c;

	while ((c = getopt_long(argc, argv, "+D:p:vhV", longopts, NULL)) != -1) {
		switch (c) {
		case 'D':
			o->dir = optarg;
			break;
		case 'j':
			o->json = 1;
			break;
		case 'p':
			if (add_pid(o, optarg))
				return -1;
			break;
		case 's':
			o->mon.pids_on_stdin = 1;
			break;
		case 'c':
			if (parse_pid(optarg, &o->mon.criu_pid))
				return -1;
			break;
		case 't':
			if (set_number(optarg, &o->mon.timeout))
				return -1;
			break;
		case 'r':
			o->mon.report = optarg;
			break;
		case 'k':
			o->mon.kill_on_death = 1;
			break;
		case 'm':
			o->mon.vma = 1;
			break;
		case 'v':
			thp_log_level++;
			break;
		case 'h':
			fputs(criu_thp_opts_usage, stdout);
			return 1;
		case 'V':
			printf("criu-thp %s\n", CRIU_THP_VERSION);
			return 1;
		default:
			return -1;
		}
	}
	return 0;
}

int criu_thp_opts_parse(int argc, char **argv, struct criu_thp_opts *o)
{
	int ret;

	memset(o, 0, sizeof(*o));
	optind = 0;		/* a fresh scan, also when called again */
	ret = parse_opts(argc, argv, o);
	if (ret)
		return ret;
	if (optind >= argc)
		return -2;
	o->cmd = argv[optind];
	optind++;
	ret = parse_opts(argc, argv, o);
	if (ret)
		return ret;
	if (optind < argc) {
		pr_err("unexpected argument '%s'\n", argv[optind]);
		return -1;
	}
	return 0;
}

void criu_thp_opts_free(struct criu_thp_opts *o)
{
	free(o->mon.pids);
	o->mon.pids = NULL;
	o->mon.npids = 0;
}
