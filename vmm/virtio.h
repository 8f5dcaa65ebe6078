/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * hvmm's virtio devices (-d/--disk, --rng): opened and started once, before
 * the sandbox, and attached to each boot's VM. Each device has its own
 * thread, which sleeps on the device's queue eventfds (registered with
 * KVM as ioeventfds on QueueNotify, so a kick does not leave the kernel)
 * and raises the device's interrupt through an irqfd. The threads run in
 * the device sandbox (docs/sandbox.md): their eventfds and their image.
 */
#ifndef HVMM_VIRTIO_H
#define HVMM_VIRTIO_H

#include <pthread.h>
#include <stdbool.h>

#include "cmdline.h"
#include "console.h"
#include "devices/virtio/blk.h"
#include "devices/virtio/console.h"
#include "devices/virtio/mmio.h"
#include "devices/virtio/rng.h"
#include "log.h"
#include "sandbox.h"

#define VIRTIO_MAX_DEVICES (CMDLINE_MAX_DISKS + 2)   /* disks, console, rng */

struct virtio_set;

struct virtio_slot {
	struct virtio_set *set;
	struct virtio_mmio t;
	struct virtio_blk blk;             /* a disk's backend (fd -1: not a disk) */
	int notify_fd[VIRTIO_MAX_QUEUES];
	int irq_fd;
	bool started;
	pthread_t thread;
	struct sandbox_thread sandbox;
};

struct virtio_set {
	struct virtio_slot slot[VIRTIO_MAX_DEVICES];
	unsigned int nr;
	struct virtio_console con;         /* --console virtio's backend */
	struct virtio_console *console;    /* &con with --console virtio, else NULL */
	int stop_fd;                       /* wakes every device thread to exit */
	bool sandbox;
	struct log log;
};

/* Opens the disks of cfg and makes every device's eventfds; nothing runs
 * yet. 0, or -1 with the reason logged. */
int virtio_set_open(struct virtio_set *s, const struct vm_config *cfg);
/* Starts the device threads, each entering its sandbox (with sandbox). */
int virtio_set_start(struct virtio_set *s, bool sandbox, const struct console *con);
/* Stops the threads and closes everything. */
void virtio_set_close(struct virtio_set *s);

/* The eventfds a vCPU thread may write: each device's interrupt, raised
 * when a register write breaks it, and its queue kicks, should one miss
 * the ioeventfd. Returns how many it put in fds. */
#define VIRTIO_VCPU_WRITE_FDS (VIRTIO_MAX_DEVICES * (1 + VIRTIO_MAX_QUEUES))
unsigned int virtio_set_vcpu_write_fds(const struct virtio_set *s, int *fds);

/* A boot: put the devices on its bus, at fixed places, and register their
 * eventfds with its KVM VM. 0 or -1 (logged). */
int virtio_set_attach(struct virtio_set *s, int vm_fd, struct device_bus *bus, const struct guest_mem *mem);
/* The boot ends: every device is reset and forgets its RAM. */
void virtio_set_detach(struct virtio_set *s);

#endif
