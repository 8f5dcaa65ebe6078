/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The virtio-mmio transport and the split virtqueue (devices/virtio/),
 * driven as a guest driver would through the registers, with the rings in
 * a fake guest RAM: the status table, queue set-up, a request's round
 * trip, and every kind of hostile ring, which must put the device in
 * NEEDS_RESET (never crash, never loop, never touch memory outside RAM).
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "virtio_driver.h"

/* The echo model: copies the request's readable bytes into its writable
 * ones; a request whose first byte is 0xee is "malformed". */
static int echo_handle(struct virtio_mmio *t, unsigned int q, const struct vq_chain *req, uint32_t *written,
		       const char **why)
{
	uint8_t buf[4096];
	uint64_t n = req->out_len < sizeof(buf) ? req->out_len : sizeof(buf);

	(void)t;
	(void)q;
	n = vq_copy_from_out(req, 0, buf, n);
	if (n && buf[0] == 0xee) {
		*why = "the echo model refuses 0xee";
		return -EIO;
	}
	*written = (uint32_t)vq_copy_to_in(req, 0, buf, n < req->in_len ? n : req->in_len);
	return 0;
}

static const struct virtio_device_model echo_model = {
	.name = "echo", .device_id = 42, .nr_queues = 1, .queue_max = 64, .handle = echo_handle,
};

/* ---- registers and status ------------------------------------------------ */

static void test_identity(void **state)
{
	struct drv *d = drv_new(&echo_model, NULL, 1ULL << 5, "cfg!", 4);
	uint32_t cfg = 0;

	(void)state;
	assert_int_equal(rd(d, VIRTIO_MMIO_MAGIC_VALUE), VIRTIO_MMIO_MAGIC);
	assert_int_equal(rd(d, VIRTIO_MMIO_VERSION), 2);
	assert_int_equal(rd(d, VIRTIO_MMIO_DEVICE_ID), 42);
	wr(d, VIRTIO_MMIO_DEVICE_FEATURES_SEL, 0);
	assert_int_equal(rd(d, VIRTIO_MMIO_DEVICE_FEATURES),
			 1U << 5 | 1U << VIRTIO_F_RING_INDIRECT_DESC | 1U << VIRTIO_F_RING_EVENT_IDX);
	wr(d, VIRTIO_MMIO_DEVICE_FEATURES_SEL, 1);
	assert_int_equal(rd(d, VIRTIO_MMIO_DEVICE_FEATURES), 1U << (VIRTIO_F_VERSION_1 - 32));
	wr(d, VIRTIO_MMIO_DEVICE_FEATURES_SEL, 7);
	assert_int_equal(rd(d, VIRTIO_MMIO_DEVICE_FEATURES), 0);
	assert_int_equal(rd(d, VIRTIO_MMIO_QUEUE_NUM_MAX), 64);
	wr(d, VIRTIO_MMIO_QUEUE_SEL, 1);   /* past the device's one queue */
	assert_int_equal(rd(d, VIRTIO_MMIO_QUEUE_NUM_MAX), 0);
	/* The configuration space, at any width; past it reads zero. */
	d->t.dev.ops->mmio_read(&d->t.dev, VIRTIO_MMIO_CONFIG, &cfg, 4);
	assert_memory_equal(&cfg, "cfg!", 4);
	d->t.dev.ops->mmio_read(&d->t.dev, VIRTIO_MMIO_CONFIG + 2, &cfg, 4);
	assert_int_equal(cfg, 0);
	/* A register read that is not 32-bit reads zero and is counted. */
	d->t.dev.ops->mmio_read(&d->t.dev, VIRTIO_MMIO_MAGIC_VALUE, &cfg, 2);
	assert_int_equal(cfg, 0);
	assert_int_equal(d->t.bad_accesses, 1);
	drv_free(d);
}

