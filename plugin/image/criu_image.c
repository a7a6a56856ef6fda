// SPDX-License-Identifier: GPL-2.0
/*
 * Walking the entries of a CRIU image (see criu_image.h).
 */
#include <endian.h>
#include <errno.h>
#include <string.h>

#include "criu_image.h"
#include "thp_image.h"
#include "thp_log.h"

static uint32_t get_u32(const uint8_t *p)
{
	uint32_t v;

	memcpy(&v, p, sizeof(v));
	return le32toh(v);
}

int criu_image_open(struct criu_img *c, const uint8_t *buf, size_t len,
		    uint32_t magic, const char *name)
{
	c->buf = buf;
	c->len = len;
	c->off = 8;
	c->name = name;
	if (len < 8) {
		pr_err("%s: truncated: %zu bytes, no complete header\n",
		       name, len);
		return -EBADMSG;
	}
	if (get_u32(buf) != CRIU_IMG_COMMON_MAGIC || get_u32(buf + 4) != magic) {
		pr_err("%s: bad magic %#x %#x, want %#x %#x\n", name,
		       get_u32(buf), get_u32(buf + 4), CRIU_IMG_COMMON_MAGIC,
		       magic);
		return -EBADMSG;
	}
	return 0;
}

int criu_image_next(struct criu_img *c, const uint8_t **msg, uint32_t *size)
{
	size_t left = c->len - c->off;

	if (!left)
		return 0;
	if (left < 4 || get_u32(c->buf + c->off) > left - 4) {
		pr_err("%s: entry at byte %zu runs past the end of the file (%zu bytes)\n",
		       c->name, c->off, c->len);
		return -EBADMSG;
	}
	*size = get_u32(c->buf + c->off);
	*msg = c->buf + c->off + 4;
	c->off += 4 + *size;
	return 1;
}

int criu_image_load(int dirfd, const char *name, size_t max, uint8_t **buf,
		    size_t *len)
{
	int ret = thp_image_slurp(dirfd, name, max, buf, len);

	/* thp_image_slurp() names the file itself for -EFBIG */
	if (ret && ret != -ENOENT && ret != -EFBIG)
		pr_err("%s: cannot read: %s\n", name, strerror(-ret));
	return ret;
}
