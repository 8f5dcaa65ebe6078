/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Unit tests for the SMCCC services beside PSCI and SDEI: TRNG 1.0
 * (firmware/trng_service.c) and hvmm's vendor service
 * (firmware/hvmm_service.c), driven through firmware_call over the fake
 * vCPU host, with the entropy source and the VMM callbacks faked here.
 * The IDs, UUIDs and layouts are written out from the specifications and
 * docs/hvmm-service.md, not taken from the code under test.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "firmware/smccc.h"
#include "tests/unit/fake_host.h"

#define NR_VCPUS	2
#define RAM_BASE	0x40000000ULL
#define RAM_SIZE	(64ULL << 20)
#define POISON		0x5a5a5a5a00000000ULL
#define RET(v)		((uint64_t)(int64_t)(v))
#define X0_TO_X3	0xfULL	/* written_now bits of x0..x3 */

#define TRNG_VERSION	0x84000050U
#define TRNG_FEATURES	0x84000051U
#define TRNG_GET_UUID	0x84000052U
#define TRNG_RND32	0x84000053U
#define TRNG_RND64	0xC4000053U

#define HVMM_EXIT	 0x82000000U
#define HVMM_DEBUG_WRITE 0xC2000001U
#define HVMM_BENCH_REGS  0xC2000002U
#define HVMM_CALL_COUNT	 0x8200FF00U
#define HVMM_CALL_UID	 0x8200FF01U
#define HVMM_REVISION	 0x8200FF03U

enum { NOT_SUPPORTED = -1, INVALID_PARAMETERS = -2, NO_ENTROPY = -3 };

struct fake {
	struct fake_host host;
	struct firmware fw;
	/* the entropy source */
	uint8_t pattern;	/* 0: every byte 0xff; else byte i is pattern + i */
	int fill_error;		/* returned by fill when nonzero */
	unsigned int fills;
	size_t last_fill_len;
	/* the VMM side of the vendor service */
	uint8_t written[256];
	size_t nr_written;
	unsigned int writes, exits, exit_vcpu, exit_status;
	uint64_t mpidrs[NR_VCPUS];
};

static int fake_fill(void *opaque, void *buf, size_t len)
{
	struct fake *f = opaque;
	uint8_t *p = buf;

	f->fills++;
	f->last_fill_len = len;
	if (f->fill_error)
		return f->fill_error;
	for (size_t i = 0; i < len; i++)
		p[i] = f->pattern ? (uint8_t)(f->pattern + i) : 0xff;
	return 0;
}

static void fake_debug_write(void *opaque, const void *buf, size_t len)
{
	struct fake *f = opaque;

	assert_true(f->nr_written + len <= sizeof(f->written));
	memcpy(f->written + f->nr_written, buf, len);
	f->nr_written += len;
	f->writes++;
}

static void fake_exit(void *opaque, unsigned int vcpu, unsigned int status)
{
	struct fake *f = opaque;

	f->exits++;
	f->exit_vcpu = vcpu;
	f->exit_status = status;
}

enum { WITH_TRNG = 1, WITH_WRITE = 2, WITH_EXIT = 4, WITH_ALL = 7 };

/* A machine with vCPU 0 on; with the entropy source and VMM callbacks that
 * the WITH_ bits in with say. */
static struct fake *fake_new_cfg(unsigned int with)
{
	struct fake *f = calloc(1, sizeof(*f));
	struct psci_config psci = { .nr_cpus = NR_VCPUS, .boot_cpu = 0, .nr_enabled = NR_VCPUS };
	struct fw_config cfg = { .psci = &psci };

	assert_non_null(f);
	psci.mpidrs = f->mpidrs;
	fake_host_init(&f->host, &f->fw, NR_VCPUS, RAM_BASE, RAM_SIZE);
	for (unsigned int i = 0; i < NR_VCPUS; i++) {
		struct fake_vcpu *v = &f->host.v[i];

		v->mpidr = FAKE_HOST_MPIDR_RES1 | i;
		f->mpidrs[i] = v->mpidr;
		for (unsigned int r = 0; r <= FW_REG_X30; r++)
			v->reg[r] = POISON | r;
		v->reg[FW_REG_MPIDR_EL1] = v->mpidr;
		v->mp_state = i ? FW_MP_STOPPED : FW_MP_RUNNABLE;
	}
	if (with & WITH_TRNG)
		cfg.trng = (struct fw_entropy){ .fill = fake_fill, .opaque = f };
	cfg.hvmm.opaque = f;
	if (with & WITH_WRITE)
		cfg.hvmm.debug_write = fake_debug_write;
	if (with & WITH_EXIT)
		cfg.hvmm.exit = fake_exit;
	assert_int_equal(firmware_init(&f->fw, &f->host.fw_host, &cfg, NULL), 0);
	return f;
}

