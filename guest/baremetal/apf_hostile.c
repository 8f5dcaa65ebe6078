/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The hostile rows of the asynchronous page-fault protocol (bm.mode=hostile,
 * docs/apf-guest.md): bad arguments, enabling with events that are not
 * registered, enabled or unmasked (every fault then synchronous), enabling
 * and disabling twice, taking twice, DISABLE with a token outstanding,
 * ENABLE/DISABLE racing a vCPU that takes faults, CPU_OFF and SYSTEM_RESET
 * with a fault outstanding. Run with 2 vCPUs, --lazy-mem IMAGE,latency=L
 * (L of some ms, so that an outstanding page cannot land before the guest
 * powers off or resets) and bm.boots=2.
 */
#include "apf.h"

#define OFF_WAIT_MS      5000
#define FORGOTTEN_MS     500       /* long enough for a forgotten page to land */
#define RACE_TOGGLES     300
#define HOSTILE_EV_NONE  4242U     /* no such event */
#define EV_PRIV_CRITICAL 1001U
#define EV_SHARED_NORMAL 2000U
#define SECONDARY        1U

static uint64_t next_page;         /* fresh lazy pages, handed out in order */
static uint64_t reset_page;        /* the page outstanding at the reset */

static uint64_t fresh_pages(uint64_t n)
{
	uint64_t p = next_page;

	next_page += n * APF_PAGE;
	return p;
}

/* Every word of a page read (at EL1h), compared with the source. */
static bool page_right(uint64_t page)
{
	const volatile uint64_t *p = (const volatile uint64_t *)page;
	uint64_t bad = 0;
	unsigned int w;

	for (w = 0; w < APF_PAGE / 8; w++)
		bad += p[w] != apf_source_word(page + w * 8);
	return !bad;
}

static void rows_arguments(void)
{
	uint64_t tok[APF_TAKE_MAX];

	expect(apf_take(2, tok), -2, "APF_TAKE(2) is INVALID_PARAMETERS");
	expect(apf_take(~0ULL, tok), -2, "APF_TAKE(-1) is INVALID_PARAMETERS");
	expect(apf_take(0, tok), 0, "APF_TAKE(0) with nothing delivered answers 0 tokens");
	expect(apf_take(1, tok), 0, "APF_TAKE(1) with nothing ready answers 0 tokens");
	expect(apf_call(APF_DISABLE_FID, 0, 0, 0), -3, "APF_DISABLE before any ENABLE is DENIED");
	expect(apf_call(APF_ENABLE_FID, APF_EV_NOT_PRESENT, APF_EV_NOT_PRESENT, 1), -2,
	       "APF_ENABLE with the same event twice is INVALID_PARAMETERS");
	expect(apf_call(APF_ENABLE_FID, APF_EV_NOT_PRESENT, APF_EV_READY, 4), -2,
	       "APF_ENABLE with flag bit 2 is INVALID_PARAMETERS");
	expect(apf_call(APF_ENABLE_FID, APF_EV_NOT_PRESENT, APF_EV_READY, 3), -2,
	       "APF_ENABLE with a ready PPI naming an event number is INVALID_PARAMETERS");
	expect(apf_call(APF_ENABLE_FID, APF_EV_NOT_PRESENT, GIC_INTID_VTIMER, 3), -2,
	       "APF_ENABLE naming the virtual timer's PPI is INVALID_PARAMETERS");
	expect(apf_call(APF_ENABLE_FID, APF_EV_NOT_PRESENT, 25, 3), -2,
	       "APF_ENABLE naming the GIC maintenance PPI is INVALID_PARAMETERS");
	expect(apf_call(APF_ENABLE_FID, APF_EV_NOT_PRESENT, 15, 3), -2,
	       "APF_ENABLE naming an SGI as the ready PPI is INVALID_PARAMETERS");
	expect(apf_call(APF_ENABLE_FID, APF_EV_NOT_PRESENT, 32, 3), -2,
	       "APF_ENABLE naming an SPI as the ready PPI is INVALID_PARAMETERS");
	expect(apf_call(APF_ENABLE_FID, APF_EV_NOT_PRESENT, APF_READY_PPI | (1ULL << 32), 3), -2,
	       "APF_ENABLE compares the ready PPI in all 64 bits");
	expect(apf_call(APF_ENABLE_FID, APF_EV_NOT_PRESENT, APF_EV_READY, 1ULL << 63), -2,
	       "APF_ENABLE with flag bit 63 is INVALID_PARAMETERS");
	expect(apf_call(APF_ENABLE_FID, APF_EV_NOT_PRESENT, HOSTILE_EV_NONE, 1), -2,
	       "APF_ENABLE naming an event that does not exist is INVALID_PARAMETERS");
	expect(apf_call(APF_ENABLE_FID, EV_SHARED_NORMAL, APF_EV_READY, 1), -2,
	       "APF_ENABLE naming a shared event is INVALID_PARAMETERS");
	expect(apf_call(APF_ENABLE_FID, APF_EV_NOT_PRESENT, EV_PRIV_CRITICAL, 1), -2,
	       "APF_ENABLE naming a critical event is INVALID_PARAMETERS");
	expect(apf_call(APF_ENABLE_FID, APF_EV_NOT_PRESENT | (1ULL << 32), APF_EV_READY, 1), -2,
	       "APF_ENABLE compares event numbers in all 64 bits");
	expect(apf_call(APF_DISABLE_FID, 0, 0, 0), -3, "... and none of those enabled anything");
	expect(apf_call(APF_ENABLE_FID, APF_EV_NOT_PRESENT, APF_EV_READY, 1), 0, "APF_ENABLE succeeds");
	expect(apf_call(APF_ENABLE_FID, APF_EV_NOT_PRESENT, APF_EV_READY, 1), -3,
	       "APF_ENABLE a second time is DENIED");
	expect(apf_call(APF_DISABLE_FID, 0, 0, 0), 0, "APF_DISABLE succeeds");
	expect(apf_call(APF_DISABLE_FID, 0, 0, 0), -3, "APF_DISABLE a second time is DENIED");
}

