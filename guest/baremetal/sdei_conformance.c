/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * SDEI (Arm DEN0054, v1.1) conformance guest for hvmm: VERSION and FEATURES,
 * every function's error paths, the register/enable/running state machine,
 * EVENT_GET_INFO for every info type, delivery on every vCPU and across
 * vCPUs, the registers an event must leave untouched (x0-x17, SP, PC,
 * PSTATE, ELR_EL1, SPSR_EL1), EVENT_COMPLETE_AND_RESUME into a vector table,
 * masking, an event ending a CPU_SUSPEND, critical over normal priority,
 * shared-event routing, INTERRUPT_BIND of the UART's interrupt, the resets,
 * and what CPU_ON does to a PE. It measures a few latencies (`bench:` lines).
 *
 * Host interaction. Some events can only be raised by the host. When the
 * guest needs one it prints exactly one line of the form
 *
 *   bm: waiting for host event EVENT on cpu N    -> hvmm sdei signal EVENT --vcpu N --name VM
 *   bm: waiting for host event EVENT             -> hvmm sdei signal EVENT --name VM
 *
 * and waits up to 30 s (CNTVCT) for the handler to run. In order (N is the
 * last vCPU; with one vCPU, step 3 is skipped and N is 0):
 *
 *   1. bm: waiting for host event 1001 on cpu 0   (printed inside event 0's
 *      normal handler: the critical event must pre-empt it)
 *   2. bm: waiting for host event 1000 on cpu 0   (vCPU 0 spins in a register probe)
 *   3. bm: waiting for host event 1000 on cpu 1   (vCPU 1 idles in its worker loop)
 *   4. bm: waiting for host event 2000            (routed RM_PE to vCPU N)
 *
 * Each prompt is printed once, after the event is registered and enabled
 * where it must arrive; answer each once (`hvmm sdei signal` prints "event
 * ... raised"). If SDEI_VERSION answers NOT_SUPPORTED (hvmm run --no-sdei or
 * --in-kernel-psci), the guest only checks that the device tree has no
 * /firmware/sdei node, skips the rest and asks nothing of the host.
 *
 * Idle workers sleep in WFI (smp_idle_poll): WFE-idle vCPUs keep the host's
 * CPUs busy, which in the emulated host slows the whole run several times.
 *
 * The boot CPU runs every check and prints all output (also from inside its
 * own handlers); secondaries are workers (smp.c) whose handlers only record.
 * Every wait is bounded, and the run ends with SYSTEM_OFF.
 */
#include "lib.h"

int main(uint64_t dtb);

#define WAIT_MS            2000     /* something the guest itself caused */
#define HOST_WAIT_MS       30000    /* an event the host has to raise */
#define QUIET_MS           20       /* how long "did not run" is watched */
#define SUSPEND_TIMER_MS   5000     /* the fallback wake-up of the suspend test */
#define BENCH_ITERS        200
#define WORKER_POLL_MS     4        /* idle workers look for commands this often */

#define SDEI_VERSION_HVMM  ((1ULL << 48) | (1ULL << 32) | 0x68766d6dULL)
#define EV_SIGNAL          0U
#define EV_PRIV_NORMAL     1000U
#define EV_PRIV_CRITICAL   1001U
#define EV_SHARED_NORMAL   2000U
#define EV_SHARED_CRITICAL 2001U
#define EV_BOUND_BASE      0x8000U
#define EV_UNKNOWN         1U       /* no such event in hvmm's set */
#define UART_INTID         (32U + MEMMAP_UART_SPI)

#define PSTATE_EL1H        0x5ULL
#define PSTATE_DAIF        0x3c0ULL
#define PSTATE_CHECKED     0xf00003dfULL    /* NZCV, DAIF, M[4:0] */
#define CURRENT_EL1        0x4ULL
#define NZCV_PATTERN       0xa0000000ULL    /* N and C set */
#define ELR_PATTERN        0x0000f00dcafe0ff0ULL
#define SPSR_PATTERN       0x600003c5ULL    /* Z, C, DAIF, EL1h */
#define BAD_RESULT         0xdeadbeefdeadbeefULL

/* EVENT_STATUS of a registered, enabled event: idle (3), running (7). */
#define ST_ARMED           (SDEI_ST_REGISTERED | SDEI_ST_ENABLED)
#define ST_ARMED_RUNNING   (ST_ARMED | SDEI_ST_RUNNING)

#define UART_IER           1
#define UART_IER_ETBEI     0x02

/* ---- what the run discovered --------------------------------------------- */

static unsigned int nr_cpus;
static bool usable[BM_MAX_CPUS];
static uint64_t absent_mpidr;
static uint64_t samples[BENCH_ITERS];

/* ---- output -------------------------------------------------------------- */

/* "PREFIX: what" into the name buffer. */
static const char *nb_pre(const char *prefix, const char *what)
{
	nb_start(prefix);
	nb_str(": ");
	nb_str(what);
	return nb();
}

/* "vCPU N: what" into the name buffer. */
static const char *nb_cpu(unsigned int cpu, const char *what)
{
	nb_start("vCPU ");
	nb_dec(cpu);
	nb_str(": ");
	nb_str(what);
	return nb();
}

static void diag_hex(const char *s, uint64_t v)
{
	uart_puts("#   ");
	uart_puts(s);
	uart_putc(' ');
	uart_put_hex(v);
	uart_putc('\n');
}

/* The line the test harness answers with `hvmm sdei signal` (see the top). */
static void ask_host(uint32_t event, int cpu)
{
	uart_puts("bm: waiting for host event ");
	uart_put_dec(event);
	if (cpu >= 0) {
		uart_puts(" on cpu ");
		uart_put_dec((uint64_t)cpu);
	}
	uart_putc('\n');
}

/* ---- calls, here or on a worker ------------------------------------------ */

static int64_t sdei(uint32_t fn, uint64_t a1, uint64_t a2, uint64_t a3)
{
	return sdei_call(fn, a1, a2, a3);
}

static uint64_t fn_sdei(uint64_t fn, uint64_t a1, uint64_t a2, uint64_t a3)
{
	return smccc_call(SDEI_FID((uint32_t)fn), a1, a2, a3);
}

static uint64_t fn_register(uint64_t event, uint64_t h, uint64_t flags, uint64_t aff)
{
	return (uint64_t)sdei_register((uint32_t)event, (struct sdei_handler *)(uintptr_t)h,
				       flags, aff);
}

/* fn on `cpu` (the boot CPU calls it directly); BAD_RESULT if the worker
 * does not answer, and it is not used again. */
static uint64_t on_cpu(unsigned int cpu, smp_fn fn, uint64_t a1, uint64_t a2,
		       uint64_t a3, uint64_t a4)
{
	uint64_t args[5] = { (uint64_t)fn, a1, a2, a3, a4 };
	uint64_t seq;

	if (cpu == 0)
		return fn(a1, a2, a3, a4);
	if (!usable[cpu])
		return BAD_RESULT;
	seq = smp_send(cpu, SMP_OP_FUNC, args);
	if (!smp_sleep_until_done(cpu, seq, ms_to_ticks(WAIT_MS))) {
		usable[cpu] = false;
		diag("a worker stopped answering; it is not used again");
		return BAD_RESULT;
	}
	return smp_result(cpu, 0);
}

static int64_t sdei_on(unsigned int cpu, uint32_t fn, uint64_t a1, uint64_t a2, uint64_t a3)
{
	return (int64_t)on_cpu(cpu, fn_sdei, fn, a1, a2, a3);
}

static int64_t register_on(unsigned int cpu, uint32_t event, struct sdei_handler *h)
{
	return (int64_t)on_cpu(cpu, fn_register, event, (uint64_t)(uintptr_t)h, 0, 0);
}

/* The handler did not run on cpu within QUIET_MS. */
static bool stays_quiet(const struct sdei_handler *h, unsigned int cpu, uint64_t old)
{
	return !sdei_wait_hits(h, cpu, old, ms_to_ticks(QUIET_MS));
}

static uint64_t hits_elsewhere(const struct sdei_handler *h, unsigned int cpu)
{
	uint64_t n = 0;
	unsigned int i;

	for (i = 0; i < nr_cpus; i++)
		if (i != cpu)
			n += sdei_hits(h, i);
	return n;
}

/* Workers are vCPUs 1 and up, so 0 means "none". */
static unsigned int first_worker(unsigned int after)
{
	unsigned int i;

	for (i = after + 1; i < nr_cpus; i++)
		if (usable[i])
			return i;
	return 0;
}

static unsigned int last_worker(void)
{
	unsigned int i;

	for (i = nr_cpus - 1; i > 0; i--)
		if (usable[i])
			return i;
	return 0;
}

/* ---- handlers ------------------------------------------------------------ */

/* Record only (sdei.c does that for every handler). */
static SDEI_HANDLER(h_plain, NULL, 0);
static SDEI_HANDLER(h_bench, NULL, 0);
static SDEI_HANDLER(h_each, NULL, 0);
static SDEI_HANDLER(h_host, NULL, 0);
static SDEI_HANDLER(h_probe, NULL, SDEI_H_CONTEXT);
static SDEI_HANDLER(h_suspend, NULL, SDEI_H_CONTEXT);

/* REGISTER of the event that is running: it is registered, so DENIED. */
static void cb_registered(struct sdei_frame *f, struct sdei_handler *h, unsigned int cpu)
{
	store64(&h->hit[cpu].user[0],
		(uint64_t)sdei_register((uint32_t)f->x[0], h, 0, 0));
}
static SDEI_HANDLER(h_self, cb_registered, SDEI_H_CONTEXT);

/* End by "taking an IRQ": the resume address is the IRQ vector. */
static void cb_resume(struct sdei_frame *f, struct sdei_handler *h, unsigned int cpu)
{
	(void)h;
	(void)cpu;
	sdei_frame_resume(f, (uint64_t)sdei_resume_vectors + SDEI_RESUME_IRQ_OFFSET);
}
static SDEI_HANDLER(h_resume, cb_resume, 0);

/* UNREGISTER from inside: PENDING, finished at completion; meanwhile the
 * event is neither registered nor enabled, only running. */
static void cb_unregister(struct sdei_frame *f, struct sdei_handler *h, unsigned int cpu)
{
	volatile uint64_t *u = h->hit[cpu].user;

	store64(&u[0], (uint64_t)sdei(SDEI_EVENT_UNREGISTER, f->x[0], 0, 0));
	store64(&u[1], (uint64_t)sdei_status((uint32_t)f->x[0]));
	store64(&u[2], (uint64_t)sdei(SDEI_EVENT_UNREGISTER, f->x[0], 0, 0));
	store64(&u[3], (uint64_t)sdei(SDEI_EVENT_ENABLE, f->x[0], 0, 0));
	store64(&u[4], (uint64_t)sdei_register((uint32_t)f->x[0], h, 0, 0));
}
static SDEI_HANDLER(h_unregister, cb_unregister, 0);

/*
 * Nesting, on the boot CPU. The critical handler notes what it saw; the
 * normal one (first run only) signals its own event again, then asks the
 * host for the critical event and waits for it to pre-empt.
 */
