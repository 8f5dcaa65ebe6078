/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * SMCCC dispatch: every call KVM forwards lands in firmware_call, which
 * counts it and hands it to the service owning its range.
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

	switch (range) {
	case SMCCC_RANGE_PSCI32:
	case SMCCC_RANGE_PSCI64:
		fn = fid - smccc_ranges[range].base;
		if (fn < sizeof(psci_names) / sizeof(psci_names[0]))
			return psci_names[fn];
		return NULL;
	default:
		return NULL;
	}
}

int firmware_init(struct firmware *fw, const struct fw_host *host,
		  const struct psci_config *psci)
{
	unsigned int r, i;

	if (!fw || !host)
		return -EINVAL;

	fw->host = *host;
	for (r = 0; r < SMCCC_RANGE_COUNT; r++)
		for (i = 0; i < SMCCC_RANGE_SIZE; i++)
			atomic_init(&fw->stats.calls[r][i], 0);
	atomic_init(&fw->stats.unclaimed, 0);

	/* PSCI points at our copy, which lives as long as fw. */
	return psci_init(&fw->psci, &fw->host, psci);
}

void firmware_reset(struct firmware *fw)
{
	psci_reset(&fw->psci);
}

void firmware_destroy(struct firmware *fw)
{
	if (!fw)
		return;
	psci_destroy(&fw->psci);
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
		return fw_outcome_of_psci(psci_call(&fw->psci, vcpu, fid));
	default:
		return fw_not_supported(fw, vcpu);
	}
}
