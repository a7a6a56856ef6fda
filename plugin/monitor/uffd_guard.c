// SPDX-License-Identifier: GPL-2.0
/*
 * References to a lazy-pages daemon's userfaultfds (see uffd_guard.h).
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "array.h"
#include "sys_nr.h"
#include "thp_log.h"
#include "uffd_guard.h"
#include "pidfd.h"

#define KCMP_FILE		0

#define UFFD_LINK		"anon_inode:[userfaultfd]"

static int fd_list_add(struct uffd_fds *l, int fd)
{
	int *v = array_room(l->v, l->n, &l->cap, sizeof(*v));

	if (!v)
		return -ENOMEM;
	l->v = v;
	l->v[l->n++] = fd;
	return 0;
}

static int fd_cmp(const void *a, const void *b)
{
	int x = *(const int *)a, y = *(const int *)b;

	return (x > y) - (x < y);
}

/*
 * The daemon's userfaultfd numbers, sorted, into l (emptied first); stops
 * at the first when first is set.  -ESRCH when the daemon is gone or
 * exiting, -ENOMEM.
 */
static int daemon_uffds(pid_t pid, struct uffd_fds *l, int first)
{
	char path[64], link[64];
	struct dirent *de;
	size_t all = 0;
	ssize_t len;
	int ret = 0;
	DIR *d;

	snprintf(path, sizeof(path), "/proc/%d/fd", pid);
	d = opendir(path);
	if (!d)
		return -ESRCH;
	l->n = 0;
	while (!ret && !(first && l->n) && (de = readdir(d))) {
		if (de->d_name[0] == '.')
			continue;
		all++;
		len = readlinkat(dirfd(d), de->d_name, link, sizeof(link) - 1);
		if (len < 0)
			continue;
		link[len] = '\0';
		if (!strcmp(link, UFFD_LINK))
			ret = fd_list_add(l, atoi(de->d_name));
	}
	closedir(d);
	if (ret)
		return ret;
	if (l->n > 1)
		qsort(l->v, l->n, sizeof(*l->v), fd_cmp);
	/* an exiting task has no file table left: an empty fd directory */
	return all ? 0 : -ESRCH;
}

static int is_criu(pid_t pid)
{
	char path[64], comm[32] = "";
	FILE *f;

	snprintf(path, sizeof(path), "/proc/%d/comm", pid);
	f = fopen(path, "re");
	if (!f)
		return 0;
	if (!fgets(comm, sizeof(comm), f))
		comm[0] = '\0';
	fclose(f);
	return !strcmp(comm, "criu\n");
}

/* pid holds our images directory open. */
static int holds_dir(const struct uffd_guard *g, pid_t pid)
{
	char path[64];
	struct dirent *de;
	struct stat st;
	int found = 0;
	DIR *d;

	snprintf(path, sizeof(path), "/proc/%d/fd", pid);
	d = opendir(path);
	if (!d)
		return 0;
	while (!found && (de = readdir(d)))
		found = de->d_name[0] != '.' &&
			!fstatat(dirfd(d), de->d_name, &st, 0) &&
			S_ISDIR(st.st_mode) && st.st_dev == g->dir_dev &&
			st.st_ino == g->dir_ino;
	closedir(d);
	return found;
}

static int is_daemon(const struct uffd_guard *g, pid_t pid)
{
	struct uffd_fds l = { 0 };
	int ret;

	if (pid == getpid() || !is_criu(pid) || !holds_dir(g, pid))
		return 0;
	ret = !daemon_uffds(pid, &l, 1) && l.n;
	free(l.v);
	return ret;
}

static int find_daemon(struct uffd_guard *g)
{
	struct dirent *de;
	pid_t pid = 0;
	DIR *d;

	d = opendir("/proc");
	if (!d)
		return -errno;
	while (!pid && (de = readdir(d))) {
		pid = atoi(de->d_name);
		if (pid > 0 && !is_daemon(g, pid))
			pid = 0;
	}
	closedir(d);
	if (!pid)
		return -ENOENT;
	g->pidfd = pidfd_of(pid);
	if (g->pidfd < 0)
		return g->pidfd;
	g->daemon = pid;
	pr_info("lazy-pages daemon: pid %d\n", pid);
	return 0;
}

int uffd_guard_open(struct uffd_guard *g, const char *dir)
{
	struct stat st;

	memset(g, 0, sizeof(*g));
	g->pidfd = -1;
	if (stat(dir, &st))
		return -errno;
	g->dir_dev = st.st_dev;
	g->dir_ino = st.st_ino;
	return 0;
}

