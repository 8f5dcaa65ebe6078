/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The reference guest's scheduler and SDEI handlers (apf.h). Per vCPU:
 * tasks at EL1t, a round-robin pick, an idle wait in WFI. Only the vCPU
 * itself touches its struct apf_cpu; its handlers interrupt its scheduler
 * at any instruction, so the two share state only as single 64-bit words:
 * the ready handler only moves a task from WAITING to RUNNABLE, the
 * scheduler only from RUNNABLE to RUNNING. A ready PPI (protocol 1.1) is
 * taken only from a task, or polled by the scheduler with IRQs masked.
 */
#include "apf.h"

_Static_assert(offsetof(struct apf_cpu, cur) == 0, "apf_entry.S CPU_CUR");
_Static_assert(offsetof(struct apf_cpu, ksp) == 8, "apf_entry.S CPU_KSP");
_Static_assert(offsetof(struct apf_cpu, home) == 16, "apf_entry.S CPU_HOME");
_Static_assert(offsetof(struct apf_task, ctx) == 0, "apf_entry.S task context");
_Static_assert(offsetof(struct apf_ctx, sp) == 248, "apf_entry.S CTX_SP");
_Static_assert(offsetof(struct apf_ctx, elr) == 256, "apf_entry.S CTX_ELR");
_Static_assert(offsetof(struct apf_ctx, spsr) == 264, "apf_entry.S CTX_SPSR");

#define ESR_EC_SHIFT   26
#define ESR_EC_SVC64   0x15U
#define SVC_YIELD      0
#define SVC_EXIT       1
#define CNTV_CTL_ENABLE 1U

struct apf_config apf_cfg;
struct apf_cpu apf_cpus[BM_MAX_CPUS];

/* Answers of apf_np_handler to apf_np_entry. */
enum { NP_BLOCK = 0, NP_RESUME = 1, NP_OFF = 2, NP_RESET = 3 };

void apf_task_main(struct apf_task *t) __attribute__((noreturn));
uint64_t apf_np_handler(uint64_t ev, struct apf_cpu *c, uint64_t pc, uint64_t pstate);
void apf_ready_handler(uint64_t ev, struct apf_cpu *c, uint64_t pc, uint64_t pstate);
struct apf_task *apf_sched_pick(struct apf_cpu *c);
void apf_task_svc(struct apf_cpu *c, uint64_t esr);
void apf_task_irq(struct apf_cpu *c);

int64_t apf_call(uint32_t fid, uint64_t a1, uint64_t a2, uint64_t a3)
{
	return (int64_t)smccc_call(fid, a1, a2, a3);
}

int64_t apf_take(uint64_t which, uint64_t tok[APF_TAKE_MAX])
{
	uint64_t r[18] = { APF_TAKE_FID, which };
	unsigned int i;

	smccc_call_regs(r);
	for (i = 0; i < APF_TAKE_MAX; i++)
		tok[i] = r[1 + i];
	return (int64_t)r[0];
}

/* ---- the handlers (EL1h, on the vCPU's handler stack) ------------------- */

static void note_token(struct apf_cpu *c, uint64_t tok)
{
	/* One counter per VM: on one vCPU, tokens only grow. */
	if (!tok || tok <= c->last_token)
		c->token_order_bad++;
	if (!c->first_token)
		c->first_token = tok;
	c->last_token = tok;
}

/* The hostile row: DISABLE with this token outstanding, and ENABLE, which
 * must be refused while it is. */
static void disable_in_handler(struct apf_cpu *c)
{
	c->disable_in_np = 0;
	c->np_disable_ret = apf_call(APF_DISABLE_FID, 0, 0, 0);
	c->np_enable_ret = apf_call(APF_ENABLE_FID, APF_EV_NOT_PRESENT, APF_EV_READY, APF_FLAG_EL1);
}

