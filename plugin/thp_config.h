/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The plugin's settings: a config file, then the environment.
 *
 * File: $CRIU_THP_CONFIG, else /etc/criu/thp.conf (may be absent).
 * Lines "key = value"; '#' starts a comment.  Keys:
 *   strict = yes|no   a THP state that cannot be recorded fails the dump
 * Environment (wins over the file):
 *   CRIU_THP_STRICT=yes|no
 * runc runs criu with its own environment: use the file there.
 */
#ifndef THP_CONFIG_H
#define THP_CONFIG_H

#define THP_CONFIG_DEFAULT	"/etc/criu/thp.conf"
#define THP_CONFIG_ENV		"CRIU_THP_CONFIG"
#define THP_STRICT_ENV		"CRIU_THP_STRICT"

struct thp_config {
	int strict;
};

/* 0, or -EINVAL after an error message naming the file and line. */
int thp_config_load(struct thp_config *c);
/* Parse one file; a missing file is -ENOENT without a message. */
int thp_config_read_file(const char *path, struct thp_config *c);

#endif /* THP_CONFIG_H */
