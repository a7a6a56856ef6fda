// SPDX-License-Identifier: GPL-2.0
/*
 * criu-thp: the command line face of the plugin's shared code.  Each
 * command is a table, a parser and a run of its own (cmd_*.c).
 */
#include <stdio.h>

#include "criu_thp_opts.h"

int main(int argc, char **argv)
{
	struct criu_thp_opts o;
	int ret;

	ret = criu_thp_opts_parse(argc, argv, &o);
	if (ret == -2)
		criu_thp_opts_usage(stderr);
	if (!ret)
		ret = o.cmd->run(&o);
	else
		ret = ret > 0 ? 0 : 2;
	criu_thp_opts_free(&o);
	return ret;
}
