// SPDX-License-Identifier: GPL-2.0
/*
 * /proc/PID/smaps parser.
 */
#include <ctype.h>
#include <errno.h>
#include <inttypes.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "proc_smaps.h"

static const struct {
	char name[3];
	unsigned int bit;
} vmflag_names[] = {
	{ "hg", VMF_HG }, { "nh", VMF_NH }, { "um", VMF_UM },
	{ "uw", VMF_UW }, { "ui", VMF_UI }, { "sh", VMF_SH },
	{ "pf", VMF_PF }, { "io", VMF_IO }, { "dd", VMF_DD },
	{ "ht", VMF_HT },
};

unsigned int proc_smaps_parse_vmflags(const char *s)
{
	unsigned int flags = 0, i;

	for (;;) {
		while (*s == ' ' || *s == '\t')
			s++;
		if (!s[0] || s[0] == '\n' || !s[1])
			break;
		for (i = 0; i < sizeof(vmflag_names) / sizeof(vmflag_names[0]); i++)
			if (s[0] == vmflag_names[i].name[0] &&
			    s[1] == vmflag_names[i].name[1] &&
			    (s[2] == ' ' || s[2] == '\n' || !s[2]))
				flags |= vmflag_names[i].bit;
		while (*s && *s != ' ' && *s != '\n')
			s++;
	}
	return flags;
}

/*
 * The number in base at *p, which sep must follow; *p moves past sep.
 * 0, or -EINVAL.  (sscanf() cost a microsecond a line: 64,000 VMAs.)
 */
static int number_then(const char **p, int base, char sep, uint64_t *val)
{
	char *end;

	if (!isxdigit((unsigned char)**p))
		return -EINVAL;
	errno = 0;
	*val = strtoull(*p, &end, base);
	if (errno || *end != sep)
		return -EINVAL;
	*p = end + 1;
	return 0;
}

/* "start-end perms pgoff major:minor inode [path]" */
int proc_smaps_parse_maps_line(const char *line, struct smaps_vma *v)
{
	const char *p = line;
	uint64_t major, minor;
	char *end;

	memset(v, 0, offsetof(struct smaps_vma, path));
	if (number_then(&p, 16, '-', &v->start) ||
	    number_then(&p, 16, ' ', &v->end) || v->start >= v->end ||
	    strnlen(p, 5) < 5 || p[4] != ' ')
		return -EINVAL;
	memcpy(v->perms, p, 4);
	p += 5;
	if (number_then(&p, 16, ' ', &v->pgoff) ||
	    number_then(&p, 16, ':', &major) ||
	    number_then(&p, 16, ' ', &minor) || major > UINT_MAX ||
	    minor > UINT_MAX)
		return -EINVAL;
	/* the inode ends the line or precedes the path */
	if (!isdigit((unsigned char)*p))
		return -EINVAL;
	v->inode = strtoul(p, &end, 10);
	if (*end && *end != ' ' && *end != '\n')
		return -EINVAL;
	v->dev_major = major;
	v->dev_minor = minor;
	p = end;
	while (*p == ' ' || *p == '\t')
		p++;
	snprintf(v->path, sizeof(v->path), "%s", p);
	v->path[strcspn(v->path, "\n")] = '\0';
	return 0;
}

static int is_header(const char *line)
{
	const char *p = line;

	while ((*p >= '0' && *p <= '9') || (*p >= 'a' && *p <= 'f'))
		p++;
	return p != line && *p == '-';
}

/* The "Key:   N kB" fields kept, by where they go. */
static const struct {
	const char *key;
	size_t len;
	size_t off;
} kb_fields[] = {
	{ "Rss", 3, offsetof(struct smaps_vma, rss_kb) },
	{ "AnonHugePages", 13, offsetof(struct smaps_vma, anon_huge_kb) },
	{ "ShmemPmdMapped", 14, offsetof(struct smaps_vma, shmem_pmd_kb) },
	{ "FilePmdMapped", 13, offsetof(struct smaps_vma, file_pmd_kb) },
};

