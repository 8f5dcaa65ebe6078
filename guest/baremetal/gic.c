/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Just enough GICv3 to let the virtual timer PPI wake a suspended CPU: the
 * distributor with affinity routing and group 1 on, this CPU's redistributor
 * awake with INTID 27 in group 1 and enabled, and the system-register CPU
 * interface unmasked. Interrupts are never taken (PSTATE.I stays set); a
 * pending one is acknowledged through ICC_IAR1_EL1 instead. SPIs can be
 * enabled one at a time (the UART's, to see whether it reaches the GIC).
 */
#include "lib.h"

#define GICD_CTLR            0x0000
#define GICD_CTLR_ENABLE_G1  (1U << 1)
#define GICD_CTLR_ARE        (1U << 4)
#define GICD_CTLR_RWP        (1U << 31)
#define GICD_IGROUPR(n)      (0x0080 + 4 * (n))
#define GICD_ISENABLER(n)    (0x0100 + 4 * (n))
#define GICD_ICENABLER(n)    (0x0180 + 4 * (n))
#define GICD_ISPENDR(n)      (0x0200 + 4 * (n))
#define GICD_IPRIORITYR(n)   (0x0400 + 4 * (n))
#define GICD_ICFGR(n)        (0x0c00 + 4 * (n))
#define GICD_IROUTER(n)      (0x6000 + 8 * (n))

#define GICR_CTLR            0x0000
#define GICR_WAKER           0x0014
#define GICR_TYPER           0x0008
#define GICR_TYPER_LAST      (1U << 4)
#define GICR_WAKER_PSLEEP    (1U << 1)
#define GICR_WAKER_CASLEEP   (1U << 2)
#define GICR_SGI_BASE        0x10000
#define GICR_IGROUPR0        (GICR_SGI_BASE + 0x0080)
#define GICR_ISENABLER0      (GICR_SGI_BASE + 0x0100)
#define GICR_ISPENDR0        (GICR_SGI_BASE + 0x0200)
#define GICR_IPRIORITYR(n)   (GICR_SGI_BASE + 0x0400 + 4 * (n))

#define GIC_PRIORITY         0x80U
#define GIC_WAIT_MS          100

static volatile uint32_t *reg32(uint64_t base, uint64_t off)
{
	return (volatile uint32_t *)(uintptr_t)(base + off);
}

static volatile uint64_t *reg64(uint64_t base, uint64_t off)
{
	return (volatile uint64_t *)(uintptr_t)(base + off);
}

/* Bounded: a broken GIC must not hang the whole run. */
static void wait_clear(volatile uint32_t *reg, uint32_t bits)
{
	uint64_t end = timer_now() + ms_to_ticks(GIC_WAIT_MS);

	while ((*reg & bits) && timer_now() < end)
		;
}

void gic_dist_init(void)
{
	volatile uint32_t *ctlr = reg32(MEMMAP_GICD_BASE, GICD_CTLR);

	*ctlr = GICD_CTLR_ARE | GICD_CTLR_ENABLE_G1;
	wait_clear(ctlr, GICD_CTLR_RWP);
}

/* The redistributor whose GICR_TYPER affinity is this CPU's MPIDR. */
static uint64_t gic_my_redist(void)
{
	uint64_t mpidr = read_sysreg(mpidr_el1);
	uint64_t aff = (mpidr & 0xffffff) | ((mpidr >> 8) & 0xff000000);
	uint64_t base = MEMMAP_GICR_BASE;
	unsigned int i;

	for (i = 0; i < MEMMAP_MAX_VCPUS; i++, base += MEMMAP_GICR_STRIDE) {
		uint64_t typer = *reg64(base, GICR_TYPER);

		if ((typer >> 32) == aff)
			return base;
		if (typer & GICR_TYPER_LAST)
			break;
	}
	return 0;
}

/* Group 1, priority 0x80, enabled, in redistributor rd. */
static void ppi_enable(uint64_t rd, uint32_t intid)
{
	volatile uint32_t *prio = reg32(rd, GICR_IPRIORITYR(intid / 4));
	unsigned int shift = (intid % 4) * 8;

	*reg32(rd, GICR_IGROUPR0) |= 1U << intid;
	*prio = (*prio & ~(0xffU << shift)) | (GIC_PRIORITY << shift);
	*reg32(rd, GICR_ISENABLER0) = 1U << intid;
	dsb();
}

int gic_ppi_enable(uint32_t intid)
{
	uint64_t rd = gic_my_redist();

	if (!rd || intid < 16 || intid > 31)
		return -1;
	ppi_enable(rd, intid);
	return 0;
}

int gic_cpu_init(void)
{
	uint64_t rd = gic_my_redist();

	if (!rd)
		return -1;
	*reg32(rd, GICR_WAKER) &= ~GICR_WAKER_PSLEEP;
	wait_clear(reg32(rd, GICR_WAKER), GICR_WAKER_CASLEEP);
	ppi_enable(rd, GIC_INTID_VTIMER);

	/* ICC_SRE_EL1.SRE, ICC_PMR_EL1, ICC_IGRPEN1_EL1 */
	write_sysreg(read_sysreg(s3_0_c12_c12_5) | 1, s3_0_c12_c12_5);
	isb();
	write_sysreg(0xff, s3_0_c4_c6_0);
	write_sysreg(1, s3_0_c12_c12_7);
	isb();
	return 0;
}

uint32_t gic_ack(void)
{
	uint32_t intid = (uint32_t)read_sysreg(s3_0_c12_c12_0) & 0xffffff;

	dsb();
	return intid;
}

void gic_eoi(uint32_t intid)
{
	write_sysreg(intid, s3_0_c12_c12_1);
	isb();
}

void gic_drain(void)
{
	unsigned int i;

	for (i = 0; i < 4; i++) {
		uint32_t intid = gic_ack();

		if (intid >= 1020)
			break;
		gic_eoi(intid);
	}
}

bool gic_ppi_pending(uint32_t intid)
{
	uint64_t rd = gic_my_redist();

	return rd && (*reg32(rd, GICR_ISPENDR0) & (1U << intid));
}

/* Level-sensitive (as hvmm's device tree describes its SPIs; KVM resets
 * them to edge), group 1, priority 0x80, routed to affinity 0.0.0.0 (the
 * boot CPU). */
void gic_spi_enable(uint32_t intid)
{
	volatile uint32_t *prio = reg32(MEMMAP_GICD_BASE, GICD_IPRIORITYR(intid / 4));
	unsigned int shift = (intid % 4) * 8;
	uint32_t bit = 1U << (intid % 32);

	*reg32(MEMMAP_GICD_BASE, GICD_ICFGR(intid / 16)) &= ~(2U << ((intid % 16) * 2));
	*reg32(MEMMAP_GICD_BASE, GICD_IGROUPR(intid / 32)) |= bit;
	*prio = (*prio & ~(0xffU << shift)) | (GIC_PRIORITY << shift);
	*reg64(MEMMAP_GICD_BASE, GICD_IROUTER(intid)) = 0;
	*reg32(MEMMAP_GICD_BASE, GICD_ISENABLER(intid / 32)) = bit;
	dsb();
}

void gic_spi_disable(uint32_t intid)
{
	*reg32(MEMMAP_GICD_BASE, GICD_ICENABLER(intid / 32)) = 1U << (intid % 32);
	wait_clear(reg32(MEMMAP_GICD_BASE, GICD_CTLR), GICD_CTLR_RWP);
}

bool gic_spi_pending(uint32_t intid)
{
	return *reg32(MEMMAP_GICD_BASE, GICD_ISPENDR(intid / 32)) & (1U << (intid % 32));
}
