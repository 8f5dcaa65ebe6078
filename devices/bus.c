/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The device registry: a singly linked list in registration order. It is
 * short (a handful of devices) and only changes before the vCPUs start, so a
 * linear walk without locking is all it needs.
 */
#include <errno.h>
#include <inttypes.h>
#include <stddef.h>
#include <stdio.h>

#include <libfdt.h>

#include "device.h"

/* Last byte of a region; callers ensure size > 0 and that it does not wrap. */
static uint64_t region_last(const struct vm_device *dev)
{
	return dev->base + (dev->size - 1);
}

/* A region may end exactly at 2^64 but must not go past it. */
static bool region_wraps(uint64_t base, uint64_t size)
{
	return size > 0 && size - 1 > UINT64_MAX - base;
}

static bool regions_overlap(const struct vm_device *a, const struct vm_device *b)
{
	if (a->size == 0 || b->size == 0)
		return false;
	return a->base <= region_last(b) && b->base <= region_last(a);
}

int device_bus_add(struct device_bus *bus, struct vm_device *dev)
{
	struct vm_device **link;

	if (!bus || !dev || !dev->name || !dev->name[0])
		return -EINVAL;
	if (region_wraps(dev->base, dev->size))
		return -EINVAL;

	for (link = &bus->head; *link; link = &(*link)->next) {
		/* Adding a device twice would turn the list into a cycle. */
		if (*link == dev || regions_overlap(*link, dev))
			return -EEXIST;
	}

	dev->next = NULL;
	*link = dev;
	return 0;
}

/* Does dev's region hold every byte of [addr, addr + len)? */
static bool region_holds(const struct vm_device *dev, uint64_t addr, unsigned int len)
{
	/* Compare offsets, never sums, so nothing can wrap. */
	return addr >= dev->base && addr - dev->base < dev->size &&
	       len <= dev->size - (addr - dev->base);
}

struct vm_device *device_bus_find(const struct device_bus *bus, uint64_t addr, unsigned int len)
{
	struct vm_device *dev;

	if (!bus || len == 0)
		return NULL;

	for (dev = bus->head; dev; dev = dev->next) {
		if (region_holds(dev, addr, len))
			return dev;
	}
	return NULL;
}

int device_bus_fdt_emit(const struct device_bus *bus, struct fdt_ctx *ctx)
{
	struct vm_device *dev;
	int ret;

	for (dev = bus->head; dev; dev = dev->next) {
		if (!dev->ops || !dev->ops->fdt_emit)
			continue;
		ret = dev->ops->fdt_emit(dev, ctx);
		if (ret)
			return ret;
	}
	return 0;
}

#define FDT_GIC_SPI 0U

int device_fdt_mmio_node(const struct vm_device *dev, struct fdt_ctx *ctx, const char *name, const char *compatible,
			 unsigned int spi, uint32_t irq_type)
{
	fdt64_t reg[2] = { cpu_to_fdt64(dev->base), cpu_to_fdt64(dev->size) };
	fdt32_t irq[3] = { cpu_to_fdt32(FDT_GIC_SPI), cpu_to_fdt32(spi), cpu_to_fdt32(irq_type) };
	char node_name[48];
	int node, ret;

	snprintf(node_name, sizeof(node_name), "%s@%" PRIx64, name, dev->base);
	node = fdt_add_subnode(ctx->fdt, 0, node_name);
	if (node < 0)
		return node;
	ret = fdt_setprop_string(ctx->fdt, node, "compatible", compatible);
	if (!ret)
		ret = fdt_setprop(ctx->fdt, node, "reg", reg, sizeof(reg));
	if (!ret)
		ret = fdt_setprop(ctx->fdt, node, "interrupts", irq, sizeof(irq));
	if (!ret)
		ret = fdt_setprop_u32(ctx->fdt, node, "interrupt-parent", ctx->gic_phandle);
	return ret ? ret : node;
}
