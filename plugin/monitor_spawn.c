// SPDX-License-Identifier: GPL-2.0
/*
 * fork, setsid, fork again, exec criu-thp monitor.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "monitor_spawn.h"
#include "thp_log.h"

#ifndef __NR_close_range
#define __NR_close_range	436
#endif

static void close_from(int first)
{
	int fd;

	if (!syscall(__NR_close_range, first, ~0u, 0))
		return;
	for (fd = first; fd < 1024; fd++)
		close(fd);
}

/* In the grandchild: only async-signal-safe calls, then exec. */
static void monitor_exec(const char *bin, int dirfd, const char *dir,
			 const char *criu, int sock)
{
	int log;

	log = openat(dirfd, THP_MONITOR_LOG,
		     O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0600);
	if (log < 0)
		log = open("/dev/null", O_WRONLY | O_CLOEXEC);
	if (dup2(sock, 0) < 0 || dup2(log, 1) < 0 || dup2(log, 2) < 0)
		_exit(127);
	close_from(3);
	execl(bin, "criu-thp", "monitor", "-D", dir, "--pids-on-stdin",
	      "--criu-pid", criu, (char *)NULL);
	_exit(127);
}

int monitor_spawn(const char *bin, int dirfd, const char *dir)
{
	char criu[16];
	int sk[2], status;
	pid_t pid;

	snprintf(criu, sizeof(criu), "%d", getpid());
	if (access(bin, X_OK)) {
		pr_warn("monitor %s: %s\n", bin, strerror(errno));
		return -errno;
	}
	if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sk)) {
		pr_warn("monitor: socketpair: %s\n", strerror(errno));
		return -errno;
	}
	pid = fork();
	if (pid < 0) {
		pr_warn("monitor: fork: %s\n", strerror(errno));
		close(sk[0]);
		close(sk[1]);
		return -EAGAIN;
	}
	if (!pid) {
		setsid();
		if (fork())
			_exit(0);
		monitor_exec(bin, dirfd, dir, criu, sk[1]);
	}
	close(sk[1]);
	waitpid(pid, &status, 0);
	pr_info("monitor %s started for %s (log %s/%s)\n", bin, dir, dir,
		THP_MONITOR_LOG);
	return sk[0];
}

int monitor_add(int fd, pid_t pid)
{
	char line[16];
	int n = snprintf(line, sizeof(line), "%d\n", pid);

	if (send(fd, line, n, MSG_NOSIGNAL) != n)
		return -errno;
	return 0;
}
