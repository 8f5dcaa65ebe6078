/* SPDX-License-Identifier: GPL-2.0-only */
/* The /psci node: tells the guest PSCI exists and which conduit reaches it. */
#include <libfdt.h>

#include "psci_node.h"

static int psci_fdt_emit(struct vm_device *dev, struct fdt_ctx *ctx)
{
	static const char compatible[] = "arm,psci-1.0\0arm,psci-0.2";
	const struct psci_node *psci = dev->priv;
	int node, ret;

	node = fdt_add_subnode(ctx->fdt, 0, "psci");
	if (node < 0)
		return node;
	ret = fdt_setprop(ctx->fdt, node, "compatible", compatible, sizeof(compatible));
	if (!ret)
		ret = fdt_setprop_string(ctx->fdt, node, "method", smccc_conduit_name(psci->conduit));
	return ret;
}

static const struct device_ops psci_node_ops = { .fdt_emit = psci_fdt_emit };

void psci_node_init(struct psci_node *node, enum smccc_conduit conduit)
{
	*node = (struct psci_node){
		.dev = { .name = "psci", .ops = &psci_node_ops, .priv = node },
		.conduit = conduit,
	};
}
