// SPDX-License-Identifier: GPL-2.0
/*
 * Lazy restores on the host, without CRIU: the pages of CRIU's pagemap
 * image, and - with a real userfaultfd - the pages a task is still owed
 * and the guard's references.  A child registers a region for missing
 * pages and hands its userfaultfd to a stand-in daemon (a process named
 * "criu" holding the images directory), which sends half the pages; the
 * guard takes its own reference, sees the daemon let go or die, and keeps
 * the registration alive until it lets go itself.
 */
#include <errno.h>
#include <fcntl.h>
#include <linux/userfaultfd.h>
#include <signal.h>
#include <stdlib.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "unit.h"

#include "criu_image.h"
#include "criu_pagemap.h"
#include "criu_pagemap.pb-c.h"
#include "lazy_pages.h"
#include "uffd_guard.h"

#define PG	4096ul
#define NPAGES	64

/* ---- CRIU's pagemap image ------------------------------------------ */

static size_t put(uint8_t *buf, size_t off, const ProtobufCMessage *m)
{
	uint32_t n = protobuf_c_message_get_packed_size(m);

	memcpy(buf + off, &n, 4);
	protobuf_c_message_pack(m, buf + off + 4);
	return off + 4 + n;
}

/* CRIU 4.2 writes the count in field 5 and 0 in field 2 ("v42"). */
static size_t pagemap_image_as(uint8_t *buf, const uint64_t *vaddr,
			       const uint32_t *nr, const uint32_t *flags,
			       size_t n, int v42)
{
	uint32_t magic[2] = { CRIU_IMG_COMMON_MAGIC, CRIU_PAGEMAP_MAGIC };
	CriuPagemapHead h = CRIU_PAGEMAP_HEAD__INIT;
	CriuPagemapEntry e = CRIU_PAGEMAP_ENTRY__INIT;
	size_t off = sizeof(magic), i;

	memcpy(buf, magic, sizeof(magic));
	h.has_pages_id = 1;
	h.pages_id = 1;
	off = put(buf, off, &h.base);
	for (i = 0; i < n; i++) {
		e.has_vaddr = e.has_compat_nr_pages = e.has_flags = 1;
		e.vaddr = vaddr[i];
		e.compat_nr_pages = v42 ? 0 : nr[i];
		e.has_nr_pages = v42;
		e.nr_pages = nr[i];
		e.flags = flags[i];
		off = put(buf, off, &e.base);
	}
	return off;
}

/*
 * Every entry, whatever its flags, and errors for a cut file, another
 * image, and entries out of order, unaligned or empty - in CRIU 4.2's
 * form (v42: the page count in field 5, field 2 left 0) or the earlier.
 */
static void check_pagemap(int v42)
{
	uint64_t va[3] = { 0x10000, 0x12000, 0x40000 };
	uint32_t nr[3] = { 2, 3, 1 };
	uint32_t fl[3] = { CRIU_PE_PRESENT, CRIU_PE_LAZY | CRIU_PE_PRESENT,
			   CRIU_PE_PARENT };
	struct page_ranges r = { };
	uint8_t buf[256];
	size_t n;

	n = pagemap_image_as(buf, va, nr, fl, 3, v42);
	assert_int_equal(criu_pagemap_decode(buf, n, "pagemap-1.img", &r), 0);
	/* touching entries merged */
	assert_int_equal(r.n, 2);
	assert_int_equal(r.v[0].start, 0x10000);
	assert_int_equal(r.v[0].end, 0x15000);
	assert_int_equal(r.v[1].start, 0x40000);
	assert_int_equal(page_ranges_pages(&r), 6);
	page_ranges_free(&r);

	assert_int_equal(criu_pagemap_decode(buf, n - 1, "x", &r), -EBADMSG);
	assert_int_equal(criu_pagemap_decode(buf, 8, "x", &r), -EBADMSG);
	buf[4] ^= 1;
	assert_int_equal(criu_pagemap_decode(buf, n, "x", &r), -EBADMSG);
	va[1] = 0x8000;
	n = pagemap_image_as(buf, va, nr, fl, 3, v42);
	assert_int_equal(criu_pagemap_decode(buf, n, "x", &r), -EBADMSG);
	va[1] = 0x12001;
	n = pagemap_image_as(buf, va, nr, fl, 3, v42);
	assert_int_equal(criu_pagemap_decode(buf, n, "x", &r), -EBADMSG);
	va[1] = 0x12000;
	nr[2] = 0;
	n = pagemap_image_as(buf, va, nr, fl, 3, v42);
	assert_int_equal(criu_pagemap_decode(buf, n, "x", &r), -EBADMSG);
	assert_int_equal(r.n, 0);
}

static void pagemap_decode(void **state)
{
	(void)state;
	check_pagemap(0);
}

