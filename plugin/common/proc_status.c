// SPDX-License-Identifier: GPL-2.0
/*
 * /proc/PID/status parser.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "proc_status.h"

/* The last whitespace-separated number of a line, e.g. of "NSpid:". */
static int last_number(const char *s, pid_t *val)
{
	const char *p = s + strlen(s);
	char *end;
	long v;

	while (p > s && (p[-1] == '\n' || p[-1] == ' ' || p[-1] == '\t'))
		p--;
	while (p > s && p[-1] >= '0' && p[-1] <= '9')
		p--;
	errno = 0;
	v = strtol(p, &end, 10);
	if (end == p || errno || v < 0)
		return -1;
	*val = v;
	return 0;
}

static int parse_line(const char *line, struct proc_status *st,
		      unsigned int *seen)
{
	int v;

	if (sscanf(line, "Tgid: %d", &v) == 1) {
		st->tgid = v;
		*seen |= 1;
	} else if (sscanf(line, "PPid: %d", &v) == 1) {
		st->ppid = v;
	} else if (sscanf(line, "TracerPid: %d", &v) == 1) {
		st->tracer = v;
		*seen |= 2;
	} else if (!strncmp(line, "NSpid:", 6)) {
		if (last_number(line + 6, &st->nspid))
			return -EINVAL;
	} else if (sscanf(line, "THP_enabled: %d", &v) == 1) {
		if (v != 0 && v != 1)
			return -EINVAL;
		st->thp_enabled = v;
	} else if (!strncmp(line, "SigPnd:", 7)) {
		st->sigpnd = strtoull(line + 7, NULL, 16);
	} else if (!strncmp(line, "ShdPnd:", 7)) {
		st->shdpnd = strtoull(line + 7, NULL, 16);
	} else if (!strncmp(line, "SigBlk:", 7)) {
		st->sigblk = strtoull(line + 7, NULL, 16);
	} else if (!strncmp(line, "HugetlbPages:", 13)) {
		st->hugetlb_kb = strtoull(line + 13, NULL, 10);
	} else if (!strncmp(line, "State:", 6)) {
		if (sscanf(line + 6, " %c", &st->state) != 1)
			st->state = '?';
	}
	return 0;
}

int proc_status_parse(FILE *f, struct proc_status *st)
{
	unsigned int seen = 0;
	char line[512];

	memset(st, 0, sizeof(*st));
	st->thp_enabled = -1;
	while (fgets(line, sizeof(line), f)) {
		if (parse_line(line, st, &seen))
			return -EINVAL;
	}
	if (seen != 3)
		return -EINVAL;
	if (!st->nspid)		/* kernels before 4.1 have no NSpid */
		st->nspid = st->tgid;
	return 0;
}

int proc_status_read(pid_t pid, struct proc_status *st)
{
	char path[64];
	FILE *f;
	int ret;

	snprintf(path, sizeof(path), "/proc/%d/status", pid);
	f = fopen(path, "re");
	if (!f)
		return -errno;
	ret = proc_status_parse(f, st);
	fclose(f);
	return ret;
}
