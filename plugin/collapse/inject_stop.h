/* SPDX-License-Identifier: GPL-2.0 */
/*
 * A task criu restores stopped (--leave-stopped, or stopped at dump) has
 * its stop signal queued before RESUME_DEVICES_LATE; an injection must
 * not take it away (see inject_stop.c).
 */
#ifndef THP_INJECT_STOP_H
#define THP_INJECT_STOP_H

#include <stdint.h>
#include <sys/types.h>

/*
 * Before the first injection into pid, stopped and traced by us: the
 * stop signal held back (0 if none was pending), or a negative errno
 * (-ESRCH: the task is gone).
 */
int inject_stop_hold(pid_t pid);
/* After the last one: queue the held stop signal again. */
void inject_stop_release(pid_t pid, int sig);
/*
 * The stop signal a task would take first: the first of SIGSTOP, SIGTSTP,
 * SIGTTIN and SIGTTOU pending (thread or process) and not blocked (as
 * /proc/PID/status gives them); 0 if none.
 */
int inject_stop_pending(uint64_t sigpnd, uint64_t shdpnd, uint64_t sigblk);

#endif /* THP_INJECT_STOP_H */
