/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The assembly side of the SDEI client: the handler trampoline every event is
 * registered with, the vector table EVENT_COMPLETE_AND_RESUME lands in, and
 * register probes that fill x0-x17 with known values around an event.
 *
 * Offsets below mirror struct sdei_frame, struct sdei_probe and struct
 * sdei_resume_rec in lib.h; sdei.c asserts that they agree.
 */

#include "smccc_asm.h"

#define SDEI_FID_EVENT_SIGNAL	0xc400002f

/* struct sdei_frame */
#define F_X		0
#define F_T_ENTRY	248
#define F_SP		256
#define F_DAIF		264
#define F_EL		272
#define F_SPSEL		280
#define F_ELR		288
#define F_SPSR		296
#define F_MPIDR		304
#define F_DONE_FID	312
#define F_DONE_ARG	320
#define F_STAMP		328
#define F_NZCV		336
#define F_SIZE		352

/* struct sdei_probe */
#define P_PAT		0
#define P_AFTER		144
#define P_WATCH		288
#define P_WATCH_OLD	296
#define P_DEADLINE	304
#define P_GO_ADDR	312
#define P_GO_VAL	320
#define P_NZCV_IN	328
#define P_ELR_IN	336
#define P_SPSR_IN	344
#define P_SP_IN		352
#define P_SP_OUT	360
#define P_NZCV_OUT	368
#define P_DAIF_OUT	376
#define P_ELR_OUT	384
#define P_SPSR_OUT	392
#define P_DAIF_IN	400

/* struct sdei_resume_rec */
#define R_X		0
#define R_SP		144
#define R_ELR		152
#define R_SPSR		160
#define R_DAIF		168
#define R_EL		176
#define R_SPSEL		184
#define R_T		192
#define R_COUNT		200
#define R_NZCV		208
#define R_SIZE		224

	.text
/*
 * The handler entry point. hvmm enters it with x0 = event, x1 = argument,
 * x2 = interrupted PC, x3 = interrupted PSTATE, EL1h, DAIF masked, on the
 * interrupted SP. The firmware restores x0-x17 at completion; the handler
 * must give back x18-x30 and SP itself, so everything is saved in a frame
 * below the interrupted SP (nothing in this guest keeps data below SP).
 */
	.balign 8
	.global sdei_entry
