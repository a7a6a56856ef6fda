// SPDX-License-Identifier: GPL-2.0
/*
 * Moving a process into another process's cgroups, in every hierarchy
 * (cgroup v1 and v2) where the two differ: /proc/PID/cgroup names the
 * cgroups, /proc/PID/mountinfo where each hierarchy is mounted, and
 * /proc/PID/root reaches them as that process sees them (the mover may
 * be in another mount namespace: criu restoring a container is).
 */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "proc_cgroup.h"
#include "thp_log.h"

#define CG_MAX	32

struct cg {
	unsigned int id;
	char ctrl[128];			/* "memory", "cpu,cpuacct", "" (v2) */
	char path[PATH_MAX];
};

/* "ID:CONTROLLERS:PATH" lines; the number read, or a negative errno. */
static int cg_read(pid_t pid, struct cg *v, int max)
{
	char file[64], *line = NULL, *c1, *c2;
	size_t cap = 0;
	int n = 0;
	FILE *f;

	snprintf(file, sizeof(file), "/proc/%d/cgroup", pid);
	f = fopen(file, "re");
	if (!f)
		return -errno;
	while (n < max && getline(&line, &cap, f) > 0) {
		line[strcspn(line, "\n")] = '\0';
		c1 = strchr(line, ':');
		c2 = c1 ? strchr(c1 + 1, ':') : NULL;
		if (!c2)
			continue;
		*c1 = *c2 = '\0';
		v[n].id = strtoul(line, NULL, 10);
		snprintf(v[n].ctrl, sizeof(v[n].ctrl), "%s", c1 + 1);
		snprintf(v[n].path, sizeof(v[n].path), "%s", c2 + 1);
		n++;
	}
	free(line);
	fclose(f);
	return n;
}

/* item (len bytes) is one of the comma-separated items of list. */
static int has_item(const char *list, const char *item, size_t len)
{
	size_t n;

	for (;;) {
		n = strcspn(list, ",");
		if (n == len && !strncmp(list, item, len))
			return 1;
		if (!list[n])
			return 0;
		list += n + 1;
	}
}

/* Every comma-separated item of want is among those of have. */
static int all_in(const char *want, const char *have)
{
	size_t len;

	for (;;) {
		len = strcspn(want, ",");
		if (len && !has_item(have, want, len))
			return 0;
		if (!want[len])
			return 1;
		want += len + 1;
	}
}

/*
 * A mountinfo line: "ID PARENT MAJ:MIN ROOT MOUNTPOINT OPTS [TAGS] - TYPE
 * SOURCE SUPEROPTS".  1 and root, mnt set if it mounts hierarchy c.
 */
static int mounts(char *line, const struct cg *c, char **root, char **mnt)
{
	char *f[6], *dash, *type, *super, *save;
	int i;

	dash = strstr(line, " - ");
	if (!dash)
		return 0;
	*dash = '\0';
	f[0] = strtok_r(line, " ", &save);
	for (i = 1; i < 6 && f[i - 1]; i++)
		f[i] = strtok_r(NULL, " ", &save);
	type = strtok_r(dash + 3, " ", &save);
	strtok_r(NULL, " ", &save);
	super = strtok_r(NULL, "\n ", &save);
	if (i < 6 || !f[4] || !type || !super)
		return 0;
	if (c->id == 0 ? strcmp(type, "cgroup2") :
	    strcmp(type, "cgroup") || !all_in(c->ctrl, super))
		return 0;
	*root = f[3];
	*mnt = f[4];
	return 1;
}

/* Write our pid into DIR/cgroup.procs; 0 or a negative errno. */
static int cg_write(const char *dir, char *file, size_t len)
{
	FILE *f;

	snprintf(file, len, "%s/cgroup.procs", dir);
	f = fopen(file, "we");
	if (!f)
		return -errno;
	fprintf(f, "%d\n", getpid());
	return fclose(f) ? -errno : 0;
}

/*
 * Join cgroup c of pid through each mount of its hierarchy that pid has,
 * until one takes us (a mount may be hidden under a later one); 0, or a
 * negative errno with file naming what failed.
 */
static int cg_enter(pid_t pid, const struct cg *c, char *file, size_t len)
{
	char *line = NULL, *root, *mnt, dir[PATH_MAX];
	size_t cap = 0, rl;
	int ret = -ENOENT;
	FILE *f;

	snprintf(file, len, "/proc/%d/mountinfo", pid);
	f = fopen(file, "re");
	if (!f)
		return -errno;
	while (ret && getline(&line, &cap, f) > 0) {
		if (!mounts(line, c, &root, &mnt))
			continue;
		rl = strcmp(root, "/") ? strlen(root) : 0;
		if (strncmp(c->path, root, rl) ||
		    (c->path[rl] && c->path[rl] != '/'))
			continue;
		snprintf(dir, sizeof(dir), "/proc/%d/root%s%s", pid, mnt,
			 c->path + rl);
		ret = cg_write(dir, file, len);
	}
	free(line);
	fclose(f);
	return ret;
}

static const struct cg *cg_find(const struct cg *v, int n, const struct cg *c)
{
	int i;

	for (i = 0; i < n; i++)
		if (v[i].id == c->id && !strcmp(v[i].ctrl, c->ctrl))
			return &v[i];
	return NULL;
}

int proc_cgroup_follow(pid_t pid)
{
	char file[PATH_MAX + 16];
	struct cg *mine, *theirs;
	const struct cg *m;
	int nm, nt, i, moved = 0, ret;

	mine = calloc(2 * CG_MAX, sizeof(*mine));
	if (!mine)
		return -ENOMEM;
	theirs = mine + CG_MAX;
	nm = cg_read(getpid(), mine, CG_MAX);
	nt = cg_read(pid, theirs, CG_MAX);
	if (nm < 0 || nt < 0) {
		ret = nm < 0 ? nm : nt;
		goto out;
	}
	for (i = 0; i < nt; i++) {
		m = cg_find(mine, nm, &theirs[i]);
		if (!m || !strcmp(m->path, theirs[i].path))
			continue;
		ret = cg_enter(pid, &theirs[i], file, sizeof(file));
		if (ret) {
			pr_warn("cannot leave cgroup %s%s%s for %s: %s: %s\n",
				m->ctrl, *m->ctrl ? ":" : "", m->path,
				theirs[i].path, file, ret == -ENOENT &&
				strstr(file, "mountinfo") ? "hierarchy not mounted" :
				strerror(-ret));
			continue;
		}
		pr_info("left cgroup %s%s%s for %s\n", m->ctrl,
			*m->ctrl ? ":" : "", m->path, theirs[i].path);
		moved++;
	}
	ret = moved;
out:
	free(mine);
	return ret;
}
