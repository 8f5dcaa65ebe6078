/* SPDX-License-Identifier: GPL-2.0-only */
#ifndef HVMM_SDEI_NODE_H
#define HVMM_SDEI_NODE_H

#include "devices/device.h"
#include "firmware/smccc_call.h"

/* The /firmware/sdei node; its method names the conduit SDEI calls use. */
struct sdei_node {
	struct vm_device dev;
	enum smccc_conduit conduit;
};

void sdei_node_init(struct sdei_node *node, enum smccc_conduit conduit);

#endif
