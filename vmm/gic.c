/* SPDX-License-Identifier: GPL-2.0-only */
#include <errno.h>
#include "kvm_compat.h"
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include "gic.h"
#include "memmap.h"

#define GICV2_MAX_CPUS 8

static int gic_set_attr(int fd, uint32_t group, uint64_t attr, void *val)
{
	struct kvm_device_attr a = { .group = group, .attr = attr, .addr = (uint64_t)(uintptr_t)val };

	return ioctl(fd, KVM_SET_DEVICE_ATTR, &a) ? -errno : 0;
}

static int gic_set_addr(int fd, uint64_t type, uint64_t addr)
{
	return gic_set_attr(fd, KVM_DEV_ARM_VGIC_GRP_ADDR, type, &addr);
}

static int gic_create_version(struct gic *gic, int vm_fd, enum gic_version v)
{
	struct kvm_create_device cd = {
		.type = v == GIC_V3 ? KVM_DEV_TYPE_ARM_VGIC_V3 : KVM_DEV_TYPE_ARM_VGIC_V2,
	};
	int ret;

	if (ioctl(vm_fd, KVM_CREATE_DEVICE, &cd))
		return -errno;
	gic->fd = (int)cd.fd;
	gic->version = v;
	if (v == GIC_V3) {
		ret = gic_set_addr(gic->fd, KVM_VGIC_V3_ADDR_TYPE_DIST, MEMMAP_GICD_BASE);
		if (!ret)
			ret = gic_set_addr(gic->fd, KVM_VGIC_V3_ADDR_TYPE_REDIST, MEMMAP_GICR_BASE);
	} else {
		ret = gic_set_addr(gic->fd, KVM_VGIC_V2_ADDR_TYPE_DIST, MEMMAP_GICD_BASE);
		if (!ret)
			ret = gic_set_addr(gic->fd, KVM_VGIC_V2_ADDR_TYPE_CPU, MEMMAP_GICV2_CPU_BASE);
	}
	if (ret) {
		close(gic->fd);
		gic->fd = -1;
	}
	return ret;
}

/* The ITS beside a GICv3: KVM's, at MEMMAP_ITS_BASE. */
static int gic_create_its(struct gic *gic, const struct log *log)
{
	struct kvm_create_device cd = { .type = KVM_DEV_TYPE_ARM_VGIC_ITS };
	int ret;

	if (ioctl(gic->vm_fd, KVM_CREATE_DEVICE, &cd)) {
		ret = -errno;
		log_err(log, "--irqchip gicv3-its: KVM cannot create an ITS: %s", strerror(-ret));
		return ret;
	}
	gic->its_fd = (int)cd.fd;
	gic->has_its = true;
	ret = gic_set_addr(gic->its_fd, KVM_VGIC_ITS_ADDR_TYPE, MEMMAP_ITS_BASE);
	if (ret)
		log_err(log, "--irqchip gicv3-its: KVM refused the ITS's address: %s", strerror(-ret));
	return ret;
}

int gic_create(struct gic *gic, int vm_fd, unsigned int nr_cpus, bool its, const struct log *log)
{
	int ret;

	memset(gic, 0, sizeof(*gic));
	gic->fd = -1;
	gic->its_fd = -1;
	gic->vm_fd = vm_fd;
	gic->nr_cpus = nr_cpus;
	ret = gic_create_version(gic, vm_fd, GIC_V3);
	if (ret == -ENODEV && its) {
		log_err(log, "--irqchip gicv3-its: this host has no vGICv3");
		return ret;
	}
	if (!ret && its && gic_create_its(gic, log)) {
		gic_destroy(gic);
		return -1;
	}
	if (ret == -ENODEV) {
		if (nr_cpus > GICV2_MAX_CPUS) {
			log_err(log, "this host has no vGICv3, and a vGICv2 serves at most %d vCPUs (asked for %u)",
				GICV2_MAX_CPUS, nr_cpus);
			return -EINVAL;
		}
		log_info(log, "no vGICv3 on this host; using a vGICv2");
		ret = gic_create_version(gic, vm_fd, GIC_V2);
	}
	if (ret) {
		log_err(log, "cannot create the vGIC: %s", strerror(-ret));
		return ret;
	}
	gic_node_init(&gic->dev, gic);
	return 0;
}

int gic_init_late(struct gic *gic)
{
	uint32_t nr_irqs = GIC_NR_IRQS;
	int ret;

	ret = gic_set_attr(gic->fd, KVM_DEV_ARM_VGIC_GRP_NR_IRQS, 0, &nr_irqs);
	if (!ret)
		ret = gic_set_attr(gic->fd, KVM_DEV_ARM_VGIC_GRP_CTRL, KVM_DEV_ARM_VGIC_CTRL_INIT, NULL);
	if (!ret && gic->has_its)
		ret = gic_set_attr(gic->its_fd, KVM_DEV_ARM_VGIC_GRP_CTRL, KVM_DEV_ARM_VGIC_CTRL_INIT, NULL);
	return ret;
}

void gic_destroy(struct gic *gic)
{
	if (gic->its_fd >= 0)
		close(gic->its_fd);
	if (gic->fd >= 0)
		close(gic->fd);
	gic->fd = -1;
	gic->its_fd = -1;
}

int gic_set_ppi_level(struct gic *gic, unsigned int vcpu, uint32_t intid, int level)
{
	struct kvm_irq_level irq = {
		.irq = (KVM_ARM_IRQ_TYPE_PPI << KVM_ARM_IRQ_TYPE_SHIFT) |
		       ((vcpu & KVM_ARM_IRQ_VCPU_MASK) << KVM_ARM_IRQ_VCPU_SHIFT) | intid,
		.level = (uint32_t)!!level,
	};

	if (intid < 16 || intid > 31 || vcpu > KVM_ARM_IRQ_VCPU_MASK)
		return -EINVAL;
	return ioctl(gic->vm_fd, KVM_IRQ_LINE, &irq) ? -errno : 0;
}

int gic_set_spi_level(void *opaque, unsigned int spi, int level)
{
	struct gic *gic = opaque;
	struct kvm_irq_level irq = {
		.irq = (KVM_ARM_IRQ_TYPE_SPI << KVM_ARM_IRQ_TYPE_SHIFT) | (32 + spi),
		.level = (uint32_t)!!level,
	};

	return ioctl(gic->vm_fd, KVM_IRQ_LINE, &irq) ? -errno : 0;
}
