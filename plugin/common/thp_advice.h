/* SPDX-License-Identifier: GPL-2.0 */
/*
 * A VMA's hugepage advice as the image records it (ThpAdvice): its name
 * in smaps's words, and the madvise() advice that sets it.
 */
#ifndef THP_ADVICE_H
#define THP_ADVICE_H

#ifndef MADV_CLR_HUGEPAGE
#define MADV_CLR_HUGEPAGE	26	/* kernel/ series, patch 1 */
#endif

/* "hg", "nh", "none", or "?" for a value the image format lacks. */
const char *thp_advice_name(int advice);
/* MADV_HUGEPAGE, MADV_NOHUGEPAGE, or MADV_CLR_HUGEPAGE for neither. */
int thp_advice_madv(int advice);

#endif /* THP_ADVICE_H */
