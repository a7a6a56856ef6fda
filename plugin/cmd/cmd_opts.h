/* SPDX-License-Identifier: GPL-2.0 */
/*
 * A command's options as a table, the one source of its parser (through
 * getopt_long) and of its --help (with cmd_opts_common's after its own);
 * test/options.sh checks the man page and the bash completion against the
 * --help this prints.
 */
#ifndef CMD_OPTS_H
#define CMD_OPTS_H

#include <stdio.h>

/* Keys of options without a short letter start here. */
#define CMD_OPTS_LONG	256
#define CMD_OPTS_MAX	16	/* options in one table */

struct cmd_opt {
	const char *name;	/* long name */
	int key;		/* short letter, or CMD_OPTS_LONG + n */
	const char *arg;	/* the argument's name; NULL: none */
	const char *help;	/* lines of at most 50 columns, '\n' apart */
};

/*
 * -v and -h: every table's too, the same for every command; the parser
 * and the help add them after the table's own.
 */
extern const struct cmd_opt cmd_opts_common[];

struct cmd_opts_iter {
	const struct cmd_opt *opts;	/* ended by an entry without name */
	int argc;
	char **argv;
	const char *arg;		/* the current option's argument */
	int ind;			/* at the end: the first word left */
};

/*
 * Walk argv[1..] as getopt_long would, options only (a first non-option
 * ends the walk).  cmd_opts_next(): the next option's key, its argument
 * in it->arg; 0 at the end (it->ind: the first word left); -1 after a
 * message for an unknown option or a missing argument.
 */
void cmd_opts_start(struct cmd_opts_iter *it, const struct cmd_opt *opts,
		    int argc, char **argv);
int cmd_opts_next(struct cmd_opts_iter *it);

/*
 * "  -D, --images-dir DIR   the dump directory" lines for each option, and
 * for cmd_opts_common's.
 */
void cmd_opts_print(FILE *f, const struct cmd_opt *opts);

#endif /* CMD_OPTS_H */
