/* SPDX-License-Identifier: GPL-2.0 */
/*
 * A task's PR_SET_THP_DISABLE state, as PR_GET_THP_DISABLE returns it:
 * enabled (0), disabled (1), or - Linux 6.18 and later - disabled except
 * where a VMA says hg (3: 1 | PR_THP_DISABLE_EXCEPT_ADVISED).  A record
 * keeps it in two fields (thp.proto: thp_disabled, thp_except_advised).
 */
#ifndef THP_PRCTL_H
#define THP_PRCTL_H

#include "thp.pb-c.h"

/* PR_THP_DISABLE_EXCEPT_ADVISED, the flag argument of PR_SET_THP_DISABLE */
#define THP_PR_EXCEPT_ADVISED	(1ul << 1)

enum thp_prctl {
	THP_PRCTL_ENABLED		= 0,
	THP_PRCTL_DISABLED		= 1,
	THP_PRCTL_EXCEPT_ADVISED	= 3,
};

static inline int thp_prctl_of(const ThpTaskEntry *e)
{
	if (e->thp_disabled)
		return THP_PRCTL_DISABLED;
	return e->has_thp_except_advised && e->thp_except_advised ?
	       THP_PRCTL_EXCEPT_ADVISED : THP_PRCTL_ENABLED;
}

/* Whether the entry knows 3 from 0 (a live task read by /proc does not). */
static inline int thp_prctl_known(const ThpTaskEntry *e)
{
	return e->thp_disabled || e->has_thp_except_advised;
}

static inline void thp_prctl_put(ThpTaskEntry *e, int mode)
{
	e->thp_disabled = mode == THP_PRCTL_DISABLED;
	e->has_thp_except_advised = 1;
	e->thp_except_advised = mode == THP_PRCTL_EXCEPT_ADVISED;
}

/* PR_SET_THP_DISABLE's two arguments that set mode. */
static inline unsigned long thp_prctl_arg(int mode)
{
	return mode != THP_PRCTL_ENABLED;
}

static inline unsigned long thp_prctl_flags(int mode)
{
	return mode == THP_PRCTL_EXCEPT_ADVISED ? THP_PR_EXCEPT_ADVISED : 0;
}

static inline const char *thp_prctl_name(int mode)
{
	return mode == THP_PRCTL_DISABLED ? "disabled" :
	       mode == THP_PRCTL_EXCEPT_ADVISED ? "except-advised" :
	       "enabled";
}

#endif /* THP_PRCTL_H */
