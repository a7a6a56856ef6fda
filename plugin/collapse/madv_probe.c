// SPDX-License-Identifier: GPL-2.0
/*
 * Probing the kernel's hugepage advice (see madv_probe.h).
 */
#include <errno.h>
#include <signal.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <sys/uio.h>
#include <sys/wait.h>
#include <unistd.h>

#include "sys_nr.h"
#include "madv.h"
#include "madv_probe.h"
#include "proc_smaps.h"
#include "pidfd.h"


#define SCRATCH	(4ul << 20)

struct flags_at {
	unsigned long addr;
	unsigned int vmflags;
	int found;
};

static int match(const struct smaps_vma *v, void *arg)
{
	struct flags_at *f = arg;

	if (v->start > f->addr || f->addr >= v->end)
		return 0;
	f->vmflags = v->vmflags;
	f->found = 1;
	return 1;
}

/* hg/nh of pid's VMA at addr (VMF_HG, VMF_NH or 0), or -1. */
static int advice_at(pid_t pid, void *addr)
{
	struct flags_at f = { .addr = (unsigned long)addr };

	if (proc_smaps_read(pid, match, &f) < 0 || !f.found)
		return -1;
	return f.vmflags & (VMF_HG | VMF_NH);
}

static int probe_clr(void *p)
{
	if (madvise(p, SCRATCH, MADV_NOHUGEPAGE))
		return -errno;
	if (madvise(p, SCRATCH, MADV_CLR_HUGEPAGE))
		return 0;
	return advice_at(getpid(), p) == 0;
}

/* A forked copy of the scratch mapping gets MADV_HUGEPAGE from us. */
static int probe_remote(void *p)
{
	int pidfd, ok = 0;
	pid_t child;

	child = fork();
	if (child < 0)
		return -errno;
	if (!child) {
		prctl(PR_SET_PDEATHSIG, SIGKILL);
		for (;;)
			pause();
	}
	pidfd = pidfd_of(child);
	if (pidfd >= 0) {
		ok = !madv_remote(pidfd, (unsigned long)p, SCRATCH,
				  MADV_HUGEPAGE) &&
		     advice_at(child, p) == VMF_HG;
		close(pidfd);
	}
	kill(child, SIGKILL);
	waitpid(child, NULL, 0);
	return ok;
}

int madv_probe(struct madv_caps *c, int remote)
{
	void *p;
	int ret;

	c->clr = c->remote = 0;
	p = mmap(NULL, SCRATCH, PROT_READ | PROT_WRITE,
		 MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (p == MAP_FAILED)
		return -errno;
	ret = probe_clr(p);
	if (ret >= 0) {
		c->clr = ret;
		ret = remote ? probe_remote(p) : 0;
	}
	if (ret >= 0) {
		c->remote = ret;
		ret = 0;
	}
	munmap(p, SCRATCH);
	return ret;
}
