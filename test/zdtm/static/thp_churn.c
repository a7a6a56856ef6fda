// SPDX-License-Identifier: GPL-2.0
/*
 * thp_churn: a process that keeps changing while the monitor works on it
 * after a lazy restore.  A thread maps 8 MiB of hg memory, fills it,
 * checks it and unmaps it, without pause; another forks a child every
 * 100 ms that lives 300 ms and then exits, or every other time execs
 * sleep(1) for 0.2 s.  A stable hg region of 8 chunks is checked after
 * C/R, and every round of the mapping thread checks its own memory.
 * Not run by the suite ("noauto"): restore_faults.sh restores it.
 */
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdint.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "zdtmtst.h"
#include "thp_mem.h"

const char *test_doc = "The monitor copes with a task that maps, unmaps, forks and execs";
const char *test_author = "criu-thp";

#define STABLE_LEN	(8 * THP_CHUNK)
#define CHURN_LEN	(4 * THP_CHUNK)

static atomic_int stop;
static atomic_ulong rounds, children;
static void *bad_at;

static void *churn_maps(void *arg)
{
	uint64_t seed;
	void *p;

	(void)arg;
	while (!atomic_load(&stop)) {
		seed = atomic_fetch_add(&rounds, 1);
		p = thp_map_aligned(CHURN_LEN);
		if (!p)
			continue;
		madvise(p, CHURN_LEN, MADV_HUGEPAGE);
		thp_fill(p, CHURN_LEN, seed);
		bad_at = bad_at ? bad_at : thp_check(p, CHURN_LEN, seed);
		munmap(p, CHURN_LEN);
	}
	return NULL;
}

static void child(unsigned long n)
{
	struct timespec ts = { 0, 300 * 1000 * 1000 };

	nanosleep(&ts, NULL);
	if (n & 1)
		execl("/bin/sleep", "sleep", "0.2", (char *)NULL);
	_exit(0);
}

static void *churn_tasks(void *arg)
{
	struct timespec ts = { 0, 100 * 1000 * 1000 };
	unsigned long n;
	pid_t pid;

	(void)arg;
	while (!atomic_load(&stop)) {
		n = atomic_fetch_add(&children, 1);
		pid = fork();
		if (!pid)
			child(n);
		nanosleep(&ts, NULL);
		while (waitpid(-1, NULL, WNOHANG) > 0)
			;
	}
	while (waitpid(-1, NULL, 0) > 0)
		;
	return NULL;
}

int main(int argc, char **argv)
{
	pthread_t maps, tasks;
	sigset_t all, old;
	uint8_t *stable;
	void *bad;

	test_init(argc, argv);
	stable = thp_map_guarded(STABLE_LEN, 0);
	if (!stable || madvise(stable, STABLE_LEN, MADV_HUGEPAGE)) {
		pr_err("cannot map the stable region\n");
		return 1;
	}
	thp_fill(stable, STABLE_LEN, 0x737462);
	/* SIGTERM must reach the main thread, in test_waitsig() */
	sigfillset(&all);
	pthread_sigmask(SIG_BLOCK, &all, &old);
	if (pthread_create(&maps, NULL, churn_maps, NULL) ||
	    pthread_create(&tasks, NULL, churn_tasks, NULL)) {
		pr_err("pthread_create failed\n");
		return 1;
	}
	pthread_sigmask(SIG_SETMASK, &old, NULL);

	test_daemon();
	test_waitsig();

	atomic_store(&stop, 1);
	pthread_join(maps, NULL);
	pthread_join(tasks, NULL);
	test_msg("%lu rounds of mapping, %lu children\n",
		 atomic_load(&rounds), atomic_load(&children));
	bad = thp_check(stable, STABLE_LEN, 0x737462);
	if (bad)
		fail("stable region: wrong data at %p", bad);
	else if (bad_at)
		fail("churned memory: wrong data at %p", bad_at);
	else
		pass();
	return bad || bad_at;
}