uint64_t apf_np_handler(uint64_t ev, struct apf_cpu *c, uint64_t pc, uint64_t pstate)
{
	uint64_t tok[APF_TAKE_MAX], again[APF_TAKE_MAX];
	struct apf_task *t = (struct apf_task *)c->cur;
	int64_t n;

	(void)ev;
	(void)pc;
	c->np_events++;
	c->takes++;
	n = apf_take(0, tok);
	if (c->check_twice && (c->takes++, apf_take(0, again) != 0))
		c->twice_bad++;
	if (n != 1) {
		/* No token: resuming retries the access. */
		if (n < 0)
			c->take_err++;
		c->np_take_bad++;
		return NP_RESUME;
	}
	note_token(c, tok[0]);
	if (c->np_action != APF_NP_BLOCK) {
		c->action_token = tok[0];
		dsb();
		return c->np_action == APF_NP_OFF ? NP_OFF : NP_RESET;
	}
	if ((pstate & APF_PSTATE_MODE_MASK) != APF_PSTATE_EL1T || !t) {
		/* Not a task: nothing to block. Its token comes back unmatched. */
		c->np_not_task++;
		return NP_RESUME;
	}
	if (c->disable_in_np)
		disable_in_handler(c);
	t->token = tok[0];
	t->t_blocked = timer_now();
	t->np++;
	t->state = APF_T_WAITING;
	return NP_BLOCK;
}

static void wake_token(struct apf_cpu *c, uint64_t tok)
{
	uint64_t i;

	c->ready_tokens++;
	for (i = 0; i < c->ntasks; i++) {
		struct apf_task *t = &c->task[i];

		if (t->state == APF_T_WAITING && t->token == tok) {
			t->wait_ticks += timer_now() - t->t_blocked;
			t->ready++;
			t->state = APF_T_RUNNABLE;
			return;
		}
	}
	c->unmatched++;
}

/* The ready tokens, 16 at a time until fewer come, each waking its task. */
static void take_ready(struct apf_cpu *c)
{
	uint64_t tok[APF_TAKE_MAX];
	int64_t n, i;

	c->ready_events++;
	do {
		c->takes++;
		n = apf_take(1, tok);
		if (n < 0 || n > (int64_t)APF_TAKE_MAX) {
			c->take_err++;
			break;
		}
		for (i = 0; i < n; i++)
			wake_token(c, tok[i]);
	} while (n == APF_TAKE_MAX);
}

void apf_ready_handler(uint64_t ev, struct apf_cpu *c, uint64_t pc, uint64_t pstate)
{
	uint64_t tok[APF_TAKE_MAX];
	int64_t n, i;

	(void)ev;
	(void)pc;
	(void)pstate;
	take_ready(c);
	if (c->check_twice) {
		/* Taken again: only tokens that landed meanwhile may come; one
		 * already taken would find no task waiting (unmatched). */
		c->takes++;
		n = apf_take(1, tok);
		if (n < 0 || n > (int64_t)APF_TAKE_MAX)
			c->twice_bad++;
		for (i = 0; n > 0 && i < n; i++)
			wake_token(c, tok[i]);
	}
	/* The scheduler may be between its last look and WFI: a timer that
	 * fires at once ends that WFI. */
	if (c->idle) {
		write_sysreg(0, cntv_cval_el0);
		write_sysreg(CNTV_CTL_ENABLE, cntv_ctl_el0);
		isb();
	}
}

/* The ready PPI stays high while tokens wait: TAKE(1) lowers it before
 * the EOI, so it comes again only for tokens that landed since. */
void apf_irq_poll(struct apf_cpu *c)
{
	uint32_t intid;

	while ((intid = gic_ack()) < 1020) {
		if (intid == apf_cfg.ready_ppi)
			take_ready(c);
		else if (intid == GIC_INTID_VTIMER)
			timer_stop();
		gic_eoi(intid);
	}
}

/* A task was interrupted (IRQs are unmasked in tasks only with a ready
 * PPI): it stays runnable, and the scheduler picks again. */
