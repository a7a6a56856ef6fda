// SPDX-License-Identifier: GPL-2.0
/*
 * criu-thp verify: its options and its run (the comparison is
 * thp_verify.c's).
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "criu_thp_opts.h"
#include "inject_task.h"
#include "pidfd.h"
#include "proc_status.h"
#include "task_prctl.h"
#include "thp_log.h"
#include "thp_verify.h"

static const struct cmd_opt opts[] = {
	{ "images-dir", 'D', "DIR", "the dump directory" },
	{ "pid", 'p', "PID", "the restored process" },
	{ }
};

static int parse(struct criu_thp_opts *o, int key, const char *arg)
{
	switch (key) {
	case 'D':
		o->verify.dir = arg;
		return 0;
	case 'p':
		o->verify.npids++;
		return criu_thp_opts_pid(arg, &o->verify.pid);
	}
	return -1;
}

static int check(struct criu_thp_opts *o)
{
	if (o->verify.dir && o->verify.npids == 1)
		return 0;
	pr_err("verify needs -D DIR and one --pid PID\n");
	return -1;
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
		pr_warn("task %d: its prctl state cannot be read (%s): "
			"enabled and except-advised are not told apart\n",
			v->pid, strerror(-ret));
		return;
	}
	v->live_prctl = ret;
}

static int run(struct criu_thp_opts *o)
{
	struct thp_verify_ctx ctx;
	struct thp_verify v;
	int dirfd, ret = 2;

	dirfd = open(o->verify.dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (dirfd < 0) {
		pr_perror("%s", o->verify.dir);
		return 2;
	}
	if (thp_verify_ctx_open(&ctx, dirfd))
		goto out_dir;
	if (!thp_verify_load(&ctx, o->verify.pid, &v)) {
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

const struct criu_thp_cmd cmd_verify = {
	.name = "verify",
	.synopsis = "-D DIR --pid PID",
	.summary = "compare a restored process with its record",
	.about =
"Compare the live process PID with the state it must have: its record in\n"
"DIR, or for a dump made without the plugin CRIU's mm-<id>.img (advice\n"
"and prctl) and every fully present chunk this machine's THP mode makes\n"
"eligible.  Prints a table (advice and huge chunks per VMA, want and\n"
"have) and each difference.\n"
"\n"
"Exit status: 0 when the advice, the prctl state and the coverage match;\n"
"1 when they differ; 2 for a usage error, a process that cannot be read,\n"
"a corrupt thp-dump.img, or nothing to compare with (no usable\n"
"thp-<id>.img and no mm-<id>.img): see criu-thp(1).",
	.opts = opts,
	.parse = parse,
	.check = check,
	.run = run,
};
