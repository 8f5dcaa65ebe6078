/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * SMCCC dispatch: every call KVM forwards lands in firmware_call, which
 * counts it and hands it to the service owning its range. Also the
 * orchestration of PSCI and SDEI around a vCPU's entries to the guest:
 * power-on, suspend and delivery (firmware_vcpu_prepare).
 */
#include <errno.h>
#include <stddef.h>

#include "smccc.h"

const struct smccc_range smccc_ranges[SMCCC_RANGE_COUNT] = {
	[SMCCC_RANGE_PSCI32] = {
		.base = PSCI_FID32(0),
		.count = SMCCC_RANGE_SIZE,
		.service = "PSCI",
	},
	[SMCCC_RANGE_PSCI64] = {
		.base = PSCI_FID64(0),
		.count = SMCCC_RANGE_SIZE,
		.service = "PSCI",
	},
	[SMCCC_RANGE_SDEI] = {
		.base = SDEI_FID(SDEI_FN_VERSION),
		.count = SMCCC_RANGE_SIZE,
		.service = "SDEI",
	},
};

/* Indexed by function number; both calling conventions share the names. */
static const char *const psci_names[] = {
	[PSCI_FN_VERSION]             = "PSCI_VERSION",
	[PSCI_FN_CPU_SUSPEND]         = "PSCI_CPU_SUSPEND",
	[PSCI_FN_CPU_OFF]             = "PSCI_CPU_OFF",
	[PSCI_FN_CPU_ON]              = "PSCI_CPU_ON",
	[PSCI_FN_AFFINITY_INFO]       = "PSCI_AFFINITY_INFO",
	[PSCI_FN_MIGRATE]             = "PSCI_MIGRATE",
	[PSCI_FN_MIGRATE_INFO_TYPE]   = "PSCI_MIGRATE_INFO_TYPE",
	[PSCI_FN_MIGRATE_INFO_UP_CPU] = "PSCI_MIGRATE_INFO_UP_CPU",
	[PSCI_FN_SYSTEM_OFF]          = "PSCI_SYSTEM_OFF",
	[PSCI_FN_SYSTEM_RESET]        = "PSCI_SYSTEM_RESET",
	[PSCI_FN_FEATURES]            = "PSCI_FEATURES",
	[PSCI_FN_CPU_FREEZE]          = "PSCI_CPU_FREEZE",
	[PSCI_FN_CPU_DEFAULT_SUSPEND] = "PSCI_CPU_DEFAULT_SUSPEND",
	[PSCI_FN_NODE_HW_STATE]       = "PSCI_NODE_HW_STATE",
	[PSCI_FN_SYSTEM_SUSPEND]      = "PSCI_SYSTEM_SUSPEND",
	[PSCI_FN_SET_SUSPEND_MODE]    = "PSCI_SET_SUSPEND_MODE",
	[PSCI_FN_STAT_RESIDENCY]      = "PSCI_STAT_RESIDENCY",
	[PSCI_FN_STAT_COUNT]          = "PSCI_STAT_COUNT",
	[PSCI_FN_SYSTEM_RESET2]       = "PSCI_SYSTEM_RESET2",
	[PSCI_FN_MEM_PROTECT]         = "PSCI_MEM_PROTECT",
	[PSCI_FN_MEM_PROTECT_CHECK]   = "PSCI_MEM_PROTECT_CHECK_RANGE",
};

/* Indexed by function number - SDEI_FN_VERSION. */
#define SDEI_NAME(fn, name) [SDEI_FN_##fn - SDEI_FN_VERSION] = name
static const char *const sdei_names[] = {
	SDEI_NAME(VERSION, "SDEI_VERSION"),
	SDEI_NAME(EVENT_REGISTER, "SDEI_EVENT_REGISTER"),
	SDEI_NAME(EVENT_ENABLE, "SDEI_EVENT_ENABLE"),
	SDEI_NAME(EVENT_DISABLE, "SDEI_EVENT_DISABLE"),
	SDEI_NAME(EVENT_CONTEXT, "SDEI_EVENT_CONTEXT"),
	SDEI_NAME(EVENT_COMPLETE, "SDEI_EVENT_COMPLETE"),
	SDEI_NAME(EVENT_COMPLETE_AND_RESUME, "SDEI_EVENT_COMPLETE_AND_RESUME"),
	SDEI_NAME(EVENT_UNREGISTER, "SDEI_EVENT_UNREGISTER"),
	SDEI_NAME(EVENT_STATUS, "SDEI_EVENT_STATUS"),
	SDEI_NAME(EVENT_GET_INFO, "SDEI_EVENT_GET_INFO"),
	SDEI_NAME(EVENT_ROUTING_SET, "SDEI_EVENT_ROUTING_SET"),
	SDEI_NAME(PE_MASK, "SDEI_PE_MASK"),
	SDEI_NAME(PE_UNMASK, "SDEI_PE_UNMASK"),
	SDEI_NAME(INTERRUPT_BIND, "SDEI_INTERRUPT_BIND"),
	SDEI_NAME(INTERRUPT_RELEASE, "SDEI_INTERRUPT_RELEASE"),
	SDEI_NAME(EVENT_SIGNAL, "SDEI_EVENT_SIGNAL"),
	SDEI_NAME(FEATURES, "SDEI_FEATURES"),
	SDEI_NAME(PRIVATE_RESET, "SDEI_PRIVATE_RESET"),
	SDEI_NAME(SHARED_RESET, "SDEI_SHARED_RESET"),
};
#undef SDEI_NAME

