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

static int parse_collapse(const char *s, int *v)
{
	if (!strcasecmp(s, "sync"))
		*v = THP_COLLAPSE_SYNC;
	else if (!strcasecmp(s, "async"))
		*v = THP_COLLAPSE_ASYNC;
	else
		return -EINVAL;
	return 0;
}

static int parse_guard(const char *s, int *v)
{
	if (!strcasecmp(s, "stop"))
		*v = THP_GUARD_STOP;
	else if (!strcasecmp(s, "kill"))
		*v = THP_GUARD_KILL;
	else
		return -EINVAL;
	return 0;
}

static int parse_strategy(const char *s, int *v)
{
	if (!strcasecmp(s, "default"))
		*v = THP_STRATEGY_DEFAULT;
	else if (!strcasecmp(s, "vma"))
		*v = THP_STRATEGY_VMA;
	else
		return -EINVAL;
	return 0;
}

static int parse_path(const char *s, char *v)
{
	if (*s != '/' || strlen(s) >= sizeof(((struct thp_config *)0)->monitor))
		return -EINVAL;
	strcpy(v, s);
	return 0;
}

/* key = value: 0, -ENOENT for an unknown key, -EINVAL for a bad value. */
static int set_key(struct thp_config *c, const char *key, const char *val,
		   const char **expected)
{
	if (!strcmp(key, "strict")) {
		*expected = "yes or no";
		return parse_bool(val, &c->strict);
	}
	if (!strcmp(key, "collapse")) {
		*expected = "sync or async";
		return parse_collapse(val, &c->collapse);
	}
	if (!strcmp(key, "monitor")) {
		*expected = "an absolute path";
		return parse_path(val, c->monitor);
	}
	if (!strcmp(key, "guard")) {
		*expected = "stop or kill";
		return parse_guard(val, &c->guard);
	}
	if (!strcmp(key, "strategy")) {
		*expected = "default or vma";
		return parse_strategy(val, &c->strategy);
	}
	return -ENOENT;
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
	const char *expected = "";
	char *eq, *key, *val;
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
	ret = set_key(c, key, val, &expected);
	if (ret == -ENOENT)
		pr_err("%s:%d: unknown key '%s' (known: strict, collapse, monitor, guard, "
		       "strategy)\n",
		       path, lineno, key);
	else if (ret)
		pr_err("%s:%d: %s = '%s': expected %s\n", path, lineno, key,
		       val, expected);
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
	static const char *const envs[][2] = {
		{ THP_STRICT_ENV, "strict" },
		{ THP_COLLAPSE_ENV, "collapse" },
		{ THP_MONITOR_ENV, "monitor" },
		{ THP_GUARD_ENV, "guard" },
		{ THP_STRATEGY_ENV, "strategy" },
	};
	const char *path = getenv(THP_CONFIG_ENV), *env, *expected;
	size_t i;
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

	for (i = 0; i < sizeof(envs) / sizeof(envs[0]); i++) {
		env = getenv(envs[i][0]);
		if (env && set_key(c, envs[i][1], env, &expected)) {
			pr_err("%s='%s': expected %s\n", envs[i][0], env,
			       expected);
			ret = -EINVAL;
		}
	}
	return ret;
}
