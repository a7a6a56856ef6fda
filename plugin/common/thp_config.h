/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The plugin's settings: a config file, then the environment.
 *
 * File: $CRIU_THP_CONFIG, else /etc/criu/thp.conf (may be absent).
 * Lines "key = value"; '#' starts a comment.  The keys, and the variable
 * of criu's environment that wins over each, are thp_config_keys[]: the
 * one list of them (test_config checks criu-thp-plugin(7) and thp.conf
 * against it).  runc runs criu with its own environment: use the file
 * there.
 */
#ifndef THP_CONFIG_H
#define THP_CONFIG_H

#define THP_CONFIG_DEFAULT	"/etc/criu/thp.conf"
#define THP_CONFIG_ENV		"CRIU_THP_CONFIG"

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

struct thp_config_key {
	const char *key;	/* in the file */
	const char *env;	/* the variable that wins over it */
	const char *values;	/* what it takes: "yes|no", "PATH", ... */
	int (*set)(struct thp_config *c, const char *val);	/* 0, -EINVAL */
};

/* strict, collapse, monitor, guard, strategy; ended by a NULL key. */
extern const struct thp_config_key thp_config_keys[];

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
