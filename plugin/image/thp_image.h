/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Reading and writing the plugin's own images (images/thp.proto).
 *
 * A file is a u32 magic, a u32 payload size (little endian) and the packed
 * message.  Readers bound the size, check the magic and the version, and
 * validate what they decoded; every error names the file and the cause.
 */
#ifndef THP_IMAGE_H
#define THP_IMAGE_H

#include <stddef.h>
#include <stdint.h>

#include "thp.pb-c.h"

#define THP_IMAGE_VERSION	1

#define THP_MAGIC_TASK		0x4b505448u	/* "THPK" */
#define THP_MAGIC_DUMP		0x44505448u	/* "THPD" */

/* Far more than any real process needs: a bound, not a format limit. */
#define THP_IMG_MAX_PAYLOAD	(64u << 20)

#define THP_DUMP_IMG		"thp-dump.img"
#define THP_TASK_IMG_FMT	"thp-%u.img"
#define THP_IMG_NAME_MAX	32

/* PMD-mapped huge page size on x86_64. */
#define THP_CHUNK_SHIFT		21
#define THP_CHUNK_SIZE		(1ull << THP_CHUNK_SHIFT)
#define THP_PAGE_SIZE		4096ull

/*
 * All return 0 on success or a negative errno:
 *   -ENOENT		no such image
 *   -EBADMSG		bad magic, truncated, trailing bytes, undecodable,
 *			or values that make no sense
 *   -EFBIG		payload larger than THP_IMG_MAX_PAYLOAD
 *   -EPROTONOSUPPORT	a version this code does not know
 *   other		the failing system call's errno
 * Decoded entries are freed with thp_task_entry__free_unpacked() or
 * thp_dump_entry__free_unpacked(..., NULL).
 */
int thp_image_write_task(int dirfd, const ThpTaskEntry *e);
int thp_image_read_task(int dirfd, unsigned int id, ThpTaskEntry **e);
int thp_image_write_dump(int dirfd, const ThpDumpEntry *e);
int thp_image_read_dump(int dirfd, ThpDumpEntry **e);

/* Decode an in-memory file image; name is only used in messages. */
int thp_image_decode_task(const uint8_t *buf, size_t len, const char *name,
			  ThpTaskEntry **e);
int thp_image_decode_dump(const uint8_t *buf, size_t len, const char *name,
			  ThpDumpEntry **e);

/* Sanity of a decoded or about-to-be-written entry; why gets the reason. */
int thp_image_task_check(const ThpTaskEntry *e, char *why, size_t len);
int thp_image_dump_check(const ThpDumpEntry *e, char *why, size_t len);

/* The ids of every thp-<id>.img in dirfd, sorted; free(*ids) after. */
int thp_image_list_tasks(int dirfd, unsigned int **ids, size_t *nr);

/* Remove every thp image from a directory (a dump that failed). */
int thp_image_remove_all(int dirfd);

/*
 * Read a whole file of at most max bytes (-EFBIG, with a message, if it
 * is larger); free(*buf) after.  Shared with the reader of CRIU's images.
 */
int thp_image_slurp(int dirfd, const char *name, size_t max, uint8_t **buf,
		    size_t *len);

/* Parse "thp-<id>.img"; returns 0 and sets *id, or -1 for other names. */
int thp_image_task_id(const char *name, unsigned int *id);

#endif /* THP_IMAGE_H */
