/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The SMCCC registry and the call object: which ranges a configuration
 * claims, what is refused, names and counts, and what a service sees of a
 * call (arguments read once, SMC32 ones masked, the conduit, the reply).
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

struct fixture {
	struct fake_host host;
	struct firmware fw;
	uint64_t mpidrs[2];
	struct psci_config psci;
};

static int setup(void **state)
{
	struct fixture *f = test_calloc(1, sizeof(*f));

	fake_host_init(&f->host, &f->fw, 2, RAM_BASE, RAM_SIZE);
	f->host.check_locks = false;
	for (unsigned int i = 0; i < 2; i++)
		f->mpidrs[i] = f->host.v[i].mpidr & FW_MPIDR_AFF_MASK;
	f->psci = (struct psci_config){ .nr_cpus = 2, .mpidrs = f->mpidrs, .nr_enabled = 2 };
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	test_free(*state);
	return 0;
}

/* The claims of a configuration with PSCI only, and with SDEI too. */
static void test_derivation(void **state)
{
	struct fixture *f = *state;
	static const struct sdei_config sdei_on = { .nr_cpus = 2 };
	struct fw_config cfg = { .psci = &f->psci };
	struct smccc_claims cl;
	char err[200] = "";

	assert_int_equal(smccc_claims_build(&cl, &cfg, err, sizeof(err)), 0);
	assert_int_equal(cl.nr_claims, 2);
	assert_int_equal(cl.nr_counts, 0x40);
	assert_string_equal(smccc_function_name(&cl, 0x84000003), "PSCI_CPU_ON");
	assert_string_equal(smccc_function_name(&cl, 0xC4000003), "PSCI_CPU_ON");
	assert_null(smccc_function_name(&cl, 0xC4000020));
	assert_null(smccc_claim_of(&cl, 0xC4000020));
	smccc_claims_free(&cl);

	cfg.sdei = &sdei_on;
	assert_int_equal(smccc_claims_build(&cl, &cfg, err, sizeof(err)), 0);
	assert_int_equal(cl.nr_claims, 3);
	assert_int_equal(cl.nr_counts, 0x60);
	assert_string_equal(smccc_claim_of(&cl, 0xC400003f)->service->name, "SDEI");
	assert_string_equal(smccc_function_name(&cl, 0xC4000020), "SDEI_VERSION");
	assert_null(smccc_claim_of(&cl, 0xC4000040));
	/* Counts start where the previous claim's end. */
	assert_int_equal(cl.claim[2].first_count, 0x40);
	smccc_claims_free(&cl);
}

/* Every registered service names itself and gives ranges KVM accepts. */
static void test_registered_services(void **state)
{
	struct fixture *f = *state;
	static const struct sdei_config sdei_on = { .nr_cpus = 2 };
	struct fw_config cfg = { .psci = &f->psci, .sdei = &sdei_on };
	struct smccc_range r[SMCCC_SERVICE_MAX_RANGES];

	assert_true(smccc_nr_services >= 2);
	assert_true(smccc_nr_services <= FIRMWARE_MAX_SERVICES);
	for (unsigned int s = 0; s < smccc_nr_services; s++) {
		unsigned int n;

		assert_non_null(smccc_services[s]->name);
		assert_non_null(smccc_services[s]->ranges);
		assert_non_null(smccc_services[s]->call);
		n = smccc_services[s]->ranges(&cfg, r);
		assert_true(n <= SMCCC_SERVICE_MAX_RANGES);
		for (unsigned int i = 0; i < n; i++) {
			assert_true(r[i].count > 0);
			assert_true(r[i].nr_names <= r[i].count);
		}
	}
}

static void test_counts_survive_firmware(void **state)
{
	struct fixture *f = *state;
	struct fw_config cfg = { .psci = &f->psci };
	struct smccc_claims cl;
	char err[200];

	assert_int_equal(smccc_claims_build(&cl, &cfg, err, sizeof(err)), 0);
	for (unsigned int boot = 0; boot < 2; boot++) {
		assert_int_equal(firmware_init(&f->fw, &f->host.fw_host, &cfg, &cl), 0);
		f->host.v[0].reg[FW_REG_PSTATE] = FW_PSTATE_EL1H_DAIF;
		assert_int_equal(fake_host_call(&f->host, 0, 0x84000000, NULL, 0), SMCCC_CONTINUE);
		firmware_destroy(&f->fw);
	}
	/* A table the VMM built is the VMM's: destroy leaves it and its counts. */
	assert_int_equal(smccc_calls(&cl, 0x84000000), 2);
	smccc_claims_free(&cl);
}

