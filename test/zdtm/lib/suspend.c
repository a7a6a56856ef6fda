// SPDX-License-Identifier: GPL-2.0
/*
 * sigsuspend() with the stack pointer where the test wants it while it
 * sleeps, which is where criu dump finds it.
 *
 * criu dump marks no page of a process lazy when a thread of it has a
 * page-aligned stack pointer (is_stack() in criu/mem.c, CRIU 3.13 and
 * later; see plugin/record/lazy_stack.h).  In libc's sigsuspend() the
 * stack pointer is wherever the randomised stack put it, 16-byte
 * aligned: one dump in 256 would then be restored eagerly, and a test of
 * what happens during postcopy would see nothing happen.  So on x86-64
 * the test sleeps with its stack pointer 64 bytes below a page boundary,
 * or with ZDTM_STACK_ALIGNED=1 in the environment exactly on one, to show
 * that case.  Elsewhere (the -m32 builds too: no test of those looks at
 * postcopy) it calls sigsuspend().
 */
#include <signal.h>
#include <stdlib.h>
#include <sys/syscall.h>

#include "zdtmtst.h"

#define STACK_OFF_PAGE	64

#if defined(__x86_64__)
/* 256 bytes down first: the caller's red zone is not ours to use. */
static long sigsuspend_below_page(const sigset_t *mask, unsigned long below)
{
	long ret;

	asm volatile("mov %%rsp, %%r12\n\t"
		     "sub $256, %%rsp\n\t"
		     "and $-4096, %%rsp\n\t"
		     "sub %[below], %%rsp\n\t"
		     "syscall\n\t"
		     "mov %%r12, %%rsp"
		     : "=a" (ret)
		     : "0" ((long)SYS_rt_sigsuspend), "D" (mask),
		       "S" ((long)_NSIG / 8), [below] "r" (below)
		     : "rcx", "r11", "r12", "memory");
	return ret;
}
#else
static long sigsuspend_below_page(const sigset_t *mask, unsigned long below)
{
	(void)below;
	return sigsuspend(mask);
}
#endif

void test_sigsuspend(const sigset_t *mask)
{
	const char *aligned = getenv("ZDTM_STACK_ALIGNED");

	sigsuspend_below_page(mask, aligned && *aligned == '1' ?
			      0 : STACK_OFF_PAGE);
}
