/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Our own references to the userfaultfds of a lazy restore.
 *
 * The restored tasks hand their userfaultfds to the `criu lazy-pages`
 * daemon and close their own copies.  If the daemon dies, the last
 * reference goes, the kernel unregisters every VMA, and a task that then
 * touches a page not yet sent gets a zero page instead of its data.  A
 * second reference, taken from the daemon with pidfd_getfd(), keeps the
 * registration: a fault then waits (for the monitor to stop the task)
 * instead of reading zeros.
 *
 * The daemon is the criu process that holds the restore's images
 * directory open (criu keeps it as a service fd) and userfaultfds.  Each
 * reference is matched to the daemon's descriptors with kcmp(KCMP_FILE):
 * the daemon closes a task's userfaultfd once it has sent that task every
 * page, and exits after the last; it must then be let go of at once, or
 * pages never dumped (a fault the daemon would answer with a zero page)
 * would wait for nobody.
 */
#ifndef UFFD_GUARD_H
#define UFFD_GUARD_H

#include <stddef.h>
#include <sys/types.h>

struct uffd_ref {
	int fd;			/* ours; -1 once let go of */
	int theirs;		/* its number in the daemon */
	int held;		/* the daemon held it at the last scan */
};

/* A daemon's userfaultfd numbers at the last look, sorted. */
struct uffd_fds {
	int *v;
	size_t n, cap;
};

struct uffd_guard {
	dev_t dir_dev;
	ino_t dir_ino;
	pid_t daemon;		/* 0 until found */
	int pidfd;		/* the daemon's, or -1 */
	int gone;		/* the daemon has exited or is exiting */
	struct uffd_ref *v;
	size_t n, cap;
	struct uffd_fds fds;	/* scratch for each look */
};

/* 0, or a negative errno if dir cannot be looked at. */
int uffd_guard_open(struct uffd_guard *g, const char *dir);
/*
 * Find the daemon if not found yet and take a reference to each of its
 * userfaultfds we do not hold yet; returns how many we hold (once the
 * daemon is gone or exiting, g->gone is set and no more can come),
 * -ENOENT when there is no daemon, or another negative errno.
 */
int uffd_guard_grab(struct uffd_guard *g);
/*
 * See which of our references the daemon still holds, and whether it is
 * gone; returns how many it has let go of that we still hold.
 */
int uffd_guard_scan(struct uffd_guard *g);
/* References we hold (all), and those the daemon still holds too. */
size_t uffd_guard_ours(const struct uffd_guard *g);
size_t uffd_guard_shared(const struct uffd_guard *g);
/* Let go of the references the daemon has let go of, or of all. */
void uffd_guard_release_dropped(struct uffd_guard *g);
void uffd_guard_release(struct uffd_guard *g);
void uffd_guard_close(struct uffd_guard *g);

#endif /* UFFD_GUARD_H */
