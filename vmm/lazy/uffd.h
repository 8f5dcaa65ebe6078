/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The userfaultfd that marks guest pages not present: created once per
 * process (it belongs to hvmm's address space, so it can register every
 * boot's new RAM), with poison markers and SIGBUS delivery (Linux 6.6+).
 */
#ifndef HVMM_LAZY_UFFD_H
#define HVMM_LAZY_UFFD_H

#include <linux/userfaultfd.h>
#include <stddef.h>
#include <stdint.h>

#include "vmm/lazy/tracker.h"

/*
 * Newer than the 6.1 headers of Debian's cross toolchain: as the Linux 6.12
 * uAPI (include/uapi/linux/userfaultfd.h) defines them.
 */
#define HVMM_UFFD_FEATURE_POISON  (1ULL << 14)
#define HVMM_UFFDIO_POISON_NR     0x08
struct hvmm_uffdio_poison {
	struct uffdio_range range;
	__u64 mode;
	__s64 updated;
};
#define HVMM_UFFDIO_POISON _IOWR(UFFDIO, HVMM_UFFDIO_POISON_NR, struct hvmm_uffdio_poison)

/* The userfaultfd, its API agreed. The fd, or -1 with err. */
int lazy_uffd_open(char *err, size_t errlen);

/* Register [host, host + size) (page aligned) for MISSING faults, then put a
 * marker on every page not yet populated and set the others LOADED in t.
 * 0, or -1 with err. */
int lazy_uffd_attach(int uffd, uint8_t *host, uint64_t size, uint64_t page_size,
		     struct lazy_tracker *t, char *err, size_t errlen);

/* Copy one page over its marker: 0 (or 0 if it was present already:
 * EEXIST, so data the guest wrote is never overwritten), or -errno. */
int lazy_uffd_copy(int uffd, void *dst, const void *src, uint64_t page_size);

#endif