static void cb_critical(struct sdei_frame *f, struct sdei_handler *h, unsigned int cpu);
static void cb_nest(struct sdei_frame *f, struct sdei_handler *h, unsigned int cpu);
static SDEI_HANDLER(h_critical, cb_critical, 0);
static SDEI_HANDLER(h_nest, cb_nest, 0);
static volatile uint64_t nest_armed;    /* boot CPU only */

static void cb_critical(struct sdei_frame *f, struct sdei_handler *h, unsigned int cpu)
{
	(void)f;
	store64(&h->hit[cpu].user[0], (uint64_t)sdei_status(EV_SIGNAL));
	store64(&h->hit[cpu].user[1], sdei_hits(&h_nest, cpu));
}

static void cb_nest(struct sdei_frame *f, struct sdei_handler *h, unsigned int cpu)
{
	volatile uint64_t *u = h->hit[cpu].user;
	uint64_t crit = sdei_hits(&h_critical, cpu);
	uint64_t end;

	if (!load64(&nest_armed))
		return;
	store64(&nest_armed, 0);
	store64(&u[5], f->x[2]);
	store64(&u[2], sdei_hits(h, cpu));
	store64(&u[0], (uint64_t)sdei_signal(my_mpidr()));
	/* A nested run would have counted itself by now. */
	store64(&u[1], sdei_hits(h, cpu));
	ask_host(EV_PRIV_CRITICAL, (int)cpu);
	end = timer_now() + ms_to_ticks(HOST_WAIT_MS);
	while (sdei_hits(&h_critical, cpu) == crit && timer_now() < end)
		wfe();
	store64(&u[3], sdei_hits(&h_critical, cpu) - crit);
}

/* A shared event's handler tries what is allowed while it runs. */
static void cb_shared(struct sdei_frame *f, struct sdei_handler *h, unsigned int cpu)
{
	volatile uint64_t *u = h->hit[cpu].user;

	store64(&u[0], (uint64_t)sdei(SDEI_EVENT_DISABLE, f->x[0], 0, 0));
	store64(&u[1], (uint64_t)sdei_status((uint32_t)f->x[0]));
	store64(&u[2], (uint64_t)sdei(SDEI_EVENT_ROUTING_SET, f->x[0], SDEI_RM_ANY, 0));
	store64(&u[3], (uint64_t)sdei(SDEI_EVENT_GET_INFO, f->x[0], SDEI_INFO_ROUTING_MODE, 0));
}
static SDEI_HANDLER(h_shared, cb_shared, 0);

/* PRIVATE_RESET while this private handler runs: DENIED, and this event is
 * left unregister-pending while the others go. */
static void cb_private_reset(struct sdei_frame *f, struct sdei_handler *h, unsigned int cpu)
{
	volatile uint64_t *u = h->hit[cpu].user;

	store64(&u[0], (uint64_t)sdei(SDEI_PRIVATE_RESET, 0, 0, 0));
	store64(&u[1], (uint64_t)sdei_status((uint32_t)f->x[0]));
	store64(&u[2], (uint64_t)sdei_status(EV_PRIV_NORMAL));
}
static SDEI_HANDLER(h_private_reset, cb_private_reset, 0);

static void uart_thre_irq(bool on)
{
	*(volatile uint8_t *)(uintptr_t)(MEMMAP_UART_BASE + UART_IER) = on ? UART_IER_ETBEI : 0;
	dsb();
}

/* SHARED_RESET while this bound (shared) handler runs: DENIED, no binding
 * released, this event unregister-pending, other shared events gone. */
static void cb_shared_reset(struct sdei_frame *f, struct sdei_handler *h, unsigned int cpu)
{
	volatile uint64_t *u = h->hit[cpu].user;

	store64(&u[0], (uint64_t)sdei(SDEI_SHARED_RESET, 0, 0, 0));
	store64(&u[1], (uint64_t)sdei_status((uint32_t)f->x[0]));
	store64(&u[2], (uint64_t)sdei_status(EV_SHARED_NORMAL));
	uart_thre_irq(false);
}
static SDEI_HANDLER(h_shared_reset, cb_shared_reset, 0);

/* The bound UART interrupt: is it pending in the GIC too? Then quiet it, as
 * a driver's handler would. */
static void cb_bound(struct sdei_frame *f, struct sdei_handler *h, unsigned int cpu)
{
	(void)f;
	store64(&h->hit[cpu].user[0], gic_spi_pending(UART_INTID));
	uart_thre_irq(false);
}
static SDEI_HANDLER(h_bound, cb_bound, 0);

/* ---- register probes ----------------------------------------------------- */

static uint64_t pattern(unsigned int seed, unsigned int i)
{
	return 0x5d00000000000000ULL | (uint64_t)seed << 48 | (uint64_t)i << 40 |
	       (0xc0de0000ULL + i * 0x1111ULL);
}

static void probe_init(struct sdei_probe *p, unsigned int seed)
{
	unsigned int i;

	memset(p, 0, sizeof(*p));
	for (i = 0; i < 18; i++)
		p->pat[i] = pattern(seed, i);
	p->nzcv_in = NZCV_PATTERN;
	p->elr_in = ELR_PATTERN;
	p->spsr_in = SPSR_PATTERN;
}

/* A probe that signals event 0 to this CPU with its own call. */
static void probe_self_signal(struct sdei_probe *p, unsigned int seed)
{
	probe_init(p, seed);
	p->pat[0] = SDEI_FID(SDEI_EVENT_SIGNAL);
	p->pat[1] = EV_SIGNAL;
	p->pat[2] = my_mpidr();
}

/* What the handler and the interrupted code must have seen. */
struct probe_want {
	const char *what;
	uint32_t event;
	const struct sdei_handler *h;
	uint64_t pc_lo, pc_hi;      /* the interrupted PC: lo <= x2 < hi */
	uint64_t ctx[18];           /* the interrupted x0-x17 */
};

static bool regs_equal(const uint64_t *a, const uint64_t *b, unsigned int from, unsigned int n)
{
	unsigned int i;

	for (i = from; i < n; i++)
		if (a[i] != b[i]) {
			uart_puts("#   x");
			uart_put_dec(i);
			uart_puts(": ");
			uart_put_hex(a[i]);
			uart_puts(", expected ");
			uart_put_hex(b[i]);
			uart_putc('\n');
			return false;
		}
	return true;
}

static uint64_t want_pstate(const struct sdei_probe *p)
{
	return p->nzcv_in | (p->daif_in & PSTATE_DAIF) | PSTATE_EL1H;
}

/* What the handler saw on entry. */
static void check_probe_entry(const struct probe_want *w, const struct sdei_probe *p,
			      const struct sdei_hit *hit)
{
	if (!tap_check(hit->x[2] >= w->pc_lo && hit->x[2] < w->pc_hi,
		       nb_pre(w->what, "interrupted PC (x2) is where the event hit")))
		diag_hex("x2", hit->x[2]);
	tap_check(hit->x[0] == w->event && hit->x[1] == (uint64_t)(uintptr_t)w->h,
		  nb_pre(w->what, "handler gets x0 = the event, x1 = its argument"));
	if (!tap_check(hit->el == CURRENT_EL1 && hit->spsel == 1 && hit->daif == PSTATE_DAIF &&
		       hit->nzcv == 0 && hit->sp == p->sp_in,
		       nb_pre(w->what, "handler runs with PSTATE 0x3c5 on the interrupted SP"))) {
		diag_hex("CurrentEL", hit->el);
		diag_hex("DAIF", hit->daif);
		diag_hex("NZCV", hit->nzcv);
		diag_hex("SP", hit->sp);
	}
	if (!tap_check((hit->x[3] & PSTATE_CHECKED) == want_pstate(p),
		       nb_pre(w->what, "x3 = the interrupted PSTATE (EL1h, DAIF, NZCV)")))
		diag_hex("x3", hit->x[3]);
	tap_check(regs_equal(hit->x, w->ctx, 4, 18),
		  nb_pre(w->what, "x4-x17 in the handler are the interrupted values"));
	if (w->h->flags & SDEI_H_CONTEXT)
		tap_check(regs_equal(hit->ctx, w->ctx, 0, 18),
			  nb_pre(w->what, "EVENT_CONTEXT(0-17) returns the interrupted x0-x17"));
	tap_check(hit->elr == p->elr_in && hit->spsr == p->spsr_in,
		  nb_pre(w->what, "ELR_EL1 and SPSR_EL1 in the handler are untouched"));
}

/* What the interrupted code found after EVENT_COMPLETE. */
static void check_probe_after(const struct probe_want *w, const struct sdei_probe *p)
{
	tap_check(regs_equal(p->after, w->ctx, 0, 18),
		  nb_pre(w->what, "after completion x0-x17 are the interrupted values"));
	if (!tap_check(p->sp_out == p->sp_in && p->nzcv_out == p->nzcv_in &&
		       p->daif_out == p->daif_in,
		       nb_pre(w->what, "after completion SP, NZCV and DAIF are unchanged"))) {
		diag_hex("SP", p->sp_out);
		diag_hex("NZCV", p->nzcv_out);
		diag_hex("DAIF", p->daif_out);
	}
	tap_check(p->elr_out == p->elr_in && p->spsr_out == p->spsr_in,
		  nb_pre(w->what, "after completion ELR_EL1 and SPSR_EL1 are unchanged"));
}

/* A handler of h_probe interrupted vCPU 0 in sdei_probe_spin: it must have
 * entered as w says, with the spin loop and its pattern as the interrupted
 * context, and left that context as it was. */
static void check_spin_probe(struct probe_want *w, const struct sdei_probe *p)
{
	struct sdei_hit hit;

	sdei_hit_read(&h_probe, 0, &hit);
	w->pc_lo = (uint64_t)sdei_probe_spin_loop;
	w->pc_hi = (uint64_t)sdei_probe_spin_end;
	for (unsigned int i = 0; i < 18; i++)
		w->ctx[i] = p->pat[i];
	check_probe_entry(w, p, &hit);
	check_probe_after(w, p);
}

/* ---- basics -------------------------------------------------------------- */

static bool check_version(uint64_t dtb)
{
	int64_t v = sdei(SDEI_VERSION, 0, 0, 0);

	if (v == SDEI_NOT_SUPPORTED) {
		/* hvmm run --no-sdei (or --in-kernel-psci): nothing to test but
		 * that the device tree does not claim otherwise. */
		tap_check(!fdt_prop_is(dtb, "/firmware/sdei", "compatible", "arm,sdei-1.0"),
			  "SDEI is off: the device tree has no /firmware/sdei either");
		tap_skip("every other SDEI check", "SDEI is off (--no-sdei or --in-kernel-psci)");
		return false;
	}
	if (!tap_check((uint64_t)v == SDEI_VERSION_HVMM,
		       "SDEI_VERSION is 1.1, vendor \"hvmm\" (0x1000168766d6d)"))
		diag_hex("got", (uint64_t)v);
	tap_check(fdt_prop_is(dtb, "/firmware/sdei", "compatible", "arm,sdei-1.0"),
		  "device tree: /firmware/sdei is compatible with arm,sdei-1.0");
	nb_start("device tree: /firmware/sdei has method = ");
	nb_str(smccc_conduit_name());
	nb_str(", as /psci has");
	tap_check(fdt_prop_is(dtb, "/firmware/sdei", "method", smccc_conduit_name()), nb());
	return true;
}

