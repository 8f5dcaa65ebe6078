/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * PSCI 1.1 served from userspace, as a state machine over the fw_vcpu
 * interface. This file holds the dispatcher, CPU_ON/CPU_OFF, the topology
 * queries and the life cycle; psci_suspend.c the suspend states and
 * psci_stat.c the residency statistics.
 *
 * Locking: p->lock guards every struct psci_cpu and the suspend mode. It is
 * never held across a vCPU operation (each one is an ioctl that may be slow)
 * nor while reading the clock, only around reads and transitions of state.
 *
 * Power state transitions and who makes them:
 *   OFF        -> ON_PENDING  CPU_ON, on the caller's thread (under the lock,
 *                             so exactly one of racing CPU_ONs wins)
 *   ON_PENDING -> ON          psci_vcpu_prepare, on the target's own thread,
 *                             once every register of the target is written
 *   ON         -> OFF         CPU_OFF or CPU_FREEZE, on the vCPU's own
 *                             thread, once KVM has been told to stop it
 *   ON         -> SUSPENDED   CPU_SUSPEND, CPU_DEFAULT_SUSPEND, SYSTEM_SUSPEND,
 *                             on the vCPU's own thread, once KVM knows
 *   SUSPENDED  -> ON          psci_vcpu_wakeup, on the vCPU's own thread,
 *                             once every register it resumes with is written
 *   OFF       <-> DISABLED    psci_cpu_set_enabled, from any thread (neither
 *                             state runs, so no vCPU operation is involved)
 *   anything   -> cold boot   psci_reset, while the VMM has every vCPU stopped
 * So entry/context_id/big_endian (and suspend_kind/suspend_start_us) are
 * only written by the transition into ON_PENDING or SUSPENDED and read by
 * the vCPU's own thread when it leaves that state.
 */
#include <errno.h>
#include <stdlib.h>

#include "psci_internal.h"
#include "smccc.h"

#define PSCI_VERSION_VALUE \
	((int64_t)((PSCI_VERSION_MAJOR << 16) | PSCI_VERSION_MINOR))

/* Function number inside a PSCI range: the low bits of the function ID. */
#define PSCI_FN_MASK (SMCCC_RANGE_SIZE - 1)

#define PSCI_MAX_AFFINITY_LEVEL 3

typedef enum smccc_action (*psci_handler)(const struct psci_req *req);

static enum smccc_action psci_version(const struct psci_req *req);
static enum smccc_action psci_cpu_on(const struct psci_req *req);
static enum smccc_action psci_affinity_info(const struct psci_req *req);
static enum smccc_action psci_migrate_info_type(const struct psci_req *req);
static enum smccc_action psci_system_off(const struct psci_req *req);
static enum smccc_action psci_system_reset(const struct psci_req *req);
static enum smccc_action psci_features(const struct psci_req *req);
static enum smccc_action psci_cpu_freeze(const struct psci_req *req);
static enum smccc_action psci_node_hw_state(const struct psci_req *req);
static enum smccc_action psci_system_reset2(const struct psci_req *req);

/*
 * Implemented functions, by function number, for each calling convention.
 * A NULL slot is NOT_SUPPORTED; this table is also what PSCI_FEATURES reports.
 * MIGRATE and MIGRATE_INFO_UP_CPU are left out on purpose: there is no
 * Trusted OS to migrate (MIGRATE_INFO_TYPE says so). MEM_PROTECT and
 * MEM_PROTECT_CHECK_RANGE are optional and not offered.
 */
