/* SPDX-License-Identifier: GPL-2.0-only */
#include <errno.h>
#include <stdlib.h>

#include "vmm/lazy/schedule.h"

#define NS_PER_S  1000000000ULL
#define MIB       (1024ULL * 1024ULL)

void lazy_link_init(struct lazy_link *l, uint64_t latency_us, uint64_t bandwidth_mibps, uint64_t page_size)
{
	l->latency_ns = latency_us * 1000;
	/* Rounded up: never faster than the bandwidth asked for. */
	l->page_ns = bandwidth_mibps ? (page_size * NS_PER_S + bandwidth_mibps * MIB - 1) / (bandwidth_mibps * MIB) : 0;
	l->free_at = 0;
}

uint64_t lazy_link_due(struct lazy_link *l, uint64_t now)
{
	uint64_t start = now + l->latency_ns;

	if (start < l->free_at)
		start = l->free_at;   /* the link is still carrying earlier pages */
	l->free_at = start + l->page_ns;
	return l->free_at;
}

int lazy_queue_init(struct lazy_queue *q, uint64_t cap)
{
	q->req = calloc(cap ? cap : 1, sizeof(*q->req));
	q->cap = cap;
	q->head = q->len = 0;
	return q->req ? 0 : -ENOMEM;
}

void lazy_queue_free(struct lazy_queue *q)
{
	free(q->req);
	q->req = NULL;
	q->cap = q->len = q->head = 0;
}

void lazy_queue_clear(struct lazy_queue *q)
{
	q->head = q->len = 0;
}

bool lazy_queue_push(struct lazy_queue *q, const struct lazy_request *r, bool urgent)
{
	if (q->len == q->cap)
		return false;
	if (urgent) {
		q->head = (q->head + q->cap - 1) % q->cap;
		q->req[q->head] = *r;
	} else {
		q->req[(q->head + q->len) % q->cap] = *r;
	}
	q->len++;
	return true;
}

const struct lazy_request *lazy_queue_peek(const struct lazy_queue *q)
{
	return q->len ? &q->req[q->head] : NULL;
}

bool lazy_queue_pop(struct lazy_queue *q, struct lazy_request *out)
{
	if (!q->len)
		return false;
	*out = q->req[q->head];
	q->head = (q->head + 1) % q->cap;
	q->len--;
	return true;
}
