// SPDX-License-Identifier: GPL-2.0
/*
 * The plugin's settings (file and environment), the keys' documents
 * (criu-thp-plugin(7), thp.conf) against the one table of them, and the
 * sysfs THP settings read from fixture directories.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "unit.h"
#include "sysfs_thp.h"
#include "thp_config.h"

static char dir[] = "/tmp/thp-config-XXXXXX";

static void put(const char *name, const char *text)
{
	char path[256];
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	f = fopen(path, "w");
	assert_non_null(f);
	fputs(text, f);
	fclose(f);
}

static int setup(void **state)
{
	char path[256];

	(void)state;
	if (!mkdtemp(dir))
		return -1;
	snprintf(path, sizeof(path), "%s/khugepaged", dir);
	return mkdir(path, 0700);
}

static int teardown(void **state)
{
	char cmd[128];

	(void)state;
	snprintf(cmd, sizeof(cmd), "rm -rf %s", dir);
	return system(cmd) ? -1 : 0;
}

static int load_with(const char *text, struct thp_config *c)
{
	char path[256];

	put("thp.conf", text);
	snprintf(path, sizeof(path), "%s/thp.conf", dir);
	setenv(THP_CONFIG_ENV, path, 1);
	return thp_config_load(c);
}

/* The whole of a file of the source tree, or NULL. */
static char *slurp(const char *rel)
{
	char path[512], *buf = NULL;
	size_t len = 0;
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", CRIU_THP_TOP, rel);
	f = fopen(path, "re");
	if (!f)
		return NULL;
	if (getdelim(&buf, &len, '\0', f) < 0) {
		free(buf);
		buf = NULL;
	}
	fclose(f);
	return buf;
}

static size_t count(const char *s, const char *what)
{
	size_t n = 0;

	for (; (s = strstr(s, what)); s += strlen(what))
		n++;
	return n;
}

/*
 * Every key of thp_config_keys[] has its entry in the man page, named with
 * its variable and values, and its commented default in thp.conf; the man
 * page has no entry the table lacks.
 */
static void config_keys_documented(void **state)
{
	char *man = slurp("docs/man/criu-thp-plugin.7.adoc");
	char *conf = slurp("plugin/thp.conf");
	const struct thp_config_key *k;
	char want[128];
	size_t n = 0;

	(void)state;
	assert_non_null(man);
	assert_non_null(conf);
	for (k = thp_config_keys; k->key; k++, n++) {
		if (strchr(k->values, '|'))
			snprintf(want, sizeof(want), "\n*%s = %s* (*%s*)::\n",
				 k->key, k->values, k->env);
		else
			snprintf(want, sizeof(want), "\n*%s =* _%s_ (*%s*)::\n",
				 k->key, k->values, k->env);
		if (!strstr(man, want))
			fail_msg("criu-thp-plugin.7.adoc lacks the line %s", want);
		snprintf(want, sizeof(want), "\n#%s = ", k->key);
		if (!strstr(conf, want) || !strstr(conf, k->env))
			fail_msg("thp.conf lacks '#%s = ...' or %s", k->key,
				 k->env);
	}
	assert_int_equal(count(man, "(*CRIU_THP_"), n);
	free(man);
	free(conf);
}

static void config_file(void **state)
{
	struct thp_config c;

	(void)state;
	unsetenv("CRIU_THP_STRICT");
	assert_int_equal(load_with("# comment\n\n  strict = yes  # why\n", &c), 0);
	assert_int_equal(c.strict, 1);
	assert_int_equal(load_with("strict=off\n", &c), 0);
	assert_int_equal(c.strict, 0);
	/* a typo must not silently mean "not strict" */
	assert_int_equal(load_with("strict = yse\n", &c), -EINVAL);
	assert_int_equal(load_with("stirct = yes\n", &c), -EINVAL);
	assert_int_equal(load_with("strict\n", &c), -EINVAL);
	/* a bad line is said, and the lines after it still count */
	assert_int_equal(load_with("strict = yse\ncollapse = sync\n", &c),
			 -EINVAL);
	assert_int_equal(c.strict, 0);
	assert_int_equal(c.collapse, THP_COLLAPSE_SYNC);
	assert_int_equal(load_with("stirct = yes\nstrict = yes\n", &c),
			 -EINVAL);
	assert_int_equal(c.strict, 1);
	/* a file named explicitly must exist */
	setenv(THP_CONFIG_ENV, "/nonexistent/thp.conf", 1);
	assert_int_equal(thp_config_load(&c), -EINVAL);
	unsetenv(THP_CONFIG_ENV);
}

