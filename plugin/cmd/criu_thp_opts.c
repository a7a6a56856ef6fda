// SPDX-License-Identifier: GPL-2.0
/*
 * criu-thp's command line (see criu_thp_opts.h).
 */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "criu_thp_opts.h"
#include "thp_log.h"
#include "version.h"

extern int thp_log_level;

static const struct criu_thp_cmd *const cmds[] = {
	&cmd_show, &cmd_verify, &cmd_monitor,
};

#define NR_CMDS	(sizeof(cmds) / sizeof(cmds[0]))

static const struct cmd_opt global_opts[] = {
	{ "version", 'V', NULL, "print the version" },
	{ }
};

void criu_thp_opts_usage(FILE *f)
{
	size_t i;

	fputs("Usage: criu-thp [-v] COMMAND [OPTIONS]\n"
	      "       criu-thp COMMAND --help\n"
	      "\n"
	      "Show the transparent huge page state that the CRIU plugin\n"
	      "thp_plugin.so recorded in a dump directory, compare a restored\n"
	      "process with it, and collapse a restored process's huge pages\n"
	      "after it has resumed.\n"
	      "\n"
	      "Commands:\n", f);
	for (i = 0; i < NR_CMDS; i++)
		fprintf(f, "  %-8s %s\n", cmds[i]->name, cmds[i]->summary);
	fputs("\nOptions:\n", f);
	cmd_opts_print(f, global_opts);
	fputs("\nThe plugin's configuration: criu-thp-plugin(7).\n", f);
}

static void cmd_usage(FILE *f, const struct criu_thp_cmd *c)
{
	fprintf(f, "Usage: criu-thp [-v] %s %s\n\n%s\n\nOptions:\n", c->name,
		c->synopsis, c->about);
	cmd_opts_print(f, c->opts);
}

int criu_thp_opts_pid(const char *arg, pid_t *pid)
{
	char *end;
	long v;

	errno = 0;
	v = strtol(arg, &end, 10);
	if (errno || end == arg || *end || v <= 0 || v > INT_MAX) {
		pr_err("'%s' is not a pid\n", arg);
		return -1;
	}
	*pid = v;
	return 0;
}

/*
 * Before the command: 0 (*first: the command's index), 1 (help or version
 * printed) or -1.
 */
static int parse_global(int argc, char **argv, int *first)
{
	struct cmd_opts_iter it;
	int key;

	cmd_opts_start(&it, global_opts, argc, argv);
	while ((key = cmd_opts_next(&it)) > 0) {
		switch (key) {
		case 'v':
			thp_log_level++;
			break;
		case 'h':
			criu_thp_opts_usage(stdout);
			return 1;
		case 'V':
			printf("criu-thp %s\n", CRIU_THP_VERSION);
			return 1;
		}
	}
	*first = it.ind;
	return key;
}

static const struct criu_thp_cmd *find_cmd(const char *name)
{
	size_t i;

	for (i = 0; i < NR_CMDS; i++)
		if (!strcmp(cmds[i]->name, name))
			return cmds[i];
	pr_err("unknown command '%s' (see criu-thp --help)\n", name);
	return NULL;
}

/* The command's own options, from argv[0] (its name) on. */
static int parse_cmd(int argc, char **argv, struct criu_thp_opts *o)
{
	const struct criu_thp_cmd *c = o->cmd;
	struct cmd_opts_iter it;
	int key;

	cmd_opts_start(&it, c->opts, argc, argv);
	while ((key = cmd_opts_next(&it)) > 0) {
		if (key == 'v') {
			thp_log_level++;
		} else if (key == 'h') {
			cmd_usage(stdout, c);
			return 1;
		} else if (c->parse(o, key, it.arg)) {
			return -1;
		}
	}
	if (key)
		return key;
	if (it.ind < argc) {
		pr_err("%s: unexpected argument '%s'\n", c->name, argv[it.ind]);
		return -1;
	}
	return c->check(o);
}

int criu_thp_opts_parse(int argc, char **argv, struct criu_thp_opts *o)
{
	int ret, first;

	memset(o, 0, sizeof(*o));
	ret = parse_global(argc, argv, &first);
	if (ret)
		return ret;
	if (first >= argc)
		return -2;
	o->cmd = find_cmd(argv[first]);
	if (!o->cmd)
		return -1;
	return parse_cmd(argc - first, argv + first, o);
}

void criu_thp_opts_free(struct criu_thp_opts *o)
{
	free(o->monitor.pids);
	o->monitor.pids = NULL;
	o->monitor.npids = 0;
}
