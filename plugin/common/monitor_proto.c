// SPDX-License-Identifier: GPL-2.0
/*
 * The plugin-monitor answers (monitor_proto.h).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "monitor_proto.h"

static const struct {
	const char *word, *text;
} answers[MONITOR_PROTO_NR] = {
	[MONITOR_PROTO_GUARDED] = { "guarded", "guarded" },
	[MONITOR_PROTO_NOT_LAZY] = { "not-lazy", "not lazy" },
	[MONITOR_PROTO_NOT_GUARDED] = { "not-guarded", "not guarded" },
	[MONITOR_PROTO_LOAD_FAILED] = { "load-failed", "cannot load" },
};

static int valid(enum monitor_proto_answer a)
{
	return (unsigned int)a < MONITOR_PROTO_NR;
}

const char *monitor_proto_word(enum monitor_proto_answer a)
{
	return valid(a) ? answers[a].word : "?";
}

const char *monitor_proto_text(enum monitor_proto_answer a)
{
	return valid(a) ? answers[a].text : "?";
}

int monitor_proto_format(char *buf, size_t len, pid_t pid,
			 enum monitor_proto_answer a, const char *text)
{
	int n;

	if (!valid(a) || len < 2)
		return -EINVAL;
	n = snprintf(buf, len - 1, "%d %s %s", pid, answers[a].word, text);
	if (n < 0)
		return -EINVAL;
	if ((size_t)n > len - 2)
		n = len - 2;
	buf[n++] = '\n';
	buf[n] = '\0';
	return n;
}

static int parse_word(const char *w, size_t n, enum monitor_proto_answer *a)
{
	int i;

	for (i = 0; i < MONITOR_PROTO_NR; i++) {
		if (strlen(answers[i].word) == n &&
		    !strncmp(w, answers[i].word, n)) {
			*a = i;
			return 0;
		}
	}
	return -EINVAL;
}

int monitor_proto_parse(const char *line, struct monitor_proto_msg *m)
{
	const char *w, *end;
	char *p;
	long pid;

	errno = 0;
	pid = strtol(line, &p, 10);
	if (errno || p == line || *p != ' ' || pid <= 0 || pid != (pid_t)pid)
		return -EINVAL;
	w = p + 1;
	end = strchr(w, ' ');
	if (!end)
		end = w + strlen(w);
	if (parse_word(w, end - w, &m->answer))
		return -EINVAL;
	m->pid = pid;
	snprintf(m->text, sizeof(m->text), "%s", *end ? end + 1 : "");
	return 0;
}
