/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Helpers shared by the THP zdtm tests.  Header-only, so each test still
 * builds from its own .c under CRIU's zdtm Makefile.
 */
#ifndef THP_TEST_H
#define THP_TEST_H

#include <inttypes.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#include "thp_mem.h"
#include "zdtmtst.h"

enum thp_adv { ADV_NONE, ADV_HG, ADV_NH, ADV_MIXED };

static inline const char *thp_adv_name(enum thp_adv a)
{
	static const char *const names[] = { "none", "hg", "nh", "mixed" };

	return names[a];
}

static inline enum thp_adv thp_adv_merge(enum thp_adv acc, int first,
					 enum thp_adv v)
{
	return first || acc == v ? v : ADV_MIXED;
}

struct thp_range_acc {
	enum thp_adv adv;
	int first;
	uint64_t kb;
	const char *field;	/* the field summed in kb */
};

static inline void thp_range_line(const char *line, uint64_t s, uint64_t e,
				  void *arg)
{
	struct thp_range_acc *a = arg;
	size_t flen = strlen(a->field);
	uint64_t v;

	(void)s;
	(void)e;
	if (!strncmp(line, a->field, flen) &&
	    sscanf(line + flen, " %" SCNu64, &v) == 1)
		a->kb += v;
	if (strncmp(line, "VmFlags:", 8))
		return;
	a->adv = thp_adv_merge(a->adv, a->first,
			       strstr(line, " hg") ? ADV_HG :
			       strstr(line, " nh") ? ADV_NH : ADV_NONE);
	a->first = 0;
}

/*
 * The VMA advice and the sum of an smaps field (KiB) over [addr,
 * addr+len), in one pass over /proc/self/smaps; -1 if no VMA overlaps the
 * range.
 */
static inline int thp_range_field(void *addr, size_t len, const char *field,
				  enum thp_adv *adv, uint64_t *kb)
{
	struct thp_range_acc a = { .adv = ADV_NONE, .first = 1,
				   .field = field };
	uint64_t lo = (uintptr_t)addr;

	if (thp_smaps_each(lo, lo + len, thp_range_line, &a) <= 0)
		return -1;
	*adv = a.adv;
	*kb = a.kb;
	return 0;
}

/* The VMA advice and AnonHugePages (KiB) over [addr, addr+len). */
static inline int thp_range_state(void *addr, size_t len, enum thp_adv *adv,
				  uint64_t *kb)
{
	return thp_range_field(addr, len, "AnonHugePages:", adv, kb);
}

/* The sum of an smaps field (KiB) over [addr, addr+len). */
static inline int thp_range_field_kb(void *addr, size_t len,
				     const char *field, uint64_t *kb)
{
	enum thp_adv adv;

	return thp_range_field(addr, len, field, &adv, kb);
}

static inline int thp_range_advice(void *addr, size_t len, enum thp_adv *adv)
{
	uint64_t kb;

	return thp_range_state(addr, len, adv, &kb);
}

static inline int thp_range_huge_kb(void *addr, size_t len, uint64_t *kb)
{
	enum thp_adv adv;

	return thp_range_state(addr, len, &adv, kb);
}

/* THP_enabled of /proc/self/status: 1, 0, or -1 if missing. */
static inline int thp_status_enabled(void)
{
	char line[128];
	int v = -1;
	FILE *f;

	f = fopen("/proc/self/status", "r");
	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f))
		if (sscanf(line, "THP_enabled: %d", &v) == 1)
			break;
	fclose(f);
	return v;
}

/* The sysfs THP mode is "always" (else madvise or never). */
static inline int thp_mode_always(void)
{
	char buf[64] = "";
	FILE *f;

	f = fopen("/sys/kernel/mm/transparent_hugepage/enabled", "r");
	if (!f)
		return 0;
	if (!fgets(buf, sizeof(buf), f))
		buf[0] = '\0';
	fclose(f);
	return strstr(buf, "[always]") != NULL;
}

/*
 * The CRIU that restores the test is at least major.minor: the runner
 * says which in $THP_CRIU_VERSION ("4.1.1"); without it, 3.17.1.
 */
static inline int thp_criu_at_least(int major, int minor)
{
	const char *v = getenv("THP_CRIU_VERSION");
	int ma = 3, mi = 17;

	if (v && sscanf(v, "%d.%d", &ma, &mi) < 1)
		ma = 3, mi = 17;
	return ma > major || (ma == major && mi >= minor);
}

#endif /* THP_TEST_H */
