/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Unit tests for SDEI and its orchestration with PSCI, over the fake vCPU
 * host of fake_host.h. Calls go through firmware_call, vCPU entries through
 * firmware_vcpu_prepare: the paths the VMM uses. Any violation of the
 * threading or locking rules the fake counts fails the test.
 */
#include <errno.h>
#include <pthread.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "firmware/psci.h"
#include "firmware/sdei.h"
#include "firmware/sdei_internal.h"
#include "firmware/smccc.h"
#include "tests/unit/fake_host.h"

#define NR_VCPUS	8		/* 4 per cluster */
_Static_assert(NR_VCPUS <= FAKE_HOST_MAX_VCPUS, "the fake host has too few vCPUs");
#define RAM_BASE	0x40000000ULL
#define RAM_SIZE	(256ULL << 20)
#define POISON		0x5a5a5a5a00000000ULL
#define SCTLR_RESET	FAKE_HOST_SCTLR_RESET
#define MPIDR_RES1	FAKE_HOST_MPIDR_RES1
#define PSTATE_AARCH32	(FW_PSTATE_nRW | 0x13)
#define GUEST_PC	(RAM_BASE + 0x80000)
#define GUEST_PSTATE	(0x60000000ULL | 0x5)	/* EL1h, Z and C set, DAIF clear */
#define ENTRY(n)	(0xffff800010000000ULL + 0x100 * (n))	/* virtual */
#define ARG(n)		(0xa000 + (n))
#define RESUME_PC	0xffff800010800280ULL
#define UART_SPI	33
#define OTHER_SPI	34
#define EXTRA_SPI	35

#define FID(fn)		SDEI_FID(SDEI_FN_##fn)
#define RET(v)		((uint64_t)(int64_t)(v))
#define BIT(r)		(1ULL << (r))
#define XREGS(a, b)	(((BIT((b) + 1) - 1)) & ~(BIT(a) - 1))

enum {
	EV_PN = SDEI_EVENT_PRIVATE_NORMAL,	/* 1000 */
	EV_PC = SDEI_EVENT_PRIVATE_CRITICAL,	/* 1001 */
	EV_SN = SDEI_EVENT_SHARED_NORMAL,	/* 2000 */
	EV_SC = SDEI_EVENT_SHARED_CRITICAL,	/* 2001 */
	EV_BOUND = SDEI_EVENT_BOUND_BASE,
};

struct fake {
	struct fake_host host;
	struct firmware fw;
};

static const struct sdei_event_config default_events[] = {
	{ EV_PN, SDEI_EVENT_PRIVATE, SDEI_PRIORITY_NORMAL },
	{ EV_PC, SDEI_EVENT_PRIVATE, SDEI_PRIORITY_CRITICAL },
	{ EV_SN, SDEI_EVENT_SHARED, SDEI_PRIORITY_NORMAL },
	{ EV_SC, SDEI_EVENT_SHARED, SDEI_PRIORITY_CRITICAL },
};
static const uint32_t default_lines[] = { UART_SPI, OTHER_SPI };

static uint64_t mpidr_of(unsigned int id)
{
	return ((uint64_t)(id / 4) << 8) | (id % 4);
}

static uint64_t fake_mpidrs[NR_VCPUS];

static struct sdei_config default_sdei_config(void)
{
	return (struct sdei_config){
		.nr_cpus = NR_VCPUS,
		.mpidrs = fake_mpidrs,
		.events = default_events,
		.nr_events = sizeof(default_events) / sizeof(default_events[0]),
		.bindable_intids = default_lines,
		.nr_bindable = sizeof(default_lines) / sizeof(default_lines[0]),
	};
}

/* A machine with vCPU 0 on; sdei NULL: without SDEI. */
static struct fake *fake_new_cfg(const struct sdei_config *sdei)
{
	struct fake *f = calloc(1, sizeof(*f));
	struct psci_config psci;
	unsigned int i, r;

	assert_non_null(f);
	fake_host_init(&f->host, &f->fw, NR_VCPUS, RAM_BASE, RAM_SIZE);
	f->host.now_us = 1000;
	for (i = 0; i < NR_VCPUS; i++) {
		struct fake_vcpu *v = &f->host.v[i];

		v->mpidr = MPIDR_RES1 | mpidr_of(i);
		fake_mpidrs[i] = v->mpidr;
		for (r = 0; r <= FW_REG_X30; r++)
			v->reg[r] = POISON | r;
		v->reg[FW_REG_PC] = GUEST_PC;
		v->reg[FW_REG_PSTATE] = GUEST_PSTATE;
		v->reg[FW_REG_SP_EL1] = 0x1234000;
		v->reg[FW_REG_ELR_EL1] = 0xe1e1e1e1;
		v->reg[FW_REG_SPSR_EL1] = 0x3c4;
		v->reg[FW_REG_SCTLR_EL1] = SCTLR_RESET;
		v->reg[FW_REG_MPIDR_EL1] = v->mpidr;
		v->mp_state = i ? FW_MP_STOPPED : FW_MP_RUNNABLE;
	}
	psci = (struct psci_config){
		.nr_cpus = NR_VCPUS, .mpidrs = fake_mpidrs,
		.boot_cpu = 0, .nr_enabled = NR_VCPUS,
	};
	assert_int_equal(firmware_init_psci_sdei(&f->fw, &f->host.fw_host, &psci, sdei), 0);
	return f;
}

static struct fake *fake_new(void)
{
	struct sdei_config cfg = default_sdei_config();

	return fake_new_cfg(&cfg);
}

static void fake_free(struct fake *f)
{
	assert_int_equal(atomic_load(&f->host.violations), 0);
	firmware_destroy(&f->fw);
	free(f);
}

static unsigned int kicks(struct fake *f, unsigned int vcpu)
{
	return atomic_load(&f->host.v[vcpu].kicks);
}

static void clear_kicks(struct fake *f)
{
	unsigned int i;

	for (i = 0; i < NR_VCPUS; i++)
		atomic_store(&f->host.v[i].kicks, 0);
}

/* ---- the guest ---- */

/* The guest on vcpu calls fid with x1..x5 as given. */
static enum smccc_action call5(struct fake *f, unsigned int vcpu, uint32_t fid,
			     uint64_t x1, uint64_t x2, uint64_t x3,
			     uint64_t x4, uint64_t x5)
{
	return fake_host_call(&f->host, vcpu, fid, (const uint64_t[]){ x1, x2, x3, x4, x5 }, 5);
}

static enum smccc_action call(struct fake *f, unsigned int vcpu, uint32_t fid,
			    uint64_t x1, uint64_t x2, uint64_t x3)
{
	return call5(f, vcpu, fid, x1, x2, x3, 0, 0);
}

/* A call that returns to the guest with its result in x0, and only there. */
static int64_t sdei5(struct fake *f, unsigned int vcpu, uint32_t fid,
		     uint64_t x1, uint64_t x2, uint64_t x3, uint64_t x4,
		     uint64_t x5)
{
	assert_int_equal(call5(f, vcpu, fid, x1, x2, x3, x4, x5), SMCCC_CONTINUE);
	assert_int_equal(f->host.v[vcpu].written_now, BIT(FW_REG_X0));
	return (int64_t)f->host.v[vcpu].reg[FW_REG_X0];
}

static int64_t sdei(struct fake *f, unsigned int vcpu, uint32_t fid,
		    uint64_t x1, uint64_t x2, uint64_t x3)
{
	return sdei5(f, vcpu, fid, x1, x2, x3, 0, 0);
}

static int64_t reg_event(struct fake *f, unsigned int vcpu, uint64_t num,
			 uint64_t flags, uint64_t affinity)
{
	return sdei5(f, vcpu, FID(EVENT_REGISTER), num, ENTRY(num), ARG(num),
		     flags, affinity);
}

static int64_t status(struct fake *f, unsigned int vcpu, uint64_t num)
{
	return sdei(f, vcpu, FID(EVENT_STATUS), num, 0, 0);
}

static int64_t info(struct fake *f, unsigned int vcpu, uint64_t num, uint64_t what)
{
	return sdei(f, vcpu, FID(EVENT_GET_INFO), num, what, 0);
}

/* Registered (RM_ANY for shared events) and enabled, as seen from vcpu. */
static void arm_event(struct fake *f, unsigned int vcpu, uint64_t num)
{
	assert_int_equal(reg_event(f, vcpu, num, 0, 0), SDEI_RET_SUCCESS);
	assert_int_equal(sdei(f, vcpu, FID(EVENT_ENABLE), num, 0, 0),
			 SDEI_RET_SUCCESS);
}

static void unmask(struct fake *f, unsigned int vcpu)
{
	assert_int_equal(sdei(f, vcpu, FID(PE_UNMASK), 0, 0, 0), SDEI_RET_SUCCESS);
}

/* The guest ran on vcpu (its registers were changed, as only the guest
 * changes them): the firmware's knowledge of the last exit is stale. In
 * the VMM every KVM_RUN follows firmware_vcpu_prepare, which forgets it. */
static void guest_ran(struct fake *f, unsigned int vcpu)
{
	reg_cache_forget(&f->fw.regs, vcpu);
}

/* What the guest is doing when an event comes: distinct x0-x17, PC, PSTATE. */
static void set_context(struct fake *f, unsigned int vcpu, uint64_t tag)
{
	unsigned int r;

	for (r = 0; r < 18; r++)
		f->host.v[vcpu].reg[r] = (tag << 16) | (vcpu << 8) | r;
	f->host.v[vcpu].reg[FW_REG_PC] = GUEST_PC + tag * 4;
	f->host.v[vcpu].reg[FW_REG_PSTATE] = GUEST_PSTATE;
	guest_ran(f, vcpu);
}

static int prepare(struct fake *f, unsigned int vcpu)
{
	int ret;

	f->host.v[vcpu].written_now = 0;
	fake_host_enter(&f->host, vcpu);
	ret = firmware_vcpu_prepare(&f->fw, vcpu, false);
	fake_host_leave(&f->host, vcpu);
	return ret;
}

/* CPU_ON from vCPU 0, then the target's thread starts it. */
static void bring_up(struct fake *f, unsigned int target)
{
	assert_int_equal(sdei(f, 0, PSCI_FID64(PSCI_FN_CPU_ON), mpidr_of(target),
			      RAM_BASE + 0x1000 * target, target), 0);
	assert_int_equal(prepare(f, target), 1);
	assert_int_equal(psci_cpu_state(&f->fw.psci, target), PSCI_CPU_STATE_ON);
	f->host.v[target].reg[FW_REG_PSTATE] = GUEST_PSTATE;
}

static void cpu_off(struct fake *f, unsigned int vcpu)
{
	assert_int_equal(call(f, vcpu, PSCI_FID32(PSCI_FN_CPU_OFF), 0, 0, 0),
			 SMCCC_CONTINUE);
	assert_int_equal(psci_cpu_state(&f->fw.psci, vcpu), PSCI_CPU_STATE_OFF);
}

/* Exactly the dispatch contract on entry to the handler of num. */
static void expect_in_handler(struct fake *f, unsigned int vcpu, uint32_t num,
			      uint64_t pc, uint64_t pstate)
{
	struct fake_vcpu *v = &f->host.v[vcpu];

	assert_int_equal(v->written_now, XREGS(0, 3) | BIT(FW_REG_PC) |
			 BIT(FW_REG_PSTATE));
	assert_int_equal(v->reg[0], num);
	assert_int_equal(v->reg[1], ARG(num));
	assert_int_equal(v->reg[2], pc);
	assert_int_equal(v->reg[3], pstate);
	assert_int_equal(v->reg[FW_REG_PC], ENTRY(num));
	assert_int_equal(v->reg[FW_REG_PSTATE], FW_PSTATE_EL1H_DAIF);
}

