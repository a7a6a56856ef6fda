// SPDX-License-Identifier: GPL-2.0
/*
 * /sys/kernel/mm/transparent_hugepage.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sysfs_thp.h"
#include "thp_log.h"

int sysfs_thp_selected(const char *text, char *word, size_t len)
{
	const char *open = strchr(text, '['), *close;

	if (!open)
		return -EINVAL;
	close = strchr(open, ']');
	if (!close || close == open + 1 || (size_t)(close - open - 1) >= len)
		return -EINVAL;
	memcpy(word, open + 1, close - open - 1);
	word[close - open - 1] = '\0';
	return 0;
}

/* The first line of dir/name, without its newline. */
static int read_line(const char *dir, const char *name, char *buf, size_t len)
{
	char path[256];
	FILE *f;
	int ret = 0;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	f = fopen(path, "re");
	if (!f)
		return -errno;
	if (!fgets(buf, len, f))
		ret = -EINVAL;
	else
		buf[strcspn(buf, "\n")] = '\0';
	fclose(f);
	return ret;
}

static int read_choice(const char *dir, const char *name, char *word,
		       size_t len)
{
	char buf[256];
	int ret;

	ret = read_line(dir, name, buf, sizeof(buf));
	if (!ret && sysfs_thp_selected(buf, word, len)) {
		pr_err("%s/%s: no [selected] value in '%s'\n", dir, name, buf);
		ret = -EINVAL;
	}
	return ret;
}

/* The selected word of dir/name, no message when it is missing. */
static int read_line_quiet(const char *dir, const char *name, char *word,
			   size_t len)
{
	char buf[256];
	int ret;

	ret = read_line(dir, name, buf, sizeof(buf));
	return ret ? ret : sysfs_thp_selected(buf, word, len);
}

static int read_u64(const char *dir, const char *name, uint64_t *v)
{
	char buf[64], *end;
	int ret;

	ret = read_line(dir, name, buf, sizeof(buf));
	if (ret)
		return ret;
	errno = 0;
	*v = strtoull(buf, &end, 10);
	if (errno || end == buf || *end) {
		pr_err("%s/%s: not a number: '%s'\n", dir, name, buf);
		return -EINVAL;
	}
	return 0;
}

static int read_pmd_enabled(const char *dir, struct thp_sysfs *s)
{
	char name[64];
	int ret;

	snprintf(name, sizeof(name), "hugepages-%" PRIu64 "kB/enabled",
		 s->hpage_size >> 10);
	ret = read_choice(dir, name, s->pmd_enabled, sizeof(s->pmd_enabled));
	if (ret == -ENOENT)
		s->pmd_enabled[0] = '\0';
	return ret == -ENOENT ? 0 : ret;
}

const char *sysfs_thp_pmd_mode(const struct thp_sysfs *s)
{
	if (s->pmd_enabled[0] && strcmp(s->pmd_enabled, "inherit"))
		return s->pmd_enabled;
	return s->enabled;
}

int sysfs_thp_mthp_on(const char *dir)
{
	char name[64], word[32], top[32];
	uint64_t kb;
	int on = 0;

	if (read_choice(dir, "enabled", top, sizeof(top)))
		return 0;
	/* 8 KiB (16 KiB pages' smallest) to 1 MiB; a 2 MiB PMD above */
	for (kb = 8; kb < 2048 && !on; kb *= 2) {
		snprintf(name, sizeof(name), "hugepages-%" PRIu64 "kB/enabled",
			 kb);
		if (read_line_quiet(dir, name, word, sizeof(word)))
			continue;
		on = !strcmp(word, "always") || !strcmp(word, "madvise") ||
		     (!strcmp(word, "inherit") && strcmp(top, "never"));
	}
	return on;
}

int sysfs_thp_read(const char *dir, struct thp_sysfs *s)
{
	uint64_t v;
	int ret;

	memset(s, 0, sizeof(*s));
	s->max_ptes_none = -1;
	ret = read_choice(dir, "enabled", s->enabled, sizeof(s->enabled));
	if (!ret)
		ret = read_choice(dir, "defrag", s->defrag, sizeof(s->defrag));
	if (!ret)
		ret = read_u64(dir, "hpage_pmd_size", &s->hpage_size);
	if (ret)
		return ret;
	if (!s->hpage_size || s->hpage_size & (s->hpage_size - 1)) {
		pr_err("%s/hpage_pmd_size: %" PRIu64 " is no page size\n",
		       dir, s->hpage_size);
		return -EINVAL;
	}

	/* Optional: older kernels or CONFIG_SHMEM=n. */
	ret = read_pmd_enabled(dir, s);
	if (ret)
		return ret;
	ret = read_choice(dir, "shmem_enabled", s->shmem_enabled,
			  sizeof(s->shmem_enabled));
	if (ret && ret != -ENOENT)
		return ret;
	ret = read_u64(dir, "khugepaged/max_ptes_none", &v);
	if (ret && ret != -ENOENT)
		return ret;
	if (!ret)
		s->max_ptes_none = v;
	return 0;
}