static void test_status_table(void **state)
{
	const uint32_t ack = VIRTIO_STATUS_ACKNOWLEDGE, drv = VIRTIO_STATUS_DRIVER;
	struct drv *d = drv_new(&echo_model, NULL, 0, "cfg!", 4);

	(void)state;
	/* Skipping a step is refused: Status stays where it was. */
	wr(d, VIRTIO_MMIO_STATUS, ack | drv);
	assert_int_equal(rd(d, VIRTIO_MMIO_STATUS), 0);
	wr(d, VIRTIO_MMIO_STATUS, ack);
	wr(d, VIRTIO_MMIO_STATUS, ack | drv | VIRTIO_STATUS_FEATURES_OK | VIRTIO_STATUS_DRIVER_OK);
	assert_int_equal(rd(d, VIRTIO_MMIO_STATUS), ack);
	assert_int_equal(d->reports, 2);
	/* Features without VERSION_1: FEATURES_OK does not stick. */
	assert_false(negotiate(d, 0) & VIRTIO_STATUS_FEATURES_OK);
	/* Features the device did not offer: the same. */
	assert_false(negotiate(d, 1ULL << VIRTIO_F_VERSION_1 | 1ULL << 3) & VIRTIO_STATUS_FEATURES_OK);
	assert_true(negotiate(d, 1ULL << VIRTIO_F_VERSION_1) & VIRTIO_STATUS_FEATURES_OK);
	/* Features are fixed once FEATURES_OK is set. */
	wr(d, VIRTIO_MMIO_DRIVER_FEATURES_SEL, 0);
	wr(d, VIRTIO_MMIO_DRIVER_FEATURES, 1U << 3);
	assert_true(d->t.driver_features == 1ULL << VIRTIO_F_VERSION_1);
	/* FAILED from anywhere; 0 resets. */
	wr(d, VIRTIO_MMIO_STATUS, rd(d, VIRTIO_MMIO_STATUS) | VIRTIO_STATUS_FAILED);
	assert_int_equal(rd(d, VIRTIO_MMIO_STATUS), VIRTIO_STATUS_FAILED);
	wr(d, VIRTIO_MMIO_STATUS, 0);
	assert_int_equal(rd(d, VIRTIO_MMIO_STATUS), 0);
	assert_true(d->t.driver_features == 0);
	/* The table itself. */
	assert_int_equal(virtio_status_next(99, 1, true), -1);
	drv_free(d);
}

/* ---- queue set-up --------------------------------------------------------- */

static void test_queue_setup_refused(void **state)
{
	static const struct { uint32_t size; uint64_t desc, avail, used; } bad[] = {
		{ 6, DESC, AVAIL, USED },                  /* not a power of two */
		{ 128, DESC, AVAIL, USED },                /* past QueueNumMax */
		{ 0, DESC, AVAIL, USED },
		{ 0x10000, DESC, AVAIL, USED },
		{ QSIZE, DESC + 8, AVAIL, USED },          /* misaligned */
		{ QSIZE, DESC, AVAIL + 1, USED },
		{ QSIZE, DESC, AVAIL, USED + 2 },
		{ QSIZE, RAM_BASE - 16, AVAIL, USED },     /* outside RAM */
		{ QSIZE, DESC, RAM_BASE + RAM_SIZE - 4, USED },
		{ QSIZE, DESC, AVAIL, 0xfffffffffffffff0ULL },
	};

	(void)state;
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		struct drv *d = drv_new(&echo_model, NULL, 0, "cfg!", 4);

		assert_true(negotiate(d, 1ULL << VIRTIO_F_VERSION_1) & VIRTIO_STATUS_FEATURES_OK);
		setup_queue(d, bad[i].size, bad[i].desc, bad[i].avail, bad[i].used);
		assert_int_equal(rd(d, VIRTIO_MMIO_QUEUE_READY), 0);
		assert_true(needs_reset(d));
		assert_true(rd(d, VIRTIO_MMIO_INTERRUPT_STATUS) & VIRTIO_INT_CONFIG);
		assert_int_equal(eventfd_count(d->irq), 1);
		drv_free(d);
	}
}