static void check_features(void)
{
	uint32_t fn;
	int bad = 0;

	expect(sdei(SDEI_FEATURES, 0, 0, 0), 1 << 16,
	       "FEATURES(BIND_SLOTS): no private slots, one shared slot");
	expect(sdei(SDEI_FEATURES, 1, 0, 0), 0, "FEATURES(RELATIVE_MODE) is 0");
	expect(sdei(SDEI_FEATURES, 2, 0, 0), SDEI_INVALID_PARAMETERS,
	       "FEATURES(2) is INVALID_PARAMETERS");
	for (fn = SDEI_SHARED_RESET + 1; fn <= SDEI_FN_LAST; fn++) {
		int64_t r = sdei(fn, 0, 0, 0);

		if (r != SDEI_NOT_SUPPORTED) {
			diag_hex("function ID", SDEI_FID(fn));
			bad++;
		}
	}
	tap_check(!bad, "function IDs 0xC4000033-0xC400003F answer NOT_SUPPORTED");
}

static void check_pe_mask_at_boot(void)
{
	expect(sdei(SDEI_PE_MASK, 0, 0, 0), 0, "PE_MASK at boot is 0: the boot PE starts masked");
	expect(sdei(SDEI_PE_UNMASK, 0, 0, 0), 0, "PE_UNMASK succeeds");
	expect(sdei(SDEI_PE_MASK, 0, 0, 0), 1, "PE_MASK of an unmasked PE is 1");
	expect(sdei(SDEI_PE_MASK, 0, 0, 0), 0, "PE_MASK of a masked PE is 0");
	expect(sdei(SDEI_PE_UNMASK, 0, 0, 0), 0, "PE_UNMASK succeeds again");
}

/* ---- EVENT_GET_INFO and EVENT_STATUS ------------------------------------- */

static const struct {
	uint32_t event;
	int64_t type, signalable, priority;
} default_events[] = {
	{ EV_SIGNAL, 0, 1, 0 },
	{ EV_PRIV_NORMAL, 0, 0, 0 },
	{ EV_PRIV_CRITICAL, 0, 0, 1 },
	{ EV_SHARED_NORMAL, 1, 0, 0 },
	{ EV_SHARED_CRITICAL, 1, 0, 1 },
};

static int64_t get_info(uint32_t event, uint64_t info)
{
	return sdei(SDEI_EVENT_GET_INFO, event, info, 0);
}

static void check_info_of(unsigned int i)
{
	uint32_t ev = default_events[i].event;

	nb_start("GET_INFO(");
	nb_dec(ev);
	nb_str(", type) is ");
	nb_str(default_events[i].type ? "shared" : "private");
	expect(get_info(ev, SDEI_INFO_TYPE), default_events[i].type, nb());
	nb_start("GET_INFO(");
	nb_dec(ev);
	nb_str(default_events[i].signalable ? ", signalable) is 1" : ", signalable) is 0");
	expect(get_info(ev, SDEI_INFO_SIGNALABLE), default_events[i].signalable, nb());
	nb_start("GET_INFO(");
	nb_dec(ev);
	nb_str(default_events[i].priority ? ", priority) is critical" : ", priority) is normal");
	expect(get_info(ev, SDEI_INFO_PRIORITY), default_events[i].priority, nb());
	if (default_events[i].type == 0) {
		nb_start("GET_INFO(");
		nb_dec(ev);
		nb_str(", routing mode and affinity) of a private event: INVALID_PARAMETERS");
		tap_check(get_info(ev, SDEI_INFO_ROUTING_MODE) == SDEI_INVALID_PARAMETERS &&
			  get_info(ev, SDEI_INFO_ROUTING_AFF) == SDEI_INVALID_PARAMETERS, nb());
	}
}

static void check_event_info(void)
{
	unsigned int i;
	int bad = 0;

	for (i = 0; i < sizeof(default_events) / sizeof(default_events[0]); i++) {
		if (sdei_status(default_events[i].event) != 0)
			bad++;
		check_info_of(i);
	}
	tap_check(!bad, "EVENT_STATUS of every hvmm event is 0 at boot");

	expect(get_info(EV_SHARED_NORMAL, SDEI_INFO_ROUTING_MODE), SDEI_DENIED,
	       "GET_INFO(2000, routing mode) while unregistered is DENIED");
	expect(get_info(EV_SHARED_NORMAL, SDEI_INFO_ROUTING_AFF), SDEI_DENIED,
	       "GET_INFO(2000, affinity) while unregistered is DENIED");
	expect(get_info(EV_SIGNAL, 5), SDEI_INVALID_PARAMETERS,
	       "GET_INFO with info type 5 is INVALID_PARAMETERS");
	expect(get_info(EV_UNKNOWN, SDEI_INFO_TYPE), SDEI_INVALID_PARAMETERS,
	       "GET_INFO of an unknown event is INVALID_PARAMETERS");
	expect(get_info(EV_BOUND_BASE, SDEI_INFO_TYPE), SDEI_INVALID_PARAMETERS,
	       "GET_INFO of an unbound 0x8000 is INVALID_PARAMETERS");

	if (!expect(sdei_register(EV_SHARED_NORMAL, &h_plain, SDEI_RM_ANY, 0), 0,
		    "REGISTER(2000, RM_ANY) succeeds"))
		return;
	expect(get_info(EV_SHARED_NORMAL, SDEI_INFO_ROUTING_MODE), SDEI_RM_ANY,
	       "GET_INFO(2000, routing mode) after REGISTER(RM_ANY) is RM_ANY");
	expect(get_info(EV_SHARED_NORMAL, SDEI_INFO_ROUTING_AFF), SDEI_INVALID_PARAMETERS,
	       "GET_INFO(2000, affinity) of an RM_ANY event is INVALID_PARAMETERS");
	sdei(SDEI_EVENT_UNREGISTER, EV_SHARED_NORMAL, 0, 0);
	if (!expect(sdei_register(EV_SHARED_NORMAL, &h_plain, SDEI_RM_PE, 0), 0,
		    "REGISTER(2000, RM_PE, vCPU 0) succeeds"))
		return;
	expect(get_info(EV_SHARED_NORMAL, SDEI_INFO_ROUTING_MODE), SDEI_RM_PE,
	       "GET_INFO(2000, routing mode) after REGISTER(RM_PE) is RM_PE");
	expect(get_info(EV_SHARED_NORMAL, SDEI_INFO_ROUTING_AFF), 0,
	       "GET_INFO(2000, affinity) is the registered MPIDR (vCPU 0)");
	expect(sdei(SDEI_EVENT_UNREGISTER, EV_SHARED_NORMAL, 0, 0), 0, "UNREGISTER(2000) succeeds");
}

/* ---- error paths outside handlers ---------------------------------------- */

static void check_unknown_event(void)
{
	expect(sdei_register(EV_UNKNOWN, &h_plain, 0, 0), SDEI_INVALID_PARAMETERS,
	       "REGISTER of an unknown event is INVALID_PARAMETERS");
	expect(sdei(SDEI_EVENT_ENABLE, EV_UNKNOWN, 0, 0), SDEI_INVALID_PARAMETERS,
	       "ENABLE of an unknown event is INVALID_PARAMETERS");
	expect(sdei(SDEI_EVENT_DISABLE, EV_UNKNOWN, 0, 0), SDEI_INVALID_PARAMETERS,
	       "DISABLE of an unknown event is INVALID_PARAMETERS");
	expect(sdei(SDEI_EVENT_UNREGISTER, EV_UNKNOWN, 0, 0), SDEI_INVALID_PARAMETERS,
	       "UNREGISTER of an unknown event is INVALID_PARAMETERS");
	expect(sdei_status(EV_UNKNOWN), SDEI_INVALID_PARAMETERS,
	       "EVENT_STATUS of an unknown event is INVALID_PARAMETERS");
	expect(sdei(SDEI_EVENT_ROUTING_SET, EV_UNKNOWN, SDEI_RM_ANY, 0), SDEI_INVALID_PARAMETERS,
	       "ROUTING_SET of an unknown event is INVALID_PARAMETERS");
	/* Event numbers are compared in all 64 bits (docs/sdei.md). */
	expect(sdei_call(SDEI_EVENT_STATUS, 1ULL << 32 | EV_SHARED_NORMAL, 0, 0),
	       SDEI_INVALID_PARAMETERS,
	       "EVENT_STATUS of 2000 with bit 32 set is INVALID_PARAMETERS");
}

static void check_unregistered_event(void)
{
	expect(sdei(SDEI_EVENT_ENABLE, EV_SIGNAL, 0, 0), SDEI_DENIED,
	       "ENABLE of an unregistered event is DENIED");
	expect(sdei(SDEI_EVENT_DISABLE, EV_SIGNAL, 0, 0), SDEI_DENIED,
	       "DISABLE of an unregistered event is DENIED");
	expect(sdei(SDEI_EVENT_UNREGISTER, EV_SIGNAL, 0, 0), SDEI_DENIED,
	       "UNREGISTER of an unregistered event is DENIED");
	expect(sdei(SDEI_EVENT_ROUTING_SET, EV_SHARED_NORMAL, SDEI_RM_ANY, 0), SDEI_DENIED,
	       "ROUTING_SET of an unregistered shared event is DENIED");
}

/* Only valid inside a handler. */
static void check_outside_handler(void)
{
	expect(sdei(SDEI_EVENT_CONTEXT, 0, 0, 0), SDEI_DENIED,
	       "EVENT_CONTEXT outside a handler is DENIED");
	expect(sdei(SDEI_EVENT_CONTEXT, 18, 0, 0), SDEI_INVALID_PARAMETERS,
	       "EVENT_CONTEXT(18) outside a handler is INVALID_PARAMETERS (index checked first)");
	expect(sdei(SDEI_EVENT_COMPLETE, 0, 0, 0), SDEI_DENIED,
	       "EVENT_COMPLETE outside a handler is DENIED");
	expect(sdei(SDEI_EVENT_COMPLETE_AND_RESUME, (uint64_t)sdei_resume_vectors, 0, 0),
	       SDEI_DENIED, "EVENT_COMPLETE_AND_RESUME outside a handler is DENIED");
}

static void check_register_errors(void)
{
	expect(sdei_register(EV_SIGNAL, &h_plain, 2, 0), SDEI_INVALID_PARAMETERS,
	       "REGISTER with a reserved flags bit is INVALID_PARAMETERS");
	expect(sdei_register(EV_SHARED_NORMAL, &h_plain, SDEI_RM_PE, absent_mpidr),
	       SDEI_INVALID_PARAMETERS,
	       "REGISTER(2000, RM_PE) to an absent MPIDR is INVALID_PARAMETERS");
	expect(sdei_register(EV_SHARED_NORMAL, &h_plain, SDEI_RM_PE, 1ULL << 31),
	       SDEI_INVALID_PARAMETERS,
	       "REGISTER(2000, RM_PE) with MPIDR bit 31 is INVALID_PARAMETERS");
	expect(sdei_status(EV_SHARED_NORMAL), 0, "the failed REGISTERs left 2000 unregistered");
}

