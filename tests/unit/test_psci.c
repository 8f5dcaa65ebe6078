/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Unit tests for PSCI and the SMCCC dispatcher, over the fake vCPU host of
 * fake_host.h. Calls go through firmware_call, the path the VMM uses. Any
 * violation of the threading or locking rules the fake counts fails the
 * test.
 *
 * The clock is a plain number the tests set; suspend statistics must move
 * by exactly the time the tests let pass.
 */
#include <errno.h>
#include <pthread.h>
#include <sched.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "firmware/psci.h"
#include "firmware/smccc.h"
#include "tests/unit/fake_host.h"

#define NR_VCPUS	20		/* 0-15 in cluster 0, 16-19 in cluster 1 */
_Static_assert(NR_VCPUS <= FAKE_HOST_MAX_VCPUS, "the fake host has too few vCPUs");
#define RAM_BASE	0x40000000ULL
#define RAM_SIZE	(256ULL << 20)
#define POISON		0x5a5a5a5a00000000ULL
#define SCTLR_RESET	FAKE_HOST_SCTLR_RESET
#define PSTATE_AARCH32	(FW_PSTATE_nRW | 0x13)	/* AArch32 SVC mode */
#define MPIDR_RES1	FAKE_HOST_MPIDR_RES1

#define FID32(fn)	PSCI_FID32(PSCI_FN_##fn)
#define FID64(fn)	PSCI_FID64(PSCI_FN_##fn)

/* The return value as it must appear in x0: sign-extended to 64 bits. */
#define RET(v)		((uint64_t)(int64_t)(v))

struct fake {
	struct fake_host host;
	enum psci_pstate_format format;
	/* psci_vcpu_prepare calls that completed a CPU_ON, per vCPU. */
	unsigned int powered_on[NR_VCPUS];
	struct firmware fw;
};

/* power_state values of each format, spelled out independently of psci.c. */
static const uint32_t pstates[][PSCI_SUSPEND_STATE_COUNT] = {
	[PSCI_PSTATE_FORMAT_EXTENDED] = { 0x00000001, 0x40000002 },
	[PSCI_PSTATE_FORMAT_ORIGINAL] = { 0x00000001, 0x00010002 },
};

static const enum psci_pstate_format formats[] = {
	PSCI_PSTATE_FORMAT_EXTENDED, PSCI_PSTATE_FORMAT_ORIGINAL,
};
#define NR_FORMATS	(sizeof(formats) / sizeof(formats[0]))

#define STANDBY(f)	pstates[(f)->format][PSCI_SUSPEND_STANDBY]
#define POWERDOWN(f)	pstates[(f)->format][PSCI_SUSPEND_POWERDOWN]

static uint64_t mpidr_of(unsigned int id)
{
	return (((uint64_t)(id >> 4) & 0xff) << 8) | (id & 0xf);
}

/* A machine whose vCPUs nr_enabled.. start DISABLED, vCPU 0 booting;
 * racing CPU_ONs get ON_PENDING if cpu_on_pending. */
static struct fake *fake_new_full(enum psci_pstate_format format, unsigned int nr_enabled,
				  bool cpu_on_pending)
{
	uint64_t mpidrs[NR_VCPUS];
	struct fake *f = calloc(1, sizeof(*f));
	struct psci_config cfg;
	unsigned int i, r;

	assert_non_null(f);
	fake_host_init(&f->host, &f->fw, NR_VCPUS, RAM_BASE, RAM_SIZE);
	for (i = 0; i < NR_VCPUS; i++) {
		struct fake_vcpu *v = &f->host.v[i];

		/* As MPIDR_EL1 reads: bit 31 is RES1. */
		v->mpidr = MPIDR_RES1 | mpidr_of(i);
		mpidrs[i] = v->mpidr;
		for (r = 0; r <= FW_REG_X30; r++)
			v->reg[r] = POISON | r;
		v->reg[FW_REG_PC] = RAM_BASE + 0x80000;
		v->reg[FW_REG_PSTATE] = FW_PSTATE_EL1H_DAIF;
		v->reg[FW_REG_SCTLR_EL1] = SCTLR_RESET;
		v->reg[FW_REG_MPIDR_EL1] = v->mpidr;
		v->mp_state = i ? FW_MP_STOPPED : FW_MP_RUNNABLE;
	}
	f->format = format;
	f->host.now_us = 1000000;
	cfg = (struct psci_config){
		.nr_cpus = NR_VCPUS,
		.mpidrs = mpidrs,
		.boot_cpu = 0,
		.nr_enabled = nr_enabled,
		.pstate_format = format,
		.cpu_on_pending = cpu_on_pending,
	};
	assert_int_equal(firmware_init_psci_sdei(&f->fw, &f->host.fw_host, &cfg, NULL), 0);
	return f;
}

static struct fake *fake_new_cfg(enum psci_pstate_format format, unsigned int nr_enabled)
{
	return fake_new_full(format, nr_enabled, false);
}

static struct fake *fake_new(void)
{
	return fake_new_cfg(PSCI_PSTATE_FORMAT_EXTENDED, NR_VCPUS);
}

/*
 * x1-x17 are never written (results go to x0 only), and the caller's x4-x17
 * survive every call (x1-x3 are the arguments the tests set).
 */
static void fake_check_scratch_untouched(struct fake *f)
{
	unsigned int i, r;

	for (i = 0; i < NR_VCPUS; i++) {
		for (r = 1; r <= 17; r++) {
			assert_false(f->host.v[i].written & (1ULL << r));
			if (r >= 4 && !f->host.v[i].resets)
				assert_int_equal(f->host.v[i].reg[r], POISON | r);
		}
	}
}

static void fake_free(struct fake *f)
{
	assert_int_equal(atomic_load(&f->host.violations), 0);
	fake_check_scratch_untouched(f);
	firmware_destroy(&f->fw);
	free(f);
}

/* The guest on vcpu calls fid with x1..x3 as given. */
static enum smccc_action call(struct fake *f, unsigned int vcpu, uint32_t fid,
			    uint64_t x1, uint64_t x2, uint64_t x3)
{
	return fake_host_call(&f->host, vcpu, fid, (const uint64_t[]){ x1, x2, x3 }, 3);
}

static int prepare(struct fake *f, unsigned int vcpu)
{
	bool powered_on = true;
	int ret;

	fake_host_enter(&f->host, vcpu);
	ret = psci_vcpu_prepare(&f->fw.psci, vcpu, &powered_on);
	fake_host_leave(&f->host, vcpu);
	/* Only a completed CPU_ON says so. */
	if (powered_on)
		f->powered_on[vcpu]++;
	return ret;
}

static int wakeup(struct fake *f, unsigned int vcpu)
{
	int ret;

	fake_host_enter(&f->host, vcpu);
	ret = psci_vcpu_wakeup(&f->fw.psci, vcpu);
	fake_host_leave(&f->host, vcpu);
	return ret;
}

static uint64_t x0_of(struct fake *f, unsigned int vcpu)
{
	return f->host.v[vcpu].reg[FW_REG_X0];
}

static enum psci_cpu_state state_of(struct fake *f, unsigned int vcpu)
{
	return psci_cpu_state(&f->fw.psci, vcpu);
}

/* A call from vCPU 0 that must return to the guest with x0 = expect. */
static void expect_call(struct fake *f, unsigned int vcpu, uint32_t fid,
			uint64_t x1, uint64_t x2, uint64_t x3, int64_t expect)
{
	assert_int_equal(call(f, vcpu, fid, x1, x2, x3), SMCCC_CONTINUE);
	assert_true(f->host.v[vcpu].written_now & (1ULL << FW_REG_X0));
	assert_int_equal(x0_of(f, vcpu), RET(expect));
}

static int64_t affinity_info(struct fake *f, uint64_t aff, uint64_t level)
{
	assert_int_equal(call(f, 0, FID64(AFFINITY_INFO), aff, level, 0),
			 SMCCC_CONTINUE);
	return (int64_t)x0_of(f, 0);
}

