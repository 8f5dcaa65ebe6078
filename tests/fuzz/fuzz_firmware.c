/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * libFuzzer target: the SMCCC dispatcher (firmware/smccc.c) with PSCI and
 * SDEI behind it, driven the way the VMM's vCPU threads drive it, over a
 * fake vCPU host kept in plain memory.
 *
 * Single-threaded: one vCPU's action runs at a time, and the fake aborts on
 * any register, MP-state or reset operation aimed at a vCPU other than the
 * one being driven (the fw_vcpu threading contract), and on any vCPU
 * operation, kick or clock read made while a firmware lock is held.
 *
 * The fake keeps the VMM loop's shape: a vCPU's exits (a call, an MMIO
 * access, a wake-up) are always separated by a firmware_vcpu_prepare (one is
 * run first if the input asks for two exits in a row); only a vCPU that PSCI
 * says is ON makes calls or MMIO accesses; the prepare after an MMIO exit
 * has exit_unfinished set; a guest reset (or SYSTEM_OFF/RESET) stops every
 * vCPU and starts the machine cold, through firmware_reset or through
 * firmware_destroy and firmware_init as vmm_boot does. An injected vCPU
 * operation failure is fatal to the VMM, so the run ends after it.
 *
 * Input: three configuration bytes (see fake_new), then operations: a byte
 * whose low nibble is the kind (see run_op) and whose high nibble picks the
 * vCPU (modulo their number), followed by that kind's operands.
 *
 * After every operation (check_after) abort() if:
 *  - a PSCI state moved along an edge other than these, or by the wrong actor:
 *      OFF        -> ON_PENDING  another vCPU's CPU_ON naming it
 *      ON_PENDING -> ON          its own prepare
 *      ON         -> OFF         its own CPU_OFF or CPU_FREEZE
 *      ON         -> SUSPENDED   its own CPU_SUSPEND, CPU_DEFAULT_SUSPEND or
 *                                SYSTEM_SUSPEND
 *      SUSPENDED  -> ON          its own wake-up, or its own prepare ending a
 *                                CPU_SUSPEND (not a system suspend) for SDEI
 *      OFF       <-> DISABLED    psci_cpu_set_enabled
 *      anything   -> cold boot   a reset: boot vCPU ON, DISABLED ones stay
 *                                DISABLED, every other vCPU OFF
 *  - KVM's MP state disagrees with PSCI's: ON is RUNNABLE, CPU_SUSPEND is
 *    SUSPENDED, SYSTEM_SUSPEND and every non-running state STOPPED;
 *  - a vCPU that came up or back from a power-down was not warm reset once,
 *    does not start at the entry point the call gave with its context_id in
 *    x0 and its caller's endianness, or kept its timer other than after a
 *    CPU_SUSPEND power-down; standby ended with a reset;
 *  - CPU_ON, AFFINITY_INFO (level 0), PSCI_VERSION, EVENT_STATUS,
 *    EVENT_CONTEXT, PE_MASK or PE_UNMASK answered other than the states
 *    before the call say;
 *  - a call wrote any register but x0 (x1-x17 above all; only an SDEI
 *    completion restores x0-x17, PC, PSTATE, ELR and SPSR), reset the vCPU,
 *    returned to a running guest without writing x0, or wrote a negative
 *    result zero-extended instead of sign-extended;
 *  - SDEI ran more than one normal and one critical handler on a PE, a
 *    critical one under a normal one, started a handler anywhere but in the
 *    prepare of its PE (unmasked, ON, no MMIO exit unfinished), or other
 *    than at the registered entry point with the registered argument, on
 *    the PE an RM_PE routing names, with x0-x3 and PSTATE as the dispatch
 *    contract says and x4-x17 untouched, stopped one
 *    other than by completion, CPU_OFF, power-on or reset, or a completion
 *    did not restore what the handler interrupted; running states come from
 *    sdei_events and sdei_event_status, attributed to PEs by the fake;
 *  - a vCPU has work (a posted CPU_ON, a deliverable SDEI event) but was
 *    neither kicked nor is about to look on its own: a lost wake-up;
 *  - a prepare that finished left work undone, or returned 1 for a vCPU
 *    with nothing to run (or 0 for one with something);
 *  - suspend statistics moved other than by one count when a CPU_SUSPEND
 *    ends, or an operation hit by an injected failure did not report it;
 * besides what ASan and UBSan find (use after free and leaks included:
 * every input ends with firmware_destroy).
 */
#include <errno.h>
#include <limits.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "firmware/psci.h"
#include "firmware/sdei.h"
#include "firmware/smccc.h"
#include "tests/unit/fake_host.h"
#include "tests/fuzz/invariant.h"

#define MAX_VCPUS	8
_Static_assert(MAX_VCPUS <= FAKE_HOST_MAX_VCPUS, "the fake host has too few vCPUs");
#define MAX_OPS		384
#define MAX_EVENTS	64
#define RAM_BASE	0x40000000ULL
#define RAM_SIZE	(64ULL << 20)
#define SCTLR_RESET	FAKE_HOST_SCTLR_RESET
#define GUEST_PSTATE	(0x60000000ULL | 0x5)	/* EL1h, Z and C set, DAIF clear */
#define MPIDR_RES1	FAKE_HOST_MPIDR_RES1
#define HANDLER_BASE	0xffff800010000000ULL	/* SDEI entry points (virtual) */
#define NO_PE		UINT_MAX
#define SAVED_REGS	18			/* x0-x17, what SDEI saves */
#define BIT(r)		(1ULL << (r))
#define XREGS(a, b)	((BIT((b) + 1) - 1) & ~(BIT(a) - 1))

/* ---- the input ---- */

struct input {
	const uint8_t *p;
	size_t len, pos;
};

/* Past the end the input reads as zeros, so every operation is complete. */
static uint8_t in_u8(struct input *in)
{
	return in->pos < in->len ? in->p[in->pos++] : 0;
}

static uint64_t in_le(struct input *in, unsigned int bytes)
{
	uint64_t v = 0;

	for (unsigned int i = 0; i < bytes; i++)
		v |= (uint64_t)in_u8(in) << (8 * i);
	return v;
}

static bool in_done(const struct input *in)
{
	return in->pos >= in->len;
}

/* ---- the machine ---- */

/* hvmm's default events, then up to three given with --sdei-event. */
static const struct sdei_event_config config_events[] = {
	{ SDEI_EVENT_PRIVATE_NORMAL, SDEI_EVENT_PRIVATE, SDEI_PRIORITY_NORMAL },
	{ SDEI_EVENT_PRIVATE_CRITICAL, SDEI_EVENT_PRIVATE, SDEI_PRIORITY_CRITICAL },
	{ SDEI_EVENT_SHARED_NORMAL, SDEI_EVENT_SHARED, SDEI_PRIORITY_NORMAL },
	{ SDEI_EVENT_SHARED_CRITICAL, SDEI_EVENT_SHARED, SDEI_PRIORITY_CRITICAL },
	{ 3000, SDEI_EVENT_PRIVATE, SDEI_PRIORITY_CRITICAL },
	{ 3001, SDEI_EVENT_SHARED, SDEI_PRIORITY_CRITICAL },
	{ 7, SDEI_EVENT_SHARED, SDEI_PRIORITY_NORMAL },
};
#define NR_DEFAULT_EVENTS 4

static const uint32_t bindable_lines[] = { 33, 34, 35 };
#define NR_LINES (sizeof(bindable_lines) / sizeof(bindable_lines[0]))

/*
 * Where a vCPU's thread is in the VMM loop. The fake host keeps the rest:
 * registers, MP state, and written_now, resets and kicks, which count from
 * the start of the current operation (resets, written_now) or until the
 * thread looks (kicks).
 */
struct vcpu_loop {
	bool exited;		/* left the guest: its thread prepares next */
	bool mmio_pending;	/* that exit was MMIO: the next KVM_RUN finishes it */
};

/* An SDEI handler running on a PE, as the fake saw it start. */
struct frame {
	uint32_t num;
	bool critical;
	bool regs_known;	/* x[] is what it interrupted (no warm reset came between) */
	uint64_t x[SAVED_REGS], pc, pstate;
};

struct fake {
	unsigned int n, boot, nr_enabled;
	enum psci_pstate_format format;
	bool cpu_on_pending;      /* psci_config.cpu_on_pending */
	bool with_sdei;
	uint64_t mpidrs[MAX_VCPUS];
	struct sdei_config sdei_cfg;
	struct fake_host host;	/* check_locks: the firmware exists */
	struct vcpu_loop loop[MAX_VCPUS];
	uint64_t boot_time;
	unsigned int fail_in;	/* vCPU operations until one fails; 0: none */
	bool fail_positive;	/* ... with a positive errno, against the contract */
	bool failed;		/* an injected failure hit the current operation */
	struct firmware fw;
	/* What the checks remember from one operation to the next. */
	enum psci_cpu_state state[MAX_VCPUS];
	enum psci_suspend_kind kind[MAX_VCPUS];
	struct psci_cpu_stats stats[MAX_VCPUS];
	struct frame stack[MAX_VCPUS][2];
	unsigned int depth[MAX_VCPUS];
	/* Where a vCPU starts after CPU_ON or resumes after a power-down or
	 * system suspend, as the call that sent it there said. */
	uint64_t entry[MAX_VCPUS], context_id[MAX_VCPUS];
	bool big_endian[MAX_VCPUS];
	/* SDEI registrations as the guest made them (the last one counts). */
	struct registration {
		uint32_t num;
		unsigned int pe;	/* NO_PE: a shared event */
		uint64_t entry, arg;
		bool rm_pe;		/* shared: routed to target */
		int target;
	} regs[MAX_EVENTS * (MAX_VCPUS + 1)];
	unsigned int nr_regs;
};

