/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Unit tests for the async-pf service (protocol version 1, docs/async-pf.md)
 * over the fake vCPU host: guest calls through firmware_call, faults and
 * landings through firmware_apf_fault and firmware_apf_page_ready, SDEI
 * deliveries through firmware_vcpu_prepare, the paths the VMM uses. The
 * IDs and codes are written out from the protocol, not taken from the code
 * under test. Any threading or locking violation the fake counts fails.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "tests/unit/apf_fixture.h"

/* ---- discovery and bad parameters ---- */

static void test_version_and_names(void **state)
{
	struct fake *f = *state;
	static const char *const names[] = { "APF_VERSION", "APF_ENABLE", "APF_DISABLE", "APF_TAKE" };

	assert_int_equal(x0(f, 0, VERSION, 0, 0, 0), 0x10001);   /* 1.1 */
	for (unsigned int i = 0; i < 4; i++)
		assert_string_equal(smccc_function_name(f->fw.claims, VERSION + i), names[i]);
	assert_null(smccc_claim_of(f->fw.claims, VERSION + 4));
	assert_null(smccc_claim_of(f->fw.claims, VERSION - 1));
	assert_int_equal(smccc_calls(f->fw.claims, VERSION), 1);
	assert_true(firmware_apf_active(&f->fw));
}

/* Without lazy memory, or without SDEI, the range is not claimed. */
static void test_unclaimed_without_lazy_mem_or_sdei(void **state)
{
	(void)state;
	for (int k = 0; k < 2; k++) {
		struct fake *f = fake_new_cfg(k == 1, k == 0);
		struct apf_vcpu_counts c;

		assert_null(smccc_claim_of(f->fw.claims, VERSION));
		assert_int_equal(x0(f, 0, VERSION, 0, 0, 0), NOT_SUPPORTED);
		assert_int_equal(x0(f, 0, ENABLE, NP, RDY, 0), NOT_SUPPORTED);
		assert_false(firmware_apf_active(&f->fw));
		assert_int_equal(fault(f, 0, PAGE(0)), 0);
		land(f, PAGE(0));
		assert_int_equal(firmware_apf_counts(&f->fw, 0, &c), -EINVAL);
		teardown((void **)&f);
	}
}

static void test_enable_bad_parameters(void **state)
{
	struct fake *f = *state;

	assert_int_equal(x0(f, 0, ENABLE, NP, RDY, 4), INVALID);        /* unknown flag */
	assert_int_equal(x0(f, 0, ENABLE, NP, RDY, 2), INVALID);        /* 3001 is no PPI */
	assert_int_equal(x0(f, 0, ENABLE, NP, RDY, 1ULL << 63), INVALID);
	assert_int_equal(x0(f, 0, ENABLE, NP, NP, 0), INVALID);         /* the same event */
	assert_int_equal(x0(f, 0, ENABLE, 4242, RDY, 0), INVALID);      /* no such event */
	assert_int_equal(x0(f, 0, ENABLE, NP, 0, 0), INVALID);          /* event 0 */
	assert_int_equal(x0(f, 0, ENABLE, SN, RDY, 0), INVALID);        /* shared */
	assert_int_equal(x0(f, 0, ENABLE, NP, PC, 0), INVALID);         /* critical */
	assert_int_equal(x0(f, 0, ENABLE, NP | (1ULL << 32), RDY, 0), INVALID);
	assert_int_equal(x0(f, 0, ENABLE, NP, RDY | (1ULL << 40), 0), INVALID);
	assert_int_equal(x0(f, 0, DISABLE, 0, 0, 0), DENIED);           /* never enabled */
	/* Any private normal platform event will do, 1000 too. */
	assert_int_equal(x0(f, 0, ENABLE, PN, OTHER, 1), 0);
	assert_int_equal(x0(f, 0, ENABLE, NP, RDY, 0), DENIED);         /* already enabled */
	assert_int_equal(x0(f, 0, DISABLE, 0, 0, 0), 0);
	assert_int_equal(x0(f, 0, DISABLE, 0, 0, 0), DENIED);
	assert_int_equal(x0(f, 0, ENABLE, NP, RDY, 0), 0);
}