/* CPU_ON target from vCPU 0, then the target's own thread starts it. */
static void bring_up(struct fake *f, unsigned int target)
{
	expect_call(f, 0, FID64(CPU_ON), mpidr_of(target),
		    RAM_BASE + 0x1000 * target, target, PSCI_RET_SUCCESS);
	assert_int_equal(f->powered_on[target], 0);
	assert_int_equal(prepare(f, target), 1);
	assert_int_equal(state_of(f, target), PSCI_CPU_STATE_ON);
	assert_int_equal(f->powered_on[target], 1);
	/* Running on is not powering on again. */
	assert_int_equal(prepare(f, target), 1);
	assert_int_equal(f->powered_on[target], 1);
	f->powered_on[target] = 0;
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

/* ---- init ---- */

static void test_init_rejects_bad_arguments(void **state)
{
	struct fake *f = *state;
	uint64_t mpidrs[2] = { 0, 1 };
	const struct psci_config good = {
		.nr_cpus = 2, .mpidrs = mpidrs, .boot_cpu = 0, .nr_enabled = 2,
	};
	struct fw_vcpu_ops no_clock = fake_host_ops;
	struct fw_host clockless = f->host.fw_host;
	struct psci_config c;
	struct firmware fw;
	struct psci p;

	c = good, c.nr_cpus = 0, c.nr_enabled = 0;
	assert_int_equal(psci_init(&p, &f->host.fw_host, &c), -EINVAL);
	c = good, c.boot_cpu = 2;
	assert_int_equal(psci_init(&p, &f->host.fw_host, &c), -EINVAL);
	/* The boot vCPU must be an enabled one. */
	c = good, c.boot_cpu = 1, c.nr_enabled = 1;
	assert_int_equal(psci_init(&p, &f->host.fw_host, &c), -EINVAL);
	c = good, c.nr_enabled = 0;
	assert_int_equal(psci_init(&p, &f->host.fw_host, &c), -EINVAL);
	c = good, c.nr_enabled = 3;
	assert_int_equal(psci_init(&p, &f->host.fw_host, &c), -EINVAL);
	c = good, c.mpidrs = NULL;
	assert_int_equal(psci_init(&p, &f->host.fw_host, &c), -EINVAL);
	c = good, c.pstate_format = (enum psci_pstate_format)7;
	assert_int_equal(psci_init(&p, &f->host.fw_host, &c), -EINVAL);
	assert_int_equal(psci_init(&p, &f->host.fw_host, NULL), -EINVAL);
	assert_int_equal(psci_init(&p, NULL, &good), -EINVAL);
	assert_int_equal(psci_init(NULL, &f->host.fw_host, &good), -EINVAL);
	/* Every operation is needed, the clock too. */
	no_clock.clock_us = NULL;
	clockless.ops = &no_clock;
	assert_int_equal(psci_init(&p, &clockless, &good), -EINVAL);

	c = good, c.nr_cpus = 0, c.nr_enabled = 0;
	assert_int_equal(firmware_init_psci_sdei(&fw, &f->host.fw_host, &c, NULL), -EINVAL);
	c = good, c.boot_cpu = 5;
	assert_int_equal(firmware_init_psci_sdei(&fw, &f->host.fw_host, &c, NULL), -EINVAL);
	assert_int_equal(firmware_init_psci_sdei(&fw, &f->host.fw_host, NULL, NULL), -EINVAL);
	assert_int_equal(firmware_init_psci_sdei(&fw, NULL, &good, NULL), -EINVAL);
}

static void test_init_states_and_mpidrs(void **state)
{
	struct fake *f = *state;
	uint64_t mpidrs[4] = {
		MPIDR_RES1 | 0x100, 0x0101, 0xab00000102ULL, 0x103,
	};
	const struct psci_config cfg = {
		.nr_cpus = 4, .mpidrs = mpidrs, .boot_cpu = 1, .nr_enabled = 3,
		.pstate_format = PSCI_PSTATE_FORMAT_ORIGINAL,
	};
	struct psci p;

	assert_int_equal(psci_init(&p, &f->host.fw_host, &cfg), 0);
	assert_int_equal(psci_cpu_state(&p, 0), PSCI_CPU_STATE_OFF);
	assert_int_equal(psci_cpu_state(&p, 1), PSCI_CPU_STATE_ON);
	assert_int_equal(psci_cpu_state(&p, 2), PSCI_CPU_STATE_OFF);
	assert_int_equal(psci_cpu_state(&p, 3), PSCI_CPU_STATE_DISABLED);
	/* Only the affinity fields are kept. */
	assert_int_equal(p.cpu[0].mpidr, 0x100);
	assert_int_equal(p.cpu[2].mpidr, 0xab00000102ULL);
	assert_int_equal(p.pstate_format, PSCI_PSTATE_FORMAT_ORIGINAL);
	assert_int_equal(p.suspend_mode, PSCI_MODE_PLATFORM_COORDINATED);
	assert_int_equal(p.boot_cpu, 1);
	psci_destroy(&p);
	psci_destroy(&p);	/* harmless twice */

	assert_int_equal(state_of(f, 0), PSCI_CPU_STATE_ON);
	for (unsigned int i = 1; i < NR_VCPUS; i++)
		assert_int_equal(state_of(f, i), PSCI_CPU_STATE_OFF);
	/* The firmware points PSCI at its own copy of the host. */
	assert_ptr_equal(f->fw.psci.host, &f->fw.host);
}

static void test_bad_vcpu_index(void **state)
{
	struct fake *f = *state;
	struct psci_cpu_stats st;

	struct smccc_call c;

	smccc_call_init(&c, &f->host.fw_host, NR_VCPUS, FID32(VERSION), SMCCC_CONDUIT_HVC);
	assert_int_equal(psci_call(&f->fw.psci, &c), SMCCC_FAILED);
	assert_int_equal(psci_vcpu_prepare(&f->fw.psci, NR_VCPUS, NULL), -EINVAL);
	assert_int_equal(psci_vcpu_wakeup(&f->fw.psci, NR_VCPUS), -EINVAL);
	assert_int_equal(psci_cpu_set_enabled(&f->fw.psci, NR_VCPUS, true),
			 -EINVAL);
	assert_int_equal(psci_cpu_set_enabled(&f->fw.psci, NR_VCPUS, false),
			 -EINVAL);
	assert_int_equal(psci_cpu_stats(&f->fw.psci, NR_VCPUS, &st), -EINVAL);
	assert_int_equal(psci_cpu_stats(&f->fw.psci, 0, NULL), -EINVAL);
	assert_int_equal(psci_cpu_state(&f->fw.psci, NR_VCPUS),
			 PSCI_CPU_STATE_OFF);
}

static void test_state_names_and_params(void **state)
{
	struct fake *f = *state;
	struct fake *o = fake_new_cfg(PSCI_PSTATE_FORMAT_ORIGINAL, NR_VCPUS);

	assert_string_equal(psci_cpu_state_name(PSCI_CPU_STATE_OFF), "off");
	assert_string_equal(psci_cpu_state_name(PSCI_CPU_STATE_ON_PENDING),
			    "pending");
	assert_string_equal(psci_cpu_state_name(PSCI_CPU_STATE_ON), "on");
	assert_string_equal(psci_cpu_state_name(PSCI_CPU_STATE_SUSPENDED),
			    "suspended");
	assert_string_equal(psci_cpu_state_name(PSCI_CPU_STATE_DISABLED),
			    "disabled");
	assert_string_equal(psci_cpu_state_name((enum psci_cpu_state)42),
			    "unknown");

	assert_int_equal(psci_suspend_param(&f->fw.psci, PSCI_SUSPEND_STANDBY),
			 0x00000001);
	assert_int_equal(psci_suspend_param(&f->fw.psci, PSCI_SUSPEND_POWERDOWN),
			 0x40000002);
	assert_int_equal(psci_suspend_param(&o->fw.psci, PSCI_SUSPEND_STANDBY),
			 0x00000001);
	assert_int_equal(psci_suspend_param(&o->fw.psci, PSCI_SUSPEND_POWERDOWN),
			 0x00010002);
	assert_int_equal(psci_suspend_param(&o->fw.psci,
					    PSCI_SUSPEND_STATE_COUNT), 0);
	fake_free(o);
}

/* ---- every function ID ---- */

struct fid_case {
	uint64_t x1, x2, x3;
	enum smccc_action out;
	bool writes_x0;
	int64_t x0;
	enum psci_cpu_state caller;	/* vCPU 0 afterwards */
	enum fw_mp_state mp_state;	/* ... and its MP state */
};

/*
 * What each ID must do when vCPU 0 calls it on a fresh machine. The
 * arguments of unimplemented IDs look like a valid CPU_ON, to show that
 * nothing happens for them.
 */
static struct fid_case fid_case_of(uint32_t fid)
{
	struct fid_case c = {
		.x1 = mpidr_of(1), .x2 = RAM_BASE, .x3 = 7,
		.out = SMCCC_CONTINUE, .writes_x0 = true,
		.x0 = PSCI_RET_NOT_SUPPORTED,
		.caller = PSCI_CPU_STATE_ON, .mp_state = FW_MP_RUNNABLE,
	};

	switch (fid) {
	case FID32(VERSION):
		c.x0 = 0x00010001;
		break;
	case FID32(CPU_SUSPEND):
	case FID64(CPU_SUSPEND):
		c.x1 = PSCI_PSTATE_EXTENDED_STANDBY;
		c.x0 = PSCI_RET_SUCCESS;
		c.caller = PSCI_CPU_STATE_SUSPENDED;
		c.mp_state = FW_MP_SUSPENDED;
		break;
	case FID32(CPU_OFF):
	case FID32(CPU_FREEZE):
		c.writes_x0 = false;
		c.caller = PSCI_CPU_STATE_OFF;
		c.mp_state = FW_MP_STOPPED;
		break;
	case FID32(CPU_ON):
	case FID64(CPU_ON):
		c.x0 = PSCI_RET_SUCCESS;
		break;
	case FID32(AFFINITY_INFO):
	case FID64(AFFINITY_INFO):
		c.x1 = mpidr_of(3);
		c.x2 = 0;
		c.x0 = PSCI_AFF_OFF;
		break;
	case FID32(MIGRATE_INFO_TYPE):
		c.x0 = 2;
		break;
	case FID32(SYSTEM_OFF):
		c.out = SMCCC_SYSTEM_OFF;
		c.writes_x0 = false;
		break;
	case FID32(SYSTEM_RESET):
		c.out = SMCCC_SYSTEM_RESET;
		c.writes_x0 = false;
		break;
	case FID32(FEATURES):
		c.x1 = FID32(VERSION);
		c.x0 = PSCI_RET_SUCCESS;
		break;
	case FID32(CPU_DEFAULT_SUSPEND):
	case FID64(CPU_DEFAULT_SUSPEND):
		c.x1 = RAM_BASE;
		c.writes_x0 = false;
		c.caller = PSCI_CPU_STATE_SUSPENDED;
		c.mp_state = FW_MP_SUSPENDED;
		break;
	case FID32(NODE_HW_STATE):
	case FID64(NODE_HW_STATE):
		c.x2 = 0;
		c.x0 = PSCI_HW_OFF;
		break;
	case FID32(SYSTEM_SUSPEND):
	case FID64(SYSTEM_SUSPEND):
		c.x1 = RAM_BASE;
		c.out = SMCCC_SYSTEM_SUSPEND;
		c.writes_x0 = false;
		c.caller = PSCI_CPU_STATE_SUSPENDED;
		c.mp_state = FW_MP_STOPPED;
		break;
	case FID32(SET_SUSPEND_MODE):
		c.x1 = PSCI_MODE_OS_INITIATED;
		c.x0 = PSCI_RET_SUCCESS;
		break;
	case FID32(STAT_RESIDENCY):
	case FID64(STAT_RESIDENCY):
	case FID32(STAT_COUNT):
	case FID64(STAT_COUNT):
		c.x2 = PSCI_PSTATE_EXTENDED_STANDBY;
		c.x0 = 0;
		break;
	case FID32(SYSTEM_RESET2):
	case FID64(SYSTEM_RESET2):
		c.x1 = PSCI_RESET2_WARM;
		c.out = SMCCC_SYSTEM_RESET;
		c.writes_x0 = false;
		break;
	}
	return c;
}

static void check_fid(uint32_t fid)
{
	struct fid_case c = fid_case_of(fid);
	struct fake *f = fake_new();
	unsigned int i;

	assert_int_equal(call(f, 0, fid, c.x1, c.x2, c.x3), c.out);
	assert_int_equal(!!(f->host.v[0].written_now & (1ULL << FW_REG_X0)),
			 c.writes_x0);
	if (c.writes_x0)
		assert_int_equal(x0_of(f, 0), RET(c.x0));
	else
		assert_int_equal(x0_of(f, 0), fid);

	/* Only CPU_ON touches another vCPU. */
	for (i = 1; i < NR_VCPUS; i++) {
		bool on = i == 1 && (fid & ~SMCCC_64BIT) == FID32(CPU_ON);

		assert_int_equal(state_of(f, i), on ? PSCI_CPU_STATE_ON_PENDING
						    : PSCI_CPU_STATE_OFF);
		assert_int_equal(atomic_load(&f->host.v[i].kicks), on);
	}
	assert_int_equal(state_of(f, 0), c.caller);
	assert_int_equal(f->host.v[0].mp_state, c.mp_state);
	fake_free(f);
}

static void test_every_function_id(void **state)
{
	uint32_t n;

	(void)state;
	for (n = 0; n < SMCCC_RANGE_SIZE; n++) {
		check_fid(PSCI_FID32(n));
		check_fid(PSCI_FID64(n));
	}
}

/* Registers read by a call: only the arguments it needs. */
static void test_reads_only_needed_registers(void **state)
{
	struct fake *f = *state;
	unsigned int r;

	memset(f->host.v[0].reads, 0, sizeof(f->host.v[0].reads));
	expect_call(f, 0, FID32(VERSION), 0, 0, 0, 0x00010001);
	expect_call(f, 0, FID32(MIGRATE_INFO_TYPE), 0, 0, 0, 2);
	expect_call(f, 0, FID64(MIGRATE), 0, 0, 0, PSCI_RET_NOT_SUPPORTED);
	for (r = 0; r < FW_REG_COUNT; r++)
		assert_int_equal(f->host.v[0].reads[r], 0);

	/* A bad target is known from x1 alone. */
	expect_call(f, 0, FID32(CPU_ON), 1ULL << 24, RAM_BASE, 0,
		    PSCI_RET_INVALID_PARAMETERS);
	assert_int_equal(f->host.v[0].reads[1], 1);
	assert_int_equal(f->host.v[0].reads[2], 0);

	memset(f->host.v[0].reads, 0, sizeof(f->host.v[0].reads));
	expect_call(f, 0, FID32(CPU_ON), mpidr_of(1), RAM_BASE, 0,
		    PSCI_RET_SUCCESS);
	for (r = 0; r < FW_REG_COUNT; r++) {
		bool needed = r == 1 || r == 2 || r == 3 ||
			      r == FW_REG_SCTLR_EL1;

		assert_int_equal(f->host.v[0].reads[r], needed);
	}

	/* PSTATE only for 64-bit IDs. */
	memset(f->host.v[0].reads, 0, sizeof(f->host.v[0].reads));
	expect_call(f, 0, FID32(AFFINITY_INFO), mpidr_of(0), 0, 0, PSCI_AFF_ON);
	assert_int_equal(f->host.v[0].reads[FW_REG_PSTATE], 0);
	expect_call(f, 0, FID64(AFFINITY_INFO), mpidr_of(0), 0, 0, PSCI_AFF_ON);
	assert_int_equal(f->host.v[0].reads[FW_REG_PSTATE], 1);
	for (r = 4; r <= FW_REG_X30; r++)
		assert_int_equal(f->host.v[0].reads[r], 0);

	/* Refused before any argument is needed, or by the first one. */
	bring_up(f, 2);
	memset(f->host.v[0].reads, 0, sizeof(f->host.v[0].reads));
	expect_call(f, 0, FID32(SYSTEM_SUSPEND), RAM_BASE, 0, 0,
		    PSCI_RET_DENIED);
	for (r = 0; r < FW_REG_COUNT; r++)
		assert_int_equal(f->host.v[0].reads[r], 0);
	expect_call(f, 0, FID32(STAT_COUNT), 0x104, STANDBY(f), 0, 0);
	expect_call(f, 0, FID32(SYSTEM_RESET2), 1, 0, 0,
		    PSCI_RET_INVALID_PARAMETERS);
	expect_call(f, 0, FID32(CPU_SUSPEND), 0x7, RAM_BASE, 0,
		    PSCI_RET_INVALID_PARAMETERS);
	expect_call(f, 0, FID32(CPU_DEFAULT_SUSPEND), 0, 0, 0,
		    PSCI_RET_INVALID_ADDRESS);
	assert_int_equal(f->host.v[0].reads[1], 4);
	assert_int_equal(f->host.v[0].reads[2], 0);
	assert_int_equal(f->host.v[0].reads[3], 0);

	/* Standby ignores the entry point and context_id. */
	memset(f->host.v[2].reads, 0, sizeof(f->host.v[2].reads));
	expect_call(f, 2, FID32(CPU_SUSPEND), STANDBY(f), RAM_BASE, 0,
		    PSCI_RET_SUCCESS);
	for (r = 0; r < FW_REG_COUNT; r++)
		assert_int_equal(f->host.v[2].reads[r], r == 1);
	assert_int_equal(wakeup(f, 2), 0);
}

/* ---- PSCI_FEATURES ---- */

static bool implemented(uint32_t fid)
{
	static const uint32_t fids[] = {
		FID32(VERSION), FID32(CPU_OFF), FID32(CPU_ON), FID64(CPU_ON),
		FID32(AFFINITY_INFO), FID64(AFFINITY_INFO),
		FID32(MIGRATE_INFO_TYPE), FID32(SYSTEM_OFF),
		FID32(SYSTEM_RESET), FID32(FEATURES),
		FID32(CPU_SUSPEND), FID64(CPU_SUSPEND), FID32(CPU_FREEZE),
		FID32(CPU_DEFAULT_SUSPEND), FID64(CPU_DEFAULT_SUSPEND),
		FID32(NODE_HW_STATE), FID64(NODE_HW_STATE),
		FID32(SYSTEM_SUSPEND), FID64(SYSTEM_SUSPEND),
		FID32(SET_SUSPEND_MODE),
		FID32(STAT_RESIDENCY), FID64(STAT_RESIDENCY),
		FID32(STAT_COUNT), FID64(STAT_COUNT),
		FID32(SYSTEM_RESET2), FID64(SYSTEM_RESET2),
	};
	unsigned int i;

	for (i = 0; i < sizeof(fids) / sizeof(fids[0]); i++) {
		if (fids[i] == fid)
			return true;
	}
	return false;
}

/* What PSCI_FEATURES must answer for fid. */
static int64_t feature_of(struct fake *f, uint32_t fid)
{
	if ((fid & ~SMCCC_64BIT) == FID32(CPU_SUSPEND))
		return PSCI_FEATURE_SUSPEND_OSI |
		       (f->format == PSCI_PSTATE_FORMAT_EXTENDED ?
			PSCI_FEATURE_SUSPEND_EXTENDED : 0);
	return implemented(fid) ? 0 : -1;
}

static void check_features(enum psci_pstate_format format)
{
	static const uint32_t others[] = {
		0x80000001, 0x80008000, 0xC4000020, 0x95c1ba5e, 0x00000000,
		0xffffffff, 0x84000020, 0x83ffffff, 0x04000000,
	};
	struct fake *f = fake_new_cfg(format, NR_VCPUS);
	uint32_t n, i;

	for (n = 0; n < SMCCC_RANGE_SIZE; n++) {
		expect_call(f, 0, FID32(FEATURES), PSCI_FID32(n), 0, 0,
			    feature_of(f, PSCI_FID32(n)));
		expect_call(f, 0, FID32(FEATURES), PSCI_FID64(n), 0, 0,
			    feature_of(f, PSCI_FID64(n)));
	}
	expect_call(f, 0, FID32(FEATURES), SMCCC_VERSION_FID, 0, 0, 0);
	for (i = 0; i < sizeof(others) / sizeof(others[0]); i++)
		expect_call(f, 0, FID32(FEATURES), others[i], 0, 0, -1);

	/* PSCI_FEATURES is SMC32: the upper half of x1 is not looked at. */
	expect_call(f, 0, FID32(FEATURES), 0xffffffff00000000ULL | FID64(CPU_ON),
		    0, 0, 0);
	expect_call(f, 0, FID32(FEATURES), 0x100000000ULL | SMCCC_VERSION_FID,
		    0, 0, 0);
	expect_call(f, 0, FID32(FEATURES), 0x100000000ULL | FID32(MIGRATE),
		    0, 0, -1);
	/* There is no 64-bit PSCI_FEATURES. */
	expect_call(f, 0, FID64(FEATURES), FID32(VERSION), 0, 0, -1);
	fake_free(f);
}

static void test_features(void **state)
{
	unsigned int i;

	(void)state;
	for (i = 0; i < NR_FORMATS; i++)
		check_features(formats[i]);
}

static void test_features_suspend_flags(void **state)
{
	struct fake *f = *state;
	struct fake *o = fake_new_cfg(PSCI_PSTATE_FORMAT_ORIGINAL, NR_VCPUS);

	/* Spelled out: OS-initiated mode always, extended format by config. */
	expect_call(f, 0, FID32(FEATURES), FID32(CPU_SUSPEND), 0, 0, 3);
	expect_call(f, 0, FID32(FEATURES), FID64(CPU_SUSPEND), 0, 0, 3);
	expect_call(o, 0, FID32(FEATURES), FID32(CPU_SUSPEND), 0, 0, 1);
	expect_call(o, 0, FID32(FEATURES), FID64(CPU_SUSPEND), 0, 0, 1);
	/* Deliberately absent. */
	expect_call(f, 0, FID32(FEATURES), FID32(MIGRATE), 0, 0, -1);
	expect_call(f, 0, FID32(FEATURES), FID64(MIGRATE_INFO_UP_CPU), 0, 0, -1);
	expect_call(f, 0, FID32(FEATURES), FID32(MEM_PROTECT), 0, 0, -1);
	expect_call(f, 0, FID32(FEATURES), FID64(MEM_PROTECT_CHECK), 0, 0, -1);
	expect_call(f, 0, FID64(CPU_FREEZE), 0, 0, 0, -1);
	expect_call(f, 0, FID64(SET_SUSPEND_MODE), 0, 0, 0, -1);
	fake_free(o);
}

/* ---- CPU_ON ---- */

static void expect_no_effect_on(struct fake *f, unsigned int target)
{
	assert_int_equal(state_of(f, target), PSCI_CPU_STATE_OFF);
	assert_int_equal(atomic_load(&f->host.v[target].kicks), 0);
	assert_int_equal(prepare(f, target), 0);
	assert_int_equal(f->host.v[target].resets, 0);
}

static void test_cpu_on_invalid_parameters(void **state)
{
	struct fake *f = *state;
	uint64_t good = mpidr_of(1);

	/* Bits outside Aff0-Aff3: MT, U, RES1 and above Aff3. */
	expect_call(f, 0, FID64(CPU_ON), good | (1ULL << 24), RAM_BASE, 0,
		    PSCI_RET_INVALID_PARAMETERS);
	expect_call(f, 0, FID64(CPU_ON), good | (1ULL << 30), RAM_BASE, 0,
		    PSCI_RET_INVALID_PARAMETERS);
	expect_call(f, 0, FID64(CPU_ON), good | MPIDR_RES1, RAM_BASE, 0,
		    PSCI_RET_INVALID_PARAMETERS);
	expect_call(f, 0, FID64(CPU_ON), good | (1ULL << 40), RAM_BASE, 0,
		    PSCI_RET_INVALID_PARAMETERS);
	expect_call(f, 0, FID32(CPU_ON), good | MPIDR_RES1, RAM_BASE, 0,
		    PSCI_RET_INVALID_PARAMETERS);

	/* Well-formed, but no such vCPU. */
	expect_call(f, 0, FID64(CPU_ON), 0x500, RAM_BASE, 0,
		    PSCI_RET_INVALID_PARAMETERS);
	expect_call(f, 0, FID64(CPU_ON), 0x104, RAM_BASE, 0,
		    PSCI_RET_INVALID_PARAMETERS);
	expect_call(f, 0, FID64(CPU_ON), 0x10000, RAM_BASE, 0,
		    PSCI_RET_INVALID_PARAMETERS);
	expect_call(f, 0, FID64(CPU_ON), good | (1ULL << 32), RAM_BASE, 0,
		    PSCI_RET_INVALID_PARAMETERS);

	expect_no_effect_on(f, 1);
}

static void test_cpu_on_invalid_address(void **state)
{
	struct fake *f = *state;
	uint64_t t = mpidr_of(1);

	expect_call(f, 0, FID64(CPU_ON), t, 0, 0, PSCI_RET_INVALID_ADDRESS);
	expect_call(f, 0, FID64(CPU_ON), t, RAM_BASE - 4, 0,
		    PSCI_RET_INVALID_ADDRESS);
	expect_call(f, 0, FID64(CPU_ON), t, RAM_BASE + RAM_SIZE, 0,
		    PSCI_RET_INVALID_ADDRESS);
	expect_call(f, 0, FID64(CPU_ON), t, (1ULL << 32) | RAM_BASE, 0,
		    PSCI_RET_INVALID_ADDRESS);
	expect_call(f, 0, FID64(CPU_ON), t, ~0ULL, 0,
		    PSCI_RET_INVALID_ADDRESS);
	expect_call(f, 0, FID32(CPU_ON), t, 0xfffffffc, 0,
		    PSCI_RET_INVALID_ADDRESS);
	expect_no_effect_on(f, 1);

	/* Both ends of RAM are fine. */
	expect_call(f, 0, FID64(CPU_ON), t, RAM_BASE + RAM_SIZE - 4, 0,
		    PSCI_RET_SUCCESS);
	expect_call(f, 0, FID64(CPU_ON), mpidr_of(2), RAM_BASE, 0,
		    PSCI_RET_SUCCESS);
}

static void test_cpu_on_already_on_and_pending(void **state)
{
	struct fake *f = *state;

	/* The caller itself, and another running vCPU. */
	expect_call(f, 0, FID64(CPU_ON), mpidr_of(0), RAM_BASE, 0,
		    PSCI_RET_ALREADY_ON);
	bring_up(f, 2);
	expect_call(f, 0, FID32(CPU_ON), mpidr_of(2), RAM_BASE, 0,
		    PSCI_RET_ALREADY_ON);
	expect_call(f, 2, FID64(CPU_ON), mpidr_of(2), RAM_BASE, 0,
		    PSCI_RET_ALREADY_ON);

	/* Accepted but not started yet: ALREADY_ON, as KVM answers (the
	 * table's ON_PENDING only with cpu_on_pending: test_cpu_on_pending). */
	expect_call(f, 0, FID64(CPU_ON), mpidr_of(1), RAM_BASE + 0x100, 11,
		    PSCI_RET_SUCCESS);
	expect_call(f, 0, FID64(CPU_ON), mpidr_of(1), RAM_BASE + 0x200, 22,
		    PSCI_RET_ALREADY_ON);
	expect_call(f, 2, FID32(CPU_ON), mpidr_of(1), RAM_BASE + 0x300, 33,
		    PSCI_RET_ALREADY_ON);
	assert_int_equal(atomic_load(&f->host.v[1].kicks), 1);

	/* The first request is the one that takes effect. */
	assert_int_equal(prepare(f, 1), 1);
	assert_int_equal(f->host.v[1].reg[FW_REG_PC], RAM_BASE + 0x100);
	assert_int_equal(f->host.v[1].reg[FW_REG_X0], 11);
	expect_call(f, 2, FID32(CPU_ON), mpidr_of(1), RAM_BASE, 0,
		    PSCI_RET_ALREADY_ON);
}

/* With cpu_on_pending a CPU_ON that finds the target's power-on pending
 * answers ON_PENDING, and ALREADY_ON once it is on. AFFINITY_INFO says
 * ON_PENDING meanwhile either way. */
static void test_cpu_on_pending(void **state)
{
	for (int pending = 0; pending < 2; pending++) {
		struct fake *f = fake_new_full(PSCI_PSTATE_FORMAT_EXTENDED, NR_VCPUS, pending);

		expect_call(f, 0, FID64(CPU_ON), mpidr_of(3), RAM_BASE, 1, PSCI_RET_SUCCESS);
		expect_call(f, 0, FID64(CPU_ON), mpidr_of(3), RAM_BASE, 2,
			    pending ? PSCI_RET_ON_PENDING : PSCI_RET_ALREADY_ON);
		assert_int_equal(affinity_info(f, mpidr_of(3), 0), PSCI_AFF_ON_PENDING);
		assert_int_equal(prepare(f, 3), 1);
		assert_int_equal(f->host.v[3].reg[FW_REG_X0], 1);   /* the first request won */
		expect_call(f, 0, FID64(CPU_ON), mpidr_of(3), RAM_BASE, 3, PSCI_RET_ALREADY_ON);
		*state = f;
		teardown(state);
	}
}

static void test_cpu_on_then_prepare(void **state)
{
	struct fake *f = *state;
	struct fake_vcpu *t = &f->host.v[17];
	uint64_t ctx = 0x0123456789abcdefULL;

	t->reg[5] = 0xdead;	/* stale state the reset must clear */
	expect_call(f, 0, FID64(CPU_ON), mpidr_of(17), RAM_BASE + 0x8000, ctx,
		    PSCI_RET_SUCCESS);
	assert_int_equal(atomic_load(&t->kicks), 1);
	assert_int_equal(state_of(f, 17), PSCI_CPU_STATE_ON_PENDING);
	/* Nothing is done to the target from the caller's thread. */
	assert_int_equal(t->resets, 0);
	assert_int_equal(t->written, 0);

	assert_int_equal(prepare(f, 17), 1);
	assert_int_equal(t->resets, 1);
	assert_int_equal(t->reg[5], 0);
	assert_int_equal(t->reg[FW_REG_PC], RAM_BASE + 0x8000);
	assert_int_equal(t->reg[FW_REG_X0], ctx);
	assert_int_equal(t->reg[FW_REG_PSTATE], FW_PSTATE_EL1H_DAIF);
	assert_int_equal(t->reg[FW_REG_SCTLR_EL1], SCTLR_RESET);
	assert_false(t->written & (1ULL << FW_REG_SCTLR_EL1));
	assert_int_equal(t->mp_state, FW_MP_RUNNABLE);
	assert_int_equal(state_of(f, 17), PSCI_CPU_STATE_ON);
	/* Every step of the warm boot happened before the state became ON. */
	assert_int_equal(t->boot_states_seen,
			 1U << PSCI_CPU_STATE_ON_PENDING);

	/* Later entries change nothing. */
	assert_int_equal(prepare(f, 17), 1);
	assert_int_equal(t->resets, 1);
}

static void test_cpu_on_big_endian_caller(void **state)
{
	struct fake *f = *state;

	f->host.v[0].reg[FW_REG_SCTLR_EL1] = SCTLR_RESET | FW_SCTLR_EE;
	expect_call(f, 0, FID64(CPU_ON), mpidr_of(3), RAM_BASE, 0,
		    PSCI_RET_SUCCESS);
	f->host.v[0].reg[FW_REG_SCTLR_EL1] = SCTLR_RESET;
	expect_call(f, 0, FID64(CPU_ON), mpidr_of(4), RAM_BASE, 0,
		    PSCI_RET_SUCCESS);

	assert_int_equal(prepare(f, 3), 1);
	assert_int_equal(f->host.v[3].reg[FW_REG_SCTLR_EL1],
			 SCTLR_RESET | FW_SCTLR_EE);
	assert_int_equal(prepare(f, 4), 1);
	assert_int_equal(f->host.v[4].reg[FW_REG_SCTLR_EL1], SCTLR_RESET);
}

static void test_cpu_on_32bit_ignores_upper_halves(void **state)
{
	struct fake *f = *state;

	expect_call(f, 0, FID32(CPU_ON), 0xffffffff00000000ULL | mpidr_of(1),
		    0xabcd000000000000ULL | (RAM_BASE + 0x2000),
		    0x123456789abcdef0ULL, PSCI_RET_SUCCESS);
	assert_int_equal(prepare(f, 1), 1);
	assert_int_equal(f->host.v[1].reg[FW_REG_PC], RAM_BASE + 0x2000);
	assert_int_equal(f->host.v[1].reg[FW_REG_X0], 0x9abcdef0);

	/* The same arguments through SMC64 are wrong: all 64 bits count. */
	expect_call(f, 0, FID64(CPU_ON), 0xffffffff00000000ULL | mpidr_of(2),
		    RAM_BASE, 0, PSCI_RET_INVALID_PARAMETERS);
	expect_call(f, 0, FID64(CPU_ON), mpidr_of(2),
		    0xabcd000000000000ULL | RAM_BASE, 0,
		    PSCI_RET_INVALID_ADDRESS);
	expect_call(f, 0, FID64(CPU_ON), mpidr_of(2), RAM_BASE,
		    0x123456789abcdef0ULL, PSCI_RET_SUCCESS);
	assert_int_equal(prepare(f, 2), 1);
	assert_int_equal(f->host.v[2].reg[FW_REG_X0], 0x123456789abcdef0ULL);
}

static void test_64bit_ids_from_aarch32(void **state)
{
	struct fake *f = *state;

	f->host.v[0].reg[FW_REG_PSTATE] = PSTATE_AARCH32;
	expect_call(f, 0, FID64(CPU_ON), mpidr_of(1), RAM_BASE, 0,
		    PSCI_RET_NOT_SUPPORTED);
	expect_call(f, 0, FID64(AFFINITY_INFO), mpidr_of(0), 0, 0,
		    PSCI_RET_NOT_SUPPORTED);
	expect_call(f, 0, FID64(VERSION), 0, 0, 0, PSCI_RET_NOT_SUPPORTED);
	expect_call(f, 0, FID64(CPU_SUSPEND), PSCI_PSTATE_EXTENDED_STANDBY, 0, 0,
		    PSCI_RET_NOT_SUPPORTED);
	expect_call(f, 0, FID64(SYSTEM_SUSPEND), RAM_BASE, 0, 0,
		    PSCI_RET_NOT_SUPPORTED);
	expect_call(f, 0, FID64(STAT_COUNT), mpidr_of(0), 1, 0,
		    PSCI_RET_NOT_SUPPORTED);
	assert_int_equal(state_of(f, 0), PSCI_CPU_STATE_ON);
	expect_no_effect_on(f, 1);

	/* The 32-bit IDs work, and never look at PSTATE. */
	memset(f->host.v[0].reads, 0, sizeof(f->host.v[0].reads));
	expect_call(f, 0, FID32(AFFINITY_INFO), mpidr_of(0), 0, 0, PSCI_AFF_ON);
	expect_call(f, 0, FID32(CPU_ON), mpidr_of(1), RAM_BASE, 0,
		    PSCI_RET_SUCCESS);
	assert_int_equal(f->host.v[0].reads[FW_REG_PSTATE], 0);
}

/* ---- CPU_OFF ---- */

static void test_cpu_off_then_on_again(void **state)
{
	struct fake *f = *state;

	bring_up(f, 5);
	assert_int_equal(affinity_info(f, mpidr_of(5), 0), PSCI_AFF_ON);

	assert_int_equal(call(f, 5, FID32(CPU_OFF), 0, 0, 0), SMCCC_CONTINUE);
	assert_int_equal(f->host.v[5].written_now, 0);	/* no result */
	assert_int_equal(f->host.v[5].mp_state, FW_MP_STOPPED);
	assert_int_equal(state_of(f, 5), PSCI_CPU_STATE_OFF);
	assert_int_equal(affinity_info(f, mpidr_of(5), 0), PSCI_AFF_OFF);
	assert_int_equal(prepare(f, 5), 0);

	expect_call(f, 0, FID32(CPU_ON), mpidr_of(5), RAM_BASE + 0x4000, 55,
		    PSCI_RET_SUCCESS);
	assert_int_equal(affinity_info(f, mpidr_of(5), 0), PSCI_AFF_ON_PENDING);
	assert_int_equal(prepare(f, 5), 1);
	assert_int_equal(f->host.v[5].resets, 2);
	assert_int_equal(f->host.v[5].reg[FW_REG_PC], RAM_BASE + 0x4000);
	assert_int_equal(f->host.v[5].reg[FW_REG_X0], 55);
	assert_int_equal(f->host.v[5].mp_state, FW_MP_RUNNABLE);
	assert_int_equal(affinity_info(f, mpidr_of(5), 0), PSCI_AFF_ON);
}

/* The last running vCPU may go off too. */
static void test_cpu_off_last_cpu(void **state)
{
	struct fake *f = *state;
	unsigned int i;

	assert_int_equal(call(f, 0, FID32(CPU_OFF), 0, 0, 0), SMCCC_CONTINUE);
	for (i = 0; i < NR_VCPUS; i++)
		assert_int_equal(state_of(f, i), PSCI_CPU_STATE_OFF);
	assert_int_equal(prepare(f, 0), 0);
}

/* ---- AFFINITY_INFO ---- */

static void test_affinity_info_level0(void **state)
{
	struct fake *f = *state;

	assert_int_equal(affinity_info(f, mpidr_of(0), 0), PSCI_AFF_ON);
	assert_int_equal(affinity_info(f, mpidr_of(9), 0), PSCI_AFF_OFF);
	expect_call(f, 0, FID32(CPU_ON), mpidr_of(9), RAM_BASE, 0,
		    PSCI_RET_SUCCESS);
	assert_int_equal(affinity_info(f, mpidr_of(9), 0), PSCI_AFF_ON_PENDING);
	assert_int_equal(affinity_info(f, mpidr_of(19), 0), PSCI_AFF_OFF);

	/* Unknown vCPU, stray bits, level beyond 3. */
	assert_int_equal(affinity_info(f, 0x104, 0), PSCI_RET_INVALID_PARAMETERS);
	assert_int_equal(affinity_info(f, mpidr_of(0) | MPIDR_RES1, 0),
			 PSCI_RET_INVALID_PARAMETERS);
	assert_int_equal(affinity_info(f, 1ULL << 40, 3),
			 PSCI_RET_INVALID_PARAMETERS);
	assert_int_equal(affinity_info(f, mpidr_of(0), 4),
			 PSCI_RET_INVALID_PARAMETERS);
	assert_int_equal(affinity_info(f, mpidr_of(0), 1ULL << 32),
			 PSCI_RET_INVALID_PARAMETERS);

	/* SMC32: upper halves of x1 and x2 are not looked at. */
	expect_call(f, 0, FID32(AFFINITY_INFO),
		    0xffffffff00000000ULL | mpidr_of(9),
		    0xffffffff00000000ULL, 0, PSCI_AFF_ON_PENDING);
	expect_call(f, 0, FID32(AFFINITY_INFO), mpidr_of(0), 4, 0,
		    PSCI_RET_INVALID_PARAMETERS);
}

static void test_affinity_info_level1(void **state)
{
	struct fake *f = *state;

	/* Cluster 1 holds vCPUs 16-19; Aff0 is ignored at level 1. */
	assert_int_equal(affinity_info(f, 0x100, 1), PSCI_AFF_OFF);
	assert_int_equal(affinity_info(f, 0x1ff, 1), PSCI_AFF_OFF);
	assert_int_equal(affinity_info(f, 0x000, 1), PSCI_AFF_ON);
	assert_int_equal(affinity_info(f, 0x0ff, 1), PSCI_AFF_ON);
	assert_int_equal(affinity_info(f, 0x200, 1), PSCI_RET_INVALID_PARAMETERS);

	expect_call(f, 0, FID64(CPU_ON), mpidr_of(18), RAM_BASE, 0,
		    PSCI_RET_SUCCESS);
	assert_int_equal(affinity_info(f, 0x100, 1), PSCI_AFF_ON_PENDING);
	expect_call(f, 0, FID64(CPU_ON), mpidr_of(16), RAM_BASE, 0,
		    PSCI_RET_SUCCESS);
	assert_int_equal(prepare(f, 16), 1);
	/* One ON outweighs any ON_PENDING. */
	assert_int_equal(affinity_info(f, 0x103, 1), PSCI_AFF_ON);

	/* Cluster 0 with only vCPU 0 running: still ON; then all off. */
	assert_int_equal(call(f, 0, FID32(CPU_OFF), 0, 0, 0), SMCCC_CONTINUE);
	expect_call(f, 16, FID32(AFFINITY_INFO), 0x000, 1, 0, PSCI_AFF_OFF);
	expect_call(f, 16, FID32(AFFINITY_INFO), 0x100, 1, 0, PSCI_AFF_ON);
	expect_call(f, 16, FID32(AFFINITY_INFO), 0x100, 0, 0, PSCI_AFF_ON);
	expect_call(f, 16, FID32(AFFINITY_INFO), 0x102, 0, 0,
		    PSCI_AFF_ON_PENDING);
}

static void test_affinity_info_levels2_and_3(void **state)
{
	struct fake *f = *state;

	/* Level 2 ignores Aff1 and Aff0: every vCPU has Aff2 = 0. */
	assert_int_equal(affinity_info(f, 0x0000, 2), PSCI_AFF_ON);
	assert_int_equal(affinity_info(f, 0xffff, 2), PSCI_AFF_ON);
	assert_int_equal(affinity_info(f, 0x10000, 2),
			 PSCI_RET_INVALID_PARAMETERS);
	/* Level 3 only compares Aff3. */
	assert_int_equal(affinity_info(f, 0xffffff, 3), PSCI_AFF_ON);
	assert_int_equal(affinity_info(f, 0x100000000ULL, 3),
			 PSCI_RET_INVALID_PARAMETERS);
	assert_int_equal(affinity_info(f, 0x100000000ULL, 2),
			 PSCI_RET_INVALID_PARAMETERS);
	/* Bits outside the affinity fields are refused at every level. */
	assert_int_equal(affinity_info(f, 1ULL << 24, 3),
			 PSCI_RET_INVALID_PARAMETERS);

	/* Only vCPU 16 running, 7 pending: each level sees what it covers. */
	bring_up(f, 16);
	expect_call(f, 0, FID64(CPU_ON), mpidr_of(7), RAM_BASE, 0,
		    PSCI_RET_SUCCESS);
	assert_int_equal(call(f, 0, FID32(CPU_OFF), 0, 0, 0), SMCCC_CONTINUE);
	expect_call(f, 16, FID32(AFFINITY_INFO), 0x000, 1, 0,
		    PSCI_AFF_ON_PENDING);
	expect_call(f, 16, FID32(AFFINITY_INFO), 0x0ff, 2, 0, PSCI_AFF_ON);
	expect_call(f, 16, FID64(AFFINITY_INFO), 0xffffff, 3, 0, PSCI_AFF_ON);
	assert_int_equal(prepare(f, 7), 1);
	expect_call(f, 16, FID32(AFFINITY_INFO), 0x000, 1, 0, PSCI_AFF_ON);
	expect_call(f, 16, FID32(AFFINITY_INFO), 0x000, 0, 0, PSCI_AFF_OFF);
}

/* ---- SYSTEM_OFF / SYSTEM_RESET / misc ---- */

static void test_system_off_and_reset(void **state)
{
	struct fake *f = *state;

	assert_int_equal(call(f, 0, FID32(SYSTEM_OFF), 0, 0, 0), SMCCC_SYSTEM_OFF);
	assert_int_equal(f->host.v[0].written_now, 0);
	assert_int_equal(call(f, 0, FID32(SYSTEM_RESET), 0, 0, 0),
			 SMCCC_SYSTEM_RESET);
	assert_int_equal(f->host.v[0].written_now, 0);
	/* Those exist only as SMC32. */
	expect_call(f, 0, FID64(SYSTEM_OFF), 0, 0, 0, PSCI_RET_NOT_SUPPORTED);
	expect_call(f, 0, FID64(SYSTEM_RESET), 0, 0, 0, PSCI_RET_NOT_SUPPORTED);
}

static void test_version_and_migrate_info(void **state)
{
	struct fake *f = *state;

	expect_call(f, 0, FID32(VERSION), 0, 0, 0, 0x00010001);
	expect_call(f, 0, FID32(MIGRATE_INFO_TYPE), 0, 0, 0, 2);
	expect_call(f, 0, FID64(MIGRATE_INFO_UP_CPU), 0, 0, 0,
		    PSCI_RET_NOT_SUPPORTED);
	expect_call(f, 0, FID32(MEM_PROTECT), 0, RAM_BASE, 0,
		    PSCI_RET_NOT_SUPPORTED);
	/* Negative results are sign-extended over all 64 bits. */
	assert_int_equal(x0_of(f, 0), 0xffffffffffffffffULL);
}

/* ---- failures of vCPU operations ---- */

static void test_call_failures(void **state)
{
	struct fake *f = *state;

	f->host.v[0].fail_write = EIO;
	assert_int_equal(call(f, 0, FID32(VERSION), 0, 0, 0), SMCCC_FAILED);
	assert_int_equal(call(f, 0, FID32(CPU_SUSPEND), 0, 0, 0), SMCCC_FAILED);
	assert_int_equal(call(f, 0, 0x80000000, 0, 0, 0), SMCCC_FAILED);
	f->host.v[0].fail_write = 0;

	f->host.v[0].fail_read = EIO;
	assert_int_equal(call(f, 0, FID32(CPU_ON), mpidr_of(1), RAM_BASE, 0),
			 SMCCC_FAILED);
	assert_int_equal(call(f, 0, FID64(CPU_ON), mpidr_of(1), RAM_BASE, 0),
			 SMCCC_FAILED);
	assert_int_equal(call(f, 0, FID32(AFFINITY_INFO), 0, 0, 0), SMCCC_FAILED);
	assert_int_equal(call(f, 0, FID32(FEATURES), FID32(VERSION), 0, 0),
			 SMCCC_FAILED);
	f->host.v[0].fail_read = 0;
	expect_no_effect_on(f, 1);

	f->host.v[0].fail_mp_state = EIO;
	assert_int_equal(call(f, 0, FID32(CPU_OFF), 0, 0, 0), SMCCC_FAILED);
	assert_int_equal(state_of(f, 0), PSCI_CPU_STATE_ON);
	assert_int_equal(f->host.v[0].mp_state, FW_MP_RUNNABLE);
	f->host.v[0].fail_mp_state = 0;
}

/* Make prepare fail at one step, then let it succeed. */
static void check_prepare_failure(struct fake *f, unsigned int target,
				  int *fail)
{
	*fail = EIO;
	assert_int_equal(prepare(f, target), -EIO);
	assert_int_equal(state_of(f, target), PSCI_CPU_STATE_ON_PENDING);
	assert_int_equal(affinity_info(f, mpidr_of(target), 0),
			 PSCI_AFF_ON_PENDING);
	expect_call(f, 0, FID64(CPU_ON), mpidr_of(target), RAM_BASE, 0,
		    PSCI_RET_ALREADY_ON);
	*fail = 0;
	assert_int_equal(prepare(f, target), 1);
	assert_int_equal(state_of(f, target), PSCI_CPU_STATE_ON);
	assert_int_equal(f->host.v[target].reg[FW_REG_PC], RAM_BASE + 0x40);
	assert_int_equal(f->host.v[target].reg[FW_REG_X0], target);
	assert_int_equal(f->host.v[target].reg[FW_REG_SCTLR_EL1],
			 SCTLR_RESET | FW_SCTLR_EE);
	assert_int_equal(f->host.v[target].mp_state, FW_MP_RUNNABLE);
}

static void test_prepare_failures(void **state)
{
	struct fake *f = *state;
	unsigned int t;

	f->host.v[0].reg[FW_REG_SCTLR_EL1] |= FW_SCTLR_EE;
	for (t = 1; t <= 4; t++)
		expect_call(f, 0, FID64(CPU_ON), mpidr_of(t), RAM_BASE + 0x40,
			    t, PSCI_RET_SUCCESS);
	check_prepare_failure(f, 1, &f->host.v[1].fail_reset);
	check_prepare_failure(f, 2, &f->host.v[2].fail_write);
	check_prepare_failure(f, 3, &f->host.v[3].fail_read);
	check_prepare_failure(f, 4, &f->host.v[4].fail_mp_state);
}

/* ---- CPU_SUSPEND, CPU_DEFAULT_SUSPEND ---- */

static int64_t node_hw_state(struct fake *f, unsigned int caller,
			     uint64_t mpidr, uint64_t level)
{
	assert_int_equal(call(f, caller, FID64(NODE_HW_STATE), mpidr, level, 0),
			 SMCCC_CONTINUE);
	return (int64_t)x0_of(f, caller);
}

/* A STAT_* answer for target's power_state, asked by vCPU 0. */
static uint64_t stat_of(struct fake *f, uint32_t fid, unsigned int target,
			uint32_t power_state)
{
	assert_int_equal(call(f, 0, fid, mpidr_of(target), power_state, 0),
			 SMCCC_CONTINUE);
	assert_true(f->host.v[0].written_now & (1ULL << FW_REG_X0));
	return x0_of(f, 0);
}

static void expect_stats(struct fake *f, unsigned int vcpu,
			 uint64_t standby_count, uint64_t standby_us,
			 uint64_t powerdown_count, uint64_t powerdown_us)
{
	struct psci_cpu_stats st;

	assert_int_equal(psci_cpu_stats(&f->fw.psci, vcpu, &st), 0);
	assert_int_equal(st.count[PSCI_SUSPEND_STANDBY], standby_count);
	assert_int_equal(st.residency_us[PSCI_SUSPEND_STANDBY], standby_us);
	assert_int_equal(st.count[PSCI_SUSPEND_POWERDOWN], powerdown_count);
	assert_int_equal(st.residency_us[PSCI_SUSPEND_POWERDOWN], powerdown_us);
}

/* vcpu suspends into standby now and wakes up after us microseconds. */
static void standby_for(struct fake *f, unsigned int vcpu, uint64_t us)
{
	expect_call(f, vcpu, FID32(CPU_SUSPEND), STANDBY(f), 0, 0,
		    PSCI_RET_SUCCESS);
	f->host.now_us += us;
	assert_int_equal(wakeup(f, vcpu), 0);
}

/* The same with power-down, resuming at entry with x0 = vcpu. */
static void powerdown_for(struct fake *f, unsigned int vcpu, uint64_t us)
{
	assert_int_equal(call(f, vcpu, FID64(CPU_SUSPEND), POWERDOWN(f),
			      RAM_BASE + 0x100 * vcpu, vcpu), SMCCC_CONTINUE);
	f->host.now_us += us;
	assert_int_equal(wakeup(f, vcpu), 0);
	assert_int_equal(f->host.v[vcpu].reg[FW_REG_PC], RAM_BASE + 0x100 * vcpu);
}

static void check_standby(enum psci_pstate_format format)
{
	struct fake *f = fake_new_cfg(format, NR_VCPUS);
	struct fake_vcpu *v = &f->host.v[3];
	uint64_t pc;

	bring_up(f, 3);
	pc = v->reg[FW_REG_PC];
	v->written = 0;
	f->host.now_us = 5000;
	expect_call(f, 3, FID64(CPU_SUSPEND), STANDBY(f), RAM_BASE + 0x10, 99,
		    PSCI_RET_SUCCESS);
	/* The result was in place before KVM was asked to wait. */
	assert_true(v->x0_written_at_suspend);
	assert_int_equal(v->x0_at_suspend, RET(PSCI_RET_SUCCESS));
	assert_int_equal(v->written, 1ULL << FW_REG_X0);
	assert_int_equal(v->mp_state, FW_MP_SUSPENDED);
	assert_int_equal(state_of(f, 3), PSCI_CPU_STATE_SUSPENDED);
	assert_int_equal(affinity_info(f, mpidr_of(3), 0), PSCI_AFF_ON);
	assert_int_equal(node_hw_state(f, 0, mpidr_of(3), 0), PSCI_HW_STANDBY);
	/* KVM does the waiting: the vCPU still enters KVM_RUN. */
	assert_int_equal(prepare(f, 3), 1);
	/* A suspend counts once it is over. */
	assert_int_equal(stat_of(f, FID32(STAT_COUNT), 3, STANDBY(f)), 0);
	assert_int_equal(stat_of(f, FID32(STAT_RESIDENCY), 3, STANDBY(f)), 0);

	f->host.now_us = 5250;
	assert_int_equal(wakeup(f, 3), 0);
	assert_int_equal(state_of(f, 3), PSCI_CPU_STATE_ON);
	assert_int_equal(v->mp_state, FW_MP_RUNNABLE);
	/* It returns where it called, with SUCCESS, and nothing else changes. */
	assert_int_equal(v->reg[FW_REG_PC], pc);
	assert_int_equal(x0_of(f, 3), RET(PSCI_RET_SUCCESS));
	assert_int_equal(v->resets, 1);
	assert_int_equal(v->written, 1ULL << FW_REG_X0);
	expect_stats(f, 3, 1, 250, 0, 0);
	assert_int_equal(stat_of(f, FID32(STAT_COUNT), 3, STANDBY(f)), 1);
	assert_int_equal(stat_of(f, FID64(STAT_RESIDENCY), 3, STANDBY(f)), 250);

	/* SMC32, and power_state is 32 bits wide in SMC64 as well. */
	expect_call(f, 3, FID32(CPU_SUSPEND), 0xffffffff00000000ULL | STANDBY(f),
		    0, 0, PSCI_RET_SUCCESS);
	assert_int_equal(state_of(f, 3), PSCI_CPU_STATE_SUSPENDED);
	f->host.now_us += 50;
	assert_int_equal(wakeup(f, 3), 0);
	expect_call(f, 3, FID64(CPU_SUSPEND), 0xabcd000000000000ULL | STANDBY(f),
		    0, 0, PSCI_RET_SUCCESS);
	f->host.now_us += 1;
	assert_int_equal(wakeup(f, 3), 0);
	expect_stats(f, 3, 3, 301, 0, 0);
	fake_free(f);
}

static void check_powerdown(enum psci_pstate_format format)
{
	struct fake *f = fake_new_cfg(format, NR_VCPUS);
	struct fake_vcpu *v = &f->host.v[4];
	uint64_t ctx = 0xfedcba9876543210ULL;

	bring_up(f, 4);
	v->reg[FW_REG_SCTLR_EL1] |= FW_SCTLR_EE;	/* it runs big-endian */
	f->host.now_us = 7000;
	assert_int_equal(call(f, 4, FID64(CPU_SUSPEND), POWERDOWN(f),
			      RAM_BASE + 0x3000, ctx), SMCCC_CONTINUE);
	assert_int_equal(v->written_now, 0);	/* it does not return */
	assert_int_equal(v->mp_state, FW_MP_SUSPENDED);
	assert_int_equal(state_of(f, 4), PSCI_CPU_STATE_SUSPENDED);
	assert_int_equal(affinity_info(f, mpidr_of(4), 0), PSCI_AFF_ON);
	assert_int_equal(node_hw_state(f, 0, mpidr_of(4), 0), PSCI_HW_OFF);
	assert_int_equal(prepare(f, 4), 1);
	assert_int_equal(v->resets, 1);

	/* CPU_ON's warm reset gives a fresh timer ... */
	assert_false(v->last_reset_kept_timer);
	f->host.now_us = 7400;
	v->boot_states_seen = 0;
	assert_int_equal(wakeup(f, 4), 0);
	assert_int_equal(v->resets, 2);
	/* ... power-down keeps it: the device tree says the timer is always on. */
	assert_true(v->last_reset_kept_timer);
	assert_int_equal(v->reg[FW_REG_PC], RAM_BASE + 0x3000);
	assert_int_equal(v->reg[FW_REG_X0], ctx);
	assert_int_equal(v->reg[FW_REG_SCTLR_EL1], SCTLR_RESET | FW_SCTLR_EE);
	assert_int_equal(v->reg[FW_REG_PSTATE], FW_PSTATE_EL1H_DAIF);
	assert_int_equal(v->mp_state, FW_MP_RUNNABLE);
	assert_int_equal(state_of(f, 4), PSCI_CPU_STATE_ON);
	/* Every step of the warm reset happened before the state became ON. */
	assert_int_equal(v->boot_states_seen, 1U << PSCI_CPU_STATE_SUSPENDED);
	expect_stats(f, 4, 0, 0, 1, 400);

	/* SMC32 from a little-endian caller: only the low halves count. */
	v->reg[FW_REG_SCTLR_EL1] = SCTLR_RESET;
	assert_int_equal(call(f, 4, FID32(CPU_SUSPEND),
			      0xabcd000000000000ULL | POWERDOWN(f),
			      0x1234000000000000ULL | (RAM_BASE + 0x5000),
			      0xffffffff00000042ULL), SMCCC_CONTINUE);
	assert_int_equal(v->written_now, 0);
	v->written = 0;
	f->host.now_us += 100;
	assert_int_equal(wakeup(f, 4), 0);
	assert_int_equal(v->reg[FW_REG_PC], RAM_BASE + 0x5000);
	assert_int_equal(v->reg[FW_REG_X0], 0x42);
	assert_int_equal(v->reg[FW_REG_SCTLR_EL1], SCTLR_RESET);
	assert_false(v->written & (1ULL << FW_REG_SCTLR_EL1));
	expect_stats(f, 4, 0, 0, 2, 500);
	fake_free(f);
}

static void test_cpu_suspend(void **state)
{
	unsigned int i;

	(void)state;
	for (i = 0; i < NR_FORMATS; i++) {
		check_standby(formats[i]);
		check_powerdown(formats[i]);
	}
}

static void check_bad_power_states(enum psci_pstate_format format)
{
	static const uint32_t bad_extended[] = {
		0x00000000, 0x00000002, 0x00000003, 0x40000001, 0x40000000,
		0x00010002, 0x00010001, 0x80000001, 0x10000001, 0x20000001,
		0xc0000002, 0x0fffffff, 0xffffffff,
	};
	static const uint32_t bad_original[] = {
		0x00000000, 0x00000002, 0x00000003, 0x00010001, 0x00010000,
		0x40000002, 0x01000001, 0x02010002, 0x03010002, 0x00020001,
		0x04000001, 0x80010002, 0xffffffff,
	};
	bool ext = format == PSCI_PSTATE_FORMAT_EXTENDED;
	const uint32_t *bad = ext ? bad_extended : bad_original;
	size_t n = ext ? sizeof(bad_extended) / sizeof(bad_extended[0])
		       : sizeof(bad_original) / sizeof(bad_original[0]);
	struct fake *f = fake_new_cfg(format, NR_VCPUS);
	size_t i;

	for (i = 0; i < n; i++) {
		expect_call(f, 0, FID32(CPU_SUSPEND), bad[i], RAM_BASE, 0,
			    PSCI_RET_INVALID_PARAMETERS);
		expect_call(f, 0, FID64(CPU_SUSPEND), bad[i], RAM_BASE, 0,
			    PSCI_RET_INVALID_PARAMETERS);
		/* Nothing to count for a state that does not exist. */
		expect_call(f, 0, FID64(STAT_COUNT), mpidr_of(0), bad[i], 0, 0);
		assert_int_equal(state_of(f, 0), PSCI_CPU_STATE_ON);
		assert_int_equal(f->host.v[0].mp_state, FW_MP_RUNNABLE);
	}
	fake_free(f);
}

static void test_cpu_suspend_bad_power_state(void **state)
{
	unsigned int i;

	(void)state;
	for (i = 0; i < NR_FORMATS; i++)
		check_bad_power_states(formats[i]);
}

static void test_suspend_invalid_address(void **state)
{
	static const uint64_t bad[] = {
		0, RAM_BASE - 4, RAM_BASE + RAM_SIZE, (1ULL << 32) | RAM_BASE,
		~0ULL,
	};
	struct fake *f = *state;
	unsigned int i;

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		expect_call(f, 0, FID64(CPU_SUSPEND), POWERDOWN(f), bad[i], 0,
			    PSCI_RET_INVALID_ADDRESS);
		expect_call(f, 0, FID64(CPU_DEFAULT_SUSPEND), bad[i], 0, 0,
			    PSCI_RET_INVALID_ADDRESS);
	}
	expect_call(f, 0, FID32(CPU_SUSPEND), POWERDOWN(f), 0xfffffffc, 0,
		    PSCI_RET_INVALID_ADDRESS);
	expect_call(f, 0, FID32(CPU_DEFAULT_SUSPEND), RAM_BASE - 4, 0, 0,
		    PSCI_RET_INVALID_ADDRESS);
	assert_int_equal(state_of(f, 0), PSCI_CPU_STATE_ON);
	assert_int_equal(f->host.v[0].mp_state, FW_MP_RUNNABLE);
	expect_stats(f, 0, 0, 0, 0, 0);

	/* Standby never looks at the entry point. */
	expect_call(f, 0, FID64(CPU_SUSPEND), STANDBY(f), 0, 0,
		    PSCI_RET_SUCCESS);
	assert_int_equal(wakeup(f, 0), 0);
	/* The last byte of RAM is a valid entry point. */
	assert_int_equal(call(f, 0, FID64(CPU_DEFAULT_SUSPEND),
			      RAM_BASE + RAM_SIZE - 4, 0, 0), SMCCC_CONTINUE);
	assert_int_equal(state_of(f, 0), PSCI_CPU_STATE_SUSPENDED);
	assert_int_equal(wakeup(f, 0), 0);
}