/* ---- the fake vCPU host ---- */

/* The fake host found the fw_vcpu contract broken. */
static void fake_violation(void *ctx, const char *op, const char *rule, unsigned int vcpu)
{
	(void)ctx;
	fuzz_violation(__FILE__, __LINE__, "fw_vcpu contract", "%s %s (vCPU %u)", op, rule, vcpu);
}

/* An injected failure: KVM's ioctl failing. */
static int fake_fails(void *ctx)
{
	struct fake *f = ctx;

	if (!f->fail_in || --f->fail_in)
		return 0;
	f->failed = true;
	return f->fail_positive ? EIO : -EIO;
}

static bool kicked(const struct fake *f, unsigned int vcpu)
{
	return atomic_load(&f->host.v[vcpu].kicks) != 0;
}

/* Every vCPU as KVM creates it: registers with recognisable values, the
 * boot vCPU runnable, the others stopped; every thread about to prepare. */
static void fake_cold_boot(struct fake *f)
{
	for (unsigned int i = 0; i < f->n; i++) {
		struct fake_vcpu *v = &f->host.v[i];

		for (unsigned int r = 0; r <= FW_REG_X30; r++)
			v->reg[r] = 0x5a5a000000000000ULL | ((uint64_t)i << 8) | r;
		v->reg[FW_REG_SP_EL1] = 0x1234000;
		v->reg[FW_REG_PC] = RAM_BASE + 0x80000;
		v->reg[FW_REG_PSTATE] = GUEST_PSTATE;
		v->reg[FW_REG_SCTLR_EL1] = SCTLR_RESET;
		v->reg[FW_REG_ELR_EL1] = 0xe1e1e1e1;
		v->reg[FW_REG_SPSR_EL1] = 0x3c4;
		v->reg[FW_REG_MPIDR_EL1] = v->mpidr;
		v->mp_state = i == f->boot ? FW_MP_RUNNABLE : FW_MP_STOPPED;
		atomic_store(&v->kicks, 0);
		f->loop[i].exited = true;
		f->loop[i].mmio_pending = false;
	}
}

static int fake_firmware_init(struct fake *f, unsigned int nr_enabled)
{
	struct psci_config psci = {
		.nr_cpus = f->n,
		.mpidrs = f->mpidrs,
		.boot_cpu = f->boot,
		.nr_enabled = nr_enabled,
		.pstate_format = f->format,
		.cpu_on_pending = f->cpu_on_pending,
	};

	return firmware_init_psci_sdei(&f->fw, &f->host.fw_host, &psci, f->with_sdei ? &f->sdei_cfg : NULL);
}

/*
 * byte 0: bits 0-2 vCPUs - 1, bit 3 the original power_state format,
 *         bits 4-6 all set: no SDEI
 * byte 1: bits 0-3 enabled vCPUs - 1 (modulo), bits 4-7 boot vCPU (modulo)
 * byte 2: bits 0-1 cores per cluster (1, 2, 4, 8), bit 2 Aff3 set on odd
 *         vCPUs, bits 3-4 extra SDEI events, bits 5-6 bind slots (0: one
 *         per line), bit 7 racing CPU_ONs answered ON_PENDING
 */
static struct fake *fake_new(struct input *in)
{
	struct fake *f = calloc(1, sizeof(*f));
	uint8_t b0 = in_u8(in), b1 = in_u8(in), b2 = in_u8(in);
	unsigned int per_cluster = 1U << (b2 & 3);

	CHECK(f != NULL, "out of memory");
	f->n = 1 + (b0 & 7);
	f->format = b0 & 8 ? PSCI_PSTATE_FORMAT_ORIGINAL : PSCI_PSTATE_FORMAT_EXTENDED;
	f->cpu_on_pending = b2 & 0x80;
	f->with_sdei = ((b0 >> 4) & 7) != 7;
	f->nr_enabled = 1 + (b1 & 15) % f->n;
	f->boot = (b1 >> 4) % f->nr_enabled;
	fake_host_init(&f->host, &f->fw, f->n, RAM_BASE, RAM_SIZE);
	f->host.check_locks = false;
	f->host.hooks = (struct fake_host_hooks){
		.violation = fake_violation, .inject_failure = fake_fails, .ctx = f,
	};
	f->host.now_us = f->boot_time = 1000000;
	for (unsigned int i = 0; i < f->n; i++) {
		uint64_t aff = ((uint64_t)(i / per_cluster) << 8) | (i % per_cluster);

		if ((b2 & 4) && (i & 1))
			aff |= 1ULL << 32;
		f->host.v[i].mpidr = MPIDR_RES1 | aff;
		f->mpidrs[i] = f->host.v[i].mpidr;
	}
	f->sdei_cfg = (struct sdei_config){
		.nr_cpus = f->n,
		.mpidrs = f->mpidrs,
		.events = config_events,
		.nr_events = NR_DEFAULT_EVENTS + ((b2 >> 3) & 3),
		.bindable_intids = bindable_lines,
		.nr_bindable = NR_LINES,
		.nr_bind_slots = (b2 >> 5) & 3,
	};
	fake_cold_boot(f);
	CHECK(fake_firmware_init(f, f->nr_enabled) == 0, "firmware_init failed");
	f->host.check_locks = true;
	for (unsigned int i = 0; i < f->n; i++)
		f->state[i] = psci_cpu_state(&f->fw.psci, i);
	return f;
}

static void fake_free(struct fake *f)
{
	f->host.check_locks = false;
	firmware_destroy(&f->fw);
	free(f);
}

/* ---- what the guest passes ---- */

static uint32_t pick_fid(struct input *in)
{
	static const uint32_t common_psci[] = {
		PSCI_FID64(PSCI_FN_CPU_ON), PSCI_FID32(PSCI_FN_CPU_ON),
		PSCI_FID32(PSCI_FN_CPU_OFF), PSCI_FID64(PSCI_FN_CPU_SUSPEND),
		PSCI_FID32(PSCI_FN_CPU_SUSPEND), PSCI_FID64(PSCI_FN_AFFINITY_INFO),
		PSCI_FID64(PSCI_FN_SYSTEM_SUSPEND), PSCI_FID64(PSCI_FN_CPU_DEFAULT_SUSPEND),
		PSCI_FID32(PSCI_FN_CPU_FREEZE), PSCI_FID32(PSCI_FN_SET_SUSPEND_MODE),
		PSCI_FID64(PSCI_FN_STAT_COUNT), PSCI_FID64(PSCI_FN_STAT_RESIDENCY),
		PSCI_FID64(PSCI_FN_NODE_HW_STATE), PSCI_FID32(PSCI_FN_FEATURES),
	};
	static const uint32_t odd[] = {
		SMCCC_VERSION_FID, 0x84000020U, 0xc4000040U, 0xc400001fU, 0x82000000U,
		0xc4000000U, 0x04000003U, 0x44000003U, 0xc6000020U, 0x80000001U,
		0xc4000033U, 0xc400003fU, 0x8400001fU, 0xffffffffU, 0,
	};
	uint8_t b = in_u8(in);

	if (b < 0x20)
		return PSCI_FID32(b);
	if (b < 0x40)
		return PSCI_FID64(b - 0x20);
	if (b < 0x60)
		return 0xc4000000U | (b - 0x40 + 0x20);	/* the whole SDEI range */
	if (b < 0xc0)
		return SDEI_FID(SDEI_FN_VERSION + (b - 0x60) % (SDEI_FN_SHARED_RESET - SDEI_FN_VERSION + 1));
	if (b < 0xf0)
		return common_psci[(b - 0xc0) % (sizeof(common_psci) / sizeof(common_psci[0]))];
	if (b < 0xff)
		return odd[(b - 0xf0) % (sizeof(odd) / sizeof(odd[0]))];
	return (uint32_t)in_le(in, 4);
}

/* One argument register: a byte picks a kind of value that means something
 * to some call (an MPIDR, an address, a power_state, an event, ...). */
