/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * libFuzzer target: the async-pf service (protocol version 1.1,
 * docs/async-pf.md) behind the SMCCC dispatcher, with PSCI and SDEI, over
 * the fake vCPU host. Random sequences of the guest's calls (APF_ENABLE
 * with good and bad events, PPIs and flags, APF_DISABLE, APF_TAKE with any x1,
 * the SDEI calls that make a fault eligible, CPU_OFF and CPU_ON), entries
 * to the guest (SDEI deliveries), faults at EL0 and EL1, page landings and
 * resets, checked against a model of the protocol written from the
 * document. After every operation abort() if:
 *  - a fault was made asynchronous (or not) other than the conditions say
 *    (the SDEI side read through sdei_pe_event_view);
 *  - ENABLE, DISABLE or TAKE answered other than the model, or wrote more
 *    registers than x0..x(count);
 *  - TAKE(0) gave a token other than the one announced last on that vCPU,
 *    or TAKE(1) other than the oldest ready ones, up to 16, in order: so a
 *    token is never handed out twice, never reused within a boot (tokens
 *    count up from 1), and never one whose page has not landed;
 *  - more than 64 tokens are outstanding on a vCPU;
 *  - a ready PPI is not high exactly while its vCPU's ready queue holds
 *    tokens (or was driven to the level it had);
 *  - the counts disagree with what the guest saw;
 *  - the fake host saw a vCPU operation from the wrong thread or under a
 *    firmware lock;
 * besides what ASan and UBSan find.
 *
 * Input: one configuration byte (vCPUs), then operations: a byte whose low
 * nibble is the kind and whose high nibble picks the vCPU, and operands.
 * Reproduce with FUZZ_TRACE=1 to see each operation.
 */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "firmware/smccc.h"
#include "tests/fuzz/invariant.h"
#include "tests/unit/fake_host.h"

#define MAX_VCPUS   4
#define MAX_OPS     512
#define NR_PAGES    6
#define MAX_TOKENS  64
#define RAM_BASE    0x40000000ULL
#define RAM_SIZE    (64ULL << 20)
#define PAGE(n)     (RAM_BASE + 0x100000 + 0x1000ULL * (n))
#define FAULT_PC    0xffff800000401230ULL
#define SCHED_PC    0xffff800010800000ULL
#define ENTRY(n)    (0xffff800010000000ULL + 0x100 * (n))

#define APF_VERSION 0xC2000010U
#define APF_ENABLE  0xC2000011U
#define APF_DISABLE 0xC2000012U
#define APF_TAKE    0xC2000013U
#define SDEI_CALL(n) (0xC4000000U + (n))
#define SDEI_REGISTER SDEI_CALL(0x21)
#define SDEI_ENABLE   SDEI_CALL(0x22)
#define SDEI_DISABLE  SDEI_CALL(0x23)
#define SDEI_COMPLETE SDEI_CALL(0x25)
#define SDEI_COMPLETE_RESUME SDEI_CALL(0x26)
#define SDEI_UNREGISTER SDEI_CALL(0x27)
#define SDEI_PE_MASK  SDEI_CALL(0x2b)
#define SDEI_PE_UNMASK SDEI_CALL(0x2c)
#define PSCI_CPU_OFF  0x84000002U
#define PSCI_CPU_ON64 0xC4000003U

enum { NP = 3000, RDY = 3001, PN = 1000, PC = 1001, SN = 2000 };
/* What ENABLE may name: the good ones first. */
static const uint64_t enable_events[] = { NP, RDY, PN, PC, SN, 0, 4242, NP | (1ULL << 32) };
/* What ENABLE may name as the ready PPI (1.1): the two the fuzzed VM leaves
 * free first, then a timer's, the maintenance one, an SGI, an SPI, an
 * event number, a PPI with a high bit set. */
