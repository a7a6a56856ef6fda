// SPDX-License-Identifier: GPL-2.0
/*
 * Applying a task's THP differences (see thp_fix.h).
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <sys/uio.h>
#include <unistd.h>

#include "inject.h"
#include "madv_probe.h"
#include "proc_mem.h"
#include "proc_pagemap.h"
#include "thp_advice.h"
#include "thp_coverage.h"
#include "thp_fault.h"
#include "thp_fix.h"
#include "thp_image.h"
#include "thp_folios.h"
#include "thp_log.h"
#include "thp_prctl.h"
#include "thp_split.h"

struct fix_ctx {
	struct thp_fix *f;
	struct inject inj;
	int injecting;
	int prctl;			/* its PR_GET_THP_DISABLE now */
	struct addr_set plain;		/* collapse as they are */
	struct addr_set lift;		/* collapse with the flag lifted */
	void *buf;			/* one chunk, for pulling */
};

/* The task's injection, opened on first use. */
static int injector(struct fix_ctx *c)
{
	int err;

	if (c->injecting)
		return 0;
	err = inject_open(c->f->pid, &c->inj);
	if (!err)
		c->injecting = 1;
	return err;
}

/* The system call's return value (>= 0), or a negative errno. */
static long inject_ret(struct fix_ctx *c, int nr, unsigned long a1,
		       unsigned long a2, unsigned long a3)
{
	long ret;
	int err;

	err = injector(c);
	if (err)
		return err;
	err = inject_syscall(&c->inj, nr, &ret, a1, a2, a3, 0);
	return err ? -ESRCH : ret;
}

static int inject(struct fix_ctx *c, int nr, unsigned long a1,
		  unsigned long a2, unsigned long a3)
{
	long ret = inject_ret(c, nr, a1, a2, a3);

	return ret < 0 ? (int)ret : 0;
}

/*
 * The state the kernel can give when it has no except-advised state
 * (before 6.18: EINVAL): enabled - the task's hg VMAs keep their huge
 * pages, as at the source, which "disabled" would take from them.
 */
static int set_prctl(struct fix_ctx *c, int mode)
{
	static int said;
	int ret;

	if (c->prctl == mode)
		return 0;
	if (mode == THP_PRCTL_EXCEPT_ADVISED &&
	    thp_fault(THP_FAULT_NO_EXCEPT_ADVISED))
		ret = -EINVAL;
	else
		ret = inject(c, __NR_prctl, PR_SET_THP_DISABLE,
			     thp_prctl_arg(mode), thp_prctl_flags(mode));
	if (ret == -EINVAL && mode == THP_PRCTL_EXCEPT_ADVISED) {
		if (!said++)
			pr_warn("this kernel has no PR_THP_DISABLE_EXCEPT_ADVISED (Linux 6.18): "
				"tasks dumped in that state get THP enabled instead, the nearest "
				"(their hg VMAs keep their huge pages); they count as not exact\n");
		pr_info("task %d: THP enabled, not except-advised\n",
			c->f->pid);
		return set_prctl(c, THP_PRCTL_ENABLED);
	}
	if (ret) {
		pr_err("task %d: prctl(PR_SET_THP_DISABLE) to %s failed: %s\n",
		       c->f->pid, thp_prctl_name(mode), strerror(-ret));
		return ret;
	}
	c->prctl = mode;
	return 0;
}

static int set_advice(struct fix_ctx *c, uint64_t start, uint64_t end,
		      int advice)
{
	int ret = inject(c, __NR_madvise, start, end - start,
			 thp_advice_madv(advice));

	if (ret && ret != -ESRCH)
		pr_err("task %d: madvise(%" PRIx64 "-%" PRIx64 ", %s) failed: %s\n",
		       c->f->pid, start, end, thp_advice_name(advice),
		       strerror(-ret));
	return ret;
}

static int fix_advice(struct fix_ctx *c)
{
	const struct thp_diffs *d = c->f->diffs;
	size_t i;
	int ret;

	for (i = 0; i < d->n; i++) {
		const struct thp_diff *x = &d->v[i];

		if (x->kind != THP_DIFF_ADVICE)
			continue;
		if (x->want == THP_ADVICE__NONE && !c->f->clr) {
			c->f->advice_left++;
			continue;
		}
		ret = set_advice(c, x->start, x->end, x->want);
		if (ret == -ESRCH)
			return ret;
		if (!ret)
			c->f->advice_set++;
	}
	return 0;
}