static void test_cpu_default_suspend(void **state)
{
	struct fake *f = *state;
	struct fake_vcpu *v = &f->host.v[6];

	bring_up(f, 6);
	memset(v->reads, 0, sizeof(v->reads));
	f->host.now_us = 100;
	assert_int_equal(call(f, 6, FID32(CPU_DEFAULT_SUSPEND), RAM_BASE + 0x600,
			      66, 0xbad), SMCCC_CONTINUE);
	assert_int_equal(v->written_now, 0);
	assert_int_equal(v->reads[3], 0);	/* only x1 and x2 are arguments */
	assert_int_equal(state_of(f, 6), PSCI_CPU_STATE_SUSPENDED);
	assert_int_equal(v->mp_state, FW_MP_SUSPENDED);
	assert_int_equal(node_hw_state(f, 0, mpidr_of(6), 0), PSCI_HW_OFF);
	assert_int_equal(prepare(f, 6), 1);

	f->host.now_us = 160;
	assert_int_equal(wakeup(f, 6), 0);
	assert_int_equal(v->reg[FW_REG_PC], RAM_BASE + 0x600);
	assert_int_equal(v->reg[FW_REG_X0], 66);
	assert_int_equal(v->resets, 2);
	/* It is the power-down state, and counts as such. */
	assert_int_equal(stat_of(f, FID64(STAT_COUNT), 6, POWERDOWN(f)), 1);
	assert_int_equal(stat_of(f, FID32(STAT_RESIDENCY), 6, POWERDOWN(f)), 60);
	assert_int_equal(stat_of(f, FID32(STAT_COUNT), 6, STANDBY(f)), 0);

	assert_int_equal(call(f, 6, FID64(CPU_DEFAULT_SUSPEND), RAM_BASE + 0x700,
			      0x100000067ULL, 0), SMCCC_CONTINUE);
	f->host.now_us = 200;
	assert_int_equal(wakeup(f, 6), 0);
	assert_int_equal(v->reg[FW_REG_PC], RAM_BASE + 0x700);
	assert_int_equal(v->reg[FW_REG_X0], 0x100000067ULL);
	expect_stats(f, 6, 0, 0, 2, 100);
}

