/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * What every bare-metal test guest shares: the UART, SMCCC calls, TAP output,
 * and the SMP, GICv3, timer and device-tree support the PSCI guests need.
 *
 * The guests run with the MMU off, so every data access is to Device memory:
 * only naturally aligned accesses (-mstrict-align), and no exclusives or
 * atomics (they are not guaranteed to work on Device memory). CPUs talk
 * through mailboxes in which every 64-bit word has exactly one writer.
 */
#ifndef HVMM_BAREMETAL_LIB_H
#define HVMM_BAREMETAL_LIB_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "vmm/memmap.h"

/* ---- SMCCC / PSCI ------------------------------------------------------ */

/*
 * Every SMCCC call a guest makes (PSCI, SDEI, or any other) goes through the
 * conduit the device tree's /psci method names, HVC or SMC: hvmm serves the
 * same functions behind either (hvmm run --psci-conduit).
 */
enum smccc_conduit { SMCCC_CONDUIT_HVC = 0, SMCCC_CONDUIT_SMC = 1 };
/* The conduit in use: set from the device tree by smccc_conduit_init, which
 * start.S calls before main; written once, before any secondary starts. */
extern uint64_t smccc_conduit;
void smccc_conduit_init(uint64_t dtb);
/* "hvc" or "smc", as the device tree spells it. */
const char *smccc_conduit_name(void);
/* TAP check: the device tree's /psci method is the conduit in use (so it
 * is "hvc" or "smc"). */
void bm_check_conduit(uint64_t dtb);

uint64_t smccc_call(uint64_t fid, uint64_t a1, uint64_t a2, uint64_t a3);
/* The same call with x4 and x5 set too (SDEI EVENT_REGISTER's flags and
 * affinity); x6-x17 are whatever they happen to be. */
uint64_t smccc_call6(uint64_t fid, uint64_t a1, uint64_t a2, uint64_t a3,
		     uint64_t a4, uint64_t a5);
/* regs[0..17] are loaded into x0..x17, the call is made, and x0..x17 are
 * stored back into regs: shows which registers the call wrote. */
void smccc_call_regs(uint64_t regs[18]);
/* The same through the conduit given, whatever the device tree says (the
 * --smccc-handler guest calls through both). */
void smccc_call_regs_via(uint64_t regs[18], uint64_t conduit);

/*
 * Each call site in assembly has a label right after its HVC and one right
 * after its SMC (smccc_asm.h): SMCCC_RET_ADDR(site) is the one of the
 * conduit in use, the interrupted PC of an SDEI event delivered as that
 * call returns.
 */
