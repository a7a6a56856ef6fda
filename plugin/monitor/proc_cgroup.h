/* SPDX-License-Identifier: GPL-2.0 */
/*
 * A process's cgroups (/proc/PID/cgroup), v1 and v2.
 */
#ifndef PROC_CGROUP_H
#define PROC_CGROUP_H

#include <sys/types.h>

/*
 * Move this process into the cgroups of pid, in each hierarchy where
 * they differ, through pid's own view of its cgroup mounts.  Each move is
 * logged; one that fails is warned about and skipped.  The number of
 * moves, or a negative errno when either cgroup list cannot be read.
 */
int proc_cgroup_follow(pid_t pid);

#endif /* PROC_CGROUP_H */
