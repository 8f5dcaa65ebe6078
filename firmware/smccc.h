/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * SMC Calling Convention: function ID layout, the ranges hvmm claims from KVM,
 * and the dispatcher that routes a forwarded call to the firmware serving it.
 */
#ifndef HVMM_SMCCC_H
#define HVMM_SMCCC_H

#include <stdatomic.h>
#include <stdint.h>

#include "psci.h"

#define SMCCC_FAST_CALL     (1U << 31)
#define SMCCC_64BIT         (1U << 30)
#define SMCCC_VERSION_FID   0x80000000U   /* answered by KVM itself */

/* The value every SMCCC implementation returns for an unknown function. */
#define SMCCC_RET_NOT_SUPPORTED (-1LL)

/* Ranges claimed with KVM_ARM_VM_SMCCC_FILTER, one stats slot per function. */
enum smccc_range_id {
	SMCCC_RANGE_PSCI32,
	SMCCC_RANGE_PSCI64,
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
	struct fw_stats stats;
};

/*
 * Copies *host (PSCI keeps a pointer to fw->host); *psci describes the vCPUs
 * (see struct psci_config). 0 or a negative errno (-EINVAL for a bad
 * configuration or a host missing an operation).
 */
int firmware_init(struct firmware *fw, const struct fw_host *host, const struct psci_config *psci);
void firmware_destroy(struct firmware *fw);
/* Back to the cold-boot state for a guest reset; call counts are kept. */
void firmware_reset(struct firmware *fw);

/* Serve the call the guest made on vcpu (function ID fid, from w0). */
enum fw_outcome firmware_call(struct firmware *fw, unsigned int vcpu, uint32_t fid);

/* Name of a function inside a claimed range ("PSCI_CPU_ON"), or NULL. */
const char *smccc_function_name(uint32_t fid);

/* Range a function ID belongs to, or -1. */
int smccc_range_of(uint32_t fid);

#endif
