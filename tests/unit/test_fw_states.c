/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The state tables of SDEI events (firmware/sdei_state.c) and of PSCI power
 * (firmware/psci_state.c), cell by cell: every (state, action) pair is
 * tried; the allowed ones, listed here from the SDEI and PSCI rules rather
 * than from the tables, must lead where the list says and answer what it
 * says; every other pair must be refused, leave the state as it was and
 * answer the refusal the rules give.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "firmware/psci_internal.h"
#include "firmware/sdei_internal.h"

/* ---- SDEI ---- */

#define S(x) SDEI_ST_##x
#define A(x) SDEI_DO_##x

struct sdei_allowed {
	enum sdei_ev_state from;
	enum sdei_action a;
	enum sdei_ev_state to;
	int64_t ret;
};

static const struct sdei_allowed sdei_allowed[] = {
	/* REGISTER: only an unregistered event that is not running; it starts disabled. */
	{ S(UNREGISTERED), A(REGISTER), S(DISABLED), SDEI_RET_SUCCESS },
	/* ENABLE / DISABLE: any registered event, running or not. */
	{ S(DISABLED), A(ENABLE), S(ENABLED), SDEI_RET_SUCCESS },
	{ S(ENABLED), A(ENABLE), S(ENABLED), SDEI_RET_SUCCESS },
	{ S(RUNNING_DISABLED), A(ENABLE), S(RUNNING_ENABLED), SDEI_RET_SUCCESS },
	{ S(RUNNING_ENABLED), A(ENABLE), S(RUNNING_ENABLED), SDEI_RET_SUCCESS },
	{ S(DISABLED), A(DISABLE), S(DISABLED), SDEI_RET_SUCCESS },
	{ S(ENABLED), A(DISABLE), S(DISABLED), SDEI_RET_SUCCESS },
	{ S(RUNNING_DISABLED), A(DISABLE), S(RUNNING_DISABLED), SDEI_RET_SUCCESS },
	{ S(RUNNING_ENABLED), A(DISABLE), S(RUNNING_DISABLED), SDEI_RET_SUCCESS },
	/* UNREGISTER: at once, or pending while the handler runs (again: PENDING). */
	{ S(DISABLED), A(UNREGISTER), S(UNREGISTERED), SDEI_RET_SUCCESS },
	{ S(ENABLED), A(UNREGISTER), S(UNREGISTERED), SDEI_RET_SUCCESS },
	{ S(RUNNING_DISABLED), A(UNREGISTER), S(UNREGISTER_PENDING), SDEI_RET_PENDING },
	{ S(RUNNING_ENABLED), A(UNREGISTER), S(UNREGISTER_PENDING), SDEI_RET_PENDING },
	{ S(UNREGISTER_PENDING), A(UNREGISTER), S(UNREGISTER_PENDING), SDEI_RET_PENDING },
	/* ROUTING_SET: registered, disabled, not running. */
	{ S(DISABLED), A(ROUTE), S(DISABLED), SDEI_RET_SUCCESS },
	/* INTERRUPT_RELEASE: neither registered nor running. */
	{ S(UNREGISTERED), A(RELEASE), S(UNREGISTERED), SDEI_RET_SUCCESS },
	/* The resets unregister whatever they find. */
	{ S(UNREGISTERED), A(RESET), S(UNREGISTERED), SDEI_RET_SUCCESS },
	{ S(DISABLED), A(RESET), S(UNREGISTERED), SDEI_RET_SUCCESS },
	{ S(ENABLED), A(RESET), S(UNREGISTERED), SDEI_RET_SUCCESS },
	{ S(RUNNING_DISABLED), A(RESET), S(UNREGISTER_PENDING), SDEI_RET_PENDING },
	{ S(RUNNING_ENABLED), A(RESET), S(UNREGISTER_PENDING), SDEI_RET_PENDING },
	{ S(UNREGISTER_PENDING), A(RESET), S(UNREGISTER_PENDING), SDEI_RET_PENDING },
	/* hvmm's own: only an enabled event that is not running is entered ... */
	{ S(ENABLED), A(DISPATCH), S(RUNNING_ENABLED), SDEI_RET_SUCCESS },
	/* ... a running one ends (finishing a pending unregister) ... */
	{ S(RUNNING_DISABLED), A(HANDLER_END), S(DISABLED), SDEI_RET_SUCCESS },
	{ S(RUNNING_ENABLED), A(HANDLER_END), S(ENABLED), SDEI_RET_SUCCESS },
	{ S(UNREGISTER_PENDING), A(HANDLER_END), S(UNREGISTERED), SDEI_RET_SUCCESS },
	/* ... and a PE starts afresh once its handlers were abandoned. */
	{ S(UNREGISTERED), A(PE_ON), S(UNREGISTERED), SDEI_RET_SUCCESS },
	{ S(DISABLED), A(PE_ON), S(UNREGISTERED), SDEI_RET_SUCCESS },
	{ S(ENABLED), A(PE_ON), S(UNREGISTERED), SDEI_RET_SUCCESS },
};

