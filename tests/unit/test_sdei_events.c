/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The SDEI platform events a VM gets (vmm/sdei_events.c): hvmm's four,
 * the --sdei-event ones in order, and with lazy memory the async-pf
 * events 3000 and 3001 (private, normal) unless --sdei-event defines them.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "vmm/sdei_events.h"

static int find(const struct sdei_event_config *ev, int n, uint32_t num)
{
	int found = -1;

	for (int i = 0; i < n; i++) {
		if (ev[i].num == num) {
			assert_int_equal(found, -1);   /* each number once */
			found = i;
		}
	}
	return found;
}

static void test_defaults_without_lazy_mem(void **state)
{
	struct vm_config cfg = { 0 };
	struct sdei_event_config ev[VM_MAX_SDEI_EVENTS];
	char err[200];

	(void)state;
	assert_int_equal(vm_sdei_events(&cfg, false, ev, err, sizeof(err)), 4);
	assert_int_equal(ev[0].num, 1000);
	assert_int_equal(ev[1].num, 1001);
	assert_int_equal(ev[1].priority, SDEI_PRIORITY_CRITICAL);
	assert_int_equal(ev[2].num, 2000);
	assert_int_equal(ev[2].type, SDEI_EVENT_SHARED);
	assert_int_equal(ev[3].num, 2001);
	assert_int_equal(find(ev, 4, 3000), -1);
}

static void test_lazy_mem_adds_3000_3001(void **state)
{
	struct vm_config cfg = { .nr_sdei_events = 1 };
	struct sdei_event_config ev[VM_MAX_SDEI_EVENTS];
	char err[200];
	int n, np, rdy;

	(void)state;
	cfg.sdei_events[0] = (struct sdei_event_config){ 7, SDEI_EVENT_SHARED, SDEI_PRIORITY_NORMAL };
	n = vm_sdei_events(&cfg, true, ev, err, sizeof(err));
	assert_int_equal(n, 7);
	assert_int_equal(ev[4].num, 7);
	np = find(ev, n, 3000);
	rdy = find(ev, n, 3001);
	assert_true(np > 4 && rdy == np + 1);   /* after the user's, not-present first */
	assert_int_equal(ev[np].type, SDEI_EVENT_PRIVATE);
	assert_int_equal(ev[np].priority, SDEI_PRIORITY_NORMAL);
	assert_int_equal(ev[rdy].type, SDEI_EVENT_PRIVATE);
	assert_int_equal(ev[rdy].priority, SDEI_PRIORITY_NORMAL);
}

/* --sdei-event 3000,shared,critical stays the user's; 3001 is still added. */
static void test_user_definition_wins(void **state)
{
	struct vm_config cfg = { .nr_sdei_events = 1 };
	struct sdei_event_config ev[VM_MAX_SDEI_EVENTS];
	char err[200];
	int n;

	(void)state;
	cfg.sdei_events[0] = (struct sdei_event_config){ 3000, SDEI_EVENT_SHARED, SDEI_PRIORITY_CRITICAL };
	n = vm_sdei_events(&cfg, true, ev, err, sizeof(err));
	assert_int_equal(n, 6);
	assert_int_equal(ev[find(ev, n, 3000)].type, SDEI_EVENT_SHARED);
	assert_int_equal(ev[find(ev, n, 3000)].priority, SDEI_PRIORITY_CRITICAL);
	assert_int_equal(ev[find(ev, n, 3001)].type, SDEI_EVENT_PRIVATE);
}

/* As many --sdei-event as the command line allows: no room for both. */
static void test_no_room(void **state)
{
	struct vm_config cfg = { .nr_sdei_events = CMDLINE_MAX_SDEI_EVENTS };
	struct sdei_event_config ev[VM_MAX_SDEI_EVENTS];
	char err[200] = "";

	(void)state;
	for (unsigned int i = 0; i < cfg.nr_sdei_events; i++)
		cfg.sdei_events[i] = (struct sdei_event_config){ 10 + i, SDEI_EVENT_PRIVATE,
								 SDEI_PRIORITY_NORMAL };
	assert_int_equal(vm_sdei_events(&cfg, false, ev, err, sizeof(err)), VM_MAX_SDEI_EVENTS);
	assert_int_equal(vm_sdei_events(&cfg, true, ev, err, sizeof(err)), -1);
	assert_non_null(strstr(err, "no room for the async-pf SDEI events 3000 and 3001"));
	assert_non_null(strstr(err, "at most 25 --sdei-event"));
	/* One fewer and one of them the user's own 3000: room for 3001. */
	cfg.nr_sdei_events--;
	cfg.sdei_events[0].num = 3000;
	assert_int_equal(vm_sdei_events(&cfg, true, ev, err, sizeof(err)), VM_MAX_SDEI_EVENTS);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_defaults_without_lazy_mem),
		cmocka_unit_test(test_lazy_mem_adds_3000_3001),
		cmocka_unit_test(test_user_definition_wins),
		cmocka_unit_test(test_no_room),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
