/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The reference guest of hvmm's asynchronous page faults (docs/apf-guest.md):
 * on each vCPU a small scheduler runs tasks at EL1t (on their own SP_EL0
 * stacks) that read lazily populated memory. "Page not present" blocks the
 * running task on its token, "page ready" makes it runnable again.
 *
 * Offsets marked "asm" are used by apf_entry.S; apf_sched.c asserts them.
 */
#ifndef HVMM_BAREMETAL_APF_H
#define HVMM_BAREMETAL_APF_H

#include "lib.h"

/* Protocol version 1 (docs/async-pf.md). */
#define APF_VERSION_FID  0xC2000010U
#define APF_ENABLE_FID   0xC2000011U
#define APF_DISABLE_FID  0xC2000012U
#define APF_TAKE_FID     0xC2000013U
#define APF_VERSION_1_0  0x00010000U
#define APF_VERSION_1_1  0x00010001U   /* 1.0, and ready as a PPI */
#define APF_FLAG_EL1     1U
#define APF_FLAG_READY_PPI 2U
/* The PPI this guest names for "page ready" (1.1): one hvmm leaves free. */
#define APF_READY_PPI    20U
#define APF_TAKE_MAX     16U
#define APF_EV_NOT_PRESENT 3000U
#define APF_EV_READY       3001U

/* What source the lazy memory was made from: every word of it is known. */
#define APF_PATTERN_KEY  0x5a5a5a5a5a5a5a5aULL
#define APF_PAGE         4096U
#define APF_MAX_TASKS    8U
#define APF_TASK_STACK   4096U
#define APF_KSTACK       8192U

/* PSTATE.M of a task (EL1t) and the PSTATE tasks start with: DAIF masked
 * when ready is an SDEI event (SDEI ignores PSTATE), IRQs unmasked when it
 * is a PPI, which then preempts the task. */
#define APF_PSTATE_EL1T       0x4U
#define APF_PSTATE_MODE_MASK  0xfU
#define APF_TASK_SPSR         0x3c4U
#define APF_TASK_SPSR_IRQ     0x344U

enum apf_task_state {
	APF_T_RUNNABLE = 1,
	APF_T_RUNNING = 2,
	APF_T_WAITING = 3,      /* blocked on its token */
	APF_T_DONE = 4,
};

/* What the not-present handler does with a fault (hostile rows use more). */
enum apf_np_action {
	APF_NP_BLOCK = 0,       /* the task waits on the token, another runs */
	APF_NP_OFF,             /* record the token, then CPU_OFF */
	APF_NP_RESET,           /* record the token, then SYSTEM_RESET */
};

/* A task's saved registers (asm: x 0, sp 248, elr 256, spsr 264). */
struct apf_ctx {
	uint64_t x[31];
	uint64_t sp, elr, spsr;
};

struct apf_cpu;

struct apf_task {
	struct apf_ctx ctx;             /* first (asm) */
	uint64_t state;                 /* enum apf_task_state */
	uint64_t token;                 /* the one it waits on */
	uint64_t index;
	uint64_t base, pages;           /* its region: pages from base */
	uint64_t pages_done, work, bad, np, ready;
	uint64_t bad_addr, bad_val;     /* the first wrong word */
	uint64_t hash;                  /* the compute's result, kept */
	uint64_t t_blocked;             /* CNTVCT at its last not-present */
	uint64_t wait_ticks;            /* from not-present to ready, summed */
	struct apf_cpu *cpu;
};

/* Per vCPU; written by that vCPU only (tasks and handlers alike). */
struct apf_cpu {
	uint64_t cur;                   /* asm 0: the running task */
	uint64_t ksp;                   /* asm 8: top of the handler stack */
	uint64_t home[13];              /* asm 16: x19-x30, SP of the caller */
	uint64_t ntasks;
	uint64_t async;                 /* APF enabled for this run */
	uint64_t idle;                  /* in the idle wait: kick the timer */
	uint64_t np_events, ready_events, ready_tokens;
	uint64_t takes;                 /* APF_TAKE calls the handlers made */
	uint64_t unmatched;             /* ready tokens no task waited on */
	uint64_t np_not_task;           /* not-present outside a task */
	uint64_t np_take_bad;           /* TAKE(0) in the handler gave no token */
	uint64_t take_err;              /* TAKE answered an error */
	uint64_t token_order_bad;       /* a token not above the last one */
	uint64_t last_token, first_token;
	uint64_t idle_waits, stalled;
	uint64_t t_start, t_end, last_progress;
	int64_t setup_ret, enable_ret, disable_ret;
	/* Hostile rows. */
	uint64_t np_action;             /* enum apf_np_action */
	uint64_t check_twice;           /* a second TAKE in each handler */
	uint64_t twice_bad;             /* ... that answered anything but 0 */
	uint64_t disable_in_np;         /* once: DISABLE, then ENABLE, in the handler */
	int64_t np_disable_ret, np_enable_ret;
	uint64_t action_token;          /* the token of an OFF/RESET fault */
	struct apf_task task[APF_MAX_TASKS];
	uint8_t kstack[APF_KSTACK] __attribute__((aligned(16)));
	uint8_t tstack[APF_MAX_TASKS][APF_TASK_STACK] __attribute__((aligned(16)));
};

/* The workload's parameters, set by the boot CPU before any other starts. */
struct apf_config {
	uint64_t async;                 /* use the protocol */
	uint64_t tasks, pages, work;    /* per vCPU, per task, per page */
	uint64_t region;                /* guest physical start of task regions */
	uint64_t deadline;              /* CNTVCT to stop at (0: all pages) */
	uint64_t zero_source;           /* the source is zero, not the pattern */
	uint64_t stall_ticks;           /* idle this long without progress: give up */
	uint64_t latency_us;            /* only echoed in the bench line (0: not given) */
	uint64_t ready_ppi;             /* "page ready" is this PPI (1.1), 0: the SDEI event */
};

extern struct apf_config apf_cfg;
extern struct apf_cpu apf_cpus[BM_MAX_CPUS];

/* The word the source has at guest physical address addr. */
static inline uint64_t apf_source_word(uint64_t addr)
{
	return apf_cfg.zero_source ? 0 : addr ^ APF_PATTERN_KEY;
}

/* apf_sched.c: run the workload on the calling vCPU (cpu), from set-up to
 * disable; returns when all its tasks are done. */
uint64_t apf_cpu_run(uint64_t cpu, uint64_t a2, uint64_t a3, uint64_t a4);
/* SDEI set-up of the two events on this PE (register, enable, unmask):
 * 0 or the first error. */
int64_t apf_events_setup(struct apf_cpu *c);
void apf_events_teardown(void);
/* APF calls; TAKE returns the count and fills tok[0..15]. */
int64_t apf_call(uint32_t fid, uint64_t a1, uint64_t a2, uint64_t a3);
int64_t apf_take(uint64_t which, uint64_t tok[APF_TAKE_MAX]);

/* apf_entry.S */
extern const char apf_np_entry[], apf_ready_entry[], apf_switch_entry[];
/* apf_sched.c: every pending interrupt of this vCPU acknowledged and
 * handled (the ready PPI: its tokens taken; the timer: stopped). */
void apf_irq_poll(struct apf_cpu *c);
extern const char apf_vectors[], apf_off_stub[], apf_reset_stub[];
void apf_sched_start(struct apf_cpu *c);

/* apf_hostile.c: the hostile rows (bm.mode=hostile). */
void apf_hostile(uint64_t dtb, unsigned int nr_cpus);

#endif
