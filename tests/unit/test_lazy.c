/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Unit tests of --lazy-mem's pure parts: the option's value
 * (vmm/lazy/config.c), the page-state table (vmm/lazy/tracker.c), and when
 * fetched pages land (vmm/lazy/schedule.c), on a fake clock.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "vmm/lazy/config.h"
#include "vmm/lazy/schedule.h"
#include "vmm/lazy/tracker.h"

#define US 1000ULL
#define MS 1000000ULL
#define PAGE 4096ULL

static char err[256];

static int parse(const char *s, struct lazy_config *c)
{
	err[0] = '\0';
	return lazy_config_parse(s, c, err, sizeof(err));
}

static void test_config_sources(void **state)
{
	struct lazy_config c;

	(void)state;
	assert_int_equal(parse("zero", &c), 0);
	assert_true(c.enabled && c.zero);
	assert_string_equal(c.source, "");
	assert_int_equal(c.latency_us, 0);
	assert_int_equal(c.bandwidth_mibps, 0);
	assert_int_equal(parse("/images/ram.img", &c), 0);
	assert_false(c.zero);
	assert_string_equal(c.source, "/images/ram.img");
	/* "zero" is a keyword only as the whole source. */
	assert_int_equal(parse("zeros", &c), 0);
	assert_false(c.zero);
	assert_string_equal(c.source, "zeros");
	assert_int_equal(parse("img,latency=100,bandwidth=50", &c), 0);
	assert_string_equal(c.source, "img");
	assert_int_equal(c.latency_us, 100);
	assert_int_equal(c.bandwidth_mibps, 50);
	assert_int_equal(parse("zero,bandwidth=7,latency=0", &c), 0);
	assert_int_equal(c.latency_us, 0);
	assert_int_equal(c.bandwidth_mibps, 7);
	assert_int_equal(parse("zero,latency=60000000", &c), 0);
	assert_int_equal(c.latency_us, LAZY_MAX_LATENCY_US);
}

static void expect_bad(const char *value, const char *reason)
{
	struct lazy_config c;

	assert_int_equal(parse(value, &c), -1);
	assert_non_null(strstr(err, reason));
	assert_null(strchr(err, '\n'));
	assert_false(c.enabled);
}

static void test_config_bad(void **state)
{
	(void)state;
	expect_bad("", "expected SOURCE");
	expect_bad(",latency=1", "expected SOURCE");
	expect_bad("zero,", "unknown key ''");
	expect_bad("zero,speed=1", "unknown key 'speed'");
	expect_bad("zero,latency", "latency is microseconds");
	expect_bad("zero,latency=", "latency is microseconds");
	expect_bad("zero,latency=abc", "latency is microseconds");
	expect_bad("zero,latency=-1", "latency is microseconds");
	expect_bad("zero,latency= 5", "latency is microseconds");
	expect_bad("zero,latency=5us", "latency is microseconds");
	expect_bad("zero,latency=60000001", "latency is microseconds");
	expect_bad("zero,latency=99999999999999999999999", "latency is microseconds");
	expect_bad("zero,bandwidth=0", "bandwidth is MiB/s from 1");
	expect_bad("zero,bandwidth=1048577", "bandwidth is MiB/s from 1");
	expect_bad("zero,bandwidth=x", "bandwidth is MiB/s");
	expect_bad("zero,latency=1,latency=2", "latency is given twice");
	expect_bad("zero,bandwidth=1,latency=2,bandwidth=3", "bandwidth is given twice");
}

