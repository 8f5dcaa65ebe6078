/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * PSCI 1.1 conformance guest for hvmm: probes every function ID (both
 * widths), every error path, the CPU power state machine as AFFINITY_INFO
 * and NODE_HW_STATE report it, CPU_ON races from all vCPUs, standby and
 * power-down suspends woken by the virtual timer, CPU_FREEZE, the statistics,
 * hot-added vCPUs, and measures a few latencies (`bench:` lines).
 *
 * The boot CPU runs every check and prints all output; secondaries are
 * workers (smp.c). Every wait is bounded, so a broken hvmm produces "not ok"
 * lines rather than a hang, and the run always ends with SYSTEM_OFF.
 */
#include "lib.h"

int main(uint64_t dtb);

#define BENCH_CALLS        1000
#define BENCH_LAZY_PAGES   256
#define BENCH_CPU_ON       128
#define RACE_ROUNDS        8
#define PENDING_ROUNDS     60
#define HOTADD_WAIT_MS     30000
#define START_WAIT_MS      3000
#define OFF_WAIT_MS        3000
#define BOOT_SUSPEND_MS    10
#define SEC_SUSPEND_MS     150

/* High halves that 32-bit calls must ignore. */
#define JUNK_HIGH          0xa5a5a5a500000000ULL

/* ---- what the run discovered --------------------------------------------- */

static unsigned int nr_cpus;              /* vCPUs PSCI knows, up to BM_MAX_CPUS */
static bool usable[BM_MAX_CPUS];          /* enabled and well behaved: a worker */
static int disabled_cpu = -1;             /* first vCPU whose CPU_ON was DENIED */
static uint64_t absent_mpidr = 0xff;      /* Aff0 = 255: no vCPU in KVM's layout */
static bool ext_format = true;
static uint32_t ps_standby, ps_powerdown;
static bool ram_known;
/* bm.bench=handler: an --smccc-handler answers 0xc3000000+ (make bench gives
 * it the example key-value store), and its round trip is measured too. */
static bool bench_handler;
/* bm.bench=lazy: hvmm runs with --lazy-mem, and the first touch of a page
 * of RAM the guest has not used yet is timed (make bench). */
static bool bench_lazy;
/* bm.race=on_pending: hvmm runs with --psci-on-pending, so a racing CPU_ON
 * may get ON_PENDING too; otherwise every loser must get ALREADY_ON. */
static bool race_on_pending;
/* bm.race_rounds=N (1-100): rounds of the CPU_ON race. */
static unsigned int race_rounds = RACE_ROUNDS;
static uint64_t ram_base, ram_end;

/* ---- output helpers -------------------------------------------------------- */

static void diag_val(const char *s, int64_t v)
{
	uart_puts("# ");
	uart_puts(s);
	uart_putc(' ');
	uart_put_signed(v);
	uart_putc('\n');
}

/* "bench: NAME N" (the median); the mean goes on a comment line, so that a
 * search for the bench line finds exactly one. */
static void bench_mean(const char *name, uint64_t v)
{
	uart_puts("# mean: ");
	uart_puts(name);
	uart_putc(' ');
	uart_put_dec(v);
	uart_putc('\n');
}

/* ---- PSCI helpers ------------------------------------------------------------ */

static const char *const fn_names[PSCI_FN_COUNT] = {
	"PSCI_VERSION", "CPU_SUSPEND", "CPU_OFF", "CPU_ON", "AFFINITY_INFO",
	"MIGRATE", "MIGRATE_INFO_TYPE", "MIGRATE_INFO_UP_CPU", "SYSTEM_OFF",
	"SYSTEM_RESET", "PSCI_FEATURES", "CPU_FREEZE", "CPU_DEFAULT_SUSPEND",
	"NODE_HW_STATE", "SYSTEM_SUSPEND", "SET_SUSPEND_MODE", "PSCI_STAT_RESIDENCY",
	"PSCI_STAT_COUNT", "SYSTEM_RESET2", "MEM_PROTECT", "MEM_PROTECT_CHECK_RANGE",
};

/* Which IDs hvmm implements: bit 0 the SMC32/HVC32 one, bit 1 the 64-bit one. */
#define IMPL32 1U
#define IMPL64 2U
static const uint8_t fn_impl[PSCI_FN_COUNT] = {
	[PSCI_VERSION] = IMPL32,
	[PSCI_CPU_SUSPEND] = IMPL32 | IMPL64,
	[PSCI_CPU_OFF] = IMPL32,
	[PSCI_CPU_ON] = IMPL32 | IMPL64,
	[PSCI_AFFINITY_INFO] = IMPL32 | IMPL64,
	[PSCI_MIGRATE_INFO_TYPE] = IMPL32,
	[PSCI_SYSTEM_OFF] = IMPL32,
	[PSCI_SYSTEM_RESET] = IMPL32,
	[PSCI_FEATURES] = IMPL32,
	[PSCI_CPU_FREEZE] = IMPL32,
	[PSCI_CPU_DEFAULT_SUSPEND] = IMPL32 | IMPL64,
	[PSCI_NODE_HW_STATE] = IMPL32 | IMPL64,
	[PSCI_SYSTEM_SUSPEND] = IMPL32 | IMPL64,
	[PSCI_SET_SUSPEND_MODE] = IMPL32,
	[PSCI_STAT_RESIDENCY] = IMPL32 | IMPL64,
	[PSCI_STAT_COUNT] = IMPL32 | IMPL64,
	[PSCI_SYSTEM_RESET2] = IMPL32 | IMPL64,
};

static uint32_t fid_of(unsigned int fn, bool is64)
{
	return is64 ? PSCI_FID64(fn) : PSCI_FID32(fn);
}

/* "NAME32 (0x84000003)" into the name buffer. */
static void nb_fid(const char *prefix, uint32_t fid)
{
	unsigned int fn = fid & 0x1f;

	nb_start(prefix);
	nb_str(fn < PSCI_FN_COUNT && fn_names[fn] ? fn_names[fn] : "unassigned");
	nb_str(fid & 0x40000000 ? "64 (" : "32 (");
	nb_hex(fid);
	nb_str(")");
}

static int64_t hw_state(unsigned int cpu)
{
	return psci(PSCI_FID64(PSCI_NODE_HW_STATE), cpu_mpidr(cpu), 0, 0);
}

static int64_t stat_count(unsigned int cpu, uint32_t ps)
{
	return psci(PSCI_FID64(PSCI_STAT_COUNT), cpu_mpidr(cpu), ps, 0);
}

static int64_t stat_residency(unsigned int cpu, uint32_t ps)
{
	return psci(PSCI_FID64(PSCI_STAT_RESIDENCY), cpu_mpidr(cpu), ps, 0);
}

/*
 * A call that might suspend the boot CPU if hvmm got it wrong: a timer is
 * armed so a wrong standby returns, and any entry point is one that reports
 * a wrong power-down.
 */
static int64_t guarded_call(uint32_t fid, uint64_t a1, uint64_t a2, uint64_t a3)
{
	int64_t r;

	timer_arm(ms_to_ticks(20));
	r = psci(fid, a1, a2, a3);
	timer_settle();
	return r;
}

/* Poll AFFINITY_INFO until it answers `want`; returns the last answer. */
static int64_t wait_aff(unsigned int cpu, int64_t want, uint64_t timeout)
{
	uint64_t end = timer_now() + timeout;
	int64_t a;

	do {
		a = aff_info(cpu);
	} while (a != want && timer_now() < end);
	return a;
}

/* CPU_ON and wait for the CPU to report in. */
static int64_t cpu_start(unsigned int cpu, uint32_t fid, const char *entry,
			 uint64_t ctx, bool *started)
{
	uint64_t old = smp_start_count(cpu);
	int64_t r = psci(fid, cpu_mpidr(cpu), (uint64_t)entry, ctx);

	*started = r == PSCI_SUCCESS &&
		   smp_wait_start(cpu, old, ms_to_ticks(START_WAIT_MS));
	return r;
}

/* Tell a worker to CPU_OFF and wait until AFFINITY_INFO says OFF. A CPU that
 * does not get there is not used again. */
static bool cpu_stop(unsigned int cpu)
{
	static const uint64_t args[5] = { PSCI_FID32(PSCI_CPU_OFF) };
	uint64_t seq = smp_send(cpu, SMP_OP_OFF, args);

	if (smp_wait_done(cpu, seq, ms_to_ticks(OFF_WAIT_MS)) &&
	    wait_aff(cpu, AFF_OFF, ms_to_ticks(OFF_WAIT_MS)) == AFF_OFF)
		return true;
	usable[cpu] = false;
	diag_val("vCPU did not power off; no longer used:", cpu);
	return false;
}

