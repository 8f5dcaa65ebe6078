/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * SDEI delivery: which PE may take which event, entering a handler on the
 * PE's own thread, EVENT_CONTEXT and the two completions, PE power, host
 * injection, interrupt lines, and the views hvmm stat shows.
 *
 * An event is raised by marking it pending (one instance; per PE for a
 * private event). Every PE that can take it now is kicked; its thread then
 * calls sdei_vcpu_deliver before entering the guest, which claims the
 * event under the lock. A shared event is claimed by exactly one PE: the
 * first to get there (RM_ANY), or the one named (RM_PE). A PE that cannot
 * take an event now gets it later through something it does itself
 * (PE_UNMASK, EVENT_ENABLE of a private event, a completion, power-on),
 * after which its own thread looks again; what other threads do that
 * makes an event deliverable (raising it, enabling a shared event,
 * completing a shared handler, a PE going off mid-handler) kicks the PEs
 * that can take it.
 *
 * Priorities: a critical handler may interrupt a normal one; nothing
 * interrupts a critical one, and a normal handler never interrupts another.
 * So a PE runs at most two nested handlers, and keeps one saved context
 * for each. Among several deliverable events the critical ones go first,
 * then table order: event 0, the platform events as configured, then the
 * bound events.
 */
#include <stdlib.h>

#include "sdei_internal.h"

/* ---- who can take what ---- */

static bool sdei_priority_allows(const struct sdei *s, const struct sdei_pe *pe,
				 enum sdei_priority prio)
{
	if (pe->depth == 0)
		return true;
	if (pe->depth > 1 || prio != SDEI_PRIORITY_CRITICAL)
		return false;
	return s->ev[pe->frame[0].event].priority == SDEI_PRIORITY_NORMAL;
}

bool sdei_can_take_locked(struct sdei *s, unsigned int vcpu, unsigned int e)
{
	const struct sdei_pe *pe = &s->pe[vcpu];
	struct sdei_event *ev = &s->ev[e];
	const struct sdei_state *st;

	if (!pe->on || pe->masked || !sdei_event_exists(ev))
		return false;
	st = sdei_state_of(ev, vcpu);
	if (!st->pending || st->state != SDEI_ST_ENABLED)
		return false;
	if (ev->type == SDEI_EVENT_SHARED && st->routing == SDEI_ROUTING_PE &&
	    st->target != vcpu)
		return false;
	return sdei_priority_allows(s, pe, ev->priority);
}

/* The event PE vcpu should take next, or -1. Called locked. */
static int sdei_pick_locked(struct sdei *s, unsigned int vcpu)
{
	static const enum sdei_priority order[] = {
		SDEI_PRIORITY_CRITICAL, SDEI_PRIORITY_NORMAL,
	};
	unsigned int p, e;

	for (p = 0; p < 2; p++) {
		for (e = 0; e < s->nr_events; e++) {
			if (s->ev[e].priority == order[p] &&
			    sdei_can_take_locked(s, vcpu, e))
				return (int)e;
		}
	}
	return -1;
}

void sdei_kicks_add_takers(struct sdei *s, unsigned int e, unsigned int except,
			   struct sdei_kicks *k)
{
	unsigned int i;

	for (i = 0; i < s->nr_cpus; i++) {
		if (i != except && sdei_can_take_locked(s, i, e))
			sdei_kicks_add(k, i);
	}
}

void sdei_raise_locked(struct sdei *s, unsigned int e, unsigned int vcpu,
		       unsigned int except, struct sdei_kicks *k)
{
	struct sdei_event *ev = &s->ev[e];

	if (ev->type == SDEI_EVENT_PRIVATE) {
		ev->st[vcpu].pending = true;
		if (vcpu != except && sdei_can_take_locked(s, vcpu, e))
			sdei_kicks_add(k, vcpu);
	} else {
		ev->st[0].pending = true;
		sdei_kicks_add_takers(s, e, except, k);
	}
}

