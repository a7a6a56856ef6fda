// SPDX-License-Identifier: GPL-2.0
/*
 * The image codec: round trips through a directory, and every kind of bad
 * input must give its error code, never a crash or a half-read entry.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include "unit.h"
#include "thp_image.h"
#include "thp_show.h"

#define CHUNK	THP_CHUNK_SIZE

struct fixture {
	char dir[64];
	int dirfd;
};

static int setup(void **state)
{
	struct fixture *fx = calloc(1, sizeof(*fx));

	if (!fx)
		return -1;
	strcpy(fx->dir, "/tmp/thp-unit-XXXXXX");
	if (!mkdtemp(fx->dir))
		return -1;
	fx->dirfd = open(fx->dir, O_RDONLY | O_DIRECTORY);
	*state = fx;
	return fx->dirfd < 0;
}

static int teardown(void **state)
{
	struct fixture *fx = *state;
	char cmd[96];

	close(fx->dirfd);
	snprintf(cmd, sizeof(cmd), "rm -rf %s", fx->dir);
	if (system(cmd))
		return -1;
	free(fx);
	return 0;
}

/*
 * A task: a 16 MiB hg VMA with chunks 0-2 and 5-6 PMD-mapped and chunk 3
 * a PTE-mapped THP, a nh VMA with two unresolved chunks, and a file VMA.
 */
static ThpChunkRun run_a = THP_CHUNK_RUN__INIT, run_b = THP_CHUNK_RUN__INIT;
static ThpChunkRun *runs[] = { &run_a, &run_b };
static ThpChunkRun run_pte = THP_CHUNK_RUN__INIT, run_unres = THP_CHUNK_RUN__INIT;
static ThpChunkRun *pte_runs[] = { &run_pte }, *unres_runs[] = { &run_unres };
static ThpVmaEntry vma_hg = THP_VMA_ENTRY__INIT, vma_nh = THP_VMA_ENTRY__INIT;
static ThpVmaEntry vma_file = THP_VMA_ENTRY__INIT;
static ThpVmaEntry *vmas[] = { &vma_hg, &vma_nh, &vma_file };
static ThpTaskEntry task = THP_TASK_ENTRY__INIT;
static ThpFolioCount folio = THP_FOLIO_COUNT__INIT;
static ThpFolioCount *folios[] = { &folio };

static void make_task(void)
{
	vma_hg.start = 0x7f0000000000ull;
	vma_hg.end = vma_hg.start + 8 * CHUNK;
	vma_hg.kind = THP_VMA_KIND__PRIVATE_ANON;
	vma_hg.advice = THP_ADVICE__HUGE;
	run_a.first = vma_hg.start;
	run_a.nr = 3;
	run_b.first = vma_hg.start + 5 * CHUNK;
	run_b.nr = 2;
	vma_hg.n_pmd_huge = 2;
	vma_hg.pmd_huge = runs;
	run_pte.first = vma_hg.start + 3 * CHUNK;
	run_pte.nr = 1;
	vma_hg.n_pte_thp = 1;
	vma_hg.pte_thp = pte_runs;
	vma_hg.has_pmd_mapped_kb = 1;
	vma_hg.pmd_mapped_kb = 5 * 2048;

	vma_nh.start = vma_hg.end;
	vma_nh.end = vma_nh.start + 4 * CHUNK;
	vma_nh.kind = THP_VMA_KIND__PRIVATE_ANON;
	vma_nh.advice = THP_ADVICE__NOHUGE;
	vma_nh.n_pmd_huge = 0;
	vma_nh.pmd_huge = NULL;
	run_unres.first = vma_nh.start;
	run_unres.nr = 2;
	vma_nh.n_unresolved = 1;
	vma_nh.unresolved = unres_runs;
	vma_nh.has_pmd_mapped_kb = 1;
	vma_nh.pmd_mapped_kb = 2048;
	folio.order = 4;		/* 64 KiB folios, 16 pages each */
	folio.pages = 32;
	vma_nh.n_folios = 1;
	vma_nh.folios = folios;

	vma_file.start = 0x7f1000000000ull;
	vma_file.end = vma_file.start + 0x3000;
	vma_file.kind = THP_VMA_KIND__FILE;
	vma_file.advice = THP_ADVICE__NONE;

	task.version = THP_IMAGE_VERSION;
	task.id = 42;
	task.thp_disabled = 1;
	task.has_thp_except_advised = 0;
	task.thp_except_advised = 0;
	task.coverage_known = 1;
	task.has_source = 1;
	task.source = THP_COVERAGE_SOURCE__KPAGEFLAGS;
	task.has_pte_thp_known = 1;
	task.pte_thp_known = 1;
	task.problem = NULL;
	task.n_vmas = 3;
	task.vmas = vmas;
}