static uint64_t pick_arg(const struct fake *f, struct input *in)
{
	static const uint64_t edges[] = {
		RAM_BASE - 1, RAM_BASE, RAM_BASE + RAM_SIZE - 4, RAM_BASE + RAM_SIZE,
		UINT64_MAX, RAM_BASE + (1ULL << 32), 0, 1ULL << 63,
	};
	static const uint64_t pstates[] = {
		PSCI_PSTATE_EXTENDED_STANDBY, PSCI_PSTATE_EXTENDED_POWERDOWN,
		PSCI_PSTATE_ORIGINAL_STANDBY, PSCI_PSTATE_ORIGINAL_POWERDOWN,
		0x40000001, 0x00010001, 0x01000001, 0x100000001ULL,
	};
	static const uint64_t events[] = {
		0, 1000, 1001, 2000, 2001, 0x8000, 0x8001, 0x8002, 3000, 3001, 7, 5,
		0x100000000ULL | 1000, 0x7fff, UINT32_MAX, 0x8003,
	};
	static const uint64_t intids[] = { 32, 33, 34, 35, 36, 31, 1019, 0x100000021ULL };
	uint8_t b = in_u8(in);
	unsigned int i = b >> 4;

	switch (b & 15) {
	case 0: return 0;
	case 1: return i;
	case 2: return f->host.v[i % f->n].mpidr & FW_MPIDR_AFF_MASK;
	case 3: return f->host.v[i % f->n].mpidr | (i & 8 ? 1ULL << 40 : 0);
	case 4: return RAM_BASE + 0x80000 + i * 0x1000ULL;
	case 5: return edges[i % 8];
	case 6: return pstates[i % 8];
	case 7: return events[i];
	case 8: return intids[i % 8];
	case 9: return HANDLER_BASE + 0x100ULL * i;
	case 10: return in_le(in, 8);
	case 11: return in_le(in, 4);
	case 12: return PSCI_FID32(i * 2);
	case 13: return i < 8 ? PSCI_FID64(i * 2 + 1) : SDEI_FID(0x20 + i);
	case 14: return 1ULL << (i * 4 + 3);
	default: return ~(uint64_t)i;
	}
}

/* ---- SDEI as the API shows it ---- */

struct ev {
	uint32_t num;
	bool shared, critical, bound;
	uint32_t intid;
};

static unsigned int events_of(struct fake *f, struct ev *out)
{
	struct sdei_event_info info[MAX_EVENTS];
	unsigned int n;

	if (!f->fw.sdei)
		return 0;
	n = sdei_events(f->fw.sdei, info, MAX_EVENTS);
	CHECK(n <= MAX_EVENTS, "%u events", n);
	for (unsigned int i = 0; i < n; i++) {
		out[i] = (struct ev){
			.num = info[i].num,
			.shared = info[i].type == SDEI_EVENT_SHARED,
			.critical = info[i].priority == SDEI_PRIORITY_CRITICAL,
			.bound = info[i].bound,
			.intid = info[i].intid,
		};
		CHECK(!out[i].bound || (out[i].shared && !out[i].critical),
		      "bound event %u is not shared and normal", out[i].num);
	}
	return n;
}

static const struct ev *event_find(const struct ev *evs, unsigned int n, uint64_t num)
{
	for (unsigned int i = 0; i < n; i++) {
		if (evs[i].num == num)
			return &evs[i];
	}
	return NULL;
}

/* EVENT_STATUS bits, checked for sense (enabled only when registered). */
static int status_of(struct fake *f, uint32_t num, unsigned int pe)
{
	int st = sdei_event_status(f->fw.sdei, num, pe);

	CHECK(st >= 0 && st <= 7, "status %d of event %u on %u", st, num, pe);
	CHECK(!(st & 2) || (st & 1), "event %u on %u enabled but not registered", num, pe);
	return st;
}

/* A running handler: a private event on PE pe, or a shared one (pe NO_PE). */
struct run {
	uint32_t num;
	bool critical;
	unsigned int pe;
	bool matched;
};

static unsigned int running_of(struct fake *f, const struct ev *evs, unsigned int nev,
			       struct run *out)
{
	unsigned int n = 0;

	for (unsigned int e = 0; e < nev; e++) {
		for (unsigned int pe = 0; pe < (evs[e].shared ? 1 : f->n); pe++) {
			if (status_of(f, evs[e].num, pe) & 4)
				out[n++] = (struct run){
					evs[e].num, evs[e].critical, evs[e].shared ? NO_PE : pe, false,
				};
		}
	}
	return n;
}

/* ---- one operation ---- */

/* What an operation that reaches the firmware was (MMIO exits, rounds,
 * clock ticks and failure injection are not operations of their own). */
enum op_kind {
	OP_CALL, OP_PREPARE, OP_WAKEUP, OP_SIGNAL, OP_INTERRUPT, OP_SET_ENABLED, OP_RESET,
};

struct op {
	enum op_kind kind;
	unsigned int vcpu;	/* the vCPU driven, or acted on by the host */
	uint32_t fid;		/* OP_CALL */
	enum smccc_action out;	/* OP_CALL */
	int ret;		/* OP_PREPARE, OP_WAKEUP, OP_SET_ENABLED */
	bool enable;		/* OP_SET_ENABLED */
	bool unfinished;	/* OP_PREPARE: exit_unfinished */
	uint64_t before[FW_REG_COUNT];	/* the vCPU's registers before */
	unsigned int depth_before;	/* its SDEI handlers before */
	enum psci_cpu_state state_before;	/* its PSCI state before */
	bool masked_before;		/* its SDEI PE mask before */
};

static void begin_op(struct fake *f, struct op *op)
{
	f->failed = false;
	for (unsigned int i = 0; i < f->n; i++) {
		f->host.v[i].written_now = 0;
		f->host.v[i].resets = 0;
		f->kind[i] = f->fw.psci.cpu[i].suspend_kind;
	}
	if (op->vcpu < f->n) {
		memcpy(op->before, f->host.v[op->vcpu].reg, sizeof(op->before));
		op->depth_before = f->depth[op->vcpu];
		op->state_before = f->state[op->vcpu];
		op->masked_before = f->fw.sdei && sdei_vcpu_masked(f->fw.sdei, op->vcpu);
	}
}

/* The service whose claimed range fid lies in, or NULL. */
static const char *service_of(const struct fake *f, uint32_t fid)
{
	const struct smccc_claim *c = smccc_claim_of(f->fw.claims, fid);

	return c ? c->service->name : NULL;
}

static bool is_psci(uint32_t fid)
{
	return (fid & ~0x1fU) == 0x84000000U || (fid & ~0x1fU) == 0xC4000000U;
}

static bool psci_fn_is(const struct op *op, enum psci_fn fn)
{
	return op->kind == OP_CALL && is_psci(op->fid) && (op->fid & 0x1f) == (uint32_t)fn;
}

static bool sdei_fn_is(const struct op *op, enum sdei_fn fn)
{
	return op->kind == OP_CALL && op->fid == SDEI_FID(fn);
}

/* A completion that took a handler off the caller's PE. */
static bool op_completes(const struct fake *f, const struct op *op)
{
	return f->fw.sdei && op->depth_before > 0 && op->out == SMCCC_CONTINUE &&
	       (sdei_fn_is(op, SDEI_FN_EVENT_COMPLETE) ||
		sdei_fn_is(op, SDEI_FN_EVENT_COMPLETE_AND_RESUME));
}

/* ---- checks: PSCI ---- */

static const char *state_name(enum psci_cpu_state s)
{
	return psci_cpu_state_name(s);
}

static bool edge_legal(const struct fake *f, const struct op *op, unsigned int w,
		       enum psci_cpu_state from, enum psci_cpu_state to)
{
	bool own = op->vcpu == w;
	bool call = op->kind == OP_CALL && own;

	if (from == PSCI_CPU_STATE_OFF && to == PSCI_CPU_STATE_ON_PENDING)
		return op->kind == OP_CALL && !own && psci_fn_is(op, PSCI_FN_CPU_ON);
	if (from == PSCI_CPU_STATE_ON_PENDING && to == PSCI_CPU_STATE_ON)
		return own && op->kind == OP_PREPARE;
	if (from == PSCI_CPU_STATE_ON && to == PSCI_CPU_STATE_OFF)
		return call && (psci_fn_is(op, PSCI_FN_CPU_OFF) || psci_fn_is(op, PSCI_FN_CPU_FREEZE));
	if (from == PSCI_CPU_STATE_ON && to == PSCI_CPU_STATE_SUSPENDED)
		return call && (psci_fn_is(op, PSCI_FN_CPU_SUSPEND) ||
				psci_fn_is(op, PSCI_FN_CPU_DEFAULT_SUSPEND) ||
				psci_fn_is(op, PSCI_FN_SYSTEM_SUSPEND));
	if (from == PSCI_CPU_STATE_SUSPENDED && to == PSCI_CPU_STATE_ON)
		return own && (op->kind == OP_WAKEUP ||
			       (op->kind == OP_PREPARE && f->kind[w] != PSCI_SUSPENDED_SYSTEM));
	if ((from == PSCI_CPU_STATE_OFF && to == PSCI_CPU_STATE_DISABLED) ||
	    (from == PSCI_CPU_STATE_DISABLED && to == PSCI_CPU_STATE_OFF))
		return own && op->kind == OP_SET_ENABLED;
	return false;
}

