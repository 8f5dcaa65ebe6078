/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * SVE for the guest, on by default where KVM offers it, as kvmtool does
 * (--disable-sve turns it off, --sve-max-vl caps the vector length). KVM
 * saves and restores the vector state; hvmm only negotiates the lengths.
 */
#include <errno.h>
#include <stdint.h>
#include <sys/ioctl.h>

#include "kvm_compat.h"
#include "sve.h"

/* The vector lengths a vCPU may use: bit n of the 512-bit register is
 * quadword count n + 1 (a length of 128 * (n + 1) bits). */
#define SVE_VLS_WORDS 8

static int vls_access(int vcpu_fd, unsigned long req, uint64_t vls[SVE_VLS_WORDS])
{
	struct kvm_one_reg reg = { .id = KVM_REG_ARM64_SVE_VLS, .addr = (uint64_t)(uintptr_t)vls };

	return ioctl(vcpu_fd, req, &reg) ? -errno : 0;
}

int sve_vcpu_finalize(int vcpu_fd, unsigned int max_vl_bits, unsigned int *host_max_bits)
{
	uint64_t vls[SVE_VLS_WORDS];
	unsigned int max_vq = max_vl_bits / SVE_VL_MIN_BITS, top = 0, kept = 0;
	int what = KVM_ARM_VCPU_SVE, ret;

	ret = vls_access(vcpu_fd, KVM_GET_ONE_REG, vls);
	if (ret)
		return ret;
	for (unsigned int vq = 1; vq <= SVE_VLS_WORDS * 64; vq++) {
		uint64_t bit = 1ULL << ((vq - 1) % 64);

		if (!(vls[(vq - 1) / 64] & bit))
			continue;
		top = vq;
		if (max_vq && vq > max_vq)
			vls[(vq - 1) / 64] &= ~bit;
		else
			kept++;
	}
	*host_max_bits = top * SVE_VL_MIN_BITS;
	if (!kept)
		return -ERANGE;
	if (max_vl_bits > *host_max_bits)
		return -EDOM;
	if (max_vq && top > max_vq) {
		ret = vls_access(vcpu_fd, KVM_SET_ONE_REG, vls);
		if (ret)
			return ret;
	}
	return ioctl(vcpu_fd, KVM_ARM_VCPU_FINALIZE, &what) ? -errno : 0;
}