#define NAMES_OF(table) (sizeof(table) / sizeof((table)[0]))

int smccc_range_of(uint32_t fid)
{
	int i;

	for (i = 0; i < SMCCC_RANGE_COUNT; i++) {
		if (fid - smccc_ranges[i].base < smccc_ranges[i].count)
			return i;
	}
	return -1;
}

const char *smccc_function_name(uint32_t fid)
{
	int range = smccc_range_of(fid);
	uint32_t fn;

	if (range < 0)
		return NULL;
	fn = fid - smccc_ranges[range].base;
	switch (range) {
	case SMCCC_RANGE_PSCI32:
	case SMCCC_RANGE_PSCI64:
		return fn < NAMES_OF(psci_names) ? psci_names[fn] : NULL;
	case SMCCC_RANGE_SDEI:
		return fn < NAMES_OF(sdei_names) ? sdei_names[fn] : NULL;
	default:
		return NULL;
	}
}

bool smccc_range_enabled(const struct firmware *fw, int range)
{
	if (range < 0 || range >= SMCCC_RANGE_COUNT)
		return false;
	return range != SMCCC_RANGE_SDEI || (fw && fw->sdei);
}

/*
 * SDEI knows a PE's power only from what it is told: start it in step with
 * PSCI (whose boot vCPU need not be vCPU 0, SDEI's default).
 */
static void firmware_sync_sdei_power(struct firmware *fw)
{
	unsigned int i;

	if (!fw->sdei)
		return;
	for (i = 0; i < fw->psci.nr_cpus; i++) {
		if (psci_cpu_state(&fw->psci, i) == PSCI_CPU_STATE_ON)
			sdei_vcpu_powered_on(fw->sdei, i);
		else
			sdei_vcpu_powered_off(fw->sdei, i);
	}
}

int firmware_init(struct firmware *fw, const struct fw_host *host,
		  const struct psci_config *psci, const struct sdei_config *sdei)
{
	unsigned int r, i;
	int err;

	if (!fw || !host)
		return -EINVAL;
	if (sdei && psci && sdei->nr_cpus != psci->nr_cpus)
		return -EINVAL;

	fw->host = *host;
	fw->sdei = NULL;
	for (r = 0; r < SMCCC_RANGE_COUNT; r++)
		for (i = 0; i < SMCCC_RANGE_SIZE; i++)
			atomic_init(&fw->stats.calls[r][i], 0);
	atomic_init(&fw->stats.unclaimed, 0);

	/* PSCI points at our copy, which lives as long as fw. */
	err = psci_init(&fw->psci, &fw->host, psci);
	if (err || !sdei)
		return err;
	fw->sdei = sdei_create(&fw->host, sdei, &err);
	if (!fw->sdei) {
		psci_destroy(&fw->psci);
		return err;
	}
	firmware_sync_sdei_power(fw);
	return 0;
}

void firmware_reset(struct firmware *fw)
{
	psci_reset(&fw->psci);
	if (fw->sdei)
		sdei_reset(fw->sdei);
	firmware_sync_sdei_power(fw);
}

void firmware_destroy(struct firmware *fw)
{
	if (!fw)
		return;
	psci_destroy(&fw->psci);
	sdei_free(fw->sdei);
	fw->sdei = NULL;
}

