/* SPDX-License-Identifier: GPL-2.0 */
/*
 * criu-thp's command line: global options, then a command and its own
 * options (cmd_show.c, cmd_verify.c, cmd_monitor.c: each a table, a
 * parser and a help), parsed with no side effect but the -v level (and
 * --help or --version printed on stdout).  Kept apart from running the
 * commands so that the fuzzer (test/fuzz/) can drive it.
 */
#ifndef CRIU_THP_OPTS_H
#define CRIU_THP_OPTS_H

#include <sys/types.h>

#include "cmd_opts.h"
#include "thp_monitor.h"

struct criu_thp_opts;

/* One command: its table, its parser of one option, its run. */
struct criu_thp_cmd {
	const char *name;
	const char *synopsis;	/* its options, as the usage line shows them */
	const char *summary;	/* lines for criu-thp --help */
	const char *about;	/* what it does, for COMMAND --help */
	const struct cmd_opt *opts;
	/* one option of its own: 0, or -1 after a message */
	int (*parse)(struct criu_thp_opts *o, int key, const char *arg);
	/* the options together: 0, or -1 after a message */
	int (*check)(struct criu_thp_opts *o);
	/* the exit status */
	int (*run)(struct criu_thp_opts *o);
};

struct cmd_show_opts {
	const char *dir;
	int json;
};

struct cmd_verify_opts {
	const char *dir;
	pid_t pid;
	int npids;
};

struct criu_thp_opts {
	const struct criu_thp_cmd *cmd;
	struct cmd_show_opts show;
	struct cmd_verify_opts verify;
	struct monitor_opts monitor;
};

extern const struct criu_thp_cmd cmd_show, cmd_verify, cmd_monitor;

/* Print criu-thp's own usage: the commands and the global options. */
void criu_thp_opts_usage(FILE *f);

/*
 * 0: run o->cmd; 1: --help or --version was printed; -1: a usage error
 * (a message says which); -2: no command (print criu_thp_opts_usage()).
 * Call criu_thp_opts_free() in every case.
 */
int criu_thp_opts_parse(int argc, char **argv, struct criu_thp_opts *o);
void criu_thp_opts_free(struct criu_thp_opts *o);

/* A pid: a whole decimal number from 1 to INT_MAX; 0 or -1 (a message). */
int criu_thp_opts_pid(const char *arg, pid_t *pid);

#endif /* CRIU_THP_OPTS_H */
