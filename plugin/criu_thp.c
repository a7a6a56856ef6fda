// SPDX-License-Identifier: GPL-2.0
/*
 * criu-thp: the command line face of the plugin's shared code.
 */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "thp_log.h"
#include "thp_show.h"
#include "version.h"

extern int thp_log_level;

static const char usage[] =
"Usage: criu-thp [-v] COMMAND [OPTIONS]\n"
"\n"
"Show the transparent huge page state that the CRIU plugin thp_plugin.so\n"
"recorded in a dump directory.\n"
"\n"
"Commands:\n"
"  show -D DIR [--json]   decode the thp images of the dump directory DIR:\n"
"                         thp-dump.img (kernel, sysfs THP settings, the\n"
"                         tasks recorded) and each task's thp-<id>.img: the\n"
"                         prctl THP state, how the huge-page map was read\n"
"                         and, per VMA, its kind, its advice (hg, nh or\n"
"                         none) and its 2 MiB chunks as address ranges:\n"
"                         pmd_huge (mapped by a PMD), pte_thp (a whole THP\n"
"                         mapped by PTEs) and unresolved (one of the two;\n"
"                         the kernel could not tell which)\n"
"\n"
"Options:\n"
"  -D, --images-dir DIR   the dump directory\n"
"      --json             one JSON object instead of text\n"
"  -v, --verbose          more messages on stderr (repeat for debug)\n"
"  -h, --help             this text\n"
"  -V, --version          print the version\n"
"\n"
"Exit status: 0 on success, 1 when an image is missing or corrupt (the\n"
"message names the file), 2 for a usage error.\n"
"\n"
"The plugin reads CRIU_THP_STRICT=yes|no and /etc/criu/thp.conf (or the\n"
"file CRIU_THP_CONFIG names): 'strict = yes' fails a dump on a machine\n"
"where huge-page maps cannot be read.\n";

struct opts {
	const char *dir;
	int json;
};

static int parse_opts(int argc, char **argv, struct opts *o)
{
	static const struct option longopts[] = {
		{ "images-dir", required_argument, NULL, 'D' },
		{ "json", no_argument, NULL, 'j' },
		{ "verbose", no_argument, NULL, 'v' },
		{ "help", no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, 'V' },
		{ }
	};
	int c;

	while ((c = getopt_long(argc, argv, "+D:vhV", longopts, NULL)) != -1) {
		switch (c) {
		case 'D':
			o->dir = optarg;
			break;
		case 'j':
			o->json = 1;
			break;
		case 'v':
			thp_log_level++;
			break;
		case 'h':
			fputs(usage, stdout);
			return 1;
		case 'V':
			printf("criu-thp %s\n", CRIU_THP_VERSION);
			return 1;
		default:
			return -1;
		}
	}
	return 0;
}

static int cmd_show(struct opts *o)
{
	int dirfd, ret;

	if (!o->dir) {
		pr_err("show needs the dump directory: -D DIR\n");
		return 2;
	}
	dirfd = open(o->dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (dirfd < 0) {
		pr_err("%s: %s\n", o->dir, strerror(errno));
		return 1;
	}
	ret = thp_show(dirfd, stdout, o->json);
	close(dirfd);
	if (ret)
		pr_err("%s: cannot show the thp images\n", o->dir);
	return ret ? 1 : 0;
}

int main(int argc, char **argv)
{
	struct opts o = { };
	const char *cmd;
	int ret;

	/* Options may come before and after the command. */
	ret = parse_opts(argc, argv, &o);
	if (ret)
		return ret > 0 ? 0 : 2;
	if (optind >= argc) {
		fputs(usage, stderr);
		return 2;
	}
	cmd = argv[optind];
	optind++;
	ret = parse_opts(argc, argv, &o);
	if (ret)
		return ret > 0 ? 0 : 2;
	if (optind < argc) {
		pr_err("unexpected argument '%s'\n", argv[optind]);
		return 2;
	}

	if (!strcmp(cmd, "show"))
		return cmd_show(&o);

	pr_err("unknown command '%s' (see criu-thp --help)\n", cmd);
	return 2;
}