static void config_env_wins(void **state)
{
	struct thp_config c;

	(void)state;
	setenv("CRIU_THP_STRICT", "yes", 1);
	assert_int_equal(load_with("strict = no\n", &c), 0);
	assert_int_equal(c.strict, 1);
	setenv("CRIU_THP_STRICT", "maybe", 1);
	assert_int_equal(load_with("strict = no\n", &c), -EINVAL);
	unsetenv("CRIU_THP_STRICT");
	/* a bad variable leaves the file's value */
	setenv("CRIU_THP_GUARD", "stpo", 1);
	assert_int_equal(load_with("guard = kill\n", &c), -EINVAL);
	assert_int_equal(c.guard, THP_GUARD_KILL);
	unsetenv("CRIU_THP_GUARD");
	unsetenv(THP_CONFIG_ENV);
}

static void config_strategy(void **state)
{
	struct thp_config c;

	(void)state;
	unsetenv("CRIU_THP_STRATEGY");
	assert_int_equal(load_with("collapse = async\n", &c), 0);
	assert_int_equal(c.strategy, THP_STRATEGY_DEFAULT);
	assert_int_equal(load_with("strategy = vma\n", &c), 0);
	assert_int_equal(c.strategy, THP_STRATEGY_VMA);
	assert_int_equal(load_with("strategy = VMA\n", &c), 0);
	assert_int_equal(c.strategy, THP_STRATEGY_VMA);
	assert_int_equal(load_with("strategy = vmas\n", &c), -EINVAL);
	setenv("CRIU_THP_STRATEGY", "default", 1);
	assert_int_equal(load_with("strategy = vma\n", &c), 0);
	assert_int_equal(c.strategy, THP_STRATEGY_DEFAULT);
	unsetenv("CRIU_THP_STRATEGY");
	unsetenv(THP_CONFIG_ENV);
}

static void sysfs_selected(void **state)
{
	char w[16];

	(void)state;
	assert_int_equal(sysfs_thp_selected("always [madvise] never", w,
					    sizeof(w)), 0);
	assert_string_equal(w, "madvise");
	assert_int_equal(sysfs_thp_selected("always madvise never", w,
					    sizeof(w)), -EINVAL);
	assert_int_equal(sysfs_thp_selected("[] x", w, sizeof(w)), -EINVAL);
	assert_int_equal(sysfs_thp_selected("[averyveryverylongword]", w,
					    sizeof(w)), -EINVAL);
}

static void sysfs_fixture(void **state)
{
	struct thp_sysfs s;
	char path[256];

	(void)state;
	put("enabled", "always [madvise] never\n");
	put("defrag", "always defer defer+madvise [madvise] never\n");
	put("hpage_pmd_size", "2097152\n");
	put("shmem_enabled", "always within_size advise [never] deny force\n");
	put("khugepaged/max_ptes_none", "511\n");
	assert_int_equal(sysfs_thp_read(dir, &s), 0);
	assert_string_equal(s.enabled, "madvise");
	assert_string_equal(s.defrag, "madvise");
	assert_string_equal(s.shmem_enabled, "never");
	assert_int_equal(s.max_ptes_none, 511);
	assert_true(s.hpage_size == 2097152);

	/* optional files missing: still fine */
	snprintf(path, sizeof(path), "%s/shmem_enabled", dir);
	assert_int_equal(unlink(path), 0);
	snprintf(path, sizeof(path), "%s/khugepaged/max_ptes_none", dir);
	assert_int_equal(unlink(path), 0);
	assert_int_equal(sysfs_thp_read(dir, &s), 0);
	assert_string_equal(s.shmem_enabled, "");
	assert_int_equal(s.max_ptes_none, -1);

	/* files that make no sense */
	put("shmem_enabled", "");
	assert_int_equal(sysfs_thp_read(dir, &s), -EINVAL);
	put("hpage_pmd_size", "3000\n");
	put("shmem_enabled", "[never]\n");
	assert_int_equal(sysfs_thp_read(dir, &s), -EINVAL);
	put("hpage_pmd_size", "2M\n");
	assert_int_equal(sysfs_thp_read(dir, &s), -EINVAL);
	assert_int_equal(sysfs_thp_read("/nonexistent", &s), -ENOENT);
}

