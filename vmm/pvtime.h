/* SPDX-License-Identifier: GPL-2.0-only */
#ifndef HVMM_PVTIME_H
#define HVMM_PVTIME_H

#include <stdbool.h>
#include <stdint.h>

#include "log.h"

/* Stolen time (Arm DEN0057, KVM's PV_TIME): one 64-byte record per vCPU
 * in a memory region of its own outside RAM (MEMMAP_PVTIME_BASE), which
 * KVM fills; the guest finds its record with PV_TIME_ST, which KVM serves. */
struct pvtime {
	void *host;        /* NULL: no stolen time for this VM */
	uint64_t size;
};

#define PVTIME_RECORD_SIZE 64

/* The region and its memslot, before the vCPUs run. 0, or -1 (reported). */
int pvtime_create(struct pvtime *pt, int vm_fd, uint32_t slot, const struct log *log);
/* vCPU id's record, after KVM_ARM_VCPU_INIT. 0 or -errno. */
int pvtime_vcpu_init(const struct pvtime *pt, int vcpu_fd, unsigned int id);
void pvtime_destroy(struct pvtime *pt);

#endif
