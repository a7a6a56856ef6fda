// SPDX-License-Identifier: GPL-2.0
/*
 * thp_present PID START END
 *
 * Test tool: how many pages of [START, END) (hex) the task has present
 * or swapped, from /proc/PID/pagemap.  A page a lazy restore never sent
 * must stay absent while the task is guarded: a zero page put there would
 * show as present.  Prints the count; exit 0, or 2 on error.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "proc_pagemap.h"

int main(int argc, char **argv)
{
	uint64_t start, end, ent, n = 0;
	int fd;

	if (argc != 4) {
		fprintf(stderr, "usage: thp_present PID START END\n");
		return 2;
	}
	start = strtoull(argv[2], NULL, 16);
	end = strtoull(argv[3], NULL, 16);
	fd = proc_pagemap_open(atoi(argv[1]));
	if (fd < 0) {
		fprintf(stderr, "thp_present: pagemap of %s: %s\n", argv[1],
			strerror(-fd));
		return 2;
	}
	for (; start < end; start += 4096) {
		if (proc_pagemap_read(fd, start, &ent, 1)) {
			fprintf(stderr, "thp_present: cannot read %#" PRIx64 "\n",
				start);
			return 2;
		}
		n += !!(ent & (PM_PRESENT | PM_SWAP));
	}
	close(fd);
	printf("%" PRIu64 "\n", n);
	return 0;
}
