/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Faults injected on purpose, for the tests, in the manner of CRIU's
 * CRIU_FAULT: the environment variable CRIU_THP_FAULT names points,
 * separated by commas, at which the plugin or the monitor fails.  The
 * monitor inherits criu's environment.  Unset, nothing changes.
 */
#ifndef THP_FAULT_H
#define THP_FAULT_H

enum thp_fault {
	THP_FAULT_MONITOR_START,	/* monitor: before it takes anything */
	THP_FAULT_MONITOR_SLOW,		/* monitor: 3 s before its 1st collapse */
	THP_FAULT_MONITOR_GUARDED,	/* monitor: once it guards a task */
	THP_FAULT_MONITOR_COLLAPSE,	/* monitor: before its first collapse */
	THP_FAULT_COLLAPSE_ENOMEM,	/* MADV_COLLAPSE fails with ENOMEM */
	THP_FAULT_COLLAPSE_EAGAIN,	/* MADV_COLLAPSE fails with EAGAIN */
	THP_FAULT_RESTORE_HOOK,		/* criu: at the first restore hook */
	THP_FAULT_RECORD_SLOW,		/* dump: 10 s after the 1st hg VMA */
	THP_FAULT_RECORD_UNREAD,	/* the 1st task read changes each time */
	THP_FAULT_RESTORE_LOAD,		/* restore: no THP state for a task */
	THP_FAULT_FIX_FAIL,		/* restore: the fix fails, prctl lifted */
	THP_FAULT_NO_EXCEPT_ADVISED,	/* restore: as a kernel before 6.18 */
	THP_FAULT_NR,
};

#define THP_FAULT_ENV	"CRIU_THP_FAULT"

/* 1 when CRIU_THP_FAULT names point f. */
int thp_fault(enum thp_fault f);

/* At point f, if named: say so, and die by SIGKILL. */
void thp_fault_kill(enum thp_fault f);

/* At point f, if named, the first time: say so, and sleep that long. */
void thp_fault_sleep(enum thp_fault f, unsigned int seconds);

/* 1, with a warning, when f is set: the caller then fails there. */
int thp_fault_fail(enum thp_fault f);

#endif /* THP_FAULT_H */
