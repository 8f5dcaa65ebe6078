/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * PSCI suspend states: CPU_SUSPEND, CPU_DEFAULT_SUSPEND, SYSTEM_SUSPEND,
 * the wake-up that ends them, and SET_SUSPEND_MODE.
 *
 * hvmm offers two core-level power states, standby and power-down, in one
 * power_state format chosen at start-up. A suspending vCPU is handed to KVM
 * in its SUSPENDED MP state: KVM_RUN then blocks until an interrupt is
 * pending and exits with a wake-up event, on which the VMM calls
 * psci_vcpu_wakeup. SYSTEM_SUSPEND instead stops the vCPU; the VMM decides
 * when the system resumes.
 */
#include <errno.h>

#include "psci_internal.h"

static const uint32_t psci_pstate_params[][PSCI_SUSPEND_STATE_COUNT] = {
	[PSCI_PSTATE_FORMAT_EXTENDED] = {
		[PSCI_SUSPEND_STANDBY]   = PSCI_PSTATE_EXTENDED_STANDBY,
		[PSCI_SUSPEND_POWERDOWN] = PSCI_PSTATE_EXTENDED_POWERDOWN,
	},
	[PSCI_PSTATE_FORMAT_ORIGINAL] = {
		[PSCI_SUSPEND_STANDBY]   = PSCI_PSTATE_ORIGINAL_STANDBY,
		[PSCI_SUSPEND_POWERDOWN] = PSCI_PSTATE_ORIGINAL_POWERDOWN,
	},
};

uint32_t psci_suspend_param(const struct psci *p, enum psci_suspend_state s)
{
	if ((unsigned int)s >= PSCI_SUSPEND_STATE_COUNT)
		return 0;
	return psci_pstate_params[p->pstate_format][s];
}

/*
 * Exactly the values psci_suspend_param gives are valid: any other StateID,
 * a reserved bit, a power level above the core, or the other format's
 * encoding of a state names nothing hvmm offers.
 */
bool psci_pstate_decode(const struct psci *p, uint32_t power_state,
			enum psci_suspend_state *s)
{
	unsigned int i;

	for (i = 0; i < PSCI_SUSPEND_STATE_COUNT; i++) {
		if (power_state == psci_suspend_param(p, i)) {
			*s = i;
			return true;
		}
	}
	return false;
}

/*
 * OS-initiated mode only changes how the votes of the cores of a cluster
 * combine into a cluster state. Every state hvmm offers is core-level, so
 * the two modes behave the same and OS-initiated mode costs nothing.
 */
uint32_t psci_suspend_features(const struct psci *p)
{
	uint32_t flags = PSCI_FEATURE_SUSPEND_OSI;

	if (p->pstate_format == PSCI_PSTATE_FORMAT_EXTENDED)
		flags |= PSCI_FEATURE_SUSPEND_EXTENDED;
	return flags;
}

/* Publish that vcpu is suspended, once KVM has been told. It made the
 * call, so it is on: SMCCC_FAILED if the state table says otherwise. */
static enum smccc_action psci_mark_suspended(struct psci *p, unsigned int vcpu,
					     enum psci_suspend_kind kind,
					     const struct psci_entry *e,
					     enum smccc_action done)
{
	static const enum psci_action to[] = {
		[PSCI_SUSPENDED_STANDBY] = PSCI_DO_STANDBY,
		[PSCI_SUSPENDED_POWERDOWN] = PSCI_DO_POWERDOWN,
		[PSCI_SUSPENDED_SYSTEM] = PSCI_DO_SYSTEM_SUSPEND,
	};
	struct psci_cpu *cpu = &p->cpu[vcpu];
	uint64_t now = psci_now(p);
	bool bug;

	psci_lock(p);
	bug = psci_power_do(cpu, to[kind]) == PSCI_TRANSITION_BUG;
	if (!bug) {
		cpu->suspend_start_us = now;
		if (e) {
			cpu->entry = e->pc;
			cpu->context_id = e->context_id;
			cpu->big_endian = e->big_endian;
		}
	}
	psci_unlock(p);
	return bug ? SMCCC_FAILED : done;
}