/* Deliver on vcpu and check it entered num's handler from what it ran. */
static void expect_delivery(struct fake *f, unsigned int vcpu, uint32_t num)
{
	uint64_t pc = f->host.v[vcpu].reg[FW_REG_PC];
	uint64_t pstate = f->host.v[vcpu].reg[FW_REG_PSTATE];

	assert_true(sdei_vcpu_has_deliverable(f->fw.sdei, vcpu));
	assert_int_equal(prepare(f, vcpu), 1);
	expect_in_handler(f, vcpu, num, pc, pstate);
}

static void expect_nothing(struct fake *f, unsigned int vcpu)
{
	uint64_t pc = f->host.v[vcpu].reg[FW_REG_PC];

	assert_false(sdei_vcpu_has_deliverable(f->fw.sdei, vcpu));
	prepare(f, vcpu);
	assert_int_equal(f->host.v[vcpu].written_now, 0);
	assert_int_equal(f->host.v[vcpu].reg[FW_REG_PC], pc);
}

static void complete(struct fake *f, unsigned int vcpu)
{
	assert_int_equal(call(f, vcpu, FID(EVENT_COMPLETE), 0, 0, 0), SMCCC_CONTINUE);
	assert_int_equal(f->host.v[vcpu].written_now, XREGS(0, 17) | BIT(FW_REG_PC) |
			 BIT(FW_REG_PSTATE));
}

/* Back in the context set_context(tag) described. */
static void expect_context(struct fake *f, unsigned int vcpu, uint64_t tag)
{
	unsigned int r;

	for (r = 0; r < 18; r++)
		assert_int_equal(f->host.v[vcpu].reg[r], (tag << 16) | (vcpu << 8) | r);
	assert_int_equal(f->host.v[vcpu].reg[FW_REG_PC], GUEST_PC + tag * 4);
	assert_int_equal(f->host.v[vcpu].reg[FW_REG_PSTATE], GUEST_PSTATE);
}

static int setup(void **state)
{
	*state = fake_new();
	return 0;
}

static int teardown(void **state)
{
	fake_free(*state);
	return 0;
}

/* ---- configuration ---- */

static void expect_create_fails(const struct fw_host *host,
				const struct sdei_config *cfg)
{
	int err = 0;

	assert_null(sdei_create(host, cfg, &err));
	assert_int_equal(err, -EINVAL);
	assert_null(sdei_create(host, cfg, NULL));
}

static void test_create_rejects_bad_config(void **state)
{
	struct fake *f = *state;
	const struct sdei_config good = default_sdei_config();
	struct sdei_event_config evs[SDEI_MAX_EVENTS];
	uint32_t lines[3] = { 40, 41, 42 };
	struct fw_vcpu_ops no_kick = fake_host_ops;
	struct fw_host kickless = f->host.fw_host;
	struct psci_config psci = {
		.nr_cpus = NR_VCPUS, .mpidrs = fake_mpidrs, .nr_enabled = NR_VCPUS,
	};
	struct sdei_config c;
	struct firmware fw;
	unsigned int i;

	expect_create_fails(&f->host.fw_host, NULL);
	expect_create_fails(NULL, &good);
	no_kick.kick = NULL;
	kickless.ops = &no_kick;
	expect_create_fails(&kickless, &good);
	c = good, c.nr_cpus = 0;
	expect_create_fails(&f->host.fw_host, &c);
	c = good, c.nr_cpus = SDEI_MAX_CPUS + 1;
	expect_create_fails(&f->host.fw_host, &c);
	c = good, c.mpidrs = NULL;
	expect_create_fails(&f->host.fw_host, &c);
	c = good, c.events = NULL;
	expect_create_fails(&f->host.fw_host, &c);

	/* Event numbers: not 0, below the bound range, no duplicates. */
	for (i = 0; i < SDEI_MAX_EVENTS; i++)
		evs[i] = (struct sdei_event_config){ 100 + i, SDEI_EVENT_SHARED,
						     SDEI_PRIORITY_NORMAL };
	c = good, c.events = evs, c.nr_events = SDEI_MAX_EVENTS - 1;
	assert_non_null(c.events);
	sdei_free(sdei_create(&f->host.fw_host, &c, NULL));	/* the most there can be */
	c.nr_events = SDEI_MAX_EVENTS;
	expect_create_fails(&f->host.fw_host, &c);
	c.nr_events = 3;
	evs[1].num = 0;
	expect_create_fails(&f->host.fw_host, &c);
	evs[1].num = SDEI_EVENT_BOUND_BASE;
	expect_create_fails(&f->host.fw_host, &c);
	evs[1].num = 102;
	expect_create_fails(&f->host.fw_host, &c);
	evs[1].num = 101;
	evs[2].type = (enum sdei_event_type)2;
	expect_create_fails(&f->host.fw_host, &c);
	evs[2].type = SDEI_EVENT_PRIVATE;
	evs[2].priority = (enum sdei_priority)2;
	expect_create_fails(&f->host.fw_host, &c);

	/* Lines: SPIs only, no duplicates, no more slots than lines. */
	c = good, c.bindable_intids = NULL;
	expect_create_fails(&f->host.fw_host, &c);
	c = good, c.bindable_intids = lines, c.nr_bindable = 3;
	lines[1] = 31;
	expect_create_fails(&f->host.fw_host, &c);
	lines[1] = 1020;
	expect_create_fails(&f->host.fw_host, &c);
	lines[1] = 42;
	expect_create_fails(&f->host.fw_host, &c);
	lines[1] = 41;
	c.nr_bind_slots = 4;
	expect_create_fails(&f->host.fw_host, &c);
	c.nr_bind_slots = 2;
	sdei_free(sdei_create(&f->host.fw_host, &c, NULL));
	c = good, c.nr_bindable = 0, c.bindable_intids = NULL;
	sdei_free(sdei_create(&f->host.fw_host, &c, NULL));	/* no lines is fine */
	sdei_free(NULL);

	/* The firmware wants SDEI and PSCI to agree on the vCPUs. */
	c = good, c.nr_cpus = NR_VCPUS - 1;
	assert_int_equal(firmware_init_psci_sdei(&fw, &f->host.fw_host, &psci, &c), -EINVAL);
	c = good, c.mpidrs = NULL;
	assert_int_equal(firmware_init_psci_sdei(&fw, &f->host.fw_host, &psci, &c), -EINVAL);
}

/* ---- every function ID ---- */

static const char *const sdei_fn_names[] = {
	"SDEI_VERSION", "SDEI_EVENT_REGISTER", "SDEI_EVENT_ENABLE",
	"SDEI_EVENT_DISABLE", "SDEI_EVENT_CONTEXT", "SDEI_EVENT_COMPLETE",
	"SDEI_EVENT_COMPLETE_AND_RESUME", "SDEI_EVENT_UNREGISTER",
	"SDEI_EVENT_STATUS", "SDEI_EVENT_GET_INFO", "SDEI_EVENT_ROUTING_SET",
	"SDEI_PE_MASK", "SDEI_PE_UNMASK", "SDEI_INTERRUPT_BIND",
	"SDEI_INTERRUPT_RELEASE", "SDEI_EVENT_SIGNAL", "SDEI_FEATURES",
	"SDEI_PRIVATE_RESET", "SDEI_SHARED_RESET",
};

static void test_range_and_names(void **state)
{
	struct fake *f = *state;
	uint32_t n;

	const struct smccc_claim *c = smccc_claim_of(f->fw.claims, 0xC4000020);

	assert_non_null(c);
	assert_int_equal(c->range.base, 0xC4000020);
	assert_int_equal(c->range.count, 0x20);
	assert_string_equal(c->service->name, "SDEI");
	assert_string_equal(smccc_claim_of(f->fw.claims, 0xC4000000)->service->name, "PSCI");
	for (n = 0x20; n < 0x40; n++) {
		const char *name = smccc_function_name(f->fw.claims, 0xC4000000 + n);

		assert_ptr_equal(smccc_claim_of(f->fw.claims, 0xC4000000 + n), c);
		if (n <= 0x32)
			assert_string_equal(name, sdei_fn_names[n - 0x20]);
		else
			assert_null(name);
		/* SDEI has no SMC32 IDs. */
		assert_null(smccc_function_name(f->fw.claims, 0x84000000 + n));
	}
}

static void test_version_and_features(void **state)
{
	struct fake *f = *state;

	assert_int_equal(sdei(f, 0, FID(VERSION), 0, 0, 0),
			 (1LL << 48) | (1LL << 32) | 0x68766d6d);
	/* BIND_SLOTS: no private slots, one shared slot per line. */
	assert_int_equal(sdei(f, 0, FID(FEATURES), 0, 0, 0), 2 << 16);
	assert_int_equal(sdei(f, 0, FID(FEATURES), 1, 0, 0), 0);
	assert_int_equal(sdei(f, 0, FID(FEATURES), 2, 0, 0),
			 SDEI_RET_INVALID_PARAMETERS);
	assert_int_equal(sdei(f, 0, FID(FEATURES), 1ULL << 32, 0, 0),
			 SDEI_RET_INVALID_PARAMETERS);
	/* The result is sign-extended through all 64 bits. */
	assert_int_equal(f->host.v[0].reg[0], 0xfffffffffffffffeULL);
}

/* Unimplemented IDs, AArch32 callers, and SDEI switched off. */
static void test_not_supported(void **state)
{
	struct fake *f = *state;
	struct fake *off = fake_new_cfg(NULL);
	uint32_t n;

	for (n = 0x33; n < 0x40; n++)
		assert_int_equal(sdei(f, 0, SDEI_FID(n), EV_PN, 0, 0),
				 SDEI_RET_NOT_SUPPORTED);

	f->host.v[0].reg[FW_REG_PSTATE] = PSTATE_AARCH32;
	for (n = 0x20; n < 0x40; n++)
		assert_int_equal(sdei5(f, 0, SDEI_FID(n), EV_PN, ENTRY(1), 0, 0, 0),
				 SDEI_RET_NOT_SUPPORTED);
	f->host.v[0].reg[FW_REG_PSTATE] = GUEST_PSTATE;
	assert_int_equal(status(f, 0, EV_PN), 0);	/* nothing registered */
	assert_int_equal(sdei(f, 0, FID(PE_MASK), 0, 0, 0), 0);	/* still masked */

	assert_null(off->fw.sdei);
	assert_null(smccc_claim_of(off->fw.claims, 0xC4000020));
	for (n = 0x20; n < 0x40; n++)
		assert_int_equal(sdei(off, 0, SDEI_FID(n), 0, 0, 0),
				 SDEI_RET_NOT_SUPPORTED);
	/* Unclaimed without SDEI: KVM would answer; the dispatcher says so too. */
	assert_int_equal(atomic_load(&off->fw.claims->unclaimed), 0x20);
	assert_false(firmware_interrupt(&off->fw, UART_SPI, 1));
	assert_int_equal(prepare(off, 0), 1);
	assert_int_equal(prepare(off, 1), 0);
	fake_host_enter(&off->host, 0);
	assert_int_equal(firmware_vcpu_wakeup(&off->fw, 0), 0);
	fake_host_leave(&off->host, 0);
	firmware_reset(&off->fw);
	fake_free(off);

	/* A vCPU the firmware does not know. */
	{
		struct smccc_call c;

		smccc_call_init(&c, &f->host.fw_host, NR_VCPUS, FID(VERSION), SMCCC_CONDUIT_HVC);
		assert_int_equal(sdei_call(f->fw.sdei, &c), SMCCC_FAILED);
		smccc_call_init(&c, &f->host.fw_host, 0, FID(VERSION), SMCCC_CONDUIT_HVC);
		assert_int_equal(sdei_call(NULL, &c), SMCCC_FAILED);
	}
	assert_int_equal(sdei_vcpu_deliver(f->fw.sdei, NR_VCPUS), -EINVAL);
	assert_false(sdei_vcpu_has_deliverable(f->fw.sdei, NR_VCPUS));
	sdei_vcpu_powered_on(f->fw.sdei, NR_VCPUS);
	sdei_vcpu_powered_off(f->fw.sdei, NR_VCPUS);
}

