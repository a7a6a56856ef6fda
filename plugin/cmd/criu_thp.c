// SPDX-License-Identifier: GPL-2.0
/*
 * criu-thp: the command line face of the plugin's shared code.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "criu_thp_opts.h"
#include "inject_task.h"
#include "pidfd.h"
#include "proc_status.h"
#include "task_prctl.h"
#include "thp_log.h"
#include "thp_monitor.h"
#include "thp_show.h"
#include "thp_verify.h"

static int cmd_show(struct criu_thp_opts *o)
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

/*
 * Where the kernel has the except-advised state, /proc says "enabled" for
 * it: the task is stopped a moment and asked (an injected prctl).
 */
static void read_live_prctl(struct thp_verify *v)
{
	struct inject_task t = { .pid = v->pid };
	struct proc_status st;
	int ret;

	if (!task_prctl_except_supported() ||
	    proc_status_read(v->pid, &st) || st.thp_enabled != 1)
		return;
	t.pidfd = pidfd_of(v->pid);
	ret = task_prctl_get(&t);
	if (t.pidfd >= 0)
		close(t.pidfd);
	if (ret < 0) {
		pr_warn("task %d: its prctl state cannot be read (%s): enabled and except-advised "
			"are not told apart\n",
			v->pid, strerror(-ret));
		return;
	}
	v->live_prctl = ret;
}

static int cmd_verify(struct criu_thp_opts *o)
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
	if (!thp_verify_load(&ctx, o->mon.pids[0], &v)) {
		read_live_prctl(&v);
		if (!thp_verify_compare_settled(&ctx, &v, 20, 100)) {
			thp_verify_print(stdout, &v);
			ret = v.d.n ? 1 : 0;
		}
	}
	thp_verify_free(&v);
	thp_verify_ctx_close(&ctx);
out_dir:
	close(dirfd);
	return ret;
}

static int cmd_monitor(struct criu_thp_opts *o)
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

static int run(struct criu_thp_opts *o)
{
	if (!strcmp(o->cmd, "show"))
		return cmd_show(o);
	if (!strcmp(o->cmd, "verify"))
		return cmd_verify(o);
	if (!strcmp(o->cmd, "monitor"))
		return cmd_monitor(o);
	pr_err("unknown command '%s' (see criu-thp --help)\n", o->cmd);
	return 2;
}

int main(int argc, char **argv)
{
	struct criu_thp_opts o;
	int ret;

	ret = criu_thp_opts_parse(argc, argv, &o);
	if (ret == -2)
		fputs(criu_thp_opts_usage, stderr);
	if (!ret)
		ret = run(&o);
	else
		ret = ret > 0 ? 0 : 2;
	criu_thp_opts_free(&o);
	return ret;
}
