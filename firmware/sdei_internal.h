/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Shared by the files that make up SDEI (sdei.c: the dispatcher and the
 * calls that only change state; sdei_deliver.c: delivery, completion,
 * power and host injection; sdei_setup.c: life cycle); not part of the
 * interface the VMM sees.
 */
#ifndef HVMM_SDEI_INTERNAL_H
#define HVMM_SDEI_INTERNAL_H

#include <errno.h>
#include <limits.h>
#include <stdint.h>

#include "sdei.h"

#define SDEI_SAVED_REGS   18        /* x0-x17 */
#define SDEI_MAX_DEPTH    2         /* a normal handler and a critical one */
#define SDEI_NO_CPU       UINT_MAX
#define SDEI_REGF_RM_PE   1ULL      /* EVENT_REGISTER flags: bit 0, routing */
#define SDEI_FIRST_SPI    32U       /* INTERRUPT_BIND takes SPIs only */
#define SDEI_LAST_SPI     1019U

/* Where one event's registration stands (sdei_state.c holds the table). */
enum sdei_ev_state {
	SDEI_ST_UNREGISTERED,
	SDEI_ST_DISABLED,            /* registered, disabled */
	SDEI_ST_ENABLED,             /* registered, enabled */
	SDEI_ST_RUNNING_DISABLED,    /* registered, disabled, its handler runs */
	SDEI_ST_RUNNING_ENABLED,     /* registered, enabled, its handler runs */
	SDEI_ST_UNREGISTER_PENDING,  /* unregistered while its handler runs */
	SDEI_ST_COUNT
};

/* What changes it: the guest's calls, then what hvmm does. */
enum sdei_action {
	SDEI_DO_REGISTER,
	SDEI_DO_ENABLE,
	SDEI_DO_DISABLE,
	SDEI_DO_UNREGISTER,
	SDEI_DO_ROUTE,           /* EVENT_ROUTING_SET: the state stays */
	SDEI_DO_RELEASE,         /* INTERRUPT_RELEASE: the state stays */
	SDEI_DO_RESET,           /* PRIVATE_RESET, SHARED_RESET */
	SDEI_DO_DISPATCH,        /* its handler is entered */
	SDEI_DO_HANDLER_END,     /* completed, or abandoned: its PE went off or restarted */
	SDEI_DO_PE_ON,           /* CPU_ON: the PE's private events start afresh */
	SDEI_DO_COUNT
};

/* sdei_state_do's answer to an action that cannot happen in that state. */
#define SDEI_TRANSITION_BUG INT64_MIN

/*
 * One event's state: one per PE for a private event, one in all for a
 * shared one. Only sdei_state_do changes state.
 */
struct sdei_state {
	enum sdei_ev_state state;
	bool pending;              /* raised, not delivered yet: one instance */
	uint64_t entry;            /* handler (a guest virtual address) */
	uint64_t arg;
	enum sdei_routing routing; /* shared events only, from here on */
	uint64_t affinity;         /* RM_PE: the MPIDR given (affinity bits) */
	unsigned int target;       /* RM_PE: that PE */
	unsigned int running_on;   /* the PE running the handler */
};

#define SDEI_STATUS_REGISTERED  (1U << 0)
#define SDEI_STATUS_ENABLED     (1U << 1)
#define SDEI_STATUS_RUNNING     (1U << 2)

/* The table's transition for action a: the state changes (or stays) and
 * the SDEI result is returned (SUCCESS, PENDING), or it is refused and
 * DENIED (a guest call) or SDEI_TRANSITION_BUG (hvmm's own action). */
int64_t sdei_state_do(struct sdei_state *st, enum sdei_action a);
const char *sdei_state_name(enum sdei_ev_state s);

static inline bool sdei_st_registered(const struct sdei_state *st)
{
	return st->state != SDEI_ST_UNREGISTERED && st->state != SDEI_ST_UNREGISTER_PENDING;
}

static inline bool sdei_st_enabled(const struct sdei_state *st)
{
	return st->state == SDEI_ST_ENABLED || st->state == SDEI_ST_RUNNING_ENABLED;
}

static inline bool sdei_st_running(const struct sdei_state *st)
{
	return st->state == SDEI_ST_RUNNING_DISABLED || st->state == SDEI_ST_RUNNING_ENABLED ||
	       st->state == SDEI_ST_UNREGISTER_PENDING;
}

/* EVENT_STATUS bits. */
static inline unsigned int sdei_status_of(const struct sdei_state *st)
{
	return (sdei_st_registered(st) ? SDEI_STATUS_REGISTERED : 0) |
	       (sdei_st_enabled(st) ? SDEI_STATUS_ENABLED : 0) |
	       (sdei_st_running(st) ? SDEI_STATUS_RUNNING : 0);
}

struct sdei_event {
	uint32_t num;
	enum sdei_event_type type;
	enum sdei_priority priority;
	bool signalable;           /* event 0 only */
	bool dynamic;              /* an INTERRUPT_BIND slot */
	int line;                  /* dynamic: index of the bound line, -1 if free */
	uint64_t delivered;        /* handler entries, every PE */
	struct sdei_state *st;     /* nr_cpus entries if private, else one */
};