#define PPI_A 16U
#define PPI_B 20U
static const uint64_t enable_ppis[] = { PPI_A, PPI_B, 27, 25, 15, 32, RDY, PPI_B | (1ULL << 32) };
static const uint32_t sdei_events_used[] = { NP, RDY, PN };

static const struct sdei_event_config events[] = {
	{ PN, SDEI_EVENT_PRIVATE, SDEI_PRIORITY_NORMAL },
	{ PC, SDEI_EVENT_PRIVATE, SDEI_PRIORITY_CRITICAL },
	{ SN, SDEI_EVENT_SHARED, SDEI_PRIORITY_NORMAL },
	{ NP, SDEI_EVENT_PRIVATE, SDEI_PRIORITY_NORMAL },
	{ RDY, SDEI_EVENT_PRIVATE, SDEI_PRIORITY_NORMAL },
};

/* ---- the model ---- */

enum model_token { M_FREE, M_ANNOUNCED, M_LANDED, M_WAITING, M_READY };

struct model_vcpu {
	enum { M_DISABLED, M_ENABLED, M_DRAINING } state;
	uint64_t np, ready;        /* events named at ENABLE (ready 0: a PPI) */
	uint64_t ppi;              /* the ready PPI named at ENABLE, or 0 */
	bool el1;
	uint64_t announced;        /* the token TAKE(0) gives, or 0 */
	uint64_t queue[MAX_TOKENS];   /* ready tokens, oldest first */
	unsigned int nr_queue;
	struct apf_vcpu_counts counts;
};

struct model_tok {
	enum model_token state;
	unsigned int vcpu;
	unsigned int page;
};

struct fuzz {
	struct fake_host host;
	struct firmware fw;
	uint64_t mpidrs[MAX_VCPUS];
	unsigned int nr_vcpus;
	struct model_vcpu v[MAX_VCPUS];
	struct model_tok tok[MAX_OPS + 2];   /* by token number: one per fault at most */
	uint64_t next_token;
	bool trace;                /* FUZZ_TRACE set: each operation on stderr */
};

struct input {
	const uint8_t *p;
	size_t len, pos;
};

static uint8_t in_u8(struct input *in)
{
	return in->pos < in->len ? in->p[in->pos++] : 0;
}

static void fake_violation(void *ctx, const char *op, const char *rule, unsigned int vcpu)
{
	(void)ctx;
	fuzz_violation(__FILE__, __LINE__, "fw_vcpu contract", "%s %s (vCPU %u)", op, rule, vcpu);
}

static unsigned int outstanding(const struct fuzz *z, unsigned int vcpu)
{
	unsigned int n = 0;

	for (uint64_t t = 1; t < z->next_token; t++)
		n += z->tok[t].state != M_FREE && z->tok[t].vcpu == vcpu;
	return n;
}

static void model_forget(struct fuzz *z, unsigned int vcpu)
{
	for (uint64_t t = 1; t < z->next_token; t++)
		if (z->tok[t].vcpu == vcpu)
			z->tok[t].state = M_FREE;
	z->v[vcpu].state = M_DISABLED;
	z->v[vcpu].announced = 0;
	z->v[vcpu].nr_queue = 0;
	z->v[vcpu].ppi = 0;
}

/* Token t joins its vCPU's ready queue; a ready PPI rises with the first. */
static void model_queue(struct fuzz *z, uint64_t t)
{
	struct model_vcpu *v = &z->v[z->tok[t].vcpu];

	z->tok[t].state = M_READY;
	if (v->ppi && !v->nr_queue)
		v->counts.ready_raised++;
	v->queue[v->nr_queue++] = t;
}

/* ---- driving it ---- */

static struct fake_vcpu *call(struct fuzz *z, unsigned int vcpu, uint32_t fid, uint64_t x1, uint64_t x2,
			      uint64_t x3)
{
	fake_host_call(&z->host, vcpu, fid, (const uint64_t[]){ x1, x2, x3, 0, 0 }, 5);
	return &z->host.v[vcpu];
}

