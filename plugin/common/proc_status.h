/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The fields of /proc/PID/status that criu-thp needs.
 */
#ifndef PROC_STATUS_H
#define PROC_STATUS_H

#include <stdint.h>
#include <stdio.h>
#include <sys/types.h>

struct proc_status {
	pid_t tgid;		/* Tgid: */
	pid_t ppid;		/* PPid: */
	pid_t tracer;		/* TracerPid: */
	pid_t nspid;		/* last field of NSpid: (innermost pid ns) */
	char state;		/* first letter of State: */
	int thp_enabled;	/* THP_enabled: 0 or 1; -1 if the kernel has none */
	uint64_t sigpnd;	/* SigPnd: signals pending for the thread */
	uint64_t shdpnd;	/* ShdPnd: signals pending for the process */
	uint64_t sigblk;	/* SigBlk: signals the thread blocks */
	uint64_t hugetlb_kb;	/* HugetlbPages: (Linux 4.4+), in KiB */
};

/* Parse a status file; 0, or -EINVAL if Tgid or TracerPid are missing. */
int proc_status_parse(FILE *f, struct proc_status *st);
/* Read /proc/<pid>/status; 0, or a negative errno. */
int proc_status_read(pid_t pid, struct proc_status *st);

#endif /* PROC_STATUS_H */