void sdei_kicks_send(struct sdei *s, const struct sdei_kicks *k)
{
	unsigned int i;

	for (i = 0; i < s->nr_cpus; i++) {
		if (k->bits[i / 64] & (1ULL << (i % 64)))
			s->host.ops->kick(s->host.host, i);
	}
}

/*
 * The handler of event e stopped running on PE vcpu (completed, or the PE
 * went off). An unregister pending is thereby finished. A pending instance
 * of a shared event may now go to another PE. Called locked. -EPROTO if
 * the event was not running (hvmm's bookkeeping is wrong).
 */
static int sdei_stop_running_locked(struct sdei *s, unsigned int vcpu,
				    unsigned int e, struct sdei_kicks *k)
{
	struct sdei_state *st = sdei_state_of(&s->ev[e], vcpu);

	if (sdei_state_do(st, SDEI_DO_HANDLER_END) == SDEI_TRANSITION_BUG)
		return -EPROTO;
	st->running_on = SDEI_NO_CPU;
	if (s->ev[e].type == SDEI_EVENT_SHARED)
		sdei_kicks_add_takers(s, e, vcpu, k);
	return 0;
}

/* ---- entering a handler ---- */

static int sdei_save_context(struct sdei *s, unsigned int vcpu,
			     struct sdei_frame *f)
{
	unsigned int i;
	int err = 0;

	for (i = 0; i < SDEI_SAVED_REGS && !err; i++)
		err = sdei_reg_read(s, vcpu, FW_REG_X0 + i, &f->x[i]);
	if (!err)
		err = sdei_reg_read(s, vcpu, FW_REG_PC, &f->pc);
	if (!err)
		err = sdei_reg_read(s, vcpu, FW_REG_PSTATE, &f->pstate);
	return err;
}

/*
 * x0-x3 as the dispatch contract says; x4-x17 keep the interrupted values
 * (the handler belongs to the same guest, and they are restored anyway).
 * PSTATE is EL1h with D, A, I, F masked and every other bit clear, as
 * TF-A builds it: the handler sets what it relies on (Linux sets PAN).
 * SP_EL1, ELR_EL1 and SPSR_EL1 are not touched.
 */
static int sdei_enter_handler(struct sdei *s, unsigned int vcpu, uint32_t num,
			      uint64_t entry, uint64_t arg,
			      const struct sdei_frame *f)
{
	int err;

	err = sdei_reg_write(s, vcpu, FW_REG_X0, num);
	if (!err)
		err = sdei_reg_write(s, vcpu, FW_REG_X0 + 1, arg);
	if (!err)
		err = sdei_reg_write(s, vcpu, FW_REG_X0 + 2, f->pc);
	if (!err)
		err = sdei_reg_write(s, vcpu, FW_REG_X0 + 3, f->pstate);
	if (!err)
		err = sdei_reg_write(s, vcpu, FW_REG_PSTATE, FW_PSTATE_EL1H_DAIF);
	if (!err)
		err = sdei_reg_write(s, vcpu, FW_REG_PC, entry);
	return err;
}

/*
 * Claimed under the lock (so exactly one PE runs a shared event), then the
 * registers, then the saved context is published. If a vCPU operation
 * fails the claim is undone and the event is pending again; the VMM treats
 * the error as fatal, as the registers may be half written.
 */
