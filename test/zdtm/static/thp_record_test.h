/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The body of the zdtm tests thp_record and thp_record_shmem: the shapes
 * of thp_shapes.h in a process with a second thread and a forked child
 * that shares them copy-on-write.  Each process prints, as "RECORD ..."
 * lines, what the plugin's record of it must say; the runner compares them
 * with `criu-thp show --json` after the dump.  After restore both
 * processes check every word of their memory.
 */
#ifndef THP_RECORD_TEST_H
#define THP_RECORD_TEST_H

#include <fcntl.h>
#include <inttypes.h>
#include <pthread.h>
#include <signal.h>
#include <stdlib.h>
#include <sys/ioctl.h>
#include <sys/prctl.h>
#include <sys/wait.h>

#include "zdtmtst.h"
#include "thp_shapes.h"

static struct thp_shapes shapes;

/* PAGEMAP_SCAN (Linux 6.7): _IOWR('f', 16, 96-byte struct pm_scan_arg) */
#define PAGEMAP_SCAN_IOCTL	_IOWR('f', 16, uint64_t[12])

/* Without it the recorder cannot tell PMD- from PTE-mapped in one VMA. */
static int kernel_has_pagemap_scan(void)
{
	uint64_t arg[12] = { sizeof(arg) };
	int fd, ret;

	fd = open("/proc/self/pagemap", O_RDONLY);
	if (fd < 0)
		return 0;
	ret = ioctl(fd, PAGEMAP_SCAN_IOCTL, arg);
	close(fd);
	return !(ret < 0 && errno == ENOTTY);
}

static void runs(char *buf, size_t len, uint64_t first, uint64_t mask)
{
	size_t n = 0;
	int i, j;

	buf[0] = '\0';
	for (i = 0; i < 64; i = j) {
		if (!(mask & (1ull << i))) {
			j = i + 1;
			continue;
		}
		for (j = i; j < 64 && (mask & (1ull << j)); j++)
			;
		n += snprintf(buf + n, len - n, "%s0x%" PRIx64 "+%d",
			      n ? "," : "", first + i * THP_CHUNK, j - i);
	}
	if (!n)
		snprintf(buf, len, "-");
}

/*
 * What the record of this process must say, as thp_record.jq prints it.
 * A forked child has no page tables for the shared mapping.
 */
static void print_expected(int scan, int child)
{
	static const char *const adv[] = { "none", "hg", "nh" };
	char pmd[256], pte[256], unres[256];
	pid_t id = getpid();
	int i;

	test_msg("RECORD %d prctl disabled\n", id);
	test_msg("RECORD %d source %s\n", id, scan ? "pagemap_scan" :
						     "kpageflags");
	for (i = 0; i < shapes.nr; i++) {
		const struct thp_expect *e = &shapes.vma[i];
		uint64_t first = thp_first_chunk(e->start);
		int mixed = !scan && e->pmd && e->pte;
		int none = child && e->shared;

		runs(pmd, sizeof(pmd), first, mixed || none ? 0 : e->pmd);
		runs(pte, sizeof(pte), first, mixed || none ? 0 : e->pte);
		runs(unres, sizeof(unres), first, mixed ? e->pmd | e->pte : 0);
		test_msg("RECORD %d 0x%" PRIx64 " 0x%" PRIx64
			 " %s %s pmd=%s pte=%s unresolved=%s\n",
			 id, e->start, e->end, e->shared ? "shmem" : "anon",
			 adv[e->advice], pmd, pte, unres);
	}
}

static int check_memory(const char *who)
{
	void *bad = shapes_check(&shapes);

	if (bad)
		fail("%s: wrong data at %p", who, bad);
	return bad ? 1 : 0;
}

/*
 * The second thread blocks every signal: a SIGTERM for the process must
 * reach the main thread, which waits for it in sigsuspend().
 */
static void *sleeper(void *arg)
{
	sigset_t all;

	(void)arg;
	sigfillset(&all);
	pthread_sigmask(SIG_BLOCK, &all, NULL);
	for (;;)
		pause();
	return NULL;
}

static int start_thread(void)
{
	sigset_t all, old;
	pthread_t th;
	int ret;

	/* blocked from its first instruction on, not only once it runs */
	sigfillset(&all);
	pthread_sigmask(SIG_BLOCK, &all, &old);
	ret = pthread_create(&th, NULL, sleeper, NULL);
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	return ret;
}

static pid_t start_child(int scan)
{
	pid_t pid = fork();

	if (pid)
		return pid;
	print_expected(scan, 1);
	test_waitsig();
	_exit(check_memory("child"));
}

static int thp_record_main(int argc, char **argv, int with_shmem)
{
	int scan, status, ret;
	pid_t child;

	test_init(argc, argv);
	if (shapes_make(&shapes, with_shmem) || shapes_verify(&shapes)) {
		pr_err("cannot build the shapes: %s\n", shapes.err);
		return 1;
	}
	/* keep khugepaged from collapsing the split PMDs again */
	if (prctl(PR_SET_THP_DISABLE, 1, 0, 0, 0)) {
		pr_perror("PR_SET_THP_DISABLE");
		return 1;
	}
	if (start_thread()) {
		pr_err("pthread_create failed\n");
		return 1;
	}
	scan = kernel_has_pagemap_scan();
	child = start_child(scan);
	if (child < 0) {
		pr_perror("fork");
		return 1;
	}
	print_expected(scan, 0);

	test_daemon();
	test_waitsig();

	ret = check_memory("parent");
	if (kill(child, SIGTERM) || waitpid(child, &status, 0) != child) {
		fail("child %d lost", child);
		ret = 1;
	} else if (!WIFEXITED(status) || WEXITSTATUS(status)) {
		fail("child %d: status %#x", child, status);
		ret = 1;
	}
	if (!ret)
		pass();
	return ret;
}

#endif /* THP_RECORD_TEST_H */