sdei_entry:
	sub	sp, sp, #F_SIZE
	stp	x0, x1, [sp, #F_X + 0]
	isb
	mrs	x0, cntvct_el0
	str	x0, [sp, #F_T_ENTRY]
	stp	x2, x3, [sp, #F_X + 16]
	stp	x4, x5, [sp, #F_X + 32]
	stp	x6, x7, [sp, #F_X + 48]
	stp	x8, x9, [sp, #F_X + 64]
	stp	x10, x11, [sp, #F_X + 80]
	stp	x12, x13, [sp, #F_X + 96]
	stp	x14, x15, [sp, #F_X + 112]
	stp	x16, x17, [sp, #F_X + 128]
	stp	x18, x19, [sp, #F_X + 144]
	stp	x20, x21, [sp, #F_X + 160]
	stp	x22, x23, [sp, #F_X + 176]
	stp	x24, x25, [sp, #F_X + 192]
	stp	x26, x27, [sp, #F_X + 208]
	stp	x28, x29, [sp, #F_X + 224]
	str	x30, [sp, #F_X + 240]
	add	x0, sp, #F_SIZE
	str	x0, [sp, #F_SP]
	mrs	x0, daif
	str	x0, [sp, #F_DAIF]
	mrs	x0, CurrentEL
	str	x0, [sp, #F_EL]
	mrs	x0, SPSel
	str	x0, [sp, #F_SPSEL]
	mrs	x0, elr_el1
	str	x0, [sp, #F_ELR]
	mrs	x0, spsr_el1
	str	x0, [sp, #F_SPSR]
	mrs	x0, mpidr_el1
	str	x0, [sp, #F_MPIDR]
	mrs	x0, nzcv			/* nothing above sets flags */
	str	x0, [sp, #F_NZCV]

	mov	x0, sp
	bl	sdei_dispatch

	/* x0-x17 are the firmware's to restore: use them freely from here. */
	smccc_conduit_load x5
	ldp	x0, x1, [sp, #F_DONE_FID]
	ldr	x2, [sp, #F_STAMP]
	ldp	x18, x19, [sp, #F_X + 144]
	ldp	x20, x21, [sp, #F_X + 160]
	ldp	x22, x23, [sp, #F_X + 176]
	ldp	x24, x25, [sp, #F_X + 192]
	ldp	x26, x27, [sp, #F_X + 208]
	ldp	x28, x29, [sp, #F_X + 224]
	ldr	x30, [sp, #F_X + 240]
	add	sp, sp, #F_SIZE
	mov	x4, x0				/* the function ID, for a report */
	isb
	mrs	x3, cntvct_el0
	str	x3, [x2]
	smccc_insn sdei_complete, x5
	/* A completion that returns failed: the interrupted context is lost.
	 * SP is the interrupted one again, which is still a usable stack. */
	mov	x1, x4
	bl	sdei_complete_failed
1:	wfe
	b	1b

/*
 * Register probes: void sdei_probe_call(struct sdei_probe *p),
 * void sdei_probe_spin(struct sdei_probe *p). x19-x25 hold the probe's own
 * state (the handler gives them back); x0-x17 hold nothing but the pattern,
 * so sdei_probe_call keeps the conduit in x20.
 */
.macro probe_enter
	stp	x29, x30, [sp, #-96]!
	mov	x29, sp
	stp	x19, x20, [sp, #16]
	stp	x21, x22, [sp, #32]
	stp	x23, x24, [sp, #48]
	stp	x25, x26, [sp, #64]
	mov	x19, x0
	ldr	x1, [x19, #P_ELR_IN]
	msr	elr_el1, x1
	ldr	x1, [x19, #P_SPSR_IN]
	msr	spsr_el1, x1
	mrs	x1, daif
	str	x1, [x19, #P_DAIF_IN]
	mov	x1, sp
	str	x1, [x19, #P_SP_IN]
	ldr	x1, [x19, #P_NZCV_IN]
	msr	nzcv, x1
	ldp	x0, x1, [x19, #P_PAT + 0]
	ldp	x2, x3, [x19, #P_PAT + 16]
	ldp	x4, x5, [x19, #P_PAT + 32]
	ldp	x6, x7, [x19, #P_PAT + 48]
	ldp	x8, x9, [x19, #P_PAT + 64]
	ldp	x10, x11, [x19, #P_PAT + 80]
	ldp	x12, x13, [x19, #P_PAT + 96]
	ldp	x14, x15, [x19, #P_PAT + 112]
	ldp	x16, x17, [x19, #P_PAT + 128]
.endm

.macro probe_leave
	stp	x0, x1, [x19, #P_AFTER + 0]
	stp	x2, x3, [x19, #P_AFTER + 16]
	stp	x4, x5, [x19, #P_AFTER + 32]
	stp	x6, x7, [x19, #P_AFTER + 48]
	stp	x8, x9, [x19, #P_AFTER + 64]
	stp	x10, x11, [x19, #P_AFTER + 80]
	stp	x12, x13, [x19, #P_AFTER + 96]
	stp	x14, x15, [x19, #P_AFTER + 112]
	stp	x16, x17, [x19, #P_AFTER + 128]
	mrs	x0, nzcv
	str	x0, [x19, #P_NZCV_OUT]
	mrs	x0, daif
	str	x0, [x19, #P_DAIF_OUT]
	mov	x0, sp
	str	x0, [x19, #P_SP_OUT]
	mrs	x0, elr_el1
	str	x0, [x19, #P_ELR_OUT]
	mrs	x0, spsr_el1
	str	x0, [x19, #P_SPSR_OUT]
	ldp	x19, x20, [sp, #16]
	ldp	x21, x22, [sp, #32]
	ldp	x23, x24, [sp, #48]
	ldp	x25, x26, [sp, #64]
	ldp	x29, x30, [sp], #96
	ret
.endm

	.balign 8
	.global sdei_probe_call
sdei_probe_call:
	probe_enter
	smccc_conduit_load x20
	smccc_insn sdei_probe_call, x20
	probe_leave

	.balign 8
	.global sdei_probe_spin
	.global sdei_probe_spin_loop
	.global sdei_probe_spin_end
sdei_probe_spin:
	probe_enter
	ldr	x20, [x19, #P_WATCH]
	ldr	x21, [x19, #P_WATCH_OLD]
	ldr	x22, [x19, #P_DEADLINE]
	ldr	x23, [x19, #P_GO_ADDR]
	ldr	x24, [x19, #P_GO_VAL]
	/* Tell whoever raises the event that the pattern is in place. */
	cbz	x23, sdei_probe_spin_loop
	str	x24, [x23]
	dsb	sy
	sev
	/* No flag-setting instruction in here: NZCV must survive unchanged.
	 * WFE (woken by the event stream) lets other vCPUs have the host CPU. */
sdei_probe_spin_loop:
	ldr	x25, [x20]
	sub	x25, x25, x21
	cbnz	x25, sdei_probe_spin_end
	wfe
	mrs	x25, cntvct_el0
	sub	x25, x22, x25
	tbz	x25, #63, sdei_probe_spin_loop
sdei_probe_spin_end:
	probe_leave

/*
 * void sdei_timed_signal(uint64_t mpidr, uint64_t t[3]): EVENT_SIGNAL(0,
 * mpidr) between two CNTVCT reads. x9-x11 survive an event taken as the call
 * returns: the firmware restores x0-x17. The conduit is loaded before the
 * first read, so that only the call itself is timed.
 */
	.balign 8
	.global sdei_timed_signal
sdei_timed_signal:
	smccc_conduit_load x12
	mov	x9, x1
	mov	x2, x0
	mov	x1, #0
	movz	x0, #(SDEI_FID_EVENT_SIGNAL & 0xffff)
	movk	x0, #(SDEI_FID_EVENT_SIGNAL >> 16), lsl #16
	isb
	mrs	x10, cntvct_el0
	smccc_insn sdei_timed_signal, x12
	isb
	mrs	x11, cntvct_el0
	stp	x10, x11, [x9]
	str	x0, [x9, #16]
	ret

/*
 * The vector table for EVENT_COMPLETE_AND_RESUME. Only the IRQ entry for the
 * current EL with SP_ELx is expected: it records what it was entered with
 * and returns to ELR_EL1 with SPSR_EL1, as an IRQ handler that found nothing
 * to do would.
 */
	.balign 2048
	.global sdei_resume_vectors
sdei_resume_vectors:
	.irp	n, 0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15
	.balign	128
	.if	\n == 5
	b	sdei_resume_irq
	.else
	mov	x0, #\n
	b	sdei_resume_unexpected
	.endif
	.endr

sdei_resume_unexpected:
	mrs	x1, esr_el1
	mrs	x2, elr_el1
	mrs	x3, far_el1
	bl	bm_exception
2:	wfe
	b	2b

sdei_resume_irq:
	stp	x0, x1, [sp, #-16]!
	mrs	x1, nzcv			/* before anything sets flags */
	ldr	x0, =sdei_resume_rec
	str	x1, [x0, #R_NZCV]
	stp	x2, x3, [x0, #R_X + 16]
	stp	x4, x5, [x0, #R_X + 32]
	stp	x6, x7, [x0, #R_X + 48]
	stp	x8, x9, [x0, #R_X + 64]
	stp	x10, x11, [x0, #R_X + 80]
	stp	x12, x13, [x0, #R_X + 96]
	stp	x14, x15, [x0, #R_X + 112]
	stp	x16, x17, [x0, #R_X + 128]
	ldp	x2, x3, [sp]
	stp	x2, x3, [x0, #R_X + 0]
	add	x1, sp, #16
	str	x1, [x0, #R_SP]
	mrs	x1, elr_el1
	str	x1, [x0, #R_ELR]
	mrs	x1, spsr_el1
	str	x1, [x0, #R_SPSR]
	mrs	x1, daif
	str	x1, [x0, #R_DAIF]
	mrs	x1, CurrentEL
	str	x1, [x0, #R_EL]
	mrs	x1, SPSel
	str	x1, [x0, #R_SPSEL]
	isb
	mrs	x1, cntvct_el0
	str	x1, [x0, #R_T]
	ldr	x1, [x0, #R_COUNT]
	add	x1, x1, #1
	str	x1, [x0, #R_COUNT]
	ldp	x2, x3, [x0, #R_X + 16]
	ldp	x0, x1, [sp], #16
	eret

	.bss
	.balign 16
	.global sdei_resume_rec
sdei_resume_rec:
	.skip	R_SIZE
