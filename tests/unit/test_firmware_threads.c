/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The firmware (PSCI and SDEI behind the SMCCC dispatcher) driven from
 * several threads at once, as hvmm drives it: one thread per vCPU making
 * random calls and preparing to run, and a control thread raising SDEI
 * events, hot-adding a vCPU, moving the UART line and reading state. Built
 * with ThreadSanitizer (not ASan): a data race, a lock-order inversion or a
 * deadlock fails it, and so does a broken fw_vcpu threading contract (a
 * vCPU's registers touched from a thread other than its own).
 *
 * The single-threaded unit tests and the firmware fuzzer check what each
 * call does; this checks that calls may overlap.
 */
#include <pthread.h>
#include <sched.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "firmware/psci.h"
#include "firmware/sdei.h"
#include "firmware/smccc.h"
#include "tests/unit/fake_host.h"

/* Fail on the first report rather than carrying on. */
const char *__tsan_default_options(void);
const char *__tsan_default_options(void)
{
	return "halt_on_error=1:exitcode=66:second_deadlock_stack=1";
}

#define NR_VCPUS        4
#define HOTADD_VCPU     3            /* starts disabled; the control thread flips it */
#define ITERATIONS      100000       /* per vCPU thread */
#define RAM_BASE        0x40000000ULL
#define RAM_SIZE        (64ULL << 20)
#define WATCHDOG_S      120          /* a deadlock ends the test, not CI */
#define UART_INTID      33

#define PSCI_VERSION       0x84000000U
#define PSCI_CPU_SUSPEND64 0xc4000001U
#define PSCI_CPU_OFF       0x84000002U
#define PSCI_CPU_ON64      0xc4000003U
#define PSCI_AFFINITY64    0xc4000004U
#define PSCI_FEATURES      0x8400000aU
#define PSCI_STAT_COUNT64  0xc4000011U
#define SDEI_FN(n)         (0xc4000020U + (n))   /* VERSION .. SHARED_RESET: 0-18 */
#define SDEI_NR_FNS        19

static const uint32_t events[] = { 0, 1000, 1001, 2000, 2001 };
#define NR_EVENTS (sizeof(events) / sizeof(events[0]))

static const struct sdei_event_config event_config[] = {
	{ 1000, SDEI_EVENT_PRIVATE, SDEI_PRIORITY_NORMAL },
	{ 1001, SDEI_EVENT_PRIVATE, SDEI_PRIORITY_CRITICAL },
	{ 2000, SDEI_EVENT_SHARED, SDEI_PRIORITY_NORMAL },
	{ 2001, SDEI_EVENT_SHARED, SDEI_PRIORITY_CRITICAL },
};
static const uint32_t bindable[] = { UART_INTID };

struct machine {
	struct fake_host host;
	struct firmware fw;
	uint64_t mpidrs[NR_VCPUS];
	atomic_bool stop;
	atomic_uint failures;
	atomic_ulong calls;
};

struct worker {
	struct machine *m;
	unsigned int id;
	uint64_t rng;
};

static uint64_t next_random(uint64_t *s)
{
	/* xorshift64: fast, and reproducible from the seed */
	*s ^= *s << 13;
	*s ^= *s >> 7;
	*s ^= *s << 17;
	return *s;
}

static uint64_t pick(struct worker *w, uint64_t n)
{
	return next_random(&w->rng) % n;
}

/* A call a guest might make, with arguments that are often valid. The
 * machine-wide ones (SYSTEM_OFF, RESET, SUSPEND) stop every vCPU in hvmm,
 * which this test does not model. */
static uint32_t random_call(struct worker *w, uint64_t args[4])
{
	struct machine *m = w->m;
	uint64_t r = pick(w, 100);

	args[0] = m->mpidrs[pick(w, NR_VCPUS)] & FW_MPIDR_AFF_MASK;
	args[1] = RAM_BASE + 0x1000 * pick(w, 4);
	args[2] = next_random(&w->rng);
	args[3] = pick(w, 2);
	if (r < 15)
		return PSCI_CPU_ON64;
	if (r < 18)
		return w->id ? PSCI_CPU_OFF : PSCI_VERSION;   /* vCPU 0 stays up to start the others */
	if (r < 22) {
		args[0] = pick(w, 2) ? 0x10000 : 0;   /* power-down or standby */
		return PSCI_CPU_SUSPEND64;
	}
	if (r < 26) {
		args[1] = 0;
		return PSCI_AFFINITY64;
	}
	if (r < 28)
		return PSCI_VERSION;
	if (r < 30) {
		args[0] = PSCI_CPU_ON64;
		return PSCI_FEATURES;
	}
	if (r < 32)
		return PSCI_STAT_COUNT64;
	/* SDEI, mostly with a real event number. */
	args[0] = events[pick(w, NR_EVENTS)];
	switch (pick(w, 8)) {
	case 0:  /* EVENT_REGISTER: entry, argument, RM_ANY or RM_PE, affinity */
		args[1] = 0xffff800010000000ULL + 0x100 * pick(w, 4);
		args[3] = pick(w, 2);
		return SDEI_FN(1);
	case 1:
		return SDEI_FN(2);                       /* EVENT_ENABLE */
	case 2:
		return SDEI_FN(pick(w, 2) ? 12 : 11);    /* PE_UNMASK, PE_MASK */
	case 3:                                          /* EVENT_SIGNAL(0, target) */
		args[0] = 0;
		args[1] = m->mpidrs[pick(w, NR_VCPUS)] & FW_MPIDR_AFF_MASK;
		return SDEI_FN(15);
	case 4:
		return SDEI_FN(pick(w, 2) ? 5 : 6);      /* COMPLETE, COMPLETE_AND_RESUME */
	case 5:
		args[0] = pick(w, 18);
		return SDEI_FN(4);                       /* EVENT_CONTEXT */
	case 6:
		args[0] = UART_INTID;
		return SDEI_FN(pick(w, 2) ? 13 : 14);    /* INTERRUPT_BIND, RELEASE */
	default:
		return SDEI_FN(pick(w, SDEI_NR_FNS));
	}
}

static void *vcpu_thread(void *arg)
{
	struct worker *w = arg;
	struct machine *m = w->m;

	for (unsigned int i = 0; i < ITERATIONS && !atomic_load(&m->stop); i++) {
		uint64_t args[4];
		uint32_t fid;
		enum smccc_action out;
		int ready;

		/* (fake_host_call leaves the vCPU when it is done) */
		fake_host_enter(&m->host, w->id);
		ready = firmware_vcpu_prepare(&m->fw, w->id, false);

		if (ready < 0) {
			fprintf(stderr, "vCPU %u: prepare failed: %d\n", w->id, ready);
			atomic_fetch_add(&m->failures, 1);
			break;
		}
		if (ready == 0) {
			/* Off or suspended: hvmm would sleep until kicked. */
			if (pick(w, 16) == 0 && firmware_vcpu_wakeup(&m->fw, w->id) < 0)
				atomic_fetch_add(&m->failures, 1);
			sched_yield();
			continue;
		}
		fid = random_call(w, args);
		out = fake_host_call(&m->host, w->id, fid, args, 4);
		atomic_fetch_add(&m->calls, 1);
		if (out != SMCCC_CONTINUE) {
			fprintf(stderr, "vCPU %u: call 0x%08x: outcome %d\n", w->id, fid, (int)out);
			atomic_fetch_add(&m->failures, 1);
		}
	}
	fake_host_leave(&m->host, w->id);
	return NULL;
}

/* What the control socket and the console do meanwhile. */
static void *control_thread(void *arg)
{
	struct worker *w = arg;
	struct machine *m = w->m;
	struct sdei_event_info info[8];
	struct psci_cpu_stats stats;

	while (!atomic_load(&m->stop)) {
		unsigned int cpu = (unsigned int)pick(w, NR_VCPUS);

		switch (pick(w, 6)) {
		case 0:
			(void)sdei_signal(m->fw.sdei, events[1 + pick(w, NR_EVENTS - 1)],
					  pick(w, 2) ? (int)cpu : -1);
			break;
		case 1:
			(void)psci_cpu_set_enabled(&m->fw.psci, HOTADD_VCPU, pick(w, 2));
			break;
		case 2:
			(void)firmware_interrupt(&m->fw, UART_INTID, (int)pick(w, 2));
			break;
		case 3:
			(void)psci_cpu_state(&m->fw.psci, cpu);
			(void)psci_cpu_stats(&m->fw.psci, cpu, &stats);
			break;
		default:
			(void)sdei_events(m->fw.sdei, info, 8);
			(void)sdei_event_status(m->fw.sdei, events[pick(w, NR_EVENTS)], cpu);
			(void)sdei_vcpu_masked(m->fw.sdei, cpu);
			break;
		}
		if (pick(w, 4) == 0)
			sched_yield();
	}
	return NULL;
}

static void report_violation(void *ctx, const char *op, const char *rule, unsigned int vcpu)
{
	(void)ctx;
	fprintf(stderr, "threading rule broken: %s %s (vCPU %u)\n", op, rule, vcpu);
}

static void init_machine(struct machine *m)
{
	struct psci_config psci = {
		.nr_cpus = NR_VCPUS, .mpidrs = m->mpidrs, .boot_cpu = 0, .nr_enabled = HOTADD_VCPU,
	};
	struct sdei_config sdei = {
		.nr_cpus = NR_VCPUS, .mpidrs = m->mpidrs,
		.events = event_config, .nr_events = sizeof(event_config) / sizeof(event_config[0]),
		.bindable_intids = bindable, .nr_bindable = 1,
	};

	fake_host_init(&m->host, &m->fw, NR_VCPUS, RAM_BASE, RAM_SIZE);
	/* The lock checks read firmware state unlocked: single-threaded only. */
	m->host.check_locks = false;
	m->host.now_us = 1000;
	m->host.hooks.violation = report_violation;
	for (unsigned int i = 0; i < NR_VCPUS; i++) {
		struct fake_vcpu *v = &m->host.v[i];

		v->mpidr = FAKE_HOST_MPIDR_RES1 | i;
		m->mpidrs[i] = v->mpidr;
		v->reg[FW_REG_MPIDR_EL1] = v->mpidr;
		v->reg[FW_REG_SCTLR_EL1] = FAKE_HOST_SCTLR_RESET;
		v->reg[FW_REG_PSTATE] = 0x5;
		v->reg[FW_REG_PC] = RAM_BASE;
		v->mp_state = i ? FW_MP_STOPPED : FW_MP_RUNNABLE;
	}
	assert_int_equal(firmware_init_psci_sdei(&m->fw, &m->host.fw_host, &psci, &sdei), 0);
}

static void test_concurrent_vcpus_and_control(void **state)
{
	struct machine *m = calloc(1, sizeof(*m));
	struct worker workers[NR_VCPUS + 1];
	pthread_t threads[NR_VCPUS + 1];

	(void)state;
	assert_non_null(m);
	init_machine(m);
	alarm(WATCHDOG_S);
	for (unsigned int i = 0; i <= NR_VCPUS; i++) {
		workers[i] = (struct worker){ .m = m, .id = i, .rng = 0x9e3779b97f4a7c15ULL * (i + 1) };
		assert_int_equal(pthread_create(&threads[i], NULL, i < NR_VCPUS ? vcpu_thread : control_thread,
						&workers[i]), 0);
	}
	for (unsigned int i = 0; i < NR_VCPUS; i++)
		assert_int_equal(pthread_join(threads[i], NULL), 0);
	atomic_store(&m->stop, true);
	assert_int_equal(pthread_join(threads[NR_VCPUS], NULL), 0);
	alarm(0);

	if (atomic_load(&m->failures) || atomic_load(&m->host.violations))
		print_error("%u failed calls or prepares, %u broken threading rules\n",
			    atomic_load(&m->failures), atomic_load(&m->host.violations));
	assert_int_equal(atomic_load(&m->failures), 0);
	assert_int_equal(atomic_load(&m->host.violations), 0);
	/* The guest side really ran: CPU_ON brought vCPUs up and calls were made. */
	print_message("%lu calls, kicks to vCPUs 1-3: %u %u %u\n", atomic_load(&m->calls),
		      atomic_load(&m->host.v[1].kicks), atomic_load(&m->host.v[2].kicks),
		      atomic_load(&m->host.v[3].kicks));
	assert_true(atomic_load(&m->calls) > ITERATIONS);
	assert_true(atomic_load(&m->host.v[1].kicks) + atomic_load(&m->host.v[2].kicks) > 0);
	firmware_destroy(&m->fw);
	free(m);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_concurrent_vcpus_and_control),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