static enum fw_mp_state mp_expected(struct fake *f, unsigned int w)
{
	switch (f->state[w]) {
	case PSCI_CPU_STATE_ON:
		return FW_MP_RUNNABLE;
	case PSCI_CPU_STATE_SUSPENDED:
		return f->fw.psci.cpu[w].suspend_kind == PSCI_SUSPENDED_SYSTEM ? FW_MP_STOPPED
									       : FW_MP_SUSPENDED;
	default:
		return FW_MP_STOPPED;
	}
}

/* Suspend statistics move only when a CPU_SUSPEND ends, by one count. */
static void check_stats(struct fake *f, unsigned int w, enum psci_cpu_state from)
{
	struct psci_cpu_stats s, *old = &f->stats[w];
	uint64_t counted = 0, total = 0;
	int ended = -1;

	CHECK(psci_cpu_stats(&f->fw.psci, w, &s) == 0, "no statistics for vCPU %u", w);
	if (from == PSCI_CPU_STATE_SUSPENDED && f->state[w] == PSCI_CPU_STATE_ON &&
	    f->kind[w] != PSCI_SUSPENDED_SYSTEM)
		ended = f->kind[w] == PSCI_SUSPENDED_STANDBY ? PSCI_SUSPEND_STANDBY
							     : PSCI_SUSPEND_POWERDOWN;
	for (int i = 0; i < PSCI_SUSPEND_STATE_COUNT; i++) {
		CHECK(s.count[i] >= old->count[i] && s.residency_us[i] >= old->residency_us[i],
		      "vCPU %u: statistics went back", w);
		CHECK(s.count[i] - old->count[i] == (uint64_t)(i == ended),
		      "vCPU %u: state %d counted %llu more times", w, i,
		      (unsigned long long)(s.count[i] - old->count[i]));
		counted += s.count[i] - old->count[i];
		total += s.residency_us[i];
	}
	CHECK(counted <= 1, "vCPU %u: two suspends ended at once", w);
	CHECK(total <= f->host.now_us - f->boot_time, "vCPU %u: %llu us suspended in %llu us", w,
	      (unsigned long long)total, (unsigned long long)(f->host.now_us - f->boot_time));
	*old = s;
}

/*
 * A vCPU that came up (CPU_ON) or back (power-down or system suspend) was
 * warm reset and starts at its entry point with context_id in x0, in the
 * endianness of the caller that sent it there; only a CPU_SUSPEND power-down
 * keeps the timer. An SDEI handler may have interrupted the entry point in
 * the same prepare (x2 then holds it). Standby resumes without a reset (a
 * handler may interrupt it at once: sdei_started checks that entry).
 * After a failed vCPU operation the registers may be half written (a
 * handler's entry cut short, firmware/sdei_deliver.c) and the VMM stops:
 * only the state edge, which check_psci checks, is then the firmware's word.
 */
static void check_boot(struct fake *f, unsigned int w, enum psci_cpu_state from)
{
	const struct fake_vcpu *v = &f->host.v[w];
	bool powerdown = from == PSCI_CPU_STATE_SUSPENDED && f->kind[w] == PSCI_SUSPENDED_POWERDOWN;

	if (f->failed)
		return;
	if (from == PSCI_CPU_STATE_SUSPENDED && f->kind[w] == PSCI_SUSPENDED_STANDBY) {
		CHECK(!v->resets, "vCPU %u reset to leave standby", w);
		return;
	}
	CHECK(v->resets == 1 && v->last_reset_kept_timer == powerdown, "vCPU %u: %u resets, timer kept %d", w,
	      v->resets, v->last_reset_kept_timer);
	if (v->reg[FW_REG_PC] == f->entry[w])
		CHECK(v->reg[FW_REG_X0] == f->context_id[w], "vCPU %u started with x0 0x%llx", w,
		      (unsigned long long)v->reg[FW_REG_X0]);
	else
		CHECK(f->fw.sdei && v->reg[2] == f->entry[w], "vCPU %u started at 0x%llx, not 0x%llx",
		      w, (unsigned long long)v->reg[FW_REG_PC], (unsigned long long)f->entry[w]);
	CHECK(!!(v->reg[FW_REG_SCTLR_EL1] & FW_SCTLR_EE) == f->big_endian[w],
	      "vCPU %u started with SCTLR_EL1 0x%llx", w,
	      (unsigned long long)v->reg[FW_REG_SCTLR_EL1]);
}

static void check_psci(struct fake *f, const struct op *op)
{
	for (unsigned int w = 0; w < f->n; w++) {
		enum psci_cpu_state from = f->state[w], to = psci_cpu_state(&f->fw.psci, w);

		CHECK(from == to || edge_legal(f, op, w, from, to),
		      "vCPU %u went %s -> %s in operation %d on vCPU %u (fid 0x%08x)", w,
		      state_name(from), state_name(to), (int)op->kind, op->vcpu, op->fid);
		f->state[w] = to;
		if (from != to && to == PSCI_CPU_STATE_ON)
			check_boot(f, w, from);
		CHECK(f->host.v[w].mp_state == mp_expected(f, w), "vCPU %u is %s in PSCI but MP state %d", w,
		      state_name(to), (int)f->host.v[w].mp_state);
		check_stats(f, w, from);
	}
}

/* ---- checks: the call itself ---- */

/* AFFINITY_INFO at level 0 of one vCPU, as its state says. */
static int64_t affinity_of(enum psci_cpu_state s)
{
	switch (s) {
	case PSCI_CPU_STATE_ON:
	case PSCI_CPU_STATE_SUSPENDED:
		return PSCI_AFF_ON;
	case PSCI_CPU_STATE_ON_PENDING:
		return PSCI_AFF_ON_PENDING;
	default:
		return PSCI_AFF_OFF;
	}
}

static int vcpu_named(const struct fake *f, uint64_t mpidr)
{
	if (mpidr & ~FW_MPIDR_AFF_MASK)
		return -1;
	for (unsigned int i = 0; i < f->n; i++) {
		if ((f->host.v[i].mpidr & FW_MPIDR_AFF_MASK) == mpidr)
			return (int)i;
	}
	return -1;
}

/* CPU_ON's answer, from the states before the call (f->state not yet updated). */
static void check_cpu_on(struct fake *f, const struct op *op, int64_t x0)
{
	bool is64 = op->fid & SMCCC_64BIT;
	uint64_t mpidr = op->before[1], entry = op->before[2];
	int target;
	int64_t want;

	if (!is64) {
		mpidr = (uint32_t)mpidr;
		entry = (uint32_t)entry;
	}
	target = vcpu_named(f, mpidr);
	if (target < 0)
		want = PSCI_RET_INVALID_PARAMETERS;
	else if (!fw_addr_in_ram(&f->host.fw_host, entry))
		want = PSCI_RET_INVALID_ADDRESS;
	else if (f->state[target] == PSCI_CPU_STATE_OFF)
		want = PSCI_RET_SUCCESS;
	else if (f->state[target] == PSCI_CPU_STATE_ON_PENDING)
		want = f->cpu_on_pending ? PSCI_RET_ON_PENDING : PSCI_RET_ALREADY_ON;
	else if (f->state[target] == PSCI_CPU_STATE_DISABLED)
		want = PSCI_RET_DENIED;
	else
		want = PSCI_RET_ALREADY_ON;
	CHECK(x0 == want, "CPU_ON of 0x%llx at 0x%llx answered %lld, not %lld",
	      (unsigned long long)mpidr, (unsigned long long)entry, (long long)x0, (long long)want);
	if (want == PSCI_RET_SUCCESS) {
		CHECK(kicked(f, target), "CPU_ON did not kick vCPU %d", target);
		f->entry[target] = entry;
		f->context_id[target] = is64 ? op->before[3] : (uint32_t)op->before[3];
		f->big_endian[target] = op->before[FW_REG_SCTLR_EL1] & FW_SCTLR_EE;
	}
}

static void check_psci_result(struct fake *f, const struct op *op, int64_t x0)
{
	bool is64 = op->fid & SMCCC_64BIT;
	uint64_t x1 = op->before[1], x2 = op->before[2];
	int target;

	CHECK(x0 >= -9 && x0 < (1LL << 32), "PSCI 0x%08x answered 0x%llx", op->fid,
	      (unsigned long long)x0);
	if (is64 && (op->before[FW_REG_PSTATE] & FW_PSTATE_nRW)) {
		CHECK(x0 == PSCI_RET_NOT_SUPPORTED, "SMC64 call from AArch32 answered %lld",
		      (long long)x0);
		return;
	}
	if (psci_fn_is(op, PSCI_FN_CPU_ON)) {
		check_cpu_on(f, op, x0);
	} else if (psci_fn_is(op, PSCI_FN_AFFINITY_INFO)) {
		if (!is64) {
			x1 = (uint32_t)x1;
			x2 = (uint32_t)x2;
		}
		target = vcpu_named(f, x1);
		if (target >= 0 && x2 == 0)
			CHECK(x0 == affinity_of(f->state[target]),
			      "AFFINITY_INFO of vCPU %d (%s) answered %lld", target,
			      state_name(f->state[target]), (long long)x0);
	} else if (psci_fn_is(op, PSCI_FN_VERSION) && !is64) {
		CHECK(x0 == ((PSCI_VERSION_MAJOR << 16) | PSCI_VERSION_MINOR), "PSCI_VERSION %lld",
		      (long long)x0);
	}
}