static void check_routing_set_errors(void)
{
	expect(sdei(SDEI_EVENT_ROUTING_SET, EV_SIGNAL, SDEI_RM_ANY, 0), SDEI_INVALID_PARAMETERS,
	       "ROUTING_SET of a private event is INVALID_PARAMETERS");
	if (sdei_register(EV_SHARED_NORMAL, &h_plain, SDEI_RM_ANY, 0) != 0) {
		tap_check(0, "REGISTER(2000) for the ROUTING_SET checks");
		return;
	}
	sdei(SDEI_EVENT_ENABLE, EV_SHARED_NORMAL, 0, 0);
	expect(sdei(SDEI_EVENT_ROUTING_SET, EV_SHARED_NORMAL, SDEI_RM_PE, 0), SDEI_DENIED,
	       "ROUTING_SET of an enabled shared event is DENIED");
	sdei(SDEI_EVENT_DISABLE, EV_SHARED_NORMAL, 0, 0);
	expect(sdei(SDEI_EVENT_ROUTING_SET, EV_SHARED_NORMAL, 2, 0), SDEI_INVALID_PARAMETERS,
	       "ROUTING_SET with routing mode 2 is INVALID_PARAMETERS");
	expect(sdei(SDEI_EVENT_ROUTING_SET, EV_SHARED_NORMAL, SDEI_RM_PE, absent_mpidr),
	       SDEI_INVALID_PARAMETERS,
	       "ROUTING_SET(RM_PE) to an absent MPIDR is INVALID_PARAMETERS");
	expect(sdei(SDEI_EVENT_ROUTING_SET, EV_SHARED_NORMAL, SDEI_RM_PE, 0), 0,
	       "ROUTING_SET(RM_PE, vCPU 0) of a registered, disabled, idle shared event succeeds");
	sdei(SDEI_EVENT_UNREGISTER, EV_SHARED_NORMAL, 0, 0);
}

static void check_signal_errors(void)
{
	expect(sdei(SDEI_EVENT_SIGNAL, EV_PRIV_NORMAL, my_mpidr(), 0), SDEI_INVALID_PARAMETERS,
	       "EVENT_SIGNAL of event 1000 (not signalable) is INVALID_PARAMETERS");
	expect(sdei(SDEI_EVENT_SIGNAL, EV_UNKNOWN, my_mpidr(), 0), SDEI_INVALID_PARAMETERS,
	       "EVENT_SIGNAL of an unknown event is INVALID_PARAMETERS");
	expect(sdei(SDEI_EVENT_SIGNAL, EV_SIGNAL, absent_mpidr, 0), SDEI_INVALID_PARAMETERS,
	       "EVENT_SIGNAL to an absent MPIDR is INVALID_PARAMETERS");
}

static void check_release_errors(void)
{
	expect(sdei(SDEI_INTERRUPT_RELEASE, EV_SIGNAL, 0, 0), SDEI_INVALID_PARAMETERS,
	       "INTERRUPT_RELEASE of event 0 (not bound) is INVALID_PARAMETERS");
	expect(sdei(SDEI_INTERRUPT_RELEASE, EV_SHARED_NORMAL, 0, 0), SDEI_INVALID_PARAMETERS,
	       "INTERRUPT_RELEASE of event 2000 (not bound) is INVALID_PARAMETERS");
	expect(sdei(SDEI_INTERRUPT_RELEASE, EV_BOUND_BASE, 0, 0), SDEI_INVALID_PARAMETERS,
	       "INTERRUPT_RELEASE of an unbound 0x8000 is INVALID_PARAMETERS");
}

static void check_error_paths(void)
{
	check_unknown_event();
	check_unregistered_event();
	check_outside_handler();
	check_register_errors();
	check_routing_set_errors();
	check_signal_errors();
	check_release_errors();
}

/* ---- the state machine on the boot CPU ----------------------------------- */

static void check_state_machine(void)
{
	if (!expect(sdei_register(EV_SIGNAL, &h_plain, 0, 0), 0, "REGISTER(0) succeeds"))
		return;
	expect(sdei_status(EV_SIGNAL), SDEI_ST_REGISTERED,
	       "EVENT_STATUS after REGISTER: registered (1)");
	expect(sdei_register(EV_SIGNAL, &h_plain, 0, 0), SDEI_DENIED,
	       "REGISTER of a registered event is DENIED");
	expect(sdei(SDEI_EVENT_ENABLE, EV_SIGNAL, 0, 0), 0, "ENABLE(0) succeeds");
	expect(sdei_status(EV_SIGNAL), ST_ARMED,
	       "EVENT_STATUS after ENABLE: registered, enabled (3)");
	expect(sdei(SDEI_EVENT_ENABLE, EV_SIGNAL, 0, 0), 0, "ENABLE of an enabled event succeeds");
	expect(sdei(SDEI_EVENT_DISABLE, EV_SIGNAL, 0, 0), 0, "DISABLE(0) succeeds");
	expect(sdei_status(EV_SIGNAL), SDEI_ST_REGISTERED,
	       "EVENT_STATUS after DISABLE: registered (1)");
	expect(sdei(SDEI_EVENT_DISABLE, EV_SIGNAL, 0, 0), 0,
	       "DISABLE of a disabled event succeeds");
	expect(sdei(SDEI_EVENT_UNREGISTER, EV_SIGNAL, 0, 0), 0, "UNREGISTER(0) succeeds");
	expect(sdei_status(EV_SIGNAL), 0, "EVENT_STATUS after UNREGISTER: 0");
	expect(sdei(SDEI_EVENT_ENABLE, EV_SIGNAL, 0, 0), SDEI_DENIED,
	       "ENABLE after UNREGISTER is DENIED");
	/* A private event has no routing: the flag and affinity are ignored. */
	expect(sdei_register(EV_SIGNAL, &h_plain, SDEI_RM_PE, absent_mpidr), 0,
	       "REGISTER(0, RM_PE, absent MPIDR) succeeds: a private event ignores routing");
	sdei(SDEI_EVENT_UNREGISTER, EV_SIGNAL, 0, 0);
	/* Unregistering also disables. */
	sdei_register(EV_SIGNAL, &h_plain, 0, 0);
	sdei(SDEI_EVENT_ENABLE, EV_SIGNAL, 0, 0);
	sdei(SDEI_EVENT_UNREGISTER, EV_SIGNAL, 0, 0);
	sdei_register(EV_SIGNAL, &h_plain, 0, 0);
	expect(sdei_status(EV_SIGNAL), SDEI_ST_REGISTERED,
	       "REGISTER after UNREGISTER of an enabled event: registered, disabled (1)");
	sdei(SDEI_EVENT_UNREGISTER, EV_SIGNAL, 0, 0);
}

/* Event 0 on this CPU, registered with h and enabled; false if that failed. */
static bool arm_event0(struct sdei_handler *h)
{
	return sdei_register(EV_SIGNAL, h, 0, 0) == 0 &&
	       sdei(SDEI_EVENT_ENABLE, EV_SIGNAL, 0, 0) == 0;
}

static void disarm(uint32_t event)
{
	sdei(SDEI_EVENT_DISABLE, event, 0, 0);
	sdei(SDEI_EVENT_UNREGISTER, event, 0, 0);
}

/* ---- benchmarks ---------------------------------------------------------- */

static void bench_psci_version(void)
{
	unsigned int i;

	for (i = 0; i < BENCH_ITERS; i++) {
		uint64_t t0 = timer_now();

		smccc_call(PSCI_FID32(PSCI_VERSION), 0, 0, 0);
		samples[i] = timer_now() - t0;
	}
	bench("psci_version_ticks", median(samples, BENCH_ITERS));
}

/*
 * The floor of the SDEI round trip below: its two exits (EVENT_SIGNAL,
 * EVENT_COMPLETE) and its register ioctls, 46 (docs/sdei.md: 4 for the
 * call, 16 + 6 for the delivery, 20 for the completion), as two calls of
 * hvmm's BENCH_REGS that each cost n + 2 register ioctls.
 */
#define SDEI_ROUND_TRIP_REG_IOCTLS 46U
#define HVMM_BENCH_REGS            0xC2000002U

static void bench_sdei_floor(void)
{
	const uint64_t n = (SDEI_ROUND_TRIP_REG_IOCTLS - 4U) / 2U;
	unsigned int i;

	if (smccc_call(HVMM_BENCH_REGS, n, 0, 0) != 0) {
		uart_puts("# bench: sdei_floor_ticks skipped: no HVMM_BENCH_REGS\n");
		return;
	}
	for (i = 0; i < BENCH_ITERS; i++) {
		uint64_t t0 = timer_now();

		smccc_call(HVMM_BENCH_REGS, n, 0, 0);
		smccc_call(HVMM_BENCH_REGS, n, 0, 0);
		samples[i] = timer_now() - t0;
	}
	bench("sdei_floor_ticks", median(samples, BENCH_ITERS));
}

/*
 * EVENT_SIGNAL to this CPU: from the counter read right before the call to
 * the handler's first instructions, and from the counter read right before
 * EVENT_COMPLETE to the first instruction after the call it interrupted.
 */
static void bench_sdei(void)
{
	static uint64_t resume[BENCH_ITERS];
	unsigned int i, ran = 0, at_return = 0;
	uint64_t t[3];

	if (!arm_event0(&h_bench)) {
		tap_check(0, "REGISTER and ENABLE event 0 for the benchmark");
		return;
	}
	for (i = 0; i < BENCH_ITERS; i++) {
		uint64_t old = sdei_hits(&h_bench, 0);
		struct sdei_hit hit;

		sdei_timed_signal(my_mpidr(), t);
		if (t[2] != 0 || sdei_hits(&h_bench, 0) != old + 1)
			continue;
		sdei_hit_read(&h_bench, 0, &hit);
		at_return += hit.x[2] == SMCCC_RET_ADDR(sdei_timed_signal);
		samples[ran] = hit.t_entry - t[0];
		resume[ran] = t[1] - hit.t_complete;
		ran++;
	}
	disarm(EV_SIGNAL);
	nb_start("EVENT_SIGNAL to self: the handler ran before the call returned, ");
	nb_dec(at_return);
	nb_str(" of ");
	nb_dec(BENCH_ITERS);
	nb_str(" times");
	tap_check(ran == BENCH_ITERS && at_return == BENCH_ITERS, nb());
	if (!ran)
		return;
	bench("sdei_signal_to_handler_ticks", median(samples, ran));
	bench("sdei_handler_to_resume_ticks", median(resume, ran));
}

static void run_benchmarks(void)
{
	bench("cntfrq", timer_freq());
	bench_psci_version();
	bench_sdei();
	bench_sdei_floor();
}

/* ---- registers around an event on the boot CPU --------------------------- */

