/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Guest RAM as hvmm sees it. Every access by hvmm to guest memory goes through
 * guest_mem_ptr, the one bounds-checked accessor: a guest-supplied address can
 * never make hvmm touch memory outside the RAM it mapped.
 */
#ifndef HVMM_GUEST_MEM_H
#define HVMM_GUEST_MEM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct guest_mem {
	uint64_t base;     /* guest physical address of RAM */
	uint64_t size;
	uint8_t *host;     /* where it is mapped in hvmm */
};

/* Host pointer to [gpa, gpa + len) if all of it is RAM, else NULL. */
void *guest_mem_ptr(const struct guest_mem *mem, uint64_t gpa, uint64_t len);

bool guest_mem_contains(const struct guest_mem *mem, uint64_t gpa, uint64_t len);

/* Copy into guest RAM; -EFAULT if the range is not all RAM. */
int guest_mem_write(const struct guest_mem *mem, uint64_t gpa, const void *src, uint64_t len);
int guest_mem_zero(const struct guest_mem *mem, uint64_t gpa, uint64_t len);

#endif