static void test_cpu_on_suspended_target(void **state)
{
	struct fake *f = *state;

	bring_up(f, 1);
	bring_up(f, 2);
	expect_call(f, 1, FID32(CPU_SUSPEND), STANDBY(f), 0, 0,
		    PSCI_RET_SUCCESS);
	assert_int_equal(call(f, 2, FID32(CPU_SUSPEND), POWERDOWN(f), RAM_BASE,
			      0), SMCCC_CONTINUE);

	expect_call(f, 0, FID64(CPU_ON), mpidr_of(1), RAM_BASE, 0,
		    PSCI_RET_ALREADY_ON);
	expect_call(f, 0, FID32(CPU_ON), mpidr_of(2), RAM_BASE, 0,
		    PSCI_RET_ALREADY_ON);
	assert_int_equal(atomic_load(&f->host.v[1].kicks), 1);
	assert_int_equal(atomic_load(&f->host.v[2].kicks), 1);
	assert_int_equal(affinity_info(f, mpidr_of(1), 0), PSCI_AFF_ON);
	assert_int_equal(affinity_info(f, mpidr_of(2), 0), PSCI_AFF_ON);

	assert_int_equal(wakeup(f, 1), 0);
	assert_int_equal(wakeup(f, 2), 0);
	assert_int_equal(state_of(f, 1), PSCI_CPU_STATE_ON);
	assert_int_equal(state_of(f, 2), PSCI_CPU_STATE_ON);
}