static int first_usable(int after)
{
	unsigned int i;

	for (i = (unsigned int)(after + 1); i < nr_cpus; i++)
		if (usable[i])
			return (int)i;
	return -1;
}

static int last_usable(void)
{
	int i;

	for (i = (int)nr_cpus - 1; i > 0; i--)
		if (usable[i])
			return i;
	return -1;
}

/* A worker ON and idle, started if needed; false if none can be had. */
static bool worker_on(unsigned int cpu)
{
	bool started;

	if (aff_info(cpu) == AFF_ON)
		return true;
	cpu_start(cpu, PSCI_FID64(PSCI_CPU_ON), secondary_entry, cpu, &started);
	if (!started)
		usable[cpu] = false;
	return started;
}

static uint64_t mean(const uint64_t *v, unsigned int n)
{
	uint64_t sum = 0;
	unsigned int i;

	for (i = 0; i < n; i++)
		sum += v[i];
	return sum / n;
}

static uint64_t samples[BENCH_CALLS];

/* ---- basics and discovery ----------------------------------------------------- */

static void check_basics(uint64_t dtb)
{
	uint64_t mpidr = read_sysreg(mpidr_el1);

	bm_check_conduit(dtb);
	expect(psci(PSCI_FID32(PSCI_VERSION), 0, 0, 0), 0x10001, "PSCI_VERSION is 1.1 (0x10001)");
	tap_check((mpidr & MPIDR_AFF_MASK) == 0 && (mpidr & (1ULL << 31)),
		  "boot CPU's MPIDR_EL1 is vCPU 0 in KVM's layout (affinity 0, bit 31 set)");
	expect(psci(PSCI_FID32(PSCI_AFFINITY_INFO), 0, 0, 0), AFF_ON,
	       "AFFINITY_INFO32: the boot CPU is ON");
	expect(aff_info(0), AFF_ON, "AFFINITY_INFO64: the boot CPU is ON");
	ram_known = fdt_memory(dtb, &ram_base, &ram_end) == 0;
	ram_end += ram_base;
	tap_check(ram_known && ram_base == MEMMAP_RAM_BASE,
		  "the device tree's memory node starts at RAM base 0x40000000");
}

/* vCPUs are numbered densely: the first MPIDR AFFINITY_INFO rejects ends them. */
static void discover_cpus(void)
{
	bool all_off = true;
	unsigned int i;

	nr_cpus = smp_count_cpus();
	if (nr_cpus < BM_MAX_CPUS)
		absent_mpidr = cpu_mpidr(nr_cpus);
	for (i = 1; i < nr_cpus; i++)
		all_off &= aff_info(i) == AFF_OFF;
	uart_puts("# vCPUs known to PSCI: ");
	uart_put_dec(nr_cpus);
	uart_putc('\n');
	tap_check(all_off, "AFFINITY_INFO: every secondary vCPU is OFF at boot");
	expect(psci(PSCI_FID64(PSCI_AFFINITY_INFO), absent_mpidr, 0, 0),
	       PSCI_INVALID_PARAMETERS, "AFFINITY_INFO of an MPIDR naming no vCPU is INVALID_PARAMETERS");
}

static bool word_is(const char *word, const char *want)
{
	while (*want && *word == *want)
		word++, want++;
	return *want == 0 && *word == 0;
}

/* ---- benchmarks ---------------------------------------------------------------- */

static void bench_call(const char *name, uint32_t fid)
{
	unsigned int i;

	for (i = 0; i < BENCH_CALLS; i++) {
		uint64_t t0 = timer_now();

		smccc_call(fid, 0, 0, 0);
		samples[i] = timer_now() - t0;
	}
	bench_mean(name, mean(samples, BENCH_CALLS));
	bench(name, median(samples, BENCH_CALLS));
}

static void bench_mmio(void)
{
	const volatile uint8_t *lsr = (const volatile uint8_t *)(uintptr_t)(MEMMAP_UART_BASE + 5);
	unsigned int i;

	for (i = 0; i < BENCH_CALLS; i++) {
		uint64_t t0 = timer_now();

		(void)*lsr;
		samples[i] = timer_now() - t0;
	}
	bench_mean("mmio_read_ticks", mean(samples, BENCH_CALLS));
	bench("mmio_read_ticks", median(samples, BENCH_CALLS));
}

/* One load from each of BENCH_LAZY_PAGES pages in the middle of RAM, far
 * from the image at its start and the device tree at its end: with every
 * page lazy, each load waits for hvmm to populate its page. */
static void bench_lazy_pages(void)
{
	uint64_t first = ram_base + ((ram_end - ram_base) / 2 & ~(uint64_t)0xfff);
	unsigned int i;

	if (!ram_known || ram_end - first < (uint64_t)BENCH_LAZY_PAGES * 4096) {
		diag("bench: lazy_page_ticks skipped: no RAM size from the device tree");
		return;
	}
	for (i = 0; i < BENCH_LAZY_PAGES; i++) {
		const volatile uint64_t *word = (const volatile uint64_t *)(uintptr_t)(first + (uint64_t)i * 4096);
		uint64_t t0 = timer_now();

		(void)*word;
		samples[i] = timer_now() - t0;
	}
	bench_mean("lazy_page_ticks", mean(samples, BENCH_LAZY_PAGES));
	bench("lazy_page_ticks", median(samples, BENCH_LAZY_PAGES));
}

static void run_call_benchmarks(void)
{
	bench("cntfrq", timer_freq());
	bench_call("psci_version_ticks", PSCI_FID32(PSCI_VERSION));
	bench_call("smccc_version_ticks", SMCCC_VERSION_FID);
	bench_mmio();
	if (bench_handler)   /* the key-value store's COUNT: no state changes */
		bench_call("user_handler_ticks", 0xC3000002U);
	if (bench_lazy)
		bench_lazy_pages();
}

/* CPU_ON request to the target's first instruction (its CNTVCT read). */
static void bench_cpu_on(void)
{
	int cpu = first_usable(0);
	unsigned int i, n = 0;

	if (cpu < 0) {
		diag("bench: cpu_on_latency_ticks skipped: no usable secondary");
		return;
	}
	for (i = 0; i < BENCH_CPU_ON; i++) {
		uint64_t old = smp_start_count((unsigned int)cpu);
		uint64_t t0 = timer_now();
		struct smp_start st;

		if (psci(PSCI_FID64(PSCI_CPU_ON), cpu_mpidr((unsigned int)cpu),
			 (uint64_t)secondary_entry, i) != PSCI_SUCCESS ||
		    !smp_wait_start((unsigned int)cpu, old, ms_to_ticks(START_WAIT_MS)))
			break;
		smp_read_start((unsigned int)cpu, &st);
		samples[n++] = st.t_first - t0;
		if (!cpu_stop((unsigned int)cpu))
			break;
	}
	if (n == 0) {
		diag("bench: cpu_on_latency_ticks failed");
		return;
	}
	bench_mean("cpu_on_latency_ticks", mean(samples, n));
	bench("cpu_on_latency_ticks", median(samples, n));
}

/* ---- function IDs and PSCI_FEATURES --------------------------------------- */

/*
 * Arguments with which an implemented function can be called here without
 * side effects (an error result or a harmless query). false for the ones
 * that power something off or suspend: the SMP tests call those.
 */
static bool harmless_args(unsigned int fn, uint64_t a[3])
{
	a[0] = a[1] = a[2] = 0;
	switch (fn) {
	case PSCI_VERSION:
	case PSCI_MIGRATE_INFO_TYPE:
	case PSCI_AFFINITY_INFO:       /* the boot CPU, level 0 */
	case PSCI_NODE_HW_STATE:
	case PSCI_SET_SUSPEND_MODE:    /* platform-coordinated, the default */
		return true;
	case PSCI_FEATURES:
		a[0] = PSCI_FID32(PSCI_VERSION);
		return true;
	case PSCI_CPU_SUSPEND:         /* a power_state no format knows */
		a[0] = 0x7;
		a[1] = (uint64_t)boot_unexpected_entry;
		return true;
	case PSCI_CPU_ON:              /* MPIDR bit 24 is outside Aff0-Aff3 */
		a[0] = 1ULL << 24;
		a[1] = (uint64_t)secondary_entry;
		return true;
	case PSCI_STAT_RESIDENCY:
	case PSCI_STAT_COUNT:
		a[1] = 1;                  /* standby in both formats */
		return true;
	case PSCI_SYSTEM_RESET2:       /* architectural type 1 does not exist */
		a[0] = 1;
		return true;
	default:
		return false;
	}
}

