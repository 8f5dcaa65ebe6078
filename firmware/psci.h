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
#include "smccc_call.h"

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

/* NODE_HW_STATE answers. */
enum psci_hw_state {
	PSCI_HW_ON      = 0,
	PSCI_HW_OFF     = 1,
	PSCI_HW_STANDBY = 2,
};

/* PSCI_FEATURES(CPU_SUSPEND) flags. */
#define PSCI_FEATURE_SUSPEND_OSI       (1U << 0)   /* OS-initiated mode supported */
#define PSCI_FEATURE_SUSPEND_EXTENDED  (1U << 1)   /* extended power_state format */

#define PSCI_RESET2_VENDOR   (1U << 31)
#define PSCI_RESET2_WARM     0U

/*
 * The power states hvmm offers to CPU_SUSPEND (and lists as idle states in
 * the device tree), in the format chosen at start-up.
 *   original format: StateID 15:0, type bit 16 (1 = power-down), level 25:24
 *   extended format: StateID 27:0, type bit 30
 */
enum psci_pstate_format {
	PSCI_PSTATE_FORMAT_EXTENDED,   /* the default */
	PSCI_PSTATE_FORMAT_ORIGINAL,
};

enum psci_suspend_state {
	PSCI_SUSPEND_STANDBY,      /* core retention: returns after a wake-up event */
	PSCI_SUSPEND_POWERDOWN,    /* core power-down: resumes at the entry point */
	PSCI_SUSPEND_STATE_COUNT
};

#define PSCI_PSTATE_ORIGINAL_STANDBY    0x00000001U   /* StateID 1, standby, level 0 */
#define PSCI_PSTATE_ORIGINAL_POWERDOWN  0x00010002U   /* StateID 2, power-down, level 0 */
#define PSCI_PSTATE_EXTENDED_STANDBY    0x00000001U   /* StateID 1, standby */
#define PSCI_PSTATE_EXTENDED_POWERDOWN  0x40000002U   /* StateID 2, power-down */

enum psci_suspend_mode {
	PSCI_MODE_PLATFORM_COORDINATED = 0,
	PSCI_MODE_OS_INITIATED         = 1,
};

/* Power state of one vCPU as the firmware sees it. */
enum psci_cpu_state {
	PSCI_CPU_STATE_OFF,
	PSCI_CPU_STATE_ON_PENDING,   /* CPU_ON accepted, target not yet running */
	PSCI_CPU_STATE_ON,
	PSCI_CPU_STATE_SUSPENDED,    /* in CPU_SUSPEND, CPU_DEFAULT_SUSPEND or SYSTEM_SUSPEND */
	PSCI_CPU_STATE_DISABLED,     /* present but not enabled: CPU_ON answers DENIED */
};

enum psci_suspend_kind {
	PSCI_SUSPENDED_STANDBY,      /* x0 already holds SUCCESS; wake = return */
	PSCI_SUSPENDED_POWERDOWN,    /* wake = warm reset at entry with context_id */
	PSCI_SUSPENDED_SYSTEM,       /* SYSTEM_SUSPEND: like power-down, woken by the VMM */
};

struct psci_cpu_stats {
	uint64_t count[PSCI_SUSPEND_STATE_COUNT];
	uint64_t residency_us[PSCI_SUSPEND_STATE_COUNT];
};

struct psci_cpu {
	enum psci_cpu_state state;
	enum psci_suspend_kind suspend_kind;   /* valid while SUSPENDED */
	uint64_t suspend_start_us;
	uint64_t entry;        /* CPU_ON / power-down suspend: where it resumes */
	uint64_t context_id;   /* ... and its x0 */
	bool big_endian;       /* ... and the caller of that call ran big-endian */
	uint64_t mpidr;
	struct psci_cpu_stats stats;
};

