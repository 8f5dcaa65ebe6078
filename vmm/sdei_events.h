/* SPDX-License-Identifier: GPL-2.0-only */
/* The SDEI platform events a VM gets (docs/sdei.md): pure, for unit tests. */
#ifndef HVMM_SDEI_EVENTS_H
#define HVMM_SDEI_EVENTS_H

#include <stdbool.h>
#include <stddef.h>

#include "cmdline.h"

/* At most this many: every platform event SDEI takes. */
#define VM_MAX_SDEI_EVENTS (SDEI_MAX_EVENTS - 1)

/*
 * hvmm's default events, then the --sdei-event ones, then, with lazy
 * memory, the async-pf events 3000 and 3001 unless --sdei-event defines
 * those numbers. Fills out[VM_MAX_SDEI_EVENTS]; how many, or -1 with a
 * one-line reason in err when they do not fit.
 */
int vm_sdei_events(const struct vm_config *cfg, bool lazy_mem, struct sdei_event_config *out,
		   char *err, size_t errlen);

#endif