int sdei_vcpu_deliver(struct sdei *s, unsigned int vcpu)
{
	struct sdei_pe *pe;
	struct sdei_state *st;
	struct sdei_frame f;
	struct sdei_kicks kicks = { { 0 } };
	uint64_t entry, arg;
	unsigned int depth;
	int e, err;

	if (!s || vcpu >= s->nr_cpus)
		return -EINVAL;
	pe = &s->pe[vcpu];

	sdei_lock(s);
	e = sdei_pick_locked(s, vcpu);
	if (e < 0) {
		sdei_unlock(s);
		return 0;
	}
	st = sdei_state_of(&s->ev[e], vcpu);
	if (sdei_state_do(st, SDEI_DO_DISPATCH) == SDEI_TRANSITION_BUG) {
		sdei_unlock(s);
		return -EPROTO;
	}
	st->pending = false;
	st->running_on = vcpu;
	entry = st->entry;
	arg = st->arg;
	depth = pe->depth++;
	pe->frame[depth].event = (unsigned int)e;
	sdei_unlock(s);

	f.event = (unsigned int)e;
	err = sdei_save_context(s, vcpu, &f);
	if (!err)
		err = sdei_enter_handler(s, vcpu, s->ev[e].num, entry, arg, &f);

	sdei_lock(s);
	if (err) {
		pe->depth--;
		st->pending = true;
		if (sdei_stop_running_locked(s, vcpu, (unsigned int)e, &kicks))
			err = -EPROTO;
	} else {
		pe->frame[depth] = f;
		s->ev[e].delivered++;
	}
	sdei_unlock(s);
	sdei_kicks_send(s, &kicks);
	return err ? sdei_errno(err) : 1;
}

bool sdei_vcpu_has_deliverable(struct sdei *s, unsigned int vcpu)
{
	bool ret;

	if (!s || vcpu >= s->nr_cpus)
		return false;
	sdei_lock(s);
	ret = sdei_pick_locked(s, vcpu) >= 0;
	sdei_unlock(s);
	return ret;
}

/* ---- inside a handler ---- */

/* The index is checked first, then that a handler runs, as TF-A does. */
enum smccc_action sdei_event_context(const struct sdei_req *req)
{
	struct sdei_pe *pe = &req->s->pe[req->vcpu];
	uint64_t index, val = 0;
	bool running;

	if (sdei_arg(req, 1, &index))
		return SMCCC_FAILED;
	if (index >= SDEI_SAVED_REGS)
		return sdei_reply(req, SDEI_RET_INVALID_PARAMETERS);

	sdei_lock(req->s);
	running = pe->depth > 0;
	if (running)
		val = pe->frame[pe->depth - 1].x[index];
	sdei_unlock(req->s);
	return sdei_reply(req, running ? (int64_t)val : SDEI_RET_DENIED);
}

static int sdei_restore_regs(struct sdei *s, unsigned int vcpu,
			     const struct sdei_frame *f)
{
	unsigned int i;
	int err = 0;

	for (i = 0; i < SDEI_SAVED_REGS && !err; i++)
		err = sdei_reg_write(s, vcpu, FW_REG_X0 + i, f->x[i]);
	return err;
}

/* Back to where the handler interrupted. */
static int sdei_resume_interrupted(struct sdei *s, unsigned int vcpu,
				   const struct sdei_frame *f)
{
	int err = sdei_restore_regs(s, vcpu, f);

	if (!err)
		err = sdei_reg_write(s, vcpu, FW_REG_PSTATE, f->pstate);
	if (!err)
		err = sdei_reg_write(s, vcpu, FW_REG_PC, f->pc);
	return err;
}

/*
 * As if the interrupted context had taken an exception to EL1 whose vector
 * is resume: ELR_EL1/SPSR_EL1 describe the interrupted context, and the
 * PE runs at resume in EL1h with D, A, I, F masked.
 */
static int sdei_resume_at(struct sdei *s, unsigned int vcpu,
			  const struct sdei_frame *f, uint64_t resume)
{
	int err = sdei_restore_regs(s, vcpu, f);

	if (!err)
		err = sdei_reg_write(s, vcpu, FW_REG_ELR_EL1, f->pc);
	if (!err)
		err = sdei_reg_write(s, vcpu, FW_REG_SPSR_EL1, f->pstate);
	if (!err)
		err = sdei_reg_write(s, vcpu, FW_REG_PSTATE, FW_PSTATE_EL1H_DAIF);
	if (!err)
		err = sdei_reg_write(s, vcpu, FW_REG_PC, resume);
	return err;
}

