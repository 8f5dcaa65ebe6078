/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The async-pf service driven from several threads at once, as hvmm drives
 * it: two vCPU threads racing ENABLE and DISABLE, faulting, taking tokens
 * and running their handlers, a fetcher thread landing pages, and a reader
 * of the counts (hvmm stat). Built with ThreadSanitizer: a data race, a
 * lock-order inversion or a deadlock fails it, and so does any token handed
 * out twice, one TAKE(1) gives that this vCPU's TAKE(0) did not, or one
 * still outstanding when every page has landed and the guest has drained
 * its ready queue (a lost wake-up).
 */
#include <pthread.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <unistd.h>

#include <cmocka.h>

#include "firmware/smccc.h"
#include "tests/unit/fake_host.h"

const char *__tsan_default_options(void);
const char *__tsan_default_options(void)
{
	return "halt_on_error=1:exitcode=66:second_deadlock_stack=1";
}

#define NR_VCPUS    2
#define ITERATIONS  20000
#define NR_PAGES    8
#define MAX_TOKEN   (NR_VCPUS * ITERATIONS + 16)
#define RAM_BASE    0x40000000ULL
#define RAM_SIZE    (64ULL << 20)
#define PAGE(n)     (RAM_BASE + 0x200000 + 0x1000ULL * (n))
#define FAULT_PC    0xffff800000401230ULL
#define SCHED_PC    0xffff800010800000ULL
#define ENTRY(n)    (0xffff800010000000ULL + 0x100 * (n))
#define WATCHDOG_S  120

#define APF_ENABLE  0xC2000011U
#define APF_DISABLE 0xC2000012U
#define APF_TAKE    0xC2000013U
#define SDEI_REGISTER 0xC4000021U
#define SDEI_ENABLE 0xC4000022U
#define SDEI_COMPLETE_RESUME 0xC4000026U
#define SDEI_PE_UNMASK 0xC400002CU
#define PSCI_CPU_ON64 0xC4000003U

enum { NP = 3000, RDY = 3001 };
enum { TOKEN_UNSEEN, TOKEN_TAKEN0, TOKEN_TAKEN1, TOKEN_HANDED_OUT };

static const struct sdei_event_config events[] = {
	{ NP, SDEI_EVENT_PRIVATE, SDEI_PRIORITY_NORMAL },
	{ RDY, SDEI_EVENT_PRIVATE, SDEI_PRIORITY_NORMAL },
};

struct machine {
	struct fake_host host;
	struct firmware fw;
	uint64_t mpidrs[NR_VCPUS];
	atomic_uchar token[MAX_TOKEN];
	atomic_uint failures;
	atomic_bool stop;
	uint64_t took0[NR_VCPUS], took1[NR_VCPUS];   /* each written by its vCPU's thread */
};

struct worker {
	struct machine *m;
	unsigned int id;
	uint64_t rng;
};

static uint64_t next_random(uint64_t *s)
{
	*s ^= *s << 13;
	*s ^= *s >> 7;
	*s ^= *s << 17;
	return *s;
}

static uint64_t call(struct machine *m, unsigned int vcpu, uint32_t fid, uint64_t x1, uint64_t x2,
		     uint64_t x3)
{
	fake_host_call(&m->host, vcpu, fid, (const uint64_t[]){ x1, x2, x3, 0, 0 }, 5);
	return m->host.v[vcpu].reg[0];
}

/* Token t moves from one state to the next, or the test fails. */
static void token_move(struct machine *m, uint64_t t, unsigned char from, unsigned char to)
{
	unsigned char want = from;

	if (t == 0 || t >= MAX_TOKEN || !atomic_compare_exchange_strong(&m->token[t], &want, to))
		atomic_fetch_add(&m->failures, 1);
}

static void take_ready(struct machine *m, unsigned int vcpu)
{
	uint64_t n;

	do {
		n = call(m, vcpu, APF_TAKE, 1, 0, 0);
		if (n > 16) {
			atomic_fetch_add(&m->failures, 1);
			return;
		}
		for (uint64_t i = 0; i < n; i++)
			token_move(m, m->host.v[vcpu].reg[1 + i], TOKEN_TAKEN0 + vcpu, TOKEN_HANDED_OUT);
		m->took1[vcpu] += n;
	} while (n);
}

/* Enter the guest: run whatever handler is delivered, as a guest would. */
static bool run_handlers(struct machine *m, unsigned int vcpu)
{
	struct fake_vcpu *v = &m->host.v[vcpu];
	int ret;

	fake_host_enter(&m->host, vcpu);
	ret = firmware_vcpu_prepare(&m->fw, vcpu, false);
	fake_host_leave(&m->host, vcpu);
	if (ret != 1)
		atomic_fetch_add(&m->failures, 1);
	if (v->reg[FW_REG_PC] == ENTRY(NP)) {
		if (call(m, vcpu, APF_TAKE, 0, 0, 0) == 1) {
			token_move(m, v->reg[1], TOKEN_UNSEEN, TOKEN_TAKEN0 + vcpu);
			m->took0[vcpu]++;
		}
	} else if (v->reg[FW_REG_PC] == ENTRY(RDY)) {
		take_ready(m, vcpu);
	} else {
		return false;
	}
	call(m, vcpu, SDEI_COMPLETE_RESUME, SCHED_PC, 0, 0);
	return true;
}

