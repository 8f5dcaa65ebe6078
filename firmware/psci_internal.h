/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Shared by the files that make up PSCI (psci.c, psci_suspend.c,
 * psci_stat.c); not part of the interface the VMM sees.
 */
#ifndef HVMM_PSCI_INTERNAL_H
#define HVMM_PSCI_INTERNAL_H

#include <errno.h>
#include <stdint.h>

#include "psci.h"

/* A call being served: who made it, and how wide its arguments are. */
struct psci_req {
	struct psci *p;
	unsigned int vcpu;
	bool is64;
	struct smccc_call *call;
};

/* Where a vCPU is to (re)start: CPU_ON, power-down and system suspend. */
struct psci_entry {
	uint64_t pc;
	uint64_t context_id;   /* its x0 */
	bool big_endian;       /* the caller ran with SCTLR_EL1.EE set */
};

/* A vCPU's power state as the table in psci_state.c knows it: the
 * public state with the kind of suspend folded in. */
enum psci_power {
	PSCI_POWER_OFF,
	PSCI_POWER_ON_PENDING,
	PSCI_POWER_ON,
	PSCI_POWER_STANDBY,            /* CPU_SUSPEND (or DEFAULT) to standby */
	PSCI_POWER_POWERDOWN,          /* CPU_SUSPEND to power-down */
	PSCI_POWER_SYSTEM_SUSPENDED,   /* SYSTEM_SUSPEND */
	PSCI_POWER_DISABLED,           /* hot-add: present, not enabled */
	PSCI_POWER_COUNT
};

/* What changes it (the table's columns, in this order). */
enum psci_action {
	PSCI_DO_CPU_ON,          /* another vCPU's CPU_ON posts a start */
	PSCI_DO_BOOT,            /* the vCPU's thread completes that start */
	PSCI_DO_OFF,             /* CPU_OFF, CPU_FREEZE */
	PSCI_DO_STANDBY,
	PSCI_DO_POWERDOWN,
	PSCI_DO_SYSTEM_SUSPEND,
	PSCI_DO_WAKE,            /* a suspend ends */
	PSCI_DO_ENABLE,          /* hot-add */
	PSCI_DO_DISABLE,
	PSCI_DO_RESET,           /* guest reset: off, unless disabled */
	PSCI_DO_COLD_BOOT,       /* guest reset: the boot vCPU runs */
	PSCI_DO_COUNT
};

/* psci_power_do's answer to an action that cannot happen in that state. */
#define PSCI_TRANSITION_BUG INT64_MIN

/* Under p->lock: apply the table's transition for a to cpu. 0 when done;
 * a refusal leaves the state and returns the table's answer (a PSCI
 * result for CPU_ON, -EALREADY/-EBUSY for hot-add), or PSCI_TRANSITION_BUG
 * for an action that cannot happen in this state. */
int64_t psci_power_do(struct psci_cpu *cpu, enum psci_action a);
enum psci_power psci_power_of(const struct psci_cpu *cpu);

static inline void psci_lock(struct psci *p)
{
	pthread_mutex_lock(&p->lock);
}

static inline void psci_unlock(struct psci *p)
{
	pthread_mutex_unlock(&p->lock);
}

/* vCPU operations report errors as negative errnos; be sure of the sign. */
static inline int psci_errno(int err)
{
	return err < 0 ? err : -EIO;
}

static inline int psci_set_mp_state(struct psci *p, unsigned int vcpu,
				    enum fw_mp_state state)
{
	return p->host->ops->set_mp_state(p->host->host, vcpu, state);
}

/* Any thread may read the clock; it is never read under p->lock. */
static inline uint64_t psci_now(struct psci *p)
{
	return p->host->ops->clock_us(p->host->host);
}

/* ---- psci.c ---- */

/* Argument n (x1..x3); SMC32/HVC32 calls only pass its low 32 bits. */
int psci_arg(const struct psci_req *req, unsigned int n, uint64_t *val);
/* An argument that is 32 bits wide in both calling conventions. */
int psci_arg32(const struct psci_req *req, unsigned int n, uint32_t *val);
/* x0 = ret (sign-extended, written back by the dispatcher); SMCCC_CONTINUE. */
enum smccc_action psci_reply(const struct psci_req *req, int64_t ret);

/*
 * Entry point (argument n), context_id (argument n + 1) and the caller's
 * endianness. 0 or a negative errno; *in_ram false means the entry point lies
 * outside guest RAM, and nothing after it was read.
 */
int psci_read_entry(const struct psci_req *req, unsigned int n,
		    struct psci_entry *e, bool *in_ram);

/* Index of the vCPU an MPIDR argument names exactly, or -1. */
int psci_target_of(struct psci *p, uint64_t mpidr);

/*
 * On vcpu's own thread: warm reset, PC = entry, x0 = context_id, SCTLR_EL1.EE
 * if big-endian, MP state RUNNABLE. 0 or the failing operation's error.
 * keep_timer: resuming from CPU_SUSPEND power-down, where hvmm's always-on
 * timer keeps its comparators (see fw_vcpu_ops.reset).
 */
int psci_warm_boot(struct psci *p, unsigned int vcpu,
		   const struct psci_cpu *boot, bool keep_timer);

/* Same as CPU_OFF (the caller stops; only CPU_ON brings it back). */
enum smccc_action psci_cpu_off(const struct psci_req *req);

/* ---- psci_suspend.c ---- */

enum smccc_action psci_cpu_suspend(const struct psci_req *req);
enum smccc_action psci_cpu_default_suspend(const struct psci_req *req);
enum smccc_action psci_system_suspend(const struct psci_req *req);
enum smccc_action psci_set_suspend_mode(const struct psci_req *req);

/* The state a power_state argument names in the active format, if any. */
bool psci_pstate_decode(const struct psci *p, uint32_t power_state,
			enum psci_suspend_state *s);
/* PSCI_FEATURES(CPU_SUSPEND): PSCI_FEATURE_SUSPEND_* flags. */
uint32_t psci_suspend_features(const struct psci *p);

/* ---- psci_stat.c ---- */

enum smccc_action psci_stat_residency(const struct psci_req *req);
enum smccc_action psci_stat_count(const struct psci_req *req);
/* Under p->lock: account a finished suspend of cpu that ended at now. */
void psci_stat_account(struct psci_cpu *cpu, uint64_t now);

#endif