static void test_tracker_transitions(void **state)
{
	struct lazy_tracker t;

	(void)state;
	assert_int_equal(lazy_tracker_init(&t, 8), 0);
	assert_int_equal(t.count[LAZY_PAGE_MARKED], 8);
	assert_int_equal(lazy_tracker_loaded(&t, 0), 0);
	assert_int_equal(lazy_tracker_get(&t, 0), LAZY_PAGE_LOADED);
	/* The one road: MARKED -> FETCHING -> FETCHED. */
	assert_int_equal(lazy_tracker_set(&t, 1, LAZY_PAGE_FETCHING), 0);
	assert_int_equal(lazy_tracker_set(&t, 1, LAZY_PAGE_FETCHED), 0);
	assert_int_equal(lazy_tracker_get(&t, 1), LAZY_PAGE_FETCHED);
	/* Everything else is refused and changes nothing. */
	assert_int_equal(lazy_tracker_set(&t, 2, LAZY_PAGE_FETCHED), -EINVAL);     /* never asked for */
	assert_int_equal(lazy_tracker_set(&t, 1, LAZY_PAGE_FETCHING), -EINVAL);    /* fetched twice */
	assert_int_equal(lazy_tracker_set(&t, 1, LAZY_PAGE_MARKED), -EINVAL);      /* guest data lost */
	assert_int_equal(lazy_tracker_set(&t, 0, LAZY_PAGE_FETCHING), -EINVAL);    /* load's data */
	assert_int_equal(lazy_tracker_set(&t, 1, LAZY_PAGE_LOADED), -EINVAL);
	assert_int_equal(lazy_tracker_set(&t, 3, LAZY_PAGE_FETCHING), 0);
	assert_int_equal(lazy_tracker_set(&t, 3, LAZY_PAGE_FETCHING), -EINVAL);    /* queued twice */
	assert_int_equal(lazy_tracker_loaded(&t, 3), -EINVAL);
	assert_int_equal(lazy_tracker_set(&t, 8, LAZY_PAGE_FETCHING), -EINVAL);    /* out of range */
	assert_int_equal(lazy_tracker_set(&t, 4, LAZY_PAGE_STATE_COUNT), -EINVAL);
	assert_int_equal(lazy_tracker_get(&t, 2), LAZY_PAGE_MARKED);
	/* Counts follow. */
	assert_int_equal(t.count[LAZY_PAGE_LOADED], 1);
	assert_int_equal(t.count[LAZY_PAGE_MARKED], 5);
	assert_int_equal(t.count[LAZY_PAGE_FETCHING], 1);
	assert_int_equal(t.count[LAZY_PAGE_FETCHED], 1);
	/* Outside the table reads as LOADED: never taken for a lazy page. */
	assert_int_equal(lazy_tracker_get(&t, 100), LAZY_PAGE_LOADED);
	lazy_tracker_free(&t);
}

/* Only SIGBUS for pages hvmm marked is taken as a lazy page; anything
 * else is a real memory error. */
static void test_sigbus_classified(void **state)
{
	struct lazy_tracker t;
	uint64_t page;

	(void)state;
	assert_int_equal(lazy_tracker_init(&t, 4), 0);
	assert_int_equal(lazy_tracker_loaded(&t, 0), 0);
	assert_int_equal(lazy_tracker_set(&t, 2, LAZY_PAGE_FETCHING), 0);
	assert_int_equal(lazy_tracker_set(&t, 3, LAZY_PAGE_FETCHING), 0);
	assert_int_equal(lazy_tracker_set(&t, 3, LAZY_PAGE_FETCHED), 0);
	/* Marked, and already on its way (a second vCPU, or the same again). */
	assert_int_equal(lazy_tracker_classify(&t, PAGE, true, true, 1 * PAGE + 8, false, 0, &page), LAZY_SIGBUS_MARKED);
	assert_int_equal(page, 1);
	assert_int_equal(lazy_tracker_classify(&t, PAGE, true, true, 2 * PAGE, false, 0, &page), LAZY_SIGBUS_MARKED);
	assert_int_equal(page, 2);
	/* Fetched since the touch: once; the same page again is not hvmm's. */
	assert_int_equal(lazy_tracker_classify(&t, PAGE, true, true, 3 * PAGE, false, 0, &page), LAZY_SIGBUS_STALE);
	assert_int_equal(lazy_tracker_classify(&t, PAGE, true, true, 3 * PAGE, true, 2, &page), LAZY_SIGBUS_STALE);
	assert_int_equal(lazy_tracker_classify(&t, PAGE, true, true, 3 * PAGE + 100, true, 3, &page),
			 LAZY_SIGBUS_MEMORY_ERROR);
	/* A page load wrote, another si_code, outside RAM, past the table. */
	assert_int_equal(lazy_tracker_classify(&t, PAGE, true, true, 0, false, 0, &page), LAZY_SIGBUS_MEMORY_ERROR);
	assert_int_equal(lazy_tracker_classify(&t, PAGE, false, true, 1 * PAGE, false, 0, &page), LAZY_SIGBUS_MEMORY_ERROR);
	assert_int_equal(lazy_tracker_classify(&t, PAGE, true, false, 1 * PAGE, false, 0, &page), LAZY_SIGBUS_MEMORY_ERROR);
	assert_int_equal(lazy_tracker_classify(&t, PAGE, true, true, 4 * PAGE, false, 0, &page), LAZY_SIGBUS_MEMORY_ERROR);
	lazy_tracker_free(&t);
}

static void test_link_no_limits(void **state)
{
	struct lazy_link l;

	(void)state;
	lazy_link_init(&l, 0, 0, PAGE);
	assert_int_equal(lazy_link_due(&l, 1000), 1000);   /* at once */
	assert_int_equal(lazy_link_due(&l, 1000), 1000);
	assert_int_equal(lazy_link_due(&l, 5000), 5000);
}

