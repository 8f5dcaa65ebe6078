/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Unit tests for "page ready" as a PPI (async-pf protocol 1.1,
 * docs/async-pf.md): the line a guest names at APF_ENABLE with flag bit 1
 * is high exactly while the vCPU's ready queue holds tokens, is driven
 * without a kick, and goes low when the vCPU goes off or the VM resets.
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

#define READY_PPI	20U
#define FLAG_EL1	1U
#define FLAG_PPI	2U

/* Not-present armed on the PE (ready needs no SDEI event), unmasked, APF
 * enabled with the ready PPI. */
static void guest_setup_ppi(struct fake *f, unsigned int vcpu)
{
	sdei_arm(f, vcpu, NP);
	assert_int_equal(x0(f, vcpu, SDEI_PE_UNMASK, 0, 0, 0), 0);
	assert_int_equal(x0(f, vcpu, ENABLE, NP, READY_PPI, FLAG_PPI), 0);
}

static bool line(struct fake *f, unsigned int vcpu)
{
	return atomic_load(&f->host.v[vcpu].ppi_high) & (1U << READY_PPI);
}

static unsigned int raises(struct fake *f, unsigned int vcpu)
{
	return atomic_load(&f->host.v[vcpu].ppi_raises);
}

static void test_bad_ppis(void **state)
{
	struct fake *f = *state;
	static const uint64_t bad[] = {
		15, 32, 3001, 23, 25, 26, 27, 29, 30, READY_PPI | (1ULL << 32), ~0ULL,
	};

	for (unsigned int i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		assert_int_equal(x0(f, 0, ENABLE, NP, bad[i], FLAG_PPI), INVALID);
	assert_int_equal(x0(f, 0, ENABLE, READY_PPI, RDY, FLAG_PPI), INVALID);   /* np must be an event */
	assert_int_equal(x0(f, 0, ENABLE, NP, READY_PPI, FLAG_PPI | 4), INVALID);
	assert_int_equal(x0(f, 0, DISABLE, 0, 0, 0), DENIED);                 /* none took */
	for (uint64_t ppi = 16; ppi <= 31; ppi++) {
		if (!(APF_FIXTURE_FREE_PPIS & (1U << ppi)))
			continue;
		assert_int_equal(x0(f, 0, ENABLE, NP, ppi, FLAG_PPI | FLAG_EL1), 0);
		assert_int_equal(x0(f, 0, DISABLE, 0, 0, 0), 0);
	}
	assert_int_equal(raises(f, 0), 0);
}

/* A host that cannot drive a PPI, or leaves none free: only SDEI ready. */
static void test_no_ppi_host(void **state)
{
	struct fw_vcpu_ops no_ppi = fake_host_ops;

	(void)state;
	no_ppi.ppi_level = NULL;
	for (int k = 0; k < 2; k++) {
		struct fake *g = k ? fake_new_host(true, true, NULL, 0) : fake_new_host(true, true, &no_ppi, APF_FIXTURE_FREE_PPIS);

		assert_int_equal(x0(g, 0, ENABLE, NP, READY_PPI, FLAG_PPI), INVALID);
		assert_int_equal(x0(g, 0, ENABLE, NP, RDY, 0), 0);
		teardown((void **)&g);
	}
}

/* The whole path: the fault is asynchronous with no ready event armed; the
 * landing raises the line without a kick or a handler; TAKE(1) lowers it. */
static void test_ready_ppi_flow(void **state)
{
	struct fake *f = *state;
	uint64_t t, got[16];
	struct apf_vcpu_counts c;

	guest_setup_ppi(f, 0);
	t = async_fault(f, 0, PAGE(1));
	assert_false(line(f, 0));
	land(f, PAGE(1));
	assert_true(line(f, 0));
	assert_int_equal(atomic_load(&f->host.v[0].kicks), 0);
	expect_no_handler(f, 0);                                 /* no SDEI ready event */
	assert_int_equal(take(f, 0, 1, got), 1);
	assert_int_equal(got[0], t);
	assert_false(line(f, 0));
	assert_int_equal(take(f, 0, 1, got), 0);
	land(f, PAGE(1));                                        /* again: nothing */
	assert_false(line(f, 0));
	c = counts(f, 0);
	assert_int_equal(c.async_faults, 1);
	assert_int_equal(c.ready, 1);
	assert_int_equal(c.ready_raised, 1);
	assert_int_equal(raises(f, 0), 1);
}

/* High while anything waits: two landings raise it once; a TAKE that
 * leaves tokens (more than 16) keeps it high; the last one lowers it. */
static void test_line_follows_queue(void **state)
{
	struct fake *f = *state;
	uint64_t got[16];

	guest_setup_ppi(f, 0);
	for (unsigned int i = 0; i < 20; i++)
		async_fault(f, 0, PAGE(i));
	land(f, PAGE(0));
	land(f, PAGE(1));
	assert_true(line(f, 0));
	assert_int_equal(raises(f, 0), 1);
	assert_int_equal(take(f, 0, 1, got), 2);
	assert_false(line(f, 0));
	for (unsigned int i = 2; i < 20; i++)
		land(f, PAGE(i));
	assert_int_equal(raises(f, 0), 2);
	assert_int_equal(take(f, 0, 1, got), 16);
	assert_true(line(f, 0));                                 /* 2 left */
	assert_int_equal(take(f, 0, 1, got), 2);
	assert_false(line(f, 0));
	assert_int_equal(raises(f, 0), 2);
}

/* A page that landed before its token was taken: TAKE(0) queues the token
 * and raises the line at once. */
static void test_landed_before_take(void **state)
{
	struct fake *f = *state;
	uint64_t t, got[16];

	guest_setup_ppi(f, 0);
	assert_int_equal(fault(f, 0, PAGE(3)), 1);
	expect_handler(f, 0, NP, FAULT_PC);
	land(f, PAGE(3));
	assert_false(line(f, 0));                                /* not taken yet */
	t = take_np(f, 0);
	assert_true(line(f, 0));
	complete_resume(f, 0);
	assert_int_equal(take(f, 0, 1, got), 1);
	assert_int_equal(got[0], t);
	assert_false(line(f, 0));
}

/* CPU_OFF and a reset forget the tokens and lower the line. */
static void test_off_and_reset_lower_the_line(void **state)
{
	struct fake *f = *state;

	bring_up(f, 1);
	guest_setup_ppi(f, 1);
	async_fault(f, 1, PAGE(0));
	land(f, PAGE(0));
	assert_true(line(f, 1));
	assert_int_equal(call(f, 1, PSCI_CPU_OFF, 0, 0, 0), SMCCC_CONTINUE);
	assert_false(line(f, 1));
	guest_setup_ppi(f, 0);
	async_fault(f, 0, PAGE(1));
	land(f, PAGE(1));
	assert_true(line(f, 0));
	firmware_reset(&f->fw);
	assert_false(line(f, 0));
	assert_int_equal(x0(f, 0, DISABLE, 0, 0, 0), DENIED);
}

/* DISABLE with a token out: it still becomes ready on the PPI, and
 * ENABLE is denied until it is taken. */
static void test_disable_drains_through_the_line(void **state)
{
	struct fake *f = *state;
	uint64_t t, got[16];

	guest_setup_ppi(f, 0);
	t = async_fault(f, 0, PAGE(5));
	assert_int_equal(x0(f, 0, DISABLE, 0, 0, 0), 0);
	assert_int_equal(x0(f, 0, ENABLE, NP, READY_PPI, FLAG_PPI), DENIED);
	land(f, PAGE(5));
	assert_true(line(f, 0));
	assert_int_equal(take(f, 0, 1, got), 1);
	assert_int_equal(got[0], t);
	assert_false(line(f, 0));
	assert_int_equal(x0(f, 0, ENABLE, NP, RDY, 0), 0);      /* back to an SDEI ready event */
}

#define T(fn) cmocka_unit_test_setup_teardown(fn, setup, teardown)

int main(void)
{
	const struct CMUnitTest tests[] = {
		T(test_bad_ppis),
		T(test_no_ppi_host),
		T(test_ready_ppi_flow),
		T(test_line_follows_queue),
		T(test_landed_before_take),
		T(test_off_and_reset_lower_the_line),
		T(test_disable_drains_through_the_line),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
