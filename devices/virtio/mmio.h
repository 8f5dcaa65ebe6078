/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The virtio-mmio transport (virtio 1.x, register layout version 2, no
 * legacy). docs/virtio.md says why MMIO and not PCI.
 *
 * Threads: vCPU threads access the registers (under lock); each device's
 * own thread takes requests off its queues and serves them (virtio_mmio_
 * serve_queue), doing the I/O without the lock so that the guest's
 * interrupt handler never waits for a disk. A reset or a detach waits for
 * the request in flight, so no guest pointer outlives its boot.
 *
 * The driver's status writes follow a table of transitions
 * (virtio_status_next), checked at every write.
 */
#ifndef HVMM_VIRTIO_MMIO_H
#define HVMM_VIRTIO_MMIO_H

#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>

#include "devices/device.h"
#include "virtqueue.h"

#define VIRTIO_MMIO_SIZE      0x200U
#define VIRTIO_MAX_QUEUES     2U
#define VIRTIO_CONFIG_MAX     64U

/* Registers (virtio 1.x, 4.2.2). */
#define VIRTIO_MMIO_MAGIC_VALUE        0x000
#define VIRTIO_MMIO_VERSION            0x004
#define VIRTIO_MMIO_DEVICE_ID          0x008
#define VIRTIO_MMIO_VENDOR_ID          0x00c
#define VIRTIO_MMIO_DEVICE_FEATURES    0x010
#define VIRTIO_MMIO_DEVICE_FEATURES_SEL 0x014
#define VIRTIO_MMIO_DRIVER_FEATURES    0x020
#define VIRTIO_MMIO_DRIVER_FEATURES_SEL 0x024
#define VIRTIO_MMIO_QUEUE_SEL          0x030
#define VIRTIO_MMIO_QUEUE_NUM_MAX      0x034
#define VIRTIO_MMIO_QUEUE_NUM          0x038
#define VIRTIO_MMIO_QUEUE_READY        0x044
#define VIRTIO_MMIO_QUEUE_NOTIFY       0x050
#define VIRTIO_MMIO_INTERRUPT_STATUS   0x060
#define VIRTIO_MMIO_INTERRUPT_ACK      0x064
#define VIRTIO_MMIO_STATUS             0x070
#define VIRTIO_MMIO_QUEUE_DESC_LOW     0x080
#define VIRTIO_MMIO_QUEUE_DESC_HIGH    0x084
#define VIRTIO_MMIO_QUEUE_AVAIL_LOW    0x090
#define VIRTIO_MMIO_QUEUE_AVAIL_HIGH   0x094
#define VIRTIO_MMIO_QUEUE_USED_LOW     0x0a0
#define VIRTIO_MMIO_QUEUE_USED_HIGH    0x0a4
#define VIRTIO_MMIO_SHM_SEL            0x0ac
#define VIRTIO_MMIO_SHM_LEN_LOW        0x0b0
#define VIRTIO_MMIO_SHM_BASE_HIGH      0x0bc
#define VIRTIO_MMIO_CONFIG_GENERATION  0x0fc
#define VIRTIO_MMIO_CONFIG             0x100

#define VIRTIO_MMIO_MAGIC  0x74726976U   /* "virt" */
#define VIRTIO_MMIO_VENDOR 0x4d4d5648U   /* "HVMM" */

/* Device status bits (2.1). */
#define VIRTIO_STATUS_ACKNOWLEDGE 1U
#define VIRTIO_STATUS_DRIVER      2U
#define VIRTIO_STATUS_DRIVER_OK   4U
#define VIRTIO_STATUS_FEATURES_OK 8U
#define VIRTIO_STATUS_NEEDS_RESET 0x40U
#define VIRTIO_STATUS_FAILED      0x80U

/* InterruptStatus bits. */
#define VIRTIO_INT_USED   1U
#define VIRTIO_INT_CONFIG 2U

struct virtio_mmio;
struct vq_chain;

/* What a device model is: the transport asks it these. */
struct virtio_device_model {
	const char *name;                /* "virtio-blk": log lines and the bus */
	uint32_t device_id;
	unsigned int nr_queues;
	uint16_t queue_max;
	/* Serve one request taken off queue q; returns the bytes written into
	 * its device-writable buffers, or -EIO if the request is malformed
	 * beyond an error status (*why says how): the device then needs a reset. */
	int (*handle)(struct virtio_mmio *t, unsigned int q, const struct vq_chain *req, uint32_t *written,
		      const char **why);
	/* Whether a request may be taken off q now (NULL: always). A console
	 * takes a receive buffer only when it has input for it. */
	bool (*can_take)(struct virtio_mmio *t, unsigned int q);
};

/* Where the transport reports what the guest did wrong (one line each). */
struct virtio_report {
	void (*line)(void *opaque, const char *device, const char *what);
	void *opaque;
};

struct virtio_mmio {
	struct vm_device dev;
	const struct virtio_device_model *model;
	void *backend;                  /* the model's own state */
	uint64_t features;              /* offered: the model's and the transport's */
	uint8_t config[VIRTIO_CONFIG_MAX];
	uint32_t config_len;
	unsigned int spi;
	int notify_fd[VIRTIO_MAX_QUEUES];  /* QueueNotify wakes the device thread here */
	int irq_fd;                     /* written to raise the interrupt (an irqfd) */
	struct virtio_report report;

	pthread_mutex_t lock;
	pthread_cond_t idle;            /* in_flight dropped to 0 */
	const struct guest_mem *mem;    /* NULL: no boot attached */
	unsigned int state;             /* enum virtio_state (mmio.c) */
	bool needs_reset;
	uint32_t dev_features_sel, drv_features_sel, queue_sel;
	uint64_t driver_features;
	struct vq_config qcfg[VIRTIO_MAX_QUEUES];
	struct virtqueue vq[VIRTIO_MAX_QUEUES];
	unsigned int in_flight;         /* requests served outside the lock */
	struct vq_chain *req;           /* the one being served (one device thread) */
	unsigned int generation;        /* bumped at each reset: late answers are dropped */
	atomic_uint interrupt_status;
	uint64_t bad_accesses;          /* register accesses that were not 32-bit */
};

/* Sets up t for model at base with interrupt spi; features are the
 * model's own bits, config its configuration space. notify_fd and irq_fd
 * are the caller's (eventfds). */
int virtio_mmio_init(struct virtio_mmio *t, const struct virtio_device_model *model, void *backend,
		     uint64_t base, unsigned int spi, uint64_t features, const void *config, uint32_t config_len,
		     const int *notify_fd, int irq_fd, const struct virtio_report *report);
void virtio_mmio_destroy(struct virtio_mmio *t);

/* A boot begins (mem: its RAM) or ends (NULL): the device is reset. */
void virtio_mmio_attach(struct virtio_mmio *t, const struct guest_mem *mem);

/* The device thread's work after queue q was notified: serve every
 * request there, then raise the interrupt if the driver wants one. */
void virtio_mmio_serve_queue(struct virtio_mmio *t, unsigned int q);

/* The status value the driver may write next, by the table; exposed for
 * the unit tests. Returns the new state, or -1 if the write is refused. */
int virtio_status_next(unsigned int state, uint32_t written, bool features_ok);

#endif
