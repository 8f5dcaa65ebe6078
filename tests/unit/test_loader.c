/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Unit tests for the kernel loader (vmm/loader.c): format detection and
 * validation of arm64 Images, ELF and raw binaries, the boot layout, and the
 * copy into guest RAM. Every input is built here; nothing is read from disk.
 */
#include <elf.h>
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "vmm/guest_mem.h"
#include "vmm/loader.h"
#include "vmm/memmap.h"

#define MIB (1024ULL * 1024ULL)
#define RAM_BASE MEMMAP_RAM_BASE
#define RAM_SIZE (16 * MIB)
#define RAM_END (RAM_BASE + RAM_SIZE)

/* ---- helpers ----------------------------------------------------------- */

struct ctx {
	struct kernel_plan plan;
	char err[256];
};

static void put_le(uint8_t *p, uint64_t v, unsigned int bytes)
{
	for (unsigned int i = 0; i < bytes; i++)
		p[i] = (uint8_t)(v >> (8 * i));
}

static int plan(struct ctx *c, const void *data, size_t size, uint64_t ram_size)
{
	memset(c->err, 0, sizeof(c->err));
	return loader_plan_kernel(data, size, RAM_BASE, ram_size, &c->plan, c->err, sizeof(c->err));
}

/* An error is one non-empty line. */
static void assert_error_line(const char *err)
{
	assert_true(err[0] != '\0');
	assert_null(strchr(err, '\n'));
}

static void assert_error_has(const char *err, const char *needle)
{
	assert_error_line(err);
	if (!strstr(err, needle))
		fail_msg("error \"%s\" does not mention \"%s\"", err, needle);
}

static uint8_t pattern_byte(size_t i)
{
	return (uint8_t)(i * 7 + 3);
}

/* A file of size bytes whose first 64 are an arm64 Image header. */
static uint8_t *make_image(size_t size, uint64_t text_offset, uint64_t image_size, uint64_t flags)
{
	uint8_t *d = malloc(size);

	assert_non_null(d);
	assert_true(size >= 64);
	for (size_t i = 0; i < size; i++)
		d[i] = pattern_byte(i);
	memset(d, 0, 64);
	put_le(d + 0x00, 0x14000000 | 16, 4);	/* b +64: what code0 usually is */
	put_le(d + 0x08, text_offset, 8);
	put_le(d + 0x10, image_size, 8);
	put_le(d + 0x18, flags, 8);
	memcpy(d + 0x38, "ARM\x64", 4);
	return d;
}

struct pe_section {
	uint32_t raw_size, raw_ptr;
};

/* Give the Image a PE/COFF header at pe with an optional header of optsz
 * bytes (filled with 0xff) and the given section table. */
static void add_pe(uint8_t *d, size_t size, uint32_t pe, uint16_t optsz,
		   const struct pe_section *sec, uint16_t nsec)
{
	size_t table = pe + 24 + optsz;

	put_le(d + 0x3c, pe, 4);
	assert_true(pe + 24 <= size);
	memcpy(d + pe, "PE\0\0", 4);
	memset(d + pe + 4, 0, 20);
	put_le(d + pe + 4, 0xaa64, 2);	/* Machine: arm64 */
	put_le(d + pe + 6, nsec, 2);
	put_le(d + pe + 20, optsz, 2);
	if (table <= size)
		memset(d + pe + 24, 0xff, optsz);
	for (uint16_t i = 0; i < nsec; i++) {
		uint8_t *s = d + table + 40 * i;

		if (table + 40 * (i + 1) > size)
			break;
		memset(s, 0, 40);
		memcpy(s, i ? ".data" : ".text", 5);
		put_le(s + 16, sec[i].raw_size, 4);
		put_le(s + 20, sec[i].raw_ptr, 4);
	}
}

/* ELF64 images built in memory: header, program headers, then the payloads
 * (or the payloads first and the program headers last). */
struct seg_spec {
	uint32_t type;
	uint64_t paddr, filesz, memsz;
};

struct elf_image {
	uint8_t *buf;
	size_t size;
	Elf64_Ehdr *eh;
	Elf64_Phdr *ph;
	uint64_t data_off[LOADER_MAX_SEGMENTS + 4];
};

static uint8_t seg_fill(unsigned int i)
{
	return (uint8_t)(0x11 * (i + 1));
}

static void build_elf(struct elf_image *img, const struct seg_spec *segs, unsigned int n,
		      uint64_t entry, bool phdrs_last)
{
	size_t phsize = n * sizeof(Elf64_Phdr), off, size = sizeof(Elf64_Ehdr) + phsize;

	assert_true(n <= LOADER_MAX_SEGMENTS + 4);
	for (unsigned int i = 0; i < n; i++)
		size += (segs[i].filesz + 7) & ~7ULL;
	img->buf = calloc(1, size);
	assert_non_null(img->buf);
	img->size = size;
	img->eh = (Elf64_Ehdr *)img->buf;

	off = sizeof(Elf64_Ehdr) + (phdrs_last ? 0 : phsize);
	for (unsigned int i = 0; i < n; i++) {
		img->data_off[i] = off;
		memset(img->buf + off, seg_fill(i), segs[i].filesz);
		off += (segs[i].filesz + 7) & ~7ULL;
	}
	img->ph = (Elf64_Phdr *)(img->buf + (phdrs_last ? off : sizeof(Elf64_Ehdr)));

	memcpy(img->eh->e_ident, ELFMAG, SELFMAG);
	img->eh->e_ident[EI_CLASS] = ELFCLASS64;
	img->eh->e_ident[EI_DATA] = ELFDATA2LSB;
	img->eh->e_ident[EI_VERSION] = EV_CURRENT;
	img->eh->e_type = ET_EXEC;
	img->eh->e_machine = EM_AARCH64;
	img->eh->e_version = EV_CURRENT;
	img->eh->e_entry = entry;
	img->eh->e_phoff = n ? (uint64_t)((uint8_t *)img->ph - img->buf) : 0;
	img->eh->e_ehsize = sizeof(Elf64_Ehdr);
	img->eh->e_phentsize = sizeof(Elf64_Phdr);
	img->eh->e_phnum = (Elf64_Half)n;

	for (unsigned int i = 0; i < n; i++) {
		img->ph[i] = (Elf64_Phdr){
			.p_type = segs[i].type, .p_flags = PF_R | PF_X,
			.p_offset = img->data_off[i], .p_vaddr = segs[i].paddr | 0xffff000000000000ULL,
			.p_paddr = segs[i].paddr, .p_filesz = segs[i].filesz, .p_memsz = segs[i].memsz,
			.p_align = 8,
		};
	}
}

static void free_elf(struct elf_image *img)
{
	free(img->buf);
	img->buf = NULL;
}

