/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * A 32-bit (AArch32, A32) bare-metal guest for hvmm run --aarch32: it
 * asks PSCI_VERSION with HVC and with SMC (SMC32 calls, which KVM hands to
 * hvmm), prints each answer on the UART, and powers off with SYSTEM_OFF.
 * The toolchain is aarch64's, so each A32 instruction is written out as
 * its encoding by the macros below (Arm ARM, A32 instruction set); the
 * code is position-independent, a raw binary loaded at RAM + 0x80000.
 * Conditions: AL 0xe, EQ 0x0, NE 0x1. Registers: r4 UART, r5 expected.
 */
	.text
	.globl _start

	.macro a32_movw cond, rd, imm
	.inst (\cond << 28) | 0x03000000 | (((\imm) >> 12) << 16) | (\rd << 12) | ((\imm) & 0xfff)
	.endm
	.macro a32_movt cond, rd, imm
	.inst (\cond << 28) | 0x03400000 | (((\imm) >> 12) << 16) | (\rd << 12) | ((\imm) & 0xfff)
	.endm
	/* r<rd> = a 32-bit constant */
	.macro a32_li rd, imm
	a32_movw 0xe, \rd, ((\imm) & 0xffff)
	a32_movt 0xe, \rd, (((\imm) >> 16) & 0xffff)
	.endm
	/* mov r1, #c ; strb r1, [r4]: one character to the UART */
	.macro putc cond, c
	.inst (\cond << 28) | 0x03a01000 | (\c)
	.inst (\cond << 28) | 0x05c41000
	.endm
	/* "a32: C1C2C3 PSCI_VERSION 1.1", or "... wrong": one PSCI_VERSION
	 * call made with the instruction CALL, its answer compared with r5 */
	.macro version_line c1, c2, c3, call
	putc 0xe, 'a'
	putc 0xe, '3'
	putc 0xe, '2'
	putc 0xe, ':'
	putc 0xe, ' '
	putc 0xe, \c1
	putc 0xe, \c2
	putc 0xe, \c3
	putc 0xe, ' '
	putc 0xe, 'P'
	putc 0xe, 'S'
	putc 0xe, 'C'
	putc 0xe, 'I'
	putc 0xe, '_'
	putc 0xe, 'V'
	putc 0xe, 'E'
	putc 0xe, 'R'
	putc 0xe, 'S'
	putc 0xe, 'I'
	putc 0xe, 'O'
	putc 0xe, 'N'
	a32_li 0, 0x84000000            /* PSCI_VERSION (SMC32) */
	\call
	cmp_r0_r5
	putc 0x0, ' '
	putc 0x0, '1'
	putc 0x0, '.'
	putc 0x0, '1'
	putc 0x1, ' '
	putc 0x1, 'w'
	putc 0x1, 'r'
	putc 0x1, 'o'
	putc 0x1, 'n'
	putc 0x1, 'g'
	putc 0xe, 10
	.endm

	.macro hvc0
	.inst 0xe1400070
	.endm
	.macro smc0
	.inst 0xe1600070
	.endm
	/* cmp r0, r5 */
	.macro cmp_r0_r5
	.inst 0xe1500005
	.endm

_start:
	a32_li 4, 0x09000000            /* the 16550's transmit register */
	a32_li 5, 0x00010001            /* PSCI 1.1 */
	version_line 'h', 'v', 'c', hvc0
	version_line 's', 'm', 'c', smc0
	putc 0xe, 'a'
	putc 0xe, '3'
	putc 0xe, '2'
	putc 0xe, ':'
	putc 0xe, ' '
	putc 0xe, 'S'
	putc 0xe, 'Y'
	putc 0xe, 'S'
	putc 0xe, 'T'
	putc 0xe, 'E'
	putc 0xe, 'M'
	putc 0xe, '_'
	putc 0xe, 'O'
	putc 0xe, 'F'
	putc 0xe, 'F'
	putc 0xe, 10
	a32_li 0, 0x84000008            /* SYSTEM_OFF */
	hvc0
	.inst 0xeafffffe                /* b . */
