/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The device models (devices/virtio/blk.c, rng.c, console.c) behind the
 * real transport: virtio-blk on real files (what open refuses, the
 * configuration space, each request type as a guest driver sends it),
 * virtio-rng, and virtio-console's two queues.
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
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>

#include "devices/virtio/blk.h"
#include "devices/virtio/console.h"
#include "devices/virtio/rng.h"
#include "virtio_driver.h"

#define T_IN 0U
#define T_OUT 1U
#define T_FLUSH 4U
#define T_GET_ID 8U
#define T_DISCARD 11U
#define T_WRITE_ZEROES 13U
#define S_OK 0U
#define S_IOERR 1U
#define S_UNSUPP 2U
#define HDR (BUF + 0x0000)
#define DATA (BUF + 0x1000)
#define STATUS (BUF + 0x8000)
#define SECTORS 64U

static char dir[64], image[128];

static int make_image(void **state)
{
	int fd;

	(void)state;
	snprintf(dir, sizeof(dir), "/tmp/test_virtio_blk.XXXXXX");
	assert_non_null(mkdtemp(dir));
	snprintf(image, sizeof(image), "%s/a-disk-image-with-a-long-name.img", dir);
	fd = open(image, O_RDWR | O_CREAT | O_TRUNC, 0600);
	assert_true(fd >= 0);
	assert_int_equal(ftruncate(fd, SECTORS * 512), 0);
	close(fd);
	return 0;
}

static int remove_image(void **state)
{
	char path[128];

	(void)state;
	unlink(image);
	snprintf(path, sizeof(path), "%s/odd.img", dir);
	unlink(path);
	rmdir(dir);
	return 0;
}

struct blk_dev {
	struct virtio_blk b;
	struct drv *d;
};

static void blk_open(struct blk_dev *bd, bool ro)
{
	uint8_t config[VIRTIO_CONFIG_MAX];
	char err[256];
	uint64_t features;
	uint32_t len;

	assert_int_equal(virtio_blk_open(&bd->b, image, ro, err, sizeof(err)), 0);
	len = virtio_blk_config(&bd->b, &features, config);
	bd->d = drv_new(&virtio_blk_model, &bd->b, features, config, len);
	assert_true(negotiate(bd->d, features | 1ULL << VIRTIO_F_VERSION_1) & VIRTIO_STATUS_FEATURES_OK);
	setup_queue(bd->d, QSIZE, DESC, AVAIL, USED);
	wr(bd->d, VIRTIO_MMIO_STATUS, rd(bd->d, VIRTIO_MMIO_STATUS) | VIRTIO_STATUS_DRIVER_OK);
}

static void blk_close(struct blk_dev *bd)
{
	drv_free(bd->d);
	virtio_blk_close(&bd->b);
}

/* One request: header, data (len bytes at DATA, device-writable for IN and
 * GET_ID), status. Returns the status byte the device wrote. */
static uint8_t request(struct drv *d, uint32_t type, uint64_t sector, uint32_t len)
{
	bool to_guest = type == T_IN || type == T_GET_ID;
	uint8_t *hdr = at(d, HDR), *status = at(d, STATUS);
	unsigned int i = 0;

	memset(hdr, 0, 16);
	memcpy(hdr, &type, 4);
	memcpy(hdr + 8, &sector, 8);
	*status = 0xff;
	desc(d, i, HDR, 16, VQ_DESC_F_NEXT, (uint16_t)(i + 1));
	i++;
	if (len) {
		desc(d, i, DATA, len, (to_guest ? VQ_DESC_F_WRITE : 0) | VQ_DESC_F_NEXT, (uint16_t)(i + 1));
		i++;
	}
	desc(d, i, STATUS, 1, VQ_DESC_F_WRITE, 0);
	kick(d, 0);
	return *status;
}

static void file_read(uint64_t off, void *buf, size_t len)
{
	int fd = open(image, O_RDONLY);

	assert_int_equal(pread(fd, buf, len, (off_t)off), (ssize_t)len);
	close(fd);
}