static void check_feature(uint32_t fid, bool impl)
{
	int64_t f = psci(PSCI_FID32(PSCI_FEATURES), fid, 0, 0);

	nb_fid("PSCI_FEATURES: ", fid);
	if ((fid & 0x1f) == PSCI_CPU_SUSPEND) {
		nb_str(" reports OSI support and a power_state format");
		tap_check(f == 1 || f == 3, nb());
		if (f == 1 || f == 3)
			ext_format = f == 3;
		return;
	}
	nb_str(impl ? " is 0 (implemented)" : " is NOT_SUPPORTED");
	expect(f, impl ? 0 : PSCI_NOT_SUPPORTED, nb());
}

static void check_call(uint32_t fid, bool impl)
{
	unsigned int fn = fid & 0x1f;
	uint64_t a[3];
	int64_t r;

	if (!impl) {
		nb_fid("calling ", fid);
		nb_str(" answers NOT_SUPPORTED");
		expect(guarded_call(fid, 0, 0, 0), PSCI_NOT_SUPPORTED, nb());
		return;
	}
	if (!harmless_args(fn, a))
		return;
	r = guarded_call(fid, a[0], a[1], a[2]);
	nb_fid("calling ", fid);
	nb_str(" is served (not NOT_SUPPORTED)");
	if (!tap_check(r != PSCI_NOT_SUPPORTED, nb()))
		diag_val("  got", r);
}

static void check_function_ids(void)
{
	unsigned int fn, w;
	int64_t f32, f64;

	for (w = 0; w < 2; w++)
		for (fn = 0; fn < PSCI_FN_COUNT; fn++)
			check_feature(fid_of(fn, w), fn_impl[fn] & (w ? IMPL64 : IMPL32));
	for (w = 0; w < 2; w++)
		for (fn = 0; fn < PSCI_FN_COUNT; fn++)
			check_call(fid_of(fn, w), fn_impl[fn] & (w ? IMPL64 : IMPL32));

	f32 = psci(PSCI_FID32(PSCI_FEATURES), PSCI_FID32(PSCI_CPU_SUSPEND), 0, 0);
	f64 = psci(PSCI_FID32(PSCI_FEATURES), PSCI_FID64(PSCI_CPU_SUSPEND), 0, 0);
	expect(f64, f32, "PSCI_FEATURES: CPU_SUSPEND32 and CPU_SUSPEND64 report the same flags");
	diag(ext_format ? "power_state format: extended" : "power_state format: original");
	ps_standby = 0x00000001;
	ps_powerdown = ext_format ? 0x40000002 : 0x00010002;

	expect(psci(PSCI_FID32(PSCI_FEATURES), SMCCC_VERSION_FID, 0, 0), 0,
	       "PSCI_FEATURES(SMCCC_VERSION) is 0");
	expect(psci(PSCI_FID32(PSCI_FEATURES), 0x84000020, 0, 0), PSCI_NOT_SUPPORTED,
	       "PSCI_FEATURES of a function ID past the PSCI range is NOT_SUPPORTED");
	expect(psci(PSCI_FID32(PSCI_FEATURES), JUNK_HIGH | PSCI_FID32(PSCI_CPU_ON), 0, 0), 0,
	       "PSCI_FEATURES (32-bit) ignores the high half of its argument");
	tap_check(smccc_call(PSCI_FID32(PSCI_MIGRATE), 0, 0, 0) == (uint64_t)-1,
		  "a 32-bit call's NOT_SUPPORTED is sign-extended to 64 bits in x0");
	expect(psci(PSCI_FID32(PSCI_MIGRATE_INFO_TYPE), 0, 0, 0), 2,
	       "MIGRATE_INFO_TYPE is 2 (no Trusted OS)");
}

/* hvmm writes results to x0 only (docs/psci.md): x1-x17 come back intact. */
static void check_registers_preserved(const char *what, uint32_t fid, uint64_t a1,
				      uint64_t a2, uint64_t a3)
{
	static uint64_t regs[18] __attribute__((aligned(16)));
	uint64_t in[18];
	unsigned int i, bad = 0;

	in[0] = fid;
	in[1] = a1;
	in[2] = a2;
	in[3] = a3;
	for (i = 4; i < 18; i++)
		in[i] = 0x5a5a000000000000ULL | (uint64_t)i << 32 | i;
	for (i = 0; i < 18; i++)
		regs[i] = in[i];
	smccc_call_regs(regs);
	for (i = 1; i < 18; i++)
		if (regs[i] != in[i])
			bad |= 1U << i;
	tap_check(!bad, what);
	if (bad)
		diag_val("  registers changed (bit mask):", bad);
}

/* ---- CPU_ON: bring-up, entry and context, error paths ----------------------- */

static void check_start_state(unsigned int cpu, const struct smp_start *st,
			      const char *entry, uint64_t ctx, const char *how)
{
	nb_start(how);
	nb_str(": vCPU ");
	nb_dec(cpu);
	nb_str(" starts at the requested entry point");
	tap_check(st->entry == (uint64_t)entry, nb());

	nb_start(how);
	nb_str(": vCPU ");
	nb_dec(cpu);
	nb_str(" gets x0 = context_id ");
	nb_hex(ctx);
	if (!tap_check(st->ctx == ctx, nb())) {
		uart_puts("#   got ");
		uart_put_hex(st->ctx);
		uart_putc('\n');
	}

	nb_start(how);
	nb_str(": vCPU ");
	nb_dec(cpu);
	nb_str(" starts in EL1h, DAIF masked, MMU off, little-endian");
	if (!tap_check(st->el == 4 && st->spsel == 1 && (st->daif & 0x3c0) == 0x3c0 &&
		       !(st->sctlr & 1) && !(st->sctlr & (1ULL << 25)), nb())) {
		uart_puts("#   CurrentEL ");
		uart_put_hex(st->el);
		uart_puts(" SPSel ");
		uart_put_hex(st->spsel);
		uart_puts(" DAIF ");
		uart_put_hex(st->daif);
		uart_puts(" SCTLR_EL1 ");
		uart_put_hex(st->sctlr);
		uart_putc('\n');
	}
}

/* A distinct 64-bit context_id per CPU, with the high bits set. */
static uint64_t boot_ctx(unsigned int cpu)
{
	return 0xfedcba9876500000ULL | (uint64_t)cpu << 8 | 0x5a;
}

static void bring_up_one(unsigned int cpu)
{
	const char *entry = cpu & 1 ? secondary_entry : secondary_entry_alt;
	struct smp_start st;
	bool started;
	int64_t r = cpu_start(cpu, PSCI_FID64(PSCI_CPU_ON), entry, boot_ctx(cpu), &started);

	if (r == PSCI_DENIED) {
		nb_start("CPU_ON64 to vCPU ");
		nb_dec(cpu);
		nb_str(", present but disabled, is DENIED");
		tap_check(1, nb());
		expect(psci(PSCI_FID32(PSCI_CPU_ON), cpu_mpidr(cpu), (uint64_t)entry, 0),
		       PSCI_DENIED, "CPU_ON32 to the disabled vCPU is DENIED too");
		if (disabled_cpu < 0) {
			disabled_cpu = (int)cpu;
			/* The test harness enables the vCPU when it sees this. */
			uart_puts("bm: waiting for cpu ");
			uart_put_dec(cpu);
			uart_putc('\n');
		}
		return;
	}
	nb_start("CPU_ON64 to vCPU ");
	nb_dec(cpu);
	nb_str(" succeeds and the vCPU runs");
	if (!tap_check(r == PSCI_SUCCESS && started, nb())) {
		diag_val("  CPU_ON returned", r);
		return;
	}
	smp_read_start(cpu, &st);
	check_start_state(cpu, &st, entry, boot_ctx(cpu), "CPU_ON64");
	nb_start("vCPU ");
	nb_dec(cpu);
	nb_str("'s MPIDR_EL1 has KVM's layout (Aff0 = i & 15, Aff1 = i >> 4)");
	tap_check((st.mpidr & MPIDR_AFF_MASK) == cpu_mpidr(cpu), nb());
	usable[cpu] = true;
}

