// SPDX-License-Identifier: GPL-2.0
/*
 * thp-<id>.img as the plugin and criu-thp decode it: header, protobuf,
 * then the checks (VMAs sorted and apart, chunk runs inside their VMA).
 * A decoded entry also goes through the comparison with itself, which
 * must find no difference (but "coverage unknown" when it has none).
 */
#include "fuzz.h"
#include "thp_diff.h"
#include "thp_image.h"

FUZZ_QUIET()

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct thp_diffs d = { };
	ThpTaskEntry *e;

	if (thp_image_decode_task(data, size, "thp-1.img", &e))
		return 0;
	if (thp_diff_tasks(e, e, &d) || d.n != !e->coverage_known)
		abort();
	thp_diff_free(&d);
	thp_task_entry__free_unpacked(e, NULL);
	return 0;
}
