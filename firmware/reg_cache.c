/* SPDX-License-Identifier: GPL-2.0-only */
/* The firmware's per-exit register cache (reg_cache.h): a fw_host over a fw_host. */
#include <errno.h>
#include <stdlib.h>

#include "reg_cache.h"

static struct reg_cache_vcpu *cached(struct reg_cache *rc, unsigned int vcpu, enum fw_reg reg)
{
	return vcpu < rc->nr_vcpus && (unsigned int)reg < FW_REG_COUNT ? &rc->v[vcpu] : NULL;
}

static int rc_reg_read(void *host, unsigned int vcpu, enum fw_reg reg, uint64_t *val)
{
	struct reg_cache *rc = host;
	struct reg_cache_vcpu *c = cached(rc, vcpu, reg);
	int err;

	if (c && (c->known & (1ULL << reg))) {
		*val = c->val[reg];
		return 0;
	}
	err = rc->inner.ops->reg_read(rc->inner.host, vcpu, reg, val);
	if (!err && c) {
		c->val[reg] = *val;
		c->known |= 1ULL << reg;
	}
	return err;
}

/* A failed write leaves the register unknown (KVM may or may not have it). */
static int rc_reg_write(void *host, unsigned int vcpu, enum fw_reg reg, uint64_t val)
{
	struct reg_cache *rc = host;
	struct reg_cache_vcpu *c = cached(rc, vcpu, reg);
	int err = rc->inner.ops->reg_write(rc->inner.host, vcpu, reg, val);

	if (c) {
		c->val[reg] = val;
		c->known = err ? c->known & ~(1ULL << reg) : c->known | 1ULL << reg;
	}
	return err;
}

static int rc_set_mp_state(void *host, unsigned int vcpu, enum fw_mp_state state)
{
	struct reg_cache *rc = host;

	return rc->inner.ops->set_mp_state(rc->inner.host, vcpu, state);
}

/* Every register has its reset value now, which the firmware does not know. */
static int rc_reset(void *host, unsigned int vcpu, bool keep_timer)
{
	struct reg_cache *rc = host;
	int err = rc->inner.ops->reset(rc->inner.host, vcpu, keep_timer);

	reg_cache_forget(rc, vcpu);
	return err;
}

static void rc_kick(void *host, unsigned int vcpu)
{
	struct reg_cache *rc = host;

	rc->inner.ops->kick(rc->inner.host, vcpu);
}

static int rc_vcpu_by_mpidr(void *host, uint64_t mpidr)
{
	struct reg_cache *rc = host;

	return rc->inner.ops->vcpu_by_mpidr(rc->inner.host, mpidr);
}

static uint64_t rc_clock_us(void *host)
{
	struct reg_cache *rc = host;

	return rc->inner.ops->clock_us(rc->inner.host);
}

static int rc_ppi_level(void *host, unsigned int vcpu, uint32_t intid, int level)
{
	struct reg_cache *rc = host;

	return rc->inner.ops->ppi_level(rc->inner.host, vcpu, intid, level);
}

/* An operation the inner host lacks stays missing, so that the services'
 * own checks of their host still see it. */
static const struct fw_vcpu_ops rc_ops_all = {
	.reg_read = rc_reg_read,
	.reg_write = rc_reg_write,
	.set_mp_state = rc_set_mp_state,
	.reset = rc_reset,
	.kick = rc_kick,
	.vcpu_by_mpidr = rc_vcpu_by_mpidr,
	.clock_us = rc_clock_us,
	.ppi_level = rc_ppi_level,
};

static struct fw_vcpu_ops rc_ops_for(const struct fw_vcpu_ops *in)
{
	if (!in)
		return (struct fw_vcpu_ops){ 0 };
	return (struct fw_vcpu_ops){
		.reg_read = in->reg_read ? rc_ops_all.reg_read : NULL,
		.reg_write = in->reg_write ? rc_ops_all.reg_write : NULL,
		.set_mp_state = in->set_mp_state ? rc_ops_all.set_mp_state : NULL,
		.reset = in->reset ? rc_ops_all.reset : NULL,
		.kick = in->kick ? rc_ops_all.kick : NULL,
		.vcpu_by_mpidr = in->vcpu_by_mpidr ? rc_ops_all.vcpu_by_mpidr : NULL,
		.clock_us = in->clock_us ? rc_ops_all.clock_us : NULL,
		.ppi_level = in->ppi_level ? rc_ops_all.ppi_level : NULL,
	};
}

int reg_cache_init(struct reg_cache *rc, const struct fw_host *inner, unsigned int nr_vcpus,
		   struct fw_host *out)
{
	*rc = (struct reg_cache){ .inner = *inner, .ops = rc_ops_for(inner->ops) };
	if (nr_vcpus) {
		rc->v = calloc(nr_vcpus, sizeof(*rc->v));
		if (!rc->v)
			return -ENOMEM;
		rc->nr_vcpus = nr_vcpus;
	}
	*out = *inner;
	out->ops = inner->ops ? &rc->ops : NULL;
	out->host = rc;
	return 0;
}

void reg_cache_destroy(struct reg_cache *rc)
{
	free(rc->v);
	rc->v = NULL;
	rc->nr_vcpus = 0;
}

void reg_cache_forget(struct reg_cache *rc, unsigned int vcpu)
{
	if (vcpu < rc->nr_vcpus)
		rc->v[vcpu].known = 0;
}

void reg_cache_forget_all(struct reg_cache *rc)
{
	for (unsigned int i = 0; i < rc->nr_vcpus; i++)
		rc->v[i].known = 0;
}
