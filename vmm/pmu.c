/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * --pmu: KVM emulates a PMUv3 per vCPU on top of the host's PMU; hvmm
 * wires its overflow interrupt to a PPI and describes it in the device tree.
 */
#include <errno.h>
#include <libfdt.h>
#include <sys/ioctl.h>

#include "kvm_compat.h"
#include "pmu.h"

#define GIC_FDT_PPI         1
#define IRQ_TYPE_LEVEL_HIGH 4

static int pmu_attr(int vcpu_fd, uint64_t attr, void *value)
{
	struct kvm_device_attr a = {
		.group = KVM_ARM_VCPU_PMU_V3_CTRL,
		.attr = attr,
		.addr = (uint64_t)(uintptr_t)value,
	};

	return ioctl(vcpu_fd, KVM_SET_DEVICE_ATTR, &a) ? -errno : 0;
}

int pmu_vcpu_init(int vcpu_fd)
{
	int irq = PMU_PPI_INTID;
	int ret = pmu_attr(vcpu_fd, KVM_ARM_VCPU_PMU_V3_IRQ, &irq);

	return ret ? ret : pmu_attr(vcpu_fd, KVM_ARM_VCPU_PMU_V3_INIT, NULL);
}

static int pmu_fdt_emit(struct vm_device *dev, struct fdt_ctx *ctx)
{
	const struct gic *gic = dev->priv;
	uint32_t flags = IRQ_TYPE_LEVEL_HIGH;
	fdt32_t cells[3];
	int node, ret;

	/* A GICv2 PPI specifier names the CPUs it reaches (bits 15:8). */
	if (gic->version == GIC_V2)
		flags |= (ctx->nr_cpus >= 8 ? 0xffU : (1U << ctx->nr_cpus) - 1) << 8;
	cells[0] = cpu_to_fdt32(GIC_FDT_PPI);
	cells[1] = cpu_to_fdt32(PMU_PPI_INTID - 16);
	cells[2] = cpu_to_fdt32(flags);
	node = fdt_add_subnode(ctx->fdt, 0, "pmu");
	if (node < 0)
		return node;
	ret = fdt_setprop_string(ctx->fdt, node, "compatible", "arm,armv8-pmuv3");
	if (!ret)
		ret = fdt_setprop(ctx->fdt, node, "interrupts", cells, sizeof(cells));
	return ret;
}

static const struct device_ops pmu_ops = { .fdt_emit = pmu_fdt_emit };

void pmu_device_init(struct vm_device *dev, const struct gic *gic)
{
	*dev = (struct vm_device){ .name = "pmu", .ops = &pmu_ops, .priv = (void *)gic };
}