static const struct {
	psci_handler call32;
	psci_handler call64;
} psci_handlers[SMCCC_RANGE_SIZE] = {
	[PSCI_FN_VERSION]             = { psci_version, NULL },
	[PSCI_FN_CPU_SUSPEND]         = { psci_cpu_suspend, psci_cpu_suspend },
	[PSCI_FN_CPU_OFF]             = { psci_cpu_off, NULL },
	[PSCI_FN_CPU_ON]              = { psci_cpu_on, psci_cpu_on },
	[PSCI_FN_AFFINITY_INFO]       = { psci_affinity_info, psci_affinity_info },
	[PSCI_FN_MIGRATE_INFO_TYPE]   = { psci_migrate_info_type, NULL },
	[PSCI_FN_SYSTEM_OFF]          = { psci_system_off, NULL },
	[PSCI_FN_SYSTEM_RESET]        = { psci_system_reset, NULL },
	[PSCI_FN_FEATURES]            = { psci_features, NULL },
	[PSCI_FN_CPU_FREEZE]          = { psci_cpu_freeze, NULL },
	[PSCI_FN_CPU_DEFAULT_SUSPEND] = { psci_cpu_default_suspend,
					  psci_cpu_default_suspend },
	[PSCI_FN_NODE_HW_STATE]       = { psci_node_hw_state, psci_node_hw_state },
	[PSCI_FN_SYSTEM_SUSPEND]      = { psci_system_suspend, psci_system_suspend },
	[PSCI_FN_SET_SUSPEND_MODE]    = { psci_set_suspend_mode, NULL },
	[PSCI_FN_STAT_RESIDENCY]      = { psci_stat_residency, psci_stat_residency },
	[PSCI_FN_STAT_COUNT]          = { psci_stat_count, psci_stat_count },
	[PSCI_FN_SYSTEM_RESET2]       = { psci_system_reset2, psci_system_reset2 },
};

static psci_handler psci_handler_of(uint32_t fid)
{
	uint32_t fn = fid & PSCI_FN_MASK;

	if ((fid & ~PSCI_FN_MASK) == PSCI_FID32(0))
		return psci_handlers[fn].call32;
	if ((fid & ~PSCI_FN_MASK) == PSCI_FID64(0))
		return psci_handlers[fn].call64;
	return NULL;
}

/* ---- registers of the caller ---- */

static int psci_reg_read(struct psci *p, unsigned int vcpu, enum fw_reg reg,
			 uint64_t *val)
{
	return p->host->ops->reg_read(p->host->host, vcpu, reg, val);
}

static int psci_reg_write(struct psci *p, unsigned int vcpu, enum fw_reg reg,
			  uint64_t val)
{
	return p->host->ops->reg_write(p->host->host, vcpu, reg, val);
}

int psci_arg(const struct psci_req *req, unsigned int n, uint64_t *val)
{
	return smccc_arg(req->call, n, val);
}

int psci_arg32(const struct psci_req *req, unsigned int n, uint32_t *val)
{
	return smccc_arg32(req->call, n, val);
}

/* The result goes to x0 only, negative codes sign-extended to 64 bits. */
enum smccc_action psci_reply(const struct psci_req *req, int64_t ret)
{
	smccc_reply(req->call, ret);
	return SMCCC_CONTINUE;
}

int psci_read_entry(const struct psci_req *req, unsigned int n,
		    struct psci_entry *e, bool *in_ram)
{
	uint64_t sctlr;
	int err;

	err = psci_arg(req, n, &e->pc);
	if (err)
		return err;
	*in_ram = fw_addr_in_ram(req->p->host, e->pc);
	if (!*in_ram)
		return 0;

	err = psci_arg(req, n + 1, &e->context_id);
	if (err)
		return err;
	/* The vCPU starts with the caller's data endianness. */
	err = psci_reg_read(req->p, req->vcpu, FW_REG_SCTLR_EL1, &sctlr);
	if (err)
		return err;
	e->big_endian = sctlr & FW_SCTLR_EE;
	return 0;
}

/* ---- simple answers ---- */

static enum smccc_action psci_version(const struct psci_req *req)
{
	return psci_reply(req, PSCI_VERSION_VALUE);
}