/* ---- requests ------------------------------------------------------------- */

static void test_round_trip(void **state)
{
	struct drv *d = drv_live(&echo_model, NULL, 0);

	(void)state;
	memcpy(at(d, BUF), "hello", 5);
	desc(d, 0, BUF, 5, VQ_DESC_F_NEXT, 1);
	desc(d, 1, BUF + 0x100, 3, VQ_DESC_F_WRITE | VQ_DESC_F_NEXT, 2);
	desc(d, 2, BUF + 0x200, 8, VQ_DESC_F_WRITE, 0);
	kick(d, 0);
	assert_int_equal(eventfd_count(d->notify), 1);   /* QueueNotify without an ioeventfd */
	assert_int_equal(used_idx(d), 1);
	assert_int_equal(((uint32_t *)at(d, USED + 4))[0], 0);   /* id */
	assert_int_equal(((uint32_t *)at(d, USED + 4))[1], 5);   /* len */
	assert_memory_equal(at(d, BUF + 0x100), "hel", 3);
	assert_memory_equal(at(d, BUF + 0x200), "lo", 2);
	assert_int_equal(rd(d, VIRTIO_MMIO_INTERRUPT_STATUS), VIRTIO_INT_USED);
	assert_int_equal(eventfd_count(d->irq), 1);
	wr(d, VIRTIO_MMIO_INTERRUPT_ACK, VIRTIO_INT_USED);
	assert_int_equal(rd(d, VIRTIO_MMIO_INTERRUPT_STATUS), 0);
	/* With VIRTQ_AVAIL_F_NO_INTERRUPT the request is answered, silently. */
	((uint16_t *)at(d, AVAIL))[0] = 1;
	kick(d, 0);
	assert_int_equal(used_idx(d), 2);
	assert_int_equal(eventfd_count(d->irq), 0);
	/* An indirect table: one request. */
	((uint16_t *)at(d, AVAIL))[0] = 0;
	put_desc(at(d, BUF + 0x1000), 0, BUF, 5, VQ_DESC_F_NEXT, 1);
	put_desc(at(d, BUF + 0x1000), 1, BUF + 0x300, 5, VQ_DESC_F_WRITE, 0);
	desc(d, 3, BUF + 0x1000, 32, VQ_DESC_F_INDIRECT, 0);
	kick(d, 3);
	assert_int_equal(used_idx(d), 3);
	assert_memory_equal(at(d, BUF + 0x300), "hello", 5);
	assert_false(needs_reset(d));
	assert_int_equal(d->reports, 0);
	drv_free(d);
}

/* Each hostile request breaks the device: NEEDS_RESET, a configuration
 * interrupt, one report, nothing answered; then a reset makes it work. */
static void hostile(void (*make)(struct drv *d), uint16_t head)
{
	struct drv *d = drv_live(&echo_model, NULL, 0);

	make(d);
	kick(d, head);
	assert_true(needs_reset(d));
	assert_int_equal(used_idx(d), 0);
	assert_true(rd(d, VIRTIO_MMIO_INTERRUPT_STATUS) & VIRTIO_INT_CONFIG);
	assert_int_equal(d->reports, 1);
	/* Kicking again changes nothing and reports nothing more. */
	kick(d, 0);
	assert_int_equal(used_idx(d), 0);
	assert_int_equal(d->reports, 1);
	/* After a reset and a fresh set-up the device answers again. */
	negotiate(d, 1ULL << VIRTIO_F_VERSION_1 | 1ULL << VIRTIO_F_RING_INDIRECT_DESC);
	assert_false(needs_reset(d));
	memset(at(d, AVAIL), 0, 0x1000);
	memset(at(d, USED), 0, 0x1000);
	d->avail_idx = 0;
	setup_queue(d, QSIZE, DESC, AVAIL, USED);
	wr(d, VIRTIO_MMIO_STATUS, rd(d, VIRTIO_MMIO_STATUS) | VIRTIO_STATUS_DRIVER_OK);
	desc(d, 0, BUF, 1, VQ_DESC_F_NEXT, 1);
	desc(d, 1, BUF + 0x100, 1, VQ_DESC_F_WRITE, 0);
	memset(at(d, BUF), 'x', 1);
	kick(d, 0);
	assert_int_equal(used_idx(d), 1);
	drv_free(d);
}

