/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The C side of the SDEI client: every event is registered with sdei_entry
 * (sdei_entry.S) and a struct sdei_handler as its argument. The dispatcher
 * records what the handler was entered with into the handler's slot for this
 * CPU, runs the handler's callback, and hands the trampoline the call that
 * ends the handler.
 *
 * As everywhere in these guests, every word has one writer: a CPU writes
 * only its own slots, and a slot's count is written last (after a DMB), so
 * whoever sees the count change sees the rest of that run too.
 */
#include "lib.h"

extern char _start[], __bss_end[];

_Static_assert(offsetof(struct sdei_frame, t_entry) == 248, "sdei_entry.S F_T_ENTRY");
_Static_assert(offsetof(struct sdei_frame, mpidr) == 304, "sdei_entry.S F_MPIDR");
_Static_assert(offsetof(struct sdei_frame, done_fid) == 312, "sdei_entry.S F_DONE_FID");
_Static_assert(offsetof(struct sdei_frame, stamp) == 328, "sdei_entry.S F_STAMP");
_Static_assert(offsetof(struct sdei_frame, nzcv) == 336, "sdei_entry.S F_NZCV");
_Static_assert(sizeof(struct sdei_frame) == 352, "sdei_entry.S F_SIZE");
_Static_assert(offsetof(struct sdei_probe, after) == 144, "sdei_entry.S P_AFTER");
_Static_assert(offsetof(struct sdei_probe, watch) == 288, "sdei_entry.S P_WATCH");
_Static_assert(offsetof(struct sdei_probe, nzcv_in) == 328, "sdei_entry.S P_NZCV_IN");
_Static_assert(offsetof(struct sdei_probe, sp_in) == 352, "sdei_entry.S P_SP_IN");
_Static_assert(offsetof(struct sdei_probe, daif_in) == 400, "sdei_entry.S P_DAIF_IN");
_Static_assert(offsetof(struct sdei_resume_rec, sp) == 144, "sdei_entry.S R_SP");
_Static_assert(offsetof(struct sdei_resume_rec, count) == 200, "sdei_entry.S R_COUNT");
_Static_assert(offsetof(struct sdei_resume_rec, nzcv) == 208, "sdei_entry.S R_NZCV");
_Static_assert(sizeof(struct sdei_resume_rec) == 224, "sdei_entry.S R_SIZE");

/* Per CPU, written by that CPU only. */
struct sdei_cpu {
	uint64_t depth;         /* handlers running now */
	uint64_t strays;        /* entries whose x1 was no struct sdei_handler */
	uint64_t scratch;       /* the stamp of a stray entry */
};
static volatile struct sdei_cpu sdei_cpus[BM_MAX_CPUS];

static unsigned int this_cpu(uint64_t mpidr)
{
	return (unsigned int)((mpidr & 0xff) + ((mpidr >> 8) & 0xff) * 16);
}

/* x1 is the registered argument; a wrong one must not be followed blindly. */
static struct sdei_handler *handler_of(uint64_t arg)
{
	struct sdei_handler *h = (struct sdei_handler *)(uintptr_t)arg;

	if (arg < (uintptr_t)_start || arg >= (uintptr_t)__bss_end || (arg & 7))
		return NULL;
	return h->magic == SDEI_HANDLER_MAGIC ? h : NULL;
}

void sdei_frame_complete(struct sdei_frame *f, uint64_t status)
{
	f->done_fid = SDEI_FID(SDEI_EVENT_COMPLETE);
	f->done_arg = status;
}

void sdei_frame_resume(struct sdei_frame *f, uint64_t addr)
{
	f->done_fid = SDEI_FID(SDEI_EVENT_COMPLETE_AND_RESUME);
	f->done_arg = addr;
}

static void record_entry(volatile struct sdei_hit *hit, const struct sdei_frame *f,
			 uint64_t depth)
{
	unsigned int i;

	store64(&hit->depth, depth);
	for (i = 0; i < 18; i++)
		store64(&hit->x[i], f->x[i]);
	store64(&hit->sp, f->sp);
	store64(&hit->daif, f->daif);
	store64(&hit->el, f->el);
	store64(&hit->spsel, f->spsel);
	store64(&hit->elr, f->elr);
	store64(&hit->spsr, f->spsr);
	store64(&hit->nzcv, f->nzcv);
	store64(&hit->t_entry, f->t_entry);
	store64(&hit->status, (uint64_t)sdei_status((uint32_t)f->x[0]));
}