static int same_file(const struct uffd_guard *g, int ours, int theirs)
{
	return !syscall(__NR_kcmp, getpid(), g->daemon, KCMP_FILE, ours,
			theirs);
}

/*
 * Index of our reference to the daemon's fd theirs, or -1.  A reference
 * is matched by the number the daemon had the file under, then checked
 * with kcmp (the number may have been reused): one system call per fd,
 * where comparing with every reference made a scan quadratic in tasks.
 * The daemon never dups a userfaultfd, so a file has one number there.
 */
static int find_ref(const struct uffd_guard *g, int theirs)
{
	size_t i;

	for (i = 0; i < g->n; i++)
		if (g->v[i].fd >= 0 && g->v[i].theirs == theirs)
			return same_file(g, g->v[i].fd, theirs) ? (int)i : -1;
	return -1;
}

static int add_ref(struct uffd_guard *g, int theirs)
{
	struct uffd_ref *v = array_room(g->v, g->n, &g->cap, sizeof(*v));
	int fd;

	if (!v)
		return -ENOMEM;
	g->v = v;
	fd = syscall(__NR_pidfd_getfd, g->pidfd, theirs, 0);
	if (fd < 0)
		return -errno;
	g->v[g->n].fd = fd;
	g->v[g->n].theirs = theirs;
	g->v[g->n].held = 1;
	g->n++;
	return 0;
}

int uffd_guard_grab(struct uffd_guard *g)
{
	struct uffd_fds *l = &g->fds;
	size_t i;
	int ret;

	if (!g->daemon) {
		ret = find_daemon(g);
		if (ret)
			return ret;
	}
	ret = daemon_uffds(g->daemon, l, 0);
	for (i = 0; !ret && i < l->n; i++) {
		if (find_ref(g, l->v[i]) >= 0)
			continue;
		ret = add_ref(g, l->v[i]);
		if (ret == -EBADF)
			ret = 0;	/* closed since it was listed: done with */
	}
	/* exiting: what we hold is all there will be */
	if (ret == -ESRCH) {
		g->gone = 1;
		ret = 0;
	}
	return ret ? ret : (int)uffd_guard_ours(g);
}

static int exited(const struct uffd_guard *g)
{
	return pidfd_exited(g->pidfd, 0);
}

/*
 * Whether the daemon still holds r: its number is still a userfaultfd
 * there (the list is sorted) and the same file.
 */
static int still_held(const struct uffd_guard *g, const struct uffd_ref *r)
{
	return g->fds.n &&
	       bsearch(&r->theirs, g->fds.v, g->fds.n, sizeof(int), fd_cmp) &&
	       same_file(g, r->fd, r->theirs);
}

int uffd_guard_scan(struct uffd_guard *g)
{
	int dropped = 0, ret;
	size_t i;

	if (!g->daemon)
		return 0;
	if (!g->gone && !exited(g)) {
		ret = daemon_uffds(g->daemon, &g->fds, 0);
		if (ret == -ENOMEM)
			return 0;	/* nothing known: look again next pass */
		g->gone = ret != 0;
	} else {
		g->gone = 1;
	}
	for (i = 0; i < g->n; i++) {
		struct uffd_ref *r = &g->v[i];

		if (r->fd < 0)
			continue;
		r->held = !g->gone && still_held(g, r);
		dropped += !r->held;
	}
	return dropped;
}

size_t uffd_guard_ours(const struct uffd_guard *g)
{
	size_t i, n = 0;

	for (i = 0; i < g->n; i++)
		n += g->v[i].fd >= 0;
	return n;
}

size_t uffd_guard_shared(const struct uffd_guard *g)
{
	size_t i, n = 0;

	for (i = 0; i < g->n; i++)
		n += g->v[i].fd >= 0 && g->v[i].held;
	return n;
}

static void release_if(struct uffd_guard *g, int all)
{
	size_t i;

	for (i = 0; i < g->n; i++) {
		if (g->v[i].fd < 0 || (!all && g->v[i].held))
			continue;
		close(g->v[i].fd);
		g->v[i].fd = -1;
	}
}

void uffd_guard_release_dropped(struct uffd_guard *g)
{
	release_if(g, 0);
}

void uffd_guard_release(struct uffd_guard *g)
{
	release_if(g, 1);
}

void uffd_guard_close(struct uffd_guard *g)
{
	uffd_guard_release(g);
	if (g->pidfd >= 0)
		close(g->pidfd);
	free(g->v);
	free(g->fds.v);
	memset(g, 0, sizeof(*g));
	g->pidfd = -1;
}
