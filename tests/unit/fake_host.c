/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The fake vCPU host (see fake_host.h): struct fw_vcpu_ops over plain
 * memory, checking the threading and locking rules on every operation.
 */
#include <errno.h>
#include <stddef.h>

#include "firmware/apf_internal.h"	/* only for the locks the fake checks are free */
#include "firmware/sdei_internal.h"
#include "tests/unit/fake_host.h"

extern const struct smccc_service apf_service;

static void fake_violation(struct fake_host *h, const char *op, const char *rule,
			   unsigned int vcpu)
{
	atomic_fetch_add(&h->violations, 1);
	if (h->hooks.violation)
		h->hooks.violation(h->hooks.ctx, op, rule, vcpu);
}

static void fake_check_lock_free(struct fake_host *h, pthread_mutex_t *lock,
				 const char *op, const char *rule, unsigned int vcpu)
{
	if (pthread_mutex_trylock(lock))
		fake_violation(h, op, rule, vcpu);
	else
		pthread_mutex_unlock(lock);
}

/* In single-threaded use no host operation may run under a firmware lock. */
static void fake_check_unlocked(struct fake_host *h, const char *op, unsigned int vcpu)
{
	if (!h->check_locks)
		return;
	fake_check_lock_free(h, &h->fw->psci.lock, op, "under the PSCI lock", vcpu);
	if (h->fw->sdei)
		fake_check_lock_free(h, &h->fw->sdei->lock, op, "under the SDEI lock", vcpu);
	if (firmware_state(h->fw, &apf_service))
		fake_check_lock_free(h, &((struct apf *)firmware_state(h->fw, &apf_service))->lock, op,
				     "under the async-pf lock", vcpu);
}

/* The vCPU, if the calling thread is allowed to operate on it. */
static struct fake_vcpu *fake_own(struct fake_host *h, unsigned int vcpu, const char *op)
{
	struct fake_vcpu *v;

	if (vcpu >= h->nr_vcpus) {
		fake_violation(h, op, "on no vCPU", vcpu);
		return NULL;
	}
	v = &h->v[vcpu];
	if (!v->entered || !pthread_equal(v->thread, pthread_self())) {
		fake_violation(h, op, "from a thread that has not entered the vCPU", vcpu);
		return NULL;
	}
	fake_check_unlocked(h, op, vcpu);
	return v;
}

/* An injected failure, as a negative errno (or whatever the hook says). */
static int fake_failure(struct fake_host *h, int fail)
{
	int err = h->hooks.inject_failure ? h->hooks.inject_failure(h->hooks.ctx) : 0;

	return err ? err : -fail;
}

/* Remember the PSCI state of a vCPU while its warm boot is being done. */
static void fake_note_boot_state(struct fake_host *h, unsigned int vcpu)
{
	if (h->check_locks)
		h->v[vcpu].boot_states_seen |= 1U << psci_cpu_state(&h->fw->psci, vcpu);
}

static int fake_reg_read(void *host, unsigned int vcpu, enum fw_reg reg, uint64_t *val)
{
	struct fake_host *h = host;
	struct fake_vcpu *v = fake_own(h, vcpu, "reg_read");
	int err;

	if (!v || (unsigned int)reg >= FW_REG_COUNT) {
		if (v)
			fake_violation(h, "reg_read", "of no register", vcpu);
		return -EPERM;
	}
	err = fake_failure(h, v->fail_read);
	if (err)
		return err;
	v->reads[reg]++;
	*val = v->reg[reg];
	return 0;
}

static int fake_reg_write(void *host, unsigned int vcpu, enum fw_reg reg, uint64_t val)
{
	struct fake_host *h = host;
	struct fake_vcpu *v = fake_own(h, vcpu, "reg_write");
	int err;

	if (!v || (unsigned int)reg >= FW_REG_COUNT) {
		if (v)
			fake_violation(h, "reg_write", "of no register", vcpu);
		return -EPERM;
	}
	err = fake_failure(h, v->fail_write);
	if (err)
		return err;
	if (reg == FW_REG_PC)
		fake_note_boot_state(h, vcpu);
	v->written |= 1ULL << reg;
	v->written_now |= 1ULL << reg;
	v->writes[reg]++;
	v->reg[reg] = val;
	return 0;
}

static int fake_set_mp_state(void *host, unsigned int vcpu, enum fw_mp_state state)
{
	struct fake_host *h = host;
	struct fake_vcpu *v = fake_own(h, vcpu, "set_mp_state");
	int err;

	if (!v)
		return -EPERM;
	if (state != FW_MP_RUNNABLE && state != FW_MP_STOPPED && state != FW_MP_SUSPENDED) {
		fake_violation(h, "set_mp_state", "to no MP state", vcpu);
		return -EPERM;
	}
	err = fake_failure(h, v->fail_mp_state);
	if (err)
		return err;
	if (state == FW_MP_RUNNABLE)
		fake_note_boot_state(h, vcpu);
	if (state == FW_MP_SUSPENDED) {
		v->x0_at_suspend = v->reg[FW_REG_X0];
		v->x0_written_at_suspend = v->written_now & (1ULL << FW_REG_X0);
	}
	v->mp_state = state;
	return 0;
}

