/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The --smccc-handler guest: calls function IDs that user programs answer,
 * through HVC #0 and SMC #0, and checks every register that comes back.
 * hvmm runs it with two handlers, each the same program:
 *
 *   --smccc-handler 0xc3000000+0x10=PROG --smccc-handler 0x83000000+0x10=PROG
 *
 * and PROG answers the request "VCPU CONDUIT FID X1 .. X7" by the last two
 * hex digits of FID:
 *
 *   0f          unsupported
 *   0e          100 101 ... 111 (x0..x17 = 0x100..0x111)
 *   0d          0x5eed (x0 only)
 *   0c          how many requests it has answered, this one included (x0)
 *   otherwise   FID X1 .. X7 VCPU K (x0..x9), K = 1 for hvc, 2 for smc
 *
 * which a busybox sh `while read` loop does (tests/boot/parts/smccc-handler.sh).
 * Registers the answer does not give must come back as the guest set them.
 * With more than one vCPU, all of them call at once, and each must get the
 * answers to its own calls. The word bm.boots=N of the command line makes
 * it reset at the end of each boot but the last (N, default 1), without
 * --reboot=exit: the handlers live on, so at a later boot the request count
 * goes on from where the earlier boots left it.
 *
 * Both conduits are used whatever the device tree's /psci method says
 * (PSCI calls, such as CPU_ON, go through that one).
 *
 * Output: "bm-smccc: boot N", TAP lines and their plan for each boot;
 * "bm-smccc: boot N PASSED" (or FAILED) before each reset, and "bm: PASSED"
 * (or FAILED) before the final SYSTEM_OFF.
 */
#include "lib.h"

int main(uint64_t dtb);

#define USER64_BASE    0xC3000000U   /* fast SMC64, OEM service */
#define USER32_BASE    0x83000000U   /* fast SMC32, OEM service */
#define USER_COUNT     0x10U
#define FN_UNSUPPORTED 0xfU
#define FN_ALL_REGS    0xeU
#define FN_ONE_REG     0xdU
#define FN_COUNT       0xcU
#define NR_ECHO        0xcU          /* functions 0x0-0xb echo the call */
#define ONE_REG_VALUE  0x5eedULL
#define NOT_SUPPORTED  0xffffffffffffffffULL   /* -1, as x0 holds it */

#define JUNK_HIGH      0xa5a5a5a500000000ULL
#define KEPT(i)        (0x4b45505400000000ULL | (i))   /* "KEPT": a register nobody wrote */
#define WORKER_CALLS   40
#define WAIT_MS        60000         /* every call goes through a shell in the host */
#define WORKER_POLL_MS 4

enum conduit { CONDUIT_HVC = 1, CONDUIT_SMC = 2 };   /* the K of an echo */

static const char *const conduit_names[] = { "", "hvc", "smc" };

static uint32_t boot_count;
static unsigned int nr_cpus;
/* This boot's calls to the handler of 0xc3000000..., from the boot CPU
 * until check_count. */
static uint64_t handler64_calls;

/* ---- calls ---- */

static bool in_user64(uint32_t fid)
{
	return fid - USER64_BASE < USER_COUNT;
}

/* The call r[] describes; it counts if the handler of 0xc3000000... gets it. */
static void call(enum conduit c, uint64_t r[18])
{
	if (in_user64((uint32_t)r[0]))
		handler64_calls++;
	smccc_call_regs_via(r, c == CONDUIT_SMC ? SMCCC_CONDUIT_SMC : SMCCC_CONDUIT_HVC);
}

static bool is_smc32(uint32_t fid)
{
	return !(fid & 0x40000000U);
}

/* Argument i (1..7) of a call: 64 bits that differ per call, per register
 * and per vCPU; SMC32 calls get junk in the high half, which must go. */
static uint64_t arg_of(uint32_t fid, unsigned int i, uint64_t salt)
{
	uint64_t v = ((uint64_t)(0x10 + i) << 56) | ((salt & 0xffffff) << 32) |
		     ((uint64_t)(fid & 0xfffff) << 8) | i;

	return is_smc32(fid) ? JUNK_HIGH | (uint32_t)v : v;
}

