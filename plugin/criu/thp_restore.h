/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The restore side of the plugin.
 *
 * init(RESTORE): read thp-dump.img (absent: the dump had no plugin, use
 * CRIU's mm images), and disable THP for criu itself with
 * PR_SET_THP_DISABLE: every task criu forks inherits it, so no huge page
 * forms while criu fills memory, whatever the sysfs mode or VMA flags.
 *
 * RESUME_DEVICES_LATE(pid): the task is stopped and traced by criu.
 * Compare it with what it must be (thp_expect.h, thp_diff.h), fix it
 * (thp_fix.h), log what is not exact.  With collapse = async the chunks
 * that need nothing but MADV_COLLAPSE go to one detached criu-thp monitor
 * per restore, fed the pids over a socket; it outlives criu.  A task
 * restored lazily (VMAs registered with userfaultfd) goes to the monitor
 * first, whatever the collapse setting: the hook waits until the monitor
 * holds the lazy-pages daemon's userfaultfds (the guard), then pulls the
 * chunks that can only be collapsed while the task is stopped, and
 * leaves the others to the monitor as their pages arrive.
 *
 * CRIU ignores this hook's result, so strict mode fails a restore that is
 * not exact by killing the task: criu then cannot detach from it and
 * kills the whole tree.
 */
#ifndef THP_RESTORE_H
#define THP_RESTORE_H

#include <limits.h>
#include <sys/types.h>

#include "thp_config.h"
#include "thp_verify.h"

struct thp_restore {
	struct thp_config cfg;
	struct thp_verify_ctx ctx;	/* criu's images dir, this machine */
	char dir[PATH_MAX];
	int sync;
	int monitor_fd;			/* socket to the monitor, or -1 */
	int no_monitor;			/* it could not be started */
	int vma;			/* the vma strategy, kernel permitting */
	int clr;			/* the kernel has MADV_CLR_HUGEPAGE */
	int criu_disabled;		/* criu's own prctl; -1 once back */
	unsigned int tasks, exact, handed, lazy, guarded, held;
	unsigned int sent;		/* pids sent to the monitor */
};

/* 0, or -1 when strict and thp-dump.img is unusable. */
int thp_restore_prepare(struct thp_restore *r, const struct thp_config *cfg,
			int dirfd);
void thp_restore_task(struct thp_restore *r, pid_t pid);
void thp_restore_finish(struct thp_restore *r);

#endif /* THP_RESTORE_H */
