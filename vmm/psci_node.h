/* SPDX-License-Identifier: GPL-2.0-only */
#ifndef HVMM_PSCI_NODE_H
#define HVMM_PSCI_NODE_H

#include "devices/device.h"

void psci_node_init(struct vm_device *dev);

#endif
