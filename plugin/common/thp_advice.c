// SPDX-License-Identifier: GPL-2.0
/*
 * Hugepage advice names and madvise() values (thp_advice.h).
 */
#include <sys/mman.h>

#include "thp.pb-c.h"
#include "thp_advice.h"

const char *thp_advice_name(int advice)
{
	switch (advice) {
	case THP_ADVICE__HUGE:
		return "hg";
	case THP_ADVICE__NOHUGE:
		return "nh";
	case THP_ADVICE__NONE:
		return "none";
	}
	return "?";
}

int thp_advice_madv(int advice)
{
	switch (advice) {
	case THP_ADVICE__HUGE:
		return MADV_HUGEPAGE;
	case THP_ADVICE__NOHUGE:
		return MADV_NOHUGEPAGE;
	}
	return MADV_CLR_HUGEPAGE;
}
