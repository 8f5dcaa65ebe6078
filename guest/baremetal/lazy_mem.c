/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Reads guest RAM that hvmm's --lazy-mem fetches on first touch, and checks
 * every word against the source: the test makes an image whose word at
 * guest physical address A is A ^ LAZY_PATTERN, and tells this guest where
 * to look (MiB from the start of RAM):
 *   bm.region=OFF  bm.len=LEN    the region to check
 *   bm.image=END                 where the image ends (past it: zeros);
 *                                0 for --lazy-mem zero
 * Then it writes a different pattern over the region, half of it before any
 * read of those pages, and reads it back: the guest's writes are never lost
 * to a fetch that lands late.
 *   bm.boots=N                   reset after the checks until boot N (the
 *                                next boot must see the source again, not
 *                                what this one wrote)
 */
#include "lib.h"

#define LAZY_PATTERN 0x5a5a5a5a5a5a5a5aULL
#define WRITE_PATTERN 0xc3c3c3c3c3c3c3c3ULL
#define MIB (1024ULL * 1024ULL)

int main(uint64_t dtb);

static uint64_t param_mib(uint64_t dtb, const char *key, int *ok)
{
	char word[16];
	uint64_t v = 0;
	int n = fdt_bootarg(dtb, key, word, sizeof(word));

	if (n <= 0) {
		*ok = 0;
		return 0;
	}
	for (int i = 0; i < n; i++) {
		if (word[i] < '0' || word[i] > '9')
			*ok = 0;
		v = v * 10 + (uint64_t)(word[i] - '0');
	}
	return v;
}

static uint64_t want_word(uint64_t a, uint64_t image_end)
{
	return a < image_end ? a ^ LAZY_PATTERN : 0;
}

/* Read [first, end) word by word; how many words differ from the source. */
static uint64_t check_source(uint64_t first, uint64_t end, uint64_t image_end)
{
	uint64_t bad = 0;

	for (uint64_t a = first; a < end; a += 8) {
		uint64_t got = load64((volatile uint64_t *)(uintptr_t)a);

		if (got != want_word(a, image_end) && bad++ == 0) {
			uart_puts("# first wrong word at ");
			uart_put_hex(a);
			uart_puts(": ");
			uart_put_hex(got);
			uart_putc('\n');
		}
	}
	return bad;
}

static uint64_t check_written(uint64_t first, uint64_t end)
{
	uint64_t bad = 0;

	for (uint64_t a = first; a < end; a += 8)
		if (load64((volatile uint64_t *)(uintptr_t)a) != (a ^ WRITE_PATTERN))
			bad++;
	return bad;
}

static uint64_t write_then_check(uint64_t first, uint64_t end)
{
	for (uint64_t a = first; a < end; a += 8)
		store64((volatile uint64_t *)(uintptr_t)a, a ^ WRITE_PATTERN);
	dsb();
	return check_written(first, end);
}

int main(uint64_t dtb)
{
	int ok = 1;
	uint64_t off = param_mib(dtb, "bm.region", &ok), len = param_mib(dtb, "bm.len", &ok);
	uint64_t image = param_mib(dtb, "bm.image", &ok);
	uint64_t first = MEMMAP_RAM_BASE + off * MIB, end = first + len * MIB, half = first + len * MIB / 2;
	uint64_t image_end = MEMMAP_RAM_BASE + image * MIB;
	int boots_ok = 1;
	uint64_t boots = param_mib(dtb, "bm.boots", &boots_ok);
	uint32_t boot;

	uart_puts("bm: lazy-mem guest\n");
	if (!tap_check(ok && len > 0, "bm.region, bm.len and bm.image are given"))
		return tap_done();
	/* The second half first, and written before any read: pages the
	 * guest's first touch is a store to. */
	tap_check(write_then_check(half, end) == 0, "words written to untouched lazy pages read back");
	tap_check(check_source(first, half, image_end) == 0,
		  image ? "every word of the region is the image's (zeros past its end)" : "every word of the region is zero");
	if (image_end > first && image_end < half)
		tap_check(check_source(image_end, half, image_end) == 0, "past the image's end RAM reads zero");
	tap_check(write_then_check(first, half) == 0, "words written over fetched pages read back");
	tap_check(check_written(first, end) == 0, "all the guest wrote is still there at the end");
	if (!fdt_prop_u32(dtb, "/chosen", "hvmm,boot-count", &boot))
		boot = 0;
	uart_puts("bm: lazy-mem boot ");
	uart_put_dec(boot);
	uart_puts(" checked\n");
	if (boot < boots && tap_done() == 0) {
		uart_puts("bm: resetting\n");
		smccc_call(PSCI_FID32(PSCI_SYSTEM_RESET), 0, 0, 0);
	}
	return tap_done();
}
