/* SPDX-License-Identifier: GPL-2.0-only */
/* The SDEI platform events of a VM: hvmm's, the user's, the async-pf ones. */
#include <stdio.h>
#include <string.h>

#include "firmware/apf.h"
#include "sdei_events.h"

static const struct sdei_event_config sdei_default_events[] = {
	{ SDEI_EVENT_PRIVATE_NORMAL, SDEI_EVENT_PRIVATE, SDEI_PRIORITY_NORMAL },
	{ SDEI_EVENT_PRIVATE_CRITICAL, SDEI_EVENT_PRIVATE, SDEI_PRIORITY_CRITICAL },
	{ SDEI_EVENT_SHARED_NORMAL, SDEI_EVENT_SHARED, SDEI_PRIORITY_NORMAL },
	{ SDEI_EVENT_SHARED_CRITICAL, SDEI_EVENT_SHARED, SDEI_PRIORITY_CRITICAL },
};

/* With lazy memory: what the async-pf service suggests (docs/async-pf.md). */
static const struct sdei_event_config sdei_apf_events[] = {
	{ APF_EVENT_NOT_PRESENT, SDEI_EVENT_PRIVATE, SDEI_PRIORITY_NORMAL },
	{ APF_EVENT_READY, SDEI_EVENT_PRIVATE, SDEI_PRIORITY_NORMAL },
};

#define NR(a) (sizeof(a) / sizeof((a)[0]))

static bool sdei_event_given(const struct vm_config *cfg, uint32_t num)
{
	for (unsigned int i = 0; i < cfg->nr_sdei_events; i++)
		if (cfg->sdei_events[i].num == num)
			return true;
	return false;
}

int vm_sdei_events(const struct vm_config *cfg, bool lazy_mem, struct sdei_event_config *out,
		   char *err, size_t errlen)
{
	unsigned int n = NR(sdei_default_events);

	if (n + cfg->nr_sdei_events > VM_MAX_SDEI_EVENTS) {
		snprintf(err, errlen, "at most %u --sdei-event events", VM_MAX_SDEI_EVENTS - n);
		return -1;
	}
	memcpy(out, sdei_default_events, sizeof(sdei_default_events));
	memcpy(out + n, cfg->sdei_events, cfg->nr_sdei_events * sizeof(*out));
	n += cfg->nr_sdei_events;
	/* An --sdei-event of the same number is the user's and stays so. */
	for (unsigned int i = 0; lazy_mem && i < NR(sdei_apf_events); i++) {
		if (sdei_event_given(cfg, sdei_apf_events[i].num))
			continue;
		if (n == VM_MAX_SDEI_EVENTS) {
			snprintf(err, errlen, "no room for the async-pf SDEI events %u and %u: with lazy "
				 "memory give at most %u --sdei-event events", APF_EVENT_NOT_PRESENT,
				 APF_EVENT_READY, VM_MAX_SDEI_EVENTS - (unsigned int)NR(sdei_default_events) -
				 (unsigned int)NR(sdei_apf_events));
			return -1;
		}
		out[n++] = sdei_apf_events[i];
	}
	return (int)n;
}