/* Like KVM_ARM_VCPU_INIT again: zeroed core registers, EL1h DAIF masked. */
static int fake_reset(void *host, unsigned int vcpu, bool keep_timer)
{
	struct fake_host *h = host;
	struct fake_vcpu *v = fake_own(h, vcpu, "reset");
	unsigned int i;
	int err;

	if (!v)
		return -EPERM;
	err = fake_failure(h, v->fail_reset);
	if (err)
		return err;
	fake_note_boot_state(h, vcpu);
	for (i = 0; i < FW_REG_COUNT; i++)
		v->reg[i] = 0;
	v->reg[FW_REG_PSTATE] = FW_PSTATE_EL1H_DAIF;
	v->reg[FW_REG_SCTLR_EL1] = FAKE_HOST_SCTLR_RESET;
	v->reg[FW_REG_MPIDR_EL1] = v->mpidr;
	v->resets++;
	v->last_reset_kept_timer = keep_timer;
	return 0;
}

/* Any thread may kick any vCPU. */
static void fake_kick(void *host, unsigned int vcpu)
{
	struct fake_host *h = host;

	if (vcpu >= h->nr_vcpus) {
		fake_violation(h, "kick", "of no vCPU", vcpu);
		return;
	}
	fake_check_unlocked(h, "kick", vcpu);
	atomic_fetch_add(&h->v[vcpu].kicks, 1);
}

static int fake_vcpu_by_mpidr(void *host, uint64_t mpidr)
{
	struct fake_host *h = host;
	unsigned int i;

	for (i = 0; i < h->nr_vcpus; i++) {
		if ((h->v[i].mpidr & FW_MPIDR_AFF_MASK) == mpidr)
			return (int)i;
	}
	return -1;
}

static uint64_t fake_clock_us(void *host)
{
	struct fake_host *h = host;

	fake_check_unlocked(h, "clock_us", 0);
	return h->now_us;
}

/* Any thread, and under the async-pf lock too (the service keeps its
 * line's levels in its queue's order; a VM-wide ioctl never waits for a
 * vCPU), but not under PSCI's or SDEI's. A level that does not change the
 * line is a bug of the caller (the firmware keeps the level it gave). */
static int fake_ppi_level(void *host, unsigned int vcpu, uint32_t intid, int level)
{
	struct fake_host *h = host;
	unsigned int bit, old;

	if (vcpu >= h->nr_vcpus || intid < 16 || intid > 31 || (level != 0 && level != 1)) {
		fake_violation(h, "ppi_level", "of no vCPU, PPI or level", vcpu);
		return -EINVAL;
	}
	if (h->check_locks) {
		fake_check_lock_free(h, &h->fw->psci.lock, "ppi_level", "under the PSCI lock", vcpu);
		if (h->fw->sdei)
			fake_check_lock_free(h, &h->fw->sdei->lock, "ppi_level", "under the SDEI lock", vcpu);
	}
	bit = 1U << intid;
	old = level ? atomic_fetch_or(&h->v[vcpu].ppi_high, bit) : atomic_fetch_and(&h->v[vcpu].ppi_high, ~bit);
	if (!!(old & bit) == level)
		fake_violation(h, "ppi_level", "to the level the line already has", vcpu);
	else if (level)
		atomic_fetch_add(&h->v[vcpu].ppi_raises, 1);
	return 0;
}

const struct fw_vcpu_ops fake_host_ops = {
	.reg_read = fake_reg_read,
	.reg_write = fake_reg_write,
	.set_mp_state = fake_set_mp_state,
	.reset = fake_reset,
	.kick = fake_kick,
	.vcpu_by_mpidr = fake_vcpu_by_mpidr,
	.clock_us = fake_clock_us,
	.ppi_level = fake_ppi_level,
};

void fake_host_init(struct fake_host *h, struct firmware *fw, unsigned int nr_vcpus,
		    uint64_t ram_base, uint64_t ram_size)
{
	h->nr_vcpus = nr_vcpus;
	h->fw = fw;
	h->check_locks = true;
	h->fw_host = (struct fw_host){
		.ops = &fake_host_ops,
		.host = h,
		.ram_base = ram_base,
		.ram_size = ram_size,
	};
}

void fake_host_enter(struct fake_host *h, unsigned int vcpu)
{
	h->v[vcpu].thread = pthread_self();
	h->v[vcpu].entered = true;
}

void fake_host_leave(struct fake_host *h, unsigned int vcpu)
{
	h->v[vcpu].entered = false;
}

enum smccc_action fake_host_call(struct fake_host *h, unsigned int vcpu, uint32_t fid,
			       const uint64_t *args, unsigned int nargs)
{
	struct fake_vcpu *v = &h->v[vcpu];
	enum smccc_action out;
	unsigned int i;

	v->reg[FW_REG_X0] = fid;
	for (i = 0; i < nargs; i++)
		v->reg[1 + i] = args[i];
	v->written_now = 0;
	fake_host_enter(h, vcpu);
	out = fw_call_hvc(h->fw, vcpu, fid);
	fake_host_leave(h, vcpu);
	return out;
}
