/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Shared by the files of the async-pf service (apf_service.c: the calls,
 * the VMM's side and the registry hooks; apf_state.c: the per-vCPU state
 * and the token table, as transition tables); not the VMM's interface.
 */
#ifndef HVMM_APF_INTERNAL_H
#define HVMM_APF_INTERNAL_H

#include <pthread.h>
#include <stdbool.h>
#include <stdint.h>

#include "apf.h"

/*
 * A vCPU's protocol state. DISABLED has no token outstanding; DRAINING
 * (APF_DISABLE with tokens left) has at least one: they still become
 * ready, and the vCPU is DISABLED once TAKE(1) has handed out the last.
 */
enum apf_vcpu_state {
	APF_DISABLED,
	APF_ENABLED,
	APF_DRAINING,
	APF_NR_VCPU_STATES,
};

enum apf_vcpu_action {
	APF_ACT_ENABLE,        /* APF_ENABLE */
	APF_ACT_DISABLE_IDLE,  /* APF_DISABLE, no token outstanding */
	APF_ACT_DISABLE_BUSY,  /* APF_DISABLE, tokens outstanding */
	APF_ACT_DRAINED,       /* TAKE(1) handed out the last token */
	APF_ACT_FORGET,        /* the PE went off or on, or a reset: tokens forgotten */
	APF_NR_VCPU_ACTIONS,
};

/*
 * One token's life. ANNOUNCED: the not-present event was raised for it and
 * the guest has not taken it; LANDED: the same, but its page is present;
 * WAITING: taken, page still missing; READY: in the vCPU's ready queue.
 */
enum apf_token_state {
	APF_TOKEN_FREE,
	APF_TOKEN_ANNOUNCED,
	APF_TOKEN_LANDED,
	APF_TOKEN_WAITING,
	APF_TOKEN_READY,
	APF_NR_TOKEN_STATES,
};

enum apf_token_action {
	APF_TOK_RAISE,     /* a fault made asynchronous */
	APF_TOK_TAKE,      /* TAKE(0) */
	APF_TOK_LAND,      /* its page became present */
	APF_TOK_HAND_OUT,  /* TAKE(1) returned it */
	APF_TOK_DROP,      /* never taken, and a newer fault's token replaces it */
	APF_TOK_FORGET,    /* the PE went off or on, or a reset */
	APF_NR_TOKEN_ACTIONS,
};

struct apf_token {
	enum apf_token_state state;
	uint64_t token;
	uint64_t gpa;
};

struct apf_vcpu {
	enum apf_vcpu_state state;
	uint32_t not_present_event;   /* named at ENABLE, kept while DRAINING */
	uint32_t ready_event;         /* 0 when ready is a PPI */
	uint32_t ready_ppi;           /* ENABLE flag bit 1: its INTID, else 0 */
	bool line;                    /* the level hvmm last gave ready_ppi */
	bool el1_async;               /* ENABLE flag bit 0 */
	struct apf_token slot[APF_MAX_TOKENS];
	unsigned int nr_tokens;       /* slots not FREE: the outstanding tokens */
	unsigned int nr_missing;      /* ANNOUNCED + WAITING: waiting for a page */
	int announced;                /* the ANNOUNCED or LANDED slot, or -1 */
	uint8_t ready[APF_MAX_TOKENS];   /* FIFO of READY slots */
	unsigned int ready_head, nr_ready;
	struct apf_vcpu_counts counts;
};

/*
 * Per VM. The lock guards everything here: the vCPUs' own threads change
 * their states and take tokens, the fetcher lands pages, hvmm stat reads
 * counts. It is never held across a vCPU operation or an SDEI call; it is
 * held across ppi_level, so that the line's levels keep the queue's order.
 */
struct apf {
	pthread_mutex_t lock;
	unsigned int nr_cpus;
	uint32_t ready_ppis;          /* fw_config.apf_ready_ppis */
	uint64_t next_token;          /* 1 at each boot */
	unsigned int nr_missing;      /* over every vCPU: page_ready's quick way out */
	struct apf_vcpu *vcpu;
};

/* ---- apf_state.c; every function called with a->lock held ---- */

const char *apf_vcpu_state_name(enum apf_vcpu_state s);
/* Whether action act is allowed in v's state (the transition table). */
bool apf_vcpu_can(const struct apf_vcpu *v, enum apf_vcpu_action act);
/* Take the table's edge for act, checking it and the token invariants
 * (DISABLED: none outstanding; DRAINING: some). 0, or -EPERM (a bug: the
 * state is left alone). */
int apf_vcpu_move(struct apf_vcpu *v, enum apf_vcpu_action act);

/* A new token on vcpu for page gpa, ANNOUNCED; a token announced before
 * and never taken is dropped. 0 with *token set, -ENOSPC (64 outstanding),
 * -EPERM (a broken table). */
int apf_token_raise(struct apf *a, unsigned int vcpu, uint64_t gpa, uint64_t *token);
/* TAKE(0): the announced token, or 0 if none. *ready: it was LANDED and
 * is now queued (raise the ready event). -EPERM on a broken table. */
int apf_token_take(struct apf *a, unsigned int vcpu, uint64_t *token, bool *ready);
/* Page gpa landed: its tokens move on; bit v of raise (SDEI_MAX_CPUS bits)
 * is set for each vCPU whose ready queue grew. -EPERM on a broken table. */
int apf_tokens_land(struct apf *a, uint64_t gpa, uint64_t *raise);
/* TAKE(1): up to max ready tokens, oldest first; *more: some remain.
 * A DRAINING vCPU handing out its last becomes DISABLED. How many, or
 * -EPERM. */
int apf_tokens_hand_out(struct apf *a, unsigned int vcpu, uint64_t *out, unsigned int max, bool *more);
/* Forget every token of vcpu and disable it (the PE went off or on). */
int apf_vcpu_forget(struct apf *a, unsigned int vcpu);

#endif