/* ---- STAT_RESIDENCY, STAT_COUNT ---- */

static void check_stat_counters(enum psci_pstate_format format)
{
	static const uint32_t stat_fids[] = {
		FID32(STAT_RESIDENCY), FID64(STAT_RESIDENCY),
		FID32(STAT_COUNT), FID64(STAT_COUNT),
	};
	struct fake *f = fake_new_cfg(format, NR_VCPUS);
	unsigned int i;

	bring_up(f, 2);
	for (i = 0; i < 4; i++) {
		assert_int_equal(stat_of(f, stat_fids[i], 2, STANDBY(f)), 0);
		assert_int_equal(stat_of(f, stat_fids[i], 2, POWERDOWN(f)), 0);
	}

	f->host.now_us = 100;
	standby_for(f, 2, 30);
	f->host.now_us = 200;		/* running time does not count */
	standby_for(f, 2, 60);
	f->host.now_us = 1000;
	powerdown_for(f, 2, 500);
	f->host.now_us = 2000;
	assert_int_equal(call(f, 2, FID32(CPU_DEFAULT_SUSPEND), RAM_BASE, 0, 0),
			 SMCCC_CONTINUE);
	f->host.now_us = 2100;
	assert_int_equal(wakeup(f, 2), 0);
	/* A wake-up at the very moment of the suspend still counts. */
	standby_for(f, 2, 0);

	assert_int_equal(stat_of(f, FID32(STAT_COUNT), 2, STANDBY(f)), 3);
	assert_int_equal(stat_of(f, FID64(STAT_COUNT), 2, STANDBY(f)), 3);
	assert_int_equal(stat_of(f, FID32(STAT_RESIDENCY), 2, STANDBY(f)), 90);
	assert_int_equal(stat_of(f, FID64(STAT_RESIDENCY), 2, STANDBY(f)), 90);
	assert_int_equal(stat_of(f, FID32(STAT_COUNT), 2, POWERDOWN(f)), 2);
	assert_int_equal(stat_of(f, FID64(STAT_RESIDENCY), 2, POWERDOWN(f)),
			 600);
	expect_stats(f, 2, 3, 90, 2, 600);

	/* Per vCPU: the others have none. */
	for (i = 0; i < 4; i++) {
		assert_int_equal(stat_of(f, stat_fids[i], 0, STANDBY(f)), 0);
		assert_int_equal(stat_of(f, stat_fids[i], 3, POWERDOWN(f)), 0);
	}
	expect_stats(f, 0, 0, 0, 0, 0);

	/* Argument widths: power_state 32 bits always, MPIDR in SMC32. */
	expect_call(f, 0, FID64(STAT_COUNT), mpidr_of(2),
		    0xffffffff00000000ULL | STANDBY(f), 0, 3);
	expect_call(f, 0, FID32(STAT_COUNT), 0xffffffff00000000ULL | mpidr_of(2),
		    STANDBY(f), 0, 3);
	expect_call(f, 0, FID64(STAT_COUNT), (1ULL << 32) | mpidr_of(2),
		    STANDBY(f), 0, 0);

	/* A wake-up of a running vCPU is not a suspend. */
	assert_int_equal(wakeup(f, 2), 0);
	expect_stats(f, 2, 3, 90, 2, 600);
	fake_free(f);
}

static void test_stat_counters(void **state)
{
	unsigned int i;

	(void)state;
	for (i = 0; i < NR_FORMATS; i++)
		check_stat_counters(formats[i]);
}

static void test_stat_bad_arguments(void **state)
{
	static const uint32_t fids[] = {
		FID32(STAT_RESIDENCY), FID64(STAT_RESIDENCY),
		FID32(STAT_COUNT), FID64(STAT_COUNT),
	};
	struct fake *f = *state;
	unsigned int i;

	bring_up(f, 2);
	f->host.now_us = 0;
	standby_for(f, 2, 10);
	f->host.now_us = 0;
	powerdown_for(f, 2, 10);

	for (i = 0; i < 4; i++) {
		uint32_t fid = fids[i];

		/* Bad MPIDRs: stray bits, no such vCPU. */
		expect_call(f, 0, fid, mpidr_of(2) | MPIDR_RES1, STANDBY(f), 0, 0);
		expect_call(f, 0, fid, mpidr_of(2) | (1ULL << 24), STANDBY(f),
			    0, 0);
		expect_call(f, 0, fid, 0x104, STANDBY(f), 0, 0);
		/* power_states hvmm does not offer (this is the extended format). */
		expect_call(f, 0, fid, mpidr_of(2), 0, 0, 0);
		expect_call(f, 0, fid, mpidr_of(2), 2, 0, 0);
		expect_call(f, 0, fid, mpidr_of(2), 0x40000001, 0, 0);
		expect_call(f, 0, fid, mpidr_of(2),
			    PSCI_PSTATE_ORIGINAL_POWERDOWN, 0, 0);
		/* The same with good arguments is not 0. */
		assert_int_not_equal(stat_of(f, fid, 2, STANDBY(f)), 0);
		assert_int_not_equal(stat_of(f, fid, 2, POWERDOWN(f)), 0);
	}
}

/* ---- CPU_FREEZE ---- */