/* Every call that names an event refuses numbers that name none. */
static void test_unknown_events(void **state)
{
	static const uint32_t fns[] = {
		SDEI_FN_EVENT_REGISTER, SDEI_FN_EVENT_ENABLE, SDEI_FN_EVENT_DISABLE,
		SDEI_FN_EVENT_UNREGISTER, SDEI_FN_EVENT_STATUS,
		SDEI_FN_EVENT_GET_INFO, SDEI_FN_EVENT_ROUTING_SET,
		SDEI_FN_INTERRUPT_RELEASE,
	};
	static const uint64_t bad[] = {
		1, 999, 1002, 3000, EV_BOUND, EV_BOUND + 1, EV_BOUND + 2,
		(1ULL << 32) | EV_PN, (1ULL << 32), ~0ULL,
	};
	struct fake *f = *state;
	unsigned int i, j;

	for (i = 0; i < sizeof(fns) / sizeof(fns[0]); i++)
		for (j = 0; j < sizeof(bad) / sizeof(bad[0]); j++)
			assert_int_equal(sdei5(f, 0, SDEI_FID(fns[i]), bad[j], 0, 0, 0, 0),
					 SDEI_RET_INVALID_PARAMETERS);
	/* Event 0 exists, the default platform events too. */
	assert_int_equal(status(f, 0, 0), 0);
	assert_int_equal(status(f, 0, EV_PN), 0);
	assert_int_equal(status(f, 0, EV_SC), 0);
}

/* ---- registration and state transitions ---- */

static void test_register_parameters(void **state)
{
	struct fake *f = *state;

	/* Reserved flag bits, relative mode (bit 1) included. */
	assert_int_equal(reg_event(f, 0, EV_SN, 2, 0), SDEI_RET_INVALID_PARAMETERS);
	assert_int_equal(reg_event(f, 0, EV_PN, 1ULL << 63, 0),
			 SDEI_RET_INVALID_PARAMETERS);
	/* RM_PE must name a PE: no stray bits, no unknown MPIDR. */
	assert_int_equal(reg_event(f, 0, EV_SN, 1, mpidr_of(1) | MPIDR_RES1),
			 SDEI_RET_INVALID_PARAMETERS);
	assert_int_equal(reg_event(f, 0, EV_SN, 1, 0x300),
			 SDEI_RET_INVALID_PARAMETERS);
	assert_int_equal(status(f, 0, EV_SN), 0);
	/* Private events ignore the routing mode and affinity. */
	assert_int_equal(reg_event(f, 0, EV_PN, 1, 0xdeadbeef), SDEI_RET_SUCCESS);
	/* Entry points are virtual addresses: any value is taken. */
	assert_int_equal(sdei5(f, 0, FID(EVENT_REGISTER), EV_PC, 0, 0, 0, 0),
			 SDEI_RET_SUCCESS);
	assert_int_equal(reg_event(f, 0, EV_SN, 1, mpidr_of(5)), SDEI_RET_SUCCESS);
	assert_int_equal(info(f, 3, EV_SN, 3), SDEI_ROUTING_PE);
	assert_int_equal(info(f, 3, EV_SN, 4), mpidr_of(5));
	/* Only from unregistered: shared events once in all, private per PE. */
	assert_int_equal(reg_event(f, 0, EV_PN, 0, 0), SDEI_RET_DENIED);
	assert_int_equal(reg_event(f, 1, EV_SN, 0, 0), SDEI_RET_DENIED);
	assert_int_equal(reg_event(f, 1, EV_PN, 0, 0), SDEI_RET_SUCCESS);
	assert_int_equal(status(f, 0, EV_PN), 1);
	assert_int_equal(status(f, 1, EV_PN), 1);
	assert_int_equal(status(f, 2, EV_PN), 0);
	assert_int_equal(status(f, 2, EV_SN), 1);
}

static void test_state_transitions(void **state)
{
	struct fake *f = *state;

	assert_int_equal(sdei(f, 0, FID(EVENT_ENABLE), EV_PN, 0, 0), SDEI_RET_DENIED);
	assert_int_equal(sdei(f, 0, FID(EVENT_DISABLE), EV_PN, 0, 0), SDEI_RET_DENIED);
	assert_int_equal(sdei(f, 0, FID(EVENT_UNREGISTER), EV_PN, 0, 0),
			 SDEI_RET_DENIED);
	assert_int_equal(reg_event(f, 0, EV_PN, 0, 0), SDEI_RET_SUCCESS);
	assert_int_equal(status(f, 0, EV_PN), 1);
	/* DISABLE while disabled and ENABLE while enabled change nothing. */
	assert_int_equal(sdei(f, 0, FID(EVENT_DISABLE), EV_PN, 0, 0), 0);
	assert_int_equal(sdei(f, 0, FID(EVENT_ENABLE), EV_PN, 0, 0), 0);
	assert_int_equal(sdei(f, 0, FID(EVENT_ENABLE), EV_PN, 0, 0), 0);
	assert_int_equal(status(f, 0, EV_PN), 3);
	/* Another PE's private event is its own business. */
	assert_int_equal(status(f, 1, EV_PN), 0);
	assert_int_equal(sdei(f, 1, FID(EVENT_ENABLE), EV_PN, 0, 0), SDEI_RET_DENIED);
	assert_int_equal(sdei(f, 0, FID(EVENT_DISABLE), EV_PN, 0, 0), 0);
	assert_int_equal(status(f, 0, EV_PN), 1);
	assert_int_equal(sdei(f, 0, FID(EVENT_ENABLE), EV_PN, 0, 0), 0);
	/* Unregistering disables too. */
	assert_int_equal(sdei(f, 0, FID(EVENT_UNREGISTER), EV_PN, 0, 0), 0);
	assert_int_equal(status(f, 0, EV_PN), 0);
	assert_int_equal(sdei(f, 0, FID(EVENT_UNREGISTER), EV_PN, 0, 0),
			 SDEI_RET_DENIED);
	assert_int_equal(reg_event(f, 0, EV_PN, 0, 0), SDEI_RET_SUCCESS);
	assert_int_equal(status(f, 0, EV_PN), 1);

	/* A shared event: one state, whichever PE asks. */
	arm_event(f, 2, EV_SN);
	assert_int_equal(status(f, 5, EV_SN), 3);
	assert_int_equal(sdei(f, 5, FID(EVENT_DISABLE), EV_SN, 0, 0), 0);
	assert_int_equal(status(f, 2, EV_SN), 1);
	assert_int_equal(sdei(f, 6, FID(EVENT_UNREGISTER), EV_SN, 0, 0), 0);
	assert_int_equal(status(f, 2, EV_SN), 0);
}

static void test_get_info(void **state)
{
	static const struct {
		uint32_t num;
		int64_t type, signalable, priority;
	} evs[] = {
		{ 0, SDEI_EVENT_PRIVATE, 1, SDEI_PRIORITY_NORMAL },
		{ EV_PN, SDEI_EVENT_PRIVATE, 0, SDEI_PRIORITY_NORMAL },
		{ EV_PC, SDEI_EVENT_PRIVATE, 0, SDEI_PRIORITY_CRITICAL },
		{ EV_SN, SDEI_EVENT_SHARED, 0, SDEI_PRIORITY_NORMAL },
		{ EV_SC, SDEI_EVENT_SHARED, 0, SDEI_PRIORITY_CRITICAL },
		{ EV_BOUND, SDEI_EVENT_SHARED, 0, SDEI_PRIORITY_NORMAL },
	};
	struct fake *f = *state;
	unsigned int i;

	assert_int_equal(sdei(f, 0, FID(INTERRUPT_BIND), UART_SPI, 0, 0), EV_BOUND);
	for (i = 0; i < sizeof(evs) / sizeof(evs[0]); i++) {
		bool shared = evs[i].type == SDEI_EVENT_SHARED;

		assert_int_equal(info(f, 0, evs[i].num, 0), evs[i].type);
		assert_int_equal(info(f, 0, evs[i].num, 1), evs[i].signalable);
		assert_int_equal(info(f, 0, evs[i].num, 2), evs[i].priority);
		/* Routing: shared events only, and only while registered. */
		assert_int_equal(info(f, 0, evs[i].num, 3),
				 shared ? SDEI_RET_DENIED : SDEI_RET_INVALID_PARAMETERS);
		assert_int_equal(info(f, 0, evs[i].num, 4),
				 shared ? SDEI_RET_DENIED : SDEI_RET_INVALID_PARAMETERS);
		assert_int_equal(info(f, 0, evs[i].num, 5), SDEI_RET_INVALID_PARAMETERS);
		assert_int_equal(info(f, 0, evs[i].num, 1ULL << 32),
				 SDEI_RET_INVALID_PARAMETERS);
		assert_int_equal(reg_event(f, 0, evs[i].num, 0, 0), 0);
		assert_int_equal(info(f, 0, evs[i].num, 3),
				 shared ? SDEI_ROUTING_ANY : SDEI_RET_INVALID_PARAMETERS);
		/* An RM_ANY event has no affinity. */
		assert_int_equal(info(f, 0, evs[i].num, 4), SDEI_RET_INVALID_PARAMETERS);
	}
	assert_int_equal(sdei(f, 0, FID(EVENT_UNREGISTER), EV_SC, 0, 0), 0);
	assert_int_equal(reg_event(f, 0, EV_SC, 1, mpidr_of(6)), 0);
	assert_int_equal(info(f, 7, EV_SC, 3), SDEI_ROUTING_PE);
	assert_int_equal(info(f, 7, EV_SC, 4), mpidr_of(6));
}

/* ---- delivery and the dispatch contract ---- */

