/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * libFuzzer target: kernel loading (vmm/loader.c): deciding a kernel
 * file's format and placement, placing the initrd and device tree, and
 * copying the kernel into guest RAM.
 *
 * Input: one configuration byte (bits 0-1 the RAM size, bits 2-7 the
 * initrd size), then the kernel file. RAM is at 0x40000000, as on hvmm's
 * memory map, and the device tree reserve is hvmm's 2 MiB.
 *
 * abort() if:
 *  - a refusal's reason is not one non-empty printable line;
 *  - a plan has the wrong format for the file's magic, no segment or too
 *    many, a segment outside RAM (or wrapping), with more file bytes than
 *    memory bytes or file bytes past the end of the file, a span that does
 *    not cover its segments, an entry point outside RAM (ELF) or other than
 *    the start (Image, raw), or an Image text_offset not page aligned;
 *  - a layout puts the device tree anywhere but the top dtb_max bytes, or
 *    the initrd over the kernel or the device tree, or unaligned;
 *  - loading a plan that was accepted fails, or leaves RAM other than the
 *    file says (for segments nothing later overlaps), or writes outside the
 *    guest RAM buffer (ASan: the buffer is exactly RAM's size);
 * besides what ASan and UBSan find. libFuzzer itself aborts if the loader
 * (or libelf under it) writes to the file's bytes.
 */
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "vmm/loader.h"
#include "vmm/memmap.h"

#define RAM_BASE 0x40000000ULL
#define MIB      (1ULL << 20)
#define PAGE     4096ULL

#define CHECK(cond, ...) \
	do { \
		if (!(cond)) \
			violation(__LINE__, #cond, __VA_ARGS__); \
	} while (0)

__attribute__((noreturn, format(printf, 3, 4)))
static void violation(int line, const char *cond, const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "fuzz_loader: invariant broken (line %d: %s): ", line, cond);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	abort();
}

static void check_reason(const char *s, size_t cap)
{
	size_t len = strnlen(s, cap);

	CHECK(len > 0 && len < cap, "reason of %zu bytes in %zu", len, cap);
	for (size_t i = 0; i < len; i++)
		CHECK(s[i] >= 0x20 && s[i] <= 0x7e, "byte 0x%02x in reason '%s'", (unsigned char)s[i],
		      s);
}

/* [start, start + len) inside RAM, computed without a sum that could wrap. */
static bool in_ram(uint64_t start, uint64_t len, uint64_t ram_size)
{
	return start >= RAM_BASE && start - RAM_BASE <= ram_size && len <= ram_size - (start - RAM_BASE);
}

static enum kernel_format format_of(const uint8_t *d, size_t size)
{
	if (size >= 4 && !memcmp(d, "\177ELF", 4))
		return KERNEL_FORMAT_ELF;
	if (size >= 64 && d[0x38] == 'A' && d[0x39] == 'R' && d[0x3a] == 'M' && d[0x3b] == 0x64)
		return KERNEL_FORMAT_IMAGE;
	return KERNEL_FORMAT_RAW;
}

static void check_plan(const struct kernel_plan *k, const uint8_t *d, size_t size,
		       uint64_t ram_size)
{
	CHECK(k->format == format_of(d, size), "%s planned as %s",
	      kernel_format_name(format_of(d, size)), kernel_format_name(k->format));
	CHECK(k->nr_segments >= 1 && k->nr_segments <= LOADER_MAX_SEGMENTS, "%u segments",
	      k->nr_segments);
	CHECK(k->start <= k->end && in_ram(k->start, k->end - k->start, ram_size),
	      "span 0x%llx-0x%llx", (unsigned long long)k->start, (unsigned long long)k->end);
	for (unsigned int i = 0; i < k->nr_segments; i++) {
		const struct load_segment *s = &k->seg[i];

		CHECK(in_ram(s->gpa, s->memsz, ram_size), "segment %u at 0x%llx+0x%llx", i,
		      (unsigned long long)s->gpa, (unsigned long long)s->memsz);
		CHECK(s->filesz <= s->memsz, "segment %u: filesz above memsz", i);
		CHECK(s->offset <= size && s->filesz <= size - s->offset,
		      "segment %u reads file bytes 0x%llx+0x%llx of 0x%zx", i,
		      (unsigned long long)s->offset, (unsigned long long)s->filesz, size);
		CHECK(s->gpa >= k->start && s->gpa + s->memsz <= k->end,
		      "segment %u outside the span", i);
	}
	if (k->format == KERNEL_FORMAT_ELF) {
		CHECK(in_ram(k->entry, 4, ram_size), "ELF entry 0x%llx", (unsigned long long)k->entry);
	} else {
		CHECK(k->entry == k->start && k->nr_segments == 1 && k->seg[0].gpa == k->start &&
		      k->seg[0].offset == 0 && k->seg[0].filesz == size,
		      "%s not loaded whole at its start", kernel_format_name(k->format));
	}
	if (k->format == KERNEL_FORMAT_IMAGE)
		CHECK((k->start - RAM_BASE) % PAGE == 0, "Image at RAM + 0x%llx",
		      (unsigned long long)(k->start - RAM_BASE));
	if (k->format == KERNEL_FORMAT_RAW)
		CHECK(k->start == RAM_BASE + MEMMAP_RAW_KERNEL_OFFSET, "raw kernel at 0x%llx",
		      (unsigned long long)k->start);
}

static void check_layout(const struct kernel_plan *k, const struct boot_layout *l,
			 uint64_t initrd_size, uint64_t ram_size)
{
	uint64_t ram_end = RAM_BASE + ram_size;

	CHECK(l->dtb_addr == ram_end - MEMMAP_DTB_MAX_SIZE, "DTB at 0x%llx",
	      (unsigned long long)l->dtb_addr);
	CHECK(l->dtb_addr >= k->end, "DTB at 0x%llx over the kernel ending at 0x%llx",
	      (unsigned long long)l->dtb_addr, (unsigned long long)k->end);
	CHECK(l->initrd_size == initrd_size, "initrd of %llu bytes, not %llu",
	      (unsigned long long)l->initrd_size, (unsigned long long)initrd_size);
	if (!initrd_size)
		return;
	CHECK(l->initrd_start % PAGE == 0 && l->initrd_start >= k->end &&
	      l->initrd_start + initrd_size <= l->dtb_addr,
	      "initrd at 0x%llx+0x%llx, kernel ends at 0x%llx, DTB at 0x%llx",
	      (unsigned long long)l->initrd_start, (unsigned long long)initrd_size,
	      (unsigned long long)k->end, (unsigned long long)l->dtb_addr);
}

/* Every byte a segment that nothing later overlaps put in RAM. */
static void check_loaded(const struct kernel_plan *k, const uint8_t *d, const uint8_t *ram)
{
	for (unsigned int i = 0; i < k->nr_segments; i++) {
		const struct load_segment *s = &k->seg[i];
		const uint8_t *at = ram + (s->gpa - RAM_BASE);
		bool overlapped = false;

		for (unsigned int j = i + 1; j < k->nr_segments; j++)
			overlapped |= k->seg[j].gpa < s->gpa + s->memsz &&
				      s->gpa < k->seg[j].gpa + k->seg[j].memsz;
		if (overlapped)
			continue;
		CHECK(!memcmp(at, d + s->offset, s->filesz), "segment %u loaded wrong", i);
		for (uint64_t b = s->filesz; b < s->memsz; b++)
			CHECK(at[b] == 0, "segment %u: byte 0x%llx of its tail not zeroed", i,
			      (unsigned long long)b);
	}
}

/*
 * Guest RAM: one heap buffer of exactly each RAM size, kept for the whole
 * run (allocating 64 MiB under ASan for every input would be most of the
 * time spent). ASan's redzone after it catches a write past RAM's end.
 */
static uint8_t *ram_of(unsigned int which, uint64_t size)
{
	static uint8_t *ram[4];

	if (!ram[which]) {
		ram[which] = malloc(size);
		CHECK(ram[which], "out of memory");
	}
	return ram[which];
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const uint64_t ram_sizes[] = { 64 * MIB, 4 * MIB, 3 * MIB, 16 * MIB + 3 * PAGE };
	struct kernel_plan plan;
	struct boot_layout layout;
	struct guest_mem mem;
	char err[256];
	uint64_t ram_size, initrd_size;
	uint8_t cfg;

	if (size < 1)
		return 0;
	cfg = data[0];
	data++;
	size--;
	ram_size = ram_sizes[cfg & 3];
	initrd_size = (cfg >> 2) == 63 ? UINT64_MAX - 5 : (uint64_t)(cfg >> 2) * (cfg & 0x80 ? 300 * 1024 : 4093);

	err[0] = '\0';
	if (loader_plan_kernel(data, size, RAM_BASE, ram_size, &plan, err, sizeof(err))) {
		check_reason(err, sizeof(err));
		return 0;
	}
	check_plan(&plan, data, size, ram_size);

	if (loader_plan_layout(&plan, initrd_size, MEMMAP_DTB_MAX_SIZE, RAM_BASE, ram_size, &layout,
			       err, sizeof(err)))
		check_reason(err, sizeof(err));
	else
		check_layout(&plan, &layout, initrd_size, ram_size);

	mem = (struct guest_mem){ .base = RAM_BASE, .size = ram_size, .host = ram_of(cfg & 3, ram_size) };
	CHECK(loader_load_kernel(&plan, data, size, &mem) == 0, "an accepted plan did not load");
	check_loaded(&plan, data, mem.host);
	return 0;
}
