/* SPDX-License-Identifier: GPL-2.0-only */
#ifndef HVMM_FW_HOST_H
#define HVMM_FW_HOST_H

#include "firmware/fw_vcpu.h"

struct vm;

/* Fill h so that the firmware acts on vm's vCPUs through KVM. */
void fw_host_init(struct fw_host *h, struct vm *vm);

#endif
