/* SPDX-License-Identifier: GPL-2.0-only */
/* See resident.h. Only segments that are never written: MADV_DONTNEED on a
 * private file mapping would drop written (copied) pages with their data. */
#include <errno.h>
#include <link.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "resident.h"

struct drop {
	unsigned long page, bytes;
	int failed_errno;
};

static int drop_object(struct dl_phdr_info *info, size_t size, void *opaque)
{
	struct drop *d = opaque;

	(void)size;
	/* The first object is the executable itself (static: the only one). */
	for (unsigned int i = 0; i < info->dlpi_phnum; i++) {
		const ElfW(Phdr) *ph = &info->dlpi_phdr[i];
		unsigned long start, end;

		if (ph->p_type != PT_LOAD || (ph->p_flags & PF_W))
			continue;
		start = (info->dlpi_addr + ph->p_vaddr) & ~(d->page - 1);
		end = (info->dlpi_addr + ph->p_vaddr + ph->p_memsz + d->page - 1) & ~(d->page - 1);
		if (madvise((void *)start, end - start, MADV_DONTNEED))
			d->failed_errno = errno;
		else
			d->bytes += end - start;
	}
	return 1;
}

unsigned long resident_drop_code(const struct log *log)
{
	struct drop d = { .page = (unsigned long)sysconf(_SC_PAGESIZE) };

	dl_iterate_phdr(drop_object, &d);
	if (d.failed_errno)
		log_info(log, "cannot drop start-up code from memory: %s", strerror(d.failed_errno));
	return d.bytes;
}