static void check_self_signal(void)
{
	static struct sdei_probe p;
	struct probe_want w = { .what = "self-signal", .event = EV_SIGNAL, .h = &h_self };
	struct sdei_hit hit;
	uint64_t old = sdei_hits(&h_self, 0);
	unsigned int i;

	if (!arm_event0(&h_self)) {
		tap_check(0, "self-signal: REGISTER and ENABLE event 0");
		return;
	}
	probe_self_signal(&p, 1);
	w.pc_lo = SMCCC_RET_ADDR(sdei_probe_call);
	w.pc_hi = w.pc_lo + 4;
	for (i = 0; i < 18; i++)
		w.ctx[i] = p.pat[i];
	w.ctx[0] = SDEI_SUCCESS;     /* EVENT_SIGNAL's result, written before delivery */
	sdei_probe_call(&p);
	if (!tap_check(sdei_hits(&h_self, 0) == old + 1,
		       "self-signal: the handler ran once, as EVENT_SIGNAL returned")) {
		disarm(EV_SIGNAL);
		return;
	}
	sdei_hit_read(&h_self, 0, &hit);
	check_probe_entry(&w, &p, &hit);
	expect((int64_t)hit.status, ST_ARMED_RUNNING,
	       "EVENT_STATUS inside the handler: registered, enabled, running (7)");
	expect((int64_t)hit.ctx_bad, SDEI_INVALID_PARAMETERS,
	       "EVENT_CONTEXT(18) inside a handler is INVALID_PARAMETERS");
	expect((int64_t)hit.user[0], SDEI_DENIED,
	       "REGISTER of the running event inside its handler is DENIED");
	expect((int64_t)hit.depth, 1, "the handler was not nested");
	check_probe_after(&w, &p);
	expect(sdei_status(EV_SIGNAL), ST_ARMED,
	       "EVENT_STATUS after EVENT_COMPLETE: registered, enabled (3)");
	disarm(EV_SIGNAL);
}

/* COMPLETE_AND_RESUME(VBAR_EL1 + 0x280): as if the interrupted code took an IRQ. */
static void check_complete_and_resume(void)
{
	static struct sdei_probe p;
	volatile struct sdei_resume_rec *r = &sdei_resume_rec;
	uint64_t vbar = read_sysreg(vbar_el1), old_rec = load64(&r->count);
	struct probe_want w = { .what = "COMPLETE_AND_RESUME" };
	struct sdei_hit hit;
	uint64_t rx[18];
	unsigned int i;

	if (!arm_event0(&h_resume)) {
		tap_check(0, "COMPLETE_AND_RESUME: REGISTER and ENABLE event 0");
		return;
	}
	probe_self_signal(&p, 2);
	for (i = 0; i < 18; i++)
		w.ctx[i] = p.pat[i];
	w.ctx[0] = SDEI_SUCCESS;
	write_sysreg(sdei_resume_vectors, vbar_el1);
	isb();
	sdei_probe_call(&p);
	write_sysreg(vbar, vbar_el1);
	isb();
	sdei_hit_read(&h_resume, 0, &hit);
	disarm(EV_SIGNAL);

	if (!tap_check(load64(&r->count) == old_rec + 1,
		       "COMPLETE_AND_RESUME: the IRQ vector (VBAR_EL1 + 0x280) ran once"))
		return;
	for (i = 0; i < 18; i++)
		rx[i] = load64(&r->x[i]);
	tap_check(regs_equal(rx, w.ctx, 0, 18),
		  "COMPLETE_AND_RESUME: the vector is entered with the interrupted x0-x17");
	if (!tap_check(r->elr == SMCCC_RET_ADDR(sdei_probe_call) && r->elr == hit.x[2],
		       "COMPLETE_AND_RESUME: ELR_EL1 = the interrupted PC"))
		diag_hex("ELR_EL1", r->elr);
	if (!tap_check(r->spsr == hit.x[3] && (r->spsr & PSTATE_CHECKED) == want_pstate(&p),
		       "COMPLETE_AND_RESUME: SPSR_EL1 = the interrupted PSTATE"))
		diag_hex("SPSR_EL1", r->spsr);
	if (!tap_check(r->el == CURRENT_EL1 && r->spsel == 1 && r->daif == PSTATE_DAIF &&
		       r->nzcv == 0 && r->sp == p.sp_in,
		       "COMPLETE_AND_RESUME: the vector runs in 0x3c5 on the interrupted SP")) {
		diag_hex("DAIF", r->daif);
		diag_hex("NZCV", r->nzcv);
		diag_hex("SP", r->sp);
	}
	tap_check(regs_equal(p.after, w.ctx, 0, 18) && p.sp_out == p.sp_in &&
		  p.nzcv_out == p.nzcv_in && p.daif_out == p.daif_in,
		  "COMPLETE_AND_RESUME: after ERET, x0-x17, SP, NZCV, DAIF are as interrupted");
	expect(sdei_status(EV_SIGNAL), 0, "COMPLETE_AND_RESUME: the event is no longer running");
}

/* Masked or disabled: the signal is held, then delivered once. */
static void check_masking(void)
{
	uint64_t old;
	struct sdei_hit hit;

	if (!arm_event0(&h_plain)) {
		tap_check(0, "masking: REGISTER and ENABLE event 0");
		return;
	}
	old = sdei_hits(&h_plain, 0);
	expect(sdei(SDEI_PE_MASK, 0, 0, 0), 1, "masking: PE_MASK of the unmasked boot PE is 1");
	expect(sdei_signal(my_mpidr()), 0, "masking: EVENT_SIGNAL to the masked PE succeeds");
	expect(sdei_signal(my_mpidr()), 0, "masking: a second EVENT_SIGNAL succeeds");
	tap_check(stays_quiet(&h_plain, 0, old), "masking: no handler runs while the PE is masked");
	expect(sdei(SDEI_PE_UNMASK, 0, 0, 0), 0, "masking: PE_UNMASK succeeds");
	tap_check(sdei_hits(&h_plain, 0) == old + 1,
		  "masking: the held event ran once, as PE_UNMASK returned");
	sdei_hit_read(&h_plain, 0, &hit);
	tap_check(hit.x[2] == SMCCC_RET_ADDR(smccc_call),
		  "masking: it interrupted the instruction after PE_UNMASK's HVC/SMC");
	tap_check(stays_quiet(&h_plain, 0, old + 1),
		  "masking: two signals while masked made one pending event");

	old = sdei_hits(&h_plain, 0);
	sdei(SDEI_EVENT_DISABLE, EV_SIGNAL, 0, 0);
	expect(sdei_signal(my_mpidr()), 0, "disabled: EVENT_SIGNAL of the disabled event succeeds");
	tap_check(stays_quiet(&h_plain, 0, old), "disabled: no handler runs while it is disabled");
	expect(sdei(SDEI_EVENT_ENABLE, EV_SIGNAL, 0, 0), 0, "disabled: ENABLE succeeds");
	tap_check(sdei_hits(&h_plain, 0) == old + 1,
		  "disabled: the held event ran once, as ENABLE returned");
	disarm(EV_SIGNAL);
}

static void check_unregister_running(void)
{
	uint64_t old = sdei_hits(&h_unregister, 0);
	struct sdei_hit hit;

	if (!arm_event0(&h_unregister)) {
		tap_check(0, "UNREGISTER while running: REGISTER and ENABLE event 0");
		return;
	}
	sdei_signal(my_mpidr());
	if (!tap_check(sdei_hits(&h_unregister, 0) == old + 1,
		       "UNREGISTER while running: the handler ran")) {
		disarm(EV_SIGNAL);
		return;
	}
	sdei_hit_read(&h_unregister, 0, &hit);
	expect((int64_t)hit.user[0], SDEI_PENDING,
	       "UNREGISTER inside the event's own handler is PENDING");
	expect((int64_t)hit.user[1], SDEI_ST_RUNNING,
	       "EVENT_STATUS while the UNREGISTER is pending: running only (4)");
	expect((int64_t)hit.user[2], SDEI_PENDING, "UNREGISTER asked again meanwhile is PENDING");
	expect((int64_t)hit.user[3], SDEI_DENIED, "ENABLE meanwhile is DENIED");
	expect((int64_t)hit.user[4], SDEI_DENIED, "REGISTER meanwhile is DENIED");
	expect(sdei_status(EV_SIGNAL), 0,
	       "the pending UNREGISTER finished at EVENT_COMPLETE (status 0)");
	expect(sdei(SDEI_EVENT_ENABLE, EV_SIGNAL, 0, 0), SDEI_DENIED,
	       "ENABLE after the pending UNREGISTER finished is DENIED");
	disarm(EV_SIGNAL);
}

/* ---- every vCPU ---------------------------------------------------------- */

/* vCPUs are numbered densely: the first MPIDR AFFINITY_INFO rejects ends them. */
static void discover_cpus(void)
{
	nr_cpus = smp_count_cpus();
	absent_mpidr = cpu_mpidr(nr_cpus);
	uart_puts("# vCPUs: ");
	uart_put_dec(nr_cpus);
	uart_putc('\n');
}

/* Only now: until here the boot CPU had the host to itself. Idle workers
 * sleep in WFI and look for commands every WORKER_POLL_MS. */
static void start_workers(void)
{
	unsigned int i;

	store64(&smp_idle_poll, ms_to_ticks(WORKER_POLL_MS));
	for (i = 1; i < nr_cpus; i++) {
		uint64_t old = smp_start_count(i);
		int64_t r = psci(PSCI_FID64(PSCI_CPU_ON), cpu_mpidr(i),
				 (uint64_t)secondary_entry, i);

		usable[i] = r == PSCI_SUCCESS && smp_sleep_until_start(i, old, ms_to_ticks(WAIT_MS));
	}
}

/* Event 0 on cpu with handler h (whatever was registered before goes). */
static bool arm_event0_on(unsigned int cpu, struct sdei_handler *h)
{
	sdei_on(cpu, SDEI_EVENT_DISABLE, EV_SIGNAL, 0, 0);
	sdei_on(cpu, SDEI_EVENT_UNREGISTER, EV_SIGNAL, 0, 0);
	return register_on(cpu, EV_SIGNAL, h) == 0 &&
	       sdei_on(cpu, SDEI_EVENT_ENABLE, EV_SIGNAL, 0, 0) == 0;
}

/* A PE fresh from CPU_ON: masked, nothing registered. */
static void check_fresh_pe(unsigned int cpu, const char *how)
{
	nb_cpu(cpu, how);
	nb_str(": PE_MASK is 0 (it starts masked)");
	expect(sdei_on(cpu, SDEI_PE_MASK, 0, 0, 0), 0, nb());
	nb_cpu(cpu, how);
	nb_str(": EVENT_STATUS(0) is 0 (no private registrations)");
	expect(sdei_on(cpu, SDEI_EVENT_STATUS, EV_SIGNAL, 0, 0), 0, nb());
}

static void check_workers_start_masked(void)
{
	unsigned int i;

	start_workers();
	for (i = 1; i < nr_cpus; i++) {
		if (!tap_check(usable[i], nb_cpu(i, "CPU_ON succeeds and the worker runs")))
			continue;
		check_fresh_pe(i, "after CPU_ON");
	}
}

