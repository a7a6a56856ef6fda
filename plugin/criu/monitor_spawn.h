/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Starting the detached criu-thp monitor from inside criu, and feeding it
 * the restored tasks.  For each pid the monitor answers one line, "PID
 * what", once it has the task (for a lazy task: once it holds the
 * lazy-pages daemon's userfaultfds, "guarded: ...").
 *
 * The monitor is a grandchild of criu in a session of its own: it is not
 * criu's child (criu's zombie reaping and exit do not touch it) and holds
 * none of criu's descriptors.  Its stdin is one end of a socket pair on
 * which the plugin writes "pid\n" per task; its stdout and stderr go to
 * thp-monitor.log in the images directory (or /dev/null if that cannot be
 * written).
 */
#ifndef MONITOR_SPAWN_H
#define MONITOR_SPAWN_H

#include <stddef.h>
#include <sys/types.h>

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
int monitor_add(int fd, pid_t pid);
/*
 * Hand pid over and wait for the answer (in answer), timeout_ms in all
 * (MONITOR_ANSWER_MS): 0 or -errno (-ETIMEDOUT).
 */
int monitor_ask(int fd, pid_t pid, char *answer, size_t len, int timeout_ms);

#endif /* MONITOR_SPAWN_H */
