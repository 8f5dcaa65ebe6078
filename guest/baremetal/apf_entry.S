/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The assembly of the reference guest's scheduler (apf.h): the two SDEI
 * handler entries, the context switch, and the vectors tasks trap into.
 *
 * Tasks run at EL1t on SP_EL0. Everything else (the scheduler, SDEI
 * handlers, which hvmm enters at EL1h) runs on SP_EL1, which is the vCPU's
 * handler stack (apf_cpu.kstack) whenever a task runs. TPIDR_EL1 points at
 * the vCPU's struct apf_cpu. Offsets mirror apf.h.
 */

#include "smccc_asm.h"

#define CPU_CUR		0
#define CPU_KSP		8
#define CPU_HOME	16
#define CPU_HOME_SP	112
#define CTX_SP		248
#define CTX_ELR		256
#define CTX_SPSR	264

#define SDEI_COMPLETE		0xc4000025
#define SDEI_COMPLETE_RESUME	0xc4000026
#define PSCI_CPU_OFF		0x84000002
#define PSCI_SYSTEM_RESET	0x84000009

	.text

/*
 * Save every register of the interrupted task into the current task's
 * context. Entered at EL1h on the handler stack with the task's x0-x30,
 * ELR_EL1 = its PC, SPSR_EL1 = its PSTATE (an exception from EL1t, or
 * SDEI's COMPLETE_AND_RESUME, which sets up exactly that). A "page ready"
 * event may be taken between any two instructions here: its handler keeps
 * SP_EL0, ELR_EL1, SPSR_EL1 and every register, and uses the stack below SP.
 */