static void test_dispatch_contract(void **state)
{
	struct fake *f = *state;
	struct fake_vcpu *v = &f->host.v[0];
	struct sdei_event_info evs[8];
	unsigned int i, r;

	arm_event(f, 0, EV_PN);
	unmask(f, 0);
	set_context(f, 0, 1);
	assert_int_equal(sdei_signal(f->fw.sdei, EV_PN, 0), 0);
	assert_int_equal(kicks(f, 0), 1);
	expect_delivery(f, 0, EV_PN);
	/* x4-x17 are left as they were; SP, ELR, SPSR untouched. */
	for (r = 4; r < 18; r++)
		assert_int_equal(v->reg[r], (1 << 16) | r);
	assert_int_equal(v->reg[FW_REG_SP_EL1], 0x1234000);
	assert_int_equal(v->reg[FW_REG_ELR_EL1], 0xe1e1e1e1);
	assert_int_equal(v->reg[FW_REG_SPSR_EL1], 0x3c4);

	/* Inside: running; the interrupted registers on demand. */
	assert_int_equal(status(f, 0, EV_PN), 7);
	assert_int_equal(status(f, 1, EV_PN), 0);
	for (i = 0; i < 18; i++)
		assert_int_equal(sdei(f, 0, FID(EVENT_CONTEXT), i, 0, 0),
				 (1 << 16) | i);
	assert_int_equal(sdei(f, 0, FID(EVENT_CONTEXT), 18, 0, 0),
			 SDEI_RET_INVALID_PARAMETERS);
	assert_int_equal(sdei(f, 0, FID(EVENT_CONTEXT), 1ULL << 32, 0, 0),
			 SDEI_RET_INVALID_PARAMETERS);
	assert_int_equal(sdei_events(f->fw.sdei, evs, 8), 5);
	assert_int_equal(evs[1].num, EV_PN);
	assert_int_equal(evs[1].delivered, 1);
	/* Nothing else to deliver meanwhile. */
	expect_nothing(f, 0);

	/* The handler clobbers x0-x17 freely; completion restores them all. */
	for (r = 0; r < 18; r++)
		v->reg[r] = 0xbad;
	v->reg[FW_REG_PSTATE] = FW_PSTATE_EL1H_DAIF;
	complete(f, 0);
	expect_context(f, 0, 1);
	assert_int_equal(v->reg[FW_REG_ELR_EL1], 0xe1e1e1e1);
	assert_int_equal(v->reg[FW_REG_SPSR_EL1], 0x3c4);
	assert_int_equal(status(f, 0, EV_PN), 3);
	expect_nothing(f, 0);

	/* The status argument changes nothing: a failed handling completes too. */
	set_context(f, 0, 2);
	assert_int_equal(sdei_signal(f->fw.sdei, EV_PN, 0), 0);
	expect_delivery(f, 0, EV_PN);
	assert_int_equal(call(f, 0, FID(EVENT_COMPLETE), 1, 0, 0), SMCCC_CONTINUE);
	expect_context(f, 0, 2);
	assert_int_equal(status(f, 0, EV_PN), 3);
}

static void test_complete_and_resume(void **state)
{
	struct fake *f = *state;
	struct fake_vcpu *v = &f->host.v[0];
	unsigned int r;

	arm_event(f, 0, EV_PN);
	unmask(f, 0);
	set_context(f, 0, 3);
	v->reg[FW_REG_PSTATE] = 0x80000000;	/* EL0t, N set */
	guest_ran(f, 0);
	assert_int_equal(sdei_signal(f->fw.sdei, EV_PN, 0), 0);
	expect_delivery(f, 0, EV_PN);
	for (r = 0; r < 18; r++)
		v->reg[r] = 0xbad;
	assert_int_equal(call(f, 0, FID(EVENT_COMPLETE_AND_RESUME), RESUME_PC, 0, 0),
			 SMCCC_CONTINUE);
	assert_int_equal(v->written_now, XREGS(0, 17) | BIT(FW_REG_PC) |
			 BIT(FW_REG_PSTATE) | BIT(FW_REG_ELR_EL1) |
			 BIT(FW_REG_SPSR_EL1));
	for (r = 0; r < 18; r++)
		assert_int_equal(v->reg[r], (3 << 16) | r);
	assert_int_equal(v->reg[FW_REG_ELR_EL1], GUEST_PC + 12);
	assert_int_equal(v->reg[FW_REG_SPSR_EL1], 0x80000000);
	assert_int_equal(v->reg[FW_REG_PSTATE], FW_PSTATE_EL1H_DAIF);
	assert_int_equal(v->reg[FW_REG_PC], RESUME_PC);
	assert_int_equal(status(f, 0, EV_PN), 3);
}

static void test_outside_a_handler(void **state)
{
	struct fake *f = *state;

	/* The index is checked first. */
	assert_int_equal(sdei(f, 0, FID(EVENT_CONTEXT), 18, 0, 0),
			 SDEI_RET_INVALID_PARAMETERS);
	assert_int_equal(sdei(f, 0, FID(EVENT_CONTEXT), 0, 0, 0), SDEI_RET_DENIED);
	assert_int_equal(sdei(f, 0, FID(EVENT_COMPLETE), 0, 0, 0), SDEI_RET_DENIED);
	assert_int_equal(sdei(f, 0, FID(EVENT_COMPLETE_AND_RESUME), RESUME_PC, 0, 0),
			 SDEI_RET_DENIED);
	assert_int_equal(f->host.v[0].reg[FW_REG_PC], GUEST_PC);

	/* A handler on another PE does not count. */
	bring_up(f, 1);
	arm_event(f, 1, EV_PN);
	unmask(f, 1);
	assert_int_equal(sdei_signal(f->fw.sdei, EV_PN, 1), 0);
	expect_delivery(f, 1, EV_PN);
	assert_int_equal(sdei(f, 0, FID(EVENT_COMPLETE), 0, 0, 0), SDEI_RET_DENIED);
	assert_int_equal(sdei(f, 0, FID(EVENT_CONTEXT), 0, 0, 0), SDEI_RET_DENIED);
	assert_int_equal(status(f, 1, EV_PN), 7);
}

static void test_masking(void **state)
{
	struct fake *f = *state;

	/* Every PE starts masked. */
	assert_true(sdei_vcpu_masked(f->fw.sdei, 0));
	assert_true(sdei_vcpu_masked(f->fw.sdei, NR_VCPUS - 1));
	assert_true(sdei_vcpu_masked(f->fw.sdei, NR_VCPUS));
	assert_int_equal(sdei(f, 0, FID(PE_MASK), 0, 0, 0), 0);
	unmask(f, 0);
	assert_false(sdei_vcpu_masked(f->fw.sdei, 0));
	unmask(f, 0);
	assert_int_equal(sdei(f, 0, FID(PE_MASK), 0, 0, 0), 1);
	assert_int_equal(sdei(f, 0, FID(PE_MASK), 0, 0, 0), 0);
	assert_true(sdei_vcpu_masked(f->fw.sdei, 0));

	/* Masked: the event waits, and nobody is kicked. */
	arm_event(f, 0, EV_PN);
	set_context(f, 0, 4);
	assert_int_equal(sdei_signal(f->fw.sdei, EV_PN, 0), 0);
	assert_int_equal(kicks(f, 0), 0);
	expect_nothing(f, 0);
	expect_nothing(f, 0);
	unmask(f, 0);
	set_context(f, 0, 4);
	expect_delivery(f, 0, EV_PN);
	/* Masking inside the handler does not stop it completing. */
	assert_int_equal(sdei(f, 0, FID(PE_MASK), 0, 0, 0), 1);
	complete(f, 0);
	expect_context(f, 0, 4);
	assert_int_equal(sdei_signal(f->fw.sdei, EV_PN, 0), 0);
	expect_nothing(f, 0);

	/* Disabled or unregistered: pending too, delivered once enabled. */
	unmask(f, 0);
	set_context(f, 0, 5);
	assert_int_equal(sdei(f, 0, FID(EVENT_DISABLE), EV_PN, 0, 0), 0);
	expect_nothing(f, 0);
	assert_int_equal(sdei(f, 0, FID(EVENT_UNREGISTER), EV_PN, 0, 0), 0);
	expect_nothing(f, 0);
	arm_event(f, 0, EV_PN);
	set_context(f, 0, 5);
	expect_delivery(f, 0, EV_PN);
	complete(f, 0);
	/* One instance only, however often it was raised. */
	expect_nothing(f, 0);
}

static void test_priorities(void **state)
{
	struct fake *f = *state;

	arm_event(f, 0, EV_PN);
	arm_event(f, 0, EV_PC);
	arm_event(f, 0, EV_SN);
	arm_event(f, 0, EV_SC);
	unmask(f, 0);

	/* Both pending: the critical one first; the normal one cannot nest. */
	set_context(f, 0, 1);
	assert_int_equal(sdei_signal(f->fw.sdei, EV_PN, 0), 0);
	assert_int_equal(sdei_signal(f->fw.sdei, EV_PC, 0), 0);
	expect_delivery(f, 0, EV_PC);
	expect_nothing(f, 0);
	complete(f, 0);
	expect_context(f, 0, 1);
	expect_delivery(f, 0, EV_PN);
	complete(f, 0);
	expect_context(f, 0, 1);

	/* Normal running: another normal waits, a critical one pre-empts. */
	set_context(f, 0, 2);
	assert_int_equal(sdei_signal(f->fw.sdei, EV_PN, 0), 0);
	expect_delivery(f, 0, EV_PN);
	set_context(f, 0, 3);		/* the normal handler's own context */
	assert_int_equal(sdei_signal(f->fw.sdei, EV_SN, -1), 0);
	expect_nothing(f, 0);
	assert_int_equal(sdei_signal(f->fw.sdei, EV_PC, 0), 0);
	assert_int_equal(sdei_signal(f->fw.sdei, EV_SC, -1), 0);
	expect_delivery(f, 0, EV_PC);
	assert_int_equal(status(f, 0, EV_PN), 7);
	assert_int_equal(status(f, 0, EV_PC), 7);
	/* Two deep: nothing more, critical or not. */
	expect_nothing(f, 0);
	/* EVENT_CONTEXT reads the innermost interrupted context. */
	assert_int_equal(sdei(f, 0, FID(EVENT_CONTEXT), 5, 0, 0), (3 << 16) | 5);
	complete(f, 0);
	expect_context(f, 0, 3);
	/* Back in the normal handler: the other critical event pre-empts it. */
	expect_delivery(f, 0, EV_SC);
	complete(f, 0);
	expect_context(f, 0, 3);
	expect_nothing(f, 0);
	complete(f, 0);
	expect_context(f, 0, 2);
	/* Then the normal events that waited, one at a time. */
	expect_delivery(f, 0, EV_SN);
	expect_nothing(f, 0);
	complete(f, 0);
	expect_context(f, 0, 2);
	expect_nothing(f, 0);
}