/*
 * Standby returns to the caller when it wakes, so its result is written
 * before KVM is asked to wait: nothing is left to do at wake-up but let the
 * vCPU run. If KVM cannot be told, the vCPU stays ON (x0 already says
 * SUCCESS, which a guest could not tell from an immediate wake-up).
 */
static enum smccc_action psci_standby(const struct psci_req *req)
{
	smccc_reply(req->call, PSCI_RET_SUCCESS);
	if (smccc_call_finish(req->call))
		return SMCCC_FAILED;
	if (psci_set_mp_state(req->p, req->vcpu, FW_MP_SUSPENDED))
		return SMCCC_FAILED;
	return psci_mark_suspended(req->p, req->vcpu, PSCI_SUSPENDED_STANDBY, NULL,
				   SMCCC_CONTINUE);
}

/*
 * Power-down does not return: the vCPU resumes at the entry point (argument
 * n) with x0 = context_id (argument n + 1), so no result is written. If KVM
 * cannot be told, the vCPU stays ON and nothing was recorded.
 */
static enum smccc_action psci_powerdown(const struct psci_req *req,
					unsigned int n)
{
	struct psci_entry e;
	bool in_ram;

	if (psci_read_entry(req, n, &e, &in_ram))
		return SMCCC_FAILED;
	if (!in_ram)
		return psci_reply(req, PSCI_RET_INVALID_ADDRESS);
	if (psci_set_mp_state(req->p, req->vcpu, FW_MP_SUSPENDED))
		return SMCCC_FAILED;
	return psci_mark_suspended(req->p, req->vcpu, PSCI_SUSPENDED_POWERDOWN, &e,
				   SMCCC_CONTINUE);
}

/*
 * power_state is 32 bits wide in both calling conventions. Standby ignores
 * the entry point and context_id (and does not read them).
 */
enum smccc_action psci_cpu_suspend(const struct psci_req *req)
{
	enum psci_suspend_state s;
	uint32_t power_state;

	if (psci_arg32(req, 1, &power_state))
		return SMCCC_FAILED;
	if (!psci_pstate_decode(req->p, power_state, &s))
		return psci_reply(req, PSCI_RET_INVALID_PARAMETERS);
	if (s == PSCI_SUSPEND_STANDBY)
		return psci_standby(req);
	return psci_powerdown(req, 2);
}

/* The deepest core state the platform offers: hvmm's power-down. */
enum smccc_action psci_cpu_default_suspend(const struct psci_req *req)
{
	return psci_powerdown(req, 1);
}

/* True if every vCPU but the caller is off or disabled. Called locked. */
static bool psci_others_off_locked(struct psci *p, unsigned int caller)
{
	unsigned int i;

	for (i = 0; i < p->nr_cpus; i++) {
		if (i == caller)
			continue;
		if (p->cpu[i].state != PSCI_CPU_STATE_OFF &&
		    p->cpu[i].state != PSCI_CPU_STATE_DISABLED)
			return false;
	}
	return true;
}

/*
 * SYSTEM_SUSPEND is only for the last core running. The check and the
 * transition to SUSPENDED are two lock sections (KVM is told in between,
 * without the lock), which is safe: with every other vCPU off, the caller
 * is the only one that could issue a CPU_ON, and the VMM only enables
 * vCPUs into OFF. The vCPU is STOPPED, not SUSPENDED, in KVM: an interrupt
 * must not resume it, the VMM does (psci_vcpu_wakeup).
 */
enum smccc_action psci_system_suspend(const struct psci_req *req)
{
	struct psci *p = req->p;
	struct psci_entry e;
	bool alone, in_ram;

	psci_lock(p);
	alone = psci_others_off_locked(p, req->vcpu);
	psci_unlock(p);
	if (!alone)
		return psci_reply(req, PSCI_RET_DENIED);

