/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The THP state a restored task must have, as a thp_task_entry.
 *
 * From the plugin's record (thp-<id>.img) when the dump had the plugin.
 * Otherwise - no record, or a missing or corrupt one - from CRIU's own
 * mm-<id>.img: each VMA's hg/nh bits and the prctl state, with coverage
 * by rule: every chunk the kernel would make huge (private anonymous, not
 * nh, THP not disabled for the process, and "always" mode or an hg VMA)
 * whose 512 pages are all in now.  A record whose coverage could not be
 * read at dump gets its coverage by the same rule.
 */
#ifndef THP_EXPECT_H
#define THP_EXPECT_H

#include <sys/types.h>

#include "thp.pb-c.h"

enum thp_expect_source {
	THP_EXPECT_RECORD,	/* thp-<id>.img */
	THP_EXPECT_CRIU_MM,	/* CRIU's mm-<id>.img */
};

struct thp_expect {
	ThpTaskEntry *e;
	enum thp_expect_source source;
	int coverage_by_rule;	/* coverage was not recorded at dump */
	char note[256];		/* why a fallback was taken, or "" */
};

/*
 * Load what task pid (image id) must look like.  dump is the decoded
 * thp-dump.img, or NULL for a dump made without the plugin; mode is the
 * "enabled" THP setting of this machine, for the coverage rule.
 * 0, or a negative errno (with a message) when neither image is usable.
 */
int thp_expect_load(int dirfd, const ThpDumpEntry *dump, unsigned int id,
		    pid_t pid, const char *mode, struct thp_expect *x);
void thp_expect_free(struct thp_expect *x);

/*
 * A record says "enabled" for a task in the except-advised state (3): its
 * /proc status reads THP_enabled 1.  CRIU's mm-<id>.img says disabled for
 * 1 and 3 alike (a bool of PR_GET_THP_DISABLE): the pair tells 3.  Sets
 * e's thp_except_advised from the mm image when the record has none.
 */
void thp_expect_prctl_from_mm(int dirfd, ThpTaskEntry *e);

static inline const char *thp_expect_source_name(const struct thp_expect *x)
{
	return x->source == THP_EXPECT_RECORD ? "thp record" :
						"CRIU mm image";
}

/* The chunks the rule of this header would make huge in one VMA. */
int thp_expect_rule_vma(ThpVmaEntry *v, int thp_disabled, const char *mode,
			int pagemap_fd);

#endif /* THP_EXPECT_H */
