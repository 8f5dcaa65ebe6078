/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * An SMCCC service: what one registration line in firmware/registry.c adds.
 * The dispatcher, the ranges claimed from KVM, the call names and counts of
 * --stats and 'hvmm stat', and the device-tree nodes all follow from these
 * descriptors; nothing outside a service's own file knows its functions.
 *
 * Each service answers its own FEATURES function (PSCI_FEATURES,
 * SDEI_FEATURES, TRNG_FEATURES): PSCI_FEATURES is defined for PSCI function
 * IDs only, and KVM keeps SMCCC_ARCH_FEATURES.
 */
#ifndef HVMM_SMCCC_SERVICE_H
#define HVMM_SMCCC_SERVICE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "smccc_call.h"

struct firmware;
struct fw_config;

/* A range of function IDs a service owns, and the names of its functions
 * (names[i] for base + i; NULL or past nr_names: no name). */
struct smccc_range {
	uint32_t base;
	uint32_t count;
	const char *const *names;
	unsigned int nr_names;
};

/* At most this many ranges per service (a user handler per range counts as one). */
#define SMCCC_SERVICE_MAX_RANGES 16

struct smccc_service {
	const char *name;   /* "PSCI", "SDEI", "TRNG", ... */

	/* The ranges the service owns under cfg; 0 when cfg turns it off. */
	unsigned int (*ranges)(const struct fw_config *cfg, struct smccc_range *out);

	/* Per-VM state: made when the VM is, back to cold boot at a guest reset
	 * (every vCPU stopped), freed with the VM. init stores what it makes
	 * with firmware_set_state; 0 or -errno. Any may be NULL. */
	int (*init)(struct firmware *fw, const struct fw_config *cfg);
	void (*reset)(struct firmware *fw);
	void (*destroy)(struct firmware *fw);

	/* PE vcpu was powered off (CPU_OFF, CPU_FREEZE; on its own thread) or
	 * on by CPU_ON (on its own thread, before it first runs); in the
	 * registry's order. 0, or a negative errno for an internal error
	 * (the VM then stops). May be NULL. */
	int (*vcpu_power)(struct firmware *fw, unsigned int vcpu, bool on);

	/* Serve c (its function ID is in one of this service's ranges). The
	 * reply goes in c (smccc_reply...); the dispatcher writes it back. */
	enum smccc_action (*call)(struct firmware *fw, struct smccc_call *c);
};

#endif
