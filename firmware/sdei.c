/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * SDEI 1.1 served from userspace, as a state machine over the fw_vcpu
 * interface. This file holds the dispatcher and the calls that only change
 * state (registration, enabling, masking, binding, signalling, resets,
 * queries); sdei_deliver.c enters and completes handlers and takes events
 * from the host and from interrupt lines; sdei_setup.c the life cycle.
 *
 * Every call is SMC64 and runs on the caller's thread: it reads its
 * arguments, decides under s->lock, drops the lock, writes x0 and kicks
 * any other PE the call made an event deliverable to. Event numbers and
 * other arguments are compared in all their 64 bits: a value with stray
 * upper bits names nothing (INVALID_PARAMETERS).
 *
 * Per event (per PE for private events): a state, changed only through
 * the table in sdei_state.c (REGISTER needs unregistered and not running;
 * ENABLE, DISABLE need registered; UNREGISTER of a running event answers
 * PENDING and finishes at completion; anything else is DENIED), and
 * whether an instance is pending.
 */
#include "sdei_internal.h"

#define SDEI_VERSION_VALUE \
	(((uint64_t)SDEI_VERSION_MAJOR << 48) | \
	 ((uint64_t)SDEI_VERSION_MINOR << 32) | SDEI_VENDOR_HVMM)

#define SDEI_FN_MASK       0x3fU
#define SDEI_FN_FIRST      SDEI_FN_VERSION
#define SDEI_FN_LAST       SDEI_FN_SHARED_RESET

#define SDEI_FEATURE_BIND_SLOTS     0
#define SDEI_FEATURE_RELATIVE_MODE  1

enum sdei_info {
	SDEI_INFO_TYPE       = 0,
	SDEI_INFO_SIGNALABLE = 1,
	SDEI_INFO_PRIORITY   = 2,
	SDEI_INFO_ROUTING    = 3,
	SDEI_INFO_AFFINITY   = 4,
};

typedef enum smccc_action (*sdei_handler)(const struct sdei_req *req);

/* ---- registers of the caller ---- */

int sdei_arg(const struct sdei_req *req, unsigned int n, uint64_t *val)
{
	return smccc_arg(req->call, n, val);
}

/* The result goes to x0 only, negative codes sign-extended to 64 bits;
 * the dispatcher writes it back. */
enum smccc_action sdei_reply(const struct sdei_req *req, int64_t ret)
{
	smccc_reply(req->call, ret);
	return SMCCC_CONTINUE;
}

/* ---- lookups ---- */

int sdei_find_locked(struct sdei *s, uint64_t num)
{
	unsigned int i;

	for (i = 0; i < s->nr_events; i++) {
		if (s->ev[i].num == num && sdei_event_exists(&s->ev[i]))
			return (int)i;
	}
	return -1;
}

/* The PE an MPIDR argument names exactly, or -1. Its MPIDRs never change. */
static int sdei_pe_of_mpidr(const struct sdei *s, uint64_t mpidr)
{
	unsigned int i;

	if (mpidr & ~FW_MPIDR_AFF_MASK)
		return -1;
	for (i = 0; i < s->nr_cpus; i++) {
		if (s->pe[i].mpidr == mpidr)
			return (int)i;
	}
	return -1;
}

static int sdei_line_of(const struct sdei *s, uint64_t intid)
{
	unsigned int i;

	for (i = 0; i < s->nr_lines; i++) {
		if (s->line[i].intid == intid)
			return (int)i;
	}
	return -1;
}

/* ---- simple answers ---- */

static enum smccc_action sdei_version(const struct sdei_req *req)
{
	return sdei_reply(req, (int64_t)SDEI_VERSION_VALUE);
}

/* hvmm has no private bind slots (PPIs are not bindable). */
static enum smccc_action sdei_features(const struct sdei_req *req)
{
	struct sdei *s = req->s;
	uint64_t feature;

	if (sdei_arg(req, 1, &feature))
		return SMCCC_FAILED;
	switch (feature) {
	case SDEI_FEATURE_BIND_SLOTS:
		return sdei_reply(req, (int64_t)(s->nr_events - s->first_slot) << 16);
	case SDEI_FEATURE_RELATIVE_MODE:
		return sdei_reply(req, 0);
	default:
		return sdei_reply(req, SDEI_RET_INVALID_PARAMETERS);
	}
}

