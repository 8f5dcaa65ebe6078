/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * --lazy-mem on this machine's real userfaultfd (no KVM): attach marks what
 * "load" did not write, the fetcher copies pages in from an image file,
 * lazy_mem_make_present serves hvmm's own accesses, a present page is never
 * overwritten, and a detached boot takes no more requests.
 */
#include <errno.h>
#include <fcntl.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include <cmocka.h>

#include "vmm/lazy/lazy.h"

#define RAM_BASE  0x40000000ULL
#define RAM_PAGES 64
#define IMG_PAGES 40

static uint64_t page_size;
static char img[64];

/* The image's byte at guest physical address a. */
static uint8_t img_byte(uint64_t a)
{
	return (uint8_t)(a * 7 + (a >> 12));
}

static int make_image(void **state)
{
	int fd;
	uint8_t *buf;

	(void)state;
	page_size = (uint64_t)sysconf(_SC_PAGESIZE);
	snprintf(img, sizeof(img), "/tmp/hvmm-test-lazy.XXXXXX");
	fd = mkstemp(img);
	assert_true(fd >= 0);
	buf = malloc(IMG_PAGES * page_size);
	assert_non_null(buf);
	for (uint64_t i = 0; i < IMG_PAGES * page_size; i++)
		buf[i] = img_byte(RAM_BASE + i);
	assert_int_equal(write(fd, buf, IMG_PAGES * page_size), (ssize_t)(IMG_PAGES * page_size));
	close(fd);
	free(buf);
	return 0;
}

static int remove_image(void **state)
{
	(void)state;
	unlink(img);
	return 0;
}

struct landed_log {
	unsigned int n;
	uint64_t gpa[8];
};

static void on_landed(void *opaque, uint64_t gpa)
{
	struct landed_log *l = opaque;

	if (l->n < 8)
		l->gpa[l->n] = gpa;
	l->n++;
}

static void test_attach_fetch_make_present(void **state)
{
	struct lazy_config cfg;
	struct lazy_mem lm;
	struct landed_log landed = { 0 };
	struct lazy_hooks hooks = { .fault = NULL, .landed = on_landed, .opaque = &landed };
	struct lazy_totals tot;
	char err[256];
	uint8_t *ram;

	(void)state;
	snprintf(err, sizeof(err), "%s,latency=1000", img);
	assert_int_equal(lazy_config_parse(err, &cfg, err, sizeof(err)), 0);
	if (lazy_mem_open(&lm, &cfg, RAM_PAGES * page_size, LOG_ERROR, err, sizeof(err)))
		fail_msg("%s", err);
	assert_int_equal(lazy_mem_start(&lm, false, NULL, err, sizeof(err)), 0);
	ram = mmap(NULL, RAM_PAGES * page_size, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	assert_true(ram != MAP_FAILED);
	/* "Load" writes pages 0 and 1. */
	memset(ram, 0xab, 2 * page_size);
	if (lazy_mem_attach(&lm, ram, RAM_BASE, RAM_PAGES * page_size, 2, &hooks, err, sizeof(err)))
		fail_msg("%s", err);
	assert_int_equal(lm.tracker.count[LAZY_PAGE_LOADED], 2);
	assert_int_equal(lm.tracker.count[LAZY_PAGE_MARKED], RAM_PAGES - 2);
	/* hvmm's own access: pages 5-7 come in from the image. */
	assert_int_equal(lazy_mem_make_present(&lm, RAM_BASE + 5 * page_size + 100, 2 * page_size), 0);
	for (uint64_t i = 5 * page_size; i < 8 * page_size; i++)
		assert_int_equal(ram[i], img_byte(RAM_BASE + i));
	assert_int_equal(landed.n, 3);
	for (unsigned int i = 0; i < 3; i++)
		assert_true(landed.gpa[i] >= RAM_BASE + 5 * page_size && landed.gpa[i] <= RAM_BASE + 7 * page_size);
	/* What load wrote stays: no fetch, no image bytes. */
	assert_int_equal(lazy_mem_make_present(&lm, RAM_BASE, page_size), 0);
	assert_int_equal(ram[10], 0xab);
	assert_int_equal(landed.n, 3);
	/* Past the image's end: zeros. */
	assert_int_equal(lazy_mem_make_present(&lm, RAM_BASE + (IMG_PAGES + 3) * page_size, 8), 0);
	for (uint64_t i = 0; i < page_size; i++)
		assert_int_equal(ram[(IMG_PAGES + 3) * page_size + i], 0);
	/* A present page written to is never fetched over. */
	ram[6 * page_size] = 0x11;
	assert_int_equal(lazy_mem_make_present(&lm, RAM_BASE + 6 * page_size, 1), 0);
	assert_int_equal(ram[6 * page_size], 0x11);
	/* Outside RAM. */
	assert_int_equal(lazy_mem_make_present(&lm, RAM_BASE - 1, 2), -EFAULT);
	assert_int_equal(lazy_mem_make_present(&lm, RAM_BASE + RAM_PAGES * page_size - 1, 2), -EFAULT);
	lazy_mem_totals(&lm, &tot);
	assert_int_equal(tot.populated, 4);   /* hvmm's own: counted in the total only */
	lazy_mem_detach(&lm);
	assert_int_equal(lazy_mem_make_present(&lm, RAM_BASE + 9 * page_size, 1), -ESHUTDOWN);
	munmap(ram, RAM_PAGES * page_size);
	lazy_mem_close(&lm);
}

static void test_open_errors(void **state)
{
	struct lazy_config cfg;
	struct lazy_mem lm;
	char err[256];

	(void)state;
	assert_int_equal(lazy_config_parse("/nonexistent/ram.img", &cfg, err, sizeof(err)), 0);
	assert_int_equal(lazy_mem_open(&lm, &cfg, 1 << 20, LOG_ERROR, err, sizeof(err)), -1);
	assert_non_null(strstr(err, "No such file or directory"));
	lazy_mem_close(&lm);
	assert_int_equal(lazy_config_parse("/tmp", &cfg, err, sizeof(err)), 0);
	assert_int_equal(lazy_mem_open(&lm, &cfg, 1 << 20, LOG_ERROR, err, sizeof(err)), -1);
	assert_non_null(strstr(err, "is a directory"));
	lazy_mem_close(&lm);
	assert_int_equal(lazy_config_parse(img, &cfg, err, sizeof(err)), 0);
	assert_int_equal(lazy_mem_open(&lm, &cfg, (IMG_PAGES - 1) * page_size, LOG_ERROR, err, sizeof(err)), -1);
	assert_non_null(strstr(err, "more than the"));
	lazy_mem_close(&lm);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_attach_fetch_make_present),
		cmocka_unit_test(test_open_errors),
	};

	return cmocka_run_group_tests(tests, make_image, remove_image);
}
