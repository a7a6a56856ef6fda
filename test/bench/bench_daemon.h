/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The benchmark processes' way into the background: the child builds its
 * memory and says so on a pipe; the parent, which the job started, exits
 * then, so that the job's shell goes on only once the child is ready.
 */
#ifndef BENCH_DAEMON_H
#define BENCH_DAEMON_H

#include <stdio.h>
#include <unistd.h>

/* In the child: 0, and *fd to write one byte to once ready. */
static inline int bench_daemonize(int *fd)
{
	int p[2];
	char c;
	pid_t pid;

	if (pipe(p))
		return -1;
	pid = fork();
	if (pid < 0)
		return -1;
	if (pid == 0) {
		close(p[0]);
		*fd = p[1];
		setsid();
		return 0;
	}
	close(p[1]);
	_exit(read(p[0], &c, 1) == 1 ? 0 : 1);
}

/* In the child, once ready: its pid to pidfile, then the byte. */
static inline int bench_ready(const char *pidfile, int fd)
{
	FILE *f = fopen(pidfile, "w");

	if (!f || fprintf(f, "%d\n", getpid()) < 0 || fclose(f))
		return -1;
	if (write(fd, "", 1) != 1)
		return -1;
	close(fd);
	return 0;
}

#endif /* BENCH_DAEMON_H */
