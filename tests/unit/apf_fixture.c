/* SPDX-License-Identifier: GPL-2.0-only */
/* The async-pf fixture (apf_fixture.h). */
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

const struct sdei_event_config apf_fixture_events[APF_FIXTURE_NR_EVENTS] = {
	{ PN, SDEI_EVENT_PRIVATE, SDEI_PRIORITY_NORMAL },
	{ PC, SDEI_EVENT_PRIVATE, SDEI_PRIORITY_CRITICAL },
	{ SN, SDEI_EVENT_SHARED, SDEI_PRIORITY_NORMAL },
	{ NP, SDEI_EVENT_PRIVATE, SDEI_PRIORITY_NORMAL },
	{ RDY, SDEI_EVENT_PRIVATE, SDEI_PRIORITY_NORMAL },
	{ OTHER, SDEI_EVENT_PRIVATE, SDEI_PRIORITY_NORMAL },
};

struct fake *fake_new_cfg(bool apf, bool sdei_on)
{
	return fake_new_host(apf, sdei_on, NULL, APF_FIXTURE_FREE_PPIS);
}

struct fake *fake_new_host(bool apf, bool sdei_on, const struct fw_vcpu_ops *ops, uint32_t ppis)
{
	struct fake *f = calloc(1, sizeof(*f));
	struct psci_config psci = { .nr_cpus = NR_VCPUS, .boot_cpu = 0, .nr_enabled = NR_VCPUS };
	struct sdei_config sdei = {
		.nr_cpus = NR_VCPUS, .events = apf_fixture_events,
		.nr_events = APF_FIXTURE_NR_EVENTS,
	};
	struct fw_config cfg = { .psci = &psci, .sdei = sdei_on ? &sdei : NULL, .apf = apf,
				 .apf_ready_ppis = ppis };

	assert_non_null(f);
	psci.mpidrs = sdei.mpidrs = f->mpidrs;
	fake_host_init(&f->host, &f->fw, NR_VCPUS, RAM_BASE, RAM_SIZE);
	for (unsigned int i = 0; i < NR_VCPUS; i++) {
		struct fake_vcpu *v = &f->host.v[i];

		v->mpidr = FAKE_HOST_MPIDR_RES1 | i;
		f->mpidrs[i] = v->mpidr;
		v->reg[FW_REG_MPIDR_EL1] = v->mpidr;
		v->reg[FW_REG_PC] = FAULT_PC;
		v->reg[FW_REG_PSTATE] = PSTATE_EL0;
		v->mp_state = i ? FW_MP_STOPPED : FW_MP_RUNNABLE;
	}
	if (ops)
		f->host.fw_host.ops = ops;
	assert_int_equal(firmware_init(&f->fw, &f->host.fw_host, &cfg, NULL), 0);
	return f;
}

int setup(void **state)
{
	*state = fake_new_cfg(true, true);
	return 0;
}

int teardown(void **state)
{
	struct fake *f = *state;

	assert_int_equal(atomic_load(&f->host.violations), 0);
	firmware_destroy(&f->fw);
	free(f);
	return 0;
}

/* ---- the guest and the VMM ---- */

enum smccc_action call(struct fake *f, unsigned int vcpu, uint32_t fid, uint64_t x1,
			      uint64_t x2, uint64_t x3)
{
	return fake_host_call(&f->host, vcpu, fid, (const uint64_t[]){ x1, x2, x3, 0, 0 }, 5);
}

/* A call answered in x0 alone. */
int64_t x0(struct fake *f, unsigned int vcpu, uint32_t fid, uint64_t x1, uint64_t x2, uint64_t x3)
{
	assert_int_equal(call(f, vcpu, fid, x1, x2, x3), SMCCC_CONTINUE);
	assert_int_equal(f->host.v[vcpu].written_now, BIT(FW_REG_X0));
	return (int64_t)f->host.v[vcpu].reg[FW_REG_X0];
}

/* APF_TAKE(which): the count; the tokens in out. Only x0..x(count) written. */
int64_t take(struct fake *f, unsigned int vcpu, uint64_t which, uint64_t *out)
{
	struct fake_vcpu *v = &f->host.v[vcpu];
	int64_t n;

	assert_int_equal(call(f, vcpu, TAKE, which, 0, 0), SMCCC_CONTINUE);
	n = (int64_t)v->reg[0];
	if (n < 0) {
		assert_int_equal(v->written_now, BIT(FW_REG_X0));
		return n;
	}
	assert_true(n <= 16);
	assert_int_equal(v->written_now, BIT(n + 1) - 1);
	for (int64_t i = 0; i < n; i++)
		out[i] = v->reg[1 + i];
	return n;
}

uint64_t take_np(struct fake *f, unsigned int vcpu)
{
	uint64_t t = 0;

	assert_int_equal(take(f, vcpu, 0, &t), 1);
	assert_true(t != 0);
	return t;
}

