/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The state of every page of guest RAM under --lazy-mem, one byte each, as
 * a table of allowed transitions checked at every change:
 *
 *   LOADED    written by hvmm at load (kernel, initrd, device tree): never marked
 *   MARKED    holds a userfaultfd poison marker: a touch gives its vCPU a SIGBUS
 *   FETCHING  asked for; the fetcher will copy it in
 *   FETCHED   copied in from the source; the guest owns it from now on
 *
 * MARKED -> FETCHING -> FETCHED is the only way a page changes in a boot.
 * A SIGBUS for a LOADED page (or outside RAM) is no marker of hvmm's: a real
 * memory error.
 */
#ifndef HVMM_LAZY_TRACKER_H
#define HVMM_LAZY_TRACKER_H

#include <stdbool.h>
#include <stdint.h>

enum lazy_page_state {
	LAZY_PAGE_LOADED,
	LAZY_PAGE_MARKED,
	LAZY_PAGE_FETCHING,
	LAZY_PAGE_FETCHED,
	LAZY_PAGE_STATE_COUNT,
};

struct lazy_tracker {
	uint8_t *state;
	uint64_t nr_pages;
	uint64_t count[LAZY_PAGE_STATE_COUNT];
};

/* Every page MARKED. 0 or -ENOMEM. */
int lazy_tracker_init(struct lazy_tracker *t, uint64_t nr_pages);
void lazy_tracker_free(struct lazy_tracker *t);

enum lazy_page_state lazy_tracker_get(const struct lazy_tracker *t, uint64_t page);

/* Move page to state to. 0, or -EINVAL if the table forbids it (or page
 * is out of range): a bug in hvmm, which the caller reports. */
int lazy_tracker_set(struct lazy_tracker *t, uint64_t page, enum lazy_page_state to);

/* Before any page was touched: MARKED -> LOADED (what load wrote). */
int lazy_tracker_loaded(struct lazy_tracker *t, uint64_t page);

const char *lazy_page_state_name(enum lazy_page_state s);

/* What a vCPU thread's SIGBUS is. */
enum lazy_sigbus {
	LAZY_SIGBUS_MARKED,        /* a page hvmm marked (or already fetching): fetch it */
	LAZY_SIGBUS_STALE,         /* fetched between the touch and now: run again */
	LAZY_SIGBUS_MEMORY_ERROR,  /* anything else: a real memory error */
};

/*
 * Classify a SIGBUS: mceerr_ar (si_code BUS_MCEERR_AR), in_ram and offset
 * (si_addr - the RAM's host address, when in_ram), and the page this vCPU
 * last found stale (stale false: none). *page: the page, when in RAM.
 * A fetched page is stale only once in a row: if it faults again, its
 * marker is gone and the signal is not hvmm's.
 */
enum lazy_sigbus lazy_tracker_classify(const struct lazy_tracker *t, uint64_t page_size, bool mceerr_ar,
				       bool in_ram, uint64_t offset, bool stale, uint64_t stale_page,
				       uint64_t *page);

#endif
