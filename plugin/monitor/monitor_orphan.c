// SPDX-License-Identifier: GPL-2.0
/*
 * Where the monitor's report goes once its images directory is gone.
 *
 * The images directory may be removed while the monitor still works:
 * podman deletes a checkpoint right after a successful restore unless
 * --keep, and a user may clean up as soon as criu returns.  The report
 * and the log, which were to be found there, then go to THP_ORPHAN_DIR
 * (root's alone), named after the monitor's pid, and the log says so.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "monitor_int.h"
#include "thp_log.h"

/* The directory behind dirfd has been removed. */
static int dir_gone(int dirfd)
{
	struct stat st;

	return !fstat(dirfd, &st) && st.st_nlink == 0;
}

/* Copy what the monitor logged (its stdout, a file) next to the report. */
static void save_log(const char *path)
{
	char buf[4096];
	ssize_t n;
	int in, out;

	fflush(stdout);
	fflush(stderr);
	in = open("/proc/self/fd/1", O_RDONLY | O_CLOEXEC);
	if (in < 0)
		return;
	out = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC | O_NOFOLLOW,
		   0600);
	while (out >= 0 && (n = read(in, buf, sizeof(buf))) > 0)
		if (write(out, buf, n) != n)
			break;
	if (out >= 0)
		close(out);
	close(in);
}

int monitor_orphan_report_dir(int dirfd, const char *dir, char *name, size_t len)
{
	char log[PATH_MAX];
	int fd;

	if (!dir_gone(dirfd)) {
		snprintf(name, len, "%s", THP_MONITOR_REPORT);
		fd = fcntl(dirfd, F_DUPFD_CLOEXEC, 0);
		if (fd < 0)
			pr_perror("%s: no report", dir);
		return fd;
	}
	if (mkdir(THP_ORPHAN_DIR, 0700) && errno != EEXIST) {
		pr_err("%s is gone, and %s cannot be made: %s: no report\n",
		       dir, THP_ORPHAN_DIR, strerror(errno));
		return -1;
	}
	fd = open(THP_ORPHAN_DIR, O_RDONLY | O_DIRECTORY | O_NOFOLLOW |
		  O_CLOEXEC);
	if (fd < 0) {
		pr_perror("%s is gone, and %s cannot be opened: no report",
			  dir, THP_ORPHAN_DIR);
		return -1;
	}
	snprintf(name, len, "thp-monitor.%d.json", getpid());
	snprintf(log, sizeof(log), "%s/thp-monitor.%d.log", THP_ORPHAN_DIR,
		 getpid());
	pr_warn("the images directory %s was removed: report in %s/%s, log in %s\n",
		dir, THP_ORPHAN_DIR, name, log);
	save_log(log);
	return fd;
}