/*
 * MADV_COLLAPSE refuses (EINVAL, SCAN_PAGE_RO) a chunk none of whose
 * PTEs is writable - and criu's restore forks children from their parent
 * after filling it, which leaves the parent's private pages write-
 * protected for copy-on-write.  Writing one word back through
 * /proc/PID/mem takes the write fault the task would take: the page is
 * the task's alone by now, so the kernel reuses it and maps it writable.
 * Only while the task is stopped: it cannot race with its own writes;
 * only private anonymous memory needs it, and only it may be written.
 */
static int make_writable(int mem_fd, uint64_t addr)
{
	uint64_t word;

	if (pread(mem_fd, &word, sizeof(word), addr) != sizeof(word) ||
	    pwrite(mem_fd, &word, sizeof(word), addr) != sizeof(word))
		return -errno;
	return 0;
}

/* The chunk can only be collapsed while the task is stopped. */
static int needs_stop(const struct fix_ctx *c, const struct thp_diff *x)
{
	return x->vma->advice == THP_ADVICE__NOHUGE ||
	       thp_prctl_of(c->f->want) == THP_PRCTL_DISABLED;
}

/*
 * A chunk whose pages can be had now: shmem and file ones are in the page
 * cache (or read into it), and a guarded lazy-pages daemon sends a chunk
 * that cannot wait for the monitor.
 */
static int pullable(const struct fix_ctx *c, const struct thp_diff *x)
{
	if (x->vma->kind == THP_VMA_KIND__SHMEM ||
	    x->vma->kind == THP_VMA_KIND__FILE)
		return 1;
	return c->f->pull && needs_stop(c, x);
}

/*
 * Fault a chunk in: process_vm_readv() does it the way the task would (a
 * fault on a lazy page waits for the daemon; /proc/PID/mem would not).
 * 1 when the pages are all in after, 0 if not.
 */
static int pull(struct fix_ctx *c, int pagemap_fd, uint64_t addr)
{
	struct iovec local, remote = {
		.iov_base = (void *)(uintptr_t)addr, .iov_len = THP_CHUNK_SIZE,
	};

	if (!c->buf) {
		c->buf = malloc(THP_CHUNK_SIZE);
		if (!c->buf)
			return -ENOMEM;
	}
	local.iov_base = c->buf;
	local.iov_len = THP_CHUNK_SIZE;
	if (process_vm_readv(c->f->pid, &local, 1, &remote, 1, 0) !=
	    (ssize_t)THP_CHUNK_SIZE) {
		pr_warn("task %d: chunk %" PRIx64 " cannot be pulled: %s\n",
			c->f->pid, addr, strerror(errno));
		return 0;
	}
	c->f->pulled++;
	return proc_pagemap_range_present(pagemap_fd, addr, THP_CHUNK_SIZE);
}

/* Sort the missing chunks: pending, under a lift, or as they are. */
static int sort_missing(struct fix_ctx *c, int pagemap_fd, int mem_fd)
{
	const struct thp_diffs *d = c->f->diffs;
	size_t i;
	int ret;

	for (i = 0; i < d->n; i++) {
		const struct thp_diff *x = &d->v[i];

		if (x->kind != THP_DIFF_MISSING)
			continue;
		if (c->f->no_collapse) {
			c->f->refused++;
			continue;
		}
		ret = proc_pagemap_range_present(pagemap_fd, x->start,
						 THP_CHUNK_SIZE);
		if (!ret && pullable(c, x))
			ret = pull(c, pagemap_fd, x->start);
		if (!ret && !c->f->lazy && x->vma->kind != THP_VMA_KIND__SHMEM)
			ret = 1;	/* holes in the image (thp_fix.h) */
		if (ret < 0)
			return ret;
		if (!ret) {
			c->f->pending++;
			continue;
		}
		if (x->vma->kind == THP_VMA_KIND__FILE &&
		    proc_pagemap_range_huge(pagemap_fd, x->start,
					    THP_CHUNK_SIZE) == 1) {
			c->f->faulted_huge++;	/* the page cache's own */
			continue;
		}
		/* anonymous memory only: in a file or shmem chunk a write
		 * would put a COW page in a private mapping (which a collapse
		 * then refuses) or race the file's writers in a shared one
		 */
		ret = x->vma->kind == THP_VMA_KIND__PRIVATE_ANON ?
			make_writable(mem_fd, x->start) : 0;
		if (ret)
			pr_warn("task %d: chunk %" PRIx64 " cannot be made writable: %s\n",
				c->f->pid, x->start, strerror(-ret));
		if (x->vma->advice == THP_ADVICE__NOHUGE) {
			ret = addr_set_add(&c->lift, x->start);
		} else if (thp_prctl_of(c->f->want) == THP_PRCTL_DISABLED ||
			   c->f->sync) {
			ret = addr_set_add(&c->plain, x->start);
		} else {
			c->f->handed++;
			ret = 0;
		}
		if (ret)
			return ret;
	}
	return 0;
}