void apf_task_irq(struct apf_cpu *c)
{
	struct apf_task *t = (struct apf_task *)c->cur;

	apf_irq_poll(c);
	t->state = APF_T_RUNNABLE;
}

/* ---- the scheduler (EL1h) ------------------------------------------------ */

static struct apf_task *pick_runnable(struct apf_cpu *c, uint64_t *done)
{
	struct apf_task *cur = (struct apf_task *)c->cur;
	uint64_t first = cur ? cur->index + 1 : 0, i;

	*done = 0;
	for (i = 0; i < c->ntasks; i++) {
		struct apf_task *t = &c->task[(first + i) % c->ntasks];

		if (t->state == APF_T_RUNNABLE)
			return t;
		if (t->state == APF_T_DONE)
			(*done)++;
	}
	return NULL;
}

/* Nothing to run: sleep until the ready handler kicks the timer, or a
 * poll later; give up (stalled) if no task moved for stall_ticks. */
static void idle_wait(struct apf_cpu *c)
{
	uint64_t done, i;

	c->idle_waits++;
	c->idle = 1;
	timer_arm(ms_to_ticks(5));
	if (!pick_runnable(c, &done))
		wfi();
	c->idle = 0;
	if (apf_cfg.ready_ppi)
		apf_irq_poll(c);
	else
		timer_settle();
	if (timer_now() - c->last_progress < apf_cfg.stall_ticks)
		return;
	c->stalled++;
	for (i = 0; i < c->ntasks; i++)
		if (c->task[i].state == APF_T_WAITING)
			c->task[i].state = APF_T_DONE;
}

struct apf_task *apf_sched_pick(struct apf_cpu *c)
{
	for (;;) {
		uint64_t done;
		struct apf_task *t;

		if (apf_cfg.ready_ppi)
			apf_irq_poll(c);
		t = pick_runnable(c, &done);

		if (t) {
			t->state = APF_T_RUNNING;
			c->cur = (uint64_t)t;
			c->last_progress = timer_now();
			return t;
		}
		if (done == c->ntasks)
			return NULL;
		idle_wait(c);
	}
}

void apf_task_svc(struct apf_cpu *c, uint64_t esr)
{
	struct apf_task *t = (struct apf_task *)c->cur;

	if ((esr >> ESR_EC_SHIFT) != ESR_EC_SVC64)
		bm_exception(0, esr, t->ctx.elr, read_sysreg(far_el1));
	t->state = (esr & 0xffff) == SVC_EXIT ? APF_T_DONE : APF_T_RUNNABLE;
}

/* ---- tasks (EL1t) ---------------------------------------------------------- */

static void task_yield(void)
{
	__asm__ volatile("svc #0" : : : "memory");
}

/* A work unit: a fixed amount of arithmetic the compiler cannot skip. */
static uint64_t work_unit(uint64_t h)
{
	unsigned int k;

	for (k = 0; k < 64; k++) {
		h = h * 6364136223846793005ULL + 1442695040888963407ULL;
		h ^= h >> 29;
	}
	return h;
}

/* Every word of the page against the source; the first load faults. */
static void check_page(struct apf_task *t, uint64_t page)
{
	const volatile uint64_t *p = (const volatile uint64_t *)page;
	unsigned int w;

	for (w = 0; w < APF_PAGE / 8; w++) {
		uint64_t addr = page + w * 8, v = p[w];

		if (v == apf_source_word(addr))
			continue;
		if (!t->bad) {
			t->bad_addr = addr;
			t->bad_val = v;
		}
		t->bad++;
	}
}

void apf_task_main(struct apf_task *t)
{
	uint64_t i, u, h = t->index + 1;

	for (i = 0; i < t->pages; i++) {
		if (apf_cfg.deadline && timer_now() >= apf_cfg.deadline)
			break;
		check_page(t, t->base + i * APF_PAGE);
		t->pages_done++;
		for (u = 0; u < apf_cfg.work; u++) {
			h = work_unit(h);
			t->work++;
		}
		task_yield();
	}
	t->hash = h;
	__asm__ volatile("svc #1" : : : "memory");
	for (;;)
		;
}

