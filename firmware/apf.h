/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Asynchronous page faults, protocol version 1 (docs/async-pf.md): the
 * "async-pf" SMCCC service (firmware/apf_service.c) and what the VMM's lazy
 * memory tells it. Claimed only when the VM has lazy memory and SDEI.
 */
#ifndef HVMM_APF_H
#define HVMM_APF_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct firmware;

/* SMC64 fast calls in the SiP range, beside hvmm's own (docs/hvmm-service.md). */
#define APF_FID_VERSION  0xC2000010U
#define APF_FID_ENABLE   0xC2000011U
#define APF_FID_DISABLE  0xC2000012U
#define APF_FID_TAKE     0xC2000013U
#define APF_NR_FIDS      4U

#define APF_VERSION_1_0          0x00010000U
#define APF_VERSION_1_1          0x00010001U   /* 1.0 and ready as an interrupt */
#define APF_SUCCESS              0
#define APF_INVALID_PARAMETERS   (-2)
#define APF_DENIED               (-3)

#define APF_ENABLE_EL1           1ULL   /* ENABLE flag: EL1 faults may be asynchronous */
#define APF_ENABLE_READY_PPI     2ULL   /* ENABLE flag (1.1): x2 is a PPI's INTID, not an event */
#define APF_PPI_FIRST            16U
#define APF_PPI_LAST             31U
#define APF_TAKE_NOT_PRESENT     0U     /* TAKE x1: the token of this delivery */
#define APF_TAKE_READY           1U     /* TAKE x1: ready tokens, oldest first */
#define APF_TAKE_MAX             16U    /* ready tokens per TAKE (x1..x16) */
#define APF_MAX_TOKENS           64U    /* outstanding per vCPU */

/* The SDEI events hvmm adds for the service unless --sdei-event defines
 * those numbers (private, normal priority). */
#define APF_EVENT_NOT_PRESENT    3000U
#define APF_EVENT_READY          3001U

/* What one vCPU's faults and tokens came to: kept by firmware_reset, gone
 * with firmware_destroy (a VMM that makes a new firmware per boot adds them up). */
struct apf_vcpu_counts {
	uint64_t async_faults;    /* faults made asynchronous (not-present raised) */
	uint64_t sync_faults;     /* faults left synchronous */
	uint64_t not_present;     /* tokens the guest took with TAKE(0) */
	uint64_t ready;           /* tokens the guest took with TAKE(1) */
	uint64_t ready_raised;    /* ready events raised */
};

/*
 * On vcpu's own thread, after it touched the not-present guest page gpa
 * (page aligned): 1 if the not-present event was raised (the vCPU runs on;
 * the handler is entered before it re-enters the guest), 0 if the fault is
 * synchronous (the caller waits for the page), -errno on failure. Reads
 * PSTATE through the fw_vcpu ops only when APF is enabled. After a 1 the
 * caller must see to it that firmware_apf_page_ready(gpa) is called once
 * the page is present, also if it landed while this call ran.
 */
int firmware_apf_fault(struct firmware *fw, unsigned int vcpu, uint64_t gpa);

/* Any thread (the fetcher): the page gpa is present now. Calling it again
 * for the same page, or for a page no token waits for, does nothing. */
void firmware_apf_page_ready(struct firmware *fw, uint64_t gpa);

/* Whether the service runs in this firmware (lazy memory and SDEI). */
bool firmware_apf_active(const struct firmware *fw);

/* vcpu's counts for --stats and hvmm stat; -EINVAL: no such vCPU, or no
 * service (*out zeroed). Any thread. */
int firmware_apf_counts(const struct firmware *fw, unsigned int vcpu, struct apf_vcpu_counts *out);
/* sum += c, field by field (a VMM adding up its vCPUs and its boots). */
void apf_counts_add(struct apf_vcpu_counts *sum, const struct apf_vcpu_counts *c);
/* "N asynchronous, N synchronous faults; N not-present and N ready tokens
 * taken, N ready events raised", for --stats and hvmm stat. */
void apf_counts_format(char *buf, size_t len, const struct apf_vcpu_counts *c);

#endif
