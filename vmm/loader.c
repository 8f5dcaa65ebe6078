/* SPDX-License-Identifier: GPL-2.0-only */
#include <errno.h>
#include <gelf.h>
#include <libelf.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "loader.h"
#include "memmap.h"

/* arm64 Image header (Documentation/arch/arm64/booting.rst), little-endian. */
#define IMAGE_HEADER_SIZE     64
#define IMAGE_MAGIC_OFFSET    0x38
#define IMAGE_MAGIC           0x644d5241U          /* "ARM\x64" */
#define IMAGE_PE_OFFSET       0x3c
#define IMAGE_LEGACY_TEXT_OFF 0x80000ULL           /* image_size == 0: pre-3.17 */
#define IMAGE_FLAG_BE         (1ULL << 0)

#define MIB (1024ULL * 1024ULL)

__attribute__((format(printf, 3, 4)))
static int fail(char *err, size_t errlen, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(err, errlen, fmt, ap);
	va_end(ap);
	return -1;
}

static uint64_t le_read(const uint8_t *p, unsigned int bytes)
{
	uint64_t v = 0;

	for (unsigned int i = 0; i < bytes; i++)
		v |= (uint64_t)p[i] << (8 * i);
	return v;
}

/* (a + b) in MiB, rounded up, without the sum wrapping: header fields and file
 * sizes in error messages may be anything. */
static unsigned long long mib_up(uint64_t a, uint64_t b)
{
	return a / MIB + b / MIB + (a % MIB + b % MIB + MIB - 1) / MIB;
}

static bool range_in_ram(uint64_t start, uint64_t len, uint64_t ram_base, uint64_t ram_size)
{
	return start >= ram_base && start - ram_base <= ram_size &&
	       len <= ram_size - (start - ram_base);
}

const char *kernel_format_name(enum kernel_format f)
{
	switch (f) {
	case KERNEL_FORMAT_IMAGE: return "arm64 Image";
	case KERNEL_FORMAT_ELF:   return "ELF";
	case KERNEL_FORMAT_RAW:   return "raw binary";
	}
	return "?";
}

/*
 * An EFI-stub Image carries a PE/COFF header whose section table says how long
 * the file must be: the one reliable way to notice a truncated Image.
 * Returns the expected length, 0 when there is no usable PE header, or
 * UINT64_MAX when the file ends before the PE headers do.
 */
static uint64_t image_pe_file_length(const uint8_t *d, size_t size)
{
	uint64_t pe = le_read(d + IMAGE_PE_OFFSET, 4), nsec, optsz, sec, end = 0;

	if (pe == 0)
		return 0;
	/* The offset is reserved (zero) without a PE header: one that points
	 * past the end of the file means the file was cut short. */
	if (pe > size || size - pe < 24)
		return UINT64_MAX;
	if (memcmp(d + pe, "PE\0\0", 4))
		return 0;
	nsec = le_read(d + pe + 6, 2);
	optsz = le_read(d + pe + 20, 2);
	sec = pe + 24 + optsz;
	if (sec > size || (size - sec) / 40 < nsec)
		return UINT64_MAX;   /* the section table itself is cut off */
	for (uint64_t i = 0; i < nsec; i++) {
		const uint8_t *s = d + sec + 40 * i;
		uint64_t raw_end = le_read(s + 16, 4) + le_read(s + 20, 4);

		if (raw_end > end)
			end = raw_end;
	}
	return end;
}

static int plan_image(const uint8_t *d, size_t size, uint64_t ram_base, uint64_t ram_size,
		      struct kernel_plan *plan, char *err, size_t errlen)
{
	uint64_t text_offset = le_read(d + 0x08, 8);
	uint64_t image_size = le_read(d + 0x10, 8);
	uint64_t flags = le_read(d + 0x18, 8);
	uint64_t expected = image_pe_file_length(d, size), span;

	if (expected == UINT64_MAX)
		return fail(err, errlen, "truncated Image: the file has %zu bytes and ends inside its PE/COFF headers",
			    size);
	if (expected > size)
		return fail(err, errlen, "truncated Image: the file has %zu bytes, its header describes %llu",
			    size, (unsigned long long)expected);
	if (image_size == 0) {
		text_offset = IMAGE_LEGACY_TEXT_OFF;
		image_size = size;
	}
	if (text_offset % 4096)
		return fail(err, errlen, "Image text_offset 0x%llx is not page aligned",
			    (unsigned long long)text_offset);
	span = image_size > size ? image_size : size;
	if (!range_in_ram(ram_base + text_offset, span, ram_base, ram_size))
		return fail(err, errlen, "Image needs %llu MiB at RAM + 0x%llx (image_size 0x%llx) but RAM is %llu MiB",
			    mib_up(text_offset, span),
			    (unsigned long long)text_offset, (unsigned long long)image_size,
			    (unsigned long long)(ram_size / MIB));
	plan->format = KERNEL_FORMAT_IMAGE;
	plan->big_endian = flags & IMAGE_FLAG_BE;
	plan->page_size_code = (flags >> 1) & 3;
	plan->start = ram_base + text_offset;
	plan->end = plan->start + span;
	plan->entry = plan->start;
	plan->nr_segments = 1;
	plan->seg[0] = (struct load_segment){ plan->start, 0, size, span };
	return 0;
}

