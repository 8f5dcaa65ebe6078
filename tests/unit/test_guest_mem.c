/* SPDX-License-Identifier: GPL-2.0-only */
/* Unit tests for the bounds-checked guest RAM accessors (vmm/guest_mem.c). */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "vmm/guest_mem.h"

#define RAM_BASE 0x40000000ULL
#define RAM_SIZE 0x4000ULL

static uint8_t ram[RAM_SIZE];

static struct guest_mem test_mem(void)
{
	struct guest_mem mem = { .base = RAM_BASE, .size = RAM_SIZE, .host = ram };

	return mem;
}

static int reset_ram(void **state)
{
	(void)state;
	memset(ram, 0xaa, sizeof(ram));
	return 0;
}

static bool all_bytes(const uint8_t *p, size_t len, uint8_t val)
{
	for (size_t i = 0; i < len; i++)
		if (p[i] != val)
			return false;
	return true;
}

/* ---- guest_mem_contains ------------------------------------------------- */

static void test_contains_inside_and_edges(void **state)
{
	struct guest_mem mem = test_mem();

	(void)state;
	assert_true(guest_mem_contains(&mem, RAM_BASE, RAM_SIZE));
	assert_true(guest_mem_contains(&mem, RAM_BASE, 1));
	assert_true(guest_mem_contains(&mem, RAM_BASE + RAM_SIZE - 1, 1));
	assert_true(guest_mem_contains(&mem, RAM_BASE + 0x100, 0x200));
	/* An empty range at either end is still "in" RAM. */
	assert_true(guest_mem_contains(&mem, RAM_BASE, 0));
	assert_true(guest_mem_contains(&mem, RAM_BASE + RAM_SIZE, 0));
}

static void test_contains_outside(void **state)
{
	struct guest_mem mem = test_mem();

	(void)state;
	assert_false(guest_mem_contains(&mem, RAM_BASE - 1, 1));
	assert_false(guest_mem_contains(&mem, RAM_BASE - 1, 2));	/* straddles the start */
	assert_false(guest_mem_contains(&mem, RAM_BASE, RAM_SIZE + 1));
	assert_false(guest_mem_contains(&mem, RAM_BASE + RAM_SIZE - 1, 2));	/* straddles the end */
	assert_false(guest_mem_contains(&mem, RAM_BASE + RAM_SIZE, 1));
	assert_false(guest_mem_contains(&mem, RAM_BASE + RAM_SIZE + 1, 0));
	assert_false(guest_mem_contains(&mem, 0, 1));
	assert_false(guest_mem_contains(&mem, UINT64_MAX, 1));
}

static void test_contains_no_wraparound(void **state)
{
	struct guest_mem mem = test_mem();

	(void)state;
	/* gpa + len wraps around to inside RAM: must still be rejected. */
	assert_false(guest_mem_contains(&mem, RAM_BASE + 0x10, UINT64_MAX));
	assert_false(guest_mem_contains(&mem, RAM_BASE, UINT64_MAX));
	assert_false(guest_mem_contains(&mem, UINT64_MAX - 0xf, RAM_BASE + 0x20));
	assert_false(guest_mem_contains(&mem, UINT64_MAX, UINT64_MAX));
}

static void test_contains_ram_at_top_of_address_space(void **state)
{
	struct guest_mem mem = { .base = UINT64_MAX - 0xfff, .size = 0x1000, .host = ram };

	(void)state;
	assert_true(guest_mem_contains(&mem, UINT64_MAX - 0xfff, 0x1000));
	assert_true(guest_mem_contains(&mem, UINT64_MAX, 1));
	assert_false(guest_mem_contains(&mem, UINT64_MAX, 2));
	assert_false(guest_mem_contains(&mem, UINT64_MAX - 0x1000, 1));
}

/* ---- guest_mem_ptr ------------------------------------------------------ */

static void test_ptr_maps_offsets(void **state)
{
	struct guest_mem mem = test_mem();

	(void)state;
	assert_ptr_equal(guest_mem_ptr(&mem, RAM_BASE, 1), ram);
	assert_ptr_equal(guest_mem_ptr(&mem, RAM_BASE + 0x123, 8), ram + 0x123);
	assert_ptr_equal(guest_mem_ptr(&mem, RAM_BASE + RAM_SIZE - 4, 4), ram + RAM_SIZE - 4);
	assert_null(guest_mem_ptr(&mem, RAM_BASE + RAM_SIZE - 4, 5));
	assert_null(guest_mem_ptr(&mem, RAM_BASE - 4, 4));
	assert_null(guest_mem_ptr(&mem, RAM_BASE + 8, UINT64_MAX - 4));
}