static int64_t call_x0(struct fuzz *z, unsigned int vcpu, uint32_t fid, uint64_t x1, uint64_t x2,
		       uint64_t x3)
{
	struct fake_vcpu *fv = call(z, vcpu, fid, x1, x2, x3);

	CHECK(fv->written_now == 1, "call 0x%x wrote registers 0x%llx", fid,
	      (unsigned long long)fv->written_now);
	return (int64_t)fv->reg[0];
}

static bool vcpu_on(struct fuzz *z, unsigned int vcpu)
{
	return psci_cpu_state(&z->fw.psci, vcpu) == PSCI_CPU_STATE_ON;
}

static void op_enable(struct fuzz *z, unsigned int vcpu, struct input *in)
{
	struct model_vcpu *v = &z->v[vcpu];
	uint8_t b = in_u8(in), c = (b >> 6) == 3 ? in_u8(in) : 0;
	uint64_t np = enable_events[b & 7], ready = enable_events[(b >> 3) & 7];
	uint64_t flags = (b >> 6) & 1;
	bool np_good = np == NP || np == RDY || np == PN, ppi = (b >> 6) == 3, good;
	int64_t want, got;

	if (ppi) {
		ready = enable_ppis[c & 7];
		flags = 2 | ((c >> 3) & 1) | ((c & 0x40) ? 4 : 0);
		good = np_good && (ready == PPI_A || ready == PPI_B) && !(flags & 4);
	} else {
		good = np_good && np != ready && (ready == NP || ready == RDY || ready == PN);
	}
	want = !good ? -2 : v->state != M_DISABLED ? -3 : 0;
	got = call_x0(z, vcpu, APF_ENABLE, np, ready, flags);

	CHECK(got == want, "ENABLE(%llu, %llu, %llu) in state %d: %lld, not %lld", (unsigned long long)np,
	      (unsigned long long)ready, (unsigned long long)flags, v->state, (long long)got,
	      (long long)want);
	if (!got)
		*v = (struct model_vcpu){ .state = M_ENABLED, .np = np, .ready = ppi ? 0 : ready,
					  .ppi = ppi ? ready : 0, .el1 = flags & 1, .counts = v->counts };
}

static void op_disable(struct fuzz *z, unsigned int vcpu)
{
	struct model_vcpu *v = &z->v[vcpu];
	int64_t want = v->state == M_ENABLED ? 0 : -3;
	int64_t got = call_x0(z, vcpu, APF_DISABLE, 0, 0, 0);

	CHECK(got == want, "DISABLE in state %d: %lld", v->state, (long long)got);
	if (!got)
		v->state = outstanding(z, vcpu) ? M_DRAINING : M_DISABLED;
}

static void take_not_present(struct fuzz *z, unsigned int vcpu, const struct fake_vcpu *fv, int64_t n)
{
	struct model_vcpu *v = &z->v[vcpu];
	uint64_t t = v->announced;

	CHECK(n == (t != 0), "TAKE(0): count %lld, announced %llu", (long long)n, (unsigned long long)t);
	if (!t)
		return;
	CHECK(fv->reg[1] == t, "TAKE(0) gave %llu, not %llu", (unsigned long long)fv->reg[1],
	      (unsigned long long)t);
	v->announced = 0;
	v->counts.not_present++;
	if (z->tok[t].state == M_LANDED) {
		if (!v->ppi)
			v->counts.ready_raised++;
		model_queue(z, t);
	} else {
		z->tok[t].state = M_WAITING;
	}
}

