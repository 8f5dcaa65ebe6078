/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Unit tests for PSCI and the SMCCC dispatcher, over a fake vCPU host kept in
 * plain memory. Calls go through firmware_call, the path the VMM uses.
 *
 * The fake enforces the fw_vcpu threading contract: a test "enters" a vCPU
 * before calling the firmware as that vCPU, and any register, MP state or
 * reset operation on a vCPU not entered by the calling thread is counted as
 * a violation (and fails). In single-threaded tests it also fails any vCPU
 * operation made while the PSCI lock is held.
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

#define NR_VCPUS	20		/* 0-15 in cluster 0, 16-19 in cluster 1 */
#define RAM_BASE	0x40000000ULL
#define RAM_SIZE	(256ULL << 20)
#define POISON		0x5a5a5a5a00000000ULL
#define SCTLR_RESET	0x30d00800ULL
#define PSTATE_AARCH32	(FW_PSTATE_nRW | 0x13)	/* AArch32 SVC mode */
#define MPIDR_RES1	(1ULL << 31)

#define FID32(fn)	PSCI_FID32(PSCI_FN_##fn)
#define FID64(fn)	PSCI_FID64(PSCI_FN_##fn)

/* The return value as it must appear in x0: sign-extended to 64 bits. */
#define RET(v)		((uint64_t)(int64_t)(v))

struct fake_vcpu {
	uint64_t reg[FW_REG_COUNT];
	uint64_t written;		/* registers ever written by the firmware */
	uint64_t written_now;		/* ... during the last call() */
	unsigned int reads[FW_REG_COUNT];
	enum fw_mp_state mp_state;
	unsigned int resets;
	atomic_uint kicks;
	uint64_t mpidr;
	/* Failure injection: a positive errno makes the operation fail. */
	int fail_read, fail_write, fail_reset, fail_mp_state;
	/* Set while a thread runs the firmware as this vCPU. */
	bool entered;
	pthread_t thread;
	/* PSCI states seen while prepare's reset/PC/MP-state ops ran (bitmask). */
	unsigned int boot_states_seen;
};

struct fake {
	struct fake_vcpu v[NR_VCPUS];
	atomic_uint violations;
	bool single_thread;
	struct fw_host host;
	struct firmware fw;
};

static uint64_t mpidr_of(unsigned int id)
{
	return (((uint64_t)(id >> 4) & 0xff) << 8) | (id & 0xf);
}

/* ---- the fake host ---- */

static void fake_violation(struct fake *f)
{
	atomic_fetch_add(&f->violations, 1);
}

/* The vCPU, if the calling thread is allowed to operate on it. */
static struct fake_vcpu *fake_own(struct fake *f, unsigned int vcpu)
{
	struct fake_vcpu *v;

	if (vcpu >= NR_VCPUS) {
		fake_violation(f);
		return NULL;
	}
	v = &f->v[vcpu];
	if (!v->entered || !pthread_equal(v->thread, pthread_self())) {
		fake_violation(f);
		return NULL;
	}
	if (f->single_thread) {
		if (pthread_mutex_trylock(&f->fw.psci.lock)) {
			fake_violation(f);	/* op under the PSCI lock */
			return NULL;
		}
		pthread_mutex_unlock(&f->fw.psci.lock);
	}
	return v;
}

/* Remember the PSCI state of a vCPU while its warm boot is being done. */
static void fake_note_boot_state(struct fake *f, unsigned int vcpu)
{
	if (f->single_thread)
		f->v[vcpu].boot_states_seen |=
			1U << psci_cpu_state(&f->fw.psci, vcpu);
}

static int fake_reg_read(void *host, unsigned int vcpu, enum fw_reg reg,
			 uint64_t *val)
{
	struct fake *f = host;
	struct fake_vcpu *v = fake_own(f, vcpu);

	if (!v || reg >= FW_REG_COUNT) {
		if (v)
			fake_violation(f);
		return -EPERM;
	}
	if (v->fail_read)
		return -v->fail_read;
	v->reads[reg]++;
	*val = v->reg[reg];
	return 0;
}

static int fake_reg_write(void *host, unsigned int vcpu, enum fw_reg reg,
			  uint64_t val)
{
	struct fake *f = host;
	struct fake_vcpu *v = fake_own(f, vcpu);

	if (!v || reg >= FW_REG_COUNT) {
		if (v)
			fake_violation(f);
		return -EPERM;
	}
	if (v->fail_write)
		return -v->fail_write;
	if (reg == FW_REG_PC)
		fake_note_boot_state(f, vcpu);
	v->written |= 1ULL << reg;
	v->written_now |= 1ULL << reg;
	v->reg[reg] = val;
	return 0;
}

static int fake_set_mp_state(void *host, unsigned int vcpu,
			     enum fw_mp_state state)
{
	struct fake *f = host;
	struct fake_vcpu *v = fake_own(f, vcpu);