/* Register, enable, have vCPU 0 signal it, the handler runs there, completes. */
static void check_one_vcpu(unsigned int cpu)
{
	uint64_t old = sdei_hits(&h_each, cpu), others = hits_elsewhere(&h_each, cpu);
	struct sdei_hit hit;

	if (cpu != 0)
		expect(sdei_on(cpu, SDEI_PE_UNMASK, 0, 0, 0), 0, nb_cpu(cpu, "PE_UNMASK succeeds"));
	expect(register_on(cpu, EV_SIGNAL, &h_each), 0, nb_cpu(cpu, "REGISTER(0) succeeds"));
	expect(sdei_on(cpu, SDEI_EVENT_ENABLE, EV_SIGNAL, 0, 0), 0,
	       nb_cpu(cpu, "ENABLE(0) succeeds"));
	if (!tap_check(sdei_signal(cpu_mpidr(cpu)) == 0 &&
		       sdei_wait_hits(&h_each, cpu, old, ms_to_ticks(WAIT_MS)),
		       nb_cpu(cpu, "EVENT_SIGNAL from vCPU 0 runs the handler there")))
		return;
	sdei_hit_read(&h_each, cpu, &hit);
	tap_check(hit.x[0] == EV_SIGNAL && hit.x[1] == (uint64_t)&h_each &&
		  hit.el == CURRENT_EL1 && hit.daif == PSTATE_DAIF &&
		  hit.status == ST_ARMED_RUNNING,
		  nb_cpu(cpu, "handler gets x0 = 0, x1 = its argument, EL1h, DAIF, status 7"));
	tap_check(hits_elsewhere(&h_each, cpu) == others,
		  nb_cpu(cpu, "the handler ran on no other vCPU"));
	expect(sdei_on(cpu, SDEI_EVENT_STATUS, EV_SIGNAL, 0, 0), ST_ARMED,
	       nb_cpu(cpu, "EVENT_STATUS(0) after completion is 3"));
}

static void check_every_vcpu(void)
{
	unsigned int i;

	for (i = 0; i < nr_cpus; i++)
		if (i == 0 || usable[i])
			check_one_vcpu(i);
}

/* A worker signals another worker. */
static void check_cross_signal(void)
{
	unsigned int a = first_worker(0), b = first_worker(a);
	uint64_t old;

	if (!a || !b) {
		tap_skip("EVENT_SIGNAL from one worker vCPU to another", "fewer than 3 vCPUs");
		return;
	}
	old = sdei_hits(&h_each, b);
	nb_start("EVENT_SIGNAL from vCPU ");
	nb_dec(a);
	nb_str(" to vCPU ");
	nb_dec(b);
	nb_str(" runs the handler on the target");
	tap_check(sdei_on(a, SDEI_EVENT_SIGNAL, EV_SIGNAL, cpu_mpidr(b), 0) == 0 &&
		  sdei_wait_hits(&h_each, b, old, ms_to_ticks(WAIT_MS)), nb());
}

/* vCPU 0 spins in a probe; a worker signals it once the pattern is loaded. */
static void check_spin_signalled(void)
{
	static struct sdei_probe p;
	struct probe_want w = { .what = "signalled while spinning", .event = EV_SIGNAL,
				.h = &h_probe };
	unsigned int a = first_worker(0);
	uint64_t go = load64(&smp_race_go) + 1, seq, old, end;

	if (!a) {
		tap_skip("another vCPU signals vCPU 0 while it spins", "one vCPU");
		return;
	}
	if (!arm_event0(&h_probe)) {
		tap_check(0, "signalled while spinning: REGISTER and ENABLE event 0");
		return;
	}
	old = sdei_hits(&h_probe, 0);
	seq = smp_send(a, SMP_OP_RACE, (const uint64_t[5]){
		SDEI_FID(SDEI_EVENT_SIGNAL), EV_SIGNAL, my_mpidr(), 0, go });
	end = timer_now() + ms_to_ticks(WAIT_MS);
	while (!smp_wait_ready(a, seq, 0) && timer_now() < end)
		wfe();
	probe_init(&p, 3);
	p.watch = (uint64_t)&h_probe.hit[0].count;
	p.watch_old = old;
	p.deadline = timer_now() + ms_to_ticks(WAIT_MS);
	p.go_addr = (uint64_t)&smp_race_go;
	p.go_val = go;
	sdei_probe_spin(&p);
	smp_sleep_until_done(a, seq, ms_to_ticks(WAIT_MS));
	disarm(EV_SIGNAL);

	nb_start("signalled while spinning: vCPU ");
	nb_dec(a);
	nb_str("'s EVENT_SIGNAL succeeded and the handler ran on vCPU 0");
	if (!tap_check(smp_result(a, 0) == 0 && sdei_hits(&h_probe, 0) == old + 1,
		       nb()))
		return;
	check_spin_probe(&w, &p);
}

/* A masked worker holds the signal until it unmasks. */
static void check_masked_worker(void)
{
	unsigned int a = first_worker(0);
	uint64_t old;
	struct sdei_hit hit;

	if (!a) {
		tap_skip("a masked worker holds event 0 until PE_UNMASK", "one vCPU");
		return;
	}
	old = sdei_hits(&h_each, a);
	expect(sdei_on(a, SDEI_PE_MASK, 0, 0, 0), 1,
	       nb_cpu(a, "PE_MASK of the unmasked worker is 1"));
	expect(sdei_signal(cpu_mpidr(a)), 0,
	       nb_cpu(a, "EVENT_SIGNAL to it while masked succeeds"));
	tap_check(stays_quiet(&h_each, a, old),
		  nb_cpu(a, "no handler runs while it is masked"));
	expect(sdei_on(a, SDEI_PE_UNMASK, 0, 0, 0), 0,
	       nb_cpu(a, "PE_UNMASK succeeds"));
	if (!tap_check(sdei_hits(&h_each, a) == old + 1,
		       nb_cpu(a, "the held event ran as PE_UNMASK returned")))
		return;
	sdei_hit_read(&h_each, a, &hit);
	tap_check(hit.x[2] == SMCCC_RET_ADDR(smccc_call),
		  nb_cpu(a, "it interrupted the instruction after PE_UNMASK's HVC/SMC"));
}

/* An event for a worker in CPU_SUSPEND standby: the suspend returns SUCCESS
 * first, then the handler runs as if interrupting the instruction after it. */
static void check_suspend_wakeup(void)
{
	unsigned int t = last_worker();
	uint64_t period = ms_to_ticks(SUSPEND_TIMER_MS), end, seq, old;
	uint64_t args[5] = { PSCI_FID64(PSCI_CPU_SUSPEND), 1 /* standby, both formats */,
			     (uint64_t)secondary_resume, 0, period };
	struct sdei_hit hit;
	int64_t hw;

	if (!t) {
		tap_skip("an event ends a CPU_SUSPEND standby", "one vCPU");
		return;
	}
	if (!arm_event0_on(t, &h_suspend)) {
		tap_check(0, nb_cpu(t, "REGISTER and ENABLE event 0 for the suspend"));
		return;
	}
	old = sdei_hits(&h_suspend, t);
	seq = smp_send(t, SMP_OP_SUSPEND, args);
	end = timer_now() + ms_to_ticks(WAIT_MS);
	do {
		hw = psci(PSCI_FID64(PSCI_NODE_HW_STATE), cpu_mpidr(t), 0, 0);
	} while (hw != HW_STANDBY && timer_now() < end);
	expect(hw, HW_STANDBY, nb_cpu(t, "in CPU_SUSPEND standby (NODE_HW_STATE)"));
	expect(sdei_signal(cpu_mpidr(t)), 0,
	       nb_cpu(t, "EVENT_SIGNAL to the suspended vCPU succeeds"));
	if (!tap_check(smp_sleep_until_done(t, seq, ms_to_ticks(WAIT_MS)),
		       nb_cpu(t, "the event ended the suspend well before its timer"))) {
		smp_sleep_until_done(t, seq, period);
		return;
	}
	expect((int64_t)smp_result(t, 0), PSCI_SUCCESS,
	       nb_cpu(t, "CPU_SUSPEND returned SUCCESS"));
	expect((int64_t)smp_result(t, 3), GIC_INTID_SPURIOUS,
	       nb_cpu(t, "no timer interrupt was pending (the event woke it)"));
	if (!tap_check(sdei_hits(&h_suspend, t) == old + 1,
		       nb_cpu(t, "the handler ran during the suspend's return")))
		return;
	sdei_hit_read(&h_suspend, t, &hit);
	tap_check(hit.x[2] == SMCCC_RET_ADDR(smccc_call) && hit.t_entry < smp_result(t, 2),
		  nb_cpu(t, "it interrupted the instruction after CPU_SUSPEND's HVC/SMC"));
	expect((int64_t)hit.ctx[0], PSCI_SUCCESS,
	       nb_cpu(t, "EVENT_CONTEXT(0) in the handler: the suspend's SUCCESS"));
}

/* ---- priorities: critical over normal, normal after normal --------------- */

static void check_nesting(void)
{
	uint64_t n0 = sdei_hits(&h_nest, 0), c0 = sdei_hits(&h_critical, 0);
	struct sdei_hit nest, crit;

	if (!arm_event0(&h_nest) || sdei_register(EV_PRIV_CRITICAL, &h_critical, 0, 0) != 0 ||
	    sdei(SDEI_EVENT_ENABLE, EV_PRIV_CRITICAL, 0, 0) != 0) {
		tap_check(0, "nesting: REGISTER and ENABLE events 0 and 1001");
		disarm(EV_SIGNAL);
		disarm(EV_PRIV_CRITICAL);
		return;
	}
	store64(&nest_armed, 1);
	sdei_signal(my_mpidr());
	store64(&nest_armed, 0);
	sdei_hit_read(&h_nest, 0, &nest);
	sdei_hit_read(&h_critical, 0, &crit);
	disarm(EV_SIGNAL);
	disarm(EV_PRIV_CRITICAL);

	expect((int64_t)nest.user[0], 0,
	       "nesting: EVENT_SIGNAL of event 0 inside its own running handler succeeds");
	tap_check(nest.user[1] == nest.user[2],
		  "nesting: ... and does not nest (normal never pre-empts normal)");
	if (!tap_check(nest.user[3] == 1 && sdei_hits(&h_critical, 0) == c0 + 1,
		       "nesting: host event 1001 (critical) ran while the normal handler ran"))
		return;
	expect((int64_t)crit.depth, 2,
	       "nesting: the critical handler was nested in the normal one");
	expect((int64_t)crit.user[0], ST_ARMED_RUNNING,
	       "nesting: inside the critical handler, event 0 is running (status 7)");
	tap_check(crit.user[1] == n0 && (crit.x[3] & PSTATE_CHECKED & ~0xf0000000ULL) ==
		  (PSTATE_DAIF | PSTATE_EL1H),
		  "nesting: it interrupted the normal handler (EL1h, DAIF masked) mid-way");
	expect((int64_t)crit.x[0], EV_PRIV_CRITICAL,
	       "nesting: the critical handler gets x0 = 1001");
	expect((int64_t)(sdei_hits(&h_nest, 0) - n0), 2,
	       "nesting: the event 0 signalled inside its handler ran once after EVENT_COMPLETE");
	tap_check(nest.x[2] == nest.user[5] && nest.x[2] == SMCCC_RET_ADDR(smccc_call) &&
		  nest.depth == 1,
		  "nesting: ... not nested, interrupting the same instruction as the first run");
}

/* ----  -------------------------------------------------------------------- */