static enum smccc_action psci_migrate_info_type(const struct psci_req *req)
{
	return psci_reply(req, PSCI_MIGRATE_INFO_TYPE_NOT_PRESENT);
}

/* The VMM stops every vCPU and then acts; the guest sees no return value. */
static enum smccc_action psci_system_off(const struct psci_req *req)
{
	(void)req;
	return SMCCC_SYSTEM_OFF;
}

static enum smccc_action psci_system_reset(const struct psci_req *req)
{
	(void)req;
	return SMCCC_SYSTEM_RESET;
}

/*
 * Architectural reset types (bit 31 clear) define only the warm reset,
 * which hvmm does as SYSTEM_RESET does. hvmm defines no vendor types (bit 31
 * set), so they are refused too. The cookie is not used.
 */
static enum smccc_action psci_system_reset2(const struct psci_req *req)
{
	uint32_t type;

	if (psci_arg32(req, 1, &type))
		return SMCCC_FAILED;
	if (type != PSCI_RESET2_WARM)
		return psci_reply(req, PSCI_RET_INVALID_PARAMETERS);
	return SMCCC_SYSTEM_RESET;
}

/*
 * SMCCC_VERSION is answered by KVM itself, but Linux only asks for it when
 * PSCI_FEATURES says it exists, so it is advertised here. CPU_SUSPEND
 * answers with its feature flags instead of 0.
 */
static enum smccc_action psci_features(const struct psci_req *req)
{
	uint64_t arg;
	uint32_t fid;

	if (psci_arg(req, 1, &arg))
		return SMCCC_FAILED;
	fid = (uint32_t)arg;
	if (fid == SMCCC_VERSION_FID)
		return psci_reply(req, PSCI_RET_SUCCESS);
	if (!psci_handler_of(fid))
		return psci_reply(req, PSCI_RET_NOT_SUPPORTED);
	if ((fid & PSCI_FN_MASK) == PSCI_FN_CPU_SUSPEND)
		return psci_reply(req, psci_suspend_features(req->p));
	return psci_reply(req, PSCI_RET_SUCCESS);
}

/* ---- CPU_OFF, CPU_FREEZE ---- */

/*
 * Tell KVM first, then publish OFF: AFFINITY_INFO must not report OFF while
 * the vCPU could still run. No result is written: CPU_OFF does not return,
 * and a later CPU_ON starts the vCPU afresh at its new entry point. If KVM
 * cannot be told, the vCPU stays ON.
 */
enum smccc_action psci_cpu_off(const struct psci_req *req)
{
	struct psci *p = req->p;
	bool bug;

	if (psci_set_mp_state(p, req->vcpu, FW_MP_STOPPED))
		return SMCCC_FAILED;

	psci_lock(p);
	bug = psci_power_do(&p->cpu[req->vcpu], PSCI_DO_OFF) == PSCI_TRANSITION_BUG;
	psci_unlock(p);
	return bug ? SMCCC_FAILED : SMCCC_CONTINUE;
}

/*
 * CPU_FREEZE puts the core in a low-power state that keeps no context and
 * that only CPU_ON ends, which for a vCPU is exactly what CPU_OFF does. It
 * never needs to be refused: there is nothing to coordinate with.
 */
static enum smccc_action psci_cpu_freeze(const struct psci_req *req)
{
	return psci_cpu_off(req);
}

/* ---- CPU_ON ---- */

/*
 * The one decision of CPU_ON that races: only an OFF target accepts, so of
 * several concurrent callers exactly one sees OFF and posts its boot request.
 * The losers that find the winner's request pending get ALREADY_ON, as from
 * KVM, unless the VM asked for ON_PENDING (the state table's own answer,
 * which AFFINITY_INFO keeps giving either way).
 */
