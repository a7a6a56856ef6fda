/* SPDX-License-Identifier: GPL-2.0 */
/*
 * A task's PR_GET_THP_DISABLE, read where /proc cannot tell it: its
 * status says "THP_enabled: 1" for enabled and except-advised alike.
 */
#ifndef TASK_PRCTL_H
#define TASK_PRCTL_H

struct inject_task;

/*
 * The kernel has PR_THP_DISABLE_EXCEPT_ADVISED (Linux 6.18): probed once,
 * in a child.  1 or 0.
 */
int task_prctl_except_supported(void);

/*
 * PR_GET_THP_DISABLE inside the task (stopped for a moment unless the
 * caller holds it): 0, 1 or 3, or a negative errno.
 */
int task_prctl_get(const struct inject_task *t);

#endif /* TASK_PRCTL_H */
