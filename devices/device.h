/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Emulated and in-kernel devices register here. The registry is the single
 * source of truth for both MMIO dispatch and the device tree: every node the
 * guest sees for a device is written by that device's own fdt_emit.
 */
#ifndef HVMM_DEVICE_H
#define HVMM_DEVICE_H

#include <stdbool.h>
#include <stdint.h>

struct vm_device;

/* What a device needs to know to describe itself in the device tree. */
struct fdt_ctx {
	void *fdt;                 /* libfdt read-write tree */
	uint32_t gic_phandle;      /* interrupt parent of every device */
	unsigned int nr_cpus;
};

struct device_ops {
	/* MMIO access at offset inside the device's region; len is 1, 2, 4 or 8.
	 * Return 0, or a negative errno for an access the device cannot serve. */
	int (*mmio_read)(struct vm_device *dev, uint64_t offset, void *data, unsigned int len);
	int (*mmio_write)(struct vm_device *dev, uint64_t offset, const void *data, unsigned int len);
	/* Add the device's node(s); returns 0 or a negative libfdt error. */
	int (*fdt_emit)(struct vm_device *dev, struct fdt_ctx *ctx);
};

struct vm_device {
	const char *name;
	uint64_t base;             /* guest physical MMIO base; size 0: no MMIO */
	uint64_t size;
	const struct device_ops *ops;
	void *priv;
	struct vm_device *next;
};

/* Level-triggered interrupt line into the interrupt controller. */
struct irq_line {
	int (*set_level)(void *opaque, unsigned int spi, int level);
	void *opaque;
	unsigned int spi;          /* SPI number (GIC INTID - 32) */
};

struct device_bus {
	struct vm_device *head;    /* in registration order */
};

/* -EEXIST if the MMIO range overlaps a registered device. */
int device_bus_add(struct device_bus *bus, struct vm_device *dev);
/* The device whose region holds [addr, addr + len), or NULL. */
struct vm_device *device_bus_find(const struct device_bus *bus, uint64_t addr, unsigned int len);
/* Call every device's fdt_emit in registration order. */
int device_bus_fdt_emit(const struct device_bus *bus, struct fdt_ctx *ctx);

/* Interrupt trigger types of a GIC interrupt specifier's third cell. */
#define FDT_IRQ_EDGE_RISING 1U
#define FDT_IRQ_LEVEL_HIGH  4U

/* The node of an MMIO device with one SPI, as every such device writes it:
 * NAME@BASE under the root with compatible, reg (dev's window), interrupts
 * and the GIC as interrupt-parent. Returns the node's offset (for more
 * properties) or a negative libfdt error. */
int device_fdt_mmio_node(const struct vm_device *dev, struct fdt_ctx *ctx, const char *name, const char *compatible,
			 unsigned int spi, uint32_t irq_type);

#endif