/* Enabled, but the events cannot be delivered: every fault synchronous. */
static void rows_undeliverable(void)
{
	struct apf_cpu *c = &apf_cpus[0];

	expect(apf_call(APF_ENABLE_FID, APF_EV_NOT_PRESENT, APF_EV_READY, 1), 0,
	       "APF_ENABLE with neither event registered succeeds (checked at each fault)");
	tap_check(page_right(fresh_pages(1)), "unregistered: a fault at EL1 is synchronous, its words right");
	expect(apf_events_setup(c), 0, "both events registered, enabled, PE unmasked");
	sdei_call(SDEI_PE_MASK, 0, 0, 0);
	tap_check(page_right(fresh_pages(1)) && !c->np_events,
		  "PE masked: a fault is synchronous, no handler runs, its words right");
	sdei_call(SDEI_EVENT_DISABLE, APF_EV_NOT_PRESENT, 0, 0);
	sdei_call(SDEI_PE_UNMASK, 0, 0, 0);
	tap_check(page_right(fresh_pages(1)) && !c->np_events,
		  "not-present event disabled: a fault is synchronous, no handler runs");
	sdei_call(SDEI_EVENT_ENABLE, APF_EV_NOT_PRESENT, 0, 0);
	sdei_call(SDEI_EVENT_DISABLE, APF_EV_READY, 0, 0);
	tap_check(page_right(fresh_pages(1)) && !c->np_events,
		  "ready event disabled: a fault is synchronous, no handler runs");
	apf_events_teardown();
	expect(apf_call(APF_DISABLE_FID, 0, 0, 0), 0, "APF_DISABLE succeeds");
}

/* The workload on vCPU cpu with tasks x pages of fresh memory. */
static void workload_setup(uint64_t tasks, uint64_t pages, unsigned int nr_cpus)
{
	apf_cfg.tasks = tasks;
	apf_cfg.pages = pages;
	apf_cfg.deadline = 0;
	apf_cfg.region = fresh_pages(nr_cpus * tasks * pages);
	dsb();
}

static bool workload_right(const struct apf_cpu *c)
{
	uint64_t i, np = 0, ready = 0, bad = 0, done = 0;

	for (i = 0; i < c->ntasks; i++) {
		np += c->task[i].np;
		ready += c->task[i].ready;
		bad += c->task[i].bad;
		done += c->task[i].pages_done;
	}
	return !bad && done == c->ntasks * apf_cfg.pages && np == ready && np > 0 &&
	       !c->unmatched && !c->take_err && !c->np_take_bad && !c->stalled && !c->token_order_bad;
}

