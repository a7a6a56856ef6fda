// SPDX-License-Identifier: GPL-2.0
/*
 * A pending stop signal through syscall injection.
 *
 * criu queues SIGSTOP (or the task's own stop signal) for a task that is
 * to stay stopped before RESUME_DEVICES_LATE.  The first PTRACE_CONT of
 * an injection would deliver it: compel takes the signal-delivery stop
 * for an "unexpected task interruption", the injection fails, and the
 * signal is gone - the task runs once criu detaches.  So the task takes
 * the signal first, into a signal-delivery stop; injecting from there
 * resumes it without the signal, which discards it; it is queued again
 * once the injections are done.  No user code runs in between: a pending
 * signal is handled before the return to user space.
 */
#include <errno.h>
#include <signal.h>
#include <stdint.h>
#include <string.h>
#include <sys/ptrace.h>
#include <sys/wait.h>

#include "inject_stop.h"
#include "proc_status.h"
#include "thp_log.h"

static int pending_stop(pid_t pid)
{
	static const int sigs[] = { SIGSTOP, SIGTSTP, SIGTTIN, SIGTTOU };
	struct proc_status st;
	uint64_t pnd;
	size_t i;

	if (proc_status_read(pid, &st))
		return 0;
	pnd = st.sigpnd | st.shdpnd;
	for (i = 0; i < sizeof(sigs) / sizeof(sigs[0]); i++)
		if (pnd & (1ull << (sigs[i] - 1)))
			return sigs[i];
	return 0;
}

/* Continue pid into the signal-delivery stop of sig. */
static int take_stop(pid_t pid, int sig)
{
	siginfo_t si;
	int status;

	if (ptrace(PTRACE_CONT, pid, NULL, 0))
		return -errno;
	if (waitpid(pid, &status, __WALL) != pid)
		return -errno;
	if (!WIFSTOPPED(status))
		return -ESRCH;
	if (WSTOPSIG(status) != sig ||
	    ptrace(PTRACE_GETSIGINFO, pid, NULL, &si) || si.si_signo != sig) {
		pr_err("task %d: stopped by signal %d, not its pending %d\n",
		       pid, WSTOPSIG(status), sig);
		return -EIO;
	}
	return 0;
}

int inject_stop_hold(pid_t pid)
{
	int sig = pending_stop(pid), ret;

	if (!sig)
		return 0;
	ret = take_stop(pid, sig);
	if (ret)
		return ret;
	pr_debug("task %d: its stop signal %d held while injecting\n", pid,
		 sig);
	return sig;
}

void inject_stop_release(pid_t pid, int sig)
{
	if (sig && kill(pid, sig))
		pr_err("task %d: its stop signal %d cannot be queued again: %s\n",
		       pid, sig, strerror(errno));
}
