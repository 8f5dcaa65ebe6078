/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * virtio-blk (device ID 2) over a raw image file: reads, writes, flushes
 * (fdatasync), GET_ID, and discard and write-zeroes where the file system
 * can punch holes. A read-only disk is advertised (VIRTIO_BLK_F_RO) and
 * every write is answered with an I/O error.
 */
#ifndef HVMM_VIRTIO_BLK_H
#define HVMM_VIRTIO_BLK_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "mmio.h"

#define VIRTIO_ID_BLOCK 2U
#define VIRTIO_BLK_ID_BYTES 20U

struct virtio_blk {
	int fd;
	bool ro;
	bool can_punch;         /* FALLOC_FL_PUNCH_HOLE works on the image */
	uint64_t sectors;       /* capacity in 512-byte sectors */
	char id[VIRTIO_BLK_ID_BYTES];
};

extern const struct virtio_device_model virtio_blk_model;

/* Opens path (read-only with ro); refuses what is not a regular file or a
 * block device, or whose size is not a whole number of 512-byte sectors.
 * 0, or -1 with a one-line reason in err. */
int virtio_blk_open(struct virtio_blk *b, const char *path, bool ro, char *err, size_t errlen);
void virtio_blk_close(struct virtio_blk *b);

/* The feature bits and configuration space b offers; returns its length. */
uint32_t virtio_blk_config(const struct virtio_blk *b, uint64_t *features, uint8_t *config);

#endif
