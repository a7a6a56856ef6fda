// SPDX-License-Identifier: GPL-2.0
/*
 * What the plugin and the monitor say (monitor_proto.h): every answer
 * written and read back, lines that are not answers refused.  The plugin
 * waits for the monitor's answer about a task at most its timeout in all,
 * not per byte: a monitor that answers one byte at a time (a stand-in over
 * a socket pair) cannot hold criu in its hook for longer.  Answers to
 * tasks handed over before come first and are skipped.
 */
#include <errno.h>
#include <signal.h>
#include <stdlib.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "unit.h"

#include "monitor_proto.h"
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

static int ask(const char *text, long gap_ms, int timeout_ms,
	       struct monitor_proto_msg *ans)
{
	int sv[2], ret;
	pid_t pid;

	assert_int_equal(socketpair(AF_UNIX, SOCK_STREAM, 0, sv), 0);
	pid = answerer(sv[1], text, gap_ms);
	assert_true(pid > 0);
	close(sv[1]);
	ret = monitor_spawn_ask(sv[0], PID, ans, timeout_ms);
	close(sv[0]);
	kill(pid, SIGKILL);
	waitpid(pid, NULL, 0);
	return ret;
}

/* Each answer, written by the monitor's side and read by the plugin's. */
static void every_answer_round_trip(void **state)
{
	static const char *const words[MONITOR_PROTO_NR] = {
		[MONITOR_PROTO_GUARDED] = "guarded",
		[MONITOR_PROTO_NOT_LAZY] = "not-lazy",
		[MONITOR_PROTO_NOT_GUARDED] = "not-guarded",
		[MONITOR_PROTO_LOAD_FAILED] = "load-failed",
	};
	struct monitor_proto_msg m;
	char line[MONITOR_PROTO_LINE], want[64];
	int a, n;

	(void)state;
	for (a = 0; a < MONITOR_PROTO_NR; a++) {
		n = monitor_proto_format(line, sizeof(line), 77, a, "a b: c");
		snprintf(want, sizeof(want), "77 %s a b: c\n", words[a]);
		assert_string_equal(line, want);
		assert_int_equal(n, strlen(want));
		line[n - 1] = '\0';
		assert_int_equal(monitor_proto_parse(line, &m), 0);
		assert_int_equal(m.pid, 77);
		assert_int_equal(m.answer, a);
		assert_string_equal(m.text, "a b: c");
		assert_string_equal(monitor_proto_word(a), words[a]);
		assert_string_not_equal(monitor_proto_text(a), "?");
	}
	assert_int_equal(monitor_proto_parse("5 guarded", &m), 0);
	assert_string_equal(m.text, "");
}

static void bad_lines_refused(void **state)
{
	static const char *const bad[] = {
		"", "guarded", "12", "12 ", "12 guarded:", "12 Guarded x",
		"-3 guarded x", "0 not-lazy x", "x12 guarded", "12  guarded",
		"99999999999 guarded x", "12 not lazy", "12\tguarded x",
	};
	char line[MONITOR_PROTO_LINE];
	struct monitor_proto_msg m;
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		assert_int_equal(monitor_proto_parse(bad[i], &m), -EINVAL);
	assert_int_equal(monitor_proto_format(line, sizeof(line), 1,
					      MONITOR_PROTO_NR, "x"), -EINVAL);
	assert_string_equal(monitor_proto_word(MONITOR_PROTO_NR), "?");
}

/* A message too long for a line is cut; the line still ends in '\n'. */
static void long_message_cut(void **state)
{
	char line[32], text[100];
	int n;

	(void)state;
	memset(text, 'x', sizeof(text) - 1);
	text[sizeof(text) - 1] = '\0';
	n = monitor_proto_format(line, sizeof(line), 1234,
				 MONITOR_PROTO_NOT_GUARDED, text);
	assert_int_equal(n, sizeof(line) - 1);
	assert_int_equal(line[n - 1], '\n');
	assert_int_equal(strncmp(line, "1234 not-guarded xxx", 20), 0);
}

static void answer_skips_others(void **state)
{
	struct monitor_proto_msg ans;

	(void)state;
	assert_int_equal(ask("17 not-lazy x\nnonsense\n"
			     "4242 guarded 2 userfaultfds\n", 0, 2000, &ans), 0);
	assert_int_equal(ans.answer, MONITOR_PROTO_GUARDED);
	assert_string_equal(ans.text, "2 userfaultfds");
}

/* 28 bytes 50 ms apart: each comes well within 300 ms, the whole not. */
static void answer_timeout_in_all(void **state)
{
	struct monitor_proto_msg ans;

	(void)state;
	assert_int_equal(ask("4242 guarded 2 userfaultfds\n", 50, 300, &ans),
			 -ETIMEDOUT);
	assert_int_equal(ans.answer, MONITOR_PROTO_NOT_GUARDED);
	assert_non_null(strstr(ans.text, "no answer from the monitor"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(every_answer_round_trip),
		cmocka_unit_test(bad_lines_refused),
		cmocka_unit_test(long_message_cut),
		cmocka_unit_test(answer_skips_others),
		cmocka_unit_test(answer_timeout_in_all),
	};

	return cmocka_run_group_tests_name("monitor_proto", tests, NULL, NULL);
}