static int64_t psci_post_cpu_on(struct psci *p, unsigned int target,
				const struct psci_entry *e)
{
	struct psci_cpu *cpu = &p->cpu[target];
	int64_t ret;

	psci_lock(p);
	ret = psci_power_do(cpu, PSCI_DO_CPU_ON);
	if (ret == PSCI_RET_ON_PENDING && !p->cpu_on_pending)
		ret = PSCI_RET_ALREADY_ON;
	if (ret == PSCI_RET_SUCCESS) {
		cpu->entry = e->pc;
		cpu->context_id = e->context_id;
		cpu->big_endian = e->big_endian;
	}
	psci_unlock(p);
	return ret;
}

int psci_target_of(struct psci *p, uint64_t mpidr)
{
	int target;

	if (mpidr & ~FW_MPIDR_AFF_MASK)
		return -1;
	target = p->host->ops->vcpu_by_mpidr(p->host->host, mpidr);
	if (target < 0 || (unsigned int)target >= p->nr_cpus)
		return -1;
	return target;
}

/*
 * The target's registers belong to its own thread, so CPU_ON only records
 * the request and kicks; psci_vcpu_prepare does the rest over there.
 */
static enum smccc_action psci_cpu_on(const struct psci_req *req)
{
	struct psci *p = req->p;
	struct psci_entry e;
	uint64_t mpidr;
	bool in_ram;
	int64_t ret;
	int target;

	if (psci_arg(req, 1, &mpidr))
		return SMCCC_FAILED;
	target = psci_target_of(p, mpidr);
	if (target < 0)
		return psci_reply(req, PSCI_RET_INVALID_PARAMETERS);

	if (psci_read_entry(req, 2, &e, &in_ram))
		return SMCCC_FAILED;
	if (!in_ram)
		return psci_reply(req, PSCI_RET_INVALID_ADDRESS);

	ret = psci_post_cpu_on(p, (unsigned int)target, &e);
	if (ret == PSCI_RET_SUCCESS)
		p->host->ops->kick(p->host->host, (unsigned int)target);
	return psci_reply(req, ret);
}

/* ---- AFFINITY_INFO, NODE_HW_STATE ---- */

/*
 * MPIDR bits compared at a given lowest affinity level: the fields below
 * that level are ignored.
 */
static uint64_t psci_affinity_mask(unsigned int level)
{
	static const uint64_t ignored[PSCI_MAX_AFFINITY_LEVEL + 1] = {
		0x0, 0xff, 0xffff, 0xffffff,
	};

	return FW_MPIDR_AFF_MASK & ~ignored[level];
}

/* What one vCPU contributes to an answer (an AFFINITY_INFO or HW state). */
typedef unsigned int (*psci_classify)(const struct psci_cpu *cpu);

/*
 * The set (bit 1 << class) of the classes of the vCPUs whose affinity
 * matches at the given level; 0 when none does.
 */
static unsigned int psci_classes_at(struct psci *p, uint64_t affinity,
				    unsigned int level, psci_classify classify)
{
	uint64_t mask = psci_affinity_mask(level);
	unsigned int i, classes = 0;

	psci_lock(p);
	for (i = 0; i < p->nr_cpus; i++) {
		if ((p->cpu[i].mpidr & mask) == (affinity & mask))
			classes |= 1U << classify(&p->cpu[i]);
	}
	psci_unlock(p);
	return classes;
}

/* A suspended core is still on as far as the OS is concerned. */
static unsigned int psci_affinity_class(const struct psci_cpu *cpu)
{
	switch (cpu->state) {
	case PSCI_CPU_STATE_ON:
	case PSCI_CPU_STATE_SUSPENDED:
		return PSCI_AFF_ON;
	case PSCI_CPU_STATE_ON_PENDING:
		return PSCI_AFF_ON_PENDING;
	case PSCI_CPU_STATE_OFF:
	case PSCI_CPU_STATE_DISABLED:
	default:
		return PSCI_AFF_OFF;
	}
}

static enum smccc_action psci_affinity_info(const struct psci_req *req)
{
	uint64_t affinity, level;
	unsigned int classes;

