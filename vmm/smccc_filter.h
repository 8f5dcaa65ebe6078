/* SPDX-License-Identifier: GPL-2.0-only */
#ifndef HVMM_SMCCC_FILTER_H
#define HVMM_SMCCC_FILTER_H

#include <stdbool.h>
#include <stdint.h>

bool smccc_filter_supported(int vm_fd);
/* Forward [base, base + count) to userspace. Must happen before any vCPU runs
 * (EBUSY after); ranges are write-once (EEXIST on overlap). */
int smccc_filter_forward(int vm_fd, uint32_t base, uint32_t count);

#endif
