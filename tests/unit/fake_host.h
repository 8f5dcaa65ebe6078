/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * A fake vCPU host kept in plain memory, for driving the firmware (PSCI,
 * SDEI, the SMCCC dispatcher) without KVM: the unit tests and the firmware
 * fuzzer give firmware_init its fw_host.
 *
 * It enforces the fw_vcpu threading contract: a caller "enters" a vCPU
 * before running the firmware as that vCPU, and a register, MP state or
 * reset operation on a vCPU not entered by the calling thread is a
 * violation. With check_locks set (single-threaded use) every operation,
 * kick and clock read made while the PSCI or SDEI lock is held is one too.
 * Violations are counted; a hook may also report them.
 */
#ifndef HVMM_TESTS_FAKE_HOST_H
#define HVMM_TESTS_FAKE_HOST_H

#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>

#include "firmware/smccc.h"

#define FAKE_HOST_MAX_VCPUS	20
#define FAKE_HOST_SCTLR_RESET	0x30d00800ULL	/* SCTLR_EL1 after a vCPU reset */
#define FAKE_HOST_MPIDR_RES1	(1ULL << 31)	/* as MPIDR_EL1 reads */

struct fake_vcpu {
	uint64_t reg[FW_REG_COUNT];
	uint64_t written;		/* registers ever written by the firmware */
	uint64_t written_now;		/* ... since the caller last cleared it */
	unsigned int reads[FW_REG_COUNT];
	unsigned int writes[FW_REG_COUNT];
	enum fw_mp_state mp_state;
	unsigned int resets;
	bool last_reset_kept_timer;
	atomic_uint kicks;
	atomic_uint ppi_high;		/* bit n: PPI n driven high (ppi_level) */
	atomic_uint ppi_raises;		/* ... each time one went from low to high */
	uint64_t mpidr;			/* RES1 bit included */
	/* Failure injection: a positive errno makes the operation fail. */
	int fail_read, fail_write, fail_reset, fail_mp_state;
	/* Set while a thread runs the firmware as this vCPU. */
	bool entered;
	pthread_t thread;
	/* PSCI states seen while a warm boot's reset/PC/MP-state ops ran
	 * (bitmask; only with check_locks, as it reads the PSCI state). */
	unsigned int boot_states_seen;
	/* x0, and whether it was written since cleared, when the MP state
	 * became SUSPENDED. */
	uint64_t x0_at_suspend;
	bool x0_written_at_suspend;
};

/* What a user of the fake changes about it; every member may be NULL. */
struct fake_host_hooks {
	/* A broken rule: the operation (reg_read, kick, ...), the rule
	 * ("under the PSCI lock", ...) and the vCPU it named. */
	void (*violation)(void *ctx, const char *op, const char *rule, unsigned int vcpu);
	/* Called before every register, MP-state or reset operation that
	 * passed the checks: nonzero is returned instead of doing it. */
	int (*inject_failure)(void *ctx);
	void *ctx;
};

struct fake_host {
	struct fake_vcpu v[FAKE_HOST_MAX_VCPUS];
	unsigned int nr_vcpus;
	atomic_uint violations;
	bool check_locks;
	uint64_t now_us;		/* the clock, set by the caller */
	struct firmware *fw;		/* whose locks check_locks looks at */
	struct fake_host_hooks hooks;
	struct fw_host fw_host;		/* what firmware_init is given */
};

extern const struct fw_vcpu_ops fake_host_ops;

/*
 * nr_vcpus vCPUs over the firmware fw (initialised later, by the caller);
 * the vCPUs' registers, MPIDRs and MP states are the caller's to set.
 * check_locks starts set.
 */
void fake_host_init(struct fake_host *h, struct firmware *fw, unsigned int nr_vcpus,
		    uint64_t ram_base, uint64_t ram_size);

/* The calling thread now runs the firmware as vcpu, or no longer does. */
void fake_host_enter(struct fake_host *h, unsigned int vcpu);
void fake_host_leave(struct fake_host *h, unsigned int vcpu);

/* The guest on vcpu calls fid with x1.. = args[0..nargs - 1] (written_now
 * cleared first), through firmware_call as that vCPU's thread. */
enum smccc_action fake_host_call(struct fake_host *h, unsigned int vcpu, uint32_t fid,
			       const uint64_t *args, unsigned int nargs);

/* firmware_init with PSCI and, unless sdei is NULL, SDEI: the services the
 * firmware tests drive, with a table of claimed ranges of their own. */
static inline int firmware_init_psci_sdei(struct firmware *fw, const struct fw_host *host,
					  const struct psci_config *psci, const struct sdei_config *sdei)
{
	struct fw_config cfg = { .psci = psci, .sdei = sdei };

	return firmware_init(fw, host, host ? &cfg : NULL, NULL);
}

/* firmware_call for a call made with HVC. */
static inline enum smccc_action fw_call_hvc(struct firmware *fw, unsigned int vcpu, uint32_t fid)
{
	struct smccc_call c;

	return firmware_call(fw, vcpu, fid, SMCCC_CONDUIT_HVC, &c);
}

#endif
