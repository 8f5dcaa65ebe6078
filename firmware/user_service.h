/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * SMCCC calls answered by user programs (--smccc-handler): the ranges come
 * from the configuration, and a call in one of them is handed to the VMM,
 * which asks the program (vmm/handler/). The firmware does no I/O itself.
 */
#ifndef HVMM_USER_SERVICE_H
#define HVMM_USER_SERVICE_H

#include <stdint.h>

#include "smccc_call.h"
#include "smccc_service.h"

/* The arguments a handler is given: x1..x7. */
#define FW_USER_NR_ARGS 7

/* A handler's function IDs: base .. base + count - 1. */
struct fw_user_range {
	uint32_t base;
	uint32_t count;
};

/*
 * The user handlers: handler i owns ranges[i]. ranges must outlive the
 * firmware (the VMM keeps it with the handler processes, for hvmm's life).
 *
 * ask(opaque, i, c) has handler i answer the call c. When it is called,
 * x1..x7 (FW_USER_NR_ARGS) have been read into c: smccc_arg answers them
 * without a register read. It returns
 *   0       the reply is in c (smccc_reply_regs / smccc_reply_not_supported);
 *   -EINTR  the VM is stopping and the call was abandoned: nothing is
 *           written back;
 *   other   the handler failed: ask has already stopped the VM with its
 *           reason (the firmware prints nothing), and the call ends the
 *           vCPU's run with SMCCC_FAILED.
 * It may block for as long as the handler takes, and is called from any
 * vCPU thread, concurrently.
 */
struct fw_user_handlers {
	const struct fw_user_range *ranges;
	unsigned int nr;    /* 0: no user handlers */
	int (*ask)(void *opaque, unsigned int handler, struct smccc_call *c);
	void *opaque;
};

/* The ranges to claim for h (no names), at most SMCCC_SERVICE_MAX_RANGES
 * of them: a service's .ranges. */
unsigned int fw_user_ranges(const struct fw_user_handlers *h, struct smccc_range *out);

/* The handler whose range holds fid, or -1. */
int fw_user_handler_of(const struct fw_user_handlers *h, uint32_t fid);

/* Serve c (a service's .call): SMCCC_CONTINUE with the handler's reply in
 * c, or with none if the VM is stopping; NOT_SUPPORTED for a function ID
 * no handler owns; SMCCC_FAILED if reading the arguments or the handler
 * failed. */
enum smccc_action fw_user_call(const struct fw_user_handlers *h, struct smccc_call *c);

#endif
