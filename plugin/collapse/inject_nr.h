/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The number of a system call the plugin injects, for the kind of task it
 * goes into: a 32-bit (compat) task on x86-64 takes i386's numbers (int
 * $0x80), and x86-64's prctl (157) is sched_getscheduler there, its
 * madvise (28) oldfstat.
 */
#ifndef THP_INJECT_NR_H
#define THP_INJECT_NR_H

/*
 * The i386 number of the x86-64 system call nr, for the calls injected
 * (prctl, madvise); -1 for any other, or where there is no compat
 * mode to inject into.
 */
long inject_nr_compat(long nr);

#endif /* THP_INJECT_NR_H */