/* Set advice over each chunk to be collapsed under a lifted nh flag. */
static int advise_lifted(struct fix_ctx *c, int advice)
{
	size_t i;
	int ret;

	for (i = 0; i < c->lift.n; i++) {
		ret = set_advice(c, c->lift.v[i], c->lift.v[i] + THP_CHUNK_SIZE,
				 advice);
		if (ret)
			return ret;
	}
	return 0;
}

/*
 * MADV_HUGEPAGE registers the mm with khugepaged - unless THP is disabled
 * for it (hugepage_vma_check() fails on MMF_DISABLE_THP), as it is in
 * every task forked by a criu that loaded us.  A registered mm is scanned
 * at once, and while the prctl is lifted below, khugepaged would collapse
 * any fully present chunk of an hg VMA, including those that were small
 * at the source (their pages arrived through userfaultfd, not shared
 * with a parent, so writable).  So the lifted flags are set first, with
 * THP disabled, and the mm is never put on khugepaged's list.
 */
static int lift(struct fix_ctx *c)
{
	int ret;

	if (!c->lift.n)
		return 0;
	ret = set_prctl(c, THP_PRCTL_DISABLED);
	if (ret)
		return ret;
	return advise_lifted(c, THP_ADVICE__HUGE);
}

/*
 * Chunks huge now that were small at dump.  CRIU 3.19 and later set the
 * dumped PR_SET_THP_DISABLE state in the restorer, before it reads a
 * plain restore's pages into the VMAs no child shares (preadv) and before
 * it replays the advice: with THP enabled for the task and "always" in
 * sysfs, each 2 MiB chunk it fills becomes a huge page, nh or not.  And
 * khugepaged may collapse chunks of a task whose THP is enabled (for a
 * moment, while thp_fix_task() lifts its prctl): a task criu forks is on
 * khugepaged's list from birth when criu was (khugepaged_fork()), and in
 * "always" mode criu is, once it has faulted memory before our init.
 */
static int add_folio(uint64_t addr, unsigned int order, void *arg)
{
	(void)order;
	return addr_set_add(arg, addr);
}

/* The first page of each large folio over [start, end), into set. */
static int folio_starts(pid_t pid, uint64_t start, uint64_t end,
			struct addr_set *set)
{
	struct folio_census fc = { };
	int pm, kpf, ret;

	pm = proc_pagemap_open(pid);
	if (pm < 0)
		return pm;
	kpf = proc_pagemap_kpf_open();
	ret = kpf < 0 ? kpf :
	      thp_folios_census_range(pm, kpf, start, end, &fc, add_folio, set);
	if (kpf >= 0)
		close(kpf);
	close(pm);
	return ret;
}

/*
 * MADV_COLD over a large folio's first page splits it, as a PMD-mapped
 * THP's (thp_split.h): the chunks huge that were small, and every large
 * folio where the advice or prctl forbids any.
 */
