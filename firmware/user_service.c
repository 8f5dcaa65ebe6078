/* SPDX-License-Identifier: GPL-2.0-only */
/* SMCCC calls answered by user programs (see user_service.h). */
#include <errno.h>

#include "smccc.h"
#include "user_service.h"

unsigned int fw_user_ranges(const struct fw_user_handlers *h, struct smccc_range *out)
{
	unsigned int n = h->nr < SMCCC_SERVICE_MAX_RANGES ? h->nr : SMCCC_SERVICE_MAX_RANGES;

	for (unsigned int i = 0; i < n; i++)
		out[i] = (struct smccc_range){ .base = h->ranges[i].base, .count = h->ranges[i].count };
	return n;
}

int fw_user_handler_of(const struct fw_user_handlers *h, uint32_t fid)
{
	for (unsigned int i = 0; i < h->nr; i++)
		if (fid - h->ranges[i].base < h->ranges[i].count)
			return (int)i;
	return -1;
}

enum smccc_action fw_user_call(const struct fw_user_handlers *h, struct smccc_call *c)
{
	int i = fw_user_handler_of(h, c->fid);
	int ret;

	if (i < 0 || !h->ask) {
		smccc_reply_not_supported(c);
		return SMCCC_CONTINUE;
	}
	/* Read the arguments here, so that a failed register read is the
	 * vCPU's failure, never taken for the handler's. */
	for (unsigned int r = 1; r <= FW_USER_NR_ARGS; r++) {
		uint64_t v;

		if (smccc_arg(c, r, &v))
			return SMCCC_FAILED;
	}
	ret = h->ask(h->opaque, (unsigned int)i, c);
	if (ret == -EINTR) {
		c->nr_ret = 0;
		return SMCCC_CONTINUE;
	}
	return ret ? SMCCC_FAILED : SMCCC_CONTINUE;
}

/* ---- the registry's descriptor ---- */

static unsigned int user_service_ranges(const struct fw_config *cfg, struct smccc_range *out)
{
	return fw_user_ranges(&cfg->user, out);
}

/* fw->cfg is the firmware's copy of the configuration: user.ranges points
 * at the VMM's table, which outlives the firmware. */
static enum smccc_action user_service_call(struct firmware *fw, struct smccc_call *c)
{
	return fw_user_call(&fw->cfg.user, c);
}

const struct smccc_service user_service = {
	.name = "--smccc-handler",
	.ranges = user_service_ranges,
	.call = user_service_call,
};
