// SPDX-License-Identifier: GPL-2.0
/*
 * The plugin waits for the monitor's answer about a task at most its
 * timeout in all, not per byte: a monitor that answers one byte at a time
 * (a stand-in over a socket pair) cannot hold criu in its hook for longer.
 * Answers to tasks handed over before come first and are skipped.
 */
#include <errno.h>
#include <signal.h>
#include <stdlib.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "unit.h"

#include "monitor_spawn.h"

#define PID	4242

/* A stand-in monitor: reads the pid, answers text, a byte every gap_ms. */
static pid_t answerer(int fd, const char *text, long gap_ms)
{
	struct timespec gap = { gap_ms / 1000, gap_ms % 1000 * 1000000 };
	pid_t pid = fork();
	char buf[32];
	size_t i;

	if (pid)
		return pid;
	if (read(fd, buf, sizeof(buf)) <= 0)
		_exit(1);
	for (i = 0; text[i]; i++) {
		if (write(fd, &text[i], 1) != 1)
			_exit(0);	/* the plugin gave up */
		nanosleep(&gap, NULL);
	}
	_exit(0);
}

static int ask(const char *text, long gap_ms, int timeout_ms, char *answer,
	       size_t len)
{
	int sv[2], ret;
	pid_t pid;

	assert_int_equal(socketpair(AF_UNIX, SOCK_STREAM, 0, sv), 0);
	pid = answerer(sv[1], text, gap_ms);
	assert_true(pid > 0);
	close(sv[1]);
	ret = monitor_ask(sv[0], PID, answer, len, timeout_ms);
	close(sv[0]);
	kill(pid, SIGKILL);
	waitpid(pid, NULL, 0);
	return ret;
}

static void answer_skips_others(void **state)
{
	char answer[64];

	(void)state;
	assert_int_equal(ask("17 not lazy\n4242 guarded: 2 userfaultfds\n", 0,
			     2000, answer, sizeof(answer)), 0);
	assert_string_equal(answer, "guarded: 2 userfaultfds");
}

/* 29 bytes 50 ms apart: each comes well within 300 ms, the whole not. */
static void answer_timeout_in_all(void **state)
{
	char answer[64];

	(void)state;
	assert_int_equal(ask("4242 guarded: 2 userfaultfds\n", 50, 300,
			     answer, sizeof(answer)), -ETIMEDOUT);
	assert_non_null(strstr(answer, "no answer from the monitor"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(answer_skips_others),
		cmocka_unit_test(answer_timeout_in_all),
	};

	return cmocka_run_group_tests_name("monitor_ask", tests, NULL, NULL);
}