/* The registers to call fid with: x1..x7 arguments, x8..x17 KEPT. */
static void load(uint64_t r[18], uint32_t fid, uint64_t salt)
{
	r[0] = fid;
	for (unsigned int i = 1; i < 18; i++)
		r[i] = i <= 7 ? arg_of(fid, i, salt) : KEPT(i);
}

/* The first register of r[from..18) that is not want[], or -1. */
static int first_diff(const uint64_t r[18], const uint64_t want[18], unsigned int from)
{
	for (unsigned int i = from; i < 18; i++)
		if (r[i] != want[i])
			return (int)i;
	return -1;
}

/*
 * An echo call: fid with salt's arguments from vcpu through c. The first
 * register that came back wrong, or -1; *got and *want say what it held and
 * should have. From any CPU: it prints nothing.
 */
static int echo_call(enum conduit c, uint32_t fid, unsigned int vcpu, uint64_t salt, uint64_t *got,
		     uint64_t *want)
{
	uint64_t r[18], w[18];
	int bad;

	load(r, fid, salt);
	for (unsigned int i = 0; i < 18; i++)
		w[i] = r[i];
	for (unsigned int i = 1; i <= 7; i++)
		w[i] = is_smc32(fid) ? (uint32_t)r[i] : r[i];
	w[8] = vcpu;
	w[9] = c;
	call(c, r);
	bad = first_diff(r, w, 0);
	if (bad >= 0) {
		*got = r[bad];
		*want = w[bad];
	}
	return bad;
}

static void diag_reg(int reg, uint64_t got, uint64_t want)
{
	uart_puts("#   x");
	uart_put_dec((uint64_t)reg);
	uart_puts(" = ");
	uart_put_hex(got);
	uart_puts(", expected ");
	uart_put_hex(want);
	uart_putc('\n');
}

/* ---- checks on the boot CPU ---- */

/* Every echo function of the range at base, through c. */
static void check_echo(enum conduit c, uint32_t base)
{
	uint64_t got = 0, want = 0;
	int bad = -1;
	uint32_t fid;

	for (fid = base; fid < base + NR_ECHO && bad < 0; fid++) {
		bad = echo_call(c, fid, 0, fid, &got, &want);
	}
	nb_start(conduit_names[c]);
	nb_str(" ");
	nb_hex(base);
	nb_str("-");
	nb_hex(base + NR_ECHO - 1);
	nb_str(is_smc32(base) ? ": the handler sees the low halves of x1-x7 (SMC32), x8 = vCPU, x9 = conduit,"
			      : ": the handler sees x1-x7 in full (SMC64), x8 = vCPU, x9 = conduit,");
	nb_str(" and x10-x17 are left alone");
	if (!tap_check(bad < 0, nb())) {
		uart_puts("#   at ");
		uart_put_hex(fid - 1);
		uart_putc('\n');
		diag_reg(bad, got, want);
	}
}

/* fid through c: registers from..17 must be want[from..17]. */
static void check_answer(enum conduit c, uint32_t fid, const uint64_t want[18], const char *what)
{
	uint64_t r[18];
	int bad;

	load(r, fid, 0);
	call(c, r);
	bad = first_diff(r, want, 0);
	nb_start(conduit_names[c]);
	nb_str(" ");
	nb_hex(fid);
	nb_str(": ");
	nb_str(what);
	if (!tap_check(bad < 0, nb()))
		diag_reg(bad, r[bad], want[bad]);
}

static void check_special(enum conduit c, uint32_t base)
{
	uint64_t want[18];

	load(want, base + FN_UNSUPPORTED, 0);
	want[0] = NOT_SUPPORTED;
	check_answer(c, base + FN_UNSUPPORTED, want, "'unsupported' is NOT_SUPPORTED (-1), x1-x17 left alone");
	for (unsigned int i = 0; i < 18; i++)
		want[i] = 0x100 + i;
	check_answer(c, base + FN_ALL_REGS, want, "an answer of 18 words sets x0-x17");
	load(want, base + FN_ONE_REG, 0);
	want[0] = ONE_REG_VALUE;
	check_answer(c, base + FN_ONE_REG, want, "an answer of 1 word sets x0 only");
}