static void task_round_trip(void **state)
{
	struct fixture *fx = *state;
	ThpTaskEntry *t;

	make_task();
	assert_int_equal(thp_image_write_task(fx->dirfd, &task), 0);
	assert_int_equal(thp_image_read_task(fx->dirfd, 42, &t), 0);
	assert_int_equal(t->id, 42);
	assert_true(t->thp_disabled);
	assert_int_equal(t->n_vmas, 3);
	assert_true(t->vmas[0]->start == vma_hg.start);
	assert_int_equal(t->vmas[0]->advice, THP_ADVICE__HUGE);
	assert_int_equal(t->vmas[0]->n_pmd_huge, 2);
	assert_true(t->vmas[0]->pmd_huge[1]->first == run_b.first);
	assert_int_equal(t->vmas[0]->pmd_huge[1]->nr, 2);
	assert_int_equal(t->vmas[0]->n_pte_thp, 1);
	assert_true(t->vmas[0]->pte_thp[0]->first == run_pte.first);
	assert_int_equal(t->vmas[1]->advice, THP_ADVICE__NOHUGE);
	assert_int_equal(t->vmas[1]->n_unresolved, 1);
	assert_int_equal(t->vmas[1]->unresolved[0]->nr, 2);
	assert_int_equal(t->vmas[1]->pmd_mapped_kb, 2048);
	assert_int_equal(t->source, THP_COVERAGE_SOURCE__KPAGEFLAGS);
	assert_int_equal(t->vmas[2]->kind, THP_VMA_KIND__FILE);
	thp_task_entry__free_unpacked(t, NULL);
	/* no temporary file is left behind */
	assert_int_equal(faccessat(fx->dirfd, "thp-42.img.tmp", F_OK, 0), -1);
}

/* A symlink planted as the .tmp is removed, never written through. */
static void planted_symlink(void **state)
{
	struct fixture *fx = *state;
	char target[96], buf[8];
	struct stat st;
	ThpTaskEntry *t;
	int fd;

	snprintf(target, sizeof(target), "%s/victim", fx->dir);
	fd = open(target, O_WRONLY | O_CREAT | O_TRUNC, 0600);
	assert_true(fd >= 0);
	assert_int_equal(write(fd, "victim", 6), 6);
	close(fd);
	assert_int_equal(symlinkat(target, fx->dirfd, "thp-42.img.tmp"), 0);
	make_task();
	assert_int_equal(thp_image_write_task(fx->dirfd, &task), 0);
	assert_int_equal(stat(target, &st), 0);
	assert_int_equal(st.st_size, 6);
	fd = open(target, O_RDONLY);
	assert_int_equal(read(fd, buf, sizeof(buf)), 6);
	close(fd);
	assert_memory_equal(buf, "victim", 6);
	assert_int_equal(thp_image_read_task(fx->dirfd, 42, &t), 0);
	thp_task_entry__free_unpacked(t, NULL);
	assert_int_equal(fstatat(fx->dirfd, "thp-42.img", &st,
				 AT_SYMLINK_NOFOLLOW), 0);
	assert_true(S_ISREG(st.st_mode));
	unlinkat(fx->dirfd, "victim", 0);
	unlinkat(fx->dirfd, "thp-42.img", 0);
}

static void dump_round_trip(void **state)
{
	struct fixture *fx = *state;
	ThpDumpEntry d = THP_DUMP_ENTRY__INIT, *r;

	d.version = THP_IMAGE_VERSION;
	d.kernel_release = "6.1.0-56-amd64";
	d.hpage_size = CHUNK;
	d.enabled = "madvise";
	d.defrag = "madvise";
	d.shmem_enabled = "never";
	d.has_max_ptes_none = 1;
	d.max_ptes_none = 511;
	assert_int_equal(thp_image_write_dump(fx->dirfd, &d), 0);
	assert_int_equal(thp_image_read_dump(fx->dirfd, &r), 0);
	assert_string_equal(r->kernel_release, "6.1.0-56-amd64");
	assert_string_equal(r->enabled, "madvise");
	assert_int_equal(r->max_ptes_none, 511);
	thp_dump_entry__free_unpacked(r, NULL);
}

