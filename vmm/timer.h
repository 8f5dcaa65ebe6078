/* SPDX-License-Identifier: GPL-2.0-only */
#ifndef HVMM_TIMER_H
#define HVMM_TIMER_H

#include "devices/device.h"
#include "gic.h"

/* A device-tree-only device for the arch timer; its PPI flags depend on
 * the GIC. clock_frequency: the frequency the device tree gives (kvmtool's
 * --override-bad-firmware-cntfrq), for a guest that must not trust
 * CNTFRQ_EL0; 0: none, the guest reads CNTFRQ_EL0. */
struct timer_node {
	struct vm_device dev;
	const struct gic *gic;
	uint32_t clock_frequency;
};
void timer_node_init(struct timer_node *t, const struct gic *gic, uint32_t clock_frequency);
/* The INTIDs of the timers' PPIs, as a mask (bit n: INTID n). */
uint32_t timer_ppi_intids(void);

#endif