#define SMCCC_RET_ADDR(site) \
	((uint64_t)(smccc_conduit == SMCCC_CONDUIT_SMC ? site##_smc_ret : site##_hvc_ret))
extern const char smccc_call_hvc_ret[], smccc_call_smc_ret[];

#define SMCCC_VERSION_FID 0x80000000U

#define PSCI_FID32(fn) (0x84000000U | (uint32_t)(fn))
#define PSCI_FID64(fn) (0xC4000000U | (uint32_t)(fn))

enum {
	PSCI_VERSION = 0x00, PSCI_CPU_SUSPEND = 0x01, PSCI_CPU_OFF = 0x02,
	PSCI_CPU_ON = 0x03, PSCI_AFFINITY_INFO = 0x04, PSCI_MIGRATE = 0x05,
	PSCI_MIGRATE_INFO_TYPE = 0x06, PSCI_MIGRATE_INFO_UP_CPU = 0x07,
	PSCI_SYSTEM_OFF = 0x08, PSCI_SYSTEM_RESET = 0x09, PSCI_FEATURES = 0x0a,
	PSCI_CPU_FREEZE = 0x0b, PSCI_CPU_DEFAULT_SUSPEND = 0x0c,
	PSCI_NODE_HW_STATE = 0x0d, PSCI_SYSTEM_SUSPEND = 0x0e,
	PSCI_SET_SUSPEND_MODE = 0x0f, PSCI_STAT_RESIDENCY = 0x10,
	PSCI_STAT_COUNT = 0x11, PSCI_SYSTEM_RESET2 = 0x12,
	PSCI_MEM_PROTECT = 0x13, PSCI_MEM_PROTECT_CHECK_RANGE = 0x14,
	PSCI_FN_COUNT = 0x20,   /* function numbers in each range */
};

enum {
	PSCI_SUCCESS = 0, PSCI_NOT_SUPPORTED = -1, PSCI_INVALID_PARAMETERS = -2,
	PSCI_DENIED = -3, PSCI_ALREADY_ON = -4, PSCI_ON_PENDING = -5,
	PSCI_INTERNAL_FAILURE = -6, PSCI_NOT_PRESENT = -7, PSCI_DISABLED = -8,
	PSCI_INVALID_ADDRESS = -9,
};

enum { AFF_ON = 0, AFF_OFF = 1, AFF_ON_PENDING = 2 };
enum { HW_ON = 0, HW_OFF = 1, HW_STANDBY = 2 };

/* A PSCI call's result as the signed value hvmm writes to x0. */
static inline int64_t psci(uint32_t fid, uint64_t a1, uint64_t a2, uint64_t a3)
{
	return (int64_t)smccc_call(fid, a1, a2, a3);
}

/* ---- system registers and barriers ------------------------------------- */

#define read_sysreg(r) ({ uint64_t v_; \
	__asm__ volatile("mrs %0, " #r : "=r"(v_)); v_; })
#define write_sysreg(v, r) \
	__asm__ volatile("msr " #r ", %0" : : "r"((uint64_t)(v)) : "memory")

static inline void isb(void) { __asm__ volatile("isb" : : : "memory"); }
static inline void dmb(void) { __asm__ volatile("dmb sy" : : : "memory"); }
static inline void dsb(void) { __asm__ volatile("dsb sy" : : : "memory"); }
static inline void sev(void) { __asm__ volatile("sev" : : : "memory"); }
static inline void wfe(void) { __asm__ volatile("wfe" : : : "memory"); }
static inline void wfi(void) { __asm__ volatile("wfi" : : : "memory"); }

/* One aligned 64-bit access that the compiler may neither split nor drop. */
static inline uint64_t load64(const volatile uint64_t *p) { return *p; }
static inline void store64(volatile uint64_t *p, uint64_t v) { *p = v; }

/* KVM's MPIDR layout for vCPU i: Aff0 = i & 0xf, Aff1 = i >> 4. */
static inline uint64_t cpu_mpidr(unsigned int cpu)
{
	return (uint64_t)(cpu & 0xf) | ((uint64_t)(cpu >> 4) << 8);
}

#define MPIDR_AFF_MASK 0xff00ffffffULL

/* The calling CPU's affinity (MPIDR_EL1 without bit 31 and the MT/U bits). */
static inline uint64_t my_mpidr(void)
{
	return read_sysreg(mpidr_el1) & MPIDR_AFF_MASK;
}

/* AFFINITY_INFO64 of vCPU cpu at level 0: AFF_ON, AFF_OFF, ... */
static inline int64_t aff_info(unsigned int cpu)
{
	return psci(PSCI_FID64(PSCI_AFFINITY_INFO), cpu_mpidr(cpu), 0, 0);
}

/* ---- UART and TAP ------------------------------------------------------- */

void uart_putc(char c);
void uart_puts(const char *s);
void uart_put_hex(uint64_t v);
void uart_put_dec(uint64_t v);
void uart_put_signed(int64_t v);
/* A received byte, or -1 if none is waiting; never waits itself. */
int uart_getc(void);
/* Receive interrupt on or off: the UART's line (SPI MEMMAP_UART_SPI) is then
 * high while received bytes wait, so a CPU can sleep in WFI until input. */
void uart_rx_irq(bool on);
/* v in decimal, written into the end of buf; returns where it starts. */
const char *fmt_dec(char buf[21], uint64_t v);

/* TAP: "ok N - what" or "not ok N - what"; returns cond. Boot CPU only. */
int tap_check(int cond, const char *what);
/* "ok N - what # SKIP why": a check that cannot run in this configuration. */
void tap_skip(const char *what, const char *why);
/* Print the plan line and return the exit status main should return. */
int tap_done(void);

/* A named part of a guest's run. */
struct bm_section {
	const char *name;
	void (*run)(void);
};
/* Run each section after "# NAME (at N ms)" (since t_begin), and "# done
 * (at N ms)" after the last, so that slow ones show up in the log. */
void bm_run_sections(const struct bm_section *s, unsigned int n, uint64_t t_begin);
/* "# s": a diagnostic line. */
void diag(const char *s);
/* tap_check(got == want, what), saying what came back when it differs. */
int expect(int64_t got, int64_t want, const char *what);

/*
 * A check's name built from pieces (tap_name.c), for names with numbers in
 * them: nb_start begins a new one (and returns it), the others append, nb
 * returns it. Valid until the next nb_start; boot CPU only.
 */
const char *nb_start(const char *s);
void nb_str(const char *s);
void nb_dec(uint64_t v);
void nb_hex(uint64_t v);      /* 0x and at least 8 digits */
const char *nb(void);

/* "bench: NAME V", the line the benchmarks collect (bench.c). */
void bench(const char *name, uint64_t v);
/* The median of n samples (sorts v in place). */
uint64_t median(uint64_t *v, unsigned int n);

/* Power off through PSCI SYSTEM_OFF; never returns. */
void bm_exit(int status) __attribute__((noreturn));

/* The boot CPU's set-up every PSCI and SDEI test guest starts with: the
 * timer event stream, the GIC distributor and this CPU's redistributor,
 * the timer stopped and nothing pending. Returns gic_cpu_init's result. */
int bm_boot_cpu_init(void);

/* From the exception vectors (start.S): report and power off. */
void bm_exception(uint64_t vector, uint64_t esr, uint64_t elr, uint64_t far)
	__attribute__((noreturn));
/* The boot CPU started at boot_unexpected_entry (a CPU_SUSPEND that should
 * have failed powered it down instead). */
void bm_unexpected_entry(uint64_t x0) __attribute__((noreturn));

void *memset(void *s, int c, unsigned long n);
void *memcpy(void *d, const void *s, unsigned long n);

/* ---- generic timer ------------------------------------------------------ */

static inline uint64_t timer_now(void)
{
	isb();
	return read_sysreg(cntvct_el0);
}

static inline uint64_t timer_freq(void)
{
	return read_sysreg(cntfrq_el0);
}

static inline uint64_t ms_to_ticks(uint64_t ms)
{
	return timer_freq() / 1000 * ms;
}

/* The event stream wakes WFE regularly, so wait loops can use WFE. */
void timer_event_stream_init(void);
/* Virtual timer: fire `ticks` from now (INTID 27), or stop it. */
void timer_arm(uint64_t ticks);
void timer_stop(void);
/* Stop the timer and end the interrupt it raised, if any; returns the INTID
 * that was pending (1023 for none). */
uint32_t timer_settle(void);
void delay_ticks(uint64_t ticks);

/* ---- GICv3 -------------------------------------------------------------- */

#define GIC_INTID_VTIMER 27U
#define GIC_INTID_SPURIOUS 1023U

/* Distributor: once, by the boot CPU. */
void gic_dist_init(void);
/* This CPU's redistributor and CPU interface, with the virtual timer PPI
 * enabled in group 1 (needed again after every warm reset). Returns 0, or -1
 * if no redistributor has this CPU's affinity. */
int gic_cpu_init(void);
/* Acknowledge the highest pending group-1 interrupt with PSTATE.I still set
 * (returns its INTID, 1023 if none), and end it. */
uint32_t gic_ack(void);
void gic_eoi(uint32_t intid);
/* Acknowledge and end whatever is pending (after a stopped timer). */
void gic_drain(void);
/* Pending bit of a PPI in this CPU's redistributor. */
bool gic_ppi_pending(uint32_t intid);
/* PPI intid (16-31) enabled, group 1, priority 0x80, in this CPU's
 * redistributor: 0, or -1 (no redistributor, not a PPI). */
int gic_ppi_enable(uint32_t intid);
/* An SPI made level-sensitive, group 1 and routed to the boot CPU
 * (affinity 0), enabled or not; its pending bit in the distributor. */
void gic_spi_enable(uint32_t intid);
void gic_spi_disable(uint32_t intid);
bool gic_spi_pending(uint32_t intid);

/* ---- device tree -------------------------------------------------------- */

/* The first /memory node's first (base, size); 0, or -1 if not found. */
int fdt_memory(uint64_t dtb, uint64_t *base, uint64_t *size);
/* Property `prop` of the node at `path` (absolute, no unit addresses needed
 * when the names are exact): where its value is in the blob, and its length;
 * false if there is no such node or property. */
bool fdt_prop(uint64_t dtb, const char *path, const char *prop, uint64_t *val, uint32_t *len);
/* Whether that property's value is the string `value` (the first string of
 * a list). */
bool fdt_prop_is(uint64_t dtb, const char *path, const char *prop, const char *value);
/* That property as one 32-bit cell; false if missing or of another size. */
bool fdt_prop_u32(uint64_t dtb, const char *path, const char *prop, uint32_t *out);
/* The word KEY=VALUE (or a bare KEY) of /chosen/bootargs, the last if there
 * are several: VALUE copied into buf (cut to size - 1 bytes, NUL-ended) and
 * the length copied returned; -1 if no word has that key. */
int fdt_bootarg(uint64_t dtb, const char *key, char *buf, unsigned int size);

/* ---- SMP ---------------------------------------------------------------- */

#define BM_MAX_CPUS 16

/* Entry points for CPU_ON and power-down suspends (start.S); each one
 * records its own address as the entry the CPU came in through. */
extern const char secondary_entry[], secondary_entry_alt[], secondary_resume[];
extern const char boot_unexpected_entry[];

/* What a secondary saw on its last entry, written by that CPU only. */
struct smp_start {
	uint64_t count;     /* entries since the guest started */
	uint64_t entry;     /* address of the stub it entered through */
	uint64_t ctx;       /* x0 at entry */
	uint64_t t_first;   /* CNTVCT read by the first instruction */
	uint64_t daif, el, spsel, sctlr, mpidr;
};

enum smp_op {
	SMP_OP_NONE,
	SMP_OP_CALL,        /* res[0] = smccc_call(arg[0..3]) */
	SMP_OP_RACE,        /* wait for smp_race_go >= arg[4], then res[0] = smccc_call(arg[0..3]) */
	SMP_OP_OFF,         /* acknowledge, then CPU_OFF (fid arg[0]) */
	SMP_OP_FREEZE,      /* arm the timer (arg[4] ticks), acknowledge, CPU_FREEZE */
	/* arm the timer (arg[4] ticks), res[1] = now, res[0] = smccc_call(arg[0..3]);
	 * on return res[2] = now, res[3] = acknowledged INTID; a power-down
	 * instead re-enters through arg's entry and completes the command. */
	SMP_OP_SUSPEND,
	/* res[0] = ((smp_fn)arg[0])(arg[1], arg[2], arg[3], arg[4]) */
	SMP_OP_FUNC,
};

typedef uint64_t (*smp_fn)(uint64_t a1, uint64_t a2, uint64_t a3, uint64_t a4);

/* Runs on a secondary after its entry stub (start.S): never returns. */
void secondary_main(uint64_t ctx, uint64_t entry, uint64_t t_first, uint64_t daif,
		    uint64_t el, uint64_t spsel, uint64_t sctlr, uint64_t mpidr)
	__attribute__((noreturn));

/*
 * How idle workers wait for a command. 0 (the default): WFE, woken by the
 * boot CPU's SEV at once. Otherwise WFI, with the virtual timer waking them
 * every smp_idle_poll ticks to look: slower to answer, but KVM traps WFE and
 * returns at once when the host is busy, so WFE-idle workers keep host CPUs
 * busy, while a vCPU in WFI really sleeps. Set by the boot CPU before the
 * first CPU_ON.
 */
extern volatile uint64_t smp_idle_poll;

/* Boot CPU side. */
extern volatile uint64_t smp_race_go;
void smp_read_start(unsigned int cpu, struct smp_start *out);
uint64_t smp_start_count(unsigned int cpu);
/* Wait until cpu's entry count exceeds `old`; false on timeout. */
bool smp_wait_start(unsigned int cpu, uint64_t old, uint64_t timeout);
/* smp_wait_start and smp_wait_done, sleeping in WFE between looks: a tight
 * spin would take a host CPU from the very vCPU it waits for. */
bool smp_sleep_until_start(unsigned int cpu, uint64_t old, uint64_t timeout);
bool smp_sleep_until_done(unsigned int cpu, uint64_t seq, uint64_t timeout);
/* The vCPUs PSCI knows (at most BM_MAX_CPUS): they are numbered densely,
 * so the first MPIDR AFFINITY_INFO rejects ends them. */
unsigned int smp_count_cpus(void);
/* Post a command; returns its sequence number. */
uint64_t smp_send(unsigned int cpu, enum smp_op op, const uint64_t arg[5]);
/* Wait until cpu completed (or acknowledged) command seq; false on timeout. */
bool smp_wait_done(unsigned int cpu, uint64_t seq, uint64_t timeout);
/* Wait until cpu is ready for the race posted as seq. */
bool smp_wait_ready(unsigned int cpu, uint64_t seq, uint64_t timeout);
uint64_t smp_result(unsigned int cpu, unsigned int i);
/* How often a CPU_OFF or CPU_FREEZE returned to cpu (they must not), and
 * the last value it returned. */
uint64_t smp_off_returned(unsigned int cpu, int64_t *ret);

/* ---- SDEI client (sdei.c, sdei_entry.S) ---------------------------------- */

/* SMC64 function IDs 0xC4000020-0xC400003F (Arm DEN0054). */
#define SDEI_FID(fn) (0xC4000000U | (uint32_t)(fn))

enum {
	SDEI_VERSION = 0x20, SDEI_EVENT_REGISTER = 0x21, SDEI_EVENT_ENABLE = 0x22,
	SDEI_EVENT_DISABLE = 0x23, SDEI_EVENT_CONTEXT = 0x24, SDEI_EVENT_COMPLETE = 0x25,
	SDEI_EVENT_COMPLETE_AND_RESUME = 0x26, SDEI_EVENT_UNREGISTER = 0x27,
	SDEI_EVENT_STATUS = 0x28, SDEI_EVENT_GET_INFO = 0x29,
	SDEI_EVENT_ROUTING_SET = 0x2a, SDEI_PE_MASK = 0x2b, SDEI_PE_UNMASK = 0x2c,
	SDEI_INTERRUPT_BIND = 0x2d, SDEI_INTERRUPT_RELEASE = 0x2e,
	SDEI_EVENT_SIGNAL = 0x2f, SDEI_FEATURES = 0x30, SDEI_PRIVATE_RESET = 0x31,
	SDEI_SHARED_RESET = 0x32, SDEI_FN_LAST = 0x3f,
};

enum {
	SDEI_SUCCESS = 0, SDEI_NOT_SUPPORTED = -1, SDEI_INVALID_PARAMETERS = -2,
	SDEI_DENIED = -3, SDEI_PENDING = -5, SDEI_OUT_OF_RESOURCE = -10,
};

/* EVENT_STATUS bits, EVENT_GET_INFO info types, routing modes. */
enum { SDEI_ST_REGISTERED = 1, SDEI_ST_ENABLED = 2, SDEI_ST_RUNNING = 4 };
enum {
	SDEI_INFO_TYPE = 0, SDEI_INFO_SIGNALABLE = 1, SDEI_INFO_PRIORITY = 2,
	SDEI_INFO_ROUTING_MODE = 3, SDEI_INFO_ROUTING_AFF = 4,
};
enum { SDEI_RM_ANY = 0, SDEI_RM_PE = 1 };

/* What the handler trampoline (sdei_entry) saved on entry, on the stack it
 * was entered with. The layout is fixed by sdei_entry.S. */
struct sdei_frame {
	uint64_t x[31];         /* x0-x30 as the handler was entered */
	uint64_t t_entry;       /* CNTVCT, read right at entry */
	uint64_t sp;            /* SP as the handler was entered */
	uint64_t daif, el, spsel, elr, spsr, mpidr;
	/* Set by the dispatcher: the call that ends the handler, and where the
	 * trampoline stores CNTVCT right before making it. */
	uint64_t done_fid, done_arg, stamp;
	uint64_t nzcv;          /* NZCV as the handler was entered */
	uint64_t pad;
};

/* One CPU's view of a handler's latest run; written by that CPU only. */
struct sdei_hit {
	uint64_t count;         /* runs on this CPU; written last */
	uint64_t depth;         /* handlers running on this CPU, this one included */
	uint64_t x[18];         /* x0-x17 at entry */
	uint64_t sp, daif, el, spsel, elr, spsr, nzcv;
	uint64_t t_entry, t_complete;
	uint64_t status;        /* EVENT_STATUS of x0, asked inside */
	uint64_t ctx[18];       /* EVENT_CONTEXT(0..17) (SDEI_H_CONTEXT) */
	uint64_t ctx_bad;       /* EVENT_CONTEXT(18) (SDEI_H_CONTEXT) */
	uint64_t user[6];       /* the callback's findings */
};

struct sdei_handler;
typedef void (*sdei_callback)(struct sdei_frame *f, struct sdei_handler *h,
			      unsigned int cpu);

/* The argument registered with an event: the dispatcher only trusts x1 if it
 * points at one of these. */
struct sdei_handler {
	uint64_t magic;
	sdei_callback fn;       /* may be NULL: record and complete */
	uint64_t flags;
	struct sdei_hit hit[BM_MAX_CPUS];
};

#define SDEI_HANDLER_MAGIC 0x48444e4849454453ULL   /* "SDEIHNDH" */
#define SDEI_H_CONTEXT     1U   /* also read EVENT_CONTEXT(0..18) inside */
#define SDEI_HANDLER(name, cb, fl) \
	struct sdei_handler name = { .magic = SDEI_HANDLER_MAGIC, .fn = (cb), .flags = (fl) }

/* The entry point to register: saves, calls sdei_dispatch, completes. */
extern const char sdei_entry[];
/* From sdei_entry: record into the handler's hit, run its callback. */
void sdei_dispatch(struct sdei_frame *f);
/* From sdei_entry when the completing call returned (it must not). */
void sdei_complete_failed(uint64_t err, uint64_t fid) __attribute__((noreturn));

/* Callbacks choose how the handler ends (default: EVENT_COMPLETE(0)). */
void sdei_frame_complete(struct sdei_frame *f, uint64_t status);
void sdei_frame_resume(struct sdei_frame *f, uint64_t addr);

static inline int64_t sdei_call(uint32_t fn, uint64_t a1, uint64_t a2, uint64_t a3)
{
	return (int64_t)smccc_call(SDEI_FID(fn), a1, a2, a3);
}
int64_t sdei_register(uint32_t event, struct sdei_handler *h, uint64_t flags, uint64_t aff);
int64_t sdei_status(uint32_t event);
int64_t sdei_signal(uint64_t mpidr);

/* Boot CPU side: runs of h on cpu, waiting for more, a consistent copy. */
uint64_t sdei_hits(const struct sdei_handler *h, unsigned int cpu);
bool sdei_wait_hits(const struct sdei_handler *h, unsigned int cpu, uint64_t old,
		    uint64_t timeout);
void sdei_hit_read(const struct sdei_handler *h, unsigned int cpu, struct sdei_hit *out);
/* Handler entries on cpu whose x1 was not a struct sdei_handler. */
uint64_t sdei_strays(unsigned int cpu);
/* Handlers running on the calling CPU right now (in a callback: >= 1). */
uint64_t sdei_depth_here(void);

/*
 * Register probes (sdei_entry.S): load pat[] into x0-x17 (and NZCV, ELR_EL1,
 * SPSR_EL1 from the *_in fields), then either make the call those registers
 * describe (sdei_probe_call) or publish go_val at go_addr and spin until the
 * word at `watch` differs from watch_old or CNTVCT passes the deadline
 * (sdei_probe_spin; the loop sets no flags). Then store x0-x17 in after[] and
 * the rest in the *_out fields. Layout fixed by sdei_entry.S.
 */
struct sdei_probe {
	uint64_t pat[18];
	uint64_t after[18];
	uint64_t watch, watch_old, deadline, go_addr, go_val;
	uint64_t nzcv_in, elr_in, spsr_in;
	uint64_t sp_in, sp_out, nzcv_out, daif_out, elr_out, spsr_out, daif_in;
};
void sdei_probe_call(struct sdei_probe *p);
void sdei_probe_spin(struct sdei_probe *p);
/* After sdei_probe_call's HVC and SMC (SMCCC_RET_ADDR); sdei_probe_spin's loop. */
extern const char sdei_probe_call_hvc_ret[], sdei_probe_call_smc_ret[];
extern const char sdei_probe_spin_loop[], sdei_probe_spin_end[];

/* EVENT_SIGNAL(0, mpidr) with CNTVCT read right before the call (t[0]) and
 * right after it (t[1]); t[2] = the result. */
void sdei_timed_signal(uint64_t mpidr, uint64_t t[3]);
extern const char sdei_timed_signal_hvc_ret[], sdei_timed_signal_smc_ret[];

/*
 * A vector table whose IRQ entry for the current EL with SP_ELx (+0x280)
 * records x0-x17, SP, ELR_EL1, SPSR_EL1 and the PSTATE it runs with, then
 * returns with ERET; every other entry is an unexpected exception. The
 * target of EVENT_COMPLETE_AND_RESUME, as Linux uses it.
 */
extern const char sdei_resume_vectors[];
#define SDEI_RESUME_IRQ_OFFSET 0x280
struct sdei_resume_rec {
	uint64_t x[18];
	uint64_t sp, elr, spsr, daif, el, spsel, t, count, nzcv, pad;
};
extern volatile struct sdei_resume_rec sdei_resume_rec;

#endif
