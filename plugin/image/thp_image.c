// SPDX-License-Identifier: GPL-2.0
/*
 * The plugin's image files: framing, bounds, version and sanity checks.
 */
#include <dirent.h>
#include <endian.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "array.h"
#include "thp_image.h"
#include "thp_log.h"

struct thp_img_hdr {
	uint32_t magic;
	uint32_t size;
};

static int write_all(int fd, const void *buf, size_t len)
{
	const uint8_t *p = buf;

	while (len) {
		ssize_t n = write(fd, p, len);

		if (n < 0) {
			if (errno == EINTR)
				continue;
			return -errno;
		}
		p += n;
		len -= n;
	}
	return 0;
}

/*
 * Write header and payload to "<name>.tmp", then rename it over <name>, so
 * that a reader never sees a half-written image.  The .tmp is made anew
 * (O_EXCL | O_NOFOLLOW after removing what has that name: a planted
 * symlink is removed, never followed) and on disk before the rename.
 */
static int img_write(int dirfd, const char *name, uint32_t magic,
		     const uint8_t *payload, size_t size)
{
	struct thp_img_hdr hdr = {
		.magic = htole32(magic),
		.size = htole32(size),
	};
	char tmp[THP_IMG_NAME_MAX + 8];
	int fd, ret;

	snprintf(tmp, sizeof(tmp), "%s.tmp", name);
	if (unlinkat(dirfd, tmp, 0) && errno != ENOENT) {
		ret = -errno;
		pr_err("%s: cannot remove: %s\n", tmp, strerror(-ret));
		return ret;
	}
	fd = openat(dirfd, tmp, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW |
		    O_CLOEXEC, 0600);
	if (fd < 0) {
		ret = -errno;
		pr_err("%s: cannot create: %s\n", tmp, strerror(-ret));
		return ret;
	}

	ret = write_all(fd, &hdr, sizeof(hdr));
	if (!ret)
		ret = write_all(fd, payload, size);
	if (!ret && fsync(fd))
		ret = -errno;
	if (close(fd) && !ret)
		ret = -errno;
	if (ret) {
		pr_err("%s: write failed: %s\n", tmp, strerror(-ret));
		goto err_unlink;
	}

	if (renameat(dirfd, tmp, dirfd, name)) {
		ret = -errno;
		pr_err("%s: cannot rename to %s: %s\n", tmp, name,
		       strerror(-ret));
		goto err_unlink;
	}
	return 0;

err_unlink:
	unlinkat(dirfd, tmp, 0);
	return ret;
}

int thp_image_slurp(int dirfd, const char *name, size_t max, uint8_t **buf,
		    size_t *len)
{
	struct stat st;
	size_t done = 0;
	int fd, ret = 0;
	uint8_t *p;

	*buf = NULL;
	*len = 0;
	fd = openat(dirfd, name, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	if (fstat(fd, &st)) {
		ret = -errno;
		goto out_close;
	}
	if ((size_t)st.st_size > max) {
		pr_err("%s: %lld bytes, larger than any image of its kind (%zu)\n",
		       name, (long long)st.st_size, max);
		ret = -EFBIG;
		goto out_close;
	}

	p = malloc(st.st_size ? st.st_size : 1);
	if (!p) {
		ret = -ENOMEM;
		goto out_close;
	}
	while (done < (size_t)st.st_size) {
		ssize_t n = read(fd, p + done, st.st_size - done);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0) {
			ret = n < 0 ? -errno : -EBADMSG;
			free(p);
			goto out_close;
		}
		done += n;
	}
	*buf = p;
	*len = done;
out_close:
	close(fd);
	return ret;
}

