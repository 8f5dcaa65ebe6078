/* SPDX-License-Identifier: GPL-2.0-only */
/* Unit tests for the device registry (devices/bus.c). */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>
#include <libfdt.h>

#include "devices/device.h"

/* ---- helpers ----------------------------------------------------------- */

static struct vm_device make_dev(const char *name, uint64_t base, uint64_t size)
{
	struct vm_device dev = { .name = name, .base = base, .size = size };

	return dev;
}

/* Records which devices' fdt_emit ran, in order, and fails on request. */
struct emit_log {
	const struct vm_device *order[8];
	unsigned int count;
};

struct emit_dev {
	struct vm_device dev;
	struct emit_log *log;
	int result;
};

static int record_fdt_emit(struct vm_device *dev, struct fdt_ctx *ctx)
{
	struct emit_dev *ed = dev->priv;

	assert_non_null(ctx);
	assert_true(ed->log->count < 8);
	ed->log->order[ed->log->count++] = dev;
	return ed->result;
}

static const struct device_ops emit_ops = { .fdt_emit = record_fdt_emit };
static const struct device_ops no_emit_ops = { .fdt_emit = NULL };

static void make_emit_dev(struct emit_dev *ed, const char *name, uint64_t base,
			  struct emit_log *log, int result)
{
	ed->dev = make_dev(name, base, 0x1000);
	ed->dev.ops = &emit_ops;
	ed->dev.priv = ed;
	ed->log = log;
	ed->result = result;
}

static unsigned int bus_length(const struct device_bus *bus)
{
	unsigned int n = 0;
	const struct vm_device *dev;

	for (dev = bus->head; dev && n < 100; dev = dev->next)
		n++;
	return n;
}

/* ---- device_bus_add ---------------------------------------------------- */

static void test_add_rejects_invalid(void **state)
{
	struct device_bus bus = { 0 };
	struct vm_device unnamed = make_dev(NULL, 0x1000, 0x1000);
	struct vm_device empty_name = make_dev("", 0x1000, 0x1000);
	struct vm_device dev = make_dev("dev", 0x1000, 0x1000);

	(void)state;
	assert_int_equal(device_bus_add(&bus, NULL), -EINVAL);
	assert_int_equal(device_bus_add(NULL, &dev), -EINVAL);
	assert_int_equal(device_bus_add(&bus, &unnamed), -EINVAL);
	assert_int_equal(device_bus_add(&bus, &empty_name), -EINVAL);
	assert_null(bus.head);
}

static void test_add_rejects_wrapping_range(void **state)
{
	struct device_bus bus = { 0 };
	struct vm_device wraps = make_dev("wraps", UINT64_MAX - 0xfff, 0x1001);
	struct vm_device huge = make_dev("huge", 2, UINT64_MAX);
	struct vm_device to_top = make_dev("top", UINT64_MAX - 0xfff, 0x1000);
	struct vm_device last_byte = make_dev("last", UINT64_MAX, 1);
	struct vm_device everything = make_dev("all", 0, UINT64_MAX);

	(void)state;
	assert_int_equal(device_bus_add(&bus, &wraps), -EINVAL);
	assert_int_equal(device_bus_add(&bus, &huge), -EINVAL);
	assert_null(bus.head);

	/* Ending exactly at 2^64 does not wrap. */
	assert_int_equal(device_bus_add(&bus, &to_top), 0);
	assert_int_equal(device_bus_add(&bus, &last_byte), -EEXIST);

	bus.head = NULL;
	assert_int_equal(device_bus_add(&bus, &everything), 0);
	assert_int_equal(device_bus_add(&bus, &last_byte), 0);	/* 2^64 - 1 is outside */
}

static void test_add_keeps_registration_order(void **state)
{
	struct device_bus bus = { 0 };
	struct vm_device a = make_dev("a", 0x9000, 0x1000);
	struct vm_device b = make_dev("b", 0x1000, 0x1000);
	struct vm_device c = make_dev("c", 0x5000, 0x1000);

	(void)state;
	c.next = &a;	/* stale link from an earlier life must not survive */
	assert_int_equal(device_bus_add(&bus, &a), 0);
	assert_int_equal(device_bus_add(&bus, &b), 0);
	assert_int_equal(device_bus_add(&bus, &c), 0);
	assert_ptr_equal(bus.head, &a);
	assert_ptr_equal(a.next, &b);
	assert_ptr_equal(b.next, &c);
	assert_null(c.next);
}

