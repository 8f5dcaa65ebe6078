/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * virtio-console (device ID 3), one port without the multiport feature:
 * the guest's hvc0. What the guest writes (transmitq) goes to an output
 * fd; what the terminal types comes in through virtio_console_receive and
 * fills the guest's receiveq buffers as they are there.
 */
#ifndef HVMM_VIRTIO_CONSOLE_H
#define HVMM_VIRTIO_CONSOLE_H

#include <pthread.h>
#include <stdint.h>

#include "mmio.h"

#define VIRTIO_ID_CONSOLE 3U
#define VIRTIO_CONSOLE_RX_BUF 1024U

struct virtio_console {
	int out_fd;
	pthread_mutex_t lock;          /* the main thread fills, the device thread drains */
	uint8_t rx[VIRTIO_CONSOLE_RX_BUF];
	unsigned int rx_head, rx_count;
	int wake_fd;                   /* the receive queue's eventfd: input is waiting */
};

extern const struct virtio_device_model virtio_console_model;

void virtio_console_init(struct virtio_console *c, int out_fd);
/* wake_fd: written after input is queued, to wake the device thread. */
void virtio_console_set_wake(struct virtio_console *c, int wake_fd);
void virtio_console_destroy(struct virtio_console *c);

/* Queue terminal bytes for the guest; returns how many were taken (the
 * rest did not fit: offer them again later). */
unsigned int virtio_console_receive(struct virtio_console *c, const uint8_t *buf, unsigned int len);

#endif