static void test_take_bad_parameters(void **state)
{
	struct fake *f = *state;
	uint64_t t[16];

	assert_int_equal(take(f, 0, 2, t), INVALID);
	assert_int_equal(take(f, 0, 1ULL << 32, t), INVALID);
	assert_int_equal(take(f, 0, ~0ULL, t), INVALID);
	/* Disabled, or enabled with nothing: count 0. */
	assert_int_equal(take(f, 0, 0, t), 0);
	assert_int_equal(take(f, 0, 1, t), 0);
	guest_setup(f, 0, 0);
	assert_int_equal(take(f, 0, 0, t), 0);
	assert_int_equal(take(f, 0, 1, t), 0);
}

/* ---- the asynchronous path ---- */

static void test_async_fault_flow(void **state)
{
	struct fake *f = *state;
	unsigned int reads;
	uint64_t t, t2;
	struct apf_vcpu_counts c;

	guest_setup(f, 0, 0);
	reads = f->host.v[0].reads[FW_REG_PSTATE];
	assert_int_equal(fault(f, 0, PAGE(1) + 0x234), 1);   /* any address in the page */
	assert_int_equal(f->host.v[0].reads[FW_REG_PSTATE], reads + 1);
	assert_int_equal(atomic_load(&f->host.v[0].kicks), 0);   /* its own thread delivers */
	expect_handler(f, 0, NP, FAULT_PC);
	assert_int_equal(f->host.v[0].reg[1], ARG(NP));
	t = take_np(f, 0);
	assert_int_equal(t, 1);                                  /* the first token of the boot */
	assert_int_equal(take(f, 0, 0, &t2), 0);                 /* the same delivery, again */
	complete_resume(f, 0);
	expect_no_handler(f, 0);

	land(f, PAGE(1));
	assert_int_equal(atomic_load(&f->host.v[0].kicks), 1);   /* the fetcher kicks it */
	expect_ready(f, 0, &t, 1);
	land(f, PAGE(1));                                        /* again: nothing */
	expect_no_handler(f, 0);

	c = counts(f, 0);
	assert_int_equal(c.async_faults, 1);
	assert_int_equal(c.sync_faults, 0);
	assert_int_equal(c.not_present, 1);
	assert_int_equal(c.ready, 1);
	assert_int_equal(c.ready_raised, 1);
}

/* Registration is not needed at ENABLE: every fault is synchronous until
 * both events are registered and enabled on the PE and it is unmasked. */
static void test_enable_with_unregistered_events(void **state)
{
	struct fake *f = *state;

	assert_int_equal(x0(f, 0, ENABLE, NP, RDY, 0), 0);
	assert_int_equal(fault(f, 0, PAGE(0)), 0);
	sdei_arm(f, 0, NP);
	assert_int_equal(fault(f, 0, PAGE(0)), 0);
	assert_int_equal(x0(f, 0, SDEI_REGISTER, RDY, ENTRY(RDY), ARG(RDY)), 0);
	assert_int_equal(fault(f, 0, PAGE(0)), 0);               /* ready registered, not enabled */
	assert_int_equal(x0(f, 0, SDEI_ENABLE, RDY, 0, 0), 0);
	assert_int_equal(fault(f, 0, PAGE(0)), 0);               /* the PE starts masked */
	assert_int_equal(x0(f, 0, SDEI_PE_UNMASK, 0, 0, 0), 0);
	assert_int_equal(fault(f, 0, PAGE(0)), 1);
	assert_int_equal(counts(f, 0).sync_faults, 4);
	assert_int_equal(counts(f, 0).async_faults, 1);
}