static void test_open_refuses(void **state)
{
	struct virtio_blk b;
	char err[256], odd[128 + 16];
	int fd;

	(void)state;
	assert_int_equal(virtio_blk_open(&b, "/nonexistent.img", false, err, sizeof(err)), -1);
	assert_string_equal(err, "disk '/nonexistent.img': No such file or directory");
	assert_int_equal(virtio_blk_open(&b, dir, true, err, sizeof(err)), -1);
	assert_non_null(strstr(err, "Is a directory"));
	assert_int_equal(virtio_blk_open(&b, "/dev/null", true, err, sizeof(err)), -1);
	assert_non_null(strstr(err, "not a regular file or a block device"));
	snprintf(odd, sizeof(odd), "%s/odd.img", dir);
	fd = open(odd, O_RDWR | O_CREAT | O_TRUNC, 0600);
	assert_int_equal(ftruncate(fd, 513), 0);
	close(fd);
	assert_int_equal(virtio_blk_open(&b, odd, false, err, sizeof(err)), -1);
	assert_non_null(strstr(err, "its size, 513 bytes, is not a whole number of 512-byte sectors"));
	assert_int_equal(truncate(odd, 0), 0);
	assert_int_equal(virtio_blk_open(&b, odd, false, err, sizeof(err)), -1);
	assert_non_null(strstr(err, "its size, 0 bytes"));
}

static void test_config(void **state)
{
	struct virtio_blk b;
	uint8_t config[VIRTIO_CONFIG_MAX];
	uint64_t features, cap;
	uint32_t v;
	char err[256];

	(void)state;
	assert_int_equal(virtio_blk_open(&b, image, true, err, sizeof(err)), 0);
	assert_int_equal(virtio_blk_config(&b, &features, config), 60);
	memcpy(&cap, config, 8);
	assert_int_equal(cap, SECTORS);
	memcpy(&v, config + 20, 4);
	assert_int_equal(v, 512);
	memcpy(&v, config + 12, 4);
	assert_int_equal(v, VQ_MAX_SEGS - 2);
	assert_true(features & 1ULL << 5);            /* RO */
	assert_false(features & 1ULL << 14);          /* no WRITE_ZEROES when read-only */
	assert_false(features & 1ULL << 13);
	virtio_blk_close(&b);
	assert_int_equal(virtio_blk_open(&b, image, false, err, sizeof(err)), 0);
	virtio_blk_config(&b, &features, config);
	assert_false(features & 1ULL << 5);
	assert_true(features & 1ULL << 14);
	assert_true(!!(features & 1ULL << 13) == b.can_punch);
	virtio_blk_close(&b);
}

static void test_read_write(void **state)
{
	struct blk_dev bd;
	uint8_t buf[1024];

	(void)state;
	blk_open(&bd, false);
	memset(at(bd.d, DATA), 0x5a, 1024);
	assert_int_equal(request(bd.d, T_OUT, 3, 1024), S_OK);
	assert_int_equal(used_len(bd.d, 0), 1);              /* only the status byte written */
	file_read(3 * 512, buf, sizeof(buf));
	for (size_t i = 0; i < sizeof(buf); i++)
		assert_int_equal(buf[i], 0x5a);
	memset(at(bd.d, DATA), 0, 2048);
	assert_int_equal(request(bd.d, T_IN, 2, 2048), S_OK);
	assert_int_equal(used_len(bd.d, 1), 2049);
	assert_int_equal(((uint8_t *)at(bd.d, DATA))[511], 0);
	assert_int_equal(((uint8_t *)at(bd.d, DATA))[512], 0x5a);
	assert_int_equal(((uint8_t *)at(bd.d, DATA))[1535], 0x5a);
	assert_int_equal(((uint8_t *)at(bd.d, DATA))[1536], 0);
	assert_int_equal(request(bd.d, T_FLUSH, 0, 0), S_OK);
	/* Past the end, straddling it, and not whole sectors. */
	assert_int_equal(request(bd.d, T_IN, SECTORS, 512), S_IOERR);
	assert_int_equal(request(bd.d, T_OUT, SECTORS - 1, 1024), S_IOERR);
	assert_int_equal(request(bd.d, T_IN, UINT64_MAX, 512), S_IOERR);
	assert_int_equal(request(bd.d, T_IN, 0, 100), S_IOERR);
	assert_int_equal(request(bd.d, 99, 0, 0), S_UNSUPP);
	assert_false(needs_reset(bd.d));
	blk_close(&bd);
}