static void *vcpu_thread(void *arg)
{
	struct worker *w = arg;
	struct machine *m = w->m;
	struct fake_vcpu *v = &m->host.v[w->id];

	for (unsigned int i = 0; i < ITERATIONS; i++) {
		uint64_t r = next_random(&w->rng);

		switch (r % 8) {
		case 0:
			call(m, w->id, APF_ENABLE, NP, RDY, (r >> 8) & 1);
			break;
		case 1:
			call(m, w->id, APF_DISABLE, 0, 0, 0);
			break;
		case 2:
			take_ready(m, w->id);
			break;
		default:
			v->reg[FW_REG_PC] = FAULT_PC;
			v->reg[FW_REG_PSTATE] = (r >> 9) & 1 ? 0x5 : 0x0;
			fake_host_enter(&m->host, w->id);
			if (firmware_apf_fault(&m->fw, w->id, PAGE((r >> 16) % NR_PAGES)) < 0)
				atomic_fetch_add(&m->failures, 1);
			fake_host_leave(&m->host, w->id);
			break;
		}
		while (run_handlers(m, w->id))
			;
	}
	return NULL;
}

static void *fetcher_thread(void *arg)
{
	struct machine *m = arg;
	uint64_t rng = 0x9e3779b97f4a7c15ULL;

	while (!atomic_load(&m->stop)) {
		struct apf_vcpu_counts c;

		firmware_apf_page_ready(&m->fw, PAGE(next_random(&rng) % NR_PAGES));
		firmware_apf_counts(&m->fw, (unsigned int)(rng % NR_VCPUS), &c);
	}
	return NULL;
}

static void *watchdog(void *arg)
{
	(void)arg;
	sleep(WATCHDOG_S);
	abort();
	return NULL;
}

static void machine_init(struct machine *m)
{
	struct psci_config psci = { .nr_cpus = NR_VCPUS, .boot_cpu = 0, .nr_enabled = NR_VCPUS,
				    .mpidrs = m->mpidrs };
	struct sdei_config sdei = { .nr_cpus = NR_VCPUS, .mpidrs = m->mpidrs, .events = events,
				    .nr_events = 2 };
	struct fw_config cfg = { .psci = &psci, .sdei = &sdei, .apf = true };

	fake_host_init(&m->host, &m->fw, NR_VCPUS, RAM_BASE, RAM_SIZE);
	for (unsigned int i = 0; i < NR_VCPUS; i++) {
		m->host.v[i].mpidr = FAKE_HOST_MPIDR_RES1 | i;
		m->mpidrs[i] = m->host.v[i].mpidr;
		m->host.v[i].mp_state = i ? FW_MP_STOPPED : FW_MP_RUNNABLE;
	}
	assert_int_equal(firmware_init(&m->fw, &m->host.fw_host, &cfg, NULL), 0);
	assert_int_equal(call(m, 0, PSCI_CPU_ON64, 1, RAM_BASE, 0), 0);
	fake_host_enter(&m->host, 1);
	assert_int_equal(firmware_vcpu_prepare(&m->fw, 1, false), 1);
	fake_host_leave(&m->host, 1);
	for (unsigned int i = 0; i < NR_VCPUS; i++) {
		assert_int_equal(call(m, i, SDEI_REGISTER, NP, ENTRY(NP), 0), 0);
		assert_int_equal(call(m, i, SDEI_ENABLE, NP, 0, 0), 0);
		assert_int_equal(call(m, i, SDEI_REGISTER, RDY, ENTRY(RDY), 0), 0);
		assert_int_equal(call(m, i, SDEI_ENABLE, RDY, 0, 0), 0);
		assert_int_equal(call(m, i, SDEI_PE_UNMASK, 0, 0, 0), 0);
	}
	m->host.check_locks = false;   /* other threads hold the locks now */
}

static void test_racing_vcpus_and_fetcher(void **state)
{
	struct machine *m = calloc(1, sizeof(*m));
	struct worker w[NR_VCPUS];
	pthread_t t[NR_VCPUS], fetcher, dog;
	uint64_t async = 0;

	(void)state;
	assert_non_null(m);
	machine_init(m);
	pthread_create(&dog, NULL, watchdog, NULL);
	pthread_create(&fetcher, NULL, fetcher_thread, m);
	for (unsigned int i = 0; i < NR_VCPUS; i++) {
		w[i] = (struct worker){ .m = m, .id = i, .rng = 0x1234567ULL * (i + 1) };
		pthread_create(&t[i], NULL, vcpu_thread, &w[i]);
	}
	for (unsigned int i = 0; i < NR_VCPUS; i++)
		pthread_join(t[i], NULL);
	atomic_store(&m->stop, true);
	pthread_join(fetcher, NULL);

	/* Every page lands; each vCPU drains: every token taken comes back. */
	for (unsigned int p = 0; p < NR_PAGES; p++)
		firmware_apf_page_ready(&m->fw, PAGE(p));
	for (unsigned int i = 0; i < NR_VCPUS; i++) {
		struct apf_vcpu_counts c;

		while (run_handlers(m, i))
			;
		take_ready(m, i);
		assert_int_equal(firmware_apf_counts(&m->fw, i, &c), 0);
		assert_int_equal(c.not_present, m->took0[i]);
		assert_int_equal(c.ready, m->took1[i]);
		assert_int_equal(m->took0[i], m->took1[i]);
		assert_true(m->took1[i] > 50);   /* tokens did come back through TAKE(1) */
		async += c.async_faults;
	}
	assert_int_equal(atomic_load(&m->failures), 0);
	assert_true(async > 100);   /* the race did exercise the asynchronous path */
	for (uint64_t k = 1; k < MAX_TOKEN; k++) {
		unsigned char s = atomic_load(&m->token[k]);

		assert_true(s == TOKEN_UNSEEN || s == TOKEN_HANDED_OUT);
	}
	assert_int_equal(atomic_load(&m->host.violations), 0);
	firmware_destroy(&m->fw);
	pthread_cancel(dog);
	pthread_join(dog, NULL);
	free(m);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_racing_vcpus_and_fetcher),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
