/* SPDX-License-Identifier: GPL-2.0-only */
/* The in-kernel interrupt controller (vGICv3, or vGICv2 where v3 is absent). */
#ifndef HVMM_GIC_H
#define HVMM_GIC_H

#include <stdbool.h>
#include <libfdt.h>

#include <stdint.h>

#include "devices/device.h"
#include "log.h"

#define GIC_NR_IRQS 128        /* 32 private + 96 SPIs; a multiple of 32 */
#define GIC_PHANDLE 1
#define GIC_PPI_INTIDS 0xffff0000U   /* bit n: INTID n, the PPIs 16-31 */
/* PPIs kept off the guest's choice besides the timers': the GIC's
 * maintenance interrupt (25) and the PMU's (23, where kvmtool puts it). */
#define GIC_RESERVED_PPIS ((1U << 25) | (1U << 23))

enum gic_version { GIC_V2 = 2, GIC_V3 = 3 };

struct gic {
	enum gic_version version;
	int fd;
	bool has_its;              /* --irqchip gicv3-its: an ITS at MEMMAP_ITS_BASE */
	int its_fd;                /* its KVM device; -1: none */
	unsigned int nr_cpus;
	int vm_fd;
	struct vm_device dev;      /* device-tree node only; KVM serves its MMIO */
};

/* Create the vGIC before the vCPUs; v3, falling back to v2 (not with
 * its: a v3 with an ITS, or an error). */
int gic_create(struct gic *gic, int vm_fd, unsigned int nr_cpus, bool its, const struct log *log);
/* Finish it once every vCPU exists. */
int gic_init_late(struct gic *gic);
void gic_destroy(struct gic *gic);

/* Describe gic in the device tree through dev. */
void gic_node_init(struct vm_device *dev, struct gic *gic);
/* The three interrupt-specifier cells of PPI ppi (INTID - 16) with trigger
 * type (4 level-high, 8 level-low): on a GICv2 also the mask of the
 * nr_cpus CPUs it reaches. Every device with a PPI describes it so. */
void gic_fdt_ppi(const struct gic *gic, unsigned int nr_cpus, uint32_t ppi, uint32_t type, fdt32_t cells[3]);

/* Drive vcpu's private interrupt intid (16-31): KVM interrupts the vCPU
 * itself. Any thread. 0 or -errno. */
int gic_set_ppi_level(struct gic *gic, unsigned int vcpu, uint32_t intid, int level);
/* Drive an SPI; matches struct irq_line's set_level. */
int gic_set_spi_level(void *gic, unsigned int spi, int level);

#endif
