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
	fdt32_t cells[3];
	int node, ret;

	gic_fdt_ppi(gic, ctx->nr_cpus, PMU_PPI_INTID - 16, IRQ_TYPE_LEVEL_HIGH, cells);
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