/* ---- registration ---- */

struct sdei_registration {
	uint64_t num, entry, arg, flags, affinity;
};

/*
 * Bit 0 of flags is the routing mode, which only shared events have: for a
 * private event it and the affinity are ignored. The other bits are
 * reserved (bit 1 would ask for relative mode, which FEATURES says hvmm
 * does not offer). The entry point is a guest virtual address and is not
 * checked.
 */
static int64_t sdei_register_locked(struct sdei *s, unsigned int vcpu,
				    const struct sdei_registration *r)
{
	struct sdei_event *ev;
	struct sdei_state *st;
	int e, target = -1;

	if (r->flags & ~SDEI_REGF_RM_PE)
		return SDEI_RET_INVALID_PARAMETERS;
	e = sdei_find_locked(s, r->num);
	if (e < 0)
		return SDEI_RET_INVALID_PARAMETERS;
	ev = &s->ev[e];
	if (ev->type == SDEI_EVENT_SHARED && r->flags == SDEI_REGF_RM_PE) {
		target = sdei_pe_of_mpidr(s, r->affinity);
		if (target < 0)
			return SDEI_RET_INVALID_PARAMETERS;
	}

	st = sdei_state_of(ev, vcpu);
	if (sdei_state_do(st, SDEI_DO_REGISTER) != SDEI_RET_SUCCESS)
		return SDEI_RET_DENIED;
	st->entry = r->entry;
	st->arg = r->arg;
	if (ev->type == SDEI_EVENT_SHARED) {
		st->routing = target < 0 ? SDEI_ROUTING_ANY : SDEI_ROUTING_PE;
		st->affinity = target < 0 ? 0 : r->affinity;
		st->target = target < 0 ? SDEI_NO_CPU : (unsigned int)target;
	}
	return SDEI_RET_SUCCESS;
}

static enum smccc_action sdei_event_register(const struct sdei_req *req)
{
	struct sdei_registration r;
	int64_t ret;

	if (sdei_arg(req, 1, &r.num) || sdei_arg(req, 2, &r.entry) ||
	    sdei_arg(req, 3, &r.arg) || sdei_arg(req, 4, &r.flags) ||
	    sdei_arg(req, 5, &r.affinity))
		return SMCCC_FAILED;

	sdei_lock(req->s);
	ret = sdei_register_locked(req->s, req->vcpu, &r);
	sdei_unlock(req->s);
	return sdei_reply(req, ret);
}

/*
 * Enabling a shared event may make a pending instance deliverable on other
 * PEs: they are kicked. A private one only concerns the caller, whose
 * thread looks for deliverable events before it enters the guest again.
 */
static enum smccc_action sdei_event_set_enabled(const struct sdei_req *req,
						bool enabled)
{
	struct sdei *s = req->s;
	struct sdei_kicks kicks = { { 0 } };
	struct sdei_state *st;
	uint64_t num;
	int64_t ret = SDEI_RET_SUCCESS;
	int e;

	if (sdei_arg(req, 1, &num))
		return SMCCC_FAILED;

	sdei_lock(s);
	e = sdei_find_locked(s, num);
	if (e < 0) {
		ret = SDEI_RET_INVALID_PARAMETERS;
	} else {
		st = sdei_state_of(&s->ev[e], req->vcpu);
		ret = sdei_state_do(st, enabled ? SDEI_DO_ENABLE : SDEI_DO_DISABLE);
		if (ret == SDEI_RET_SUCCESS && enabled && s->ev[e].type == SDEI_EVENT_SHARED)
			sdei_kicks_add_takers(s, (unsigned int)e, req->vcpu, &kicks);
	}
	sdei_unlock(s);
	sdei_kicks_send(s, &kicks);
	return sdei_reply(req, ret);
}

static enum smccc_action sdei_event_enable(const struct sdei_req *req)
{
	return sdei_event_set_enabled(req, true);
}

static enum smccc_action sdei_event_disable(const struct sdei_req *req)
{
	return sdei_event_set_enabled(req, false);
}

