// SPDX-License-Identifier: GPL-2.0
/*
 * criu-thp's command line (criu_thp_opts_parse()): the input, split at NUL
 * bytes, is the argument vector after "criu-thp".  --help and --version
 * print to stdout, which goes to /dev/null here.
 */
#include <getopt.h>

#include "criu_thp_opts.h"
#include "fuzz.h"

#define MAX_ARGS	64

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	thp_log_level = -1;
	opterr = 0;
	if (!freopen("/dev/null", "w", stdout))
		abort();
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *s = fuzz_string(data, size), *argv[MAX_ARGS + 2];
	struct criu_thp_opts o;
	size_t off = 0;
	int argc = 1;

	thp_log_level = -1;	/* -v raises it */
	argv[0] = "criu-thp";
	while (off <= size && argc <= MAX_ARGS) {
		argv[argc++] = s + off;
		off += strlen(s + off) + 1;
	}
	argv[argc] = NULL;
	if (!criu_thp_opts_parse(argc, argv, &o) &&
	    (!o.cmd || !o.cmd->run))
		abort();
	criu_thp_opts_free(&o);
	free(s);
	return 0;
}
