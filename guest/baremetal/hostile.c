/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The hostile guest: the calls a broken or malicious guest kernel could make
 * to hvmm's firmware. Each one must get its exact error code and change
 * nothing; afterwards the guest shows that the VM still works (PSCI_VERSION,
 * CPU_ON of a secondary, an SDEI event registered, signalled, handled and
 * completed on two vCPUs). Every row here is a row of docs/bad-input.md.
 *
 * Run with 2 vCPUs or more. With a disabled vCPU (--max-cpus), the guest
 * finally prints "bm: waiting for cpu N" and polls CPU_ON until the host
 * enables it: the boot tests attack the control socket meanwhile and then
 * let it finish.
 */
#include "lib.h"

int main(uint64_t dtb);

#define WAIT_MS          2000     /* something the guest itself caused */
#define QUIET_MS         20       /* how long "did not run" is watched */
#define HOST_WAIT_MS     240000   /* the host enabling a vCPU */
#define POLL_MS          10
#define WORKER_POLL_MS   4

/* High halves that 32-bit calls must ignore and 64-bit calls must not. */
#define JUNK_HIGH        0xa5a5a5a500000000ULL
#define SDEI_VERSION_HVMM ((1ULL << 48) | (1ULL << 32) | 0x68766d6dULL)
#define EV_SIGNAL        0U
#define EV_PRIV_NORMAL   1000U
#define EV_SHARED_NORMAL 2000U
#define EV_BOUND_BASE    0x8000U
#define UART_INTID       (32U + MEMMAP_UART_SPI)
#define ST_ARMED         (SDEI_ST_REGISTERED | SDEI_ST_ENABLED)
#define CONTEXT_ID       0x1234U

static unsigned int nr_cpus;
static uint64_t ram_base, ram_end;
static uint32_t ps_powerdown;
static bool sdei_on;
static bool worker_up;

/* ---- output -------------------------------------------------------------- */

/* One TAP line for a list of calls that must all answer `want`. */
struct probe {
	uint64_t fid, a1, a2, a3;
};

static int expect_all(const struct probe *p, unsigned int n, int64_t want, const char *what)
{
	unsigned int i;
	int bad = 0;

	for (i = 0; i < n; i++) {
		int64_t r = (int64_t)smccc_call(p[i].fid, p[i].a1, p[i].a2, p[i].a3);

		if (r == want)
			continue;
		uart_puts("#   ");
		uart_put_hex(p[i].fid);
		uart_puts("(");
		uart_put_hex(p[i].a1);
		uart_puts(", ");
		uart_put_hex(p[i].a2);
		uart_puts(") answered ");
		uart_put_signed(r);
		uart_putc('\n');
		bad++;
	}
	return tap_check(!bad, what);
}

#define NPROBES(a) (sizeof(a) / sizeof((a)[0]))

/* ---- helpers ------------------------------------------------------------- */

static int64_t sdei(uint32_t fn, uint64_t a1, uint64_t a2, uint64_t a3)
{
	return sdei_call(fn, a1, a2, a3);
}

static int64_t sdei_register_raw(uint64_t event, uint64_t entry, uint64_t arg,
				 uint64_t flags, uint64_t aff)
{
	return (int64_t)smccc_call6(SDEI_FID(SDEI_EVENT_REGISTER), event, entry, arg, flags, aff);
}

/* Sleep in WFI until the virtual timer fires: the vCPU really idles. */
static void nap(uint64_t ms)
{
	timer_arm(ms_to_ticks(ms));
	wfi();
	timer_settle();
}

static void discover(uint64_t dtb)
{
	uint64_t size;

	if (fdt_memory(dtb, &ram_base, &size) == 0) {
		ram_end = ram_base + size;
	} else {
		tap_check(0, "the device tree has a /memory node");
		ram_base = MEMMAP_RAM_BASE;
		ram_end = MEMMAP_RAM_BASE + (64ULL << 20);
	}
	nr_cpus = smp_count_cpus();
	/* PSCI_FEATURES(CPU_SUSPEND) bit 1: the extended power_state format. */
	ps_powerdown = psci(PSCI_FID32(PSCI_FEATURES), PSCI_FID32(PSCI_CPU_SUSPEND), 0, 0) & 2
		       ? 0x40000002U : 0x00010002U;
	sdei_on = sdei(SDEI_VERSION, 0, 0, 0) != SDEI_NOT_SUPPORTED;
	uart_puts("# vCPUs: ");
	uart_put_dec(nr_cpus);
	uart_puts(", RAM ");
	uart_put_hex(ram_base);
	uart_puts("-");
	uart_put_hex(ram_end);
	uart_putc('\n');
}

/* ---- PSCI: addresses outside RAM ----------------------------------------- */

