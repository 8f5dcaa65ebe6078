/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Secondary CPUs as workers driven by the boot CPU, without atomics.
 *
 * With the MMU off all of RAM is Device memory, where exclusives and atomics
 * may fault or misbehave. So every 64-bit word below has exactly one writer:
 * the boot CPU writes a CPU's command (arguments first, then a new sequence
 * number), the CPU writes its report (results first, then done = that
 * sequence number). DMBs order the two halves; single aligned 64-bit stores
 * are never torn.
 *
 * A secondary loses everything but RAM on CPU_OFF, CPU_FREEZE and power-down
 * suspends, so its state lives in its report: each entry records how the CPU
 * came in, then marks whatever command was in flight as done (this is how a
 * power-down suspend completes) and waits for the next one.
 */
#include "lib.h"

struct smp_cmd {          /* written by the boot CPU only */
	uint64_t seq;
	uint64_t op;
	uint64_t arg[5];
};

struct smp_report {       /* written by its own CPU only */
	uint64_t done;        /* last sequence number completed */
	uint64_t ready;       /* SMP_OP_RACE: sequence number it is waiting to fire */
	uint64_t res[4];
	uint64_t off_returned;
	uint64_t off_ret;
	struct smp_start start;
};

static volatile struct smp_cmd smp_cmds[BM_MAX_CPUS];
static volatile struct smp_report smp_reports[BM_MAX_CPUS];
volatile uint64_t smp_race_go;    /* written by the boot CPU only */
volatile uint64_t smp_idle_poll;  /* written by the boot CPU only */

static unsigned int mpidr_to_cpu(uint64_t mpidr)
{
	return (unsigned int)((mpidr & 0xff) + ((mpidr >> 8) & 0xff) * 16);
}

/* ---- the secondary's side ------------------------------------------------ */

/* Nothing to do: wait for an event (SEV), or sleep until the poll timer. The
 * timer is stopped and its interrupt ended before any command runs, so a
 * command that suspends is not woken by it. */
static void idle_wait(void)
{
	uint64_t poll = load64(&smp_idle_poll);

	if (!poll) {
		wfe();
		return;
	}
	timer_arm(poll);
	wfi();
	timer_settle();
}

static void record_start(volatile struct smp_report *rep, uint64_t ctx,
			 uint64_t entry, uint64_t t_first, uint64_t daif,
			 uint64_t el, uint64_t spsel, uint64_t sctlr, uint64_t mpidr)
{
	store64(&rep->start.entry, entry);
	store64(&rep->start.ctx, ctx);
	store64(&rep->start.t_first, t_first);
	store64(&rep->start.daif, daif);
	store64(&rep->start.el, el);
	store64(&rep->start.spsel, spsel);
	store64(&rep->start.sctlr, sctlr);
	store64(&rep->start.mpidr, mpidr);
	dmb();
	store64(&rep->start.count, load64(&rep->start.count) + 1);
}

static void complete(volatile struct smp_report *rep, uint64_t seq)
{
	dmb();
	store64(&rep->done, seq);
	dsb();
	sev();
}

static void run_suspend(volatile struct smp_report *rep,
			const volatile struct smp_cmd *cmd)
{
	uint64_t fid = load64(&cmd->arg[0]), a1 = load64(&cmd->arg[1]);
	uint64_t a2 = load64(&cmd->arg[2]), a3 = load64(&cmd->arg[3]);
	uint64_t ret;

	store64(&rep->res[1], timer_now());
	timer_arm(load64(&cmd->arg[4]));
	ret = smccc_call(fid, a1, a2, a3);
	store64(&rep->res[2], timer_now());
	store64(&rep->res[3], timer_settle());
	store64(&rep->res[0], ret);
}

static void run_race(volatile struct smp_report *rep,
		     const volatile struct smp_cmd *cmd, uint64_t seq)
{
	uint64_t go = load64(&cmd->arg[4]);

	dmb();
	store64(&rep->ready, seq);
	dsb();
	/* A tight spin, not WFE: all racers should fire within a few cycles. */
	while (load64(&smp_race_go) < go)
		;
	store64(&rep->res[0], smccc_call(load64(&cmd->arg[0]), load64(&cmd->arg[1]),
					load64(&cmd->arg[2]), load64(&cmd->arg[3])));
	store64(&rep->res[1], timer_now());
}

/* CPU_OFF and CPU_FREEZE do not return; acknowledge before the call. */
static void run_off(volatile struct smp_report *rep,
		    const volatile struct smp_cmd *cmd, uint64_t seq, bool freeze)
{
	uint64_t fid = load64(&cmd->arg[0]);
	uint64_t ret;

	if (freeze)
		timer_arm(load64(&cmd->arg[4]));
	complete(rep, seq);
	ret = smccc_call(fid, 0, 0, 0);
	timer_stop();
	store64(&rep->off_ret, ret);
	dmb();
	store64(&rep->off_returned, load64(&rep->off_returned) + 1);
}