static void test_unregister_while_running(void **state)
{
	struct fake *f = *state;

	arm_event(f, 0, EV_PN);
	unmask(f, 0);
	set_context(f, 0, 1);
	assert_int_equal(sdei_signal(f->fw.sdei, EV_PN, 0), 0);
	expect_delivery(f, 0, EV_PN);
	assert_int_equal(sdei(f, 0, FID(EVENT_UNREGISTER), EV_PN, 0, 0),
			 SDEI_RET_PENDING);
	assert_int_equal(status(f, 0, EV_PN), 4);
	assert_int_equal(sdei(f, 0, FID(EVENT_UNREGISTER), EV_PN, 0, 0),
			 SDEI_RET_PENDING);
	assert_int_equal(reg_event(f, 0, EV_PN, 0, 0), SDEI_RET_DENIED);
	assert_int_equal(sdei(f, 0, FID(EVENT_ENABLE), EV_PN, 0, 0), SDEI_RET_DENIED);
	/* Raised again meanwhile: pending, but never delivered unregistered. */
	assert_int_equal(sdei_signal(f->fw.sdei, EV_PN, 0), 0);
	complete(f, 0);
	expect_context(f, 0, 1);
	assert_int_equal(status(f, 0, EV_PN), 0);
	assert_int_equal(sdei(f, 0, FID(EVENT_UNREGISTER), EV_PN, 0, 0),
			 SDEI_RET_DENIED);
	expect_nothing(f, 0);
	assert_int_equal(reg_event(f, 0, EV_PN, 0, 0), SDEI_RET_SUCCESS);

	/* A shared one unregistered from another PE, completed with resume. */
	bring_up(f, 1);
	arm_event(f, 1, EV_SN);
	unmask(f, 1);
	assert_int_equal(sdei_signal(f->fw.sdei, EV_SN, -1), 0);
	expect_delivery(f, 1, EV_SN);
	assert_int_equal(sdei(f, 0, FID(EVENT_UNREGISTER), EV_SN, 0, 0),
			 SDEI_RET_PENDING);
	assert_int_equal(status(f, 0, EV_SN), 4);
	assert_int_equal(reg_event(f, 0, EV_SN, 0, 0), SDEI_RET_DENIED);
	assert_int_equal(call(f, 1, FID(EVENT_COMPLETE_AND_RESUME), RESUME_PC, 0, 0),
			 SMCCC_CONTINUE);
	assert_int_equal(status(f, 0, EV_SN), 0);
	assert_int_equal(reg_event(f, 0, EV_SN, 0, 0), SDEI_RET_SUCCESS);
}

static void test_private_reset(void **state)
{
	struct fake *f = *state;

	bring_up(f, 1);
	arm_event(f, 0, EV_PN);
	arm_event(f, 0, 0);
	assert_int_equal(reg_event(f, 0, EV_PC, 0, 0), 0);
	arm_event(f, 1, EV_PN);
	arm_event(f, 0, EV_SN);
	assert_int_equal(sdei_signal(f->fw.sdei, EV_PN, 0), 0);

	assert_int_equal(sdei(f, 0, FID(PRIVATE_RESET), 0, 0, 0), SDEI_RET_SUCCESS);
	assert_int_equal(status(f, 0, 0), 0);
	assert_int_equal(status(f, 0, EV_PN), 0);
	assert_int_equal(status(f, 0, EV_PC), 0);
	/* Other PEs' private events and the shared ones stay. */
	assert_int_equal(status(f, 1, EV_PN), 3);
	assert_int_equal(status(f, 0, EV_SN), 3);
	/* The pending instance went with it. */
	arm_event(f, 0, EV_PN);
	unmask(f, 0);
	expect_nothing(f, 0);
	assert_int_equal(sdei(f, 0, FID(PRIVATE_RESET), 0, 0, 0), SDEI_RET_SUCCESS);

	/* From inside a handler: that one becomes unregister-pending, DENIED. */
	arm_event(f, 1, EV_PC);
	unmask(f, 1);
	set_context(f, 1, 1);
	assert_int_equal(sdei_signal(f->fw.sdei, EV_PN, 1), 0);
	expect_delivery(f, 1, EV_PN);
	assert_int_equal(sdei(f, 1, FID(PRIVATE_RESET), 0, 0, 0), SDEI_RET_DENIED);
	assert_int_equal(status(f, 1, EV_PN), 4);
	assert_int_equal(status(f, 1, EV_PC), 0);
	complete(f, 1);
	expect_context(f, 1, 1);
	assert_int_equal(status(f, 1, EV_PN), 0);
	assert_int_equal(sdei(f, 1, FID(PRIVATE_RESET), 0, 0, 0), SDEI_RET_SUCCESS);
}

static void test_shared_reset(void **state)
{
	struct fake *f = *state;

	arm_event(f, 0, EV_SN);
	assert_int_equal(reg_event(f, 0, EV_SC, 1, mpidr_of(0)), 0);
	arm_event(f, 0, EV_PN);
	assert_int_equal(sdei(f, 0, FID(INTERRUPT_BIND), UART_SPI, 0, 0), EV_BOUND);
	arm_event(f, 0, EV_BOUND);
	assert_int_equal(sdei_signal(f->fw.sdei, EV_SN, -1), 0);

	assert_int_equal(sdei(f, 0, FID(SHARED_RESET), 0, 0, 0), SDEI_RET_SUCCESS);
	assert_int_equal(status(f, 0, EV_SN), 0);
	assert_int_equal(status(f, 0, EV_SC), 0);
	assert_int_equal(status(f, 0, EV_BOUND), SDEI_RET_INVALID_PARAMETERS);
	assert_int_equal(status(f, 0, EV_PN), 3);
	assert_int_equal(sdei_events(f->fw.sdei, NULL, 0), 5);
	/* The pending instance went too. */
	arm_event(f, 0, EV_SN);
	unmask(f, 0);
	expect_nothing(f, 0);

	/* A shared handler running: unregister-pending, bindings kept, DENIED. */
	assert_int_equal(sdei(f, 0, FID(INTERRUPT_BIND), OTHER_SPI, 0, 0), EV_BOUND);
	set_context(f, 0, 1);
	assert_int_equal(sdei_signal(f->fw.sdei, EV_SN, -1), 0);
	expect_delivery(f, 0, EV_SN);
	assert_int_equal(sdei(f, 0, FID(SHARED_RESET), 0, 0, 0), SDEI_RET_DENIED);
	assert_int_equal(status(f, 0, EV_SN), 4);
	assert_int_equal(status(f, 0, EV_BOUND), 0);
	complete(f, 0);
	expect_context(f, 0, 1);
	assert_int_equal(status(f, 0, EV_SN), 0);
	assert_int_equal(sdei(f, 0, FID(SHARED_RESET), 0, 0, 0), SDEI_RET_SUCCESS);
	assert_int_equal(status(f, 0, EV_BOUND), SDEI_RET_INVALID_PARAMETERS);
}

/* ---- routing ---- */

static void test_routing(void **state)
{
	struct fake *f = *state;
	unsigned int i;

	for (i = 1; i < 4; i++) {
		bring_up(f, i);
		unmask(f, i);
	}
	unmask(f, 0);

	/* RM_PE: only the PE named takes it, and only it is kicked. */
	assert_int_equal(reg_event(f, 0, EV_SN, 1, mpidr_of(2)), 0);
	assert_int_equal(sdei(f, 0, FID(EVENT_ENABLE), EV_SN, 0, 0), 0);
	clear_kicks(f);
	assert_int_equal(sdei_signal(f->fw.sdei, EV_SN, -1), 0);
	for (i = 0; i < NR_VCPUS; i++)
		assert_int_equal(kicks(f, i), i == 2);
	expect_nothing(f, 0);
	expect_nothing(f, 1);
	expect_nothing(f, 3);
	expect_delivery(f, 2, EV_SN);
	complete(f, 2);

	/* ROUTING_SET: shared, registered, disabled, not running. */
	assert_int_equal(sdei(f, 0, FID(EVENT_ROUTING_SET), EV_SN, 0, 0),
			 SDEI_RET_DENIED);	/* enabled */
	assert_int_equal(sdei(f, 0, FID(EVENT_DISABLE), EV_SN, 0, 0), 0);
	assert_int_equal(sdei(f, 0, FID(EVENT_ROUTING_SET), EV_PN, 0, 0),
			 SDEI_RET_INVALID_PARAMETERS);
	assert_int_equal(sdei(f, 0, FID(EVENT_ROUTING_SET), EV_SN, 2, 0),
			 SDEI_RET_INVALID_PARAMETERS);
	assert_int_equal(sdei(f, 0, FID(EVENT_ROUTING_SET), EV_SN, 1, 0x0f00),
			 SDEI_RET_INVALID_PARAMETERS);
	assert_int_equal(sdei(f, 0, FID(EVENT_ROUTING_SET), EV_SN, 1,
			      MPIDR_RES1 | mpidr_of(1)), SDEI_RET_INVALID_PARAMETERS);
	assert_int_equal(sdei(f, 0, FID(EVENT_ROUTING_SET), EV_SC, 0, 0),
			 SDEI_RET_DENIED);	/* unregistered */
	assert_int_equal(sdei(f, 0, FID(EVENT_ROUTING_SET), EV_SN, 1, mpidr_of(3)), 0);
	assert_int_equal(info(f, 0, EV_SN, 3), SDEI_ROUTING_PE);
	assert_int_equal(info(f, 0, EV_SN, 4), mpidr_of(3));
	assert_int_equal(sdei(f, 0, FID(EVENT_ROUTING_SET), EV_SN, 0, 0), 0);
	assert_int_equal(info(f, 0, EV_SN, 3), SDEI_ROUTING_ANY);
	assert_int_equal(info(f, 0, EV_SN, 4), SDEI_RET_INVALID_PARAMETERS);

	/* RM_ANY: every PE that can take it is kicked; the first one wins. */
	assert_int_equal(sdei(f, 0, FID(EVENT_ENABLE), EV_SN, 0, 0), 0);
	assert_int_equal(sdei(f, 3, FID(PE_MASK), 0, 0, 0), 1);
	clear_kicks(f);
	assert_int_equal(sdei_signal(f->fw.sdei, EV_SN, -1), 0);
	for (i = 0; i < NR_VCPUS; i++)
		assert_int_equal(kicks(f, i), i < 3);
	expect_delivery(f, 1, EV_SN);
	expect_nothing(f, 0);
	expect_nothing(f, 2);
	/* Running: disabled or not, ROUTING_SET is refused. */
	assert_int_equal(sdei(f, 1, FID(EVENT_DISABLE), EV_SN, 0, 0), 0);
	assert_int_equal(sdei(f, 1, FID(EVENT_ROUTING_SET), EV_SN, 0, 0),
			 SDEI_RET_DENIED);
	assert_int_equal(sdei(f, 1, FID(EVENT_ENABLE), EV_SN, 0, 0), 0);
	/* Raised while it runs: waits for the completion, then goes anywhere. */
	clear_kicks(f);
	assert_int_equal(sdei_signal(f->fw.sdei, EV_SN, -1), 0);
	for (i = 0; i < NR_VCPUS; i++)
		assert_int_equal(kicks(f, i), 0);
	expect_nothing(f, 0);
	/* The handler masks its PE and completes: the others are kicked. */
	assert_int_equal(sdei(f, 1, FID(PE_MASK), 0, 0, 0), 1);
	complete(f, 1);
	for (i = 0; i < NR_VCPUS; i++)
		assert_int_equal(kicks(f, i), i == 0 || i == 2);
	expect_nothing(f, 1);
	expect_delivery(f, 2, EV_SN);
	expect_nothing(f, 0);
	complete(f, 2);
}

/* Enabling a shared event with an instance pending kicks who can take it. */
static void test_enable_kicks(void **state)
{
	struct fake *f = *state;
	unsigned int i;

	for (i = 1; i < 3; i++) {
		bring_up(f, i);
		unmask(f, i);
	}
	unmask(f, 0);
	assert_int_equal(reg_event(f, 0, EV_SC, 0, 0), 0);
	assert_int_equal(sdei_signal(f->fw.sdei, EV_SC, -1), 0);
	clear_kicks(f);
	assert_int_equal(sdei(f, 0, FID(EVENT_ENABLE), EV_SC, 0, 0), 0);
	for (i = 0; i < NR_VCPUS; i++)
		assert_int_equal(kicks(f, i), i == 1 || i == 2);
	expect_delivery(f, 0, EV_SC);
	expect_nothing(f, 1);
	complete(f, 0);

	/* A private event: only the caller, which looks before re-entering. */
	assert_int_equal(reg_event(f, 1, EV_PN, 0, 0), 0);
	assert_int_equal(sdei_signal(f->fw.sdei, EV_PN, 1), 0);
	clear_kicks(f);
	assert_int_equal(sdei(f, 1, FID(EVENT_ENABLE), EV_PN, 0, 0), 0);
	assert_int_equal(kicks(f, 1), 0);
	expect_delivery(f, 1, EV_PN);
}