/* vCPU 0 spins with a pattern in x0-x17 while the host raises 1000 for it. */
static void check_host_event_spinning(void)
{
	static struct sdei_probe p;
	struct probe_want w = { .what = "host 1000 on vCPU 0", .event = EV_PRIV_NORMAL,
				.h = &h_probe };
	uint64_t old = sdei_hits(&h_probe, 0);

	if (sdei_register(EV_PRIV_NORMAL, &h_probe, 0, 0) != 0 ||
	    sdei(SDEI_EVENT_ENABLE, EV_PRIV_NORMAL, 0, 0) != 0) {
		tap_check(0, "host 1000 on vCPU 0: REGISTER and ENABLE");
		disarm(EV_PRIV_NORMAL);
		return;
	}
	probe_init(&p, 4);
	p.watch = (uint64_t)&h_probe.hit[0].count;
	p.watch_old = old;
	ask_host(EV_PRIV_NORMAL, 0);
	p.deadline = timer_now() + ms_to_ticks(HOST_WAIT_MS);
	sdei_probe_spin(&p);
	disarm(EV_PRIV_NORMAL);
	if (!tap_check(sdei_hits(&h_probe, 0) == old + 1,
		       "host 1000 on vCPU 0: hvmm sdei signal ran the handler"))
		return;
	check_spin_probe(&w, &p);
}

/* A worker idling in its command loop gets 1000 from the host. */
static void check_host_event_worker(void)
{
	unsigned int a = first_worker(0);
	uint64_t old, others;
	struct sdei_hit hit;

	if (!a) {
		tap_skip("host event 1000 on a worker vCPU", "one vCPU");
		return;
	}
	old = sdei_hits(&h_host, a);
	others = hits_elsewhere(&h_host, a);
	if (register_on(a, EV_PRIV_NORMAL, &h_host) != 0 ||
	    sdei_on(a, SDEI_EVENT_ENABLE, EV_PRIV_NORMAL, 0, 0) != 0) {
		tap_check(0, nb_cpu(a, "REGISTER and ENABLE 1000"));
		return;
	}
	ask_host(EV_PRIV_NORMAL, a);
	if (tap_check(sdei_wait_hits(&h_host, a, old, ms_to_ticks(HOST_WAIT_MS)),
		      nb_cpu(a, "host event 1000 ran the handler there"))) {
		sdei_hit_read(&h_host, a, &hit);
		tap_check(hit.x[0] == EV_PRIV_NORMAL && hit.x[1] == (uint64_t)&h_host &&
			  hit.status == ST_ARMED_RUNNING,
			  nb_cpu(a, "1000's handler gets x0 = 1000, x1 = its argument, status 7"));
		tap_check(hits_elsewhere(&h_host, a) == others,
			  nb_cpu(a, "1000 ran on no other vCPU"));
	}
	sdei_on(a, SDEI_EVENT_DISABLE, EV_PRIV_NORMAL, 0, 0);
	expect(sdei_on(a, SDEI_EVENT_UNREGISTER, EV_PRIV_NORMAL, 0, 0), 0,
	       nb_cpu(a, "UNREGISTER(1000) succeeds"));
}

/* Shared 2000, routed RM_PE to the last vCPU, raised by the host. */
static void check_shared_routing(void)
{
	unsigned int cpu = last_worker();   /* the boot CPU if there is no worker */
	uint64_t old = sdei_hits(&h_shared, cpu), others = hits_elsewhere(&h_shared, cpu);
	struct sdei_hit hit;

	if (!expect(sdei_register(EV_SHARED_NORMAL, &h_shared, SDEI_RM_ANY, 0), 0,
		    "routing: REGISTER(2000, RM_ANY) succeeds"))
		return;
	nb_start("routing: ROUTING_SET(2000, RM_PE, vCPU ");
	nb_dec(cpu);
	nb_str(") succeeds");
	expect(sdei(SDEI_EVENT_ROUTING_SET, EV_SHARED_NORMAL, SDEI_RM_PE, cpu_mpidr(cpu)), 0,
	       nb());
	expect(get_info(EV_SHARED_NORMAL, SDEI_INFO_ROUTING_MODE), SDEI_RM_PE,
	       "routing: GET_INFO(2000, routing mode) is now RM_PE");
	expect(get_info(EV_SHARED_NORMAL, SDEI_INFO_ROUTING_AFF), (int64_t)cpu_mpidr(cpu),
	       "routing: GET_INFO(2000, affinity) is the target's MPIDR");
	expect(sdei(SDEI_EVENT_ENABLE, EV_SHARED_NORMAL, 0, 0), 0,
	       "routing: ENABLE(2000) succeeds");
	ask_host(EV_SHARED_NORMAL, -1);
	nb_start("routing: host event 2000 ran the handler on vCPU ");
	nb_dec(cpu);
	if (tap_check(sdei_wait_hits(&h_shared, cpu, old, ms_to_ticks(HOST_WAIT_MS)), nb())) {
		sdei_hit_read(&h_shared, cpu, &hit);
		tap_check(hits_elsewhere(&h_shared, cpu) == others,
			  "routing: ... and on no other vCPU");
		tap_check(hit.x[0] == EV_SHARED_NORMAL && hit.x[1] == (uint64_t)&h_shared,
			  "routing: the handler gets x0 = 2000, x1 = its argument");
		expect((int64_t)hit.user[0], 0,
		       "routing: DISABLE inside the running handler succeeds");
		expect((int64_t)hit.user[1], SDEI_ST_REGISTERED | SDEI_ST_RUNNING,
		       "routing: EVENT_STATUS inside, after DISABLE: registered, running (5)");
		expect((int64_t)hit.user[2], SDEI_DENIED,
		       "routing: ROUTING_SET of the running event is DENIED");
		expect((int64_t)hit.user[3], SDEI_RM_PE, "routing: GET_INFO inside: still RM_PE");
		expect(sdei_status(EV_SHARED_NORMAL), SDEI_ST_REGISTERED,
		       "routing: after completion, 2000 is registered, disabled, idle (1)");
	}
	sdei(SDEI_EVENT_DISABLE, EV_SHARED_NORMAL, 0, 0);
	expect(sdei(SDEI_EVENT_ROUTING_SET, EV_SHARED_NORMAL, SDEI_RM_ANY, 0), 0,
	       "routing: ROUTING_SET(2000, RM_ANY) after completion succeeds");
	expect(get_info(EV_SHARED_NORMAL, SDEI_INFO_ROUTING_MODE), SDEI_RM_ANY,
	       "routing: GET_INFO(2000, routing mode) is RM_ANY again");
	expect(sdei(SDEI_EVENT_UNREGISTER, EV_SHARED_NORMAL, 0, 0), 0,
	       "routing: UNREGISTER(2000) succeeds");
}

/* ----  -------------------------------------------------------------------- */

static void check_bind_errors(void)
{
	static const struct {
		uint32_t intid;
		const char *what;
	} bad[] = {
		{ 1, "INTERRUPT_BIND of an SGI (1) is INVALID_PARAMETERS" },
		{ GIC_INTID_VTIMER, "INTERRUPT_BIND of a PPI (27) is INVALID_PARAMETERS" },
		{ 32, "INTERRUPT_BIND of SPI 0 (32) is INVALID_PARAMETERS" },
		{ UART_INTID + 1, "INTERRUPT_BIND of SPI 2 (34) is INVALID_PARAMETERS" },
		{ 1023, "INTERRUPT_BIND of 1023 (spurious) is INVALID_PARAMETERS" },
	};
	unsigned int i;

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		expect(sdei(SDEI_INTERRUPT_BIND, bad[i].intid, 0, 0), SDEI_INVALID_PARAMETERS,
		       bad[i].what);
}

/* While bound: the UART's interrupt raises the event, not a GIC interrupt. */
static void check_bound_delivery(int64_t ev)
{
	uint64_t old = sdei_hits(&h_bound, 0);
	struct sdei_hit hit;

	if (sdei_register((uint32_t)ev, &h_bound, SDEI_RM_PE, my_mpidr()) != 0 ||
	    sdei(SDEI_EVENT_ENABLE, (uint64_t)ev, 0, 0) != 0) {
		tap_check(0, "bind: REGISTER and ENABLE the bound event");
		return;
	}
	expect(sdei(SDEI_INTERRUPT_RELEASE, (uint64_t)ev, 0, 0), SDEI_DENIED,
	       "bind: INTERRUPT_RELEASE of a registered bound event is DENIED");
	uart_thre_irq(true);
	sdei_wait_hits(&h_bound, 0, old, ms_to_ticks(WAIT_MS));
	uart_thre_irq(false);
	if (!tap_check(sdei_hits(&h_bound, 0) == old + 1,
		       "bind: the UART's THRE interrupt raised the bound event"))
		return;
	sdei_hit_read(&h_bound, 0, &hit);
	tap_check(hit.x[0] == (uint64_t)ev && hit.x[1] == (uint64_t)&h_bound,
		  "bind: the handler gets x0 = the bound event, x1 = its argument");
	tap_check(!hit.user[0], "bind: meanwhile the interrupt was not pending in the GIC");
	disarm((uint32_t)ev);
}

/* SHARED_RESET from inside the bound event's handler. */
static void check_shared_reset_running(int64_t ev)
{
	uint64_t old = sdei_hits(&h_shared_reset, 0);
	struct sdei_hit hit;

	if (sdei_register(EV_SHARED_NORMAL, &h_plain, SDEI_RM_ANY, 0) != 0 ||
	    sdei_register((uint32_t)ev, &h_shared_reset, SDEI_RM_PE, my_mpidr()) != 0 ||
	    sdei(SDEI_EVENT_ENABLE, (uint64_t)ev, 0, 0) != 0) {
		tap_check(0, "SHARED_RESET while running: REGISTER 2000 and the bound event");
		disarm(EV_SHARED_NORMAL);
		disarm((uint32_t)ev);
		return;
	}
	uart_thre_irq(true);
	sdei_wait_hits(&h_shared_reset, 0, old, ms_to_ticks(WAIT_MS));
	uart_thre_irq(false);
	if (!tap_check(sdei_hits(&h_shared_reset, 0) == old + 1,
		       "SHARED_RESET while running: the bound event's handler ran")) {
		disarm(EV_SHARED_NORMAL);
		disarm((uint32_t)ev);
		return;
	}
	sdei_hit_read(&h_shared_reset, 0, &hit);
	expect((int64_t)hit.user[0], SDEI_DENIED,
	       "SHARED_RESET while running: inside a shared handler it is DENIED");
	expect((int64_t)hit.user[1], SDEI_ST_RUNNING,
	       "SHARED_RESET while running: that event is left unregister-pending (4)");
	expect((int64_t)hit.user[2], 0,
	       "SHARED_RESET while running: the other shared events are unregistered");
	expect(sdei_status((uint32_t)ev), 0,
	       "SHARED_RESET while running: that event is unregistered at completion");
	expect(get_info((uint32_t)ev, SDEI_INFO_TYPE), 1,
	       "SHARED_RESET while running: its binding was not released");
}

