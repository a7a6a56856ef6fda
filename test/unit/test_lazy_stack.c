// SPDX-License-Identifier: GPL-2.0
/*
 * A thread's stack pointer from /proc/PID/task/TID/syscall, and the
 * dump's check for a page-aligned one (criu then marks no page lazy):
 * fixed texts, then children sleeping as the zdtm tests do, with a stack
 * pointer on a page boundary and 64 bytes below one.
 */
#include <errno.h>
#include <signal.h>
#include <stdlib.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "unit.h"
#include "lazy_stack.h"
#include "proc_syscall.h"

/* test/zdtm/lib/suspend.c; its header's fail() would be cmocka's */
void test_sigsuspend(const sigset_t *mask);

static void syscall_texts(void **state)
{
	uint64_t sp = 0;

	(void)state;
	assert_int_equal(proc_syscall_sp_parse("-1 0x7ffd1000 0x401000\n", &sp), 0);
	assert_int_equal(sp, 0x7ffd1000);
	assert_int_equal(proc_syscall_sp_parse("34 0x7f16 0x1 0x1 0x7f0 0x0 0x64 0x7ffc1e82f000 "
					       "0x55fb7dab8106\n",
					       &sp), 0);
	assert_int_equal(sp, 0x7ffc1e82f000);
	assert_int_equal(proc_syscall_sp_parse("running\n", &sp), -EBUSY);
	assert_int_equal(proc_syscall_sp_parse("", &sp), -EINVAL);
	assert_int_equal(proc_syscall_sp_parse("34 0x1 0x2\n", &sp), -EINVAL);
	assert_int_equal(proc_syscall_sp_parse("-1 zz 0x1\n", &sp), -EINVAL);
	assert_int_equal(proc_syscall_sp_parse("-1 0x10 0x1 0x2\n", &sp), -EINVAL);
	assert_int_equal(proc_syscall_sp_parse("1 2 3 4 5 6 7 0x8 0x9 0xa\n", &sp),
			 -EINVAL);
}

#if defined(__x86_64__)
static void reap(pid_t pid)
{
	kill(pid, SIGKILL);
	waitpid(pid, NULL, 0);
}

/*
 * A child sleeping in rt_sigsuspend() as the zdtm tests do
 * (test/zdtm/lib/suspend.c): its stack pointer on a page boundary with
 * aligned, else 64 bytes below one.  Its pid once it sleeps.
 */
static pid_t child_at(int aligned)
{
	sigset_t none;
	struct timespec ts = { 0, 1000000 };
	char path[64], text[256];
	pid_t pid = fork();
	FILE *f;
	int i;

	if (!pid) {
		setenv("ZDTM_STACK_ALIGNED", aligned ? "1" : "0", 1);
		sigemptyset(&none);
		for (;;)
			test_sigsuspend(&none);
	}
	assert_true(pid > 0);
	snprintf(path, sizeof(path), "/proc/%d/syscall", pid);
	for (i = 0; i < 5000; i++) {
		f = fopen(path, "r");
		assert_non_null(f);
		text[0] = '\0';
		if (!fgets(text, sizeof(text), f))
			text[0] = '\0';
		fclose(f);
		if (!strncmp(text, "130 ", 4))	/* in rt_sigsuspend() */
			return pid;
		nanosleep(&ts, NULL);
	}
	reap(pid);
	fail_msg("child %d never slept in rt_sigsuspend(): %s", pid, text);
	return -1;
}

/* The child reaped before any assertion: a failure leaves no sleeper. */
static void page_aligned_stack_found(void **state)
{
	pid_t pid = child_at(1), tid = 0;
	uint64_t sp = 1;
	int ret;

	(void)state;
	ret = lazy_stack_aligned(pid, &tid, &sp);
	reap(pid);
	assert_int_equal(ret, 1);
	assert_int_equal(tid, pid);
	assert_int_equal(sp % 4096, 0);
}

static void stack_below_a_boundary_is_fine(void **state)
{
	pid_t pid = child_at(0), tid = 0;
	uint64_t sp = 0, own = 0;
	int read_ret, ret;

	(void)state;
	read_ret = proc_syscall_sp(pid, pid, &own);
	ret = lazy_stack_aligned(pid, &tid, &sp);
	reap(pid);
	assert_int_equal(read_ret, 0);
	assert_int_equal(own % 4096, 4096 - 64);
	assert_int_equal(ret, 0);
}
#endif

static void gone_task(void **state)
{
	pid_t pid = fork(), tid;
	uint64_t sp;

	(void)state;
	if (!pid)
		_exit(0);
	waitpid(pid, NULL, 0);
	assert_int_equal(lazy_stack_aligned(pid, &tid, &sp), -ENOENT);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(syscall_texts),
#if defined(__x86_64__)
		cmocka_unit_test(page_aligned_stack_found),
		cmocka_unit_test(stack_below_a_boundary_is_fine),
#endif
		cmocka_unit_test(gone_task),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
