// SPDX-License-Identifier: GPL-2.0
/*
 * reaper CMD [ARG...]
 *
 * Run CMD as the child of a child subreaper (PR_SET_CHILD_SUBREAPER) that
 * reaps every process orphaned below it the moment it exits.  criu leaves
 * orphans behind: a dumped task it kills, a restored tree it detaches
 * from.  Reaped late - this machine's pid 1 reaps only every few seconds -
 * a killed task stays a zombie holding its pid, and a restore of that pid
 * fails ("Can't fork for PID: File exists").
 *
 * CMD starts with stdin, stdout and stderr only: criu refuses to dump a
 * task holding a file whose mount it cannot see, and a descriptor the
 * caller leaked in from another mount namespace is one.
 *
 * Exits with CMD's status once CMD has exited (128 + signal if killed);
 * orphans still running then are left to pid 1.  SIGINT, SIGTERM and
 * SIGHUP are passed on to CMD.
 */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

static volatile sig_atomic_t child;

static void pass_on(int sig)
{
	if (child > 0)
		kill(child, sig);
}

static int forward_signals(void)
{
	struct sigaction sa = { .sa_handler = pass_on };
	static const int sigs[] = { SIGINT, SIGTERM, SIGHUP };
	size_t i;

	sigemptyset(&sa.sa_mask);
	for (i = 0; i < sizeof(sigs) / sizeof(sigs[0]); i++)
		if (sigaction(sigs[i], &sa, NULL))
			return -1;
	return 0;
}

static int exit_code(int status)
{
	if (WIFEXITED(status))
		return WEXITSTATUS(status);
	if (WIFSIGNALED(status))
		return 128 + WTERMSIG(status);
	return 1;
}

/* Reap everything until CMD itself is gone; its exit code. */
static int reap(pid_t cmd)
{
	int status;
	pid_t pid;

	for (;;) {
		pid = waitpid(-1, &status, 0);
		if (pid == cmd)
			return exit_code(status);
		if (pid < 0 && errno != EINTR) {
			perror("reaper: waitpid");
			return 1;
		}
	}
}

int main(int argc, char **argv)
{
	pid_t pid;

	if (argc < 2) {
		fprintf(stderr, "usage: %s CMD [ARG...]\n", argv[0]);
		return 2;
	}
	if (prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0) || forward_signals()) {
		perror("reaper: prctl(PR_SET_CHILD_SUBREAPER)");
		return 1;
	}
	pid = fork();
	if (pid < 0) {
		perror("reaper: fork");
		return 1;
	}
	if (!pid) {
		close_range(3, ~0U, 0);
		execvp(argv[1], argv + 1);
		fprintf(stderr, "reaper: %s: %s\n", argv[1], strerror(errno));
		_exit(127);
	}
	child = pid;
	return reap(pid);
}
