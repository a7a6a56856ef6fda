// SPDX-License-Identifier: GPL-2.0
/*
 * The plugin's settings.
 */
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "thp_config.h"
#include "thp_log.h"

static int parse_bool(const char *s, int *v)
{
	static const char *const yes[] = { "yes", "true", "on", "1" };
	static const char *const no[] = { "no", "false", "off", "0" };
	size_t i;

	for (i = 0; i < sizeof(yes) / sizeof(yes[0]); i++) {
		if (!strcasecmp(s, yes[i])) {
			*v = 1;
			return 0;
		}
		if (!strcasecmp(s, no[i])) {
			*v = 0;
			return 0;
		}
	}
	return -EINVAL;
}

/* One of two words: *v 0 for the first, 1 for the second. */
static int parse_word(const char *s, const char *w0, const char *w1, int *v)
{
	if (!strcasecmp(s, w0))
		*v = 0;
	else if (!strcasecmp(s, w1))
		*v = 1;
	else
		return -EINVAL;
	return 0;
}

static int set_strict(struct thp_config *c, const char *s)
{
	return parse_bool(s, &c->strict);
}

static int set_collapse(struct thp_config *c, const char *s)
{
	int v, ret = parse_word(s, "sync", "async", &v);

	if (!ret)
		c->collapse = v ? THP_COLLAPSE_ASYNC : THP_COLLAPSE_SYNC;
	return ret;
}

static int set_monitor(struct thp_config *c, const char *s)
{
	if (*s != '/' || strlen(s) >= sizeof(c->monitor))
		return -EINVAL;
	strcpy(c->monitor, s);
	return 0;
}

static int set_guard(struct thp_config *c, const char *s)
{
	int v, ret = parse_word(s, "stop", "kill", &v);

	if (!ret)
		c->guard = v ? THP_GUARD_KILL : THP_GUARD_STOP;
	return ret;
}

static int set_strategy(struct thp_config *c, const char *s)
{
	int v, ret = parse_word(s, "default", "vma", &v);

	if (!ret)
		c->strategy = v ? THP_STRATEGY_VMA : THP_STRATEGY_DEFAULT;
	return ret;
}

const struct thp_config_key thp_config_keys[] = {
	{ "strict", "CRIU_THP_STRICT", "yes|no", set_strict },
	{ "collapse", "CRIU_THP_COLLAPSE", "sync|async", set_collapse },
	{ "monitor", "CRIU_THP_MONITOR", "PATH", set_monitor },
	{ "guard", "CRIU_THP_GUARD", "stop|kill", set_guard },
	{ "strategy", "CRIU_THP_STRATEGY", "default|vma", set_strategy },
	{ }
};

static const struct thp_config_key *find_key(const char *key)
{
	const struct thp_config_key *k;

	for (k = thp_config_keys; k->key; k++)
		if (!strcmp(k->key, key))
			return k;
	return NULL;
}

/* The keys, "strict, collapse, ...", for a message. */
static void key_names(char *buf, size_t len)
{
	const struct thp_config_key *k;
	size_t n = 0;

	buf[0] = '\0';
	for (k = thp_config_keys; k->key && n < len; k++)
		n += snprintf(buf + n, len - n, "%s%s", n ? ", " : "", k->key);
}

static char *trim(char *s)
{
	char *end;

	while (isspace((unsigned char)*s))
		s++;
	end = s + strlen(s);
	while (end > s && isspace((unsigned char)end[-1]))
		*--end = '\0';
	return s;
}

static int parse_line(const char *path, int lineno, char *line,
		      struct thp_config *c)
{
	const struct thp_config_key *k;
	char *eq, *key, *val, known[80];
	int ret;

	line[strcspn(line, "#")] = '\0';
	line = trim(line);
	if (!*line)
		return 0;
	eq = strchr(line, '=');
	if (!eq) {
		pr_err("%s:%d: expected 'key = value', got '%s'\n", path,
		       lineno, line);
		return -EINVAL;
	}
	*eq = '\0';
	key = trim(line);
	val = trim(eq + 1);
	k = find_key(key);
	if (!k) {
		key_names(known, sizeof(known));
		pr_err("%s:%d: unknown key '%s' (known: %s)\n", path, lineno,
		       key, known);
		return -EINVAL;
	}
	ret = k->set(c, val);
	if (ret)
		pr_err("%s:%d: %s = '%s': expected %s\n", path, lineno, key,
		       val, k->values);
	return ret ? -EINVAL : 0;
}

int thp_config_read_file(const char *path, struct thp_config *c)
{
	char *line = NULL;
	size_t cap = 0;
	int lineno = 0, ret = 0;
	FILE *f;

	f = fopen(path, "re");
	if (!f)
		return -errno;
	/* every line: one bad line does not lose the good ones after it */
	while (getline(&line, &cap, f) > 0)
		if (parse_line(path, ++lineno, line, c))
			ret = -EINVAL;
	free(line);
	fclose(f);
	return ret;
}

int thp_config_load(struct thp_config *c)
{
	const char *path = getenv(THP_CONFIG_ENV), *env;
	const struct thp_config_key *k;
	int ret;

	memset(c, 0, sizeof(*c));
	c->collapse = THP_COLLAPSE_DEFAULT;
	snprintf(c->monitor, sizeof(c->monitor), "%s", THP_MONITOR_DEFAULT);
	ret = thp_config_read_file(path ? path : THP_CONFIG_DEFAULT, c);
	if (ret == -ENOENT && !path)
		ret = 0;	/* no file: defaults */
	else if (ret && ret != -EINVAL)
		pr_err("%s: %s\n", path ? path : THP_CONFIG_DEFAULT,
		       strerror(-ret));
	if (ret)
		ret = -EINVAL;

	for (k = thp_config_keys; k->key; k++) {
		env = getenv(k->env);
		if (env && k->set(c, env)) {
			pr_err("%s='%s': expected %s\n", k->env, env, k->values);
			ret = -EINVAL;
		}
	}
	return ret;
}