	if (psci_arg(req, 1, &affinity) || psci_arg(req, 2, &level))
		return SMCCC_FAILED;
	if (level > PSCI_MAX_AFFINITY_LEVEL || (affinity & ~FW_MPIDR_AFF_MASK))
		return psci_reply(req, PSCI_RET_INVALID_PARAMETERS);

	classes = psci_classes_at(req->p, affinity, (unsigned int)level,
				  psci_affinity_class);
	if (!classes)
		return psci_reply(req, PSCI_RET_INVALID_PARAMETERS);
	if (classes & (1U << PSCI_AFF_ON))
		return psci_reply(req, PSCI_AFF_ON);
	if (classes & (1U << PSCI_AFF_ON_PENDING))
		return psci_reply(req, PSCI_AFF_ON_PENDING);
	return psci_reply(req, PSCI_AFF_OFF);
}

/*
 * The "hardware" state: a core that has accepted CPU_ON is powered, one in
 * standby keeps its context, every other suspended or off core is down.
 */
static unsigned int psci_hw_class(const struct psci_cpu *cpu)
{
	switch (cpu->state) {
	case PSCI_CPU_STATE_ON:
	case PSCI_CPU_STATE_ON_PENDING:
		return PSCI_HW_ON;
	case PSCI_CPU_STATE_SUSPENDED:
		return cpu->suspend_kind == PSCI_SUSPENDED_STANDBY ?
		       PSCI_HW_STANDBY : PSCI_HW_OFF;
	case PSCI_CPU_STATE_OFF:
	case PSCI_CPU_STATE_DISABLED:
	default:
		return PSCI_HW_OFF;
	}
}

/* A node is on if any core in it is, in standby if any core is, else off. */
static enum smccc_action psci_node_hw_state(const struct psci_req *req)
{
	struct psci *p = req->p;
	unsigned int classes;
	uint64_t mpidr;
	uint32_t level;
	int target;

	if (psci_arg(req, 1, &mpidr))
		return SMCCC_FAILED;
	target = psci_target_of(p, mpidr);
	if (target < 0)
		return psci_reply(req, PSCI_RET_INVALID_PARAMETERS);
	if (psci_arg32(req, 2, &level))
		return SMCCC_FAILED;
	if (level > PSCI_MAX_AFFINITY_LEVEL)
		return psci_reply(req, PSCI_RET_INVALID_PARAMETERS);

	classes = psci_classes_at(p, mpidr, level, psci_hw_class);
	if (classes & (1U << PSCI_HW_ON))
		return psci_reply(req, PSCI_HW_ON);
	if (classes & (1U << PSCI_HW_STANDBY))
		return psci_reply(req, PSCI_HW_STANDBY);
	return psci_reply(req, PSCI_HW_OFF);
}

/* ---- dispatch ---- */

/* SMC64/HVC64 calls exist only for callers in AArch64 state. */
static int psci_caller_is_aarch32(const struct psci_req *req, bool *aarch32)
{
	uint64_t pstate;
	int err = psci_reg_read(req->p, req->vcpu, FW_REG_PSTATE, &pstate);

	if (!err)
		*aarch32 = pstate & FW_PSTATE_nRW;
	return err;
}

enum smccc_action psci_call(struct psci *p, struct smccc_call *c)
{
	struct psci_req req = {
		.p = p,
		.vcpu = c->vcpu,
		.is64 = c->smc64,
		.call = c,
	};
	psci_handler handler;
	bool aarch32;

	if (c->vcpu >= p->nr_cpus)
		return SMCCC_FAILED;

	handler = psci_handler_of(c->fid);
	if (!handler)
		return psci_reply(&req, PSCI_RET_NOT_SUPPORTED);

	if (req.is64) {
		if (psci_caller_is_aarch32(&req, &aarch32))
			return SMCCC_FAILED;
		if (aarch32)
			return psci_reply(&req, PSCI_RET_NOT_SUPPORTED);
	}
	return handler(&req);
}

