/* SPDX-License-Identifier: GPL-2.0-only */
/* PSCI 1.1 on the registry: both calling conventions' blocks of 0x20 IDs. */
#include <errno.h>

#include "smccc.h"

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

static unsigned int psci_ranges(const struct fw_config *cfg, struct smccc_range *out)
{
	(void)cfg;
	out[0] = (struct smccc_range){ PSCI_FID32(0), SMCCC_RANGE_SIZE, psci_names,
				       sizeof(psci_names) / sizeof(psci_names[0]) };
	out[1] = out[0];
	out[1].base = PSCI_FID64(0);
	return 2;
}

/* PSCI points at fw->host, which lives as long as fw. */
static int psci_service_init(struct firmware *fw, const struct fw_config *cfg)
{
	if (!cfg->psci)
		return -EINVAL;
	return psci_init(&fw->psci, &fw->host, cfg->psci);
}

static void psci_service_reset(struct firmware *fw)
{
	psci_reset(&fw->psci);
}

static void psci_service_destroy(struct firmware *fw)
{
	psci_destroy(&fw->psci);
}

/* A PE that turned itself off (CPU_OFF, CPU_FREEZE) is told to the other
 * services (SDEI delivers nothing to it until CPU_ON); one whose CPU_OFF
 * failed is still on. */
static enum smccc_action psci_service_call(struct firmware *fw, struct smccc_call *c)
{
	enum smccc_action out = psci_call(&fw->psci, c);
	uint32_t fn = c->fid & (SMCCC_RANGE_SIZE - 1);

	if ((fn == PSCI_FN_CPU_OFF || fn == PSCI_FN_CPU_FREEZE) &&
	    psci_cpu_state(&fw->psci, c->vcpu) == PSCI_CPU_STATE_OFF &&
	    firmware_vcpu_power(fw, c->vcpu, false))
		return SMCCC_FAILED;
	return out;
}

const struct smccc_service psci_service = {
	.name = "PSCI",
	.ranges = psci_ranges,
	.init = psci_service_init,
	.reset = psci_service_reset,
	.destroy = psci_service_destroy,
	.call = psci_service_call,
};