static void loop_self(struct drv *d) { desc(d, 0, BUF, 1, VQ_DESC_F_NEXT, 0); }
static void loop_two(struct drv *d)
{
	desc(d, 0, BUF, 1, VQ_DESC_F_NEXT, 1);
	desc(d, 1, BUF, 1, VQ_DESC_F_NEXT, 0);
}
static void next_past(struct drv *d) { desc(d, 0, BUF, 1, VQ_DESC_F_NEXT, QSIZE); }
static void outside_ram(struct drv *d) { desc(d, 0, RAM_BASE + RAM_SIZE - 2, 4, 0, 0); }
static void below_ram(struct drv *d) { desc(d, 0, 0x1000, 4, 0, 0); }
static void huge_len(struct drv *d) { desc(d, 0, BUF, 0xffffffffU, VQ_DESC_F_WRITE, 0); }
static void wrapping_addr(struct drv *d) { desc(d, 0, 0xfffffffffffffff0ULL, 0x20, 0, 0); }
static void read_after_write(struct drv *d)
{
	desc(d, 0, BUF, 1, VQ_DESC_F_WRITE | VQ_DESC_F_NEXT, 1);
	desc(d, 1, BUF, 1, 0, 0);
}
static void nested_indirect(struct drv *d)
{
	put_desc(at(d, BUF + 0x1000), 0, BUF + 0x1000, 16, VQ_DESC_F_INDIRECT, 0);
	desc(d, 0, BUF + 0x1000, 16, VQ_DESC_F_INDIRECT, 0);
}
static void indirect_loop(struct drv *d)
{
	put_desc(at(d, BUF + 0x1000), 0, BUF, 1, VQ_DESC_F_NEXT, 1);
	put_desc(at(d, BUF + 0x1000), 1, BUF, 1, VQ_DESC_F_NEXT, 0);
	desc(d, 0, BUF + 0x1000, 32, VQ_DESC_F_INDIRECT, 0);
}
static void indirect_odd_len(struct drv *d) { desc(d, 0, BUF + 0x1000, 24, VQ_DESC_F_INDIRECT, 0); }
static void indirect_empty(struct drv *d) { desc(d, 0, BUF + 0x1000, 0, VQ_DESC_F_INDIRECT, 0); }
static void indirect_huge(struct drv *d) { desc(d, 0, BUF + 0x1000, 0xfffffff0U, VQ_DESC_F_INDIRECT, 0); }
static void indirect_with_next(struct drv *d)
{
	put_desc(at(d, BUF + 0x1000), 0, BUF, 1, 0, 0);
	desc(d, 0, BUF + 0x1000, 16, VQ_DESC_F_INDIRECT | VQ_DESC_F_NEXT, 1);
}
static void indirect_next_past(struct drv *d)
{
	put_desc(at(d, BUF + 0x1000), 0, BUF, 1, VQ_DESC_F_NEXT, 2);
	desc(d, 0, BUF + 0x1000, 32, VQ_DESC_F_INDIRECT, 0);
}
static void head_past(struct drv *d) { (void)d; }
static void avail_runs_ahead(struct drv *d)
{
	desc(d, 0, BUF, 1, 0, 0);
	d->avail_idx = QSIZE + 5;   /* kick() adds one more: 14 entries claimed in a queue of 8 */
}
static void model_refuses(struct drv *d)
{
	memset(at(d, BUF), 0xee, 1);
	desc(d, 0, BUF, 1, 0, 0);
}