static int setup(void **state)
{
	*state = fake_new_cfg(WITH_ALL);
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

/* The guest on vCPU 0 calls fid with x1.. = args; it must return to the
 * guest having written no register but x0..x3. */
static void call_args(struct fake *f, uint32_t fid, const uint64_t *args, unsigned int n)
{
	assert_int_equal(fake_host_call(&f->host, 0, fid, args, n), SMCCC_CONTINUE);
	assert_true(f->host.v[0].written_now & 1);
	assert_int_equal(f->host.v[0].written_now & ~X0_TO_X3, 0);
}

static void call1(struct fake *f, uint32_t fid, uint64_t x1)
{
	call_args(f, fid, (const uint64_t[]){ x1 }, 1);
}

static uint64_t x(const struct fake *f, unsigned int n)
{
	return f->host.v[0].reg[FW_REG_X0 + n];
}

/* x0 = ret and x1..x3 zero, as TRNG leaves them with every error. */
static void assert_trng_error(const struct fake *f, int64_t ret)
{
	assert_int_equal(x(f, 0), RET(ret));
	for (unsigned int n = 1; n <= 3; n++)
		assert_int_equal(x(f, n), 0);
}

/* ---- TRNG ---- */

static void test_trng_version(void **state)
{
	struct fake *f = *state;

	call1(f, TRNG_VERSION, 0);
	assert_int_equal(x(f, 0), 0x10000);
	assert_int_equal(f->fills, 0);
}

static void test_trng_features(void **state)
{
	static const uint32_t implemented[] = {
		TRNG_VERSION, TRNG_FEATURES, TRNG_GET_UUID, TRNG_RND32, TRNG_RND64,
	};
	static const uint32_t not_implemented[] = {
		0xC4000050, 0xC4000051, 0xC4000052, 0x84000054, 0xC4000054, 0x8400004f,
		0x84000000, 0x80000000, 0x8200FF01, 0,
	};
	struct fake *f = *state;

	for (unsigned int i = 0; i < sizeof(implemented) / sizeof(implemented[0]); i++) {
		call1(f, TRNG_FEATURES, implemented[i]);
		assert_trng_error(f, 0);
	}
	for (unsigned int i = 0; i < sizeof(not_implemented) / sizeof(not_implemented[0]); i++) {
		call1(f, TRNG_FEATURES, not_implemented[i]);
		assert_trng_error(f, NOT_SUPPORTED);
	}
	/* An SMC32 call passes w1 only: the high half is not part of the ID. */
	call1(f, TRNG_FEATURES, 0xffffffff00000000ULL | TRNG_RND64);
	assert_trng_error(f, 0);
	assert_int_equal(f->fills, 0);
}

static void test_trng_uuid(void **state)
{
	/* 79297060-7e64-44c5-a3ce-5d597e4b320c, byte 0 in bits 7:0 of w0 */
	static const uint64_t want[4] = { 0x60702979, 0xc544647e, 0x595dcea3, 0x0c324b7e };
	struct fake *f = *state;

	call1(f, TRNG_GET_UUID, 0);
	for (unsigned int n = 0; n < 4; n++)
		assert_int_equal(x(f, n), want[n]);
	/* Chosen with w0 positive: no caller can take it for an error code. */
	assert_int_equal(x(f, 0) >> 31, 0);
}

/* Every SMC64 ID of TRNG but RND64 is unassigned: NOT_SUPPORTED, as KVM. */
static void test_trng_smc64_unassigned(void **state)
{
	struct fake *f = *state;

	for (uint32_t fid = 0xC4000050; fid <= 0xC4000052; fid++) {
		call1(f, fid, 64);
		assert_int_equal(x(f, 0), RET(NOT_SUPPORTED));
		assert_int_equal(smccc_calls(f->fw.claims, fid), 1);
		assert_null(smccc_function_name(f->fw.claims, fid));
	}
	assert_int_equal(f->fills, 0);
}

static void test_trng_names(void **state)
{
	struct fake *f = *state;

	assert_string_equal(smccc_function_name(f->fw.claims, TRNG_VERSION), "TRNG_VERSION");
	assert_string_equal(smccc_function_name(f->fw.claims, TRNG_FEATURES), "TRNG_FEATURES");
	assert_string_equal(smccc_function_name(f->fw.claims, TRNG_GET_UUID), "TRNG_GET_UUID");
	assert_string_equal(smccc_function_name(f->fw.claims, TRNG_RND32), "TRNG_RND32");
	assert_string_equal(smccc_function_name(f->fw.claims, TRNG_RND64), "TRNG_RND64");
	assert_string_equal(smccc_claim_of(f->fw.claims, TRNG_RND64)->service->name, "TRNG");
	assert_null(smccc_claim_of(f->fw.claims, 0x84000054));
	assert_null(smccc_claim_of(f->fw.claims, 0xC4000054));
	assert_null(smccc_claim_of(f->fw.claims, 0x8400004f));
}

/* N outside 1..max: INVALID_PARAMETERS, and no entropy drawn. */
static void assert_bad_n(struct fake *f, uint32_t fid, uint64_t n)
{
	unsigned int fills = f->fills;

	call1(f, fid, n);
	assert_trng_error(f, INVALID_PARAMETERS);
	assert_int_equal(f->fills, fills);
}

static void test_trng_rnd_bounds(void **state)
{
	struct fake *f = *state;

	assert_bad_n(f, TRNG_RND64, 0);
	assert_bad_n(f, TRNG_RND64, 193);
	assert_bad_n(f, TRNG_RND64, 1ULL << 32 | 64);   /* SMC64: all of x1 counts */
	assert_bad_n(f, TRNG_RND64, ~0ULL);
	assert_bad_n(f, TRNG_RND32, 0);
	assert_bad_n(f, TRNG_RND32, 97);
	assert_bad_n(f, TRNG_RND32, 192);
	assert_bad_n(f, TRNG_RND32, 0xffffffff00000000ULL);   /* w1 = 0 */

	call1(f, TRNG_RND64, 192);
	assert_int_equal(x(f, 0), 0);
	assert_int_equal(f->last_fill_len, 24);
	call1(f, TRNG_RND64, 1);
	assert_int_equal(x(f, 0), 0);
	assert_int_equal(f->last_fill_len, 1);
	call1(f, TRNG_RND32, 96);
	assert_int_equal(x(f, 0), 0);
	assert_int_equal(f->last_fill_len, 12);
	call1(f, TRNG_RND32, 1);
	assert_int_equal(x(f, 0), 0);
	/* SMC32 passes w1 only: N = 0x20 here. */
	call1(f, TRNG_RND32, 0xabcdef0100000020ULL);
	assert_int_equal(x(f, 0), 0);
	assert_int_equal(f->last_fill_len, 4);
}

/* With every source bit set: exactly the N low bits of x3:x2:x1 set. */
static void assert_rnd_ones(struct fake *f, uint32_t fid, unsigned int n)
{
	unsigned int width = fid == TRNG_RND64 ? 64 : 32;

	call1(f, fid, n);
	assert_int_equal(x(f, 0), 0);
	for (unsigned int r = 0; r < 3; r++) {
		unsigned int lo = r * width;
		unsigned int keep = n <= lo ? 0 : n - lo >= width ? width : n - lo;
		uint64_t want = keep == 64 ? ~0ULL : (1ULL << keep) - 1;

		assert_int_equal(x(f, 3 - r), want);
	}
	assert_int_equal(f->last_fill_len, (n + 7) / 8);
}

static void test_trng_rnd_high_bits_zero(void **state)
{
	static const unsigned int n64[] = { 1, 7, 8, 9, 63, 64, 65, 127, 128, 129, 191, 192 };
	static const unsigned int n32[] = { 1, 31, 32, 33, 63, 64, 65, 95, 96 };
	struct fake *f = *state;

	for (unsigned int i = 0; i < sizeof(n64) / sizeof(n64[0]); i++)
		assert_rnd_ones(f, TRNG_RND64, n64[i]);
	for (unsigned int i = 0; i < sizeof(n32) / sizeof(n32[0]); i++)
		assert_rnd_ones(f, TRNG_RND32, n32[i]);
}

/* Source bit i is bit i % 8 of byte i / 8; result bit 0 is bit 0 of x3. */
static void test_trng_rnd_layout(void **state)
{
	struct fake *f = *state;

	f->pattern = 0x01;   /* bytes 01 02 03 ... */
	call1(f, TRNG_RND64, 192);
	assert_int_equal(x(f, 3), 0x0807060504030201ULL);
	assert_int_equal(x(f, 2), 0x100f0e0d0c0b0a09ULL);
	assert_int_equal(x(f, 1), 0x1817161514131211ULL);
	call1(f, TRNG_RND32, 96);
	assert_int_equal(x(f, 3), 0x04030201);
	assert_int_equal(x(f, 2), 0x08070605);
	assert_int_equal(x(f, 1), 0x0c0b0a09);
	f->pattern = 0xf1;   /* bytes f1 f2 f3 ... */
	call1(f, TRNG_RND64, 20);
	assert_int_equal(x(f, 3), 0x3f2f1);
	assert_int_equal(x(f, 2), 0);
	assert_int_equal(x(f, 1), 0);
	call1(f, TRNG_RND32, 44);
	assert_int_equal(x(f, 3), 0xf4f3f2f1);
	assert_int_equal(x(f, 2), 0x6f5);
	assert_int_equal(x(f, 1), 0);
}

static void test_trng_no_entropy(void **state)
{
	struct fake *f = *state;

	f->fill_error = -EAGAIN;
	call1(f, TRNG_RND64, 64);
	assert_trng_error(f, NO_ENTROPY);
	call1(f, TRNG_RND32, 96);
	assert_trng_error(f, NO_ENTROPY);
	assert_int_equal(f->fills, 2);
	/* The source recovers: so does RND. */
	f->fill_error = 0;
	call1(f, TRNG_RND64, 64);
	assert_int_equal(x(f, 0), 0);
	assert_int_equal(x(f, 3), ~0ULL);
}

/* A register KVM cannot read fails the call (the VMM stops the VM). */
static void test_trng_read_failure(void **state)
{
	struct fake *f = *state;

	f->host.v[0].fail_read = EIO;
	assert_int_equal(fake_host_call(&f->host, 0, TRNG_RND64, (const uint64_t[]){ 64 }, 1),
			 SMCCC_FAILED);
	assert_int_equal(fake_host_call(&f->host, 0, TRNG_FEATURES, (const uint64_t[]){ 0 }, 1),
			 SMCCC_FAILED);
	f->host.v[0].fail_read = 0;
}

/* Without a source TRNG is not claimed: KVM keeps it. */
static void test_trng_off_without_source(void **state)
{
	struct fake *f = fake_new_cfg(WITH_ALL & ~WITH_TRNG);

	(void)state;
	assert_null(smccc_claim_of(f->fw.claims, TRNG_VERSION));
	assert_null(smccc_claim_of(f->fw.claims, TRNG_RND64));
	assert_non_null(smccc_claim_of(f->fw.claims, HVMM_CALL_UID));
	call1(f, TRNG_VERSION, 0);
	assert_int_equal(x(f, 0), RET(NOT_SUPPORTED));
	assert_int_equal(atomic_load(&f->fw.claims->unclaimed), 1);
	teardown((void **)&f);
}

/* ---- hvmm's vendor service ---- */

static void test_hvmm_discovery(void **state)
{
	/* a5cf3b7b-6e86-4c01-ab23-046cb428a89c, byte 0 in bits 7:0 of w0 */
	static const uint64_t uid[4] = { 0x7b3bcfa5, 0x014c866e, 0x6c0423ab, 0x9ca828b4 };
	struct fake *f = *state;

	call1(f, HVMM_CALL_UID, 0);
	for (unsigned int n = 0; n < 4; n++)
		assert_int_equal(x(f, n), uid[n]);
	assert_int_equal(x(f, 0) >> 31, 0);
	call1(f, HVMM_CALL_COUNT, 0);
	assert_int_equal(x(f, 0), 3);
	call1(f, HVMM_REVISION, 0);
	assert_int_equal(x(f, 0), 1);
	assert_int_equal(x(f, 1), 0);
	call1(f, 0x8200FF02, 0);   /* reserved by SMCCC */
	assert_int_equal(x(f, 0), RET(NOT_SUPPORTED));
	assert_string_equal(smccc_function_name(f->fw.claims, HVMM_CALL_COUNT), "HVMM_CALL_COUNT");
	assert_string_equal(smccc_function_name(f->fw.claims, HVMM_CALL_UID), "HVMM_CALL_UID");
	assert_string_equal(smccc_function_name(f->fw.claims, HVMM_REVISION), "HVMM_REVISION");
	assert_string_equal(smccc_function_name(f->fw.claims, HVMM_EXIT), "HVMM_EXIT");
	assert_string_equal(smccc_function_name(f->fw.claims, HVMM_DEBUG_WRITE), "HVMM_DEBUG_WRITE");
	assert_string_equal(smccc_claim_of(f->fw.claims, HVMM_EXIT)->service->name, "HVMM");
	/* KVM's vendor hypervisor service (owner 6) stays KVM's. */
	assert_null(smccc_claim_of(f->fw.claims, 0x8600FF01));
	assert_null(smccc_claim_of(f->fw.claims, 0x86000000));
	assert_null(smccc_claim_of(f->fw.claims, 0xC6000002));
	assert_int_equal(f->writes + f->exits, 0);
}

/* "hello, world\n" packed little-endian, eight bytes to a register. */
static void test_hvmm_debug_write(void **state)
{
	struct fake *f = *state;
	uint64_t args[17] = { 13, 0x77202c6f6c6c6568ULL, 0xffffff0a646c726fULL };

	call_args(f, HVMM_DEBUG_WRITE, args, 3);
	assert_int_equal(x(f, 0), 0);
	assert_int_equal(f->nr_written, 13);
	assert_memory_equal(f->written, "hello, world\n", 13);
	/* Only the registers that hold bytes are read. */
	assert_int_equal(f->host.v[0].reads[FW_REG_X0 + 4], 0);

	/* 128 bytes: x2..x17 all used. */
	f->nr_written = 0;
	args[0] = 128;
	for (unsigned int r = 1; r < 17; r++)
		args[r] = 0x0101010101010101ULL * r;
	call_args(f, HVMM_DEBUG_WRITE, args, 17);
	assert_int_equal(x(f, 0), 0);
	assert_int_equal(f->nr_written, 128);
	for (unsigned int i = 0; i < 128; i++)
		assert_int_equal(f->written[i], i / 8 + 1);

	/* Nothing to write: SUCCESS, and the VMM is not called. */
	f->writes = 0;
	call1(f, HVMM_DEBUG_WRITE, 0);
	assert_int_equal(x(f, 0), 0);
	assert_int_equal(f->writes, 0);
}

static void test_hvmm_debug_write_bad_length(void **state)
{
	static const uint64_t bad[] = { 129, 1ULL << 32 | 8, ~0ULL };
	struct fake *f = *state;

	for (unsigned int i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		call1(f, HVMM_DEBUG_WRITE, bad[i]);
		assert_int_equal(x(f, 0), RET(INVALID_PARAMETERS));
	}
	assert_int_equal(f->writes, 0);
	assert_int_equal(f->host.v[0].reads[FW_REG_X0 + 2], 0);
}

static void test_hvmm_exit(void **state)
{
	struct fake *f = *state;

	call1(f, HVMM_EXIT, 7);
	assert_int_equal(x(f, 0), 0);
	assert_int_equal(f->exits, 1);
	assert_int_equal(f->exit_status, 7);
	assert_int_equal(f->exit_vcpu, 0);
	call1(f, HVMM_EXIT, 255);
	assert_int_equal(f->exit_status, 255);
	call1(f, HVMM_EXIT, 0);
	assert_int_equal(f->exit_status, 0);
	/* SMC32: the status is w1. */
	call1(f, HVMM_EXIT, 0x100000000ULL | 9);
	assert_int_equal(f->exit_status, 9);
	assert_int_equal(f->exits, 4);
}

static void test_hvmm_exit_bad_status(void **state)
{
	static const uint64_t bad[] = { 256, 0xffffffff, 0x80000000, 0x1000000ff00ULL };
	struct fake *f = *state;

	for (unsigned int i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		call1(f, HVMM_EXIT, bad[i]);
		assert_int_equal(x(f, 0), RET(INVALID_PARAMETERS));
	}
	assert_int_equal(f->exits, 0);
}

/* The other convention's ID of each function is not implemented. */
static unsigned int reg_ioctls(const struct fake *f)
{
	unsigned int n = 0;

	for (unsigned int r = 0; r < FW_REG_COUNT; r++)
		n += f->host.v[0].reads[r] + f->host.v[0].writes[r];
	return n;
}

/* BENCH_REGS(n) costs exactly n + 2 register accesses (its argument, n
 * registers, its reply): make bench's SDEI floor counts on it. */
static void test_hvmm_bench_regs(void **state)
{
	struct fake *f = *state;
	unsigned int before = reg_ioctls(f);

	call1(f, HVMM_BENCH_REGS, 21);
	assert_int_equal(x(f, 0), 0);
	assert_int_equal(reg_ioctls(f) - before, 23);
	for (unsigned int r = 2; r <= 22; r++)
		assert_int_equal(f->host.v[0].reads[FW_REG_X0 + r], 1);
	assert_int_equal(f->host.v[0].reads[FW_REG_X0 + 23], 0);
	before = reg_ioctls(f);
	call1(f, HVMM_BENCH_REGS, 0);
	assert_int_equal(reg_ioctls(f) - before, 2);
	call1(f, HVMM_BENCH_REGS, 29);   /* x2..x30: the most there is */
	assert_int_equal(x(f, 0), 0);
	call1(f, HVMM_BENCH_REGS, 30);
	assert_int_equal(x(f, 0), RET(INVALID_PARAMETERS));
	assert_string_equal(smccc_function_name(f->fw.claims, HVMM_BENCH_REGS), "HVMM_BENCH_REGS");
}

static void test_hvmm_unassigned(void **state)
{
	struct fake *f = *state;

	call1(f, 0xC2000000, 7);
	assert_int_equal(x(f, 0), RET(NOT_SUPPORTED));
	call_args(f, 0x82000001, (const uint64_t[]){ 4, 0x41414141 }, 2);
	assert_int_equal(x(f, 0), RET(NOT_SUPPORTED));
	assert_int_equal(f->exits + f->writes, 0);
	assert_int_equal(smccc_calls(f->fw.claims, 0xC2000000), 1);
	assert_null(smccc_function_name(f->fw.claims, 0xC2000000));
	assert_null(smccc_claim_of(f->fw.claims, 0x82000002));
	assert_null(smccc_claim_of(f->fw.claims, 0x8200FF04));
}

/* Without both callbacks there is no vendor service to claim. */
static void test_hvmm_off_without_callbacks(void **state)
{
	static const unsigned int configs[] = { WITH_TRNG, WITH_TRNG | WITH_WRITE, WITH_TRNG | WITH_EXIT };

	(void)state;
	for (unsigned int i = 0; i < sizeof(configs) / sizeof(configs[0]); i++) {
		struct fake *f = fake_new_cfg(configs[i]);

		assert_null(smccc_claim_of(f->fw.claims, HVMM_EXIT));
		assert_null(smccc_claim_of(f->fw.claims, HVMM_DEBUG_WRITE));
		assert_null(smccc_claim_of(f->fw.claims, HVMM_CALL_UID));
		assert_non_null(smccc_claim_of(f->fw.claims, TRNG_RND64));
		call1(f, HVMM_EXIT, 7);
		assert_int_equal(x(f, 0), RET(NOT_SUPPORTED));
		call1(f, HVMM_DEBUG_WRITE, 1);
		assert_int_equal(x(f, 0), RET(NOT_SUPPORTED));
		assert_int_equal(f->exits + f->writes, 0);
		teardown((void **)&f);
	}
}

/* Every service's ranges together: PSCI, TRNG and the vendor service. */
static void test_all_claims(void **state)
{
	struct fake *f = *state;
	const struct smccc_claims *cl = f->fw.claims;

	assert_int_equal(cl->nr_claims, 2 + 2 + 3);
	call1(f, TRNG_VERSION, 0);
	call1(f, TRNG_RND64, 192);
	call1(f, TRNG_RND64, 192);
	call1(f, HVMM_CALL_UID, 0);
	assert_int_equal(smccc_calls(cl, TRNG_VERSION), 1);
	assert_int_equal(smccc_calls(cl, TRNG_RND64), 2);
	assert_int_equal(smccc_calls(cl, HVMM_CALL_UID), 1);
	assert_int_equal(atomic_load(&cl->unclaimed), 0);
}

#define T(fn) cmocka_unit_test_setup_teardown(fn, setup, teardown)

int main(void)
{
	const struct CMUnitTest tests[] = {
		T(test_trng_version),
		T(test_trng_features),
		T(test_trng_uuid),
		T(test_trng_smc64_unassigned),
		T(test_trng_names),
		T(test_trng_rnd_bounds),
		T(test_trng_rnd_high_bits_zero),
		T(test_trng_rnd_layout),
		T(test_trng_no_entropy),
		T(test_trng_read_failure),
		cmocka_unit_test(test_trng_off_without_source),
		T(test_hvmm_discovery),
		T(test_hvmm_debug_write),
		T(test_hvmm_debug_write_bad_length),
		T(test_hvmm_exit),
		T(test_hvmm_exit_bad_status),
		T(test_hvmm_bench_regs),
		T(test_hvmm_unassigned),
		cmocka_unit_test(test_hvmm_off_without_callbacks),
		T(test_all_claims),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
