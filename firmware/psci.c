/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * PSCI 1.1 served from userspace, as a state machine over the fw_vcpu
 * interface.
 *
 * Locking: p->lock guards every struct psci_cpu. It is never held across a
 * vCPU operation (each one is an ioctl that may be slow), only around reads
 * and transitions of the power state.
 *
 * Power state transitions and who makes them:
 *   OFF        -> ON_PENDING  CPU_ON, on the caller's thread (under the lock,
 *                             so exactly one of racing CPU_ONs wins)
 *   ON_PENDING -> ON          psci_vcpu_prepare, on the target's own thread,
 *                             once every register of the target is written
 *   ON         -> OFF         CPU_OFF, on the vCPU's own thread, once KVM has
 *                             been told to stop it
 * So the entry/context_id/big_endian fields of an ON_PENDING vCPU are only
 * written by the CPU_ON that moved it there and read by its own thread.
 */
#include <errno.h>
#include <stdlib.h>

#include "psci.h"
#include "smccc.h"

#define PSCI_VERSION_VALUE \
	((int64_t)((PSCI_VERSION_MAJOR << 16) | PSCI_VERSION_MINOR))

/* Function number inside a PSCI range: the low bits of the function ID. */
#define PSCI_FN_MASK (SMCCC_RANGE_SIZE - 1)

#define PSCI_MAX_AFFINITY_LEVEL 3

/* A call being served: who made it, and how wide its arguments are. */
struct psci_req {
	struct psci *p;
	unsigned int vcpu;
	bool is64;
};

typedef enum psci_outcome (*psci_handler)(const struct psci_req *req);

static enum psci_outcome psci_version(const struct psci_req *req);
static enum psci_outcome psci_cpu_off(const struct psci_req *req);
static enum psci_outcome psci_cpu_on(const struct psci_req *req);
static enum psci_outcome psci_affinity_info(const struct psci_req *req);
static enum psci_outcome psci_migrate_info_type(const struct psci_req *req);
static enum psci_outcome psci_system_off(const struct psci_req *req);
static enum psci_outcome psci_system_reset(const struct psci_req *req);
static enum psci_outcome psci_features(const struct psci_req *req);

/*
 * Implemented functions, by function number, for each calling convention.
 * A NULL slot is NOT_SUPPORTED; this table is also what PSCI_FEATURES reports.
 */
