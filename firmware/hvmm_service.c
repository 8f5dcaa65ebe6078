/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * hvmm's own SMCCC service (docs/hvmm-service.md): a debug console that
 * needs no UART and an exit with a status the guest chooses, for test
 * guests. It lives in the SiP service range (owner 2): the vendor-specific
 * hypervisor range (owner 6) is KVM's, whose UID, feature bitmap and PTP
 * clock a stock Linux guest uses. A guest finds it the way SMCCC intends,
 * by its Call UID; Call Count and Revision answer too.
 *
 * Claimed only when the VMM gives both callbacks (fw_config.hvmm).
 */
#include "smccc.h"

#define HVMM_BASE32       0x82000000U
#define HVMM_BASE64       0xC2000000U
#define HVMM_QUERY_BASE   0x8200FF00U
#define HVMM_NR_FIDS32    2U   /* SMC32 function numbers 0 and 1 */
#define HVMM_NR_FIDS64    3U   /* SMC64 function numbers 0 to 2 */
#define HVMM_NR_QUERIES   4U   /* 0xFF00..0xFF03; 0xFF02 is reserved */

#define HVMM_EXIT         (HVMM_BASE32 + 0)   /* SMC32 */
#define HVMM_DEBUG_WRITE  (HVMM_BASE64 + 1)   /* SMC64 */
#define HVMM_BENCH_REGS   (HVMM_BASE64 + 2)   /* SMC64 */
#define HVMM_CALL_COUNT   (HVMM_QUERY_BASE + 0)
#define HVMM_CALL_UID     (HVMM_QUERY_BASE + 1)
#define HVMM_REVISION     (HVMM_QUERY_BASE + 3)

#define HVMM_SUCCESS            0
#define HVMM_INVALID_PARAMETERS (-2)

#define HVMM_NR_FUNCTIONS   3U   /* what Call Count reports: EXIT, DEBUG_WRITE, BENCH_REGS */
#define HVMM_REV_MAJOR      1U
#define HVMM_REV_MINOR      0U
#define HVMM_EXIT_MAX       255U

/* DEBUG_WRITE: x1 = length, the bytes packed little-endian in x2..x17. */
#define HVMM_WRITE_REG0     2U
#define HVMM_WRITE_MAX      ((SMCCC_NR_REGS - HVMM_WRITE_REG0) * 8U)

/* BENCH_REGS: x1 = how many registers to read, from x2 up (at most x30). */
#define HVMM_BENCH_REG0     2U
#define HVMM_BENCH_MAX      (30U - HVMM_BENCH_REG0 + 1U)

/* hvmm's Call UID, a5cf3b7b-6e86-4c01-ab23-046cb428a89c: w0 = 0x7b3bcfa5
 * is positive, so no caller takes it for an error code. */
static const uint8_t hvmm_uid[16] = {
	0xa5, 0xcf, 0x3b, 0x7b, 0x6e, 0x86, 0x4c, 0x01,
	0xab, 0x23, 0x04, 0x6c, 0xb4, 0x28, 0xa8, 0x9c,
};

static const char *const hvmm_names32[] = { "HVMM_EXIT" };
static const char *const hvmm_names64[] = { NULL, "HVMM_DEBUG_WRITE", "HVMM_BENCH_REGS" };
static const char *const hvmm_query_names[] = {
	"HVMM_CALL_COUNT", "HVMM_CALL_UID", NULL, "HVMM_REVISION",
};

#define NR(a) (sizeof(a) / sizeof((a)[0]))

static unsigned int hvmm_ranges(const struct fw_config *cfg, struct smccc_range *out)
{
	if (!cfg->hvmm.debug_write || !cfg->hvmm.exit)
		return 0;
	out[0] = (struct smccc_range){ HVMM_BASE32, HVMM_NR_FIDS32, hvmm_names32, NR(hvmm_names32) };
	out[1] = (struct smccc_range){ HVMM_BASE64, HVMM_NR_FIDS64, hvmm_names64, NR(hvmm_names64) };
	out[2] = (struct smccc_range){ HVMM_QUERY_BASE, HVMM_NR_QUERIES, hvmm_query_names,
				       NR(hvmm_query_names) };
	return 3;
}