/* One ordinary loadable segment at gpa. */
static void build_simple_elf(struct elf_image *img, uint64_t gpa, uint64_t entry)
{
	const struct seg_spec seg = { PT_LOAD, gpa, 0x100, 0x200 };

	build_elf(img, &seg, 1, entry, false);
}

static bool all_bytes(const uint8_t *p, size_t len, uint8_t val)
{
	for (size_t i = 0; i < len; i++)
		if (p[i] != val)
			return false;
	return true;
}

/* Guest RAM for the copy tests, prefilled with 0xaa. */
struct test_ram {
	struct guest_mem mem;
	uint8_t *host;
};

static void ram_init(struct test_ram *r, uint64_t size)
{
	r->host = malloc(size);
	assert_non_null(r->host);
	memset(r->host, 0xaa, size);
	r->mem = (struct guest_mem){ .base = RAM_BASE, .size = size, .host = r->host };
}

static uint8_t *ram_at(struct test_ram *r, uint64_t gpa)
{
	return r->host + (gpa - RAM_BASE);
}

/* ---- format detection -------------------------------------------------- */

static void test_format_names(void **state)
{
	(void)state;
	assert_string_equal(kernel_format_name(KERNEL_FORMAT_IMAGE), "arm64 Image");
	assert_string_equal(kernel_format_name(KERNEL_FORMAT_ELF), "ELF");
	assert_string_equal(kernel_format_name(KERNEL_FORMAT_RAW), "raw binary");
}

static void test_empty_file(void **state)
{
	struct ctx c;
	uint8_t byte = 0;

	(void)state;
	assert_int_equal(plan(&c, &byte, 0, RAM_SIZE), -1);
	assert_error_has(c.err, "empty");
}

static void test_short_magic_is_raw(void **state)
{
	struct ctx c;
	static const uint8_t elf3[] = { 0x7f, 'E', 'L' };
	uint8_t *img = make_image(64, 0, 0x1000, 0);

	(void)state;
	/* Three bytes of the ELF magic are not an ELF. */
	assert_int_equal(plan(&c, elf3, sizeof(elf3), RAM_SIZE), 0);
	assert_int_equal(c.plan.format, KERNEL_FORMAT_RAW);
	/* The Image magic needs the whole 64-byte header. */
	assert_int_equal(plan(&c, img, 63, RAM_SIZE), 0);
	assert_int_equal(c.plan.format, KERNEL_FORMAT_RAW);
	assert_int_equal(plan(&c, img, 64, RAM_SIZE), 0);
	assert_int_equal(c.plan.format, KERNEL_FORMAT_IMAGE);
	free(img);
}

/* ---- arm64 Image ------------------------------------------------------- */

static void test_image_fits(void **state)
{
	struct ctx c;
	/* 16K pages (flags bits 2:1 = 2), little-endian. */
	uint8_t *d = make_image(0x8000, 0, 0x20000, 2 << 1);

	(void)state;
	assert_int_equal(plan(&c, d, 0x8000, RAM_SIZE), 0);
	assert_int_equal(c.plan.format, KERNEL_FORMAT_IMAGE);
	assert_int_equal(c.plan.start, RAM_BASE);
	assert_int_equal(c.plan.entry, RAM_BASE);
	/* The kernel owns image_size bytes (its BSS), not just the file. */
	assert_int_equal(c.plan.end, RAM_BASE + 0x20000);
	assert_false(c.plan.big_endian);
	assert_int_equal(c.plan.page_size_code, 2);
	assert_int_equal(c.plan.nr_segments, 1);
	assert_int_equal(c.plan.seg[0].gpa, RAM_BASE);
	assert_int_equal(c.plan.seg[0].offset, 0);
	assert_int_equal(c.plan.seg[0].filesz, 0x8000);
	assert_int_equal(c.plan.seg[0].memsz, 0x20000);
	free(d);
}

static void test_image_text_offset(void **state)
{
	struct ctx c;
	uint8_t *d = make_image(0x1000, 0x80000, 0x4000, 0);

	(void)state;
	assert_int_equal(plan(&c, d, 0x1000, RAM_SIZE), 0);
	assert_int_equal(c.plan.start, RAM_BASE + 0x80000);
	assert_int_equal(c.plan.entry, RAM_BASE + 0x80000);
	assert_int_equal(c.plan.end, RAM_BASE + 0x84000);
	assert_int_equal(c.plan.seg[0].gpa, RAM_BASE + 0x80000);
	free(d);
}

static void test_image_exactly_fills_ram(void **state)
{
	struct ctx c;
	uint8_t *d = make_image(0x1000, 0x200000, RAM_SIZE - 0x200000, 0);

	(void)state;
	assert_int_equal(plan(&c, d, 0x1000, RAM_SIZE), 0);
	assert_int_equal(c.plan.end, RAM_END);

	put_le(d + 0x10, RAM_SIZE - 0x200000 + 1, 8);
	assert_int_equal(plan(&c, d, 0x1000, RAM_SIZE), -1);
	assert_error_line(c.err);
	free(d);
}

static void test_image_bigger_than_ram(void **state)
{
	struct ctx c;
	uint8_t *d = make_image(0x1000, 0, 64 * MIB, 0);

	(void)state;
	assert_int_equal(plan(&c, d, 0x1000, RAM_SIZE), -1);
	/* The user learns both what the kernel needs and what RAM there is. */
	assert_error_has(c.err, "64 MiB");
	assert_error_has(c.err, "16 MiB");
	assert_error_has(c.err, "0x4000000");
	free(d);
}

static void test_image_legacy_zero_size(void **state)
{
	struct ctx c;
	/* Before Linux 3.17: image_size 0, text_offset implied 0x80000 (the
	 * field itself may hold anything, here an unaligned value). */
	uint8_t *d = make_image(0x3000, 0x1234, 0, 0);

	(void)state;
	assert_int_equal(plan(&c, d, 0x3000, RAM_SIZE), 0);
	assert_int_equal(c.plan.format, KERNEL_FORMAT_IMAGE);
	assert_int_equal(c.plan.start, RAM_BASE + 0x80000);
	assert_int_equal(c.plan.entry, RAM_BASE + 0x80000);
	assert_int_equal(c.plan.end, RAM_BASE + 0x80000 + 0x3000);
	assert_int_equal(c.plan.seg[0].filesz, 0x3000);
	assert_int_equal(c.plan.seg[0].memsz, 0x3000);
	free(d);
}

static void test_image_unaligned_text_offset(void **state)
{
	struct ctx c;
	uint8_t *d = make_image(0x1000, 0x80010, 0x2000, 0);

	(void)state;
	assert_int_equal(plan(&c, d, 0x1000, RAM_SIZE), -1);
	assert_error_has(c.err, "0x80010");
	assert_error_has(c.err, "aligned");
	free(d);
}