static const struct sdei_allowed *sdei_find_allowed(enum sdei_ev_state from, enum sdei_action a)
{
	for (size_t i = 0; i < sizeof(sdei_allowed) / sizeof(sdei_allowed[0]); i++)
		if (sdei_allowed[i].from == from && sdei_allowed[i].a == a)
			return &sdei_allowed[i];
	return NULL;
}

static bool sdei_guest_action(enum sdei_action a)
{
	return a != A(DISPATCH) && a != A(HANDLER_END) && a != A(PE_ON);
}

static void test_sdei_table(void **state)
{
	unsigned int allowed = 0;

	(void)state;
	for (unsigned int from = 0; from < SDEI_ST_COUNT; from++) {
		for (unsigned int a = 0; a < SDEI_DO_COUNT; a++) {
			const struct sdei_allowed *want = sdei_find_allowed(from, a);
			struct sdei_state st = { .state = from, .pending = true, .entry = 0x1234 };
			int64_t ret = sdei_state_do(&st, a);

			if (want) {
				assert_int_equal(ret, want->ret);
				assert_int_equal(st.state, want->to);
				allowed++;
			} else {
				assert_int_equal(ret, sdei_guest_action(a) ? SDEI_RET_DENIED
									   : SDEI_TRANSITION_BUG);
				assert_int_equal(st.state, from);
			}
			/* Only the state changes. */
			assert_true(st.pending);
			assert_int_equal(st.entry, 0x1234);
		}
	}
	assert_int_equal(allowed, sizeof(sdei_allowed) / sizeof(sdei_allowed[0]));
}

/* The views EVENT_STATUS and the delivery rules take of each state. */
static void test_sdei_state_views(void **state)
{
	static const unsigned int status[SDEI_ST_COUNT] = {
		[S(UNREGISTERED)] = 0, [S(DISABLED)] = 1, [S(ENABLED)] = 3,
		[S(RUNNING_DISABLED)] = 5, [S(RUNNING_ENABLED)] = 7, [S(UNREGISTER_PENDING)] = 4,
	};

	(void)state;
	for (unsigned int s = 0; s < SDEI_ST_COUNT; s++) {
		struct sdei_state st = { .state = s };

		assert_int_equal(sdei_status_of(&st), status[s]);
		assert_string_not_equal(sdei_state_name(s), "invalid");
	}
	{
		struct sdei_state bad = { .state = SDEI_ST_COUNT };

		assert_int_equal(sdei_state_do(&bad, A(ENABLE)), SDEI_TRANSITION_BUG);
		assert_int_equal(bad.state, SDEI_ST_COUNT);
		bad.state = S(ENABLED);
		assert_int_equal(sdei_state_do(&bad, SDEI_DO_COUNT), SDEI_TRANSITION_BUG);
		assert_int_equal(bad.state, S(ENABLED));
		assert_string_equal(sdei_state_name(SDEI_ST_COUNT), "invalid");
	}
}

/* ---- PSCI ---- */

#define P(x) PSCI_POWER_##x
#define D(x) PSCI_DO_##x

struct psci_allowed {
	enum psci_power from;
	enum psci_action a;
	enum psci_power to;
};

static const struct psci_allowed psci_allowed[] = {
	/* CPU_ON starts only an off vCPU; its own thread then boots it. */
	{ P(OFF), D(CPU_ON), P(ON_PENDING) },
	{ P(ON_PENDING), D(BOOT), P(ON) },
	/* A running vCPU turns itself off or suspends itself ... */
	{ P(ON), D(OFF), P(OFF) },
	{ P(ON), D(STANDBY), P(STANDBY) },
	{ P(ON), D(POWERDOWN), P(POWERDOWN) },
	{ P(ON), D(SYSTEM_SUSPEND), P(SYSTEM_SUSPENDED) },
	/* ... and only a suspended one wakes up. */
	{ P(STANDBY), D(WAKE), P(ON) },
	{ P(POWERDOWN), D(WAKE), P(ON) },
	{ P(SYSTEM_SUSPENDED), D(WAKE), P(ON) },
	/* Hot-add: only between off and disabled. */
	{ P(DISABLED), D(ENABLE), P(OFF) },
	{ P(OFF), D(DISABLE), P(DISABLED) },
	/* A guest reset: everything off but what is disabled; the boot vCPU on. */
	{ P(OFF), D(RESET), P(OFF) },
	{ P(ON_PENDING), D(RESET), P(OFF) },
	{ P(ON), D(RESET), P(OFF) },
	{ P(STANDBY), D(RESET), P(OFF) },
	{ P(POWERDOWN), D(RESET), P(OFF) },
	{ P(SYSTEM_SUSPENDED), D(RESET), P(OFF) },
	{ P(DISABLED), D(RESET), P(DISABLED) },
	{ P(OFF), D(COLD_BOOT), P(ON) },
	{ P(ON_PENDING), D(COLD_BOOT), P(ON) },
	{ P(ON), D(COLD_BOOT), P(ON) },
	{ P(STANDBY), D(COLD_BOOT), P(ON) },
	{ P(POWERDOWN), D(COLD_BOOT), P(ON) },
	{ P(SYSTEM_SUSPENDED), D(COLD_BOOT), P(ON) },
	{ P(DISABLED), D(COLD_BOOT), P(ON) },
};

