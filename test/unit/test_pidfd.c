// SPDX-License-Identifier: GPL-2.0
/*
 * A task's number given to another process once the task is reaped: what
 * holds the task by its pidfd must not reach the newcomer.
 *
 * In a pid and mount namespace of its own (nothing else forks there; its
 * /proc names its processes by their numbers there), the test's
 * init forks task A, opens A's pidfd, kills and reaps A, then sets
 * ns_last_pid so that the next fork, B, gets A's number.  Through A's
 * pidfd a signal must fail with ESRCH and the injected madvise() must
 * not seize B; by the number alone (no pidfd, as the code did before) the
 * injection does reach B - which shows the test can fail.
 */
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <signal.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <sys/mount.h>
#include <sys/wait.h>
#include <unistd.h>

#include "unit.h"

#include "inject_task.h"
#include "madv.h"
#include "pidfd.h"

#define LEN	(2ul << 20)

/* What init found, one bit each; 0 when all is as it must be. */
enum {
	BAD_SETUP	= 1 << 0,	/* B did not get A's number */
	BAD_EXITED	= 1 << 1,	/* A's pidfd does not say A exited */
	BAD_SIGNAL	= 1 << 2,	/* a signal through it did not fail */
	BAD_MADV	= 1 << 3,	/* the injection through it did not fail */
	BAD_REACHED	= 1 << 4,	/* ... or B was seized or killed */
	BAD_NUMBER	= 1 << 5,	/* by number alone B was not reached */
};

static pid_t sleeper(void)
{
	pid_t pid = fork();

	if (!pid) {
		for (;;)
			pause();
	}
	return pid;
}

static int set_last_pid(pid_t last)
{
	char buf[16];
	int fd, n, ret;

	fd = open("/proc/sys/kernel/ns_last_pid", O_WRONLY);
	if (fd < 0)
		return -1;
	n = snprintf(buf, sizeof(buf), "%d", last);
	ret = write(fd, buf, n) == n ? 0 : -1;
	close(fd);
	return ret;
}

/* TracerPid of pid, or -1. */
static int tracer_of(pid_t pid)
{
	char path[64], line[128];
	int tracer = -1;
	FILE *f;

	snprintf(path, sizeof(path), "/proc/%d/status", pid);
	f = fopen(path, "r");
	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f))
		if (sscanf(line, "TracerPid: %d", &tracer) == 1)
			break;
	fclose(f);
	return tracer;
}

static int through_pidfd(pid_t b, int pidfd, void *mem)
{
	struct iovec iov = { .iov_base = mem, .iov_len = LEN };
	struct inject_task t = { .pid = b, .pidfd = pidfd };
	int bad = 0;

	if (!pidfd_exited(pidfd, 0))
		bad |= BAD_EXITED;
	if (pidfd_signal(pidfd, SIGKILL) != -ESRCH)
		bad |= BAD_SIGNAL;
	if (madv_local(&t, &iov, 1, MADV_COLD) != -ESRCH)
		bad |= BAD_MADV;
	if (kill(b, 0) || tracer_of(b) != 0)
		bad |= BAD_REACHED;
	t.pidfd = -1;
	if (madv_local(&t, &iov, 1, MADV_COLD) != (long)LEN)
		bad |= BAD_NUMBER;
	return bad;
}

/* pid 1 of the new namespace, with a /proc of its own. */
static int init_main(void)
{
	void *mem;
	pid_t a, b;
	int pidfd, bad;

	if (mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) ||
	    mount("proc", "/proc", "proc", 0, NULL))
		return BAD_SETUP;
	mem = mmap(NULL, LEN, PROT_READ | PROT_WRITE,
		   MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (mem == MAP_FAILED)
		return BAD_SETUP;
	memset(mem, 1, LEN);
	a = sleeper();
	pidfd = pidfd_of(a);
	if (a < 0 || pidfd < 0)
		return BAD_SETUP;
	kill(a, SIGKILL);
	waitpid(a, NULL, 0);
	if (set_last_pid(a - 1))
		return BAD_SETUP;
	b = sleeper();
	if (b != a) {
		kill(b, SIGKILL);
		return BAD_SETUP;
	}
	bad = through_pidfd(b, pidfd, mem);
	kill(b, SIGKILL);
	waitpid(b, NULL, 0);
	return bad;
}

static void recycled_number(void **state)
{
	int status;
	pid_t pid;

	(void)state;
	pid = fork();
	assert_true(pid >= 0);
	if (!pid) {
		pid_t init;

		if (unshare(CLONE_NEWPID | CLONE_NEWNS))
			_exit(BAD_SETUP);
		init = fork();
		if (!init)
			_exit(init_main());
		if (init < 0 || waitpid(init, &status, 0) != init)
			_exit(BAD_SETUP);
		_exit(WIFEXITED(status) ? WEXITSTATUS(status) : BAD_SETUP);
	}
	assert_int_equal(waitpid(pid, &status, 0), pid);
	assert_true(WIFEXITED(status));
	assert_int_equal(WEXITSTATUS(status), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(recycled_number),
	};

	return cmocka_run_group_tests_name("pidfd", tests, NULL, NULL);
}
