/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The register accesses of an SDEI delivery and of its completion, counted
 * on the fake vCPU host: exactly the floor docs/sdei.md gives per path, and
 * no register read twice in one exit. A change that adds an access fails.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "firmware/sdei.h"
#include "firmware/smccc.h"
#include "tests/unit/fake_host.h"

#define NR_VCPUS	2
#define RAM_BASE	0x40000000ULL
#define RAM_SIZE	(64ULL << 20)
#define GUEST_PC	(RAM_BASE + 0x80000)
#define GUEST_PSTATE	(0x60000000ULL | 0x5)
#define ENTRY(n)	(0xffff800010000000ULL + 0x100 * (n))
#define RESUME_PC	0xffff800010800280ULL
#define EV_PN		SDEI_EVENT_PRIVATE_NORMAL
#define EV_SIG		SDEI_EVENT_SIGNAL
#define FID(fn)		SDEI_FID(SDEI_FN_##fn)
#define BIT(r)		(1ULL << (r))
#define XREGS(a, b)	(((BIT((b) + 1) - 1)) & ~(BIT(a) - 1))

/* The documented floor (docs/sdei.md), as register sets. */
#define SAVED		(XREGS(0, 17) | BIT(FW_REG_PC) | BIT(FW_REG_PSTATE))
#define HANDLER_ENTRY	(XREGS(0, 3) | BIT(FW_REG_PC) | BIT(FW_REG_PSTATE))
#define RESUMED		(XREGS(0, 17) | BIT(FW_REG_PC) | BIT(FW_REG_PSTATE))
#define RESUMED_AT	(RESUMED | BIT(FW_REG_ELR_EL1) | BIT(FW_REG_SPSR_EL1))

struct fake {
	struct fake_host host;
	struct firmware fw;
};

static const struct sdei_event_config events[] = {
	{ EV_PN, SDEI_EVENT_PRIVATE, SDEI_PRIORITY_NORMAL },
};
static uint64_t mpidrs[NR_VCPUS] = { FAKE_HOST_MPIDR_RES1, FAKE_HOST_MPIDR_RES1 | 1 };

static int setup(void **state)
{
	struct fake *f = calloc(1, sizeof(*f));
	struct psci_config psci = { .nr_cpus = NR_VCPUS, .mpidrs = mpidrs, .nr_enabled = NR_VCPUS };
	struct sdei_config sdei = {
		.nr_cpus = NR_VCPUS, .mpidrs = mpidrs, .events = events, .nr_events = 1,
	};

	assert_non_null(f);
	fake_host_init(&f->host, &f->fw, NR_VCPUS, RAM_BASE, RAM_SIZE);
	for (unsigned int i = 0; i < NR_VCPUS; i++) {
		f->host.v[i].mpidr = mpidrs[i];
		f->host.v[i].reg[FW_REG_MPIDR_EL1] = mpidrs[i];
		f->host.v[i].reg[FW_REG_PC] = GUEST_PC;
		f->host.v[i].reg[FW_REG_PSTATE] = GUEST_PSTATE;
		f->host.v[i].mp_state = i ? FW_MP_STOPPED : FW_MP_RUNNABLE;
	}
	assert_int_equal(firmware_init_psci_sdei(&f->fw, &f->host.fw_host, &psci, &sdei), 0);
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fake *f = *state;

	assert_int_equal(atomic_load(&f->host.violations), 0);
	firmware_destroy(&f->fw);
	free(f);
	return 0;
}

/* ---- the guest, and counting ---- */

static int64_t sdei(struct fake *f, uint32_t fid, uint64_t x1, uint64_t x2)
{
	assert_int_equal(fake_host_call(&f->host, 0, fid, (const uint64_t[]){ x1, x2 }, 2),
			 SMCCC_CONTINUE);
	return (int64_t)f->host.v[0].reg[FW_REG_X0];
}

static int prepare(struct fake *f)
{
	int ret;

	fake_host_enter(&f->host, 0);
	ret = firmware_vcpu_prepare(&f->fw, 0, false);
	fake_host_leave(&f->host, 0);
	return ret;
}

/* The guest runs on to a context of its own (as only after a prepare). */
static void guest_runs(struct fake *f, uint64_t tag)
{
	for (unsigned int r = 0; r < 18; r++)
		f->host.v[0].reg[r] = tag << 8 | r;
	f->host.v[0].reg[FW_REG_PC] = GUEST_PC + 4 * tag;
	f->host.v[0].reg[FW_REG_PSTATE] = GUEST_PSTATE;
	reg_cache_forget(&f->fw.regs, 0);
}