/* Just outside the claimed ranges KVM answers by itself. */
static void check_unclaimed(enum conduit c)
{
	static const uint32_t fids[] = { USER64_BASE + USER_COUNT, USER64_BASE - 1, USER32_BASE + USER_COUNT };
	bool ok = true;

	for (unsigned int i = 0; i < sizeof(fids) / sizeof(fids[0]); i++) {
		uint64_t r[18];

		load(r, fids[i], 0);
		call(c, r);
		if (r[0] != NOT_SUPPORTED) {
			ok = false;
			uart_puts("#   ");
			uart_put_hex(fids[i]);
			uart_puts(": x0 = ");
			uart_put_hex(r[0]);
			uart_putc('\n');
		}
	}
	nb_start(conduit_names[c]);
	nb_str(": IDs next to the claimed ranges get NOT_SUPPORTED (-1) from KVM");
	tap_check(ok, nb());
}

/* The handler of 0xc3000000... counts the requests it has answered: at the
 * first boot exactly this boot's, at a later one more (it has outlived the
 * reset, and answered the earlier boots too). */
static void check_count(void)
{
	uint64_t r[18];

	load(r, USER64_BASE + FN_COUNT, 0);
	call(CONDUIT_HVC, r);
	uart_puts("# requests the handler of 0xc3000000 has answered: ");
	uart_put_dec(r[0]);
	uart_puts(" (this boot: ");
	uart_put_dec(handler64_calls);
	uart_puts(")\n");
	if (boot_count <= 1)
		expect((int64_t)r[0], (int64_t)handler64_calls, "the handler has answered this boot's requests, no more");
	else
		tap_check(r[0] > handler64_calls && r[0] < 0x100000,
			  "the handler has outlived the reset: it counts the earlier boots' requests too");
}

/* ---- every vCPU at once ---- */

/* On any CPU: WORKER_CALLS echo calls, alternating conduits and ranges;
 * returns how many came back wrong. */
static uint64_t worker_calls(uint64_t vcpu, uint64_t n, uint64_t a3, uint64_t a4)
{
	uint64_t bad = 0, got, want;

	(void)a3;
	(void)a4;
	for (uint64_t i = 0; i < n; i++) {
		uint32_t base = i & 2 ? USER32_BASE : USER64_BASE;
		enum conduit c = i & 1 ? CONDUIT_SMC : CONDUIT_HVC;

		if (echo_call(c, base + (uint32_t)(i % NR_ECHO), (unsigned int)vcpu, (vcpu << 16) | i, &got, &want) >= 0)
			bad++;
	}
	return bad;
}

static void check_all_vcpus(void)
{
	uint64_t seq[BM_MAX_CPUS] = { 0 };
	bool up[BM_MAX_CPUS] = { false };
	unsigned int i;

	if (nr_cpus < 2) {
		tap_skip("every vCPU calls the handlers at once", "one vCPU");
		return;
	}
	store64(&smp_idle_poll, ms_to_ticks(WORKER_POLL_MS));
	for (i = 1; i < nr_cpus; i++) {
		uint64_t old = smp_start_count(i);

		up[i] = psci(PSCI_FID64(PSCI_CPU_ON), cpu_mpidr(i), (uint64_t)secondary_entry, i) == PSCI_SUCCESS &&
			smp_sleep_until_start(i, old, ms_to_ticks(WAIT_MS));
		if (up[i])
			seq[i] = smp_send(i, SMP_OP_FUNC, (const uint64_t[5]){ (uint64_t)worker_calls, i, WORKER_CALLS });
	}
	expect((int64_t)worker_calls(0, WORKER_CALLS, 0, 0), 0, "vCPU 0: every answer is its own while all vCPUs call");
	for (i = 1; i < nr_cpus; i++) {
		nb_start("vCPU ");
		nb_dec(i);
		nb_str(": every answer is its own while all vCPUs call");
		if (!up[i] || !smp_sleep_until_done(i, seq[i], ms_to_ticks(WAIT_MS)))
			tap_check(0, nb());
		else
			expect((int64_t)smp_result(i, 0), 0, nb());
	}
}

