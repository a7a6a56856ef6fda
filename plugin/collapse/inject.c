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
		if (smaps_parse_maps_line(line, v))
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
	return 0;
}

int inject_syscall(struct inject *inj, int nr, long *ret, unsigned long a1,
		   unsigned long a2, unsigned long a3, unsigned long a4)
{
	if (compel_syscall(inj->ctl, nr, ret, a1, a2, a3, a4, 0, 0)) {
		pr_err("task %d: injecting syscall %d failed\n", inj->pid, nr);
		return -EIO;
	}
	return 0;
}

void inject_close(struct inject *inj)
{
	/* A no-context control block owns nothing but itself. */
	free(inj->ctl);
	inj->ctl = NULL;
	inject_stop_release(inj->pid, inj->stop_sig);
}

int inject_seize(pid_t pid, int *state)
{
	int ret = compel_stop_task(pid);

	if (ret < 0) {
		pr_err("task %d: cannot stop it for injection\n", pid);
		return -ESRCH;
	}
	*state = ret;
	return 0;
}

int inject_release(pid_t pid, int state)
{
	if (compel_resume_task(pid, state, state)) {
		pr_err("task %d: cannot resume it\n", pid);
		return -EIO;
	}
	return 0;
}