/* EVENT_CONTEXT is only meaningful in here: read all of it, and one past. */
static void record_context(volatile struct sdei_hit *hit)
{
	unsigned int i;

	for (i = 0; i < 18; i++)
		store64(&hit->ctx[i], (uint64_t)sdei_call(SDEI_EVENT_CONTEXT, i, 0, 0));
	store64(&hit->ctx_bad, (uint64_t)sdei_call(SDEI_EVENT_CONTEXT, 18, 0, 0));
}

void sdei_dispatch(struct sdei_frame *f)
{
	unsigned int cpu = this_cpu(f->mpidr);
	struct sdei_handler *h = handler_of(f->x[1]);
	volatile struct sdei_cpu *c;
	volatile struct sdei_hit *hit;
	uint64_t depth;

	sdei_frame_complete(f, 0);
	if (cpu >= BM_MAX_CPUS) {
		f->stamp = (uint64_t)(uintptr_t)&f->stamp;
		return;
	}
	c = &sdei_cpus[cpu];
	f->stamp = (uint64_t)(uintptr_t)&c->scratch;
	if (!h) {
		store64(&c->strays, load64(&c->strays) + 1);
		return;
	}
	depth = load64(&c->depth) + 1;
	store64(&c->depth, depth);
	hit = &h->hit[cpu];
	record_entry(hit, f, depth);
	if (h->flags & SDEI_H_CONTEXT)
		record_context(hit);
	if (h->fn)
		h->fn(f, h, cpu);
	f->stamp = (uint64_t)(uintptr_t)&hit->t_complete;
	store64(&c->depth, depth - 1);
	dmb();
	store64(&hit->count, load64(&hit->count) + 1);
	dsb();
	sev();
}

void sdei_complete_failed(uint64_t err, uint64_t fid)
{
	uart_puts("\nbm: SDEI completion ");
	uart_put_hex(fid);
	uart_puts(" returned ");
	uart_put_signed((int64_t)err);
	uart_puts(" on MPIDR ");
	uart_put_hex(read_sysreg(mpidr_el1));
	uart_putc('\n');
	bm_exit(1);
}

int64_t sdei_register(uint32_t event, struct sdei_handler *h, uint64_t flags, uint64_t aff)
{
	return (int64_t)smccc_call6(SDEI_FID(SDEI_EVENT_REGISTER), event, (uint64_t)sdei_entry,
				   (uint64_t)(uintptr_t)h, flags, aff);
}

int64_t sdei_status(uint32_t event)
{
	return sdei_call(SDEI_EVENT_STATUS, event, 0, 0);
}

int64_t sdei_signal(uint64_t mpidr)
{
	return sdei_call(SDEI_EVENT_SIGNAL, 0, mpidr, 0);
}

uint64_t sdei_hits(const struct sdei_handler *h, unsigned int cpu)
{
	return load64(&((const volatile struct sdei_handler *)h)->hit[cpu].count);
}

bool sdei_wait_hits(const struct sdei_handler *h, unsigned int cpu, uint64_t old,
		    uint64_t timeout)
{
	uint64_t end = timer_now() + timeout;

	/* WFE, not a tight spin: with more vCPUs than host CPUs the spinner
	 * would keep the vCPU it waits for from running. The handler's SEV
	 * (or the event stream) ends each wait. */
	while (sdei_hits(h, cpu) == old) {
		if (timer_now() > end)
			return false;
		wfe();
	}
	dmb();
	return true;
}

void sdei_hit_read(const struct sdei_handler *h, unsigned int cpu, struct sdei_hit *out)
{
	const volatile uint64_t *src = (const volatile uint64_t *)&h->hit[cpu];
	uint64_t *dst = (uint64_t *)out;
	unsigned int i;

	dmb();
	for (i = 0; i < sizeof(*out) / 8; i++)
		dst[i] = load64(&src[i]);
}

uint64_t sdei_strays(unsigned int cpu)
{
	return load64(&sdei_cpus[cpu].strays);
}

uint64_t sdei_depth_here(void)
{
	unsigned int cpu = this_cpu(read_sysreg(mpidr_el1));

	return cpu < BM_MAX_CPUS ? load64(&sdei_cpus[cpu].depth) : 0;
}
