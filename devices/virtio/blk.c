/* SPDX-License-Identifier: GPL-2.0-only */
#include <endian.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <sys/uio.h>
#include <unistd.h>

#include <linux/falloc.h>
#include <linux/fs.h>

#include "blk.h"

#define SECTOR 512U

/* Feature bits (virtio 1.x, 5.2.3). */
#define VIRTIO_BLK_F_SEG_MAX      2U
#define VIRTIO_BLK_F_RO           5U
#define VIRTIO_BLK_F_BLK_SIZE     6U
#define VIRTIO_BLK_F_FLUSH        9U
#define VIRTIO_BLK_F_DISCARD      13U
#define VIRTIO_BLK_F_WRITE_ZEROES 14U

/* Request types and status values (5.2.6). */
#define VIRTIO_BLK_T_IN           0U
#define VIRTIO_BLK_T_OUT          1U
#define VIRTIO_BLK_T_FLUSH        4U
#define VIRTIO_BLK_T_GET_ID       8U
#define VIRTIO_BLK_T_DISCARD      11U
#define VIRTIO_BLK_T_WRITE_ZEROES 13U
#define VIRTIO_BLK_S_OK     0U
#define VIRTIO_BLK_S_IOERR  1U
#define VIRTIO_BLK_S_UNSUPP 2U

#define WRITE_ZEROES_F_UNMAP 1U
#define HDR_BYTES   16U
#define RANGE_BYTES 16U
#define MAX_RANGE_SECTORS (1U << 22)   /* 2 GiB per discard or write-zeroes */

/* Where a request's data sits: its buffers from a byte offset, as iovecs. */
static unsigned int data_iov(const struct vq_seg *seg, unsigned int n, uint64_t skip, uint64_t len,
			     struct iovec *iov)
{
	unsigned int k = 0;

	for (unsigned int i = 0; i < n && len; i++) {
		uint64_t take;

		if (skip >= seg[i].len) {
			skip -= seg[i].len;
			continue;
		}
		take = seg[i].len - skip < len ? seg[i].len - skip : len;
		iov[k].iov_base = seg[i].host + skip;
		iov[k].iov_len = take;
		k++;
		len -= take;
		skip = 0;
	}
	return k;
}

/* Whole-request I/O at off: loops over short transfers; false on error or
 * end of file. */
static bool rw_all(int fd, struct iovec *iov, unsigned int n, uint64_t off, bool write)
{
	while (n) {
		ssize_t r = write ? pwritev(fd, iov, (int)n, (off_t)off) : preadv(fd, iov, (int)n, (off_t)off);

		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0)
			return false;
		off += (uint64_t)r;
		while (n && (size_t)r >= iov->iov_len) {
			r -= (ssize_t)iov->iov_len;
			iov++;
			n--;
		}
		if (n) {
			iov->iov_base = (uint8_t *)iov->iov_base + r;
			iov->iov_len -= (size_t)r;
		}
	}
	return true;
}

static bool in_range(const struct virtio_blk *b, uint64_t sector, uint64_t bytes)
{
	return bytes % SECTOR == 0 && sector <= b->sectors && bytes / SECTOR <= b->sectors - sector;
}

static uint8_t blk_rw(struct virtio_blk *b, const struct vq_chain *req, uint64_t sector, bool write,
		      uint32_t *data_written)
{
	struct iovec iov[VQ_MAX_SEGS];
	uint64_t len = write ? req->out_len - HDR_BYTES : req->in_len - 1;
	unsigned int n;

	if (write && b->ro)
		return VIRTIO_BLK_S_IOERR;
	if (!in_range(b, sector, len))
		return VIRTIO_BLK_S_IOERR;
	if (write)
		n = data_iov(req->seg, req->nr_out, HDR_BYTES, len, iov);
	else
		n = data_iov(req->seg + req->nr_out, req->nr_in, 0, len, iov);
	if (!rw_all(b->fd, iov, n, sector * SECTOR, write))
		return VIRTIO_BLK_S_IOERR;
	if (!write)
		*data_written = (uint32_t)len;
	return VIRTIO_BLK_S_OK;
}