static void test_cpu_freeze_then_cpu_on(void **state)
{
	struct fake *f = *state;
	struct fake_vcpu *v = &f->host.v[6];

	bring_up(f, 6);
	assert_int_equal(call(f, 6, FID32(CPU_FREEZE), 0, 0, 0), SMCCC_CONTINUE);
	assert_int_equal(v->written_now, 0);	/* no result: it does not return */
	assert_int_equal(v->mp_state, FW_MP_STOPPED);
	assert_int_equal(state_of(f, 6), PSCI_CPU_STATE_OFF);
	assert_int_equal(affinity_info(f, mpidr_of(6), 0), PSCI_AFF_OFF);
	assert_int_equal(node_hw_state(f, 0, mpidr_of(6), 0), PSCI_HW_OFF);
	assert_int_equal(prepare(f, 6), 0);
	/* An interrupt does not end it. */
	assert_int_equal(wakeup(f, 6), 0);
	assert_int_equal(v->mp_state, FW_MP_STOPPED);

	/* Only CPU_ON does, like a cold start. */
	expect_call(f, 0, FID64(CPU_ON), mpidr_of(6), RAM_BASE + 0x6000, 0x66,
		    PSCI_RET_SUCCESS);
	assert_int_equal(prepare(f, 6), 1);
	assert_int_equal(v->resets, 2);
	assert_int_equal(v->reg[FW_REG_PC], RAM_BASE + 0x6000);
	assert_int_equal(v->reg[FW_REG_X0], 0x66);
	assert_int_equal(v->mp_state, FW_MP_RUNNABLE);

	/* The boot vCPU may freeze too, and another vCPU bring it back. */
	assert_int_equal(call(f, 0, FID32(CPU_FREEZE), 0, 0, 0), SMCCC_CONTINUE);
	assert_int_equal(state_of(f, 0), PSCI_CPU_STATE_OFF);
	expect_call(f, 6, FID32(CPU_ON), mpidr_of(0), RAM_BASE, 0,
		    PSCI_RET_SUCCESS);
	assert_int_equal(prepare(f, 0), 1);
	assert_int_equal(state_of(f, 0), PSCI_CPU_STATE_ON);
}

/* ---- SYSTEM_SUSPEND ---- */

static void expect_system_suspend_denied(struct fake *f, unsigned int vcpu)
{
	expect_call(f, vcpu, FID64(SYSTEM_SUSPEND), RAM_BASE, 1, 0,
		    PSCI_RET_DENIED);
	expect_call(f, vcpu, FID32(SYSTEM_SUSPEND), RAM_BASE, 1, 0,
		    PSCI_RET_DENIED);
	assert_int_equal(state_of(f, vcpu), PSCI_CPU_STATE_ON);
	assert_int_equal(f->host.v[vcpu].mp_state, FW_MP_RUNNABLE);
}

static void test_system_suspend_denied(void **state)
{
	struct fake *f = *state;

	/* Another vCPU is on. */
	bring_up(f, 5);
	expect_system_suspend_denied(f, 0);
	expect_system_suspend_denied(f, 5);

	/* ... or suspended, in either state. */
	expect_call(f, 5, FID32(CPU_SUSPEND), STANDBY(f), 0, 0,
		    PSCI_RET_SUCCESS);
	expect_system_suspend_denied(f, 0);
	assert_int_equal(wakeup(f, 5), 0);
	assert_int_equal(call(f, 5, FID32(CPU_DEFAULT_SUSPEND), RAM_BASE, 0, 0),
			 SMCCC_CONTINUE);
	expect_system_suspend_denied(f, 0);
	assert_int_equal(wakeup(f, 5), 0);
	assert_int_equal(call(f, 5, FID32(CPU_OFF), 0, 0, 0), SMCCC_CONTINUE);

	/* ... or starting. */
	expect_call(f, 0, FID64(CPU_ON), mpidr_of(7), RAM_BASE, 0,
		    PSCI_RET_SUCCESS);
	expect_system_suspend_denied(f, 0);
	assert_int_equal(prepare(f, 7), 1);
	assert_int_equal(call(f, 7, FID32(CPU_OFF), 0, 0, 0), SMCCC_CONTINUE);

	/* Alone at last. */
	assert_int_equal(call(f, 0, FID64(SYSTEM_SUSPEND), RAM_BASE, 1, 0),
			 SMCCC_SYSTEM_SUSPEND);
	assert_int_equal(wakeup(f, 0), 0);
}

static void test_system_suspend_then_wakeup(void **state)
{
	/* vCPUs 18 and 19 are disabled: they count as off. */
	struct fake *f = fake_new_cfg(PSCI_PSTATE_FORMAT_EXTENDED, NR_VCPUS - 2);
	struct fake_vcpu *v = &f->host.v[0];

	(void)state;
	v->reg[FW_REG_SCTLR_EL1] |= FW_SCTLR_EE;
	expect_call(f, 0, FID64(SYSTEM_SUSPEND), 0, 1, 0,
		    PSCI_RET_INVALID_ADDRESS);
	expect_call(f, 0, FID64(SYSTEM_SUSPEND), RAM_BASE + RAM_SIZE, 1, 0,
		    PSCI_RET_INVALID_ADDRESS);
	expect_call(f, 0, FID32(SYSTEM_SUSPEND), 0xfffffff0, 1, 0,
		    PSCI_RET_INVALID_ADDRESS);
	assert_int_equal(state_of(f, 0), PSCI_CPU_STATE_ON);
	assert_int_equal(v->mp_state, FW_MP_RUNNABLE);

	f->host.now_us = 50;
	assert_int_equal(call(f, 0, FID64(SYSTEM_SUSPEND), RAM_BASE + 0x9000,
			      0x1234567890ULL, 0), SMCCC_SYSTEM_SUSPEND);
	assert_int_equal(v->written_now, 0);
	/* Stopped, not suspended, in KVM: an interrupt must not wake it. */
	assert_int_equal(v->mp_state, FW_MP_STOPPED);
	assert_int_equal(state_of(f, 0), PSCI_CPU_STATE_SUSPENDED);
	assert_int_equal(prepare(f, 0), 0);
	assert_int_equal(v->resets, 0);

	/* The VMM resumes the system. */
	f->host.now_us = 1000;
	v->boot_states_seen = 0;
	assert_int_equal(wakeup(f, 0), 0);
	assert_int_equal(v->resets, 1);
	/* A system resume is a fresh start: the guest reprograms its timers. */
	assert_false(v->last_reset_kept_timer);
	assert_int_equal(v->reg[FW_REG_PC], RAM_BASE + 0x9000);
	assert_int_equal(v->reg[FW_REG_X0], 0x1234567890ULL);
	assert_int_equal(v->reg[FW_REG_SCTLR_EL1], SCTLR_RESET | FW_SCTLR_EE);
	assert_int_equal(v->reg[FW_REG_PSTATE], FW_PSTATE_EL1H_DAIF);
	assert_int_equal(v->mp_state, FW_MP_RUNNABLE);
	assert_int_equal(state_of(f, 0), PSCI_CPU_STATE_ON);
	assert_int_equal(v->boot_states_seen, 1U << PSCI_CPU_STATE_SUSPENDED);
	assert_int_equal(prepare(f, 0), 1);
	/* Not a CPU_SUSPEND state: no statistics. */
	expect_stats(f, 0, 0, 0, 0, 0);

	/* From a secondary with the boot vCPU off, through SMC32. */
	v->reg[FW_REG_SCTLR_EL1] = SCTLR_RESET;
	bring_up(f, 3);
	assert_int_equal(call(f, 0, FID32(CPU_OFF), 0, 0, 0), SMCCC_CONTINUE);
	assert_int_equal(call(f, 3, FID32(SYSTEM_SUSPEND),
			      0xffffffff00000000ULL | (RAM_BASE + 0x10),
			      0xaaaaaaaa00000005ULL, 0), SMCCC_SYSTEM_SUSPEND);
	assert_int_equal(wakeup(f, 3), 0);
	assert_int_equal(f->host.v[3].reg[FW_REG_PC], RAM_BASE + 0x10);
	assert_int_equal(f->host.v[3].reg[FW_REG_X0], 5);
	assert_int_equal(f->host.v[3].reg[FW_REG_SCTLR_EL1], SCTLR_RESET);
	fake_free(f);
}

/* ---- NODE_HW_STATE ---- */

static void test_node_hw_state(void **state)
{
	struct fake *f = fake_new_cfg(PSCI_PSTATE_FORMAT_ORIGINAL, NR_VCPUS - 1);

	(void)state;
	/* Level 0: one vCPU each; starting counts as powered. */
	assert_int_equal(node_hw_state(f, 0, mpidr_of(0), 0), PSCI_HW_ON);
	assert_int_equal(node_hw_state(f, 0, mpidr_of(1), 0), PSCI_HW_OFF);
	assert_int_equal(node_hw_state(f, 0, mpidr_of(19), 0), PSCI_HW_OFF);
	expect_call(f, 0, FID64(CPU_ON), mpidr_of(1), RAM_BASE, 0,
		    PSCI_RET_SUCCESS);
	assert_int_equal(node_hw_state(f, 0, mpidr_of(1), 0), PSCI_HW_ON);
	assert_int_equal(prepare(f, 1), 1);

	/* Level 1: cluster 1 is vCPUs 16-19 (19 disabled). */
	assert_int_equal(node_hw_state(f, 0, mpidr_of(16), 1), PSCI_HW_OFF);
	bring_up(f, 16);
	bring_up(f, 17);
	assert_int_equal(node_hw_state(f, 0, mpidr_of(18), 1), PSCI_HW_ON);
	expect_call(f, 16, FID32(CPU_SUSPEND), STANDBY(f), 0, 0,
		    PSCI_RET_SUCCESS);
	assert_int_equal(node_hw_state(f, 0, mpidr_of(16), 0), PSCI_HW_STANDBY);
	assert_int_equal(node_hw_state(f, 0, mpidr_of(16), 1), PSCI_HW_ON);
	assert_int_equal(call(f, 17, FID32(CPU_SUSPEND), POWERDOWN(f), RAM_BASE,
			      0), SMCCC_CONTINUE);
	assert_int_equal(node_hw_state(f, 0, mpidr_of(17), 0), PSCI_HW_OFF);
	/* Any core in standby, none on: the cluster is in standby. */
	assert_int_equal(node_hw_state(f, 0, mpidr_of(16), 1), PSCI_HW_STANDBY);
	assert_int_equal(node_hw_state(f, 0, mpidr_of(19), 1), PSCI_HW_STANDBY);
	assert_int_equal(node_hw_state(f, 0, mpidr_of(0), 1), PSCI_HW_ON);
	/* Levels 2 and 3 hold every vCPU, the caller among them. */
	assert_int_equal(node_hw_state(f, 0, mpidr_of(16), 2), PSCI_HW_ON);
	assert_int_equal(node_hw_state(f, 0, mpidr_of(17), 3), PSCI_HW_ON);

	assert_int_equal(wakeup(f, 16), 0);
	assert_int_equal(node_hw_state(f, 0, mpidr_of(17), 1), PSCI_HW_ON);
	assert_int_equal(call(f, 16, FID32(CPU_OFF), 0, 0, 0), SMCCC_CONTINUE);
	assert_int_equal(node_hw_state(f, 0, mpidr_of(17), 1), PSCI_HW_OFF);
	assert_int_equal(wakeup(f, 17), 0);

	/* level is 32 bits wide; SMC32 sees the low half of the MPIDR. */
	expect_call(f, 0, FID64(NODE_HW_STATE), mpidr_of(16),
		    0xffffffff00000001ULL, 0, PSCI_HW_ON);
	expect_call(f, 0, FID32(NODE_HW_STATE),
		    0xffffffff00000000ULL | mpidr_of(16), 0, 0, PSCI_HW_OFF);

	/* Bad MPIDRs and levels. */
	expect_call(f, 0, FID64(NODE_HW_STATE), mpidr_of(1) | (1ULL << 24), 0,
		    0, PSCI_RET_INVALID_PARAMETERS);
	expect_call(f, 0, FID64(NODE_HW_STATE), mpidr_of(1) | MPIDR_RES1, 0,
		    0, PSCI_RET_INVALID_PARAMETERS);
	expect_call(f, 0, FID64(NODE_HW_STATE), 0x104, 1, 0,
		    PSCI_RET_INVALID_PARAMETERS);
	expect_call(f, 0, FID64(NODE_HW_STATE), 0x200, 1, 0,
		    PSCI_RET_INVALID_PARAMETERS);
	expect_call(f, 0, FID64(NODE_HW_STATE), (1ULL << 32) | mpidr_of(1), 3,
		    0, PSCI_RET_INVALID_PARAMETERS);
	expect_call(f, 0, FID64(NODE_HW_STATE), mpidr_of(1), 4, 0,
		    PSCI_RET_INVALID_PARAMETERS);
	expect_call(f, 0, FID32(NODE_HW_STATE), mpidr_of(1), 0xffffffff, 0,
		    PSCI_RET_INVALID_PARAMETERS);
	fake_free(f);
}

/* ---- SET_SUSPEND_MODE ---- */

static void test_set_suspend_mode(void **state)
{
	struct fake *f = *state;
	struct psci *p = &f->fw.psci;

	expect_call(f, 0, FID32(SET_SUSPEND_MODE), 1, 0, 0, PSCI_RET_SUCCESS);
	assert_int_equal(p->suspend_mode, PSCI_MODE_OS_INITIATED);
	expect_call(f, 0, FID32(SET_SUSPEND_MODE), 1, 0, 0, PSCI_RET_SUCCESS);
	expect_call(f, 0, FID32(SET_SUSPEND_MODE), 0, 0, 0, PSCI_RET_SUCCESS);
	assert_int_equal(p->suspend_mode, PSCI_MODE_PLATFORM_COORDINATED);
	expect_call(f, 0, FID32(SET_SUSPEND_MODE), 2, 0, 0,
		    PSCI_RET_INVALID_PARAMETERS);
	expect_call(f, 0, FID32(SET_SUSPEND_MODE), 0xffffffff, 0, 0,
		    PSCI_RET_INVALID_PARAMETERS);
	assert_int_equal(p->suspend_mode, PSCI_MODE_PLATFORM_COORDINATED);
	/* SMC32: the upper half of x1 is not looked at. */
	expect_call(f, 0, FID32(SET_SUSPEND_MODE), 0x100000001ULL, 0, 0,
		    PSCI_RET_SUCCESS);
	assert_int_equal(p->suspend_mode, PSCI_MODE_OS_INITIATED);
	expect_call(f, 0, FID32(SET_SUSPEND_MODE), 0, 0, 0, PSCI_RET_SUCCESS);

	/* vCPUs that are off or starting do not stand in the way. */
	expect_call(f, 0, FID64(CPU_ON), mpidr_of(3), RAM_BASE, 0,
		    PSCI_RET_SUCCESS);
	expect_call(f, 0, FID32(SET_SUSPEND_MODE), 1, 0, 0, PSCI_RET_SUCCESS);
	assert_int_equal(prepare(f, 3), 1);

	/* A suspended one does; asking for the current mode is no switch. */
	expect_call(f, 3, FID32(CPU_SUSPEND), STANDBY(f), 0, 0,
		    PSCI_RET_SUCCESS);
	expect_call(f, 0, FID32(SET_SUSPEND_MODE), 0, 0, 0, PSCI_RET_DENIED);
	assert_int_equal(p->suspend_mode, PSCI_MODE_OS_INITIATED);
	expect_call(f, 0, FID32(SET_SUSPEND_MODE), 1, 0, 0, PSCI_RET_SUCCESS);
	assert_int_equal(wakeup(f, 3), 0);
	expect_call(f, 0, FID32(SET_SUSPEND_MODE), 0, 0, 0, PSCI_RET_SUCCESS);

	assert_int_equal(call(f, 3, FID32(CPU_SUSPEND), POWERDOWN(f), RAM_BASE,
			      0), SMCCC_CONTINUE);
	expect_call(f, 0, FID32(SET_SUSPEND_MODE), 1, 0, 0, PSCI_RET_DENIED);
	assert_int_equal(p->suspend_mode, PSCI_MODE_PLATFORM_COORDINATED);
	assert_int_equal(wakeup(f, 3), 0);
	expect_call(f, 0, FID32(SET_SUSPEND_MODE), 1, 0, 0, PSCI_RET_SUCCESS);
	assert_int_equal(p->suspend_mode, PSCI_MODE_OS_INITIATED);

	/* Suspends behave the same in OS-initiated mode. */
	f->host.now_us = 0;
	standby_for(f, 3, 7);
	expect_stats(f, 3, 2, 7, 1, 0);
}

/* ---- SYSTEM_RESET2 ---- */

