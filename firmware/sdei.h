/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * SDEI (Arm DEN0054, v1.1) served to the guest: a state machine over the
 * vCPU interface, like PSCI. Calls run on the calling vCPU's thread. An event
 * that becomes deliverable to another PE is posted and that vCPU is kicked;
 * sdei_vcpu_deliver, on the target's own thread before it enters the guest,
 * saves the interrupted context and enters the handler. Host injection
 * (sdei_signal) and interrupt binding (sdei_interrupt) may come from any
 * thread.
 */
#ifndef HVMM_SDEI_H
#define HVMM_SDEI_H

#include <pthread.h>
#include <stdbool.h>
#include <stdint.h>

#include "fw_vcpu.h"
#include "smccc_call.h"

#define SDEI_VERSION_MAJOR 1
#define SDEI_VERSION_MINOR 1
#define SDEI_VENDOR_HVMM   0x68766d6dU   /* "hvmm" */

/* Function numbers (low bits of the SMC64 function ID 0xC40000xx). */
enum sdei_fn {
	SDEI_FN_VERSION                 = 0x20,
	SDEI_FN_EVENT_REGISTER          = 0x21,
	SDEI_FN_EVENT_ENABLE            = 0x22,
	SDEI_FN_EVENT_DISABLE           = 0x23,
	SDEI_FN_EVENT_CONTEXT           = 0x24,
	SDEI_FN_EVENT_COMPLETE          = 0x25,
	SDEI_FN_EVENT_COMPLETE_AND_RESUME = 0x26,
	SDEI_FN_EVENT_UNREGISTER        = 0x27,
	SDEI_FN_EVENT_STATUS            = 0x28,
	SDEI_FN_EVENT_GET_INFO          = 0x29,
	SDEI_FN_EVENT_ROUTING_SET       = 0x2a,
	SDEI_FN_PE_MASK                 = 0x2b,
	SDEI_FN_PE_UNMASK               = 0x2c,
	SDEI_FN_INTERRUPT_BIND          = 0x2d,
	SDEI_FN_INTERRUPT_RELEASE       = 0x2e,
	SDEI_FN_EVENT_SIGNAL            = 0x2f,
	SDEI_FN_FEATURES                = 0x30,
	SDEI_FN_PRIVATE_RESET           = 0x31,
	SDEI_FN_SHARED_RESET            = 0x32,
};

#define SDEI_FID(fn) (0xC4000000U | (uint32_t)(fn))

enum sdei_ret {
	SDEI_RET_SUCCESS            = 0,
	SDEI_RET_NOT_SUPPORTED      = -1,
	SDEI_RET_INVALID_PARAMETERS = -2,
	SDEI_RET_DENIED             = -3,
	SDEI_RET_PENDING            = -5,
	SDEI_RET_OUT_OF_RESOURCE    = -10,
};

enum sdei_event_type { SDEI_EVENT_PRIVATE = 0, SDEI_EVENT_SHARED = 1 };
enum sdei_priority { SDEI_PRIORITY_NORMAL = 0, SDEI_PRIORITY_CRITICAL = 1 };
enum sdei_routing { SDEI_ROUTING_ANY = 0, SDEI_ROUTING_PE = 1 };

/* The event numbers hvmm defines unless told otherwise (docs/sdei.md). */
#define SDEI_EVENT_SIGNAL           0U        /* private, normal, signalable */
#define SDEI_EVENT_PRIVATE_NORMAL   1000U     /* host-injected, per vCPU */
#define SDEI_EVENT_PRIVATE_CRITICAL 1001U
#define SDEI_EVENT_SHARED_NORMAL    2000U     /* host-injected, routed */
#define SDEI_EVENT_SHARED_CRITICAL  2001U
#define SDEI_EVENT_BOUND_BASE       0x8000U   /* INTERRUPT_BIND hands these out */

#define SDEI_MAX_EVENTS 32                    /* platform events, event 0 included */
#define SDEI_MAX_CPUS   512                   /* KVM's arm64 limit */
#define SDEI_MAX_BIND_SLOTS 64                /* INTERRUPT_BIND slots */

struct sdei_event_config {
	uint32_t num;
	enum sdei_event_type type;
	enum sdei_priority priority;
};

struct sdei_config {
	unsigned int nr_cpus;
	const uint64_t *mpidrs;                 /* nr_cpus MPIDRs (affinity bits) */
	const struct sdei_event_config *events; /* platform events; event 0 is implied */
	unsigned int nr_events;
	const uint32_t *bindable_intids;        /* interrupt lines hvmm drives (SPIs) */
	unsigned int nr_bindable;
	/* Shared INTERRUPT_BIND slots (events SDEI_EVENT_BOUND_BASE + i);
	 * 0 means one per bindable line. At most nr_bindable. */
	unsigned int nr_bind_slots;
};