static struct registration *registration_of(struct fake *f, uint32_t num, unsigned int pe)
{
	for (unsigned int i = 0; i < f->nr_regs; i++) {
		if (f->regs[i].num == num && f->regs[i].pe == pe)
			return &f->regs[i];
	}
	return NULL;
}

static struct registration *registration_new(struct fake *f, uint32_t num, unsigned int pe)
{
	struct registration *r = registration_of(f, num, pe);

	if (!r) {
		CHECK(f->nr_regs < sizeof(f->regs) / sizeof(f->regs[0]), "too many registrations");
		r = &f->regs[f->nr_regs++];
	}
	*r = (struct registration){ .num = num, .pe = pe, .target = -1 };
	return r;
}

/* What an accepted EVENT_REGISTER, ROUTING_SET, PE_MASK or PE_UNMASK did. */
static void note_sdei_call(struct fake *f, const struct op *op, const struct ev *ev, int64_t x0)
{
	const uint64_t *x = op->before;
	struct registration *r;

	if (sdei_fn_is(op, SDEI_FN_PE_MASK) || sdei_fn_is(op, SDEI_FN_PE_UNMASK)) {
		bool mask = sdei_fn_is(op, SDEI_FN_PE_MASK);

		CHECK(x0 == (mask ? !op->masked_before : 0), "PE_(UN)MASK answered %lld",
		      (long long)x0);
		CHECK(sdei_vcpu_masked(f->fw.sdei, op->vcpu) == mask, "vCPU %u mask not %d",
		      op->vcpu, mask);
		return;
	}
	if (x0 != SDEI_RET_SUCCESS || !ev)
		return;
	if (sdei_fn_is(op, SDEI_FN_EVENT_REGISTER)) {
		r = registration_new(f, ev->num, ev->shared ? NO_PE : op->vcpu);
		r->entry = x[2];
		r->arg = x[3];
		r->rm_pe = ev->shared && x[4] == SDEI_ROUTING_PE;
		r->target = r->rm_pe ? vcpu_named(f, x[5]) : -1;
		CHECK(!r->rm_pe || r->target >= 0, "RM_PE registration of %u to no PE", ev->num);
	} else if (sdei_fn_is(op, SDEI_FN_EVENT_ROUTING_SET)) {
		r = registration_of(f, ev->num, NO_PE);
		CHECK(r && ev->shared, "routing of %u set, never registered", ev->num);
		r->rm_pe = x[2] == SDEI_ROUTING_PE;
		r->target = r->rm_pe ? vcpu_named(f, x[3]) : -1;
		CHECK(!r->rm_pe || r->target >= 0, "RM_PE routing of %u to no PE", ev->num);
	}
}

/* SDEI's rule for the caller's width (firmware/sdei.c): outside a handler
 * PSTATE tells; inside one the caller is AArch64 whatever PSTATE says, as hvmm
 * entered the handler in AArch64 and EL1's width is fixed for the vCPU's life. */
static bool sdei_caller_aarch32(const struct op *op)
{
	return !op->depth_before && (op->before[FW_REG_PSTATE] & FW_PSTATE_nRW);
}

static void check_sdei_result(struct fake *f, const struct op *op, uint64_t x0)
{
	struct ev evs[MAX_EVENTS];
	unsigned int nev;
	const struct ev *ev;
	uint64_t num = op->before[1];
	int64_t want;

	/* EVENT_CONTEXT hands back any saved register; every other answer is a
	 * value or an error code, sign-extended. */
	if (sdei_fn_is(op, SDEI_FN_EVENT_CONTEXT))
		return;
	CHECK((int64_t)x0 >= SDEI_RET_OUT_OF_RESOURCE && !(x0 >= 0xfffffff6ULL && x0 <= UINT32_MAX),
	      "SDEI 0x%08x answered 0x%llx", op->fid, (unsigned long long)x0);
	if (sdei_caller_aarch32(op)) {
		CHECK((int64_t)x0 == SDEI_RET_NOT_SUPPORTED, "SDEI 0x%08x from AArch32 answered %lld",
		      op->fid, (long long)x0);
		return;
	}
	nev = events_of(f, evs);
	ev = event_find(evs, nev, num);
	note_sdei_call(f, op, ev, (int64_t)x0);
	if (!sdei_fn_is(op, SDEI_FN_EVENT_STATUS))
		return;
	want = ev && num <= UINT32_MAX ? status_of(f, ev->num, ev->shared ? 0 : op->vcpu)
				       : SDEI_RET_INVALID_PARAMETERS;
	CHECK((int64_t)x0 == want, "EVENT_STATUS of %llu answered %lld, not %lld",
	      (unsigned long long)num, (long long)x0, (long long)want);
}

/* EVENT_CONTEXT reads the innermost frame's saved registers. */
static void check_event_context(struct fake *f, const struct op *op, int64_t x0)
{
	uint64_t index = op->before[1];
	const struct frame *fr;

	if (!sdei_fn_is(op, SDEI_FN_EVENT_CONTEXT) || sdei_caller_aarch32(op))
		return;
	if (index >= SAVED_REGS) {
		CHECK(x0 == SDEI_RET_INVALID_PARAMETERS, "EVENT_CONTEXT(%llu) answered %lld",
		      (unsigned long long)index, (long long)x0);
		return;
	}
	if (!op->depth_before) {
		CHECK(x0 == SDEI_RET_DENIED, "EVENT_CONTEXT outside a handler answered %lld",
		      (long long)x0);
		return;
	}
	fr = &f->stack[op->vcpu][op->depth_before - 1];
	if (fr->regs_known)
		CHECK((uint64_t)x0 == fr->x[index], "EVENT_CONTEXT(%llu) answered 0x%llx, not 0x%llx",
		      (unsigned long long)index, (unsigned long long)x0,
		      (unsigned long long)fr->x[index]);
}

static void check_call(struct fake *f, const struct op *op)
{
	const struct fake_vcpu *v = &f->host.v[op->vcpu];
	enum psci_cpu_state now = psci_cpu_state(&f->fw.psci, op->vcpu);
	const char *service = service_of(f, op->fid);
	uint64_t allowed = BIT(FW_REG_X0), x0 = v->reg[FW_REG_X0];
	bool sdei_range = service && !strcmp(service, "SDEI");

	CHECK(!smccc_function_name(f->fw.claims, op->fid) || service, "0x%08x has a name but no range",
	      op->fid);
	CHECK(!is_psci(op->fid) || (service && !strcmp(service, "PSCI")), "0x%08x is PSCI's but not claimed by it",
	      op->fid);
	CHECK(!sdei_range || f->fw.sdei, "0x%08x is claimed for SDEI without SDEI", op->fid);
	if (f->failed) {
		CHECK(op->out == SMCCC_FAILED, "call 0x%08x hid a failed vCPU operation", op->fid);
		return;
	}
	CHECK(op->out != SMCCC_FAILED, "call 0x%08x failed with no vCPU operation failing", op->fid);
	if (op_completes(f, op))
		allowed |= XREGS(0, 17) | BIT(FW_REG_PC) | BIT(FW_REG_PSTATE) |
			   BIT(FW_REG_ELR_EL1) | BIT(FW_REG_SPSR_EL1);
	CHECK(!(v->written_now & ~allowed), "call 0x%08x wrote registers 0x%llx", op->fid,
	      (unsigned long long)v->written_now);
	CHECK(!v->resets, "call 0x%08x reset its caller", op->fid);
	if (op->out == SMCCC_CONTINUE && now == PSCI_CPU_STATE_ON)
		CHECK(v->written_now & BIT(FW_REG_X0), "call 0x%08x returned without a result", op->fid);
	if (!(v->written_now & BIT(FW_REG_X0)) || op_completes(f, op))
		return;
	if (!service)
		CHECK(x0 == UINT64_MAX, "unserved call 0x%08x answered 0x%llx", op->fid,
		      (unsigned long long)x0);
	else if (is_psci(op->fid))
		check_psci_result(f, op, (int64_t)x0);
	else if (sdei_range) {
		check_sdei_result(f, op, x0);
		check_event_context(f, op, (int64_t)x0);
	}
}

/* A suspend the caller entered: standby answered SUCCESS first, the others
 * resume at their entry point (argument n) with context_id (n + 1). */