static bool write_zeroes(int fd, uint64_t off, uint64_t len)
{
	uint8_t zeroes[4096];

	memset(zeroes, 0, sizeof(zeroes));
	if (fallocate(fd, FALLOC_FL_ZERO_RANGE | FALLOC_FL_KEEP_SIZE, (off_t)off, (off_t)len) == 0)
		return true;
	while (len) {
		size_t chunk = len < sizeof(zeroes) ? (size_t)len : sizeof(zeroes);
		ssize_t w = pwrite(fd, zeroes, chunk, (off_t)off);

		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0)
			return false;
		off += (uint64_t)w;
		len -= (uint64_t)w;
	}
	return true;
}

/* DISCARD and WRITE_ZEROES: one range (max_*_seg is 1). */
static uint8_t blk_range(struct virtio_blk *b, const struct vq_chain *req, uint32_t type)
{
	uint8_t raw[RANGE_BYTES];
	uint64_t sector;
	uint32_t count, flags;
	bool punch;

	if (b->ro)
		return VIRTIO_BLK_S_IOERR;
	if (req->out_len != HDR_BYTES + RANGE_BYTES || vq_copy_from_out(req, HDR_BYTES, raw, RANGE_BYTES) != RANGE_BYTES)
		return VIRTIO_BLK_S_UNSUPP;
	memcpy(&sector, raw, 8);
	memcpy(&count, raw + 8, 4);
	memcpy(&flags, raw + 12, 4);
	sector = le64toh(sector);
	count = le32toh(count);
	flags = le32toh(flags);
	if (count > MAX_RANGE_SECTORS || !in_range(b, sector, (uint64_t)count * SECTOR))
		return VIRTIO_BLK_S_IOERR;
	if (flags & ~(type == VIRTIO_BLK_T_WRITE_ZEROES ? WRITE_ZEROES_F_UNMAP : 0U))
		return VIRTIO_BLK_S_UNSUPP;
	punch = type == VIRTIO_BLK_T_DISCARD || ((flags & WRITE_ZEROES_F_UNMAP) && b->can_punch);
	if (punch && !b->can_punch)
		return VIRTIO_BLK_S_UNSUPP;
	if (punch)
		return fallocate(b->fd, FALLOC_FL_PUNCH_HOLE | FALLOC_FL_KEEP_SIZE, (off_t)(sector * SECTOR),
				 (off_t)count * SECTOR) ? VIRTIO_BLK_S_IOERR : VIRTIO_BLK_S_OK;
	return write_zeroes(b->fd, sector * SECTOR, (uint64_t)count * SECTOR) ? VIRTIO_BLK_S_OK : VIRTIO_BLK_S_IOERR;
}

static int blk_handle(struct virtio_mmio *t, unsigned int q, const struct vq_chain *req, uint32_t *written,
		      const char **why)
{
	struct virtio_blk *b = t->backend;
	uint8_t hdr[HDR_BYTES], status;
	uint32_t type, data = 0;
	uint64_t sector;

	(void)q;
	/* Without a header and a status byte there is nothing to answer. */
	if (req->out_len < HDR_BYTES || req->in_len < 1 || vq_copy_from_out(req, 0, hdr, HDR_BYTES) != HDR_BYTES) {
		*why = "a block request without its header or its status byte";
		return -EIO;
	}
	memcpy(&type, hdr, 4);
	memcpy(&sector, hdr + 8, 8);
	type = le32toh(type);
	sector = le64toh(sector);
	switch (type) {
	case VIRTIO_BLK_T_IN:
	case VIRTIO_BLK_T_OUT:
		status = blk_rw(b, req, sector, type == VIRTIO_BLK_T_OUT, &data);
		break;
	case VIRTIO_BLK_T_FLUSH:
		status = fdatasync(b->fd) ? VIRTIO_BLK_S_IOERR : VIRTIO_BLK_S_OK;
		break;
	case VIRTIO_BLK_T_GET_ID:
		data = (uint32_t)vq_copy_to_in(req, 0, b->id, req->in_len - 1 < VIRTIO_BLK_ID_BYTES ?
								req->in_len - 1 : VIRTIO_BLK_ID_BYTES);
		status = VIRTIO_BLK_S_OK;
		break;
	case VIRTIO_BLK_T_DISCARD:
	case VIRTIO_BLK_T_WRITE_ZEROES:
		status = blk_range(b, req, type);
		break;
	default:
		status = VIRTIO_BLK_S_UNSUPP;
	}
	vq_copy_to_in(req, req->in_len - 1, &status, 1);
	*written = data + 1;
	return 0;
}

