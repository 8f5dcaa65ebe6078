/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The reference guest of asynchronous page faults (docs/apf-guest.md): every
 * vCPU runs bm.apf_tasks tasks that each read bm.apf_pages pages of lazily
 * populated memory, check every word against the source, and do
 * bm.apf_work units of compute per page. With the protocol (docs/async-pf.md)
 * a task that touches a missing page blocks and another runs; with bm.apf=off,
 * or without the service, the same workload runs synchronously.
 *
 *   bm.apf=on|off          use the protocol if hvmm offers it (default on)
 *   bm.apf_ready=ppi|sdei  "page ready" as a PPI (protocol 1.1, the default
 *                          where offered) or as an SDEI event
 *   bm.apf_tasks=N         tasks per vCPU, 1-8 (default 4)
 *   bm.apf_pages=N         pages per task (default 32)
 *   bm.apf_work=N          work units per page (default 16)
 *   bm.apf_ms=N            stop after N ms of guest time (default 0: all pages)
 *   bm.apf_offset=N        the task regions start N MiB into RAM (default 16)
 *   bm.apf_src=pattern|zero  what the source holds (default pattern)
 *   bm.apf_expect=async|sync  fail unless that mode is the one used
 *   bm.apf_latency_us=N    the host's page latency, echoed in the bench line
 *   bm.mode=hostile        the hostile rows instead (apf_hostile.c)
 */
#include "apf.h"

int main(uint64_t dtb);

extern char _start[], __stack_top[];

#define CPU_ON_WAIT_MS   5000
#define STALL_MS         30000
#define DONE_WAIT_MS     600000

static bool bad_arg;

/* bm.KEY=N within [lo, hi], or def if absent; anything else is bad input. */
static uint64_t arg_num(uint64_t dtb, const char *key, uint64_t def, uint64_t lo, uint64_t hi)
{
	char buf[24];
	int len = fdt_bootarg(dtb, key, buf, sizeof(buf));
	uint64_t v = 0;
	int i;

	if (len < 0)
		return def;
	for (i = 0; i < len && len < 20; i++) {
		if (buf[i] < '0' || buf[i] > '9')
			break;
		v = v * 10 + (uint64_t)(buf[i] - '0');
	}
	if (len == 0 || len >= 20 || i < len || v < lo || v > hi) {
		uart_puts("bm: bad ");
		uart_puts(key);
		uart_puts(" (a number from ");
		uart_put_dec(lo);
		uart_puts(" to ");
		uart_put_dec(hi);
		uart_puts(" expected)\n");
		bad_arg = true;
		return def;
	}
	return v;
}

/* bm.KEY=one of two words: 0 for the first (or absent), 1 for the second. */
static uint64_t arg_word(uint64_t dtb, const char *key, const char *w0, const char *w1)
{
	char buf[16];
	int len = fdt_bootarg(dtb, key, buf, sizeof(buf));
	const char *w[2] = { w0, w1 };
	unsigned int i, j;

	if (len < 0)
		return 0;
	for (i = 0; i < 2; i++) {
		for (j = 0; w[i][j] && buf[j] == w[i][j]; j++)
			;
		if (!w[i][j] && !buf[j])
			return i;
	}
	uart_puts("bm: bad ");
	uart_puts(key);
	uart_puts(" (");
	uart_puts(w0);
	uart_puts(" or ");
	uart_puts(w1);
	uart_puts(" expected)\n");
	bad_arg = true;
	return 0;
}

/* The image, its stacks and BSS are touched now, while every fault is
 * synchronous: the scheduler and handlers must never fault later. */
static void prefault_image(void)
{
	uint64_t a, sum = 0;

	for (a = (uint64_t)_start & ~(uint64_t)(APF_PAGE - 1); a < (uint64_t)__stack_top; a += APF_PAGE)
		sum += load64((const volatile uint64_t *)a);
	(void)sum;
}

static void print_kv(const char *k, uint64_t v)
{
	uart_putc(' ');
	uart_puts(k);
	uart_putc('=');
	uart_put_dec(v);
}

struct apf_totals {
	uint64_t pages, work, bad, np, ready, unmatched, not_task, take_bad, take_err;
	uint64_t order_bad, stalled, setup_bad, ready_events, elapsed_ticks;
	uint64_t exhausted;             /* tasks that read all their pages */
	uint64_t wait_ticks;            /* not-present to ready, all tasks */
	uint64_t takes;
};

static void report_task(unsigned int cpu, const struct apf_task *t)
{
	uart_puts("apf:");
	print_kv("cpu", cpu);
	print_kv("task", t->index);
	print_kv("pages", t->pages_done);
	print_kv("work", t->work);
	print_kv("bad", t->bad);
	print_kv("np", t->np);
	print_kv("ready", t->ready);
	uart_putc('\n');
	if (t->bad) {
		uart_puts("#   first wrong word at ");
		uart_put_hex(t->bad_addr);
		uart_puts(": ");
		uart_put_hex(t->bad_val);
		uart_puts(", the source has ");
		uart_put_hex(apf_source_word(t->bad_addr));
		uart_putc('\n');
	}
}

