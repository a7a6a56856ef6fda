// SPDX-License-Identifier: GPL-2.0
/*
 * thp_plugin.so: CRIU's entry points.  Each hook is a thin call into the
 * code shared with the criu-thp command.  A hook that has nothing to do
 * returns -ENOTSUP so that CRIU asks the next plugin; nothing here may make
 * a dump or restore fail that would succeed without the plugin, strict
 * mode (thp_config.h) excepted.
 *
 * One build loads into CRIU 3.17.1 to 4.2 (criu_plugin_abi.h).  It offers
 * CRIU's 10 hooks of 3.x, or 12 where criu has CHECKPOINT_DEVICES.
 */
#include <errno.h>
#include <unistd.h>

#include "criu_plugin_abi.h"
#include "thp_config.h"
#include "thp_dump.h"
#include "thp_image.h"
#include "thp_log.h"
#include "thp_restore.h"
#include "version.h"

static struct thp_config config;
static struct thp_env env;
static struct thp_restore restore;
static int stage_now = -1;

enum {
	RECORD_NOT_YET,
	RECORD_DONE,
	RECORD_FAILED,
};
static int recorded = RECORD_NOT_YET;

static const char *stage_name(int stage)
{
	switch (stage) {
	case CRIU_ABI_STAGE_DUMP:
		return "dump";
	case CRIU_ABI_STAGE_PRE_DUMP:
		return "pre-dump";
	case CRIU_ABI_STAGE_RESTORE:
		return "restore";
	}
	return "unknown stage";
}

static int thp_plugin_init(int stage);
static void thp_plugin_exit(int stage, int ret);
static int thp_checkpoint_devices(int pid);
static int thp_resume_devices_late(int pid);

/* The one symbol criu looks for: the only one the plugin exports. */
__attribute__((visibility("default")))
struct criu_abi_plugin_desc CR_PLUGIN_DESC = {
	.name = "thp",
	.init = thp_plugin_init,
	.exit = thp_plugin_exit,
	.version = CRIU_ABI_PLUGIN_VERSION,
	.max_hooks = CRIU_ABI_HOOKS_3X,
	.hooks = {
		[CRIU_ABI_HOOK_RESUME_DEVICES_LATE] = thp_resume_devices_late,
		[CRIU_ABI_HOOK_CHECKPOINT_DEVICES] = thp_checkpoint_devices,
	},
};

/*
 * CRIU 4.0 added CHECKPOINT_DEVICES; from 4.1 on, criu runs it from
 * checkpoint_devices(), which it exports like all its symbols (-rdynamic).
 * A weak reference is bound when criu loads us: NULL in 3.x, and in 4.0,
 * whose hook runs inside collect_pstree().  Then the plugin offers 3.x's
 * 10 hooks and records at exit(DUMP).
 */
__attribute__((visibility("default"))) int checkpoint_devices(void);
#pragma weak checkpoint_devices

/* Runs at dlopen(), before criu reads the descriptor. */
static void __attribute__((constructor)) thp_plugin_hooks(void)
{
	if (checkpoint_devices)
		CR_PLUGIN_DESC.max_hooks = CRIU_ABI_HOOKS_4X;
}

static int thp_plugin_init(int stage)
{
	stage_now = stage;
	pr_info("criu-thp %s loaded for %s (%u hooks)\n", CRIU_THP_VERSION,
		stage_name(stage), CR_PLUGIN_DESC.max_hooks);
	/*
	 * A bad setting is no reason to fail what would succeed without
	 * us: its default is used, unless strict was set (validly).
	 */
	if (thp_config_load(&config)) {
		if (config.strict) {
			pr_err("strict: the settings above cannot be read: failing the %s\n",
			       stage_name(stage));
			return -1;
		}
		pr_warn("the settings above cannot be read: their defaults are used\n");
	}
	if (stage == CRIU_ABI_STAGE_DUMP)
		return thp_dump_prepare(config.strict, &env);
	if (stage == CRIU_ABI_STAGE_RESTORE)
		return thp_restore_prepare(&restore, &config,
					   criu_get_image_dir());
	return 0;
}

/* Every task of the dump, frozen and traced by us: 0 or -errno. */
static int record(const char *when)
{
	int ret;

	pr_info("recording the dumped tasks at %s\n", when);
	ret = thp_dump_tasks(criu_get_image_dir(), getpid(), &env,
			     config.strict);
	recorded = ret ? RECORD_FAILED : RECORD_DONE;
	return ret;
}

/*
 * CRIU 4.1 and later, once the whole tree is frozen and before anything
 * is dumped: record it now.  CRIU 4.x calls exit(DUMP) only after the
 * post-dump script has run and, with dump --lazy-pages, after the last
 * page has been served - too late for a restore that is already running
 * (lazy migration) or for a script that ships the images.  The first call
 * records the tree; strict fails the dump if that fails.
 */
static int thp_checkpoint_devices(int pid)
{
	(void)pid;
	if (stage_now != CRIU_ABI_STAGE_DUMP || recorded != RECORD_NOT_YET)
		return -ENOTSUP;
	if (record("checkpoint-devices") && config.strict) {
		pr_err("strict: the THP state cannot be recorded: failing the dump\n");
		return -EIO;
	}
	return -ENOTSUP;
}

/*
 * CRIU calls this after its images are complete and before it releases
 * or kills the tasks: they are frozen, traced by us.  It cannot fail the
 * dump any more (the hook returns nothing): a task whose map cannot be
 * read is recorded as such, an error under strict.
 */
static void dump_finish(int ret)
{
	if (ret) {
		thp_image_remove_all(criu_get_image_dir());
		return;
	}
	if (recorded == RECORD_NOT_YET)
		record("exit(DUMP)");
}

static void thp_plugin_exit(int stage, int ret)
{
	if (stage == CRIU_ABI_STAGE_DUMP)
		dump_finish(ret);
	if (stage == CRIU_ABI_STAGE_RESTORE)
		thp_restore_finish(&restore);
	pr_info("%s finished (%s)\n", stage_name(stage),
		ret ? "failed" : "success");
}

/*
 * The task is stopped, criu is its tracer, its memory is in (or arriving
 * lazily).  -ENOTSUP always, so that other plugins get the hook too.
 */
static int thp_resume_devices_late(int pid)
{
	thp_restore_task(&restore, pid);
	return -ENOTSUP;
}