/* The context a handler interrupted, restored by EVENT_COMPLETE. */
struct sdei_frame {
	unsigned int event;        /* index into sdei.ev */
	uint64_t x[SDEI_SAVED_REGS];
	uint64_t pc;
	uint64_t pstate;
};

struct sdei_pe {
	uint64_t mpidr;            /* affinity bits */
	bool on;
	bool masked;
	unsigned int depth;        /* handlers running, innermost last */
	struct sdei_frame frame[SDEI_MAX_DEPTH];
};

/* An interrupt line hvmm drives that INTERRUPT_BIND may take. */
struct sdei_line {
	uint32_t intid;
	bool level;
	int event;                 /* index of the bound event, or -1 */
};

/*
 * Locking: s->lock guards everything that changes (states, PEs, lines,
 * counts). It is never held across a vCPU operation nor a kick. The vCPU
 * frames are only written by the PE's own thread (delivery, completion,
 * power), or by sdei_reset with every vCPU stopped.
 */
struct sdei {
	pthread_mutex_t lock;
	struct fw_host host;
	unsigned int nr_cpus;
	unsigned int nr_events;    /* ev[]: event 0, platform events, bind slots */
	unsigned int first_slot;   /* index of the first bind slot in ev[] */
	struct sdei_event *ev;
	struct sdei_pe *pe;
	struct sdei_line *line;
	unsigned int nr_lines;
};

/* A call being served. */
struct sdei_req {
	struct sdei *s;
	unsigned int vcpu;
	struct smccc_call *call;
};

/* PEs to kick once the lock is dropped. */
struct sdei_kicks {
	uint64_t bits[SDEI_MAX_CPUS / 64];
};

static inline void sdei_lock(struct sdei *s)
{
	pthread_mutex_lock(&s->lock);
}

static inline void sdei_unlock(struct sdei *s)
{
	pthread_mutex_unlock(&s->lock);
}

/* vCPU operations report errors as negative errnos; be sure of the sign. */
static inline int sdei_errno(int err)
{
	return err < 0 ? err : -EIO;
}

static inline int sdei_reg_read(struct sdei *s, unsigned int vcpu,
				enum fw_reg reg, uint64_t *val)
{
	return s->host.ops->reg_read(s->host.host, vcpu, reg, val);
}

static inline int sdei_reg_write(struct sdei *s, unsigned int vcpu,
				 enum fw_reg reg, uint64_t val)
{
	return s->host.ops->reg_write(s->host.host, vcpu, reg, val);
}

/* The state of event ev as PE vcpu sees it. */
static inline struct sdei_state *sdei_state_of(struct sdei_event *ev,
					       unsigned int vcpu)
{
	return ev->type == SDEI_EVENT_PRIVATE ? &ev->st[vcpu] : &ev->st[0];
}

static inline void sdei_state_clear(struct sdei_state *st)
{
	*st = (struct sdei_state){ .running_on = SDEI_NO_CPU };
}

/* A bind slot exists as an event only while it is bound. */
static inline bool sdei_event_exists(const struct sdei_event *ev)
{
	return !ev->dynamic || ev->line >= 0;
}

static inline void sdei_kicks_add(struct sdei_kicks *k, unsigned int vcpu)
{
	k->bits[vcpu / 64] |= 1ULL << (vcpu % 64);
}

/* ---- sdei.c ---- */

/* Index of the existing event numbered num, or -1. Called locked. */
int sdei_find_locked(struct sdei *s, uint64_t num);
/* x0 = ret (sign-extended); SMCCC_CONTINUE, or SMCCC_FAILED if it cannot be written. */
enum smccc_action sdei_reply(const struct sdei_req *req, int64_t ret);
/* Argument n (x1..x5), all 64 bits. */
int sdei_arg(const struct sdei_req *req, unsigned int n, uint64_t *val);

/* ---- sdei_deliver.c ---- */

/* Whether PE vcpu can take event e now. Called locked. */
bool sdei_can_take_locked(struct sdei *s, unsigned int vcpu, unsigned int e);
/* Add every PE but except that can take shared event e now. Called locked. */
void sdei_kicks_add_takers(struct sdei *s, unsigned int e, unsigned int except,
			   struct sdei_kicks *k);
/* Mark event e pending (on PE vcpu if private) and note who to kick. Locked. */
void sdei_raise_locked(struct sdei *s, unsigned int e, unsigned int vcpu,
		       unsigned int except, struct sdei_kicks *k);
/* Kick every PE in k; never with the lock held. */
void sdei_kicks_send(struct sdei *s, const struct sdei_kicks *k);

enum smccc_action sdei_event_context(const struct sdei_req *req);
enum smccc_action sdei_event_complete(const struct sdei_req *req);
enum smccc_action sdei_event_complete_and_resume(const struct sdei_req *req);

#endif
