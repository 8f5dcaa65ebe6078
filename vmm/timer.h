/* SPDX-License-Identifier: GPL-2.0-only */
#ifndef HVMM_TIMER_H
#define HVMM_TIMER_H

#include "devices/device.h"
#include "gic.h"

/* A device-tree-only device for the arch timer; its PPI flags depend on the GIC. */
void timer_device_init(struct vm_device *dev, const struct gic *gic);
/* The INTIDs of the timers' PPIs, as a mask (bit n: INTID n). */
uint32_t timer_ppi_intids(void);

#endif