/* Check the framing and return the payload's position and size. */
static int img_unframe(const uint8_t *buf, size_t len, const char *name,
		       uint32_t magic, const uint8_t **payload, size_t *size)
{
	struct thp_img_hdr hdr;

	if (len < sizeof(hdr)) {
		pr_err("%s: truncated: %zu bytes, no complete header\n",
		       name, len);
		return -EBADMSG;
	}
	memcpy(&hdr, buf, sizeof(hdr));
	if (le32toh(hdr.magic) != magic) {
		pr_err("%s: bad magic %#x (expected %#x): not this kind of thp image\n",
		       name, le32toh(hdr.magic), magic);
		return -EBADMSG;
	}
	*size = le32toh(hdr.size);
	if (*size > THP_IMG_MAX_PAYLOAD) {
		pr_err("%s: header claims %zu bytes, more than the %u allowed\n",
		       name, *size, THP_IMG_MAX_PAYLOAD);
		return -EFBIG;
	}
	if (len - sizeof(hdr) != *size) {
		pr_err("%s: %s: header says %zu payload bytes, file has %zu\n",
		       name, len - sizeof(hdr) < *size ? "truncated" :
		       "trailing garbage", *size, len - sizeof(hdr));
		return -EBADMSG;
	}
	*payload = buf + sizeof(hdr);
	return 0;
}

static int check_version(const char *name, uint32_t version)
{
	if (version == THP_IMAGE_VERSION)
		return 0;
	pr_err("%s: image version %u, this build reads version %u\n",
	       name, version, THP_IMAGE_VERSION);
	return -EPROTONOSUPPORT;
}

static int check_runs(const ThpVmaEntry *v, const char *what,
		      ThpChunkRun *const *runs, size_t n, char *why, size_t len)
{
	uint64_t next = v->start;
	size_t i;

	for (i = 0; i < n; i++) {
		const ThpChunkRun *r = runs[i];

		if (r->first & (THP_CHUNK_SIZE - 1)) {
			snprintf(why, len, "%s chunk %#" PRIx64 " is not aligned",
				 what, r->first);
			return -1;
		}
		if (r->nr == 0 || r->first < next || r->first >= v->end ||
		    r->first < v->start ||
		    r->nr > (v->end - r->first) >> THP_CHUNK_SHIFT) {
			snprintf(why, len,
				 "%s chunks %#" PRIx64 " x %u out of order "
				 "or outside VMA %#" PRIx64 "-%#" PRIx64,
				 what, r->first, r->nr, v->start, v->end);
			return -1;
		}
		next = r->first + ((uint64_t)r->nr << THP_CHUNK_SHIFT);
	}
	return 0;
}

static uint64_t run_end(const ThpChunkRun *r)
{
	return r->first + ((uint64_t)r->nr << THP_CHUNK_SHIFT);
}

/* Two sorted run lists share no chunk; returns the first shared address. */
static int runs_overlap(ThpChunkRun *const *a, size_t na,
			ThpChunkRun *const *b, size_t nb, uint64_t *at)
{
	size_t i = 0, j = 0;

	while (i < na && j < nb) {
		if (run_end(a[i]) <= b[j]->first) {
			i++;
		} else if (run_end(b[j]) <= a[i]->first) {
			j++;
		} else {
			*at = a[i]->first > b[j]->first ? a[i]->first :
							   b[j]->first;
			return 1;
		}
	}
	return 0;
}

/* A chunk is PMD-mapped, a PTE-mapped THP or unresolved: never two. */
static int check_chunk_sets(const ThpVmaEntry *v, char *why, size_t len)
{
	uint64_t at;

	if (check_runs(v, "pmd_huge", v->pmd_huge, v->n_pmd_huge, why, len) ||
	    check_runs(v, "pte_thp", v->pte_thp, v->n_pte_thp, why, len) ||
	    check_runs(v, "unresolved", v->unresolved, v->n_unresolved, why,
		       len))
		return -1;
	if (runs_overlap(v->pmd_huge, v->n_pmd_huge, v->pte_thp, v->n_pte_thp,
			 &at) ||
	    runs_overlap(v->pmd_huge, v->n_pmd_huge, v->unresolved,
			 v->n_unresolved, &at) ||
	    runs_overlap(v->pte_thp, v->n_pte_thp, v->unresolved,
			 v->n_unresolved, &at)) {
		snprintf(why, len, "chunk %#" PRIx64 " is in two chunk lists",
			 at);
		return -1;
	}
	return 0;
}