/*
 * Only the caller's own thread pushes or pops its frames, so the innermost
 * one can be read, the registers written without the lock, and the frame
 * popped afterwards. No result is written on success: the caller resumes
 * the context it had. The status argument of EVENT_COMPLETE (handled or
 * failed) changes nothing, and the resume address is a guest virtual
 * address that is not checked. If a register cannot be written the
 * handler stays running.
 */
static enum smccc_action sdei_complete(const struct sdei_req *req, bool resume)
{
	struct sdei *s = req->s;
	struct sdei_pe *pe = &s->pe[req->vcpu];
	struct sdei_kicks kicks = { { 0 } };
	struct sdei_frame f;
	uint64_t resume_pc = 0;
	bool running;
	int err;

	if (resume && sdei_arg(req, 1, &resume_pc))
		return SMCCC_FAILED;

	sdei_lock(s);
	running = pe->depth > 0;
	if (running)
		f = pe->frame[pe->depth - 1];
	sdei_unlock(s);
	if (!running)
		return sdei_reply(req, SDEI_RET_DENIED);

	if (resume)
		err = sdei_resume_at(s, req->vcpu, &f, resume_pc);
	else
		err = sdei_resume_interrupted(s, req->vcpu, &f);
	if (err)
		return SMCCC_FAILED;

	sdei_lock(s);
	pe->depth--;
	err = sdei_stop_running_locked(s, req->vcpu, f.event, &kicks);
	sdei_unlock(s);
	sdei_kicks_send(s, &kicks);
	return err ? SMCCC_FAILED : SMCCC_CONTINUE;
}

enum smccc_action sdei_event_complete(const struct sdei_req *req)
{
	return sdei_complete(req, false);
}

enum smccc_action sdei_event_complete_and_resume(const struct sdei_req *req)
{
	return sdei_complete(req, true);
}

/* ---- power ---- */

/*
 * Handlers that were running on a PE that goes off or starts afresh are
 * abandoned (their context is gone): their events stop running, which
 * finishes a pending unregister and lets a pending shared instance go
 * elsewhere. Called locked.
 */
static int sdei_abandon_handlers_locked(struct sdei *s, unsigned int vcpu,
					struct sdei_kicks *k)
{
	struct sdei_pe *pe = &s->pe[vcpu];
	int err = 0;

	while (pe->depth > 0) {
		pe->depth--;
		if (sdei_stop_running_locked(s, vcpu, pe->frame[pe->depth].event, k))
			err = -EPROTO;
	}
	return err;
}

int sdei_vcpu_powered_on(struct sdei *s, unsigned int vcpu)
{
	struct sdei_kicks kicks = { { 0 } };
	unsigned int e;
	int err;

	if (!s || vcpu >= s->nr_cpus)
		return -EINVAL;
	sdei_lock(s);
	err = sdei_abandon_handlers_locked(s, vcpu, &kicks);
	for (e = 0; e < s->nr_events; e++) {
		if (s->ev[e].type != SDEI_EVENT_PRIVATE)
			continue;
		if (sdei_state_do(&s->ev[e].st[vcpu], SDEI_DO_PE_ON) == SDEI_TRANSITION_BUG)
			err = -EPROTO;
		sdei_state_clear(&s->ev[e].st[vcpu]);
	}
	s->pe[vcpu].on = true;
	s->pe[vcpu].masked = true;
	sdei_unlock(s);
	sdei_kicks_send(s, &kicks);
	return err;
}

/* Pending events stay pending: nothing is delivered to a PE that is off. */
int sdei_vcpu_powered_off(struct sdei *s, unsigned int vcpu)
{
	struct sdei_kicks kicks = { { 0 } };
	int err;

	if (!s || vcpu >= s->nr_cpus)
		return -EINVAL;
	sdei_lock(s);
	s->pe[vcpu].on = false;
	err = sdei_abandon_handlers_locked(s, vcpu, &kicks);
	sdei_unlock(s);
	sdei_kicks_send(s, &kicks);
	return err;
}