/* ---- interrupt binding ---- */

static void test_bind_and_release(void **state)
{
	struct fake *f = *state;
	uint32_t lines[3] = { UART_SPI, OTHER_SPI, EXTRA_SPI };
	struct sdei_config cfg = default_sdei_config();
	struct sdei_event_info evs[8];
	struct fake *g;

	/* SGIs, PPIs, lines hvmm does not drive. */
	assert_int_equal(sdei(f, 0, FID(INTERRUPT_BIND), 1, 0, 0),
			 SDEI_RET_INVALID_PARAMETERS);
	assert_int_equal(sdei(f, 0, FID(INTERRUPT_BIND), 27, 0, 0),
			 SDEI_RET_INVALID_PARAMETERS);
	assert_int_equal(sdei(f, 0, FID(INTERRUPT_BIND), 40, 0, 0),
			 SDEI_RET_INVALID_PARAMETERS);
	assert_int_equal(sdei(f, 0, FID(INTERRUPT_BIND), (1ULL << 32) | UART_SPI,
			      0, 0), SDEI_RET_INVALID_PARAMETERS);
	/* A bound line answers with its event. */
	assert_int_equal(sdei(f, 0, FID(INTERRUPT_BIND), UART_SPI, 0, 0), EV_BOUND);
	assert_int_equal(sdei(f, 1, FID(INTERRUPT_BIND), UART_SPI, 0, 0), EV_BOUND);
	assert_int_equal(sdei(f, 0, FID(INTERRUPT_BIND), OTHER_SPI, 0, 0),
			 EV_BOUND + 1);
	assert_int_equal(sdei_events(f->fw.sdei, evs, 8), 7);
	assert_true(evs[5].bound);
	assert_int_equal(evs[5].num, EV_BOUND);
	assert_int_equal(evs[5].intid, UART_SPI);
	assert_int_equal(evs[6].intid, OTHER_SPI);
	assert_false(evs[4].bound);

	/* Release: bound events only, unregistered and not running. */
	assert_int_equal(sdei(f, 0, FID(INTERRUPT_RELEASE), EV_SN, 0, 0),
			 SDEI_RET_INVALID_PARAMETERS);
	assert_int_equal(sdei(f, 0, FID(INTERRUPT_RELEASE), 0, 0, 0),
			 SDEI_RET_INVALID_PARAMETERS);
	assert_int_equal(reg_event(f, 0, EV_BOUND, 0, 0), 0);
	assert_int_equal(sdei(f, 0, FID(INTERRUPT_RELEASE), EV_BOUND, 0, 0),
			 SDEI_RET_DENIED);
	assert_int_equal(sdei(f, 0, FID(EVENT_UNREGISTER), EV_BOUND, 0, 0), 0);
	assert_int_equal(sdei(f, 0, FID(INTERRUPT_RELEASE), EV_BOUND, 0, 0), 0);
	assert_int_equal(sdei(f, 0, FID(INTERRUPT_RELEASE), EV_BOUND, 0, 0),
			 SDEI_RET_INVALID_PARAMETERS);
	assert_int_equal(status(f, 0, EV_BOUND), SDEI_RET_INVALID_PARAMETERS);
	assert_int_equal(status(f, 0, EV_BOUND + 1), 0);
	/* The lowest free slot is taken again, for another line. */
	assert_int_equal(sdei(f, 0, FID(INTERRUPT_BIND), UART_SPI, 0, 0), EV_BOUND);

	/* Fewer slots than lines: OUT_OF_RESOURCE when they are used up. */
	cfg.bindable_intids = lines;
	cfg.nr_bindable = 3;
	cfg.nr_bind_slots = 2;
	g = fake_new_cfg(&cfg);
	assert_int_equal(sdei(g, 0, FID(FEATURES), 0, 0, 0), 2 << 16);
	assert_int_equal(sdei(g, 0, FID(INTERRUPT_BIND), EXTRA_SPI, 0, 0), EV_BOUND);
	assert_int_equal(sdei(g, 0, FID(INTERRUPT_BIND), UART_SPI, 0, 0), EV_BOUND + 1);
	assert_int_equal(sdei(g, 0, FID(INTERRUPT_BIND), OTHER_SPI, 0, 0),
			 SDEI_RET_OUT_OF_RESOURCE);
	assert_int_equal(sdei(g, 0, FID(INTERRUPT_BIND), UART_SPI, 0, 0), EV_BOUND + 1);
	assert_int_equal(sdei(g, 0, FID(INTERRUPT_RELEASE), EV_BOUND, 0, 0), 0);
	assert_int_equal(sdei(g, 0, FID(INTERRUPT_BIND), OTHER_SPI, 0, 0), EV_BOUND);
	fake_free(g);
}

static void test_interrupt_lines(void **state)
{
	struct fake *f = *state;

	/* Lines not bound, or not hvmm's to bind: the caller delivers them. */
	assert_false(firmware_interrupt(&f->fw, UART_SPI, 1));
	assert_false(firmware_interrupt(&f->fw, 40, 1));
	assert_false(sdei_interrupt(NULL, UART_SPI, 1));
	/* Bound while high: nothing until the next rising edge. */
	assert_int_equal(sdei(f, 0, FID(INTERRUPT_BIND), UART_SPI, 0, 0), EV_BOUND);
	arm_event(f, 0, EV_BOUND);
	unmask(f, 0);
	assert_true(firmware_interrupt(&f->fw, UART_SPI, 1));
	expect_nothing(f, 0);
	assert_int_equal(kicks(f, 0), 0);
	assert_true(firmware_interrupt(&f->fw, UART_SPI, 0));
	expect_nothing(f, 0);

	set_context(f, 0, 1);
	assert_true(firmware_interrupt(&f->fw, UART_SPI, 1));
	assert_int_equal(kicks(f, 0), 1);
	expect_delivery(f, 0, EV_BOUND);
	/* Staying high raises nothing more; a new edge while it runs waits. */
	assert_true(firmware_interrupt(&f->fw, UART_SPI, 1));
	assert_true(firmware_interrupt(&f->fw, UART_SPI, 0));
	assert_true(firmware_interrupt(&f->fw, UART_SPI, 2));
	expect_nothing(f, 0);
	complete(f, 0);
	expect_context(f, 0, 1);
	expect_delivery(f, 0, EV_BOUND);
	complete(f, 0);
	assert_true(firmware_interrupt(&f->fw, UART_SPI, 1));
	expect_nothing(f, 0);
	/* Masked: latched until unmasked. */
	assert_true(firmware_interrupt(&f->fw, UART_SPI, 0));
	assert_int_equal(sdei(f, 0, FID(PE_MASK), 0, 0, 0), 1);
	assert_true(firmware_interrupt(&f->fw, UART_SPI, 1));
	expect_nothing(f, 0);
	unmask(f, 0);
	expect_delivery(f, 0, EV_BOUND);
	complete(f, 0);

	/* Released: the line is the interrupt controller's again. */
	assert_int_equal(sdei(f, 0, FID(EVENT_UNREGISTER), EV_BOUND, 0, 0), 0);
	assert_int_equal(sdei(f, 0, FID(INTERRUPT_RELEASE), EV_BOUND, 0, 0), 0);
	assert_false(firmware_interrupt(&f->fw, UART_SPI, 0));
	assert_false(firmware_interrupt(&f->fw, UART_SPI, 1));
}

/* ---- signals ---- */

static void test_event_signal(void **state)
{
	struct fake *f = *state;

	bring_up(f, 1);
	bring_up(f, 5);
	/* Only event 0, only to a PE that exists. */
	assert_int_equal(sdei(f, 0, FID(EVENT_SIGNAL), EV_PN, mpidr_of(1), 0),
			 SDEI_RET_INVALID_PARAMETERS);
	assert_int_equal(sdei(f, 0, FID(EVENT_SIGNAL), 0, 0x300, 0),
			 SDEI_RET_INVALID_PARAMETERS);
	assert_int_equal(sdei(f, 0, FID(EVENT_SIGNAL), 0, MPIDR_RES1 | mpidr_of(1), 0),
			 SDEI_RET_INVALID_PARAMETERS);
	assert_int_equal(sdei(f, 0, FID(EVENT_SIGNAL), 1ULL << 32, mpidr_of(1), 0),
			 SDEI_RET_INVALID_PARAMETERS);

	/* Across PEs: the target is kicked and takes it. */
	arm_event(f, 1, 0);
	unmask(f, 1);
	clear_kicks(f);
	set_context(f, 1, 1);
	assert_int_equal(sdei(f, 0, FID(EVENT_SIGNAL), 0, mpidr_of(1), 0), 0);
	assert_int_equal(kicks(f, 1), 1);
	assert_int_equal(kicks(f, 0), 0);
	expect_nothing(f, 0);
	expect_delivery(f, 1, 0);
	complete(f, 1);
	expect_context(f, 1, 1);

	/* To itself: no kick needed, taken before it re-enters the guest. */
	assert_int_equal(sdei(f, 1, FID(EVENT_SIGNAL), 0, mpidr_of(1), 0), 0);
	assert_int_equal(kicks(f, 1), 1);
	expect_delivery(f, 1, 0);
	complete(f, 1);

	/* Latched on a masked target, or one without event 0 registered. */
	assert_int_equal(sdei(f, 1, FID(PE_MASK), 0, 0, 0), 1);
	assert_int_equal(sdei(f, 0, FID(EVENT_SIGNAL), 0, mpidr_of(1), 0), 0);
	assert_int_equal(sdei(f, 0, FID(EVENT_SIGNAL), 0, mpidr_of(1), 0), 0);
	assert_int_equal(sdei(f, 0, FID(EVENT_SIGNAL), 0, mpidr_of(5), 0), 0);
	assert_int_equal(kicks(f, 1), 1);
	assert_int_equal(kicks(f, 5), 0);
	expect_nothing(f, 1);
	unmask(f, 1);
	expect_delivery(f, 1, 0);
	complete(f, 1);
	expect_nothing(f, 1);		/* one instance */
	expect_nothing(f, 5);
	arm_event(f, 5, 0);
	unmask(f, 5);
	expect_delivery(f, 5, 0);
}