static void test_image_big_endian_flag(void **state)
{
	struct ctx c;
	uint8_t *d = make_image(0x1000, 0, 0x2000, 1 | (3 << 1));

	(void)state;
	assert_int_equal(plan(&c, d, 0x1000, RAM_SIZE), 0);
	assert_true(c.plan.big_endian);
	assert_int_equal(c.plan.page_size_code, 3);
	free(d);
}

static void test_image_huge_header_values(void **state)
{
	struct ctx c;
	uint8_t *d = make_image(0x1000, 0xfffffffffffff000ULL, 0x2000, 0);

	(void)state;
	/* ram_base + text_offset wraps below RAM. */
	assert_int_equal(plan(&c, d, 0x1000, RAM_SIZE), -1);
	assert_error_line(c.err);
	/* The size reported is what the header asks for (2^64 + 4 KiB, in
	 * MiB rounded up), not a wrapped sum. */
	assert_error_has(c.err, "needs 17592186044417 MiB");
	/* text_offset + image_size wraps around to a small number. */
	put_le(d + 0x08, 0x1000, 8);
	put_le(d + 0x10, UINT64_MAX - 0xfff, 8);
	assert_int_equal(plan(&c, d, 0x1000, RAM_SIZE), -1);
	assert_error_line(c.err);
	put_le(d + 0x10, UINT64_MAX, 8);
	assert_int_equal(plan(&c, d, 0x1000, RAM_SIZE), -1);
	assert_error_line(c.err);
	free(d);
}

static void test_image_file_bigger_than_image_size(void **state)
{
	struct ctx c;
	struct test_ram r;
	uint8_t *d = make_image(0x3000, 0, 0x1000, 0);

	(void)state;
	/* Trailing bytes (a signature, padding) are loaded and accounted for:
	 * nothing may be placed on top of them. */
	assert_int_equal(plan(&c, d, 0x3000, RAM_SIZE), 0);
	assert_int_equal(c.plan.start, RAM_BASE);
	assert_true(c.plan.end >= RAM_BASE + 0x3000);
	assert_int_equal(c.plan.seg[0].filesz, 0x3000);
	assert_true(c.plan.seg[0].memsz >= c.plan.seg[0].filesz);

	ram_init(&r, RAM_SIZE);
	assert_int_equal(loader_load_kernel(&c.plan, d, 0x3000, &r.mem), 0);
	assert_memory_equal(ram_at(&r, RAM_BASE), d, 0x3000);
	free(r.host);
	free(d);
}

static void test_image_pe_complete(void **state)
{
	struct ctx c;
	const struct pe_section sec[] = { { 0x1000, 0x1000 }, { 0x1000, 0x2000 } };
	uint8_t *d = make_image(0x3000, 0, 0x8000, 0);

	(void)state;
	/* Optional header of 0x70 bytes of 0xff: misplacing the section table
	 * would read enormous sizes from it. */
	add_pe(d, 0x3000, 0x40, 0x70, sec, 2);
	assert_int_equal(plan(&c, d, 0x3000, RAM_SIZE), 0);
	assert_int_equal(c.plan.format, KERNEL_FORMAT_IMAGE);
	assert_int_equal(c.plan.end, RAM_BASE + 0x8000);
	free(d);
}

static void test_image_pe_truncated(void **state)
{
	struct ctx c;
	const struct pe_section sec[] = { { 0x1000, 0x1000 }, { 0x1800, 0x2000 } };
	uint8_t *d = make_image(0x3800, 0, 0x8000, 0);

	(void)state;
	add_pe(d, 0x3800, 0x40, 0xf0, sec, 2);
	assert_int_equal(plan(&c, d, 0x3800, RAM_SIZE), 0);
	/* One byte short of what the section table describes. */
	assert_int_equal(plan(&c, d, 0x37ff, RAM_SIZE), -1);
	assert_error_has(c.err, "truncated");
	assert_error_has(c.err, "14335");	/* what the file has */
	assert_error_has(c.err, "14336");	/* what it should have */
	/* Cut in half. */
	assert_int_equal(plan(&c, d, 0x1c00, RAM_SIZE), -1);
	assert_error_has(c.err, "truncated");
	free(d);
}

static void test_image_pe_section_table_cut(void **state)
{
	struct ctx c;
	/* Sections that would need nothing past the table itself: only the
	 * missing table entries can tell that the file is cut. */
	const struct pe_section sec[] = { { 0x10, 0 }, { 0x10, 0 }, { 0x10, 0 } };
	const size_t table_end = 0x40 + 24 + 3 * 40;
	uint8_t *d = make_image(0x1000, 0, 0x2000, 0);

	(void)state;
	add_pe(d, 0x1000, 0x40, 0, sec, 3);
	assert_int_equal(plan(&c, d, table_end, RAM_SIZE), 0);
	assert_int_equal(plan(&c, d, table_end - 1, RAM_SIZE), -1);
	assert_error_has(c.err, "truncated");
	assert_int_equal(plan(&c, d, table_end - 40, RAM_SIZE), -1);
	assert_error_has(c.err, "truncated");
	/* A section count the file cannot hold. */
	put_le(d + 0x40 + 6, 0xffff, 2);
	assert_int_equal(plan(&c, d, 0x1000, RAM_SIZE), -1);
	assert_error_has(c.err, "truncated");
	free(d);
}

static void test_image_pe_header_cut(void **state)
{
	struct ctx c;
	const struct pe_section sec[] = { { 0x1000, 0x1000 } };
	uint8_t *d = make_image(0x2000, 0, 0x4000, 0);

	(void)state;
	add_pe(d, 0x2000, 0x40, 0x70, sec, 1);
	assert_int_equal(plan(&c, d, 0x2000, RAM_SIZE), 0);
	/* The file ends inside the section table. */
	assert_int_equal(plan(&c, d, 0x40 + 24 + 0x70 + 20, RAM_SIZE), -1);
	assert_error_has(c.err, "truncated");
	/* The file ends inside the COFF header, or right where it should start. */
	assert_int_equal(plan(&c, d, 0x40 + 10, RAM_SIZE), -1);
	assert_error_has(c.err, "truncated");
	assert_int_equal(plan(&c, d, 0x40, RAM_SIZE), -1);
	assert_error_has(c.err, "truncated");
	free(d);
}

static void test_image_pe_offset_not_pe(void **state)
{
	struct ctx c;
	uint8_t *d = make_image(0x1000, 0, 0x2000, 0);

	(void)state;
	/* An offset that points at something other than a PE signature is
	 * not a PE header: the Image loads on its header alone. */
	put_le(d + 0x3c, 0x100, 4);
	memcpy(d + 0x100, "NOPE", 4);
	assert_int_equal(plan(&c, d, 0x1000, RAM_SIZE), 0);
	assert_int_equal(c.plan.format, KERNEL_FORMAT_IMAGE);
	free(d);
}