static void check_interrupt_bind(void)
{
	int64_t ev, again;
	bool reached = false;
	uint64_t old;

	check_bind_errors();
	ev = sdei(SDEI_INTERRUPT_BIND, UART_INTID, 0, 0);
	if (!tap_check(ev >= EV_BOUND_BASE,
		       "bind: INTERRUPT_BIND(33, the UART) returns an event >= 0x8000")) {
		diag_hex("got", (uint64_t)ev);
		return;
	}
	again = sdei(SDEI_INTERRUPT_BIND, UART_INTID, 0, 0);
	expect(again, ev, "bind: INTERRUPT_BIND(33) again answers the same event");
	if (again >= EV_BOUND_BASE && again != ev)
		sdei(SDEI_INTERRUPT_RELEASE, (uint64_t)again, 0, 0);
	expect(get_info((uint32_t)ev, SDEI_INFO_TYPE), 1, "bind: the bound event is shared");
	expect(get_info((uint32_t)ev, SDEI_INFO_SIGNALABLE), 0,
	       "bind: the bound event is not signalable");
	expect(get_info((uint32_t)ev, SDEI_INFO_PRIORITY), 0,
	       "bind: the bound event has normal priority");
	expect(sdei_status((uint32_t)ev), 0, "bind: the bound event starts unregistered");

	gic_spi_enable(UART_INTID);
	check_bound_delivery(ev);
	check_shared_reset_running(ev);
	expect(sdei(SDEI_INTERRUPT_RELEASE, (uint64_t)ev, 0, 0), 0,
	       "bind: INTERRUPT_RELEASE of the unregistered bound event succeeds");
	expect(sdei(SDEI_INTERRUPT_RELEASE, (uint64_t)ev, 0, 0), SDEI_INVALID_PARAMETERS,
	       "bind: releasing it again is INVALID_PARAMETERS");
	expect(get_info((uint32_t)ev, SDEI_INFO_TYPE), SDEI_INVALID_PARAMETERS,
	       "bind: after release the event number no longer exists");

	/* Released: the line goes to the GIC again. */
	old = sdei_hits(&h_bound, 0);
	uart_thre_irq(true);
	delay_ticks(ms_to_ticks(1));
	reached = gic_spi_pending(UART_INTID);
	uart_thre_irq(false);
	delay_ticks(ms_to_ticks(1));
	tap_check(reached && sdei_hits(&h_bound, 0) == old,
		  "bind: after release the UART interrupt is pending in the GIC, no event");
	tap_check(!gic_spi_pending(UART_INTID),
		  "bind: and it goes away when the UART lowers it (level-sensitive)");
	gic_spi_disable(UART_INTID);
}

/* ----  -------------------------------------------------------------------- */

/* PRIVATE_RESET from inside event 0's handler, with 1000 registered too. */
static void check_private_reset_running(void)
{
	uint64_t old = sdei_hits(&h_private_reset, 0);
	struct sdei_hit hit;

	if (!arm_event0(&h_private_reset) || sdei_register(EV_PRIV_NORMAL, &h_plain, 0, 0) != 0) {
		tap_check(0, "PRIVATE_RESET while running: REGISTER 0 and 1000");
		disarm(EV_SIGNAL);
		disarm(EV_PRIV_NORMAL);
		return;
	}
	sdei_signal(my_mpidr());
	if (!tap_check(sdei_hits(&h_private_reset, 0) == old + 1,
		       "PRIVATE_RESET while running: event 0's handler ran")) {
		disarm(EV_SIGNAL);
		disarm(EV_PRIV_NORMAL);
		return;
	}
	sdei_hit_read(&h_private_reset, 0, &hit);
	expect((int64_t)hit.user[0], SDEI_DENIED,
	       "PRIVATE_RESET while running: inside a private handler it is DENIED");
	expect((int64_t)hit.user[1], SDEI_ST_RUNNING,
	       "PRIVATE_RESET while running: that event is left unregister-pending (4)");
	expect((int64_t)hit.user[2], 0,
	       "PRIVATE_RESET while running: the other private events are unregistered");
	expect(sdei_status(EV_SIGNAL), 0,
	       "PRIVATE_RESET while running: that event is unregistered at completion");
}

static bool register_all_here(void)
{
	static const uint32_t evs[] = { EV_SIGNAL, EV_PRIV_NORMAL, EV_PRIV_CRITICAL,
					EV_SHARED_NORMAL, EV_SHARED_CRITICAL };
	unsigned int i;
	bool ok = true;

	for (i = 0; i < sizeof(evs) / sizeof(evs[0]); i++)
		ok &= sdei_register(evs[i], &h_plain, 0, 0) == 0;
	return ok;
}

static void check_resets(void)
{
	unsigned int a = first_worker(0);
	int64_t ev;

	if (!tap_check(register_all_here(), "resets: REGISTER 0, 1000, 1001, 2000, 2001 on vCPU 0"))
		return;
	sdei(SDEI_EVENT_ENABLE, EV_PRIV_NORMAL, 0, 0);
	expect(sdei(SDEI_PRIVATE_RESET, 0, 0, 0), 0, "PRIVATE_RESET succeeds");
	tap_check(sdei_status(EV_SIGNAL) == 0 && sdei_status(EV_PRIV_NORMAL) == 0 &&
		  sdei_status(EV_PRIV_CRITICAL) == 0,
		  "PRIVATE_RESET unregistered this PE's private events");
	tap_check(sdei_status(EV_SHARED_NORMAL) == SDEI_ST_REGISTERED &&
		  sdei_status(EV_SHARED_CRITICAL) == SDEI_ST_REGISTERED,
		  "PRIVATE_RESET left the shared events registered");
	if (a)
		expect(sdei_on(a, SDEI_EVENT_STATUS, EV_SIGNAL, 0, 0),
		       ST_ARMED,
		       "PRIVATE_RESET left another PE's event 0 registered and enabled");

	sdei_register(EV_SIGNAL, &h_plain, 0, 0);
	ev = sdei(SDEI_INTERRUPT_BIND, UART_INTID, 0, 0);
	expect(sdei(SDEI_SHARED_RESET, 0, 0, 0), 0, "SHARED_RESET succeeds");
	tap_check(sdei_status(EV_SHARED_NORMAL) == 0 && sdei_status(EV_SHARED_CRITICAL) == 0,
		  "SHARED_RESET unregistered the shared events");
	expect(sdei_status(EV_SIGNAL), SDEI_ST_REGISTERED,
	       "SHARED_RESET left private event 0 registered");
	if (ev >= EV_BOUND_BASE) {
		expect(get_info((uint32_t)ev, SDEI_INFO_TYPE), SDEI_INVALID_PARAMETERS,
		       "SHARED_RESET released the binding (its event is gone)");
		ev = sdei(SDEI_INTERRUPT_BIND, UART_INTID, 0, 0);
		tap_check(ev >= EV_BOUND_BASE,
			  "SHARED_RESET freed the bind slot: INTERRUPT_BIND works again");
		sdei(SDEI_INTERRUPT_RELEASE, (uint64_t)ev, 0, 0);
	} else {
		tap_check(0, "resets: INTERRUPT_BIND(33) before SHARED_RESET");
	}
	sdei(SDEI_EVENT_UNREGISTER, EV_SIGNAL, 0, 0);
}

/* ----  -------------------------------------------------------------------- */

static void check_cpu_on_resets_pe(void)
{
	unsigned int a = first_worker(0);
	uint64_t old;
	int64_t aff;
	uint64_t end;

	if (!a) {
		tap_skip("CPU_ON again: the PE starts masked with nothing registered", "one vCPU");
		return;
	}
	/* Unmasked with event 0 registered (check_every_vcpu), then off and on. */
	smp_send(a, SMP_OP_OFF, (const uint64_t[5]){ PSCI_FID32(PSCI_CPU_OFF) });
	end = timer_now() + ms_to_ticks(WAIT_MS);
	do {
		aff = psci(PSCI_FID64(PSCI_AFFINITY_INFO), cpu_mpidr(a), 0, 0);
	} while (aff != AFF_OFF && timer_now() < end);
	/* Latched while off; CPU_ON must drop it with the registrations. */
	expect(sdei_signal(cpu_mpidr(a)), 0,
	       nb_cpu(a, "EVENT_SIGNAL to the vCPU while it is off succeeds"));
	old = smp_start_count(a);
	if (!tap_check(aff == AFF_OFF &&
		       psci(PSCI_FID64(PSCI_CPU_ON), cpu_mpidr(a),
			    (uint64_t)secondary_entry, 0) == PSCI_SUCCESS &&
		       smp_sleep_until_start(a, old, ms_to_ticks(WAIT_MS)),
		       nb_cpu(a, "CPU_OFF, then CPU_ON again"))) {
		usable[a] = false;
		return;
	}
	check_fresh_pe(a, "after CPU_OFF and CPU_ON");
	old = sdei_hits(&h_each, a);
	expect(register_on(a, EV_SIGNAL, &h_each) == 0 &&
	       sdei_on(a, SDEI_EVENT_ENABLE, EV_SIGNAL, 0, 0) == 0 &&
	       sdei_on(a, SDEI_PE_UNMASK, 0, 0, 0) == 0, 1,
	       nb_cpu(a, "REGISTER, ENABLE and PE_UNMASK after CPU_ON succeed"));
	tap_check(stays_quiet(&h_each, a, old),
		  nb_cpu(a, "the event 0 signalled while it was off was dropped by CPU_ON"));
}

static void check_no_strays(void)
{
	unsigned int i;
	uint64_t n = 0;

	for (i = 0; i < nr_cpus; i++)
		n += sdei_strays(i);
	tap_check(!n, "no handler was entered with an argument it was not registered with");
}

/* ----  -------------------------------------------------------------------- */

static void check_boot_cpu_basics(void)
{
	check_features();
	check_pe_mask_at_boot();
}

static void check_every_vcpu_and_free_boot(void)
{
	check_every_vcpu();
	disarm(EV_SIGNAL);
}

static const struct bm_section sections[] = {
	{ "FEATURES, function IDs, PE mask", check_boot_cpu_basics },
	{ "EVENT_GET_INFO", check_event_info },
	{ "error paths", check_error_paths },
	{ "state machine", check_state_machine },
	{ "benchmarks", run_benchmarks },
	{ "self-signal registers", check_self_signal },
	{ "COMPLETE_AND_RESUME", check_complete_and_resume },
	{ "masking", check_masking },
	{ "UNREGISTER while running", check_unregister_running },
	{ "critical over normal (host 1001)", check_nesting },
	{ "host event on vCPU 0 (host 1000)", check_host_event_spinning },
	{ "INTERRUPT_BIND", check_interrupt_bind },
	{ "workers", check_workers_start_masked },
	{ "every vCPU", check_every_vcpu_and_free_boot },
	{ "across vCPUs", check_cross_signal },
	{ "signalled while spinning", check_spin_signalled },
	{ "masked worker", check_masked_worker },
	{ "CPU_SUSPEND", check_suspend_wakeup },
	{ "host event on a worker (host 1000)", check_host_event_worker },
	{ "shared routing (host 2000)", check_shared_routing },
	{ "resets", check_resets },
	{ "PRIVATE_RESET while running", check_private_reset_running },
	{ "CPU_ON again", check_cpu_on_resets_pe },
	{ "strays", check_no_strays },
};

int main(uint64_t dtb)
{
	uint64_t t_begin = timer_now();

	uart_puts("hvmm-baremetal: SDEI conformance\n");
	bm_boot_cpu_init();
	bm_check_conduit(dtb);
	if (!check_version(dtb))
		return tap_done();
	discover_cpus();
	bm_run_sections(sections, sizeof(sections) / sizeof(sections[0]), t_begin);
	return tap_done();
}