static void report_cpu(unsigned int cpu, const struct apf_cpu *c, struct apf_totals *s)
{
	uint64_t i;

	for (i = 0; i < c->ntasks; i++) {
		const struct apf_task *t = &c->task[i];

		report_task(cpu, t);
		s->pages += t->pages_done;
		s->work += t->work;
		s->bad += t->bad;
		s->np += t->np;
		s->ready += t->ready;
		s->exhausted += t->pages_done == t->pages;
		s->wait_ticks += t->wait_ticks;
	}
	uart_puts("apf:");
	print_kv("cpu", cpu);
	print_kv("np_events", c->np_events);
	print_kv("ready_events", c->ready_events);
	print_kv("ready_tokens", c->ready_tokens);
	print_kv("unmatched", c->unmatched);
	print_kv("idle", c->idle_waits);
	print_kv("first_token", c->first_token);
	print_kv("last_token", c->last_token);
	uart_putc('\n');
	s->unmatched += c->unmatched;
	s->not_task += c->np_not_task;
	s->take_bad += c->np_take_bad;
	s->take_err += c->take_err;
	s->order_bad += c->token_order_bad;
	s->stalled += c->stalled;
	s->ready_events += c->ready_events;
	s->takes += c->takes;
	if (c->async && (c->setup_ret || c->enable_ret || c->disable_ret))
		s->setup_bad++;
	if (c->t_end - c->t_start > s->elapsed_ticks)
		s->elapsed_ticks = c->t_end - c->t_start;
}

static void check_totals(const struct apf_totals *s, unsigned int nr_cpus)
{
	uint64_t us = s->elapsed_ticks / (timer_freq() / 1000000);
	const char *mode = apf_cfg.async ? "async" : "sync";

	uart_puts("apf: total mode=");
	uart_puts(mode);
	print_kv("cpus", nr_cpus);
	print_kv("tasks", apf_cfg.tasks);
	print_kv("pages", s->pages);
	print_kv("work", s->work);
	print_kv("bad", s->bad);
	print_kv("np", s->np);
	print_kv("ready", s->ready);
	/* How long a blocked task waited for its page, as the guest saw it. */
	print_kv("ready_events", s->ready_events);
	print_kv("takes", s->takes);
	print_kv("wait_us_avg", s->ready ? s->wait_ticks / s->ready / (timer_freq() / 1000000) : 0);
	print_kv("elapsed_us", us);
	uart_putc('\n');
	uart_puts("apf-bench: mode=");
	uart_puts(mode);
	if (apf_cfg.latency_us)
		print_kv("latency_us", apf_cfg.latency_us);
	print_kv("cpus", nr_cpus);
	print_kv("tasks", apf_cfg.tasks);
	print_kv("work", s->work);
	print_kv("pages", s->pages);
	print_kv("exhausted", s->exhausted);
	print_kv("elapsed_us", us);
	uart_putc('\n');

	expect((int64_t)s->bad, 0, "every word every task read is the source's word");
	tap_check(s->pages > 0 && s->work > 0, "the tasks read pages and did work");
	expect((int64_t)s->stalled, 0, "no vCPU sat idle with tasks waiting for 30 s");
	if (!apf_cfg.async) {
		tap_check(s->np == 0 && s->ready_events == 0, "sync: no notification was taken");
		return;
	}
	expect((int64_t)s->setup_bad, 0, "async: SDEI set-up, APF_ENABLE and APF_DISABLE succeeded on every vCPU");
	expect((int64_t)s->ready, (int64_t)s->np, "async: every blocked task was woken by its token (ready == not-present)");
	expect((int64_t)s->unmatched, 0, "async: no ready token without a task waiting on it");
	tap_check(!s->not_task && !s->take_bad && !s->take_err,
		  "async: every not-present came from a task, with exactly one token");
	expect((int64_t)s->order_bad, 0, "async: tokens nonzero and growing on each vCPU");
}

/* Secondaries start with CPU_ON and run apf_cpu_run; the boot CPU too. */
static bool run_all(unsigned int nr_cpus)
{
	uint64_t seq[BM_MAX_CPUS] = { 0 }, arg[5];
	unsigned int cpu;
	bool ok = true;

	for (cpu = 1; cpu < nr_cpus; cpu++) {
		uint64_t old = smp_start_count(cpu);
		int64_t r = psci(PSCI_FID64(PSCI_CPU_ON), cpu_mpidr(cpu), (uint64_t)secondary_entry, 0);

		if (!expect(r, PSCI_SUCCESS, "CPU_ON of a secondary") ||
		    !tap_check(smp_sleep_until_start(cpu, old, ms_to_ticks(CPU_ON_WAIT_MS)),
			       "the secondary came up"))
			return false;
	}
	if (apf_cfg.deadline)
		apf_cfg.deadline += timer_now();
	dsb();
	for (cpu = 1; cpu < nr_cpus; cpu++) {
		arg[0] = (uint64_t)apf_cpu_run;
		arg[1] = cpu;
		arg[2] = arg[3] = arg[4] = 0;
		seq[cpu] = smp_send(cpu, SMP_OP_FUNC, arg);
	}
	apf_cpu_run(0, 0, 0, 0);
	for (cpu = 1; cpu < nr_cpus; cpu++)
		if (!smp_sleep_until_done(cpu, seq[cpu], ms_to_ticks(DONE_WAIT_MS)))
			ok = false;
	dmb();
	return tap_check(ok, "every vCPU finished its tasks");
}