static void check_cpu_on_addresses(void)
{
	const struct probe p[] = {
		{ PSCI_FID64(PSCI_CPU_ON), cpu_mpidr(1), ram_end, 0 },
		{ PSCI_FID64(PSCI_CPU_ON), cpu_mpidr(1), ram_base - 4, 0 },
		{ PSCI_FID64(PSCI_CPU_ON), cpu_mpidr(1), 0, 0 },
		{ PSCI_FID64(PSCI_CPU_ON), cpu_mpidr(1), ~3ULL, 0 },
		/* 64-bit: the high half counts, so this is far outside RAM. */
		{ PSCI_FID64(PSCI_CPU_ON), cpu_mpidr(1), JUNK_HIGH | (uint64_t)secondary_entry, 0 },
		{ PSCI_FID32(PSCI_CPU_ON), cpu_mpidr(1), ram_end, 0 },
	};

	if (nr_cpus < 2) {
		tap_skip("CPU_ON with an entry point outside RAM", "one vCPU");
		return;
	}
	expect_all(p, NPROBES(p), PSCI_INVALID_ADDRESS,
		   "CPU_ON with an entry point outside RAM (end of RAM, below it, 0, ~0, junk high half) is INVALID_ADDRESS");
	expect(aff_info(1), AFF_OFF, "the refused CPU_ONs left vCPU 1 off");
}

static void check_cpu_on_mpidrs(void)
{
	uint64_t e = (uint64_t)secondary_entry;
	const struct probe p[] = {
		{ PSCI_FID64(PSCI_CPU_ON), cpu_mpidr(1) | 1ULL << 40, e, 0 },
		{ PSCI_FID64(PSCI_CPU_ON), cpu_mpidr(1) | 1ULL << 63, e, 0 },
		{ PSCI_FID64(PSCI_CPU_ON), cpu_mpidr(1) | 0xffULL << 56, e, 0 },
		{ PSCI_FID64(PSCI_CPU_ON), cpu_mpidr(1) | 1ULL << 24, e, 0 },
		{ PSCI_FID64(PSCI_CPU_ON), cpu_mpidr(1) | 1ULL << 30, e, 0 },
		{ PSCI_FID64(PSCI_CPU_ON), cpu_mpidr(1) | 1ULL << 31, e, 0 },
		{ PSCI_FID32(PSCI_CPU_ON), cpu_mpidr(1) | 1ULL << 31, e, 0 },
	};
	const struct probe absent[] = {
		{ PSCI_FID64(PSCI_CPU_ON), cpu_mpidr(nr_cpus), e, 0 },
		{ PSCI_FID64(PSCI_CPU_ON), 1ULL << 32, e, 0 },             /* Aff3 = 1 */
		{ PSCI_FID64(PSCI_CPU_ON), cpu_mpidr(1) | 1ULL << 32, e, 0 },
		{ PSCI_FID64(PSCI_CPU_ON), 0xff00ffffffULL, e, 0 },
		{ PSCI_FID64(PSCI_CPU_ON), ~0ULL, e, 0 },
	};

	if (nr_cpus < 2) {
		tap_skip("CPU_ON to MPIDRs with reserved bits", "one vCPU");
		return;
	}
	expect_all(p, NPROBES(p), PSCI_INVALID_PARAMETERS,
		   "CPU_ON to vCPU 1's MPIDR with a reserved bit (63:40, 31:24) set is INVALID_PARAMETERS");
	expect_all(absent, NPROBES(absent), PSCI_INVALID_PARAMETERS,
		   "CPU_ON to an MPIDR no vCPU has is INVALID_PARAMETERS");
	expect(aff_info(1), AFF_OFF, "the refused CPU_ONs left vCPU 1 off");
}

/* The boot CPU must come straight back: if hvmm powered it down instead,
 * it would resume at boot_unexpected_entry, which says so. */
static void check_suspend_addresses(void)
{
	const struct probe p[] = {
		{ PSCI_FID64(PSCI_CPU_SUSPEND), ps_powerdown, ram_end, 0 },
		{ PSCI_FID64(PSCI_CPU_SUSPEND), ps_powerdown, 0, 0 },
		{ PSCI_FID32(PSCI_CPU_SUSPEND), ps_powerdown, ram_base - 4, 0 },
		{ PSCI_FID64(PSCI_CPU_DEFAULT_SUSPEND), ram_end, 0, 0 },
		{ PSCI_FID64(PSCI_CPU_DEFAULT_SUSPEND), JUNK_HIGH | (uint64_t)boot_unexpected_entry, 0, 0 },
		{ PSCI_FID64(PSCI_SYSTEM_SUSPEND), ram_end, 0, 0 },
		{ PSCI_FID32(PSCI_SYSTEM_SUSPEND), 0, 0, 0 },
	};
	const struct probe bad_state[] = {
		{ PSCI_FID64(PSCI_CPU_SUSPEND), ps_powerdown | 1U << 31, (uint64_t)boot_unexpected_entry, 0 },
		{ PSCI_FID64(PSCI_CPU_SUSPEND), ps_powerdown | 3U << 24, (uint64_t)boot_unexpected_entry, 0 },
		{ PSCI_FID64(PSCI_CPU_SUSPEND), 0xffffffffU, (uint64_t)boot_unexpected_entry, 0 },
	};

	expect_all(p, NPROBES(p), PSCI_INVALID_ADDRESS,
		   "CPU_SUSPEND power-down, CPU_DEFAULT_SUSPEND and SYSTEM_SUSPEND with an entry point outside RAM are INVALID_ADDRESS");
	expect_all(bad_state, NPROBES(bad_state), PSCI_INVALID_PARAMETERS,
		   "CPU_SUSPEND with reserved power_state bits set is INVALID_PARAMETERS");
}