/* CRIU 4.2's entries: field 5 counts, field 2 is 0. */
static void pagemap_decode_42(void **state)
{
	(void)state;
	check_pagemap(1);
}

/* ---- a live userfaultfd --------------------------------------------- */

struct lazy_rig {
	char dir[64];
	pid_t task, daemon;
	uint8_t *region;	/* same address in the task (fork) */
	int cmd;		/* to the daemon: 'c' close the uffd */
};

static int send_fd(int sk, int fd)
{
	char c = 0, ctl[CMSG_SPACE(sizeof(int))] = { };
	struct iovec iov = { &c, 1 };
	struct msghdr m = {
		.msg_iov = &iov, .msg_iovlen = 1,
		.msg_control = ctl, .msg_controllen = sizeof(ctl),
	};
	struct cmsghdr *h = CMSG_FIRSTHDR(&m);

	h->cmsg_level = SOL_SOCKET;
	h->cmsg_type = SCM_RIGHTS;
	h->cmsg_len = CMSG_LEN(sizeof(int));
	memcpy(CMSG_DATA(h), &fd, sizeof(int));
	return sendmsg(sk, &m, 0) == 1 ? 0 : -1;
}

static int recv_fd(int sk)
{
	char c, ctl[CMSG_SPACE(sizeof(int))];
	struct iovec iov = { &c, 1 };
	struct msghdr m = {
		.msg_iov = &iov, .msg_iovlen = 1,
		.msg_control = ctl, .msg_controllen = sizeof(ctl),
	};
	int fd;

	if (recvmsg(sk, &m, 0) != 1 || !CMSG_FIRSTHDR(&m))
		return -1;
	memcpy(&fd, CMSG_DATA(CMSG_FIRSTHDR(&m)), sizeof(int));
	return fd;
}

/* The task: register the region, hand the uffd over, wait. */
static void task_main(uint8_t *region, int sk)
{
	struct uffdio_api api = { .api = UFFD_API };
	struct uffdio_register reg = {
		.range = { (uintptr_t)region, NPAGES * PG },
		.mode = UFFDIO_REGISTER_MODE_MISSING,
	};
	int uffd = syscall(__NR_userfaultfd, O_CLOEXEC);

	if (uffd < 0 || ioctl(uffd, UFFDIO_API, &api) ||
	    ioctl(uffd, UFFDIO_REGISTER, &reg) || send_fd(sk, uffd))
		_exit(1);
	close(uffd);
	for (;;)
		pause();
}

/* The stand-in daemon: send the first half, then obey the socket. */
static void daemon_main(uint8_t *region, int sk, const char *dir)
{
	static uint8_t page[PG];
	struct uffdio_copy cp = { .len = PG };
	int uffd, dfd, i;
	char c;

	prctl(PR_SET_NAME, "criu");
	dfd = open(dir, O_RDONLY | O_DIRECTORY);
	uffd = recv_fd(sk);
	if (dfd < 0 || uffd < 0)
		_exit(1);
	for (i = 0; i < NPAGES / 2; i++) {
		memset(page, i, PG);
		cp.src = (uintptr_t)page;
		cp.dst = (uintptr_t)region + i * PG;
		if (ioctl(uffd, UFFDIO_COPY, &cp))
			_exit(1);
	}
	if (write(sk, "r", 1) != 1)
		_exit(1);
	while (read(sk, &c, 1) == 1)
		if (c == 'c')
			close(uffd);
	_exit(0);
}