static void test_image_loads(void **state)
{
	struct ctx c;
	struct test_ram r;
	uint8_t *d = make_image(0x1800, 0x80000, 0x4000, 0);

	(void)state;
	ram_init(&r, RAM_SIZE);
	assert_int_equal(plan(&c, d, 0x1800, RAM_SIZE), 0);
	assert_int_equal(loader_load_kernel(&c.plan, d, 0x1800, &r.mem), 0);
	assert_true(all_bytes(ram_at(&r, RAM_BASE + 0x7ffff), 1, 0xaa));
	assert_memory_equal(ram_at(&r, RAM_BASE + 0x80000), d, 0x1800);
	/* The rest of image_size is the kernel's BSS: zeroed. */
	assert_true(all_bytes(ram_at(&r, RAM_BASE + 0x81800), 0x4000 - 0x1800, 0));
	assert_true(all_bytes(ram_at(&r, RAM_BASE + 0x84000), 0x100, 0xaa));
	free(r.host);
	free(d);
}

/* ---- ELF --------------------------------------------------------------- */

static void test_elf_plan_and_load(void **state)
{
	const struct seg_spec segs[] = {
		{ PT_LOAD, RAM_BASE + 0x80000, 0x1000, 0x1000 },
		{ PT_NOTE, 0x1234, 0x20, 0x20 },			/* not loaded */
		{ PT_LOAD, RAM_BASE + 0x200000, 0x100, 0x3000 },	/* with BSS */
		{ PT_LOAD, 0x10, 0, 0 },				/* empty: ignored */
	};
	struct elf_image img;
	struct test_ram r;
	struct ctx c;

	(void)state;
	build_elf(&img, segs, 4, RAM_BASE + 0x80040, false);
	assert_int_equal(plan(&c, img.buf, img.size, RAM_SIZE), 0);
	assert_int_equal(c.plan.format, KERNEL_FORMAT_ELF);
	assert_false(c.plan.big_endian);
	assert_int_equal(c.plan.entry, RAM_BASE + 0x80040);
	assert_int_equal(c.plan.start, RAM_BASE + 0x80000);
	assert_int_equal(c.plan.end, RAM_BASE + 0x203000);
	assert_int_equal(c.plan.nr_segments, 2);
	assert_int_equal(c.plan.seg[0].gpa, RAM_BASE + 0x80000);
	assert_int_equal(c.plan.seg[0].offset, img.data_off[0]);
	assert_int_equal(c.plan.seg[0].filesz, 0x1000);
	assert_int_equal(c.plan.seg[1].gpa, RAM_BASE + 0x200000);
	assert_int_equal(c.plan.seg[1].offset, img.data_off[2]);
	assert_int_equal(c.plan.seg[1].filesz, 0x100);
	assert_int_equal(c.plan.seg[1].memsz, 0x3000);

	ram_init(&r, RAM_SIZE);
	assert_int_equal(loader_load_kernel(&c.plan, img.buf, img.size, &r.mem), 0);
	/* Segments at p_paddr (not p_vaddr), BSS zeroed, nothing else touched. */
	assert_true(all_bytes(ram_at(&r, RAM_BASE + 0x80000), 0x1000, seg_fill(0)));
	assert_true(all_bytes(ram_at(&r, RAM_BASE + 0x81000), 0x10, 0xaa));
	assert_true(all_bytes(ram_at(&r, RAM_BASE + 0x200000), 0x100, seg_fill(2)));
	assert_true(all_bytes(ram_at(&r, RAM_BASE + 0x200100), 0x2f00, 0));
	assert_true(all_bytes(ram_at(&r, RAM_BASE + 0x203000), 0x10, 0xaa));
	assert_true(all_bytes(ram_at(&r, RAM_BASE), 0x80000, 0xaa));
	free(r.host);
	free_elf(&img);
}

static void test_elf_segment_at_ram_edges(void **state)
{
	const struct seg_spec segs[] = {
		{ PT_LOAD, RAM_BASE, 0x10, 0x10 },
		{ PT_LOAD, RAM_END - 0x1000, 0x10, 0x1000 },	/* ends exactly at the end */
	};
	struct elf_image img;
	struct ctx c;

	(void)state;
	build_elf(&img, segs, 2, RAM_BASE, false);
	assert_int_equal(plan(&c, img.buf, img.size, RAM_SIZE), 0);
	assert_int_equal(c.plan.start, RAM_BASE);
	assert_int_equal(c.plan.end, RAM_END);
	free_elf(&img);
}

static void test_elf_segment_outside_ram(void **state)
{
	static const uint64_t bad[][2] = {
		{ 0x10000000, 0x1000 },			/* below RAM */
		{ RAM_BASE - 0x10, 0x100 },		/* straddles the start */
		{ RAM_END - 0x100, 0x101 },		/* straddles the end */
		{ RAM_END, 0x10 },			/* just above */
		{ RAM_END + 0x100000, 0x10 },		/* well above */
		{ RAM_BASE, RAM_SIZE + 1 },		/* bigger than RAM */
		{ 0xfffffffffffff000ULL, RAM_BASE + 0x2000 },	/* sum wraps into RAM */
		{ RAM_BASE + 0x1000, UINT64_MAX },	/* sum wraps below RAM */
	};
	struct elf_image img;
	struct ctx c;

	(void)state;
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		build_simple_elf(&img, RAM_BASE, RAM_BASE);
		img.ph[0].p_paddr = bad[i][0];
		img.ph[0].p_filesz = 0;
		img.ph[0].p_memsz = bad[i][1];
		if (plan(&c, img.buf, img.size, RAM_SIZE) != -1)
			fail_msg("segment 0x%llx+0x%llx accepted", (unsigned long long)bad[i][0],
				 (unsigned long long)bad[i][1]);
		assert_error_has(c.err, "outside RAM");
		free_elf(&img);
	}
}

static void test_elf_entry_outside_ram(void **state)
{
	static const uint64_t bad[] = { 0, RAM_BASE - 4, RAM_END, RAM_END - 2, UINT64_MAX - 1 };
	struct elf_image img;
	struct ctx c;

	(void)state;
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		build_simple_elf(&img, RAM_BASE, bad[i]);
		assert_int_equal(plan(&c, img.buf, img.size, RAM_SIZE), -1);
		assert_error_has(c.err, "entry");
		free_elf(&img);
	}
	build_simple_elf(&img, RAM_BASE, RAM_END - 4);
	assert_int_equal(plan(&c, img.buf, img.size, RAM_SIZE), 0);
	assert_int_equal(c.plan.entry, RAM_END - 4);
	free_elf(&img);
}