static void test_get_id(void **state)
{
	struct blk_dev bd;

	(void)state;
	blk_open(&bd, true);
	memset(at(bd.d, DATA), 0, 64);
	assert_int_equal(request(bd.d, T_GET_ID, 0, 64), S_OK);
	assert_memory_equal(at(bd.d, DATA), "a-disk-image-with-a-", 20);   /* 20 bytes, no NUL */
	assert_int_equal(((uint8_t *)at(bd.d, DATA))[20], 0);
	blk_close(&bd);
}

static void test_read_only(void **state)
{
	struct blk_dev bd;
	uint8_t before[512], after[512];

	(void)state;
	file_read(0, before, sizeof(before));
	blk_open(&bd, true);
	memset(at(bd.d, DATA), 0x77, 512);
	assert_int_equal(request(bd.d, T_OUT, 0, 512), S_IOERR);
	assert_int_equal(request(bd.d, T_IN, 0, 512), S_OK);
	file_read(0, after, sizeof(after));
	assert_memory_equal(before, after, sizeof(before));
	blk_close(&bd);
}

/* DISCARD and WRITE_ZEROES take one range of {sector, count, flags}. */
static uint8_t range_request(struct drv *d, uint32_t type, uint64_t sector, uint32_t count, uint32_t flags)
{
	uint8_t *r = at(d, DATA);

	memcpy(r, &sector, 8);
	memcpy(r + 8, &count, 4);
	memcpy(r + 12, &flags, 4);
	return request(d, type, 0, 16);
}

static void test_zeroes_and_discard(void **state)
{
	struct blk_dev bd;
	uint8_t buf[512];

	(void)state;
	blk_open(&bd, false);
	memset(at(bd.d, DATA), 0x33, 1024);
	assert_int_equal(request(bd.d, T_OUT, 10, 1024), S_OK);
	assert_int_equal(range_request(bd.d, T_WRITE_ZEROES, 10, 1, 0), S_OK);
	file_read(10 * 512, buf, sizeof(buf));
	for (size_t i = 0; i < sizeof(buf); i++)
		assert_int_equal(buf[i], 0);
	file_read(11 * 512, buf, sizeof(buf));
	assert_int_equal(buf[0], 0x33);
	assert_int_equal(range_request(bd.d, T_WRITE_ZEROES, SECTORS, 1, 0), S_IOERR);
	assert_int_equal(range_request(bd.d, T_WRITE_ZEROES, 0, 1, 2), S_UNSUPP);   /* an unknown flag */
	if (bd.b.can_punch) {
		assert_int_equal(range_request(bd.d, T_DISCARD, 11, 1, 0), S_OK);
		file_read(11 * 512, buf, sizeof(buf));
		assert_int_equal(buf[0], 0);
		assert_int_equal(range_request(bd.d, T_DISCARD, 0, 1, 1), S_UNSUPP);   /* UNMAP is write-zeroes' */
	} else {
		assert_int_equal(range_request(bd.d, T_DISCARD, 11, 1, 0), S_UNSUPP);
	}
	/* Two ranges where one is allowed. */
	assert_int_equal(request(bd.d, T_WRITE_ZEROES, 0, 32), S_UNSUPP);
	blk_close(&bd);
}

/* A request without a status byte cannot be answered: the device breaks. */
static void test_no_status_byte(void **state)
{
	struct blk_dev bd;

	(void)state;
	blk_open(&bd, false);
	desc(bd.d, 0, HDR, 16, 0, 0);
	kick(bd.d, 0);
	assert_true(needs_reset(bd.d));
	assert_int_equal(used_idx(bd.d), 0);
	blk_close(&bd);
}

static void test_rng(void **state)
{
	struct drv *d = drv_live(&virtio_rng_model, NULL, 0);
	uint8_t *p;
	unsigned int nonzero = 0;

	(void)state;
	desc(d, 0, BUF, 256, VQ_DESC_F_WRITE | VQ_DESC_F_NEXT, 1);
	desc(d, 1, BUF + 0x1000, 256, VQ_DESC_F_WRITE, 0);
	kick(d, 0);
	assert_int_equal(used_idx(d), 1);
	assert_int_equal(used_len(d, 0), 512);
	p = at(d, BUF);
	for (unsigned int i = 0; i < 256; i++)
		nonzero += p[i] != 0 && p[0x1000 + i] != 0;
	assert_true(nonzero > 200);
	drv_free(d);
}

/* virtio-console: transmitq to the output fd; receiveq buffers are taken
 * only when typed input is there, and filled with it. */