int prepare(struct fake *f, unsigned int vcpu)
{
	int ret;

	f->host.v[vcpu].written_now = 0;
	fake_host_enter(&f->host, vcpu);
	ret = firmware_vcpu_prepare(&f->fw, vcpu, false);
	fake_host_leave(&f->host, vcpu);
	return ret;
}

/* The next entry runs event num's handler, interrupting pc (0: anywhere). */
void expect_handler(struct fake *f, unsigned int vcpu, uint32_t num, uint64_t pc)
{
	struct fake_vcpu *v = &f->host.v[vcpu];

	assert_int_equal(prepare(f, vcpu), 1);
	assert_true(v->written_now & BIT(FW_REG_PC));
	assert_int_equal(v->reg[FW_REG_PC], ENTRY(num));
	assert_int_equal(v->reg[0], num);
	if (pc)
		assert_int_equal(v->reg[2], pc);
}

void expect_no_handler(struct fake *f, unsigned int vcpu)
{
	assert_int_equal(prepare(f, vcpu), 1);
	assert_false(f->host.v[vcpu].written_now & BIT(FW_REG_PC));
}

/* The handler switches to other work (the scheduler at SCHED_PC). */
void complete_resume(struct fake *f, unsigned int vcpu)
{
	assert_int_equal(call(f, vcpu, SDEI_COMPLETE_RESUME, SCHED_PC, 0, 0), SMCCC_CONTINUE);
	assert_int_equal(f->host.v[vcpu].reg[FW_REG_PC], SCHED_PC);
}

/* The VMM: vcpu touched the missing page gpa at EL0 (or pstate). */
int fault_at(struct fake *f, unsigned int vcpu, uint64_t gpa, uint64_t pstate)
{
	int ret;

	f->host.v[vcpu].reg[FW_REG_PC] = FAULT_PC;
	f->host.v[vcpu].reg[FW_REG_PSTATE] = pstate;
	fake_host_enter(&f->host, vcpu);
	ret = firmware_apf_fault(&f->fw, vcpu, gpa);
	fake_host_leave(&f->host, vcpu);
	return ret;
}

int fault(struct fake *f, unsigned int vcpu, uint64_t gpa)
{
	return fault_at(f, vcpu, gpa, PSTATE_EL0);
}

void land(struct fake *f, uint64_t gpa)
{
	firmware_apf_page_ready(&f->fw, gpa);
}

void sdei_arm(struct fake *f, unsigned int vcpu, uint64_t num)
{
	assert_int_equal(x0(f, vcpu, SDEI_REGISTER, num, ENTRY(num), ARG(num)), 0);
	assert_int_equal(x0(f, vcpu, SDEI_ENABLE, num, 0, 0), 0);
}

/* The guest's set-up: both events registered and enabled, PE unmasked,
 * APF enabled with flags. */
void guest_setup(struct fake *f, unsigned int vcpu, uint64_t flags)
{
	sdei_arm(f, vcpu, NP);
	sdei_arm(f, vcpu, RDY);
	assert_int_equal(x0(f, vcpu, SDEI_PE_UNMASK, 0, 0, 0), 0);
	assert_int_equal(x0(f, vcpu, ENABLE, NP, RDY, flags), 0);
}

void bring_up(struct fake *f, unsigned int vcpu)
{
	assert_int_equal(x0(f, 0, PSCI_CPU_ON64, vcpu, RAM_BASE + 0x1000, 0), 0);
	assert_int_equal(prepare(f, vcpu), 1);
	assert_int_equal(psci_cpu_state(&f->fw.psci, vcpu), PSCI_CPU_STATE_ON);
}

/* A whole asynchronous fault up to the token being taken: fault, the
 * not-present handler, TAKE(0), switch away. */
uint64_t async_fault(struct fake *f, unsigned int vcpu, uint64_t gpa)
{
	uint64_t t;

	assert_int_equal(fault(f, vcpu, gpa), 1);
	expect_handler(f, vcpu, NP, FAULT_PC);
	t = take_np(f, vcpu);
	complete_resume(f, vcpu);
	return t;
}

/* The ready handler runs; TAKE(1) gives exactly want[0..n-1]; completes. */
void expect_ready(struct fake *f, unsigned int vcpu, const uint64_t *want, unsigned int n)
{
	uint64_t got[16];

	expect_handler(f, vcpu, RDY, 0);
	assert_int_equal(take(f, vcpu, 1, got), n);
	for (unsigned int i = 0; i < n; i++)
		assert_int_equal(got[i], want[i]);
	assert_int_equal(take(f, vcpu, 1, got), 0);
	complete_resume(f, vcpu);
}

struct apf_vcpu_counts counts(struct fake *f, unsigned int vcpu)
{
	struct apf_vcpu_counts c;

	assert_int_equal(firmware_apf_counts(&f->fw, vcpu, &c), 0);
	return c;
}