	if (psci_read_entry(req, 1, &e, &in_ram))
		return SMCCC_FAILED;
	if (!in_ram)
		return psci_reply(req, PSCI_RET_INVALID_ADDRESS);
	if (psci_set_mp_state(p, req->vcpu, FW_MP_STOPPED))
		return SMCCC_FAILED;
	return psci_mark_suspended(p, req->vcpu, PSCI_SUSPENDED_SYSTEM, &e,
				   SMCCC_SYSTEM_SUSPEND);
}

static bool psci_others_suspended_locked(struct psci *p, unsigned int caller)
{
	unsigned int i;

	for (i = 0; i < p->nr_cpus; i++) {
		if (i != caller && p->cpu[i].state == PSCI_CPU_STATE_SUSPENDED)
			return true;
	}
	return false;
}

/*
 * A core that is suspended made its request under the rules of the current
 * mode: in platform-coordinated mode the firmware picks the shallowest
 * state all cores of a node allow, in OS-initiated mode the last core down
 * decides for the node. Changing the rules while such a request is
 * outstanding would leave it meaning something the OS did not ask for, so
 * the switch is refused until every other core is running or off. Asking
 * for the mode already in force switches nothing and always succeeds.
 */
enum smccc_action psci_set_suspend_mode(const struct psci_req *req)
{
	struct psci *p = req->p;
	uint32_t mode;
	int64_t ret = PSCI_RET_SUCCESS;

	if (psci_arg32(req, 1, &mode))
		return SMCCC_FAILED;
	if (mode != PSCI_MODE_PLATFORM_COORDINATED &&
	    mode != PSCI_MODE_OS_INITIATED)
		return psci_reply(req, PSCI_RET_INVALID_PARAMETERS);

	psci_lock(p);
	if (mode != p->suspend_mode) {
		if (psci_others_suspended_locked(p, req->vcpu))
			ret = PSCI_RET_DENIED;
		else
			p->suspend_mode = mode;
	}
	psci_unlock(p);
	return psci_reply(req, ret);
}

/* Publish that vcpu runs again, once every register it resumes with is set. */
static int psci_mark_resumed(struct psci *p, unsigned int vcpu)
{
	struct psci_cpu *cpu = &p->cpu[vcpu];
	uint64_t now = psci_now(p);
	int64_t ret;

	psci_lock(p);
	psci_stat_account(cpu, now);
	ret = psci_power_do(cpu, PSCI_DO_WAKE);
	psci_unlock(p);
	return ret == PSCI_TRANSITION_BUG ? -EPROTO : 0;
}

/*
 * A vCPU that is on only needs KVM's MP state put back (KVM may report a
 * wake-up that was not ours to act on). One that is off, starting or
 * disabled is left alone: making it RUNNABLE would let it run guest code
 * that no CPU_ON asked for.
 *
 * On failure the vCPU stays SUSPENDED with everything it needs to resume;
 * a later call redoes the whole wake-up.
 */
int psci_vcpu_wakeup(struct psci *p, unsigned int vcpu)
{
	struct psci_cpu cpu;
	int err;

	if (vcpu >= p->nr_cpus)
		return -EINVAL;

	/* Only this thread moves its vCPU out of SUSPENDED, so a copy is safe. */
	psci_lock(p);
	cpu = p->cpu[vcpu];
	psci_unlock(p);

	switch (cpu.state) {
	case PSCI_CPU_STATE_ON:
		err = psci_set_mp_state(p, vcpu, FW_MP_RUNNABLE);
		return err ? psci_errno(err) : 0;
	case PSCI_CPU_STATE_SUSPENDED:
		break;
	default:
		return 0;
	}

	if (cpu.suspend_kind == PSCI_SUSPENDED_STANDBY)
		err = psci_set_mp_state(p, vcpu, FW_MP_RUNNABLE);
	else
		/* CPU_SUSPEND power-down keeps the timer (the DT's timer is always
		 * on); a system suspend ends like a cold resume: the guest's
		 * resume path reprograms its timers. */
		err = psci_warm_boot(p, vcpu, &cpu, cpu.suspend_kind == PSCI_SUSPENDED_POWERDOWN);
	if (err)
		return psci_errno(err);

	return psci_mark_resumed(p, vcpu);
}
