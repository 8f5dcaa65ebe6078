/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The smallest useful guest: proves that hvmm loaded it (as ELF or raw), that
 * the UART works, that x0 holds the DTB, and that forwarded PSCI calls and
 * KVM's own SMCCC_VERSION both answer, through the conduit the DTB names.
 */
#include "lib.h"

#define PSCI_VERSION_FID  0x84000000U
#define SMCCC_VERSION_FID 0x80000000U
#define FDT_MAGIC_BE      0xd00dfeedU

int main(uint64_t dtb);

int main(uint64_t dtb)
{
	const volatile uint32_t *magic = (const volatile uint32_t *)(uintptr_t)dtb;
	uint32_t m;

	uart_puts("hvmm-baremetal: hello\n");
	tap_check(dtb >= MEMMAP_RAM_BASE, "x0 points into RAM");
	m = *magic;
	m = (m >> 24) | ((m >> 8) & 0xff00) | ((m << 8) & 0xff0000) | (m << 24);
	tap_check(m == FDT_MAGIC_BE, "x0 points at a device tree");
	bm_check_conduit(dtb);
	tap_check(smccc_call(PSCI_VERSION_FID, 0, 0, 0) == 0x10001, "PSCI_VERSION is 1.1");
	tap_check(smccc_call(SMCCC_VERSION_FID, 0, 0, 0) >= 0x10001, "KVM answers SMCCC_VERSION");
	return tap_done();
}