/*
 * Unregistering also disables. With the handler running the unregister is
 * pending (finished at completion), and asking again says PENDING again,
 * as TF-A does; an event neither registered nor running is DENIED.
 */
static int64_t sdei_unregister_locked(struct sdei_state *st)
{
	return sdei_state_do(st, SDEI_DO_UNREGISTER);
}

/* The calls that only look up event x1 and act on it for the caller's PE
 * under the lock (x2, read before, passed on): the result of op, or
 * INVALID_PARAMETERS. */
static enum smccc_action sdei_on_event(const struct sdei_req *req,
				       int64_t (*op)(struct sdei_event *ev, unsigned int vcpu, uint64_t x2),
				       uint64_t x2)
{
	struct sdei *s = req->s;
	uint64_t num;
	int64_t ret;
	int e;

	if (sdei_arg(req, 1, &num))
		return SMCCC_FAILED;

	sdei_lock(s);
	e = sdei_find_locked(s, num);
	if (e < 0)
		ret = SDEI_RET_INVALID_PARAMETERS;
	else
		ret = op(&s->ev[e], req->vcpu, x2);
	sdei_unlock(s);
	return sdei_reply(req, ret);
}

static int64_t sdei_unregister_op(struct sdei_event *ev, unsigned int vcpu, uint64_t unused)
{
	(void)unused;
	return sdei_unregister_locked(sdei_state_of(ev, vcpu));
}

static enum smccc_action sdei_event_unregister(const struct sdei_req *req)
{
	return sdei_on_event(req, sdei_unregister_op, 0);
}

/* ---- queries ---- */

static int64_t sdei_status_bits(struct sdei_event *ev, unsigned int vcpu, uint64_t unused)
{
	const struct sdei_state *st = sdei_state_of(ev, vcpu);

	(void)unused;
	return sdei_status_of(st);
}

static enum smccc_action sdei_event_status_call(const struct sdei_req *req)
{
	return sdei_on_event(req, sdei_status_bits, 0);
}

/*
 * Routing mode and affinity exist only for shared events (private:
 * INVALID_PARAMETERS) and only while registered (else DENIED), as in TF-A.
 * The affinity of an RM_ANY event is INVALID_PARAMETERS: it has none.
 */
static int64_t sdei_info_locked(struct sdei_event *ev, unsigned int vcpu,
				uint64_t info)
{
	struct sdei_state *st = sdei_state_of(ev, vcpu);

	switch (info) {
	case SDEI_INFO_TYPE:
		return ev->type;
	case SDEI_INFO_SIGNALABLE:
		return ev->signalable;
	case SDEI_INFO_PRIORITY:
		return ev->priority;
	case SDEI_INFO_ROUTING:
	case SDEI_INFO_AFFINITY:
		if (ev->type != SDEI_EVENT_SHARED)
			return SDEI_RET_INVALID_PARAMETERS;
		if (!sdei_st_registered(st))
			return SDEI_RET_DENIED;
		if (info == SDEI_INFO_ROUTING)
			return st->routing;
		if (st->routing != SDEI_ROUTING_PE)
			return SDEI_RET_INVALID_PARAMETERS;
		return (int64_t)st->affinity;
	default:
		return SDEI_RET_INVALID_PARAMETERS;
	}
}

static enum smccc_action sdei_event_get_info(const struct sdei_req *req)
{
	uint64_t info;

	if (sdei_arg(req, 2, &info))
		return SMCCC_FAILED;
	return sdei_on_event(req, sdei_info_locked, info);
}

/* ---- routing ---- */

/*
 * Parameters first (a private event has no routing: INVALID_PARAMETERS),
 * then the state: registered, disabled and not running, else DENIED. The
 * event being disabled, nothing becomes deliverable.
 */