static void read_config(uint64_t dtb, uint64_t *want_async, uint64_t *expect_mode, uint64_t *want_sdei)
{
	uint64_t off, ms;

	*want_async = !arg_word(dtb, "bm.apf", "on", "off");
	*want_sdei = arg_word(dtb, "bm.apf_ready", "ppi", "sdei");
	*expect_mode = fdt_bootarg(dtb, "bm.apf_expect", NULL, 0) < 0 ? 0 :
		       1 + arg_word(dtb, "bm.apf_expect", "async", "sync");
	apf_cfg.tasks = arg_num(dtb, "bm.apf_tasks", 4, 1, APF_MAX_TASKS);
	apf_cfg.pages = arg_num(dtb, "bm.apf_pages", 32, 1, 1 << 20);
	apf_cfg.work = arg_num(dtb, "bm.apf_work", 16, 0, 1 << 24);
	ms = arg_num(dtb, "bm.apf_ms", 0, 0, 3600000);
	off = arg_num(dtb, "bm.apf_offset", 16, 4, 1 << 16);
	apf_cfg.zero_source = arg_word(dtb, "bm.apf_src", "pattern", "zero");
	apf_cfg.latency_us = arg_num(dtb, "bm.apf_latency_us", 0, 1, 100000000);
	apf_cfg.deadline = ms ? ms_to_ticks(ms) : 0;
	apf_cfg.region = MEMMAP_RAM_BASE + (off << 20);
	apf_cfg.stall_ticks = ms_to_ticks(STALL_MS);
}

/* The regions must lie in RAM, below the device tree's last 2 MiB. */
static bool region_fits(uint64_t dtb, unsigned int nr_cpus)
{
	uint64_t base, size, end;

	if (fdt_memory(dtb, &base, &size))
		return tap_check(0, "the device tree has a /memory node");
	end = apf_cfg.region + nr_cpus * apf_cfg.tasks * apf_cfg.pages * APF_PAGE;
	if (apf_cfg.region >= (uint64_t)__stack_top && end <= base + size - MEMMAP_DTB_MAX_SIZE)
		return true;
	uart_puts("bm: the task regions ");
	uart_put_hex(apf_cfg.region);
	uart_puts("-");
	uart_put_hex(end);
	uart_puts(" do not fit between the image and the device tree: fewer bm.apf_pages or more RAM\n");
	return false;
}

static bool version_known(int64_t v)
{
	return v == APF_VERSION_1_0 || v == APF_VERSION_1_1;
}

int main(uint64_t dtb)
{
	uint64_t want_async, expect_mode, want_sdei;
	unsigned int nr_cpus;
	int64_t version;
	struct apf_totals s = { 0 };

	prefault_image();
	uart_puts("hvmm-baremetal: asynchronous page faults\n");
	bm_boot_cpu_init();
	read_config(dtb, &want_async, &expect_mode, &want_sdei);
	if (bad_arg)
		return 1;
	nr_cpus = smp_count_cpus();
	version = apf_call(APF_VERSION_FID, 0, 0, 0);
	tap_check(version == APF_VERSION_1_1 || version == PSCI_NOT_SUPPORTED,
		  "APF_VERSION answers 1.1, or NOT_SUPPORTED without the service");
	if (!region_fits(dtb, nr_cpus))
		return 1;
	if (fdt_bootarg(dtb, "bm.mode", NULL, 0) >= 0) {
		if (arg_word(dtb, "bm.mode", "workload", "hostile") && !bad_arg) {
			apf_hostile(dtb, nr_cpus);
			return tap_done();
		}
		if (bad_arg)
			return 1;
	}
	apf_cfg.async = want_async && version_known(version);
	apf_cfg.ready_ppi = apf_cfg.async && !want_sdei && version >= APF_VERSION_1_1 ? APF_READY_PPI : 0;
	uart_puts("apf: mode=");
	uart_puts(apf_cfg.async ? "async" : "sync");
	if (apf_cfg.async)
		uart_puts(apf_cfg.ready_ppi ? " ready=ppi" : " ready=sdei");
	uart_puts(!version_known(version) ? " (no service)" : version == APF_VERSION_1_1 ? " (service 1.1)" : " (service 1.0)");
	uart_putc('\n');
	if (expect_mode)
		tap_check(apf_cfg.async == (expect_mode == 1), "the mode is the one bm.apf_expect names");
	if (!run_all(nr_cpus))
		return tap_done() | 1;
	for (unsigned int cpu = 0; cpu < nr_cpus; cpu++)
		report_cpu(cpu, &apf_cpus[cpu], &s);
	check_totals(&s, nr_cpus);
	return tap_done();
}