static void test_conditions_forcing_sync(void **state)
{
	struct fake *f = *state;
	unsigned int reads;
	uint64_t t;

	/* Disabled: synchronous, and PSTATE is not read. */
	reads = f->host.v[0].reads[FW_REG_PSTATE];
	assert_int_equal(fault(f, 0, PAGE(0)), 0);
	assert_int_equal(f->host.v[0].reads[FW_REG_PSTATE], reads);

	guest_setup(f, 0, 0);
	assert_int_equal(fault_at(f, 0, PAGE(0), PSTATE_EL1), 0);          /* EL1, no flag */
	assert_int_equal(fault_at(f, 0, PAGE(0), PSTATE_EL1 | 0x8), 0);    /* EL2h reads as not EL0 */
	/* Masked. */
	assert_int_equal(call(f, 0, SDEI_PE_MASK, 0, 0, 0), SMCCC_CONTINUE);
	assert_int_equal(fault(f, 0, PAGE(0)), 0);
	assert_int_equal(x0(f, 0, SDEI_PE_UNMASK, 0, 0, 0), 0);
	/* The ready event disabled. */
	assert_int_equal(x0(f, 0, SDEI_DISABLE, RDY, 0, 0), 0);
	assert_int_equal(fault(f, 0, PAGE(0)), 0);
	assert_int_equal(x0(f, 0, SDEI_ENABLE, RDY, 0, 0), 0);
	/* The not-present event already pending (raised by the host). */
	assert_int_equal(sdei_signal(f->fw.sdei, NP, 0), 0);
	assert_int_equal(fault(f, 0, PAGE(0)), 0);
	/* A handler running (that one). */
	expect_handler(f, 0, NP, FAULT_PC);
	assert_int_equal(take(f, 0, 0, &t), 0);                  /* no token with the host's */
	assert_int_equal(fault(f, 0, PAGE(0)), 0);
	complete_resume(f, 0);
	/* All conditions hold again. */
	assert_int_equal(fault(f, 0, PAGE(0)), 1);
	assert_int_equal(counts(f, 0).sync_faults, 7);

	/* With flag bit 0, EL1 faults may be asynchronous too. */
	expect_handler(f, 0, NP, FAULT_PC);
	take_np(f, 0);
	complete_resume(f, 0);
	land(f, PAGE(0));
	expect_handler(f, 0, RDY, SCHED_PC);
	assert_int_equal(take(f, 0, 1, &t), 1);
	complete_resume(f, 0);
	assert_int_equal(x0(f, 0, DISABLE, 0, 0, 0), 0);
	assert_int_equal(x0(f, 0, ENABLE, NP, RDY, 1), 0);
	assert_int_equal(fault_at(f, 0, PAGE(2), PSTATE_EL1), 1);
}

static void test_several_outstanding_fifo(void **state)
{
	struct fake *f = *state;
	uint64_t t[3], want[3];

	guest_setup(f, 0, 0);
	for (unsigned int i = 0; i < 3; i++)
		t[i] = async_fault(f, 0, PAGE(i));
	assert_true(t[0] < t[1] && t[1] < t[2]);
	/* Pages land 2, 0, 1 before the guest looks: ready in that order. */
	land(f, PAGE(2));
	land(f, PAGE(0));
	land(f, PAGE(1));
	want[0] = t[2], want[1] = t[0], want[2] = t[1];
	expect_ready(f, 0, want, 3);
}

/* Two vCPUs on one page, and one vCPU twice on it: a token per fault,
 * all ready at one landing. */
static void test_page_wanted_twice(void **state)
{
	struct fake *f = *state;
	uint64_t a, b, c, pair[2];

	bring_up(f, 1);
	guest_setup(f, 0, 0);
	guest_setup(f, 1, 0);
	a = async_fault(f, 0, PAGE(7));
	b = async_fault(f, 1, PAGE(7));
	c = async_fault(f, 1, PAGE(7));
	assert_true(a != b && b != c && a != c);
	land(f, PAGE(7));
	expect_ready(f, 0, &a, 1);
	pair[0] = b, pair[1] = c;
	expect_ready(f, 1, pair, 2);
}

/* Tokens of one page come ready oldest first, wherever they are kept. */
static void test_one_landing_oldest_first(void **state)
{
	struct fake *f = *state;
	uint64_t t1, t2, t3, pair[2];

	guest_setup(f, 0, 0);
	t1 = async_fault(f, 0, PAGE(0));
	t2 = async_fault(f, 0, PAGE(1));
	land(f, PAGE(0));
	expect_ready(f, 0, &t1, 1);
	t3 = async_fault(f, 0, PAGE(1));                          /* reuses t1's place */
	land(f, PAGE(1));
	pair[0] = t2, pair[1] = t3;
	expect_ready(f, 0, pair, 2);
}

static void test_limit_of_64(void **state)
{
	struct fake *f = *state;
	uint64_t first = 0, t;

	guest_setup(f, 0, 0);
	for (unsigned int i = 0; i < 64; i++) {
		t = async_fault(f, 0, PAGE(i));
		if (!i)
			first = t;
	}
	assert_int_equal(fault(f, 0, PAGE(64)), 0);              /* the 65th waits */
	land(f, PAGE(0));
	assert_int_equal(fault(f, 0, PAGE(64)), 0);              /* ready but not taken: still 64 */
	expect_ready(f, 0, &first, 1);
	assert_int_equal(async_fault(f, 0, PAGE(64)), 65);
}

