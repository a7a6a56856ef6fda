/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What the parts of criu-thp monitor share: the watch loop
 * (thp_monitor.c), the lazy-pages guard (monitor_guard.c) and the report
 * (monitor_report.c).
 */
#ifndef MONITOR_INT_H
#define MONITOR_INT_H

#include <time.h>

#include "criu_pagemap.h"
#include "lazy_pages.h"
#include "monitor_proto.h"
#include "thp_collapse.h"
#include "thp_monitor.h"
#include "thp_verify.h"
#include "uffd_guard.h"

struct mtask {
	struct thp_verify v;
	int loaded, done, gone;
	int execed;			/* a new program: not ours to watch */
	int pidfd;			/* from its pid as it came, while criu
					 * held it; never by number again
					 */
	int mem_fd;			/* /proc/PID/mem of the restored mm */
	int dirty;			/* compare again before the next pass */
	struct thp_collapse col;
	unsigned long pending;		/* recorded huge, pages not all in */
	double t_exact;			/* seconds from start, or -1 */
	/* lazy restores */
	int lazy;			/* owed pages, "um" VMAs at the start */
	int unarmed;			/* no "um" VMA left: for good */
	struct page_ranges owed;	/* PE_LAZY pages of the image */
	double t_last_page;		/* every owed page in, or -1 */
	unsigned long during;		/* collapsed before the last page */
	unsigned long not_yet;		/* EINVAL on a still-armed chunk */
	int stopped;			/* the guard stopped or killed it */
	int stop_sig;			/* ... with this signal */
	const char *kill_why;		/* why killed, when it was */
	uint64_t stop_run_ns;		/* its time on a CPU at the SIGSTOP */
	unsigned long advice_set;	/* vma strategy: parts given back */
	int advice_failed;		/* ... and one could not be */
	struct page_ranges lost;	/* owed pages at the daemon's death */
};

enum guard_state {
	GUARD_OFF,			/* nothing lazy */
	GUARD_ON,			/* holding references */
	GUARD_UNARMED,			/* lazy, but no daemon to guard */
	GUARD_NORMAL,			/* every task got every page */
	GUARD_DIED,			/* the daemon died first */
	GUARD_LEFT,			/* a signal ended the monitor first */
};

struct monitor_guard {
	struct uffd_guard u;
	enum guard_state state;
	double t_end;			/* when the end was seen */
	double stop_ms;			/* from the death to every task stopped */
	char why[128];
};

struct monitor {
	const struct monitor_opts *o;
	struct thp_verify_ctx ctx;
	struct mtask *t;
	size_t n, cap;
	int input;			/* still reading pids */
	char buf[64];
	size_t len;
	double t0_ms;
	double t_watch;			/* when the hooks were over */
	struct monitor_guard g;
	int cgroups_left;		/* hierarchies left for criu's parent's */
	int signal;			/* the one that ended it, or 0 */
};

double thp_monitor_elapsed(const struct monitor *m);
/* The task has exited (its pid may be another's by now). */
int thp_monitor_task_exited(const struct mtask *t);
/* Send sig to the task through its pidfd; 0 or a negative errno. */
int thp_monitor_task_signal(const struct mtask *t, int sig);

/* Set up the guard's state; 0 or a negative errno. */
int monitor_guard_open(struct monitor *m);
void monitor_guard_close(struct monitor *m);
/*
 * A task has come: if it is lazy, hold a reference to its userfaultfd.
 * What to answer the plugin, with its reason in why.
 */
enum monitor_proto_answer monitor_guard_add(struct monitor *m,
					    struct mtask *t, char *why,
					    size_t len);
/* Let go of what the daemon let go of; act on a death.  Call each pass. */
void monitor_guard_step(struct monitor *m);
/* The guard no longer holds anything. */
int monitor_guard_idle(const struct monitor *m);
/* The daemon's pidfd to wait on, or -1. */
int monitor_guard_pollfd(const struct monitor *m);


/* Reports of monitors whose images directory was removed under them. */
#define THP_ORPHAN_DIR	"/run/criu-thp"

/*
 * Where the report goes: a descriptor of its directory (the images
 * directory behind dirfd, or THP_ORPHAN_DIR, the log copied there, when
 * that was removed) and its name in it; -1 if there is nowhere to write.
 */
int monitor_orphan_report_dir(int dirfd, const char *dir, char *name, size_t len);
/* Write the report as name in the directory behind dirfd; 0 or -errno. */
int monitor_report_write(const struct monitor *m, int dirfd,
			 const char *name);

#endif /* MONITOR_INT_H */