/* ---- PSCI: levels, types, modes ------------------------------------------ */

static void check_psci_parameters(void)
{
	uint64_t me = my_mpidr();
	const struct probe levels[] = {
		{ PSCI_FID64(PSCI_AFFINITY_INFO), me, 4, 0 },
		{ PSCI_FID64(PSCI_AFFINITY_INFO), me, 0xffffffffU, 0 },
		/* 64-bit: the level is compared in all its bits. */
		{ PSCI_FID64(PSCI_AFFINITY_INFO), me, 1ULL << 32, 0 },
		{ PSCI_FID32(PSCI_AFFINITY_INFO), me, 4, 0 },
		{ PSCI_FID64(PSCI_AFFINITY_INFO), me | 1ULL << 40, 0, 0 },
		{ PSCI_FID64(PSCI_NODE_HW_STATE), me, 4, 0 },
		{ PSCI_FID64(PSCI_NODE_HW_STATE), me | 1ULL << 31, 0, 0 },
	};
	const struct probe others[] = {
		{ PSCI_FID32(PSCI_SYSTEM_RESET2), 1, 0, 0 },
		{ PSCI_FID32(PSCI_SYSTEM_RESET2), 0x7fffffffU, 0, 0 },
		{ PSCI_FID32(PSCI_SYSTEM_RESET2), 0x80000000U, 0, 0 },
		{ PSCI_FID64(PSCI_SYSTEM_RESET2), 0xffffffffU, 0, 0 },
		{ PSCI_FID32(PSCI_SET_SUSPEND_MODE), 2, 0, 0 },
		{ PSCI_FID32(PSCI_SET_SUSPEND_MODE), 0xffffffffU, 0, 0 },
	};

	expect_all(levels, NPROBES(levels), PSCI_INVALID_PARAMETERS,
		   "AFFINITY_INFO and NODE_HW_STATE with a level above 3 or a bad MPIDR are INVALID_PARAMETERS");
	expect(psci(PSCI_FID32(PSCI_AFFINITY_INFO), JUNK_HIGH | me, JUNK_HIGH, 0), AFF_ON,
	       "AFFINITY_INFO32 ignores junk in the high halves of x1 and x2");
	expect_all(others, NPROBES(others), PSCI_INVALID_PARAMETERS,
		   "SYSTEM_RESET2 with an unknown reset type and SET_SUSPEND_MODE 2 are INVALID_PARAMETERS");
	expect(psci(PSCI_FID64(PSCI_STAT_COUNT), me | 1ULL << 40, ps_powerdown, 0), 0,
	       "STAT_COUNT of an MPIDR with reserved bits is 0");
	expect(psci(PSCI_FID32(PSCI_VERSION), 0, 0, 0), 0x10001,
	       "PSCI_VERSION still answers 1.1 after the refused calls");
}

/* ---- unknown function IDs ------------------------------------------------- */

static bool psci_fn_exists(uint32_t fn, bool is64)
{
	static const uint8_t both[] = {
		PSCI_CPU_SUSPEND, PSCI_CPU_ON, PSCI_AFFINITY_INFO,
		PSCI_CPU_DEFAULT_SUSPEND, PSCI_NODE_HW_STATE, PSCI_SYSTEM_SUSPEND,
		PSCI_STAT_RESIDENCY, PSCI_STAT_COUNT, PSCI_SYSTEM_RESET2,
	};
	static const uint8_t only32[] = {
		PSCI_VERSION, PSCI_CPU_OFF, PSCI_MIGRATE_INFO_TYPE, PSCI_SYSTEM_OFF,
		PSCI_SYSTEM_RESET, PSCI_FEATURES, PSCI_CPU_FREEZE, PSCI_SET_SUSPEND_MODE,
	};
	unsigned int i;

	for (i = 0; i < sizeof(both); i++)
		if (fn == both[i])
			return true;
	for (i = 0; !is64 && i < sizeof(only32); i++)
		if (fn == only32[i])
			return true;
	return false;
}

/* Every unassigned or unimplemented ID in a claimed range: NOT_SUPPORTED
 * (-1), and nothing else happens (64-bit SYSTEM_OFF, CPU_OFF and
 * SYSTEM_RESET do not exist, so these calls must not act either). */
