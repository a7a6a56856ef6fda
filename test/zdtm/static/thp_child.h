/* SPDX-License-Identifier: GPL-2.0 */
/*
 * A child process of a test: started, it sets up its own regions and says
 * so on a pipe; at the check the parent passes SIGTERM on and takes the
 * child's verdict from its exit status.
 */
#ifndef THP_CHILD_H
#define THP_CHILD_H

#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include "thp_regions.h"

/* fn writes one byte to ready once set up, and never returns. */
typedef void (*thp_child_fn)(int ready, enum thp_expect_mode m);

/* The child's pid once it is ready, or -1. */
static inline pid_t thp_child_start(thp_child_fn fn, enum thp_expect_mode m)
{
	int p[2];
	pid_t pid;
	char c;

	if (pipe(p))
		return -1;
	pid = fork();
	if (!pid) {
		close(p[0]);
		fn(p[1], m);
	}
	close(p[1]);
	if (pid > 0 && read(p[0], &c, 1) != 1)
		pid = -1;
	close(p[0]);
	return pid;
}

/* SIGTERM the child and wait for it: 0 if it exited 0. */
static inline int thp_child_check(pid_t pid)
{
	int status;

	if (kill(pid, SIGTERM) || waitpid(pid, &status, 0) != pid) {
		fail("child %d lost", pid);
		return -1;
	}
	if (!WIFEXITED(status) || WEXITSTATUS(status)) {
		fail("child %d: status %#x", pid, status);
		return -1;
	}
	return 0;
}

#endif /* THP_CHILD_H */
