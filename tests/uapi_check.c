/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Compile-time proof that vmm/kvm_compat.h agrees with Debian's 6.12 uAPI
 * headers. Built with -I pointing at those headers, so <linux/kvm.h> here is
 * the 6.12 one and every newer constant hvmm spells itself is compared.
 */
#include <stddef.h>

#include "vmm/kvm_compat.h"

#ifndef KVM_ARM_VM_SMCCC_CTRL
#error "not built against the 6.12 uAPI headers (run make deps)"
#endif

_Static_assert(HVMM_KVM_ARM_VM_SMCCC_CTRL == KVM_ARM_VM_SMCCC_CTRL, "SMCCC_CTRL group");
_Static_assert(HVMM_KVM_ARM_VM_SMCCC_FILTER == KVM_ARM_VM_SMCCC_FILTER, "SMCCC_FILTER attribute");
_Static_assert(HVMM_KVM_SMCCC_FILTER_HANDLE == KVM_SMCCC_FILTER_HANDLE, "HANDLE action");
_Static_assert(HVMM_KVM_SMCCC_FILTER_DENY == KVM_SMCCC_FILTER_DENY, "DENY action");
_Static_assert(HVMM_KVM_SMCCC_FILTER_FWD_TO_USER == KVM_SMCCC_FILTER_FWD_TO_USER, "FWD_TO_USER action");
_Static_assert(HVMM_KVM_HYPERCALL_EXIT_SMC == KVM_HYPERCALL_EXIT_SMC, "hypercall SMC flag");
_Static_assert(HVMM_KVM_HYPERCALL_EXIT_16BIT == KVM_HYPERCALL_EXIT_16BIT, "hypercall 16-bit flag");

_Static_assert(sizeof(struct hvmm_smccc_filter) == sizeof(struct kvm_smccc_filter), "filter size");
_Static_assert(offsetof(struct hvmm_smccc_filter, base) == offsetof(struct kvm_smccc_filter, base), "base");
_Static_assert(offsetof(struct hvmm_smccc_filter, nr_functions) ==
	       offsetof(struct kvm_smccc_filter, nr_functions), "nr_functions");
_Static_assert(offsetof(struct hvmm_smccc_filter, action) == offsetof(struct kvm_smccc_filter, action), "action");
_Static_assert(sizeof(((struct hvmm_smccc_filter *)0)->pad) == sizeof(((struct kvm_smccc_filter *)0)->pad), "pad");

_Static_assert(HVMM_KVM_ARM_VCPU_INIT == KVM_ARM_VCPU_INIT, "KVM_ARM_VCPU_INIT");
_Static_assert(HVMM_KVM_ARM_PREFERRED_TARGET == KVM_ARM_PREFERRED_TARGET, "KVM_ARM_PREFERRED_TARGET");
_Static_assert(HVMM_KVM_VCPU_INIT_SIZE == sizeof(struct kvm_vcpu_init), "struct kvm_vcpu_init");

/* The 6.1 "longmode" word is where 6.12 keeps the hypercall flags. */
_Static_assert(offsetof(struct kvm_run, hypercall.longmode) == offsetof(struct kvm_run, hypercall.flags),
	       "hypercall flags offset");

/* The console keeps the terminal's settings in the kernel's own form (TCGETS
 * fills the kernel's struct termios, not glibc's), in a buffer this big. */
#include <asm/termbits.h>
#include "vmm/console.h"
_Static_assert(sizeof(struct termios) <= CONSOLE_KERNEL_TERMIOS_MAX, "kernel struct termios fits");
