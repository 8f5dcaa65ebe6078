/* SPDX-License-Identifier: GPL-2.0-only */
/* The architected timer: KVM emulates it; hvmm only describes it. */
#include <libfdt.h>

#include "timer.h"

/* PPI numbers (INTID - 16) KVM wires the timers to. */
#define TIMER_PPI_SEC_PHYS 13
#define TIMER_PPI_PHYS     14
#define TIMER_PPI_VIRT     11
#define TIMER_PPI_HYP      10

#define IRQ_TYPE_LEVEL_LOW 8

static const uint32_t timer_ppis[] = { TIMER_PPI_SEC_PHYS, TIMER_PPI_PHYS, TIMER_PPI_VIRT, TIMER_PPI_HYP };

uint32_t timer_ppi_intids(void)
{
	uint32_t mask = 0;

	for (unsigned int i = 0; i < sizeof(timer_ppis) / sizeof(timer_ppis[0]); i++)
		mask |= 1U << (16 + timer_ppis[i]);
	return mask;
}

static int timer_fdt_emit(struct vm_device *dev, struct fdt_ctx *ctx)
{
	const struct timer_node *t = dev->priv;
	const struct gic *gic = t->gic;
	fdt32_t cells[3 * 4];
	int node, ret;

	for (unsigned int i = 0; i < 4; i++)
		gic_fdt_ppi(gic, ctx->nr_cpus, timer_ppis[i], IRQ_TYPE_LEVEL_LOW, &cells[3 * i]);
	node = fdt_add_subnode(ctx->fdt, 0, "timer");
	if (node < 0)
		return node;
	ret = fdt_setprop_string(ctx->fdt, node, "compatible", "arm,armv8-timer");
	if (!ret)
		ret = fdt_setprop(ctx->fdt, node, "interrupts", cells, sizeof(cells));
	if (!ret)
		ret = fdt_setprop(ctx->fdt, node, "always-on", NULL, 0);
	if (!ret && t->clock_frequency)
		ret = fdt_setprop_u32(ctx->fdt, node, "clock-frequency", t->clock_frequency);
	return ret;
}

static const struct device_ops timer_ops = { .fdt_emit = timer_fdt_emit };

void timer_node_init(struct timer_node *t, const struct gic *gic, uint32_t clock_frequency)
{
	t->gic = gic;
	t->clock_frequency = clock_frequency;
	t->dev = (struct vm_device){ .name = "timer", .ops = &timer_ops, .priv = t };
}
