/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * A guest driver for the virtio unit tests: it sets a device up through
 * the virtio-mmio registers, lays out a split ring in a fake guest RAM and
 * kicks requests, serving them on the calling thread.
 */
#ifndef HVMM_TEST_VIRTIO_DRIVER_H
#define HVMM_TEST_VIRTIO_DRIVER_H

#include <stdbool.h>
#include <stdint.h>

#include "devices/virtio/mmio.h"
#include "devices/virtio/virtqueue.h"

#define RAM_BASE 0x40000000ULL
#define RAM_SIZE 0x10000ULL
#define DESC  (RAM_BASE + 0x0000)
#define AVAIL (RAM_BASE + 0x1000)
#define USED  (RAM_BASE + 0x2000)
#define BUF   (RAM_BASE + 0x4000)
#define QSIZE 8U

struct drv {
	struct virtio_mmio t;
	uint8_t *ram;
	struct guest_mem mem;
	int notify, irq;
	uint16_t avail_idx;
	unsigned int reports;
};

/* A device of model (backend, its features and configuration), attached
 * to a fresh zeroed RAM; not yet negotiated. */
struct drv *drv_new(const struct virtio_device_model *model, void *backend, uint64_t features, const void *config,
		    uint32_t config_len);
void drv_free(struct drv *d);
/* Up to DRIVER_OK with one queue of QSIZE, indirect descriptors on. */
struct drv *drv_live(const struct virtio_device_model *model, void *backend, uint64_t features);

void wr(struct drv *d, uint64_t off, uint32_t v);
uint32_t rd(struct drv *d, uint64_t off);
void *at(struct drv *d, uint64_t gpa);
/* The driver's side of 3.1.1 (from a reset) up to FEATURES_OK; returns Status. */
uint32_t negotiate(struct drv *d, uint64_t features);
void setup_queue(struct drv *d, uint32_t size, uint64_t desc, uint64_t avail, uint64_t used);
void put_desc(void *table, unsigned int i, uint64_t addr, uint32_t len, uint16_t flags, uint16_t next);
void desc(struct drv *d, unsigned int i, uint64_t addr, uint32_t len, uint16_t flags, uint16_t next);
/* Offers head and serves the queue as the device thread would. */
void kick(struct drv *d, uint16_t head);
uint16_t used_idx(struct drv *d);
/* The used ring's entry i: its length. */
uint32_t used_len(struct drv *d, unsigned int i);
bool needs_reset(struct drv *d);
uint64_t eventfd_count(int fd);

#endif