const struct virtio_device_model virtio_blk_model = {
	.name = "virtio-blk",
	.device_id = VIRTIO_ID_BLOCK,
	.nr_queues = 1,
	.queue_max = 256,
	.handle = blk_handle,
};

static int image_size(int fd, const struct stat *st, uint64_t *size)
{
	if (S_ISREG(st->st_mode)) {
		*size = (uint64_t)st->st_size;
		return 0;
	}
	if (S_ISBLK(st->st_mode))
		return ioctl(fd, BLKGETSIZE64, size) ? -errno : 0;
	return S_ISDIR(st->st_mode) ? -EISDIR : -EINVAL;
}

int virtio_blk_open(struct virtio_blk *b, const char *path, bool ro, char *err, size_t errlen)
{
	const char *base = strrchr(path, '/') ? strrchr(path, '/') + 1 : path;
	struct stat st;
	uint64_t size;
	int ret;

	memset(b, 0, sizeof(*b));
	b->ro = ro;
	b->fd = open(path, (ro ? O_RDONLY : O_RDWR) | O_CLOEXEC);
	if (b->fd < 0) {
		snprintf(err, errlen, "disk '%s': %s", path, strerror(errno));
		return -1;
	}
	ret = fstat(b->fd, &st) ? -errno : image_size(b->fd, &st, &size);
	if (ret) {
		snprintf(err, errlen, "disk '%s': %s", path,
			 ret == -EINVAL ? "not a regular file or a block device" : strerror(-ret));
		goto fail;
	}
	if (size % SECTOR || size == 0) {
		snprintf(err, errlen, "disk '%s': its size, %llu bytes, is not a whole number of 512-byte sectors",
			 path, (unsigned long long)size);
		goto fail;
	}
	b->sectors = size / SECTOR;
	/* Punching past the end changes nothing, and says whether it works. */
	b->can_punch = !ro && fallocate(b->fd, FALLOC_FL_PUNCH_HOLE | FALLOC_FL_KEEP_SIZE, (off_t)size, 4096) == 0;
	/* The driver's serial: 20 bytes, NUL-padded, unterminated when full. */
	memcpy(b->id, base, strlen(base) < sizeof(b->id) ? strlen(base) : sizeof(b->id));
	return 0;
fail:
	close(b->fd);
	b->fd = -1;
	return -1;
}

void virtio_blk_close(struct virtio_blk *b)
{
	if (b->fd >= 0)
		close(b->fd);
	b->fd = -1;
}

static void put32(uint8_t *p, uint32_t v)
{
	v = htole32(v);
	memcpy(p, &v, 4);
}

uint32_t virtio_blk_config(const struct virtio_blk *b, uint64_t *features, uint8_t *config)
{
	uint64_t cap = htole64(b->sectors);

	*features = 1ULL << VIRTIO_BLK_F_SEG_MAX | 1ULL << VIRTIO_BLK_F_BLK_SIZE | 1ULL << VIRTIO_BLK_F_FLUSH;
	if (b->ro)
		*features |= 1ULL << VIRTIO_BLK_F_RO;
	else
		*features |= 1ULL << VIRTIO_BLK_F_WRITE_ZEROES;
	if (b->can_punch)
		*features |= 1ULL << VIRTIO_BLK_F_DISCARD;
	/* struct virtio_blk_config (5.2.4), up to write_zeroes_may_unmap. */
	memset(config, 0, 60);
	memcpy(config, &cap, 8);
	put32(config + 12, VQ_MAX_SEGS - 2);          /* seg_max: header and status aside */
	put32(config + 20, SECTOR);                   /* blk_size */
	put32(config + 36, MAX_RANGE_SECTORS);        /* max_discard_sectors */
	put32(config + 40, 1);                        /* max_discard_seg */
	put32(config + 44, 8);                        /* discard_sector_alignment: 4 KiB */
	put32(config + 48, MAX_RANGE_SECTORS);        /* max_write_zeroes_sectors */
	put32(config + 52, 1);                        /* max_write_zeroes_seg */
	config[56] = b->can_punch;                    /* write_zeroes_may_unmap */
	return 60;
}