/*
 * One field line.  The key is looked up before any number is read: a VMA
 * has some 25 lines, of which five are kept, and a restore reads smaps of
 * every task several times.
 */
static void parse_field(const char *line, struct smaps_vma *v)
{
	const char *colon = strchr(line, ':');
	size_t len, i;
	uint64_t kb;
	char *end;

	if (!colon)
		return;
	len = colon - line;
	if (len == 7 && !strncmp(line, "VmFlags", 7)) {
		v->vmflags = proc_smaps_parse_vmflags(colon + 1);
		v->has_vmflags = 1;
		return;
	}
	for (i = 0; i < sizeof(kb_fields) / sizeof(kb_fields[0]); i++) {
		if (len != kb_fields[i].len ||
		    strncmp(line, kb_fields[i].key, len))
			continue;
		kb = strtoull(colon + 1, &end, 10);
		if (end != colon + 1)
			*(uint64_t *)((char *)v + kb_fields[i].off) = kb;
		return;
	}
}

int proc_smaps_parse(FILE *f, smaps_cb cb, void *arg)
{
	struct smaps_vma *v;
	char *line = NULL;
	size_t cap = 0;
	int have = 0, ret = 0;

	v = malloc(sizeof(*v));
	if (!v)
		return -ENOMEM;

	while (getline(&line, &cap, f) > 0) {
		if (!is_header(line)) {
			if (!have) {
				ret = -EINVAL;	/* a field before any VMA */
				goto out;
			}
			parse_field(line, v);
			continue;
		}
		if (have) {
			ret = cb(v, arg);
			if (ret)
				goto out;
		}
		ret = proc_smaps_parse_maps_line(line, v);
		if (ret)
			goto out;
		have = 1;
	}
	if (have)
		ret = cb(v, arg);
out:
	free(line);
	free(v);
	return ret;
}

/* Parse /proc/<pid>/<name> with cb; as proc_smaps_parse, or -errno to open. */
static int parse_proc_file(pid_t pid, const char *name, smaps_cb cb,
			   void *arg)
{
	char path[64];
	FILE *f;
	int ret;

	snprintf(path, sizeof(path), "/proc/%d/%s", pid, name);
	f = fopen(path, "re");
	if (!f)
		return -errno;
	ret = proc_smaps_parse(f, cb, arg);
	fclose(f);
	return ret;
}

int proc_smaps_read(pid_t pid, smaps_cb cb, void *arg)
{
	return parse_proc_file(pid, "smaps", cb, arg);
}

int proc_smaps_maps_read(pid_t pid, smaps_cb cb, void *arg)
{
	return parse_proc_file(pid, "maps", cb, arg);
}

static int take_first(const struct smaps_vma *v, void *arg)
{
	memcpy(arg, v, sizeof(*v));
	return 1;
}

int proc_smaps_rollup_read(pid_t pid, struct smaps_vma *all)
{
	int ret = parse_proc_file(pid, "smaps_rollup", take_first, all);

	if (ret == 1)
		return 0;
	return ret ? ret : -ENODATA;
}

static int is_shmem_path(const char *path)
{
	return !strncmp(path, "/dev/zero", 9) || !strncmp(path, "/SYSV", 5) ||
	       !strncmp(path, "/memfd:", 7) || !strncmp(path, "/dev/shm/", 9);
}

enum vma_kind proc_smaps_vma_kind(const struct smaps_vma *v)
{
	if (v->path[0] == '[' && strcmp(v->path, "[heap]") &&
	    strncmp(v->path, "[stack", 6) && strncmp(v->path, "[anon:", 6))
		return VMA_KIND_SPECIAL;		/* [vdso], [vvar], ... */
	if (v->vmflags & (VMF_PF | VMF_IO))
		return VMA_KIND_SPECIAL;
	if (!v->inode)
		return VMA_KIND_PRIVATE_ANON;
	if (v->perms[3] == 's' && is_shmem_path(v->path))
		return VMA_KIND_SHMEM;
	return VMA_KIND_FILE;
}