static int64_t sdei_routing_set_locked(struct sdei *s, uint64_t num,
				       uint64_t mode, uint64_t affinity)
{
	struct sdei_state *st;
	int e, target = -1;

	e = sdei_find_locked(s, num);
	if (e < 0 || s->ev[e].type != SDEI_EVENT_SHARED)
		return SDEI_RET_INVALID_PARAMETERS;
	if (mode != SDEI_ROUTING_ANY && mode != SDEI_ROUTING_PE)
		return SDEI_RET_INVALID_PARAMETERS;
	if (mode == SDEI_ROUTING_PE) {
		target = sdei_pe_of_mpidr(s, affinity);
		if (target < 0)
			return SDEI_RET_INVALID_PARAMETERS;
	}

	st = &s->ev[e].st[0];
	if (sdei_state_do(st, SDEI_DO_ROUTE) != SDEI_RET_SUCCESS)
		return SDEI_RET_DENIED;
	st->routing = (enum sdei_routing)mode;
	st->affinity = target < 0 ? 0 : affinity;
	st->target = target < 0 ? SDEI_NO_CPU : (unsigned int)target;
	return SDEI_RET_SUCCESS;
}

static enum smccc_action sdei_event_routing_set(const struct sdei_req *req)
{
	uint64_t num, mode, affinity;
	int64_t ret;

	if (sdei_arg(req, 1, &num) || sdei_arg(req, 2, &mode) ||
	    sdei_arg(req, 3, &affinity))
		return SMCCC_FAILED;

	sdei_lock(req->s);
	ret = sdei_routing_set_locked(req->s, num, mode, affinity);
	sdei_unlock(req->s);
	return sdei_reply(req, ret);
}

/* ---- masking ---- */

static enum smccc_action sdei_pe_mask(const struct sdei_req *req)
{
	struct sdei_pe *pe = &req->s->pe[req->vcpu];
	bool was_masked;

	sdei_lock(req->s);
	was_masked = pe->masked;
	pe->masked = true;
	sdei_unlock(req->s);
	return sdei_reply(req, was_masked ? 0 : 1);
}

/* Pending events are picked up before the caller enters the guest again. */
static enum smccc_action sdei_pe_unmask(const struct sdei_req *req)
{
	sdei_lock(req->s);
	req->s->pe[req->vcpu].masked = false;
	sdei_unlock(req->s);
	return sdei_reply(req, SDEI_RET_SUCCESS);
}

/* ---- interrupt binding ---- */

static void sdei_slot_bind(struct sdei *s, unsigned int e, unsigned int line)
{
	s->ev[e].line = (int)line;
	sdei_state_clear(&s->ev[e].st[0]);
	s->line[line].event = (int)e;
}

static void sdei_slot_release(struct sdei *s, unsigned int e)
{
	s->line[s->ev[e].line].event = -1;
	s->ev[e].line = -1;
	sdei_state_clear(&s->ev[e].st[0]);
}

/*
 * Only the SPIs hvmm drives can be bound (SGIs, PPIs and other lines:
 * INVALID_PARAMETERS). A bound line answers with its event; otherwise the
 * lowest free slot is taken.
 */
static int64_t sdei_bind_locked(struct sdei *s, uint64_t intid)
{
	unsigned int e;
	int line;

	if (intid < SDEI_FIRST_SPI)
		return SDEI_RET_INVALID_PARAMETERS;
	line = sdei_line_of(s, intid);
	if (line < 0)
		return SDEI_RET_INVALID_PARAMETERS;
	if (s->line[line].event >= 0)
		return s->ev[s->line[line].event].num;

	for (e = s->first_slot; e < s->nr_events; e++) {
		if (s->ev[e].line < 0) {
			sdei_slot_bind(s, e, (unsigned int)line);
			return s->ev[e].num;
		}
	}
	return SDEI_RET_OUT_OF_RESOURCE;
}

/* x1 to op under the lock, and op's result to the caller. */
static enum smccc_action sdei_locked_on_arg(const struct sdei_req *req,
					    int64_t (*op)(struct sdei *s, uint64_t x1))
{
	uint64_t x1;
	int64_t ret;

	if (sdei_arg(req, 1, &x1))
		return SMCCC_FAILED;

	sdei_lock(req->s);
	ret = op(req->s, x1);
	sdei_unlock(req->s);
	return sdei_reply(req, ret);
}

static enum smccc_action sdei_interrupt_bind(const struct sdei_req *req)
{
	return sdei_locked_on_arg(req, sdei_bind_locked);
}