/* More than 16 ready: oldest 16 first, and the ready event comes again. */
static void test_take_more_than_16(void **state)
{
	struct fake *f = *state;
	uint64_t t[20], got[16];

	guest_setup(f, 0, 0);
	for (unsigned int i = 0; i < 20; i++)
		t[i] = async_fault(f, 0, PAGE(i));
	for (unsigned int i = 0; i < 20; i++)
		land(f, PAGE(i));
	expect_handler(f, 0, RDY, SCHED_PC);
	assert_int_equal(take(f, 0, 1, got), 16);
	for (unsigned int i = 0; i < 16; i++)
		assert_int_equal(got[i], t[i]);
	complete_resume(f, 0);
	expect_ready(f, 0, t + 16, 4);                           /* raised again */
	expect_no_handler(f, 0);
	assert_int_equal(counts(f, 0).ready_raised, 21);
}

/* A token is never handed out twice, nor reused within a boot; a reset
 * starts the counter at 1 again. */
static void test_tokens_never_reused(void **state)
{
	struct fake *f = *state;
	uint64_t last = 0, t;

	guest_setup(f, 0, 0);
	for (unsigned int round = 0; round < 100; round++) {
		t = async_fault(f, 0, PAGE(round % 3));
		assert_true(t > last);
		last = t;
		land(f, PAGE(round % 3));
		expect_ready(f, 0, &t, 1);
	}
	firmware_reset(&f->fw);
	guest_setup(f, 0, 0);
	assert_int_equal(async_fault(f, 0, PAGE(0)), 1);
}

/* The page lands before the guest took its token: TAKE(0) queues it at
 * once and raises the ready event. */
static void test_page_lands_before_take(void **state)
{
	struct fake *f = *state;
	uint64_t t;

	guest_setup(f, 0, 0);
	assert_int_equal(fault(f, 0, PAGE(3)), 1);
	land(f, PAGE(3));
	assert_int_equal(atomic_load(&f->host.v[0].kicks), 0);   /* nothing taken yet */
	expect_handler(f, 0, NP, FAULT_PC);
	t = take_np(f, 0);
	complete_resume(f, 0);
	expect_ready(f, 0, &t, 1);
}

/* A token never taken is replaced by the next fault's: the guest could not
 * learn of it any more. */
static void test_untaken_token_replaced(void **state)
{
	struct fake *f = *state;
	uint64_t t;

	guest_setup(f, 0, 0);
	assert_int_equal(fault(f, 0, PAGE(0)), 1);
	expect_handler(f, 0, NP, FAULT_PC);
	complete_resume(f, 0);                                   /* no TAKE */
	assert_int_equal(fault(f, 0, PAGE(1)), 1);
	expect_handler(f, 0, NP, FAULT_PC);
	t = take_np(f, 0);
	assert_int_equal(t, 2);
	complete_resume(f, 0);
	land(f, PAGE(0));                                        /* the dropped token's page */
	expect_no_handler(f, 0);
	land(f, PAGE(1));
	expect_ready(f, 0, &t, 1);
	assert_int_equal(x0(f, 0, DISABLE, 0, 0, 0), 0);         /* none left: plain disable */
	assert_int_equal(x0(f, 0, ENABLE, NP, RDY, 0), 0);
}

static void test_disable_with_tokens_left(void **state)
{
	struct fake *f = *state;
	uint64_t t[2];

	guest_setup(f, 0, 0);
	t[0] = async_fault(f, 0, PAGE(0));
	t[1] = async_fault(f, 0, PAGE(1));
	assert_int_equal(x0(f, 0, DISABLE, 0, 0, 0), 0);
	assert_int_equal(x0(f, 0, DISABLE, 0, 0, 0), DENIED);
	assert_int_equal(x0(f, 0, ENABLE, NP, RDY, 0), DENIED);  /* tokens outstanding */
	assert_int_equal(fault(f, 0, PAGE(2)), 0);
	land(f, PAGE(0));
	expect_ready(f, 0, t, 1);
	assert_int_equal(x0(f, 0, ENABLE, NP, RDY, 0), DENIED);  /* one left */
	land(f, PAGE(1));
	expect_ready(f, 0, t + 1, 1);
	assert_int_equal(x0(f, 0, ENABLE, NP, RDY, 0), 0);
}

