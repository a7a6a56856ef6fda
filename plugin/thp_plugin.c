// SPDX-License-Identifier: GPL-2.0
/*
 * thp_plugin.so: CRIU's entry points.  Each hook is a thin call into the
 * code shared with the criu-thp command.  A hook that has nothing to do
 * returns -ENOTSUP so that CRIU asks the next plugin; nothing here may make
 * a dump or restore fail that would succeed without the plugin.
 */
#include <errno.h>

#include <criu/criu-plugin.h>

#include "thp_log.h"
#include "version.h"

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
	return 0;
}

static void thp_plugin_exit(int stage, int ret)
{
	pr_info("%s finished (%s)\n", stage_name(stage),
		ret ? "failed" : "success");
}

CR_PLUGIN_REGISTER("thp", thp_plugin_init, thp_plugin_exit)