static void test_system_reset2(void **state)
{
	static const uint64_t bad[] = {
		1, 2, 0x7fffffff, 0x80000000, 0x80000001, 0xffffffff,
	};
	struct fake *f = *state;
	unsigned int i;

	assert_int_equal(call(f, 0, FID32(SYSTEM_RESET2), 0, 0x1234, 0),
			 SMCCC_SYSTEM_RESET);
	assert_int_equal(f->host.v[0].written_now, 0);
	assert_int_equal(call(f, 0, FID64(SYSTEM_RESET2), 0, ~0ULL, 0),
			 SMCCC_SYSTEM_RESET);
	assert_int_equal(f->host.v[0].written_now, 0);
	/* reset_type is 32 bits wide in both conventions. */
	assert_int_equal(call(f, 0, FID64(SYSTEM_RESET2), 0xffffffff00000000ULL,
			      0, 0), SMCCC_SYSTEM_RESET);
	assert_int_equal(call(f, 0, FID32(SYSTEM_RESET2), 0x100000000ULL, 0, 0),
			 SMCCC_SYSTEM_RESET);

	/* Other architectural types, and vendor types (none defined). */
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		expect_call(f, 0, FID32(SYSTEM_RESET2), bad[i], 0, 0,
			    PSCI_RET_INVALID_PARAMETERS);
		expect_call(f, 0, FID64(SYSTEM_RESET2), bad[i], 0, 0,
			    PSCI_RET_INVALID_PARAMETERS);
	}
	assert_int_equal(state_of(f, 0), PSCI_CPU_STATE_ON);
}

/* ---- disabled vCPUs ---- */

static void test_disabled_cpus(void **state)
{
	struct fake *f = fake_new_cfg(PSCI_PSTATE_FORMAT_EXTENDED, 16);
	struct psci *p = &f->fw.psci;
	unsigned int i;

	(void)state;
	for (i = 16; i < NR_VCPUS; i++)
		assert_int_equal(state_of(f, i), PSCI_CPU_STATE_DISABLED);
	expect_call(f, 0, FID64(CPU_ON), mpidr_of(16), RAM_BASE, 0,
		    PSCI_RET_DENIED);
	expect_call(f, 0, FID32(CPU_ON), mpidr_of(16), RAM_BASE, 0,
		    PSCI_RET_DENIED);
	assert_int_equal(atomic_load(&f->host.v[16].kicks), 0);
	assert_int_equal(prepare(f, 16), 0);
	assert_int_equal(wakeup(f, 16), 0);
	assert_int_equal(f->host.v[16].mp_state, FW_MP_STOPPED);
	assert_int_equal(f->host.v[16].resets, 0);
	assert_int_equal(affinity_info(f, mpidr_of(16), 0), PSCI_AFF_OFF);
	assert_int_equal(affinity_info(f, 0x100, 1), PSCI_AFF_OFF);
	assert_int_equal(node_hw_state(f, 0, mpidr_of(16), 0), PSCI_HW_OFF);

	/* Enabled, it is an ordinary off vCPU. */
	assert_int_equal(psci_cpu_set_enabled(p, 16, true), 0);
	assert_int_equal(state_of(f, 16), PSCI_CPU_STATE_OFF);
	assert_int_equal(psci_cpu_set_enabled(p, 16, true), -EALREADY);
	bring_up(f, 16);
	assert_int_equal(psci_cpu_set_enabled(p, 16, false), -EBUSY);
	assert_int_equal(psci_cpu_set_enabled(p, 16, true), -EALREADY);

	/* Neither a suspended nor a starting vCPU can be disabled. */
	expect_call(f, 16, FID32(CPU_SUSPEND), STANDBY(f), 0, 0,
		    PSCI_RET_SUCCESS);
	assert_int_equal(psci_cpu_set_enabled(p, 16, false), -EBUSY);
	assert_int_equal(wakeup(f, 16), 0);
	assert_int_equal(psci_cpu_set_enabled(p, 17, true), 0);
	expect_call(f, 0, FID64(CPU_ON), mpidr_of(17), RAM_BASE, 0,
		    PSCI_RET_SUCCESS);
	assert_int_equal(psci_cpu_set_enabled(p, 17, false), -EBUSY);
	assert_int_equal(psci_cpu_set_enabled(p, 17, true), -EALREADY);
	assert_int_equal(prepare(f, 17), 1);

	/* Off again, it can go. */
	assert_int_equal(call(f, 16, FID32(CPU_OFF), 0, 0, 0), SMCCC_CONTINUE);
	assert_int_equal(psci_cpu_set_enabled(p, 16, false), 0);
	assert_int_equal(state_of(f, 16), PSCI_CPU_STATE_DISABLED);
	assert_int_equal(psci_cpu_set_enabled(p, 16, false), -EALREADY);
	expect_call(f, 0, FID64(CPU_ON), mpidr_of(16), RAM_BASE, 0,
		    PSCI_RET_DENIED);

	/* So can the boot vCPU, once off. */
	assert_int_equal(psci_cpu_set_enabled(p, 0, false), -EBUSY);
	assert_int_equal(call(f, 0, FID32(CPU_OFF), 0, 0, 0), SMCCC_CONTINUE);
	assert_int_equal(psci_cpu_set_enabled(p, 0, false), 0);
	expect_call(f, 17, FID64(CPU_ON), mpidr_of(0), RAM_BASE, 0,
		    PSCI_RET_DENIED);
	/* Disabled vCPUs do not stop SYSTEM_SUSPEND. */
	assert_int_equal(call(f, 17, FID32(SYSTEM_SUSPEND), RAM_BASE, 0, 0),
			 SMCCC_SYSTEM_SUSPEND);
	assert_int_equal(psci_cpu_set_enabled(p, 17, false), -EBUSY);
	assert_int_equal(wakeup(f, 17), 0);
	fake_free(f);
}

/* ---- reset ---- */

static void test_reset(void **state)
{
	struct fake *f = fake_new_cfg(PSCI_PSTATE_FORMAT_EXTENDED, NR_VCPUS - 2);
	struct psci *p = &f->fw.psci;
	unsigned int i;

	(void)state;
	bring_up(f, 1);
	bring_up(f, 2);
	standby_for(f, 1, 10);
	expect_call(f, 0, FID32(SET_SUSPEND_MODE), 1, 0, 0, PSCI_RET_SUCCESS);
	expect_call(f, 1, FID32(CPU_SUSPEND), STANDBY(f), 0, 0,
		    PSCI_RET_SUCCESS);
	assert_int_equal(call(f, 2, FID32(CPU_SUSPEND), POWERDOWN(f), RAM_BASE,
			      0), SMCCC_CONTINUE);
	expect_call(f, 0, FID64(CPU_ON), mpidr_of(3), RAM_BASE, 0,
		    PSCI_RET_SUCCESS);
	assert_int_equal(psci_cpu_set_enabled(p, 18, true), 0);
	assert_int_equal(psci_cpu_set_enabled(p, 5, false), 0);
	assert_int_equal(call(f, 0, FID32(CPU_OFF), 0, 0, 0), SMCCC_CONTINUE);
	assert_int_equal(psci_cpu_set_enabled(p, 0, false), 0);

	firmware_reset(&f->fw);
	/* The boot vCPU is on (enabled again); the enabled set is kept. */
	assert_int_equal(state_of(f, 0), PSCI_CPU_STATE_ON);
	for (i = 1; i < NR_VCPUS; i++) {
		enum psci_cpu_state want = i == 5 || i == 19 ?
			PSCI_CPU_STATE_DISABLED : PSCI_CPU_STATE_OFF;

		assert_int_equal(state_of(f, i), want);
	}
	expect_stats(f, 1, 0, 0, 0, 0);
	assert_int_equal(p->suspend_mode, PSCI_MODE_PLATFORM_COORDINATED);
	/* The pending CPU_ON is forgotten; call counts are not. */
	assert_int_equal(prepare(f, 3), 0);
	assert_int_equal(prepare(f, 2), 0);
	assert_int_equal(smccc_calls(f->fw.claims, PSCI_FID64(PSCI_FN_CPU_ON)), 3);

	/* A fresh machine again. */
	bring_up(f, 2);
	bring_up(f, 18);
	expect_call(f, 0, FID64(CPU_ON), mpidr_of(5), RAM_BASE, 0,
		    PSCI_RET_DENIED);
	assert_int_equal(stat_of(f, FID32(STAT_COUNT), 1, STANDBY(f)), 0);
	psci_reset(p);
	assert_int_equal(state_of(f, 2), PSCI_CPU_STATE_OFF);
	assert_int_equal(state_of(f, 0), PSCI_CPU_STATE_ON);
	fake_free(f);
}

/* ---- wake-ups that are not PSCI's, and failures ---- */

static void test_wakeup_when_not_suspended(void **state)
{
	struct fake *f = *state;

	/* A running vCPU: KVM's MP state is put back, nothing else. */
	f->host.v[0].mp_state = FW_MP_SUSPENDED;
	f->host.v[0].written = 0;
	assert_int_equal(wakeup(f, 0), 0);
	assert_int_equal(f->host.v[0].mp_state, FW_MP_RUNNABLE);
	assert_int_equal(f->host.v[0].written, 0);
	assert_int_equal(state_of(f, 0), PSCI_CPU_STATE_ON);
	f->host.v[0].fail_mp_state = EIO;
	assert_int_equal(wakeup(f, 0), -EIO);
	f->host.v[0].fail_mp_state = 0;

	/* Off or starting: left alone. */
	assert_int_equal(wakeup(f, 1), 0);
	assert_int_equal(f->host.v[1].mp_state, FW_MP_STOPPED);
	assert_int_equal(state_of(f, 1), PSCI_CPU_STATE_OFF);
	expect_call(f, 0, FID64(CPU_ON), mpidr_of(2), RAM_BASE, 0,
		    PSCI_RET_SUCCESS);
	assert_int_equal(wakeup(f, 2), 0);
	assert_int_equal(f->host.v[2].mp_state, FW_MP_STOPPED);
	assert_int_equal(f->host.v[2].resets, 0);
	assert_int_equal(state_of(f, 2), PSCI_CPU_STATE_ON_PENDING);
	assert_int_equal(prepare(f, 2), 1);
	assert_int_equal(stat_of(f, FID32(STAT_COUNT), 0, STANDBY(f)), 0);
}

static void test_suspend_call_failures(void **state)
{
	static const uint32_t readers[] = {
		FID32(CPU_SUSPEND), FID32(CPU_DEFAULT_SUSPEND),
		FID32(NODE_HW_STATE), FID32(STAT_COUNT), FID32(STAT_RESIDENCY),
		FID32(SET_SUSPEND_MODE), FID32(SYSTEM_RESET2),
		FID64(CPU_SUSPEND), FID64(STAT_COUNT),
	};
	struct fake *f = *state;
	struct fake_vcpu *v = &f->host.v[2];
	unsigned int i;

	bring_up(f, 2);

	/* Standby: the result cannot be written, or KVM cannot be told. */
	v->fail_write = EIO;
	assert_int_equal(call(f, 2, FID32(CPU_SUSPEND), STANDBY(f), 0, 0),
			 SMCCC_FAILED);
	assert_int_equal(state_of(f, 2), PSCI_CPU_STATE_ON);
	assert_int_equal(v->mp_state, FW_MP_RUNNABLE);
	v->fail_write = 0;
	v->fail_mp_state = EIO;
	assert_int_equal(call(f, 2, FID32(CPU_SUSPEND), STANDBY(f), 0, 0),
			 SMCCC_FAILED);
	assert_int_equal(state_of(f, 2), PSCI_CPU_STATE_ON);
	/* Power-down, default suspend, freeze: the vCPU stays on. */
	assert_int_equal(call(f, 2, FID64(CPU_SUSPEND), POWERDOWN(f), RAM_BASE,
			      1), SMCCC_FAILED);
	assert_int_equal(state_of(f, 2), PSCI_CPU_STATE_ON);
	assert_int_equal(call(f, 2, FID32(CPU_DEFAULT_SUSPEND), RAM_BASE, 1, 0),
			 SMCCC_FAILED);
	assert_int_equal(state_of(f, 2), PSCI_CPU_STATE_ON);
	assert_int_equal(call(f, 2, FID32(CPU_FREEZE), 0, 0, 0), SMCCC_FAILED);
	assert_int_equal(state_of(f, 2), PSCI_CPU_STATE_ON);
	assert_int_equal(affinity_info(f, mpidr_of(2), 0), PSCI_AFF_ON);
	v->fail_mp_state = 0;

	/* An argument or SCTLR_EL1 cannot be read. */
	v->fail_read = EIO;
	for (i = 0; i < sizeof(readers) / sizeof(readers[0]); i++) {
		assert_int_equal(call(f, 2, readers[i], POWERDOWN(f), RAM_BASE,
				      0), SMCCC_FAILED);
		assert_int_equal(state_of(f, 2), PSCI_CPU_STATE_ON);
	}
	v->fail_read = 0;

	/* A result cannot be written. */
	v->fail_write = EIO;
	assert_int_equal(call(f, 2, FID32(NODE_HW_STATE), mpidr_of(0), 0, 0),
			 SMCCC_FAILED);
	assert_int_equal(call(f, 2, FID32(STAT_COUNT), mpidr_of(0), 7, 0),
			 SMCCC_FAILED);
	assert_int_equal(call(f, 2, FID32(SYSTEM_RESET2), 1, 0, 0), SMCCC_FAILED);
	assert_int_equal(call(f, 2, FID32(SET_SUSPEND_MODE), 5, 0, 0),
			 SMCCC_FAILED);
	assert_int_equal(call(f, 2, FID32(SYSTEM_SUSPEND), RAM_BASE, 0, 0),
			 SMCCC_FAILED);
	v->fail_write = 0;
	expect_stats(f, 2, 0, 0, 0, 0);

	/* Everything works again afterwards. */
	f->host.now_us = 0;
	powerdown_for(f, 2, 3);
	expect_stats(f, 2, 0, 0, 1, 3);

	/* SYSTEM_SUSPEND, alone: SCTLR_EL1 or KVM fails. */
	assert_int_equal(call(f, 2, FID32(CPU_OFF), 0, 0, 0), SMCCC_CONTINUE);
	f->host.v[0].fail_mp_state = EIO;
	assert_int_equal(call(f, 0, FID32(SYSTEM_SUSPEND), RAM_BASE, 0, 0),
			 SMCCC_FAILED);
	assert_int_equal(state_of(f, 0), PSCI_CPU_STATE_ON);
	f->host.v[0].fail_mp_state = 0;
	f->host.v[0].fail_read = EIO;
	assert_int_equal(call(f, 0, FID32(SYSTEM_SUSPEND), RAM_BASE, 0, 0),
			 SMCCC_FAILED);
	assert_int_equal(state_of(f, 0), PSCI_CPU_STATE_ON);
	f->host.v[0].fail_read = 0;
	assert_int_equal(call(f, 0, FID32(SYSTEM_SUSPEND), RAM_BASE, 0, 0),
			 SMCCC_SYSTEM_SUSPEND);
	assert_int_equal(wakeup(f, 0), 0);
}

/* Make a power-down wake-up fail at one step, then let it succeed. */
static void check_wakeup_failure(struct fake *f, unsigned int vcpu, int *fail,
				 uint64_t *powerdowns)
{
	struct fake_vcpu *v = &f->host.v[vcpu];

	assert_int_equal(call(f, vcpu, FID64(CPU_SUSPEND), POWERDOWN(f),
			      RAM_BASE + 0x40, vcpu), SMCCC_CONTINUE);
	*fail = EIO;
	assert_int_equal(wakeup(f, vcpu), -EIO);
	assert_int_equal(state_of(f, vcpu), PSCI_CPU_STATE_SUSPENDED);
	assert_int_equal(affinity_info(f, mpidr_of(vcpu), 0), PSCI_AFF_ON);
	expect_stats(f, vcpu, 0, 0, *powerdowns, 0);
	*fail = 0;
	assert_int_equal(wakeup(f, vcpu), 0);
	assert_int_equal(state_of(f, vcpu), PSCI_CPU_STATE_ON);
	assert_int_equal(v->reg[FW_REG_PC], RAM_BASE + 0x40);
	assert_int_equal(v->reg[FW_REG_X0], vcpu);
	assert_int_equal(v->reg[FW_REG_SCTLR_EL1], SCTLR_RESET | FW_SCTLR_EE);
	assert_int_equal(v->mp_state, FW_MP_RUNNABLE);
	expect_stats(f, vcpu, 0, 0, ++*powerdowns, 0);
}

