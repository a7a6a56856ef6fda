/* SPDX-License-Identifier: GPL-2.0 */
/*
 * CRIU's plugin ABI as CRIU 3.17.1 to 4.2 read it (criu/plugin.c,
 * criu/include/criu-plugin.h of each), declared here rather than taken
 * from the installed criu-plugin.h: that header sizes the descriptor's
 * hook array to the CRIU it came with (10 hooks in 3.17.1, 12 in 4.0 and
 * 4.1, 13 in 4.2), and CRIU refuses a plugin whose max_hooks exceeds its
 * own ("Corrupted plugin"), so a plugin built against a newer header does
 * not load into an older criu.  One build must load into all of them.
 *
 * The descriptor is found by its symbol name, CR_PLUGIN_DESC; CRIU checks
 * version and max_hooks, calls init(stage), then chains hooks[0 ..
 * max_hooks - 1], and calls exit(stage, ret) at the end.
 */
#ifndef CRIU_PLUGIN_ABI_H
#define CRIU_PLUGIN_ABI_H

/* 0.2.0 in every CRIU from 3.17.1 to 4.2 */
#define CRIU_ABI_PLUGIN_VERSION		((0 << 16) + (2 << 8) + 0)

/* Stages, the argument of init() and exit(). */
enum {
	CRIU_ABI_STAGE_DUMP = 0,
	CRIU_ABI_STAGE_PRE_DUMP = 1,
	CRIU_ABI_STAGE_RESTORE = 2,
};

/* The hooks this plugin uses, by their index in hooks[]. */
enum {
	/* int (*)(int pid), every CRIU: each restored task, before detach */
	CRIU_ABI_HOOK_RESUME_DEVICES_LATE = 9,
	/* the number of hooks of CRIU 3.17.1 to 3.19 */
	CRIU_ABI_HOOKS_3X = 10,
	/*
	 * int (*)(int pid), CRIU 4.0 and later: each task of a dump once the
	 * whole tree is frozen, before anything is dumped.
	 */
	CRIU_ABI_HOOK_CHECKPOINT_DEVICES = 11,
	/* the number of hooks of CRIU 4.0 and 4.1 (4.2 has 13) */
	CRIU_ABI_HOOKS_4X = 12,
};

struct criu_abi_plugin_desc {
	const char *name;
	int (*init)(int stage);
	void (*exit)(int stage, int ret);
	unsigned int version;
	unsigned int max_hooks;
	void *hooks[CRIU_ABI_HOOKS_4X];
};

/* Exported by criu (linked with -rdynamic): the images directory's fd. */
extern int criu_get_image_dir(void);

#endif /* CRIU_PLUGIN_ABI_H */