static void test_console(void **state)
{
	struct virtio_console c;
	struct drv *d;
	int pipefd[2];
	char got[16] = { 0 };

	(void)state;
	assert_int_equal(pipe(pipefd), 0);
	virtio_console_init(&c, pipefd[1]);
	d = drv_new(&virtio_console_model, &c, 0, NULL, 0);
	virtio_console_set_wake(&c, d->notify);
	assert_true(negotiate(d, 1ULL << VIRTIO_F_VERSION_1) & VIRTIO_STATUS_FEATURES_OK);
	setup_queue(d, QSIZE, DESC, AVAIL, USED);   /* receiveq */
	wr(d, VIRTIO_MMIO_QUEUE_SEL, 1);
	wr(d, VIRTIO_MMIO_QUEUE_NUM, QSIZE);
	wr(d, VIRTIO_MMIO_QUEUE_DESC_LOW, (uint32_t)(BUF + 0x2000));
	wr(d, VIRTIO_MMIO_QUEUE_AVAIL_LOW, (uint32_t)(BUF + 0x2100));
	wr(d, VIRTIO_MMIO_QUEUE_USED_LOW, (uint32_t)(BUF + 0x2200));
	wr(d, VIRTIO_MMIO_QUEUE_READY, 1);
	wr(d, VIRTIO_MMIO_STATUS, rd(d, VIRTIO_MMIO_STATUS) | VIRTIO_STATUS_DRIVER_OK);
	/* A receive buffer posted with nothing typed stays the guest's. */
	desc(d, 0, BUF, 8, VQ_DESC_F_WRITE, 0);
	kick(d, 0);
	assert_int_equal(used_idx(d), 0);
	/* Typed input wakes the device thread and fills it; what does not fit
	 * waits for the next buffer. */
	assert_int_equal(virtio_console_receive(&c, (const uint8_t *)"hello, guest", 12), 12);
	assert_true(eventfd_count(d->notify) >= 1);
	virtio_mmio_serve_queue(&d->t, 0);
	assert_int_equal(used_idx(d), 1);
	assert_int_equal(used_len(d, 0), 8);
	assert_memory_equal(at(d, BUF), "hello, g", 8);
	desc(d, 1, BUF + 0x100, 64, VQ_DESC_F_WRITE, 0);
	kick(d, 1);
	assert_int_equal(used_idx(d), 2);
	assert_int_equal(used_len(d, 1), 4);
	assert_memory_equal(at(d, BUF + 0x100), "uest", 4);
	/* The receive buffer is full at 1 KiB: the rest is left to the caller. */
	for (unsigned int i = 0; i < VIRTIO_CONSOLE_RX_BUF / 8; i++)
		assert_int_equal(virtio_console_receive(&c, (const uint8_t *)"12345678", 8), 8);
	assert_int_equal(virtio_console_receive(&c, (const uint8_t *)"x", 1), 0);
	/* transmitq: the guest's bytes reach the output fd, in order. */
	memcpy(at(d, BUF + 0x1000), "out", 3);
	memcpy(at(d, BUF + 0x1100), "put\n", 4);
	put_desc(at(d, BUF + 0x2000), 0, BUF + 0x1000, 3, VQ_DESC_F_NEXT, 1);
	put_desc(at(d, BUF + 0x2000), 1, BUF + 0x1100, 4, 0, 0);
	((uint16_t *)at(d, BUF + 0x2100))[2] = 0;
	((uint16_t *)at(d, BUF + 0x2100))[1] = 1;
	virtio_mmio_serve_queue(&d->t, 1);
	assert_int_equal(((uint16_t *)at(d, BUF + 0x2200))[1], 1);
	assert_int_equal(read(pipefd[0], got, sizeof(got)), 7);
	assert_string_equal(got, "output\n");
	drv_free(d);
	virtio_console_destroy(&c);
	close(pipefd[0]);
	close(pipefd[1]);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_open_refuses),
		cmocka_unit_test(test_config),
		cmocka_unit_test(test_read_write),
		cmocka_unit_test(test_get_id),
		cmocka_unit_test(test_read_only),
		cmocka_unit_test(test_zeroes_and_discard),
		cmocka_unit_test(test_no_status_byte),
		cmocka_unit_test(test_rng),
		cmocka_unit_test(test_console),
	};

	return cmocka_run_group_tests(tests, make_image, remove_image);
}
