// SPDX-License-Identifier: GPL-2.0
/*
 * CRIU's mm-<id>.img as the plugin reads it: CRIU's image header, one
 * MmEntry of which only the fields images/criu_mm.proto names count,
 * CRIU 4.2's guard-region entries dropped, the VMAs checked.
 */
#include "fuzz.h"
#include "criu_mm.h"

FUZZ_QUIET()

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	CriuMmEntry *e;

	if (criu_mm_decode(data, size, "mm-1.img", &e))
		return 0;
	criu_mm_entry__free_unpacked(e, NULL);
	return 0;
}