/* Folio orders below a PMD's, once each, no more pages than the VMA's. */
static int check_folios(const ThpVmaEntry *v, char *why, size_t len)
{
	uint64_t pages = (v->end - v->start) / THP_PAGE_SIZE, seen = 0;
	size_t i;

	for (i = 0; i < v->n_folios; i++) {
		const ThpFolioCount *f = v->folios[i];

		if (!f->order || f->order >= THP_CHUNK_SHIFT - 12 ||
		    seen & (1ull << f->order) || f->pages > pages) {
			snprintf(why, len,
				 "VMA %#" PRIx64 ": bad folio count (order %u, %" PRIu64 " pages)",
				 v->start, f->order, f->pages);
			return -1;
		}
		seen |= 1ull << f->order;
	}
	return 0;
}

static int check_vma(const ThpVmaEntry *v, uint64_t prev_end, char *why,
		     size_t len)
{
	if (v->start >= v->end || (v->start | v->end) & (THP_PAGE_SIZE - 1)) {
		snprintf(why, len, "bad VMA bounds %#" PRIx64 "-%#" PRIx64,
			 v->start, v->end);
		return -1;
	}
	if (v->start < prev_end) {
		snprintf(why, len, "VMA %#" PRIx64 " overlaps or is out of order",
			 v->start);
		return -1;
	}
	if (v->kind < THP_VMA_KIND__PRIVATE_ANON ||
	    v->kind > THP_VMA_KIND__SPECIAL) {
		snprintf(why, len, "VMA %#" PRIx64 ": unknown kind %d",
			 v->start, v->kind);
		return -1;
	}
	if (v->advice < THP_ADVICE__NONE || v->advice > THP_ADVICE__NOHUGE) {
		snprintf(why, len, "VMA %#" PRIx64 ": unknown advice %d",
			 v->start, v->advice);
		return -1;
	}
	if (check_folios(v, why, len))
		return -1;
	return check_chunk_sets(v, why, len);
}

static int vma_has_chunks(const ThpVmaEntry *v)
{
	return v->n_pmd_huge || v->n_pte_thp || v->n_unresolved;
}

int thp_image_task_check(const ThpTaskEntry *e, char *why, size_t len)
{
	uint64_t prev_end = 0;
	size_t i;

	if (e->source < THP_COVERAGE_SOURCE__UNKNOWN ||
	    e->source > THP_COVERAGE_SOURCE__KPAGEFLAGS) {
		snprintf(why, len, "unknown coverage source %d", e->source);
		return -1;
	}
	if (e->thp_disabled && e->has_thp_except_advised &&
	    e->thp_except_advised) {
		snprintf(why, len,
			 "THP both disabled and disabled except where advised");
		return -1;
	}
	for (i = 0; i < e->n_vmas; i++) {
		if (check_vma(e->vmas[i], prev_end, why, len))
			return -1;
		if (!e->coverage_known && vma_has_chunks(e->vmas[i])) {
			snprintf(why, len,
				 "VMA %#" PRIx64 " lists chunks although coverage is unknown",
				 e->vmas[i]->start);
			return -1;
		}
		prev_end = e->vmas[i]->end;
	}
	return 0;
}

int thp_image_dump_check(const ThpDumpEntry *e, char *why, size_t len)
{
	size_t i;

	if (!e->hpage_size || e->hpage_size & (e->hpage_size - 1)) {
		snprintf(why, len, "huge page size %" PRIu64, e->hpage_size);
		return -1;
	}
	for (i = 1; i < e->n_task_ids; i++) {
		if (e->task_ids[i] <= e->task_ids[i - 1]) {
			snprintf(why, len, "task ids not sorted or repeated at %u",
				 e->task_ids[i]);
			return -1;
		}
	}
	return 0;
}

/*
 * What differs between the two records: magic, message, check.  Decoding,
 * reading and writing are the same for both and written once, on the
 * message's base (protobuf-c's ProtobufCMessage, first in every message).
 */
struct img_kind {
	uint32_t magic;
	const char *what;
	const ProtobufCMessageDescriptor *desc;
	int (*check)(const ProtobufCMessage *m, char *why, size_t len);
	uint32_t (*version)(const ProtobufCMessage *m);
};

