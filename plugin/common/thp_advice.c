// SPDX-License-Identifier: GPL-2.0
/*
 * Hugepage advice names and madvise() values (thp_advice.h).
 */
#include <sys/mman.h>

#include "proc_smaps.h"
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

int thp_advice_of_vmflags(unsigned int vmflags)
{
	if (vmflags & VMF_HG)
		return THP_ADVICE__HUGE;
	if (vmflags & VMF_NH)
		return THP_ADVICE__NOHUGE;
	return THP_ADVICE__NONE;
}

unsigned int thp_advice_vmflags(int advice)
{
	switch (advice) {
	case THP_ADVICE__HUGE:
		return VMF_HG;
	case THP_ADVICE__NOHUGE:
		return VMF_NH;
	}
	return 0;
}

int thp_advice_of_madv(uint64_t madv)
{
	if (madv & (1ull << MADV_HUGEPAGE))
		return THP_ADVICE__HUGE;
	if (madv & (1ull << MADV_NOHUGEPAGE))
		return THP_ADVICE__NOHUGE;
	return THP_ADVICE__NONE;
}
