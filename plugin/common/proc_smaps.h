/* SPDX-License-Identifier: GPL-2.0 */
/*
 * /proc/PID/smaps parser: one callback per VMA with what criu-thp needs.
 */
#ifndef PROC_SMAPS_H
#define PROC_SMAPS_H

#include <limits.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/types.h>

/* VmFlags mnemonics we care about (fs/proc/task_mmu.c). */
enum {
	VMF_HG	= 1u << 0,	/* hg: VM_HUGEPAGE */
	VMF_NH	= 1u << 1,	/* nh: VM_NOHUGEPAGE */
	VMF_UM	= 1u << 2,	/* um: userfaultfd missing */
	VMF_UW	= 1u << 3,	/* uw: userfaultfd wr-protect */
	VMF_UI	= 1u << 4,	/* ui: userfaultfd minor */
	VMF_SH	= 1u << 5,	/* sh: VM_SHARED */
	VMF_PF	= 1u << 6,	/* pf: VM_PFNMAP */
	VMF_IO	= 1u << 7,	/* io: VM_IO */
	VMF_DD	= 1u << 8,	/* dd: VM_DONTDUMP */
	VMF_HT	= 1u << 9,	/* ht: hugetlb */
};

/* Values match thp_vma_kind in images/thp.proto. */
enum vma_kind {
	VMA_KIND_PRIVATE_ANON	= 1,
	VMA_KIND_SHMEM		= 2,
	VMA_KIND_FILE		= 3,
	VMA_KIND_SPECIAL	= 4,
};

struct smaps_vma {
	uint64_t start, end;
	char perms[5];
	uint64_t pgoff;
	unsigned int dev_major, dev_minor;
	unsigned long inode;
	uint64_t rss_kb;
	uint64_t anon_huge_kb;		/* AnonHugePages */
	uint64_t shmem_pmd_kb;		/* ShmemPmdMapped */
	uint64_t file_pmd_kb;		/* FilePmdMapped */
	unsigned int vmflags;		/* VMF_* */
	int has_vmflags;		/* the kernel printed a VmFlags line */
	char path[PATH_MAX];		/* last: copies stop at its string */
};

/* Copy a VMA without the unused part of its path. */
static inline void smaps_vma_copy(struct smaps_vma *to,
				  const struct smaps_vma *from)
{
	memcpy(to, from, offsetof(struct smaps_vma, path));
	strcpy(to->path, from->path);
}

/* Return non-zero from the callback to stop; proc_smaps_parse returns it. */
typedef int (*smaps_cb)(const struct smaps_vma *vma, void *arg);

/* 0, a callback's non-zero value, or -EINVAL for a malformed file. */
int proc_smaps_parse(FILE *f, smaps_cb cb, void *arg);
/* Same for /proc/<pid>/smaps; a negative errno if it cannot be opened. */
int proc_smaps_read(pid_t pid, smaps_cb cb, void *arg);
/*
 * Same for /proc/<pid>/maps: the VMAs alone, no VmFlags and no counts,
 * at a fraction of the cost (no page walk, one line a VMA).
 */
int proc_smaps_maps_read(pid_t pid, smaps_cb cb, void *arg);

/*
 * /proc/<pid>/smaps_rollup: the sums over all VMAs, as one VMA; 0, or a
 * negative errno (-ENODATA for a task without memory).
 */
int proc_smaps_rollup_read(pid_t pid, struct smaps_vma *all);

/* Parse one /proc/PID/maps line (= an smaps header); 0 or -EINVAL. */
int proc_smaps_parse_maps_line(const char *line, struct smaps_vma *v);
/* Parse a VmFlags value ("rd wr mr hg"), returning VMF_* bits. */
unsigned int proc_smaps_parse_vmflags(const char *s);
enum vma_kind proc_smaps_vma_kind(const struct smaps_vma *v);

/* Everything the kernel says is mapped by PMDs in this VMA, in KiB. */
static inline uint64_t smaps_pmd_mapped_kb(const struct smaps_vma *v)
{
	return v->anon_huge_kb + v->shmem_pmd_kb + v->file_pmd_kb;
}

#endif /* PROC_SMAPS_H */
