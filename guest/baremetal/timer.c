/* SPDX-License-Identifier: GPL-2.0-only */
/* The generic timer: the virtual counter as the clock, the virtual timer as
 * the wake-up source of suspend tests. */
#include "lib.h"

#define CNTV_CTL_ENABLE   (1U << 0)
#define CNTKCTL_EVNTEN    (1U << 2)
#define CNTKCTL_EVNTI_SHIFT 4
#define CNTKCTL_EVENT_MASK  0xfcU   /* EVNTEN, EVNTDIR, EVNTI */

/*
 * WFE may wait for an event forever on real hardware: the event stream sends
 * one whenever the chosen counter bit flips, here about every 50 us.
 */
void timer_event_stream_init(void)
{
	uint64_t period = timer_freq() / 20000;
	uint64_t ctl = read_sysreg(cntkctl_el1) & ~(uint64_t)CNTKCTL_EVENT_MASK;
	unsigned int bit = 0;

	while (bit < 15 && (2ULL << (bit + 1)) <= period)
		bit++;
	write_sysreg(ctl | CNTKCTL_EVNTEN | (bit << CNTKCTL_EVNTI_SHIFT), cntkctl_el1);
	isb();
}

/* The compare value, not TVAL: its deadline does not depend on when the
 * write lands. */
void timer_arm(uint64_t ticks)
{
	write_sysreg(timer_now() + ticks, cntv_cval_el0);
	write_sysreg(CNTV_CTL_ENABLE, cntv_ctl_el0);
	isb();
}

void timer_stop(void)
{
	write_sysreg(0, cntv_ctl_el0);
	isb();
}

void delay_ticks(uint64_t ticks)
{
	uint64_t end = timer_now() + ticks;

	while (timer_now() < end)
		wfe();
}

/* After a suspend that the timer may have ended: stop it and end its
 * interrupt (acknowledged with PSTATE.I still set). Returns the INTID that
 * was pending, 1023 if none. */
uint32_t timer_settle(void)
{
	uint32_t intid = gic_ack();

	timer_stop();
	if (intid < 1020)
		gic_eoi(intid);
	gic_drain();
	return intid;
}
