/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * PSCI (Arm DEN0022, v1.1) served to the guest: a state machine over the
 * vCPU interface. Calls run on the calling vCPU's thread; work that must act
 * on another vCPU (CPU_ON) is posted to that vCPU and done by psci_vcpu_prepare
 * on its own thread.
 */
#ifndef HVMM_PSCI_H
#define HVMM_PSCI_H

#include <pthread.h>
#include <stdbool.h>
#include <stdint.h>

#include "fw_vcpu.h"

#define PSCI_VERSION_MAJOR 1
#define PSCI_VERSION_MINOR 1

/* Function numbers (low bits of the function ID). */
enum psci_fn {
	PSCI_FN_VERSION             = 0x00,
	PSCI_FN_CPU_SUSPEND         = 0x01,
	PSCI_FN_CPU_OFF             = 0x02,
	PSCI_FN_CPU_ON              = 0x03,
	PSCI_FN_AFFINITY_INFO       = 0x04,
	PSCI_FN_MIGRATE             = 0x05,
	PSCI_FN_MIGRATE_INFO_TYPE   = 0x06,
	PSCI_FN_MIGRATE_INFO_UP_CPU = 0x07,
	PSCI_FN_SYSTEM_OFF          = 0x08,
	PSCI_FN_SYSTEM_RESET        = 0x09,
	PSCI_FN_FEATURES            = 0x0a,
	PSCI_FN_CPU_FREEZE          = 0x0b,
	PSCI_FN_CPU_DEFAULT_SUSPEND = 0x0c,
	PSCI_FN_NODE_HW_STATE       = 0x0d,
	PSCI_FN_SYSTEM_SUSPEND      = 0x0e,
	PSCI_FN_SET_SUSPEND_MODE    = 0x0f,
	PSCI_FN_STAT_RESIDENCY      = 0x10,
	PSCI_FN_STAT_COUNT          = 0x11,
	PSCI_FN_SYSTEM_RESET2       = 0x12,
	PSCI_FN_MEM_PROTECT         = 0x13,
	PSCI_FN_MEM_PROTECT_CHECK   = 0x14,
};

#define PSCI_FID32(fn) (0x84000000U | (uint32_t)(fn))
#define PSCI_FID64(fn) (0xC4000000U | (uint32_t)(fn))

enum psci_ret {
	PSCI_RET_SUCCESS            = 0,
	PSCI_RET_NOT_SUPPORTED      = -1,
	PSCI_RET_INVALID_PARAMETERS = -2,
	PSCI_RET_DENIED             = -3,
	PSCI_RET_ALREADY_ON         = -4,
	PSCI_RET_ON_PENDING         = -5,
	PSCI_RET_INTERNAL_FAILURE   = -6,
	PSCI_RET_NOT_PRESENT        = -7,
	PSCI_RET_DISABLED           = -8,
	PSCI_RET_INVALID_ADDRESS    = -9,
};

/* AFFINITY_INFO answers. */
enum psci_affinity_state {
	PSCI_AFF_ON         = 0,
	PSCI_AFF_OFF        = 1,
	PSCI_AFF_ON_PENDING = 2,
};

#define PSCI_MIGRATE_INFO_TYPE_NOT_PRESENT 2   /* no Trusted OS to migrate */

/* Power state of one vCPU as the firmware sees it. */
enum psci_cpu_state {
	PSCI_CPU_STATE_OFF,
	PSCI_CPU_STATE_ON_PENDING,   /* CPU_ON accepted, target not yet running */
	PSCI_CPU_STATE_ON,
};

struct psci_cpu {
	enum psci_cpu_state state;
	uint64_t entry;        /* CPU_ON: where the target starts */
	uint64_t context_id;   /* CPU_ON: the target's x0 */
	bool big_endian;       /* CPU_ON: the caller ran big-endian */
	uint64_t mpidr;
};

struct psci {
	pthread_mutex_t lock;   /* guards every psci_cpu */
	const struct fw_host *host;
	unsigned int nr_cpus;
	struct psci_cpu *cpu;
};

enum psci_outcome {
	PSCI_DONE,          /* results written to the caller */
	PSCI_SYSTEM_OFF,
	PSCI_SYSTEM_RESET,
	PSCI_FAILED,        /* a vCPU operation failed */
};

/*
 * boot_cpu starts ON, every other vCPU OFF. MPIDRs are read from the host
 * (host->ops->reg_read is not used here: the caller supplies them, since
 * reading needs each vCPU's own thread).
 */
int psci_init(struct psci *p, const struct fw_host *host, unsigned int nr_cpus,
	      const uint64_t *mpidrs, unsigned int boot_cpu);
void psci_destroy(struct psci *p);

/* Serve PSCI function ID fid called by vcpu. */
enum psci_outcome psci_call(struct psci *p, unsigned int vcpu, uint32_t fid);

/*
 * Run on vcpu's own thread before each entry to the guest: completes a posted
 * CPU_ON (warm reset, entry point, context_id, endianness, RUNNABLE).
 * Returns 1 if the vCPU should run, 0 if it is off and should wait for a kick,
 * a negative errno if a vCPU operation failed.
 */
int psci_vcpu_prepare(struct psci *p, unsigned int vcpu);

enum psci_cpu_state psci_cpu_state(struct psci *p, unsigned int vcpu);

#endif
