/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The guest of the SMCCC services beside PSCI and SDEI, over HVC:
 *  - finds hvmm's vendor service (docs/hvmm-service.md) by its Call UID,
 *    before touching the UART, and writes its first line through
 *    DEBUG_WRITE; checks Call Count, Revision, the bad lengths and that
 *    KVM's own vendor hypervisor service still answers with KVM's UID;
 *  - exercises SMCCC TRNG 1.0: VERSION, FEATURES, GET_UUID (hvmm's, or
 *    KVM's with bm.trng=kvm, for a run with --no-trng), RND in both
 *    conventions with N at and past its bounds, and bits above N never set;
 *  - ends with HVMM_EXIT and the status bm.exit=N gives (default 7), once
 *    every check passed; a failed check ends it with SYSTEM_OFF instead.
 */
#include "lib.h"

#define HVMM_EXIT        0x82000000U
#define HVMM_DEBUG_WRITE 0xC2000001U
#define APF_VERSION      0xC2000010U
#define APF_ENABLE       0xC2000011U
#define APF_DISABLE      0xC2000012U
#define APF_TAKE         0xC2000013U
#define APF_NOT_PRESENT  3000U
#define APF_READY        3001U
#define APF_FAR_PAGE     (32ULL << 20)   /* from the start of RAM: no load writes there */
#define HVMM_CALL_COUNT  0x8200FF00U
#define HVMM_CALL_UID    0x8200FF01U
#define HVMM_REVISION    0x8200FF03U
#define HVMM_WRITE_MAX   128U

#define KVM_VENDOR_UID   0x8600FF01U

#define TRNG_VERSION     0x84000050U
#define TRNG_FEATURES    0x84000051U
#define TRNG_GET_UUID    0x84000052U
#define TRNG_RND32       0x84000053U
#define TRNG_RND64       0xC4000053U

#define SMCCC_SUCCESS    0
#define DEFAULT_EXIT     7

/* UUIDs as w0..w3: each register holds four bytes, the first in bits 7:0. */
static const uint64_t hvmm_uid[4] = { 0x7b3bcfa5, 0x014c866e, 0x6c0423ab, 0x9ca828b4 };
static const uint64_t hvmm_trng_uuid[4] = { 0x60702979, 0xc544647e, 0x595dcea3, 0x0c324b7e };
/* KVM's: 0d21e000-4384-11eb-8070-5244554e5a4c (TRNG), 28b46fb6-2ec5-11e9-a9ca-4b564d003a74. */
static const uint64_t kvm_trng_uuid[4] = { 0x00e0210d, 0xeb118443, 0x44527080, 0x4c5a4e55 };
static const uint64_t kvm_vendor_uid[4] = { 0xb66fb428, 0xe911c52e, 0x564bcaa9, 0x743a004d };

#define POISON 0x5a5a5a5a00000000ULL

int main(uint64_t dtb);

/* x0..x17 = fid, then POISON | n, through HVC; regs holds what came back. */
static void call_regs(uint32_t fid, uint64_t regs[18])
{
	regs[0] = fid;
	for (unsigned int n = 1; n < 18; n++)
		regs[n] = POISON | n;
}

static bool uuid_is(const uint64_t regs[18], const uint64_t want[4])
{
	for (unsigned int n = 0; n < 4; n++)
		if (regs[n] != want[n])
			return false;
	return true;
}

static bool query_uuid(uint32_t fid, const uint64_t want[4])
{
	uint64_t r[18];

	call_regs(fid, r);
	smccc_call_regs(r);
	return uuid_is(r, want);
}

/* DEBUG_WRITE of len bytes (up to 128) of s; x0 comes back. *only_x0: no
 * register but x0 changed. */
static int64_t debug_write(const char *s, uint64_t len, bool *only_x0)
{
	uint64_t r[18], sent[18];

	call_regs(HVMM_DEBUG_WRITE, r);
	r[1] = len;
	for (unsigned int i = 0; i < len && i < HVMM_WRITE_MAX; i++) {
		if (i % 8 == 0)
			r[2 + i / 8] = 0;
		r[2 + i / 8] |= (uint64_t)(uint8_t)s[i] << (8 * (i % 8));
	}
	memcpy(sent, r, sizeof(sent));
	smccc_call_regs(r);
	*only_x0 = true;
	for (unsigned int n = 1; n < 18; n++)
		if (r[n] != sent[n])
			*only_x0 = false;
	return (int64_t)r[0];
}

static unsigned int str_len(const char *s)
{
	unsigned int n = 0;

	while (s[n])
		n++;
	return n;
}

/* What the first steps found, before the UART was touched. */
struct early {
	bool uid;
	int64_t write;
	bool write_only_x0;
};

static const char early_line[] = "bm-services: DEBUG_WRITE before any UART access\n";

static void early_steps(struct early *e)
{
	e->uid = query_uuid(HVMM_CALL_UID, hvmm_uid);
	/* Without hvmm's UID the IDs may mean anything: nothing is called. */
	e->write = e->uid ? debug_write(early_line, str_len(early_line), &e->write_only_x0)
			 : PSCI_NOT_SUPPORTED;
}

/* hvmm's functions, once its UID has been seen. */
static void check_vendor_functions(void)
{
	uint64_t r[18];
	char line[HVMM_WRITE_MAX + 1];
	bool only_x0;

	expect((int64_t)smccc_call(HVMM_CALL_COUNT, 0, 0, 0), 3, "Call Count: 3 functions");
	call_regs(HVMM_REVISION, r);
	smccc_call_regs(r);
	tap_check(r[0] == 1 && r[1] == 0, "Revision: 1.0 (w0 major, w1 minor)");
	/* A line of exactly 128 bytes: every register from x2 to x17. */
	memset(line, '=', HVMM_WRITE_MAX);
	memcpy(line, "bm-services: 128 bytes ", 23);
	line[HVMM_WRITE_MAX - 1] = '\n';
	expect(debug_write(line, HVMM_WRITE_MAX, &only_x0), SMCCC_SUCCESS,
	       "DEBUG_WRITE of 128 bytes (x2..x17) returns SUCCESS");
	expect(debug_write(line, HVMM_WRITE_MAX + 1, &only_x0), PSCI_INVALID_PARAMETERS,
	       "DEBUG_WRITE of 129 bytes is INVALID_PARAMETERS");
	expect(debug_write(line, 0, &only_x0), SMCCC_SUCCESS, "DEBUG_WRITE of 0 bytes returns SUCCESS");
	expect((int64_t)smccc_call(HVMM_EXIT, 256, 0, 0), PSCI_INVALID_PARAMETERS,
	       "HVMM_EXIT with status 256 is INVALID_PARAMETERS (and does not exit)");
	expect((int64_t)smccc_call(0xC2000000U, 0, 0, 0), PSCI_NOT_SUPPORTED,
	       "0xC2000000 (no SMC64 HVMM_EXIT) is NOT_SUPPORTED");
}

static int64_t apf(uint32_t fid, uint64_t a1, uint64_t a2, uint64_t a3)
{
	return (int64_t)smccc_call(fid, a1, a2, a3);
}

/*
 * docs/async-pf.md, what needs no scheduler: the answers to bad and good
 * calls, and that with its events unregistered every fault is synchronous
 * (a touch of a page never loaded completes, and reads the source's zero).
 */
static void check_async_pf(bool lazy, uint64_t dtb)
{
	uint64_t ram = 0, size = 0;
	volatile uint64_t *far;

	if (fdt_memory(dtb, &ram, &size) || size <= APF_FAR_PAGE)
		ram = size = 0;
	far = (volatile uint64_t *)(ram + APF_FAR_PAGE);
	if (!lazy) {
		expect(apf(APF_VERSION, 0, 0, 0), PSCI_NOT_SUPPORTED,
		       "APF_VERSION (0xC2000010) without lazy memory is NOT_SUPPORTED");
		return;
	}
	expect(apf(APF_VERSION, 0, 0, 0), 0x10001, "APF_VERSION with lazy memory is 1.1 (0x10001)");
	expect(apf(APF_ENABLE, APF_NOT_PRESENT, APF_NOT_PRESENT, 0), PSCI_INVALID_PARAMETERS,
	       "APF_ENABLE naming one event twice is INVALID_PARAMETERS");
	expect(apf(APF_ENABLE, APF_NOT_PRESENT, APF_READY, 4), PSCI_INVALID_PARAMETERS,
	       "APF_ENABLE with flag bit 2 is INVALID_PARAMETERS");
	expect(apf(APF_ENABLE, APF_NOT_PRESENT, 27, 2), PSCI_INVALID_PARAMETERS,
	       "APF_ENABLE naming the virtual timer's PPI (27) for ready is INVALID_PARAMETERS");
	expect(apf(APF_ENABLE, 2000, APF_READY, 0), PSCI_INVALID_PARAMETERS,
	       "APF_ENABLE naming a shared event (2000) is INVALID_PARAMETERS");
	expect(apf(APF_ENABLE, APF_NOT_PRESENT, 1001, 0), PSCI_INVALID_PARAMETERS,
	       "APF_ENABLE naming a critical event (1001) is INVALID_PARAMETERS");
	expect(apf(APF_DISABLE, 0, 0, 0), PSCI_DENIED, "APF_DISABLE before APF_ENABLE is DENIED");
	expect(apf(APF_TAKE, 2, 0, 0), PSCI_INVALID_PARAMETERS, "APF_TAKE(2) is INVALID_PARAMETERS");
	expect(apf(APF_TAKE, 0, 0, 0), 0, "APF_TAKE(0) with nothing delivered is 0");
	expect(apf(APF_ENABLE, APF_NOT_PRESENT, APF_READY, 1), 0,
	       "APF_ENABLE(3000, 3001, EL1) with both events unregistered is SUCCESS");
	expect(apf(APF_ENABLE, APF_NOT_PRESENT, APF_READY, 0), PSCI_DENIED, "APF_ENABLE again is DENIED");
	tap_check(size && *far == 0, "with the events unregistered a lazy page's fault is synchronous (it reads 0)");
	expect(apf(APF_TAKE, 1, 0, 0), 0, "APF_TAKE(1): no ready token");
	expect(apf(APF_DISABLE, 0, 0, 0), 0, "APF_DISABLE with no token outstanding is SUCCESS");
	expect(apf(APF_DISABLE, 0, 0, 0), PSCI_DENIED, "APF_DISABLE again is DENIED");
}

static void check_vendor(const struct early *e)
{
	tap_check(e->uid, "the SiP service's Call UID is hvmm's (a5cf3b7b-6e86-4c01-ab23-046cb428a89c)");
	expect(e->write, SMCCC_SUCCESS, "DEBUG_WRITE before any UART access returns SUCCESS");
	tap_check(e->write_only_x0, "DEBUG_WRITE changes no register but x0");
	if (e->uid)
		check_vendor_functions();
	else
		diag("not hvmm's UID: none of its other functions is called");
	tap_check(query_uuid(KVM_VENDOR_UID, kvm_vendor_uid),
		  "KVM's vendor hypervisor service still answers its Call UID (28b46fb6-...)");
}

static void check_trng_basics(bool kvm)
{
	static const uint32_t implemented[] = {
		TRNG_VERSION, TRNG_FEATURES, TRNG_GET_UUID, TRNG_RND32, TRNG_RND64,
	};
	int bad = 0;

	expect((int64_t)smccc_call(TRNG_VERSION, 0, 0, 0), 0x10000, "TRNG_VERSION is 1.0");
	for (unsigned int i = 0; i < sizeof(implemented) / sizeof(implemented[0]); i++)
		bad += smccc_call(TRNG_FEATURES, implemented[i], 0, 0) != SMCCC_SUCCESS;
	tap_check(!bad, "TRNG_FEATURES: VERSION, FEATURES, GET_UUID, RND32 and RND64 are implemented");
	bad = (int64_t)smccc_call(TRNG_FEATURES, 0xC4000050U, 0, 0) != PSCI_NOT_SUPPORTED;
	bad += (int64_t)smccc_call(TRNG_FEATURES, 0x84000054U, 0, 0) != PSCI_NOT_SUPPORTED;
	tap_check(!bad, "TRNG_FEATURES of 0xC4000050 and 0x84000054 is NOT_SUPPORTED");
	bad = 0;
	for (uint32_t fid = 0xC4000050U; fid <= 0xC4000052U; fid++)
		bad += (int64_t)smccc_call(fid, 64, 0, 0) != PSCI_NOT_SUPPORTED;
	tap_check(!bad, "the SMC64 IDs 0xC4000050-0xC4000052 (unassigned) are NOT_SUPPORTED");
	if (kvm)
		tap_check(query_uuid(TRNG_GET_UUID, kvm_trng_uuid),
			  "TRNG_GET_UUID is KVM's (0d21e000-4384-11eb-8070-5244554e5a4c): KVM serves TRNG");
	else
		tap_check(query_uuid(TRNG_GET_UUID, hvmm_trng_uuid),
			  "TRNG_GET_UUID is hvmm's (79297060-7e64-44c5-a3ce-5d597e4b320c)");
}

/* The bits result register x<reg> (1..3) may hold for N = n, registers
 * width bits wide: x3 holds bits 0.., x2 the next width, x1 the last. */
static uint64_t result_mask(unsigned int width, unsigned int n, unsigned int reg)
{
	unsigned int lo = (3 - reg) * width;
	unsigned int keep = n <= lo ? 0 : n - lo > width ? width : n - lo;

	return keep == 64 ? ~0ULL : (1ULL << keep) - 1;
}

/*
 * RND of n bits, 32 times: always SUCCESS, never a bit at or above n (nor
 * x4..x17 changed), and the top bit, n - 1, set at least once (all 32
 * draws leaving it clear has a chance of 2^-32).
 */
static void check_rnd(uint32_t fid, unsigned int n)
{
	unsigned int width = fid == TRNG_RND64 ? 64 : 32;
	uint64_t seen[4] = { 0 };
	bool ok = true;

	for (unsigned int i = 0; i < 32; i++) {
		uint64_t r[18];

		call_regs(fid, r);
		r[1] = n;
		smccc_call_regs(r);
		ok &= r[0] == SMCCC_SUCCESS;
		for (unsigned int k = 1; k <= 3; k++) {
			ok &= !(r[k] & ~result_mask(width, n, k));
			seen[k] |= r[k];
		}
		for (unsigned int k = 4; k < 18; k++)
			ok &= r[k] == (POISON | k);
	}
	/* bit n - 1 lives in x(3 - (n - 1) / width), at (n - 1) % width */
	ok &= (seen[3 - (n - 1) / width] >> ((n - 1) % width)) & 1;
	nb_start(fid == TRNG_RND64 ? "TRNG_RND64" : "TRNG_RND32");
	nb_str(" N=");
	nb_dec(n);
	nb_str(": SUCCESS, no bit at or above N, bit N-1 seen, x4..x17 kept");
	tap_check(ok, nb());
}

static void check_trng_rnd(bool kvm)
{
	static const unsigned int n64[] = { 1, 8, 63, 64, 65, 128, 130, 191, 192 };
	static const unsigned int n32[] = { 1, 31, 32, 33, 64, 95, 96 };
	int64_t a, b;

	expect((int64_t)smccc_call(TRNG_RND64, 193, 0, 0), PSCI_INVALID_PARAMETERS,
	       "TRNG_RND64 N=193 is INVALID_PARAMETERS");
	expect((int64_t)smccc_call(TRNG_RND32, 97, 0, 0), PSCI_INVALID_PARAMETERS,
	       "TRNG_RND32 N=97 is INVALID_PARAMETERS");
	expect((int64_t)smccc_call(TRNG_RND32, 0xa5a5a5a500000040ULL, 0, 0), SMCCC_SUCCESS,
	       "TRNG_RND32 reads w1 only: N=64 with junk in bits 63:32 is SUCCESS");
	if (kvm) {
		/* KVM 6.12 answers N=0 with SUCCESS and no bits; DEN0098 says
		 * INVALID_PARAMETERS, which hvmm answers. */
		tap_skip("TRNG_RND64 and TRNG_RND32 N=0 are INVALID_PARAMETERS", "KVM accepts N=0");
	} else {
		tap_check((int64_t)smccc_call(TRNG_RND64, 0, 0, 0) == PSCI_INVALID_PARAMETERS &&
			  (int64_t)smccc_call(TRNG_RND32, 0, 0, 0) == PSCI_INVALID_PARAMETERS,
			  "TRNG_RND64 and TRNG_RND32 N=0 are INVALID_PARAMETERS");
	}
	for (unsigned int i = 0; i < sizeof(n64) / sizeof(n64[0]); i++)
		check_rnd(TRNG_RND64, n64[i]);
	for (unsigned int i = 0; i < sizeof(n32) / sizeof(n32[0]); i++)
		check_rnd(TRNG_RND32, n32[i]);
	a = (int64_t)smccc_call(TRNG_RND64, 64, 0, 0);
	b = (int64_t)smccc_call(TRNG_RND64, 64, 0, 0);
	tap_check(a == SMCCC_SUCCESS && b == SMCCC_SUCCESS, "TRNG_RND64 answers twice in a row");
}

/* The number of bm.KEY=N, or def (absent or not a number 0..255). */
static uint64_t bootarg_num(uint64_t dtb, const char *key, uint64_t def)
{
	char buf[8];
	int len = fdt_bootarg(dtb, key, buf, sizeof(buf));
	uint64_t v = 0;

	if (len <= 0 || len > 3)
		return def;
	for (int i = 0; i < len; i++) {
		if (buf[i] < '0' || buf[i] > '9')
			return def;
		v = v * 10 + (uint64_t)(buf[i] - '0');
	}
	return v > 255 ? def : v;
}

int main(uint64_t dtb)
{
	struct early e = { 0 };
	char trng[8];
	bool kvm;
	uint64_t status;

	early_steps(&e);
	uart_puts("bm-services: the UART from here on\n");
	kvm = fdt_bootarg(dtb, "bm.trng", trng, sizeof(trng)) == 3 && trng[0] == 'k' && trng[1] == 'v' &&
	      trng[2] == 'm';
	status = bootarg_num(dtb, "bm.exit", DEFAULT_EXIT);
	check_vendor(&e);
	check_trng_basics(kvm);
	check_trng_rnd(kvm);
	check_async_pf(bootarg_num(dtb, "bm.apf", 0) == 1, dtb);
	if (tap_done())
		return 1;
	uart_puts("bm: PASSED\nbm-services: HVMM_EXIT with status ");
	uart_put_dec(status);
	uart_putc('\n');
	smccc_call(HVMM_EXIT, status, 0, 0);
	uart_puts("bm-services: HVMM_EXIT returned\n");
	return 1;
}
