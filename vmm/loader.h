/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Kernel loading decisions, kept apart from KVM so they can be unit-tested:
 * what format a kernel file is (arm64 Image, ELF, raw binary), where each piece
 * goes in guest RAM, and where the initrd and device tree fit around it.
 */
#ifndef HVMM_LOADER_H
#define HVMM_LOADER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "guest_mem.h"

enum kernel_format {
	KERNEL_FORMAT_IMAGE,   /* arm64 Linux Image with its 64-byte header */
	KERNEL_FORMAT_ELF,     /* ELF64 AArch64, PT_LOAD segments at p_paddr */
	KERNEL_FORMAT_RAW,     /* anything else: loaded at RAM + 0x80000 */
};

#define LOADER_MAX_SEGMENTS 16

struct load_segment {
	uint64_t gpa;      /* destination */
	uint64_t offset;   /* in the file */
	uint64_t filesz;   /* bytes copied from the file */
	uint64_t memsz;    /* bytes occupied; the rest past filesz is zeroed */
};

struct kernel_plan {
	enum kernel_format format;
	uint64_t entry;
	uint64_t start, end;          /* span of RAM the kernel occupies */
	bool big_endian;              /* Image header flag bit 0 */
	unsigned int page_size_code;  /* Image header flags bits 2:1 */
	unsigned int nr_segments;
	struct load_segment seg[LOADER_MAX_SEGMENTS];
};

struct boot_layout {
	uint64_t dtb_addr;
	uint64_t initrd_start;
	uint64_t initrd_size;         /* 0: no initrd */
};

const char *kernel_format_name(enum kernel_format f);

/* Decide how to load a kernel file of size bytes into RAM [ram_base, +ram_size).
 * Returns 0, or -1 with a one-line reason in err. */
int loader_plan_kernel(const void *data, size_t size, uint64_t ram_base, uint64_t ram_size,
		       struct kernel_plan *plan, char *err, size_t errlen);

/* kvmtool's -f: a firmware image of size bytes, whatever its contents,
 * at addr in RAM and entered there. Returns 0, or -1 with err. */
int loader_plan_firmware(size_t size, uint64_t addr, uint64_t ram_base, uint64_t ram_size,
			 struct kernel_plan *plan, char *err, size_t errlen);

/* Place the device tree (dtb_max bytes reserved at the top of RAM) and the
 * initrd (just below it) clear of the kernel. Returns 0 or -1 with err. */
int loader_plan_layout(const struct kernel_plan *kernel, uint64_t initrd_size, uint64_t dtb_max,
		       uint64_t ram_base, uint64_t ram_size, struct boot_layout *out,
		       char *err, size_t errlen);

/* Copy the planned segments into guest RAM and zero their tails. */
int loader_load_kernel(const struct kernel_plan *plan, const void *data, size_t size,
		       const struct guest_mem *mem);

#endif