	if (!v)
		return -EPERM;
	if (v->fail_mp_state)
		return -v->fail_mp_state;
	if (state == FW_MP_RUNNABLE)
		fake_note_boot_state(f, vcpu);
	v->mp_state = state;
	return 0;
}

/* Like KVM_ARM_VCPU_INIT again: zeroed core registers, EL1h DAIF masked. */
static int fake_reset(void *host, unsigned int vcpu)
{
	struct fake *f = host;
	struct fake_vcpu *v = fake_own(f, vcpu);
	unsigned int i;

	if (!v)
		return -EPERM;
	if (v->fail_reset)
		return -v->fail_reset;
	fake_note_boot_state(f, vcpu);
	for (i = 0; i < FW_REG_COUNT; i++)
		v->reg[i] = 0;
	v->reg[FW_REG_PSTATE] = FW_PSTATE_EL1H_DAIF;
	v->reg[FW_REG_SCTLR_EL1] = SCTLR_RESET;
	v->reg[FW_REG_MPIDR_EL1] = v->mpidr;
	v->resets++;
	return 0;
}

static void fake_kick(void *host, unsigned int vcpu)
{
	struct fake *f = host;

	if (vcpu >= NR_VCPUS) {
		fake_violation(f);
		return;
	}
	atomic_fetch_add(&f->v[vcpu].kicks, 1);
}

static int fake_vcpu_by_mpidr(void *host, uint64_t mpidr)
{
	struct fake *f = host;
	int i;

	for (i = 0; i < NR_VCPUS; i++) {
		if ((f->v[i].mpidr & FW_MPIDR_AFF_MASK) == mpidr)
			return i;
	}
	return -1;
}

static const struct fw_vcpu_ops fake_ops = {
	.reg_read = fake_reg_read,
	.reg_write = fake_reg_write,
	.set_mp_state = fake_set_mp_state,
	.reset = fake_reset,
	.kick = fake_kick,
	.vcpu_by_mpidr = fake_vcpu_by_mpidr,
};

static struct fake *fake_new(void)
{
	uint64_t mpidrs[NR_VCPUS];
	struct fake *f = calloc(1, sizeof(*f));
	unsigned int i, r;

