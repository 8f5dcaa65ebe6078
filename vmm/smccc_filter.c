/* SPDX-License-Identifier: GPL-2.0-only */
/* Claiming SMCCC function ranges from KVM so that the guest's calls exit to hvmm. */
#include <errno.h>
#include <sys/ioctl.h>

#include "kvm_compat.h"
#include "smccc_filter.h"

bool smccc_filter_supported(int vm_fd)
{
	struct kvm_device_attr attr = {
		.group = HVMM_KVM_ARM_VM_SMCCC_CTRL,
		.attr = HVMM_KVM_ARM_VM_SMCCC_FILTER,
	};

	/* No KVM_CAP exists for it; kernels before 6.4 fail this ioctl. */
	return ioctl(vm_fd, KVM_HAS_DEVICE_ATTR, &attr) == 0;
}

int smccc_filter_forward(int vm_fd, uint32_t base, uint32_t count)
{
	struct hvmm_smccc_filter filter = {
		.base = base,
		.nr_functions = count,
		.action = HVMM_KVM_SMCCC_FILTER_FWD_TO_USER,
	};
	struct kvm_device_attr attr = {
		.group = HVMM_KVM_ARM_VM_SMCCC_CTRL,
		.attr = HVMM_KVM_ARM_VM_SMCCC_FILTER,
		.addr = (uint64_t)(uintptr_t)&filter,
	};

	return ioctl(vm_fd, KVM_SET_DEVICE_ATTR, &attr) ? -errno : 0;
}