/* A raw binary at start, entered at its first byte. */
static int plan_raw_at(size_t size, uint64_t start, const char *what, uint64_t ram_base, uint64_t ram_size,
		       struct kernel_plan *plan, char *err, size_t errlen)
{
	if (start < ram_base || !range_in_ram(start, size, ram_base, ram_size))
		return fail(err, errlen, "%s of %zu bytes does not fit at 0x%llx in RAM 0x%llx-0x%llx", what, size,
			    (unsigned long long)start, (unsigned long long)ram_base,
			    (unsigned long long)(ram_base + ram_size));
	if (start % 4)
		return fail(err, errlen, "%s address 0x%llx is not 4-byte aligned (an instruction's)", what,
			    (unsigned long long)start);
	plan->format = KERNEL_FORMAT_RAW;
	plan->start = plan->entry = start;
	plan->end = start + size;
	plan->nr_segments = 1;
	plan->seg[0] = (struct load_segment){ start, 0, size, size };
	return 0;
}

static int plan_elf_segments(Elf *elf, size_t size, uint64_t ram_base, uint64_t ram_size,
			     struct kernel_plan *plan, char *err, size_t errlen)
{
	size_t phnum;
	GElf_Phdr ph;

	if (elf_getphdrnum(elf, &phnum))
		return fail(err, errlen, "truncated ELF: cannot read its program headers (%s)", elf_errmsg(-1));
	plan->start = UINT64_MAX;
	plan->end = 0;
	for (size_t i = 0; i < phnum; i++) {
		if (!gelf_getphdr(elf, (int)i, &ph))
			return fail(err, errlen, "truncated ELF: program header %zu unreadable (%s)", i, elf_errmsg(-1));
		if (ph.p_type != PT_LOAD || ph.p_memsz == 0)
			continue;
		if (ph.p_filesz > ph.p_memsz)
			return fail(err, errlen, "ELF segment %zu: file size 0x%llx exceeds memory size 0x%llx", i,
				    (unsigned long long)ph.p_filesz, (unsigned long long)ph.p_memsz);
		if (ph.p_offset > size || ph.p_filesz > size - ph.p_offset)
			return fail(err, errlen, "truncated ELF: segment %zu needs file bytes up to 0x%llx, the file has 0x%zx",
				    i, (unsigned long long)(ph.p_offset + ph.p_filesz), size);
		if (!range_in_ram(ph.p_paddr, ph.p_memsz, ram_base, ram_size))
			return fail(err, errlen, "ELF segment %zu at 0x%llx-0x%llx is outside RAM 0x%llx-0x%llx", i,
				    (unsigned long long)ph.p_paddr, (unsigned long long)(ph.p_paddr + ph.p_memsz),
				    (unsigned long long)ram_base, (unsigned long long)(ram_base + ram_size));
		if (plan->nr_segments == LOADER_MAX_SEGMENTS)
			return fail(err, errlen, "ELF has more than %d loadable segments", LOADER_MAX_SEGMENTS);
		plan->seg[plan->nr_segments++] = (struct load_segment){
			ph.p_paddr, ph.p_offset, ph.p_filesz, ph.p_memsz };
		if (ph.p_paddr < plan->start)
			plan->start = ph.p_paddr;
		if (ph.p_paddr + ph.p_memsz > plan->end)
			plan->end = ph.p_paddr + ph.p_memsz;
	}
	if (plan->nr_segments == 0)
		return fail(err, errlen, "ELF has no loadable segment");
	return 0;
}

static int plan_elf(const uint8_t *d, size_t size, uint64_t ram_base, uint64_t ram_size,
		    struct kernel_plan *plan, char *err, size_t errlen)
{
	GElf_Ehdr eh;
	Elf *elf;
	int ret = -1;

