/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Making an SMCCC call from assembly with the conduit the device tree names
 * (smccc_conduit, lib.h): included by the .S files of the bare-metal guests.
 *
 *	smccc_conduit_load xN		xN = smccc_conduit (0 HVC, 1 SMC)
 *	smccc_insn SITE, xN		HVC #0 or SMC #0, as xN says
 *
 * The call is whatever x0-x17 hold; xN must be none of them. Neither macro
 * touches NZCV. Right after the HVC stands the global label SITE_hvc_ret,
 * right after the SMC SITE_smc_ret: the PC the call returns to, which is
 * also the interrupted PC an SDEI event taken as the call returns reports
 * (SMCCC_RET_ADDR(SITE) in lib.h picks the one in use). Both paths go on
 * after smccc_insn with the call's results in x0-x17.
 */
#ifndef HVMM_BAREMETAL_SMCCC_ASM_H
#define HVMM_BAREMETAL_SMCCC_ASM_H

.macro smccc_conduit_load reg
	adrp	\reg, smccc_conduit
	ldr	\reg, [\reg, :lo12:smccc_conduit]
.endm

.macro smccc_insn site, reg
	cbnz	\reg, \site\()_smc
	hvc	#0
	.global	\site\()_hvc_ret
\site\()_hvc_ret:
	b	\site\()_smc_ret
\site\()_smc:
	smc	#0
	.global	\site\()_smc_ret
\site\()_smc_ret:
.endm

#endif
