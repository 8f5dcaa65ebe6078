/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The small vCPU interface the guest-visible firmware (PSCI, SDEI) is written
 * against. The VMM implements it over KVM; unit tests implement it over plain
 * memory. Keeping firmware behind this interface is what lets it build and be
 * tested natively.
 *
 * Threading contract: reg_read, reg_write, set_mp_state and reset act on a vCPU
 * and may only be called from that vCPU's own thread (KVM holds a per-vCPU
 * mutex while the vCPU is in KVM_RUN, so ioctls from elsewhere would block).
 * kick, vcpu_by_mpidr, clock_us and ppi_level may be called from any thread.
 */
#ifndef HVMM_FW_VCPU_H
#define HVMM_FW_VCPU_H

#include <stdbool.h>
#include <stdint.h>

/* Register numbers for reg_read/reg_write: 0-30 are x0-x30. */
enum fw_reg {
	FW_REG_X0 = 0,
	FW_REG_X30 = 30,
	FW_REG_SP_EL1 = 31,
	FW_REG_PC,
	FW_REG_PSTATE,
	FW_REG_SCTLR_EL1,
	FW_REG_ELR_EL1,
	FW_REG_SPSR_EL1,
	FW_REG_MPIDR_EL1,
	FW_REG_COUNT
};

enum fw_mp_state {
	FW_MP_RUNNABLE,
	FW_MP_STOPPED,
	FW_MP_SUSPENDED,
};

struct fw_vcpu_ops {
	/* 0 on success, a negative errno on failure. */
	int (*reg_read)(void *host, unsigned int vcpu, enum fw_reg reg, uint64_t *val);
	int (*reg_write)(void *host, unsigned int vcpu, enum fw_reg reg, uint64_t val);
	int (*set_mp_state)(void *host, unsigned int vcpu, enum fw_mp_state state);
	/* Warm reset: registers and system registers back to their reset values.
	 * keep_timer: the core's generic timer comparators survive it (a power-down
	 * idle state on a platform whose timer is always on: no broadcast needed). */
	int (*reset)(void *host, unsigned int vcpu, bool keep_timer);
	/* Make the vCPU's thread look at the firmware state again, soon. */
	void (*kick)(void *host, unsigned int vcpu);
	/* Index of the vCPU whose MPIDR affinity equals mpidr, or -1. */
	int (*vcpu_by_mpidr)(void *host, uint64_t mpidr);
	/* A monotonic clock in microseconds (for PSCI_STAT_RESIDENCY). */
	uint64_t (*clock_us)(void *host);
	/* Drive the vCPU's private interrupt intid (a PPI, 16-31) to level
	 * (0 or 1) at the interrupt controller, which wakes and interrupts
	 * the vCPU itself: no kick, no exit to the VMM. 0 or -errno; NULL
	 * where the host has no interrupt controller of its own. */
	int (*ppi_level)(void *host, unsigned int vcpu, uint32_t intid, int level);
};

struct fw_host {
	const struct fw_vcpu_ops *ops;
	void *host;
	uint64_t ram_base;
	uint64_t ram_size;
};

/* PSTATE and SCTLR bits the firmware needs. */
#define FW_PSTATE_nRW      (1ULL << 4)   /* set: AArch32 */
#define FW_PSTATE_EL1H_DAIF 0x3c5ULL     /* EL1h, D, A, I, F masked */
#define FW_SCTLR_EE        (1ULL << 25)  /* EL1 data accesses big-endian */

/* MPIDR affinity fields: Aff0-Aff2 in bits 23:0, Aff3 in bits 39:32. */
#define FW_MPIDR_AFF_MASK  0xff00ffffffULL

static inline bool fw_addr_in_ram(const struct fw_host *h, uint64_t addr)
{
	return addr >= h->ram_base && addr - h->ram_base < h->ram_size;
}

#endif
