/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The THP settings in /sys/kernel/mm/transparent_hugepage.
 */
#ifndef SYSFS_THP_H
#define SYSFS_THP_H

#include <stddef.h>
#include <stdint.h>

#define THP_SYSFS_DIR	"/sys/kernel/mm/transparent_hugepage"

struct thp_sysfs {
	char enabled[32];		/* the selected word, e.g. "madvise" */
	char defrag[32];
	char shmem_enabled[32];		/* "" if the kernel has none */
	int max_ptes_none;		/* -1 if the kernel has none */
	uint64_t hpage_size;		/* hpage_pmd_size */
	/*
	 * hugepages-<hpage_size in kB>/enabled: "inherit" (the top level
	 * decides) or its own word; "" before Linux 6.8 (no such control)
	 */
	char pmd_enabled[32];
};

/*
 * Read the settings under dir (THP_SYSFS_DIR but for tests); 0, -ENOENT
 * for a kernel without THP, or -EINVAL naming the file that makes no sense.
 */
int sysfs_thp_read(const char *dir, struct thp_sysfs *s);

/*
 * The setting that decides for PMD-sized THP: the per-size control where
 * it says more than "inherit" (its "never" overrides a top-level
 * "always", its "always" a top-level "never"), else the top level.
 */
const char *sysfs_thp_pmd_mode(const struct thp_sysfs *s);

/*
 * A size below the PMD's is enabled under dir (its control always or
 * madvise, or inherit with the top level not never): anonymous memory
 * may sit in large folios of that size.  1 or 0.
 */
int sysfs_thp_mthp_on(const char *dir);

/* "always [madvise] never" -> "madvise"; 0 or -EINVAL. */
int sysfs_thp_selected(const char *text, char *word, size_t len);

#endif /* SYSFS_THP_H */
