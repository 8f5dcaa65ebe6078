/* SPDX-License-Identifier: GPL-2.0-only */
#include <errno.h>
#include <stdlib.h>

#include "vmm/lazy/tracker.h"

/* allowed[from][to]: the only changes a page may go through. */
static const bool allowed[LAZY_PAGE_STATE_COUNT][LAZY_PAGE_STATE_COUNT] = {
	[LAZY_PAGE_MARKED][LAZY_PAGE_LOADED] = true,      /* only while attaching */
	[LAZY_PAGE_MARKED][LAZY_PAGE_FETCHING] = true,
	[LAZY_PAGE_FETCHING][LAZY_PAGE_FETCHED] = true,
};

int lazy_tracker_init(struct lazy_tracker *t, uint64_t nr_pages)
{
	t->state = malloc(nr_pages ? nr_pages : 1);
	if (!t->state)
		return -ENOMEM;
	for (uint64_t i = 0; i < nr_pages; i++)
		t->state[i] = LAZY_PAGE_MARKED;
	t->nr_pages = nr_pages;
	for (int s = 0; s < LAZY_PAGE_STATE_COUNT; s++)
		t->count[s] = 0;
	t->count[LAZY_PAGE_MARKED] = nr_pages;
	return 0;
}

void lazy_tracker_free(struct lazy_tracker *t)
{
	free(t->state);
	t->state = NULL;
	t->nr_pages = 0;
}

enum lazy_page_state lazy_tracker_get(const struct lazy_tracker *t, uint64_t page)
{
	return page < t->nr_pages ? (enum lazy_page_state)t->state[page] : LAZY_PAGE_LOADED;
}

int lazy_tracker_set(struct lazy_tracker *t, uint64_t page, enum lazy_page_state to)
{
	enum lazy_page_state from;

	if (page >= t->nr_pages || to >= LAZY_PAGE_STATE_COUNT)
		return -EINVAL;
	from = (enum lazy_page_state)t->state[page];
	if (!allowed[from][to])
		return -EINVAL;
	t->state[page] = (uint8_t)to;
	t->count[from]--;
	t->count[to]++;
	return 0;
}

int lazy_tracker_loaded(struct lazy_tracker *t, uint64_t page)
{
	return lazy_tracker_set(t, page, LAZY_PAGE_LOADED);
}

const char *lazy_page_state_name(enum lazy_page_state s)
{
	static const char *const names[] = { "loaded", "marked", "fetching", "fetched" };

	return s < LAZY_PAGE_STATE_COUNT ? names[s] : "?";
}

enum lazy_sigbus lazy_tracker_classify(const struct lazy_tracker *t, uint64_t page_size, bool mceerr_ar,
				       bool in_ram, uint64_t offset, bool stale, uint64_t stale_page,
				       uint64_t *page)
{
	uint64_t p = offset / page_size;

	*page = p;
	if (!mceerr_ar || !in_ram || p >= t->nr_pages)
		return LAZY_SIGBUS_MEMORY_ERROR;
	switch (lazy_tracker_get(t, p)) {
	case LAZY_PAGE_MARKED:
	case LAZY_PAGE_FETCHING:
		return LAZY_SIGBUS_MARKED;
	case LAZY_PAGE_FETCHED:
		return stale && stale_page == p ? LAZY_SIGBUS_MEMORY_ERROR : LAZY_SIGBUS_STALE;
	default:
		return LAZY_SIGBUS_MEMORY_ERROR;
	}
}
