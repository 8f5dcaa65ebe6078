/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * SDEI life cycle: checking the configuration, building the event table
 * (event 0, the platform events, the INTERRUPT_BIND slots), reset and
 * release.
 */
#include <stdlib.h>
#include <string.h>

#include "sdei_internal.h"

static bool sdei_host_usable(const struct fw_host *host)
{
	const struct fw_vcpu_ops *ops = host ? host->ops : NULL;

	return ops && ops->reg_read && ops->reg_write && ops->kick;
}

static bool sdei_events_valid(const struct sdei_config *cfg)
{
	const struct sdei_event_config *a, *b;
	unsigned int i, j;

	if (cfg->nr_events > SDEI_MAX_EVENTS - 1 || (cfg->nr_events && !cfg->events))
		return false;
	for (i = 0; i < cfg->nr_events; i++) {
		a = &cfg->events[i];
		if (a->num == SDEI_EVENT_SIGNAL || a->num >= SDEI_EVENT_BOUND_BASE ||
		    (a->type != SDEI_EVENT_PRIVATE && a->type != SDEI_EVENT_SHARED) ||
		    (a->priority != SDEI_PRIORITY_NORMAL &&
		     a->priority != SDEI_PRIORITY_CRITICAL))
			return false;
		for (j = 0; j < i; j++) {
			b = &cfg->events[j];
			if (a->num == b->num)
				return false;
		}
	}
	return true;
}

static bool sdei_lines_valid(const struct sdei_config *cfg)
{
	unsigned int i, j;

	if (cfg->nr_bindable && !cfg->bindable_intids)
		return false;
	if (cfg->nr_bind_slots > cfg->nr_bindable ||
	    cfg->nr_bind_slots > SDEI_MAX_BIND_SLOTS ||
	    (!cfg->nr_bind_slots && cfg->nr_bindable > SDEI_MAX_BIND_SLOTS))
		return false;
	for (i = 0; i < cfg->nr_bindable; i++) {
		if (cfg->bindable_intids[i] < SDEI_FIRST_SPI ||
		    cfg->bindable_intids[i] > SDEI_LAST_SPI)
			return false;
		for (j = 0; j < i; j++) {
			if (cfg->bindable_intids[i] == cfg->bindable_intids[j])
				return false;
		}
	}
	return true;
}

static bool sdei_config_valid(const struct sdei_config *cfg)
{
	return cfg && cfg->mpidrs && cfg->nr_cpus >= 1 &&
	       cfg->nr_cpus <= SDEI_MAX_CPUS && sdei_events_valid(cfg) &&
	       sdei_lines_valid(cfg);
}

/* Event 0, then the platform events, then the bind slots. */
static int sdei_events_init(struct sdei *s, const struct sdei_config *cfg)
{
	unsigned int slots = cfg->nr_bind_slots ? cfg->nr_bind_slots : cfg->nr_bindable;
	struct sdei_event *ev;
	unsigned int i;

	s->first_slot = cfg->nr_events + 1;
	s->nr_events = s->first_slot + slots;
	s->ev = calloc(s->nr_events, sizeof(*s->ev));
	if (!s->ev)
		return -ENOMEM;

	s->ev[0] = (struct sdei_event){
		.num = SDEI_EVENT_SIGNAL, .type = SDEI_EVENT_PRIVATE,
		.priority = SDEI_PRIORITY_NORMAL, .signalable = true, .line = -1,
	};
	for (i = 0; i < cfg->nr_events; i++) {
		s->ev[i + 1] = (struct sdei_event){
			.num = cfg->events[i].num, .type = cfg->events[i].type,
			.priority = cfg->events[i].priority, .line = -1,
		};
	}
	for (i = 0; i < slots; i++) {
		s->ev[s->first_slot + i] = (struct sdei_event){
			.num = SDEI_EVENT_BOUND_BASE + i, .type = SDEI_EVENT_SHARED,
			.priority = SDEI_PRIORITY_NORMAL, .dynamic = true, .line = -1,
		};
	}
	for (i = 0; i < s->nr_events; i++) {
		ev = &s->ev[i];
		ev->st = calloc(ev->type == SDEI_EVENT_PRIVATE ? s->nr_cpus : 1,
				sizeof(*ev->st));
		if (!ev->st)
			return -ENOMEM;
	}
	return 0;
}

static int sdei_pes_init(struct sdei *s, const struct sdei_config *cfg)
{
	unsigned int i;

	s->pe = calloc(s->nr_cpus, sizeof(*s->pe));
	s->line = calloc(cfg->nr_bindable ? cfg->nr_bindable : 1, sizeof(*s->line));
	if (!s->pe || !s->line)
		return -ENOMEM;
	for (i = 0; i < s->nr_cpus; i++)
		s->pe[i].mpidr = cfg->mpidrs[i] & FW_MPIDR_AFF_MASK;
	s->nr_lines = cfg->nr_bindable;
	for (i = 0; i < s->nr_lines; i++)
		s->line[i] = (struct sdei_line){
			.intid = cfg->bindable_intids[i], .event = -1,
		};
	return 0;
}

static void sdei_release_memory(struct sdei *s)
{
	unsigned int i;

	if (s->ev) {
		for (i = 0; i < s->nr_events; i++)
			free(s->ev[i].st);
	}
	free(s->ev);
	free(s->pe);
	free(s->line);
	free(s);
}

struct sdei *sdei_create(const struct fw_host *host,
			 const struct sdei_config *cfg, int *err)
{
	struct sdei *s;
	int ret;

	if (!sdei_host_usable(host) || !sdei_config_valid(cfg)) {
		ret = -EINVAL;
		goto fail;
	}
	s = calloc(1, sizeof(*s));
	if (!s) {
		ret = -ENOMEM;
		goto fail;
	}
	s->host = *host;
	s->nr_cpus = cfg->nr_cpus;
	ret = sdei_events_init(s, cfg);
	if (!ret)
		ret = sdei_pes_init(s, cfg);
	if (!ret)
		ret = -pthread_mutex_init(&s->lock, NULL);
	if (ret) {
		sdei_release_memory(s);
		goto fail;
	}
	sdei_reset(s);
	return s;

fail:
	if (err)
		*err = ret;
	return NULL;
}

void sdei_free(struct sdei *s)
{
	if (!s)
		return;
	pthread_mutex_destroy(&s->lock);
	sdei_release_memory(s);
}

/*
 * The boot vCPU (0) on, the others off, every PE masked; no registration,
 * binding, pending event or running handler; counts back to 0. The levels
 * of the lines are the devices', and are kept.
 */
void sdei_reset(struct sdei *s)
{
	unsigned int e, i, n;

	sdei_lock(s);
	for (e = 0; e < s->nr_events; e++) {
		n = s->ev[e].type == SDEI_EVENT_PRIVATE ? s->nr_cpus : 1;
		for (i = 0; i < n; i++)
			sdei_state_clear(&s->ev[e].st[i]);
		s->ev[e].delivered = 0;
		s->ev[e].line = -1;
	}
	for (i = 0; i < s->nr_lines; i++)
		s->line[i].event = -1;
	for (i = 0; i < s->nr_cpus; i++) {
		s->pe[i].on = i == 0;
		s->pe[i].masked = true;
		s->pe[i].depth = 0;
		memset(s->pe[i].frame, 0, sizeof(s->pe[i].frame));
	}
	sdei_unlock(s);
}