static void test_elf_truncated_header(void **state)
{
	struct elf_image img;
	struct ctx c;

	(void)state;
	build_simple_elf(&img, RAM_BASE, RAM_BASE);
	for (size_t cut = 4; cut < sizeof(Elf64_Ehdr); cut += 12) {
		assert_int_equal(plan(&c, img.buf, cut, RAM_SIZE), -1);
		assert_error_line(c.err);
	}
	free_elf(&img);
}

static void test_elf_truncated_program_headers(void **state)
{
	const struct seg_spec segs[] = {
		{ PT_LOAD, RAM_BASE, 0x20, 0x20 },
		{ PT_LOAD, RAM_BASE + 0x1000, 0x20, 0x20 },
		{ PT_LOAD, RAM_BASE + 0x2000, 0x20, 0x20 },
	};
	struct elf_image img;
	struct ctx c;

	(void)state;
	/* Program headers right after the ELF header, payloads after them. */
	build_elf(&img, segs, 3, RAM_BASE, false);
	assert_int_equal(plan(&c, img.buf, img.size, RAM_SIZE), 0);
	assert_int_equal(plan(&c, img.buf, sizeof(Elf64_Ehdr) + sizeof(Elf64_Phdr) + 10, RAM_SIZE), -1);
	assert_error_has(c.err, "truncated");
	/* Cut inside the first one: libelf then reports no program headers at all. */
	assert_int_equal(plan(&c, img.buf, sizeof(Elf64_Ehdr) + 36, RAM_SIZE), -1);
	assert_error_has(c.err, "truncated");
	free_elf(&img);

	/* Program headers at the end of the file, as some linkers put them:
	 * losing the last one must not silently drop a segment. */
	build_elf(&img, segs, 3, RAM_BASE, true);
	assert_int_equal(plan(&c, img.buf, img.size, RAM_SIZE), 0);
	assert_int_equal(c.plan.nr_segments, 3);
	assert_int_equal(plan(&c, img.buf, img.size - 1, RAM_SIZE), -1);
	assert_error_has(c.err, "truncated");
	assert_int_equal(plan(&c, img.buf, img.size - sizeof(Elf64_Phdr), RAM_SIZE), -1);
	assert_error_has(c.err, "truncated");
	/* The table starting past the end of the file. */
	img.eh->e_phoff = img.size + 8;
	assert_int_equal(plan(&c, img.buf, img.size, RAM_SIZE), -1);
	assert_error_has(c.err, "truncated");
	free_elf(&img);
}

static void test_elf_truncated_segment_data(void **state)
{
	const struct seg_spec segs[] = {
		{ PT_LOAD, RAM_BASE, 0x100, 0x100 },
		{ PT_LOAD, RAM_BASE + 0x1000, 0x100, 0x100 },
	};
	struct elf_image img;
	struct ctx c;

	(void)state;
	build_elf(&img, segs, 2, RAM_BASE, false);
	/* Cut one byte into the last segment's data. */
	assert_int_equal(plan(&c, img.buf, img.data_off[1] + 1, RAM_SIZE), -1);
	assert_error_has(c.err, "truncated");
	assert_error_has(c.err, "segment 1");
	/* One byte short. */
	assert_int_equal(plan(&c, img.buf, img.size - 1, RAM_SIZE), -1);
	assert_error_has(c.err, "truncated");
	free_elf(&img);
}

static void test_elf_wrong_class_or_machine(void **state)
{
	struct elf_image img;
	Elf32_Ehdr *eh32;
	struct ctx c;

	(void)state;
	build_simple_elf(&img, RAM_BASE, RAM_BASE);
	img.eh->e_machine = EM_X86_64;
	assert_int_equal(plan(&c, img.buf, img.size, RAM_SIZE), -1);
	assert_error_has(c.err, "AArch64");
	free_elf(&img);

	/* A genuine 32-bit ARM ELF header. */
	build_simple_elf(&img, RAM_BASE, RAM_BASE);
	memset(img.buf, 0, sizeof(Elf64_Ehdr));
	eh32 = (Elf32_Ehdr *)img.buf;
	memcpy(eh32->e_ident, ELFMAG, SELFMAG);
	eh32->e_ident[EI_CLASS] = ELFCLASS32;
	eh32->e_ident[EI_DATA] = ELFDATA2LSB;
	eh32->e_ident[EI_VERSION] = EV_CURRENT;
	eh32->e_type = ET_EXEC;
	eh32->e_machine = EM_ARM;
	eh32->e_version = EV_CURRENT;
	eh32->e_entry = (Elf32_Addr)RAM_BASE;
	eh32->e_ehsize = sizeof(Elf32_Ehdr);
	eh32->e_phentsize = sizeof(Elf32_Phdr);
	assert_int_equal(plan(&c, img.buf, img.size, RAM_SIZE), -1);
	assert_error_has(c.err, "64-bit");

	/* The 32-bit class with the AArch64 machine number is no better. */
	eh32->e_machine = EM_AARCH64;
	assert_int_equal(plan(&c, img.buf, img.size, RAM_SIZE), -1);
	assert_error_has(c.err, "64-bit");
	free_elf(&img);
}

static void test_elf_not_executable(void **state)
{
	static const Elf64_Half types[] = { ET_DYN, ET_REL, ET_CORE, ET_NONE };
	struct elf_image img;
	struct ctx c;

	(void)state;
	for (size_t i = 0; i < sizeof(types) / sizeof(types[0]); i++) {
		build_simple_elf(&img, RAM_BASE, RAM_BASE);
		img.eh->e_type = types[i];
		assert_int_equal(plan(&c, img.buf, img.size, RAM_SIZE), -1);
		assert_error_has(c.err, "executable");
		free_elf(&img);
	}
}

static void test_elf_no_load_segment(void **state)
{
	const struct seg_spec note = { PT_NOTE, RAM_BASE, 0x10, 0x10 };
	const struct seg_spec empty = { PT_LOAD, RAM_BASE, 0, 0 };
	struct elf_image img;
	struct ctx c;

	(void)state;
	build_elf(&img, &note, 1, RAM_BASE, false);
	assert_int_equal(plan(&c, img.buf, img.size, RAM_SIZE), -1);
	assert_error_has(c.err, "no loadable segment");
	free_elf(&img);

	build_elf(&img, &empty, 1, RAM_BASE, false);
	assert_int_equal(plan(&c, img.buf, img.size, RAM_SIZE), -1);
	assert_error_has(c.err, "no loadable segment");
	free_elf(&img);

	build_elf(&img, NULL, 0, RAM_BASE, false);
	assert_int_equal(plan(&c, img.buf, img.size, RAM_SIZE), -1);
	assert_error_has(c.err, "no loadable segment");
	free_elf(&img);
}