static void test_add_rejects_overlaps(void **state)
{
	struct device_bus bus = { 0 };
	struct vm_device dev = make_dev("dev", 0x10000, 0x1000);	/* [0x10000, 0x11000) */
	struct vm_device same = make_dev("same", 0x10000, 0x1000);
	struct vm_device tail = make_dev("tail", 0xf000, 0x1001);	/* ends on the first byte */
	struct vm_device head = make_dev("head", 0x10fff, 0x10);	/* starts on the last byte */
	struct vm_device inside = make_dev("inside", 0x10800, 0x10);
	struct vm_device around = make_dev("around", 0x0, 0x100000);

	(void)state;
	assert_int_equal(device_bus_add(&bus, &dev), 0);
	assert_int_equal(device_bus_add(&bus, &same), -EEXIST);
	assert_int_equal(device_bus_add(&bus, &tail), -EEXIST);
	assert_int_equal(device_bus_add(&bus, &head), -EEXIST);
	assert_int_equal(device_bus_add(&bus, &inside), -EEXIST);
	assert_int_equal(device_bus_add(&bus, &around), -EEXIST);
	assert_int_equal(bus_length(&bus), 1);
}

static void test_add_accepts_adjacent(void **state)
{
	struct device_bus bus = { 0 };
	struct vm_device mid = make_dev("mid", 0x10000, 0x1000);
	struct vm_device below = make_dev("below", 0xf000, 0x1000);
	struct vm_device above = make_dev("above", 0x11000, 0x1000);

	(void)state;
	assert_int_equal(device_bus_add(&bus, &mid), 0);
	assert_int_equal(device_bus_add(&bus, &below), 0);
	assert_int_equal(device_bus_add(&bus, &above), 0);
	assert_int_equal(bus_length(&bus), 3);
}

static void test_add_size_zero_never_overlaps(void **state)
{
	struct device_bus bus = { 0 };
	struct vm_device mmio = make_dev("mmio", 0x10000, 0x1000);
	struct vm_device gic = make_dev("gic", 0x10000, 0);
	struct vm_device timer = make_dev("timer", 0x10000, 0);
	struct vm_device psci = make_dev("psci", 0, 0);

	(void)state;
	assert_int_equal(device_bus_add(&bus, &mmio), 0);
	assert_int_equal(device_bus_add(&bus, &gic), 0);
	assert_int_equal(device_bus_add(&bus, &timer), 0);
	assert_int_equal(device_bus_add(&bus, &psci), 0);
	assert_int_equal(bus_length(&bus), 4);
}

static void test_add_same_device_twice(void **state)
{
	struct device_bus bus = { 0 };
	struct vm_device a = make_dev("a", 0, 0);
	struct vm_device b = make_dev("b", 0, 0);

	(void)state;
	assert_int_equal(device_bus_add(&bus, &a), 0);
	assert_int_equal(device_bus_add(&bus, &b), 0);
	/* Size 0 overlaps nothing, yet a second add must not make a cycle. */
	assert_int_equal(device_bus_add(&bus, &b), -EEXIST);
	assert_int_equal(device_bus_add(&bus, &a), -EEXIST);
	assert_int_equal(bus_length(&bus), 2);
	assert_null(b.next);
}

/* ---- device_bus_find --------------------------------------------------- */

static void test_find_edges(void **state)
{
	struct device_bus bus = { 0 };
	struct vm_device a = make_dev("a", 0x9000000, 0x1000);
	struct vm_device b = make_dev("b", 0x9001000, 0x1000);

	(void)state;
	assert_int_equal(device_bus_add(&bus, &a), 0);
	assert_int_equal(device_bus_add(&bus, &b), 0);

	assert_ptr_equal(device_bus_find(&bus, 0x9000000, 1), &a);	/* first byte */
	assert_ptr_equal(device_bus_find(&bus, 0x9000000, 8), &a);
	assert_ptr_equal(device_bus_find(&bus, 0x9000fff, 1), &a);	/* last byte */
	assert_ptr_equal(device_bus_find(&bus, 0x9000ffc, 4), &a);	/* ends on the last byte */
	assert_ptr_equal(device_bus_find(&bus, 0x9001000, 1), &b);
	assert_ptr_equal(device_bus_find(&bus, 0x9001ff8, 8), &b);

	/* Straddling a region end, even into a neighbour, belongs to nobody. */
	assert_null(device_bus_find(&bus, 0x9000ffd, 4));
	assert_null(device_bus_find(&bus, 0x9000fff, 2));
	assert_null(device_bus_find(&bus, 0x9001ffc, 8));
	assert_null(device_bus_find(&bus, 0x8ffffff, 2));		/* straddles the start */

	assert_null(device_bus_find(&bus, 0x8ffffff, 1));
	assert_null(device_bus_find(&bus, 0x9002000, 1));
	assert_null(device_bus_find(&bus, 0, 4));
	assert_null(device_bus_find(&bus, 0x9000000, 0));		/* empty access */
}

