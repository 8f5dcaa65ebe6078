/* SPDX-License-Identifier: GPL-2.0-only */
#ifndef HVMM_PSCI_NODE_H
#define HVMM_PSCI_NODE_H

#include "devices/device.h"
#include "firmware/smccc_call.h"

/* The /psci node; its method names the conduit the guest calls PSCI with. */
struct psci_node {
	struct vm_device dev;
	enum smccc_conduit conduit;
};

void psci_node_init(struct psci_node *node, enum smccc_conduit conduit);

#endif
