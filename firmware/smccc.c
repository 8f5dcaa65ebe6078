/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The firmware's life (the registered services' init, reset and destroy),
 * the dispatcher (every call KVM forwards lands in firmware_call, which
 * counts it and hands it to the service owning its range), and the
 * orchestration of PSCI and SDEI around a vCPU's entries to the guest:
 * power-on, suspend and delivery (firmware_vcpu_prepare).
 */
#include <errno.h>
#include <stddef.h>
#include <stdlib.h>

#include "smccc.h"

void firmware_set_state(struct firmware *fw, const struct smccc_service *svc, void *state)
{
	for (unsigned int i = 0; i < smccc_nr_services; i++)
		if (smccc_services[i] == svc)
			fw->state[i] = state;
}

void *firmware_state(const struct firmware *fw, const struct smccc_service *svc)
{
	for (unsigned int i = 0; i < smccc_nr_services; i++)
		if (smccc_services[i] == svc)
			return fw->state[i];
	return NULL;
}

/* The vCPUs whose registers are cached: every one PSCI or SDEI knows. */
static unsigned int firmware_nr_vcpus(const struct fw_config *cfg)
{
	unsigned int n = cfg->psci ? cfg->psci->nr_cpus : 0;

	if (cfg->sdei && cfg->sdei->nr_cpus > n)
		n = cfg->sdei->nr_cpus;
	return n;
}

int firmware_init(struct firmware *fw, const struct fw_host *host, const struct fw_config *cfg,
		  struct smccc_claims *claims)
{
	int err = 0;

	if (!fw || !host || !cfg)
		return -EINVAL;
	*fw = (struct firmware){ .cfg = *cfg, .claims = claims };
	err = reg_cache_init(&fw->regs, host, firmware_nr_vcpus(cfg), &fw->host);
	if (err)
		return err;
	if (!claims) {
		char why[160];

		fw->claims = calloc(1, sizeof(*fw->claims));
		if (!fw->claims) {
			reg_cache_destroy(&fw->regs);
			return -ENOMEM;
		}
		fw->own_claims = true;
		err = smccc_claims_build(fw->claims, cfg, why, sizeof(why));
		if (err) {
			firmware_destroy(fw);
			return err;
		}
	}
	for (unsigned int i = 0; i < smccc_nr_services && !err; i++) {
		if (smccc_services[i]->init)
			err = smccc_services[i]->init(fw, cfg);
		fw->live[i] = !err;
	}
	/* What the pointers named was only lent for the set-up. */
	fw->cfg.psci = NULL;
	fw->cfg.sdei = NULL;
	if (err)
		firmware_destroy(fw);
	return err;
}

/* In the registry's order: a service may look at one set up before it. */
void firmware_reset(struct firmware *fw)
{
	reg_cache_forget_all(&fw->regs);
	for (unsigned int i = 0; i < smccc_nr_services; i++)
		if (fw->live[i] && smccc_services[i]->reset)
			smccc_services[i]->reset(fw);
}

void firmware_destroy(struct firmware *fw)
{
	if (!fw)
		return;
	for (unsigned int i = smccc_nr_services; i-- > 0;) {
		if (fw->live[i] && smccc_services[i]->destroy)
			smccc_services[i]->destroy(fw);
		fw->live[i] = false;
	}
	if (fw->own_claims) {
		smccc_claims_free(fw->claims);
		free(fw->claims);
		fw->claims = NULL;
		fw->own_claims = false;
	}
	reg_cache_destroy(&fw->regs);
}

/*
 * Count the call, hand it to the service owning its range, write the reply
 * back. KVM only forwards the ranges claimed, so an unclaimed ID is not
 * expected; it is answered like any SMCCC implementation would.
 */
enum smccc_action firmware_call(struct firmware *fw, unsigned int vcpu, uint32_t fid,
				enum smccc_conduit conduit, struct smccc_call *c)
{
	const struct smccc_claim *claim = smccc_claim_of(fw->claims, fid);
	enum smccc_action out;

	/* A new exit: the guest ran since anything was learnt. */
	reg_cache_forget(&fw->regs, vcpu);
	smccc_call_init(c, &fw->host, vcpu, fid, conduit);
	if (!claim || !fw->live[claim->service_index]) {
		atomic_fetch_add_explicit(&fw->claims->unclaimed, 1, memory_order_relaxed);
		smccc_reply_not_supported(c);
		return smccc_call_finish(c) ? SMCCC_FAILED : SMCCC_CONTINUE;
	}
	atomic_fetch_add_explicit(&fw->claims->counts[claim->first_count + (fid - claim->range.base)], 1,
				  memory_order_relaxed);
	out = claim->service->call(fw, c);
	if (out != SMCCC_FAILED && smccc_call_finish(c))
		out = SMCCC_FAILED;
	return out;
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
static int firmware_vcpu_prepare_run(struct firmware *fw, unsigned int vcpu, bool exit_unfinished)
{
	bool powered_on;
	int ret;

	ret = psci_vcpu_prepare(&fw->psci, vcpu, &powered_on);
	if (ret > 0 && powered_on) {
		int err = firmware_vcpu_power(fw, vcpu, true);

		if (err)
			return err;
	}
	if (ret <= 0 || !fw->sdei)
		return ret;

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

/* The guest runs next (or KVM finishes an exit): what was known goes. */
int firmware_vcpu_prepare(struct firmware *fw, unsigned int vcpu, bool exit_unfinished)
{
	int ret = firmware_vcpu_prepare_run(fw, vcpu, exit_unfinished);

	reg_cache_forget(&fw->regs, vcpu);
	return ret;
}

/* Every hook runs; the first error is returned. */
int firmware_vcpu_power(struct firmware *fw, unsigned int vcpu, bool on)
{
	int err = 0;

	for (unsigned int i = 0; i < smccc_nr_services; i++) {
		if (fw->live[i] && smccc_services[i]->vcpu_power) {
			int e = smccc_services[i]->vcpu_power(fw, vcpu, on);

			err = err ? err : e;
		}
	}
	return err;
}

int firmware_vcpu_wakeup(struct firmware *fw, unsigned int vcpu)
{
	reg_cache_forget(&fw->regs, vcpu);
	return psci_vcpu_wakeup(&fw->psci, vcpu);
}

bool firmware_interrupt(struct firmware *fw, uint32_t intid, int level)
{
	return fw->sdei && sdei_interrupt(fw->sdei, intid, level);
}
