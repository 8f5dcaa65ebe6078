/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The device side of a virtio 1.x split virtqueue. Everything the guest
 * wrote (ring indices, descriptors, buffer addresses and lengths) is read
 * once into hvmm's memory and checked before use; every buffer is reached
 * through guest_mem_ptr, so a hostile ring can make a request fail or the
 * queue break, never make hvmm touch memory outside guest RAM or loop.
 */
#ifndef HVMM_VIRTQUEUE_H
#define HVMM_VIRTQUEUE_H

#include <stdbool.h>
#include <stdint.h>

#include "vmm/guest_mem.h"

#define VQ_MAX_SIZE 1024U        /* the largest queue a device offers */
#define VQ_MAX_SEGS 256U         /* buffers in one request (seg_max + header + status) */

/* Descriptor flags (virtio 1.x, 2.7.5). */
#define VQ_DESC_F_NEXT     1U
#define VQ_DESC_F_WRITE    2U
#define VQ_DESC_F_INDIRECT 4U

/* Feature bits the transport offers for every device. */
#define VIRTIO_F_RING_INDIRECT_DESC 28U
#define VIRTIO_F_RING_EVENT_IDX     29U
#define VIRTIO_F_VERSION_1          32U

/* What the driver programmed for one queue, checked by vq_enable. */
struct vq_config {
	uint16_t size;              /* QueueNum */
	uint64_t desc, avail, used; /* guest physical addresses */
};

struct virtqueue {
	bool ready;
	uint16_t size;
	/* Host pointers to the three areas, whole and inside guest RAM. */
	volatile uint8_t *desc;
	volatile uint16_t *avail;   /* flags, idx, ring[size] */
	volatile uint8_t *used;     /* flags, idx, then {id, len}[size] */
	uint16_t last_avail;        /* next available entry to take */
	uint16_t used_idx;          /* next used entry to write */
	bool indirect;              /* the driver accepted VIRTIO_F_RING_INDIRECT_DESC */
	bool event_idx;             /* ... VIRTIO_F_RING_EVENT_IDX */
	/* With event_idx: the used index at the last interrupt decision, and
	 * whether there was one since the queue was enabled. */
	uint16_t signalled_used;
	bool signalled_valid;
	const struct guest_mem *mem;
};

/* One buffer of a request, inside guest RAM. */
struct vq_seg {
	uint8_t *host;
	uint32_t len;
};

/* A request: the device-readable buffers (out) first, then the
 * device-writable ones (in), as the spec orders them. */
struct vq_chain {
	uint16_t head;
	unsigned int nr_out, nr_in;
	uint64_t out_len, in_len;   /* total bytes of each kind */
	struct vq_seg seg[VQ_MAX_SEGS];
};

/* Checks cfg (size a power of two up to max_size, the areas aligned and in
 * RAM) and makes the queue ready, using what of features (the negotiated
 * ones) concerns rings. 0, or -EINVAL with *why set. */
int vq_enable(struct virtqueue *vq, const struct guest_mem *mem, const struct vq_config *cfg,
	      uint16_t max_size, uint64_t features, const char **why);
void vq_disable(struct virtqueue *vq);

/* Takes the next request. 1: *chain filled; 0: the ring is empty (with
 * event_idx the driver is then asked to notify at its next request);
 * -EIO: the ring or the request is malformed (*why says how), and the
 * queue is no longer usable until the device is reset. */
int vq_pop(struct virtqueue *vq, struct vq_chain *chain, const char **why);

/* Returns a request to the driver with written bytes in its in buffers. */
void vq_push(struct virtqueue *vq, uint16_t head, uint32_t written);

/* After one or more vq_push: does the driver want an interrupt? Without
 * event_idx, unless it set VIRTQ_AVAIL_F_NO_INTERRUPT; with it, if the used
 * index passed the driver's used_event since the last decision. */
bool vq_wants_interrupt(struct virtqueue *vq);

/* Copy helpers over a chain's out and in buffers, from byte offset off.
 * They return how many bytes they copied. */
uint64_t vq_copy_from_out(const struct vq_chain *c, uint64_t off, void *dst, uint64_t len);
uint64_t vq_copy_to_in(const struct vq_chain *c, uint64_t off, const void *src, uint64_t len);

#endif