	assert_non_null(f);
	for (i = 0; i < NR_VCPUS; i++) {
		struct fake_vcpu *v = &f->v[i];

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
	f->single_thread = true;
	f->host = (struct fw_host){
		.ops = &fake_ops,
		.host = f,
		.ram_base = RAM_BASE,
		.ram_size = RAM_SIZE,
	};
	assert_int_equal(firmware_init(&f->fw, &f->host, NR_VCPUS, mpidrs, 0), 0);
	return f;
}

/* x4-x17 must never be written: the caller's values survive every call. */
static void fake_check_scratch_untouched(struct fake *f)
{
	unsigned int i, r;

	for (i = 0; i < NR_VCPUS; i++) {
		for (r = 4; r <= 17; r++) {
			assert_false(f->v[i].written & (1ULL << r));
			if (!f->v[i].resets)
				assert_int_equal(f->v[i].reg[r], POISON | r);
		}
	}
}

static void fake_free(struct fake *f)
{
	assert_int_equal(atomic_load(&f->violations), 0);
	fake_check_scratch_untouched(f);
	firmware_destroy(&f->fw);
	free(f);
}

static void fake_enter(struct fake *f, unsigned int vcpu)
{
	f->v[vcpu].thread = pthread_self();
	f->v[vcpu].entered = true;
}

static void fake_leave(struct fake *f, unsigned int vcpu)
{
	f->v[vcpu].entered = false;
}

/* The guest on vcpu calls fid with x1..x3 as given. */
static enum fw_outcome call(struct fake *f, unsigned int vcpu, uint32_t fid,
			    uint64_t x1, uint64_t x2, uint64_t x3)
{
	struct fake_vcpu *v = &f->v[vcpu];
	enum fw_outcome out;

	v->reg[FW_REG_X0] = fid;
	v->reg[1] = x1;
	v->reg[2] = x2;
	v->reg[3] = x3;
	v->written_now = 0;
	fake_enter(f, vcpu);
	out = firmware_call(&f->fw, vcpu, fid);
	fake_leave(f, vcpu);
	return out;
}

static int prepare(struct fake *f, unsigned int vcpu)
{
	int ret;

	fake_enter(f, vcpu);
	ret = psci_vcpu_prepare(&f->fw.psci, vcpu);
	fake_leave(f, vcpu);
	return ret;
}

static uint64_t x0_of(struct fake *f, unsigned int vcpu)
{
	return f->v[vcpu].reg[FW_REG_X0];
}

static enum psci_cpu_state state_of(struct fake *f, unsigned int vcpu)
{
	return psci_cpu_state(&f->fw.psci, vcpu);
}

/* A call from vCPU 0 that must return to the guest with x0 = expect. */
static void expect_call(struct fake *f, unsigned int vcpu, uint32_t fid,
			uint64_t x1, uint64_t x2, uint64_t x3, int64_t expect)
{
	assert_int_equal(call(f, vcpu, fid, x1, x2, x3), FW_CONTINUE);
	assert_true(f->v[vcpu].written_now & (1ULL << FW_REG_X0));
	assert_int_equal(x0_of(f, vcpu), RET(expect));
}

static int64_t affinity_info(struct fake *f, uint64_t aff, uint64_t level)
{
	assert_int_equal(call(f, 0, FID64(AFFINITY_INFO), aff, level, 0),
			 FW_CONTINUE);
	return (int64_t)x0_of(f, 0);
}

/* CPU_ON target from vCPU 0, then the target's own thread starts it. */
static void bring_up(struct fake *f, unsigned int target)
{
	expect_call(f, 0, FID64(CPU_ON), mpidr_of(target),
		    RAM_BASE + 0x1000 * target, target, PSCI_RET_SUCCESS);
	assert_int_equal(prepare(f, target), 1);
	assert_int_equal(state_of(f, target), PSCI_CPU_STATE_ON);
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
	struct firmware fw;
	struct psci p;

	assert_int_equal(psci_init(&p, &f->host, 0, mpidrs, 0), -EINVAL);
	assert_int_equal(psci_init(&p, &f->host, 2, mpidrs, 2), -EINVAL);
	assert_int_equal(psci_init(&p, &f->host, 2, NULL, 0), -EINVAL);
	assert_int_equal(psci_init(&p, NULL, 2, mpidrs, 0), -EINVAL);
	assert_int_equal(firmware_init(&fw, &f->host, 0, mpidrs, 0), -EINVAL);
	assert_int_equal(firmware_init(&fw, &f->host, 2, mpidrs, 5), -EINVAL);
	assert_int_equal(firmware_init(&fw, NULL, 2, mpidrs, 0), -EINVAL);
}

static void test_init_states_and_mpidrs(void **state)
{
	struct fake *f = *state;
	uint64_t mpidrs[3] = { MPIDR_RES1 | 0x100, 0x0101, 0xab00000102ULL };
	struct psci p;

	assert_int_equal(psci_init(&p, &f->host, 3, mpidrs, 1), 0);
	assert_int_equal(psci_cpu_state(&p, 0), PSCI_CPU_STATE_OFF);
	assert_int_equal(psci_cpu_state(&p, 1), PSCI_CPU_STATE_ON);
	assert_int_equal(psci_cpu_state(&p, 2), PSCI_CPU_STATE_OFF);
	/* Only the affinity fields are kept. */
	assert_int_equal(p.cpu[0].mpidr, 0x100);
	assert_int_equal(p.cpu[2].mpidr, 0xab00000102ULL);
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

	assert_int_equal(psci_call(&f->fw.psci, NR_VCPUS, FID32(VERSION)),
			 PSCI_FAILED);
	assert_int_equal(psci_vcpu_prepare(&f->fw.psci, NR_VCPUS), -EINVAL);
	assert_int_equal(psci_cpu_state(&f->fw.psci, NR_VCPUS),
			 PSCI_CPU_STATE_OFF);
}

/* ---- every function ID ---- */

struct fid_case {
	uint64_t x1, x2, x3;
	enum fw_outcome out;
	bool writes_x0;
	int64_t x0;
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
		.out = FW_CONTINUE, .writes_x0 = true,
		.x0 = PSCI_RET_NOT_SUPPORTED,
	};

