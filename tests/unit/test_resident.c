/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * vmm/resident.c: dropping the executable's read-only segments from the
 * resident set takes them out of Rss, loses nothing (code and constants
 * work after it), and leaves written data alone.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "vmm/resident.h"

/* Rss (KiB) of this executable's mappings that are read-only or
 * executable, and of its writable ones, from /proc/self/smaps. */
static void exe_rss(unsigned long *ro_kib, unsigned long *rw_kib)
{
	char exe[4096], line[4608];
	ssize_t n = readlink("/proc/self/exe", exe, sizeof(exe) - 1);
	FILE *f = fopen("/proc/self/smaps", "r");
	int in_exe = 0, writable = 0;

	assert_true(n > 0);
	exe[n] = '\0';
	assert_non_null(f);
	*ro_kib = *rw_kib = 0;
	while (fgets(line, sizeof(line), f)) {
		char perms[8], path[4096];
		unsigned long lo, hi, kib;
		int got = sscanf(line, "%lx-%lx %7s %*s %*s %*s %4095s", &lo, &hi, perms, path);

		if (got >= 3) {   /* a mapping's first line */
			in_exe = got == 4 && !strcmp(path, exe);
			writable = perms[1] == 'w';
		} else if (in_exe && sscanf(line, "Rss: %lu kB", &kib) == 1) {
			*(writable ? rw_kib : ro_kib) += kib;
		}
	}
	fclose(f);
}

static int written_data = 1;
/* 1 MiB of constants in the executable's read-only segment, made resident
 * by reading them all before the drop. */
#define BIG_SIZE (1 << 20)
static const unsigned char big[BIG_SIZE] = { [0] = 1, [BIG_SIZE - 1] = 2 };

static unsigned long touch_big(void)
{
	unsigned long sum = 0;

	for (size_t i = 0; i < BIG_SIZE; i += 4096)
		sum += *(volatile const unsigned char *)&big[i];
	return sum + big[BIG_SIZE - 1];
}

static void test_drop_code(void **state)
{
	struct log log = { .level = LOG_ERROR };
	unsigned long ro0, rw0, ro1, rw1, dropped;

	(void)state;
	written_data = 42;
	assert_int_equal(touch_big(), 3);
	exe_rss(&ro0, &rw0);
	assert_true(ro0 >= BIG_SIZE / 1024);
	dropped = resident_drop_code(&log);
	exe_rss(&ro1, &rw1);
	assert_true(dropped > 0);
	print_message("read-only Rss %lu KiB, after the drop %lu KiB (%lu bytes dropped)\n", ro0, ro1, dropped);
	/* Running this test's code maps some of it back, not the constants. */
	assert_true(dropped >= BIG_SIZE);
	assert_true(ro1 + (BIG_SIZE / 1024) / 2 < ro0);
	/* Written data stays; code and constants still work. */
	assert_int_equal(written_data, 42);
	assert_int_equal(rw1, rw0);
	assert_int_equal(touch_big(), 3);
	assert_string_equal(strchr("resident", 'i'), "ident");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_drop_code),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