static const struct psci_allowed *psci_find_allowed(enum psci_power from, enum psci_action a)
{
	for (size_t i = 0; i < sizeof(psci_allowed) / sizeof(psci_allowed[0]); i++)
		if (psci_allowed[i].from == from && psci_allowed[i].a == a)
			return &psci_allowed[i];
	return NULL;
}

/* What a refused action answers: CPU_ON as PSCI says, hot-add as its
 * interface says; anything else cannot happen. */
static int64_t psci_refusal(enum psci_power from, enum psci_action a)
{
	switch (a) {
	case D(CPU_ON):
		if (from == P(ON_PENDING))
			return PSCI_RET_ON_PENDING;
		return from == P(DISABLED) ? PSCI_RET_DENIED : PSCI_RET_ALREADY_ON;
	case D(ENABLE):
		return -EALREADY;
	case D(DISABLE):
		return from == P(DISABLED) ? -EALREADY : -EBUSY;
	default:
		return PSCI_TRANSITION_BUG;
	}
}

/* A vCPU in power state s, with statistics that must survive. */
static struct psci_cpu psci_cpu_in(enum psci_power s)
{
	static const enum psci_cpu_state state[PSCI_POWER_COUNT] = {
		[P(OFF)] = PSCI_CPU_STATE_OFF, [P(ON_PENDING)] = PSCI_CPU_STATE_ON_PENDING,
		[P(ON)] = PSCI_CPU_STATE_ON, [P(STANDBY)] = PSCI_CPU_STATE_SUSPENDED,
		[P(POWERDOWN)] = PSCI_CPU_STATE_SUSPENDED,
		[P(SYSTEM_SUSPENDED)] = PSCI_CPU_STATE_SUSPENDED,
		[P(DISABLED)] = PSCI_CPU_STATE_DISABLED,
	};
	struct psci_cpu cpu = { .state = state[s], .entry = 0x4000, .stats.count[0] = 3 };

	cpu.suspend_kind = s == P(POWERDOWN) ? PSCI_SUSPENDED_POWERDOWN :
			   s == P(SYSTEM_SUSPENDED) ? PSCI_SUSPENDED_SYSTEM : PSCI_SUSPENDED_STANDBY;
	assert_int_equal(psci_power_of(&cpu), s);
	return cpu;
}

static void test_psci_table(void **state)
{
	unsigned int allowed = 0;

	(void)state;
	for (unsigned int from = 0; from < PSCI_POWER_COUNT; from++) {
		for (unsigned int a = 0; a < PSCI_DO_COUNT; a++) {
			const struct psci_allowed *want = psci_find_allowed(from, a);
			struct psci_cpu cpu = psci_cpu_in(from);
			int64_t ret = psci_power_do(&cpu, a);

			if (want) {
				assert_int_equal(ret, 0);
				assert_int_equal(psci_power_of(&cpu), want->to);
				allowed++;
			} else {
				assert_int_equal(ret, psci_refusal(from, a));
				assert_int_equal(psci_power_of(&cpu), from);
			}
			assert_int_equal(cpu.entry, 0x4000);
			assert_int_equal(cpu.stats.count[0], 3);
		}
	}
	assert_int_equal(allowed, sizeof(psci_allowed) / sizeof(psci_allowed[0]));
}

/* The public state and the kind of suspend each power state shows. */
static void test_psci_state_views(void **state)
{
	struct psci_cpu cpu = psci_cpu_in(P(ON));

	(void)state;
	assert_int_equal(psci_power_do(&cpu, D(POWERDOWN)), 0);
	assert_int_equal(cpu.state, PSCI_CPU_STATE_SUSPENDED);
	assert_int_equal(cpu.suspend_kind, PSCI_SUSPENDED_POWERDOWN);
	assert_int_equal(psci_power_do(&cpu, D(WAKE)), 0);
	assert_int_equal(cpu.state, PSCI_CPU_STATE_ON);
	assert_int_equal(psci_power_do(&cpu, D(SYSTEM_SUSPEND)), 0);
	assert_int_equal(cpu.suspend_kind, PSCI_SUSPENDED_SYSTEM);
	cpu.state = (enum psci_cpu_state)99;
	assert_int_equal(psci_power_of(&cpu), PSCI_POWER_COUNT);
	assert_int_equal(psci_power_do(&cpu, D(WAKE)), PSCI_TRANSITION_BUG);
	cpu = psci_cpu_in(P(ON));
	assert_int_equal(psci_power_do(&cpu, PSCI_DO_COUNT), PSCI_TRANSITION_BUG);
	assert_int_equal(cpu.state, PSCI_CPU_STATE_ON);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_sdei_table),
		cmocka_unit_test(test_sdei_state_views),
		cmocka_unit_test(test_psci_table),
		cmocka_unit_test(test_psci_state_views),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