static void run_command(volatile struct smp_report *rep,
			const volatile struct smp_cmd *cmd, uint64_t seq)
{
	switch (load64(&cmd->op)) {
	case SMP_OP_CALL:
		store64(&rep->res[0], smccc_call(load64(&cmd->arg[0]), load64(&cmd->arg[1]),
						load64(&cmd->arg[2]), load64(&cmd->arg[3])));
		break;
	case SMP_OP_RACE:
		run_race(rep, cmd, seq);
		break;
	case SMP_OP_OFF:
		run_off(rep, cmd, seq, false);
		return;
	case SMP_OP_FREEZE:
		run_off(rep, cmd, seq, true);
		return;
	case SMP_OP_SUSPEND:
		run_suspend(rep, cmd);
		break;
	case SMP_OP_FUNC:
		store64(&rep->res[0], ((smp_fn)load64(&cmd->arg[0]))(load64(&cmd->arg[1]),
			load64(&cmd->arg[2]), load64(&cmd->arg[3]), load64(&cmd->arg[4])));
		break;
	default:
		break;
	}
	complete(rep, seq);
}

void secondary_main(uint64_t ctx, uint64_t entry, uint64_t t_first, uint64_t daif,
		    uint64_t el, uint64_t spsel, uint64_t sctlr, uint64_t mpidr)
{
	unsigned int cpu = mpidr_to_cpu(mpidr);
	volatile struct smp_report *rep = &smp_reports[cpu];
	const volatile struct smp_cmd *cmd = &smp_cmds[cpu];

	/* A warm reset lost the CPU interface and timer state; a timer may
	 * still be pending from the suspend that ended here. */
	timer_event_stream_init();
	gic_cpu_init();
	timer_settle();

	record_start(rep, ctx, entry, t_first, daif, el, spsel, sctlr, mpidr);
	/* Whatever was in flight (a power-down suspend) is over. */
	complete(rep, load64(&cmd->seq));

	for (;;) {
		uint64_t seq = load64(&cmd->seq);

		if (seq == load64(&rep->done)) {
			idle_wait();
			continue;
		}
		dmb();
		run_command(rep, cmd, seq);
	}
}

/* ---- the boot CPU's side ------------------------------------------------- */

void smp_read_start(unsigned int cpu, struct smp_start *out)
{
	const volatile struct smp_start *s = &smp_reports[cpu].start;

	out->count = load64(&s->count);
	dmb();
	out->entry = load64(&s->entry);
	out->ctx = load64(&s->ctx);
	out->t_first = load64(&s->t_first);
	out->daif = load64(&s->daif);
	out->el = load64(&s->el);
	out->spsel = load64(&s->spsel);
	out->sctlr = load64(&s->sctlr);
	out->mpidr = load64(&s->mpidr);
}

uint64_t smp_start_count(unsigned int cpu)
{
	return load64(&smp_reports[cpu].start.count);
}

bool smp_wait_start(unsigned int cpu, uint64_t old, uint64_t timeout)
{
	uint64_t end = timer_now() + timeout;

	while (smp_start_count(cpu) == old) {
		if (timer_now() > end)
			return false;
	}
	dmb();
	return true;
}

bool smp_sleep_until_start(unsigned int cpu, uint64_t old, uint64_t timeout)
{
	uint64_t end = timer_now() + timeout;

	while (!smp_wait_start(cpu, old, 0)) {
		if (timer_now() > end)
			return false;
		wfe();
	}
	return true;
}

uint64_t smp_send(unsigned int cpu, enum smp_op op, const uint64_t arg[5])
{
	volatile struct smp_cmd *cmd = &smp_cmds[cpu];
	uint64_t seq = load64(&cmd->seq) + 1;
	unsigned int i;

	store64(&cmd->op, op);
	for (i = 0; i < 5; i++)
		store64(&cmd->arg[i], arg[i]);
	dmb();
	store64(&cmd->seq, seq);
	dsb();
	sev();
	return seq;
}

bool smp_wait_done(unsigned int cpu, uint64_t seq, uint64_t timeout)
{
	uint64_t end = timer_now() + timeout;

	while (load64(&smp_reports[cpu].done) != seq) {
		if (timer_now() > end)
			return false;
	}
	dmb();
	return true;
}

bool smp_sleep_until_done(unsigned int cpu, uint64_t seq, uint64_t timeout)
{
	uint64_t end = timer_now() + timeout;

	while (!smp_wait_done(cpu, seq, 0)) {
		if (timer_now() > end)
			return false;
		wfe();
	}
	return true;
}

bool smp_wait_ready(unsigned int cpu, uint64_t seq, uint64_t timeout)
{
	uint64_t end = timer_now() + timeout;

	while (load64(&smp_reports[cpu].ready) != seq) {
		if (timer_now() > end)
			return false;
	}
	return true;
}

uint64_t smp_result(unsigned int cpu, unsigned int i)
{
	return load64(&smp_reports[cpu].res[i]);
}

uint64_t smp_off_returned(unsigned int cpu, int64_t *ret)
{
	uint64_t n = load64(&smp_reports[cpu].off_returned);

	dmb();
	if (ret)
		*ret = (int64_t)load64(&smp_reports[cpu].off_ret);
	return n;
}

unsigned int smp_count_cpus(void)
{
	unsigned int i;

	for (i = 1; i < BM_MAX_CPUS; i++)
		if (aff_info(i) == PSCI_INVALID_PARAMETERS)
			break;
	return i;
}