static void check_bring_up(void)
{
	unsigned int i;
	int any = -1;

	for (i = 1; i < nr_cpus; i++)
		bring_up_one(i);
	if (disabled_cpu < 0) {
		tap_skip("CPU_ON to a disabled vCPU is DENIED", "no disabled vCPU (run with --max-cpus)");
	}
	for (i = 1; i < nr_cpus; i++) {
		if (!usable[i])
			continue;
		nb_start("AFFINITY_INFO: running vCPU ");
		nb_dec(i);
		nb_str(" is ON");
		expect(aff_info(i), AFF_ON, nb());
		any = (int)i;
	}
	if (any < 0)
		return;
	expect(psci(PSCI_FID64(PSCI_CPU_ON), cpu_mpidr((unsigned int)any),
		    (uint64_t)secondary_entry, 0), PSCI_ALREADY_ON,
	       "CPU_ON64 to a running secondary is ALREADY_ON");
	expect(psci(PSCI_FID32(PSCI_CPU_ON), cpu_mpidr((unsigned int)any),
		    (uint64_t)secondary_entry, 0), PSCI_ALREADY_ON,
	       "CPU_ON32 to a running secondary is ALREADY_ON");
	expect(hw_state((unsigned int)any), HW_ON, "NODE_HW_STATE64 of a running secondary is ON");
	expect(psci(PSCI_FID32(PSCI_SYSTEM_SUSPEND), (uint64_t)boot_unexpected_entry, 0, 0),
	       PSCI_DENIED, "SYSTEM_SUSPEND32 while another CPU is on is DENIED");
	expect(psci(PSCI_FID64(PSCI_SYSTEM_SUSPEND), (uint64_t)boot_unexpected_entry, 0, 0),
	       PSCI_DENIED, "SYSTEM_SUSPEND64 while another CPU is on is DENIED");

	for (i = 1; i < nr_cpus; i++) {
		int64_t off_ret;

		if (!usable[i])
			continue;
		nb_start("CPU_OFF: vCPU ");
		nb_dec(i);
		nb_str(" powers off (AFFINITY_INFO reaches OFF) and the call does not return");
		tap_check(cpu_stop(i) && !smp_off_returned(i, &off_ret), nb());
	}
	if (any >= 0 && usable[any])
		expect(hw_state((unsigned int)any), HW_OFF, "NODE_HW_STATE64 of an off secondary is OFF");
}

static void check_cpu_on_errors_for(uint32_t fid, unsigned int target)
{
	bool is64 = fid & 0x40000000;
	uint64_t mpidr = cpu_mpidr(target);
	uint64_t entry = (uint64_t)secondary_entry;
	const char *w = is64 ? "CPU_ON64: " : "CPU_ON32: ";

	nb_start(w);
	nb_str("MPIDR bit 24 (outside Aff0-Aff3) is INVALID_PARAMETERS");
	expect(psci(fid, mpidr | 1ULL << 24, entry, 0), PSCI_INVALID_PARAMETERS, nb());
	nb_start(w);
	nb_str("MPIDR bit 31 (not an affinity bit) is INVALID_PARAMETERS");
	expect(psci(fid, mpidr | 1ULL << 31, entry, 0), PSCI_INVALID_PARAMETERS, nb());
	nb_start(w);
	nb_str("an MPIDR naming no vCPU is INVALID_PARAMETERS");
	expect(psci(fid, absent_mpidr, entry, 0), PSCI_INVALID_PARAMETERS, nb());
	nb_start(w);
	nb_str("entry 0 is INVALID_ADDRESS");
	expect(psci(fid, mpidr, 0, 0), PSCI_INVALID_ADDRESS, nb());
	nb_start(w);
	nb_str("entry just below RAM is INVALID_ADDRESS");
	expect(psci(fid, mpidr, MEMMAP_RAM_BASE - 4, 0), PSCI_INVALID_ADDRESS, nb());
	nb_start(w);
	nb_str("entry at the end of RAM is INVALID_ADDRESS");
	if (ram_known)
		expect(psci(fid, mpidr, ram_end, 0), PSCI_INVALID_ADDRESS, nb());
	else
		tap_skip(nb(), "RAM size unknown");
	nb_start(w);
	nb_str("the calling CPU itself is ALREADY_ON");
	expect(psci(fid, 0, entry, 0), PSCI_ALREADY_ON, nb());
	if (!is64)
		return;
	expect(psci(fid, mpidr | 1ULL << 40, entry, 0), PSCI_INVALID_PARAMETERS,
	       "CPU_ON64: MPIDR bit 40 (above Aff3) is INVALID_PARAMETERS");
	expect(psci(fid, mpidr | 1ULL << 32, entry, 0), PSCI_INVALID_PARAMETERS,
	       "CPU_ON64: Aff3 = 1 names no vCPU: INVALID_PARAMETERS");
	expect(psci(fid, mpidr, 1ULL << 40, 0), PSCI_INVALID_ADDRESS,
	       "CPU_ON64: entry far above RAM is INVALID_ADDRESS");
	expect(psci(fid, mpidr, JUNK_HIGH | entry, 0), PSCI_INVALID_ADDRESS,
	       "CPU_ON64: the entry's high half counts (INVALID_ADDRESS)");
}

static void check_cpu_on_errors(void)
{
	int t = first_usable(0);

	if (t < 0) {
		tap_skip("CPU_ON error paths", "no usable secondary vCPU");
		return;
	}
	check_cpu_on_errors_for(PSCI_FID32(PSCI_CPU_ON), (unsigned int)t);
	check_cpu_on_errors_for(PSCI_FID64(PSCI_CPU_ON), (unsigned int)t);
	expect(aff_info((unsigned int)t), AFF_OFF, "no rejected CPU_ON started the target");
}

/* 32-bit CPU_ON: only the low halves of MPIDR, entry and context_id count. */
static void check_cpu_on32_high_halves(void)
{
	int t = first_usable(0);
	uint64_t ctx = 0x123456789abcdef0ULL;
	struct smp_start st;
	uint64_t old;
	int64_t r;

	if (t < 0) {
		tap_skip("CPU_ON32 ignores the high halves", "no usable secondary vCPU");
		return;
	}
	old = smp_start_count((unsigned int)t);
	r = psci(PSCI_FID32(PSCI_CPU_ON), JUNK_HIGH | cpu_mpidr((unsigned int)t),
		 JUNK_HIGH | (uint64_t)secondary_entry_alt, ctx);
	expect(r, PSCI_SUCCESS, "CPU_ON32 with junk in the high halves of MPIDR, entry, context_id succeeds");
	if (r != PSCI_SUCCESS || !smp_wait_start((unsigned int)t, old, ms_to_ticks(START_WAIT_MS))) {
		tap_check(0, "CPU_ON32 (high halves): the target started");
		return;
	}
	smp_read_start((unsigned int)t, &st);
	check_start_state((unsigned int)t, &st, secondary_entry_alt, (uint32_t)ctx,
			  "CPU_ON32 (high halves)");
	cpu_stop((unsigned int)t);
}

/* ---- AFFINITY_INFO ----------------------------------------------------------------- */

/* The boot CPU (MPIDR affinity 0) is ON, so every level containing it is. */
static void check_affinity_levels(void)
{
	const uint64_t me = 0;

	expect(psci(PSCI_FID64(PSCI_AFFINITY_INFO), me | 0xff, 1, 0), AFF_ON,
	       "AFFINITY_INFO level 1 ignores Aff0 (cluster 0 is ON)");
	expect(psci(PSCI_FID64(PSCI_AFFINITY_INFO), me | 0xffff, 2, 0), AFF_ON,
	       "AFFINITY_INFO level 2 ignores Aff0-Aff1");
	expect(psci(PSCI_FID64(PSCI_AFFINITY_INFO), me | 0xffffff, 3, 0), AFF_ON,
	       "AFFINITY_INFO level 3 ignores Aff0-Aff2");
	expect(psci(PSCI_FID64(PSCI_AFFINITY_INFO), me | 0xff, 0, 0), PSCI_INVALID_PARAMETERS,
	       "AFFINITY_INFO level 0 with Aff0 = 255 (no such vCPU) is INVALID_PARAMETERS");
	expect(psci(PSCI_FID64(PSCI_AFFINITY_INFO), 0x7f00, 1, 0), PSCI_INVALID_PARAMETERS,
	       "AFFINITY_INFO level 1 of an empty cluster (Aff1 = 127) is INVALID_PARAMETERS");
	expect(psci(PSCI_FID64(PSCI_AFFINITY_INFO), me, 4, 0), PSCI_INVALID_PARAMETERS,
	       "AFFINITY_INFO level 4 is INVALID_PARAMETERS");
	expect(psci(PSCI_FID32(PSCI_AFFINITY_INFO), JUNK_HIGH | me, JUNK_HIGH, 0), AFF_ON,
	       "AFFINITY_INFO32 ignores the high halves of affinity and level");
}

struct pending_tally {
	unsigned int rounds, bad_before, bad_on, bad_first, bad_second, bad_order;
	unsigned int bad_off, bad_ctx, aff_pending, on_pending;
};

