// SPDX-License-Identifier: GPL-2.0
/*
 * thp_madvise PID START LEN hg|nh
 *
 * Test tool: change the THP advice of a range in another, running task
 * from outside, by injecting madvise() with compel.  The test rig uses it
 * to prove that a test notices advice that is not what it set up.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/syscall.h>

#include <compel/log.h>

#include "inject.h"
#include "thp_log.h"

static void compel_log(unsigned int lvl, const char *fmt, va_list args)
{
	if (lvl <= THP_LOG_WARN)
		vfprintf(stderr, fmt, args);
}

static int poke(pid_t pid, unsigned long start, unsigned long len, int adv)
{
	struct inject_seized seized;
	long sret;
	int ret;

	ret = inject_seize(pid, &seized);
	if (ret)
		return ret;
	ret = inject_one(pid, __NR_madvise, &sret, start, len, adv, 0);
	if (inject_release(&seized) && !ret)
		ret = -EIO;
	if (!ret && sret) {
		fprintf(stderr, "madvise in task %d: %s\n", pid,
			strerror(-sret));
		ret = (int)sret;
	}
	return ret;
}

int main(int argc, char **argv)
{
	unsigned long start, len;
	int adv;

	if (argc != 5) {
		fprintf(stderr, "Usage: %s PID START LEN hg|nh\n", argv[0]);
		return 2;
	}
	start = strtoul(argv[2], NULL, 0);
	len = strtoul(argv[3], NULL, 0);
	if (!strcmp(argv[4], "hg"))
		adv = MADV_HUGEPAGE;
	else if (!strcmp(argv[4], "nh"))
		adv = MADV_NOHUGEPAGE;
	else
		return 2;

	compel_log_init(compel_log, THP_LOG_WARN);
	return poke(atoi(argv[1]), start, len, adv) ? 1 : 0;
}