static int rig_up(void **state)
{
	struct lazy_rig *r = calloc(1, sizeof(*r));
	int sk[2];
	char c;

	strcpy(r->dir, "/tmp/test_lazy.XXXXXX");
	if (!mkdtemp(r->dir) || socketpair(AF_UNIX, SOCK_STREAM, 0, sk))
		return -1;
	r->region = mmap(NULL, NPAGES * PG, PROT_READ | PROT_WRITE,
			 MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (r->region == MAP_FAILED)
		return -1;
	r->task = fork();
	if (!r->task)
		task_main(r->region, sk[1]);
	r->daemon = fork();
	if (!r->daemon)
		daemon_main(r->region, sk[0], r->dir);
	close(sk[0]);
	r->cmd = sk[1];
	if (read(r->cmd, &c, 1) != 1)	/* the first half is in */
		return -1;
	*state = r;
	return 0;
}

static int rig_down(void **state)
{
	struct lazy_rig *r = *state;

	kill(r->task, SIGKILL);
	kill(r->daemon, SIGKILL);
	waitpid(r->task, NULL, 0);
	waitpid(r->daemon, NULL, 0);
	close(r->cmd);
	munmap(r->region, NPAGES * PG);
	rmdir(r->dir);
	free(r);
	return 0;
}

/* The rig's whole region, as the image would owe it. */
static void owe_region(const struct lazy_rig *r, struct page_ranges *owed)
{
	assert_int_equal(page_ranges_add(owed, (uintptr_t)r->region,
					 (uintptr_t)r->region + NPAGES * PG), 0);
}

static void missing_now(struct lazy_rig *r, unsigned int armed,
			uint64_t missing)
{
	struct page_ranges owed = { };
	struct lazy_state s;

	owe_region(r, &owed);
	assert_int_equal(lazy_pages_missing(r->task, &owed, 1, &s), 0);
	assert_int_equal(s.armed, armed);
	assert_int_equal(s.missing, missing);
	if (missing) {
		assert_int_equal(s.ranges.n, 1);
		assert_int_equal(s.ranges.v[0].start,
				 (uintptr_t)r->region + NPAGES / 2 * PG);
	}
	page_ranges_free(&s.ranges);
	page_ranges_free(&owed);
}

/*
 * lazy_pages_unarmed(): nothing counted while the region is armed; once
 * not, its pages not in are lost, the first of them in the ranges.
 */
static void unarmed_now(struct lazy_rig *r, unsigned int armed,
			uint64_t lost)
{
	struct page_ranges owed = { };
	struct lazy_state s;

	owe_region(r, &owed);
	assert_int_equal(lazy_pages_unarmed(r->task, &owed, &s), 0);
	assert_int_equal(s.armed, armed);
	assert_int_equal(s.missing, lost);
	if (lost)
		assert_int_equal(s.ranges.v[0].start,
				 (uintptr_t)r->region + NPAGES / 2 * PG);
	page_ranges_free(&s.ranges);
	page_ranges_free(&owed);
}

/* The daemon finishes with the task: we let go, the registration goes. */
static void guard_follows_daemon(void **state)
{
	struct lazy_rig *r = *state;
	struct uffd_guard g;

	missing_now(r, 1, NPAGES / 2);
	unarmed_now(r, 1, 0);
	assert_int_equal(uffd_guard_open(&g, r->dir), 0);
	assert_int_equal(uffd_guard_grab(&g), 1);
	assert_int_equal(g.daemon, r->daemon);
	assert_int_equal(uffd_guard_grab(&g), 1);	/* not twice */
	assert_int_equal(uffd_guard_scan(&g), 0);
	assert_int_equal(uffd_guard_shared(&g), 1);

	assert_int_equal(write(r->cmd, "c", 1), 1);
	usleep(100000);
	assert_int_equal(uffd_guard_scan(&g), 1);
	assert_false(g.gone);
	missing_now(r, 1, NPAGES / 2);		/* ours keeps it armed */
	uffd_guard_release_dropped(&g);
	assert_int_equal(uffd_guard_ours(&g), 0);
	missing_now(r, 0, 0);			/* unregistered now */
	unarmed_now(r, 0, NPAGES / 2);		/* ... and never sent */
	uffd_guard_close(&g);
}

/* The daemon dies: our reference keeps the task's pages owed, not zero. */
static void guard_outlives_daemon(void **state)
{
	struct lazy_rig *r = *state;
	struct uffd_guard g;

	assert_int_equal(uffd_guard_open(&g, r->dir), 0);
	assert_int_equal(uffd_guard_grab(&g), 1);
	kill(r->daemon, SIGKILL);
	waitpid(r->daemon, NULL, 0);
	assert_int_equal(uffd_guard_scan(&g), 1);
	assert_true(g.gone);
	missing_now(r, 1, NPAGES / 2);
	uffd_guard_release(&g);
	missing_now(r, 0, 0);
	uffd_guard_close(&g);
}

/* No process holds the directory and a userfaultfd: nothing to guard. */
static void guard_needs_daemon(void **state)
{
	struct uffd_guard g;

	(void)state;
	assert_int_equal(uffd_guard_open(&g, "/"), 0);
	assert_int_equal(uffd_guard_grab(&g), -ENOENT);
	uffd_guard_close(&g);
	assert_int_equal(uffd_guard_open(&g, "/nonexistent"), -ENOENT);
}

int main(void)
{
	const struct CMUnitTest pure[] = {
		cmocka_unit_test(pagemap_decode),
		cmocka_unit_test(pagemap_decode_42),
		cmocka_unit_test(guard_needs_daemon),
	};
	const struct CMUnitTest live[] = {
		cmocka_unit_test_setup_teardown(guard_follows_daemon, rig_up,
						rig_down),
		cmocka_unit_test_setup_teardown(guard_outlives_daemon, rig_up,
						rig_down),
	};
	int ret = cmocka_run_group_tests_name("pure", pure, NULL, NULL);

	return ret | cmocka_run_group_tests_name("live", live, NULL, NULL);
}
