// SPDX-License-Identifier: GPL-2.0
/*
 * /proc/PID/status as proc_status.c reads it (THP_enabled, TracerPid,
 * the pending signals, NSpid and the rest).
 */
#include "fuzz.h"
#include "proc_status.h"

FUZZ_QUIET()

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct proc_status st;
	char *s = fuzz_string(data, size);
	FILE *f = fmemopen(s, size + 1, "r");

	if (!f)
		abort();
	proc_status_parse(f, &st);
	fclose(f);
	free(s);
	return 0;
}
