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
	char *eq, *key, *val;

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
	if (strcmp(key, "strict")) {
		pr_err("%s:%d: unknown key '%s' (known: strict)\n", path,
		       lineno, key);
		return -EINVAL;
	}
	if (parse_bool(val, &c->strict)) {
		pr_err("%s:%d: strict = '%s': expected yes or no\n", path,
		       lineno, val);
		return -EINVAL;
	}
	return 0;
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
	while (!ret && getline(&line, &cap, f) > 0)
		ret = parse_line(path, ++lineno, line, c);
	free(line);
	fclose(f);
	return ret;
}

int thp_config_load(struct thp_config *c)
{
	const char *path = getenv(THP_CONFIG_ENV), *env;
	int ret;

	c->strict = 0;
	ret = thp_config_read_file(path ? path : THP_CONFIG_DEFAULT, c);
	if (ret == -ENOENT && !path)
		ret = 0;	/* no file: defaults */
	else if (ret && ret != -EINVAL)
		pr_err("%s: %s\n", path ? path : THP_CONFIG_DEFAULT,
		       strerror(-ret));
	if (ret)
		return -EINVAL;

	env = getenv(THP_STRICT_ENV);
	if (env && parse_bool(env, &c->strict)) {
		pr_err("%s='%s': expected yes or no\n", THP_STRICT_ENV, env);
		return -EINVAL;
	}
	return 0;
}
