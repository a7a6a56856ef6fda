/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The plugin's settings: a config file, then the environment.
 *
 * File: $CRIU_THP_CONFIG, else /etc/criu/thp.conf (may be absent).
 * Lines "key = value"; '#' starts a comment.  Keys:
 *   strict = yes|no        a THP state that cannot be recorded fails the
 *                          dump; one that cannot be restored exactly
 *                          fails the restore (and implies sync)
 *   collapse = sync|async  restore coverage before the task resumes, or
 *                          right after from a detached criu-thp monitor
 *                          (default async: the tasks wait only for the
 *                          monitor to read their images)
 *   monitor = PATH         the criu-thp command for async collapse and
 *                          lazy restores (default THP_MONITOR_DEFAULT)
 *   guard = stop|kill      what the monitor does to a task whose
 *                          lazy-pages daemon died before sending it every
 *                          page (default stop: SIGSTOP)
 *   strategy = default|vma how a lazy restore keeps huge pages off memory
 *                          still arriving: default relies on userfaultfd
 *                          and PR_SET_THP_DISABLE; vma puts nh on every
 *                          lazy VMA until its pages are in, then its own
 *                          advice back (needs the kernel/ series: without
 *                          it, a log line and the default)
 * Environment (wins over the file):
 *   CRIU_THP_STRICT=yes|no, CRIU_THP_COLLAPSE=sync|async,
 *   CRIU_THP_MONITOR=PATH, CRIU_THP_GUARD=stop|kill,
 *   CRIU_THP_STRATEGY=default|vma
 * runc runs criu with its own environment: use the file there.
 */
#ifndef THP_CONFIG_H
#define THP_CONFIG_H

#define THP_CONFIG_DEFAULT	"/etc/criu/thp.conf"
#define THP_CONFIG_ENV		"CRIU_THP_CONFIG"
#define THP_STRICT_ENV		"CRIU_THP_STRICT"
#define THP_COLLAPSE_ENV	"CRIU_THP_COLLAPSE"
#define THP_MONITOR_ENV		"CRIU_THP_MONITOR"
#define THP_GUARD_ENV		"CRIU_THP_GUARD"
#define THP_STRATEGY_ENV	"CRIU_THP_STRATEGY"

#ifndef THP_MONITOR_DEFAULT
#define THP_MONITOR_DEFAULT	"/usr/local/bin/criu-thp"
#endif

enum {
	THP_COLLAPSE_SYNC,
	THP_COLLAPSE_ASYNC,
};

#define THP_COLLAPSE_DEFAULT	THP_COLLAPSE_ASYNC

enum {
	THP_GUARD_STOP,
	THP_GUARD_KILL,
};

enum {
	THP_STRATEGY_DEFAULT,
	THP_STRATEGY_VMA,
};

struct thp_config {
	int strict;
	int collapse;		/* THP_COLLAPSE_* */
	char monitor[256];	/* absolute path of criu-thp */
	int guard;		/* THP_GUARD_* */
	int strategy;		/* THP_STRATEGY_* */
};

/*
 * 0, or -EINVAL after an error message for each bad line or variable
 * (naming the file and line, or the variable).  Either way c holds every
 * setting that could be read, the default for the others: a bad value
 * leaves what came before it (the default, or the file's for a bad
 * variable).
 */
int thp_config_load(struct thp_config *c);
/*
 * Parse one file, every line; -EINVAL if any was bad (each said), a
 * missing file -ENOENT without a message.
 */
int thp_config_read_file(const char *path, struct thp_config *c);

#endif /* THP_CONFIG_H */
