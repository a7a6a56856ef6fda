// SPDX-License-Identifier: GPL-2.0
/*
 * Syscall injection with compel: compel_prepare_noctx() takes the task's
 * registers but leaves the injection address at 0, so point it at the
 * start of an executable mapping of the task; compel_syscall() saves the
 * code there, runs one syscall instruction and puts everything back.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <compel/infect.h>

#include "inject.h"
#include "inject_nr.h"
#include "inject_stop.h"
#include "proc_smaps.h"
#include "thp_log.h"

/* The first executable mapping that ptrace can write: not [vsyscall]. */
static int exec_area(pid_t pid, unsigned long *ip)
{
	struct smaps_vma *v;
	char path[64], *line = NULL;
	size_t cap = 0;
	int ret = -ENOENT;
	FILE *f;

	v = malloc(sizeof(*v));
	if (!v)
		return -ENOMEM;
	snprintf(path, sizeof(path), "/proc/%d/maps", pid);
	f = fopen(path, "re");
	if (!f) {
		ret = -errno;
		goto out;
	}
	while (getline(&line, &cap, f) > 0) {
		if (proc_smaps_parse_maps_line(line, v))
			continue;
		if (v->perms[2] == 'x' && strcmp(v->path, "[vsyscall]")) {
			*ip = v->start;
			ret = 0;
			break;
		}
	}
	fclose(f);
out:
	free(line);
	free(v);
	return ret;
}

int inject_open(pid_t pid, struct inject *inj)
{
	unsigned long ip = 0;
	int ret;

	ret = exec_area(pid, &ip);
	if (ret) {
		pr_err("task %d: no executable mapping to inject at: %s\n",
		       pid, strerror(-ret));
		return ret;
	}
	inj->pid = pid;
	ret = inject_stop_hold(pid);
	if (ret < 0)
		return ret;
	inj->stop_sig = ret;
	inj->ctl = compel_prepare_noctx(pid);
	if (!inj->ctl) {
		pr_err("task %d: cannot prepare syscall injection\n", pid);
		inject_stop_release(pid, inj->stop_sig);
		return -EIO;
	}
	compel_infect_ctx(inj->ctl)->syscall_ip = ip;
	inj->compat = !compel_mode_native(inj->ctl);
	if (inj->compat)
		pr_info("task %d: a 32-bit task: i386 system call numbers\n",
			pid);
	return 0;
}

int inject_syscall(struct inject *inj, int nr, long *ret, unsigned long a1,
		   unsigned long a2, unsigned long a3, unsigned long a4)
{
	long n = inj->compat ? inject_nr_compat(nr) : nr;

	if (n < 0) {
		pr_err("task %d: no 32-bit number for system call %d: not injected\n",
		       inj->pid, nr);
		return -EOPNOTSUPP;
	}
	if (compel_syscall(inj->ctl, n, ret, a1, a2, a3, a4, 0, 0)) {
		pr_err("task %d: injecting syscall %d failed\n", inj->pid, nr);
		return -EIO;
	}
	return 0;
}

int inject_one(pid_t pid, int nr, long *ret, unsigned long a1,
	       unsigned long a2, unsigned long a3, unsigned long a4)
{
	struct inject inj;
	int err;

	err = inject_open(pid, &inj);
	if (err)
		return err;
	err = inject_syscall(&inj, nr, ret, a1, a2, a3, a4);
	inject_close(&inj);
	return err;
}

void inject_close(struct inject *inj)
{
	/* A no-context control block owns nothing but itself. */
	free(inj->ctl);
	inj->ctl = NULL;
	inject_stop_release(inj->pid, inj->stop_sig);
}

int inject_seize(pid_t pid, struct inject_seized *s)
{
	int ret = compel_stop_task(pid);

	if (ret < 0) {
		pr_err("task %d: cannot stop it for injection\n", pid);
		return -ESRCH;
	}
	s->pid = pid;
	s->state = ret;
	s->threads.tid = NULL;
	s->threads.n = s->threads.cap = 0;
	ret = inject_threads_stop(pid, &s->threads);
	if (ret < 0) {
		compel_resume_task(pid, s->state, s->state);
		return ret;
	}
	return 0;
}

int inject_release(struct inject_seized *s)
{
	int ret = 0;

	inject_threads_release(&s->threads);
	if (compel_resume_task(s->pid, s->state, s->state)) {
		pr_err("task %d: cannot resume it\n", s->pid);
		ret = -EIO;
	}
	return ret;
}