static void check_unknown_ids(void)
{
	uint32_t fn;
	int bad32 = 0, bad64 = 0, bad_sdei = 0, bad_features = 0;

	for (fn = 0; fn < PSCI_FN_COUNT; fn++) {
		if (!psci_fn_exists(fn, false)) {
			bad32 += psci(PSCI_FID32(fn), 0, 0, 0) != PSCI_NOT_SUPPORTED;
			bad_features += psci(PSCI_FID32(PSCI_FEATURES), PSCI_FID32(fn), 0, 0) !=
					PSCI_NOT_SUPPORTED;
		}
		if (!psci_fn_exists(fn, true)) {
			bad64 += psci(PSCI_FID64(fn), 0, 0, 0) != PSCI_NOT_SUPPORTED;
			bad_features += psci(PSCI_FID32(PSCI_FEATURES), PSCI_FID64(fn), 0, 0) !=
					PSCI_NOT_SUPPORTED;
		}
	}
	tap_check(!bad32, "unknown and unimplemented PSCI SMC32 IDs (0x84000000-0x8400001F) are NOT_SUPPORTED");
	tap_check(!bad64, "unknown and unimplemented PSCI SMC64 IDs (0xC4000000-0xC400001F) are NOT_SUPPORTED");
	tap_check(!bad_features, "PSCI_FEATURES of each of those IDs is NOT_SUPPORTED");
	if (sdei_on) {
		for (fn = SDEI_SHARED_RESET + 1; fn <= SDEI_FN_LAST; fn++)
			bad_sdei += sdei(fn, 0, 0, 0) != SDEI_NOT_SUPPORTED;
		tap_check(!bad_sdei, "unassigned SDEI IDs 0xC4000033-0xC400003F are NOT_SUPPORTED");
	} else {
		tap_skip("unassigned SDEI IDs are NOT_SUPPORTED", "SDEI is off");
	}

	{
		const struct probe features[] = {
			{ PSCI_FID32(PSCI_FEATURES), SDEI_FID(SDEI_VERSION), 0, 0 },
			{ PSCI_FID32(PSCI_FEATURES), 0x12345678U, 0, 0 },
			{ PSCI_FID32(PSCI_FEATURES), 0xffffffffU, 0, 0 },
			{ PSCI_FID32(PSCI_FEATURES), 0x84000020U, 0, 0 },
		};
		/* Outside every claimed range: KVM itself answers. */
		const struct probe unclaimed[] = {
			{ 0x84000020U, 0, 0, 0 },        /* SDEI's numbers as SMC32 */
			{ 0xC4000040U, 0, 0, 0 },        /* right after the SDEI range */
			{ 0xC2000003U, 0, 0, 0 },        /* SiP, past hvmm's own (0xC2000000-2) */
		};

		expect_all(features, NPROBES(features), PSCI_NOT_SUPPORTED,
			   "PSCI_FEATURES of non-PSCI IDs (SDEI_VERSION, garbage) is NOT_SUPPORTED");
		expect_all(unclaimed, NPROBES(unclaimed), PSCI_NOT_SUPPORTED,
			   "IDs outside the claimed ranges get NOT_SUPPORTED from KVM");
	}
	if (sdei_on) {
		const struct probe features[] = {
			{ SDEI_FID(SDEI_FEATURES), 2, 0, 0 },
			{ SDEI_FID(SDEI_FEATURES), 0xffffffffU, 0, 0 },
			{ SDEI_FID(SDEI_FEATURES), 1ULL << 32, 0, 0 },
		};

		expect_all(features, NPROBES(features), SDEI_INVALID_PARAMETERS,
			   "SDEI_FEATURES of an unknown feature (2, 0xffffffff, 1 << 32) is INVALID_PARAMETERS");
	}
}

/* ---- wrong widths --------------------------------------------------------- */

/*
 * The function ID is W0: KVM hands hvmm only the low 32 bits of x0, so a
 * call with junk in x0's high half is the call its low half names.
 */
static void check_wrong_width_ids(void)
{
	expect((int64_t)smccc_call(JUNK_HIGH | PSCI_FID32(PSCI_VERSION), 0, 0, 0), 0x10001,
	       "PSCI_VERSION with junk in x0[63:32] is PSCI_VERSION (the ID is W0)");
	expect((int64_t)smccc_call(JUNK_HIGH | PSCI_FID32(0x15), 0, 0, 0), PSCI_NOT_SUPPORTED,
	       "an unknown PSCI ID with junk in x0[63:32] is NOT_SUPPORTED");
	expect(psci(PSCI_FID32(PSCI_FEATURES), JUNK_HIGH | PSCI_FID32(PSCI_VERSION), 0, 0), 0,
	       "PSCI_FEATURES (SMC32) reads only W1: junk above PSCI_VERSION's ID is ignored");
	if (sdei_on)
		expect((int64_t)smccc_call(JUNK_HIGH | SDEI_FID(SDEI_VERSION), 0, 0, 0),
		       (int64_t)SDEI_VERSION_HVMM,
		       "SDEI_VERSION with junk in x0[63:32] is SDEI_VERSION");
}

/* ---- SDEI ------------------------------------------------------------------ */

static SDEI_HANDLER(h_plain, NULL, 0);

/* Inside a handler: EVENT_CONTEXT with indexes past 17, and with 17. */
static void cb_context(struct sdei_frame *f, struct sdei_handler *h, unsigned int cpu)
{
	volatile uint64_t *user = h->hit[cpu].user;

	(void)f;
	store64(&user[0], (uint64_t)sdei(SDEI_EVENT_CONTEXT, 18, 0, 0));
	store64(&user[1], (uint64_t)sdei(SDEI_EVENT_CONTEXT, 0xffffffffU, 0, 0));
	store64(&user[2], (uint64_t)sdei(SDEI_EVENT_CONTEXT, 1ULL << 32, 0, 0));
	store64(&user[3], (uint64_t)sdei(SDEI_EVENT_CONTEXT, ~0ULL, 0, 0));
	store64(&user[4], (uint64_t)sdei(SDEI_EVENT_CONTEXT, 17, 0, 0));
	/* Registering the running event again is refused, not a second entry. */
	store64(&user[5], (uint64_t)sdei_register(EV_SIGNAL, h, 0, 0));
}
static SDEI_HANDLER(h_context, cb_context, 0);

