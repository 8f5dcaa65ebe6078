/* SPDX-License-Identifier: GPL-2.0-only */
/* Entry of a bare-metal test guest: stack, zeroed BSS, main(dtb), then SYSTEM_OFF. */

	.section .text.start, "ax"
	.global _start
_start:
	mov	x19, x0			/* the DTB address hvmm passes */
	ldr	x1, =__stack_top
	mov	sp, x1
	ldr	x1, =__bss_start
	ldr	x2, =__bss_end
1:	cmp	x1, x2
	b.hs	2f
	str	xzr, [x1], #8
	b	1b
2:	mov	x0, x19
	bl	main
	bl	bm_exit
3:	wfi
	b	3b

	.text
/* uint64_t smccc_hvc(uint64_t fid, uint64_t a1, uint64_t a2, uint64_t a3) */
	.global smccc_hvc
smccc_hvc:
	hvc	#0
	ret
