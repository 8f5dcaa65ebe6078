/* SPDX-License-Identifier: GPL-2.0-only */
#ifndef HVMM_RESIDENT_H
#define HVMM_RESIDENT_H

#include "log.h"

/*
 * Once the guest runs, unmap hvmm's own read-only segments (its code and
 * constants) from its resident set: what runs from then on maps back in on
 * its first use. Start-up code (option parsing, ELF loading, building the
 * device tree and the seccomp filters, libelf, zlib) is most of a static
 * hvmm's code, and fault-around kept all of it mapped. The pages stay in
 * the page cache; nothing is lost or re-read. Returns the bytes unmapped.
 */
unsigned long resident_drop_code(const struct log *log);

#endif