static void test_host_signal(void **state)
{
	struct fake *f = *state;

	assert_int_equal(sdei_signal(f->fw.sdei, EV_PN, -1), -EINVAL);
	assert_int_equal(sdei_signal(f->fw.sdei, EV_PN, NR_VCPUS), -EINVAL);
	assert_int_equal(sdei_signal(f->fw.sdei, EV_SN, 0), -EINVAL);
	assert_int_equal(sdei_signal(f->fw.sdei, EV_SN, -2), -EINVAL);
	assert_int_equal(sdei_signal(f->fw.sdei, 1234, 0), -ENOENT);
	assert_int_equal(sdei_signal(f->fw.sdei, EV_BOUND, -1), -ENOENT);
	assert_int_equal(sdei_signal(NULL, EV_PN, 0), -EINVAL);

	/* A per-vCPU private event, as for asynchronous page faults. */
	bring_up(f, 1);
	bring_up(f, 2);
	arm_event(f, 1, EV_PN);
	arm_event(f, 2, EV_PN);
	unmask(f, 1);
	unmask(f, 2);
	clear_kicks(f);
	assert_int_equal(sdei_signal(f->fw.sdei, EV_PN, 2), 0);
	assert_int_equal(kicks(f, 2), 1);
	assert_int_equal(kicks(f, 1), 0);
	expect_nothing(f, 1);
	expect_delivery(f, 2, EV_PN);
	assert_int_equal(sdei_event_status(f->fw.sdei, EV_PN, 2), 7);
	assert_int_equal(sdei_event_status(f->fw.sdei, EV_PN, 1), 3);

	/* Bound events can be injected too. */
	assert_int_equal(sdei(f, 0, FID(INTERRUPT_BIND), UART_SPI, 0, 0), EV_BOUND);
	arm_event(f, 1, EV_BOUND);
	assert_int_equal(sdei_signal(f->fw.sdei, EV_BOUND, -1), 0);
	expect_delivery(f, 1, EV_BOUND);
}

/* ---- power ---- */

static void test_power(void **state)
{
	struct fake *f = *state;

	/* A shared event for a PE that is off waits for it to come up. */
	assert_int_equal(reg_event(f, 0, EV_SN, 1, mpidr_of(3)), 0);
	assert_int_equal(sdei(f, 0, FID(EVENT_ENABLE), EV_SN, 0, 0), 0);
	unmask(f, 0);
	assert_int_equal(sdei_signal(f->fw.sdei, EV_SN, -1), 0);
	assert_int_equal(kicks(f, 3), 0);
	assert_false(sdei_vcpu_has_deliverable(f->fw.sdei, 3));
	expect_nothing(f, 0);
	assert_int_equal(prepare(f, 3), 0);
	/* CPU_ON: it starts masked, so it takes the event once it unmasks. */
	assert_int_equal(sdei(f, 0, PSCI_FID64(PSCI_FN_CPU_ON), mpidr_of(3),
			      RAM_BASE + 0x3000, 0), 0);
	assert_int_equal(prepare(f, 3), 1);
	assert_int_equal(f->host.v[3].reg[FW_REG_PC], RAM_BASE + 0x3000);
	assert_true(sdei_vcpu_masked(f->fw.sdei, 3));
	expect_nothing(f, 3);
	unmask(f, 3);
	set_context(f, 3, 1);
	expect_delivery(f, 3, EV_SN);
	complete(f, 3);
	expect_context(f, 3, 1);

	/* A private event pending on a PE that goes off is cleared by CPU_ON. */
	arm_event(f, 3, EV_PN);
	assert_int_equal(reg_event(f, 3, EV_PC, 0, 0), 0);
	cpu_off(f, 3);
	assert_int_equal(sdei_signal(f->fw.sdei, EV_PN, 3), 0);
	assert_int_equal(sdei(f, 0, FID(EVENT_SIGNAL), 0, mpidr_of(3), 0), 0);
	assert_int_equal(kicks(f, 3), 1);	/* from the CPU_ON only */
	assert_int_equal(prepare(f, 3), 0);
	assert_int_equal(sdei(f, 0, PSCI_FID64(PSCI_FN_CPU_ON), mpidr_of(3),
			      RAM_BASE + 0x3000, 0), 0);
	assert_int_equal(prepare(f, 3), 1);
	/* Fresh: masked, no private registrations, nothing pending. */
	assert_int_equal(status(f, 3, EV_PN), 0);
	assert_int_equal(status(f, 3, EV_PC), 0);
	assert_int_equal(sdei(f, 3, FID(PE_MASK), 0, 0, 0), 0);
	arm_event(f, 3, EV_PN);
	arm_event(f, 3, 0);
	unmask(f, 3);
	expect_nothing(f, 3);
	/* Shared registrations are not the PE's: they stay. */
	assert_int_equal(status(f, 3, EV_SN), 3);
}

static void test_power_status_of_off_pe(void **state)
{
	struct fake *f = *state;

	/* Registrations of a PE that went off stay visible until CPU_ON. */
	bring_up(f, 2);
	arm_event(f, 2, EV_PN);
	cpu_off(f, 2);
	assert_int_equal(status(f, 0, EV_PN), 0);
	assert_int_equal(sdei_event_status(f->fw.sdei, EV_PN, 2), 3);
	assert_int_equal(prepare(f, 2), 0);
	assert_int_equal(sdei_event_status(f->fw.sdei, EV_PN, 2), 3);
	bring_up(f, 2);
	assert_int_equal(sdei_event_status(f->fw.sdei, EV_PN, 2), 0);
}

/* A PE that turns itself off inside a shared handler gives the event up. */
static void test_cpu_off_in_handler(void **state)
{
	struct fake *f = *state;

	bring_up(f, 1);
	unmask(f, 0);
	unmask(f, 1);
	arm_event(f, 0, EV_SN);
	assert_int_equal(sdei(f, 0, FID(PE_MASK), 0, 0, 0), 1);
	assert_int_equal(sdei_signal(f->fw.sdei, EV_SN, -1), 0);
	expect_delivery(f, 1, EV_SN);
	unmask(f, 0);
	assert_int_equal(sdei_signal(f->fw.sdei, EV_SN, -1), 0);
	expect_nothing(f, 0);
	clear_kicks(f);
	cpu_off(f, 1);
	assert_int_equal(status(f, 0, EV_SN), 3);
	assert_int_equal(kicks(f, 0), 1);
	expect_delivery(f, 0, EV_SN);
	/* A failed CPU_OFF keeps the PE on for SDEI too. */
	bring_up(f, 1);
	unmask(f, 1);
	arm_event(f, 1, EV_PN);
	f->host.v[1].fail_mp_state = EIO;
	assert_int_equal(call(f, 1, PSCI_FID32(PSCI_FN_CPU_OFF), 0, 0, 0), SMCCC_FAILED);
	f->host.v[1].fail_mp_state = 0;
	assert_int_equal(psci_cpu_state(&f->fw.psci, 1), PSCI_CPU_STATE_ON);
	assert_int_equal(sdei_signal(f->fw.sdei, EV_PN, 1), 0);
	expect_delivery(f, 1, EV_PN);
}

static void suspend_then_event(struct fake *f, bool powerdown)
{
	struct fake_vcpu *v = &f->host.v[1];
	uint64_t pc;

	bring_up(f, 1);
	arm_event(f, 1, EV_PN);
	unmask(f, 1);

	/* Suspended with nothing to deliver: KVM waits, the suspend goes on. */
	if (powerdown)
		assert_int_equal(call(f, 1, PSCI_FID64(PSCI_FN_CPU_SUSPEND),
				      PSCI_PSTATE_EXTENDED_POWERDOWN,
				      RAM_BASE + 0x700, 0x77), SMCCC_CONTINUE);
	else
		assert_int_equal(sdei(f, 1, PSCI_FID32(PSCI_FN_CPU_SUSPEND),
				      PSCI_PSTATE_EXTENDED_STANDBY, 0, 0), 0);
	pc = v->reg[FW_REG_PC];
	assert_int_equal(prepare(f, 1), 1);
	assert_int_equal(v->written_now, 0);
	assert_int_equal(psci_cpu_state(&f->fw.psci, 1), PSCI_CPU_STATE_SUSPENDED);
	assert_int_equal(v->mp_state, FW_MP_SUSPENDED);

	/* An event: the suspend completes first, then the handler runs. */
	assert_int_equal(sdei_signal(f->fw.sdei, EV_PN, 1), 0);
	assert_int_equal(kicks(f, 1), 2);	/* CPU_ON, then the event */
	assert_int_equal(prepare(f, 1), 1);
	assert_int_equal(psci_cpu_state(&f->fw.psci, 1), PSCI_CPU_STATE_ON);
	assert_int_equal(v->mp_state, FW_MP_RUNNABLE);
	assert_int_equal(v->reg[FW_REG_PC], ENTRY(EV_PN));
	assert_int_equal(v->reg[0], EV_PN);
	if (powerdown) {
		/* Warm boot to the entry point, which the handler interrupts. */
		assert_int_equal(v->resets, 2);
		assert_int_equal(v->reg[2], RAM_BASE + 0x700);
		assert_int_equal(v->reg[3], FW_PSTATE_EL1H_DAIF);
		assert_int_equal(sdei(f, 1, FID(EVENT_CONTEXT), 0, 0, 0), 0x77);
	} else {
		/* The standby call returns SUCCESS, then the handler. */
		assert_int_equal(v->resets, 1);
		assert_int_equal(v->reg[2], pc);
		assert_int_equal(sdei(f, 1, FID(EVENT_CONTEXT), 0, 0, 0), 0);
	}
	complete(f, 1);
	assert_int_equal(v->reg[FW_REG_PC], powerdown ? RAM_BASE + 0x700 : pc);
}

static void test_cpu_suspend_standby(void **state)
{
	suspend_then_event(*state, false);
}

static void test_cpu_suspend_powerdown(void **state)
{
	suspend_then_event(*state, true);
}

/* SYSTEM_SUSPEND is ended by the VMM, not by an event. */
static void test_system_suspend_waits(void **state)
{
	struct fake *f = *state;

	arm_event(f, 0, EV_PN);
	unmask(f, 0);
	assert_int_equal(call(f, 0, PSCI_FID64(PSCI_FN_SYSTEM_SUSPEND),
			      RAM_BASE + 0x900, 5, 0), SMCCC_SYSTEM_SUSPEND);
	assert_int_equal(sdei_signal(f->fw.sdei, EV_PN, 0), 0);
	assert_int_equal(prepare(f, 0), 0);
	assert_int_equal(psci_cpu_state(&f->fw.psci, 0), PSCI_CPU_STATE_SUSPENDED);
	fake_host_enter(&f->host, 0);
	assert_int_equal(firmware_vcpu_wakeup(&f->fw, 0), 0);
	fake_host_leave(&f->host, 0);
	assert_int_equal(f->host.v[0].reg[FW_REG_PC], RAM_BASE + 0x900);
	expect_delivery(f, 0, EV_PN);
	assert_int_equal(f->host.v[0].reg[2], RAM_BASE + 0x900);
}

/* ---- reset ---- */

