/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The async-pf service's state: each vCPU's protocol state and its tokens,
 * both moved only along the edges of the tables below (in the manner of
 * TF-A's sdei_state.c), checked at every change. A move the table does not
 * have is a bug in the caller, reported as -EPERM and leaving the state as
 * it was, never silently taken.
 */
#include <errno.h>

#include "apf_internal.h"

#define NO_MOVE (-1)

/* Next vCPU state for [state][action], or NO_MOVE. */
static const signed char apf_vcpu_next[APF_NR_VCPU_STATES][APF_NR_VCPU_ACTIONS] = {
	[APF_DISABLED] = {
		[APF_ACT_ENABLE] = APF_ENABLED,
		[APF_ACT_DISABLE_IDLE] = NO_MOVE,
		[APF_ACT_DISABLE_BUSY] = NO_MOVE,
		[APF_ACT_DRAINED] = NO_MOVE,
		[APF_ACT_FORGET] = APF_DISABLED,
	},
	[APF_ENABLED] = {
		[APF_ACT_ENABLE] = NO_MOVE,
		[APF_ACT_DISABLE_IDLE] = APF_DISABLED,
		[APF_ACT_DISABLE_BUSY] = APF_DRAINING,
		[APF_ACT_DRAINED] = APF_ENABLED,
		[APF_ACT_FORGET] = APF_DISABLED,
	},
	[APF_DRAINING] = {
		[APF_ACT_ENABLE] = NO_MOVE,
		[APF_ACT_DISABLE_IDLE] = NO_MOVE,
		[APF_ACT_DISABLE_BUSY] = NO_MOVE,
		[APF_ACT_DRAINED] = APF_DISABLED,
		[APF_ACT_FORGET] = APF_DISABLED,
	},
};

/* Next token state for [state][action], or NO_MOVE. */
static const signed char apf_token_next[APF_NR_TOKEN_STATES][APF_NR_TOKEN_ACTIONS] = {
	[APF_TOKEN_FREE] = {
		[APF_TOK_RAISE] = APF_TOKEN_ANNOUNCED,
		[APF_TOK_TAKE] = NO_MOVE, [APF_TOK_LAND] = NO_MOVE, [APF_TOK_HAND_OUT] = NO_MOVE,
		[APF_TOK_DROP] = NO_MOVE, [APF_TOK_FORGET] = NO_MOVE,
	},
	[APF_TOKEN_ANNOUNCED] = {
		[APF_TOK_RAISE] = NO_MOVE,
		[APF_TOK_TAKE] = APF_TOKEN_WAITING,
		[APF_TOK_LAND] = APF_TOKEN_LANDED,
		[APF_TOK_HAND_OUT] = NO_MOVE,
		[APF_TOK_DROP] = APF_TOKEN_FREE,
		[APF_TOK_FORGET] = APF_TOKEN_FREE,
	},
	[APF_TOKEN_LANDED] = {
		[APF_TOK_RAISE] = NO_MOVE,
		[APF_TOK_TAKE] = APF_TOKEN_READY,
		[APF_TOK_LAND] = NO_MOVE,
		[APF_TOK_HAND_OUT] = NO_MOVE,
		[APF_TOK_DROP] = APF_TOKEN_FREE,
		[APF_TOK_FORGET] = APF_TOKEN_FREE,
	},
	[APF_TOKEN_WAITING] = {
		[APF_TOK_RAISE] = NO_MOVE, [APF_TOK_TAKE] = NO_MOVE,
		[APF_TOK_LAND] = APF_TOKEN_READY,
		[APF_TOK_HAND_OUT] = NO_MOVE, [APF_TOK_DROP] = NO_MOVE,
		[APF_TOK_FORGET] = APF_TOKEN_FREE,
	},
	[APF_TOKEN_READY] = {
		[APF_TOK_RAISE] = NO_MOVE, [APF_TOK_TAKE] = NO_MOVE, [APF_TOK_LAND] = NO_MOVE,
		[APF_TOK_HAND_OUT] = APF_TOKEN_FREE,
		[APF_TOK_DROP] = NO_MOVE,
		[APF_TOK_FORGET] = APF_TOKEN_FREE,
	},
};

const char *apf_vcpu_state_name(enum apf_vcpu_state s)
{
	static const char *const names[APF_NR_VCPU_STATES] = {
		[APF_DISABLED] = "disabled", [APF_ENABLED] = "enabled", [APF_DRAINING] = "draining",
	};

	return (unsigned int)s < APF_NR_VCPU_STATES ? names[s] : "?";
}

bool apf_vcpu_can(const struct apf_vcpu *v, enum apf_vcpu_action act)
{
	return (unsigned int)v->state < APF_NR_VCPU_STATES && (unsigned int)act < APF_NR_VCPU_ACTIONS &&
	       apf_vcpu_next[v->state][act] != NO_MOVE;
}

static bool apf_vcpu_consistent(const struct apf_vcpu *v, enum apf_vcpu_state s)
{
	if (s == APF_DISABLED)
		return v->nr_tokens == 0;
	if (s == APF_DRAINING)
		return v->nr_tokens > 0;
	return true;
}

int apf_vcpu_move(struct apf_vcpu *v, enum apf_vcpu_action act)
{
	enum apf_vcpu_state next;

	if (!apf_vcpu_can(v, act))
		return -EPERM;
	next = (enum apf_vcpu_state)apf_vcpu_next[v->state][act];
	if (!apf_vcpu_consistent(v, next))
		return -EPERM;
	v->state = next;
	return 0;
}

static bool apf_missing(enum apf_token_state s)
{
	return s == APF_TOKEN_ANNOUNCED || s == APF_TOKEN_WAITING;
}

/* Move slot i of vCPU vcpu along act, keeping every count in step. */
static int apf_token_move(struct apf *a, unsigned int vcpu, unsigned int i, enum apf_token_action act)
{
	struct apf_vcpu *v = &a->vcpu[vcpu];
	struct apf_token *t = &v->slot[i];
	enum apf_token_state next;

	if ((unsigned int)t->state >= APF_NR_TOKEN_STATES || apf_token_next[t->state][act] == NO_MOVE)
		return -EPERM;
	next = (enum apf_token_state)apf_token_next[t->state][act];
	if (next == APF_TOKEN_READY && v->nr_ready == APF_MAX_TOKENS)
		return -EPERM;
	if (t->state == APF_TOKEN_FREE)
		v->nr_tokens++;
	if (next == APF_TOKEN_FREE)
		v->nr_tokens--;
	if (apf_missing(next) && !apf_missing(t->state)) {
		v->nr_missing++;
		a->nr_missing++;
	} else if (!apf_missing(next) && apf_missing(t->state)) {
		v->nr_missing--;
		a->nr_missing--;
	}
	if (next == APF_TOKEN_READY)
		v->ready[(v->ready_head + v->nr_ready++) % APF_MAX_TOKENS] = (uint8_t)i;
	if ((t->state == APF_TOKEN_ANNOUNCED || t->state == APF_TOKEN_LANDED) &&
	    next != APF_TOKEN_LANDED)
		v->announced = -1;
	if (next == APF_TOKEN_ANNOUNCED)
		v->announced = (int)i;
	t->state = next;
	if (next == APF_TOKEN_FREE)
		*t = (struct apf_token){ .state = APF_TOKEN_FREE };
	return 0;
}

int apf_token_raise(struct apf *a, unsigned int vcpu, uint64_t gpa, uint64_t *token)
{
	struct apf_vcpu *v = &a->vcpu[vcpu];
	int err;

	if (v->announced >= 0) {
		err = apf_token_move(a, vcpu, (unsigned int)v->announced, APF_TOK_DROP);
		if (err)
			return err;
	}
	if (v->nr_tokens >= APF_MAX_TOKENS)
		return -ENOSPC;
	for (unsigned int i = 0; i < APF_MAX_TOKENS; i++) {
		if (v->slot[i].state != APF_TOKEN_FREE)
			continue;
		err = apf_token_move(a, vcpu, i, APF_TOK_RAISE);
		if (err)
			return err;
		v->slot[i].token = a->next_token++;
		v->slot[i].gpa = gpa;
		*token = v->slot[i].token;
		return 0;
	}
	return -EPERM;   /* nr_tokens said there was room */
}

int apf_token_take(struct apf *a, unsigned int vcpu, uint64_t *token, bool *ready)
{
	struct apf_vcpu *v = &a->vcpu[vcpu];
	unsigned int i;

	*token = 0;
	*ready = false;
	if (v->announced < 0)
		return 0;
	i = (unsigned int)v->announced;
	*token = v->slot[i].token;
	*ready = v->slot[i].state == APF_TOKEN_LANDED;
	return apf_token_move(a, vcpu, i, APF_TOK_TAKE);
}

/* The slots of vcpu's tokens waiting for page gpa, oldest token first (a
 * landing queues them in that order). How many. */
static unsigned int apf_tokens_of_page(const struct apf_vcpu *v, uint64_t gpa, uint8_t *out)
{
	unsigned int n = 0;

	for (unsigned int i = 0; i < APF_MAX_TOKENS && n < v->nr_missing; i++) {
		unsigned int j;

		if (!apf_missing(v->slot[i].state) || v->slot[i].gpa != gpa)
			continue;
		for (j = n++; j > 0 && v->slot[out[j - 1]].token > v->slot[i].token; j--)
			out[j] = out[j - 1];
		out[j] = (uint8_t)i;
	}
	return n;
}

int apf_tokens_land(struct apf *a, uint64_t gpa, uint64_t *raise)
{
	uint8_t match[APF_MAX_TOKENS];

	for (unsigned int c = 0; c < a->nr_cpus && a->nr_missing; c++) {
		struct apf_vcpu *v = &a->vcpu[c];
		unsigned int n = v->nr_missing ? apf_tokens_of_page(v, gpa, match) : 0;

		for (unsigned int k = 0; k < n; k++) {
			bool queued = v->slot[match[k]].state == APF_TOKEN_WAITING;
			int err = apf_token_move(a, c, match[k], APF_TOK_LAND);

			if (err)
				return err;
			if (queued)
				raise[c / 64] |= 1ULL << (c % 64);
		}
	}
	return 0;
}

int apf_tokens_hand_out(struct apf *a, unsigned int vcpu, uint64_t *out, unsigned int max, bool *more)
{
	struct apf_vcpu *v = &a->vcpu[vcpu];
	unsigned int n = 0;
	int err;

	while (n < max && v->nr_ready) {
		unsigned int i = v->ready[v->ready_head];

		v->ready_head = (v->ready_head + 1) % APF_MAX_TOKENS;
		v->nr_ready--;
		out[n++] = v->slot[i].token;
		err = apf_token_move(a, vcpu, i, APF_TOK_HAND_OUT);
		if (err)
			return err;
	}
	*more = v->nr_ready > 0;
	if (v->nr_tokens == 0 && v->state == APF_DRAINING) {
		err = apf_vcpu_move(v, APF_ACT_DRAINED);
		if (err)
			return err;
	}
	return (int)n;
}

int apf_vcpu_forget(struct apf *a, unsigned int vcpu)
{
	struct apf_vcpu *v = &a->vcpu[vcpu];
	int err;

	for (unsigned int i = 0; i < APF_MAX_TOKENS; i++) {
		if (v->slot[i].state == APF_TOKEN_FREE)
			continue;
		err = apf_token_move(a, vcpu, i, APF_TOK_FORGET);
		if (err)
			return err;
	}
	v->ready_head = 0;
	v->nr_ready = 0;
	return apf_vcpu_move(v, APF_ACT_FORGET);
}