/* A pending instance goes with the binding. */
static int64_t sdei_release_locked(struct sdei *s, uint64_t num)
{
	struct sdei_state *st;
	int e = sdei_find_locked(s, num);

	if (e < 0 || !s->ev[e].dynamic)
		return SDEI_RET_INVALID_PARAMETERS;
	st = &s->ev[e].st[0];
	if (sdei_state_do(st, SDEI_DO_RELEASE) != SDEI_RET_SUCCESS)
		return SDEI_RET_DENIED;
	sdei_slot_release(s, (unsigned int)e);
	return SDEI_RET_SUCCESS;
}

static enum smccc_action sdei_interrupt_release(const struct sdei_req *req)
{
	return sdei_locked_on_arg(req, sdei_release_locked);
}

/* ---- EVENT_SIGNAL ---- */

/*
 * Event 0 is latched on the target even while it is masked, off, or has
 * event 0 unregistered or disabled (TF-A drops it on a masked PE), and is
 * delivered once it can be. The target is kicked if it can take it now; a
 * caller signalling itself takes it before it re-enters the guest.
 */
static enum smccc_action sdei_event_signal(const struct sdei_req *req)
{
	struct sdei *s = req->s;
	struct sdei_kicks kicks = { { 0 } };
	uint64_t num, mpidr;
	int target;

	if (sdei_arg(req, 1, &num) || sdei_arg(req, 2, &mpidr))
		return SMCCC_FAILED;
	if (num != SDEI_EVENT_SIGNAL)
		return sdei_reply(req, SDEI_RET_INVALID_PARAMETERS);
	target = sdei_pe_of_mpidr(s, mpidr);
	if (target < 0)
		return sdei_reply(req, SDEI_RET_INVALID_PARAMETERS);

	sdei_lock(s);
	sdei_raise_locked(s, 0, (unsigned int)target, req->vcpu, &kicks);
	sdei_unlock(s);
	sdei_kicks_send(s, &kicks);
	return sdei_reply(req, SDEI_RET_SUCCESS);
}

/* ---- resets ---- */

/*
 * Unregister the event, and forget a pending instance: a reset starts the
 * client afresh. True if its handler is running (the unregister is then
 * pending until the handler completes).
 */
static bool sdei_reset_state_locked(struct sdei_state *st)
{
	st->pending = false;
	sdei_state_do(st, SDEI_DO_RESET);
	return sdei_st_running(st);
}

/*
 * Every private event of the caller is unregistered; one whose handler
 * runs becomes unregister-pending and the call answers DENIED, as TF-A
 * does (the others are unregistered all the same).
 */
static enum smccc_action sdei_private_reset(const struct sdei_req *req)
{
	struct sdei *s = req->s;
	bool running = false;
	unsigned int e;

	sdei_lock(s);
	for (e = 0; e < s->nr_events; e++) {
		if (s->ev[e].type == SDEI_EVENT_PRIVATE)
			running |= sdei_reset_state_locked(&s->ev[e].st[req->vcpu]);
	}
	sdei_unlock(s);
	return sdei_reply(req, running ? SDEI_RET_DENIED : SDEI_RET_SUCCESS);
}

/*
 * Every shared event is unregistered, then every binding released. If a
 * shared handler runs (anywhere), that event becomes unregister-pending,
 * the bindings are kept and the call answers DENIED, as TF-A does.
 */
static enum smccc_action sdei_shared_reset(const struct sdei_req *req)
{
	struct sdei *s = req->s;
	bool running = false;
	unsigned int e;

	sdei_lock(s);
	for (e = 0; e < s->nr_events; e++) {
		if (s->ev[e].type == SDEI_EVENT_SHARED && sdei_event_exists(&s->ev[e]))
			running |= sdei_reset_state_locked(&s->ev[e].st[0]);
	}
	for (e = s->first_slot; e < s->nr_events && !running; e++) {
		if (s->ev[e].line >= 0)
			sdei_slot_release(s, e);
	}
	sdei_unlock(s);
	return sdei_reply(req, running ? SDEI_RET_DENIED : SDEI_RET_SUCCESS);
}

/* ---- dispatch ---- */

