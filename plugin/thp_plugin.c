// SPDX-License-Identifier: GPL-2.0
/*
 * thp_plugin.so: CRIU's entry points.  Each hook is a thin call into the
 * code shared with the criu-thp command.  A hook that has nothing to do
 * returns -ENOTSUP so that CRIU asks the next plugin; nothing here may make
 * a dump or restore fail that would succeed without the plugin, strict
 * mode (thp_config.h) excepted.
 */
#include <errno.h>
#include <unistd.h>

#include <criu/criu-plugin.h>

#include "thp_config.h"
#include "thp_dump.h"
#include "thp_image.h"
#include "thp_log.h"
#include "thp_restore.h"
#include "version.h"

static struct thp_config config;
static struct thp_env env;
static struct thp_restore restore;

static const char *stage_name(int stage)
{
	switch (stage) {
	case CR_PLUGIN_STAGE__DUMP:
		return "dump";
	case CR_PLUGIN_STAGE__PRE_DUMP:
		return "pre-dump";
	case CR_PLUGIN_STAGE__RESTORE:
		return "restore";
	}
	return "unknown stage";
}

static int thp_plugin_init(int stage)
{
	pr_info("criu-thp %s loaded for %s\n", CRIU_THP_VERSION,
		stage_name(stage));
	if (thp_config_load(&config))
		return -1;
	if (stage == CR_PLUGIN_STAGE__DUMP)
		return thp_dump_prepare(config.strict, &env);
	if (stage == CR_PLUGIN_STAGE__RESTORE)
		return thp_restore_prepare(&restore, &config,
					   criu_get_image_dir());
	return 0;
}

/*
 * CRIU calls this after its images are complete and before it releases
 * or kills the tasks: they are frozen, traced by us.  It cannot fail the
 * dump any more (the hook returns nothing): a task whose map cannot be
 * read is recorded as such, an error under strict.
 */
static void dump_finish(int ret)
{
	int dirfd = criu_get_image_dir();

	if (ret) {
		thp_img_remove_all(dirfd);
		return;
	}
	thp_dump_tasks(dirfd, getpid(), &env, config.strict);
}

static void thp_plugin_exit(int stage, int ret)
{
	if (stage == CR_PLUGIN_STAGE__DUMP)
		dump_finish(ret);
	if (stage == CR_PLUGIN_STAGE__RESTORE)
		thp_restore_finish(&restore);
	pr_info("%s finished (%s)\n", stage_name(stage),
		ret ? "failed" : "success");
}

CR_PLUGIN_REGISTER("thp", thp_plugin_init, thp_plugin_exit)

/*
 * The task is stopped, criu is its tracer, its memory is in (or arriving
 * lazily).  -ENOTSUP always, so that other plugins get the hook too.
 */
static int thp_resume_devices_late(int pid)
{
	thp_restore_task(&restore, pid);
	return -ENOTSUP;
}

CR_PLUGIN_REGISTER_HOOK(CR_PLUGIN_HOOK__RESUME_DEVICES_LATE,
			thp_resume_devices_late)