static void check_sdei_register(void)
{
	uint64_t h = (uint64_t)(uintptr_t)&h_plain, e = (uint64_t)sdei_entry;
	const struct probe numbers[] = {
		{ SDEI_FID(SDEI_EVENT_STATUS), 0x1000000U, 0, 0 },
		{ SDEI_FID(SDEI_EVENT_STATUS), 0xffffffffU, 0, 0 },
		{ SDEI_FID(SDEI_EVENT_STATUS), 1ULL << 32 | EV_PRIV_NORMAL, 0, 0 },
		{ SDEI_FID(SDEI_EVENT_STATUS), JUNK_HIGH | EV_SIGNAL, 0, 0 },
		{ SDEI_FID(SDEI_EVENT_ENABLE), JUNK_HIGH | EV_SIGNAL, 0, 0 },
		{ SDEI_FID(SDEI_EVENT_DISABLE), JUNK_HIGH | EV_SIGNAL, 0, 0 },
		{ SDEI_FID(SDEI_EVENT_UNREGISTER), JUNK_HIGH | EV_SIGNAL, 0, 0 },
		{ SDEI_FID(SDEI_EVENT_GET_INFO), JUNK_HIGH | EV_SIGNAL, SDEI_INFO_TYPE, 0 },
		{ SDEI_FID(SDEI_EVENT_STATUS), EV_BOUND_BASE, 0, 0 },     /* not bound */
		{ SDEI_FID(SDEI_EVENT_STATUS), 0x7fffU, 0, 0 },           /* not configured */
	};
	int bad = 0;

	/* Event numbers out of range, and a valid number with junk above it. */
	bad += sdei_register_raw(0x1000000U, e, h, 0, 0) != SDEI_INVALID_PARAMETERS;
	bad += sdei_register_raw(0xffffffffU, e, h, 0, 0) != SDEI_INVALID_PARAMETERS;
	bad += sdei_register_raw(1ULL << 32 | EV_PRIV_NORMAL, e, h, 0, 0) != SDEI_INVALID_PARAMETERS;
	bad += sdei_register_raw(JUNK_HIGH | EV_SIGNAL, e, h, 0, 0) != SDEI_INVALID_PARAMETERS;
	bad += sdei_register_raw(EV_BOUND_BASE, e, h, 0, 0) != SDEI_INVALID_PARAMETERS;
	tap_check(!bad, "REGISTER of event 0x1000000, 0xffffffff, 1000 or 0 with junk in bits 63:32, or unbound 0x8000 is INVALID_PARAMETERS");
	expect_all(numbers, NPROBES(numbers), SDEI_INVALID_PARAMETERS,
		   "STATUS, ENABLE, DISABLE, UNREGISTER, GET_INFO of such event numbers are INVALID_PARAMETERS");
	tap_check(sdei_status(EV_SIGNAL) == 0 && sdei_status(EV_PRIV_NORMAL) == 0,
		  "events 0 and 1000 are still unregistered after those calls");

	/* Reserved flag bits, and RM_PE affinities no vCPU has. */
	bad = 0;
	bad += sdei_register_raw(EV_SIGNAL, e, h, 2, 0) != SDEI_INVALID_PARAMETERS;
	bad += sdei_register_raw(EV_SIGNAL, e, h, 1ULL << 63, 0) != SDEI_INVALID_PARAMETERS;
	bad += sdei_register_raw(EV_SHARED_NORMAL, e, h, ~1ULL, 0) != SDEI_INVALID_PARAMETERS;
	tap_check(!bad, "REGISTER with reserved flags bits (1, 63, all) is INVALID_PARAMETERS");
	bad = 0;
	bad += sdei_register_raw(EV_SHARED_NORMAL, e, h, SDEI_RM_PE, 1ULL << 31) != SDEI_INVALID_PARAMETERS;
	bad += sdei_register_raw(EV_SHARED_NORMAL, e, h, SDEI_RM_PE, 1ULL << 40) != SDEI_INVALID_PARAMETERS;
	bad += sdei_register_raw(EV_SHARED_NORMAL, e, h, SDEI_RM_PE, cpu_mpidr(nr_cpus)) !=
	       SDEI_INVALID_PARAMETERS;
	tap_check(!bad, "REGISTER(2000, RM_PE) to an MPIDR with reserved bits or of no vCPU is INVALID_PARAMETERS");
	expect(sdei_status(EV_SHARED_NORMAL), 0, "event 2000 is still unregistered");

	/* Entry points are virtual addresses, so not checked against RAM. */
	if (expect(sdei_register_raw(EV_SIGNAL, ram_end, h, 0, 0), 0,
		   "REGISTER with an entry point outside RAM succeeds (a virtual address: not checked)"))
		expect(sdei(SDEI_EVENT_UNREGISTER, EV_SIGNAL, 0, 0), 0,
		       "... and UNREGISTER of it succeeds (it was never enabled)");
	/* A private event has no routing: the bit and the affinity are ignored. */
	if (expect(sdei_register_raw(EV_SIGNAL, e, h, SDEI_RM_PE, ~0ULL), 0,
		   "REGISTER of a private event with RM_PE and a junk affinity succeeds (ignored)"))
		sdei(SDEI_EVENT_UNREGISTER, EV_SIGNAL, 0, 0);
}