static void test_wakeup_failures(void **state)
{
	struct fake *f = *state;
	struct fake_vcpu *v = &f->host.v[3];
	uint64_t powerdowns = 0;

	bring_up(f, 2);
	bring_up(f, 3);

	/* Standby: KVM cannot be told; the suspend is not over yet. */
	f->host.now_us = 0;
	expect_call(f, 2, FID32(CPU_SUSPEND), STANDBY(f), 0, 0,
		    PSCI_RET_SUCCESS);
	f->host.now_us = 10;
	f->host.v[2].fail_mp_state = EIO;
	assert_int_equal(wakeup(f, 2), -EIO);
	assert_int_equal(state_of(f, 2), PSCI_CPU_STATE_SUSPENDED);
	expect_stats(f, 2, 0, 0, 0, 0);
	f->host.v[2].fail_mp_state = 0;
	f->host.now_us = 12;
	assert_int_equal(wakeup(f, 2), 0);
	expect_stats(f, 2, 1, 12, 0, 0);

	/* Power-down, big-endian so that every step is taken. */
	v->reg[FW_REG_SCTLR_EL1] |= FW_SCTLR_EE;
	check_wakeup_failure(f, 3, &v->fail_reset, &powerdowns);
	check_wakeup_failure(f, 3, &v->fail_write, &powerdowns);
	check_wakeup_failure(f, 3, &v->fail_read, &powerdowns);
	check_wakeup_failure(f, 3, &v->fail_mp_state, &powerdowns);

	/* A host that reports a positive error still gets a negative one back. */
	assert_int_equal(call(f, 2, FID64(CPU_SUSPEND), POWERDOWN(f), RAM_BASE,
			      0), SMCCC_CONTINUE);
	f->host.v[2].fail_reset = -EIO;
	assert_int_equal(wakeup(f, 2), -EIO);
	f->host.v[2].fail_reset = 0;
	assert_int_equal(wakeup(f, 2), 0);
}

/* ---- SMCCC dispatch ---- */

static void test_stats(void **state)
{
	struct fake *f = *state;
	struct smccc_claims *cl = f->fw.claims;
	size_t pos = 0;
	uint32_t fid;
	uint64_t count, total = 0;

	expect_call(f, 0, FID32(VERSION), 0, 0, 0, 0x00010001);
	expect_call(f, 0, FID32(VERSION), 0, 0, 0, 0x00010001);
	expect_call(f, 0, FID32(VERSION), 0, 0, 0, 0x00010001);
	expect_call(f, 0, FID64(CPU_ON), 0x500, RAM_BASE, 0,
		    PSCI_RET_INVALID_PARAMETERS);
	expect_call(f, 0, PSCI_FID64(0x1f), 0, 0, 0, PSCI_RET_NOT_SUPPORTED);
	/* Outside every claimed range: answered NOT_SUPPORTED, counted. */
	expect_call(f, 0, SMCCC_VERSION_FID, 0, 0, 0, PSCI_RET_NOT_SUPPORTED);
	expect_call(f, 0, 0xC4000040, 0, 0, 0, PSCI_RET_NOT_SUPPORTED);
	expect_call(f, 0, 0x83ffffff, 0, 0, 0, PSCI_RET_NOT_SUPPORTED);
	/* The SDEI range without SDEI is not claimed: unclaimed too. */
	expect_call(f, 0, 0xC4000020, 0, 0, 0, PSCI_RET_NOT_SUPPORTED);
	assert_null(f->fw.sdei);
	assert_int_equal(cl->nr_claims, 2);
	assert_null(smccc_claim_of(cl, 0xC4000020));

	assert_int_equal(smccc_calls(cl, PSCI_FID32(0)), 3);
	assert_int_equal(smccc_calls(cl, PSCI_FID64(3)), 1);
	assert_int_equal(smccc_calls(cl, PSCI_FID64(0x1f)), 1);
	assert_int_equal(smccc_calls(cl, 0xC4000020), 0);
	assert_int_equal(atomic_load(&cl->unclaimed), 4);
	/* smccc_next_called walks exactly the functions called, in claim order. */
	assert_true(smccc_next_called(cl, &pos, &fid, &count));
	assert_int_equal(fid, PSCI_FID32(0));
	assert_int_equal(count, 3);
	total += count;
	while (smccc_next_called(cl, &pos, &fid, &count))
		total += count;
	assert_int_equal(total, 5);
}

static void test_ranges_and_names(void **state)
{
	struct fake *f = *state;
	struct smccc_claims *cl = f->fw.claims;
	uint32_t n;

	assert_int_equal(cl->nr_claims, 2);
	assert_int_equal(cl->claim[0].range.base, 0x84000000);
	assert_int_equal(cl->claim[0].range.count, 0x20);
	assert_string_equal(cl->claim[0].service->name, "PSCI");
	assert_int_equal(cl->claim[1].range.base, 0xC4000000);
	assert_int_equal(cl->claim[1].range.count, 0x20);
	assert_string_equal(cl->claim[1].service->name, "PSCI");

	assert_ptr_equal(smccc_claim_of(cl, 0x84000000), &cl->claim[0]);
	assert_ptr_equal(smccc_claim_of(cl, 0x8400001f), &cl->claim[0]);
	assert_ptr_equal(smccc_claim_of(cl, 0xC4000000), &cl->claim[1]);
	assert_ptr_equal(smccc_claim_of(cl, 0xC400001f), &cl->claim[1]);
	assert_null(smccc_claim_of(cl, 0x84000020));
	assert_null(smccc_claim_of(cl, 0x83ffffff));
	assert_null(smccc_claim_of(cl, 0xC4000020));
	assert_null(smccc_claim_of(cl, 0xC400003f));
	assert_null(smccc_claim_of(cl, 0xC4000040));
	assert_null(smccc_claim_of(cl, 0xC3ffffff));
	assert_null(smccc_claim_of(cl, 0x80000000));
	assert_null(smccc_claim_of(cl, 0xffffffff));
	assert_null(smccc_claim_of(cl, 0));

	assert_string_equal(smccc_function_name(cl, 0x84000000), "PSCI_VERSION");
	assert_string_equal(smccc_function_name(cl, 0x84000002), "PSCI_CPU_OFF");
	assert_string_equal(smccc_function_name(cl, 0x84000003), "PSCI_CPU_ON");
	assert_string_equal(smccc_function_name(cl, 0xC4000003), "PSCI_CPU_ON");
	assert_string_equal(smccc_function_name(cl, 0xC4000004),
			    "PSCI_AFFINITY_INFO");
	assert_string_equal(smccc_function_name(cl, 0x84000008), "PSCI_SYSTEM_OFF");
	assert_string_equal(smccc_function_name(cl, 0x84000009),
			    "PSCI_SYSTEM_RESET");
	assert_string_equal(smccc_function_name(cl, 0x8400000a), "PSCI_FEATURES");
	assert_string_equal(smccc_function_name(cl, 0xC4000012),
			    "PSCI_SYSTEM_RESET2");
	for (n = 0; n <= PSCI_FN_MEM_PROTECT_CHECK; n++) {
		const char *name = smccc_function_name(cl, PSCI_FID32(n));

		assert_non_null(name);
		assert_int_equal(strncmp(name, "PSCI_", 5), 0);
		assert_string_equal(name, smccc_function_name(cl, PSCI_FID64(n)));
	}
	for (; n < SMCCC_RANGE_SIZE; n++) {
		assert_null(smccc_function_name(cl, PSCI_FID32(n)));
		assert_null(smccc_function_name(cl, PSCI_FID64(n)));
	}
	assert_null(smccc_function_name(cl, 0x80000000));
	assert_null(smccc_function_name(cl, 0xC4000040));
	assert_null(smccc_function_name(cl, 0x83ffffff));
}

/* ---- racing CPU_ONs ---- */

#define RACERS		8
#define RACE_ROUNDS	1000
#define RACE_TARGET	(RACERS + 1)

struct racer {
	struct fake *f;
	unsigned int vcpu;
	uint32_t fid;
	pthread_barrier_t *start, *done;
	atomic_uint *finished;		/* racers past their call this round */
	unsigned int bad_outcomes;
};

/* Racer threads must not use cmocka asserts: results are checked by main. */
static void *racer_main(void *arg)
{
	struct racer *r = arg;
	unsigned int round;

	fake_host_enter(&r->f->host, r->vcpu);
	for (round = 0; round < RACE_ROUNDS; round++) {
		pthread_barrier_wait(r->start);
		if (fw_call_hvc(&r->f->fw, r->vcpu, r->fid) != SMCCC_CONTINUE)
			r->bad_outcomes++;
		atomic_fetch_add(r->finished, 1);
		pthread_barrier_wait(r->done);
	}
	fake_host_leave(&r->f->host, r->vcpu);
	return NULL;
}

struct race_tally {
	unsigned int bad_rounds;	/* not exactly one SUCCESS */
	unsigned int bad_answers;	/* neither ALREADY_ON nor ON_PENDING */
	unsigned int wrong_boots;	/* target started with a loser's entry */
	unsigned int prepare_errors;
	unsigned int already_on, on_pending;
};

/*
 * Acting as the target's thread: wait to be turned on, then start. Once
 * every racer is done, a target still off means nobody won (counted by
 * race_check_round) rather than a reason to wait forever.
 */
static void race_target_start(struct fake *f, struct race_tally *t,
			      atomic_uint *finished)
{
	int ret;

	for (;;) {
		bool all_done = atomic_load(finished) == RACERS;

		ret = prepare(f, RACE_TARGET);
		if (ret != 0 || all_done)
			break;
		sched_yield();
	}
	if (ret < 0)
		t->prepare_errors++;
}

static void race_check_round(struct fake *f, struct race_tally *t)
{
	unsigned int i, winners = 0, winner = 0;

	for (i = 1; i <= RACERS; i++) {
		uint64_t x0 = x0_of(f, i);

		if (x0 == RET(PSCI_RET_SUCCESS)) {
			winners++;
			winner = i;
		} else if (x0 == RET(PSCI_RET_ALREADY_ON)) {
			t->already_on++;
		} else if (x0 == RET(PSCI_RET_ON_PENDING)) {
			t->on_pending++;
		} else {
			t->bad_answers++;
		}
	}
	if (winners != 1)
		t->bad_rounds++;
	else if (f->host.v[RACE_TARGET].reg[FW_REG_PC] != RAM_BASE + 0x1000 * winner ||
		 f->host.v[RACE_TARGET].reg[FW_REG_X0] != winner)
		t->wrong_boots++;
}

static void test_racing_cpu_on(void **state)
{
	struct fake *f = *state;
	pthread_barrier_t start, done;
	pthread_t threads[RACERS];
	struct racer racers[RACERS];
	struct race_tally tally = { 0 };
	atomic_uint finished;
	unsigned int i, round;

	for (i = 1; i <= RACERS; i++)
		bring_up(f, i);

	f->host.check_locks = false;
	assert_int_equal(pthread_barrier_init(&start, NULL, RACERS + 1), 0);
	assert_int_equal(pthread_barrier_init(&done, NULL, RACERS + 1), 0);
	atomic_init(&finished, 0);

	for (i = 0; i < RACERS; i++) {
		struct fake_vcpu *v = &f->host.v[i + 1];

		racers[i] = (struct racer){
			.f = f, .vcpu = i + 1, .start = &start, .done = &done,
			.finished = &finished,
			.fid = i % 2 ? FID64(CPU_ON) : FID32(CPU_ON),
		};
		v->reg[1] = mpidr_of(RACE_TARGET);
		v->reg[2] = RAM_BASE + 0x1000 * (i + 1);
		v->reg[3] = i + 1;
		assert_int_equal(pthread_create(&threads[i], NULL, racer_main,
						&racers[i]), 0);
	}

	for (round = 0; round < RACE_ROUNDS; round++) {
		atomic_store(&finished, 0);
		pthread_barrier_wait(&start);
		race_target_start(f, &tally, &finished);
		pthread_barrier_wait(&done);

		race_check_round(f, &tally);
		/* The target goes off again for the next round. */
		fake_host_enter(&f->host, RACE_TARGET);
		if (fw_call_hvc(&f->fw, RACE_TARGET, FID32(CPU_OFF)) !=
		    SMCCC_CONTINUE)
			tally.prepare_errors++;
		fake_host_leave(&f->host, RACE_TARGET);
	}

	for (i = 0; i < RACERS; i++) {
		assert_int_equal(pthread_join(threads[i], NULL), 0);
		assert_int_equal(racers[i].bad_outcomes, 0);
	}
	pthread_barrier_destroy(&start);
	pthread_barrier_destroy(&done);
	f->host.check_locks = true;

	assert_int_equal(tally.bad_rounds, 0);
	assert_int_equal(tally.bad_answers, 0);
	assert_int_equal(tally.wrong_boots, 0);
	assert_int_equal(tally.prepare_errors, 0);
	/* Every loser: ALREADY_ON, as from KVM (cpu_on_pending is off). */
	assert_int_equal(tally.already_on, RACE_ROUNDS * (RACERS - 1));
	assert_int_equal(tally.on_pending, 0);
	assert_int_equal(atomic_load(&f->host.v[RACE_TARGET].kicks), RACE_ROUNDS);
	assert_int_equal(f->host.v[RACE_TARGET].resets, RACE_ROUNDS);
	assert_int_equal(state_of(f, RACE_TARGET), PSCI_CPU_STATE_OFF);
}

#define T(fn) cmocka_unit_test_setup_teardown(fn, setup, teardown)

int main(void)
{
	const struct CMUnitTest tests[] = {
		T(test_init_rejects_bad_arguments),
		T(test_init_states_and_mpidrs),
		T(test_bad_vcpu_index),
		T(test_state_names_and_params),
		cmocka_unit_test(test_every_function_id),
		T(test_reads_only_needed_registers),
		cmocka_unit_test(test_features),
		T(test_features_suspend_flags),
		T(test_cpu_on_invalid_parameters),
		T(test_cpu_on_invalid_address),
		T(test_cpu_on_already_on_and_pending),
		cmocka_unit_test(test_cpu_on_pending),
		T(test_cpu_on_then_prepare),
		T(test_cpu_on_big_endian_caller),
		T(test_cpu_on_32bit_ignores_upper_halves),
		T(test_64bit_ids_from_aarch32),
		T(test_cpu_off_then_on_again),
		T(test_cpu_off_last_cpu),
		T(test_affinity_info_level0),
		T(test_affinity_info_level1),
		T(test_affinity_info_levels2_and_3),
		T(test_system_off_and_reset),
		T(test_version_and_migrate_info),
		T(test_call_failures),
		T(test_prepare_failures),
		cmocka_unit_test(test_cpu_suspend),
		cmocka_unit_test(test_cpu_suspend_bad_power_state),
		T(test_suspend_invalid_address),
		T(test_cpu_default_suspend),
		T(test_cpu_on_suspended_target),
		cmocka_unit_test(test_stat_counters),
		T(test_stat_bad_arguments),
		T(test_cpu_freeze_then_cpu_on),
		T(test_system_suspend_denied),
		cmocka_unit_test(test_system_suspend_then_wakeup),
		cmocka_unit_test(test_node_hw_state),
		T(test_set_suspend_mode),
		T(test_system_reset2),
		cmocka_unit_test(test_disabled_cpus),
		cmocka_unit_test(test_reset),
		T(test_wakeup_when_not_suspended),
		T(test_suspend_call_failures),
		T(test_wakeup_failures),
		T(test_stats),
		T(test_ranges_and_names),
		T(test_racing_cpu_on),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
