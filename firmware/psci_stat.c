/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * PSCI_STAT_RESIDENCY and PSCI_STAT_COUNT: per vCPU, per power state, how
 * often a CPU_SUSPEND (or CPU_DEFAULT_SUSPEND) finished and how long the
 * vCPU spent suspended, in microseconds. A suspend is counted when it ends
 * (at wake-up), so one in progress is not in the numbers yet.
 */
#include <errno.h>

#include "psci_internal.h"

void psci_stat_account(struct psci_cpu *cpu, uint64_t now)
{
	enum psci_suspend_state s;
	uint64_t spent;

	switch (cpu->suspend_kind) {
	case PSCI_SUSPENDED_STANDBY:
		s = PSCI_SUSPEND_STANDBY;
		break;
	case PSCI_SUSPENDED_POWERDOWN:
		s = PSCI_SUSPEND_POWERDOWN;
		break;
	case PSCI_SUSPENDED_SYSTEM:
	default:
		return;   /* not a CPU_SUSPEND state */
	}
	/* The clock is monotonic; do not let a misbehaving one wrap. */
	spent = now > cpu->suspend_start_us ? now - cpu->suspend_start_us : 0;
	cpu->stats.count[s]++;
	cpu->stats.residency_us[s] += spent;
}

/*
 * PSCI defines no error for these calls: a target or power_state that names
 * nothing simply has a statistic of 0.
 */
static enum smccc_action psci_stat(const struct psci_req *req, bool residency)
{
	struct psci *p = req->p;
	enum psci_suspend_state s;
	uint32_t power_state;
	uint64_t mpidr, val;
	int target;

	if (psci_arg(req, 1, &mpidr))
		return SMCCC_FAILED;
	target = psci_target_of(p, mpidr);
	if (target < 0)
		return psci_reply(req, 0);
	if (psci_arg32(req, 2, &power_state))
		return SMCCC_FAILED;
	if (!psci_pstate_decode(p, power_state, &s))
		return psci_reply(req, 0);

	psci_lock(p);
	val = residency ? p->cpu[target].stats.residency_us[s]
			: p->cpu[target].stats.count[s];
	psci_unlock(p);
	return psci_reply(req, (int64_t)val);
}

enum smccc_action psci_stat_residency(const struct psci_req *req)
{
	return psci_stat(req, true);
}

enum smccc_action psci_stat_count(const struct psci_req *req)
{
	return psci_stat(req, false);
}

int psci_cpu_stats(struct psci *p, unsigned int vcpu,
		   struct psci_cpu_stats *out)
{
	if (vcpu >= p->nr_cpus || !out)
		return -EINVAL;

	psci_lock(p);
	*out = p->cpu[vcpu].stats;
	psci_unlock(p);
	return 0;
}
