/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Starting the detached criu-thp monitor from inside criu, and feeding it
 * the restored tasks, in the words of monitor_proto.h: for each pid the
 * monitor answers once it has the task (for a lazy task: once it holds
 * the lazy-pages daemon's userfaultfds, MONITOR_PROTO_GUARDED).
 *
 * The monitor is a grandchild of criu in a session of its own: it is not
 * criu's child (criu's zombie reaping and exit do not touch it) and holds
 * none of criu's descriptors.  Its stdin is one end of a socket pair;
 * its stdout and stderr go to thp-monitor.log in the images directory
 * (or /dev/null if that cannot be written).
 */
#ifndef MONITOR_SPAWN_H
#define MONITOR_SPAWN_H

#include <stddef.h>
#include <sys/types.h>

#include "monitor_proto.h"

#define THP_MONITOR_LOG		"thp-monitor.log"

#define MONITOR_ANSWER_MS	10000

/* The monitor kills, rather than stops, a task whose daemon died. */
#define MONITOR_KILL_ON_DEATH	(1u << 0)
/* It gives each lazy VMA its advice back once its pages are in. */
#define MONITOR_VMA		(1u << 1)

/* The socket to write pids to, or a negative errno (with a message). */
int monitor_spawn(const char *bin, int dirfd, const char *dir,
		  unsigned int flags);
/* Hand pid over without waiting: 0, or a negative errno. */
int monitor_spawn_add(int fd, pid_t pid);
/*
 * Hand pid over and wait for its answer, timeout_ms in all
 * (MONITOR_ANSWER_MS): 0, or -errno (-ETIMEDOUT) with ans saying "not
 * guarded" and why.
 */
int monitor_spawn_ask(int fd, pid_t pid, struct monitor_proto_msg *ans,
		      int timeout_ms);

#endif /* MONITOR_SPAWN_H */
