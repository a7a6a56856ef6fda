// SPDX-License-Identifier: GPL-2.0
/*
 * Option tables (cmd_opts.h).
 */
#include <getopt.h>
#include <string.h>

#include "cmd_opts.h"
#include "thp_log.h"

#define HELP_COL	25	/* where the help text starts */

const struct cmd_opt cmd_opts_common[] = {
	{ "verbose", 'v', NULL, "more messages on stderr (repeat for debug)" },
	{ "help", 'h', NULL, "this text" },
	{ }
};

void cmd_opts_start(struct cmd_opts_iter *it, const struct cmd_opt *opts,
		    int argc, char **argv)
{
	it->opts = opts;
	it->argc = argc;
	it->argv = argv;
	it->arg = NULL;
	it->ind = 0;
	optind = 0;		/* a fresh scan, also when called again */
	opterr = 0;		/* cmd_opts_next() says what is wrong */
}

/* Append table t to getopt_long's view: long options, short letters. */
static int add_table(const struct cmd_opt *t, struct option *lo, int *nl,
		     char *so, int *ns)
{
	int i;

	for (i = 0; t[i].name; i++) {
		if (*nl == CMD_OPTS_MAX)
			return -1;
		lo[(*nl)++] = (struct option){ t[i].name,
			t[i].arg ? required_argument : no_argument, NULL,
			t[i].key };
		if (t[i].key >= CMD_OPTS_LONG)
			continue;
		so[(*ns)++] = t[i].key;
		if (t[i].arg)
			so[(*ns)++] = ':';
	}
	return 0;
}

/*
 * The table and the common options as getopt_long wants them; "+" stops
 * at the first word that is not an option, ":" tells a missing argument
 * from an unknown option.
 */
static int getopt_tables(const struct cmd_opt *t, struct option *lo,
			 char *so)
{
	int nl = 0, ns = 2;

	so[0] = '+';
	so[1] = ':';
	if (add_table(t, lo, &nl, so, &ns) ||
	    add_table(cmd_opts_common, lo, &nl, so, &ns))
		return -1;
	lo[nl] = (struct option){ };
	so[ns] = '\0';
	return 0;
}

int cmd_opts_next(struct cmd_opts_iter *it)
{
	struct option lo[CMD_OPTS_MAX + 1];
	char so[2 * CMD_OPTS_MAX + 3];
	int c, was = optind ? optind : 1;

	if (getopt_tables(it->opts, lo, so)) {
		pr_err("an option table of over %d options\n", CMD_OPTS_MAX);
		return -1;
	}
	c = getopt_long(it->argc, it->argv, so, lo, NULL);
	it->arg = optarg;
	if (c == -1) {
		it->ind = optind;
		return 0;
	}
	if (c == '?' || c == ':') {
		pr_err("%s: %s\n", was < it->argc ? it->argv[was] : "option",
		       c == ':' ? "needs an argument" : "unknown option");
		return -1;
	}
	return c;
}

static void print_table(FILE *f, const struct cmd_opt *opts)
{
	const char *h, *nl;
	int i, n;

	for (i = 0; opts[i].name; i++) {
		if (opts[i].key < CMD_OPTS_LONG)
			n = fprintf(f, "  -%c, --%s", opts[i].key, opts[i].name);
		else
			n = fprintf(f, "      --%s", opts[i].name);
		if (opts[i].arg)
			n += fprintf(f, " %s", opts[i].arg);
		if (n > HELP_COL - 2) {
			fputc('\n', f);
			n = 0;
		}
		for (h = opts[i].help; h; h = nl ? nl + 1 : NULL, n = 0) {
			nl = strchr(h, '\n');
			fprintf(f, "%*s%.*s\n", HELP_COL - n, "",
				nl ? (int)(nl - h) : (int)strlen(h), h);
		}
	}
}

void cmd_opts_print(FILE *f, const struct cmd_opt *opts)
{
	print_table(f, opts);
	print_table(f, cmd_opts_common);
}
