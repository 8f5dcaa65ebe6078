/* SPDX-License-Identifier: GPL-2.0-only */
#ifndef HVMM_PMU_H
#define HVMM_PMU_H

#include "devices/device.h"
#include "gic.h"

/* The PMU's overflow interrupt: PPI 7, INTID 23, where kvmtool puts it
 * (kept off the async-pf service's choice: GIC_RESERVED_PPIS). */
#define PMU_PPI_INTID 23

/* --pmu: PMUv3 for a vCPU that KVM_ARM_VCPU_INIT gave the PMU_V3 feature;
 * after the vGIC is initialised, before the vCPU first runs. Returns 0 or
 * -errno. */
int pmu_vcpu_init(int vcpu_fd);
/* The arm,armv8-pmuv3 node, its PPI flags as the timer's. */
void pmu_device_init(struct vm_device *dev, const struct gic *gic);

#endif
