// SPDX-License-Identifier: GPL-2.0
/*
 * thp_mthp: multi-size THP.  Run with a size below the PMD's enabled
 * (the suite sets hugepages-64kB/enabled to always, "noauto"): an nh
 * region of 16 MiB (no large folio may form there), an unadvised one of
 * 16 MiB (64 KiB folios in THP madvise; in always its chunks are PMD
 * THPs), and an hg one of 8 MiB (PMD THPs), each written at setup.
 *
 * Large folios below PMD size are counted through pagemap and
 * /proc/kpageflags (KPF_THP on every page of a large anonymous folio,
 * KPF_COMPOUND_HEAD on its first; PMD-size folios left out), before the
 * dump and after the restore, and logged as "FOLIOS region before
 * after" (KiB).  With the plugin (THP_EXPECT exact or lazy) the nh region
 * must hold none after the restore: CRIU 4.x's restorer fills it before
 * it replays MADV_NOHUGEPAGE, and the fault makes 64 KiB folios there.
 * Data and advice are checked in every mode.
 */
#include <fcntl.h>
#include <unistd.h>

#include "thp_child.h"

const char *test_doc = "No large folio of any size in an nh region after C/R";
const char *test_author = "criu-thp";

#define PM_PRESENT	(1ull << 63)
#define PM_PFN_MASK	((1ull << 55) - 1)
#define KPF_HEAD	(1ull << 15)
#define KPF_TAIL	(1ull << 16)
#define KPF_THP		(1ull << 22)
#define PAGE		4096ul
#define PMD_PAGES	512ul

static struct thp_region regions[] = {
	{ .name = "nh", .chunks = 8, .setup = SETUP_NH, .adv = ADV_NH,
	  .seed = 0x6d74 },
	{ .name = "none", .chunks = 8, .setup = SETUP_NONE, .adv = ADV_NONE,
	  .seed = 0x6d75 },
	{ .name = "hg", .chunks = 4, .setup = SETUP_HG, .adv = ADV_HG,
	  .seed = 0x6d76 },
};

#define NR_REGIONS	(sizeof(regions) / sizeof(regions[0]))

static uint64_t before_kb[NR_REGIONS];

/* The flags of the frame behind page addr, 0 if none or unreadable. */
static uint64_t page_flags(int pm, int kpf, uintptr_t addr)
{
	uint64_t ent, flags;

	if (pread(pm, &ent, 8, addr / PAGE * 8) != 8 || !(ent & PM_PRESENT) ||
	    !(ent & PM_PFN_MASK))
		return 0;
	if (pread(kpf, &flags, 8, (ent & PM_PFN_MASK) * 8) != 8)
		return 0;
	return flags;
}

/* KiB of r in large folios below PMD size; -1 if they cannot be read. */
static int64_t folio_kb(const struct thp_region *r)
{
	uintptr_t a = (uintptr_t)r->addr, end = a + region_len(r);
	uint64_t flags, kb = 0, n;
	int pm, kpf;

	pm = open("/proc/self/pagemap", O_RDONLY);
	kpf = open("/proc/kpageflags", O_RDONLY);
	if (pm < 0 || kpf < 0) {
		if (pm >= 0)
			close(pm);
		return -1;
	}
	while (a < end) {
		flags = page_flags(pm, kpf, a);
		a += PAGE;
		if ((flags & (KPF_HEAD | KPF_THP)) != (KPF_HEAD | KPF_THP))
			continue;
		for (n = 1; a < end &&
		     (page_flags(pm, kpf, a) & (KPF_TAIL | KPF_THP)) ==
		     (KPF_TAIL | KPF_THP); n++)
			a += PAGE;
		if (n < PMD_PAGES)
			kb += n * PAGE / 1024;
	}
	close(kpf);
	close(pm);
	return kb;
}

static int plugin_mode(enum thp_expect_mode m)
{
	return m == EXPECT_EXACT || m == EXPECT_LAZY;
}

int main(int argc, char **argv)
{
	enum thp_expect_mode m;
	unsigned int i;
	int64_t kb;
	int ret = 0;

	test_init(argc, argv);
	m = thp_expect_mode();
	for (i = 0; i < NR_REGIONS; i++) {
		if (region_setup(&regions[i]))
			return 1;
		kb = folio_kb(&regions[i]);
		before_kb[i] = kb < 0 ? 0 : kb;
	}

	test_daemon();
	test_waitsig();

	for (i = 0; i < NR_REGIONS; i++) {
		kb = folio_kb(&regions[i]);
		test_msg("FOLIOS %s %" PRIu64 " %" PRId64 "\n",
			 regions[i].name, before_kb[i], kb);
		if (plugin_mode(m) && regions[i].setup == SETUP_NH && kb) {
			fail("region nh: %" PRId64 " KiB in large folios after C/R",
			     kb);
			ret = 1;
		}
		ret |= region_check(&regions[i],
				    m == EXPECT_EXACT ? m : EXPECT_LAZY, "task");
	}
	if (!ret)
		pass();
	return ret ? 1 : 0;
}
