/* SPDX-License-Identifier: GPL-2.0-only */
#ifndef HVMM_SVE_H
#define HVMM_SVE_H

/* SVE vector lengths, in bits: 128 to 2048, whole multiples of 128. */
#define SVE_VL_MIN_BITS 128U
#define SVE_VL_MAX_BITS 2048U

/*
 * SVE for a vCPU that KVM_ARM_VCPU_INIT gave the SVE feature: with
 * max_vl_bits (0: the host's), the vector lengths above it taken away;
 * then KVM_ARM_VCPU_FINALIZE, before any other register access.
 * *host_max_bits gets the longest the host has. Returns 0; -EDOM when
 * max_vl_bits is longer than that, -ERANGE when it leaves no length the
 * host has; or -errno.
 */
int sve_vcpu_finalize(int vcpu_fd, unsigned int max_vl_bits, unsigned int *host_max_bits);

#endif