/* One OFF -> ON_PENDING -> ON -> OFF cycle of vCPU t, as AFFINITY_INFO sees it. */
static bool pending_round(unsigned int t, unsigned int round, struct pending_tally *k)
{
	uint64_t ctx1 = 0x8000000000000000ULL | round, ctx2 = 0x4000000000000000ULL | round;
	uint64_t old = smp_start_count(t), end;
	struct smp_start st;
	int64_t r1, r2, a;

	k->rounds++;
	k->bad_before += aff_info(t) != AFF_OFF;
	/* The pending window is short: each probe goes first in every other round. */
	r1 = psci(PSCI_FID64(PSCI_CPU_ON), cpu_mpidr(t), (uint64_t)secondary_entry, ctx1);
	if (round & 1) {
		a = aff_info(t);
		r2 = psci(PSCI_FID64(PSCI_CPU_ON), cpu_mpidr(t), (uint64_t)secondary_entry, ctx2);
	} else {
		r2 = psci(PSCI_FID64(PSCI_CPU_ON), cpu_mpidr(t), (uint64_t)secondary_entry, ctx2);
		a = aff_info(t);
	}
	if (r1 != PSCI_SUCCESS) {
		k->bad_on++;
		return false;
	}
	k->aff_pending += a == AFF_ON_PENDING;
	k->bad_first += a != AFF_ON_PENDING && a != AFF_ON;
	k->on_pending += r2 == PSCI_ON_PENDING;
	k->bad_second += r2 != PSCI_ON_PENDING && r2 != PSCI_ALREADY_ON;

	/* ON_PENDING may only be followed by ON. */
	end = timer_now() + ms_to_ticks(START_WAIT_MS);
	while (a == AFF_ON_PENDING && timer_now() < end)
		a = aff_info(t);
	k->bad_order += a != AFF_ON;
	if (!smp_wait_start(t, old, ms_to_ticks(START_WAIT_MS)))
		return false;
	smp_read_start(t, &st);
	k->bad_ctx += st.ctx != ctx1;
	k->bad_order += aff_info(t) != AFF_ON;

	/* After CPU_OFF: ON until it is really off, then OFF; never ON_PENDING. */
	smp_send(t, SMP_OP_OFF, (const uint64_t[5]){ PSCI_FID32(PSCI_CPU_OFF) });
	end = timer_now() + ms_to_ticks(OFF_WAIT_MS);
	do {
		a = aff_info(t);
		k->bad_off += a == AFF_ON_PENDING;
	} while (a != AFF_OFF && timer_now() < end);
	k->bad_off += a != AFF_OFF;
	return a == AFF_OFF;
}

static void check_affinity_lifecycle(void)
{
	struct pending_tally k = { 0 };
	int t = first_usable(0);
	unsigned int round;

	if (t < 0) {
		tap_skip("AFFINITY_INFO through OFF, ON_PENDING, ON, OFF", "no usable secondary vCPU");
		return;
	}
	for (round = 1; round <= PENDING_ROUNDS; round++) {
		if (!pending_round((unsigned int)t, round, &k)) {
			usable[t] = false;
			break;
		}
		if (round >= 3 && k.aff_pending && (k.on_pending || !race_on_pending))
			break;
	}
	nb_start("AFFINITY_INFO lifecycle: rounds run ");
	nb_dec(k.rounds);
	diag(nb());
	tap_check(!k.bad_before, "AFFINITY_INFO is OFF before each CPU_ON");
	tap_check(!k.bad_on, "CPU_ON to an OFF vCPU succeeds every round");
	tap_check(!k.bad_first, "AFFINITY_INFO right after CPU_ON is ON_PENDING or ON");
	nb_start("AFFINITY_INFO reported ON_PENDING while the target was starting (");
	nb_dec(k.aff_pending);
	nb_str(" of ");
	nb_dec(k.rounds);
	nb_str(" rounds)");
	tap_check(k.aff_pending > 0, nb());
	tap_check(!k.bad_second, "a second CPU_ON while the target starts is ON_PENDING or ALREADY_ON");
	nb_start("a second CPU_ON answered ON_PENDING before the target ran (");
	nb_dec(k.on_pending);
	nb_str(" of ");
	nb_dec(k.rounds);
	nb_str(" rounds)");
	/* hvmm answers ALREADY_ON by default, as KVM does; ON_PENDING only
	 * with --psci-on-pending (bm.race=on_pending). */
	if (race_on_pending)
		tap_check(k.on_pending > 0, nb());
	else
		tap_check(k.on_pending == 0, nb());
	tap_check(!k.bad_order, "AFFINITY_INFO goes ON_PENDING -> ON, and is ON once the target runs");
	tap_check(!k.bad_ctx, "the target got the first (accepted) CPU_ON's context_id, not the rejected one's");
	tap_check(!k.bad_off, "after CPU_OFF AFFINITY_INFO goes from ON to OFF, never ON_PENDING");
}

/* ---- CPU_ON races --------------------------------------------------------------------- */

static uint64_t race_ctx(unsigned int round, unsigned int racer)
{
	return 0xc0de000000000000ULL | (uint64_t)round << 16 | racer;
}

static const char *race_entry(unsigned int racer)
{
	return racer & 1 ? secondary_entry_alt : secondary_entry;
}

struct race_tally {
	unsigned int rounds, bad_success, bad_loser, bad_start, already_on, on_pending;
};

static bool race_round(unsigned int t, unsigned int round, struct race_tally *k)
{
	static uint64_t go;
	uint64_t seq[BM_MAX_CPUS] = { 0 }, old = smp_start_count(t);
	int64_t ret[BM_MAX_CPUS];
	unsigned int r, successes = 0;
	int winner = -1;
	struct smp_start st;

	go++;
	for (r = 1; r < nr_cpus; r++) {
		uint64_t args[5] = { PSCI_FID64(PSCI_CPU_ON), cpu_mpidr(t),
				     (uint64_t)race_entry(r), race_ctx(round, r), go };

		if (r != t && usable[r])
			seq[r] = smp_send(r, SMP_OP_RACE, args);
	}
	for (r = 1; r < nr_cpus; r++)
		if (seq[r] && !smp_wait_ready(r, seq[r], ms_to_ticks(START_WAIT_MS)))
			return false;
	store64(&smp_race_go, go);
	dsb();
	sev();
	ret[0] = psci(PSCI_FID64(PSCI_CPU_ON), cpu_mpidr(t), (uint64_t)race_entry(0),
		      race_ctx(round, 0));
	for (r = 1; r < nr_cpus; r++) {
		ret[r] = 1;   /* not a racer */
		if (!seq[r])
			continue;
		if (!smp_wait_done(r, seq[r], ms_to_ticks(START_WAIT_MS)))
			return false;
		ret[r] = (int64_t)smp_result(r, 0);
	}
	for (r = 0; r < nr_cpus; r++) {
		if (ret[r] == 1)
			continue;
		if (ret[r] == PSCI_SUCCESS) {
			successes++;
			winner = (int)r;
		} else if (ret[r] == PSCI_ALREADY_ON) {
			k->already_on++;
		} else if (ret[r] == PSCI_ON_PENDING) {
			k->on_pending++;
		} else {
			k->bad_loser++;
		}
	}
	k->rounds++;
	k->bad_success += successes != 1;
	if (winner < 0)
		return wait_aff(t, AFF_OFF, 0) == AFF_OFF;
	if (!smp_wait_start(t, old, ms_to_ticks(START_WAIT_MS))) {
		k->bad_start++;
		return false;
	}
	delay_ticks(ms_to_ticks(2));
	smp_read_start(t, &st);
	k->bad_start += st.count != old + 1 || st.ctx != race_ctx(round, (unsigned int)winner) ||
			st.entry != (uint64_t)race_entry((unsigned int)winner);
	return cpu_stop(t);
}

static void check_cpu_on_race(void)
{
	struct race_tally k = { 0 };
	int t = last_usable();
	unsigned int round, racers = 1, i;

	for (i = 1; i < nr_cpus; i++)
		racers += usable[i] && (int)i != t;
	if (t < 0 || racers < 2) {
		tap_skip("CPU_ON race from all vCPUs", "needs at least 3 usable vCPUs");
		return;
	}
	for (i = 1; i < nr_cpus; i++)
		if (usable[i] && (int)i != t && !worker_on(i))
			racers--;
	for (round = 1; round <= race_rounds; round++)
		if (!race_round((unsigned int)t, round, &k))
			break;
	nb_start("CPU_ON race: ");
	nb_dec(racers);
	nb_str(" racers, ");
	nb_dec(k.rounds);
	nb_str(" rounds, losers saw ALREADY_ON ");
	nb_dec(k.already_on);
	nb_str(" times, ON_PENDING ");
	nb_dec(k.on_pending);
	diag(nb());
	tap_check(k.rounds == race_rounds, "CPU_ON race: every round completed");
	tap_check(k.rounds && !k.bad_success, "CPU_ON race: exactly one SUCCESS in every round");
	if (race_on_pending)
		tap_check(k.rounds && !k.bad_loser,
			  "CPU_ON race (--psci-on-pending): every loser answered ALREADY_ON or ON_PENDING");
	else
		tap_check(k.rounds && !k.bad_loser && !k.on_pending,
			  "CPU_ON race: every loser answered ALREADY_ON, as KVM answers");
	tap_check(k.rounds && !k.bad_start,
		  "CPU_ON race: the target started once per round, with the winner's entry and context_id");
	for (i = 1; i < nr_cpus; i++)
		if (usable[i] && (int)i != t)
			cpu_stop(i);
}

