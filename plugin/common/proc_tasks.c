// SPDX-License-Identifier: GPL-2.0
/*
 * The processes traced by a given process; the threads of one.
 */
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>

#include "array.h"
#include "proc_status.h"
#include "proc_tasks.h"

static int add_task(struct traced_task **v, size_t *n, size_t *cap,
		    const struct traced_task *t)
{
	struct traced_task *nv = array_room(*v, *n, cap, sizeof(**v));

	if (!nv)
		return -ENOMEM;
	*v = nv;
	(*v)[(*n)++] = *t;
	return 0;
}

static int cmp_id(const void *a, const void *b)
{
	const struct traced_task *x = a, *y = b;

	return x->id < y->id ? -1 : x->id > y->id;
}

static int pid_of(const char *name, pid_t *pid)
{
	char *end;
	long v = strtol(name, &end, 10);

	if (end == name || *end || v <= 0)
		return -1;
	*pid = v;
	return 0;
}

int proc_tasks_find_traced(pid_t tracer, struct traced_task **v, size_t *n)
{
	struct proc_status st;
	struct traced_task t;
	struct dirent *de;
	size_t cap = 0;
	int ret = 0;
	DIR *d;

	*v = NULL;
	*n = 0;
	d = opendir("/proc");
	if (!d)
		return -errno;
	while ((de = readdir(d))) {
		if (pid_of(de->d_name, &t.pid))
			continue;
		/* A process that exits while we look is none of ours. */
		if (proc_status_read(t.pid, &st) || st.tracer != tracer ||
		    st.tgid != t.pid)
			continue;
		t.id = st.nspid > 0 ? st.nspid : t.pid;
		ret = add_task(v, n, &cap, &t);
		if (ret)
			break;
	}
	closedir(d);
	if (ret) {
		free(*v);
		*v = NULL;
		*n = 0;
		return ret;
	}
	qsort(*v, *n, sizeof(**v), cmp_id);
	return 0;
}

int proc_tasks_threads_each(pid_t pid, proc_thread_cb cb, void *arg)
{
	struct dirent *de;
	char path[32];
	int ret = 0;
	pid_t tid;
	DIR *d;

	snprintf(path, sizeof(path), "/proc/%d/task", pid);
	d = opendir(path);
	if (!d)
		return -errno;
	while (!ret && (de = readdir(d)))
		if (!pid_of(de->d_name, &tid))
			ret = cb(pid, tid, arg);
	closedir(d);
	return ret;
}