/* The packed file image of the test task. */
static uint8_t *task_file(size_t *len)
{
	size_t size = thp_task_entry__get_packed_size(&task);
	uint8_t *buf = malloc(8 + size);
	uint32_t hdr[2] = { htole32(THP_MAGIC_TASK), htole32(size) };

	memcpy(buf, hdr, 8);
	thp_task_entry__pack(&task, buf + 8);
	*len = 8 + size;
	return buf;
}

static void truncated_anywhere(void **state)
{
	ThpTaskEntry *t = NULL;
	uint8_t *buf;
	size_t len, cut;

	(void)state;
	make_task();
	buf = task_file(&len);
	for (cut = 0; cut < len; cut++)
		assert_int_equal(thp_image_decode_task(buf, cut, "t", &t),
				 -EBADMSG);
	assert_int_equal(thp_image_decode_task(buf, len, "t", &t), 0);
	thp_task_entry__free_unpacked(t, NULL);
	free(buf);
}

static void trailing_garbage_and_bad_magic(void **state)
{
	ThpTaskEntry *t;
	ThpDumpEntry *d;
	uint8_t *buf, *longer;
	size_t len;

	(void)state;
	make_task();
	buf = task_file(&len);
	longer = calloc(1, len + 1);
	memcpy(longer, buf, len);
	assert_int_equal(thp_image_decode_task(longer, len + 1, "t", &t), -EBADMSG);
	/* a task image is not a dump image */
	assert_int_equal(thp_image_decode_dump(buf, len, "t", &d), -EBADMSG);
	buf[0] ^= 0xff;
	assert_int_equal(thp_image_decode_task(buf, len, "t", &t), -EBADMSG);
	free(longer);
	free(buf);
}

static void oversized(void **state)
{
	struct fixture *fx = *state;
	uint32_t hdr[2] = { htole32(THP_MAGIC_TASK), htole32(0xfffffff0u) };
	ThpTaskEntry *t;
	int fd;

	/* a header that claims more than the bound */
	assert_int_equal(thp_image_decode_task((uint8_t *)hdr, 8, "t", &t), -EFBIG);

	/* a file larger than the bound is not even read */
	fd = openat(fx->dirfd, "thp-7.img", O_WRONLY | O_CREAT, 0600);
	assert_true(fd >= 0);
	assert_int_equal(ftruncate(fd, (off_t)THP_IMG_MAX_PAYLOAD + 4096), 0);
	close(fd);
	assert_int_equal(thp_image_read_task(fx->dirfd, 7, &t), -EFBIG);
}

static void corrupt_payload(void **state)
{
	ThpTaskEntry *t;
	uint8_t *buf;
	size_t len, i;

	(void)state;
	make_task();
	buf = task_file(&len);
	/* an invalid wire type right after the header */
	for (i = 8; i < len; i++)
		buf[i] = 0xff;
	assert_int_equal(thp_image_decode_task(buf, len, "t", &t), -EBADMSG);
	free(buf);
}

static void wrong_version(void **state)
{
	ThpTaskEntry *t;
	uint8_t *buf;
	size_t len;

	(void)state;
	make_task();
	task.version = THP_IMAGE_VERSION + 1;
	buf = task_file(&len);
	assert_int_equal(thp_image_decode_task(buf, len, "t", &t),
			 -EPROTONOSUPPORT);
	free(buf);
}