/* ---- CPU_SUSPEND on the boot CPU ----------------------------------------------------- */

/* Standby, woken by the virtual timer with PSTATE.I set: returns SUCCESS. */
static bool boot_standby(uint32_t fid, uint64_t ps, const char *how)
{
	uint64_t period = ms_to_ticks(BOOT_SUSPEND_MS), t0, t1;
	uint32_t intid;
	int64_t r;

	gic_drain();
	t0 = timer_now();
	timer_arm(period);
	r = psci(fid, ps, (uint64_t)boot_unexpected_entry, 0x0bad);
	t1 = timer_now();
	intid = timer_settle();

	nb_start(how);
	nb_str(": standby returns SUCCESS");
	expect(r, PSCI_SUCCESS, nb());
	nb_start(how);
	nb_str(": returns only after the timer period (");
	nb_dec(t1 - t0);
	nb_str(" >= ");
	nb_dec(period);
	nb_str(" ticks)");
	tap_check(t1 - t0 >= period, nb());
	nb_start(how);
	nb_str(": the pending wake-up is the virtual timer PPI (INTID 27)");
	if (!tap_check(intid == GIC_INTID_VTIMER, nb()))
		diag_val("  INTID", intid);
	return r == PSCI_SUCCESS;
}

static void check_invalid_power_states(void)
{
	static const uint32_t ext_bad[] = {
		0x00000000, 0x00000002, 0x40000001, 0x00010002, 0x40000003, 0x80000001,
	};
	static const uint32_t orig_bad[] = {
		0x00000000, 0x00000002, 0x00010001, 0x40000002, 0x01000001, 0x00010003,
	};
	const uint32_t *bad = ext_format ? ext_bad : orig_bad;
	unsigned int i, w;

	for (w = 0; w < 2; w++)
		for (i = 0; i < 6; i++) {
			nb_start(w ? "CPU_SUSPEND64" : "CPU_SUSPEND32");
			nb_str(": power_state ");
			nb_hex(bad[i]);
			nb_str(" is INVALID_PARAMETERS");
			expect(guarded_call(fid_of(PSCI_CPU_SUSPEND, w), bad[i],
					    (uint64_t)boot_unexpected_entry, 0),
			       PSCI_INVALID_PARAMETERS, nb());
		}
}

static void check_boot_suspend(void)
{
	int64_t c0 = stat_count(0, ps_standby), r0 = stat_residency(0, ps_standby);
	int64_t c1, r1;
	unsigned int done = 0;

	done += boot_standby(PSCI_FID32(PSCI_CPU_SUSPEND), ps_standby, "CPU_SUSPEND32");
	done += boot_standby(PSCI_FID64(PSCI_CPU_SUSPEND), ps_standby, "CPU_SUSPEND64");
	done += boot_standby(PSCI_FID32(PSCI_CPU_SUSPEND), JUNK_HIGH | ps_standby,
			     "CPU_SUSPEND32 (junk in the high half of power_state)");
	c1 = stat_count(0, ps_standby);
	r1 = stat_residency(0, ps_standby);
	nb_start("STAT_COUNT(boot CPU, standby) grew by the ");
	nb_dec(done);
	nb_str(" completed standby suspends");
	if (!tap_check(c0 >= 0 && c1 - c0 == (int64_t)done, nb())) {
		diag_val("  from", c0);
		diag_val("  to", c1);
	}
	nb_start("STAT_RESIDENCY(boot CPU, standby) did not decrease (");
	nb_dec((uint64_t)r0);
	nb_str(" -> ");
	nb_dec((uint64_t)r1);
	nb_str(")");
	tap_check(r0 >= 0 && r1 >= r0, nb());
	tap_check(c1 >= 0 && psci(PSCI_FID32(PSCI_STAT_COUNT), JUNK_HIGH,
				  JUNK_HIGH | ps_standby, 0) == c1,
		  "STAT_COUNT32 ignores the high halves of MPIDR and power_state");
	expect(stat_count(0, ps_powerdown), 0, "STAT_COUNT(boot CPU, power-down) is 0 (never entered)");
	check_invalid_power_states();
}

static void check_stat_errors(void)
{
	expect(psci(PSCI_FID64(PSCI_STAT_COUNT), absent_mpidr, ps_standby, 0), 0,
	       "STAT_COUNT of an MPIDR naming no vCPU is 0");
	expect(psci(PSCI_FID64(PSCI_STAT_COUNT), 0, 0x7, 0), 0,
	       "STAT_COUNT of an invalid power_state is 0");
	expect(psci(PSCI_FID64(PSCI_STAT_RESIDENCY), absent_mpidr, ps_standby, 0), 0,
	       "STAT_RESIDENCY of an MPIDR naming no vCPU is 0");
	expect(psci(PSCI_FID64(PSCI_STAT_RESIDENCY), 0, 0x7, 0), 0,
	       "STAT_RESIDENCY of an invalid power_state is 0");
}

/* ---- suspends on a secondary ---------------------------------------------------------- */

/* Post a suspend to worker t and poll its NODE_HW_STATE until it leaves ON. */
static uint64_t post_suspend(unsigned int t, const uint64_t args[5], int64_t *hw, int64_t *aff)
{
	uint64_t seq = smp_send(t, SMP_OP_SUSPEND, args);
	uint64_t end = timer_now() + args[4];

	do {
		*hw = hw_state(t);
	} while (*hw == HW_ON && timer_now() < end);
	*aff = aff_info(t);
	return seq;
}

static void check_secondary_standby(unsigned int t)
{
	uint64_t period = ms_to_ticks(SEC_SUSPEND_MS);
	uint64_t args[5] = { PSCI_FID64(PSCI_CPU_SUSPEND), ps_standby,
			     (uint64_t)secondary_resume, 0, period };
	int64_t c0 = stat_count(t, ps_standby), hw, aff, mode;
	uint64_t seq = post_suspend(t, args, &hw, &aff);

	mode = psci(PSCI_FID32(PSCI_SET_SUSPEND_MODE), 1, 0, 0);
	expect(hw, HW_STANDBY, "NODE_HW_STATE of a secondary in standby is STANDBY");
	expect(aff, AFF_ON, "AFFINITY_INFO of a suspended secondary is ON");
	expect(mode, PSCI_DENIED, "SET_SUSPEND_MODE(OS-initiated) while another CPU is suspended is DENIED");
	if (mode == PSCI_SUCCESS)
		psci(PSCI_FID32(PSCI_SET_SUSPEND_MODE), 0, 0, 0);
	if (!tap_check(smp_wait_done(t, seq, ms_to_ticks(START_WAIT_MS) + period),
		       "secondary CPU_SUSPEND64 standby returns")) {
		usable[t] = false;
		return;
	}
	expect((int64_t)smp_result(t, 0), PSCI_SUCCESS, "secondary standby returns SUCCESS");
	tap_check(smp_result(t, 2) - smp_result(t, 1) >= period,
		  "secondary standby lasts at least the timer period");
	expect((int64_t)smp_result(t, 3), GIC_INTID_VTIMER,
	       "secondary standby was woken by the virtual timer PPI");
	tap_check(c0 >= 0 && stat_count(t, ps_standby) == c0 + 1,
		  "STAT_COUNT(secondary, standby) grew by 1");
}

