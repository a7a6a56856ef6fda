// SPDX-License-Identifier: GPL-2.0
/*
 * The zdtm test contract: options, daemonizing, SIGTERM, the output file.
 */
#include <fcntl.h>
#include <sched.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "zdtmtst.h"

#define INPROGRESS	".inprogress"

static volatile sig_atomic_t got_sigterm;
static const char *outfile, *pidfile;
static char *inprogress;
static int ready_fd = -1;
static int foreground;

static void on_sigterm(int sig)
{
	(void)sig;
	got_sigterm = 1;
}

static void finish_outfile(void)
{
	if (inprogress && rename(inprogress, outfile))
		fprintf(stderr, "can't rename %s to %s: %m\n", inprogress,
			outfile);
}

static void usage(const char *prog, int status)
{
	fprintf(stderr, "%s: %s\nUsage: %s --pidfile=FILE --outfile=FILE\n",
		prog, test_doc, prog);
	exit(status);
}

static void parse_args(int argc, char **argv)
{
	int i;

	for (i = 1; i < argc; i++) {
		if (!strncmp(argv[i], "--pidfile=", 10))
			pidfile = argv[i] + 10;
		else if (!strncmp(argv[i], "--outfile=", 10))
			outfile = argv[i] + 10;
		else if (!strcmp(argv[i], "--help"))
			usage(argv[0], 0);
		else
			usage(argv[0], 1);
	}
	if (!pidfile || !outfile)
		usage(argv[0], 1);
}

/* All output of the test goes to OUTFILE.inprogress from here on. */
static void open_outfile(void)
{
	int fd;

	fd = open(inprogress, O_WRONLY | O_CREAT | O_TRUNC | O_APPEND, 0644);
	if (fd < 0) {
		fprintf(stderr, "can't open %s: %m\n", inprogress);
		exit(1);
	}
	if (dup2(fd, STDOUT_FILENO) < 0 || dup2(fd, STDERR_FILENO) < 0)
		exit(1);
	close(fd);
	fd = open("/dev/null", O_RDONLY);
	if (fd >= 0) {
		dup2(fd, STDIN_FILENO);
		close(fd);
	}
	setvbuf(stdout, NULL, _IONBF, 0);
}

static void write_pidfile(pid_t pid)
{
	FILE *f = fopen(pidfile, "w");

	if (!f || fprintf(f, "%d\n", pid) < 0 || fclose(f)) {
		fprintf(stderr, "can't write %s: %m\n", pidfile);
		kill(pid, SIGKILL);
		exit(1);
	}
}

/* The parent stays until the child is ready, then reports its pid. */
static void wait_ready(pid_t child, int fd)
{
	char c;
	int status;

	if (read(fd, &c, 1) == 1) {
		write_pidfile(child);
		exit(0);
	}
	waitpid(child, &status, 0);
	fprintf(stderr, "test died before it was ready (status %#x), see %s\n",
		status, inprogress);
	exit(1);
}

/*
 * ZDTM_NEWPID=1: the test runs as the init of a pid namespace of its own,
 * so that it can be restored while its dumped self still holds its pids
 * (lazy migration: the source stays frozen until every page is sent).
 * The pidfile gets the pid as seen from outside.
 */
static void new_pid_ns(void)
{
	const char *v = getenv("ZDTM_NEWPID");

	if (!v || strcmp(v, "1"))
		return;
	if (unshare(CLONE_NEWPID)) {
		perror("unshare(CLONE_NEWPID)");
		exit(1);
	}
}

/*
 * ZDTM_FOREGROUND=1: no fork; the test stays the process it was started
 * as (a container's init), and writes its own pid (as it sees it) to the
 * pidfile once it is ready.
 */
static int in_foreground(void)
{
	const char *v = getenv("ZDTM_FOREGROUND");

	return v && !strcmp(v, "1");
}

/* Fork; the parent waits until the child is ready (wait_ready). */
static void daemonize(void)
{
	int p[2];
	pid_t pid;

	if (pipe(p)) {
		perror("pipe");
		exit(1);
	}
	new_pid_ns();
	pid = fork();
	if (pid < 0) {
		perror("fork");
		exit(1);
	}
	if (pid) {
		close(p[1]);
		wait_ready(pid, p[0]);
	}
	close(p[0]);
	ready_fd = p[1];
}

void test_init(int argc, char **argv)
{
	struct sigaction sa = { .sa_handler = on_sigterm };

	parse_args(argc, argv);
	if (asprintf(&inprogress, "%s" INPROGRESS, outfile) < 0)
		exit(1);
	foreground = in_foreground();
	if (!foreground)
		daemonize();
	setsid();
	open_outfile();
	atexit(finish_outfile);
	sigemptyset(&sa.sa_mask);
	if (sigaction(SIGTERM, &sa, NULL)) {
		pr_perror("sigaction");
		exit(1);
	}
}

void test_daemon(void)
{
	if (foreground) {
		write_pidfile(getpid());
		return;
	}
	if (write(ready_fd, "", 1) != 1)
		pr_perror("can't tell the parent that the test is ready");
	close(ready_fd);
	ready_fd = -1;
}

int test_go(void)
{
	return !got_sigterm;
}

void test_waitsig(void)
{
	sigset_t mask, old;

	sigemptyset(&mask);
	sigaddset(&mask, SIGTERM);
	sigprocmask(SIG_BLOCK, &mask, &old);
	while (!got_sigterm)
		test_sigsuspend(&old);
	sigprocmask(SIG_SETMASK, &old, NULL);
}

void test_msg(const char *format, ...)
{
	char buf[2048];
	struct timespec ts;
	va_list args;
	int n;

	clock_gettime(CLOCK_REALTIME, &ts);
	n = snprintf(buf, sizeof(buf), "%lld.%03ld: %d: ", (long long)ts.tv_sec,
		     ts.tv_nsec / 1000000, getpid());
	va_start(args, format);
	vsnprintf(buf + n, sizeof(buf) - n, format, args);
	va_end(args);
	fputs(buf, stderr);
	if (buf[strlen(buf) - 1] != '\n')
		fputc('\n', stderr);
}
