// SPDX-License-Identifier: GPL-2.0
/*
 * /proc/PID/status parser: fixed texts for each case, then live tasks.
 */
#include <errno.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include "unit.h"
#include "inject_stop.h"
#include "proc_status.h"

static const char status_nested[] =
	"Name:\tthp_flags\n"
	"State:\tt (tracing stop)\n"
	"Tgid:\t4242\n"
	"Pid:\t4242\n"
	"PPid:\t1\n"
	"TracerPid:\t777\n"
	"NSpid:\t4242\t17\t3\n"
	"THP_enabled:\t0\n";

static void nested_pid_namespaces(void **state)
{
	struct proc_status st;
	FILE *f = str_file(status_nested);

	(void)state;
	assert_int_equal(proc_status_parse(f, &st), 0);
	fclose(f);
	assert_int_equal(st.tgid, 4242);
	assert_int_equal(st.tracer, 777);
	assert_int_equal(st.nspid, 3);		/* innermost */
	assert_int_equal(st.thp_enabled, 0);
	assert_int_equal(st.state, 't');
}

static void old_kernel_without_nspid_and_thp(void **state)
{
	struct proc_status st;
	FILE *f = str_file("Tgid:\t10\nTracerPid:\t0\n");

	(void)state;
	assert_int_equal(proc_status_parse(f, &st), 0);
	fclose(f);
	assert_int_equal(st.nspid, 10);		/* falls back to Tgid */
	assert_int_equal(st.thp_enabled, -1);	/* unknown, not "enabled" */
	assert_int_equal(st.tracer, 0);
}

static void missing_or_bad_fields_are_errors(void **state)
{
	static const char *const bad[] = {
		"Name:\tx\nTgid:\t1\n",			/* no TracerPid */
		"TracerPid:\t0\n",			/* no Tgid */
		"Tgid:\t1\nTracerPid:\t0\nTHP_enabled:\t7\n",
		"Tgid:\t1\nTracerPid:\t0\nNSpid:\t\n",
		"",
	};
	struct proc_status st;
	unsigned int i;

	(void)state;
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		FILE *f = fmemopen((void *)bad[i], strlen(bad[i]) + 1, "r");

		assert_int_equal(proc_status_parse(f, &st), -EINVAL);
		fclose(f);
	}
}

static void live_self(void **state)
{
	struct proc_status st;

	(void)state;
	assert_int_equal(proc_status_read(getpid(), &st), 0);
	assert_int_equal(st.tgid, getpid());
	assert_int_equal(st.nspid, getpid());
	assert_int_equal(st.thp_enabled, !prctl(PR_GET_THP_DISABLE, 0, 0, 0, 0));
}

#define BIT(sig)	(1ull << ((sig) - 1))

/*
 * The stop signal an injection takes first: never a blocked one (the
 * task would run on and the wait for its stop never end); SIGSTOP cannot
 * be blocked.  The signal masks of a live task with SIGTSTP blocked and
 * pending, as /proc/PID/status gives them.
 */
static void stop_signal_choice(void **state)
{
	struct proc_status st;
	sigset_t set, old;

	(void)state;
	assert_int_equal(inject_stop_pending(0, 0, 0), 0);
	assert_int_equal(inject_stop_pending(BIT(SIGALRM) | BIT(SIGCHLD),
					     BIT(SIGHUP), 0), 0);
	assert_int_equal(inject_stop_pending(BIT(SIGTSTP), 0, 0), SIGTSTP);
	assert_int_equal(inject_stop_pending(0, BIT(SIGTSTP), BIT(SIGTSTP)),
			 0);
	assert_int_equal(inject_stop_pending(BIT(SIGTTOU), BIT(SIGTSTP),
					     BIT(SIGTSTP)), SIGTTOU);
	assert_int_equal(inject_stop_pending(0, BIT(SIGSTOP) | BIT(SIGTSTP),
					     ~0ull), SIGSTOP);
	assert_int_equal(inject_stop_pending(BIT(SIGALRM), BIT(SIGSTOP), 0),
			 SIGSTOP);

	sigemptyset(&set);
	sigaddset(&set, SIGTSTP);
	sigprocmask(SIG_BLOCK, &set, &old);
	raise(SIGTSTP);
	assert_int_equal(proc_status_read(getpid(), &st), 0);
	assert_true(st.sigblk & BIT(SIGTSTP));
	assert_true((st.sigpnd | st.shdpnd) & BIT(SIGTSTP));
	assert_int_equal(inject_stop_pending(st.sigpnd, st.shdpnd, st.sigblk),
			 0);
	signal(SIGTSTP, SIG_IGN);	/* dropped as it is unblocked */
	sigprocmask(SIG_SETMASK, &old, NULL);
	signal(SIGTSTP, SIG_DFL);
}

/* A child that sets PR_SET_THP_DISABLE shows THP_enabled: 0. */
static void live_child_with_thp_disabled(void **state)
{
	struct proc_status st;
	int p[2], status;
	pid_t pid;
	char c;

	(void)state;
	assert_int_equal(pipe(p), 0);
	pid = fork();
	assert_true(pid >= 0);
	if (!pid) {
		close(p[0]);
		prctl(PR_SET_THP_DISABLE, 1, 0, 0, 0);
		if (write(p[1], "x", 1) != 1)
			_exit(1);
		pause();
		_exit(0);
	}
	close(p[1]);
	assert_int_equal(read(p[0], &c, 1), 1);
	assert_int_equal(proc_status_read(pid, &st), 0);
	kill(pid, SIGKILL);
	waitpid(pid, &status, 0);
	close(p[0]);
	assert_int_equal(st.tgid, pid);
	assert_int_equal(st.thp_enabled, 0);
}

static void vanished_task(void **state)
{
	struct proc_status st;
	int status;
	pid_t pid;

	(void)state;
	pid = fork();
	if (!pid)
		_exit(0);
	waitpid(pid, &status, 0);
	assert_int_equal(proc_status_read(pid, &st), -ENOENT);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(nested_pid_namespaces),
		cmocka_unit_test(old_kernel_without_nspid_and_thp),
		cmocka_unit_test(missing_or_bad_fields_are_errors),
		cmocka_unit_test(live_self),
		cmocka_unit_test(live_child_with_thp_disabled),
		cmocka_unit_test(vanished_task),
		cmocka_unit_test(stop_signal_choice),
	};

	return cmocka_run_group_tests_name("proc_status", tests, NULL, NULL);
}