/* ---- the vCPU's own thread ---- */

/*
 * Reset values everywhere (EL1h, DAIF masked, MMU off), then the entry
 * point and context_id, then let KVM run it.
 */
int psci_warm_boot(struct psci *p, unsigned int vcpu,
		   const struct psci_cpu *boot, bool keep_timer)
{
	const struct fw_host *h = p->host;
	uint64_t sctlr;
	int err;

	err = h->ops->reset(h->host, vcpu, keep_timer);
	if (!err)
		err = psci_reg_write(p, vcpu, FW_REG_PC, boot->entry);
	if (!err)
		err = psci_reg_write(p, vcpu, FW_REG_X0, boot->context_id);
	if (!err && boot->big_endian) {
		err = psci_reg_read(p, vcpu, FW_REG_SCTLR_EL1, &sctlr);
		if (!err)
			err = psci_reg_write(p, vcpu, FW_REG_SCTLR_EL1,
					     sctlr | FW_SCTLR_EE);
	}
	if (!err)
		err = psci_set_mp_state(p, vcpu, FW_MP_RUNNABLE);
	return err;
}

/*
 * A vCPU in CPU_SUSPEND enters KVM_RUN: KVM itself waits there for a wake-up
 * event. A system-suspended one is woken by the VMM, not by an interrupt.
 *
 * On a failed warm boot the vCPU stays ON_PENDING (AFFINITY_INFO keeps
 * answering ON_PENDING, further CPU_ONs ON_PENDING) and a later call
 * retries the whole warm boot from the reset; the VMM normally treats the
 * error as fatal.
 */
int psci_vcpu_prepare(struct psci *p, unsigned int vcpu, bool *powered_on)
{
	struct psci_cpu boot;
	bool bug;
	int err;

	if (powered_on)
		*powered_on = false;
	if (vcpu >= p->nr_cpus)
		return -EINVAL;

	/* Only this thread moves its vCPU out of ON_PENDING, so a copy is safe. */
	psci_lock(p);
	boot = p->cpu[vcpu];
	psci_unlock(p);

	switch (boot.state) {
	case PSCI_CPU_STATE_ON:
		return 1;
	case PSCI_CPU_STATE_SUSPENDED:
		return boot.suspend_kind != PSCI_SUSPENDED_SYSTEM;
	case PSCI_CPU_STATE_ON_PENDING:
		break;
	case PSCI_CPU_STATE_OFF:
	case PSCI_CPU_STATE_DISABLED:
	default:
		return 0;
	}

	err = psci_warm_boot(p, vcpu, &boot, false);
	if (err)
		return psci_errno(err);

	psci_lock(p);
	bug = psci_power_do(&p->cpu[vcpu], PSCI_DO_BOOT) == PSCI_TRANSITION_BUG;
	psci_unlock(p);
	if (bug)
		return -EPROTO;
	if (powered_on)
		*powered_on = true;
	return 1;
}

/* ---- state for the VMM ---- */

enum psci_cpu_state psci_cpu_state(struct psci *p, unsigned int vcpu)
{
	enum psci_cpu_state state;

	if (vcpu >= p->nr_cpus)
		return PSCI_CPU_STATE_OFF;

	psci_lock(p);
	state = p->cpu[vcpu].state;
	psci_unlock(p);
	return state;
}

const char *psci_cpu_state_name(enum psci_cpu_state state)
{
	switch (state) {
	case PSCI_CPU_STATE_OFF:
		return "off";
	case PSCI_CPU_STATE_ON_PENDING:
		return "pending";
	case PSCI_CPU_STATE_ON:
		return "on";
	case PSCI_CPU_STATE_SUSPENDED:
		return "suspended";
	case PSCI_CPU_STATE_DISABLED:
		return "disabled";
	}
	return "unknown";
}

