/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The firmware behind the SMCCC ranges hvmm claims from KVM: the services of
 * firmware/registry.c, their configuration, the table of claimed ranges
 * (with a call count per function) and the dispatcher.
 */
#ifndef HVMM_SMCCC_H
#define HVMM_SMCCC_H

#include <stdatomic.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "apf.h"
#include "psci.h"
#include "reg_cache.h"
#include "sdei.h"
#include "smccc_call.h"
#include "smccc_service.h"
#include "user_service.h"

/* PSCI and SDEI each own blocks of 0x20 function IDs. */
#define SMCCC_RANGE_SIZE 0x20U


/* A source of entropy for TRNG: fill buf with len random bytes; 0 or -errno. */
struct fw_entropy {
	int (*fill)(void *opaque, void *buf, size_t len);
	void *opaque;
};

/* What hvmm's vendor service (docs/hvmm-service.md) does on the VMM's side,
 * on the calling vCPU's thread. debug_write: put len bytes where the UART's
 * output goes (what cannot be written is dropped, as the UART drops it).
 * exit: stop the VM and make hvmm exit with status (0..255). Either NULL:
 * no vendor service. */
struct fw_hvmm {
	void (*debug_write)(void *opaque, const void *buf, size_t len);
	void (*exit)(void *opaque, unsigned int vcpu, unsigned int status);
	void *opaque;
};

/* What the VMM tells the services; every pointer is only read while
 * firmware_init runs, except the callbacks, which must outlive the VM. */
struct fw_config {
	const struct psci_config *psci;
	const struct sdei_config *sdei;   /* NULL: no SDEI */
	enum smccc_conduit conduit;       /* what the device tree advertises */
	struct fw_entropy trng;           /* fill NULL: no TRNG */
	struct fw_hvmm hvmm;              /* see struct fw_hvmm */
	/* SDEI may have given interrupt lines back to the interrupt controller
	 * (INTERRUPT_RELEASE, SHARED_RESET): the devices driving them must
	 * resend their levels. On the caller's vCPU thread; may be NULL. */
	void (*lines_released)(void *opaque);
	void *opaque;
	/* --smccc-handler: ranges answered by user programs through the
	 * VMM (firmware/user_service.h); nr 0: none. */
	struct fw_user_handlers user;
	/* The VM's memory is lazy (--lazy-mem): the async-pf service
	 * (firmware/apf.h) is served when SDEI is on too. */
	bool apf;
	/* The PPIs a guest may name for "page ready" (bit n: INTID n, 16-31):
	 * those the platform leaves free. 0: ready is an SDEI event only. */
	uint32_t apf_ready_ppis;
};

/* One range claimed from KVM: the service behind it and where its call
 * counts start in the table's counts[]. */
struct smccc_claim {
	struct smccc_range range;
	const struct smccc_service *service;
	unsigned int service_index;
	size_t first_count;
};

/*
 * Every range the registered services own under one configuration. Built
 * once by the VMM: it outlives in-process reboots, so the counts add up
 * over every boot.
 */
struct smccc_claims {
	struct smccc_claim *claim;
	unsigned int nr_claims;
	_Atomic uint64_t *counts;
	size_t nr_counts;
	_Atomic uint64_t unclaimed;   /* IDs outside every range (never expected) */
};

/* The registered services, in the order they are initialised. */
extern const struct smccc_service *const smccc_services[];
extern const unsigned int smccc_nr_services;

/* 0, or -EINVAL with a one-line reason in err (two services' ranges
 * overlap, or one lies in the Arm Architecture service), or -ENOMEM. */
int smccc_claims_build(struct smccc_claims *cl, const struct fw_config *cfg, char *err, size_t errlen);
void smccc_claims_free(struct smccc_claims *cl);
/* The claim fid lies in, or NULL. */
const struct smccc_claim *smccc_claim_of(const struct smccc_claims *cl, uint32_t fid);
/* "PSCI_CPU_ON", or NULL (no name, or not claimed). */
const char *smccc_function_name(const struct smccc_claims *cl, uint32_t fid);
/* Calls of fid counted so far (0 for an unclaimed one). */
uint64_t smccc_calls(const struct smccc_claims *cl, uint32_t fid);
/* The next function called at least once, in claim order: start with
 * *pos = 0; false when there is none left. */
bool smccc_next_called(const struct smccc_claims *cl, size_t *pos, uint32_t *fid, uint64_t *count);

#define FIRMWARE_MAX_SERVICES 8

struct firmware {
	struct fw_host host;            /* the VMM's, through regs */
	struct reg_cache regs;          /* what each vCPU's exit has shown so far */
	struct fw_config cfg;           /* psci and sdei cleared after init */
	struct smccc_claims *claims;
	bool own_claims;                /* built by firmware_init, freed with fw */
	struct psci psci;               /* power: every vCPU's state */
	struct sdei *sdei;              /* NULL: no SDEI */
	void *state[FIRMWARE_MAX_SERVICES];
	bool live[FIRMWARE_MAX_SERVICES];   /* init ran and succeeded */
};

/* Service state, for the service's own hooks. */
void firmware_set_state(struct firmware *fw, const struct smccc_service *svc, void *state);
void *firmware_state(const struct firmware *fw, const struct smccc_service *svc);

/*
 * Copies *host; cfg describes every service (see struct fw_config); claims
 * is the table the VMM built from the same configuration, or NULL to build
 * one for this firmware alone (freed by firmware_destroy). 0 or a negative
 * errno (-EINVAL for a bad configuration or a host missing an operation).
 */
int firmware_init(struct firmware *fw, const struct fw_host *host, const struct fw_config *cfg,
		  struct smccc_claims *claims);
void firmware_destroy(struct firmware *fw);
/* Back to the cold-boot state for a guest reset; call counts are kept.
 * Call with every vCPU stopped. */
void firmware_reset(struct firmware *fw);

/* Serve the call the guest made on vcpu (function ID fid, from w0) through
 * conduit; c is filled in, for the caller's log. A new exit: from here to
 * the end of the next firmware_vcpu_prepare the firmware trusts what it
 * read and wrote of the vCPU's registers (reg_cache.h), so the VMM must
 * not change them itself in between. */
enum smccc_action firmware_call(struct firmware *fw, unsigned int vcpu, uint32_t fid,
				enum smccc_conduit conduit, struct smccc_call *c);

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

/* PE vcpu went off (on: false) or was powered on by CPU_ON (on: true):
 * every service's vcpu_power hook, in the registry's order. On vcpu's
 * own thread. 0, or the first hook's error (an internal error). */
int firmware_vcpu_power(struct firmware *fw, unsigned int vcpu, bool on);

/* On vcpu's own thread: KVM reported a wake-up, or the VMM ends a system
 * suspend (see psci_vcpu_wakeup). 0 or -errno. */
int firmware_vcpu_wakeup(struct firmware *fw, unsigned int vcpu);

/* A line hvmm drives changed level (any thread). True if SDEI took it (a
 * bound line: it must not reach the interrupt controller). */
bool firmware_interrupt(struct firmware *fw, uint32_t intid, int level);

#endif
