/* SPDX-License-Identifier: GPL-2.0 */
/*
 * A VMA's hugepage advice as the image records it (ThpAdvice): its name
 * in smaps's words, the madvise() advice that sets it, and the one
 * conversion to and from each other place that keeps it: smaps's VmFlags
 * (proc_smaps.h) and CRIU's vma_entry.madv.
 */
#ifndef THP_ADVICE_H
#define THP_ADVICE_H

#include <stdint.h>

#ifndef MADV_CLR_HUGEPAGE
#define MADV_CLR_HUGEPAGE	26	/* kernel/ series, patch 1 */
#endif

/* "hg", "nh", "none", or "?" for a value the image format lacks. */
const char *thp_advice_name(int advice);
/* MADV_HUGEPAGE, MADV_NOHUGEPAGE, or MADV_CLR_HUGEPAGE for neither. */
int thp_advice_madv(int advice);
/* The advice smaps's VmFlags show (VMF_HG, VMF_NH), and back. */
int thp_advice_of_vmflags(unsigned int vmflags);
unsigned int thp_advice_vmflags(int advice);
/* The advice of CRIU's vma_entry.madv: bit N set for madvise() advice N. */
int thp_advice_of_madv(uint64_t madv);

#endif /* THP_ADVICE_H */
