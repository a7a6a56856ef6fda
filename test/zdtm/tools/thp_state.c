// SPDX-License-Identifier: GPL-2.0
/*
 * thp_state PID [NAME START END]...
 *
 * Test tool: print a task's THP state, for each named address range its
 * advice (hg, nh, none, or mixed over several VMAs) and how many KiB of it
 * are PMD-mapped huge pages (smaps AnonHugePages), then the prctl state.
 * Output, one line per range, then one for the task:
 *   NAME START-END ADVICE HUGE_KB
 *   prctl THP_enabled=0|1
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "proc_smaps.h"
#include "proc_status.h"

struct range {
	uint64_t start, end;
	unsigned int seen, hg, nh;
	uint64_t huge_kb;
};

static int account(const struct smaps_vma *v, void *arg)
{
	struct range *r = arg;

	if (v->end <= r->start || v->start >= r->end)
		return 0;
	r->seen++;
	r->hg += !!(v->vmflags & VMF_HG);
	r->nh += !!(v->vmflags & VMF_NH);
	r->huge_kb += v->anon_huge_kb;
	return 0;
}

static const char *advice(const struct range *r)
{
	if (r->hg == r->seen && !r->nh)
		return "hg";
	if (r->nh == r->seen && !r->hg)
		return "nh";
	if (!r->hg && !r->nh)
		return "none";
	return "mixed";
}

int main(int argc, char **argv)
{
	struct proc_status st;
	pid_t pid;
	int i;

	if (argc < 2 || (argc - 2) % 3) {
		fprintf(stderr, "Usage: %s PID [NAME START END]...\n", argv[0]);
		return 2;
	}
	pid = atoi(argv[1]);
	for (i = 2; i < argc; i += 3) {
		struct range r = {
			.start = strtoull(argv[i + 1], NULL, 0),
			.end = strtoull(argv[i + 2], NULL, 0),
		};

		if (smaps_read(pid, account, &r) || !r.seen) {
			fprintf(stderr, "%s: range not mapped in %d\n",
				argv[i], pid);
			return 1;
		}
		printf("%s %" PRIx64 "-%" PRIx64 " %s %" PRIu64 "\n", argv[i],
		       r.start, r.end, advice(&r), r.huge_kb);
	}
	if (proc_status_read(pid, &st))
		return 1;
	printf("prctl THP_enabled=%d\n", st.thp_enabled);
	return 0;
}
