/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Entry of a bare-metal test guest: stack, zeroed BSS, main(dtb), then
 * SYSTEM_OFF. Also the secondary entry points for CPU_ON and power-down
 * suspends, the exception vectors, and the SMCCC call helpers.
 */

#include "smccc_asm.h"

#define SECONDARY_STACK_SHIFT	13	/* 8 KiB per secondary */
#define MAX_CPUS		16	/* BM_MAX_CPUS in lib.h */

	.section .text.start, "ax"
	.global _start
_start:
	mov	x19, x0			/* the DTB address hvmm passes */
	ldr	x1, =__stack_top
	mov	sp, x1
	adr	x1, vectors
	msr	vbar_el1, x1
	isb
	ldr	x1, =__bss_start
	ldr	x2, =__bss_end
1:	cmp	x1, x2
	b.hs	2f
	str	xzr, [x1], #8
	b	1b
	/* Every SMCCC call, the first included, uses the conduit the device
	 * tree names: learn it before main (and after BSS is zeroed). */
2:	mov	x0, x19
	bl	smccc_conduit_init
	mov	x0, x19
	bl	main
	bl	bm_exit
3:	wfi
	b	3b

	.text
/*
 * Secondary entry points. Each reads CNTVCT first (the CPU_ON latency ends
 * there), then notes its own address so the C side can tell which entry
 * point the CPU really came in through. x0 (context_id) is passed on
 * untouched: the stack comes from MPIDR_EL1, not from context_id, so a wrong
 * context_id is reported instead of crashing the guest.
 */
	.balign 8
	.global secondary_entry
secondary_entry:
	mrs	x9, cntvct_el0
	adr	x10, secondary_entry
	b	secondary_common

	.balign 8
	.global secondary_entry_alt
secondary_entry_alt:
	mrs	x9, cntvct_el0
	adr	x10, secondary_entry_alt
	b	secondary_common

	.balign 8
	.global secondary_resume
secondary_resume:
	mrs	x9, cntvct_el0
	adr	x10, secondary_resume
	b	secondary_common

secondary_common:
	/* The state the CPU was started in, before anything changes it. */
	mrs	x11, daif
	mrs	x12, CurrentEL
	mrs	x13, SPSel
	mrs	x14, sctlr_el1
	mrs	x15, mpidr_el1
	/* CPU index in KVM's layout: Aff0 (0-15) + 16 * Aff1. */
	and	x16, x15, #0xff
	ubfx	x17, x15, #8, #8
	add	x16, x16, x17, lsl #4
	cmp	x16, #MAX_CPUS
	b.hs	park
	add	x16, x16, #1
	lsl	x16, x16, #SECONDARY_STACK_SHIFT
	ldr	x17, =secondary_stacks
	add	x16, x17, x16
	mov	sp, x16
	adr	x16, vectors
	msr	vbar_el1, x16
	isb
	/* secondary_main(ctx, entry, t_first, daif, el, spsel, sctlr, mpidr) */
	mov	x1, x10
	mov	x2, x9
	mov	x3, x11
	mov	x4, x12
	mov	x5, x13
	mov	x6, x14
	mov	x7, x15
	bl	secondary_main
park:
	wfe
	b	park

/*
 * Passed as the entry point of CPU_SUSPEND calls on the boot CPU that must
 * fail or return: if the boot CPU ever comes back through here, say so.
 */
	.balign 8
	.global boot_unexpected_entry
boot_unexpected_entry:
	ldr	x1, =__stack_top
	mov	sp, x1
	adr	x1, vectors
	msr	vbar_el1, x1
	isb
	bl	bm_unexpected_entry
	b	park

	.bss
	.balign 16
	.global secondary_stacks
secondary_stacks:
	.skip	(MAX_CPUS << SECONDARY_STACK_SHIFT)

	.text
/* Every exception is unexpected: report vector, ESR, ELR and FAR. */
	.balign 2048
vectors:
	.irp	n, 0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15
	.balign	128
	mov	x0, #\n
	b	exception_common
	.endr
exception_common:
	mrs	x1, esr_el1
	mrs	x2, elr_el1
	mrs	x3, far_el1
	bl	bm_exception
	b	park

/*
 * uint64_t smccc_call(uint64_t fid, uint64_t a1, uint64_t a2, uint64_t a3)
 * uint64_t smccc_call6(fid, a1, a2, a3, a4, a5): the same code; the C calling
 * convention already puts the arguments in x0-x5, and leaves x16 (IP0) free
 * to say which conduit to call through.
 */
	.global smccc_call
	.global smccc_call6
smccc_call:
smccc_call6:
	smccc_conduit_load x16
	smccc_insn smccc_call, x16
	ret

/* void smccc_call_regs(uint64_t regs[18]): through the conduit in use;
 * void smccc_call_regs_via(uint64_t regs[18], uint64_t conduit): through
 * the one given. x0-x17 carry the pattern, so x20 (saved here) says which
 * conduit to call through. */
	.global smccc_call_regs
	.global smccc_call_regs_via
smccc_call_regs:
	smccc_conduit_load x1
smccc_call_regs_via:
	stp	x19, x20, [sp, #-32]!
	str	x30, [sp, #16]
	mov	x19, x0
	mov	x20, x1
	ldp	x0, x1, [x19, #0]
	ldp	x2, x3, [x19, #16]
	ldp	x4, x5, [x19, #32]
	ldp	x6, x7, [x19, #48]
	ldp	x8, x9, [x19, #64]
	ldp	x10, x11, [x19, #80]
	ldp	x12, x13, [x19, #96]
	ldp	x14, x15, [x19, #112]
	ldp	x16, x17, [x19, #128]
	smccc_insn smccc_call_regs, x20
	stp	x0, x1, [x19, #0]
	stp	x2, x3, [x19, #16]
	stp	x4, x5, [x19, #32]
	stp	x6, x7, [x19, #48]
	stp	x8, x9, [x19, #64]
	stp	x10, x11, [x19, #80]
	stp	x12, x13, [x19, #96]
	stp	x14, x15, [x19, #112]
	stp	x16, x17, [x19, #128]
	ldr	x30, [sp, #16]
	ldp	x19, x20, [sp], #32
	ret