static void check_sdei_routing(void)
{
	const struct probe p[] = {
		{ SDEI_FID(SDEI_EVENT_ROUTING_SET), EV_SHARED_NORMAL, 2, 0 },
		{ SDEI_FID(SDEI_EVENT_ROUTING_SET), EV_SHARED_NORMAL, 1ULL << 32, 0 },
		{ SDEI_FID(SDEI_EVENT_ROUTING_SET), EV_SHARED_NORMAL, ~0ULL, 0 },
		{ SDEI_FID(SDEI_EVENT_ROUTING_SET), EV_SHARED_NORMAL, SDEI_RM_PE, 1ULL << 31 },
		{ SDEI_FID(SDEI_EVENT_ROUTING_SET), EV_SHARED_NORMAL, SDEI_RM_PE, ~0ULL },
		{ SDEI_FID(SDEI_EVENT_ROUTING_SET), EV_SIGNAL, SDEI_RM_ANY, 0 },  /* private */
		{ SDEI_FID(SDEI_EVENT_GET_INFO), EV_SHARED_NORMAL, 5, 0 },
		{ SDEI_FID(SDEI_EVENT_GET_INFO), EV_SHARED_NORMAL, 1ULL << 32, 0 },
	};

	if (!expect(sdei_register(EV_SHARED_NORMAL, &h_plain, SDEI_RM_ANY, 0), 0,
		    "REGISTER(2000, RM_ANY) for the routing checks"))
		return;
	expect_all(p, NPROBES(p), SDEI_INVALID_PARAMETERS,
		   "ROUTING_SET with reserved mode bits or a bad affinity, GET_INFO with a junk info type: INVALID_PARAMETERS");
	expect(sdei(SDEI_EVENT_GET_INFO, EV_SHARED_NORMAL, SDEI_INFO_ROUTING_MODE, 0), SDEI_RM_ANY,
	       "event 2000 is still routed RM_ANY");
	expect(sdei(SDEI_EVENT_UNREGISTER, EV_SHARED_NORMAL, 0, 0), 0, "UNREGISTER(2000) succeeds");
}

static void check_sdei_outside_handler(void)
{
	const struct probe index[] = {
		{ SDEI_FID(SDEI_EVENT_CONTEXT), 18, 0, 0 },
		{ SDEI_FID(SDEI_EVENT_CONTEXT), 1ULL << 32, 0, 0 },
		{ SDEI_FID(SDEI_EVENT_CONTEXT), ~0ULL, 0, 0 },
	};
	const struct probe denied[] = {
		{ SDEI_FID(SDEI_EVENT_CONTEXT), 0, 0, 0 },
		{ SDEI_FID(SDEI_EVENT_CONTEXT), 17, 0, 0 },
		{ SDEI_FID(SDEI_EVENT_COMPLETE), 0, 0, 0 },
		{ SDEI_FID(SDEI_EVENT_COMPLETE), ~0ULL, 0, 0 },
		{ SDEI_FID(SDEI_EVENT_COMPLETE_AND_RESUME), ram_end, 0, 0 },
	};

	expect_all(index, NPROBES(index), SDEI_INVALID_PARAMETERS,
		   "EVENT_CONTEXT outside a handler with index 18, 1 << 32, ~0 is INVALID_PARAMETERS (index first)");
	expect_all(denied, NPROBES(denied), SDEI_DENIED,
		   "EVENT_CONTEXT(0, 17), COMPLETE and COMPLETE_AND_RESUME outside a handler are DENIED");
}

