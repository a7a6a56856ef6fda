/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What the libFuzzer harnesses share: each test/fuzz/fuzz_<what>.c
 * defines fuzz_one() over one input and is linked with the command's
 * objects (log_stderr.c among them), built by `make fuzz` with clang,
 * libFuzzer, AddressSanitizer and UndefinedBehaviorSanitizer.  The
 * messages the code under test prints for bad input are silenced: they
 * are the expected outcome, and would slow the fuzzer down.
 */
#ifndef FUZZ_H
#define FUZZ_H

#include <ftw.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

extern int thp_log_level;

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* A NUL-terminated copy of the input; free() it. */
static inline char *fuzz_string(const uint8_t *data, size_t size)
{
	char *s = malloc(size + 1);

	if (!s)
		abort();
	memcpy(s, data, size);
	s[size] = '\0';
	return s;
}

/* Write the input to path (a file of the harness's own directory). */
static inline void fuzz_file(const char *path, const void *data, size_t size)
{
	FILE *f = fopen(path, "w");

	if (!f || (size && fwrite(data, size, 1, f) != 1) || fclose(f))
		abort();
}

static char fuzz_dir_path[] = "/dev/shm/criu-thp-fuzz.XXXXXX";

static inline int fuzz_rm(const char *path, const struct stat *st, int type,
			  struct FTW *ftw)
{
	(void)st;
	(void)type;
	(void)ftw;
	return remove(path);
}

static inline void fuzz_dir_remove(void)
{
	nftw(fuzz_dir_path, fuzz_rm, 8, FTW_DEPTH | FTW_PHYS);
}

/*
 * A private directory on tmpfs for the harnesses that need files,
 * removed with what is in it when the fuzzer exits.
 */
static inline const char *fuzz_dir(void)
{
	static int made;

	if (!made && (!mkdtemp(fuzz_dir_path) || atexit(fuzz_dir_remove)))
		abort();
	made = 1;
	return fuzz_dir_path;
}

#define FUZZ_QUIET()						\
int LLVMFuzzerInitialize(int *argc, char ***argv)		\
{								\
	(void)argc;						\
	(void)argv;						\
	thp_log_level = -1;					\
	return 0;						\
}

#endif /* FUZZ_H */
