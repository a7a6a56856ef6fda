// SPDX-License-Identifier: GPL-2.0
/*
 * thp-dump.img as the plugin and criu-thp decode it: header, protobuf,
 * then the checks (task ids sorted and unique, the settings strings).
 */
#include "fuzz.h"
#include "thp_image.h"

FUZZ_QUIET()

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	ThpDumpEntry *e;

	if (thp_image_decode_dump(data, size, "thp-dump.img", &e))
		return 0;
	thp_dump_entry__free_unpacked(e, NULL);
	return 0;
}