static void test_ptr_unmapped_ram(void **state)
{
	struct guest_mem mem = { .base = RAM_BASE, .size = RAM_SIZE, .host = NULL };

	(void)state;
	assert_null(guest_mem_ptr(&mem, RAM_BASE, 1));
	assert_int_equal(guest_mem_write(&mem, RAM_BASE, "x", 1), -EFAULT);
	assert_int_equal(guest_mem_zero(&mem, RAM_BASE, 1), -EFAULT);
}

/* ---- guest_mem_write / guest_mem_zero ---------------------------------- */

static void test_write_copies(void **state)
{
	struct guest_mem mem = test_mem();
	static const uint8_t data[] = { 1, 2, 3, 4, 5 };

	(void)state;
	assert_int_equal(guest_mem_write(&mem, RAM_BASE + 0x10, data, sizeof(data)), 0);
	assert_memory_equal(ram + 0x10, data, sizeof(data));
	/* Neighbours untouched. */
	assert_int_equal(ram[0x0f], 0xaa);
	assert_int_equal(ram[0x15], 0xaa);

	assert_int_equal(guest_mem_write(&mem, RAM_BASE + RAM_SIZE - sizeof(data), data, sizeof(data)), 0);
	assert_memory_equal(ram + RAM_SIZE - sizeof(data), data, sizeof(data));
}

static void test_write_out_of_range_changes_nothing(void **state)
{
	struct guest_mem mem = test_mem();
	static const uint8_t data[8] = { 0 };

	(void)state;
	assert_int_equal(guest_mem_write(&mem, RAM_BASE + RAM_SIZE - 4, data, sizeof(data)), -EFAULT);
	assert_int_equal(guest_mem_write(&mem, RAM_BASE - 4, data, sizeof(data)), -EFAULT);
	assert_int_equal(guest_mem_write(&mem, RAM_BASE + RAM_SIZE, data, 1), -EFAULT);
	assert_true(all_bytes(ram, RAM_SIZE, 0xaa));
}

static void test_write_zero_length(void **state)
{
	struct guest_mem mem = test_mem();

	(void)state;
	assert_int_equal(guest_mem_write(&mem, RAM_BASE + RAM_SIZE, "x", 0), 0);
	assert_int_equal(guest_mem_zero(&mem, RAM_BASE + RAM_SIZE, 0), 0);
	assert_int_equal(guest_mem_zero(&mem, RAM_BASE + RAM_SIZE + 1, 0), -EFAULT);
	assert_true(all_bytes(ram, RAM_SIZE, 0xaa));
}

static void test_zero_clears(void **state)
{
	struct guest_mem mem = test_mem();

	(void)state;
	assert_int_equal(guest_mem_zero(&mem, RAM_BASE + 0x100, 0x80), 0);
	assert_true(all_bytes(ram + 0x100, 0x80, 0));
	assert_int_equal(ram[0xff], 0xaa);
	assert_int_equal(ram[0x180], 0xaa);

	assert_int_equal(guest_mem_zero(&mem, RAM_BASE, RAM_SIZE), 0);
	assert_true(all_bytes(ram, RAM_SIZE, 0));
}

static void test_zero_out_of_range(void **state)
{
	struct guest_mem mem = test_mem();

	(void)state;
	assert_int_equal(guest_mem_zero(&mem, RAM_BASE, RAM_SIZE + 1), -EFAULT);
	assert_int_equal(guest_mem_zero(&mem, RAM_BASE + 0x10, UINT64_MAX), -EFAULT);
	assert_int_equal(guest_mem_zero(&mem, RAM_BASE - 1, 1), -EFAULT);
	assert_true(all_bytes(ram, RAM_SIZE, 0xaa));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_contains_inside_and_edges),
		cmocka_unit_test(test_contains_outside),
		cmocka_unit_test(test_contains_no_wraparound),
		cmocka_unit_test(test_contains_ram_at_top_of_address_space),
		cmocka_unit_test(test_ptr_maps_offsets),
		cmocka_unit_test(test_ptr_unmapped_ram),
		cmocka_unit_test_setup(test_write_copies, reset_ram),
		cmocka_unit_test_setup(test_write_out_of_range_changes_nothing, reset_ram),
		cmocka_unit_test_setup(test_write_zero_length, reset_ram),
		cmocka_unit_test_setup(test_zero_clears, reset_ram),
		cmocka_unit_test_setup(test_zero_out_of_range, reset_ram),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
