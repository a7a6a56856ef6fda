/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Whether criu dump can mark a task's pages lazy at all.
 *
 * criu dump marks a page of a private anonymous VMA lazy (PE_LAZY: left
 * to the lazy-pages daemon) unless is_stack() in criu/mem.c says a
 * thread's stack pointer is in it.  Since CRIU 3.13 (commit 1bc68dd87,
 * "lazy-pages: fix stack detection") that test compares the offsets of
 * the two addresses within their pages instead of the pages: when a
 * thread's stack pointer is page-aligned, every page of the process is
 * taken for the stack and none is dumped lazy.  A lazy restore or
 * migration of that dump then copies every page before the task
 * resumes: nothing arrives later, there is no postcopy to collapse
 * during.  With 16-byte stack alignment and a randomised stack that is
 * one dump in 256 of a single-threaded task sleeping in a system call.
 */
#ifndef LAZY_STACK_H
#define LAZY_STACK_H

#include <stdint.h>
#include <sys/types.h>

/*
 * 1 and *tid, *sp when a thread of the stopped process pid has its stack
 * pointer on a page boundary; 0 when none has; or -errno.
 */
int lazy_stack_aligned(pid_t pid, pid_t *tid, uint64_t *sp);

#endif /* LAZY_STACK_H */
