/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * A guest that does nothing, for as long as the host wants: its vCPU sleeps
 * in WFI (the secondaries stay off) while the host drives hvmm through the
 * control socket, e.g. to probe the sandbox.
 */
#include "lib.h"

int main(uint64_t dtb);

int main(uint64_t dtb)
{
	(void)dtb;
	uart_puts("bm: idling\n");
	for (;;)
		__asm__ volatile("wfi");
}