/*
 * bm.kv: the range is answered by the example key-value store of
 * examples/smccc-handlers/ (PUT 0, GET 1, COUNT 2) instead: a PUT through
 * HVC, read back through SMC, a missing key, the count, and a function the
 * store does not have.
 */
static void clear_regs(uint64_t r[18])
{
	for (unsigned int i = 0; i < 18; i++)
		r[i] = 0;
}

static int check_kv_store(void)
{
	const uint64_t key = 0x8000000000000011ULL, val = 0xfedcba9876543210ULL;
	uint64_t r[18];

	for (enum conduit c = CONDUIT_HVC; c <= CONDUIT_SMC; c++) {
		const char *how = c == CONDUIT_SMC ? " (SMC)" : " (HVC)";

		clear_regs(r);
		r[0] = USER64_BASE + 0;
		r[1] = key + c;
		r[2] = val + c;
		call(c, r);
		nb_start("kv store: PUT answers 0");
		nb_str(how);
		expect((int64_t)r[0], 0, nb());
	}
	clear_regs(r);
	r[0] = USER64_BASE + 1;
	r[1] = key + CONDUIT_HVC;
	call(CONDUIT_SMC, r);
	expect((int64_t)r[0], 0, "kv store: GET through SMC of the key PUT through HVC answers 0");
	tap_check(r[1] == val + CONDUIT_HVC, "kv store: ... and the value PUT");
	clear_regs(r);
	r[0] = USER64_BASE + 1;
	r[1] = 0x1234;
	call(CONDUIT_HVC, r);
	expect((int64_t)r[0], -2, "kv store: GET of a missing key answers -2");
	clear_regs(r);
	r[0] = USER64_BASE + 2;
	call(CONDUIT_HVC, r);
	expect((int64_t)r[0], 0, "kv store: COUNT answers 0");
	expect((int64_t)r[1], 2, "kv store: ... and 2 keys");
	clear_regs(r);
	r[0] = USER64_BASE + 7;
	call(CONDUIT_SMC, r);
	expect((int64_t)r[0], -1, "kv store: a function it does not have is NOT_SUPPORTED");
	return tap_done();
}

int main(uint64_t dtb)
{
	char word[8];
	uint32_t boots = 1;

	uart_puts("hvmm-baremetal: SMCCC handlers\n");
	if (!fdt_prop_u32(dtb, "/chosen", "hvmm,boot-count", &boot_count))
		boot_count = 0;
	if (fdt_bootarg(dtb, "bm.boots", word, sizeof(word)) == 1 && word[0] >= '1' && word[0] <= '9')
		boots = (uint32_t)(word[0] - '0');
	uart_puts("bm-smccc: boot ");
	uart_put_dec(boot_count);
	uart_putc('\n');
	bm_boot_cpu_init();
	if (fdt_bootarg(dtb, "bm.kv", word, sizeof(word)) >= 0)
		return check_kv_store();
	nr_cpus = smp_count_cpus();
	for (enum conduit c = CONDUIT_HVC; c <= CONDUIT_SMC; c++) {
		check_echo(c, USER64_BASE);
		check_echo(c, USER32_BASE);
		check_special(c, USER64_BASE);
		check_special(c, USER32_BASE);
		check_unclaimed(c);
	}
	check_count();
	check_all_vcpus();
	if (boot_count && boot_count < boots) {
		int failed = tap_done();

		uart_puts("bm-smccc: boot ");
		uart_put_dec(boot_count);
		uart_puts(failed ? " FAILED, resetting\n" : " PASSED, resetting\n");
		psci(PSCI_FID32(PSCI_SYSTEM_RESET), 0, 0, 0);
		uart_puts("bm-smccc: SYSTEM_RESET returned\n");
		return 1;
	}
	return tap_done();
}
