/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Starting the detached criu-thp monitor from inside criu, and feeding it
 * the restored tasks.
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

#include <sys/types.h>

#define THP_MONITOR_LOG		"thp-monitor.log"

/* The socket to write pids to, or a negative errno (with a message). */
int monitor_spawn(const char *bin, int dirfd, const char *dir);
/* 0, or a negative errno when the monitor is gone. */
int monitor_add(int fd, pid_t pid);

#endif /* MONITOR_SPAWN_H */
