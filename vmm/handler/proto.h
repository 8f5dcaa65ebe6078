/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The line protocol between hvmm and an SMCCC handler (docs/smccc-handlers.md):
 *
 *   request  "VCPU CONDUIT FID X1 X2 X3 X4 X5 X6 X7\n"   e.g.
 *            "0 hvc 0xc3000001 0x1 0x2 0x0 0x0 0x0 0x0 0x0\n"
 *   answer   1 to 18 hex words (0x optional): x0, x1, ... x17, or
 *            the word "unsupported"
 *
 * Pure: formatting and parsing only.
 */
#ifndef HVMM_HANDLER_PROTO_H
#define HVMM_HANDLER_PROTO_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "firmware/smccc_call.h"

#define HANDLER_NR_ARGS   7      /* x1..x7 go to the handler */
#define HANDLER_MAX_WORDS 18     /* x0..x17 may come back */
/* The longest answer line taken, its newline included (a full answer with
 * 0x and 16 digits per word is 18 * 19 = 342 bytes). */
#define HANDLER_LINE_MAX  1024
/* The longest request line, its newline and a NUL included: 10 digits of
 * vCPU, the conduit, the function ID and 7 times " 0x" and 16 digits. */
#define HANDLER_REQUEST_MAX 160

struct handler_request {
	unsigned int vcpu;
	enum smccc_conduit conduit;
	uint32_t fid;
	uint64_t x[HANDLER_NR_ARGS];   /* x1..x7, as the caller's convention passes them */
};

struct handler_answer {
	bool unsupported;                 /* the word "unsupported" */
	unsigned int nr;                  /* otherwise x0..x(nr - 1) are given, 1 <= nr <= 18 */
	uint64_t regs[HANDLER_MAX_WORDS];
};

/* The request's line, newline included, NUL-terminated in buf: its length,
 * or -1 if len is too small (HANDLER_REQUEST_MAX always does). */
int handler_format_request(const struct handler_request *r, char *buf, size_t len);

/* An answer line: line[0..len), without its newline (a '\n' in it is an
 * error). 0, or -1 with a one-line reason in err saying what is wrong. */
int handler_parse_answer(const char *line, size_t len, struct handler_answer *a, char *err, size_t errlen);

#endif