static void test_link_latency_pipelined(void **state)
{
	struct lazy_link l;

	(void)state;
	lazy_link_init(&l, 100, 0, PAGE);
	/* Each request lands its latency after it was made, however many are
	 * on their way: they are pipelined, not one round trip after another. */
	assert_int_equal(lazy_link_due(&l, 0), 100 * US);
	assert_int_equal(lazy_link_due(&l, 10 * US), 110 * US);
	assert_int_equal(lazy_link_due(&l, 20 * US), 120 * US);
	assert_int_equal(lazy_link_due(&l, 1 * MS), 1 * MS + 100 * US);
}

static void test_link_bandwidth_serialised(void **state)
{
	struct lazy_link l;

	(void)state;
	/* 1 MiB/s: a 4 KiB page takes 1/256 s = 3906250 ns. */
	lazy_link_init(&l, 0, 1, PAGE);
	assert_int_equal(l.page_ns, 3906250);
	assert_int_equal(lazy_link_due(&l, 0), 3906250);
	/* Asked at the same time: behind the first on the link. */
	assert_int_equal(lazy_link_due(&l, 0), 2 * 3906250);
	assert_int_equal(lazy_link_due(&l, 1000), 3 * 3906250);
	/* Asked once the link is idle: its own transfer time only. */
	assert_int_equal(lazy_link_due(&l, 100 * MS), 100 * MS + 3906250);
	/* Rounded up, never faster than asked: 3 MiB/s is 1302083.33 ns a page. */
	lazy_link_init(&l, 0, 3, PAGE);
	assert_int_equal(l.page_ns, 1302084);
}

static void test_link_latency_and_bandwidth(void **state)
{
	struct lazy_link l;

	(void)state;
	/* 1 ms latency, 4 MiB/s (976562.5 -> 976563 ns a page). */
	lazy_link_init(&l, 1000, 4, PAGE);
	assert_int_equal(l.page_ns, 976563);
	assert_int_equal(lazy_link_due(&l, 0), 1 * MS + 976563);
	/* Arrived at the source 1 ms later; waits for the link. */
	assert_int_equal(lazy_link_due(&l, 0), 1 * MS + 2 * 976563);
	/* Latency dominates again once the link has caught up. */
	assert_int_equal(lazy_link_due(&l, 10 * MS), 11 * MS + 976563);
}

static void test_queue_order(void **state)
{
	struct lazy_queue q;
	struct lazy_request r;

	(void)state;
	assert_int_equal(lazy_queue_init(&q, 3), 0);
	assert_null(lazy_queue_peek(&q));
	assert_false(lazy_queue_pop(&q, &r));
	assert_true(lazy_queue_push(&q, &(struct lazy_request){ .page = 1, .due = 10, .vcpu = 0 }, false));
	assert_true(lazy_queue_push(&q, &(struct lazy_request){ .page = 2, .due = 20, .vcpu = 1 }, false));
	/* hvmm's own need goes first. */
	assert_true(lazy_queue_push(&q, &(struct lazy_request){ .page = 9, .due = 0, .vcpu = -1 }, true));
	assert_false(lazy_queue_push(&q, &(struct lazy_request){ .page = 3 }, false));   /* full */
	assert_int_equal(lazy_queue_peek(&q)->page, 9);
	assert_true(lazy_queue_pop(&q, &r));
	assert_int_equal(r.page, 9);
	assert_int_equal(r.vcpu, -1);
	assert_true(lazy_queue_pop(&q, &r));
	assert_int_equal(r.page, 1);
	/* Wraps around the ring. */
	assert_true(lazy_queue_push(&q, &(struct lazy_request){ .page = 4, .due = 40 }, false));
	assert_true(lazy_queue_pop(&q, &r));
	assert_int_equal(r.page, 2);
	assert_int_equal(r.due, 20);
	assert_true(lazy_queue_pop(&q, &r));
	assert_int_equal(r.page, 4);
	assert_false(lazy_queue_pop(&q, &r));
	lazy_queue_clear(&q);
	assert_null(lazy_queue_peek(&q));
	lazy_queue_free(&q);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_config_sources),
		cmocka_unit_test(test_config_bad),
		cmocka_unit_test(test_tracker_transitions),
		cmocka_unit_test(test_sigbus_classified),
		cmocka_unit_test(test_link_no_limits),
		cmocka_unit_test(test_link_latency_pipelined),
		cmocka_unit_test(test_link_bandwidth_serialised),
		cmocka_unit_test(test_link_latency_and_bandwidth),
		cmocka_unit_test(test_queue_order),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