int thp_fix_split(struct thp_fix *f, const struct thp_diffs *d)
{
	struct addr_set extra = { };
	size_t i;
	int ret = 0;

	for (i = 0; !ret && i < d->n; i++)
		if (d->v[i].kind == THP_DIFF_EXTRA)
			ret = addr_set_add(&extra, d->v[i].start);
		else if (d->v[i].kind == THP_DIFF_FOLIOS)
			ret = folio_starts(f->pid, d->v[i].start, d->v[i].end,
					   &extra);
	if (!ret && extra.n)
		ret = thp_split_chunks(&f->col, extra.v, extra.n);
	if (!ret)
		f->split += extra.n;
	else if (ret != -ESRCH)
		pr_warn("task %d: %zu chunks huge that were small cannot be split: %s\n",
			f->pid, extra.n, strerror(-ret));
	addr_set_free(&extra);
	return ret == -ESRCH ? ret : 0;
}

/* Collapse under a lifted prctl, then put the nh flags back. */
static int fix_coverage(struct fix_ctx *c)
{
	int ret = 0;

	if (!c->plain.n && !c->lift.n)
		return 0;
	if (c->f->col.local) {
		ret = injector(c);
		if (ret)
			return ret;
		c->f->col.inj = &c->inj;
	}
	ret = set_prctl(c, THP_PRCTL_ENABLED);
	if (ret)
		return ret;
	if (thp_fault_fail(THP_FAULT_FIX_FAIL))
		return -EIO;
	ret = thp_collapse_chunks(&c->f->col, c->plain.v, c->plain.n);
	if (ret)
		return ret;
	ret = thp_collapse_chunks(&c->f->col, c->lift.v, c->lift.n);
	if (ret)
		return ret;
	ret = advise_lifted(c, THP_ADVICE__NOHUGE);
	if (ret)
		return ret;
	c->f->lifted = c->lift.n;
	return 0;
}

static int fix(struct fix_ctx *c)
{
	int fd, mem, ret, err;

	fd = proc_pagemap_open(c->f->pid);
	if (fd < 0)
		return fd;
	mem = proc_mem_open(c->f->pid, O_RDWR);
	if (mem < 0) {
		close(fd);
		return mem;
	}
	ret = sort_missing(c, fd, mem);
	close(mem);
	close(fd);
	if (ret)
		return ret;
	ret = lift(c);
	if (ret)
		goto out_prctl;
	if (thp_prctl_of(c->f->want) != THP_PRCTL_DISABLED) {
		ret = set_prctl(c, THP_PRCTL_ENABLED);
		if (ret)
			goto out_prctl;
	}
	ret = fix_advice(c);
	if (ret)
		goto out_prctl;
	ret = fix_coverage(c);
out_prctl:
	/* whatever failed above, the task ends with its own prctl state */
	err = set_prctl(c, thp_prctl_of(c->f->want));
	if (!ret)
		ret = err;
	c->f->prctl_set = c->prctl != thp_prctl_of(c->f->have);
	/* read back: /proc cannot tell except-advised from enabled */
	c->f->prctl_now = inject_ret(c, __NR_prctl, PR_GET_THP_DISABLE, 0, 0);
	return ret;
}

int thp_fix_task(struct thp_fix *f)
{
	struct fix_ctx c = { .f = f, .prctl = thp_prctl_of(f->have) };
	int ret;

	f->advice_set = f->advice_left = 0;
	f->lifted = f->pending = f->handed = f->pulled = f->split = 0;
	f->faulted_huge = f->refused = 0;
	f->prctl_set = 0;
	f->prctl_now = -1;
	ret = thp_collapse_open(&f->col, f->pid);
	f->col.traced = 1;	/* criu holds it stopped */
	if (ret)
		goto out;
	ret = fix(&c);
out:
	f->col.inj = NULL;
	if (c.injecting)
		inject_close(&c.inj);
	addr_set_free(&c.plain);
	addr_set_free(&c.lift);
	free(c.buf);
	return ret;
}

int thp_fix_prctl(pid_t pid, int mode)
{
	long r;
	int ret;

	ret = inject_one(pid, __NR_prctl, &r, PR_SET_THP_DISABLE,
			 thp_prctl_arg(mode), thp_prctl_flags(mode), 0);
	if (ret)
		return ret;
	return r < 0 ? (int)r : 0;
}

void thp_fix_done(struct thp_fix *f)
{
	thp_collapse_close(&f->col);
}