static void rows_twice(unsigned int nr_cpus)
{
	struct apf_cpu *c = &apf_cpus[0];

	workload_setup(2, 4, nr_cpus);
	apf_cfg.async = 1;
	memset(c, 0, offsetof(struct apf_cpu, task));
	c->check_twice = 1;
	c->disable_in_np = 1;
	apf_cpu_run(0, 0, 0, 0);
	tap_check(workload_right(c), "tasks blocked and woke, every word right, no stray token");
	expect((int64_t)c->first_token, 1, "the first token of the boot is 1");
	expect((int64_t)c->twice_bad, 0, "a second APF_TAKE in each handler answers 0 tokens");
	expect(c->np_disable_ret, 0, "APF_DISABLE inside the not-present handler succeeds");
	expect(c->np_enable_ret, -3, "APF_ENABLE with that token still outstanding is DENIED");
	expect(c->disable_ret, -3, "... the task still woke on the ready event, and APF stayed disabled");
	expect(apf_call(APF_ENABLE_FID, APF_EV_NOT_PRESENT, APF_EV_READY, 1), 0,
	       "APF_ENABLE once no token is outstanding succeeds");
	expect(apf_call(APF_DISABLE_FID, 0, 0, 0), 0, "APF_DISABLE succeeds");
}

/* The secondary runs the workload while this vCPU enables and disables. */
static void rows_race(unsigned int nr_cpus)
{
	struct apf_cpu *c = &apf_cpus[SECONDARY];
	uint64_t arg[5] = { (uint64_t)apf_cpu_run, SECONDARY, 0, 0, 0 }, seq;
	unsigned int i, bad = 0;

	workload_setup(2, 4, nr_cpus);
	memset(c, 0, offsetof(struct apf_cpu, task));
	seq = smp_send(SECONDARY, SMP_OP_FUNC, arg);
	for (i = 0; i < RACE_TOGGLES; i++) {
		bad += apf_call(APF_ENABLE_FID, APF_EV_NOT_PRESENT, APF_EV_READY, 1) != 0;
		bad += apf_call(APF_DISABLE_FID, 0, 0, 0) != 0;
	}
	expect(bad, 0, "300 ENABLE/DISABLE pairs on one vCPU, each answered 0, while another takes faults");
	tap_check(smp_sleep_until_done(SECONDARY, seq, ms_to_ticks(60000)), "the other vCPU finished its tasks");
	tap_check(workload_right(c) && !c->setup_ret && !c->enable_ret && !c->disable_ret,
		  "... its tasks blocked and woke, every word right: the toggling changed nothing there");
}

/* On the secondary: enable, fault at EL1; the handler powers it off. */
static uint64_t off_with_fault(uint64_t page, uint64_t a2, uint64_t a3, uint64_t a4)
{
	struct apf_cpu *c = &apf_cpus[SECONDARY];

	(void)a2, (void)a3, (void)a4;
	c->np_action = APF_NP_OFF;
	c->setup_ret = apf_events_setup(c);
	c->enable_ret = apf_call(APF_ENABLE_FID, APF_EV_NOT_PRESENT, APF_EV_READY, 1);
	return load64((const volatile uint64_t *)page);
}

/* On the secondary after CPU_ON: what is left of the forgotten token. */
static uint64_t after_on(uint64_t page, uint64_t a2, uint64_t a3, uint64_t a4)
{
	struct apf_cpu *c = &apf_cpus[SECONDARY];
	uint64_t tok[APF_TAKE_MAX], r = 0;

	(void)a2, (void)a3, (void)a4;
	r |= (uint64_t)(apf_call(APF_DISABLE_FID, 0, 0, 0) != -3) << 0;
	r |= (uint64_t)(apf_take(1, tok) != 0) << 1;
	c->np_action = APF_NP_BLOCK;
	c->ready_events = 0;
	r |= (uint64_t)(apf_events_setup(c) != 0) << 2;
	delay_ticks(ms_to_ticks(FORGOTTEN_MS));
	r |= (uint64_t)(c->ready_events != 0) << 3;
	r |= (uint64_t)!page_right(page) << 4;
	r |= (uint64_t)(apf_call(APF_ENABLE_FID, APF_EV_NOT_PRESENT, APF_EV_READY, 1) != 0) << 5;
	r |= (uint64_t)(apf_call(APF_DISABLE_FID, 0, 0, 0) != 0) << 6;
	apf_events_teardown();
	return r;
}

