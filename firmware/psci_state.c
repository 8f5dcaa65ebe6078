/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * A vCPU's power state as a table: every change goes through psci_power_do,
 * which applies the transition the table gives for the state and action,
 * or refuses it. The state is the pair (state, suspend_kind) of struct
 * psci_cpu, which only this file writes.
 *
 * A refused request (CPU_ON of a vCPU that is not off, enabling or
 * disabling a vCPU for hot-add) leaves the state and answers what the
 * table says. The other actions are taken by a vCPU on itself (it ran the
 * call, so it is on; only its own thread ends a CPU_ON or a suspend): one
 * the table refuses means hvmm's bookkeeping is wrong, and the caller
 * reports an internal error.
 */
#include "psci_internal.h"

#define P(s) PSCI_POWER_##s
#define TO(s)         { P(s), 0 }
#define REFUSE(ret)   { PSCI_POWER_COUNT, (ret) }
#define BUG           { PSCI_POWER_COUNT, PSCI_TRANSITION_BUG }

struct psci_transition {
	enum psci_power to;        /* PSCI_POWER_COUNT: refused */
	int64_t ret;               /* 0 when done; the refusal otherwise */
};

/* Columns: CPU_ON, BOOT, OFF, STANDBY, POWERDOWN, SYSTEM_SUSPEND, WAKE,
 * ENABLE, DISABLE, RESET, COLD_BOOT (enum psci_action's order). */
static const struct psci_transition psci_table[PSCI_POWER_COUNT][PSCI_DO_COUNT] = {
	[P(OFF)] = {
		TO(ON_PENDING), BUG, BUG, BUG, BUG, BUG, BUG,
		REFUSE(-EALREADY), TO(DISABLED), TO(OFF), TO(ON),
	},
	[P(ON_PENDING)] = {
		REFUSE(PSCI_RET_ON_PENDING), TO(ON), BUG, BUG, BUG, BUG, BUG,
		REFUSE(-EALREADY), REFUSE(-EBUSY), TO(OFF), TO(ON),
	},
	[P(ON)] = {
		REFUSE(PSCI_RET_ALREADY_ON), BUG, TO(OFF), TO(STANDBY), TO(POWERDOWN),
		TO(SYSTEM_SUSPENDED), BUG,
		REFUSE(-EALREADY), REFUSE(-EBUSY), TO(OFF), TO(ON),
	},
	[P(STANDBY)] = {
		REFUSE(PSCI_RET_ALREADY_ON), BUG, BUG, BUG, BUG, BUG, TO(ON),
		REFUSE(-EALREADY), REFUSE(-EBUSY), TO(OFF), TO(ON),
	},
	[P(POWERDOWN)] = {
		REFUSE(PSCI_RET_ALREADY_ON), BUG, BUG, BUG, BUG, BUG, TO(ON),
		REFUSE(-EALREADY), REFUSE(-EBUSY), TO(OFF), TO(ON),
	},
	[P(SYSTEM_SUSPENDED)] = {
		REFUSE(PSCI_RET_ALREADY_ON), BUG, BUG, BUG, BUG, BUG, TO(ON),
		REFUSE(-EALREADY), REFUSE(-EBUSY), TO(OFF), TO(ON),
	},
	/* Which vCPUs are enabled is the machine's, so a guest reset keeps it;
	 * the boot vCPU is enabled again all the same (COLD_BOOT). */
	[P(DISABLED)] = {
		REFUSE(PSCI_RET_DENIED), BUG, BUG, BUG, BUG, BUG, BUG,
		TO(OFF), REFUSE(-EALREADY), TO(DISABLED), TO(ON),
	},
};

enum psci_power psci_power_of(const struct psci_cpu *cpu)
{
	switch (cpu->state) {
	case PSCI_CPU_STATE_OFF:
		return PSCI_POWER_OFF;
	case PSCI_CPU_STATE_ON_PENDING:
		return PSCI_POWER_ON_PENDING;
	case PSCI_CPU_STATE_ON:
		return PSCI_POWER_ON;
	case PSCI_CPU_STATE_SUSPENDED:
		switch (cpu->suspend_kind) {
		case PSCI_SUSPENDED_STANDBY:
			return PSCI_POWER_STANDBY;
		case PSCI_SUSPENDED_POWERDOWN:
			return PSCI_POWER_POWERDOWN;
		case PSCI_SUSPENDED_SYSTEM:
			return PSCI_POWER_SYSTEM_SUSPENDED;
		}
		break;
	case PSCI_CPU_STATE_DISABLED:
		return PSCI_POWER_DISABLED;
	}
	return PSCI_POWER_COUNT;
}

static void psci_power_set(struct psci_cpu *cpu, enum psci_power to)
{
	static const struct {
		enum psci_cpu_state state;
		enum psci_suspend_kind kind;
	} as[PSCI_POWER_COUNT] = {
		[P(OFF)] = { PSCI_CPU_STATE_OFF, PSCI_SUSPENDED_STANDBY },
		[P(ON_PENDING)] = { PSCI_CPU_STATE_ON_PENDING, PSCI_SUSPENDED_STANDBY },
		[P(ON)] = { PSCI_CPU_STATE_ON, PSCI_SUSPENDED_STANDBY },
		[P(STANDBY)] = { PSCI_CPU_STATE_SUSPENDED, PSCI_SUSPENDED_STANDBY },
		[P(POWERDOWN)] = { PSCI_CPU_STATE_SUSPENDED, PSCI_SUSPENDED_POWERDOWN },
		[P(SYSTEM_SUSPENDED)] = { PSCI_CPU_STATE_SUSPENDED, PSCI_SUSPENDED_SYSTEM },
		[P(DISABLED)] = { PSCI_CPU_STATE_DISABLED, PSCI_SUSPENDED_STANDBY },
	};

	cpu->state = as[to].state;
	/* The kind only means something while suspended; it is kept otherwise
	 * (statistics of the suspend that just ended read it). */
	if (cpu->state == PSCI_CPU_STATE_SUSPENDED)
		cpu->suspend_kind = as[to].kind;
}

int64_t psci_power_do(struct psci_cpu *cpu, enum psci_action a)
{
	enum psci_power from = psci_power_of(cpu);
	const struct psci_transition *t;

	if (from >= PSCI_POWER_COUNT || (unsigned int)a >= PSCI_DO_COUNT)
		return PSCI_TRANSITION_BUG;
	t = &psci_table[from][a];
	if (t->to != PSCI_POWER_COUNT)
		psci_power_set(cpu, t->to);
	return t->ret;
}