static void test_elf_filesz_above_memsz(void **state)
{
	const struct seg_spec seg = { PT_LOAD, RAM_BASE, 0x100, 0x80 };
	struct elf_image img;
	struct ctx c;

	(void)state;
	build_elf(&img, &seg, 1, RAM_BASE, false);
	assert_int_equal(plan(&c, img.buf, img.size, RAM_SIZE), -1);
	assert_error_has(c.err, "0x100");
	assert_error_has(c.err, "0x80");
	free_elf(&img);
}

static void test_elf_segment_limit(void **state)
{
	struct seg_spec segs[LOADER_MAX_SEGMENTS + 1];
	struct elf_image img;
	struct ctx c;

	(void)state;
	for (unsigned int i = 0; i <= LOADER_MAX_SEGMENTS; i++)
		segs[i] = (struct seg_spec){ PT_LOAD, RAM_BASE + 0x1000 * i, 0x10, 0x1000 };

	build_elf(&img, segs, LOADER_MAX_SEGMENTS, RAM_BASE, false);
	assert_int_equal(plan(&c, img.buf, img.size, RAM_SIZE), 0);
	assert_int_equal(c.plan.nr_segments, LOADER_MAX_SEGMENTS);
	assert_int_equal(c.plan.seg[LOADER_MAX_SEGMENTS - 1].gpa, RAM_BASE + 0x1000 * (LOADER_MAX_SEGMENTS - 1));
	assert_int_equal(c.plan.end, RAM_BASE + 0x1000 * LOADER_MAX_SEGMENTS);
	free_elf(&img);

	build_elf(&img, segs, LOADER_MAX_SEGMENTS + 1, RAM_BASE, false);
	assert_int_equal(plan(&c, img.buf, img.size, RAM_SIZE), -1);
	assert_error_has(c.err, "16");
	free_elf(&img);
}

static void test_elf_huge_values(void **state)
{
	struct elf_image img;
	struct ctx c;

	(void)state;
	/* p_offset + p_filesz would wrap past 2^64 back into the file. */
	build_simple_elf(&img, RAM_BASE, RAM_BASE);
	img.ph[0].p_offset = UINT64_MAX - 0x10;
	img.ph[0].p_filesz = 0x100;
	assert_int_equal(plan(&c, img.buf, img.size, RAM_SIZE), -1);
	assert_error_has(c.err, "truncated");
	free_elf(&img);

	build_simple_elf(&img, RAM_BASE, RAM_BASE);
	img.ph[0].p_offset = 0x40;
	img.ph[0].p_filesz = UINT64_MAX;
	img.ph[0].p_memsz = UINT64_MAX;
	assert_int_equal(plan(&c, img.buf, img.size, RAM_SIZE), -1);
	assert_error_line(c.err);
	free_elf(&img);

	/* Segment at the very top of the address space. */
	build_simple_elf(&img, UINT64_MAX - 0xff, RAM_BASE);
	assert_int_equal(plan(&c, img.buf, img.size, RAM_SIZE), -1);
	assert_error_has(c.err, "outside RAM");
	free_elf(&img);

	/* A program header table that cannot exist. */
	build_simple_elf(&img, RAM_BASE, RAM_BASE);
	img.eh->e_phoff = UINT64_MAX - 8;
	assert_int_equal(plan(&c, img.buf, img.size, RAM_SIZE), -1);
	assert_error_line(c.err);
	img.eh->e_phoff = sizeof(Elf64_Ehdr);
	img.eh->e_phnum = 0xfffe;
	assert_int_equal(plan(&c, img.buf, img.size, RAM_SIZE), -1);
	assert_error_line(c.err);
	free_elf(&img);
}

/*
 * Program header fields a corrupt file may carry: e_phnum = PN_XNUM (the
 * count then lives in section 0, which this file does not have) and an
 * e_phentsize that is not the size of an Elf64_Phdr. Each is refused with
 * one line, not followed into memory that is not there.
 */
static void test_elf_bad_phnum_and_phentsize(void **state)
{
	static const Elf64_Half entsizes[] = { 0, 1, sizeof(Elf64_Phdr) - 1, sizeof(Elf64_Phdr) + 8, 0xffff };
	struct elf_image img;
	struct ctx c;

	(void)state;
	build_simple_elf(&img, RAM_BASE, RAM_BASE);
	img.eh->e_phnum = PN_XNUM;
	assert_int_equal(plan(&c, img.buf, img.size, RAM_SIZE), -1);
	assert_error_has(c.err, "truncated");
	img.eh->e_phnum = 1;
	for (size_t i = 0; i < sizeof(entsizes) / sizeof(entsizes[0]); i++) {
		img.eh->e_phentsize = entsizes[i];
		assert_int_equal(plan(&c, img.buf, img.size, RAM_SIZE), -1);
		assert_error_has(c.err, "program header entries");
	}
	img.eh->e_phentsize = sizeof(Elf64_Phdr);
	assert_int_equal(plan(&c, img.buf, img.size, RAM_SIZE), 0);
	free_elf(&img);
}

/* ---- raw binaries ------------------------------------------------------ */

static void test_raw_tiny(void **state)
{
	static const uint8_t code[] = { 0x1f, 0x20, 0x03, 0xd5, 0x00, 0x00, 0x00, 0x14 };
	struct test_ram r;
	struct ctx c;

	(void)state;
	assert_int_equal(plan(&c, code, sizeof(code), RAM_SIZE), 0);
	assert_int_equal(c.plan.format, KERNEL_FORMAT_RAW);
	assert_int_equal(c.plan.start, RAM_BASE + 0x80000);
	assert_int_equal(c.plan.entry, RAM_BASE + 0x80000);
	assert_int_equal(c.plan.end, RAM_BASE + 0x80000 + sizeof(code));
	assert_int_equal(c.plan.nr_segments, 1);

	ram_init(&r, RAM_SIZE);
	assert_int_equal(loader_load_kernel(&c.plan, code, sizeof(code), &r.mem), 0);
	assert_memory_equal(ram_at(&r, RAM_BASE + 0x80000), code, sizeof(code));
	assert_true(all_bytes(ram_at(&r, RAM_BASE + 0x80000 + sizeof(code)), 0x100, 0xaa));
	assert_true(all_bytes(ram_at(&r, RAM_BASE + 0x7ff00), 0x100, 0xaa));
	free(r.host);
}

static void test_raw_does_not_fit(void **state)
{
	const uint64_t ram = 1 * MIB;
	size_t fits = ram - 0x80000;
	uint8_t *d = calloc(1, fits + 1);
	struct ctx c;

	(void)state;
	assert_non_null(d);
	d[0] = 0x42;
	assert_int_equal(plan(&c, d, fits, ram), 0);
	assert_int_equal(c.plan.end, RAM_BASE + ram);
	assert_int_equal(plan(&c, d, fits + 1, ram), -1);
	assert_error_has(c.err, "does not fit");
	assert_error_has(c.err, "524289");
	/* RAM smaller than the raw kernel offset. */
	assert_int_equal(plan(&c, d, 4, 0x40000), -1);
	assert_error_line(c.err);
	free(d);
}