static void rows_cpu_off(void)
{
	struct apf_cpu *c = &apf_cpus[SECONDARY];
	uint64_t page = fresh_pages(1), arg[5] = { (uint64_t)off_with_fault, page, 0, 0, 0 };
	uint64_t end, old, seq;

	memset(c, 0, offsetof(struct apf_cpu, task));
	smp_send(SECONDARY, SMP_OP_FUNC, arg);
	end = timer_now() + ms_to_ticks(OFF_WAIT_MS);
	while (aff_info(SECONDARY) != AFF_OFF && timer_now() < end)
		delay_ticks(ms_to_ticks(1));
	dmb();
	tap_check(aff_info(SECONDARY) == AFF_OFF && load64(&c->action_token) &&
		  !load64(&c->ready_events) && !c->setup_ret && !c->enable_ret,
		  "a vCPU took a not-present token and powered off before its page landed");
	old = smp_start_count(SECONDARY);
	expect(psci(PSCI_FID64(PSCI_CPU_ON), cpu_mpidr(SECONDARY), (uint64_t)secondary_entry, 0), 0,
	       "CPU_ON of that vCPU again");
	smp_sleep_until_start(SECONDARY, old, ms_to_ticks(OFF_WAIT_MS));
	arg[0] = (uint64_t)after_on;
	seq = smp_send(SECONDARY, SMP_OP_FUNC, arg);
	if (!tap_check(smp_sleep_until_done(SECONDARY, seq, ms_to_ticks(OFF_WAIT_MS + FORGOTTEN_MS)),
		       "the vCPU came back and answered"))
		return;
	expect((int64_t)smp_result(SECONDARY, 0), 0,
	       "after CPU_ON: APF disabled, no ready token and no ready event for the forgotten fault, "
	       "the page's words right, ENABLE not denied (bit mask of what failed)");
}

/* Boot 1 ends here: a fault outstanding when SYSTEM_RESET comes. */
static void reset_with_fault(void)
{
	struct apf_cpu *c = &apf_cpus[0];

	memset(c, 0, offsetof(struct apf_cpu, task));
	c->np_action = APF_NP_RESET;
	expect(apf_events_setup(c), 0, "events set up for the reset row");
	expect(apf_call(APF_ENABLE_FID, APF_EV_NOT_PRESENT, APF_EV_READY, 1), 0, "APF_ENABLE for the reset row");
	uart_puts("apf-hostile: boot 1 done, resetting with a fault outstanding\n");
	tap_done();
	load64((const volatile uint64_t *)reset_page);
	uart_puts("apf-hostile: the fault before the reset was not asynchronous\n");
	bm_exit(1);
}

/* Boot 2: nothing of boot 1 is left, and the token counter restarted. */
static void after_reset(unsigned int nr_cpus)
{
	struct apf_cpu *c = &apf_cpus[0];
	uint64_t tok[APF_TAKE_MAX];

	expect(apf_call(APF_DISABLE_FID, 0, 0, 0), -3, "after the reset APF is disabled");
	expect(apf_take(1, tok), 0, "after the reset no token is ready");
	apf_cfg.tasks = 1;
	apf_cfg.pages = 1;
	apf_cfg.async = 1;
	apf_cfg.region = reset_page;      /* cpu 0, task 0: the page of the reset */
	(void)nr_cpus;
	apf_cpu_run(0, 0, 0, 0);
	tap_check(workload_right(c), "the page outstanding at the reset is missing again and faults "
		  "asynchronously: the source's words, one token, woken");
	expect((int64_t)c->first_token, 1, "the token counter starts at 1 again after the reset");
}

void apf_hostile(uint64_t dtb, unsigned int nr_cpus)
{
	uint32_t boot = 0;
	uint64_t old;

	if (apf_call(APF_VERSION_FID, 0, 0, 0) != APF_VERSION_1_1 || nr_cpus < 2) {
		tap_skip("the hostile rows", "they need the service (--lazy-mem) and 2 vCPUs");
		return;
	}
	if (!fdt_prop_u32(dtb, "/chosen", "hvmm,boot-count", &boot))
		boot = 1;
	next_page = apf_cfg.region;
	reset_page = fresh_pages(1);
	uart_puts("apf-hostile: boot ");
	uart_put_dec(boot);
	uart_putc('\n');
	if (boot > 1) {
		after_reset(nr_cpus);
		return;
	}
	old = smp_start_count(SECONDARY);
	if (!expect(psci(PSCI_FID64(PSCI_CPU_ON), cpu_mpidr(SECONDARY), (uint64_t)secondary_entry, 0), 0,
		    "CPU_ON of the second vCPU") ||
	    !smp_sleep_until_start(SECONDARY, old, ms_to_ticks(OFF_WAIT_MS)))
		return;
	rows_arguments();
	rows_undeliverable();
	rows_twice(nr_cpus);
	rows_race(nr_cpus);
	rows_cpu_off();
	reset_with_fault();
}
