/* SPDX-License-Identifier: GPL-2.0-only */
#include <errno.h>
#include <string.h>

#include "guest_mem.h"

bool guest_mem_contains(const struct guest_mem *mem, uint64_t gpa, uint64_t len)
{
	/* Written so that no sum can wrap: gpa + len may exceed 2^64. */
	return gpa >= mem->base && gpa - mem->base <= mem->size &&
	       len <= mem->size - (gpa - mem->base);
}

void *guest_mem_ptr(const struct guest_mem *mem, uint64_t gpa, uint64_t len)
{
	if (!mem->host || !guest_mem_contains(mem, gpa, len))
		return NULL;
	return mem->host + (gpa - mem->base);
}

int guest_mem_write(const struct guest_mem *mem, uint64_t gpa, const void *src, uint64_t len)
{
	void *dst = guest_mem_ptr(mem, gpa, len);

	if (!dst)
		return -EFAULT;
	memcpy(dst, src, len);
	return 0;
}

int guest_mem_zero(const struct guest_mem *mem, uint64_t gpa, uint64_t len)
{
	void *dst = guest_mem_ptr(mem, gpa, len);

	if (!dst)
		return -EFAULT;
	memset(dst, 0, len);
	return 0;
}