static void test_cpu_off_with_tokens(void **state)
{
	struct fake *f = *state;
	uint64_t got[16];

	bring_up(f, 1);
	guest_setup(f, 1, 0);
	async_fault(f, 1, PAGE(0));
	async_fault(f, 1, PAGE(1));
	land(f, PAGE(0));                                        /* one ready, not taken */
	atomic_store(&f->host.v[1].kicks, 0);
	assert_int_equal(call(f, 1, PSCI_CPU_OFF, 0, 0, 0), SMCCC_CONTINUE);
	assert_int_equal(psci_cpu_state(&f->fw.psci, 1), PSCI_CPU_STATE_OFF);
	land(f, PAGE(1));                                        /* lands; nobody is told */
	assert_int_equal(atomic_load(&f->host.v[1].kicks), 0);
	bring_up(f, 1);
	expect_no_handler(f, 1);
	assert_int_equal(take(f, 1, 1, got), 0);
	assert_int_equal(take(f, 1, 0, got), 0);
	assert_int_equal(x0(f, 1, DISABLE, 0, 0, 0), DENIED);    /* starts disabled */
	guest_setup(f, 1, 0);                                    /* SDEI starts afresh too */
	assert_int_equal(async_fault(f, 1, PAGE(2)), 3);         /* the counter goes on */
}

static void test_reset_with_tokens(void **state)
{
	struct fake *f = *state;
	uint64_t got[16];

	bring_up(f, 1);
	guest_setup(f, 0, 0);
	guest_setup(f, 1, 0);
	async_fault(f, 0, PAGE(0));
	async_fault(f, 1, PAGE(0));
	assert_int_equal(fault(f, 0, PAGE(1)), 1);               /* announced, not taken */
	firmware_reset(&f->fw);
	land(f, PAGE(0));
	land(f, PAGE(1));
	assert_int_equal(take(f, 0, 0, got), 0);
	assert_int_equal(take(f, 0, 1, got), 0);
	assert_int_equal(x0(f, 0, DISABLE, 0, 0, 0), DENIED);
	assert_int_equal(counts(f, 0).async_faults, 2);          /* counts outlive a reset */
	guest_setup(f, 0, 0);
	assert_int_equal(async_fault(f, 0, PAGE(0)), 1);
}

/* A hostile guest acknowledging twice gets nothing twice. */
static void test_acknowledge_twice(void **state)
{
	struct fake *f = *state;
	uint64_t t, got[16];

	guest_setup(f, 0, 0);
	t = async_fault(f, 0, PAGE(0));
	assert_int_equal(take(f, 0, 0, got), 0);
	land(f, PAGE(0));
	expect_handler(f, 0, RDY, SCHED_PC);
	assert_int_equal(take(f, 0, 1, got), 1);
	assert_int_equal(got[0], t);
	assert_int_equal(take(f, 0, 1, got), 0);
	assert_int_equal(take(f, 0, 0, got), 0);
	complete_resume(f, 0);
	assert_int_equal(counts(f, 0).ready, 1);
	assert_int_equal(counts(f, 0).not_present, 1);
}

/* ---- the tables themselves, and SDEI's accessors ---- */

static void test_vcpu_state_table(void **state)
{
	struct apf_vcpu v = { .state = APF_DISABLED, .announced = -1 };

	(void)state;
	assert_int_equal(apf_vcpu_move(&v, APF_ACT_DISABLE_IDLE), -EPERM);
	assert_int_equal(apf_vcpu_move(&v, APF_ACT_DRAINED), -EPERM);
	assert_int_equal(v.state, APF_DISABLED);
	assert_int_equal(apf_vcpu_move(&v, APF_ACT_ENABLE), 0);
	assert_int_equal(apf_vcpu_move(&v, APF_ACT_ENABLE), -EPERM);
	/* DRAINING needs tokens, DISABLED none: the invariants are checked. */
	assert_int_equal(apf_vcpu_move(&v, APF_ACT_DISABLE_BUSY), -EPERM);
	assert_int_equal(v.state, APF_ENABLED);
	v.nr_tokens = 1;
	assert_int_equal(apf_vcpu_move(&v, APF_ACT_DISABLE_IDLE), -EPERM);
	assert_int_equal(apf_vcpu_move(&v, APF_ACT_DISABLE_BUSY), 0);
	assert_string_equal(apf_vcpu_state_name(v.state), "draining");
	assert_int_equal(apf_vcpu_move(&v, APF_ACT_ENABLE), -EPERM);
	assert_int_equal(apf_vcpu_move(&v, APF_ACT_DRAINED), -EPERM);   /* a token left */
	v.nr_tokens = 0;
	assert_int_equal(apf_vcpu_move(&v, APF_ACT_DRAINED), 0);
	assert_int_equal(v.state, APF_DISABLED);
	assert_int_equal(apf_vcpu_move(&v, APF_ACT_FORGET), 0);
}