/* ---- host injection and interrupt lines ---- */

int sdei_signal(struct sdei *s, uint32_t num, int vcpu)
{
	struct sdei_kicks kicks = { { 0 } };
	int e, ret = 0;

	if (!s)
		return -EINVAL;
	sdei_lock(s);
	e = sdei_find_locked(s, num);
	if (e < 0) {
		ret = -ENOENT;
	} else if (s->ev[e].type == SDEI_EVENT_PRIVATE) {
		if (vcpu < 0 || (unsigned int)vcpu >= s->nr_cpus)
			ret = -EINVAL;
		else
			sdei_raise_locked(s, (unsigned int)e, (unsigned int)vcpu,
					  SDEI_NO_CPU, &kicks);
	} else if (vcpu != -1) {
		ret = -EINVAL;
	} else {
		sdei_raise_locked(s, (unsigned int)e, 0, SDEI_NO_CPU, &kicks);
	}
	sdei_unlock(s);
	sdei_kicks_send(s, &kicks);
	return ret;
}

/*
 * Every bindable line's level is tracked, bound or not, so binding a line
 * that is already high raises nothing until its next rising edge.
 */
bool sdei_interrupt(struct sdei *s, uint32_t intid, int level)
{
	struct sdei_kicks kicks = { { 0 } };
	struct sdei_line *line = NULL;
	bool was_high, bound = false;
	unsigned int i;

	if (!s)
		return false;
	sdei_lock(s);
	for (i = 0; i < s->nr_lines; i++) {
		if (s->line[i].intid == intid)
			line = &s->line[i];
	}
	if (line) {
		was_high = line->level;
		line->level = level != 0;
		bound = line->event >= 0;
		if (bound && !was_high && line->level)
			sdei_raise_locked(s, (unsigned int)line->event, 0,
					  SDEI_NO_CPU, &kicks);
	}
	sdei_unlock(s);
	sdei_kicks_send(s, &kicks);
	return bound;
}

/* ---- for hvmm stat ---- */

unsigned int sdei_events(struct sdei *s, struct sdei_event_info *out,
			 unsigned int max)
{
	const struct sdei_event *ev;
	unsigned int e, n = 0;

	if (!s)
		return 0;
	sdei_lock(s);
	for (e = 0; e < s->nr_events; e++) {
		ev = &s->ev[e];
		if (!sdei_event_exists(ev))
			continue;
		if (out && n < max)
			out[n] = (struct sdei_event_info){
				.num = ev->num, .type = ev->type,
				.priority = ev->priority, .bound = ev->dynamic,
				.intid = ev->dynamic ? s->line[ev->line].intid : 0,
				.delivered = ev->delivered,
			};
		n++;
	}
	sdei_unlock(s);
	return n;
}

int sdei_event_status(struct sdei *s, uint32_t num, unsigned int vcpu)
{
	const struct sdei_state *st;
	int e, ret;

	if (!s)
		return -ENOENT;
	sdei_lock(s);
	e = sdei_find_locked(s, num);
	if (e < 0) {
		ret = -ENOENT;
	} else if (s->ev[e].type == SDEI_EVENT_PRIVATE && vcpu >= s->nr_cpus) {
		ret = -EINVAL;
	} else {
		st = sdei_state_of(&s->ev[e], vcpu);
		ret = (int)sdei_status_of(st);
	}
	sdei_unlock(s);
	return ret;
}

bool sdei_vcpu_masked(struct sdei *s, unsigned int vcpu)
{
	bool masked;

	if (!s || vcpu >= s->nr_cpus)
		return true;
	sdei_lock(s);
	masked = s->pe[vcpu].masked;
	sdei_unlock(s);
	return masked;
}