static void test_reset(void **state)
{
	struct fake *f = *state;
	struct sdei_event_info evs[8];
	unsigned int i;

	bring_up(f, 1);
	arm_event(f, 0, EV_PN);
	arm_event(f, 1, EV_SN);
	assert_int_equal(sdei(f, 0, FID(INTERRUPT_BIND), UART_SPI, 0, 0), EV_BOUND);
	unmask(f, 0);
	unmask(f, 1);
	assert_int_equal(sdei_signal(f->fw.sdei, EV_PN, 0), 0);
	expect_delivery(f, 0, EV_PN);
	assert_int_equal(sdei_signal(f->fw.sdei, EV_SN, -1), 0);
	assert_int_equal(sdei_signal(f->fw.sdei, EV_PN, 1), 0);

	firmware_reset(&f->fw);
	for (i = 0; i < NR_VCPUS; i++) {
		assert_true(sdei_vcpu_masked(f->fw.sdei, i));
		assert_int_equal(sdei_event_status(f->fw.sdei, EV_PN, i), 0);
	}
	assert_int_equal(sdei_event_status(f->fw.sdei, EV_SN, 0), 0);
	assert_int_equal(sdei_events(f->fw.sdei, evs, 8), 5);
	for (i = 0; i < 5; i++)
		assert_int_equal(evs[i].delivered, 0);
	assert_false(firmware_interrupt(&f->fw, UART_SPI, 1));
	assert_int_equal(sdei(f, 0, FID(EVENT_COMPLETE), 0, 0, 0), SDEI_RET_DENIED);
	/* vCPU 0 on, the others off; nothing pending anywhere. */
	arm_event(f, 0, EV_PN);
	arm_event(f, 0, EV_SN);
	unmask(f, 0);
	expect_nothing(f, 0);
	assert_int_equal(prepare(f, 1), 0);
	assert_int_equal(sdei_signal(f->fw.sdei, EV_SN, -1), 0);
	expect_delivery(f, 0, EV_SN);
	/* sdei_reset alone too. */
	sdei_reset(f->fw.sdei);
	assert_int_equal(status(f, 0, EV_SN), 0);
	assert_int_equal(sdei(f, 0, FID(PE_MASK), 0, 0, 0), 0);
}

/* SDEI follows PSCI's boot vCPU. */
static void test_boot_cpu_not_zero(void **state)
{
	struct sdei_config sdei = default_sdei_config();
	struct psci_config psci = {
		.nr_cpus = NR_VCPUS, .mpidrs = fake_mpidrs, .boot_cpu = 2,
		.nr_enabled = NR_VCPUS,
	};
	struct fake *f = *state;
	struct firmware fw;

	assert_int_equal(firmware_init_psci_sdei(&fw, &f->host.fw_host, &psci, &sdei), 0);
	assert_int_equal(sdei_signal(fw.sdei, EV_SN, -1), 0);
	assert_true(fw.sdei->pe[2].on);
	assert_false(fw.sdei->pe[0].on);
	firmware_reset(&fw);
	assert_true(fw.sdei->pe[2].on);
	assert_false(fw.sdei->pe[0].on);
	firmware_destroy(&fw);
}

/* ---- views for hvmm stat, call counts ---- */

static void test_views(void **state)
{
	struct fake *f = *state;
	struct sdei_event_info evs[2];

	assert_int_equal(sdei_events(f->fw.sdei, evs, 2), 5);
	assert_int_equal(evs[0].num, 0);
	assert_int_equal(evs[0].type, SDEI_EVENT_PRIVATE);
	assert_int_equal(evs[1].num, EV_PN);
	assert_int_equal(sdei_events(NULL, evs, 2), 0);
	assert_int_equal(sdei_event_status(f->fw.sdei, 77, 0), -ENOENT);
	assert_int_equal(sdei_event_status(f->fw.sdei, EV_PN, NR_VCPUS), -EINVAL);
	assert_int_equal(sdei_event_status(f->fw.sdei, EV_SN, NR_VCPUS), 0);
	assert_int_equal(sdei_event_status(NULL, EV_SN, 0), -ENOENT);
	assert_true(sdei_vcpu_masked(NULL, 0));

	assert_int_equal(sdei(f, 0, FID(VERSION), 0, 0, 0) >> 48, 1);
	assert_int_equal(sdei(f, 0, FID(PE_UNMASK), 0, 0, 0), 0);
	assert_int_equal(sdei(f, 0, FID(PE_UNMASK), 0, 0, 0), 0);
	assert_int_equal(smccc_calls(f->fw.claims, FID(VERSION)), 1);
	assert_int_equal(smccc_calls(f->fw.claims, FID(PE_UNMASK)), 2);
	assert_int_equal(atomic_load(&f->fw.claims->unclaimed), 0);
}

/* ---- vCPU operations that fail ---- */

static void test_failures(void **state)
{
	struct fake *f = *state;
	struct fake_vcpu *v = &f->host.v[0];

	arm_event(f, 0, EV_SN);
	unmask(f, 0);
	bring_up(f, 1);
	unmask(f, 1);
	assert_int_equal(sdei_signal(f->fw.sdei, EV_SN, -1), 0);

	/* Delivery: the claim is undone, the event pending again. */
	v->fail_read = EIO;
	clear_kicks(f);
	assert_int_equal(prepare(f, 0), -EIO);
	assert_int_equal(kicks(f, 1), 1);	/* it can go elsewhere now */
	v->fail_read = 0;
	assert_int_equal(status(f, 0, EV_SN), 3);
	v->fail_write = EPERM;
	assert_int_equal(prepare(f, 0), -EPERM);
	v->fail_write = 0;
	assert_int_equal(status(f, 0, EV_SN), 3);
	set_context(f, 0, 1);
	expect_delivery(f, 0, EV_SN);

	/* Calls: a register that cannot be read or written fails the call. */
	v->fail_write = EIO;
	assert_int_equal(call(f, 0, FID(EVENT_COMPLETE), 0, 0, 0), SMCCC_FAILED);
	assert_int_equal(call(f, 0, FID(VERSION), 0, 0, 0), SMCCC_FAILED);
	v->fail_write = 0;
	assert_int_equal(status(f, 0, EV_SN), 7);	/* still running */
	v->fail_read = EIO;
	assert_int_equal(call(f, 0, FID(EVENT_COMPLETE_AND_RESUME), 0, 0, 0),
			 SMCCC_FAILED);
	assert_int_equal(call(f, 0, FID(EVENT_STATUS), EV_SN, 0, 0), SMCCC_FAILED);
	v->fail_read = 0;
	complete(f, 0);
	expect_context(f, 0, 1);

	/* Ending a CPU_SUSPEND for an event fails: prepare says so, and the
	 * vCPU stays suspended with the event pending. */
	arm_event(f, 1, EV_PN);
	assert_int_equal(sdei(f, 1, PSCI_FID32(PSCI_FN_CPU_SUSPEND),
			      PSCI_PSTATE_EXTENDED_STANDBY, 0, 0), 0);
	assert_int_equal(sdei_signal(f->fw.sdei, EV_PN, 1), 0);
	f->host.v[1].fail_mp_state = EIO;
	assert_int_equal(prepare(f, 1), -EIO);
	assert_int_equal(psci_cpu_state(&f->fw.psci, 1), PSCI_CPU_STATE_SUSPENDED);
	f->host.v[1].fail_mp_state = 0;
	expect_delivery(f, 1, EV_PN);
	assert_int_equal(psci_cpu_state(&f->fw.psci, 1), PSCI_CPU_STATE_ON);
}

/* ---- racing deliveries of one shared event ---- */

#define RACERS		6
#define RACE_ROUNDS	2000

struct racer {
	struct fake *f;
	unsigned int vcpu;
	pthread_barrier_t *start, *done;
	unsigned int wins, errors;
};

/* Racer threads must not use cmocka asserts: main checks their counts. */
static void *racer_main(void *arg)
{
	struct racer *r = arg;
	struct fake_vcpu *v = &r->f->host.v[r->vcpu];
	unsigned int round;

	fake_host_enter(&r->f->host, r->vcpu);
	for (round = 0; round < RACE_ROUNDS; round++) {
		pthread_barrier_wait(r->start);
		v->reg[FW_REG_PC] = GUEST_PC;
		if (firmware_vcpu_prepare(&r->f->fw, r->vcpu, false) != 1)
			r->errors++;
		if (v->reg[FW_REG_PC] == ENTRY(EV_SN)) {
			r->wins++;
			v->reg[FW_REG_X0] = FID(EVENT_COMPLETE);
			if (fw_call_hvc(&r->f->fw, r->vcpu, FID(EVENT_COMPLETE)) !=
			    SMCCC_CONTINUE || v->reg[FW_REG_PC] != GUEST_PC)
				r->errors++;
		}
		pthread_barrier_wait(r->done);
	}
	fake_host_leave(&r->f->host, r->vcpu);
	return NULL;
}

static void test_racing_shared_delivery(void **state)
{
	struct fake *f = *state;
	pthread_barrier_t start, done;
	pthread_t threads[RACERS];
	struct racer racers[RACERS];
	struct sdei_event_info evs[8];
	unsigned int i, round, wins = 0, bad_rounds = 0;

	for (i = 1; i <= RACERS; i++)
		bring_up(f, i);
	for (i = 1; i <= RACERS; i++)
		unmask(f, i);
	arm_event(f, 1, EV_SN);

	f->host.check_locks = false;
	assert_int_equal(pthread_barrier_init(&start, NULL, RACERS + 1), 0);
	assert_int_equal(pthread_barrier_init(&done, NULL, RACERS + 1), 0);
	for (i = 0; i < RACERS; i++) {
		racers[i] = (struct racer){
			.f = f, .vcpu = i + 1, .start = &start, .done = &done,
		};
		assert_int_equal(pthread_create(&threads[i], NULL, racer_main,
						&racers[i]), 0);
	}
	for (round = 0; round < RACE_ROUNDS; round++) {
		unsigned int before = 0, after = 0;

		for (i = 0; i < RACERS; i++)
			before += racers[i].wins;
		if (sdei_signal(f->fw.sdei, EV_SN, -1))
			bad_rounds++;
		pthread_barrier_wait(&start);
		pthread_barrier_wait(&done);
		for (i = 0; i < RACERS; i++)
			after += racers[i].wins;
		if (after != before + 1)	/* exactly one PE ran it */
			bad_rounds++;
	}
	for (i = 0; i < RACERS; i++) {
		assert_int_equal(pthread_join(threads[i], NULL), 0);
		assert_int_equal(racers[i].errors, 0);
		wins += racers[i].wins;
	}
	pthread_barrier_destroy(&start);
	pthread_barrier_destroy(&done);
	f->host.check_locks = true;

	assert_int_equal(bad_rounds, 0);
	assert_int_equal(wins, RACE_ROUNDS);
	assert_int_equal(sdei_events(f->fw.sdei, evs, 8), 5);
	assert_int_equal(evs[3].delivered, RACE_ROUNDS);
	assert_int_equal(status(f, 1, EV_SN), 3);
}

#define T(fn) cmocka_unit_test_setup_teardown(fn, setup, teardown)

int main(void)
{
	const struct CMUnitTest tests[] = {
		T(test_create_rejects_bad_config),
		T(test_range_and_names),
		T(test_version_and_features),
		T(test_not_supported),
		T(test_unknown_events),
		T(test_register_parameters),
		T(test_state_transitions),
		T(test_get_info),
		T(test_dispatch_contract),
		T(test_complete_and_resume),
		T(test_outside_a_handler),
		T(test_masking),
		T(test_priorities),
		T(test_unregister_while_running),
		T(test_private_reset),
		T(test_shared_reset),
		T(test_routing),
		T(test_enable_kicks),
		T(test_bind_and_release),
		T(test_interrupt_lines),
		T(test_event_signal),
		T(test_host_signal),
		T(test_power),
		T(test_power_status_of_off_pe),
		T(test_cpu_off_in_handler),
		T(test_cpu_suspend_standby),
		T(test_cpu_suspend_powerdown),
		T(test_system_suspend_waits),
		T(test_reset),
		T(test_boot_cpu_not_zero),
		T(test_views),
		T(test_failures),
		T(test_racing_shared_delivery),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