/* Power-down (CPU_SUSPEND or CPU_DEFAULT_SUSPEND): resumes at the entry point. */
static bool check_powerdown(unsigned int t, uint32_t fid, const char *how, uint64_t ctx,
			    uint64_t want_ctx, bool junk)
{
	uint64_t period = ms_to_ticks(SEC_SUSPEND_MS);
	uint64_t entry = (uint64_t)secondary_resume | (junk ? JUNK_HIGH : 0);
	bool dflt = (fid & 0x1f) == PSCI_CPU_DEFAULT_SUSPEND;
	uint64_t args[5] = { fid, ps_powerdown, entry, ctx, period };
	uint64_t old = smp_start_count(t), seq;
	int64_t hw, aff;
	struct smp_start st;
	bool resumed;

	if (dflt) {
		args[1] = entry;
		args[2] = ctx;
		args[3] = 0;
	}
	seq = post_suspend(t, args, &hw, &aff);
	nb_start(how);
	nb_str(": NODE_HW_STATE while powered down is OFF");
	expect(hw, HW_OFF, nb());
	nb_start(how);
	nb_str(": AFFINITY_INFO while suspended is ON");
	expect(aff, AFF_ON, nb());
	resumed = smp_wait_done(t, seq, ms_to_ticks(START_WAIT_MS) + period) &&
		  smp_start_count(t) != old;
	nb_start(how);
	nb_str(": the CPU resumes through the entry point after the timer interrupt");
	if (!tap_check(resumed, nb())) {
		if (smp_wait_done(t, seq, 0))
			diag_val("  instead the call returned", (int64_t)smp_result(t, 0));
		else
			usable[t] = false;
		return false;
	}
	smp_read_start(t, &st);
	check_start_state(t, &st, secondary_resume, want_ctx, how);
	nb_start(how);
	nb_str(": resumed no earlier than the timer period");
	tap_check(st.t_first - smp_result(t, 1) >= period, nb());
	return true;
}

static void check_secondary_suspends(void)
{
	int t = first_usable(0);
	int64_t c0, c1, r0, r1;
	unsigned int n = 0;

	if (t < 0 || !worker_on((unsigned int)t)) {
		tap_skip("CPU_SUSPEND and CPU_DEFAULT_SUSPEND on a secondary", "no usable secondary vCPU");
		return;
	}
	check_secondary_standby((unsigned int)t);
	if (!usable[t])
		return;
	c0 = stat_count((unsigned int)t, ps_powerdown);
	r0 = stat_residency((unsigned int)t, ps_powerdown);
	n += check_powerdown((unsigned int)t, PSCI_FID64(PSCI_CPU_SUSPEND), "CPU_SUSPEND64 power-down",
			     0xfeed00000000beefULL, 0xfeed00000000beefULL, false);
	n += check_powerdown((unsigned int)t, PSCI_FID32(PSCI_CPU_SUSPEND),
			     "CPU_SUSPEND32 power-down (junk high halves)",
			     0xdeadbeef13572468ULL, 0x13572468, true);
	c1 = stat_count((unsigned int)t, ps_powerdown);
	r1 = stat_residency((unsigned int)t, ps_powerdown);
	nb_start("STAT_COUNT(secondary, power-down) grew by the ");
	nb_dec(n);
	nb_str(" completed power-down suspends");
	if (!tap_check(c0 >= 0 && c1 - c0 == (int64_t)n, nb())) {
		diag_val("  from", c0);
		diag_val("  to", c1);
	}
	tap_check(r0 >= 0 && r1 >= r0, "STAT_RESIDENCY(secondary, power-down) did not decrease");
	check_powerdown((unsigned int)t, PSCI_FID64(PSCI_CPU_DEFAULT_SUSPEND), "CPU_DEFAULT_SUSPEND64",
			0x0123456789abcdefULL, 0x0123456789abcdefULL, false);
	check_powerdown((unsigned int)t, PSCI_FID32(PSCI_CPU_DEFAULT_SUSPEND),
			"CPU_DEFAULT_SUSPEND32 (junk high halves)", 0xffffffff2468ace0ULL, 0x2468ace0, true);
	expect(psci(PSCI_FID64(PSCI_SYSTEM_SUSPEND), (uint64_t)boot_unexpected_entry, 0, 0),
	       PSCI_DENIED, "SYSTEM_SUSPEND64 is DENIED again after the secondary's suspends");
	cpu_stop((unsigned int)t);
}

/* ---- CPU_FREEZE -------------------------------------------------------------------------- */

static void check_cpu_freeze(void)
{
	int t = first_usable(0);
	uint64_t args[5] = { PSCI_FID32(PSCI_CPU_FREEZE), 0, 0, 0, ms_to_ticks(5) };
	uint64_t old, seq, off0, end;
	struct smp_start st;
	int64_t r, a, ret;
	bool started;

	if (t < 0 || !worker_on((unsigned int)t)) {
		tap_skip("CPU_FREEZE", "no usable secondary vCPU");
		return;
	}
	old = smp_start_count((unsigned int)t);
	off0 = smp_off_returned((unsigned int)t, NULL);
	seq = smp_send((unsigned int)t, SMP_OP_FREEZE, args);
	smp_wait_done((unsigned int)t, seq, ms_to_ticks(START_WAIT_MS));
	end = timer_now() + ms_to_ticks(OFF_WAIT_MS);
	do {
		a = aff_info((unsigned int)t);
	} while (a != AFF_OFF && smp_off_returned((unsigned int)t, &ret) == off0 &&
		 timer_now() < end);
	if (!expect(a, AFF_OFF, "CPU_FREEZE: the CPU stops and AFFINITY_INFO reaches OFF")) {
		if (smp_off_returned((unsigned int)t, &ret) != off0)
			diag_val("  CPU_FREEZE returned", ret);
		cpu_stop((unsigned int)t);
		return;
	}
	/* Its timer fired after 5 ms: only CPU_ON may bring it back. */
	delay_ticks(ms_to_ticks(50));
	tap_check(aff_info((unsigned int)t) == AFF_OFF && smp_start_count((unsigned int)t) == old &&
		  smp_off_returned((unsigned int)t, NULL) == off0,
		  "CPU_FREEZE: a pending timer interrupt does not wake the frozen CPU");
	expect(hw_state((unsigned int)t), HW_OFF, "CPU_FREEZE: NODE_HW_STATE is OFF");
	r = cpu_start((unsigned int)t, PSCI_FID64(PSCI_CPU_ON), secondary_entry_alt,
		      0x0f0f0f0f0f0f0f0fULL, &started);
	expect(r, PSCI_SUCCESS, "CPU_FREEZE: CPU_ON to the frozen CPU succeeds");
	if (!tap_check(started, "CPU_FREEZE: CPU_ON revives it")) {
		usable[t] = false;
		return;
	}
	smp_read_start((unsigned int)t, &st);
	check_start_state((unsigned int)t, &st, secondary_entry_alt, 0x0f0f0f0f0f0f0f0fULL,
			  "CPU_ON after CPU_FREEZE");
	cpu_stop((unsigned int)t);
}

/* ---- NODE_HW_STATE, SET_SUSPEND_MODE, SYSTEM_RESET2, SYSTEM_SUSPEND ------------------- */

static void check_node_hw_state(void)
{
	expect(psci(PSCI_FID32(PSCI_NODE_HW_STATE), 0, 0, 0), HW_ON,
	       "NODE_HW_STATE32 of the boot CPU is ON");
	expect(hw_state(0), HW_ON, "NODE_HW_STATE64 of the boot CPU is ON");
	expect(psci(PSCI_FID32(PSCI_NODE_HW_STATE), JUNK_HIGH, JUNK_HIGH, 0), HW_ON,
	       "NODE_HW_STATE32 ignores the high halves of MPIDR and level");
	expect(psci(PSCI_FID64(PSCI_NODE_HW_STATE), absent_mpidr, 0, 0), PSCI_INVALID_PARAMETERS,
	       "NODE_HW_STATE of an MPIDR naming no vCPU is INVALID_PARAMETERS");
}

static void check_suspend_mode(void)
{
	uint32_t fid = PSCI_FID32(PSCI_SET_SUSPEND_MODE);

	expect(psci(fid, 0, 0, 0), PSCI_SUCCESS, "SET_SUSPEND_MODE(platform-coordinated) succeeds");
	expect(psci(fid, 2, 0, 0), PSCI_INVALID_PARAMETERS, "SET_SUSPEND_MODE(2) is INVALID_PARAMETERS");
	expect(psci(fid, 0xffffffff, 0, 0), PSCI_INVALID_PARAMETERS,
	       "SET_SUSPEND_MODE(0xffffffff) is INVALID_PARAMETERS");
	expect(psci(fid, 1, 0, 0), PSCI_SUCCESS,
	       "SET_SUSPEND_MODE(OS-initiated) succeeds with no other CPU suspended");
	expect(psci(fid, JUNK_HIGH, 0, 0), PSCI_SUCCESS,
	       "SET_SUSPEND_MODE32 ignores the high half (back to platform-coordinated)");
}

