// SPDX-License-Identifier: GPL-2.0
/*
 * System call numbers for compat tasks (inject_nr.h).  The i386 numbers
 * are the ABI's (arch/x86/entry/syscalls/syscall_32.tbl).
 */
#include <sys/syscall.h>

#include "inject_nr.h"

#define NR32_PRCTL	172
#define NR32_MADVISE	219

long inject_nr_compat(long nr)
{
#ifdef __x86_64__
	switch (nr) {
	case __NR_prctl:
		return NR32_PRCTL;
	case __NR_madvise:
		return NR32_MADVISE;
	}
#endif
	(void)nr;
	return -1;
}
