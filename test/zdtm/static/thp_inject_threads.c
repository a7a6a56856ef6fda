// SPDX-License-Identifier: GPL-2.0
/*
 * thp_inject_threads: a second thread that keeps running the first bytes
 * of the program's first executable mapping (_init, at the start of the
 * text segment) - exactly where a syscall is injected, the injection
 * writing "syscall; int3" there for a moment.  Restored without
 * CAP_SYS_NICE (restricted.sh), the monitor collapses the hg region by
 * injecting madvise(): a thread left running there would run into the
 * int3 and kill the task with SIGTRAP.  The injections must hold every
 * thread still; the task must live on, its region huge again.
 */
#include <pthread.h>
#include <signal.h>

#include "thp_regions.h"

const char *test_doc = "no thread runs into an injection's instructions";
const char *test_author = "criu-thp";

/* The start of the text segment (crti.o), as gcc lays out a program. */
extern void _init(void);

static struct thp_region region = {
	.name = "hg", .chunks = 8, .setup = SETUP_HG, .adv = ADV_HG,
	.seed = 0x696e6a74,
};

static volatile int stop;
static volatile unsigned long calls;

static void *runner(void *arg)
{
	(void)arg;
	while (!stop) {
		_init();
		calls++;
	}
	return NULL;
}

int main(int argc, char **argv)
{
	enum thp_expect_mode m;
	sigset_t set, old;
	pthread_t t;
	int ret;

	test_init(argc, argv);
	m = thp_expect_mode();
	if (region_setup(&region))
		return 1;
	/* SIGTERM is the main thread's (test_waitsig()) */
	sigemptyset(&set);
	sigaddset(&set, SIGTERM);
	pthread_sigmask(SIG_BLOCK, &set, &old);
	ret = pthread_create(&t, NULL, runner, NULL);
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	if (ret) {
		pr_err("pthread_create: %s\n", strerror(ret));
		return 1;
	}
	test_daemon();
	test_waitsig();
	stop = 1;
	pthread_join(t, NULL);
	test_msg("_init run %lu times\n", calls);
	ret = region_check(&region, m, "after C/R");
	if (!ret)
		pass();
	return ret ? 1 : 0;
}