static int task_check(const ProtobufCMessage *m, char *why, size_t len)
{
	return thp_image_task_check((const ThpTaskEntry *)m, why, len);
}

static uint32_t task_version(const ProtobufCMessage *m)
{
	return ((const ThpTaskEntry *)m)->version;
}

static int dump_check(const ProtobufCMessage *m, char *why, size_t len)
{
	return thp_image_dump_check((const ThpDumpEntry *)m, why, len);
}

static uint32_t dump_version(const ProtobufCMessage *m)
{
	return ((const ThpDumpEntry *)m)->version;
}

static const struct img_kind task_kind = {
	THP_MAGIC_TASK, "task entry", &thp_task_entry__descriptor,
	task_check, task_version,
};

static const struct img_kind dump_kind = {
	THP_MAGIC_DUMP, "dump entry", &thp_dump_entry__descriptor,
	dump_check, dump_version,
};

static int img_decode(const struct img_kind *k, const uint8_t *buf,
		      size_t len, const char *name, ProtobufCMessage **out)
{
	const uint8_t *payload;
	ProtobufCMessage *m;
	char why[160];
	size_t size;
	int ret;

	ret = img_unframe(buf, len, name, k->magic, &payload, &size);
	if (ret)
		return ret;

	m = protobuf_c_message_unpack(k->desc, NULL, size, payload);
	if (!m) {
		pr_err("%s: corrupt: the payload does not decode as a %s\n",
		       name, k->what);
		return -EBADMSG;
	}
	ret = check_version(name, k->version(m));
	if (ret)
		goto err_free;
	if (k->check(m, why, sizeof(why))) {
		pr_err("%s: corrupt: %s\n", name, why);
		ret = -EBADMSG;
		goto err_free;
	}
	*out = m;
	return 0;

err_free:
	protobuf_c_message_free_unpacked(m, NULL);
	return ret;
}

int thp_image_decode_task(const uint8_t *buf, size_t len, const char *name,
			  ThpTaskEntry **out)
{
	ProtobufCMessage *m;
	int ret = img_decode(&task_kind, buf, len, name, &m);

	*out = ret ? NULL : (ThpTaskEntry *)m;
	return ret;
}

int thp_image_decode_dump(const uint8_t *buf, size_t len, const char *name,
			  ThpDumpEntry **out)
{
	ProtobufCMessage *m;
	int ret = img_decode(&dump_kind, buf, len, name, &m);

	*out = ret ? NULL : (ThpDumpEntry *)m;
	return ret;
}

static int img_read(int dirfd, const char *name, const struct img_kind *k,
		    ProtobufCMessage **out)
{
	uint8_t *buf;
	size_t len;
	int ret;

	*out = NULL;
	ret = thp_image_slurp(dirfd, name,
			      sizeof(struct thp_img_hdr) + THP_IMG_MAX_PAYLOAD,
			      &buf, &len);
	if (ret == -ENOENT)
		return ret;	/* the caller decides whether that is an error */
	if (ret) {
		if (ret != -EFBIG)
			pr_err("%s: cannot read: %s\n", name, strerror(-ret));
		return ret;
	}
	ret = img_decode(k, buf, len, name, out);
	free(buf);
	return ret;
}

int thp_image_read_task(int dirfd, unsigned int id, ThpTaskEntry **e)
{
	char name[THP_IMG_NAME_MAX];
	ProtobufCMessage *m;
	int ret;

	snprintf(name, sizeof(name), THP_TASK_IMG_FMT, id);
	ret = img_read(dirfd, name, &task_kind, &m);
	*e = ret ? NULL : (ThpTaskEntry *)m;
	return ret;
}

int thp_image_read_dump(int dirfd, ThpDumpEntry **e)
{
	ProtobufCMessage *m;
	int ret = img_read(dirfd, THP_DUMP_IMG, &dump_kind, &m);

	*e = ret ? NULL : (ThpDumpEntry *)m;
	return ret;
}

