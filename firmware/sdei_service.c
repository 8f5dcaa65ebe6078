/* SPDX-License-Identifier: GPL-2.0-only */
/* SDEI 1.1 on the registry: SMC64 0xC4000020-0xC400003F, only with SDEI on. */
#include <errno.h>

#include "smccc.h"

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

/* Unclaimed without SDEI: KVM then answers the guest NOT_SUPPORTED. */
static unsigned int sdei_ranges(const struct fw_config *cfg, struct smccc_range *out)
{
	if (!cfg->sdei)
		return 0;
	out[0] = (struct smccc_range){ SDEI_FID(SDEI_FN_VERSION), SMCCC_RANGE_SIZE, sdei_names,
				       sizeof(sdei_names) / sizeof(sdei_names[0]) };
	return 1;
}

/*
 * SDEI knows a PE's power only from what it is told: start it in step with
 * PSCI (whose boot vCPU need not be vCPU 0, SDEI's default).
 */
static void sdei_sync_power(struct firmware *fw)
{
	for (unsigned int i = 0; i < fw->psci.nr_cpus; i++) {
		if (psci_cpu_state(&fw->psci, i) == PSCI_CPU_STATE_ON)
			sdei_vcpu_powered_on(fw->sdei, i);
		else
			sdei_vcpu_powered_off(fw->sdei, i);
	}
}

/* After PSCI (the registry's order): SDEI follows its power states. */
static int sdei_service_init(struct firmware *fw, const struct fw_config *cfg)
{
	int err = 0;

	if (!cfg->sdei)
		return 0;
	if (!cfg->psci || cfg->sdei->nr_cpus != cfg->psci->nr_cpus)
		return -EINVAL;
	fw->sdei = sdei_create(&fw->host, cfg->sdei, &err);
	if (!fw->sdei)
		return err ? err : -ENOMEM;
	sdei_sync_power(fw);
	return 0;
}

static void sdei_service_reset(struct firmware *fw)
{
	if (!fw->sdei)
		return;
	sdei_reset(fw->sdei);
	sdei_sync_power(fw);
}

static void sdei_service_destroy(struct firmware *fw)
{
	sdei_free(fw->sdei);
	fw->sdei = NULL;
}

static int sdei_service_power(struct firmware *fw, unsigned int vcpu, bool on)
{
	if (!fw->sdei)
		return 0;
	return on ? sdei_vcpu_powered_on(fw->sdei, vcpu) : sdei_vcpu_powered_off(fw->sdei, vcpu);
}

/* A released binding (or every binding, at SHARED_RESET) hands its line
 * back to the interrupt controller, whose level must then be resent. */
static enum smccc_action sdei_service_call(struct firmware *fw, struct smccc_call *c)
{
	enum smccc_action out;

	if (!fw->sdei) {
		smccc_reply_not_supported(c);
		return SMCCC_CONTINUE;
	}
	out = sdei_call(fw->sdei, c);
	if (out == SMCCC_CONTINUE && fw->cfg.lines_released &&
	    (c->fid == SDEI_FID(SDEI_FN_INTERRUPT_RELEASE) || c->fid == SDEI_FID(SDEI_FN_SHARED_RESET)))
		fw->cfg.lines_released(fw->cfg.opaque);
	return out;
}

const struct smccc_service sdei_service = {
	.name = "SDEI",
	.ranges = sdei_ranges,
	.init = sdei_service_init,
	.reset = sdei_service_reset,
	.destroy = sdei_service_destroy,
	.vcpu_power = sdei_service_power,
	.call = sdei_service_call,
};
