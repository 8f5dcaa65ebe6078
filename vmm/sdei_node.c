/* SPDX-License-Identifier: GPL-2.0-only */
/* The /firmware/sdei node: tells the guest SDEI exists and which conduit reaches it. */
#include <libfdt.h>

#include "sdei_node.h"

static int sdei_fdt_emit(struct vm_device *dev, struct fdt_ctx *ctx)
{
	const struct sdei_node *sdei = dev->priv;
	int firmware, node, ret;

	/* Linux only looks for the SDEI node under /firmware. */
	firmware = fdt_subnode_offset(ctx->fdt, 0, "firmware");
	if (firmware == -FDT_ERR_NOTFOUND)
		firmware = fdt_add_subnode(ctx->fdt, 0, "firmware");
	if (firmware < 0)
		return firmware;
	node = fdt_add_subnode(ctx->fdt, firmware, "sdei");
	if (node < 0)
		return node;
	ret = fdt_setprop_string(ctx->fdt, node, "compatible", "arm,sdei-1.0");
	if (!ret)
		ret = fdt_setprop_string(ctx->fdt, node, "method", smccc_conduit_name(sdei->conduit));
	return ret;
}

static const struct device_ops sdei_node_ops = { .fdt_emit = sdei_fdt_emit };

void sdei_node_init(struct sdei_node *node, enum smccc_conduit conduit)
{
	*node = (struct sdei_node){
		.dev = { .name = "sdei", .ops = &sdei_node_ops, .priv = node },
		.conduit = conduit,
	};
}
