/* SPDX-License-Identifier: GPL-2.0-only */
#ifndef HVMM_SDEI_NODE_H
#define HVMM_SDEI_NODE_H

#include "devices/device.h"

void sdei_node_init(struct vm_device *dev);

#endif
