/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Stolen time on by default, as in kvmtool (--no-pvtime turns it off): the
 * guest sees how long its vCPUs were runnable but not running on the host.
 * hvmm only provides the memory and tells KVM where each vCPU's record is;
 * KVM updates the records and answers the guest's PV_TIME calls (hvmm does
 * not claim the standard hypervisor service range).
 */
#include <errno.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>

#include "kvm_compat.h"
#include "memmap.h"
#include "pvtime.h"

_Static_assert(MEMMAP_MAX_VCPUS * PVTIME_RECORD_SIZE <= MEMMAP_PVTIME_SIZE, "a record for every vCPU");
_Static_assert(MEMMAP_PVTIME_BASE + MEMMAP_PVTIME_SIZE <= MEMMAP_RAM_BASE, "below RAM");

int pvtime_create(struct pvtime *pt, int vm_fd, uint32_t slot, const struct log *log)
{
	struct kvm_userspace_memory_region region;

	pt->size = MEMMAP_PVTIME_SIZE;
	pt->host = mmap(NULL, pt->size, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (pt->host == MAP_FAILED) {
		pt->host = NULL;
		log_err(log, "cannot allocate the stolen-time region: %s", strerror(errno));
		return -1;
	}
	region = (struct kvm_userspace_memory_region){
		.slot = slot,
		.guest_phys_addr = MEMMAP_PVTIME_BASE,
		.memory_size = pt->size,
		.userspace_addr = (uint64_t)(uintptr_t)pt->host,
	};
	if (ioctl(vm_fd, KVM_SET_USER_MEMORY_REGION, &region)) {
		log_err(log, "cannot give the stolen-time region to KVM: %s", strerror(errno));
		pvtime_destroy(pt);
		return -1;
	}
	return 0;
}

int pvtime_vcpu_init(const struct pvtime *pt, int vcpu_fd, unsigned int id)
{
	uint64_t ipa = MEMMAP_PVTIME_BASE + (uint64_t)id * PVTIME_RECORD_SIZE;
	struct kvm_device_attr attr = {
		.group = KVM_ARM_VCPU_PVTIME_CTRL,
		.attr = KVM_ARM_VCPU_PVTIME_IPA,
		.addr = (uint64_t)(uintptr_t)&ipa,
	};

	if (!pt->host || (uint64_t)(id + 1) * PVTIME_RECORD_SIZE > pt->size)
		return -EINVAL;
	return ioctl(vcpu_fd, KVM_SET_DEVICE_ATTR, &attr) ? -errno : 0;
}

void pvtime_destroy(struct pvtime *pt)
{
	if (pt->host)
		munmap(pt->host, pt->size);
	pt->host = NULL;
}