/*
 * Only an off vCPU can change: one that runs, is starting or is suspended
 * has guest state that disabling would lose. Enabling a vCPU that is not
 * disabled is -EALREADY whatever it is doing.
 */
int psci_cpu_set_enabled(struct psci *p, unsigned int vcpu, bool enabled)
{
	struct psci_cpu *cpu;
	int ret = 0;

	if (vcpu >= p->nr_cpus)
		return -EINVAL;

	cpu = &p->cpu[vcpu];
	psci_lock(p);
	ret = (int)psci_power_do(cpu, enabled ? PSCI_DO_ENABLE : PSCI_DO_DISABLE);
	psci_unlock(p);
	return ret;
}

/* ---- life cycle ---- */

static bool psci_host_usable(const struct fw_host *host)
{
	const struct fw_vcpu_ops *ops = host ? host->ops : NULL;

	return ops && ops->reg_read && ops->reg_write && ops->set_mp_state &&
	       ops->reset && ops->kick && ops->vcpu_by_mpidr && ops->clock_us;
}

static bool psci_config_valid(const struct psci_config *cfg)
{
	return cfg && cfg->mpidrs && cfg->nr_cpus >= 1 &&
	       cfg->nr_enabled <= cfg->nr_cpus &&
	       cfg->boot_cpu < cfg->nr_enabled &&
	       (cfg->pstate_format == PSCI_PSTATE_FORMAT_EXTENDED ||
		cfg->pstate_format == PSCI_PSTATE_FORMAT_ORIGINAL);
}

int psci_init(struct psci *p, const struct fw_host *host,
	      const struct psci_config *cfg)
{
	unsigned int i;
	int err;

	if (!p || !psci_host_usable(host) || !psci_config_valid(cfg))
		return -EINVAL;

	p->cpu = calloc(cfg->nr_cpus, sizeof(*p->cpu));
	if (!p->cpu)
		return -ENOMEM;

	err = pthread_mutex_init(&p->lock, NULL);
	if (err) {
		free(p->cpu);
		p->cpu = NULL;
		return -err;
	}

	p->host = host;
	p->nr_cpus = cfg->nr_cpus;
	p->boot_cpu = cfg->boot_cpu;
	p->pstate_format = cfg->pstate_format;
	p->cpu_on_pending = cfg->cpu_on_pending;
	for (i = 0; i < cfg->nr_cpus; i++) {
		/* MPIDR_EL1 also has RES1 and MT/U bits; only affinity matters. */
		p->cpu[i].mpidr = cfg->mpidrs[i] & FW_MPIDR_AFF_MASK;
		p->cpu[i].state = i < cfg->nr_enabled ? PSCI_CPU_STATE_OFF
						      : PSCI_CPU_STATE_DISABLED;
	}
	psci_reset(p);
	return 0;
}

/*
 * Which vCPUs are enabled survives a reset (it is the machine's
 * configuration, not guest state), except that the boot vCPU is always
 * enabled again: a machine must have a CPU to boot on.
 */
void psci_reset(struct psci *p)
{
	struct psci_cpu *cpu;
	unsigned int i;

	psci_lock(p);
	for (i = 0; i < p->nr_cpus; i++) {
		cpu = &p->cpu[i];
		psci_power_do(cpu, PSCI_DO_RESET);   /* allowed in every state */
		*cpu = (struct psci_cpu){ .mpidr = cpu->mpidr, .state = cpu->state };
	}
	psci_power_do(&p->cpu[p->boot_cpu], PSCI_DO_COLD_BOOT);
	p->suspend_mode = PSCI_MODE_PLATFORM_COORDINATED;
	psci_unlock(p);
}

void psci_destroy(struct psci *p)
{
	if (!p || !p->cpu)
		return;
	pthread_mutex_destroy(&p->lock);
	free(p->cpu);
	p->cpu = NULL;
	p->nr_cpus = 0;
}
