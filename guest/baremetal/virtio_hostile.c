/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The hostile virtio driver: run with --rng, it drives hvmm's first
 * virtio-mmio device through the real path (QueueNotify caught by KVM's
 * ioeventfd, the device thread in its sandbox, the interrupt by irqfd)
 * with rings a broken or malicious kernel could write. Each must put the
 * device in NEEDS_RESET with a configuration interrupt, and leave hvmm
 * and the device working: after each one the guest resets the device and
 * a well-formed request is answered. Rows of docs/bad-input.md.
 */
#include "lib.h"

int main(uint64_t dtb);

#define DEV          MEMMAP_VIRTIO_BASE
#define WAIT_MS      2000
#define QSIZE        8U

/* Registers and bits (virtio 1.x, 4.2.2). */
#define R_DEVICE_ID      0x008
#define R_DEV_FEAT_SEL   0x014
#define R_DEV_FEAT       0x010
#define R_DRV_FEAT       0x020
#define R_DRV_FEAT_SEL   0x024
#define R_QUEUE_SEL      0x030
#define R_QUEUE_NUM      0x038
#define R_QUEUE_READY    0x044
#define R_QUEUE_NOTIFY   0x050
#define R_INT_STATUS     0x060
#define R_INT_ACK        0x064
#define R_STATUS         0x070
#define R_DESC_LO        0x080
#define R_DESC_HI        0x084
#define R_AVAIL_LO       0x090
#define R_AVAIL_HI       0x094
#define R_USED_LO        0x0a0
#define R_USED_HI        0x0a4
#define ST_NEEDS_RESET   0x40U
#define INT_USED         1U
#define INT_CONFIG       2U
#define F_NEXT           1U
#define F_WRITE          2U
#define F_INDIRECT       4U

static uint64_t ram_base, ram_end;
/* The rings, in the middle of RAM: descriptors, available, used, buffers,
 * an indirect table. */
static uint64_t ring, desc_at, avail_at, used_at, buf_at, ind_at;
static uint16_t avail_idx;

static void w32(uint32_t off, uint32_t v)
{
	*(volatile uint32_t *)(uintptr_t)(DEV + off) = v;
}

static uint32_t r32(uint32_t off)
{
	return *(volatile uint32_t *)(uintptr_t)(DEV + off);
}

static void put_desc(uint64_t table, unsigned int i, uint64_t addr, uint32_t len, uint16_t flags, uint16_t next)
{
	volatile uint32_t *d = (volatile uint32_t *)(uintptr_t)(table + 16 * i);

	d[0] = (uint32_t)addr;
	d[1] = (uint32_t)(addr >> 32);
	d[2] = len;
	d[3] = flags | (uint32_t)next << 16;
}

static void queue_regs(uint32_t size, uint64_t d, uint64_t a, uint64_t u)
{
	w32(R_QUEUE_SEL, 0);
	w32(R_QUEUE_NUM, size);
	w32(R_DESC_LO, (uint32_t)d);
	w32(R_DESC_HI, (uint32_t)(d >> 32));
	w32(R_AVAIL_LO, (uint32_t)a);
	w32(R_AVAIL_HI, (uint32_t)(a >> 32));
	w32(R_USED_LO, (uint32_t)u);
	w32(R_USED_HI, (uint32_t)(u >> 32));
	w32(R_QUEUE_READY, 1);
}

/* Reset, negotiate VERSION_1 and indirect descriptors, one queue. */
static void set_up(uint32_t size, uint64_t d, uint64_t a, uint64_t u)
{
	w32(R_STATUS, 0);
	memset((void *)(uintptr_t)ring, 0, 0x5000);
	avail_idx = 0;
	w32(R_STATUS, 1);
	w32(R_STATUS, 3);
	w32(R_DRV_FEAT_SEL, 0);
	w32(R_DRV_FEAT, 1U << 28);
	w32(R_DRV_FEAT_SEL, 1);
	w32(R_DRV_FEAT, 1U);
	w32(R_STATUS, 11);
	queue_regs(size, d, a, u);
	w32(R_STATUS, 15);
}

static void offer(uint16_t head)
{
	volatile uint16_t *avail = (volatile uint16_t *)(uintptr_t)avail_at;

	avail[2 + avail_idx % QSIZE] = head;
	avail_idx++;
	dmb();
	avail[1] = avail_idx;
	dsb();
	w32(R_QUEUE_NOTIFY, 0);
}

static bool wait_for(bool (*cond)(void))
{
	uint64_t end = timer_now() + ms_to_ticks(WAIT_MS);

	while (!cond())
		if (timer_now() > end)
			return false;
	return true;
}

static bool broken(void) { return r32(R_STATUS) & ST_NEEDS_RESET; }
static bool answered(void) { return ((volatile uint16_t *)(uintptr_t)used_at)[1] == avail_idx; }

