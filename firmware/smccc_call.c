/* SPDX-License-Identifier: GPL-2.0-only */
/* The call object: lazy argument reads, a buffered reply. */
#include <errno.h>
#include <string.h>

#include "smccc_call.h"

void smccc_call_init(struct smccc_call *c, const struct fw_host *host, unsigned int vcpu,
		     uint32_t fid, enum smccc_conduit conduit)
{
	memset(c, 0, sizeof(*c));
	c->host = host;
	c->vcpu = vcpu;
	c->fid = fid;
	c->conduit = conduit;
	c->smc64 = fid & SMCCC_64BIT;
	c->x[0] = fid;
	c->have = 1;
}

int smccc_arg(struct smccc_call *c, unsigned int n, uint64_t *val)
{
	int err;

	if (n == 0 || n >= SMCCC_NR_REGS)
		return -EINVAL;
	if (!(c->have & (1U << n))) {
		err = c->host->ops->reg_read(c->host->host, c->vcpu, (enum fw_reg)(FW_REG_X0 + n), &c->x[n]);
		if (err)
			return err < 0 ? err : -EIO;
		c->have |= 1U << n;
	}
	*val = c->smc64 ? c->x[n] : (uint32_t)c->x[n];
	return 0;
}

int smccc_arg32(struct smccc_call *c, unsigned int n, uint32_t *val)
{
	uint64_t v;
	int err = smccc_arg(c, n, &v);

	if (!err)
		*val = (uint32_t)v;
	return err;
}

void smccc_reply(struct smccc_call *c, int64_t ret)
{
	c->ret[0] = (uint64_t)ret;
	if (c->nr_ret < 1)
		c->nr_ret = 1;
}

void smccc_reply_regs(struct smccc_call *c, const uint64_t *regs, unsigned int n)
{
	if (n > SMCCC_NR_REGS)
		n = SMCCC_NR_REGS;
	memcpy(c->ret, regs, n * sizeof(*regs));
	c->nr_ret = n;
}

void smccc_reply_not_supported(struct smccc_call *c)
{
	c->nr_ret = 0;
	smccc_reply(c, SMCCC_RET_NOT_SUPPORTED);
}

void smccc_reply_uuid(struct smccc_call *c, const uint8_t uuid[16])
{
	uint64_t w[4] = { 0 };

	for (unsigned int i = 0; i < 16; i++)
		w[i / 4] |= (uint64_t)uuid[i] << (8 * (i % 4));
	smccc_reply_regs(c, w, 4);
}

int smccc_call_finish(struct smccc_call *c)
{
	for (unsigned int i = 0; i < c->nr_ret; i++) {
		int err = c->host->ops->reg_write(c->host->host, c->vcpu, (enum fw_reg)(FW_REG_X0 + i), c->ret[i]);

		if (err)
			return err < 0 ? err : -EIO;
	}
	c->nr_ret = 0;
	return 0;
}

const char *smccc_conduit_name(enum smccc_conduit conduit)
{
	return conduit == SMCCC_CONDUIT_SMC ? "smc" : "hvc";
}
