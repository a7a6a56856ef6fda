/* SPDX-License-Identifier: GPL-2.0 */
/*
 * /proc/PID/mem: a descriptor holds on to the address space it was
 * opened on, not to the task.  Once that space has no user left - the
 * task exec'd a new program, or exited - a read returns 0 bytes
 * (mem_rw() finds no user to pin); while it lives, a read of an address
 * nothing maps fails with EIO.  Reading address 0 tells the two apart
 * without touching a page, so without waiting on a lazy one.
 */
#ifndef PROC_MEM_H
#define PROC_MEM_H

#include <sys/types.h>

/* The descriptor (flags: O_RDONLY or O_RDWR), or a negative errno. */
int proc_mem_open(pid_t pid, int flags);

/* 1 when the address space behind fd is gone, 0 if not. */
int proc_mem_gone(int fd);

#endif /* PROC_MEM_H */