static void check_sdei_bind_and_signal(void)
{
	const struct probe bind[] = {
		{ SDEI_FID(SDEI_INTERRUPT_BIND), 0, 0, 0 },              /* SGI */
		{ SDEI_FID(SDEI_INTERRUPT_BIND), 15, 0, 0 },
		{ SDEI_FID(SDEI_INTERRUPT_BIND), 27, 0, 0 },             /* PPI: the timer */
		{ SDEI_FID(SDEI_INTERRUPT_BIND), 31, 0, 0 },
		{ SDEI_FID(SDEI_INTERRUPT_BIND), 32, 0, 0 },             /* SPI hvmm does not drive */
		{ SDEI_FID(SDEI_INTERRUPT_BIND), UART_INTID + 1, 0, 0 },
		{ SDEI_FID(SDEI_INTERRUPT_BIND), 1019, 0, 0 },
		{ SDEI_FID(SDEI_INTERRUPT_BIND), 1023, 0, 0 },           /* special */
		{ SDEI_FID(SDEI_INTERRUPT_BIND), 8192, 0, 0 },           /* LPI */
		{ SDEI_FID(SDEI_INTERRUPT_BIND), 0xffffffffU, 0, 0 },
		{ SDEI_FID(SDEI_INTERRUPT_BIND), 1ULL << 32 | UART_INTID, 0, 0 },
		{ SDEI_FID(SDEI_INTERRUPT_RELEASE), EV_BOUND_BASE, 0, 0 },
		{ SDEI_FID(SDEI_INTERRUPT_RELEASE), 1ULL << 32 | EV_BOUND_BASE, 0, 0 },
	};
	const struct probe signal[] = {
		{ SDEI_FID(SDEI_EVENT_SIGNAL), 1ULL << 32, my_mpidr(), 0 },
		{ SDEI_FID(SDEI_EVENT_SIGNAL), EV_PRIV_NORMAL, my_mpidr(), 0 },
		{ SDEI_FID(SDEI_EVENT_SIGNAL), EV_SIGNAL, my_mpidr() | 1ULL << 40, 0 },
		{ SDEI_FID(SDEI_EVENT_SIGNAL), EV_SIGNAL, my_mpidr() | JUNK_HIGH, 0 },
		{ SDEI_FID(SDEI_EVENT_SIGNAL), EV_SIGNAL, cpu_mpidr(nr_cpus), 0 },
	};

	expect_all(bind, NPROBES(bind), SDEI_INVALID_PARAMETERS,
		   "INTERRUPT_BIND of SGIs, PPIs, SPIs hvmm does not drive, special IDs, LPIs, junk; RELEASE of unbound: INVALID_PARAMETERS");
	expect(sdei(SDEI_FEATURES, 0, 0, 0), 1 << 16, "FEATURES(BIND_SLOTS) still offers the one slot");
	expect_all(signal, NPROBES(signal), SDEI_INVALID_PARAMETERS,
		   "EVENT_SIGNAL of another event or to a bad MPIDR is INVALID_PARAMETERS");
}

/* After all that, an event still runs its course on the boot CPU, and the
 * refused signals left nothing pending. */
static void check_sdei_still_works(void)
{
	struct sdei_hit hit;
	uint64_t old = sdei_hits(&h_context, 0);

	if (!expect(sdei_register(EV_SIGNAL, &h_context, 0, 0), 0, "REGISTER(0) still succeeds") ||
	    !expect(sdei(SDEI_EVENT_ENABLE, EV_SIGNAL, 0, 0), 0, "ENABLE(0) succeeds"))
		return;
	expect(sdei(SDEI_PE_UNMASK, 0, 0, 0), 0, "PE_UNMASK succeeds");
	tap_check(!sdei_wait_hits(&h_context, 0, old, ms_to_ticks(QUIET_MS)),
		  "nothing was left pending by the refused EVENT_SIGNALs");
	expect(sdei_signal(my_mpidr()), 0, "EVENT_SIGNAL(0) to the boot CPU succeeds");
	if (!tap_check(sdei_wait_hits(&h_context, 0, old, ms_to_ticks(WAIT_MS)),
		       "the handler runs and completes")) {
		sdei(SDEI_PE_MASK, 0, 0, 0);
		return;
	}
	sdei_hit_read(&h_context, 0, &hit);
	tap_check((int64_t)hit.user[0] == SDEI_INVALID_PARAMETERS &&
		  (int64_t)hit.user[1] == SDEI_INVALID_PARAMETERS &&
		  (int64_t)hit.user[2] == SDEI_INVALID_PARAMETERS &&
		  (int64_t)hit.user[3] == SDEI_INVALID_PARAMETERS,
		  "EVENT_CONTEXT inside a handler with index 18, 0xffffffff, 1 << 32, ~0 is INVALID_PARAMETERS");
	/* x4-x17 reach the handler as they were, so x17 is the interrupted one. */
	expect((int64_t)hit.user[4], (int64_t)hit.x[17],
	       "EVENT_CONTEXT(17) inside the handler is the interrupted x17");
	expect((int64_t)hit.user[5], SDEI_DENIED, "REGISTER of the running event is DENIED");
	expect((int64_t)hit.status, ST_ARMED | SDEI_ST_RUNNING, "EVENT_STATUS inside: registered, enabled, running");
	expect(sdei_status(EV_SIGNAL), ST_ARMED, "after completion: registered, enabled");
	expect(sdei(SDEI_PE_MASK, 0, 0, 0), 1, "PE_MASK: the boot CPU was unmasked");
	expect(sdei(SDEI_EVENT_UNREGISTER, EV_SIGNAL, 0, 0), 0, "UNREGISTER(0) succeeds");
}

/* ---- a secondary still starts, and takes an event ------------------------- */

static uint64_t fn_arm_event0(uint64_t h, uint64_t a2, uint64_t a3, uint64_t a4)
{
	int64_t r;

	(void)a2;
	(void)a3;
	(void)a4;
	r = sdei_register(EV_SIGNAL, (struct sdei_handler *)(uintptr_t)h, 0, 0);
	if (!r)
		r = sdei(SDEI_EVENT_ENABLE, EV_SIGNAL, 0, 0);
	if (!r)
		r = sdei(SDEI_PE_UNMASK, 0, 0, 0);
	return (uint64_t)r;
}