	switch (fid) {
	case FID32(VERSION):
		c.x0 = 0x00010001;
		break;
	case FID32(CPU_OFF):
		c.writes_x0 = false;
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
		c.out = FW_SYSTEM_OFF;
		c.writes_x0 = false;
		break;
	case FID32(SYSTEM_RESET):
		c.out = FW_SYSTEM_RESET;
		c.writes_x0 = false;
		break;
	case FID32(FEATURES):
		c.x1 = FID32(VERSION);
		c.x0 = PSCI_RET_SUCCESS;
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
	assert_int_equal(!!(f->v[0].written_now & (1ULL << FW_REG_X0)),
			 c.writes_x0);
	if (c.writes_x0)
		assert_int_equal(x0_of(f, 0), RET(c.x0));
	else
		assert_int_equal(x0_of(f, 0), fid);

	/* Only CPU_ON touches another vCPU, only CPU_OFF the caller's state. */
	for (i = 1; i < NR_VCPUS; i++) {
		bool on = i == 1 && (fid & ~SMCCC_64BIT) == FID32(CPU_ON);

		assert_int_equal(state_of(f, i), on ? PSCI_CPU_STATE_ON_PENDING
						    : PSCI_CPU_STATE_OFF);
		assert_int_equal(atomic_load(&f->v[i].kicks), on);
	}
	assert_int_equal(state_of(f, 0), fid == FID32(CPU_OFF) ?
			 PSCI_CPU_STATE_OFF : PSCI_CPU_STATE_ON);
	assert_int_equal(f->v[0].mp_state, fid == FID32(CPU_OFF) ?
			 FW_MP_STOPPED : FW_MP_RUNNABLE);
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

	memset(f->v[0].reads, 0, sizeof(f->v[0].reads));
	expect_call(f, 0, FID32(VERSION), 0, 0, 0, 0x00010001);
	expect_call(f, 0, FID32(MIGRATE_INFO_TYPE), 0, 0, 0, 2);
	expect_call(f, 0, FID64(MIGRATE), 0, 0, 0, PSCI_RET_NOT_SUPPORTED);
	for (r = 0; r < FW_REG_COUNT; r++)
		assert_int_equal(f->v[0].reads[r], 0);

	/* A bad target is known from x1 alone. */
	expect_call(f, 0, FID32(CPU_ON), 1ULL << 24, RAM_BASE, 0,
		    PSCI_RET_INVALID_PARAMETERS);
	assert_int_equal(f->v[0].reads[1], 1);
	assert_int_equal(f->v[0].reads[2], 0);

	memset(f->v[0].reads, 0, sizeof(f->v[0].reads));
	expect_call(f, 0, FID32(CPU_ON), mpidr_of(1), RAM_BASE, 0,
		    PSCI_RET_SUCCESS);
	for (r = 0; r < FW_REG_COUNT; r++) {
		bool needed = r == 1 || r == 2 || r == 3 ||
			      r == FW_REG_SCTLR_EL1;

		assert_int_equal(f->v[0].reads[r], needed);
	}

	/* PSTATE only for 64-bit IDs. */
	memset(f->v[0].reads, 0, sizeof(f->v[0].reads));
	expect_call(f, 0, FID32(AFFINITY_INFO), mpidr_of(0), 0, 0, PSCI_AFF_ON);
	assert_int_equal(f->v[0].reads[FW_REG_PSTATE], 0);
	expect_call(f, 0, FID64(AFFINITY_INFO), mpidr_of(0), 0, 0, PSCI_AFF_ON);
	assert_int_equal(f->v[0].reads[FW_REG_PSTATE], 1);
	for (r = 4; r <= FW_REG_X30; r++)
		assert_int_equal(f->v[0].reads[r], 0);
}

/* ---- PSCI_FEATURES ---- */

static bool implemented(uint32_t fid)
{
	static const uint32_t fids[] = {
		FID32(VERSION), FID32(CPU_OFF), FID32(CPU_ON), FID64(CPU_ON),
		FID32(AFFINITY_INFO), FID64(AFFINITY_INFO),
		FID32(MIGRATE_INFO_TYPE), FID32(SYSTEM_OFF),
		FID32(SYSTEM_RESET), FID32(FEATURES),
	};
	unsigned int i;

	for (i = 0; i < sizeof(fids) / sizeof(fids[0]); i++) {
		if (fids[i] == fid)
			return true;
	}
	return false;
}

static void test_features(void **state)
{
	static const uint32_t others[] = {
		0x80000001, 0x80008000, 0xC4000020, 0x95c1ba5e, 0x00000000,
		0xffffffff, 0x84000020, 0x83ffffff, 0x04000000,
	};
	struct fake *f = *state;
	uint32_t n, i;

	for (n = 0; n < SMCCC_RANGE_SIZE; n++) {
		expect_call(f, 0, FID32(FEATURES), PSCI_FID32(n), 0, 0,
			    implemented(PSCI_FID32(n)) ? 0 : -1);
		expect_call(f, 0, FID32(FEATURES), PSCI_FID64(n), 0, 0,
			    implemented(PSCI_FID64(n)) ? 0 : -1);
	}
	expect_call(f, 0, FID32(FEATURES), SMCCC_VERSION_FID, 0, 0, 0);
	for (i = 0; i < sizeof(others) / sizeof(others[0]); i++)
		expect_call(f, 0, FID32(FEATURES), others[i], 0, 0, -1);

	/* PSCI_FEATURES is SMC32: the upper half of x1 is not looked at. */
	expect_call(f, 0, FID32(FEATURES), 0xffffffff00000000ULL | FID64(CPU_ON),
		    0, 0, 0);
	expect_call(f, 0, FID32(FEATURES), 0x100000000ULL | SMCCC_VERSION_FID,
		    0, 0, 0);
	expect_call(f, 0, FID32(FEATURES), 0x100000000ULL | FID32(CPU_SUSPEND),
		    0, 0, -1);
	/* There is no 64-bit PSCI_FEATURES. */
	expect_call(f, 0, FID64(FEATURES), FID32(VERSION), 0, 0, -1);
}

/* ---- CPU_ON ---- */

static void expect_no_effect_on(struct fake *f, unsigned int target)
{
	assert_int_equal(state_of(f, target), PSCI_CPU_STATE_OFF);
	assert_int_equal(atomic_load(&f->v[target].kicks), 0);
	assert_int_equal(prepare(f, target), 0);
	assert_int_equal(f->v[target].resets, 0);
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

	/* Accepted but not started yet. */
	expect_call(f, 0, FID64(CPU_ON), mpidr_of(1), RAM_BASE + 0x100, 11,
		    PSCI_RET_SUCCESS);
	expect_call(f, 0, FID64(CPU_ON), mpidr_of(1), RAM_BASE + 0x200, 22,
		    PSCI_RET_ON_PENDING);
	expect_call(f, 2, FID32(CPU_ON), mpidr_of(1), RAM_BASE + 0x300, 33,
		    PSCI_RET_ON_PENDING);
	assert_int_equal(atomic_load(&f->v[1].kicks), 1);

	/* The first request is the one that takes effect. */
	assert_int_equal(prepare(f, 1), 1);
	assert_int_equal(f->v[1].reg[FW_REG_PC], RAM_BASE + 0x100);
	assert_int_equal(f->v[1].reg[FW_REG_X0], 11);
	expect_call(f, 2, FID32(CPU_ON), mpidr_of(1), RAM_BASE, 0,
		    PSCI_RET_ALREADY_ON);
}

static void test_cpu_on_then_prepare(void **state)
{
	struct fake *f = *state;
	struct fake_vcpu *t = &f->v[17];
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

	f->v[0].reg[FW_REG_SCTLR_EL1] = SCTLR_RESET | FW_SCTLR_EE;
	expect_call(f, 0, FID64(CPU_ON), mpidr_of(3), RAM_BASE, 0,
		    PSCI_RET_SUCCESS);
	f->v[0].reg[FW_REG_SCTLR_EL1] = SCTLR_RESET;
	expect_call(f, 0, FID64(CPU_ON), mpidr_of(4), RAM_BASE, 0,
		    PSCI_RET_SUCCESS);

	assert_int_equal(prepare(f, 3), 1);
	assert_int_equal(f->v[3].reg[FW_REG_SCTLR_EL1],
			 SCTLR_RESET | FW_SCTLR_EE);
	assert_int_equal(prepare(f, 4), 1);
	assert_int_equal(f->v[4].reg[FW_REG_SCTLR_EL1], SCTLR_RESET);
}

static void test_cpu_on_32bit_ignores_upper_halves(void **state)
{
	struct fake *f = *state;

	expect_call(f, 0, FID32(CPU_ON), 0xffffffff00000000ULL | mpidr_of(1),
		    0xabcd000000000000ULL | (RAM_BASE + 0x2000),
		    0x123456789abcdef0ULL, PSCI_RET_SUCCESS);
	assert_int_equal(prepare(f, 1), 1);
	assert_int_equal(f->v[1].reg[FW_REG_PC], RAM_BASE + 0x2000);
	assert_int_equal(f->v[1].reg[FW_REG_X0], 0x9abcdef0);

	/* The same arguments through SMC64 are wrong: all 64 bits count. */
	expect_call(f, 0, FID64(CPU_ON), 0xffffffff00000000ULL | mpidr_of(2),
		    RAM_BASE, 0, PSCI_RET_INVALID_PARAMETERS);
	expect_call(f, 0, FID64(CPU_ON), mpidr_of(2),
		    0xabcd000000000000ULL | RAM_BASE, 0,
		    PSCI_RET_INVALID_ADDRESS);
	expect_call(f, 0, FID64(CPU_ON), mpidr_of(2), RAM_BASE,
		    0x123456789abcdef0ULL, PSCI_RET_SUCCESS);
	assert_int_equal(prepare(f, 2), 1);
	assert_int_equal(f->v[2].reg[FW_REG_X0], 0x123456789abcdef0ULL);
}

static void test_64bit_ids_from_aarch32(void **state)
{
	struct fake *f = *state;

	f->v[0].reg[FW_REG_PSTATE] = PSTATE_AARCH32;
	expect_call(f, 0, FID64(CPU_ON), mpidr_of(1), RAM_BASE, 0,
		    PSCI_RET_NOT_SUPPORTED);
	expect_call(f, 0, FID64(AFFINITY_INFO), mpidr_of(0), 0, 0,
		    PSCI_RET_NOT_SUPPORTED);
	expect_call(f, 0, FID64(VERSION), 0, 0, 0, PSCI_RET_NOT_SUPPORTED);
	expect_no_effect_on(f, 1);

	/* The 32-bit IDs work, and never look at PSTATE. */
	memset(f->v[0].reads, 0, sizeof(f->v[0].reads));
	expect_call(f, 0, FID32(AFFINITY_INFO), mpidr_of(0), 0, 0, PSCI_AFF_ON);
	expect_call(f, 0, FID32(CPU_ON), mpidr_of(1), RAM_BASE, 0,
		    PSCI_RET_SUCCESS);
	assert_int_equal(f->v[0].reads[FW_REG_PSTATE], 0);
}

/* ---- CPU_OFF ---- */

static void test_cpu_off_then_on_again(void **state)
{
	struct fake *f = *state;

	bring_up(f, 5);
	assert_int_equal(affinity_info(f, mpidr_of(5), 0), PSCI_AFF_ON);

	assert_int_equal(call(f, 5, FID32(CPU_OFF), 0, 0, 0), FW_CONTINUE);
	assert_int_equal(f->v[5].written_now, 0);	/* no result */
	assert_int_equal(f->v[5].mp_state, FW_MP_STOPPED);
	assert_int_equal(state_of(f, 5), PSCI_CPU_STATE_OFF);
	assert_int_equal(affinity_info(f, mpidr_of(5), 0), PSCI_AFF_OFF);
	assert_int_equal(prepare(f, 5), 0);

	expect_call(f, 0, FID32(CPU_ON), mpidr_of(5), RAM_BASE + 0x4000, 55,
		    PSCI_RET_SUCCESS);
	assert_int_equal(affinity_info(f, mpidr_of(5), 0), PSCI_AFF_ON_PENDING);
	assert_int_equal(prepare(f, 5), 1);
	assert_int_equal(f->v[5].resets, 2);
	assert_int_equal(f->v[5].reg[FW_REG_PC], RAM_BASE + 0x4000);
	assert_int_equal(f->v[5].reg[FW_REG_X0], 55);
	assert_int_equal(f->v[5].mp_state, FW_MP_RUNNABLE);
	assert_int_equal(affinity_info(f, mpidr_of(5), 0), PSCI_AFF_ON);
}

/* The last running vCPU may go off too. */
static void test_cpu_off_last_cpu(void **state)
{
	struct fake *f = *state;
	unsigned int i;

	assert_int_equal(call(f, 0, FID32(CPU_OFF), 0, 0, 0), FW_CONTINUE);
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
	assert_int_equal(call(f, 0, FID32(CPU_OFF), 0, 0, 0), FW_CONTINUE);
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
	assert_int_equal(call(f, 0, FID32(CPU_OFF), 0, 0, 0), FW_CONTINUE);
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

	assert_int_equal(call(f, 0, FID32(SYSTEM_OFF), 0, 0, 0), FW_SYSTEM_OFF);
	assert_int_equal(f->v[0].written_now, 0);
	assert_int_equal(call(f, 0, FID32(SYSTEM_RESET), 0, 0, 0),
			 FW_SYSTEM_RESET);
	assert_int_equal(f->v[0].written_now, 0);
	/* Those exist only as SMC32. */
	expect_call(f, 0, FID64(SYSTEM_OFF), 0, 0, 0, PSCI_RET_NOT_SUPPORTED);
	expect_call(f, 0, FID64(SYSTEM_RESET), 0, 0, 0, PSCI_RET_NOT_SUPPORTED);
	/* Not implemented at this stage. */
	expect_call(f, 0, FID32(SYSTEM_RESET2), 0, 0, 0, PSCI_RET_NOT_SUPPORTED);
	expect_call(f, 0, FID64(SYSTEM_SUSPEND), RAM_BASE, 0, 0,
		    PSCI_RET_NOT_SUPPORTED);
}

static void test_version_and_migrate_info(void **state)
{
	struct fake *f = *state;

	expect_call(f, 0, FID32(VERSION), 0, 0, 0, 0x00010001);
	expect_call(f, 0, FID32(MIGRATE_INFO_TYPE), 0, 0, 0, 2);
	expect_call(f, 0, FID64(MIGRATE_INFO_UP_CPU), 0, 0, 0,
		    PSCI_RET_NOT_SUPPORTED);
	expect_call(f, 0, FID32(CPU_SUSPEND), 0, RAM_BASE, 0,
		    PSCI_RET_NOT_SUPPORTED);
	/* Negative results are sign-extended over all 64 bits. */
	assert_int_equal(x0_of(f, 0), 0xffffffffffffffffULL);
}

/* ---- failures of vCPU operations ---- */

static void test_call_failures(void **state)
{
	struct fake *f = *state;

	f->v[0].fail_write = EIO;
	assert_int_equal(call(f, 0, FID32(VERSION), 0, 0, 0), FW_FAILED);
	assert_int_equal(call(f, 0, FID32(CPU_SUSPEND), 0, 0, 0), FW_FAILED);
	assert_int_equal(call(f, 0, 0x80000000, 0, 0, 0), FW_FAILED);
	f->v[0].fail_write = 0;

	f->v[0].fail_read = EIO;
	assert_int_equal(call(f, 0, FID32(CPU_ON), mpidr_of(1), RAM_BASE, 0),
			 FW_FAILED);
	assert_int_equal(call(f, 0, FID64(CPU_ON), mpidr_of(1), RAM_BASE, 0),
			 FW_FAILED);
	assert_int_equal(call(f, 0, FID32(AFFINITY_INFO), 0, 0, 0), FW_FAILED);
	assert_int_equal(call(f, 0, FID32(FEATURES), FID32(VERSION), 0, 0),
			 FW_FAILED);
	f->v[0].fail_read = 0;
	expect_no_effect_on(f, 1);

	f->v[0].fail_mp_state = EIO;
	assert_int_equal(call(f, 0, FID32(CPU_OFF), 0, 0, 0), FW_FAILED);
	assert_int_equal(state_of(f, 0), PSCI_CPU_STATE_ON);
	assert_int_equal(f->v[0].mp_state, FW_MP_RUNNABLE);
	f->v[0].fail_mp_state = 0;
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
		    PSCI_RET_ON_PENDING);
	*fail = 0;
	assert_int_equal(prepare(f, target), 1);
	assert_int_equal(state_of(f, target), PSCI_CPU_STATE_ON);
	assert_int_equal(f->v[target].reg[FW_REG_PC], RAM_BASE + 0x40);
	assert_int_equal(f->v[target].reg[FW_REG_X0], target);
	assert_int_equal(f->v[target].reg[FW_REG_SCTLR_EL1],
			 SCTLR_RESET | FW_SCTLR_EE);
	assert_int_equal(f->v[target].mp_state, FW_MP_RUNNABLE);
}