	if (elf_version(EV_CURRENT) == EV_NONE)
		return fail(err, errlen, "libelf initialisation failed");
	/* libelf wants a writable pointer but only reads an ELF_C_READ_MMAP image. */
	elf = elf_memory((char *)(uintptr_t)d, size);
	if (!elf)
		return fail(err, errlen, "unreadable ELF (%s)", elf_errmsg(-1));
	if (!gelf_getehdr(elf, &eh)) {
		fail(err, errlen, "truncated ELF: header unreadable (%s)", elf_errmsg(-1));
		goto out;
	}
	if (eh.e_ident[EI_CLASS] != ELFCLASS64 || eh.e_machine != EM_AARCH64) {
		fail(err, errlen, "ELF is not a 64-bit AArch64 executable (class %u, machine %u)",
		     eh.e_ident[EI_CLASS], eh.e_machine);
		goto out;
	}
	if (eh.e_type != ET_EXEC) {
		fail(err, errlen, "ELF is not an executable (type %u)", eh.e_type);
		goto out;
	}
	/* libelf steps through the table by sizeof(Elf64_Phdr), whatever the
	 * header says: with any other entry size it would read the wrong bytes. */
	if (eh.e_phnum && eh.e_phentsize != sizeof(Elf64_Phdr)) {
		fail(err, errlen, "corrupt ELF: program header entries of %u bytes (ELF64 ones have %zu)",
		     eh.e_phentsize, sizeof(Elf64_Phdr));
		goto out;
	}
	/* libelf does not always notice a file cut inside its program headers. */
	if (eh.e_phnum != PN_XNUM &&
	    (eh.e_phoff > size || (uint64_t)eh.e_phnum * eh.e_phentsize > size - eh.e_phoff)) {
		fail(err, errlen, "truncated ELF: its program headers end at 0x%llx, the file has 0x%zx bytes",
		     (unsigned long long)(eh.e_phoff + (uint64_t)eh.e_phnum * eh.e_phentsize), size);
		goto out;
	}
	plan->format = KERNEL_FORMAT_ELF;
	plan->big_endian = eh.e_ident[EI_DATA] == ELFDATA2MSB;
	if (plan_elf_segments(elf, size, ram_base, ram_size, plan, err, errlen))
		goto out;
	if (!range_in_ram(eh.e_entry, 4, ram_base, ram_size)) {
		fail(err, errlen, "ELF entry point 0x%llx is outside RAM", (unsigned long long)eh.e_entry);
		goto out;
	}
	plan->entry = eh.e_entry;
	ret = 0;
out:
	elf_end(elf);
	return ret;
}

int loader_plan_kernel(const void *data, size_t size, uint64_t ram_base, uint64_t ram_size,
		       struct kernel_plan *plan, char *err, size_t errlen)
{
	const uint8_t *d = data;

	memset(plan, 0, sizeof(*plan));
	if (size == 0)
		return fail(err, errlen, "kernel file is empty");
	if (size >= 4 && !memcmp(d, ELFMAG, SELFMAG))
		return plan_elf(d, size, ram_base, ram_size, plan, err, errlen);
	if (size >= IMAGE_HEADER_SIZE && le_read(d + IMAGE_MAGIC_OFFSET, 4) == IMAGE_MAGIC)
		return plan_image(d, size, ram_base, ram_size, plan, err, errlen);
	return plan_raw_at(size, ram_base + MEMMAP_RAW_KERNEL_OFFSET, "raw kernel", ram_base, ram_size, plan, err,
			   errlen);
}

int loader_plan_firmware(size_t size, uint64_t addr, uint64_t ram_base, uint64_t ram_size,
			 struct kernel_plan *plan, char *err, size_t errlen)
{
	memset(plan, 0, sizeof(*plan));
	if (size == 0)
		return fail(err, errlen, "firmware file is empty");
	return plan_raw_at(size, addr, "firmware", ram_base, ram_size, plan, err, errlen);
}

int loader_plan_layout(const struct kernel_plan *kernel, uint64_t initrd_size, uint64_t dtb_max,
		       uint64_t ram_base, uint64_t ram_size, struct boot_layout *out,
		       char *err, size_t errlen)
{
	uint64_t ram_end = ram_base + ram_size, free_start, need;

	memset(out, 0, sizeof(*out));
	/* The kernel's span may start anywhere (ELF); what lies below it is free too,
	 * but keeping both above it keeps the rule simple and matches Image boots. */
	free_start = kernel->end;
	/* Bound initrd_size first so that rounding it up cannot wrap. */
	need = initrd_size > ram_size ? UINT64_MAX : dtb_max + ((initrd_size + 4095) & ~4095ULL);
	if (ram_size < dtb_max || free_start > ram_end || ram_end - free_start < need)
		return fail(err, errlen,
			    "RAM too small: %llu MiB of RAM, the kernel ends at RAM + %llu MiB, then the initrd needs %llu KiB and the device tree %llu KiB",
			    (unsigned long long)(ram_size / MIB),
			    (unsigned long long)((kernel->end - ram_base + MIB - 1) / MIB),
			    (unsigned long long)(initrd_size / 1024 + (initrd_size % 1024 != 0)),
			    (unsigned long long)(dtb_max / 1024));
	out->dtb_addr = ram_end - dtb_max;
	out->initrd_size = initrd_size;
	out->initrd_start = initrd_size ? (out->dtb_addr - initrd_size) & ~4095ULL : 0;
	return 0;
}

int loader_load_kernel(const struct kernel_plan *plan, const void *data, size_t size,
		       const struct guest_mem *mem)
{
	const uint8_t *d = data;

	for (unsigned int i = 0; i < plan->nr_segments; i++) {
		const struct load_segment *s = &plan->seg[i];

		if (s->offset > size || s->filesz > size - s->offset)
			return -EINVAL;
		if (guest_mem_write(mem, s->gpa, d + s->offset, s->filesz) ||
		    guest_mem_zero(mem, s->gpa + s->filesz, s->memsz - s->filesz))
			return -EFAULT;
	}
	return 0;
}
