/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * SMCCC TRNG 1.0 (Arm DEN0098) on the registry: true random numbers for the
 * guest, drawn from the VMM's entropy source (fw_config.trng; hvmm's is
 * getrandom). Claimed only when there is a source.
 *
 * DEN0098 gives TRNG the IDs 0x84000050.. and 0xC4000050.. and defines
 * VERSION, FEATURES, GET_UUID and RND in SMC32 (0x84000050-0x84000053), RND
 * alone in SMC64 (0xC4000053). Both blocks of four are claimed: KVM, which
 * has its own TRNG, answers 0xC4000050-0xC4000052 NOT_SUPPORTED, and so
 * does this file, so a guest sees the same answers either way.
 */
#include "smccc.h"

#define TRNG_BASE32   0x84000050U
#define TRNG_BASE64   0xC4000050U
#define TRNG_NR_FIDS  4U

#define TRNG_VERSION  (TRNG_BASE32 + 0)
#define TRNG_FEATURES (TRNG_BASE32 + 1)
#define TRNG_GET_UUID (TRNG_BASE32 + 2)
#define TRNG_RND32    (TRNG_BASE32 + 3)
#define TRNG_RND64    (TRNG_BASE64 + 3)

#define TRNG_VERSION_1_0         0x10000   /* major 1 (bits 30:16), minor 0 */
#define TRNG_SUCCESS             0
#define TRNG_INVALID_PARAMETERS  (-2)
#define TRNG_NO_ENTROPY          (-3)

/* Result registers of RND: x1..x3, the lowest bits in x3. */
#define TRNG_NR_OUT 3U

/* hvmm's TRNG UUID, 79297060-7e64-44c5-a3ce-5d597e4b320c (docs/trng.md):
 * w0 = 0x60702979 is positive, so no caller takes it for an error code. */
static const uint8_t trng_uuid[16] = {
	0x79, 0x29, 0x70, 0x60, 0x7e, 0x64, 0x44, 0xc5,
	0xa3, 0xce, 0x5d, 0x59, 0x7e, 0x4b, 0x32, 0x0c,
};

static const char *const trng_names32[] = {
	"TRNG_VERSION", "TRNG_FEATURES", "TRNG_GET_UUID", "TRNG_RND32",
};
static const char *const trng_names64[] = { NULL, NULL, NULL, "TRNG_RND64" };

static unsigned int trng_ranges(const struct fw_config *cfg, struct smccc_range *out)
{
	if (!cfg->trng.fill)
		return 0;
	out[0] = (struct smccc_range){ TRNG_BASE32, TRNG_NR_FIDS, trng_names32, TRNG_NR_FIDS };
	out[1] = (struct smccc_range){ TRNG_BASE64, TRNG_NR_FIDS, trng_names64, TRNG_NR_FIDS };
	return 2;
}

/* x0 = ret; x1..x3 = 0, as every error and FEATURES leave them. */
static void trng_reply(struct smccc_call *c, int64_t ret)
{
	uint64_t regs[1 + TRNG_NR_OUT] = { (uint64_t)ret };

	smccc_reply_regs(c, regs, 1 + TRNG_NR_OUT);
}

static enum smccc_action trng_features(struct smccc_call *c)
{
	uint32_t fid;

	if (smccc_arg32(c, 1, &fid))
		return SMCCC_FAILED;
	switch (fid) {
	case TRNG_VERSION:
	case TRNG_FEATURES:
	case TRNG_GET_UUID:
	case TRNG_RND32:
	case TRNG_RND64:
		trng_reply(c, TRNG_SUCCESS);
		break;
	default:
		trng_reply(c, SMCCC_RET_NOT_SUPPORTED);
	}
	return SMCCC_CONTINUE;
}

/*
 * Bits lo..lo+width-1 of the n random bits in buf (bit i is bit i % 8 of
 * buf[i / 8]), as one register's value: bits at or past n are zero.
 */
static uint64_t trng_bits(const uint8_t *buf, unsigned int lo, unsigned int width, unsigned int n)
{
	unsigned int keep = n > lo ? n - lo : 0;
	uint64_t v = 0;

	if (keep > width)
		keep = width;
	for (unsigned int i = 0; i < (keep + 7) / 8; i++)
		v |= (uint64_t)buf[lo / 8 + i] << (8 * i);
	return keep < 64 ? v & ((1ULL << keep) - 1) : v;
}

/*
 * RND: x1 = N, the bits wanted: 1..96 for SMC32 (w1..w3, 32 bits each),
 * 1..192 for SMC64 (x1..x3). The lowest bits go in x3, the next in x2.
 */
static enum smccc_action trng_rnd(struct firmware *fw, struct smccc_call *c)
{
	unsigned int width = c->smc64 ? 64 : 32;
	uint64_t regs[1 + TRNG_NR_OUT] = { TRNG_SUCCESS };
	uint8_t buf[TRNG_NR_OUT * 8];
	uint64_t n;

	if (smccc_arg(c, 1, &n))
		return SMCCC_FAILED;
	if (n == 0 || n > TRNG_NR_OUT * width) {
		trng_reply(c, TRNG_INVALID_PARAMETERS);
		return SMCCC_CONTINUE;
	}
	if (fw->cfg.trng.fill(fw->cfg.trng.opaque, buf, (size_t)(n + 7) / 8)) {
		trng_reply(c, TRNG_NO_ENTROPY);
		return SMCCC_CONTINUE;
	}
	for (unsigned int r = 0; r < TRNG_NR_OUT; r++)
		regs[TRNG_NR_OUT - r] = trng_bits(buf, r * width, width, (unsigned int)n);
	smccc_reply_regs(c, regs, 1 + TRNG_NR_OUT);
	return SMCCC_CONTINUE;
}

static enum smccc_action trng_call(struct firmware *fw, struct smccc_call *c)
{
	switch (c->fid) {
	case TRNG_VERSION:
		trng_reply(c, TRNG_VERSION_1_0);
		return SMCCC_CONTINUE;
	case TRNG_FEATURES:
		return trng_features(c);
	case TRNG_GET_UUID:
		smccc_reply_uuid(c, trng_uuid);
		return SMCCC_CONTINUE;
	case TRNG_RND32:
	case TRNG_RND64:
		return trng_rnd(fw, c);
	default:
		smccc_reply_not_supported(c);
		return SMCCC_CONTINUE;
	}
}

const struct smccc_service trng_service = {
	.name = "TRNG",
	.ranges = trng_ranges,
	.call = trng_call,
};