/* EXIT: w1 = the status hvmm exits with, 0..255. */
static enum smccc_action hvmm_exit(struct firmware *fw, struct smccc_call *c)
{
	uint64_t status;

	if (smccc_arg(c, 1, &status))
		return SMCCC_FAILED;
	if (status > HVMM_EXIT_MAX) {
		smccc_reply(c, HVMM_INVALID_PARAMETERS);
		return SMCCC_CONTINUE;
	}
	fw->cfg.hvmm.exit(fw->cfg.hvmm.opaque, c->vcpu, (unsigned int)status);
	smccc_reply(c, HVMM_SUCCESS);
	return SMCCC_CONTINUE;
}

/* DEBUG_WRITE: x1 = length (0..128); byte i is bits 8(i%8)+7..8(i%8) of
 * x(2 + i/8). Only the registers holding bytes are read. */
static enum smccc_action hvmm_debug_write(struct firmware *fw, struct smccc_call *c)
{
	uint8_t buf[HVMM_WRITE_MAX];
	uint64_t len, word;

	if (smccc_arg(c, 1, &len))
		return SMCCC_FAILED;
	if (len > HVMM_WRITE_MAX) {
		smccc_reply(c, HVMM_INVALID_PARAMETERS);
		return SMCCC_CONTINUE;
	}
	for (unsigned int i = 0; i < len; i += 8) {
		if (smccc_arg(c, HVMM_WRITE_REG0 + i / 8, &word))
			return SMCCC_FAILED;
		for (unsigned int b = 0; b < 8 && i + b < len; b++)
			buf[i + b] = (uint8_t)(word >> (8 * b));
	}
	if (len)
		fw->cfg.hvmm.debug_write(fw->cfg.hvmm.opaque, buf, (size_t)len);
	smccc_reply(c, HVMM_SUCCESS);
	return SMCCC_CONTINUE;
}

/*
 * BENCH_REGS: read x1 registers of the caller, x2 upwards, each with its
 * own KVM_GET_ONE_REG (none was read before in this exit), and answer
 * SUCCESS. With its argument and its reply that is x1 + 2 register ioctls
 * in one exit: make bench builds the floor of an SDEI round trip from
 * two such calls (docs/hvmm-service.md).
 */
static enum smccc_action hvmm_bench_regs(struct firmware *fw, struct smccc_call *c)
{
	uint64_t n, val;

	if (smccc_arg(c, 1, &n))
		return SMCCC_FAILED;
	if (n > HVMM_BENCH_MAX) {
		smccc_reply(c, HVMM_INVALID_PARAMETERS);
		return SMCCC_CONTINUE;
	}
	for (unsigned int i = 0; i < n; i++)
		if (fw->host.ops->reg_read(fw->host.host, c->vcpu, (enum fw_reg)(FW_REG_X0 + HVMM_BENCH_REG0 + i), &val))
			return SMCCC_FAILED;
	smccc_reply(c, HVMM_SUCCESS);
	return SMCCC_CONTINUE;
}

static enum smccc_action hvmm_call(struct firmware *fw, struct smccc_call *c)
{
	switch (c->fid) {
	case HVMM_EXIT:
		return hvmm_exit(fw, c);
	case HVMM_DEBUG_WRITE:
		return hvmm_debug_write(fw, c);
	case HVMM_BENCH_REGS:
		return hvmm_bench_regs(fw, c);
	case HVMM_CALL_COUNT:
		smccc_reply(c, HVMM_NR_FUNCTIONS);
		break;
	case HVMM_CALL_UID:
		smccc_reply_uuid(c, hvmm_uid);
		break;
	case HVMM_REVISION: {
		const uint64_t rev[2] = { HVMM_REV_MAJOR, HVMM_REV_MINOR };

		smccc_reply_regs(c, rev, 2);
		break;
	}
	default:
		smccc_reply_not_supported(c);
	}
	return SMCCC_CONTINUE;
}

const struct smccc_service hvmm_service = {
	.name = "HVMM",
	.ranges = hvmm_ranges,
	.call = hvmm_call,
};