static void take_ready(struct fuzz *z, unsigned int vcpu, const struct fake_vcpu *fv, int64_t n)
{
	struct model_vcpu *v = &z->v[vcpu];
	unsigned int want = v->nr_queue < 16 ? v->nr_queue : 16;

	CHECK(n == want, "TAKE(1): count %lld, %u ready", (long long)n, v->nr_queue);
	for (unsigned int i = 0; i < want; i++) {
		CHECK(fv->reg[1 + i] == v->queue[i], "TAKE(1) token %u: %llu, not %llu", i,
		      (unsigned long long)fv->reg[1 + i], (unsigned long long)v->queue[i]);
		z->tok[v->queue[i]].state = M_FREE;
	}
	memmove(v->queue, v->queue + want, (v->nr_queue - want) * sizeof(v->queue[0]));
	v->nr_queue -= want;
	v->counts.ready += want;
	if (v->nr_queue && !v->ppi)
		v->counts.ready_raised++;   /* raised again; a PPI just stays high */
	if (v->state == M_DRAINING && !outstanding(z, vcpu))
		v->state = M_DISABLED;
}

static void op_take(struct fuzz *z, unsigned int vcpu, struct input *in)
{
	uint8_t b = in_u8(in);
	uint64_t which = b < 120 ? 0 : b < 240 ? 1 : (uint64_t)b << (b & 31);
	struct fake_vcpu *fv = call(z, vcpu, APF_TAKE, which, 0, 0);
	int64_t n = (int64_t)fv->reg[0];

	if (which > 1) {
		CHECK(n == -2 && fv->written_now == 1, "TAKE(%llu): %lld", (unsigned long long)which,
		      (long long)n);
		return;
	}
	CHECK(n >= 0 && n <= 16 && fv->written_now == (1ULL << (n + 1)) - 1,
	      "TAKE(%llu): count %lld, wrote 0x%llx", (unsigned long long)which, (long long)n,
	      (unsigned long long)fv->written_now);
	if (which == 0)
		take_not_present(z, vcpu, fv, n);
	else
		take_ready(z, vcpu, fv, n);
}

/* Whether the protocol lets this fault be asynchronous. */
static bool fault_may_be_async(struct fuzz *z, unsigned int vcpu, bool el1)
{
	struct model_vcpu *v = &z->v[vcpu];
	struct sdei_pe_event np, ready;

	if (v->state != M_ENABLED || outstanding(z, vcpu) >= MAX_TOKENS || (el1 && !v->el1))
		return false;
	ready = (struct sdei_pe_event){ .registered = true, .enabled = true };   /* a PPI needs nothing */
	CHECK(!sdei_pe_event_view(z->fw.sdei, vcpu, v->np, &np) &&
	      (v->ppi || !sdei_pe_event_view(z->fw.sdei, vcpu, v->ready, &ready)),
	      "events named at ENABLE vanished");
	return np.registered && np.enabled && ready.registered && ready.enabled && !np.pe_masked &&
	       !np.pe_in_handler && !np.pending;
}

static void op_fault(struct fuzz *z, unsigned int vcpu, struct input *in)
{
	uint8_t b = in_u8(in);
	unsigned int page = b % NR_PAGES;
	bool el1 = b & 0x80;
	bool want = fault_may_be_async(z, vcpu, el1);
	struct model_vcpu *v = &z->v[vcpu];
	int got;

	z->host.v[vcpu].reg[FW_REG_PC] = FAULT_PC;
	z->host.v[vcpu].reg[FW_REG_PSTATE] = el1 ? 0x5 : 0x0;
	fake_host_enter(&z->host, vcpu);
	got = firmware_apf_fault(&z->fw, vcpu, PAGE(page) + (b & 0x70));
	fake_host_leave(&z->host, vcpu);
	CHECK(got == want, "fault of vCPU %u (EL%d, state %d): %d, not %d", vcpu, el1, v->state, got, want);
	if (!got) {
		v->counts.sync_faults++;
		return;
	}
	if (v->announced)
		z->tok[v->announced].state = M_FREE;   /* never taken: replaced */
	z->tok[z->next_token] = (struct model_tok){ M_ANNOUNCED, vcpu, page };
	v->announced = z->next_token++;
	v->counts.async_faults++;
}