static void test_find_never_matches_size_zero(void **state)
{
	struct device_bus bus = { 0 };
	struct vm_device none = make_dev("none", 0x1000, 0);

	(void)state;
	assert_int_equal(device_bus_add(&bus, &none), 0);
	assert_null(device_bus_find(&bus, 0x1000, 1));
	assert_null(device_bus_find(&bus, 0xfff, 1));
}

static void test_find_at_top_of_address_space(void **state)
{
	struct device_bus bus = { 0 };
	struct vm_device top = make_dev("top", UINT64_MAX - 0xfff, 0x1000);

	(void)state;
	assert_int_equal(device_bus_add(&bus, &top), 0);
	assert_ptr_equal(device_bus_find(&bus, UINT64_MAX, 1), &top);
	assert_ptr_equal(device_bus_find(&bus, UINT64_MAX - 7, 8), &top);
	/* addr + len wraps past 2^64: must not be taken for a hit. */
	assert_null(device_bus_find(&bus, UINT64_MAX - 3, 8));
	assert_null(device_bus_find(&bus, UINT64_MAX, 2));
}

static void test_find_empty_bus(void **state)
{
	struct device_bus bus = { 0 };

	(void)state;
	assert_null(device_bus_find(&bus, 0x9000000, 1));
	assert_null(device_bus_find(NULL, 0x9000000, 1));
}

/* ---- device_bus_fdt_emit ----------------------------------------------- */

static void test_fdt_emit_in_order(void **state)
{
	struct device_bus bus = { 0 };
	struct emit_log log = { 0 };
	struct emit_dev a, b, c;
	struct vm_device silent = make_dev("silent", 0x4000, 0x1000);
	struct vm_device no_ops = make_dev("no-ops", 0x5000, 0);
	struct fdt_ctx ctx = { 0 };

	(void)state;
	make_emit_dev(&c, "c", 0x3000, &log, 0);
	make_emit_dev(&a, "a", 0x1000, &log, 0);
	make_emit_dev(&b, "b", 0x2000, &log, 0);
	silent.ops = &no_emit_ops;

	/* Registration order, not address order. */
	assert_int_equal(device_bus_add(&bus, &c.dev), 0);
	assert_int_equal(device_bus_add(&bus, &silent), 0);
	assert_int_equal(device_bus_add(&bus, &a.dev), 0);
	assert_int_equal(device_bus_add(&bus, &no_ops), 0);
	assert_int_equal(device_bus_add(&bus, &b.dev), 0);

	assert_int_equal(device_bus_fdt_emit(&bus, &ctx), 0);
	assert_int_equal(log.count, 3);
	assert_ptr_equal(log.order[0], &c.dev);
	assert_ptr_equal(log.order[1], &a.dev);
	assert_ptr_equal(log.order[2], &b.dev);
}

static void test_fdt_emit_stops_at_first_error(void **state)
{
	struct device_bus bus = { 0 };
	struct emit_log log = { 0 };
	struct emit_dev a, b, c;
	struct fdt_ctx ctx = { 0 };

	(void)state;
	make_emit_dev(&a, "a", 0x1000, &log, 0);
	make_emit_dev(&b, "b", 0x2000, &log, -FDT_ERR_NOSPACE);
	make_emit_dev(&c, "c", 0x3000, &log, -FDT_ERR_EXISTS);
	assert_int_equal(device_bus_add(&bus, &a.dev), 0);
	assert_int_equal(device_bus_add(&bus, &b.dev), 0);
	assert_int_equal(device_bus_add(&bus, &c.dev), 0);

	assert_int_equal(device_bus_fdt_emit(&bus, &ctx), -FDT_ERR_NOSPACE);
	assert_int_equal(log.count, 2);
	assert_ptr_equal(log.order[0], &a.dev);
	assert_ptr_equal(log.order[1], &b.dev);
}

static void test_fdt_emit_empty_bus(void **state)
{
	struct device_bus bus = { 0 };
	struct fdt_ctx ctx = { 0 };

	(void)state;
	assert_int_equal(device_bus_fdt_emit(&bus, &ctx), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_add_rejects_invalid),
		cmocka_unit_test(test_add_rejects_wrapping_range),
		cmocka_unit_test(test_add_keeps_registration_order),
		cmocka_unit_test(test_add_rejects_overlaps),
		cmocka_unit_test(test_add_accepts_adjacent),
		cmocka_unit_test(test_add_size_zero_never_overlaps),
		cmocka_unit_test(test_add_same_device_twice),
		cmocka_unit_test(test_find_edges),
		cmocka_unit_test(test_find_never_matches_size_zero),
		cmocka_unit_test(test_find_at_top_of_address_space),
		cmocka_unit_test(test_find_empty_bus),
		cmocka_unit_test(test_fdt_emit_in_order),
		cmocka_unit_test(test_fdt_emit_stops_at_first_error),
		cmocka_unit_test(test_fdt_emit_empty_bus),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
