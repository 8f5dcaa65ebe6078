/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The life of one event's state (per PE for a private event) as a table:
 * every change goes through sdei_state_do, which applies the transition the
 * table gives for the state and action, or refuses it. It follows the state
 * table of the SDEI specification (DEN0054, section 6.1) the way Arm's TF-A
 * applies it. Whether an instance is pending is not part of it: an event is
 * raised whatever its state.
 *
 * A refused guest call leaves the state as it was and answers DENIED. The
 * actions only hvmm itself takes (dispatch, a handler ending, a PE powering
 * on) are refused only if hvmm got its own bookkeeping wrong: the caller
 * then reports an internal error.
 */
#include "sdei_internal.h"

#define ST(s) SDEI_ST_##s
#define OK(to)      { ST(to), SDEI_RET_SUCCESS }
#define PENDING(to) { ST(to), SDEI_RET_PENDING }
#define DENIED      { SDEI_ST_COUNT, SDEI_RET_DENIED }
#define BUG         { SDEI_ST_COUNT, SDEI_TRANSITION_BUG }

struct sdei_transition {
	enum sdei_ev_state to;     /* SDEI_ST_COUNT: refused */
	int64_t ret;
};

static const struct sdei_transition sdei_table[SDEI_ST_COUNT][SDEI_DO_COUNT] = {
	[ST(UNREGISTERED)] = {
		[SDEI_DO_REGISTER] = OK(DISABLED),     [SDEI_DO_ENABLE] = DENIED,
		[SDEI_DO_DISABLE] = DENIED,            [SDEI_DO_UNREGISTER] = DENIED,
		[SDEI_DO_ROUTE] = DENIED,              [SDEI_DO_RELEASE] = OK(UNREGISTERED),
		[SDEI_DO_RESET] = OK(UNREGISTERED),    [SDEI_DO_DISPATCH] = BUG,
		[SDEI_DO_HANDLER_END] = BUG,           [SDEI_DO_PE_ON] = OK(UNREGISTERED),
	},
	[ST(DISABLED)] = {
		[SDEI_DO_REGISTER] = DENIED,           [SDEI_DO_ENABLE] = OK(ENABLED),
		[SDEI_DO_DISABLE] = OK(DISABLED),      [SDEI_DO_UNREGISTER] = OK(UNREGISTERED),
		[SDEI_DO_ROUTE] = OK(DISABLED),        [SDEI_DO_RELEASE] = DENIED,
		[SDEI_DO_RESET] = OK(UNREGISTERED),    [SDEI_DO_DISPATCH] = BUG,
		[SDEI_DO_HANDLER_END] = BUG,           [SDEI_DO_PE_ON] = OK(UNREGISTERED),
	},
	[ST(ENABLED)] = {
		[SDEI_DO_REGISTER] = DENIED,           [SDEI_DO_ENABLE] = OK(ENABLED),
		[SDEI_DO_DISABLE] = OK(DISABLED),      [SDEI_DO_UNREGISTER] = OK(UNREGISTERED),
		[SDEI_DO_ROUTE] = DENIED,              [SDEI_DO_RELEASE] = DENIED,
		[SDEI_DO_RESET] = OK(UNREGISTERED),    [SDEI_DO_DISPATCH] = OK(RUNNING_ENABLED),
		[SDEI_DO_HANDLER_END] = BUG,           [SDEI_DO_PE_ON] = OK(UNREGISTERED),
	},
	[ST(RUNNING_DISABLED)] = {
		[SDEI_DO_REGISTER] = DENIED,           [SDEI_DO_ENABLE] = OK(RUNNING_ENABLED),
		[SDEI_DO_DISABLE] = OK(RUNNING_DISABLED),
		[SDEI_DO_UNREGISTER] = PENDING(UNREGISTER_PENDING),
		[SDEI_DO_ROUTE] = DENIED,              [SDEI_DO_RELEASE] = DENIED,
		[SDEI_DO_RESET] = PENDING(UNREGISTER_PENDING),
		[SDEI_DO_DISPATCH] = BUG,              [SDEI_DO_HANDLER_END] = OK(DISABLED),
		[SDEI_DO_PE_ON] = BUG,
	},
	[ST(RUNNING_ENABLED)] = {
		[SDEI_DO_REGISTER] = DENIED,           [SDEI_DO_ENABLE] = OK(RUNNING_ENABLED),
		[SDEI_DO_DISABLE] = OK(RUNNING_DISABLED),
		[SDEI_DO_UNREGISTER] = PENDING(UNREGISTER_PENDING),
		[SDEI_DO_ROUTE] = DENIED,              [SDEI_DO_RELEASE] = DENIED,
		[SDEI_DO_RESET] = PENDING(UNREGISTER_PENDING),
		[SDEI_DO_DISPATCH] = BUG,              [SDEI_DO_HANDLER_END] = OK(ENABLED),
		[SDEI_DO_PE_ON] = BUG,
	},
	/* Asking to unregister again says PENDING again, as TF-A does. */
	[ST(UNREGISTER_PENDING)] = {
		[SDEI_DO_REGISTER] = DENIED,           [SDEI_DO_ENABLE] = DENIED,
		[SDEI_DO_DISABLE] = DENIED,
		[SDEI_DO_UNREGISTER] = PENDING(UNREGISTER_PENDING),
		[SDEI_DO_ROUTE] = DENIED,              [SDEI_DO_RELEASE] = DENIED,
		[SDEI_DO_RESET] = PENDING(UNREGISTER_PENDING),
		[SDEI_DO_DISPATCH] = BUG,              [SDEI_DO_HANDLER_END] = OK(UNREGISTERED),
		[SDEI_DO_PE_ON] = BUG,
	},
};

int64_t sdei_state_do(struct sdei_state *st, enum sdei_action a)
{
	const struct sdei_transition *t;

	if ((unsigned int)st->state >= SDEI_ST_COUNT || (unsigned int)a >= SDEI_DO_COUNT)
		return SDEI_TRANSITION_BUG;
	t = &sdei_table[st->state][a];
	if (t->to != SDEI_ST_COUNT)
		st->state = t->to;
	return t->ret;
}

const char *sdei_state_name(enum sdei_ev_state s)
{
	static const char *const names[SDEI_ST_COUNT] = {
		[ST(UNREGISTERED)] = "unregistered",
		[ST(DISABLED)] = "registered-disabled",
		[ST(ENABLED)] = "registered-enabled",
		[ST(RUNNING_DISABLED)] = "running-disabled",
		[ST(RUNNING_ENABLED)] = "running-enabled",
		[ST(UNREGISTER_PENDING)] = "unregister-pending",
	};

	return (unsigned int)s < SDEI_ST_COUNT ? names[s] : "invalid";
}
