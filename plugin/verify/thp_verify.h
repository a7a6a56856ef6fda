/* SPDX-License-Identifier: GPL-2.0 */
/*
 * A live task against what it must be: the expected state (thp_expect.h),
 * the live one (thp_record_task()), their differences (thp_diff.h), and a
 * per-VMA table for people.
 */
#ifndef THP_VERIFY_H
#define THP_VERIFY_H

#include <stdio.h>
#include <sys/types.h>

#include "thp.pb-c.h"
#include "thp_coverage.h"
#include "thp_diff.h"
#include "sysfs_thp.h"
#include "thp_expect.h"

struct thp_record_advice;

struct thp_verify {
	pid_t pid;
	unsigned int id;
	struct thp_expect x;
	ThpTaskEntry *live;
	/*
	 * PR_GET_THP_DISABLE of the live task, read by an injected prctl
	 * (thp_fix_prctl_get()) and taken over the /proc reading, which
	 * cannot tell 3 from 0; -1 when not read.
	 */
	int live_prctl;
	struct thp_diffs d;
	/* at the last compare: its VMAs registered with userfaultfd */
	unsigned int uffd_vmas;
	/* set: compare the task as read from maps, advice from here */
	const struct thp_record_advice *advice;
};

/* Where the images are and how this machine is set up. */
struct thp_verify_ctx {
	int dirfd;
	ThpDumpEntry *dump;		/* NULL: dumped without the plugin */
	struct thp_env env;
	char mode[32];			/* what decides for PMD-sized THP */
	int pmd_off;			/* mode is "never": no collapse */
	uint64_t hpage_size;		/* this machine's PMD size */
	/* the record was made with other page or PMD sizes: why, or "" */
	char sizes_differ[128];
};

/*
 * This machine's THP mode for the PMD size, and that size, from sysfs into
 * c (mode, pmd_off, hpage_size), the settings into s: 0, or -errno.
 */
int thp_verify_ctx_mode(struct thp_verify_ctx *c, struct thp_sysfs *s);
/* 0, or a negative errno: thp-dump.img unusable, no THP on this kernel. */
int thp_verify_ctx_open(struct thp_verify_ctx *c, int dirfd);
/*
 * Compare the record's page and PMD sizes with this machine's (c->dump,
 * c->hpage_size): where they differ, c->sizes_differ says how, and every
 * expectation is the advice and prctl only - no chunk is compared.
 */
void thp_verify_ctx_sizes(struct thp_verify_ctx *c);
void thp_verify_ctx_close(struct thp_verify_ctx *c);

/* Load the expected state of pid once; 0 or a negative errno. */
int thp_verify_load(const struct thp_verify_ctx *c, pid_t pid,
		    struct thp_verify *v);
/* Read the live task again and compare; 0 or a negative errno. */
int thp_verify_compare(const struct thp_verify_ctx *c, struct thp_verify *v);
/*
 * Why the live task could not be read for the huge chunks the record
 * knows (khugepaged changed it each time, thp_record.h), or NULL when it
 * was.  The comparison then lists no chunk either way.
 */
const char *thp_verify_unread(const struct thp_verify *v);
/* thp_verify_compare(), up to tries times, pause_ms apart, while unread. */
int thp_verify_compare_settled(const struct thp_verify_ctx *c,
			       struct thp_verify *v, int tries,
			       unsigned int pause_ms);
void thp_verify_free(struct thp_verify *v);

/* The table and each difference; the last line says match or not. */
void thp_verify_print(FILE *f, const struct thp_verify *v);

#endif /* THP_VERIFY_H */