static const sdei_handler sdei_handlers[SDEI_FN_LAST - SDEI_FN_FIRST + 1] = {
	[SDEI_FN_VERSION - SDEI_FN_FIRST]           = sdei_version,
	[SDEI_FN_EVENT_REGISTER - SDEI_FN_FIRST]    = sdei_event_register,
	[SDEI_FN_EVENT_ENABLE - SDEI_FN_FIRST]      = sdei_event_enable,
	[SDEI_FN_EVENT_DISABLE - SDEI_FN_FIRST]     = sdei_event_disable,
	[SDEI_FN_EVENT_CONTEXT - SDEI_FN_FIRST]     = sdei_event_context,
	[SDEI_FN_EVENT_COMPLETE - SDEI_FN_FIRST]    = sdei_event_complete,
	[SDEI_FN_EVENT_COMPLETE_AND_RESUME - SDEI_FN_FIRST] =
		sdei_event_complete_and_resume,
	[SDEI_FN_EVENT_UNREGISTER - SDEI_FN_FIRST]  = sdei_event_unregister,
	[SDEI_FN_EVENT_STATUS - SDEI_FN_FIRST]      = sdei_event_status_call,
	[SDEI_FN_EVENT_GET_INFO - SDEI_FN_FIRST]    = sdei_event_get_info,
	[SDEI_FN_EVENT_ROUTING_SET - SDEI_FN_FIRST] = sdei_event_routing_set,
	[SDEI_FN_PE_MASK - SDEI_FN_FIRST]           = sdei_pe_mask,
	[SDEI_FN_PE_UNMASK - SDEI_FN_FIRST]         = sdei_pe_unmask,
	[SDEI_FN_INTERRUPT_BIND - SDEI_FN_FIRST]    = sdei_interrupt_bind,
	[SDEI_FN_INTERRUPT_RELEASE - SDEI_FN_FIRST] = sdei_interrupt_release,
	[SDEI_FN_EVENT_SIGNAL - SDEI_FN_FIRST]      = sdei_event_signal,
	[SDEI_FN_FEATURES - SDEI_FN_FIRST]          = sdei_features,
	[SDEI_FN_PRIVATE_RESET - SDEI_FN_FIRST]     = sdei_private_reset,
	[SDEI_FN_SHARED_RESET - SDEI_FN_FIRST]      = sdei_shared_reset,
};

static sdei_handler sdei_handler_of(uint32_t fid)
{
	uint32_t fn = fid & SDEI_FN_MASK;

	if ((fid & ~SDEI_FN_MASK) != SDEI_FID(0) || fn < SDEI_FN_FIRST ||
	    fn > SDEI_FN_LAST)
		return NULL;
	return sdei_handlers[fn - SDEI_FN_FIRST];
}

/*
 * SDEI is SMC64 only, so it exists only for callers in AArch64 state. A PE
 * running a handler is known to be: hvmm entered the handler in AArch64,
 * and the width of EL1, where every SMC and HVC comes from, is fixed when
 * the vCPU is made. So the handler's own calls (COMPLETE, CONTEXT...) need
 * no register read for it. The PE's frames are only changed by its own
 * thread, which this is.
 */
static int sdei_caller_is_aarch32(const struct sdei_req *req, bool *aarch32)
{
	uint64_t pstate;
	int err;

	if (req->s->pe[req->vcpu].depth > 0) {
		*aarch32 = false;
		return 0;
	}
	err = sdei_reg_read(req->s, req->vcpu, FW_REG_PSTATE, &pstate);

	if (!err)
		*aarch32 = pstate & FW_PSTATE_nRW;
	return err;
}

enum smccc_action sdei_call(struct sdei *s, struct smccc_call *c)
{
	struct sdei_req req = { .s = s, .vcpu = c->vcpu, .call = c };
	sdei_handler handler;
	bool aarch32;

	if (!s || c->vcpu >= s->nr_cpus)
		return SMCCC_FAILED;

	handler = sdei_handler_of(c->fid);
	if (!handler)
		return sdei_reply(&req, SDEI_RET_NOT_SUPPORTED);
	if (sdei_caller_is_aarch32(&req, &aarch32))
		return SMCCC_FAILED;
	if (aarch32)
		return sdei_reply(&req, SDEI_RET_NOT_SUPPORTED);
	return handler(&req);
}
