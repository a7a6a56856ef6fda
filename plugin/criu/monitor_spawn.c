// SPDX-License-Identifier: GPL-2.0
/*
 * fork, setsid, fork again, exec criu-thp monitor.
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "mono_clock.h"
#include "monitor_spawn.h"
#include "sys_nr.h"
#include "thp_log.h"

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
			 const char *criu, int sock, unsigned int flags)
{
	const int how = O_WRONLY | O_CREAT | O_APPEND | O_NOFOLLOW | O_CLOEXEC;
	char *argv[12];
	int log, n = 0;

	/* a symlink planted as the log is removed, never followed */
	log = openat(dirfd, THP_MONITOR_LOG, how, 0600);
	if (log < 0 && errno == ELOOP && !unlinkat(dirfd, THP_MONITOR_LOG, 0))
		log = openat(dirfd, THP_MONITOR_LOG, how, 0600);
	if (log < 0)
		log = open("/dev/null", O_WRONLY | O_CLOEXEC);
	if (dup2(sock, 0) < 0 || dup2(log, 1) < 0 || dup2(log, 2) < 0)
		_exit(127);
	close_from(3);
	argv[n++] = "criu-thp";
	argv[n++] = "-v";		/* what it did, step by step, in its log */
	argv[n++] = "monitor";
	argv[n++] = "-D";
	argv[n++] = (char *)dir;
	argv[n++] = "--pids-on-stdin";
	argv[n++] = "--criu-pid";
	argv[n++] = (char *)criu;
	if (flags & MONITOR_KILL_ON_DEATH)
		argv[n++] = "--kill-on-death";
	if (flags & MONITOR_VMA)
		argv[n++] = "--vma";
	argv[n] = NULL;
	execv(bin, argv);
	_exit(127);
}

int monitor_spawn(const char *bin, int dirfd, const char *dir,
		  unsigned int flags)
{
	char criu[16];
	int sk[2], status;
	pid_t pid;

	snprintf(criu, sizeof(criu), "%d", getpid());
	if (access(bin, X_OK)) {
		pr_pwarn("monitor %s", bin);
		return -errno;
	}
	if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sk)) {
		pr_pwarn("monitor: socketpair");
		return -errno;
	}
	pid = fork();
	if (pid < 0) {
		pr_pwarn("monitor: fork");
		goto err_close;
	}
	if (!pid) {
		setsid();
		if (fork())
			_exit(0);
		monitor_exec(bin, dirfd, dir, criu, sk[1], flags);
	}
	close(sk[1]);
	waitpid(pid, &status, 0);
	pr_info("monitor %s started for %s (log %s/%s)\n", bin, dir, dir,
		THP_MONITOR_LOG);
	return sk[0];

err_close:
	close(sk[0]);
	close(sk[1]);
	return -EAGAIN;
}

int monitor_spawn_add(int fd, pid_t pid)
{
	char line[16];
	int n = snprintf(line, sizeof(line), "%d\n", pid);

	if (send(fd, line, n, MSG_NOSIGNAL) != n)
		return -errno;
	return 0;
}

/* Read one line of at most len - 1 bytes, if it comes by deadline (ms). */
static int read_line(int fd, char *buf, size_t len, double deadline)
{
	struct pollfd p = { .fd = fd, .events = POLLIN };
	size_t n = 0;
	double left;
	ssize_t r;

	while (n + 1 < len) {
		left = deadline - mono_ms();
		if (left <= 0 || poll(&p, 1, (int)left + 1) <= 0)
			return -ETIMEDOUT;
		r = recv(fd, buf + n, 1, 0);
		if (r <= 0)
			return r ? -errno : -EPIPE;
		if (buf[n] == '\n')
			break;
		n++;
	}
	buf[n] = '\0';
	return 0;
}

/* Answers to pids handed over without waiting come first: skip them. */
int monitor_spawn_ask(int fd, pid_t pid, struct monitor_proto_msg *ans,
		      int timeout_ms)
{
	double deadline = mono_ms() + timeout_ms;
	char line[MONITOR_PROTO_LINE];
	int ret;

	ret = monitor_spawn_add(fd, pid);
	while (!ret) {
		ret = read_line(fd, line, sizeof(line), deadline);
		if (ret)
			break;
		if (monitor_proto_parse(line, ans))
			pr_warn("the monitor said %s: not an answer\n", line);
		else if (ans->pid == pid)
			return 0;
	}
	ans->pid = pid;
	ans->answer = MONITOR_PROTO_NOT_GUARDED;
	snprintf(ans->text, sizeof(ans->text),
		 "no answer from the monitor: %s", strerror(-ret));
	return ret;
}