/*
 * SMC32 arguments are 32 bits: CPU_ON32 with junk in the high halves of the
 * MPIDR, the entry point and context_id starts vCPU 1 at the entry point's
 * low half with x0 = context_id's low half.
 */
static void check_secondary_still_starts(void)
{
	struct smp_start st;
	uint64_t old, args[5] = { (uint64_t)fn_arm_event0, (uint64_t)(uintptr_t)&h_plain };
	uint64_t seq, hits;
	int64_t r;

	if (nr_cpus < 2) {
		tap_skip("CPU_ON32 with junk high halves starts vCPU 1", "one vCPU");
		return;
	}
	store64(&smp_idle_poll, ms_to_ticks(WORKER_POLL_MS));
	old = smp_start_count(1);
	r = psci(PSCI_FID32(PSCI_CPU_ON), JUNK_HIGH | cpu_mpidr(1),
		 JUNK_HIGH | (uint64_t)secondary_entry, JUNK_HIGH | CONTEXT_ID);
	if (!expect(r, PSCI_SUCCESS, "CPU_ON32 with junk in the high halves of x1-x3 succeeds") ||
	    !tap_check(smp_sleep_until_start(1, old, ms_to_ticks(WAIT_MS)), "vCPU 1 starts"))
		return;
	smp_read_start(1, &st);
	tap_check(st.entry == (uint64_t)secondary_entry && st.ctx == CONTEXT_ID,
		  "vCPU 1 entered at the entry point's low half with x0 = context_id's low half");
	expect(aff_info(1), AFF_ON, "AFFINITY_INFO says vCPU 1 is on");
	worker_up = true;
	if (!sdei_on)
		return;

	seq = smp_send(1, SMP_OP_FUNC, args);
	if (!smp_sleep_until_done(1, seq, ms_to_ticks(WAIT_MS)) ||
	    !expect((int64_t)smp_result(1, 0), 0, "vCPU 1 registers, enables event 0 and unmasks")) {
		worker_up = false;
		return;
	}
	hits = sdei_hits(&h_plain, 1);
	expect(sdei_signal(cpu_mpidr(1)), 0, "EVENT_SIGNAL(0) to vCPU 1 succeeds");
	tap_check(sdei_wait_hits(&h_plain, 1, hits, ms_to_ticks(WAIT_MS)),
		  "vCPU 1's handler runs and completes");
}

/* ---- a vCPU the host enables later ---------------------------------------- */

static void check_hot_added(void)
{
	uint64_t end, old;
	unsigned int cpu;
	int64_t r = PSCI_DENIED;

	for (cpu = 2; cpu < nr_cpus; cpu++) {
		old = smp_start_count(cpu);
		r = psci(PSCI_FID64(PSCI_CPU_ON), cpu_mpidr(cpu), (uint64_t)secondary_entry, cpu);
		if (r == PSCI_DENIED)
			break;
	}
	if (cpu >= nr_cpus) {
		tap_skip("a vCPU the host enables while the control socket is attacked", "no disabled vCPU (--max-cpus)");
		return;
	}
	/* The boot tests flood the control socket now, then enable the vCPU. */
	uart_puts("bm: waiting for cpu ");
	uart_put_dec(cpu);
	uart_putc('\n');
	end = timer_now() + ms_to_ticks(HOST_WAIT_MS);
	while (r == PSCI_DENIED && timer_now() < end) {
		nap(POLL_MS);
		old = smp_start_count(cpu);
		r = psci(PSCI_FID64(PSCI_CPU_ON), cpu_mpidr(cpu), (uint64_t)secondary_entry, cpu);
	}
	if (!expect(r, PSCI_SUCCESS, "CPU_ON of the vCPU the host enabled succeeds"))
		return;
	tap_check(smp_sleep_until_start(cpu, old, ms_to_ticks(WAIT_MS)), "the enabled vCPU starts");
	expect(aff_info(cpu), AFF_ON, "AFFINITY_INFO says it is on");
}

int main(uint64_t dtb)
{
	uart_puts("hvmm-baremetal: hostile calls\n");
	bm_boot_cpu_init();
	discover(dtb);

	check_cpu_on_addresses();
	check_cpu_on_mpidrs();
	check_suspend_addresses();
	check_psci_parameters();
	check_unknown_ids();
	check_wrong_width_ids();
	if (sdei_on) {
		check_sdei_register();
		check_sdei_routing();
		check_sdei_outside_handler();
		check_sdei_bind_and_signal();
		check_sdei_still_works();
	} else {
		diag("SDEI is off: its rows are skipped");
		tap_skip("SDEI rows", "SDEI is off (--no-sdei)");
	}
	check_secondary_still_starts();
	check_hot_added();
	expect(psci(PSCI_FID32(PSCI_VERSION), 0, 0, 0), 0x10001, "PSCI_VERSION still answers at the end");
	return tap_done();
}