/* kvmtool's -f: any bytes (an ELF or Image header too) at the address
 * given, entered there, inside RAM and instruction aligned. */
static void test_firmware(void **state)
{
	static const uint8_t elf_like[64] = { 0x7f, 'E', 'L', 'F' };
	const uint64_t ram = 4 * MIB;
	struct ctx c;

	(void)state;
	assert_int_equal(loader_plan_firmware(sizeof(elf_like), RAM_BASE, RAM_BASE, ram, &c.plan, c.err,
					      sizeof(c.err)), 0);
	assert_int_equal(c.plan.format, KERNEL_FORMAT_RAW);
	assert_int_equal(c.plan.start, RAM_BASE);
	assert_int_equal(c.plan.entry, RAM_BASE);
	assert_int_equal(c.plan.end, RAM_BASE + sizeof(elf_like));
	assert_int_equal(loader_plan_firmware(16, RAM_BASE + ram - 16, RAM_BASE, ram, &c.plan, c.err,
					      sizeof(c.err)), 0);
	assert_int_equal(c.plan.entry, RAM_BASE + ram - 16);
	/* Past RAM's end, below it, wrapping, unaligned, empty. */
	assert_int_equal(loader_plan_firmware(32, RAM_BASE + ram - 16, RAM_BASE, ram, &c.plan, c.err,
					      sizeof(c.err)), -1);
	assert_error_has(c.err, "firmware of 32 bytes does not fit at 0x403ffff0");
	assert_int_equal(loader_plan_firmware(16, RAM_BASE - 16, RAM_BASE, ram, &c.plan, c.err, sizeof(c.err)), -1);
	assert_error_has(c.err, "does not fit");
	assert_int_equal(loader_plan_firmware(16, UINT64_MAX - 8, RAM_BASE, ram, &c.plan, c.err, sizeof(c.err)), -1);
	assert_error_line(c.err);
	assert_int_equal(loader_plan_firmware(16, RAM_BASE + 2, RAM_BASE, ram, &c.plan, c.err, sizeof(c.err)), -1);
	assert_error_has(c.err, "not 4-byte aligned");
	assert_int_equal(loader_plan_firmware(0, RAM_BASE, RAM_BASE, ram, &c.plan, c.err, sizeof(c.err)), -1);
	assert_error_has(c.err, "firmware file is empty");
}

/* ---- loader_load_kernel ------------------------------------------------ */

static void test_load_rejects_bad_plans(void **state)
{
	static const uint8_t data[0x100];
	struct kernel_plan p = { .nr_segments = 1 };
	struct test_ram r;

	(void)state;
	ram_init(&r, 0x10000);

	p.seg[0] = (struct load_segment){ RAM_BASE + 0xff00, 0, 0x100, 0x200 };	/* BSS past the end */
	assert_int_equal(loader_load_kernel(&p, data, sizeof(data), &r.mem), -EFAULT);
	p.seg[0] = (struct load_segment){ RAM_BASE - 0x10, 0, 0x100, 0x100 };	/* below RAM */
	assert_int_equal(loader_load_kernel(&p, data, sizeof(data), &r.mem), -EFAULT);
	p.seg[0] = (struct load_segment){ RAM_BASE, 0x80, 0x81, 0x100 };	/* past the file */
	assert_int_equal(loader_load_kernel(&p, data, sizeof(data), &r.mem), -EINVAL);
	p.seg[0] = (struct load_segment){ RAM_BASE, UINT64_MAX, 2, 2 };
	assert_int_equal(loader_load_kernel(&p, data, sizeof(data), &r.mem), -EINVAL);
	/* The refused copies below RAM and past the file wrote nothing. */
	assert_true(all_bytes(r.host, 0xff00, 0xaa));

	p.seg[0] = (struct load_segment){ RAM_BASE, 0x80, 0x80, 0x100 };	/* exactly the file's end */
	assert_int_equal(loader_load_kernel(&p, data, sizeof(data), &r.mem), 0);
	assert_true(all_bytes(r.host, 0x100, 0));
	free(r.host);
}

/* ---- loader_plan_layout ------------------------------------------------ */

static struct kernel_plan kernel_ending_at(uint64_t end)
{
	struct kernel_plan k = { .format = KERNEL_FORMAT_IMAGE, .start = RAM_BASE, .end = end,
				 .entry = RAM_BASE };

	return k;
}

static void test_layout_fits(void **state)
{
	const uint64_t ram = 256 * MIB, initrd = 5 * MIB + 123;
	struct kernel_plan k = kernel_ending_at(RAM_BASE + 40 * MIB + 0x123);
	struct boot_layout l;
	char err[256] = "";

	(void)state;
	assert_int_equal(loader_plan_layout(&k, initrd, MEMMAP_DTB_MAX_SIZE, RAM_BASE, ram,
					    &l, err, sizeof(err)), 0);
	/* DTB in the top 2 MiB; initrd page-aligned, just below it, above the kernel. */
	assert_int_equal(l.dtb_addr, RAM_BASE + ram - MEMMAP_DTB_MAX_SIZE);
	assert_int_equal(l.initrd_size, initrd);
	assert_int_equal(l.initrd_start % 4096, 0);
	assert_true(l.initrd_start + l.initrd_size <= l.dtb_addr);
	assert_true(l.dtb_addr - (l.initrd_start + l.initrd_size) < 4096);
	assert_true(l.initrd_start >= k.end);
}

static void test_layout_no_initrd(void **state)
{
	struct kernel_plan k = kernel_ending_at(RAM_BASE + 0x100000);
	struct boot_layout l;
	char err[256] = "";

	(void)state;
	memset(&l, 0x5a, sizeof(l));
	assert_int_equal(loader_plan_layout(&k, 0, MEMMAP_DTB_MAX_SIZE, RAM_BASE, RAM_SIZE,
					    &l, err, sizeof(err)), 0);
	assert_int_equal(l.initrd_size, 0);
	assert_int_equal(l.initrd_start, 0);
	assert_int_equal(l.dtb_addr, RAM_END - MEMMAP_DTB_MAX_SIZE);
}

