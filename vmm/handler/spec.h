/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * --smccc-handler RANGE=COMMAND: a range of SMCCC function IDs and the
 * command that answers the guest's calls in it (docs/smccc-handlers.md).
 * Parsing is pure: no I/O, nothing kept but pointers into the argument.
 */
#ifndef HVMM_HANDLER_SPEC_H
#define HVMM_HANDLER_SPEC_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "firmware/smccc_call.h"

/* At most this many --smccc-handler options (one claimed range each). */
#define HANDLER_MAX 16

struct handler_spec {
	uint32_t base;          /* first function ID */
	uint32_t count;         /* function IDs from base on; at least 1 */
	const char *command;    /* for /bin/sh -c; points into the argument */
};

/* Parse "BASE+COUNT=COMMAND" or "BASE-LAST=COMMAND" (hex, 0x optional).
 * Refuses an empty range, one that runs past 0xffffffff, one in the Arm
 * Architecture service, and an empty command. 0, or -1 with a one-line
 * reason in err. */
int handler_spec_parse(const char *arg, struct handler_spec *out, char *err, size_t errlen);

/* Whether the ranges of a and b share a function ID. */
bool handler_spec_overlap(const struct handler_spec *a, const struct handler_spec *b);

/* Parse arg and append it to specs[0..*nr) (room for HANDLER_MAX):
 * refuses what handler_spec_parse does, one handler too many, and a range
 * that overlaps an earlier handler's. 0, or -1 with a reason in err. */
int handler_spec_add(struct handler_spec *specs, unsigned int *nr, const char *arg,
		     char *err, size_t errlen);

/* The last function ID of s. */
static inline uint32_t handler_spec_last(const struct handler_spec *s)
{
	return s->base + (s->count - 1);
}

#endif