/* Check, size, pack and write one record. */
static int img_pack_write(int dirfd, const char *name,
			  const struct img_kind *k, const ProtobufCMessage *m)
{
	char why[160];
	uint8_t *buf;
	size_t size;
	int ret;

	if (k->check(m, why, sizeof(why))) {
		pr_err("%s: refusing to write an inconsistent record: %s\n",
		       name, why);
		return -EINVAL;
	}
	size = protobuf_c_message_get_packed_size(m);
	if (size > THP_IMG_MAX_PAYLOAD) {
		pr_err("%s: record of %zu bytes is too large\n", name, size);
		return -EFBIG;
	}
	buf = malloc(size ? size : 1);
	if (!buf)
		return -ENOMEM;
	protobuf_c_message_pack(m, buf);
	ret = img_write(dirfd, name, k->magic, buf, size);
	free(buf);
	return ret;
}

int thp_image_write_task(int dirfd, const ThpTaskEntry *e)
{
	char name[THP_IMG_NAME_MAX];

	snprintf(name, sizeof(name), THP_TASK_IMG_FMT, e->id);
	return img_pack_write(dirfd, name, &task_kind, &e->base);
}

int thp_image_write_dump(int dirfd, const ThpDumpEntry *e)
{
	return img_pack_write(dirfd, THP_DUMP_IMG, &dump_kind, &e->base);
}

int thp_image_task_id(const char *name, unsigned int *id)
{
	unsigned int v;
	int end = 0;

	if (sscanf(name, "thp-%u.img%n", &v, &end) != 1 ||
	    name[end] != '\0' || name[4] < '0' || name[4] > '9')
		return -1;
	*id = v;
	return 0;
}

/* A DIR stream over dirfd, from its first entry, leaving dirfd open. */
static DIR *opendir_at(int dirfd)
{
	int fd = dup(dirfd);
	DIR *d;

	if (fd < 0)
		return NULL;
	d = fdopendir(fd);
	if (!d) {
		int err = errno;

		close(fd);
		errno = err;
		return NULL;
	}
	rewinddir(d);	/* the dup shares its offset with dirfd */
	return d;
}

static int cmp_uint(const void *a, const void *b)
{
	unsigned int x = *(const unsigned int *)a, y = *(const unsigned int *)b;

	return x < y ? -1 : x > y;
}

int thp_image_list_tasks(int dirfd, unsigned int **ids, size_t *nr)
{
	unsigned int *v = NULL, *nv, id;
	size_t n = 0, cap = 0;
	struct dirent *de;
	DIR *d;

	*ids = NULL;
	*nr = 0;
	d = opendir_at(dirfd);
	if (!d)
		return -errno;
	while ((de = readdir(d))) {
		if (thp_image_task_id(de->d_name, &id))
			continue;
		nv = array_room(v, n, &cap, sizeof(*v));
		if (!nv) {
			free(v);
			closedir(d);
			return -ENOMEM;
		}
		v = nv;
		v[n++] = id;
	}
	closedir(d);
	if (n)
		qsort(v, n, sizeof(*v), cmp_uint);
	*ids = v;
	*nr = n;
	return 0;
}

static int is_thp_image(const char *name)
{
	size_t len = strlen(name);
	unsigned int id;

	if (!strcmp(name, THP_DUMP_IMG) || !thp_image_task_id(name, &id))
		return 1;
	/* leftovers of an interrupted write */
	return !strncmp(name, "thp-", 4) && len > 8 &&
	       !strcmp(name + len - 8, ".img.tmp");
}

int thp_image_remove_all(int dirfd)
{
	struct dirent *de;
	int ret = 0;
	DIR *d;

	d = opendir_at(dirfd);
	if (!d)
		return -errno;
	while ((de = readdir(d))) {
		if (!is_thp_image(de->d_name))
			continue;
		if (unlinkat(dirfd, de->d_name, 0) && errno != ENOENT) {
			ret = -errno;
			pr_warn("cannot remove %s: %s\n", de->d_name,
				strerror(errno));
		}
	}
	closedir(d);
	return ret;
}
