/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The async-pf service over the fake vCPU host (tests/unit/fake_host.h), as
 * test_apf.c and test_apf_ppi.c drive it: guest calls through
 * firmware_call, faults and landings through firmware_apf_fault and
 * firmware_apf_page_ready, SDEI deliveries through firmware_vcpu_prepare,
 * the paths the VMM uses. IDs and codes are written out from the protocol
 * (docs/async-pf.md), not taken from the code under test.
 */
#ifndef HVMM_TESTS_APF_FIXTURE_H
#define HVMM_TESTS_APF_FIXTURE_H

#include <stdbool.h>
#include <stdint.h>

#include "firmware/apf_internal.h"
#include "firmware/smccc.h"
#include "tests/unit/fake_host.h"

#define NR_VCPUS	3
#define RAM_BASE	0x40000000ULL
#define RAM_SIZE	(64ULL << 20)
#define PAGE(n)		(RAM_BASE + 0x100000 + 0x1000ULL * (n))
#define FAULT_PC	0xffff800000401230ULL
#define PSTATE_EL0	0x0ULL			/* EL0t, flags clear */
#define PSTATE_EL1	0x5ULL			/* EL1h */
#define ENTRY(n)	(0xffff800010000000ULL + 0x100 * (n))
#define ARG(n)		(0xa000 + (n))
#define SCHED_PC	0xffff800010800000ULL	/* where handlers resume to */
#define RET(v)		((uint64_t)(int64_t)(v))
#define BIT(r)		(1ULL << (r))

#define VERSION		0xC2000010U
#define ENABLE		0xC2000011U
#define DISABLE		0xC2000012U
#define TAKE		0xC2000013U

#define SDEI_REGISTER	0xC4000021U
#define SDEI_ENABLE	0xC4000022U
#define SDEI_DISABLE	0xC4000023U
#define SDEI_COMPLETE_RESUME 0xC4000026U
#define SDEI_PE_MASK	0xC400002BU
#define SDEI_PE_UNMASK	0xC400002CU
#define PSCI_CPU_OFF	0x84000002U
#define PSCI_CPU_ON64	0xC4000003U

enum { NOT_SUPPORTED = -1, INVALID = -2, DENIED = -3 };
enum { NP = 3000, RDY = 3001, PN = 1000, PC = 1001, SN = 2000, OTHER = 3002 };

/* The PPIs hvmm leaves a guest: 16-31 but the timers' (26, 27, 29, 30),
 * the GIC maintenance interrupt (25) and the PMU's (23). */
#define APF_FIXTURE_FREE_PPIS (0xffff0000U & ~(0x6c000000U | (1U << 25) | (1U << 23)))

struct fake {
	struct fake_host host;
	struct firmware fw;
	uint64_t mpidrs[NR_VCPUS];
};

#define APF_FIXTURE_NR_EVENTS 6
extern const struct sdei_event_config apf_fixture_events[APF_FIXTURE_NR_EVENTS];

/* A VM of NR_VCPUS with the service when apf and SDEI when sdei_on; vCPU 0
 * on at EL0, the others off. */
struct fake *fake_new_cfg(bool apf, bool sdei_on);
/* The same over ops (NULL: the fake's own) and with the PPIs ppis free. */
struct fake *fake_new_host(bool apf, bool sdei_on, const struct fw_vcpu_ops *ops, uint32_t ppis);
int setup(void **state);
int teardown(void **state);
enum smccc_action call(struct fake *f, unsigned int vcpu, uint32_t fid, uint64_t x1,
			      uint64_t x2, uint64_t x3);
int64_t x0(struct fake *f, unsigned int vcpu, uint32_t fid, uint64_t x1, uint64_t x2, uint64_t x3);
int64_t take(struct fake *f, unsigned int vcpu, uint64_t which, uint64_t *out);
uint64_t take_np(struct fake *f, unsigned int vcpu);
int prepare(struct fake *f, unsigned int vcpu);
void expect_handler(struct fake *f, unsigned int vcpu, uint32_t num, uint64_t pc);
void expect_no_handler(struct fake *f, unsigned int vcpu);
void complete_resume(struct fake *f, unsigned int vcpu);
int fault_at(struct fake *f, unsigned int vcpu, uint64_t gpa, uint64_t pstate);
int fault(struct fake *f, unsigned int vcpu, uint64_t gpa);
void land(struct fake *f, uint64_t gpa);
void sdei_arm(struct fake *f, unsigned int vcpu, uint64_t num);
void guest_setup(struct fake *f, unsigned int vcpu, uint64_t flags);
void bring_up(struct fake *f, unsigned int vcpu);
uint64_t async_fault(struct fake *f, unsigned int vcpu, uint64_t gpa);
void expect_ready(struct fake *f, unsigned int vcpu, const uint64_t *want, unsigned int n);
struct apf_vcpu_counts counts(struct fake *f, unsigned int vcpu);

#endif