static void op_land(struct fuzz *z, struct input *in)
{
	unsigned int page = in_u8(in) % NR_PAGES;
	bool raise[MAX_VCPUS] = { false };

	for (uint64_t t = 1; t < z->next_token; t++) {
		if (z->tok[t].page != page)
			continue;
		if (z->tok[t].state == M_ANNOUNCED) {
			z->tok[t].state = M_LANDED;
		} else if (z->tok[t].state == M_WAITING) {
			model_queue(z, t);   /* a PPI rises with its vCPU's first */
			raise[z->tok[t].vcpu] = !z->v[z->tok[t].vcpu].ppi;
		}
	}
	/* One ready event per vCPU and landing, however many tokens. */
	for (unsigned int i = 0; i < z->nr_vcpus; i++)
		z->v[i].counts.ready_raised += raise[i];
	firmware_apf_page_ready(&z->fw, PAGE(page));
}

static void op_prepare(struct fuzz *z, unsigned int vcpu)
{
	fake_host_enter(&z->host, vcpu);
	CHECK(firmware_vcpu_prepare(&z->fw, vcpu, false) >= 0, "prepare failed");
	fake_host_leave(&z->host, vcpu);
}

/* The SDEI calls a guest makes around the protocol. */
static void op_sdei(struct fuzz *z, unsigned int vcpu, struct input *in)
{
	uint8_t b = in_u8(in);
	uint32_t ev = sdei_events_used[(b >> 4) % 3];

	switch (b & 7) {
	case 0:
		call(z, vcpu, SDEI_REGISTER, ev, ENTRY(ev), ev);
		break;
	case 1:
		call(z, vcpu, SDEI_ENABLE, ev, 0, 0);
		break;
	case 2:
		call(z, vcpu, SDEI_PE_UNMASK, 0, 0, 0);
		break;
	case 3:
		call(z, vcpu, SDEI_COMPLETE_RESUME, SCHED_PC, 0, 0);
		break;
	case 4:
		call(z, vcpu, SDEI_COMPLETE, 0, 0, 0);
		break;
	case 5:
		call(z, vcpu, (b & 8) ? SDEI_DISABLE : SDEI_UNREGISTER, ev, 0, 0);
		break;
	case 6:
		call(z, vcpu, SDEI_PE_MASK, 0, 0, 0);
		break;
	default:
		(void)sdei_signal(z->fw.sdei, ev, (int)vcpu);   /* the host raises one */
		break;
	}
}

/* CPU_OFF of vcpu (not 0), or CPU_ON of it from vCPU 0 and its start. */
static void op_power(struct fuzz *z, unsigned int vcpu)
{
	if (!vcpu)
		return;
	if (vcpu_on(z, vcpu)) {
		call(z, vcpu, PSCI_CPU_OFF, 0, 0, 0);
		if (!vcpu_on(z, vcpu))
			model_forget(z, vcpu);
		return;
	}
	call(z, 0, PSCI_CPU_ON64, vcpu, RAM_BASE, 0);
	op_prepare(z, vcpu);
	if (vcpu_on(z, vcpu))
		model_forget(z, vcpu);
}

static void op_reset(struct fuzz *z)
{
	firmware_reset(&z->fw);
	for (unsigned int i = 0; i < z->nr_vcpus; i++)
		model_forget(z, i);
	memset(z->tok, 0, sizeof(z->tok));
	z->next_token = 1;
}

static void check_counts(struct fuzz *z)
{
	for (unsigned int i = 0; i < z->nr_vcpus; i++) {
		struct apf_vcpu_counts c;

		CHECK(!firmware_apf_counts(&z->fw, i, &c), "no counts for vCPU %u", i);
		CHECK(!memcmp(&c, &z->v[i].counts, sizeof(c)),
		      "vCPU %u counts: async %llu sync %llu np %llu ready %llu raised %llu", i,
		      (unsigned long long)c.async_faults, (unsigned long long)c.sync_faults,
		      (unsigned long long)c.not_present, (unsigned long long)c.ready,
		      (unsigned long long)c.ready_raised);
		CHECK(outstanding(z, i) <= MAX_TOKENS, "vCPU %u: more than 64 outstanding", i);
		/* The ready PPI is high exactly while tokens wait, and only it. */
		CHECK(atomic_load(&z->host.v[i].ppi_high) ==
		      (z->v[i].ppi && z->v[i].nr_queue ? 1U << z->v[i].ppi : 0U),
		      "vCPU %u: PPIs high 0x%x with %u ready on PPI %llu", i, atomic_load(&z->host.v[i].ppi_high),
		      z->v[i].nr_queue, (unsigned long long)z->v[i].ppi);
	}
	CHECK(z->host.violations == 0, "fake host violations");
}

