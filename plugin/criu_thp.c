// SPDX-License-Identifier: GPL-2.0
/*
 * criu-thp: the command line face of the plugin's shared code.
 */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "thp_log.h"
#include "thp_monitor.h"
#include "thp_show.h"
#include "thp_verify.h"
#include "version.h"

extern int thp_log_level;

static const char usage[] =
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
"                         async: no added downtime)\n"
"  monitor = PATH         CRIU_THP_MONITOR: this command, for async\n"
"                         collapse and lazy restores\n"
"  guard = stop|kill      CRIU_THP_GUARD: stop (default) or kill a task\n"
"                         whose lazy-pages daemon died before sending it\n"
"                         every page\n";

struct opts {
	const char *dir;
	int json;
	struct monitor_opts mon;
};

static int add_pid(struct opts *o, const char *arg)
{
	char *end;
	long pid = strtol(arg, &end, 10);
	pid_t *p;

	if (end == arg || *end || pid <= 0) {
		pr_err("'%s' is not a pid\n", arg);
		return -1;
	}
	p = realloc(o->mon.pids, (o->mon.npids + 1) * sizeof(*p));
	if (!p)
		return -1;
	p[o->mon.npids++] = pid;
	o->mon.pids = p;
	return 0;
}

static int set_number(const char *arg, double *v)
{
	char *end;

	*v = strtod(arg, &end);
	if (end == arg || *end || *v <= 0) {
		pr_err("'%s' is not a positive number\n", arg);
		return -1;
	}
	return 0;
}

static int parse_opts(int argc, char **argv, struct opts *o)
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
	double v;
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
			if (set_number(optarg, &v))
				return -1;
			o->mon.criu_pid = v;
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
			fputs(usage, stdout);
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

static int cmd_show(struct opts *o)
{
	int dirfd, ret;

	if (!o->dir) {
		pr_err("show needs the dump directory: -D DIR\n");
		return 2;
	}
	dirfd = open(o->dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (dirfd < 0) {
		pr_err("%s: %s\n", o->dir, strerror(errno));
		return 1;
	}
	ret = thp_show(dirfd, stdout, o->json);
	close(dirfd);
	if (ret)
		pr_err("%s: cannot show the thp images\n", o->dir);
	return ret ? 1 : 0;
}

static int cmd_verify(struct opts *o)
{
	struct thp_verify_ctx ctx;
	struct thp_verify v;
	int dirfd, ret = 2;

	if (!o->dir || o->mon.npids != 1) {
		pr_err("verify needs -D DIR and one --pid PID\n");
		return 2;
	}
	dirfd = open(o->dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (dirfd < 0) {
		pr_err("%s: %s\n", o->dir, strerror(errno));
		return 2;
	}
	if (thp_verify_ctx_open(&ctx, dirfd))
		goto out_dir;
	if (!thp_verify_load(&ctx, o->mon.pids[0], &v) &&
	    !thp_verify_compare(&ctx, &v)) {
		thp_verify_print(stdout, &v);
		ret = v.d.n ? 1 : 0;
	}
	thp_verify_free(&v);
	thp_verify_ctx_close(&ctx);
out_dir:
	close(dirfd);
	return ret;
}

static int cmd_monitor(struct opts *o)
{
	if (!o->dir || (!o->mon.npids && !o->mon.pids_on_stdin)) {
		pr_err("monitor needs -D DIR and --pid PID or --pids-on-stdin\n");
		return 2;
	}
	o->mon.dir = o->dir;
	if (!o->mon.timeout)
		o->mon.timeout = THP_MONITOR_TIMEOUT;
	return thp_monitor_run(&o->mon);
}

int main(int argc, char **argv)
{
	struct opts o = { };
	const char *cmd;
	int ret;

	/* Options may come before and after the command. */
	ret = parse_opts(argc, argv, &o);
	if (ret)
		return ret > 0 ? 0 : 2;
	if (optind >= argc) {
		fputs(usage, stderr);
		return 2;
	}
	cmd = argv[optind];
	optind++;
	ret = parse_opts(argc, argv, &o);
	if (ret)
		return ret > 0 ? 0 : 2;
	if (optind < argc) {
		pr_err("unexpected argument '%s'\n", argv[optind]);
		return 2;
	}

	if (!strcmp(cmd, "show"))
		return cmd_show(&o);
	if (!strcmp(cmd, "verify"))
		return cmd_verify(&o);
	if (!strcmp(cmd, "monitor"))
		return cmd_monitor(&o);

	pr_err("unknown command '%s' (see criu-thp --help)\n", cmd);
	return 2;
}
