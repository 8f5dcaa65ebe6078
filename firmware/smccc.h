/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * SMC Calling Convention: function ID layout, the ranges hvmm claims from KVM,
 * and the dispatcher that routes a forwarded call to the firmware serving it.
 */
#ifndef HVMM_SMCCC_H
#define HVMM_SMCCC_H

#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>

#include "psci.h"
#include "sdei.h"

#define SMCCC_FAST_CALL     (1U << 31)
#define SMCCC_64BIT         (1U << 30)
#define SMCCC_VERSION_FID   0x80000000U   /* answered by KVM itself */

/* The value every SMCCC implementation returns for an unknown function. */
#define SMCCC_RET_NOT_SUPPORTED (-1LL)

/* Ranges claimed with KVM_ARM_VM_SMCCC_FILTER, one stats slot per function. */
enum smccc_range_id {
	SMCCC_RANGE_PSCI32,
	SMCCC_RANGE_PSCI64,
	SMCCC_RANGE_SDEI,      /* SMC64 0xC4000020-3F; only with SDEI on */
	SMCCC_RANGE_COUNT
};

struct smccc_range {
	uint32_t base;
	uint32_t count;
	const char *service;
};

#define SMCCC_RANGE_SIZE 0x20U

extern const struct smccc_range smccc_ranges[SMCCC_RANGE_COUNT];

/* What the vCPU thread must do once a call has been served. */
enum fw_outcome {
	FW_CONTINUE,      /* results are in the caller's registers; run on */
	FW_SYSTEM_OFF,    /* the guest asked to power the machine off */
	FW_SYSTEM_RESET,  /* the guest asked for a reset */
	FW_SYSTEM_SUSPEND, /* the caller suspended the system; the VMM wakes it */
	FW_FAILED,        /* a vCPU operation failed; see the log */
};

struct fw_stats {
	_Atomic uint64_t calls[SMCCC_RANGE_COUNT][SMCCC_RANGE_SIZE];
	_Atomic uint64_t unclaimed;   /* IDs outside every range (never expected) */
};

struct firmware {
	struct fw_host host;
	struct psci psci;
	struct sdei *sdei;     /* NULL: no SDEI */
	struct fw_stats stats;
};

/*
 * Copies *host (PSCI keeps a pointer to fw->host); *psci describes the vCPUs
 * (see struct psci_config); *sdei the SDEI events (NULL: no SDEI; its
 * nr_cpus must be psci's). 0 or a negative errno (-EINVAL for a bad
 * configuration or a host missing an operation).
 */
int firmware_init(struct firmware *fw, const struct fw_host *host,
		  const struct psci_config *psci, const struct sdei_config *sdei);
void firmware_destroy(struct firmware *fw);
/* Back to the cold-boot state for a guest reset (PSCI and SDEI); call
 * counts are kept. Call with every vCPU stopped. */
void firmware_reset(struct firmware *fw);

/* Serve the call the guest made on vcpu (function ID fid, from w0). */
enum fw_outcome firmware_call(struct firmware *fw, unsigned int vcpu, uint32_t fid);

/*
 * On vcpu's own thread before every entry to the guest (after an exit of
 * any kind too): completes a posted CPU_ON (the PE then starts SDEI
 * afresh: masked, no private registrations); if an SDEI event waits for a
 * vCPU in CPU_SUSPEND, ends the suspend first (standby returns SUCCESS,
 * power-down resumes at its entry point); then, if the vCPU is on, enters
 * the handler of a deliverable SDEI event. 1: enter KVM_RUN; 0: nothing
 * to run (off, disabled, system suspended), wait for a kick; -errno.
 * Delivery writes PC and registers directly, so an exit KVM only finishes
 * at the next KVM_RUN (MMIO: the load's register, PC + 4) must be finished
 * first: with exit_unfinished set nothing is delivered now (the VMM's next
 * KVM_RUN finishes the exit, and a kick makes that one return at once).
 */
int firmware_vcpu_prepare(struct firmware *fw, unsigned int vcpu, bool exit_unfinished);

/* On vcpu's own thread: KVM reported a wake-up, or the VMM ends a system
 * suspend (see psci_vcpu_wakeup). 0 or -errno. */
int firmware_vcpu_wakeup(struct firmware *fw, unsigned int vcpu);

/* A line hvmm drives changed level (any thread). True if SDEI took it (a
 * bound line: it must not reach the interrupt controller). */
bool firmware_interrupt(struct firmware *fw, uint32_t intid, int level);

/* Whether the VMM should claim range (SDEI only when it is on). */
bool smccc_range_enabled(const struct firmware *fw, int range);

/* Name of a function inside a claimed range ("PSCI_CPU_ON"), or NULL. */
const char *smccc_function_name(uint32_t fid);

/* Range a function ID belongs to, or -1. */
int smccc_range_of(uint32_t fid);

#endif
