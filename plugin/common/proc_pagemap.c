// SPDX-License-Identifier: GPL-2.0
/*
 * /proc/PID/pagemap and /proc/kpageflags.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include "proc_pagemap.h"

/* PAGEMAP_SCAN ABI (include/uapi/linux/fs.h, Linux 6.7) */
#define PAGE_IS_PRESENT		(1ull << 3)
#define PAGE_IS_PFNZERO		(1ull << 5)
#define PAGE_IS_HUGE		(1ull << 6)

struct thp_page_region {
	uint64_t start;
	uint64_t end;
	uint64_t categories;
};

struct thp_pm_scan_arg {
	uint64_t size;
	uint64_t flags;
	uint64_t start;
	uint64_t end;
	uint64_t walk_end;
	uint64_t vec;
	uint64_t vec_len;
	uint64_t max_pages;
	uint64_t category_inverted;
	uint64_t category_mask;
	uint64_t category_anyof_mask;
	uint64_t return_mask;
};

#define THP_PAGEMAP_SCAN	_IOWR('f', 16, struct thp_pm_scan_arg)

#define PAGE_SHIFT		12

static int pread_all(int fd, void *buf, size_t len, off_t off)
{
	char *p = buf;

	while (len) {
		ssize_t n = pread(fd, p, len, off);

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return -errno;
		if (n == 0)
			return -ERANGE;
		p += n;
		len -= n;
		off += n;
	}
	return 0;
}

int proc_pagemap_open(pid_t pid)
{
	char path[64];
	int fd;

	snprintf(path, sizeof(path), "/proc/%d/pagemap", pid);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	return fd < 0 ? -errno : fd;
}

int proc_pagemap_read(int fd, uint64_t addr, uint64_t *ent, size_t n)
{
	return pread_all(fd, ent, n * sizeof(*ent),
			 (addr >> PAGE_SHIFT) * sizeof(*ent));
}

int proc_pagemap_range_present(int fd, uint64_t addr, uint64_t len)
{
	uint64_t ent[512];
	uint64_t n = len / (1ull << PAGE_SHIFT);
	size_t i, k;
	int ret;

	while (n) {
		k = n < 512 ? n : 512;
		ret = proc_pagemap_read(fd, addr, ent, k);
		if (ret)
			return ret;
		for (i = 0; i < k; i++)
			if (!(ent[i] & (PM_PRESENT | PM_SWAP)))
				return 0;
		addr += k * (1ull << PAGE_SHIFT);
		n -= k;
	}
	return 1;
}

int proc_pagemap_kpf_open(void)
{
	int fd = open("/proc/kpageflags", O_RDONLY | O_CLOEXEC);

	return fd < 0 ? -errno : fd;
}

int proc_pagemap_kpf_read(int fd, uint64_t pfn, uint64_t *flags, size_t n)
{
	return pread_all(fd, flags, n * sizeof(*flags), pfn * sizeof(*flags));
}

#define SCAN_VEC	64

/*
 * The ranges of [start, end) whose pages have every category of mask in
 * the state want (a bit of want set: the category present, clear: absent).
 */
static int scan(int fd, uint64_t start, uint64_t end, uint64_t mask,
		uint64_t want, pagemap_range_cb cb, void *arg)
{
	struct thp_page_region vec[SCAN_VEC];
	struct thp_pm_scan_arg a;
	int i, n, ret;

	while (start < end) {
		a = (struct thp_pm_scan_arg) {
			.size = sizeof(a),
			.start = start,
			.end = end,
			.vec = (uintptr_t)vec,
			.vec_len = SCAN_VEC,
			.category_inverted = mask & ~want,
			.category_mask = mask,
			.return_mask = mask,
		};
		n = ioctl(fd, THP_PAGEMAP_SCAN, &a);
		if (n < 0)
			return -errno;	/* ENOTTY: kernel older than 6.7 */
		for (i = 0; i < n; i++) {
			ret = cb(vec[i].start, vec[i].end, arg);
			if (ret)
				return ret;
		}
		if (a.walk_end <= start)
			return -EIO;	/* no progress: never loop forever */
		start = a.walk_end;
	}
	return 0;
}

int proc_pagemap_scan_huge(int fd, uint64_t start, uint64_t end,
			   pagemap_range_cb cb, void *arg)
{
	return scan(fd, start, end, PAGE_IS_HUGE | PAGE_IS_PFNZERO,
		    PAGE_IS_HUGE, cb, arg);
}

static int add_len(uint64_t start, uint64_t end, void *arg)
{
	*(uint64_t *)arg += end - start;
	return 0;
}

int proc_pagemap_range_huge(int fd, uint64_t addr, uint64_t len)
{
	uint64_t huge = 0;
	int ret;

	ret = proc_pagemap_scan_huge(fd, addr, addr + len, add_len, &huge);
	return ret ? ret : huge == len;
}

int proc_pagemap_scan_present(int fd, uint64_t start, uint64_t end,
			      pagemap_range_cb cb, void *arg)
{
	return scan(fd, start, end, PAGE_IS_PRESENT, PAGE_IS_PRESENT, cb,
		    arg);
}
