// SPDX-License-Identifier: GPL-2.0
/*
 * A dumped process whose thread has a page-aligned stack pointer: criu
 * marks none of its pages lazy (lazy_stack.h).
 */
#include <errno.h>
#include <unistd.h>

#include "lazy_stack.h"
#include "proc_syscall.h"
#include "proc_tasks.h"

struct sp_search {
	uint64_t page_mask;
	pid_t tid;
	uint64_t sp;
};

static int sp_of(pid_t pid, pid_t tid, void *arg)
{
	struct sp_search *s = arg;
	uint64_t sp;
	int ret;

	ret = proc_syscall_sp(pid, tid, &sp);
	if (ret == -ENOENT || ret == -ESRCH)	/* the thread exited */
		return 0;
	if (ret)
		return ret;
	if (sp & s->page_mask)
		return 0;
	s->tid = tid;
	s->sp = sp;
	return 1;
}

int lazy_stack_aligned(pid_t pid, pid_t *tid, uint64_t *sp)
{
	struct sp_search s = {
		.page_mask = (uint64_t)sysconf(_SC_PAGESIZE) - 1,
	};
	int ret;

	ret = proc_tasks_threads_each(pid, sp_of, &s);
	if (ret <= 0)
		return ret;
	*tid = s.tid;
	*sp = s.sp;
	return 1;
}
