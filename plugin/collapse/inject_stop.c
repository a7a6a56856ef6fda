// SPDX-License-Identifier: GPL-2.0
/*
 * A pending stop signal through syscall injection.
 *
 * criu queues SIGSTOP (or the task's own stop signal) for a task that is
 * to stay stopped before RESUME_DEVICES_LATE.  The first PTRACE_CONT of
 * an injection would deliver it: compel takes the signal-delivery stop
 * for an "unexpected task interruption", the injection fails, and the
 * signal is gone - the task runs once criu detaches.  So the task takes
 * the signal first, into a signal-delivery stop (every other signal
 * blocked for that one step: the kernel delivers the lowest-numbered
 * pending signal first; and a stop signal the task blocks is not taken at
 * all, it stays pending as it was); injecting from there
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

#define SIGBIT(sig)	(1ull << ((sig) - 1))

int inject_stop_pending(uint64_t sigpnd, uint64_t shdpnd, uint64_t sigblk)
{
	static const int sigs[] = { SIGSTOP, SIGTSTP, SIGTTIN, SIGTTOU };
	uint64_t pnd = (sigpnd | shdpnd) & ~(sigblk & ~SIGBIT(SIGSTOP));
	size_t i;

	for (i = 0; i < sizeof(sigs) / sizeof(sigs[0]); i++)
		if (pnd & SIGBIT(sigs[i]))
			return sigs[i];
	return 0;
}

static int pending_stop(pid_t pid)
{
	struct proc_status st;

	if (proc_status_read(pid, &st))
		return 0;
	return inject_stop_pending(st.sigpnd, st.shdpnd, st.sigblk);
}

/*
 * Continue pid into the signal-delivery stop of sig, every other signal
 * blocked for that step: a lower-numbered one pending (SIGALRM, SIGCHLD)
 * would be delivered first, and lost at criu's detach; it stays pending.
 */
static int take_stop(pid_t pid, int sig)
{
	uint64_t mask, only = ~SIGBIT(sig);
	siginfo_t si;
	int status, ret = 0;

	if (ptrace(PTRACE_GETSIGMASK, pid, sizeof(mask), &mask) ||
	    ptrace(PTRACE_SETSIGMASK, pid, sizeof(only), &only))
		return -errno;
	if (ptrace(PTRACE_CONT, pid, NULL, 0)) {
		ret = -errno;
		goto out;
	}
	if (waitpid(pid, &status, __WALL) != pid) {
		ret = -errno;
		goto out;
	}
	if (!WIFSTOPPED(status))
		return -ESRCH;	/* gone: no mask to put back */
	if (WSTOPSIG(status) != sig ||
	    ptrace(PTRACE_GETSIGINFO, pid, NULL, &si) || si.si_signo != sig) {
		pr_err("task %d: stopped by signal %d, not its pending %d\n",
		       pid, WSTOPSIG(status), sig);
		ret = -EIO;
	}
out:
	if (ptrace(PTRACE_SETSIGMASK, pid, sizeof(mask), &mask) && !ret)
		ret = -errno;
	return ret;
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
