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

struct ranges {
	struct range *r;
	int nr;
};

/* One pass over smaps accounts every VMA to every range it overlaps. */
static int account(const struct smaps_vma *v, void *arg)
{
	struct ranges *rs = arg;
	int i;

	for (i = 0; i < rs->nr; i++) {
		struct range *r = &rs->r[i];

		if (v->end <= r->start || v->start >= r->end)
			continue;
		r->seen++;
		r->hg += !!(v->vmflags & VMF_HG);
		r->nh += !!(v->vmflags & VMF_NH);
		r->huge_kb += v->anon_huge_kb;
	}
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
	struct ranges rs;
	pid_t pid;
	int i;

	if (argc < 2 || (argc - 2) % 3) {
		fprintf(stderr, "Usage: %s PID [NAME START END]...\n", argv[0]);
		return 2;
	}
	pid = atoi(argv[1]);
	rs.nr = (argc - 2) / 3;
	rs.r = calloc(rs.nr ? rs.nr : 1, sizeof(*rs.r));
	if (!rs.r)
		return 1;
	for (i = 0; i < rs.nr; i++) {
		rs.r[i].start = strtoull(argv[2 + 3 * i + 1], NULL, 0);
		rs.r[i].end = strtoull(argv[2 + 3 * i + 2], NULL, 0);
	}
	if (proc_smaps_read(pid, account, &rs)) {
		fprintf(stderr, "cannot read the smaps of %d\n", pid);
		return 1;
	}
	for (i = 0; i < rs.nr; i++) {
		const struct range *r = &rs.r[i];

		if (!r->seen) {
			fprintf(stderr, "%s: range not mapped in %d\n",
				argv[2 + 3 * i], pid);
			return 1;
		}
		printf("%s %" PRIx64 "-%" PRIx64 " %s %" PRIu64 "\n",
		       argv[2 + 3 * i], r->start, r->end, advice(r), r->huge_kb);
	}
	free(rs.r);
	if (proc_status_read(pid, &st))
		return 1;
	printf("prctl THP_enabled=%d\n", st.thp_enabled);
	return 0;
}