static void note_suspend(struct fake *f, const struct op *op)
{
	unsigned int a = op->vcpu, n = psci_fn_is(op, PSCI_FN_CPU_SUSPEND) ? 2 : 1;
	bool is64 = op->fid & SMCCC_64BIT;

	if (f->fw.psci.cpu[a].suspend_kind == PSCI_SUSPENDED_STANDBY) {
		CHECK(psci_fn_is(op, PSCI_FN_CPU_SUSPEND) && f->host.v[a].reg[FW_REG_X0] == 0,
		      "standby from 0x%08x with x0 0x%llx", op->fid,
		      (unsigned long long)f->host.v[a].reg[FW_REG_X0]);
		return;
	}
	f->entry[a] = is64 ? op->before[n] : (uint32_t)op->before[n];
	f->context_id[a] = is64 ? op->before[n + 1] : (uint32_t)op->before[n + 1];
	f->big_endian[a] = op->before[FW_REG_SCTLR_EL1] & FW_SCTLR_EE;
}

/* What the call did to the caller's power, and the outcome saying so. */
static void check_call_outcome(struct fake *f, const struct op *op)
{
	enum psci_cpu_state now = psci_cpu_state(&f->fw.psci, op->vcpu);
	bool system = now == PSCI_CPU_STATE_SUSPENDED &&
		      f->fw.psci.cpu[op->vcpu].suspend_kind == PSCI_SUSPENDED_SYSTEM;

	if (f->failed)
		return;
	if (f->state[op->vcpu] == PSCI_CPU_STATE_ON && now == PSCI_CPU_STATE_SUSPENDED)
		note_suspend(f, op);
	CHECK((op->out == SMCCC_SYSTEM_SUSPEND) == (f->state[op->vcpu] == PSCI_CPU_STATE_ON && system),
	      "outcome %d with vCPU %u %s", (int)op->out, op->vcpu, state_name(now));
	if (op->out == SMCCC_SYSTEM_SUSPEND) {
		for (unsigned int i = 0; i < f->n; i++)
			CHECK(i == op->vcpu || f->state[i] == PSCI_CPU_STATE_OFF ||
			      f->state[i] == PSCI_CPU_STATE_DISABLED,
			      "system suspended with vCPU %u %s", i, state_name(f->state[i]));
	}
	if (op->out == SMCCC_SYSTEM_OFF)
		CHECK(psci_fn_is(op, PSCI_FN_SYSTEM_OFF), "SYSTEM_OFF from 0x%08x", op->fid);
	if (op->out == SMCCC_SYSTEM_RESET)
		CHECK(psci_fn_is(op, PSCI_FN_SYSTEM_RESET) || psci_fn_is(op, PSCI_FN_SYSTEM_RESET2),
		      "SYSTEM_RESET from 0x%08x", op->fid);
}

/* ---- checks: SDEI handlers ---- */

/* A handler started: on the driven PE's prepare, with the dispatch registers. */
static void sdei_started(struct fake *f, const struct op *op, const struct run *r)
{
	unsigned int a = op->vcpu, d;
	const struct fake_vcpu *v;
	const struct registration *reg;
	struct frame *fr;

	CHECK(op->kind == OP_PREPARE && !op->unfinished && !f->failed,
	      "event %u started in operation %d (unfinished %d)", r->num, (int)op->kind,
	      op->unfinished);
	d = f->depth[a];
	v = &f->host.v[a];
	CHECK(r->pe == NO_PE || r->pe == a, "event %u started on %u from %u's thread", r->num,
	      r->pe, a);
	CHECK(d < 2, "a third handler (event %u) on vCPU %u", r->num, a);
	CHECK(d == 0 || (r->critical && !f->stack[a][0].critical),
	      "event %u (critical %d) over event %u (critical %d) on vCPU %u", r->num,
	      r->critical, f->stack[a][0].num, f->stack[a][0].critical, a);
	CHECK(!sdei_vcpu_masked(f->fw.sdei, a), "event %u delivered to masked vCPU %u", r->num, a);
	CHECK(f->state[a] == PSCI_CPU_STATE_ON, "event %u delivered to vCPU %u %s", r->num, a,
	      state_name(f->state[a]));
	CHECK(v->reg[FW_REG_X0] == r->num && v->reg[FW_REG_PSTATE] == FW_PSTATE_EL1H_DAIF &&
	      (v->written_now & BIT(FW_REG_PC)),
	      "handler of %u entered with x0 0x%llx, PSTATE 0x%llx", r->num,
	      (unsigned long long)v->reg[FW_REG_X0], (unsigned long long)v->reg[FW_REG_PSTATE]);

	reg = registration_of(f, r->num, r->pe == NO_PE ? NO_PE : a);
	CHECK(reg, "event %u delivered on %u, never registered", r->num, a);
	CHECK(v->reg[FW_REG_PC] == reg->entry && v->reg[1] == reg->arg,
	      "handler of %u entered at 0x%llx with x1 0x%llx, registered 0x%llx, 0x%llx", r->num,
	      (unsigned long long)v->reg[FW_REG_PC], (unsigned long long)v->reg[1],
	      (unsigned long long)reg->entry, (unsigned long long)reg->arg);
	CHECK(!reg->rm_pe || reg->target == (int)a, "event %u routed to %d ran on %u", r->num,
	      reg->target, a);

	fr = &f->stack[a][d];
	*fr = (struct frame){ .num = r->num, .critical = r->critical, .regs_known = !v->resets };
	fr->pc = v->reg[2];
	fr->pstate = v->reg[3];
	if (fr->regs_known) {
		memcpy(fr->x, op->before, sizeof(fr->x));
		CHECK(fr->pc == op->before[FW_REG_PC] && fr->pstate == op->before[FW_REG_PSTATE],
		      "handler of %u told PC 0x%llx PSTATE 0x%llx", r->num,
		      (unsigned long long)fr->pc, (unsigned long long)fr->pstate);
		for (unsigned int i = 4; i < SAVED_REGS; i++)
			CHECK(v->reg[i] == op->before[i], "handler of %u entered with x%u changed",
			      r->num, i);
	}
	f->depth[a] = d + 1;
}

/* A completion restores what the innermost handler interrupted. */
static void check_restored(struct fake *f, const struct op *op, const struct frame *fr)
{
	const uint64_t *x = f->host.v[op->vcpu].reg;

	if (fr->regs_known) {
		for (unsigned int i = 0; i < SAVED_REGS; i++)
			CHECK(x[i] == fr->x[i], "completion of %u left x%u 0x%llx, not 0x%llx",
			      fr->num, i, (unsigned long long)x[i], (unsigned long long)fr->x[i]);
	}
	if (sdei_fn_is(op, SDEI_FN_EVENT_COMPLETE)) {
		CHECK(x[FW_REG_PC] == fr->pc && x[FW_REG_PSTATE] == fr->pstate,
		      "completion of %u resumed at 0x%llx", fr->num, (unsigned long long)x[FW_REG_PC]);
	} else {
		CHECK(x[FW_REG_PC] == op->before[1] && x[FW_REG_PSTATE] == FW_PSTATE_EL1H_DAIF &&
		      x[FW_REG_ELR_EL1] == fr->pc && x[FW_REG_SPSR_EL1] == fr->pstate,
		      "COMPLETE_AND_RESUME of %u resumed at 0x%llx", fr->num,
		      (unsigned long long)x[FW_REG_PC]);
	}
}

/* Handlers that stopped: only the ways the API allows, and the right ones. */
static void sdei_stopped(struct fake *f, const struct op *op, const bool gone[MAX_VCPUS][2])
{
	unsigned int a = op->vcpu;

	for (unsigned int pe = 0; pe < f->n; pe++) {
		bool all = true, any = false;

		for (unsigned int d = 0; d < f->depth[pe]; d++) {
			all &= gone[pe][d];
			any |= gone[pe][d];
		}
		if (!any)
			continue;
		CHECK(pe == a, "handler on vCPU %u stopped in operation %d on %u", pe, (int)op->kind,
		      a);
		if (op_completes(f, op)) {
			CHECK(f->depth[a] == op->depth_before && gone[a][f->depth[a] - 1] &&
			      (f->depth[a] == 1 || !gone[a][0]),
			      "completion on vCPU %u stopped the wrong handler", a);
			check_restored(f, op, &f->stack[a][f->depth[a] - 1]);
			f->depth[a]--;
			continue;
		}
		CHECK(all, "vCPU %u lost one of its handlers in operation %d", a, (int)op->kind);
		CHECK((op->kind == OP_CALL && f->state[a] == PSCI_CPU_STATE_OFF &&
		       (psci_fn_is(op, PSCI_FN_CPU_OFF) || psci_fn_is(op, PSCI_FN_CPU_FREEZE))) ||
		      (op->kind == OP_PREPARE && op->state_before == PSCI_CPU_STATE_ON_PENDING),
		      "vCPU %u abandoned its handlers in operation %d", a, (int)op->kind);
		f->depth[a] = 0;
	}
}

