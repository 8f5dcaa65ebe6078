/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * When a requested page lands: the model of a post-copy source across a
 * network. Requests are pipelined: each may start its transfer once its
 * latency has passed since it was asked for; transfers share one link and
 * go one after another, each taking page size / bandwidth. Pure arithmetic
 * on nanosecond times that the caller reads from its clock (a fake one in
 * the unit tests).
 */
#ifndef HVMM_LAZY_SCHEDULE_H
#define HVMM_LAZY_SCHEDULE_H

#include <stdbool.h>
#include <stdint.h>

struct lazy_link {
	uint64_t latency_ns;
	uint64_t page_ns;      /* one page's transfer time; 0: no bandwidth limit */
	uint64_t free_at;      /* when the link finishes its last transfer */
};

/* bandwidth_mibps 0: unlimited. */
void lazy_link_init(struct lazy_link *l, uint64_t latency_us, uint64_t bandwidth_mibps, uint64_t page_size);

/* A page asked for at now: when it has landed (and the link is busy until then). */
uint64_t lazy_link_due(struct lazy_link *l, uint64_t now);

/* Pages on their way, in the order they land: a ring of page numbers. */
struct lazy_request {
	uint64_t page;
	uint64_t due;          /* lazy_link_due's answer; 0 for a local (urgent) one */
	int vcpu;              /* who asked; -1: hvmm itself */
};

struct lazy_queue {
	struct lazy_request *req;
	uint64_t cap, head, len;
};

/* cap: how many requests can be queued at most (one per page). 0 or -ENOMEM. */
int lazy_queue_init(struct lazy_queue *q, uint64_t cap);
void lazy_queue_free(struct lazy_queue *q);
void lazy_queue_clear(struct lazy_queue *q);
/* At the tail, or (urgent: hvmm's own need) at the head. false if full. */
bool lazy_queue_push(struct lazy_queue *q, const struct lazy_request *r, bool urgent);
/* The next to land, or NULL. */
const struct lazy_request *lazy_queue_peek(const struct lazy_queue *q);
bool lazy_queue_pop(struct lazy_queue *q, struct lazy_request *out);

#endif