/* Values that decode but make no sense are rejected, on read and write. */
static void absurd_values(void **state)
{
	struct fixture *fx = *state;
	ThpTaskEntry *t;
	uint8_t *buf;
	size_t len;
	unsigned int i;

	for (i = 0; i < 15; i++) {
		make_task();
		switch (i) {
		case 0:		/* absurd count */
			run_a.nr = 0xffffffffu;
			break;
		case 1:		/* past VMA end */
			run_a.nr = 9;
			break;
		case 2:		/* unaligned */
			run_a.first += 4096;
			break;
		case 3:		/* overlap */
			run_b.first = run_a.first;
			break;
		case 4:		/* VMA overlap */
			vma_nh.start = vma_hg.start;
			break;
		case 5:
			vma_file.kind = 99;
			break;
		case 6:
			vma_nh.advice = 3;
			break;
		case 7:		/* PMD and PTE */
			run_pte.first = run_b.first;
			break;
		case 8:		/* other VMA */
			run_unres.first = vma_hg.start;
			break;
		case 9:
			run_unres.nr = 0;
			break;
		case 10:		/* yet chunks */
			task.coverage_known = 0;
			break;
		case 11:
			task.source = 7;
			break;
		case 12:	/* disabled, and disabled except advised */
			task.thp_disabled = 1;
			task.has_thp_except_advised = 1;
			task.thp_except_advised = 1;
			break;
		case 13:	/* a PMD's folio order among the small */
			folio.order = 9;
			break;
		case 14:	/* more pages than the VMA */
			folio.pages = 2049;
			break;
		}
		buf = task_file(&len);
		assert_int_equal(thp_image_decode_task(buf, len, "t", &t), -EBADMSG);
		free(buf);
		assert_int_equal(thp_image_write_task(fx->dirfd, &task), -EINVAL);
	}
}

static void missing_image(void **state)
{
	struct fixture *fx = *state;
	ThpTaskEntry *t;
	ThpDumpEntry *d;

	assert_int_equal(thp_image_read_task(fx->dirfd, 1234, &t), -ENOENT);
	assert_int_equal(thp_image_read_dump(fx->dirfd, &d), -ENOENT);
}

static void task_ids_and_cleanup(void **state)
{
	struct fixture *fx = *state;
	unsigned int id = 0;
	int fd;

	assert_int_equal(thp_image_task_id("thp-17.img", &id), 0);
	assert_int_equal(id, 17);
	assert_int_equal(thp_image_task_id("thp-dump.img", &id), -1);
	assert_int_equal(thp_image_task_id("thp-17.img.tmp", &id), -1);
	assert_int_equal(thp_image_task_id("thp- 17.img", &id), -1);
	assert_int_equal(thp_image_task_id("mm-17.img", &id), -1);

	make_task();
	assert_int_equal(thp_image_write_task(fx->dirfd, &task), 0);
	fd = openat(fx->dirfd, "thp-9.img.tmp", O_WRONLY | O_CREAT, 0600);
	close(fd);
	fd = openat(fx->dirfd, "mm-42.img", O_WRONLY | O_CREAT, 0600);
	close(fd);
	assert_int_equal(thp_image_remove_all(fx->dirfd), 0);
	assert_int_equal(faccessat(fx->dirfd, "thp-42.img", F_OK, 0), -1);
	assert_int_equal(faccessat(fx->dirfd, "thp-9.img.tmp", F_OK, 0), -1);
	assert_int_equal(faccessat(fx->dirfd, "mm-42.img", F_OK, 0), 0);
}

static char *show(int dirfd, int json, int *ret)
{
	char *out = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&out, &len);

	*ret = thp_show(dirfd, f, json);
	fclose(f);
	return out;
}