/* A hostile ring: NEEDS_RESET and a configuration interrupt within 2 s. */
static void hostile(void (*make)(void), const char *what)
{
	uint32_t irq;
	bool ok;

	set_up(QSIZE, desc_at, avail_at, used_at);
	make();
	ok = wait_for(broken);
	irq = r32(R_INT_STATUS);
	w32(R_INT_ACK, irq);
	tap_check(ok && (irq & INT_CONFIG) && !answered(), what);
}

static void loop_self(void) { put_desc(desc_at, 0, buf_at, 16, F_WRITE | F_NEXT, 0); offer(0); }
static void too_long(void)
{
	for (unsigned int i = 0; i < QSIZE; i++)
		put_desc(desc_at, i, buf_at, 16, F_WRITE | F_NEXT, (uint16_t)((i + 1) % QSIZE));
	offer(0);
}
static void outside_ram(void) { put_desc(desc_at, 0, ram_end - 8, 64, F_WRITE, 0); offer(0); }
static void below_ram(void) { put_desc(desc_at, 0, 0x1000, 64, F_WRITE, 0); offer(0); }
static void huge_len(void) { put_desc(desc_at, 0, buf_at, 0xffffffffU, F_WRITE, 0); offer(0); }
static void nested_indirect(void)
{
	put_desc(ind_at, 0, ind_at, 16, F_INDIRECT, 0);
	put_desc(desc_at, 0, ind_at, 16, F_INDIRECT, 0);
	offer(0);
}
static void indirect_loop(void)
{
	put_desc(ind_at, 0, buf_at, 16, F_WRITE | F_NEXT, 1);
	put_desc(ind_at, 1, buf_at, 16, F_WRITE | F_NEXT, 0);
	put_desc(desc_at, 0, ind_at, 32, F_INDIRECT, 0);
	offer(0);
}
static void head_past(void) { offer(QSIZE + 3); }
static void runs_ahead(void)
{
	put_desc(desc_at, 0, buf_at, 16, F_WRITE, 0);
	avail_idx = 40;   /* 41 requests claimed in a queue of 8 */
	offer(0);
}

/* Queue set-ups hvmm must refuse at QueueReady. */
static void bad_queue(uint32_t size, uint64_t d, const char *what)
{
	bool ok;

	set_up(size, d, avail_at, used_at);
	ok = wait_for(broken);
	w32(R_INT_ACK, r32(R_INT_STATUS));
	tap_check(ok && r32(R_QUEUE_READY) == 0, what);
}

/* A well-formed request: 64 bytes of entropy. */
static void well_formed(const char *what)
{
	volatile uint8_t *b = (volatile uint8_t *)(uintptr_t)buf_at;
	unsigned int nonzero = 0;
	bool ok;

	set_up(QSIZE, desc_at, avail_at, used_at);
	put_desc(desc_at, 0, buf_at, 64, F_WRITE, 0);
	offer(0);
	ok = wait_for(answered);
	for (unsigned int i = 0; i < 64; i++)
		nonzero += b[i] != 0;
	tap_check(ok && ((volatile uint32_t *)(uintptr_t)(used_at + 4))[1] == 64 && nonzero > 32 &&
		  (r32(R_INT_STATUS) & INT_USED), what);
	w32(R_INT_ACK, r32(R_INT_STATUS));
}

int main(uint64_t dtb)
{
	uint64_t size;

	uart_puts("virtio-hostile: start\n");
	if (fdt_memory(dtb, &ram_base, &size)) {
		uart_puts("virtio-hostile: no memory node\n");
		return 1;
	}
	ram_end = ram_base + size;
	ring = ram_base + size / 2;
	desc_at = ring;
	avail_at = ring + 0x1000;
	used_at = ring + 0x2000;
	buf_at = ring + 0x3000;
	ind_at = ring + 0x4000;
	if (!tap_check(r32(0) == 0x74726976 && r32(R_DEVICE_ID) == 4, "the first virtio-mmio device is virtio-rng"))
		return tap_done();
	well_formed("a well-formed request is answered with 64 bytes and an interrupt");
	hostile(loop_self, "a descriptor chaining to itself: NEEDS_RESET, configuration interrupt, nothing answered");
	hostile(too_long, "a chain longer than the queue: NEEDS_RESET");
	hostile(outside_ram, "a buffer running past the end of RAM: NEEDS_RESET");
	hostile(below_ram, "a buffer below RAM (in the MMIO hole): NEEDS_RESET");
	hostile(huge_len, "a buffer of 4 GiB - 1: NEEDS_RESET");
	hostile(nested_indirect, "an indirect table holding an indirect descriptor: NEEDS_RESET");
	hostile(indirect_loop, "an indirect table whose chain loops: NEEDS_RESET");
	hostile(head_past, "an available entry naming a descriptor past the queue: NEEDS_RESET");
	hostile(runs_ahead, "an available index 41 ahead in a queue of 8: NEEDS_RESET");
	bad_queue(6, desc_at, "queue size 6 (not a power of two): refused at QueueReady, NEEDS_RESET");
	bad_queue(QSIZE, ram_end - 16, "a descriptor table past the end of RAM: refused at QueueReady, NEEDS_RESET");
	well_formed("after all that, reset, the device answers a well-formed request again");
	return tap_done();
}
