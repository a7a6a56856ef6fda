// SPDX-License-Identifier: GPL-2.0
/*
 * thp.conf as the plugin reads it (thp_config_read_file()): "key =
 * value" lines, comments, blanks; a bad line is an error, never a crash.
 */
#include <limits.h>

#include "fuzz.h"
#include "thp_config.h"

FUZZ_QUIET()

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct thp_config c = { };
	char path[PATH_MAX];

	snprintf(path, sizeof(path), "%s/thp.conf", fuzz_dir());
	fuzz_file(path, data, size);
	if (!thp_config_read_file(path, &c) && c.monitor[0] &&
	    c.monitor[0] != '/')
		abort();
	return 0;
}
