// SPDX-License-Identifier: GPL-2.0
/*
 * A task's PR_GET_THP_DISABLE (see task_prctl.h).
 */
#include <errno.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "inject_task.h"
#include "task_prctl.h"
#include "thp_prctl.h"

int task_prctl_except_supported(void)
{
	static int known = -1;
	int status;
	pid_t pid;

	if (known >= 0)
		return known;
	pid = fork();
	if (pid < 0)
		return 0;
	if (!pid)
		_exit(prctl(PR_SET_THP_DISABLE,
			    thp_prctl_arg(THP_PRCTL_EXCEPT_ADVISED),
			    thp_prctl_flags(THP_PRCTL_EXCEPT_ADVISED), 0, 0) ?
		      1 : 0);
	known = waitpid(pid, &status, 0) == pid && WIFEXITED(status) &&
		!WEXITSTATUS(status);
	return known;
}

int task_prctl_get(const struct inject_task *t)
{
	struct inject_task_held h;
	long ret;

	ret = inject_task_begin(t, &h);
	if (ret)
		return ret;
	ret = inject_task_syscall(&h, __NR_prctl, PR_GET_THP_DISABLE, 0, 0);
	inject_task_end(&h);
	return ret;
}