static void test_layout_exact_fit(void **state)
{
	const uint64_t initrd = 3 * 4096 - 100;	/* rounds up to 3 pages */
	struct kernel_plan k = kernel_ending_at(RAM_END - MEMMAP_DTB_MAX_SIZE - 3 * 4096);
	struct boot_layout l;
	char err[256] = "";

	(void)state;
	assert_int_equal(loader_plan_layout(&k, initrd, MEMMAP_DTB_MAX_SIZE, RAM_BASE, RAM_SIZE,
					    &l, err, sizeof(err)), 0);
	assert_int_equal(l.initrd_start, k.end);

	k.end += 1;
	assert_int_equal(loader_plan_layout(&k, initrd, MEMMAP_DTB_MAX_SIZE, RAM_BASE, RAM_SIZE,
					    &l, err, sizeof(err)), -1);
	assert_error_line(err);
	assert_int_equal(strncmp(err, "RAM too small", 13), 0);

	/* Without an initrd the kernel may run right up to the DTB. */
	k.end = RAM_END - MEMMAP_DTB_MAX_SIZE;
	assert_int_equal(loader_plan_layout(&k, 0, MEMMAP_DTB_MAX_SIZE, RAM_BASE, RAM_SIZE,
					    &l, err, sizeof(err)), 0);
	k.end += 1;
	assert_int_equal(loader_plan_layout(&k, 0, MEMMAP_DTB_MAX_SIZE, RAM_BASE, RAM_SIZE,
					    &l, err, sizeof(err)), -1);
	assert_int_equal(strncmp(err, "RAM too small", 13), 0);
}

static void test_layout_ram_too_small(void **state)
{
	struct kernel_plan k = kernel_ending_at(RAM_BASE + 10 * MIB);
	struct boot_layout l;
	char err[256] = "";

	(void)state;
	assert_int_equal(loader_plan_layout(&k, 8 * MIB, MEMMAP_DTB_MAX_SIZE, RAM_BASE, RAM_SIZE,
					    &l, err, sizeof(err)), -1);
	assert_int_equal(strncmp(err, "RAM too small", 13), 0);
	assert_error_has(err, "16 MiB");
	assert_error_has(err, "8192 KiB");	/* the initrd */
	assert_error_has(err, "2048 KiB");	/* the device tree */

	/* RAM smaller than the device tree reservation alone. */
	k = kernel_ending_at(RAM_BASE);
	assert_int_equal(loader_plan_layout(&k, 0, MEMMAP_DTB_MAX_SIZE, RAM_BASE, MIB,
					    &l, err, sizeof(err)), -1);
	assert_int_equal(strncmp(err, "RAM too small", 13), 0);

	/* A kernel that ends beyond RAM. */
	k = kernel_ending_at(RAM_END + MIB);
	assert_int_equal(loader_plan_layout(&k, 0, MEMMAP_DTB_MAX_SIZE, RAM_BASE, RAM_SIZE,
					    &l, err, sizeof(err)), -1);
	assert_int_equal(strncmp(err, "RAM too small", 13), 0);
}

static void test_layout_huge_initrd(void **state)
{
	static const uint64_t sizes[] = { UINT64_MAX, UINT64_MAX - 4000, UINT64_MAX - MEMMAP_DTB_MAX_SIZE,
					  1ULL << 63, RAM_SIZE };
	struct kernel_plan k = kernel_ending_at(RAM_BASE + MIB);
	struct boot_layout l;
	char err[256];

	(void)state;
	for (size_t i = 0; i < sizeof(sizes) / sizeof(sizes[0]); i++) {
		if (loader_plan_layout(&k, sizes[i], MEMMAP_DTB_MAX_SIZE, RAM_BASE, RAM_SIZE,
				       &l, err, sizeof(err)) != -1)
			fail_msg("initrd of 0x%llx bytes placed at 0x%llx", (unsigned long long)sizes[i],
				 (unsigned long long)l.initrd_start);
		assert_int_equal(strncmp(err, "RAM too small", 13), 0);
		assert_null(strstr(err, "initrd needs 0 KiB"));
	}
}

static void test_layout_with_planned_kernel(void **state)
{
	uint8_t *d = make_image(0x5000, 0, 0x10000, 0);
	struct boot_layout l;
	struct ctx c;

	(void)state;
	/* The whole chain as vm_load runs it. */
	assert_int_equal(plan(&c, d, 0x5000, RAM_SIZE), 0);
	assert_int_equal(loader_plan_layout(&c.plan, 0x2345, MEMMAP_DTB_MAX_SIZE, RAM_BASE, RAM_SIZE,
					    &l, c.err, sizeof(c.err)), 0);
	assert_true(l.initrd_start >= c.plan.end);
	assert_true(l.initrd_start + l.initrd_size <= l.dtb_addr);
	assert_int_equal(l.dtb_addr + MEMMAP_DTB_MAX_SIZE, RAM_END);
	free(d);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_format_names),
		cmocka_unit_test(test_empty_file),
		cmocka_unit_test(test_short_magic_is_raw),
		cmocka_unit_test(test_image_fits),
		cmocka_unit_test(test_image_text_offset),
		cmocka_unit_test(test_image_exactly_fills_ram),
		cmocka_unit_test(test_image_bigger_than_ram),
		cmocka_unit_test(test_image_legacy_zero_size),
		cmocka_unit_test(test_image_unaligned_text_offset),
		cmocka_unit_test(test_image_big_endian_flag),
		cmocka_unit_test(test_image_huge_header_values),
		cmocka_unit_test(test_image_file_bigger_than_image_size),
		cmocka_unit_test(test_image_pe_complete),
		cmocka_unit_test(test_image_pe_truncated),
		cmocka_unit_test(test_image_pe_section_table_cut),
		cmocka_unit_test(test_image_pe_header_cut),
		cmocka_unit_test(test_image_pe_offset_not_pe),
		cmocka_unit_test(test_image_loads),
		cmocka_unit_test(test_elf_plan_and_load),
		cmocka_unit_test(test_elf_segment_at_ram_edges),
		cmocka_unit_test(test_elf_segment_outside_ram),
		cmocka_unit_test(test_elf_entry_outside_ram),
		cmocka_unit_test(test_elf_truncated_header),
		cmocka_unit_test(test_elf_truncated_program_headers),
		cmocka_unit_test(test_elf_truncated_segment_data),
		cmocka_unit_test(test_elf_wrong_class_or_machine),
		cmocka_unit_test(test_elf_not_executable),
		cmocka_unit_test(test_elf_no_load_segment),
		cmocka_unit_test(test_elf_filesz_above_memsz),
		cmocka_unit_test(test_elf_segment_limit),
		cmocka_unit_test(test_elf_huge_values),
		cmocka_unit_test(test_elf_bad_phnum_and_phentsize),
		cmocka_unit_test(test_raw_tiny),
		cmocka_unit_test(test_raw_does_not_fit),
		cmocka_unit_test(test_firmware),
		cmocka_unit_test(test_load_rejects_bad_plans),
		cmocka_unit_test(test_layout_fits),
		cmocka_unit_test(test_layout_no_initrd),
		cmocka_unit_test(test_layout_exact_fit),
		cmocka_unit_test(test_layout_ram_too_small),
		cmocka_unit_test(test_layout_huge_initrd),
		cmocka_unit_test(test_layout_with_planned_kernel),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
