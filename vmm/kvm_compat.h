/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * KVM uAPI newer than the Linux 6.1 headers Debian's cross toolchain ships.
 * Only what hvmm uses; each value is checked against Debian's 6.12 uAPI
 * headers by tests/uapi_check.c at build time of the test suite.
 */
#ifndef HVMM_KVM_COMPAT_H
#define HVMM_KVM_COMPAT_H

/*
 * asm/kvm.h pulls in the uAPI linux/psci.h only for macros hvmm never uses;
 * its PSCI_* names would clash with firmware/psci.h, hvmm's own PSCI. Mark it
 * as already included (the guard differs between the 6.1 and 6.12 copies).
 */
#define _LINUX_PSCI_H
#define _UAPI_LINUX_PSCI_H
#include <linux/kvm.h>

/* Values hvmm relies on, under names of its own so tests/uapi_check.c can
 * compare them with the 6.12 definitions. */
#define HVMM_KVM_ARM_VM_SMCCC_CTRL          0   /* VM device-attribute group */
#define HVMM_KVM_ARM_VM_SMCCC_FILTER        0   /* ... and its attribute */
#define HVMM_KVM_SMCCC_FILTER_HANDLE        0
#define HVMM_KVM_SMCCC_FILTER_DENY          1
#define HVMM_KVM_SMCCC_FILTER_FWD_TO_USER   2
#define HVMM_KVM_HYPERCALL_EXIT_SMC         (1U << 0)
#define HVMM_KVM_HYPERCALL_EXIT_16BIT       (1U << 1)

/* struct kvm_smccc_filter (6.4+), the argument of KVM_ARM_VM_SMCCC_FILTER. */
struct hvmm_smccc_filter {
	__u32 base;
	__u32 nr_functions;
	__u8 action;
	__u8 pad[15];
};

/* Requests that take struct kvm_vcpu_init (32 bytes), which only arm64's
 * headers define: spelled by size so the sandbox's ioctl list also builds
 * for the native unit tests. */
#define HVMM_KVM_VCPU_INIT_SIZE        32
#define HVMM_KVM_ARM_VCPU_INIT         _IOC(_IOC_WRITE, KVMIO, 0xae, HVMM_KVM_VCPU_INIT_SIZE)
#define HVMM_KVM_ARM_PREFERRED_TARGET  _IOC(_IOC_READ, KVMIO, 0xaf, HVMM_KVM_VCPU_INIT_SIZE)

/* 6.1 names the hypercall flags word "longmode"; 6.12 adds "flags" in a union. */
#define HVMM_HYPERCALL_FLAGS(run) ((run)->hypercall.longmode)

#endif
