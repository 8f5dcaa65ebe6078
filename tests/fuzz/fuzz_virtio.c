/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * libFuzzer target: a hostile guest driving a virtio device. The input is
 * a program of guest actions: register reads and writes, bytes poked into
 * guest RAM (rings, descriptors, indirect tables, request headers), queue
 * kicks served as the device thread serves them, resets, and a shortcut
 * to a live queue so that the ring code is reached quickly. The device is
 * virtio-blk on an in-memory image of 64 sectors, or virtio-rng.
 *
 * ASan sees any access outside the guest RAM buffer or the image; the
 * invariants: the used index only ever moves by the requests answered;
 * a broken device answers nothing until reset; Status reads a state of
 * the table.
 */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/mman.h>
#include <unistd.h>

#include "devices/virtio/blk.h"
#include "devices/virtio/rng.h"
#include "invariant.h"

#define RAM_BASE 0x40000000ULL
#define RAM_SIZE 0x8000ULL

struct input {
	const uint8_t *p;
	size_t left;
};

static uint32_t take(struct input *in, unsigned int bytes)
{
	uint32_t v = 0;

	for (unsigned int i = 0; i < bytes && in->left; i++, in->left--)
		v |= (uint32_t)*in->p++ << (8 * i);
	return v;
}

static void reg_write(struct virtio_mmio *t, uint64_t off, uint32_t v)
{
	t->dev.ops->mmio_write(&t->dev, off, &v, 4);
}

static uint32_t reg_read(struct virtio_mmio *t, uint64_t off)
{
	uint32_t v = 0;

	t->dev.ops->mmio_read(&t->dev, off, &v, 4);
	return v;
}

/* Straight to a live queue of 8 at fixed places (any of it may later be
 * overwritten by pokes: that is the point). */
static void go_live(struct virtio_mmio *t)
{
	reg_write(t, VIRTIO_MMIO_STATUS, 0);
	reg_write(t, VIRTIO_MMIO_STATUS, 1);
	reg_write(t, VIRTIO_MMIO_STATUS, 3);
	reg_write(t, VIRTIO_MMIO_DRIVER_FEATURES_SEL, 0);
	reg_write(t, VIRTIO_MMIO_DRIVER_FEATURES, (uint32_t)t->features);
	reg_write(t, VIRTIO_MMIO_DRIVER_FEATURES_SEL, 1);
	reg_write(t, VIRTIO_MMIO_DRIVER_FEATURES, 1);
	reg_write(t, VIRTIO_MMIO_STATUS, 11);
	reg_write(t, VIRTIO_MMIO_QUEUE_SEL, 0);
	reg_write(t, VIRTIO_MMIO_QUEUE_NUM, 8);
	reg_write(t, VIRTIO_MMIO_QUEUE_DESC_LOW, (uint32_t)RAM_BASE);
	reg_write(t, VIRTIO_MMIO_QUEUE_AVAIL_LOW, (uint32_t)RAM_BASE + 0x100);
	reg_write(t, VIRTIO_MMIO_QUEUE_USED_LOW, (uint32_t)RAM_BASE + 0x200);
	reg_write(t, VIRTIO_MMIO_QUEUE_READY, 1);
	reg_write(t, VIRTIO_MMIO_STATUS, 15);
}

static void check_status(struct virtio_mmio *t)
{
	uint32_t s = reg_read(t, VIRTIO_MMIO_STATUS) & ~VIRTIO_STATUS_NEEDS_RESET;

	CHECK(s == 0 || s == 1 || s == 3 || s == 11 || s == 15 || s == VIRTIO_STATUS_FAILED,
	      "Status 0x%x is no state of the table", s);
}

/* Serve queue 0 and check what the used index did. */
static void serve(struct virtio_mmio *t)
{
	struct virtqueue *vq = &t->vq[0];
	bool was_broken = t->needs_reset;
	uint16_t before = vq->used_idx;
	bool was_ready = vq->ready;

	virtio_mmio_serve_queue(t, 0);
	if (was_broken)
		CHECK(vq->used_idx == before, "a device in NEEDS_RESET answered %u requests",
		      (unsigned int)(uint16_t)(vq->used_idx - before));
	/* The guest may scribble on the used ring; right after answers the
	 * index there is the device's. */
	if (was_ready && vq->ready && vq->used_idx != before) {
		uint16_t published;

		memcpy(&published, (const uint8_t *)vq->used + 2, 2);
		CHECK(published == vq->used_idx, "used index %u published, %u answered", published, vq->used_idx);
		CHECK((uint16_t)(vq->used_idx - before) <= vq->size, "more answers than the queue holds");
	}
	if (t->needs_reset)
		CHECK(reg_read(t, VIRTIO_MMIO_STATUS) & VIRTIO_STATUS_NEEDS_RESET, "broken but Status does not say so");
}

static void run(struct virtio_mmio *t, uint8_t *ram, struct input *in)
{
	while (in->left) {
		uint8_t op = (uint8_t)take(in, 1);

		switch (op % 8) {
		case 0: {
			uint64_t off = (take(in, 1) * 4) & 0x1fc;

			reg_write(t, off, take(in, 4));
			break;
		}
		case 1:
			reg_read(t, (take(in, 1) * 4) & 0x1fc);
			break;
		case 2: {
			uint32_t at = take(in, 2) % RAM_SIZE, len = take(in, 1);

			for (uint32_t i = 0; i < len && in->left && at + i < RAM_SIZE; i++)
				ram[at + i] = (uint8_t)take(in, 1);
			break;
		}
		case 3:
		case 4:
			serve(t);
			break;
		case 5:
			go_live(t);
			break;
		case 6: {
			uint64_t v = 0;
			unsigned int len = 1U << (take(in, 1) % 4);

			t->dev.ops->mmio_read(&t->dev, VIRTIO_MMIO_CONFIG + take(in, 1) % 80, &v, len);
			break;
		}
		case 7:
			reg_write(t, VIRTIO_MMIO_STATUS, 0);
			break;
		}
		check_status(t);
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static uint8_t *ram;
	static struct virtio_blk blk = { .fd = -1 };
	static int notify = -1;
	struct input in = { data, size };
	struct guest_mem mem = { .base = RAM_BASE, .size = RAM_SIZE };
	uint8_t config[VIRTIO_CONFIG_MAX];
	struct virtio_mmio t;
	uint64_t features = 0;
	uint32_t len = 0;
	bool is_blk;

	if (!ram) {
		ram = malloc(RAM_SIZE);
		/* The image: 64 sectors in memory. */
		blk.fd = memfd_create("fuzz-disk", 0);
		if (!ram || blk.fd < 0 || ftruncate(blk.fd, 64 * 512))
			abort();
		blk.sectors = 64;
		memcpy(blk.id, "fuzz", 4);
		notify = eventfd(0, EFD_NONBLOCK);   /* QueueNotify writes land here */
	}
	memset(ram, 0, RAM_SIZE);
	mem.host = ram;
	is_blk = size && (data[0] & 1);
	blk.ro = size && (data[0] & 2);
	if (is_blk)
		len = virtio_blk_config(&blk, &features, config);
	if (virtio_mmio_init(&t, is_blk ? &virtio_blk_model : &virtio_rng_model, is_blk ? &blk : NULL, 0x9010000, 16,
			     features, config, len, &notify, -1, NULL))
		abort();
	virtio_mmio_attach(&t, &mem);
	take(&in, 1);
	run(&t, ram, &in);
	virtio_mmio_attach(&t, NULL);
	virtio_mmio_destroy(&t);
	return 0;
}