static void test_hostile_rings(void **state)
{
	(void)state;
	hostile(loop_self, 0);
	hostile(loop_two, 0);
	hostile(next_past, 0);
	hostile(outside_ram, 0);
	hostile(below_ram, 0);
	hostile(huge_len, 0);
	hostile(wrapping_addr, 0);
	hostile(read_after_write, 0);
	hostile(nested_indirect, 0);
	hostile(indirect_loop, 0);
	hostile(indirect_odd_len, 0);
	hostile(indirect_empty, 0);
	hostile(indirect_huge, 0);
	hostile(indirect_with_next, 0);
	hostile(indirect_next_past, 0);
	hostile(head_past, QSIZE);
	hostile(head_past, 0xffff);
	hostile(avail_runs_ahead, 0);
	hostile(model_refuses, 0);
}

/* Indirect descriptors the driver did not negotiate break the device. */
static void test_indirect_not_negotiated(void **state)
{
	struct drv *d = drv_new(&echo_model, NULL, 0, "cfg!", 4);

	(void)state;
	assert_true(negotiate(d, 1ULL << VIRTIO_F_VERSION_1) & VIRTIO_STATUS_FEATURES_OK);
	setup_queue(d, QSIZE, DESC, AVAIL, USED);
	wr(d, VIRTIO_MMIO_STATUS, rd(d, VIRTIO_MMIO_STATUS) | VIRTIO_STATUS_DRIVER_OK);
	put_desc(at(d, BUF + 0x1000), 0, BUF, 1, 0, 0);
	desc(d, 0, BUF + 0x1000, 16, VQ_DESC_F_INDIRECT, 0);
	kick(d, 0);
	assert_true(needs_reset(d));
	drv_free(d);
}

/* A chain as long as the queue is fine; one more step is a loop. */
static void test_chain_length(void **state)
{
	struct drv *d = drv_live(&echo_model, NULL, 0);

	(void)state;
	for (unsigned int i = 0; i < QSIZE; i++)
		desc(d, i, BUF + i, 1, i + 1 < QSIZE ? VQ_DESC_F_NEXT : 0, (uint16_t)(i + 1));
	kick(d, 0);
	assert_int_equal(used_idx(d), 1);
	assert_false(needs_reset(d));
	drv_free(d);
}

/* Nothing is served before DRIVER_OK, or after the RAM went away. */
static void test_not_live(void **state)
{
	struct drv *d = drv_new(&echo_model, NULL, 0, "cfg!", 4);

	(void)state;
	assert_true(negotiate(d, 1ULL << VIRTIO_F_VERSION_1) & VIRTIO_STATUS_FEATURES_OK);
	setup_queue(d, QSIZE, DESC, AVAIL, USED);
	desc(d, 0, BUF, 1, 0, 0);
	kick(d, 0);
	assert_int_equal(used_idx(d), 0);
	virtio_mmio_attach(&d->t, NULL);
	assert_int_equal(rd(d, VIRTIO_MMIO_STATUS), 0);
	setup_queue(d, QSIZE, DESC, AVAIL, USED);
	assert_int_equal(rd(d, VIRTIO_MMIO_QUEUE_READY), 0);
	drv_free(d);
}

/* The driver's used_event and the device's avail_event (2.7.10), at the
 * end of the avail and used rings; they replace the avail flags. */
#define USED_EVENT(d)  (((uint16_t *)at(d, AVAIL))[2 + QSIZE])
#define AVAIL_EVENT(d) (*(uint16_t *)at(d, USED + 4 + 8 * QSIZE))

static void request(struct drv *d)
{
	desc(d, 0, BUF, 1, 0, 0);
	kick(d, 0);
}