static const struct {
	psci_handler call32;
	psci_handler call64;
} psci_handlers[SMCCC_RANGE_SIZE] = {
	[PSCI_FN_VERSION]           = { psci_version, NULL },
	[PSCI_FN_CPU_OFF]           = { psci_cpu_off, NULL },
	[PSCI_FN_CPU_ON]            = { psci_cpu_on, psci_cpu_on },
	[PSCI_FN_AFFINITY_INFO]     = { psci_affinity_info, psci_affinity_info },
	[PSCI_FN_MIGRATE_INFO_TYPE] = { psci_migrate_info_type, NULL },
	[PSCI_FN_SYSTEM_OFF]        = { psci_system_off, NULL },
	[PSCI_FN_SYSTEM_RESET]      = { psci_system_reset, NULL },
	[PSCI_FN_FEATURES]          = { psci_features, NULL },
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

static void psci_lock(struct psci *p)
{
	pthread_mutex_lock(&p->lock);
}

static void psci_unlock(struct psci *p)
{
	pthread_mutex_unlock(&p->lock);
}

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

/* Argument n (x1..x3) of the call; SMC32/HVC32 calls only pass 32 bits. */
static int psci_arg(const struct psci_req *req, unsigned int n, uint64_t *val)
{
	int err = psci_reg_read(req->p, req->vcpu, FW_REG_X0 + n, val);

	if (!err && !req->is64)
		*val = (uint32_t)*val;
	return err;
}

/* The result goes to x0 only, negative codes sign-extended to 64 bits. */
static enum psci_outcome psci_reply(const struct psci_req *req, int64_t ret)
{
	if (psci_reg_write(req->p, req->vcpu, FW_REG_X0, (uint64_t)ret))
		return PSCI_FAILED;
	return PSCI_DONE;
}

static enum psci_outcome psci_version(const struct psci_req *req)
{
	return psci_reply(req, PSCI_VERSION_VALUE);
}

static enum psci_outcome psci_migrate_info_type(const struct psci_req *req)
{
	return psci_reply(req, PSCI_MIGRATE_INFO_TYPE_NOT_PRESENT);
}

/* The VMM stops every vCPU and then acts; the guest sees no return value. */
static enum psci_outcome psci_system_off(const struct psci_req *req)
{
	(void)req;
	return PSCI_SYSTEM_OFF;
}

static enum psci_outcome psci_system_reset(const struct psci_req *req)
{
	(void)req;
	return PSCI_SYSTEM_RESET;
}

/*
 * SMCCC_VERSION is answered by KVM itself, but Linux only asks for it when
 * PSCI_FEATURES says it exists, so it is advertised here.
 */
static enum psci_outcome psci_features(const struct psci_req *req)
{
	uint64_t fid;

	if (psci_arg(req, 1, &fid))
		return PSCI_FAILED;
	if (fid == SMCCC_VERSION_FID || psci_handler_of((uint32_t)fid))
		return psci_reply(req, PSCI_RET_SUCCESS);
	return psci_reply(req, PSCI_RET_NOT_SUPPORTED);
}

/*
 * Tell KVM first, then publish OFF: AFFINITY_INFO must not report OFF while
 * the vCPU could still run. No result is written: CPU_OFF does not return,
 * and a later CPU_ON starts the vCPU afresh at its new entry point.
 */
static enum psci_outcome psci_cpu_off(const struct psci_req *req)
{
	struct psci *p = req->p;

	if (p->host->ops->set_mp_state(p->host->host, req->vcpu, FW_MP_STOPPED))
		return PSCI_FAILED;

	psci_lock(p);
	p->cpu[req->vcpu].state = PSCI_CPU_STATE_OFF;
	psci_unlock(p);
	return PSCI_DONE;
}

/*
 * The one decision of CPU_ON that races: only an OFF target accepts, so of
 * several concurrent callers exactly one sees OFF and posts its boot request.
 */
static int64_t psci_post_cpu_on(struct psci *p, unsigned int target,
				uint64_t entry, uint64_t context_id,
				bool big_endian)
{
	struct psci_cpu *cpu = &p->cpu[target];
	int64_t ret;

	psci_lock(p);
	switch (cpu->state) {
	case PSCI_CPU_STATE_ON:
		ret = PSCI_RET_ALREADY_ON;
		break;
	case PSCI_CPU_STATE_ON_PENDING:
		ret = PSCI_RET_ON_PENDING;
		break;
	case PSCI_CPU_STATE_OFF:
	default:
		cpu->entry = entry;
		cpu->context_id = context_id;
		cpu->big_endian = big_endian;
		cpu->state = PSCI_CPU_STATE_ON_PENDING;
		ret = PSCI_RET_SUCCESS;
		break;
	}
	psci_unlock(p);
	return ret;
}

/* Index of the vCPU named by a CPU_ON target, or -1. */
static int psci_target_of(struct psci *p, uint64_t mpidr)
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
static enum psci_outcome psci_cpu_on(const struct psci_req *req)
{
	struct psci *p = req->p;
	uint64_t mpidr, entry, context_id, sctlr;
	int64_t ret;
	int target;

	if (psci_arg(req, 1, &mpidr))
		return PSCI_FAILED;
	target = psci_target_of(p, mpidr);
	if (target < 0)
		return psci_reply(req, PSCI_RET_INVALID_PARAMETERS);

	if (psci_arg(req, 2, &entry))
		return PSCI_FAILED;
	if (!fw_addr_in_ram(p->host, entry))
		return psci_reply(req, PSCI_RET_INVALID_ADDRESS);

	if (psci_arg(req, 3, &context_id))
		return PSCI_FAILED;
	/* The target inherits the caller's data endianness. */
	if (psci_reg_read(p, req->vcpu, FW_REG_SCTLR_EL1, &sctlr))
		return PSCI_FAILED;

	ret = psci_post_cpu_on(p, (unsigned int)target, entry, context_id,
			       sctlr & FW_SCTLR_EE);
	if (ret == PSCI_RET_SUCCESS)
		p->host->ops->kick(p->host->host, (unsigned int)target);
	return psci_reply(req, ret);
}

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

/* Aggregate state of the vCPUs whose MPIDR matches affinity under mask. */
static int64_t psci_affinity_state(struct psci *p, uint64_t affinity,
				   uint64_t mask)
{
	bool found = false, on = false, pending = false;
	unsigned int i;

	psci_lock(p);
	for (i = 0; i < p->nr_cpus; i++) {
		if ((p->cpu[i].mpidr & mask) != (affinity & mask))
			continue;
		found = true;
		on |= p->cpu[i].state == PSCI_CPU_STATE_ON;
		pending |= p->cpu[i].state == PSCI_CPU_STATE_ON_PENDING;
	}
	psci_unlock(p);

	if (!found)
		return PSCI_RET_INVALID_PARAMETERS;
	if (on)
		return PSCI_AFF_ON;
	if (pending)
		return PSCI_AFF_ON_PENDING;
	return PSCI_AFF_OFF;
}

static enum psci_outcome psci_affinity_info(const struct psci_req *req)
{
	uint64_t affinity, level;

	if (psci_arg(req, 1, &affinity) || psci_arg(req, 2, &level))
		return PSCI_FAILED;
	if (level > PSCI_MAX_AFFINITY_LEVEL || (affinity & ~FW_MPIDR_AFF_MASK))
		return psci_reply(req, PSCI_RET_INVALID_PARAMETERS);

	return psci_reply(req, psci_affinity_state(req->p, affinity,
				psci_affinity_mask((unsigned int)level)));
}

/* SMC64/HVC64 calls exist only for callers in AArch64 state. */
static int psci_caller_is_aarch32(const struct psci_req *req, bool *aarch32)
{
	uint64_t pstate;
	int err = psci_reg_read(req->p, req->vcpu, FW_REG_PSTATE, &pstate);

	if (!err)
		*aarch32 = pstate & FW_PSTATE_nRW;
	return err;
}

enum psci_outcome psci_call(struct psci *p, unsigned int vcpu, uint32_t fid)
{
	struct psci_req req = {
		.p = p,
		.vcpu = vcpu,
		.is64 = fid & SMCCC_64BIT,
	};
	psci_handler handler;
	bool aarch32;

	if (vcpu >= p->nr_cpus)
		return PSCI_FAILED;

	handler = psci_handler_of(fid);
	if (!handler)
		return psci_reply(&req, PSCI_RET_NOT_SUPPORTED);

	if (req.is64) {
		if (psci_caller_is_aarch32(&req, &aarch32))
			return PSCI_FAILED;
		if (aarch32)
			return psci_reply(&req, PSCI_RET_NOT_SUPPORTED);
	}
	return handler(&req);
}

/*
 * Warm boot of a vCPU whose CPU_ON was accepted: reset values everywhere
 * (EL1h, DAIF masked, MMU off), then the entry point and context_id, then
 * let KVM run it.
 */
static int psci_warm_boot(struct psci *p, unsigned int vcpu,
			  const struct psci_cpu *boot)
{
	const struct fw_host *h = p->host;
	uint64_t sctlr;
	int err;

	err = h->ops->reset(h->host, vcpu);
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
		err = h->ops->set_mp_state(h->host, vcpu, FW_MP_RUNNABLE);
	return err;
}

/*
 * On failure the vCPU stays ON_PENDING (AFFINITY_INFO keeps answering
 * ON_PENDING, further CPU_ONs ON_PENDING) and a later call retries the whole
 * warm boot from the reset; the VMM normally treats the error as fatal.
 */
int psci_vcpu_prepare(struct psci *p, unsigned int vcpu)
{
	struct psci_cpu boot;
	int err;

	if (vcpu >= p->nr_cpus)
		return -EINVAL;

	/* Only this thread moves its vCPU out of ON_PENDING, so a copy is safe. */
	psci_lock(p);
	boot = p->cpu[vcpu];
	psci_unlock(p);

	if (boot.state == PSCI_CPU_STATE_ON)
		return 1;
	if (boot.state == PSCI_CPU_STATE_OFF)
		return 0;

	err = psci_warm_boot(p, vcpu, &boot);
	if (err)
		return err < 0 ? err : -EIO;

	psci_lock(p);
	p->cpu[vcpu].state = PSCI_CPU_STATE_ON;
	psci_unlock(p);
	return 1;
}

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

int psci_init(struct psci *p, const struct fw_host *host, unsigned int nr_cpus,
	      const uint64_t *mpidrs, unsigned int boot_cpu)
{
	unsigned int i;
	int err;

	if (!p || !host || !host->ops || !mpidrs || !nr_cpus ||
	    boot_cpu >= nr_cpus)
		return -EINVAL;

	p->cpu = calloc(nr_cpus, sizeof(*p->cpu));
	if (!p->cpu)
		return -ENOMEM;

	err = pthread_mutex_init(&p->lock, NULL);
	if (err) {
		free(p->cpu);
		p->cpu = NULL;
		return -err;
	}

	p->host = host;
	p->nr_cpus = nr_cpus;
	for (i = 0; i < nr_cpus; i++) {
		/* MPIDR_EL1 also has RES1 and MT/U bits; only affinity matters. */
		p->cpu[i].mpidr = mpidrs[i] & FW_MPIDR_AFF_MASK;
		p->cpu[i].state = i == boot_cpu ? PSCI_CPU_STATE_ON
						: PSCI_CPU_STATE_OFF;
	}
	return 0;
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