static void check_sdei(struct fake *f, const struct op *op)
{
	struct ev evs[MAX_EVENTS];
	struct run runs[MAX_EVENTS * MAX_VCPUS];
	bool gone[MAX_VCPUS][2] = { { false } };
	unsigned int nev, nr, started = 0;

	if (!f->fw.sdei)
		return;
	nev = events_of(f, evs);
	nr = running_of(f, evs, nev, runs);
	for (unsigned int pe = 0; pe < f->n; pe++) {
		for (unsigned int d = 0; d < f->depth[pe]; d++) {
			const struct frame *fr = &f->stack[pe][d];
			bool found = false;

			for (unsigned int i = 0; i < nr && !found; i++) {
				if (!runs[i].matched && runs[i].num == fr->num &&
				    (runs[i].pe == NO_PE || runs[i].pe == pe))
					found = runs[i].matched = true;
			}
			gone[pe][d] = !found;
		}
	}
	sdei_stopped(f, op, gone);
	for (unsigned int i = 0; i < nr; i++) {
		if (runs[i].matched)
			continue;
		CHECK(++started == 1, "two handlers started in one operation");
		sdei_started(f, op, &runs[i]);
	}
	/* A PE that is not running has no handler (CPU_OFF abandons them). */
	for (unsigned int pe = 0; pe < f->n; pe++)
		CHECK(f->depth[pe] == 0 || f->state[pe] == PSCI_CPU_STATE_ON ||
		      f->state[pe] == PSCI_CPU_STATE_SUSPENDED,
		      "vCPU %u is %s with %u handlers", pe, state_name(f->state[pe]), f->depth[pe]);
}

/* ---- checks: nobody waits for a kick that never comes ---- */

static bool has_work(struct fake *f, unsigned int w)
{
	enum psci_cpu_state s = f->state[w];
	bool can_run = s == PSCI_CPU_STATE_ON ||
		       (s == PSCI_CPU_STATE_SUSPENDED &&
			f->fw.psci.cpu[w].suspend_kind != PSCI_SUSPENDED_SYSTEM);

	return s == PSCI_CPU_STATE_ON_PENDING ||
	       (f->fw.sdei && can_run && sdei_vcpu_has_deliverable(f->fw.sdei, w));
}

static void check_wakeups(struct fake *f, const struct op *op)
{
	/* A failed vCPU operation stops the VMM; the work stays for a retry. */
	if (f->failed)
		return;
	for (unsigned int w = 0; w < f->n; w++)
		CHECK(!has_work(f, w) || kicked(f, w) || f->loop[w].exited,
		      "vCPU %u (%s) has work and nobody kicked it (operation %d on %u)", w,
		      state_name(f->state[w]), (int)op->kind, op->vcpu);
}

/* A prepare that could finish its work did. */
static void check_prepare(struct fake *f, const struct op *op)
{
	enum psci_cpu_state s = f->state[op->vcpu];
	bool runs = s == PSCI_CPU_STATE_ON ||
		    (s == PSCI_CPU_STATE_SUSPENDED &&
		     f->fw.psci.cpu[op->vcpu].suspend_kind != PSCI_SUSPENDED_SYSTEM);

	if (f->failed) {
		CHECK(op->ret < 0 && op->ret >= -4095, "prepare hid a failure: %d", op->ret);
		return;
	}
	CHECK(op->ret == (runs ? 1 : 0), "prepare of vCPU %u (%s) returned %d", op->vcpu,
	      state_name(s), op->ret);
	if (!op->unfinished)
		CHECK(!has_work(f, op->vcpu), "prepare of vCPU %u left work undone", op->vcpu);
	if (op->state_before == PSCI_CPU_STATE_ON_PENDING && s == PSCI_CPU_STATE_ON && f->fw.sdei) {
		/* A CPU_ON completed: SDEI starts afresh on that PE. */
		struct ev evs[MAX_EVENTS];
		unsigned int nev = events_of(f, evs);

		CHECK(sdei_vcpu_masked(f->fw.sdei, op->vcpu), "vCPU %u powered on unmasked",
		      op->vcpu);
		for (unsigned int e = 0; e < nev; e++)
			CHECK(evs[e].shared || status_of(f, evs[e].num, op->vcpu) == 0,
			      "vCPU %u powered on with event %u registered", op->vcpu, evs[e].num);
	}
}

/* FUZZ_TRACE=1 prints every operation before it is checked, for reading a
 * crash's input: its result, then per vCPU the PSCI state, k (kicked), x
 * (about to prepare) and d (SDEI handlers the fake saw before it). */
static bool tracing(void)
{
	static int on = -1;

	if (on < 0)
		on = getenv("FUZZ_TRACE") != NULL;
	return on;
}

static void trace(struct fake *f, const struct op *op)
{
	static const char *const kinds[] = {
		"call", "prepare", "wakeup", "signal", "interrupt", "set_enabled", "reset",
	};

	fprintf(stderr, "op %-11s vcpu %2d fid 0x%08x (%s) out %d ret %d unfinished %d failed %d |",
		kinds[op->kind], op->vcpu == NO_PE ? -1 : (int)op->vcpu, op->fid,
		op->kind == OP_CALL && smccc_function_name(f->fw.claims, op->fid) ?
		smccc_function_name(f->fw.claims, op->fid) : "-",
		(int)op->out, op->ret, op->unfinished, f->failed);
	if (op->kind == OP_CALL)
		fprintf(stderr, " x1-5 %llx %llx %llx %llx %llx x0 -> %llx |",
			(unsigned long long)op->before[1], (unsigned long long)op->before[2],
			(unsigned long long)op->before[3], (unsigned long long)op->before[4],
			(unsigned long long)op->before[5],
			(unsigned long long)f->host.v[op->vcpu].reg[FW_REG_X0]);
	for (unsigned int i = 0; i < f->n; i++)
		fprintf(stderr, " %u:%s%s%s d%u", i, state_name(psci_cpu_state(&f->fw.psci, i)),
			kicked(f, i) ? ",k" : "", f->loop[i].exited ? ",x" : "", f->depth[i]);
	fputc('\n', stderr);
}

static void check_after(struct fake *f, const struct op *op)
{
	if (tracing())
		trace(f, op);
	switch (op->kind) {
	case OP_CALL:
		check_call(f, op);
		check_call_outcome(f, op);
		break;
	case OP_WAKEUP:
		if (f->failed)
			CHECK(op->ret < 0 && op->ret >= -4095, "wake-up hid a failure: %d", op->ret);
		else
			CHECK(op->ret == 0, "wake-up of vCPU %u returned %d", op->vcpu, op->ret);
		break;
	default:
		break;
	}
	check_psci(f, op);
	if (op->kind == OP_PREPARE)
		check_prepare(f, op);
	check_sdei(f, op);
	check_wakeups(f, op);
}

/* ---- operations ---- */

/* A vCPU's thread looks at the firmware before it enters the guest again. */
static bool do_prepare(struct fake *f, unsigned int a)
{
	struct vcpu_loop *l = &f->loop[a];
	struct op op = { .kind = OP_PREPARE, .vcpu = a, .unfinished = l->mmio_pending };

	begin_op(f, &op);
	l->exited = false;
	/* This look answers every kick so far, unless the MMIO exit keeps it
	 * from delivering: then a pending kick makes the coming KVM_RUN return
	 * at once, and the thread looks again. */
	if (!op.unfinished)
		atomic_store(&f->host.v[a].kicks, 0);
	fake_host_enter(&f->host, a);
	op.ret = firmware_vcpu_prepare(&f->fw, a, op.unfinished);
	fake_host_leave(&f->host, a);
	if (op.ret == 1)
		l->mmio_pending = false;	/* the KVM_RUN that follows finishes it */
	check_after(f, &op);
	return !f->failed;
}

/* Every exit is followed by a prepare before the next one. */
static bool settle(struct fake *f, unsigned int a)
{
	return !f->loop[a].exited || do_prepare(f, a);
}

