/* SPDX-License-Identifier: GPL-2.0-only */
/* Unit tests for the boot files opened once and read at every boot (vmm/file.c). */
#include <fcntl.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>

#include "vmm/file.h"

static char dir[64];
static char path[128];

static int make_dir(void **state)
{
	(void)state;
	snprintf(dir, sizeof(dir), "/tmp/hvmm-test-file.XXXXXX");
	assert_non_null(mkdtemp(dir));
	snprintf(path, sizeof(path), "%s/f", dir);
	return 0;
}

static int remove_dir(void **state)
{
	(void)state;
	unlink(path);
	rmdir(dir);
	return 0;
}

static void put(const char *data, size_t len)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0600);

	assert_true(fd >= 0);
	assert_int_equal(write(fd, data, len), (ssize_t)len);
	close(fd);
}

static void test_read_again_after_change(void **state)
{
	struct file_input in;
	struct file_buf b;
	char err[128];

	(void)state;
	put("kernel-1", 8);
	assert_int_equal(file_input_open(&in, path, err, sizeof(err)), 0);
	assert_int_equal(file_input_read(&in, &b, err, sizeof(err)), 0);
	assert_int_equal(b.size, 8);
	assert_memory_equal(b.data, "kernel-1", 8);
	file_buf_free(&b);
	/* A second boot reads it again through the same descriptor, from the start. */
	assert_int_equal(file_input_read(&in, &b, err, sizeof(err)), 0);
	assert_memory_equal(b.data, "kernel-1", 8);
	file_buf_free(&b);
	/* Rewritten in place (same file): the next boot sees the new bytes. */
	put("k2", 2);
	assert_int_equal(file_input_read(&in, &b, err, sizeof(err)), 0);
	assert_int_equal(b.size, 2);
	assert_memory_equal(b.data, "k2", 2);
	file_buf_free(&b);
	/* Emptied: a one-line reason, no buffer. */
	put("", 0);
	assert_int_equal(file_input_read(&in, &b, err, sizeof(err)), -1);
	assert_string_equal(err, "file is empty");
	assert_null(b.data);
	file_input_close(&in);
	assert_int_equal(in.fd, -1);
}

static void test_open_errors(void **state)
{
	struct file_input in;
	char err[128];

	(void)state;
	assert_int_equal(file_input_open(&in, "/nonexistent/kernel", err, sizeof(err)), -1);
	assert_string_equal(err, "No such file or directory");
	assert_int_equal(in.fd, -1);
	assert_int_equal(file_input_open(&in, dir, err, sizeof(err)), -1);
	assert_string_equal(err, "not a regular file");
	assert_int_equal(in.fd, -1);
	put("", 0);
	assert_int_equal(file_input_open(&in, path, err, sizeof(err)), -1);
	assert_string_equal(err, "file is empty");
	assert_int_equal(in.fd, -1);
}

static void test_output_replace(void **state)
{
	int fd = file_output_open(path);
	char buf[16] = "";
	int rfd;

	(void)state;
	assert_true(fd >= 0);
	assert_int_equal(file_output_replace(fd, "first-dtb", 9), 0);
	/* Each boot's tree replaces the last, even a shorter one. */
	assert_int_equal(file_output_replace(fd, "dtb2", 4), 0);
	close(fd);
	rfd = open(path, O_RDONLY);
	assert_true(rfd >= 0);
	assert_int_equal(read(rfd, buf, sizeof(buf)), 4);
	assert_memory_equal(buf, "dtb2", 4);
	close(rfd);
	assert_int_equal(file_output_open("/nonexistent/dir/out.dtb"), -1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_read_again_after_change, make_dir, remove_dir),
		cmocka_unit_test_setup_teardown(test_open_errors, make_dir, remove_dir),
		cmocka_unit_test_setup_teardown(test_output_replace, make_dir, remove_dir),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