/* Per-event, per-PE view for hvmm stat. */
struct sdei_event_info {
	uint32_t num;
	enum sdei_event_type type;
	enum sdei_priority priority;
	bool bound;                 /* created by INTERRUPT_BIND */
	uint32_t intid;             /* when bound */
	uint64_t delivered;         /* handler entries, all PEs */
};

struct sdei;   /* opaque: firmware/sdei.c */

/* Allocates; returns NULL on bad config (-errno in *err) or out of memory. */
struct sdei *sdei_create(const struct fw_host *host, const struct sdei_config *cfg, int *err);
void sdei_free(struct sdei *s);

/* Everything back to the cold-boot state: no registrations or bindings,
 * every PE masked, nothing pending or running (a guest reset). */
void sdei_reset(struct sdei *s);

/* Serve SDEI function ID fid called by vcpu (SMC64 range 0xC4000020-3F;
 * any other ID in that range answers NOT_SUPPORTED). */
enum smccc_action sdei_call(struct sdei *s, struct smccc_call *c);

/*
 * On vcpu's own thread before it enters the guest: if an event is
 * deliverable to it (registered, enabled, PE unmasked and on, no handler of
 * the same or higher priority running there), save x0-x17, PC and PSTATE,
 * set x0 = event, x1 = argument, x2 = interrupted PC, x3 = interrupted
 * PSTATE, PSTATE = EL1h with D, A, I, F masked, PC = the handler. ELR_EL1
 * and SPSR_EL1 are not touched. Returns 1 if it entered a handler, 0 if
 * nothing was deliverable, a negative errno on failure.
 */
int sdei_vcpu_deliver(struct sdei *s, unsigned int vcpu);

/* Whether an event is waiting that vcpu could take once it is on and
 * running (the VMM then ends a CPU_SUSPEND first). Any thread. */
bool sdei_vcpu_has_deliverable(struct sdei *s, unsigned int vcpu);

/* The PE was powered on by CPU_ON: its private registrations and pending
 * private events go, and it starts masked. On vcpu's own thread (or before
 * it runs). 0; -EINVAL (no such PE); -EPROTO if an event's state did not
 * allow it (an internal error: the rest is done all the same). */
int sdei_vcpu_powered_on(struct sdei *s, unsigned int vcpu);

/* The PE went off (CPU_OFF): pending events stay pending (nothing is
 * delivered to it until it is on again); handlers it was running are
 * abandoned, so their events stop running (a pending unregister finishes,
 * a shared event may go to another PE). On vcpu's own thread. */
int sdei_vcpu_powered_off(struct sdei *s, unsigned int vcpu);   /* as powered_on */

/*
 * Host injection (hvmm sdei signal): raise event num (event 0, a platform
 * event, or a currently bound event). Private events go to PE vcpu
 * (required); shared ones are routed (vcpu must be -1). 0, -ENOENT (no
 * such event), -EINVAL (vcpu missing, out of range, or given for a shared
 * event). Delivery happens when the event is deliverable; until then it is
 * pending (one instance), whether or not it is registered. Kicks every PE
 * that can take it now. Any thread.
 */
int sdei_signal(struct sdei *s, uint32_t num, int vcpu);

/* A line hvmm drives changed level. Returns true if it is bound to an event
 * (the event was raised on a rising edge and the line must not reach the
 * interrupt controller), false if the caller should deliver it as usual. */
bool sdei_interrupt(struct sdei *s, uint32_t intid, int level);

/* For hvmm stat: up to max events, filled in; returns how many there are. */
unsigned int sdei_events(struct sdei *s, struct sdei_event_info *out, unsigned int max);
/* For hvmm stat: status bits (EVENT_STATUS) of event num on vcpu (private)
 * or of the shared event (vcpu ignored); -ENOENT if no such event, -EINVAL
 * for a private event and no such vCPU. */
int sdei_event_status(struct sdei *s, uint32_t num, unsigned int vcpu);
/* Whether PE vcpu is masked. */
bool sdei_vcpu_masked(struct sdei *s, unsigned int vcpu);

/* One look at event num as PE vcpu sees it, and at that PE (for services
 * that raise events, like async-pf). 0, -ENOENT (no such event; *out
 * zeroed), -EINVAL (no such vCPU). Any thread. */
struct sdei_pe_event {
	bool exists;
	bool platform;              /* neither event 0 nor an INTERRUPT_BIND one */
	enum sdei_event_type type;
	enum sdei_priority priority;
	bool registered, enabled, pending;   /* on this PE */
	bool pe_on, pe_masked;
	bool pe_in_handler;         /* a handler (of any event) runs on the PE */
};
int sdei_pe_event_view(struct sdei *s, unsigned int vcpu, uint64_t num, struct sdei_pe_event *out);

/* Raise private event num on vcpu from vcpu's own thread, which delivers
 * it before it enters the guest again (so it is not kicked). 0, -ENOENT,
 * -EINVAL (not a private event, no such vCPU). */
int sdei_raise_own(struct sdei *s, uint32_t num, unsigned int vcpu);

#endif
