/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * What the firmware knows of each vCPU's registers during one exit.
 *
 * arm64 KVM has one ioctl per register, so a value read or written once in
 * an exit is kept and not asked for again: an SDEI delivery right after a
 * call needs none of the registers the call read or replied in, and one
 * right after EVENT_COMPLETE needs none at all. Writes go straight to the
 * vCPU (a call's result is in its registers when firmware_call returns).
 *
 * What is known is forgotten when the vCPU may have changed behind the
 * firmware's back: a new exit starts (firmware_call), the guest is about to
 * run (the end of firmware_vcpu_prepare), a warm reset, a guest reset. So
 * between firmware_call and firmware_vcpu_prepare the VMM must not change
 * the vCPU's registers itself (it does not: it only reads them, for a
 * register dump).
 *
 * It sits between the firmware and the VMM's fw_host, as a fw_host of its
 * own; each vCPU's part is only touched by that vCPU's thread (the
 * fw_vcpu threading contract), or with every vCPU stopped.
 */
#ifndef HVMM_REG_CACHE_H
#define HVMM_REG_CACHE_H

#include <stdint.h>

#include "fw_vcpu.h"

_Static_assert(FW_REG_COUNT <= 64, "one bit per register");

struct reg_cache_vcpu {
	uint64_t val[FW_REG_COUNT];
	uint64_t known;            /* bit r: val[r] is what register r holds */
};

struct reg_cache {
	struct fw_host inner;      /* the VMM's (or a test's) vCPUs */
	struct fw_vcpu_ops ops;    /* inner's operations, through the cache */
	struct reg_cache_vcpu *v;
	unsigned int nr_vcpus;     /* vCPUs past these are not cached */
};

/* Cache nr_vcpus of inner's vCPUs; *out is the host the firmware then uses
 * (it points at rc, which must not move). 0 or -ENOMEM. */
int reg_cache_init(struct reg_cache *rc, const struct fw_host *inner, unsigned int nr_vcpus,
		   struct fw_host *out);
void reg_cache_destroy(struct reg_cache *rc);

/* Nothing is known of vcpu's registers any more. On its own thread. */
void reg_cache_forget(struct reg_cache *rc, unsigned int vcpu);
/* Nothing is known of any vCPU's. With every vCPU stopped. */
void reg_cache_forget_all(struct reg_cache *rc);

#endif
