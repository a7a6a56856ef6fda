// SPDX-License-Identifier: GPL-2.0
/*
 * /sys/kernel/mm/transparent_hugepage as sysfs_thp.c reads it: the input,
 * split at NUL bytes, becomes the files enabled, defrag, hpage_pmd_size,
 * shmem_enabled and khugepaged/max_ptes_none of a directory (a part
 * missing, the file missing); then the whole input as one "[selected]"
 * line.
 */
#include <limits.h>
#include <sys/stat.h>

#include "fuzz.h"
#include "sysfs_thp.h"

FUZZ_QUIET()

static const char *const files[] = {
	"enabled", "defrag", "hpage_pmd_size", "shmem_enabled",
	"khugepaged/max_ptes_none",
};

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *dir = fuzz_dir();
	const uint8_t *p = data, *end = data + size, *nul;
	char path[PATH_MAX], word[32], *s;
	struct thp_sysfs st;
	size_t i;

	snprintf(path, sizeof(path), "%s/khugepaged", dir);
	mkdir(path, 0700);
	for (i = 0; i < sizeof(files) / sizeof(files[0]); i++) {
		snprintf(path, sizeof(path), "%s/%s", dir, files[i]);
		if (p > end) {
			unlink(path);
			continue;
		}
		nul = memchr(p, '\0', end - p);
		if (!nul)
			nul = end;
		fuzz_file(path, p, nul - p);
		p = nul + 1;
	}
	if (!sysfs_thp_read(dir, &st) &&
	    (!st.hpage_size || st.hpage_size & (st.hpage_size - 1)))
		abort();
	s = fuzz_string(data, size);
	sysfs_thp_selected(s, word, sizeof(word));
	free(s);
	return 0;
}