static enum fw_outcome fw_outcome_of_psci(enum psci_outcome out)
{
	switch (out) {
	case PSCI_DONE:
		return FW_CONTINUE;
	case PSCI_SYSTEM_OFF:
		return FW_SYSTEM_OFF;
	case PSCI_SYSTEM_RESET:
		return FW_SYSTEM_RESET;
	case PSCI_SYSTEM_SUSPEND:
		return FW_SYSTEM_SUSPEND;
	case PSCI_FAILED:
	default:
		return FW_FAILED;
	}
}

static enum fw_outcome fw_not_supported(struct firmware *fw, unsigned int vcpu)
{
	if (fw->host.ops->reg_write(fw->host.host, vcpu, FW_REG_X0,
				    (uint64_t)SMCCC_RET_NOT_SUPPORTED))
		return FW_FAILED;
	return FW_CONTINUE;
}

/* A PE that turned itself off (CPU_OFF, CPU_FREEZE) takes no more SDEI
 * events until CPU_ON; one whose CPU_OFF failed is still on. */
static enum fw_outcome firmware_psci_call(struct firmware *fw, unsigned int vcpu,
					  uint32_t fid)
{
	enum fw_outcome out = fw_outcome_of_psci(psci_call(&fw->psci, vcpu, fid));
	uint32_t fn = fid & (SMCCC_RANGE_SIZE - 1);

	if (fw->sdei && (fn == PSCI_FN_CPU_OFF || fn == PSCI_FN_CPU_FREEZE) &&
	    psci_cpu_state(&fw->psci, vcpu) == PSCI_CPU_STATE_OFF)
		sdei_vcpu_powered_off(fw->sdei, vcpu);
	return out;
}

enum fw_outcome firmware_call(struct firmware *fw, unsigned int vcpu, uint32_t fid)
{
	int range = smccc_range_of(fid);

	/*
	 * KVM only forwards the ranges we claimed, so this is not expected;
	 * answer like any SMCCC implementation rather than leave x0 as it was.
	 */
	if (range < 0) {
		atomic_fetch_add_explicit(&fw->stats.unclaimed, 1,
					  memory_order_relaxed);
		return fw_not_supported(fw, vcpu);
	}

	atomic_fetch_add_explicit(&fw->stats.calls[range][fid - smccc_ranges[range].base],
				  1, memory_order_relaxed);

	switch (range) {
	case SMCCC_RANGE_PSCI32:
	case SMCCC_RANGE_PSCI64:
		return firmware_psci_call(fw, vcpu, fid);
	case SMCCC_RANGE_SDEI:
		if (!fw->sdei)
			return fw_not_supported(fw, vcpu);
		return sdei_call(fw->sdei, vcpu, fid) == SDEI_DONE ? FW_CONTINUE
								    : FW_FAILED;
	default:
		return fw_not_supported(fw, vcpu);
	}
}

/* ---- around the vCPU's entries to the guest ---- */

/*
 * psci_vcpu_prepare returns 1 for a vCPU in CPU_SUSPEND (KVM waits in
 * KVM_RUN) but 0 for a system suspend, which only the VMM ends: so only
 * CPU_SUSPEND is cut short for an event, as the SDEI dispatcher would
 * wake a core. The suspend ends before the context is saved, so the
 * handler interrupts the standby call's return (x0 = SUCCESS) or the
 * power-down entry point.
 */
int firmware_vcpu_prepare(struct firmware *fw, unsigned int vcpu, bool exit_unfinished)
{
	bool powered_on;
	int ret;

	ret = psci_vcpu_prepare(&fw->psci, vcpu, &powered_on);
	if (ret <= 0 || !fw->sdei)
		return ret;
	if (powered_on)
		sdei_vcpu_powered_on(fw->sdei, vcpu);

	if (psci_cpu_state(&fw->psci, vcpu) == PSCI_CPU_STATE_SUSPENDED &&
	    sdei_vcpu_has_deliverable(fw->sdei, vcpu)) {
		ret = psci_vcpu_wakeup(&fw->psci, vcpu);
		if (ret)
			return ret;
	}
	if (psci_cpu_state(&fw->psci, vcpu) != PSCI_CPU_STATE_ON || exit_unfinished)
		return 1;
	ret = sdei_vcpu_deliver(fw->sdei, vcpu);
	return ret < 0 ? ret : 1;
}

int firmware_vcpu_wakeup(struct firmware *fw, unsigned int vcpu)
{
	return psci_vcpu_wakeup(&fw->psci, vcpu);
}

bool firmware_interrupt(struct firmware *fw, uint32_t intid, int level)
{
	return fw->sdei && sdei_interrupt(fw->sdei, intid, level);
}
