/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * One SMCCC call as every service sees it: who made it, through which
 * conduit, in which calling convention, its arguments and its reply.
 * Arguments are read from the vCPU only when a service asks for them (arm64
 * KVM has one ioctl per register); the reply is written back by the
 * dispatcher once the service returns, so a service never writes x0..x17
 * itself unless it replaces the caller's whole context (SDEI's COMPLETE).
 */
#ifndef HVMM_SMCCC_CALL_H
#define HVMM_SMCCC_CALL_H

#include <stdbool.h>
#include <stdint.h>

#include "fw_vcpu.h"

#define SMCCC_FAST_CALL     (1U << 31)
#define SMCCC_64BIT         (1U << 30)
#define SMCCC_OWNER_SHIFT   24
#define SMCCC_OWNER_MASK    0x3fU
#define SMCCC_VERSION_FID   0x80000000U   /* answered by KVM itself */

/* Ranges KVM answers itself and never lets userspace claim (the Arm
 * Architecture service, SMC32 and SMC64). */
#define SMCCC_ARCH_BASE32 0x80000000U
#define SMCCC_ARCH_BASE64 0xC0000000U
#define SMCCC_ARCH_COUNT  0x10000U

/* The value every SMCCC implementation returns for an unknown function. */
#define SMCCC_RET_NOT_SUPPORTED (-1LL)

/* x0..x17: the registers SMCCC 1.2 passes arguments and results in. */
#define SMCCC_NR_REGS 18

enum smccc_conduit {
	SMCCC_CONDUIT_HVC,
	SMCCC_CONDUIT_SMC,
};

/* What the vCPU thread must do once a call has been served. */
enum smccc_action {
	SMCCC_CONTINUE,       /* the reply is written back; run on */
	SMCCC_SYSTEM_OFF,     /* the guest asked to power the machine off */
	SMCCC_SYSTEM_RESET,   /* the guest asked for a reset */
	SMCCC_SYSTEM_SUSPEND, /* the caller suspended the system; the VMM wakes it */
	SMCCC_FAILED,         /* a vCPU operation or a service failed; see the log */
};

struct smccc_call {
	const struct fw_host *host;
	unsigned int vcpu;
	uint32_t fid;
	enum smccc_conduit conduit;
	bool smc64;                   /* bit 30 of the function ID */
	uint64_t x[SMCCC_NR_REGS];    /* the caller's registers, as read */
	uint32_t have;                /* bit n: x[n] has been read */
	uint64_t ret[SMCCC_NR_REGS];  /* the reply: x0..x(nr_ret - 1) */
	unsigned int nr_ret;
};

/* A call made on vcpu with function ID fid through conduit. */
void smccc_call_init(struct smccc_call *c, const struct fw_host *host, unsigned int vcpu,
		     uint32_t fid, enum smccc_conduit conduit);

/* Register xn (1..17) as the caller passed it: SMC32/HVC32 calls pass only
 * the low 32 bits, so those are all the accessor gives. 0 or -errno. */
int smccc_arg(struct smccc_call *c, unsigned int n, uint64_t *val);
/* An argument that is 32 bits wide in both calling conventions. */
int smccc_arg32(struct smccc_call *c, unsigned int n, uint32_t *val);

/* x0 = ret, sign-extended; the other registers stay as they are. */
void smccc_reply(struct smccc_call *c, int64_t ret);
/* x0..x(n-1) = regs[0..n-1] (n <= SMCCC_NR_REGS), written as given. */
void smccc_reply_regs(struct smccc_call *c, const uint64_t *regs, unsigned int n);
/* x0 = NOT_SUPPORTED (-1). */
void smccc_reply_not_supported(struct smccc_call *c);
/* A UUID in w0..w3 as SMCCC lays out a UID: its 16 bytes in their written
 * order, four to a register, the first of each in bits 7:0. */
void smccc_reply_uuid(struct smccc_call *c, const uint8_t uuid[16]);

/* Write the reply back to the caller's registers. 0 or -errno. */
int smccc_call_finish(struct smccc_call *c);

/* "hvc" or "smc". */
const char *smccc_conduit_name(enum smccc_conduit conduit);

#endif