static void test_event_idx(void **state)
{
	struct drv *d = drv_live(&echo_model, NULL, 1ULL << VIRTIO_F_RING_EVENT_IDX);

	(void)state;
	/* The first answer always interrupts; once the ring is empty the
	 * device asks to be notified at the next request. */
	USED_EVENT(d) = 0x40;
	request(d);
	assert_int_equal(used_idx(d), 1);
	assert_int_equal(eventfd_count(d->irq), 1);
	assert_int_equal(AVAIL_EVENT(d), 1);
	/* used_event 5: no interrupt until the entry of index 5 is used. */
	USED_EVENT(d) = 5;
	for (unsigned int i = 0; i < 4; i++)
		request(d);
	assert_int_equal(used_idx(d), 5);
	assert_int_equal(eventfd_count(d->irq), 0);
	request(d);
	assert_int_equal(eventfd_count(d->irq), 1);
	assert_int_equal(AVAIL_EVENT(d), 6);
	/* VIRTQ_AVAIL_F_NO_INTERRUPT means nothing any more. */
	((uint16_t *)at(d, AVAIL))[0] = 1;
	USED_EVENT(d) = 6;
	request(d);
	assert_int_equal(eventfd_count(d->irq), 1);
	/* Across the 16-bit wrap: used_event 0xffff interrupts exactly once,
	 * when the used index goes from 0xffff to 0. */
	USED_EVENT(d) = 0xffff;
	while (used_idx(d) != 0xfffe)
		request(d);
	assert_int_equal(eventfd_count(d->irq), 0);
	request(d);
	assert_int_equal(eventfd_count(d->irq), 0);
	request(d);
	assert_int_equal(used_idx(d), 0);
	assert_int_equal(eventfd_count(d->irq), 1);
	request(d);
	assert_int_equal(eventfd_count(d->irq), 0);
	assert_int_equal(AVAIL_EVENT(d), 1);
	assert_false(needs_reset(d));
	drv_free(d);
}

/* Without the feature the device never writes avail_event. */
static void test_no_event_idx(void **state)
{
	struct drv *d = drv_live(&echo_model, NULL, 0);

	(void)state;
	USED_EVENT(d) = 0x40;
	request(d);
	request(d);
	assert_int_equal(used_idx(d), 2);
	assert_int_equal(eventfd_count(d->irq), 2);
	assert_int_equal(AVAIL_EVENT(d), 0);
	drv_free(d);
}

/* The copy helpers walk buffers in order, from any offset. */
static void test_copy_helpers(void **state)
{
	uint8_t a[3] = { 1, 2, 3 }, b[4] = { 4, 5, 6, 7 }, out[7] = { 0 };
	struct vq_chain *c = calloc(1, sizeof(*c));

	(void)state;
	c->seg[0] = (struct vq_seg){ a, 3 };
	c->seg[1] = (struct vq_seg){ b, 4 };
	c->nr_out = 2;
	assert_int_equal(vq_copy_from_out(c, 0, out, 7), 7);
	assert_memory_equal(out, ((uint8_t[]){ 1, 2, 3, 4, 5, 6, 7 }), 7);
	assert_int_equal(vq_copy_from_out(c, 2, out, 3), 3);
	assert_memory_equal(out, ((uint8_t[]){ 3, 4, 5 }), 3);
	assert_int_equal(vq_copy_from_out(c, 6, out, 10), 1);
	assert_int_equal(vq_copy_from_out(c, 9, out, 10), 0);
	c->nr_out = 0;
	c->nr_in = 2;
	assert_int_equal(vq_copy_to_in(c, 1, (uint8_t[]){ 9, 9, 9, 9 }, 4), 4);
	assert_memory_equal(a, ((uint8_t[]){ 1, 9, 9 }), 3);
	assert_memory_equal(b, ((uint8_t[]){ 9, 9, 6, 7 }), 4);
	free(c);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_identity),
		cmocka_unit_test(test_status_table),
		cmocka_unit_test(test_queue_setup_refused),
		cmocka_unit_test(test_round_trip),
		cmocka_unit_test(test_hostile_rings),
		cmocka_unit_test(test_indirect_not_negotiated),
		cmocka_unit_test(test_chain_length),
		cmocka_unit_test(test_not_live),
		cmocka_unit_test(test_event_idx),
		cmocka_unit_test(test_no_event_idx),
		cmocka_unit_test(test_copy_helpers),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