static void show_text_and_json(void **state)
{
	struct fixture *fx = *state;
	ThpDumpEntry d = THP_DUMP_ENTRY__INIT;
	char *out;
	int ret;

	unsigned int ids[] = { 42 }, more[] = { 42, 43 };

	make_task();
	d.version = THP_IMAGE_VERSION;
	d.kernel_release = "6.1\"evil";
	d.n_task_ids = 1;
	d.task_ids = ids;
	d.hpage_size = CHUNK;
	d.enabled = "always";
	d.defrag = "madvise";
	assert_int_equal(thp_image_write_task(fx->dirfd, &task), 0);

	out = show(fx->dirfd, 0, &ret);		/* no thp-dump.img yet */
	assert_int_equal(ret, -ENOENT);
	free(out);

	assert_int_equal(thp_image_write_dump(fx->dirfd, &d), 0);
	out = show(fx->dirfd, 0, &ret);
	assert_int_equal(ret, 0);
	assert_non_null(strstr(out, "strict=no, 1 tasks\n"));
	assert_non_null(strstr(out, "task 42: prctl THP disabled, 3 VMAs, huge-page map from "
				    "kpageflags: 5 PMD-mapped, 1 PTE-mapped THP, 2 unresolved "
				    "chunks\n"));
	assert_non_null(strstr(out,
		"7f0000000000-7f0001000000 anon    hg   pmd_huge 7f0000000000-7f0000600000 (3), "
		"7f0000a00000-7f0000e00000 (2) pte_thp 7f0000600000-7f0000800000 (1)\n"));
	assert_non_null(strstr(out, "7f0001000000-7f0001800000 anon    nh   unresolved "
				    "7f0001000000-7f0001400000 (2) [smaps: 2048 KiB PMD-mapped] "
				    "mTHP: 128 KiB in 64 KiB folios\n"));
	assert_non_null(strstr(out, "7f1000000000-7f1000003000 file    none\n"));
	free(out);

	out = show(fx->dirfd, 1, &ret);
	assert_int_equal(ret, 0);
	assert_non_null(strstr(out, "\"kernel_release\":\"6.1\\\"evil\""));
	assert_non_null(strstr(out, "{\"first\":\"0x7f0000a00000\",\"nr\":2}"));
	assert_non_null(strstr(out, "\"id\":42,\"thp_disabled\":true,"
			       "\"prctl\":\"disabled\",\"folios_known\":false,"
			       "\"coverage_known\":true,\"source\":\"kpageflags\""));
	assert_non_null(strstr(out, "\"pte_thp\":[{\"first\":\"0x7f0000600000\",\"nr\":1}]"));
	assert_non_null(strstr(out, "\"task_ids\":[42]"));
	assert_non_null(strstr(out, "\"folios\":[{\"kb\":64,\"pages\":32}]"));
	free(out);

	/* a listed task without its image: an error naming the file */
	d.n_task_ids = 2;
	d.task_ids = more;
	assert_int_equal(thp_image_write_dump(fx->dirfd, &d), 0);
	out = show(fx->dirfd, 1, &ret);
	assert_int_equal(ret, -ENOENT);
	assert_string_equal(out, "");		/* nothing half-printed */
	free(out);

	/* an image the dump does not list is ignored */
	task.id = 7;
	assert_int_equal(thp_image_write_task(fx->dirfd, &task), 0);
	d.n_task_ids = 1;
	d.task_ids = ids;
	assert_int_equal(thp_image_write_dump(fx->dirfd, &d), 0);
	out = show(fx->dirfd, 0, &ret);
	assert_int_equal(ret, 0);
	assert_null(strstr(out, "task 7"));
	free(out);
}

static void dump_entry_checks(void **state)
{
	struct fixture *fx = *state;
	ThpDumpEntry d = THP_DUMP_ENTRY__INIT;
	unsigned int unsorted[] = { 5, 3 }, twice[] = { 4, 4 };
	char why[160];

	d.version = THP_IMAGE_VERSION;
	d.kernel_release = "6.1";
	d.enabled = d.defrag = "madvise";
	d.hpage_size = 3 * 4096;
	assert_int_equal(thp_image_dump_check(&d, why, sizeof(why)), -1);
	assert_int_equal(thp_image_write_dump(fx->dirfd, &d), -EINVAL);
	d.hpage_size = CHUNK;
	d.n_task_ids = 2;
	d.task_ids = unsorted;
	assert_int_equal(thp_image_dump_check(&d, why, sizeof(why)), -1);
	d.task_ids = twice;
	assert_int_equal(thp_image_dump_check(&d, why, sizeof(why)), -1);
	assert_non_null(strstr(why, "repeated"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(task_round_trip, setup, teardown),
		cmocka_unit_test_setup_teardown(planted_symlink, setup, teardown),
		cmocka_unit_test_setup_teardown(dump_round_trip, setup, teardown),
		cmocka_unit_test(truncated_anywhere),
		cmocka_unit_test(trailing_garbage_and_bad_magic),
		cmocka_unit_test_setup_teardown(oversized, setup, teardown),
		cmocka_unit_test(corrupt_payload),
		cmocka_unit_test(wrong_version),
		cmocka_unit_test_setup_teardown(absurd_values, setup, teardown),
		cmocka_unit_test_setup_teardown(missing_image, setup, teardown),
		cmocka_unit_test_setup_teardown(task_ids_and_cleanup, setup, teardown),
		cmocka_unit_test_setup_teardown(show_text_and_json, setup, teardown),
		cmocka_unit_test_setup_teardown(dump_entry_checks, setup, teardown),
	};

	return cmocka_run_group_tests_name("thp_image", tests, NULL, NULL);
}