.macro save_task
	stp	x0, x1, [sp, #-16]!
	mrs	x0, tpidr_el1
	ldr	x0, [x0, #CPU_CUR]
	stp	x2, x3, [x0, #16]
	stp	x4, x5, [x0, #32]
	stp	x6, x7, [x0, #48]
	stp	x8, x9, [x0, #64]
	stp	x10, x11, [x0, #80]
	stp	x12, x13, [x0, #96]
	stp	x14, x15, [x0, #112]
	stp	x16, x17, [x0, #128]
	stp	x18, x19, [x0, #144]
	stp	x20, x21, [x0, #160]
	stp	x22, x23, [x0, #176]
	stp	x24, x25, [x0, #192]
	stp	x26, x27, [x0, #208]
	stp	x28, x29, [x0, #224]
	str	x30, [x0, #240]
	ldp	x2, x3, [sp], #16
	stp	x2, x3, [x0, #0]
	mrs	x1, sp_el0
	str	x1, [x0, #CTX_SP]
	mrs	x1, elr_el1
	str	x1, [x0, #CTX_ELR]
	mrs	x1, spsr_el1
	str	x1, [x0, #CTX_SPSR]
.endm

/* x18-x30 around a C call in a handler: the firmware gives back x0-x17. */
.macro handler_save
	sub	sp, sp, #112
	stp	x18, x19, [sp, #0]
	stp	x20, x21, [sp, #16]
	stp	x22, x23, [sp, #32]
	stp	x24, x25, [sp, #48]
	stp	x26, x27, [sp, #64]
	stp	x28, x29, [sp, #80]
	str	x30, [sp, #96]
.endm

.macro handler_restore
	ldp	x18, x19, [sp, #0]
	ldp	x20, x21, [sp, #16]
	ldp	x22, x23, [sp, #32]
	ldp	x24, x25, [sp, #48]
	ldp	x26, x27, [sp, #64]
	ldp	x28, x29, [sp, #80]
	ldr	x30, [sp, #96]
	add	sp, sp, #112
.endm

/*
 * "Page not present": x0 = event, x1 = struct apf_cpu, x2 = interrupted PC,
 * x3 = interrupted PSTATE. apf_np_handler answers 0 to block the task
 * (COMPLETE_AND_RESUME into apf_switch_entry), 1 to resume it (COMPLETE),
 * 2 for CPU_OFF, 3 for SYSTEM_RESET (hostile rows: the token stays
 * outstanding).
 */
	.balign 8
	.global apf_np_entry
apf_np_entry:
	handler_save
	bl	apf_np_handler
	mov	x9, x0
	handler_restore
	smccc_conduit_load x10
	cbz	x9, 1f
	cmp	x9, #1
	b.eq	2f
	adr	x1, apf_off_stub
	cmp	x9, #2
	b.eq	3f
	adr	x1, apf_reset_stub
	b	3f
1:	adr	x1, apf_switch_entry
3:	ldr	x0, =SDEI_COMPLETE_RESUME
	b	4f
2:	ldr	x0, =SDEI_COMPLETE
	mov	x1, #0
4:	smccc_insn apf_np_done, x10
	mov	x1, x0
	b	apf_complete_failed

/* "Page ready": x1 = struct apf_cpu; always resumes what it interrupted. */
	.balign 8
	.global apf_ready_entry
apf_ready_entry:
	handler_save
	bl	apf_ready_handler
	handler_restore
	smccc_conduit_load x10
	ldr	x0, =SDEI_COMPLETE
	mov	x1, #0
	smccc_insn apf_ready_done, x10
	mov	x1, x0
	b	apf_complete_failed

apf_complete_failed:
	mov	x0, x1
	ldr	x1, =SDEI_COMPLETE
	bl	sdei_complete_failed
5:	wfe
	b	5b

/* Where a blocked task's context lands (COMPLETE_AND_RESUME). */
	.balign 8
	.global apf_switch_entry
apf_switch_entry:
	save_task
	b	apf_sched_loop

/* Pick the next task (apf_sched_pick may idle) and enter it, or go home. */
apf_sched_loop:
	mrs	x0, tpidr_el1
	ldr	x1, [x0, #CPU_KSP]
	mov	sp, x1
	bl	apf_sched_pick
	cbz	x0, apf_sched_home
	ldr	x1, [x0, #CTX_SP]
	msr	sp_el0, x1
	ldr	x1, [x0, #CTX_ELR]
	msr	elr_el1, x1
	ldr	x1, [x0, #CTX_SPSR]
	msr	spsr_el1, x1
	ldp	x2, x3, [x0, #16]
	ldp	x4, x5, [x0, #32]
	ldp	x6, x7, [x0, #48]
	ldp	x8, x9, [x0, #64]
	ldp	x10, x11, [x0, #80]
	ldp	x12, x13, [x0, #96]
	ldp	x14, x15, [x0, #112]
	ldp	x16, x17, [x0, #128]
	ldp	x18, x19, [x0, #144]
	ldp	x20, x21, [x0, #160]
	ldp	x22, x23, [x0, #176]
	ldp	x24, x25, [x0, #192]
	ldp	x26, x27, [x0, #208]
	ldp	x28, x29, [x0, #224]
	ldr	x30, [x0, #240]
	ldp	x0, x1, [x0, #0]
	eret

apf_sched_home:
	mrs	x0, tpidr_el1
	ldp	x19, x20, [x0, #CPU_HOME + 0]
	ldp	x21, x22, [x0, #CPU_HOME + 16]
	ldp	x23, x24, [x0, #CPU_HOME + 32]
	ldp	x25, x26, [x0, #CPU_HOME + 48]
	ldp	x27, x28, [x0, #CPU_HOME + 64]
	ldp	x29, x30, [x0, #CPU_HOME + 80]
	ldr	x1, [x0, #CPU_HOME_SP]
	mov	sp, x1
	ret

/* void apf_sched_start(struct apf_cpu *c): run c's tasks until all are
 * done, then return here. */
	.balign 8
	.global apf_sched_start
apf_sched_start:
	stp	x19, x20, [x0, #CPU_HOME + 0]
	stp	x21, x22, [x0, #CPU_HOME + 16]
	stp	x23, x24, [x0, #CPU_HOME + 32]
	stp	x25, x26, [x0, #CPU_HOME + 48]
	stp	x27, x28, [x0, #CPU_HOME + 64]
	stp	x29, x30, [x0, #CPU_HOME + 80]
	mov	x1, sp
	str	x1, [x0, #CPU_HOME_SP]
	msr	tpidr_el1, x0
	b	apf_sched_loop

/* A task's SVC (yield, exit) or anything else it trapped on. */
apf_task_trap:
	save_task
	mrs	x0, tpidr_el1
	mrs	x1, esr_el1
	bl	apf_task_svc
	b	apf_sched_loop

/* An interrupt taken from a task (the ready PPI). */
apf_task_irq_entry:
	save_task
	mrs	x0, tpidr_el1
	bl	apf_task_irq
	b	apf_sched_loop

/* Hostile rows: where a not-present handler resumes to lose its task. */
	.balign 8
	.global apf_off_stub
apf_off_stub:
	smccc_conduit_load x10
	ldr	x0, =PSCI_CPU_OFF
	smccc_insn apf_off_call, x10
6:	wfi
	b	6b

	.balign 8
	.global apf_reset_stub
apf_reset_stub:
	smccc_conduit_load x10
	ldr	x0, =PSCI_SYSTEM_RESET
	smccc_insn apf_reset_call, x10
7:	wfi
	b	7b

/* Only a task's synchronous exception (EL1t, +0x000) and, with a ready
 * PPI, its IRQ (EL1t, +0x080) are expected. */
	.balign 2048
	.global apf_vectors
apf_vectors:
	.irp	n, 0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15
	.balign	128
	.if	\n == 0
	b	apf_task_trap
	.elseif	\n == 1
	b	apf_task_irq_entry
	.else
	mov	x0, #\n
	b	apf_unexpected
	.endif
	.endr

apf_unexpected:
	mrs	x1, esr_el1
	mrs	x2, elr_el1
	mrs	x3, far_el1
	bl	bm_exception
8:	wfe
	b	8b