/*
 * The PMD size's own control decides where it says more than "inherit":
 * its never overrides a top-level always, its always a top-level never;
 * before 6.8 (no per-size control) the top level decides.
 */
static void sysfs_per_size(void **state)
{
	struct thp_sysfs s;
	char path[256];

	(void)state;
	snprintf(path, sizeof(path), "%s/hugepages-2048kB", dir);
	assert_true(!mkdir(path, 0700) || errno == EEXIST);
	put("enabled", "[always] madvise never\n");
	put("defrag", "always defer defer+madvise [madvise] never\n");
	put("hpage_pmd_size", "2097152\n");
	put("hugepages-2048kB/enabled", "always [inherit] madvise never\n");
	assert_int_equal(sysfs_thp_read(dir, &s), 0);
	assert_string_equal(s.pmd_enabled, "inherit");
	assert_string_equal(sysfs_thp_pmd_mode(&s), "always");

	put("hugepages-2048kB/enabled", "always inherit madvise [never]\n");
	assert_int_equal(sysfs_thp_read(dir, &s), 0);
	assert_string_equal(sysfs_thp_pmd_mode(&s), "never");

	put("enabled", "always madvise [never]\n");
	put("hugepages-2048kB/enabled", "[always] inherit madvise never\n");
	assert_int_equal(sysfs_thp_read(dir, &s), 0);
	assert_string_equal(sysfs_thp_pmd_mode(&s), "always");

	/* a 32 MiB PMD (arm64, 16 KiB pages) reads its own size's file */
	put("hpage_pmd_size", "33554432\n");
	assert_int_equal(sysfs_thp_read(dir, &s), 0);
	assert_string_equal(s.pmd_enabled, "");
	assert_string_equal(sysfs_thp_pmd_mode(&s), "never");

	put("hpage_pmd_size", "2097152\n");
	put("hugepages-2048kB/enabled", "always inherit\n");
	assert_int_equal(sysfs_thp_read(dir, &s), -EINVAL);
	snprintf(path, sizeof(path), "%s/hugepages-2048kB/enabled", dir);
	assert_int_equal(unlink(path), 0);
	assert_int_equal(sysfs_thp_read(dir, &s), 0);
	assert_string_equal(sysfs_thp_pmd_mode(&s), "never");
}

static void sysfs_live(void **state)
{
	struct thp_sysfs s;

	(void)state;
	if (access(THP_SYSFS_DIR, F_OK)) {
		print_message("SKIP: kernel without THP: no %s\n", THP_SYSFS_DIR);
		skip();
	}
	assert_int_equal(sysfs_thp_read(THP_SYSFS_DIR, &s), 0);
	assert_true(s.hpage_size == 2u << 20);
	print_message("enabled=%s defrag=%s shmem_enabled=%s max_ptes_none=%d\n",
		      s.enabled, s.defrag, s.shmem_enabled, s.max_ptes_none);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(config_keys_documented),
		cmocka_unit_test(config_file),
		cmocka_unit_test(config_env_wins),
		cmocka_unit_test(config_strategy),
		cmocka_unit_test(sysfs_selected),
		cmocka_unit_test(sysfs_fixture),
		cmocka_unit_test(sysfs_per_size),
		cmocka_unit_test(sysfs_live),
	};

	return cmocka_run_group_tests_name("thp_config", tests, setup,
					   teardown);
}