static void test_prepare_failures(void **state)
{
	struct fake *f = *state;
	unsigned int t;

	f->v[0].reg[FW_REG_SCTLR_EL1] |= FW_SCTLR_EE;
	for (t = 1; t <= 4; t++)
		expect_call(f, 0, FID64(CPU_ON), mpidr_of(t), RAM_BASE + 0x40,
			    t, PSCI_RET_SUCCESS);
	check_prepare_failure(f, 1, &f->v[1].fail_reset);
	check_prepare_failure(f, 2, &f->v[2].fail_write);
	check_prepare_failure(f, 3, &f->v[3].fail_read);
	check_prepare_failure(f, 4, &f->v[4].fail_mp_state);
}

/* ---- SMCCC dispatch ---- */

static void test_stats(void **state)
{
	struct fake *f = *state;
	struct fw_stats *s = &f->fw.stats;
	unsigned int r, n;
	uint64_t total = 0;

	expect_call(f, 0, FID32(VERSION), 0, 0, 0, 0x00010001);
	expect_call(f, 0, FID32(VERSION), 0, 0, 0, 0x00010001);
	expect_call(f, 0, FID32(VERSION), 0, 0, 0, 0x00010001);
	expect_call(f, 0, FID64(CPU_ON), 0x500, RAM_BASE, 0,
		    PSCI_RET_INVALID_PARAMETERS);
	expect_call(f, 0, PSCI_FID64(0x1f), 0, 0, 0, PSCI_RET_NOT_SUPPORTED);
	/* Outside every claimed range: answered NOT_SUPPORTED, counted. */
	expect_call(f, 0, SMCCC_VERSION_FID, 0, 0, 0, PSCI_RET_NOT_SUPPORTED);
	expect_call(f, 0, 0xC4000020, 0, 0, 0, PSCI_RET_NOT_SUPPORTED);
	expect_call(f, 0, 0x83ffffff, 0, 0, 0, PSCI_RET_NOT_SUPPORTED);

	assert_int_equal(atomic_load(&s->calls[SMCCC_RANGE_PSCI32][0]), 3);
	assert_int_equal(atomic_load(&s->calls[SMCCC_RANGE_PSCI64][3]), 1);
	assert_int_equal(atomic_load(&s->calls[SMCCC_RANGE_PSCI64][0x1f]), 1);
	assert_int_equal(atomic_load(&s->unclaimed), 3);
	for (r = 0; r < SMCCC_RANGE_COUNT; r++)
		for (n = 0; n < SMCCC_RANGE_SIZE; n++)
			total += atomic_load(&s->calls[r][n]);
	assert_int_equal(total, 5);
}

