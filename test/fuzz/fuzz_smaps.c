// SPDX-License-Identifier: GPL-2.0
/*
 * /proc/PID/smaps as the recorder reads it, and one maps line alone.
 */
#include "fuzz.h"
#include "proc_smaps.h"

FUZZ_QUIET()

static int count(const struct smaps_vma *v, void *arg)
{
	if (v->start > v->end)
		abort();
	(*(size_t *)arg)++;
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct smaps_vma v;
	size_t n = 0;
	char *s = fuzz_string(data, size);
	FILE *f = fmemopen(s, size + 1, "r");

	if (!f)
		abort();
	proc_smaps_parse(f, count, &n);
	fclose(f);
	proc_smaps_parse_maps_line(s, &v);
	free(s);
	return 0;
}