static void test_call_masks_smc32_arguments(void **state)
{
	struct fixture *f = *state;
	struct fake_vcpu *v = &f->host.v[1];
	struct smccc_call c;
	uint64_t val = 0;
	uint32_t v32 = 0;

	v->reg[1] = 0xdeadbeef12345678ULL;
	v->reg[17] = 0xffffffff00000001ULL;
	smccc_call_init(&c, &f->host.fw_host, 1, 0x84000053, SMCCC_CONDUIT_SMC);
	assert_false(c.smc64);
	assert_string_equal(smccc_conduit_name(c.conduit), "smc");
	fake_host_enter(&f->host, 1);
	assert_int_equal(smccc_arg(&c, 1, &val), 0);
	assert_int_equal(val, 0x12345678);
	assert_int_equal(smccc_arg(&c, 17, &val), 0);
	assert_int_equal(val, 1);
	/* Read once, however often asked. */
	assert_int_equal(smccc_arg(&c, 1, &val), 0);
	assert_int_equal(v->reads[1], 1);
	assert_int_equal(smccc_arg(&c, 0, &val), -EINVAL);
	assert_int_equal(smccc_arg(&c, 18, &val), -EINVAL);

	smccc_call_init(&c, &f->host.fw_host, 1, 0xC4000053, SMCCC_CONDUIT_HVC);
	assert_true(c.smc64);
	assert_string_equal(smccc_conduit_name(c.conduit), "hvc");
	assert_int_equal(smccc_arg(&c, 1, &val), 0);
	assert_int_equal(val, 0xdeadbeef12345678ULL);
	assert_int_equal(smccc_arg32(&c, 17, &v32), 0);
	assert_int_equal(v32, 1);
	v->fail_read = EIO;
	assert_int_equal(smccc_arg(&c, 2, &val), -EIO);
	v->fail_read = 0;
	fake_host_leave(&f->host, 1);
}

static void test_call_reply(void **state)
{
	struct fixture *f = *state;
	struct fake_vcpu *v = &f->host.v[0];
	uint64_t regs[SMCCC_NR_REGS];
	struct smccc_call c;

	for (unsigned int i = 0; i < SMCCC_NR_REGS; i++) {
		regs[i] = 0x100 + i;
		v->reg[i] = 0xaa;
	}
	fake_host_enter(&f->host, 0);
	smccc_call_init(&c, &f->host.fw_host, 0, 0xC3000000, SMCCC_CONDUIT_HVC);
	/* Nothing replied: nothing written. */
	v->written_now = 0;
	assert_int_equal(smccc_call_finish(&c), 0);
	assert_int_equal(v->written_now, 0);
	smccc_reply_regs(&c, regs, 5);
	assert_int_equal(smccc_call_finish(&c), 0);
	for (unsigned int i = 0; i < SMCCC_NR_REGS; i++)
		assert_int_equal(v->reg[i], i < 5 ? 0x100 + i : 0xaa);
	smccc_reply_regs(&c, regs, 40);   /* clamped to x0..x17 */
	assert_int_equal(smccc_call_finish(&c), 0);
	assert_int_equal(v->reg[17], 0x111);
	smccc_reply(&c, -2);
	assert_int_equal(smccc_call_finish(&c), 0);
	assert_int_equal(v->reg[0], (uint64_t)-2);
	smccc_reply_regs(&c, regs, 3);
	smccc_reply_not_supported(&c);
	v->written_now = 0;
	assert_int_equal(smccc_call_finish(&c), 0);
	assert_int_equal(v->reg[0], UINT64_MAX);
	assert_int_equal(v->written_now, 1ULL << FW_REG_X0);
	smccc_reply(&c, 0);
	v->fail_write = EIO;
	assert_int_equal(smccc_call_finish(&c), -EIO);
	v->fail_write = 0;
	fake_host_leave(&f->host, 0);
}

/* The conduit KVM reported reaches the service; PSCI answers both alike. */
static void test_dispatch_conduits(void **state)
{
	struct fixture *f = *state;
	struct fw_config cfg = { .psci = &f->psci };
	struct smccc_call c;

	assert_int_equal(firmware_init(&f->fw, &f->host.fw_host, &cfg, NULL), 0);
	f->host.v[0].reg[FW_REG_PSTATE] = FW_PSTATE_EL1H_DAIF;
	fake_host_enter(&f->host, 0);
	assert_int_equal(firmware_call(&f->fw, 0, 0x84000000, SMCCC_CONDUIT_SMC, &c), SMCCC_CONTINUE);
	assert_int_equal(c.conduit, SMCCC_CONDUIT_SMC);
	assert_int_equal(f->host.v[0].reg[0], 0x10001);
	f->host.v[0].reg[0] = 0;
	assert_int_equal(firmware_call(&f->fw, 0, 0x84000000, SMCCC_CONDUIT_HVC, &c), SMCCC_CONTINUE);
	assert_int_equal(c.conduit, SMCCC_CONDUIT_HVC);
	assert_int_equal(f->host.v[0].reg[0], 0x10001);
	/* Outside every claim: NOT_SUPPORTED, counted as unclaimed. */
	assert_int_equal(firmware_call(&f->fw, 0, 0xC3000000, SMCCC_CONDUIT_SMC, &c), SMCCC_CONTINUE);
	assert_int_equal(f->host.v[0].reg[0], UINT64_MAX);
	assert_int_equal(atomic_load(&f->fw.claims->unclaimed), 1);
	assert_int_equal(smccc_calls(f->fw.claims, 0x84000000), 2);
	fake_host_leave(&f->host, 0);
	firmware_destroy(&f->fw);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_derivation, setup, teardown),
		cmocka_unit_test_setup_teardown(test_registered_services, setup, teardown),
		cmocka_unit_test_setup_teardown(test_counts_survive_firmware, setup, teardown),
		cmocka_unit_test_setup_teardown(test_call_masks_smc32_arguments, setup, teardown),
		cmocka_unit_test_setup_teardown(test_call_reply, setup, teardown),
		cmocka_unit_test_setup_teardown(test_dispatch_conduits, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
