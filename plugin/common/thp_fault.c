// SPDX-License-Identifier: GPL-2.0
/*
 * CRIU_THP_FAULT: faults injected on purpose (thp_fault.h).  An unknown
 * name is reported once and ignored.
 */
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "thp_fault.h"
#include "thp_log.h"

static const char *const names[THP_FAULT_NR] = {
	[THP_FAULT_MONITOR_START] = "monitor-start",
	[THP_FAULT_MONITOR_SLOW] = "monitor-slow",
	[THP_FAULT_MONITOR_GUARDED] = "monitor-guarded",
	[THP_FAULT_MONITOR_COLLAPSE] = "monitor-collapse",
	[THP_FAULT_COLLAPSE_ENOMEM] = "collapse-enomem",
	[THP_FAULT_COLLAPSE_EAGAIN] = "collapse-eagain",
	[THP_FAULT_RESTORE_HOOK] = "restore-hook",
	[THP_FAULT_RECORD_SLOW] = "record-slow",
	[THP_FAULT_RECORD_UNREAD] = "record-unread",
	[THP_FAULT_RESTORE_LOAD] = "restore-load",
	[THP_FAULT_FIX_FAIL] = "fix-fail",
	[THP_FAULT_NO_EXCEPT_ADVISED] = "no-except-advised",
};

static int name_of(const char *s, size_t len)
{
	int i;

	for (i = 0; i < THP_FAULT_NR; i++)
		if (strlen(names[i]) == len && !strncmp(s, names[i], len))
			return i;
	return -1;
}

static unsigned int parse(const char *env)
{
	unsigned int set = 0;
	const char *s = env;
	size_t len;
	int f;

	while (*s) {
		len = strcspn(s, ",");
		f = name_of(s, len);
		if (f >= 0)
			set |= 1u << f;
		else if (len)
			pr_warn("%s: unknown fault '%.*s' ignored\n",
				THP_FAULT_ENV, (int)len, s);
		s += len + (s[len] == ',');
	}
	return set;
}

int thp_fault(enum thp_fault f)
{
	static unsigned int set;
	static int parsed;
	const char *env;

	if (!parsed) {
		env = getenv(THP_FAULT_ENV);
		set = env ? parse(env) : 0;
		parsed = 1;
	}
	return !!(set & (1u << f));
}

void thp_fault_kill(enum thp_fault f)
{
	if (!thp_fault(f))
		return;
	pr_warn("%s=%s: killing myself\n", THP_FAULT_ENV, names[f]);
	raise(SIGKILL);
}

int thp_fault_fail(enum thp_fault f)
{
	if (!thp_fault(f))
		return 0;
	pr_warn("%s=%s: failing here\n", THP_FAULT_ENV, names[f]);
	return 1;
}

void thp_fault_sleep(enum thp_fault f, unsigned int seconds)
{
	static unsigned int slept;

	if (!thp_fault(f) || (slept & (1u << f)))
		return;
	slept |= 1u << f;
	pr_warn("%s=%s: sleeping %u s\n", THP_FAULT_ENV, names[f], seconds);
	while (seconds)
		seconds = sleep(seconds);
}
