/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * What another firmware service (async-pf) needs from SDEI beyond the
 * guest's calls: one consistent look at a private event and the PE it
 * would go to, and raising such an event from the PE's own thread without
 * kicking that thread. Kept apart from SDEI's state machine so that only
 * these two functions read its internals.
 */
#include "sdei_internal.h"

int sdei_pe_event_view(struct sdei *s, unsigned int vcpu, uint64_t num, struct sdei_pe_event *out)
{
	const struct sdei_state *st;
	const struct sdei_pe *pe;
	int e;

	*out = (struct sdei_pe_event){ 0 };
	if (!s || vcpu >= s->nr_cpus)
		return -EINVAL;
	sdei_lock(s);
	e = sdei_find_locked(s, num);
	if (e >= 0) {
		st = sdei_state_of(&s->ev[e], vcpu);
		pe = &s->pe[vcpu];
		*out = (struct sdei_pe_event){
			.exists = true,
			.platform = num != SDEI_EVENT_SIGNAL && !s->ev[e].dynamic,
			.type = s->ev[e].type,
			.priority = s->ev[e].priority,
			.registered = sdei_st_registered(st),
			.enabled = sdei_st_enabled(st),
			.pending = st->pending,
			.pe_on = pe->on,
			.pe_masked = pe->masked,
			.pe_in_handler = pe->depth > 0,
		};
	}
	sdei_unlock(s);
	return e >= 0 ? 0 : -ENOENT;
}

/* Its own thread delivers before it enters the guest again: a kick would
 * only cost it one more exit. */
int sdei_raise_own(struct sdei *s, uint32_t num, unsigned int vcpu)
{
	struct sdei_kicks kicks = { { 0 } };
	int e, ret = 0;

	if (!s || vcpu >= s->nr_cpus)
		return -EINVAL;
	sdei_lock(s);
	e = sdei_find_locked(s, num);
	if (e < 0 || s->ev[e].type != SDEI_EVENT_PRIVATE)
		ret = e < 0 ? -ENOENT : -EINVAL;
	else
		sdei_raise_locked(s, (unsigned int)e, vcpu, vcpu, &kicks);
	sdei_unlock(s);
	return ret;
}