static void count_from_here(struct fake *f)
{
	memset(f->host.v[0].reads, 0, sizeof(f->host.v[0].reads));
	memset(f->host.v[0].writes, 0, sizeof(f->host.v[0].writes));
}

/* Registers accessed once each exactly for those in set, never twice. */
static void expect_once_each(const unsigned int *n, uint64_t set)
{
	for (unsigned int r = 0; r < FW_REG_COUNT; r++)
		assert_int_equal(n[r], (set >> r) & 1);
}

static unsigned int total(const unsigned int *n)
{
	unsigned int t = 0;

	for (unsigned int r = 0; r < FW_REG_COUNT; r++)
		t += n[r];
	return t;
}

static void arm(struct fake *f, uint32_t num)
{
	assert_int_equal(sdei(f, FID(EVENT_REGISTER), num, ENTRY(num)), 0);
	assert_int_equal(sdei(f, FID(EVENT_ENABLE), num, 0), 0);
}

static void expect_in_handler(struct fake *f, uint32_t num)
{
	assert_int_equal(f->host.v[0].reg[FW_REG_PC], ENTRY(num));
	assert_int_equal(f->host.v[0].reg[FW_REG_X0], num);
}

/* ---- the paths ---- */

/* An event raised from outside (host, interrupt line, another PE): the
 * exit showed nothing, so the whole interrupted context is read once. */
static void test_cold_delivery_and_complete(void **state)
{
	struct fake *f = *state;
	struct fake_vcpu *v = &f->host.v[0];

	arm(f, EV_PN);
	sdei(f, FID(PE_UNMASK), 0, 0);
	guest_runs(f, 1);
	assert_int_equal(sdei_signal(f->fw.sdei, EV_PN, 0), 0);
	count_from_here(f);
	assert_int_equal(prepare(f), 1);
	expect_in_handler(f, EV_PN);
	expect_once_each(v->reads, SAVED);
	expect_once_each(v->writes, HANDLER_ENTRY);
	assert_int_equal(total(v->reads), 20);
	assert_int_equal(total(v->writes), 6);

	/* EVENT_COMPLETE: nothing read (the caller is known to be AArch64,
	 * x0 is the exit's function ID), the context written back. */
	guest_runs(f, 9);
	count_from_here(f);
	v->reg[FW_REG_PSTATE] = FW_PSTATE_EL1H_DAIF;
	assert_int_equal(fake_host_call(&f->host, 0, FID(EVENT_COMPLETE), NULL, 0), SMCCC_CONTINUE);
	assert_int_equal(prepare(f), 1);
	expect_once_each(v->reads, 0);
	expect_once_each(v->writes, RESUMED);
	assert_int_equal(total(v->writes), 20);
	assert_int_equal(v->reg[FW_REG_PC], GUEST_PC + 4);
	assert_int_equal(v->reg[5], 1 << 8 | 5);
}

/* EVENT_SIGNAL to itself: the call read PSTATE (is the caller AArch64?),
 * x1 and x2 and wrote x0; the delivery in the same exit reads the rest. */
static void test_delivery_after_a_call(void **state)
{
	struct fake *f = *state;
	struct fake_vcpu *v = &f->host.v[0];

	arm(f, EV_SIG);
	sdei(f, FID(PE_UNMASK), 0, 0);
	guest_runs(f, 2);
	count_from_here(f);
	v->reg[FW_REG_X0] = FID(EVENT_SIGNAL);
	v->reg[1] = EV_SIG;
	v->reg[2] = 0;   /* this PE's MPIDR affinity */
	fake_host_enter(&f->host, 0);
	assert_int_equal(fw_call_hvc(&f->fw, 0, FID(EVENT_SIGNAL)), SMCCC_CONTINUE);
	expect_once_each(v->reads, BIT(FW_REG_PSTATE) | BIT(1) | BIT(2));
	expect_once_each(v->writes, BIT(FW_REG_X0));
	assert_int_equal(firmware_vcpu_prepare(&f->fw, 0, false), 1);
	fake_host_leave(&f->host, 0);
	expect_in_handler(f, EV_SIG);
	/* The delivery's own: x3-x17 and PC read (x0 is the result just
	 * written), x0-x3, PC, PSTATE written. */
	expect_once_each(v->reads, SAVED & ~BIT(FW_REG_X0));
	assert_int_equal(total(v->reads), 3 + 16);
	assert_int_equal(v->writes[FW_REG_X0], 2);
	assert_int_equal(total(v->writes), 1 + 6);

	/* The handler sees the call's result as the interrupted x0. */
	assert_int_equal(sdei(f, FID(EVENT_CONTEXT), 0, 0), 0);
}