static void test_ranges_and_names(void **state)
{
	uint32_t n;

	(void)state;
	assert_int_equal(smccc_ranges[SMCCC_RANGE_PSCI32].base, 0x84000000);
	assert_int_equal(smccc_ranges[SMCCC_RANGE_PSCI32].count, 0x20);
	assert_string_equal(smccc_ranges[SMCCC_RANGE_PSCI32].service, "PSCI");
	assert_int_equal(smccc_ranges[SMCCC_RANGE_PSCI64].base, 0xC4000000);
	assert_int_equal(smccc_ranges[SMCCC_RANGE_PSCI64].count, 0x20);
	assert_string_equal(smccc_ranges[SMCCC_RANGE_PSCI64].service, "PSCI");

	assert_int_equal(smccc_range_of(0x84000000), SMCCC_RANGE_PSCI32);
	assert_int_equal(smccc_range_of(0x8400001f), SMCCC_RANGE_PSCI32);
	assert_int_equal(smccc_range_of(0xC4000000), SMCCC_RANGE_PSCI64);
	assert_int_equal(smccc_range_of(0xC400001f), SMCCC_RANGE_PSCI64);
	assert_int_equal(smccc_range_of(0x84000020), -1);
	assert_int_equal(smccc_range_of(0x83ffffff), -1);
	assert_int_equal(smccc_range_of(0xC4000020), -1);
	assert_int_equal(smccc_range_of(0xC3ffffff), -1);
	assert_int_equal(smccc_range_of(0x80000000), -1);
	assert_int_equal(smccc_range_of(0xffffffff), -1);
	assert_int_equal(smccc_range_of(0), -1);

	assert_string_equal(smccc_function_name(0x84000000), "PSCI_VERSION");
	assert_string_equal(smccc_function_name(0x84000002), "PSCI_CPU_OFF");
	assert_string_equal(smccc_function_name(0x84000003), "PSCI_CPU_ON");
	assert_string_equal(smccc_function_name(0xC4000003), "PSCI_CPU_ON");
	assert_string_equal(smccc_function_name(0xC4000004),
			    "PSCI_AFFINITY_INFO");
	assert_string_equal(smccc_function_name(0x84000008), "PSCI_SYSTEM_OFF");
	assert_string_equal(smccc_function_name(0x84000009),
			    "PSCI_SYSTEM_RESET");
	assert_string_equal(smccc_function_name(0x8400000a), "PSCI_FEATURES");
	assert_string_equal(smccc_function_name(0xC4000012),
			    "PSCI_SYSTEM_RESET2");
	for (n = 0; n <= PSCI_FN_MEM_PROTECT_CHECK; n++) {
		const char *name = smccc_function_name(PSCI_FID32(n));

		assert_non_null(name);
		assert_int_equal(strncmp(name, "PSCI_", 5), 0);
		assert_string_equal(name, smccc_function_name(PSCI_FID64(n)));
	}
	for (; n < SMCCC_RANGE_SIZE; n++) {
		assert_null(smccc_function_name(PSCI_FID32(n)));
		assert_null(smccc_function_name(PSCI_FID64(n)));
	}
	assert_null(smccc_function_name(0x80000000));
	assert_null(smccc_function_name(0xC4000020));
	assert_null(smccc_function_name(0x83ffffff));
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

	fake_enter(r->f, r->vcpu);
	for (round = 0; round < RACE_ROUNDS; round++) {
		pthread_barrier_wait(r->start);
		if (firmware_call(&r->f->fw, r->vcpu, r->fid) != FW_CONTINUE)
			r->bad_outcomes++;
		atomic_fetch_add(r->finished, 1);
		pthread_barrier_wait(r->done);
	}
	fake_leave(r->f, r->vcpu);
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
	else if (f->v[RACE_TARGET].reg[FW_REG_PC] != RAM_BASE + 0x1000 * winner ||
		 f->v[RACE_TARGET].reg[FW_REG_X0] != winner)
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

	f->single_thread = false;
	assert_int_equal(pthread_barrier_init(&start, NULL, RACERS + 1), 0);
	assert_int_equal(pthread_barrier_init(&done, NULL, RACERS + 1), 0);
	atomic_init(&finished, 0);

	for (i = 0; i < RACERS; i++) {
		struct fake_vcpu *v = &f->v[i + 1];

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
		fake_enter(f, RACE_TARGET);
		if (firmware_call(&f->fw, RACE_TARGET, FID32(CPU_OFF)) !=
		    FW_CONTINUE)
			tally.prepare_errors++;
		fake_leave(f, RACE_TARGET);
	}

	for (i = 0; i < RACERS; i++) {
		assert_int_equal(pthread_join(threads[i], NULL), 0);
		assert_int_equal(racers[i].bad_outcomes, 0);
	}
	pthread_barrier_destroy(&start);
	pthread_barrier_destroy(&done);
	f->single_thread = true;

	assert_int_equal(tally.bad_rounds, 0);
	assert_int_equal(tally.bad_answers, 0);
	assert_int_equal(tally.wrong_boots, 0);
	assert_int_equal(tally.prepare_errors, 0);
	assert_int_equal(tally.already_on + tally.on_pending,
			 RACE_ROUNDS * (RACERS - 1));
	assert_int_equal(atomic_load(&f->v[RACE_TARGET].kicks), RACE_ROUNDS);
	assert_int_equal(f->v[RACE_TARGET].resets, RACE_ROUNDS);
	assert_int_equal(state_of(f, RACE_TARGET), PSCI_CPU_STATE_OFF);
}

#define T(fn) cmocka_unit_test_setup_teardown(fn, setup, teardown)

int main(void)
{
	const struct CMUnitTest tests[] = {
		T(test_init_rejects_bad_arguments),
		T(test_init_states_and_mpidrs),
		T(test_bad_vcpu_index),
		cmocka_unit_test(test_every_function_id),
		T(test_reads_only_needed_registers),
		T(test_features),
		T(test_cpu_on_invalid_parameters),
		T(test_cpu_on_invalid_address),
		T(test_cpu_on_already_on_and_pending),
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
		T(test_stats),
		cmocka_unit_test(test_ranges_and_names),
		T(test_racing_cpu_on),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
