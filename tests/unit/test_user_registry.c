/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * --smccc-handler in the SMCCC registry: the user ranges are claimed beside
 * PSCI's and SDEI's (and refused over them), and a call in one goes through
 * firmware_call to the VMM's ask callback and back to the caller's
 * registers.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "firmware/smccc.h"
#include "tests/unit/fake_host.h"

#define RAM_BASE 0x40000000ULL
#define RAM_SIZE (64ULL << 20)

/* What ask saw, and what it answers. */
struct asked {
	unsigned int calls, handler, vcpu;
	enum smccc_conduit conduit;
	uint64_t x[8];
	int ret;
	unsigned int reply;
};

static int ask(void *opaque, unsigned int handler, struct smccc_call *c)
{
	static const uint64_t regs[3] = { 0xa0, 0xa1, 0xa2 };
	struct asked *a = opaque;

	a->calls++;
	a->handler = handler;
	a->vcpu = c->vcpu;
	a->conduit = c->conduit;
	for (unsigned int r = 1; r <= 7; r++)
		assert_int_equal(smccc_arg(c, r, &a->x[r]), 0);
	if (a->reply)
		smccc_reply_regs(c, regs, a->reply);
	return a->ret;
}

static const struct fw_user_range ranges[] = { { 0xc3000000, 0x10 }, { 0x83000000, 1 } };

struct fixture {
	struct fake_host host;
	struct firmware fw;
	uint64_t mpidrs[2];
	struct psci_config psci;
	struct asked asked;
	struct fw_config cfg;
};

static int setup(void **state)
{
	struct fixture *f = test_calloc(1, sizeof(*f));

	fake_host_init(&f->host, &f->fw, 2, RAM_BASE, RAM_SIZE);
	f->host.check_locks = false;
	for (unsigned int i = 0; i < 2; i++)
		f->mpidrs[i] = f->host.v[i].mpidr & FW_MPIDR_AFF_MASK;
	f->psci = (struct psci_config){ .nr_cpus = 2, .mpidrs = f->mpidrs, .nr_enabled = 2 };
	f->cfg = (struct fw_config){ .psci = &f->psci, .user = { ranges, 2, ask, &f->asked } };
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	test_free(*state);
	return 0;
}

static void test_claimed_beside_psci(void **state)
{
	struct fixture *f = *state;
	struct smccc_claims cl;
	char err[200] = "";

	assert_int_equal(smccc_claims_build(&cl, &f->cfg, err, sizeof(err)), 0);
	assert_int_equal(cl.nr_claims, 4);
	assert_string_equal(smccc_claim_of(&cl, 0xc3000000)->service->name, "--smccc-handler");
	assert_string_equal(smccc_claim_of(&cl, 0xc300000f)->service->name, "--smccc-handler");
	assert_string_equal(smccc_claim_of(&cl, 0x83000000)->service->name, "--smccc-handler");
	assert_null(smccc_claim_of(&cl, 0xc3000010));
	assert_null(smccc_claim_of(&cl, 0x83000001));
	assert_null(smccc_function_name(&cl, 0xc3000001));
	assert_int_equal(cl.nr_counts, 0x40 + 0x10 + 1);
	smccc_claims_free(&cl);
	/* No handlers: no claim of theirs. */
	f->cfg.user.nr = 0;
	assert_int_equal(smccc_claims_build(&cl, &f->cfg, err, sizeof(err)), 0);
	assert_int_equal(cl.nr_claims, 2);
	smccc_claims_free(&cl);
}

/* hvmm's own services come first; a handler over them is refused. */
static void test_refused_over_own_services(void **state)
{
	static const struct sdei_config sdei_on = { .nr_cpus = 2 };
	static const struct fw_user_range over_psci[] = { { 0xc4000000, 0x10 } };
	static const struct fw_user_range over_sdei[] = { { 0xc4000030, 1 } };
	struct fixture *f = *state;
	struct smccc_claims cl;
	char err[200] = "";

	f->cfg.user.ranges = over_psci;
	f->cfg.user.nr = 1;
	assert_int_equal(smccc_claims_build(&cl, &f->cfg, err, sizeof(err)), -EINVAL);
	assert_string_equal(err, "--smccc-handler: range 0xc4000000-0xc400000f overlaps PSCI's 0xc4000000-0xc400001f");
	f->cfg.user.ranges = over_sdei;
	assert_int_equal(smccc_claims_build(&cl, &f->cfg, err, sizeof(err)), 0);   /* no SDEI: free */
	smccc_claims_free(&cl);
	f->cfg.sdei = &sdei_on;
	assert_int_equal(smccc_claims_build(&cl, &f->cfg, err, sizeof(err)), -EINVAL);
	assert_string_equal(err, "--smccc-handler: range 0xc4000030-0xc4000030 overlaps SDEI's 0xc4000020-0xc400003f");
}

/* firmware_call: the handler's reply reaches the caller's registers, and
 * only the registers it gives; the call is counted. */
static void test_dispatched(void **state)
{
	struct fixture *f = *state;
	struct fake_vcpu *v = &f->host.v[1];
	struct smccc_call c;

	assert_int_equal(firmware_init(&f->fw, &f->host.fw_host, &f->cfg, NULL), 0);
	for (unsigned int r = 1; r < 18; r++)
		v->reg[r] = 0xa5a5a5a500000000ULL | r;
	f->asked.reply = 3;
	fake_host_enter(&f->host, 1);
	assert_int_equal(firmware_call(&f->fw, 1, 0x83000000, SMCCC_CONDUIT_SMC, &c), SMCCC_CONTINUE);
	assert_int_equal(f->asked.calls, 1);
	assert_int_equal(f->asked.handler, 1);
	assert_int_equal(f->asked.vcpu, 1);
	assert_int_equal(f->asked.conduit, SMCCC_CONDUIT_SMC);
	assert_int_equal(f->asked.x[7], 7);   /* SMC32: the low half */
	assert_int_equal(v->reg[0], 0xa0);
	assert_int_equal(v->reg[2], 0xa2);
	assert_int_equal(v->reg[3], 0xa5a5a5a500000003ULL);
	assert_int_equal(v->written_now & ~7ULL, 0);
	assert_int_equal(smccc_calls(f->fw.claims, 0x83000000), 1);
	/* The VM is stopping: nothing is written back. */
	v->reg[0] = 0x1234;
	f->asked.ret = -EINTR;
	assert_int_equal(firmware_call(&f->fw, 1, 0xc3000005, SMCCC_CONDUIT_HVC, &c), SMCCC_CONTINUE);
	assert_int_equal(f->asked.handler, 0);
	assert_int_equal(f->asked.x[7], 0xa5a5a5a500000007ULL);   /* SMC64: all of it */
	assert_int_equal(v->reg[0], 0x1234);
	/* The handler failed: the vCPU's run ends. */
	f->asked.ret = -EPIPE;
	assert_int_equal(firmware_call(&f->fw, 1, 0xc3000005, SMCCC_CONDUIT_HVC, &c), SMCCC_FAILED);
	assert_int_equal(v->reg[0], 0x1234);
	fake_host_leave(&f->host, 1);
	firmware_destroy(&f->fw);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_claimed_beside_psci, setup, teardown),
		cmocka_unit_test_setup_teardown(test_refused_over_own_services, setup, teardown),
		cmocka_unit_test_setup_teardown(test_dispatched, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