static void run_op(struct fuzz *z, struct input *in)
{
	uint8_t b = in_u8(in);
	unsigned int vcpu = (b >> 4) % z->nr_vcpus;
	bool on = vcpu_on(z, vcpu);

	if (z->trace)
		fprintf(stderr, "op %u vcpu %u%s operand 0x%02x | x0 %lld pc 0x%llx\n", b & 15, vcpu,
			on ? "" : " (off)", in->pos < in->len ? in->p[in->pos] : 0,
			(long long)z->host.v[vcpu].reg[0], (unsigned long long)z->host.v[vcpu].reg[FW_REG_PC]);

	switch (b & 15) {
	case 0: if (on) op_enable(z, vcpu, in); break;
	case 1: if (on) op_disable(z, vcpu); break;
	case 2: case 3: if (on) op_take(z, vcpu, in); break;
	case 4: case 5: if (on) op_fault(z, vcpu, in); break;
	case 6: op_land(z, in); break;
	case 7: case 8: if (on) op_prepare(z, vcpu); break;
	case 9: case 10: if (on) op_sdei(z, vcpu, in); break;
	case 11: op_power(z, vcpu); break;
	case 12: if (in_u8(in) == 0x5a) op_reset(z); break;
	case 13: if (on) CHECK(call_x0(z, vcpu, APF_VERSION, 0, 0, 0) == 0x10001, "VERSION"); break;
	default: break;
	}
	check_counts(z);
}

static struct fuzz *fuzz_new(struct input *in)
{
	struct fuzz *z = calloc(1, sizeof(*z));
	struct psci_config psci = { .boot_cpu = 0 };
	struct sdei_config sdei = { .events = events, .nr_events = sizeof(events) / sizeof(events[0]) };
	struct fw_config cfg = { .psci = &psci, .sdei = &sdei, .apf = true,
				 .apf_ready_ppis = (1U << PPI_A) | (1U << PPI_B) };

	if (!z)
		abort();
	z->nr_vcpus = 1 + in_u8(in) % MAX_VCPUS;
	psci.nr_cpus = psci.nr_enabled = sdei.nr_cpus = z->nr_vcpus;
	psci.mpidrs = sdei.mpidrs = z->mpidrs;
	fake_host_init(&z->host, &z->fw, z->nr_vcpus, RAM_BASE, RAM_SIZE);
	z->host.hooks.violation = fake_violation;
	for (unsigned int i = 0; i < z->nr_vcpus; i++) {
		z->host.v[i].mpidr = FAKE_HOST_MPIDR_RES1 | i;
		z->mpidrs[i] = z->host.v[i].mpidr;
		z->host.v[i].mp_state = i ? FW_MP_STOPPED : FW_MP_RUNNABLE;
	}
	CHECK(!firmware_init(&z->fw, &z->host.fw_host, &cfg, NULL), "firmware_init");
	z->next_token = 1;
	z->trace = getenv("FUZZ_TRACE") != NULL;
	return z;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct input in = { data, size, 0 };
	struct fuzz *z;
	unsigned int ops = 0;

	if (size < 2)
		return 0;
	z = fuzz_new(&in);
	while (in.pos < in.len && ops++ < MAX_OPS)
		run_op(z, &in);
	firmware_destroy(&z->fw);
	free(z);
	return 0;
}
