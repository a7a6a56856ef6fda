/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The frame of CRIU's images: two u32 magics (CRIU's common image magic,
 * then the image's own), then entries, each a u32 size and that many bytes
 * of a packed protobuf message.  Everything little endian.
 */
#ifndef CRIU_IMAGE_H
#define CRIU_IMAGE_H

#include <stddef.h>
#include <stdint.h>

#define CRIU_IMG_COMMON_MAGIC	0x54564319u

/* A cursor over the entries of an in-memory image. */
struct criu_img {
	const uint8_t *buf;
	size_t len, off;
	const char *name;	/* for messages */
};

/* Check the two magics; 0, or -EBADMSG with a message naming the file. */
int criu_image_open(struct criu_img *c, const uint8_t *buf, size_t len,
		    uint32_t magic, const char *name);
/*
 * The next entry: 1 with *msg and *size set, 0 at the end, -EBADMSG
 * (with a message) when an entry runs past the end of the file.
 */
int criu_image_next(struct criu_img *c, const uint8_t **msg, uint32_t *size);

/*
 * Read the image file name of at most max bytes from dirfd into *buf (free
 * it after): 0, -ENOENT (no message: the caller knows what that means),
 * or another negative errno after a message naming the file.
 */
int criu_image_load(int dirfd, const char *name, size_t max, uint8_t **buf,
		    size_t *len);

#endif /* CRIU_IMAGE_H */
