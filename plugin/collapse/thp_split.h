/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Making huge chunks small again from outside the task, in place: a
 * process_madvise() with MADV_COLD over the first page of each chunk.  A
 * range that covers only part of a PMD-mapped THP makes the kernel split
 * the THP into small pages (madvise_cold_or_pageout_pte_range(), Linux
 * 5.4 and later), provided no other process maps it; the one page advised
 * is then only moved to the inactive list.  Nothing is copied, the data
 * stays where it is, and the task may run or be stopped.
 *
 * Without CAP_SYS_NICE the same advice is injected (madv_local.h).
 *
 * The call succeeds whether or not the kernel split the THP (a THP shared
 * with another process is left whole): compare the task again after.
 */
#ifndef THP_SPLIT_H
#define THP_SPLIT_H

#include <stddef.h>
#include <stdint.h>

struct thp_collapse;

/*
 * Split the chunks at addr[0..n) of the task c is open on.  0, or a
 * negative errno from the advice (-ESRCH: the task is gone).
 */
int thp_split_chunks(const struct thp_collapse *c, const uint64_t *addr,
		     size_t n);

#endif /* THP_SPLIT_H */