struct psci {
	pthread_mutex_t lock;   /* guards everything below */
	const struct fw_host *host;
	unsigned int nr_cpus;
	unsigned int boot_cpu;
	struct psci_cpu *cpu;
	enum psci_pstate_format pstate_format;
	enum psci_suspend_mode suspend_mode;
	bool cpu_on_pending;    /* see struct psci_config */
};

struct psci_config {
	unsigned int nr_cpus;
	const uint64_t *mpidrs;        /* nr_cpus MPIDRs (affinity bits are kept) */
	unsigned int boot_cpu;         /* starts ON */
	unsigned int nr_enabled;       /* vCPUs nr_enabled.. start DISABLED (hot-add) */
	enum psci_pstate_format pstate_format;
	/* A CPU_ON of a vCPU whose power-on is accepted but not begun answers
	 * ON_PENDING (PSCI allows it); false: ALREADY_ON, as KVM answers
	 * (docs/psci.md, "Racing CPU_ON"). */
	bool cpu_on_pending;
};

/* -EINVAL unless nr_cpus >= 1, boot_cpu < nr_enabled <= nr_cpus, mpidrs is
 * set, the format is known and host has every operation (clock_us too). */
int psci_init(struct psci *p, const struct fw_host *host, const struct psci_config *cfg);
void psci_destroy(struct psci *p);

/* Back to the cold-boot state (for a guest reset): boot CPU ON (enabled
 * again if it was disabled), the others OFF, DISABLED ones stay DISABLED,
 * statistics and suspend mode cleared. Call with every vCPU stopped. */
void psci_reset(struct psci *p);

/* Serve the PSCI call c (its reply is left in c). */
enum smccc_action psci_call(struct psci *p, struct smccc_call *c);

/*
 * Run on vcpu's own thread before each entry to the guest. Completes a posted
 * CPU_ON (warm reset, entry point, context_id, endianness, RUNNABLE).
 * Returns 1 if the vCPU should enter KVM_RUN (on, or in a CPU_SUSPEND state
 * KVM waits in), 0 if it has nothing to run (off, disabled, or system
 * suspended) and should wait for a kick, a negative errno on failure.
 * *powered_on (if not NULL) says whether this call completed a CPU_ON, so
 * that other firmware (SDEI) can start the PE afresh.
 */
int psci_vcpu_prepare(struct psci *p, unsigned int vcpu, bool *powered_on);

/*
 * On vcpu's own thread, when KVM reports a wake-up (KVM_SYSTEM_EVENT_WAKEUP)
 * or the VMM ends a SYSTEM_SUSPEND: leave the suspend state. Standby: MP
 * state RUNNABLE (x0 was set to SUCCESS on entry). Power-down and system
 * suspend: warm reset, PC = entry, x0 = context_id, RUNNABLE. Updates the
 * statistics. Returns 0, or a negative errno (the vCPU then stays suspended
 * and a later call retries). A vCPU that is ON (a wake-up that was not a
 * PSCI one) is only made RUNNABLE; one that is off, starting or disabled is
 * left alone.
 */
int psci_vcpu_wakeup(struct psci *p, unsigned int vcpu);

/* Hot-add: enable (DISABLED -> OFF) or disable (OFF -> DISABLED) a vCPU.
 * 0, -EINVAL (no such vCPU), -EALREADY (already so; enabling any vCPU that
 * is not DISABLED), -EBUSY (disabling one that is not off). Any thread. */
int psci_cpu_set_enabled(struct psci *p, unsigned int vcpu, bool enabled);

enum psci_cpu_state psci_cpu_state(struct psci *p, unsigned int vcpu);
const char *psci_cpu_state_name(enum psci_cpu_state state);   /* "on", "off", ... */
/* A copy of vcpu's statistics; -EINVAL for no such vCPU. */
int psci_cpu_stats(struct psci *p, unsigned int vcpu, struct psci_cpu_stats *out);

/* The power_state value a guest passes for state s in the active format
 * (for the device tree's arm,psci-suspend-param). */
uint32_t psci_suspend_param(const struct psci *p, enum psci_suspend_state s);

#endif
