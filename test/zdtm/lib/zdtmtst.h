/* SPDX-License-Identifier: GPL-2.0 */
/*
 * criu-thp's own implementation of the zdtm test contract, so that the
 * tests in ../static build against this library here and unchanged
 * against CRIU's test/zdtm/lib under CRIU's zdtm.py.  Only the part of
 * the interface our tests use is provided:
 *
 *   test_init()     parse --pidfile=F --outfile=O, fork; the parent waits
 *                   for the child's test_daemon() and writes its pid to F
 *   test_daemon()   the test is set up: let the parent write the pidfile
 *   test_waitsig()  sleep until SIGTERM (the runner's "check now"), in
 *                   sigsuspend(): a test with more threads must block
 *                   SIGTERM in the others, or the kernel may hand it to
 *                   one of them and the main thread never wakes
 *   test_sigsuspend()  sigsuspend(), the stack pointer off a page boundary
 *                   (suspend.c: criu dumps nothing lazily otherwise)
 *   test_msg()      a line into O.inprogress, renamed to O at exit
 *   pass(), fail()  the verdict lines the runner looks for
 */
#ifndef ZDTMTST_H
#define ZDTMTST_H

#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

extern const char *test_doc;
extern const char *test_author;

void test_init(int argc, char **argv);
void test_daemon(void);
void test_waitsig(void);
void test_sigsuspend(const sigset_t *mask);
int test_go(void);
void test_msg(const char *format, ...)
	__attribute__((format(printf, 1, 2)));

#define pr_err(format, ...)						\
	test_msg("ERR: %s:%d: " format, __FILE__, __LINE__, ##__VA_ARGS__)
#define pr_perror(format, ...)						\
	test_msg("ERR: %s:%d: " format " (errno = %d (%s))\n",		\
		 __FILE__, __LINE__, ##__VA_ARGS__, errno, strerror(errno))
#define fail(format, ...)						\
	test_msg("FAIL: %s:%d: " format " (errno = %d (%s))\n",		\
		 __FILE__, __LINE__, ##__VA_ARGS__, errno, strerror(errno))
#define pass()	test_msg("PASS\n")

#endif /* ZDTMTST_H */
