/* SPDX-License-Identifier: GPL-2.0 */
/*
 * criu-thp's command line: the usage text and the options, parsed into a
 * struct with no side effect but the -v level (and --help or --version
 * printed on stdout).  Kept apart from the commands so that the fuzzer
 * (test/fuzz/) can drive it.
 */
#ifndef CRIU_THP_OPTS_H
#define CRIU_THP_OPTS_H

#include "thp_monitor.h"

struct criu_thp_opts {
	const char *cmd;	/* show, verify, monitor or another word */
	const char *dir;
	int json;
	struct monitor_opts mon;
};

extern const char criu_thp_opts_usage[];

/*
 * Options may come before and after the command.  0: run o->cmd; 1:
 * --help or --version was printed; -1: a usage error (a message says
 * which); -2: no command (print criu_thp_opts_usage).  Call
 * criu_thp_opts_free() in every case.
 */
int criu_thp_opts_parse(int argc, char **argv, struct criu_thp_opts *o);
void criu_thp_opts_free(struct criu_thp_opts *o);

#endif /* CRIU_THP_OPTS_H */
