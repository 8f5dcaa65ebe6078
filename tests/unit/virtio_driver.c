/* SPDX-License-Identifier: GPL-2.0-only */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <unistd.h>

#include <cmocka.h>

#include "virtio_driver.h"

static void count_report(void *opaque, const char *device, const char *what)
{
	struct drv *d = opaque;

	(void)device;
	(void)what;
	d->reports++;
}

void wr(struct drv *d, uint64_t off, uint32_t v)
{
	assert_int_equal(d->t.dev.ops->mmio_write(&d->t.dev, off, &v, 4), 0);
}

uint32_t rd(struct drv *d, uint64_t off)
{
	uint32_t v = 0xdeadbeef;

	assert_int_equal(d->t.dev.ops->mmio_read(&d->t.dev, off, &v, 4), 0);
	return v;
}

void *at(struct drv *d, uint64_t gpa)
{
	return d->ram + (gpa - RAM_BASE);
}

struct drv *drv_new(const struct virtio_device_model *model, void *backend, uint64_t features, const void *config,
		    uint32_t config_len)
{
	struct drv *d = calloc(1, sizeof(*d));
	struct virtio_report rep = { count_report, d };

	assert_non_null(d);
	d->ram = calloc(1, RAM_SIZE);
	d->mem = (struct guest_mem){ .base = RAM_BASE, .size = RAM_SIZE, .host = d->ram };
	d->notify = eventfd(0, EFD_NONBLOCK);
	d->irq = eventfd(0, EFD_NONBLOCK);
	assert_int_equal(virtio_mmio_init(&d->t, model, backend, 0x9010000, 16, features, config, config_len,
					  &d->notify, d->irq, &rep), 0);
	virtio_mmio_attach(&d->t, &d->mem);
	return d;
}

void drv_free(struct drv *d)
{
	virtio_mmio_attach(&d->t, NULL);
	virtio_mmio_destroy(&d->t);
	close(d->notify);
	close(d->irq);
	free(d->ram);
	free(d);
}

uint32_t negotiate(struct drv *d, uint64_t features)
{
	wr(d, VIRTIO_MMIO_STATUS, 0);
	wr(d, VIRTIO_MMIO_STATUS, VIRTIO_STATUS_ACKNOWLEDGE);
	wr(d, VIRTIO_MMIO_STATUS, VIRTIO_STATUS_ACKNOWLEDGE | VIRTIO_STATUS_DRIVER);
	wr(d, VIRTIO_MMIO_DRIVER_FEATURES_SEL, 0);
	wr(d, VIRTIO_MMIO_DRIVER_FEATURES, (uint32_t)features);
	wr(d, VIRTIO_MMIO_DRIVER_FEATURES_SEL, 1);
	wr(d, VIRTIO_MMIO_DRIVER_FEATURES, (uint32_t)(features >> 32));
	wr(d, VIRTIO_MMIO_STATUS, VIRTIO_STATUS_ACKNOWLEDGE | VIRTIO_STATUS_DRIVER | VIRTIO_STATUS_FEATURES_OK);
	return rd(d, VIRTIO_MMIO_STATUS);
}

void setup_queue(struct drv *d, uint32_t size, uint64_t desc, uint64_t avail, uint64_t used)
{
	wr(d, VIRTIO_MMIO_QUEUE_SEL, 0);
	wr(d, VIRTIO_MMIO_QUEUE_NUM, size);
	wr(d, VIRTIO_MMIO_QUEUE_DESC_LOW, (uint32_t)desc);
	wr(d, VIRTIO_MMIO_QUEUE_DESC_HIGH, (uint32_t)(desc >> 32));
	wr(d, VIRTIO_MMIO_QUEUE_AVAIL_LOW, (uint32_t)avail);
	wr(d, VIRTIO_MMIO_QUEUE_AVAIL_HIGH, (uint32_t)(avail >> 32));
	wr(d, VIRTIO_MMIO_QUEUE_USED_LOW, (uint32_t)used);
	wr(d, VIRTIO_MMIO_QUEUE_USED_HIGH, (uint32_t)(used >> 32));
	wr(d, VIRTIO_MMIO_QUEUE_READY, 1);
}

struct drv *drv_live(const struct virtio_device_model *model, void *backend, uint64_t features)
{
	struct drv *d = drv_new(model, backend, features, NULL, 0);
	uint64_t f = 1ULL << VIRTIO_F_VERSION_1 | 1ULL << VIRTIO_F_RING_INDIRECT_DESC;

	assert_true(negotiate(d, f | features) & VIRTIO_STATUS_FEATURES_OK);
	setup_queue(d, QSIZE, DESC, AVAIL, USED);
	assert_int_equal(rd(d, VIRTIO_MMIO_QUEUE_READY), 1);
	wr(d, VIRTIO_MMIO_STATUS, rd(d, VIRTIO_MMIO_STATUS) | VIRTIO_STATUS_DRIVER_OK);
	return d;
}

void put_desc(void *table, unsigned int i, uint64_t addr, uint32_t len, uint16_t flags, uint16_t next)
{
	uint8_t *p = (uint8_t *)table + 16 * i;

	memcpy(p, &addr, 8);
	memcpy(p + 8, &len, 4);
	memcpy(p + 12, &flags, 2);
	memcpy(p + 14, &next, 2);
}

void desc(struct drv *d, unsigned int i, uint64_t addr, uint32_t len, uint16_t flags, uint16_t next)
{
	put_desc(at(d, DESC), i, addr, len, flags, next);
}

void kick(struct drv *d, uint16_t head)
{
	uint16_t *avail = at(d, AVAIL);

	avail[2 + d->avail_idx % QSIZE] = head;
	d->avail_idx++;
	avail[1] = d->avail_idx;
	wr(d, VIRTIO_MMIO_QUEUE_NOTIFY, 0);
	virtio_mmio_serve_queue(&d->t, 0);
}

uint16_t used_idx(struct drv *d)
{
	return ((uint16_t *)at(d, USED))[1];
}

bool needs_reset(struct drv *d)
{
	return rd(d, VIRTIO_MMIO_STATUS) & VIRTIO_STATUS_NEEDS_RESET;
}

uint64_t eventfd_count(int fd)
{
	uint64_t n = 0;

	return read(fd, &n, sizeof(n)) == sizeof(n) ? n : 0;
}

uint32_t used_len(struct drv *d, unsigned int i)
{
	return ((uint32_t *)at(d, USED + 4))[2 * i + 1];
}
