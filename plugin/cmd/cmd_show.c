// SPDX-License-Identifier: GPL-2.0
/*
 * criu-thp show: its options and its run (the decoding is thp_show.c's).
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "criu_thp_opts.h"
#include "thp_log.h"
#include "thp_show.h"

enum { OPT_JSON = CMD_OPTS_LONG };

static const struct cmd_opt opts[] = {
	{ "images-dir", 'D', "DIR", "the dump directory" },
	{ "json", OPT_JSON, NULL, "one JSON object instead of text" },
	{ }
};

static int parse(struct criu_thp_opts *o, int key, const char *arg)
{
	switch (key) {
	case 'D':
		o->show.dir = arg;
		return 0;
	case OPT_JSON:
		o->show.json = 1;
		return 0;
	}
	return -1;
}

static int check(struct criu_thp_opts *o)
{
	if (o->show.dir)
		return 0;
	pr_err("show needs the dump directory: -D DIR\n");
	return -1;
}

static int run(struct criu_thp_opts *o)
{
	const char *dir = o->show.dir;
	int dirfd, ret;

	dirfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (dirfd < 0) {
		pr_perror("%s", dir);
		return 1;
	}
	ret = thp_show(dirfd, stdout, o->show.json);
	close(dirfd);
	if (ret)
		pr_err("%s: cannot show the thp images\n", dir);
	return ret ? 1 : 0;
}

const struct criu_thp_cmd cmd_show = {
	.name = "show",
	.synopsis = "-D DIR [--json]",
	.summary = "decode the thp images of a dump directory",
	.about =
"Decode the thp images of the dump directory DIR: thp-dump.img (kernel,\n"
"sysfs THP settings, the tasks recorded) and each task's thp-<id>.img:\n"
"the prctl THP state, how the huge-page map was read and, per VMA, its\n"
"kind, its advice (hg, nh or none) and its huge chunks as address\n"
"ranges: pmd_huge (mapped by a PMD), pte_thp (a whole THP mapped by\n"
"PTEs) and unresolved (one of the two; the kernel could not tell which);\n"
"where a size below the PMD's was enabled at dump, the memory in large\n"
"folios of each such size.\n"
"\n"
"Exit status: 0, or 1 when DIR or an image cannot be read or decoded\n"
"(the message names the file); 2 for a usage error.",
	.opts = opts,
	.parse = parse,
	.check = check,
	.run = run,
};