/* The machine starts cold: a guest reset, or what SYSTEM_OFF ends in. */
static void do_reset(struct fake *f, bool reinit)
{
	struct op op = { .kind = OP_RESET, .vcpu = NO_PE };
	bool disabled[MAX_VCPUS];
	struct ev evs[MAX_EVENTS];
	unsigned int nev;

	for (unsigned int i = 0; i < f->n; i++)
		disabled[i] = i != f->boot && f->state[i] == PSCI_CPU_STATE_DISABLED;
	fake_cold_boot(f);
	if (reinit) {
		/* As vmm_boot does: a new firmware, the hot-add state carried over. */
		f->host.check_locks = false;
		firmware_destroy(&f->fw);
		CHECK(fake_firmware_init(f, f->n) == 0, "firmware_init failed again");
		f->host.check_locks = true;
		for (unsigned int i = 0; i < f->n; i++)
			CHECK(!disabled[i] || psci_cpu_set_enabled(&f->fw.psci, i, false) == 0,
			      "cannot disable vCPU %u again", i);
	} else {
		firmware_reset(&f->fw);
	}
	f->boot_time = f->host.now_us;
	for (unsigned int i = 0; i < f->n; i++) {
		enum psci_cpu_state want = i == f->boot ? PSCI_CPU_STATE_ON :
					   disabled[i] ? PSCI_CPU_STATE_DISABLED : PSCI_CPU_STATE_OFF;

		f->state[i] = psci_cpu_state(&f->fw.psci, i);
		CHECK(f->state[i] == want, "vCPU %u %s after a reset", i, state_name(f->state[i]));
		CHECK(f->host.v[i].mp_state == mp_expected(f, i), "vCPU %u MP state %d after a reset", i,
		      (int)f->host.v[i].mp_state);
		memset(&f->stats[i], 0, sizeof(f->stats[i]));
		f->kind[i] = f->fw.psci.cpu[i].suspend_kind;
		check_stats(f, i, f->state[i]);
		f->depth[i] = 0;
		CHECK(!f->fw.sdei || sdei_vcpu_masked(f->fw.sdei, i), "vCPU %u unmasked after a reset",
		      i);
	}
	nev = events_of(f, evs);
	CHECK(!f->fw.sdei || nev == 1 + f->sdei_cfg.nr_events, "%u events after a reset", nev);
	for (unsigned int e = 0; e < nev; e++) {
		for (unsigned int pe = 0; pe < (evs[e].shared ? 1 : f->n); pe++)
			CHECK(status_of(f, evs[e].num, pe) == 0, "event %u on %u alive after a reset",
			      evs[e].num, pe);
	}
	check_wakeups(f, &op);
}

/* The guest on vCPU a makes a call: x0 = the function ID, x1-x5 arguments. */
static bool do_call(struct fake *f, struct input *in, unsigned int a)
{
	struct op op = { .kind = OP_CALL, .vcpu = a };
	struct fake_vcpu *v = &f->host.v[a];
	uint64_t x[6];
	uint8_t flags;

	op.fid = pick_fid(in);
	flags = in_u8(in);
	for (unsigned int i = 1; i <= 5; i++)
		x[i] = pick_arg(f, in);
	if (!settle(f, a))
		return false;
	if (f->state[a] != PSCI_CPU_STATE_ON)
		return do_prepare(f, a);	/* it runs no guest code: let it catch up */

	v->reg[FW_REG_X0] = op.fid;
	for (unsigned int i = 1; i <= 5; i++)
		v->reg[i] = x[i];
	if (flags & 1)
		v->reg[FW_REG_PSTATE] ^= FW_PSTATE_nRW;	/* the caller is (or was) AArch32 */
	if (flags & 4)
		v->reg[FW_REG_SCTLR_EL1] ^= FW_SCTLR_EE;	/* ... or big-endian */
	begin_op(f, &op);
	fake_host_enter(&f->host, a);
	op.out = fw_call_hvc(&f->fw, a, op.fid);
	fake_host_leave(&f->host, a);
	f->loop[a].exited = true;
	check_after(f, &op);
	if (f->failed)
		return false;
	if (op.out == SMCCC_SYSTEM_OFF || op.out == SMCCC_SYSTEM_RESET)
		do_reset(f, flags & 2);
	return true;
}

/* An MMIO exit: KVM completes the access at the next KVM_RUN. */
static bool do_mmio(struct fake *f, unsigned int a)
{
	if (!settle(f, a))
		return false;
	if (f->state[a] != PSCI_CPU_STATE_ON)
		return true;
	f->loop[a].exited = true;
	f->loop[a].mmio_pending = true;
	return true;
}

/* KVM reported a wake-up, or the VMM ends a system suspend. */
static bool do_wakeup(struct fake *f, unsigned int a)
{
	struct op op = { .kind = OP_WAKEUP, .vcpu = a };

	if (!settle(f, a))
		return false;
	begin_op(f, &op);
	fake_host_enter(&f->host, a);
	op.ret = firmware_vcpu_wakeup(&f->fw, a);
	fake_host_leave(&f->host, a);
	f->loop[a].exited = true;
	check_after(f, &op);
	return !f->failed;
}

/* hvmm sdei signal, from the control thread. */
static void do_signal(struct fake *f, struct input *in)
{
	static const uint32_t nums[] = {
		0, 1000, 1001, 2000, 2001, 3000, 3001, 7, 0x8000, 0x8001, 0x8002, 5, 0x8003,
	};
	struct op op = { .kind = OP_SIGNAL, .vcpu = NO_PE };
	struct ev evs[MAX_EVENTS];
	const struct ev *ev;
	uint8_t b = in_u8(in), c = in_u8(in);
	uint32_t num = b == 0xff ? (uint32_t)in_le(in, 4) : nums[b % (sizeof(nums) / sizeof(nums[0]))];
	unsigned int pick = c % (f->n + 3);
	int vcpu = pick < f->n ? (int)pick : pick == f->n ? -1 : pick == f->n + 1 ? (int)f->n : INT_MIN;
	int ret, want;

	ev = event_find(evs, events_of(f, evs), num);
	if (!f->fw.sdei)
		want = -EINVAL;
	else if (!ev)
		want = -ENOENT;
	else if (ev->shared)
		want = vcpu == -1 ? 0 : -EINVAL;
	else
		want = vcpu >= 0 && (unsigned int)vcpu < f->n ? 0 : -EINVAL;
	begin_op(f, &op);
	ret = sdei_signal(f->fw.sdei, num, vcpu);
	CHECK(ret == want, "sdei_signal(%u, %d) returned %d, not %d", num, vcpu, ret, want);
	check_after(f, &op);
}

/* A device line hvmm drives changes level. */
static void do_interrupt(struct fake *f, struct input *in)
{
	static const uint32_t ids[] = { 33, 34, 35, 32, 36, 1019, 0, 33 };
	static const int levels[] = { 0, 1, 0, 2 };
	struct op op = { .kind = OP_INTERRUPT, .vcpu = NO_PE };
	struct ev evs[MAX_EVENTS];
	uint8_t b = in_u8(in);
	uint32_t intid = ids[b & 7];
	unsigned int nev = events_of(f, evs);
	bool bound = false, ret;

	for (unsigned int e = 0; e < nev; e++)
		bound |= evs[e].bound && evs[e].intid == intid;
	begin_op(f, &op);
	ret = firmware_interrupt(&f->fw, intid, levels[(b >> 3) & 3]);
	CHECK(ret == bound, "line %u taken %d, bound %d", intid, ret, bound);
	check_after(f, &op);
}

/* hvmm cpu enable/disable, from the control thread. */
static void do_set_enabled(struct fake *f, unsigned int a, bool enable)
{
	struct op op = { .kind = OP_SET_ENABLED, .vcpu = a, .enable = enable };
	enum psci_cpu_state from = f->state[a];
	int want;

	if (enable)
		want = from == PSCI_CPU_STATE_DISABLED ? 0 : -EALREADY;
	else
		want = from == PSCI_CPU_STATE_OFF ? 0 :
		       from == PSCI_CPU_STATE_DISABLED ? -EALREADY : -EBUSY;
	begin_op(f, &op);
	op.ret = psci_cpu_set_enabled(&f->fw.psci, a, enable);
	CHECK(op.ret == want, "set_enabled(%u, %d) from %s returned %d", a, enable,
	      state_name(from), op.ret);
	check_after(f, &op);
}

/* Every thread with a reason to look does: the VMM catching up. */
static bool do_round(struct fake *f)
{
	for (unsigned int i = 0; i < f->n; i++) {
		if ((kicked(f, i) || f->loop[i].exited) && !do_prepare(f, i))
			return false;
	}
	return true;
}

/*
 * One operation: the low nibble of its first byte is the kind, the high
 * nibble the vCPU. Returns false when the run is over (a failure the VMM
 * would treat as fatal).
 */
static bool run_op(struct fake *f, struct input *in)
{
	uint8_t b = in_u8(in), arg;
	unsigned int a = (b >> 4) % f->n;

	f->host.now_us += 3;
	switch (b & 15) {
	case 0: case 1: case 2: case 3: case 4: case 5:
		return do_call(f, in, a);
	case 6: case 7:
		return do_prepare(f, a);
	case 8:
		return do_mmio(f, a);
	case 9:
		return do_wakeup(f, a);
	case 10:
		do_signal(f, in);
		return true;
	case 11:
		do_interrupt(f, in);
		return true;
	case 12:
		do_set_enabled(f, a, in_u8(in) & 1);
		return true;
	case 13:
		/* The host: rarely a reset, otherwise time passes. */
		arg = in_u8(in);
		if (arg < 0x20)
			do_reset(f, arg & 1);
		else
			f->host.now_us += arg * 13ULL;
		return true;
	case 14:
		return do_round(f);
	default:
		/* The k-th vCPU operation from now fails. */
		arg = in_u8(in);
		f->fail_in = 1 + (arg & 31);
		f->fail_positive = arg & 0x80;
		return true;
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct input in = { data, size, 0 };
	struct fake *f;
	unsigned int ops = 0;

	if (size < 3)
		return 0;
	f = fake_new(&in);
	while (!in_done(&in) && ops++ < MAX_OPS && run_op(f, &in))
		;
	fake_free(f);
	return 0;
}