static void check_system_reset2(void)
{
	static const uint64_t bad32[] = { 1, 2, 0x7fffffff, 0x80000000, 0x80000001 };
	unsigned int i, w;

	for (w = 0; w < 2; w++)
		for (i = 0; i < sizeof(bad32) / sizeof(bad32[0]); i++) {
			nb_start(w ? "SYSTEM_RESET2_64" : "SYSTEM_RESET2_32");
			nb_str(": reset type ");
			nb_hex(bad32[i]);
			nb_str(" is INVALID_PARAMETERS");
			expect(psci(fid_of(PSCI_SYSTEM_RESET2, w), bad32[i], 0, 0),
			       PSCI_INVALID_PARAMETERS, nb());
		}
}

/* Last: a SYSTEM_SUSPEND that wrongly succeeded would wait for the host. */
static void check_system_suspend_address(void)
{
	unsigned int i;
	bool alone = true;

	for (i = 1; i < nr_cpus; i++) {
		int64_t aff = aff_info(i);

		if (aff != AFF_OFF) {
			diag_val("SYSTEM_SUSPEND checks: not OFF: vCPU", i);
			diag_val("SYSTEM_SUSPEND checks: its AFFINITY_INFO:", aff);
			alone = false;
		}
	}
	if (!tap_check(alone, "every secondary is OFF before the SYSTEM_SUSPEND address checks"))
		return;
	expect(psci(PSCI_FID32(PSCI_SYSTEM_SUSPEND), MEMMAP_RAM_BASE - 4, 0, 0), PSCI_INVALID_ADDRESS,
	       "SYSTEM_SUSPEND32 with an entry point below RAM is INVALID_ADDRESS");
	expect(psci(PSCI_FID64(PSCI_SYSTEM_SUSPEND), 1ULL << 40, 0, 0), PSCI_INVALID_ADDRESS,
	       "SYSTEM_SUSPEND64 with an entry point above RAM is INVALID_ADDRESS");
}

/* ---- hot-added vCPU ------------------------------------------------------------------ */

static void check_hot_add(void)
{
	uint64_t end = timer_now() + ms_to_ticks(HOTADD_WAIT_MS), old, t0 = timer_now();
	unsigned int cpu;
	struct smp_start st;
	int64_t r;

	if (disabled_cpu < 0) {
		tap_skip("CPU_ON succeeds once `hvmm cpu enable` enabled the vCPU",
			 "no disabled vCPU (run with --max-cpus)");
		return;
	}
	cpu = (unsigned int)disabled_cpu;
	old = smp_start_count(cpu);
	do {
		r = psci(PSCI_FID64(PSCI_CPU_ON), cpu_mpidr(cpu), (uint64_t)secondary_entry,
			 boot_ctx(cpu));
		if (r != PSCI_DENIED)
			break;
		delay_ticks(ms_to_ticks(10));
	} while (timer_now() < end);
	nb_start("hot-add: vCPU ");
	nb_dec(cpu);
	nb_str(" stopped answering DENIED within 30 s and CPU_ON succeeded");
	if (!expect(r, PSCI_SUCCESS, nb()))
		return;
	diag_val("hot-add: ms spent polling CPU_ON:", (int64_t)((timer_now() - t0) / ms_to_ticks(1)));
	if (!tap_check(smp_wait_start(cpu, old, ms_to_ticks(START_WAIT_MS)),
		       "hot-add: the enabled vCPU runs"))
		return;
	smp_read_start(cpu, &st);
	check_start_state(cpu, &st, secondary_entry, boot_ctx(cpu), "hot-add CPU_ON64");
	expect(aff_info(cpu), AFF_ON, "hot-add: AFFINITY_INFO of the enabled vCPU is ON");
	usable[cpu] = true;
	tap_check(cpu_stop(cpu), "hot-add: the enabled vCPU powers off again");
}

static void check_registers(void)
{
	check_registers_preserved("PSCI_VERSION preserves x1-x17", PSCI_FID32(PSCI_VERSION), 1, 2, 3);
	check_registers_preserved("AFFINITY_INFO64 (an error result) preserves x1-x17",
				  PSCI_FID64(PSCI_AFFINITY_INFO), 0, 9, 3);
	check_registers_preserved("CPU_ON64 (an error result) preserves x1-x17",
				  PSCI_FID64(PSCI_CPU_ON), 1ULL << 24, 0, 3);
}

static const struct bm_section sections[] = {
	{ "discovery", discover_cpus },
	{ "benchmarks: calls", run_call_benchmarks },
	{ "function IDs and PSCI_FEATURES", check_function_ids },
	{ "registers", check_registers },
	{ "CPU_ON bring-up", check_bring_up },
	{ "benchmarks: CPU_ON", bench_cpu_on },
	{ "CPU_ON errors", check_cpu_on_errors },
	{ "CPU_ON32 high halves", check_cpu_on32_high_halves },
	{ "AFFINITY_INFO levels", check_affinity_levels },
	{ "AFFINITY_INFO lifecycle", check_affinity_lifecycle },
	{ "CPU_ON race", check_cpu_on_race },
	{ "NODE_HW_STATE", check_node_hw_state },
	{ "CPU_SUSPEND on the boot CPU", check_boot_suspend },
	{ "STAT errors", check_stat_errors },
	{ "suspends on a secondary", check_secondary_suspends },
	{ "CPU_FREEZE", check_cpu_freeze },
	{ "SET_SUSPEND_MODE", check_suspend_mode },
	{ "SYSTEM_RESET2", check_system_reset2 },
	{ "hot-add", check_hot_add },
	{ "SYSTEM_SUSPEND addresses", check_system_suspend_address },
};

/* bm.only=race: what the CPU_ON race needs, and the race. */
static const struct bm_section race_sections[] = {
	{ "discovery", discover_cpus },
	{ "CPU_ON bring-up", check_bring_up },
	{ "CPU_ON race", check_cpu_on_race },
};

/* bm.KEY=N within 1..max, or def; anything else is one line and def. */
static unsigned int bootarg_count(uint64_t dtb, const char *key, unsigned int def, unsigned int max)
{
	char buf[8];
	int n = fdt_bootarg(dtb, key, buf, sizeof(buf)), i;
	unsigned int v = 0;

	if (n < 0)
		return def;
	for (i = 0; i < n && buf[i] >= '0' && buf[i] <= '9'; i++)
		v = v * 10 + (unsigned int)(buf[i] - '0');
	if (n == 0 || i < n || n > 3 || v < 1 || v > max) {
		uart_puts("bm: bad ");
		uart_puts(key);
		uart_puts(", using the default\n");
		tap_check(0, "the bm. parameters are well formed");
		return def;
	}
	return v;
}

/* The bm. parameters of the run; whether only the race runs. */
static bool read_params(uint64_t dtb)
{
	char word[16];
	int n = fdt_bootarg(dtb, "bm.bench", word, sizeof(word));

	bench_handler = n == 7 && word_is(word, "handler");
	bench_lazy = n == 4 && word_is(word, "lazy");
	n = fdt_bootarg(dtb, "bm.race", word, sizeof(word));
	race_on_pending = n == 10 && word_is(word, "on_pending");
	race_rounds = bootarg_count(dtb, "bm.race_rounds", RACE_ROUNDS, 100);
	n = fdt_bootarg(dtb, "bm.only", word, sizeof(word));
	return n == 4 && word_is(word, "race");
}

/*
 * A word past the guest image that survives a VM reset when RAM does: if a
 * call that must fail reset the VM instead, the rerun says so and stops
 * rather than looping through the same reset forever.
 */
#define RUN_MARKER 0x214e555249435350ULL   /* "PSCIRUN!" */
extern char __stack_top[];

static volatile uint64_t *run_marker(void)
{
	return (volatile uint64_t *)((uintptr_t)__stack_top + 0x1000);
}

int main(uint64_t dtb)
{
	uint64_t t_begin = timer_now();

	uart_puts("hvmm-baremetal: PSCI conformance\n");
	if (load64(run_marker()) == RUN_MARKER) {
		store64(run_marker(), 0);
		uart_puts("bm: the VM was reset in the middle of the previous run\n");
		tap_check(0, "no PSCI call that must fail reset the VM");
		return tap_done();
	}
	store64(run_marker(), RUN_MARKER);
	tap_check(bm_boot_cpu_init() == 0, "GICv3: the boot CPU's redistributor is found by affinity");
	check_basics(dtb);
	if (read_params(dtb))
		bm_run_sections(race_sections, sizeof(race_sections) / sizeof(race_sections[0]), t_begin);
	else
		bm_run_sections(sections, sizeof(sections) / sizeof(sections[0]), t_begin);
	store64(run_marker(), 0);
	return tap_done();
}