static void test_sdei_accessors(void **state)
{
	struct fake *f = *state;
	struct sdei_pe_event ev;

	assert_int_equal(sdei_pe_event_view(f->fw.sdei, 0, 4242, &ev), -ENOENT);
	assert_false(ev.exists);
	assert_int_equal(sdei_pe_event_view(f->fw.sdei, NR_VCPUS, NP, &ev), -EINVAL);
	assert_int_equal(sdei_pe_event_view(f->fw.sdei, 0, 0, &ev), 0);
	assert_false(ev.platform);
	assert_int_equal(sdei_pe_event_view(f->fw.sdei, 0, NP, &ev), 0);
	assert_true(ev.exists && ev.platform && ev.pe_on && ev.pe_masked);
	assert_false(ev.registered || ev.enabled || ev.pending || ev.pe_in_handler);
	assert_int_equal(ev.type, SDEI_EVENT_PRIVATE);
	assert_int_equal(ev.priority, SDEI_PRIORITY_NORMAL);
	sdei_arm(f, 0, NP);
	assert_int_equal(x0(f, 0, SDEI_PE_UNMASK, 0, 0, 0), 0);
	assert_int_equal(sdei_raise_own(f->fw.sdei, NP, 0), 0);
	assert_int_equal(atomic_load(&f->host.v[0].kicks), 0);
	assert_int_equal(sdei_pe_event_view(f->fw.sdei, 0, NP, &ev), 0);
	assert_true(ev.registered && ev.enabled && ev.pending && !ev.pe_masked);
	expect_handler(f, 0, NP, FAULT_PC);
	assert_int_equal(sdei_pe_event_view(f->fw.sdei, 0, NP, &ev), 0);
	assert_true(ev.pe_in_handler && !ev.pending);
	assert_int_equal(sdei_pe_event_view(f->fw.sdei, 1, SN, &ev), 0);
	assert_int_equal(ev.type, SDEI_EVENT_SHARED);
	assert_false(ev.pe_on);
	assert_int_equal(sdei_raise_own(f->fw.sdei, SN, 0), -EINVAL);
	assert_int_equal(sdei_raise_own(f->fw.sdei, 4242, 0), -ENOENT);
	assert_int_equal(sdei_raise_own(f->fw.sdei, NP, NR_VCPUS), -EINVAL);
}

/* A vCPU operation failing while a fault is looked at is the VMM's error,
 * and no token is made. */
static void test_fault_register_failure(void **state)
{
	struct fake *f = *state;

	guest_setup(f, 0, 0);
	f->host.v[0].fail_read = EIO;
	assert_int_equal(fault(f, 0, PAGE(0)), -EIO);
	f->host.v[0].fail_read = 0;
	assert_int_equal(counts(f, 0).async_faults, 0);
	assert_int_equal(async_fault(f, 0, PAGE(0)), 1);
	assert_int_equal(fault(f, NR_VCPUS, PAGE(0)), -EINVAL);
}

#define T(name) cmocka_unit_test_setup_teardown(name, setup, teardown)

int main(void)
{
	const struct CMUnitTest tests[] = {
		T(test_version_and_names),
		cmocka_unit_test(test_unclaimed_without_lazy_mem_or_sdei),
		T(test_enable_bad_parameters),
		T(test_take_bad_parameters),
		T(test_async_fault_flow),
		T(test_enable_with_unregistered_events),
		T(test_conditions_forcing_sync),
		T(test_several_outstanding_fifo),
		T(test_page_wanted_twice),
		T(test_one_landing_oldest_first),
		T(test_limit_of_64),
		T(test_take_more_than_16),
		T(test_tokens_never_reused),
		T(test_page_lands_before_take),
		T(test_untaken_token_replaced),
		T(test_disable_with_tokens_left),
		T(test_cpu_off_with_tokens),
		T(test_reset_with_tokens),
		T(test_acknowledge_twice),
		cmocka_unit_test(test_vcpu_state_table),
		T(test_sdei_accessors),
		T(test_fault_register_failure),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