/* A second event waiting when the first completes: delivered in the
 * completion's exit, from the context just written back, with no read. */
static void test_back_to_back(void **state)
{
	struct fake *f = *state;
	struct fake_vcpu *v = &f->host.v[0];

	arm(f, EV_PN);
	arm(f, EV_SIG);
	sdei(f, FID(PE_UNMASK), 0, 0);
	guest_runs(f, 3);
	assert_int_equal(sdei_signal(f->fw.sdei, EV_SIG, 0), 0);
	assert_int_equal(sdei_signal(f->fw.sdei, EV_PN, 0), 0);
	assert_int_equal(prepare(f), 1);
	expect_in_handler(f, EV_SIG);

	guest_runs(f, 8);
	count_from_here(f);
	assert_int_equal(fake_host_call(&f->host, 0, FID(EVENT_COMPLETE), NULL, 0), SMCCC_CONTINUE);
	assert_int_equal(prepare(f), 1);
	expect_in_handler(f, EV_PN);
	assert_int_equal(v->reg[2], GUEST_PC + 4 * 3);   /* it interrupted the first's context */
	expect_once_each(v->reads, 0);
	assert_int_equal(total(v->writes), 20 + 6);
	for (unsigned int r = 0; r < FW_REG_COUNT; r++)
		assert_int_equal(v->writes[r], ((RESUMED >> r) & 1) + ((HANDLER_ENTRY >> r) & 1));
}

/* COMPLETE_AND_RESUME reads its resume address, and writes ELR_EL1 and
 * SPSR_EL1 as an exception to EL1 would. */
static void test_complete_and_resume(void **state)
{
	struct fake *f = *state;
	struct fake_vcpu *v = &f->host.v[0];

	arm(f, EV_PN);
	sdei(f, FID(PE_UNMASK), 0, 0);
	guest_runs(f, 4);
	assert_int_equal(sdei_signal(f->fw.sdei, EV_PN, 0), 0);
	assert_int_equal(prepare(f), 1);
	guest_runs(f, 7);
	count_from_here(f);
	assert_int_equal(fake_host_call(&f->host, 0, FID(EVENT_COMPLETE_AND_RESUME),
					(const uint64_t[]){ RESUME_PC }, 1), SMCCC_CONTINUE);
	assert_int_equal(prepare(f), 1);
	expect_once_each(v->reads, BIT(1));
	expect_once_each(v->writes, RESUMED_AT);
	assert_int_equal(total(v->writes), 22);
	assert_int_equal(v->reg[FW_REG_PC], RESUME_PC);
	assert_int_equal(v->reg[FW_REG_ELR_EL1], GUEST_PC + 4 * 4);
}

/* What was learnt in one exit is not trusted in the next. */
static void test_nothing_kept_across_exits(void **state)
{
	struct fake *f = *state;
	struct fake_vcpu *v = &f->host.v[0];

	arm(f, EV_PN);
	sdei(f, FID(PE_UNMASK), 0, 0);
	assert_int_equal(prepare(f), 1);
	/* The guest changes x0 (the unmask's result was 0) and runs on. */
	v->reg[FW_REG_X0] = 0x1234;
	v->reg[FW_REG_PSTATE] = 0x80000000;
	assert_int_equal(sdei_signal(f->fw.sdei, EV_PN, 0), 0);
	count_from_here(f);
	assert_int_equal(prepare(f), 1);
	expect_once_each(v->reads, SAVED);
	assert_int_equal(v->reg[3], 0x80000000);
	assert_int_equal(sdei(f, FID(EVENT_CONTEXT), 0, 0), 0x1234);
}

#define T(fn) cmocka_unit_test_setup_teardown(fn, setup, teardown)

int main(void)
{
	const struct CMUnitTest tests[] = {
		T(test_cold_delivery_and_complete),
		T(test_delivery_after_a_call),
		T(test_back_to_back),
		T(test_complete_and_resume),
		T(test_nothing_kept_across_exits),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
