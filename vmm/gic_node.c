/* SPDX-License-Identifier: GPL-2.0-only */
/* The GIC's device-tree node, apart from the KVM code so it builds natively. */
#include <libfdt.h>
#include <stdio.h>

#include "gic.h"
#include "memmap.h"

static int put_reg(void *fdt, int node, const uint64_t *pairs, int n)
{
	fdt64_t cells[8];

	for (int i = 0; i < n; i++)
		cells[i] = cpu_to_fdt64(pairs[i]);
	return fdt_setprop(fdt, node, "reg", cells, (int)(n * sizeof(cells[0])));
}

/* The ITS, a child of the GIC node: the GIC node gets address cells and
 * an identity ranges so the child's reg is in the parent's addresses. */
static int its_fdt_emit(void *fdt, int gic_node)
{
	uint64_t reg[] = { MEMMAP_ITS_BASE, MEMMAP_ITS_SIZE };
	char name[32];
	int node, ret;

	ret = fdt_setprop_u32(fdt, gic_node, "#address-cells", 2);
	if (!ret)
		ret = fdt_setprop_u32(fdt, gic_node, "#size-cells", 2);
	if (!ret)
		ret = fdt_setprop(fdt, gic_node, "ranges", NULL, 0);
	if (ret)
		return ret;
	snprintf(name, sizeof(name), "msi-controller@%llx", MEMMAP_ITS_BASE);
	node = fdt_add_subnode(fdt, gic_node, name);
	if (node < 0)
		return node;
	ret = fdt_setprop_string(fdt, node, "compatible", "arm,gic-v3-its");
	if (!ret)
		ret = fdt_setprop(fdt, node, "msi-controller", NULL, 0);
	if (!ret)
		ret = fdt_setprop_u32(fdt, node, "#msi-cells", 1);
	if (!ret)
		ret = put_reg(fdt, node, reg, 2);
	return ret;
}

static int gic_fdt_emit(struct vm_device *dev, struct fdt_ctx *ctx)
{
	struct gic *gic = dev->priv;
	char name[32];
	int node, ret;

	snprintf(name, sizeof(name), "interrupt-controller@%llx", MEMMAP_GICD_BASE);
	node = fdt_add_subnode(ctx->fdt, 0, name);
	if (node < 0)
		return node;
	if (gic->version == GIC_V3) {
		uint64_t reg[] = { MEMMAP_GICD_BASE, MEMMAP_GICD_SIZE,
				   MEMMAP_GICR_BASE, MEMMAP_GICR_STRIDE * gic->nr_cpus };

		ret = fdt_setprop_string(ctx->fdt, node, "compatible", "arm,gic-v3");
		if (!ret)
			ret = put_reg(ctx->fdt, node, reg, 4);
		if (!ret)
			ret = fdt_setprop_u32(ctx->fdt, node, "#redistributor-regions", 1);
	} else {
		uint64_t reg[] = { MEMMAP_GICD_BASE, MEMMAP_GICV2_DIST_SIZE,
				   MEMMAP_GICV2_CPU_BASE, MEMMAP_GICV2_CPU_SIZE };

		ret = fdt_setprop_string(ctx->fdt, node, "compatible", "arm,cortex-a15-gic");
		if (!ret)
			ret = put_reg(ctx->fdt, node, reg, 4);
	}
	if (!ret)
		ret = fdt_setprop_u32(ctx->fdt, node, "#interrupt-cells", 3);
	if (!ret)
		ret = fdt_setprop(ctx->fdt, node, "interrupt-controller", NULL, 0);
	if (!ret)
		ret = fdt_setprop_u32(ctx->fdt, node, "phandle", ctx->gic_phandle);
	if (ret)
		return ret;
	if (gic->has_its)
		return its_fdt_emit(ctx->fdt, node);
	/* No child nodes, so no address cells; an interrupt provider states
	 * it (an interrupt-map would need it; dtc warns when it is missing). */
	return fdt_setprop_u32(ctx->fdt, node, "#address-cells", 0);
}

void gic_fdt_ppi(const struct gic *gic, unsigned int nr_cpus, uint32_t ppi, uint32_t type, fdt32_t cells[3])
{
	/* A GICv2 PPI specifier names the CPUs it reaches (bits 15:8), at most
	 * 8 of them; v3 has no such mask. */
	if (gic->version == GIC_V2)
		type |= (nr_cpus >= 8 ? 0xffU : (1U << nr_cpus) - 1) << 8;
	cells[0] = cpu_to_fdt32(1);   /* the PPI space */
	cells[1] = cpu_to_fdt32(ppi);
	cells[2] = cpu_to_fdt32(type);
}

static const struct device_ops gic_node_ops = { .fdt_emit = gic_fdt_emit };

void gic_node_init(struct vm_device *dev, struct gic *gic)
{
	*dev = (struct vm_device){ .name = "gic", .ops = &gic_node_ops, .priv = gic };
}