/* ---- one vCPU's run --------------------------------------------------------- */

int64_t apf_events_setup(struct apf_cpu *c)
{
	int64_t r;

	r = (int64_t)smccc_call6(SDEI_FID(SDEI_EVENT_REGISTER), APF_EV_NOT_PRESENT,
				 (uint64_t)apf_np_entry, (uint64_t)c, 0, 0);
	if (!r)
		r = (int64_t)smccc_call6(SDEI_FID(SDEI_EVENT_REGISTER), APF_EV_READY,
					 (uint64_t)apf_ready_entry, (uint64_t)c, 0, 0);
	if (!r)
		r = sdei_call(SDEI_EVENT_ENABLE, APF_EV_NOT_PRESENT, 0, 0);
	if (!r)
		r = sdei_call(SDEI_EVENT_ENABLE, APF_EV_READY, 0, 0);
	if (!r)
		r = sdei_call(SDEI_PE_UNMASK, 0, 0, 0);
	return r;
}

void apf_events_teardown(void)
{
	sdei_call(SDEI_PE_MASK, 0, 0, 0);
	sdei_call(SDEI_EVENT_UNREGISTER, APF_EV_NOT_PRESENT, 0, 0);
	sdei_call(SDEI_EVENT_UNREGISTER, APF_EV_READY, 0, 0);
}

static void tasks_init(struct apf_cpu *c, uint64_t cpu)
{
	uint64_t i;

	c->ntasks = apf_cfg.tasks;
	c->cur = 0;
	c->ksp = (uint64_t)&c->kstack[APF_KSTACK];
	for (i = 0; i < c->ntasks; i++) {
		struct apf_task *t = &c->task[i];

		memset(t, 0, sizeof(*t));
		t->index = i;
		t->cpu = c;
		t->pages = apf_cfg.pages;
		t->base = apf_cfg.region + (cpu * apf_cfg.tasks + i) * apf_cfg.pages * APF_PAGE;
		t->ctx.x[0] = (uint64_t)t;
		t->ctx.elr = (uint64_t)apf_task_main;
		t->ctx.spsr = apf_cfg.ready_ppi ? APF_TASK_SPSR_IRQ : APF_TASK_SPSR;
		t->ctx.sp = (uint64_t)&c->tstack[i][APF_TASK_STACK];
		t->state = APF_T_RUNNABLE;
	}
}

uint64_t apf_cpu_run(uint64_t cpu, uint64_t a2, uint64_t a3, uint64_t a4)
{
	struct apf_cpu *c = &apf_cpus[cpu];

	(void)a2;
	(void)a3;
	(void)a4;
	write_sysreg((uint64_t)apf_vectors, vbar_el1);
	write_sysreg((uint64_t)c, tpidr_el1);
	isb();
	tasks_init(c, cpu);
	c->async = apf_cfg.async;
	if (c->async) {
		c->setup_ret = apf_events_setup(c);
		if (apf_cfg.ready_ppi && !c->setup_ret)
			c->setup_ret = gic_ppi_enable((uint32_t)apf_cfg.ready_ppi);
		c->enable_ret = apf_cfg.ready_ppi
			? apf_call(APF_ENABLE_FID, APF_EV_NOT_PRESENT, apf_cfg.ready_ppi, APF_FLAG_EL1 | APF_FLAG_READY_PPI)
			: apf_call(APF_ENABLE_FID, APF_EV_NOT_PRESENT, APF_EV_READY, APF_FLAG_EL1);
	}
	c->t_start = timer_now();
	c->last_progress = c->t_start;
	apf_sched_start(c);
	c->t_end = timer_now();
	if (c->async) {
		c->disable_ret = apf_call(APF_DISABLE_FID, 0, 0, 0);
		apf_events_teardown();
	}
	dsb();
	return 0;
}
