/* SPDX-License-Identifier: GPL-2.0 */
/*
 * A thread that keeps reading the test's regions, one 2 MiB chunk at a
 * time, checking every word against the pattern: after a lazy restore it
 * touches memory that has not arrived yet, in a known order, the way the
 * restored program would.  The first wrong word is reported at once with
 * fail() (and kept); then the thread stops reading.
 */
#ifndef THP_READER_H
#define THP_READER_H

#include <pthread.h>
#include <signal.h>
#include <time.h>
#include <unistd.h>

#include "thp_regions.h"

struct thp_reader {
	struct thp_region *regions;
	size_t n;
	int backwards;			/* last chunk first */
	unsigned int pause_us;		/* between chunks */
	int via_kernel;			/* each chunk also read by pwrite() */
	int sink;			/* ... to this memfd */
	volatile int stop;
	volatile unsigned long chunks;	/* chunks checked */
	void *volatile bad;		/* the first wrong word */
	pthread_t thread;
};

static inline void thp_pause_us(unsigned int us)
{
	struct timespec ts = { us / 1000000, (us % 1000000) * 1000L };

	if (us)
		nanosleep(&ts, NULL);
}

static inline int thp_reader_chunk(struct thp_reader *r,
				   struct thp_region *g, size_t c)
{
	uint8_t *a = (uint8_t *)g->addr + c * THP_CHUNK;
	void *bad;

	/*
	 * Through a system call first: the kernel reads the chunk, and a
	 * page not yet in faults in kernel mode, not in the program.
	 */
	if (r->via_kernel && pwrite(r->sink, a, THP_CHUNK, 0) != THP_CHUNK) {
		fail("reader: region %s: pwrite: %m", g->name);
		r->bad = a;
		return -1;
	}
	bad = thp_check(a, THP_CHUNK, g->seed);

	if (bad) {
		r->bad = bad;
		fail("reader: region %s: wrong data at %p", g->name, bad);
		return -1;
	}
	r->chunks++;
	thp_pause_us(r->pause_us);
	return 0;
}

static inline void *thp_reader_main(void *arg)
{
	struct thp_reader *r = arg;
	size_t i, c, k;

	while (!r->stop) {
		for (i = 0; i < r->n && !r->stop; i++) {
			struct thp_region *g = &r->regions[r->backwards ?
							   r->n - 1 - i : i];

			for (c = 0; c < g->chunks && !r->stop; c++) {
				k = r->backwards ? g->chunks - 1 - c : c;
				if (thp_reader_chunk(r, g, k))
					return NULL;
			}
		}
	}
	return NULL;
}

/* Start the thread with SIGTERM blocked: it is the main thread's. */
static inline int thp_reader_start(struct thp_reader *r)
{
	sigset_t set, old;
	int ret;

	if (r->via_kernel) {
		r->sink = memfd_create("thp_reader", MFD_CLOEXEC);
		if (r->sink < 0) {
			pr_perror("memfd_create");
			return -1;
		}
	}
	sigemptyset(&set);
	sigaddset(&set, SIGTERM);
	pthread_sigmask(SIG_BLOCK, &set, &old);
	ret = pthread_create(&r->thread, NULL, thp_reader_main, r);
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	if (ret)
		pr_err("pthread_create: %s\n", strerror(ret));
	return ret ? -1 : 0;
}

/* Stop the thread; -1 if it ever read a wrong word. */
static inline int thp_reader_stop(struct thp_reader *r)
{
	r->stop = 1;
	pthread_join(r->thread, NULL);
	test_msg("reader: %lu chunks checked\n", r->chunks);
	return r->bad ? -1 : 0;
}

/*
 * The whole of a test of one region and its reader: set both up, wait
 * for the C/R, then check the reader and the region.  main() returns it.
 */
static inline int thp_reader_test(int argc, char **argv, struct thp_reader *r)
{
	enum thp_expect_mode m;
	int ret;

	test_init(argc, argv);
	m = thp_expect_mode();
	if (region_setup(r->regions) || thp_reader_start(r))
		return 1;

	test_daemon();
	test_waitsig();

	ret = thp_reader_stop(r);
	ret |= region_check(r->regions, m, "after C/R");
	if (!ret)
		pass();
	return ret ? 1 : 0;
}

#endif /* THP_READER_H */
