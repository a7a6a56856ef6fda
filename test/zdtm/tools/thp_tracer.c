// SPDX-License-Identifier: GPL-2.0
/*
 * thp_tracer [--swallow-stop] PID
 *
 * Test tool: a debugger that attaches to every thread of PID (ptrace
 * PTRACE_SEIZE) and lets it run: each signal is passed on, a group-stop
 * is listened through (PTRACE_LISTEN); a thread another tracer holds for
 * a moment is seized once it lets go.  With --swallow-stop it keeps
 * SIGSTOP from the task instead, as a debugger may.  On SIGTERM or SIGINT it detaches
 * and exits 0; it exits 0 when every thread has gone, 2 on an error.
 * Prints "attached N" once it holds them all.
 */
#include <dirent.h>
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ptrace.h>
#include <sys/wait.h>
#include <time.h>

static volatile sig_atomic_t quit;
static int swallow_stop;

static void on_quit(int sig)
{
	(void)sig;
	quit = 1;
}

/*
 * Seize tid; while another tracer holds it (EPERM: criu-thp's monitor
 * injecting into it, a moment), try again, for up to 2 s.
 */
static int seize(pid_t tid)
{
	struct timespec ms = { 0, 1000000 };
	int i;

	for (i = 0; ptrace(PTRACE_SEIZE, tid, NULL, NULL); i++) {
		if (errno != EPERM || i == 2000)
			return -1;
		nanosleep(&ms, NULL);
	}
	return 0;
}

static int seize_all(pid_t pid, pid_t *tids, int max)
{
	char path[32];
	struct dirent *de;
	int n = 0;
	DIR *d;

	snprintf(path, sizeof(path), "/proc/%d/task", pid);
	d = opendir(path);
	if (!d)
		return -errno;
	while ((de = readdir(d)) && n < max) {
		if (de->d_name[0] == '.')
			continue;
		tids[n] = atoi(de->d_name);
		if (seize(tids[n])) {
			fprintf(stderr, "thp_tracer: seize %d: %s\n", tids[n],
				strerror(errno));
			closedir(d);
			return -1;
		}
		n++;
	}
	closedir(d);
	return n;
}

/* One stop of tid: let it go on, its signal passed. */
static void resume(pid_t tid, int status)
{
	int sig = WSTOPSIG(status);

	if (status >> 16 == PTRACE_EVENT_STOP) {
		/* group-stop (SIGSTOP and the like): stay stopped, listen */
		if (sig == SIGSTOP || sig == SIGTSTP || sig == SIGTTIN ||
		    sig == SIGTTOU)
			ptrace(PTRACE_LISTEN, tid, NULL, NULL);
		else
			ptrace(PTRACE_CONT, tid, NULL, NULL);
		return;
	}
	if (swallow_stop && sig == SIGSTOP)
		sig = 0;
	ptrace(PTRACE_CONT, tid, NULL, (void *)(long)sig);
}

static void detach_all(const pid_t *tids, int n)
{
	int i, status;

	for (i = 0; i < n; i++) {
		if (ptrace(PTRACE_INTERRUPT, tids[i], NULL, NULL))
			continue;
		if (waitpid(tids[i], &status, __WALL) == tids[i] &&
		    WIFSTOPPED(status))
			ptrace(PTRACE_DETACH, tids[i], NULL, NULL);
	}
}

int main(int argc, char **argv)
{
	struct sigaction sa = { .sa_handler = on_quit };
	pid_t tids[256], tid;
	int n, left, status;

	swallow_stop = argc == 3 && !strcmp(argv[1], "--swallow-stop");
	if (argc != 2 + swallow_stop) {
		fprintf(stderr, "usage: thp_tracer [--swallow-stop] PID\n");
		return 2;
	}
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGINT, &sa, NULL);
	n = seize_all(atoi(argv[argc - 1]), tids, 256);
	if (n <= 0)
		return 2;
	printf("attached %d\n", n);
	fflush(stdout);
	for (left = n; left > 0 && !quit;) {
		tid = waitpid(-1, &status, __WALL);
		if (tid < 0) {
			if (errno == EINTR)
				continue;
			break;
		}
		if (WIFEXITED(status) || WIFSIGNALED(status))
			left--;
		else if (WIFSTOPPED(status))
			resume(tid, status);
	}
	if (quit)
		detach_all(tids, n);
	return 0;
}
